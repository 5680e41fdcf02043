//! `/mobiliteter/{id}/status`: the lifecycle (kladde → indstillet → godkendt / afvist →
//! gennemført, aflyst before completion), each change checked against the person's role and
//! logged with its reason.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Local;

use super::show::show_page;
use super::{actor, load, status_of};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit};
use crate::domain::Role;
use crate::domain::mobility::{self as rules, Action};
use crate::error::AppError;
use crate::web::forms::{RawForm, check_csrf};
use crate::web::{FormErrors, Id, render};

pub async fn change_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    let (m, people) = load(&state, &user, id).await?;
    check_csrf(&user, &raw.get("csrf"))?;
    let action = Action::from_code(&raw.get("handling"))
        .ok_or_else(|| AppError::BadRequest("Ukendt handling.".into()))?;
    let reason = raw
        .get("begrundelse")
        .trim()
        .chars()
        .take(2000)
        .collect::<String>();
    let ended = m.end_date < Local::now().date_naive();
    let mut errors = FormErrors::default();
    match rules::allowed(actor(&user, &m), status_of(&m), action, ended) {
        Err(msg)
            if user.role == Role::Medarbejder
                || (user.role == Role::Skoleleder && !actor(&user, &m).owns) =>
        {
            tracing::debug!(msg, "status refused");
            return Err(AppError::Forbidden);
        }
        Err(msg) => errors.add("handling", msg),
        Ok(_) if action.needs_reason() && reason.is_empty() => errors.add(
            "begrundelse",
            "Skriv en begrundelse, så skolen ved, hvad der skal rettes.",
        ),
        Ok(to) => {
            let mut tx = state.pool.begin().await?;
            let before = db::mobilities::snapshot(&mut *tx, id).await?;
            if db::mobilities::set_status(&mut *tx, id, &m.status, to.code(), &reason).await? {
                let after = db::mobilities::snapshot(&mut *tx, id).await?;
                let what = format!("{} → {}", status_of(&m).label(), to.label());
                audit::record(
                    &mut *tx,
                    audit::Entry {
                        account_id: Some(user.account_id),
                        action: &what,
                        entity: "mobility",
                        entity_id: id.to_string(),
                        before,
                        after,
                        reason: &reason,
                    },
                )
                .await?;
                tx.commit().await?;
                return Ok(
                    Redirect::to(&format!("/mobiliteter/{id}?gemt={}", action.code()))
                        .into_response(),
                );
            }
            errors.add(
                "handling",
                "Mobilitetens status er ændret af en anden imens. Se den nye status herunder.",
            );
        }
    }
    let (m, people) = if errors.get("handling").is_some() {
        load(&state, &user, id).await?
    } else {
        (m, people)
    };
    let page = show_page(&state, &user, m, people, errors, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}
