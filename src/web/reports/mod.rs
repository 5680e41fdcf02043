//! What participants learned, shared across the consortium: the post-mobility report
//! (`/mobiliteter/{id}/rapport`, `/rapporter/{id}`), the follow-up months later, reflections
//! (`/refleksioner`), the knowledge base (`/vidensbank`) and reminders (`/paamindelser`, `/udbakke`).
//!
//! Sub-modules, one per area:
//! - `report`: writing, showing and reopening the report;
//! - `follow_up`: the follow-up, what a participant changed months later;
//! - `reflections`: writing, reading and featuring reflections;
//! - `knowledge`: the knowledge base's full-text search;
//! - `reminders`: what is overdue, the reminders and the outbox, and what a person still owes.
//!
//! This file holds the tag checkboxes a report and a reflection share, and the follow-up's due
//! date.

mod follow_up;
mod knowledge;
mod reflections;
mod reminders;
mod report;

pub use follow_up::{answer_follow_up, follow_up_form};
pub use knowledge::knowledge;
pub use reflections::{
    ReflectionView, create_reflection, feature, featured, reflection, reflections,
};
pub use reminders::{outbox, reminders, send_reminders, todo};
pub use report::{reopen, report_page, save_report, show};

use chrono::{DateTime, Months, Utc};

use super::forms::RawForm;
use crate::domain::learning::{self, FOCUS, VIBUS};

pub struct Choice {
    pub name: &'static str,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

fn choices<'a>(
    name: &'static str,
    items: impl IntoIterator<Item = (String, &'a str)>,
    chosen: &[String],
) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            name,
            checked: chosen.contains(&value),
            label: label.to_string(),
            value,
        })
        .collect()
}

/// The tag checkboxes a report and a reflection share.
pub struct Tags {
    pub goals: Vec<Choice>,
    pub vibus: Vec<Choice>,
    pub focus: Vec<Choice>,
}

fn tags(goals: &[String], vibus: &[String], focus: &[String]) -> Tags {
    Tags {
        goals: choices(
            "maal",
            (1..=3).map(|n| {
                (
                    n.to_string(),
                    [
                        "Mål 1: Ledelse",
                        "Mål 2: Lærere og pædagoger",
                        "Mål 3: Faglighed, trivsel og mestring",
                    ][n - 1],
                )
            }),
            goals,
        ),
        vibus: choices(
            "vibus",
            VIBUS.iter().map(|(n, l)| (n.to_string(), *l)),
            vibus,
        ),
        focus: choices(
            "fokus",
            FOCUS.iter().map(|(c, l)| (c.to_string(), *l)),
            focus,
        ),
    }
}

/// Tags read from a form, only known values kept.
fn read_tags(f: &RawForm) -> (Vec<i16>, Vec<i16>, Vec<String>) {
    let goals = f
        .all("maal")
        .iter()
        .filter_map(|g| g.parse::<i16>().ok())
        .filter(|g| (1..=3).contains(g))
        .collect();
    let vibus = f
        .all("vibus")
        .iter()
        .filter_map(|g| g.parse::<i16>().ok())
        .filter(|g| (1..=14).contains(g))
        .collect();
    let focus = f
        .all("fokus")
        .into_iter()
        .filter(|c| FOCUS.iter().any(|x| x.0 == c))
        .collect();
    (goals, vibus, focus)
}

fn tag_labels(goals: &[i16], vibus: &[i16], focus: &[String]) -> Vec<String> {
    let mut out: Vec<String> = goals.iter().map(|g| format!("Mål {g}")).collect();
    out.extend(
        vibus
            .iter()
            .map(|v| format!("VIBUS {v}: {}", learning::vibus_label(*v))),
    );
    out.extend(focus.iter().map(|f| learning::label(&FOCUS, f).to_string()));
    out
}

/// When the follow-up is due: `months` after the report was submitted.
fn due_date(submitted: DateTime<Utc>, months: i32) -> chrono::NaiveDate {
    submitted
        .date_naive()
        .checked_add_months(Months::new(months as u32))
        .unwrap_or(submitted.date_naive())
}
