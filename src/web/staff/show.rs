//! `/medarbejdere/{id}`: a person's record, their mobilities and history, and for the coordinator
//! who has seen their data ("Hvem har set oplysningerne").

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use super::{EditRights, FIELDS, StaffLine, code_label, rights};
use crate::access_log::Kind;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit, mobilities::Scope};
use crate::domain::{Role, format};
use crate::error::AppError;
use crate::web::access_log::{AccessLine, lines};
use crate::web::start::MobilityLine;
use crate::web::{Id, Layout, history, render};
use serde::Deserialize;

/// The entries about the person the page shows; the rest are on `/adgangslog?person=`.
const RECENT_ACCESS: i64 = 10;

#[derive(Template)]
#[template(path = "staff/show.html")]
struct ShowPage {
    layout: Layout,
    id: Uuid,
    person: StaffLine,
    school_href: String,
    left_on: String,
    has_account: bool,
    /// For the coordinator, when the person is active and has no login yet.
    create_login_href: Option<String>,
    mobilities: Vec<MobilityLine>,
    can_edit: bool,
    saved: bool,
    /// For the coordinator, while the person is not anonymised: the confirmation page.
    anonymise_href: Option<String>,
    anonymised_on: String,
    just_anonymised: bool,
    history: Vec<history::Entry>,
    /// Who has seen the person's data: the coordinator only.
    access: Option<Vec<AccessLine>>,
    /// The person's data (`/medarbejdere/{id}/persondata`): the coordinator, and the person.
    personal_data_href: Option<String>,
}

/// `?gemt=1` after a save, `?anonymiseret=1` after an anonymisation.
#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    gemt: Option<String>,
    #[serde(default)]
    anonymiseret: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    Query(sq): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let person = db::staff::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !user.can_see_person(person.id, person.organisation_id) {
        return Err(AppError::Forbidden);
    }
    let mobilities =
        db::mobilities::summaries(&state.pool, Scope::Person(person.id), None, 50).await?;
    let rows = audit::history(&state.pool, "staff", &id.to_string()).await?;
    state.access_log.record(&user, Kind::Person, [id]).await;
    let access = if user.is_coordinator() {
        // This view included: the section shows what the log holds now.
        state.access_log.flush().await;
        let filter = db::access_log::Filter {
            person: Some(id),
            ..Default::default()
        };
        Some(lines(
            &db::access_log::list(&state.pool, filter, RECENT_ACCESS).await?,
        ))
    } else {
        None
    };
    let page = ShowPage {
        layout: Layout::new(&person.name, "medarbejdere", &user),
        id,
        school_href: format!("/skoler/{}", person.organisation_id),
        left_on: person.left_on.map(format::date_long).unwrap_or_default(),
        has_account: person.has_account,
        create_login_href: (user.role == Role::Koordinator && person.active && !person.has_account)
            .then(|| format!("/brugere/ny?medarbejder={id}")),
        can_edit: rights(&user, &person) != EditRights::None && person.anonymised_at.is_none(),
        saved: sq.gemt.is_some(),
        anonymise_href: (user.role == Role::Koordinator && person.anonymised_at.is_none())
            .then(|| format!("/medarbejdere/{id}/anonymiser")),
        anonymised_on: person
            .anonymised_at
            .map(|t| format::date_long(t.with_timezone(&chrono::Local).date_naive()))
            .unwrap_or_default(),
        just_anonymised: sq.anonymiseret.is_some(),
        history: history::entries(rows, FIELDS, code_label),
        person: StaffLine::from(&person),
        mobilities: mobilities.iter().map(MobilityLine::from).collect(),
        access,
        personal_data_href: (user.is_coordinator() || user.staff_id == Some(id))
            .then(|| format!("/medarbejdere/{id}/persondata")),
    };
    Ok(render(&page)?.into_response())
}
