//! `/opbevaring`: for the coordinator, per kind of record how long it is kept, how many are past
//! their period now and what falls due next, with a link to each person due for anonymisation.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use super::{Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::format;
use crate::error::AppError;
use crate::retention::Kind;

/// At most this many people are listed as due now, and as due next.
const LISTED: i64 = 50;
const NEXT: i64 = 10;

pub struct KindLine {
    pub label: &'static str,
    pub period: String,
    pub setting: &'static str,
    pub due: i64,
    pub verb: &'static str,
    pub next: String,
}

pub struct PersonLine {
    pub href: String,
    pub name: String,
    pub school: String,
    pub due_on: String,
}

#[derive(Template)]
#[template(path = "retention/page.html")]
struct Page {
    layout: Layout,
    kinds: Vec<KindLine>,
    due_people: Vec<PersonLine>,
    due_total: i64,
    next_people: Vec<PersonLine>,
}

fn when(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| format::date_long(t.with_timezone(&chrono::Local).date_naive()))
        .unwrap_or_default()
}

fn lines(people: Vec<db::retention::Person>) -> Vec<PersonLine> {
    people
        .into_iter()
        .map(|p| PersonLine {
            href: format!("/medarbejdere/{}/anonymiser", p.id),
            name: p.name,
            school: p.school,
            due_on: format::date_long(p.due_on),
        })
        .collect()
}

pub async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let c = &state.config;
    let due = crate::retention::due(&state.pool, c).await?;
    let due_people = db::retention::people_due(&state.pool, &c.retention, true, LISTED).await?;
    let next_people = db::retention::people_due(&state.pool, &c.retention, false, NEXT).await?;
    let next_staff = next_people
        .first()
        .map(|p| format::date_long(p.due_on))
        .unwrap_or_default();
    let kinds = Kind::ALL
        .iter()
        .map(|&k| KindLine {
            label: k.label(),
            period: k.period(c),
            setting: k.setting(),
            due: k.count(&due),
            verb: k.verb(),
            next: match k {
                Kind::Staff => next_staff.clone(),
                Kind::Sessions => when(due.next_session),
                Kind::LoginFailures => when(due.next_login_failure),
                Kind::Outbox => when(due.next_outbox),
                Kind::Imports => when(due.next_import),
            },
        })
        .collect();
    let page = Page {
        layout: Layout::new("Opbevaring", "medarbejdere", &user),
        kinds,
        due_total: due.staff,
        due_people: lines(due_people),
        next_people: lines(next_people),
    };
    Ok(render(&page)?.into_response())
}
