//! `/medarbejdere/{id}/anonymiser`: the coordinator anonymises a person (GDPR art. 17). The page
//! says what will happen and that it cannot be undone; the button does it in one transaction.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::forms::check_csrf;
use super::{DaForm, Id, Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::{MobilityStatus, format, kinds::label_or_code};
use crate::error::AppError;

pub struct BlockerLine {
    pub href: String,
    pub text: String,
}

/// Why the person cannot be anonymised now; None when they can.
#[derive(PartialEq, Eq)]
enum Refusal {
    Already,
    Yourself,
    Upcoming,
}

#[derive(Template)]
#[template(path = "anonymise/confirm.html")]
struct ConfirmPage {
    layout: Layout,
    id: Uuid,
    name: String,
    school: String,
    has_account: bool,
    mobilities: i64,
    already: bool,
    yourself: bool,
    blockers: Vec<BlockerLine>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<(ConfirmPage, Option<Refusal>), AppError> {
    user.require_coordinator()?;
    let person = db::staff::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let blockers = db::anonymise::blockers(&state.pool, id).await?;
    let mobilities = db::anonymise::mobility_count(&state.pool, id).await?;
    let refusal = if person.anonymised_at.is_some() {
        Some(Refusal::Already)
    } else if user.staff_id == Some(id) {
        Some(Refusal::Yourself)
    } else if !blockers.is_empty() {
        Some(Refusal::Upcoming)
    } else {
        None
    };
    let title = if refusal == Some(Refusal::Already) {
        format!("{} er anonymiseret", person.name)
    } else {
        format!("Anonymisér {}?", person.name)
    };
    let page = ConfirmPage {
        layout: Layout::new(&title, "medarbejdere", user),
        id,
        name: person.name,
        school: person.organisation_name,
        has_account: person.has_account,
        mobilities,
        already: refusal == Some(Refusal::Already),
        yourself: refusal == Some(Refusal::Yourself),
        blockers: blockers
            .iter()
            .map(|b| BlockerLine {
                href: format!("/mobiliteter/{}", b.mobility_id),
                text: format!(
                    "{} {}–{} ({})",
                    b.partner,
                    format::date_short(b.start_date),
                    format::date_short(b.end_date),
                    label_or_code(&b.status, MobilityStatus::from_code, MobilityStatus::label)
                        .to_lowercase()
                ),
            })
            .collect(),
    };
    Ok((page, refusal))
}

pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let (page, _) = page(&state, &user, id).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default)]
pub struct AnonymiseForm {
    #[serde(default)]
    csrf: String,
}

pub async fn anonymise(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    DaForm(f): DaForm<AnonymiseForm>,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &f.csrf)?;
    let (page, refusal) = page(&state, &user, id).await?;
    if refusal.is_some() {
        return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
    }
    let mut tx = state.pool.begin().await?;
    let n = db::anonymise::anonymise(&mut tx, &[id], Some(user.account_id), "").await?;
    if n == 0 {
        // Anonymised, or put on a mobility, between the check and the transaction.
        drop(tx);
        let (page, _) = self::page(&state, &user, id).await?;
        return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/medarbejdere/{id}?anonymiseret=1")).into_response())
}
