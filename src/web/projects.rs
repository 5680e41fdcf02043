//! The annual grant agreements (`/projekter`): the list, a project's budget (awarded, committed,
//! used, remaining per category and per school, as a table and a chart), its Targets in the BM's
//! two tables, and the coordinator's form for the agreement's figures.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{RawForm, check_csrf};
use super::{FormErrors, Id, Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit};
use crate::domain::grant::{Category, euro};
use crate::domain::{Role, format};
use crate::error::AppError;

/// Whose money a person sees: the coordinator the consortium's, a school leader their school's.
fn money_scope(user: &CurrentUser) -> Result<Option<Uuid>, AppError> {
    match user.role {
        Role::Koordinator => Ok(None),
        Role::Skoleleder => Ok(Some(user.organisation_id.ok_or(AppError::Forbidden)?)),
        Role::Medarbejder => Err(AppError::Forbidden),
    }
}

fn category_label(code: &str) -> &'static str {
    Category::ALL
        .iter()
        .find(|c| c.code() == code)
        .map(|c| c.label())
        .unwrap_or("Andet")
}

// ---------------------------------------------------------------------------------------------
// The list

#[derive(Template)]
#[template(path = "projects/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<ListRow>,
    is_coordinator: bool,
}

struct ListRow {
    href: String,
    reference: String,
    call_year: i16,
    period: String,
    awarded: String,
    committed: String,
    used: String,
    remaining: String,
    over: bool,
    mobilities: i64,
}

pub async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let school = money_scope(&user)?;
    let rows = db::projects::list(&state.pool, school)
        .await?
        .into_iter()
        .map(|p| ListRow {
            href: format!("/projekter/{}", p.id),
            period: format::date_range(p.start_date, p.end_date),
            awarded: if school.is_none() {
                euro(p.awarded_cents)
            } else {
                String::new()
            },
            committed: euro(p.committed_cents),
            used: euro(p.used_cents),
            remaining: euro(p.awarded_cents - p.committed_cents - p.used_cents),
            over: school.is_none() && p.committed_cents + p.used_cents > p.awarded_cents,
            mobilities: p.mobilities,
            reference: p.reference,
            call_year: p.call_year,
        })
        .collect();
    let page = ListPage {
        layout: Layout::new("Projekter og budget", "projekter", &user),
        rows,
        is_coordinator: user.is_coordinator(),
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// A project: the budget

#[derive(Template)]
#[template(path = "projects/show.html")]
struct ShowPage {
    layout: Layout,
    p: db::projects::Project,
    period: String,
    school_name: Option<String>,
    rows: Vec<BudgetRow>,
    total: BudgetRow,
    schools: Vec<SchoolRow>,
    chart: Vec<Bar>,
    over: Vec<String>,
    unverified: i64,
    has_rates: bool,
    is_coordinator: bool,
    saved: bool,
    recomputed: Option<u64>,
    csrf: String,
}

struct BudgetRow {
    label: &'static str,
    awarded: String,
    committed: String,
    used: String,
    remaining: String,
    over: bool,
}

struct SchoolRow {
    name: String,
    participants: i64,
    committed: String,
    used: String,
    total: String,
}

/// One bar of the chart: widths in px of used, committed and the awarded outline.
struct Bar {
    label: &'static str,
    y: i64,
    used: i64,
    committed: i64,
    awarded: i64,
    text: String,
}

const CHART_WIDTH: i64 = 560;

fn budget_row(label: &'static str, m: &db::projects::CategoryMoney, whole: bool) -> BudgetRow {
    let spent = m.committed_cents + m.used_cents;
    BudgetRow {
        label,
        awarded: if whole {
            euro(m.awarded_cents)
        } else {
            String::new()
        },
        committed: euro(m.committed_cents),
        used: euro(m.used_cents),
        remaining: if whole {
            euro(m.awarded_cents - spent)
        } else {
            String::new()
        },
        over: whole && spent > m.awarded_cents,
    }
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    gemt: Option<String>,
    #[serde(default)]
    genberegnet: Option<u64>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let school = money_scope(&user)?;
    let p = db::projects::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut money = db::projects::budget(&state.pool, id, school).await?;
    money.sort_by_key(|m| {
        Category::ALL
            .iter()
            .position(|c| c.code() == m.category)
            .unwrap_or(99)
    });
    let whole = school.is_none();
    let sum = db::projects::CategoryMoney {
        category: String::new(),
        awarded_cents: money.iter().map(|m| m.awarded_cents).sum(),
        committed_cents: money.iter().map(|m| m.committed_cents).sum(),
        used_cents: money.iter().map(|m| m.used_cents).sum(),
    };
    let scale = money
        .iter()
        .map(|m| m.awarded_cents.max(m.committed_cents + m.used_cents))
        .max()
        .unwrap_or(0)
        .max(1);
    let px = |c: i64| c * CHART_WIDTH / scale;
    let chart = money
        .iter()
        .enumerate()
        .map(|(i, m)| Bar {
            label: category_label(&m.category),
            y: i as i64 * 34,
            used: px(m.used_cents),
            committed: px(m.committed_cents),
            awarded: if whole { px(m.awarded_cents) } else { 0 },
            text: format!(
                "{}: brugt {}, disponeret {}{}",
                category_label(&m.category),
                euro(m.used_cents),
                euro(m.committed_cents),
                if whole {
                    format!(", tildelt {}", euro(m.awarded_cents))
                } else {
                    String::new()
                }
            ),
        })
        .collect();
    let over: Vec<String> = if whole {
        money
            .iter()
            .filter(|m| m.committed_cents + m.used_cents > m.awarded_cents)
            .map(|m| {
                format!(
                    "{}: disponeret og brugt {} er {} mere end tildelt {}.",
                    category_label(&m.category),
                    euro(m.committed_cents + m.used_cents),
                    euro(m.committed_cents + m.used_cents - m.awarded_cents),
                    euro(m.awarded_cents)
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let schools = db::projects::by_school(&state.pool, id, school)
        .await?
        .into_iter()
        .map(|s| SchoolRow {
            name: s.name,
            participants: s.participants,
            committed: euro(s.committed_cents),
            used: euro(s.used_cents),
            total: euro(s.committed_cents + s.used_cents),
        })
        .collect();
    let unverified = db::projects::unverified_lines(&state.pool, id).await?;
    let has_rates = db::rates::get(&state.pool, p.call_year).await?.is_some();
    let page = ShowPage {
        layout: Layout::new(&format!("Projekt {}", p.reference), "projekter", &user),
        period: format::date_range(p.start_date, p.end_date),
        school_name: school.map(|_| user.organisation_name.clone().unwrap_or_default()),
        rows: money
            .iter()
            .map(|m| budget_row(category_label(&m.category), m, whole))
            .collect(),
        total: budget_row("I alt", &sum, whole),
        schools,
        chart,
        over,
        unverified,
        has_rates,
        is_coordinator: user.is_coordinator(),
        saved: q.gemt.is_some(),
        recomputed: q.genberegnet,
        csrf: user.csrf_token.clone(),
        p,
    };
    Ok(render(&page)?.into_response())
}

/// Computes every grant of the project again with the rates as they are now.
pub async fn recompute(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &raw.get("csrf"))?;
    db::projects::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.pool.begin().await?;
    let n = db::grants::recompute_project(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/projekter/{id}?genberegnet={n}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Targets

#[derive(Template)]
#[template(path = "projects/targets.html")]
struct TargetsPage {
    layout: Layout,
    p: db::projects::Project,
    rows: Vec<TargetLine>,
    total: TargetLine,
    table2: Vec<CountLine>,
}

struct TargetLine {
    label: String,
    cells: Vec<TargetCell>,
}

/// One measure: the target, implemented, % achieved, planned.
struct TargetCell {
    target: String,
    done: String,
    percent: String,
    planned: String,
}

fn cell(target: i64, done: i64, planned: i64) -> TargetCell {
    TargetCell {
        target: format::thousands(target),
        done: format::thousands(done),
        percent: if target > 0 {
            format!("{} %", (done * 100 + target / 2) / target)
        } else {
            "–".into()
        },
        planned: format::thousands(planned),
    }
}

fn average(days: i64, people: i64) -> String {
    if people == 0 {
        "–".into()
    } else {
        format!("{:.1}", days as f64 / people as f64).replace('.', ",")
    }
}

struct CountLine {
    label: &'static str,
    cell: TargetCell,
}

pub async fn targets(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    money_scope(&user)?;
    let p = db::projects::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = db::projects::targets(&state.pool, id).await?;
    let line = |label: String,
                tp: i64,
                td: i64,
                ta: i64,
                tad: i64,
                dp: i64,
                dd: i64,
                da: i64,
                dad: i64,
                pp: i64,
                pd: i64,
                pa: i64,
                pad: i64| TargetLine {
        label,
        cells: vec![
            cell(tp, dp, pp),
            cell(td, dd, pd),
            TargetCell {
                target: average(td, tp),
                done: average(dd, dp),
                percent: String::new(),
                planned: average(pd, pp),
            },
            cell(ta, da, pa),
            cell(tad, dad, pad),
        ],
    };
    let sum = |f: fn(&db::projects::TargetRow) -> i64| rows.iter().map(f).sum::<i64>();
    let total = line(
        "I alt".into(),
        sum(|r| r.target_participants.into()),
        sum(|r| r.target_days.into()),
        sum(|r| r.target_accompanying.into()),
        sum(|r| r.target_accompanying_days.into()),
        sum(|r| r.done_participants),
        sum(|r| r.done_days),
        sum(|r| r.done_accompanying),
        sum(|r| r.done_accompanying_days),
        sum(|r| r.planned_participants),
        sum(|r| r.planned_days),
        sum(|r| r.planned_accompanying),
        sum(|r| r.planned_accompanying_days),
    );
    let lines = rows
        .iter()
        .map(|r| {
            line(
                format!("{} ({})", r.activity_name, r.activity_type),
                r.target_participants.into(),
                r.target_days.into(),
                r.target_accompanying.into(),
                r.target_accompanying_days.into(),
                r.done_participants,
                r.done_days,
                r.done_accompanying,
                r.done_accompanying_days,
                r.planned_participants,
                r.planned_days,
                r.planned_accompanying,
                r.planned_accompanying_days,
            )
        })
        .collect();
    let c = db::projects::counts(&state.pool, id).await?;
    let table2 = vec![
        CountLine {
            label: "Deltagere med færre muligheder",
            cell: cell(
                p.target_fewer_opportunities.into(),
                c.done_fewer,
                c.planned_fewer,
            ),
        },
        CountLine {
            label: "Deltagere i blended aktiviteter",
            cell: cell(p.target_blended.into(), c.done_blended, c.planned_blended),
        },
        CountLine {
            label: "Deltagere med grøn rejse",
            cell: cell(p.target_green.into(), c.done_green, c.planned_green),
        },
    ];
    let page = TargetsPage {
        layout: Layout::new(&format!("Mål for {}", p.reference), "projekter", &user),
        rows: lines,
        total,
        table2,
        p,
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// The form

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
