//! `/kalender`: secret, revocable calendar feeds (.ics) so that teachers see their trips in
//! Outlook, and the administration the consortium's. The address is the secret; only its hash is
//! stored, and revoking it stops the feed at once.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::forms::{RawForm, check_csrf};
use super::{Id, Layout, render};
use crate::app::AppState;
use crate::auth::{CurrentUser, session};
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
    let rows: Vec<(Uuid, Option<Uuid>, DateTime<Utc>)> = sqlx::query_as(
        "SELECT id, staff_id, created_at FROM calendar_feeds WHERE account_id = $1 AND revoked_at IS NULL ORDER BY created_at",
    )
    .bind(user.account_id)
    .fetch_all(&state.pool)
    .await?;
    let p = CalendarPage {
        layout: Layout::new("Kalender", "", user),
        feeds: rows
            .into_iter()
            .map(|(id, staff, at)| FeedLine {
                id,
                what: if staff.is_some() {
                    "Mine mobiliteter".into()
                } else {
                    "Hele konsortiets mobiliteter".into()
                },
                created: format::timestamp(at),
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

fn base_url(state: &AppState, headers: &HeaderMap) -> String {
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
    sqlx::query(
        "INSERT INTO calendar_feeds (token_hash, account_id, staff_id) VALUES ($1, $2, $3)",
    )
    .bind(session::token_hash(&token))
    .bind(user.account_id)
    .bind(staff)
    .execute(&state.pool)
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
    let r = sqlx::query("UPDATE calendar_feeds SET revoked_at = now() WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL")
        .bind(id)
        .bind(user.account_id)
        .execute(&state.pool)
        .await?;
    if r.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/kalender").into_response())
}

type FeedRow = (
    Uuid,
    String,
    String,
    String,
    String,
    String,
    chrono::NaiveDate,
    chrono::NaiveDate,
    String,
);

/// The feed itself, fetched by a calendar program: no login, the address is the key.
pub async fn feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let token = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let feed: Option<(Option<Uuid>, Option<String>)> = sqlx::query_as(
        "SELECT f.staff_id, s.name FROM calendar_feeds f
         JOIN accounts a ON a.id = f.account_id AND a.active
         LEFT JOIN staff s ON s.id = f.staff_id
         WHERE f.token_hash = $1 AND f.revoked_at IS NULL AND coalesce(s.active, true)",
    )
    .bind(session::token_hash(token))
    .fetch_optional(&state.pool)
    .await?;
    let (staff, name) = feed.ok_or(AppError::NotFound)?;
    let rows: Vec<FeedRow> = sqlx::query_as(
        "SELECT m.id, m.status, t.name_da, p.name, CASE WHEN m.venue_city <> '' THEN m.venue_city ELSE p.city END || ', ' || c.name_da,
                (SELECT coalesce(string_agg(s.name, ', ' ORDER BY s.name), '') FROM mobility_participants mp JOIN staff s ON s.id = mp.staff_id WHERE mp.mobility_id = m.id),
                m.start_date, m.end_date, o.name
         FROM mobilities m
         JOIN activity_types t ON t.code = m.activity_type
         JOIN partners p ON p.id = m.receiving_partner_id
         JOIN countries c ON c.code = p.country_code
         JOIN organisations o ON o.id = m.organisation_id
         WHERE m.status <> 'kladde'
           AND ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM mobility_participants mp WHERE mp.mobility_id = m.id AND mp.staff_id = $1))
         ORDER BY m.start_date",
    )
    .bind(staff)
    .fetch_all(&state.pool)
    .await?;
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
