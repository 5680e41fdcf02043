//! `/maal/rapport/{år}`: the annual goal report, the goals as known at the end of a school year,
//! with the mobilities completed in it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::Local;

use super::views::{GoalCard, goal_cards};
use super::{View, default_view};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, mobilities::Scope};
use crate::domain::{Role, format, progress};
use crate::error::AppError;
use crate::web::start::MobilityLine;
use crate::web::{Layout, render};

#[derive(Template)]
#[template(path = "goals/report.html")]
struct ReportPage {
    layout: Layout,
    year: i32,
    period: String,
    cards: Vec<GoalCard>,
    completed: Vec<MobilityLine>,
    generated: String,
}

/// `/maal/rapport/{år}`: the goals at the end of the school year that ends in that year.
pub async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(year): Path<String>,
) -> Result<Response, AppError> {
    if user.role == Role::Medarbejder {
        return Err(AppError::Forbidden);
    }
    let year: i32 = year
        .parse()
        .ok()
        .filter(|y| (2014..=2100).contains(y))
        .ok_or(AppError::NotFound)?;
    let view = default_view(&user);
    let mut cards = goal_cards(&state, &user, view).await?;
    let period = format!("{}/{:02}", year - 1, year % 100);
    // Only what was known by the end of that school year.
    for c in &mut cards {
        for i in &mut c.indicators {
            i.rows.retain(|(p, _)| *p <= period);
        }
    }
    let (from, to) = progress::period_bounds(&period).ok_or(AppError::NotFound)?;
    let scope = match view {
        View::School(s) => Scope::School(s),
        View::Consortium => Scope::All,
    };
    let completed: Vec<MobilityLine> = db::mobilities::summaries(&state.pool, scope, None, 500)
        .await?
        .iter()
        .filter(|m| {
            matches!(m.status.as_str(), "gennemfoert" | "rapporteret" | "opfulgt")
                && m.end_date >= from
                && m.end_date <= to
        })
        .map(MobilityLine::from)
        .collect();
    let page = ReportPage {
        layout: Layout::new(&format!("Målrapport {period}"), "maal", &user),
        year,
        period,
        cards,
        completed,
        generated: format::date_long(Local::now().date_naive()),
    };
    Ok(render(&page)?.into_response())
}
