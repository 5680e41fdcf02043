//! Editing goals (`/maal/{id}/rediger`) and creating and editing their indicators
//! (`/maal/{id}/indikatorer/ny`, `/indikatorer/{id}/rediger`): the coordinator only.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::rubric_of;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit, goals::Indicator};
use crate::domain::{progress, validate};
use crate::error::AppError;
use crate::web::forms::{RawForm, SelectOption, check_csrf, options};
use crate::web::{FormErrors, Id, Layout, render};

const GOAL_STATUSES: &[(&str, &str)] = &[
    ("planlagt", "Planlagt"),
    ("aktiv", "I gang"),
    ("opnaaet", "Opnået"),
    ("afsluttet", "Afsluttet"),
];

#[derive(Template)]
#[template(path = "goals/edit.html")]
struct GoalEditPage {
    layout: Layout,
    errors: FormErrors,
    goal: db::goals::Goal,
    title: String,
    description: String,
    results_year: String,
    statuses: Vec<SelectOption>,
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let g = db::goals::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = GoalEditPage {
        layout: Layout::new(&format!("Rediger {}", g.title), "maal", &user),
        errors: FormErrors::default(),
        title: g.title.clone(),
        description: g.description.clone(),
        results_year: g.results_year.map(|y| y.to_string()).unwrap_or_default(),
        statuses: options(GOAL_STATUSES.iter().copied(), &g.status, None),
        goal: g,
    };
    Ok(render(&page)?.into_response())
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &raw.get("csrf"))?;
    let g = db::goals::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    let title =
        validate::required(&raw.get("title"), 200, "Skriv målets titel.").unwrap_or_else(|m| {
            errors.add("title", m);
            String::new()
        });
    let description = errors.take(
        "description",
        validate::optional(&raw.get("description"), 5000),
    );
    let results_year = match raw.get("results_year").trim() {
        "" => None,
        s => match s.parse::<i16>() {
            Ok(y) if (1..=10).contains(&y) => Some(y),
            _ => {
                errors.add("results_year", "Skriv projektåret som et tal fra 1 til 10.");
                None
            }
        },
    };
    let status = raw.get("status");
    if !GOAL_STATUSES.iter().any(|s| s.0 == status) {
        errors.add("status", "Vælg en status.");
    }
    if errors.is_empty() {
        let mut tx = state.pool.begin().await?;
        let before = serde_json::json!({"title": g.title, "description": g.description, "results_year": g.results_year, "status": g.status});
        db::goals::update(&mut *tx, id, &title, &description, results_year, &status).await?;
        let after = serde_json::json!({"title": title, "description": description, "results_year": results_year, "status": status});
        audit::record(
            &mut *tx,
            audit::Entry {
                account_id: Some(user.account_id),
                action: "mål ændret",
                entity: "goal",
                entity_id: id.to_string(),
                before: Some(before),
                after: Some(after),
                reason: "",
            },
        )
        .await?;
        tx.commit().await?;
        return Ok(Redirect::to(&format!("/maal/{id}?gemt=1")).into_response());
    }
    let page = GoalEditPage {
        layout: Layout::new(&format!("Rediger {}", g.title), "maal", &user).with_errors(&errors),
        errors,
        title,
        description,
        results_year: raw.get("results_year"),
        statuses: options(GOAL_STATUSES.iter().copied(), &status, None),
        goal: g,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

#[derive(Template)]
#[template(path = "goals/indicator.html")]
struct IndicatorPage {
    layout: Layout,
    errors: FormErrors,
    heading: String,
    action: String,
    goal_href: String,
    f: RawForm,
    kinds: Vec<SelectOption>,
    directions: Vec<SelectOption>,
    scopes: Vec<SelectOption>,
    automatic: bool,
}

impl IndicatorPage {
    pub fn v(&self, name: &str) -> String {
        self.f.get(name)
    }
}

fn indicator_form(ind: &Indicator) -> RawForm {
    let num = |v: Option<f64>| {
        v.map(|v| format!("{v}").replace('.', ","))
            .unwrap_or_default()
    };
    let mut pairs = vec![
        ("name", ind.name.clone()),
        ("description", ind.description.clone()),
        ("kind", ind.kind.clone()),
        ("unit", ind.unit.clone()),
        (
            "retning",
            if ind.higher_is_better { "op" } else { "ned" }.to_string(),
        ),
        ("baseline_value", num(ind.baseline_value)),
        (
            "baseline_period",
            ind.baseline_period.clone().unwrap_or_default(),
        ),
        ("target_value", num(ind.target_value)),
        (
            "target_period",
            ind.target_period.clone().unwrap_or_default(),
        ),
        ("source", ind.source.clone()),
        (
            "omfang",
            if ind.per_school {
                "skole"
            } else {
                "konsortium"
            }
            .to_string(),
        ),
        ("min_value", num(ind.min_value)),
        ("max_value", num(ind.max_value)),
    ];
    for (level, text) in rubric_of(ind) {
        pairs.push((
            ["niveau_1", "niveau_2", "niveau_3", "niveau_4"]
                [(level.parse::<usize>().unwrap_or(1).clamp(1, 4)) - 1],
            text,
        ));
    }
    RawForm(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn indicator_page(
    user: &CurrentUser,
    goal: Uuid,
    existing: Option<&Indicator>,
    f: RawForm,
    errors: FormErrors,
) -> IndicatorPage {
    let (heading, action) = match existing {
        Some(i) => (
            format!("Rediger indikatoren {}", i.name),
            format!("/indikatorer/{}/rediger", i.id),
        ),
        None => (
            "Ny indikator".to_string(),
            format!("/maal/{goal}/indikatorer/ny"),
        ),
    };
    IndicatorPage {
        layout: Layout::new(&heading, "maal", user).with_errors(&errors),
        errors,
        heading,
        action,
        goal_href: format!("/maal/{goal}"),
        kinds: options(
            [
                ("kvantitativ", "Kvantitativ (et tal)"),
                ("kvalitativ", "Kvalitativ (niveau 1–4 med belæg)"),
            ],
            &f.get("kind"),
            None,
        ),
        directions: options(
            [("op", "Højere er bedre"), ("ned", "Lavere er bedre")],
            &f.get("retning"),
            None,
        ),
        scopes: options(
            [
                ("skole", "Måles pr. skole"),
                ("konsortium", "Måles for hele konsortiet"),
            ],
            &f.get("omfang"),
            None,
        ),
        automatic: existing.is_some_and(|i| i.automatic.is_some()),
        f,
    }
}

pub async fn new_indicator_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(goal): Id,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    db::goals::get(&state.pool, goal)
        .await?
        .ok_or(AppError::NotFound)?;
    let f = RawForm(vec![
        ("kind".into(), "kvantitativ".into()),
        ("retning".into(), "op".into()),
        ("omfang".into(), "skole".into()),
    ]);
    Ok(render(&indicator_page(&user, goal, None, f, FormErrors::default()))?.into_response())
}

pub async fn edit_indicator_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let ind = db::goals::indicator(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(render(&indicator_page(
        &user,
        ind.goal_id,
        Some(&ind),
        indicator_form(&ind),
        FormErrors::default(),
    ))?
    .into_response())
}

fn parse_indicator(f: &RawForm, errors: &mut FormErrors) -> Option<db::goals::IndicatorInput> {
    let mut req = |field: &'static str, max: usize, missing: &'static str| {
        validate::required(&f.get(field), max, missing).unwrap_or_else(|m| {
            errors.add(field, m);
            String::new()
        })
    };
    let name = req("name", 200, "Skriv indikatorens navn.");
    let kind = f.get("kind");
    if kind != "kvantitativ" && kind != "kvalitativ" {
        errors.add("kind", "Vælg kvantitativ eller kvalitativ.");
    }
    let mut num = |field: &'static str, what: &str| {
        validate::decimal_in(&f.get(field), -1e9, 1e9, what).unwrap_or_else(|m| {
            errors.add(field, m);
            None
        })
    };
    let baseline_value = num("baseline_value", "Udgangspunktet");
    let target_value = num("target_value", "Målværdien");
    let min_value = num("min_value", "Laveste mulige værdi");
    let max_value = num("max_value", "Højeste mulige værdi");
    let mut period = |field: &'static str| match f.get(field).trim() {
        "" => None,
        p => progress::parse_period(p).or_else(|| {
            errors.add(field, "Skriv skoleåret som 2022/23.");
            None
        }),
    };
    let baseline_period = period("baseline_period");
    let target_period = period("target_period");
    if let (Some(lo), Some(hi)) = (min_value, max_value)
        && lo >= hi
    {
        errors.add(
            "max_value",
            "Den højeste værdi skal være større end den laveste.",
        );
    }
    for (field, v) in [
        ("baseline_value", baseline_value),
        ("target_value", target_value),
    ] {
        if let Some(v) = v
            && (min_value.is_some_and(|lo| v < lo) || max_value.is_some_and(|hi| v > hi))
        {
            errors.add(
                field,
                "Værdien ligger uden for indikatorens mulige værdier.",
            );
        }
    }
    let rubric = if kind == "kvalitativ" {
        let levels: Vec<String> = (1..=4)
            .map(|l| f.get(&format!("niveau_{l}")).trim().to_string())
            .collect();
        if levels.iter().any(|l| l.is_empty()) {
            errors.add("niveau_1", "Beskriv alle fire niveauer.");
        }
        Some(serde_json::json!({"1": levels[0], "2": levels[1], "3": levels[2], "4": levels[3]}))
    } else {
        None
    };
    errors.is_empty().then(|| db::goals::IndicatorInput {
        name,
        description: f.get("description").trim().to_string(),
        kind: kind.clone(),
        unit: if kind == "kvalitativ" {
            "niveau".into()
        } else {
            f.get("unit").trim().chars().take(30).collect()
        },
        higher_is_better: f.get("retning") != "ned",
        baseline_value,
        baseline_period,
        target_value,
        target_period,
        source: f.get("source").trim().chars().take(300).collect(),
        per_school: f.get("omfang") != "konsortium",
        rubric,
        min_value: if kind == "kvalitativ" {
            Some(1.0)
        } else {
            min_value
        },
        max_value: if kind == "kvalitativ" {
            Some(4.0)
        } else {
            max_value
        },
        active: f.get("deaktiver").is_empty(),
    })
}

async fn save_indicator(
    state: &AppState,
    user: &CurrentUser,
    goal: Uuid,
    existing: Option<Indicator>,
    raw: RawForm,
) -> Result<Response, AppError> {
    check_csrf(user, &raw.get("csrf"))?;
    let mut errors = FormErrors::default();
    if let Some(input) = parse_indicator(&raw, &mut errors) {
        let mut tx = state.pool.begin().await?;
        let before = existing
            .as_ref()
            .map(|i| serde_json::to_value(i).unwrap_or_default());
        let id = db::goals::save_indicator(&mut *tx, existing.as_ref().map(|i| i.id), goal, &input)
            .await?;
        audit::record(
            &mut *tx,
            audit::Entry {
                account_id: Some(user.account_id),
                action: if existing.is_some() { "indikator ændret" } else { "indikator oprettet" },
                entity: "indicator",
                entity_id: id.to_string(),
                before,
                after: Some(serde_json::json!({"name": input.name, "baseline": input.baseline_value, "target": input.target_value})),
                reason: "",
            },
        )
        .await?;
        tx.commit().await?;
        return Ok(Redirect::to(&format!("/maal/{goal}?gemt=1")).into_response());
    }
    let page = indicator_page(user, goal, existing.as_ref(), raw, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

pub async fn create_indicator(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(goal): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    db::goals::get(&state.pool, goal)
        .await?
        .ok_or(AppError::NotFound)?;
    save_indicator(&state, &user, goal, None, raw).await
}

pub async fn update_indicator(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let ind = db::goals::indicator(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let goal = ind.goal_id;
    save_indicator(&state, &user, goal, Some(ind), raw).await
}
