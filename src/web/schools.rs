//! `/skoler` and `/skoler/{id}`: the consortium's member schools and the administration.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::staff::StaffLine;
use super::start::MobilityLine;
use super::{Id, Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, mobilities::Scope};
use crate::domain::{OrgKind, kinds::label_or_code};
use crate::error::AppError;

pub struct SchoolRow {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub city: String,
    pub oid: String,
    pub staff: i64,
    pub mobilities: i64,
    pub active: bool,
    pub is_coordinator: bool,
}

#[derive(Template)]
#[template(path = "schools/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<SchoolRow>,
    show_counts: bool,
}

/// Every logged-in person may see which schools are in the consortium; the counts are for the
/// administration and school leaders.
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let orgs = db::organisations::list(&state.pool).await?;
    let rows = orgs
        .into_iter()
        .map(|o| SchoolRow {
            href: format!("/skoler/{}", o.org.id),
            kind: label_or_code(&o.org.kind, OrgKind::from_code, OrgKind::label),
            city: o.org.city,
            oid: o.org.oid.unwrap_or_default(),
            staff: o.staff_count,
            mobilities: o.mobility_count,
            active: o.org.active,
            is_coordinator: o.org.is_coordinator,
            name: o.org.name,
        })
        .collect();
    let show_counts = user.role != crate::domain::Role::Medarbejder;
    Ok(render(&ListPage {
        layout: Layout::new("Skoler", "skoler", &user),
        rows,
        show_counts,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "schools/show.html")]
struct ShowPage {
    layout: Layout,
    org: db::organisations::Organisation,
    kind: String,
    exclusion: String,
    staff: Option<Vec<StaffLine>>,
    mobilities: Vec<MobilityLine>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let org = db::organisations::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let may_see_staff = user.can_see_staff_of(org.id);
    let staff = if may_see_staff {
        let people = db::staff::list(&state.pool, Some(org.id)).await?;
        Some(people.iter().map(StaffLine::from).collect())
    } else {
        None
    };
    let mobilities = if may_see_staff {
        db::mobilities::summaries(&state.pool, Scope::School(org.id), None, 50).await?
    } else {
        Vec::new()
    };
    let page = ShowPage {
        layout: Layout::new(&org.name, "skoler", &user),
        kind: label_or_code(&org.kind, OrgKind::from_code, OrgKind::label),
        exclusion: org
            .exclusion_pct
            .map(|p| format!("{} %", format!("{p:.1}").replace('.', ",")))
            .unwrap_or_default(),
        staff,
        mobilities: mobilities.iter().map(MobilityLine::from).collect(),
        org,
    };
    Ok(render(&page)?.into_response())
}
