//! `/mobiliteter`: the list of the mobilities a person may see, filtered by year, school, status,
//! activity type, country and goal, sorted and paged; and `/mine-mobiliteter`, a person's own trips.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Local;
use serde::Deserialize;
use uuid::Uuid;

use super::{owned, scope_of};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, mobilities::Scope};
use crate::domain::{MobilityStatus, Role};
use crate::error::AppError;
use crate::web::forms::{SelectOption, options, school_options};
use crate::web::list::{PER_PAGE, Pager, Params, SortHeader, page_number, sort_headers};
use crate::web::start::MobilityLine;
use crate::web::{Layout, render};

#[derive(Template)]
#[template(path = "mobilities/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<MobilityLine>,
    may_register: bool,
    years: Vec<SelectOption>,
    schools: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
    types: Vec<SelectOption>,
    countries: Vec<SelectOption>,
    goals: Vec<SelectOption>,
    headers: Vec<SortHeader>,
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    aar: String,
    #[serde(default)]
    skole: String,
    #[serde(default)]
    status: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    land: String,
    #[serde(default)]
    maal: String,
    #[serde(default)]
    sorter: String,
    #[serde(default)]
    retning: String,
    #[serde(default)]
    side: Option<String>,
}

const COLUMNS: &[(&str, &str, bool)] = &[
    ("periode", "Periode", false),
    ("aktivitet", "Aktivitet", false),
    ("skole", "Skole", false),
    ("partner", "Partner", false),
];

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let scope = scope_of(&user)?;
    let sort = COLUMNS
        .iter()
        .map(|c| c.0)
        .find(|c| *c == q.sorter)
        .unwrap_or("periode");
    let descending = q.retning == "ned";
    let years = db::mobilities::call_years(&state.pool).await?;
    let call_year = q.aar.parse::<i32>().ok().filter(|y| years.contains(y));
    let school = if user.is_coordinator() {
        q.skole.parse::<Uuid>().ok()
    } else {
        None
    };
    let status = MobilityStatus::from_code(&q.status).map(|s| s.code().to_string());
    let types = db::projects::activity_types(&state.pool).await?;
    let kind = types
        .iter()
        .find(|(c, _)| *c == q.kind)
        .map(|(c, _)| c.clone());
    let countries = db::partners::countries(&state.pool).await?;
    let country = countries
        .iter()
        .find(|(c, _)| *c == q.land)
        .map(|(c, _)| c.clone());
    let goals = db::mobilities::all_goals(&state.pool).await?;
    let goal = q
        .maal
        .parse::<Uuid>()
        .ok()
        .filter(|g| goals.iter().any(|x| x.0 == *g));
    let page = page_number(&q.side);
    let rows = db::mobilities::search(
        &state.pool,
        &db::mobilities::Filter {
            scope,
            call_year,
            school,
            status: status.clone(),
            activity_type: kind.clone(),
            country: country.clone(),
            goal,
            sort: if sort == "periode" { "start" } else { sort },
            descending,
            limit: PER_PAGE,
            offset: (page - 1) * PER_PAGE,
        },
    )
    .await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    let params = Params(vec![
        ("aar", call_year.map(|y| y.to_string()).unwrap_or_default()),
        ("skole", school.map(|s| s.to_string()).unwrap_or_default()),
        ("status", status.clone().unwrap_or_default()),
        ("type", kind.clone().unwrap_or_default()),
        ("land", country.clone().unwrap_or_default()),
        ("maal", goal.map(|g| g.to_string()).unwrap_or_default()),
    ])
    .sorted(sort, "periode", descending);
    let schools = if user.is_coordinator() {
        school_options(
            &state.pool,
            &school.map(|s| s.to_string()).unwrap_or_default(),
            Some("Alle skoler"),
        )
        .await?
    } else {
        Vec::new()
    };
    let year_items: Vec<(String, String)> = years
        .iter()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let goal_items: Vec<(String, String)> = goals
        .iter()
        .map(|(id, n, _)| (id.to_string(), format!("Mål {n}")))
        .collect();
    let page_view = ListPage {
        layout: Layout::new("Mobiliteter", "mobiliteter", &user),
        headers: sort_headers("/mobiliteter", &params, COLUMNS, sort, descending),
        pager: Pager::new("/mobiliteter", &params, page, total, rows.len()),
        rows: rows
            .iter()
            .map(|r| MobilityLine::from(&r.summary))
            .collect(),
        may_register: user.role != Role::Medarbejder,
        years: options(
            owned(&year_items),
            &call_year.map(|y| y.to_string()).unwrap_or_default(),
            Some("Alle år"),
        ),
        schools,
        statuses: options(
            MobilityStatus::ALL.iter().map(|s| (s.code(), s.label())),
            status.as_deref().unwrap_or(""),
            Some("Alle"),
        ),
        types: options(
            owned(&types),
            kind.as_deref().unwrap_or(""),
            Some("Alle typer"),
        ),
        countries: options(
            owned(&countries),
            country.as_deref().unwrap_or(""),
            Some("Alle lande"),
        ),
        goals: options(
            owned(&goal_items),
            &goal.map(|g| g.to_string()).unwrap_or_default(),
            Some("Alle mål"),
        ),
    };
    Ok(render(&page_view)?.into_response())
}

#[derive(Template)]
#[template(path = "mobilities/mine.html")]
struct MinePage {
    layout: Layout,
    upcoming: Vec<MobilityLine>,
    past: Vec<MobilityLine>,
}

/// `/mine-mobiliteter`: the trips of the person logged in.
pub async fn mine(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let me = user.staff_id.ok_or(AppError::NotFound)?;
    let today = Local::now().date_naive();
    let all = db::mobilities::summaries(&state.pool, Scope::Person(me), None, 500).await?;
    let (upcoming, past): (Vec<_>, Vec<_>) = all.iter().partition(|m| m.end_date >= today);
    let mut upcoming: Vec<MobilityLine> = upcoming.into_iter().map(MobilityLine::from).collect();
    upcoming.reverse();
    let page = MinePage {
        layout: Layout::new("Mine mobiliteter", "mine", &user),
        upcoming,
        past: past.into_iter().map(MobilityLine::from).collect(),
    };
    Ok(render(&page)?.into_response())
}
