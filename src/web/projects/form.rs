//! The coordinator's form for a grant agreement (`/projekter/ny`, `/projekter/{id}/rediger`):
//! reference, call year, period, the awarded amount per category and the indicative targets.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit};
use crate::domain::format;
use crate::domain::grant::Category;
use crate::error::AppError;
use crate::web::forms::{RawForm, check_csrf};
use crate::web::{FormErrors, Id, Layout, render};

#[derive(Template)]
#[template(path = "projects/form.html")]
struct FormPage {
    layout: Layout,
    errors: FormErrors,
    heading: String,
    action: String,
    cancel: String,
    reference: String,
    call_year: String,
    start_date: String,
    end_date: String,
    budget: Vec<Field>,
    targets: Vec<TargetFields>,
    fewer: String,
    blended: String,
    green: String,
    csrf: String,
}

struct Field {
    id: String,
    label: &'static str,
    value: String,
    error: Option<String>,
}

struct TargetFields {
    label: String,
    fields: Vec<Field>,
}

const TARGET_MEASURES: [(&str, &str); 4] = [
    ("deltagere", "Deltagere"),
    ("dage", "Dage i alt"),
    ("ledsagere", "Ledsagere"),
    ("ledsagerdage", "Ledsagerdage"),
];

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    existing: Option<&db::projects::Project>,
    raw: &RawForm,
    errors: FormErrors,
) -> Result<FormPage, AppError> {
    let types = db::projects::activity_types(&state.pool).await?;
    let (heading, action, cancel) = match existing {
        Some(p) => (
            format!("Rediger {}", p.reference),
            format!("/projekter/{}/rediger", p.id),
            format!("/projekter/{}", p.id),
        ),
        None => (
            "Nyt projekt".to_string(),
            "/projekter/ny".to_string(),
            "/projekter".to_string(),
        ),
    };
    let field = |id: String, label: &'static str| Field {
        value: raw.get(&id),
        error: errors.get(&id).map(str::to_string),
        id,
        label,
    };
    Ok(FormPage {
        layout: Layout::new(&heading, "projekter", user).with_errors(&errors),
        heading,
        action,
        cancel,
        reference: raw.get("reference"),
        call_year: raw.get("call_year"),
        start_date: raw.get("start_date"),
        end_date: raw.get("end_date"),
        budget: Category::ALL
            .iter()
            .map(|c| field(format!("tildelt_{}", c.code()), c.label()))
            .collect(),
        targets: types
            .iter()
            .map(|(code, name)| TargetFields {
                label: format!("{name} ({code})"),
                fields: TARGET_MEASURES
                    .iter()
                    .map(|(key, label)| field(format!("{key}_{code}"), label))
                    .collect(),
            })
            .collect(),
        fewer: raw.get("fewer"),
        blended: raw.get("blended"),
        green: raw.get("green"),
        csrf: user.csrf_token.clone(),
        errors,
    })
}

/// The saved project as the form's fields.
async fn as_form(state: &AppState, p: &db::projects::Project) -> Result<RawForm, AppError> {
    let mut fields = vec![
        ("reference".to_string(), p.reference.clone()),
        ("call_year".to_string(), p.call_year.to_string()),
        ("start_date".to_string(), format::date_short(p.start_date)),
        ("end_date".to_string(), format::date_short(p.end_date)),
        (
            "fewer".to_string(),
            p.target_fewer_opportunities.to_string(),
        ),
        ("blended".to_string(), p.target_blended.to_string()),
        ("green".to_string(), p.target_green.to_string()),
    ];
    for (cat, cents) in db::projects::awarded(&state.pool, p.id).await? {
        fields.push((
            format!("tildelt_{cat}"),
            crate::domain::money_input::euro_input(cents),
        ));
    }
    for t in db::projects::target_rows(&state.pool, p.id).await? {
        for ((key, _), v) in TARGET_MEASURES.iter().zip([
            t.participants,
            t.total_days,
            t.accompanying,
            t.accompanying_days,
        ]) {
            fields.push((format!("{key}_{}", t.activity_type), v.to_string()));
        }
    }
    Ok(RawForm(fields))
}

fn parse(
    raw: &RawForm,
    types: &[(String, String)],
    errors: &mut FormErrors,
) -> Option<db::projects::Input> {
    let reference = raw.get("reference").trim().to_uppercase();
    if reference.is_empty() {
        errors.add(
            "reference",
            "Skriv projektets nummer fra tilskudsaftalen, fx 2025-1-DK01-KA121-SCH-000123456.",
        );
    } else if reference.chars().count() > 60
        || !reference.chars().last().is_some_and(|c| c.is_ascii_digit())
        || !reference.contains("KA1")
    {
        errors.add(
            "reference",
            "Skriv nummeret som i tilskudsaftalen, fx 2025-1-DK01-KA121-SCH-000123456.",
        );
    }
    let call_year = match raw.get("call_year").trim().parse::<i16>() {
        Ok(y) if (2014..=2100).contains(&y) => Some(y),
        _ => {
            errors.add(
                "call_year",
                "Skriv indkaldelsesåret med fire cifre, fx 2025.",
            );
            None
        }
    };
    let date = |field: &'static str, label: &str, errors: &mut FormErrors| {
        format::parse_date_checked(&raw.get(field))
            .map_err(|e| errors.add(field, format::date_message(e, label, "01.06.2025")))
            .ok()
    };
    let start = date("start_date", "Første dag", errors);
    let end = date("end_date", "Sidste dag", errors);
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.add(
            "end_date",
            "«Sidste dag» skal ligge på eller efter «Første dag».",
        );
    }
    let mut budget = Vec::new();
    for c in Category::ALL {
        let id = format!("tildelt_{}", c.code());
        match crate::domain::validate::euro_cents(&raw.get(&id), c.label()) {
            Ok(Some(cents)) => budget.push((c.code().to_string(), cents)),
            Ok(None) => {}
            Err(m) => errors.add_to(id, m),
        }
    }
    let count = |id: String, label: &str, errors: &mut FormErrors| match raw.get(&id).trim() {
        "" => 0,
        s => match s.replace('.', "").parse::<i32>() {
            Ok(n) if (0..=1_000_000).contains(&n) => n,
            _ => {
                errors.add_to(id, format!("{label}: skriv et helt tal, 0 eller derover."));
                0
            }
        },
    };
    let mut targets = Vec::new();
    for (code, name) in types {
        let v: Vec<i32> = TARGET_MEASURES
            .iter()
            .map(|(key, label)| count(format!("{key}_{code}"), &format!("{name}, {label}"), errors))
            .collect();
        if v.iter().any(|n| *n > 0) {
            targets.push((code.clone(), v[0], v[1], v[2], v[3]));
        }
    }
    let fewer = count("fewer".into(), "Deltagere med færre muligheder", errors);
    let blended = count("blended".into(), "Deltagere i blended aktiviteter", errors);
    let green = count("green".into(), "Deltagere med grøn rejse", errors);
    let (Some(call_year), Some(start_date), Some(end_date)) = (call_year, start, end) else {
        return None;
    };
    errors.is_empty().then_some(db::projects::Input {
        reference,
        call_year,
        start_date,
        end_date,
        target_fewer_opportunities: fewer,
        target_blended: blended,
        target_green: green,
        budget,
        targets,
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let page = form_page(
        &state,
        &user,
        None,
        &RawForm(Vec::new()),
        FormErrors::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let p = db::projects::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let raw = as_form(&state, &p).await?;
    let page = form_page(&state, &user, Some(&p), &raw, FormErrors::default()).await?;
    Ok(render(&page)?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    raw: RawForm,
) -> Result<Response, AppError> {
    save(state, user, None, raw).await
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let p = db::projects::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    save(state, user, Some(p), raw).await
}

async fn save(
    state: AppState,
    user: CurrentUser,
    existing: Option<db::projects::Project>,
    raw: RawForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &raw.get("csrf"))?;
    let types = db::projects::activity_types(&state.pool).await?;
    let mut errors = FormErrors::default();
    if let Some(input) = parse(&raw, &types, &mut errors) {
        let mut tx = state.pool.begin().await?;
        let before = match &existing {
            Some(p) => db::projects::snapshot(&mut *tx, p.id).await?,
            None => None,
        };
        let saved = match &existing {
            Some(p) => db::projects::update(&mut tx, p.id, &input)
                .await
                .map(|_| p.id),
            None => db::projects::insert(&mut tx, &input).await,
        };
        match saved {
            Ok(id) => {
                // A new call year or new dates change which rates and projects apply.
                db::grants::recompute_project(&mut tx, id).await?;
                let after = db::projects::snapshot(&mut *tx, id).await?;
                audit::record(
                    &mut *tx,
                    audit::Entry {
                        account_id: Some(user.account_id),
                        action: if existing.is_some() {
                            "projekt ændret"
                        } else {
                            "projekt oprettet"
                        },
                        entity: "project",
                        entity_id: id.to_string(),
                        before,
                        after,
                        reason: "",
                    },
                )
                .await?;
                tx.commit().await?;
                return Ok(Redirect::to(&format!("/projekter/{id}?gemt=1")).into_response());
            }
            Err(e) if db::unique_violation(&e).is_some() => {
                errors.add(
                    "reference",
                    "Der findes allerede et projekt med det nummer.",
                );
            }
            Err(e) => return Err(e.into()),
        }
    }
    let page = form_page(&state, &user, existing.as_ref(), &raw, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}
