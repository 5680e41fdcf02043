//! `/mobiliteter`: school leaders register their staff for job shadowing, courses, teaching
//! assignments and preparatory visits; the administration approves, rejects and marks them
//! completed; everyone sees the mobilities their role allows.
//!
//! Sub-modules, one per page or action:
//! - `list`: the list with its filters, and `/mine-mobiliteter`;
//! - `form`: the registration form, what was typed, and its parsing and checks;
//! - `edit`: registering a new mobility and editing one, with the conflict when two people save;
//! - `show`: the mobility's page with its actions, warnings, reports and history;
//! - `status`: the lifecycle (submit, approve, reject, complete, cancel).
//!
//! This file holds who sees what, loading a mobility for a person, and the field names of its
//! history.

mod edit;
mod form;
mod list;
mod show;
mod status;

pub use edit::{create, edit_form, new_form, update};
pub use list::{list, mine};
pub use show::show;
pub use status::change_status;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, mobilities::Scope};
use crate::domain::mobility::{self as rules, Actor};
use crate::domain::{MobilityStatus, Role, kinds::label_or_code};
use crate::error::AppError;

/// Whose mobilities a person sees.
pub fn scope_of(user: &CurrentUser) -> Result<Scope, AppError> {
    Ok(match user.role {
        Role::Koordinator => Scope::All,
        Role::Skoleleder => Scope::School(user.organisation_id.ok_or(AppError::Forbidden)?),
        Role::Medarbejder => Scope::Person(user.staff_id.ok_or(AppError::Forbidden)?),
    })
}

fn actor(user: &CurrentUser, m: &db::mobilities::Detail) -> Actor {
    Actor {
        role: user.role,
        owns: user.role == Role::Skoleleder && user.organisation_id == Some(m.organisation_id),
    }
}

/// May see this mobility: the coordinator; a leader whose school sent it or has staff on it; a participant.
fn may_see(
    user: &CurrentUser,
    m: &db::mobilities::Detail,
    people: &[db::mobilities::Participant],
) -> bool {
    match user.role {
        Role::Koordinator => true,
        Role::Skoleleder => {
            user.organisation_id == Some(m.organisation_id)
                || people
                    .iter()
                    .any(|p| Some(p.organisation_id) == user.organisation_id)
        }
        Role::Medarbejder => people.iter().any(|p| Some(p.staff_id) == user.staff_id),
    }
}

/// Owned (code, label) pairs as the borrowed pairs `options` takes.
fn owned(items: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
    items.iter().map(|(a, b)| (a.as_str(), b.as_str()))
}

/// The mobility and its participants, if this person may see it (404 when missing, else 403).
async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<(db::mobilities::Detail, Vec<db::mobilities::Participant>), AppError> {
    let m = db::mobilities::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let people = db::mobilities::participants(&state.pool, id).await?;
    if !may_see(user, &m, &people) {
        return Err(AppError::Forbidden);
    }
    Ok((m, people))
}

/// The mobility's status (a draft when the code is unknown).
fn status_of(m: &db::mobilities::Detail) -> MobilityStatus {
    MobilityStatus::from_code(&m.status).unwrap_or(MobilityStatus::Kladde)
}

/// The fields of a mobility's history, in Danish.
const FIELDS: &[(&str, &str)] = &[
    ("status", "Status"),
    ("activity_type", "Aktivitet"),
    ("partner", "Partner"),
    ("venue_city", "By"),
    ("start_date", "Startdato"),
    ("end_date", "Slutdato"),
    ("travel_days", "Rejsedage"),
    ("transport", "Transport"),
    ("deltagere", "Deltagere"),
    ("maal", "Mål"),
    ("purpose", "Formål"),
    ("expected_learning", "Forventet læring"),
    ("course_title", "Kursustitel"),
    ("course_esep_id", "Kursus-ID"),
    ("status_reason", "Begrundelse"),
];

/// A code in the history shown as its Danish label.
fn code_label(field: &str, code: &str) -> Option<&'static str> {
    match field {
        "status" => MobilityStatus::from_code(code).map(MobilityStatus::label),
        "transport" => rules::TRANSPORTS.iter().find(|t| t.0 == code).map(|t| t.1),
        _ => None,
    }
}

/// The last day of a year, for the overview.
pub fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year"),
        NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year"),
    )
}

/// A status code's Danish label (the code itself when unknown).
pub fn status_label(code: &str) -> String {
    label_or_code(code, MobilityStatus::from_code, MobilityStatus::label)
}
