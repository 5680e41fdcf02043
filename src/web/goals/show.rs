//! `/maal` and `/maal/{id}`: the goals with their indicators for the person's view, and a goal's
//! page (for the coordinator per school or for the consortium, with each school's latest values)
//! with the mobilities that serve it.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::charts::{progress_of, series, show_value};
use super::views::{GoalCard, IndicatorView, goal_cards, goal_status_label, indicator_data};
use super::{View, default_view};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, goals::Indicator, mobilities::Scope};
use crate::domain::Role;
use crate::error::AppError;
use crate::web::forms::{SelectOption, options};
use crate::web::start::MobilityLine;
use crate::web::{Id, Layout, render};

#[derive(Template)]
#[template(path = "goals/list.html")]
struct ListPage {
    layout: Layout,
    cards: Vec<GoalCard>,
    scope_label: String,
    is_coordinator: bool,
    /// The annual goal reports a person can open: (address, school year), this year's first.
    reports: Vec<(String, String)>,
}

/// The current school year's goal report and the one before (not for staff, who cannot open them).
fn report_links(user: &CurrentUser) -> Vec<(String, String)> {
    if user.role == Role::Medarbejder {
        return Vec::new();
    }
    let current = crate::domain::progress::period_of(chrono::Local::now().date_naive());
    let end: i32 = current[..4].parse::<i32>().unwrap_or(2025) + 1;
    (0..2)
        .map(|back| {
            let year = end - back;
            (
                format!("/maal/rapport/{year}"),
                format!("{}/{:02}", year - 1, year % 100),
            )
        })
        .collect()
}

pub async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let view = default_view(&user);
    let cards = goal_cards(&state, &user, view).await?;
    let page = ListPage {
        layout: Layout::new("Mål", "maal", &user),
        cards,
        scope_label: match view {
            View::School(_) => user.organisation_name.clone().unwrap_or_default(),
            View::Consortium => "hele konsortiet".into(),
        },
        is_coordinator: user.is_coordinator(),
        reports: report_links(&user),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "goals/show.html")]
struct ShowPage {
    layout: Layout,
    goal: db::goals::Goal,
    status: &'static str,
    indicators: Vec<IndicatorView>,
    school_table: Vec<(String, Vec<String>)>,
    school_columns: Vec<String>,
    counts: Vec<(i32, i64, i64)>,
    mobilities: Vec<MobilityLine>,
    is_coordinator: bool,
    views: Vec<SelectOption>,
    saved: bool,
    log: super::implementation::Log,
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    visning: String,
    #[serde(default)]
    gemt: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let goal = db::goals::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    // The coordinator can look at one school; a school leader always sees their own.
    let schools = db::organisations::choices(&state.pool).await?;
    let view = match user.role {
        Role::Koordinator => q
            .visning
            .parse::<Uuid>()
            .ok()
            .filter(|s| schools.iter().any(|(i, _)| i == s))
            .map(View::School)
            .unwrap_or(View::Consortium),
        _ => default_view(&user),
    };
    let mut shown_user = user.clone();
    if let View::School(s) = view {
        shown_user.organisation_name = schools
            .iter()
            .find(|(i, _)| *i == s)
            .map(|(_, n)| n.clone());
    }
    let data = indicator_data(&state, &shown_user, Some(id), view).await?;
    let indicators: Vec<IndicatorView> = data.views.into_iter().map(|(_, v)| v).collect();
    // The coordinator's table: each school's latest value per indicator measured per school,
    // from the measurements the charts were drawn from (the consortium view has every school's).
    let (school_columns, school_table) = if user.is_coordinator() && view == View::Consortium {
        let inds: Vec<Indicator> = data
            .indicators
            .into_iter()
            .filter(|i| i.per_school && i.automatic.is_none())
            .collect();
        let ms = data.measurements;
        let rows = schools
            .iter()
            .filter(|(s, _)| ms.iter().any(|m| m.organisation_id == Some(*s)))
            .map(|(s, name)| {
                let cells = inds
                    .iter()
                    .map(|ind| {
                        let pts = series(ind, &ms, View::School(*s));
                        let p = progress_of(ind, &pts);
                        pts.last()
                            .map(|l| {
                                format!(
                                    "{} ({}) – {}",
                                    show_value(l.value, &ind.unit),
                                    l.period,
                                    p.describe()
                                )
                            })
                            .unwrap_or_else(|| "–".into())
                    })
                    .collect();
                (name.clone(), cells)
            })
            .collect();
        (inds.iter().map(|i| i.name.clone()).collect(), rows)
    } else {
        (Vec::new(), Vec::new())
    };
    let school = match view {
        View::School(s) => Some(s),
        View::Consortium => None,
    };
    let counts = db::goals::mobility_counts(&state.pool, id, school).await?;
    let scope = match (user.role, school) {
        (Role::Medarbejder, _) => Scope::Person(user.staff_id.ok_or(AppError::Forbidden)?),
        (_, Some(s)) => Scope::School(s),
        _ => Scope::All,
    };
    let mobilities: Vec<MobilityLine> = db::mobilities::search(
        &state.pool,
        &db::mobilities::Filter {
            scope,
            call_year: None,
            school: None,
            status: None,
            activity_type: None,
            country: None,
            goal: Some(id),
            sort: "start",
            descending: true,
            limit: 50,
            offset: 0,
        },
    )
    .await?
    .iter()
    .map(|r| MobilityLine::from(&r.summary))
    .collect();
    let school_items: Vec<(String, String)> = schools
        .iter()
        .filter(|(_, n)| !n.contains("Børn og Læring"))
        .map(|(i, n)| (i.to_string(), n.clone()))
        .collect();
    let log = super::implementation::log(&state, &user, id, goal.number, &indicators).await?;
    let page = ShowPage {
        log,
        layout: Layout::new(&goal.title, "maal", &user),
        status: goal_status_label(&goal.status),
        indicators,
        school_table,
        school_columns,
        counts,
        mobilities,
        is_coordinator: user.is_coordinator(),
        views: options(
            school_items.iter().map(|(a, b)| (a.as_str(), b.as_str())),
            &school.map(|s| s.to_string()).unwrap_or_default(),
            Some("Hele konsortiet"),
        ),
        saved: q.gemt.is_some(),
        goal,
    };
    Ok(render(&page)?.into_response())
}
