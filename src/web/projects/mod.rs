//! The annual grant agreements (`/projekter`): the list and a project's budget (awarded,
//! committed, used, remaining per category and per school, as a table and a chart). The Targets
//! are in `targets.rs`, the coordinator's form in `form.rs`.

mod form;
mod targets;

pub use form::{create, edit_form, new_form, update};
pub use targets::targets;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{RawForm, check_csrf};
use super::{Id, Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::grant::{Category, euro};
use crate::domain::{Role, format};
use crate::error::AppError;

/// Whose money a person sees: the coordinator the consortium's, a school leader their school's.
pub(super) fn money_scope(user: &CurrentUser) -> Result<Option<Uuid>, AppError> {
    match user.role {
        Role::Koordinator => Ok(None),
        Role::Skoleleder => Ok(Some(user.organisation_id.ok_or(AppError::Forbidden)?)),
        Role::Medarbejder => Err(AppError::Forbidden),
    }
}

pub(crate) fn category_label(code: &str) -> &'static str {
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
