//! `/maal`: the three goals of the Erasmus Plan against their baseline. Indicators, measurements
//! entered by the administration and the schools, progress told honestly, small charts with the
//! baseline and target drawn in, the annual goal report and the export of every measurement.
//!
//! Sub-modules:
//! - `charts`: an indicator's series per school year, its progress, and its SVG chart;
//! - `views`: an indicator and a goal as the pages (and the start page) show them;
//! - `show`: `/maal` and a goal's page `/maal/{id}`;
//! - `measure`: entering a measurement;
//! - `edit`: editing a goal, and creating and editing its indicators (the coordinator);
//! - `report`: the annual goal report;
//! - `export`: every measurement as CSV or XLSX.
//!
//! This file holds whose numbers a page shows ([`View`]) and an indicator's rubric.

mod charts;
mod edit;
mod export;
mod implementation;
mod measure;
mod report;
mod show;
mod views;

pub use edit::{
    create_indicator, edit_form, edit_indicator_form, new_indicator_form, update, update_indicator,
};
pub use export::export;
pub use measure::{measure, measure_form};
pub use report::report;
pub use show::{list, show};
pub use views::{GoalCard, goal_cards};

use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::db::goals::Indicator;
use crate::domain::Role;

/// Whose numbers a view shows: the whole consortium, or one school.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Consortium,
    School(Uuid),
}

/// The view a person sees: a school leader their school, everyone else the consortium.
pub fn default_view(user: &CurrentUser) -> View {
    match (user.role, user.organisation_id) {
        (Role::Skoleleder, Some(s)) => View::School(s),
        _ => View::Consortium,
    }
}

/// The descriptions of a qualitative indicator's levels: (level, text), by level.
fn rubric_of(ind: &Indicator) -> Vec<(String, String)> {
    ind.rubric
        .as_ref()
        .and_then(|r| r.as_object())
        .map(|o| {
            let mut v: Vec<(String, String)> = o
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect();
            v.sort();
            v
        })
        .unwrap_or_default()
}
