//! `/kalender`: secret, revocable calendar feeds (.ics) so that teachers see their trips in
//! Outlook, and the administration the consortium's. The address is the secret; only its hash is
//! stored, and revoking it stops the feed at once.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use uuid::Uuid;

use super::forms::{RawForm, check_csrf};
use super::{Id, Layout, render};
use crate::app::AppState;
use crate::auth::{CurrentUser, session};
use crate::db;
use crate::domain::{format, ics};
use crate::error::AppError;

pub struct FeedLine {
    pub id: Uuid,
    pub what: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    layout: Layout,
    feeds: Vec<FeedLine>,
    new_link: Option<String>,
    personal: bool,
    consortium: bool,
    csrf: String,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    new_link: Option<String>,
) -> Result<Response, AppError> {
    let rows = db::calendar::of_account(&state.pool, user.account_id).await?;
    let p = CalendarPage {
        layout: Layout::new("Kalender", "", user),
        feeds: rows
            .into_iter()
            .map(|f| FeedLine {
                id: f.id,
                what: if f.staff_id.is_some() {
                    "Mine mobiliteter".into()
                } else {
                    "Hele konsortiets mobiliteter".into()
                },
                created: format::timestamp(f.created_at),
            })
            .collect(),
        new_link,
        personal: user.staff_id.is_some(),
        consortium: user.is_coordinator(),
        csrf: user.csrf_token.clone(),
    };
    Ok(render(&p)?.into_response())
}

pub async fn show(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    page(&state, &user, None).await
}

pub(crate) fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    state.config.public_url.clone().unwrap_or_else(|| {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost:3000");
        format!("http://{host}")
    })
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    raw: RawForm,
) -> Result<Response, AppError> {
    check_csrf(&user, &raw.get("csrf"))?;
    let staff = match raw.get("type").as_str() {
        "personlig" => Some(user.staff_id.ok_or(AppError::Forbidden)?),
        "konsortium" if user.is_coordinator() => None,
        "konsortium" => return Err(AppError::Forbidden),
        _ => {
            return Err(AppError::BadRequest(
                "Vælg hvilken kalender du vil have.".into(),
            ));
        }
    };
    let token = session::new_token();
    db::calendar::create(
        &state.pool,
        &session::token_hash(&token),
        user.account_id,
        staff,
    )
    .await?;
    let link = format!("{}/kalender/{token}.ics", base_url(&state, &headers));
    page(&state, &user, Some(link)).await
}

pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    check_csrf(&user, &raw.get("csrf"))?;
    if !db::calendar::revoke(&state.pool, id, user.account_id).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/kalender").into_response())
}

/// The feed itself, fetched by a calendar program: no login, the address is the key.
pub async fn feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let token = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let feed = db::calendar::by_token(&state.pool, &session::token_hash(token)).await?;
    let (staff, name) = feed.ok_or(AppError::NotFound)?;
    let rows = db::calendar::events(&state.pool, staff).await?;
    let base = base_url(&state, &headers);
    let events: Vec<ics::Event> = rows
        .into_iter()
        .map(
            |(id, status, activity, partner, place, people, start, end, school)| ics::Event {
                uid: format!("{id}@udsyn"),
                start,
                end,
                summary: format!("{activity} hos {partner}"),
                location: place,
                description: format!(
                    "Status: {}\nSkole: {school}\nDeltagere: {people}",
                    super::mobilities::status_label(&status)
                ),
                url: format!("{base}/mobiliteter/{id}"),
                status: match status.as_str() {
                    "godkendt" | "gennemfoert" | "rapporteret" | "opfulgt" => "CONFIRMED",
                    "afvist" | "aflyst" => "CANCELLED",
                    _ => "TENTATIVE",
                },
                time: None,
            },
        )
        .collect();
    let title = match name {
        Some(n) => format!("Udsyn – {n}"),
        None => "Udsyn – konsortiets mobiliteter".to_string(),
    };
    let body = ics::calendar(&title, &events, Utc::now());
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        body,
    )
        .into_response())
}
