//! `/medarbejdere` and `/medarbejdere/{id}`: the staff of the consortium, each person visible to
//! the administration, their own school leader, and themselves.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::start::MobilityLine;
use super::{Id, Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, mobilities::Scope};
use crate::domain::{JobRole, Role, format, kinds::label_or_code};
use crate::error::AppError;

pub struct StaffLine {
    pub href: String,
    pub name: String,
    pub email: String,
    pub job_role: String,
    pub school: String,
    pub active: bool,
}

impl StaffLine {
    pub fn from(p: &db::staff::Person) -> StaffLine {
        StaffLine {
            href: format!("/medarbejdere/{}", p.id),
            name: p.name.clone(),
            email: p.email.clone(),
            job_role: label_or_code(&p.job_role, JobRole::from_code, JobRole::label),
            school: p.organisation_name.clone(),
            active: p.active,
        }
    }
}

#[derive(Template)]
#[template(path = "staff/list.html")]
struct ListPage {
    layout: Layout,
    heading: String,
    rows: Vec<StaffLine>,
    show_school: bool,
}

pub async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let (scope, heading) = match user.role {
        Role::Koordinator => (None, "Medarbejdere i konsortiet".to_string()),
        Role::Skoleleder => (
            Some(user.organisation_id.ok_or(AppError::Forbidden)?),
            format!(
                "Medarbejdere på {}",
                user.organisation_name.clone().unwrap_or_default()
            ),
        ),
        Role::Medarbejder => return Err(AppError::Forbidden),
    };
    let people = db::staff::list(&state.pool, scope).await?;
    let page = ListPage {
        layout: Layout::new("Medarbejdere", "medarbejdere", &user),
        heading,
        rows: people.iter().map(StaffLine::from).collect(),
        show_school: scope.is_none(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "staff/show.html")]
struct ShowPage {
    layout: Layout,
    person: StaffLine,
    school_href: String,
    left_on: String,
    has_account: bool,
    mobilities: Vec<MobilityLine>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let person = db::staff::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !user.can_see_person(person.id, person.organisation_id) {
        return Err(AppError::Forbidden);
    }
    let mobilities =
        db::mobilities::summaries(&state.pool, Scope::Person(person.id), None, 50).await?;
    let page = ShowPage {
        layout: Layout::new(&person.name, "medarbejdere", &user),
        school_href: format!("/skoler/{}", person.organisation_id),
        left_on: person.left_on.map(format::date_long).unwrap_or_default(),
        has_account: person.has_account,
        person: StaffLine::from(&person),
        mobilities: mobilities.iter().map(MobilityLine::from).collect(),
    };
    Ok(render(&page)?.into_response())
}
