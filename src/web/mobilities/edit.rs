//! `/mobiliteter/ny` and `/mobiliteter/{id}/rediger`: registering a mobility (as a draft or
//! submitted at once) and editing one. When two people edit the same mobility, the second save is
//! refused (409) with what the other changed meanwhile.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::form::{FormContext, MobilityForm, form_page, parse};
use super::{FIELDS, actor, code_label, load, status_of};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit};
use crate::domain::mobility as rules;
use crate::domain::{MobilityStatus, Role};
use crate::error::AppError;
use crate::web::forms::{RawForm, check_csrf};
use crate::web::history;
use crate::web::{FormErrors, Id, render};

fn may_register(user: &CurrentUser) -> Result<(), AppError> {
    if user.role == Role::Medarbejder {
        Err(AppError::Forbidden)
    } else {
        Ok(())
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    may_register(&user)?;
    let f = MobilityForm {
        travel_days: "2".into(),
        organisation_id: user
            .organisation_id
            .map(|o| o.to_string())
            .unwrap_or_default(),
        ..Default::default()
    };
    let cx = FormContext {
        existing: None,
        errors: FormErrors::default(),
        conflict: Vec::new(),
    };
    Ok(render(&form_page(&state, &user, f, cx).await?)?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    raw: RawForm,
) -> Result<Response, AppError> {
    may_register(&user)?;
    check_csrf(&user, &raw.get("csrf"))?;
    let f = MobilityForm::from_raw(&raw);
    let handling = raw.get("handling");
    let mut errors = FormErrors::default();
    if handling != "vis"
        && let Some(input) = parse(&state, &user, &f, None, &mut errors).await?
    {
        let status = if handling == "indstil" {
            "indstillet"
        } else {
            "kladde"
        };
        let mut tx = state.pool.begin().await?;
        let id = db::mobilities::insert(&mut tx, &input, user.account_id, status).await?;
        db::grants::recompute(&mut tx, &[id]).await?;
        let after = db::mobilities::snapshot(&mut *tx, id).await?;
        let action = if status == "indstillet" {
            "mobilitet oprettet og indstillet"
        } else {
            "mobilitet oprettet"
        };
        audit::record(
            &mut *tx,
            audit::Entry {
                account_id: Some(user.account_id),
                action,
                entity: "mobility",
                entity_id: id.to_string(),
                before: None,
                after,
                reason: "",
            },
        )
        .await?;
        tx.commit().await?;
        let done = if status == "indstillet" {
            "oprettet-indstillet"
        } else {
            "oprettet"
        };
        return Ok(Redirect::to(&format!("/mobiliteter/{id}?gemt={done}")).into_response());
    }
    let status = if handling == "vis" {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let cx = FormContext {
        existing: None,
        errors,
        conflict: Vec::new(),
    };
    Ok((status, render(&form_page(&state, &user, f, cx).await?)?).into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let (m, people) = load(&state, &user, id).await?;
    if !rules::may_edit(actor(&user, &m), status_of(&m)) {
        return Err(AppError::Forbidden);
    }
    let goals = db::mobilities::goals(&state.pool, id).await?;
    let f = MobilityForm::from_detail(&m, &people, &goals);
    let cx = FormContext {
        existing: Some(&m),
        errors: FormErrors::default(),
        conflict: Vec::new(),
    };
    Ok(render(&form_page(&state, &user, f, cx).await?)?.into_response())
}

/// The changes saved by others since `version`, for the person whose save was refused.
async fn changes_since(
    state: &AppState,
    id: Uuid,
    version: i32,
) -> Result<Vec<history::Entry>, AppError> {
    let rows = audit::mobility_changes_since(&state.pool, id, version).await?;
    Ok(history::entries(rows, FIELDS, code_label))
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    let (m, _) = load(&state, &user, id).await?;
    if !rules::may_edit(actor(&user, &m), status_of(&m)) {
        return Err(AppError::Forbidden);
    }
    check_csrf(&user, &raw.get("csrf"))?;
    let mut f = MobilityForm::from_raw(&raw);
    let handling = raw.get("handling");
    let mut errors = FormErrors::default();
    let mut conflict = Vec::new();
    if handling != "vis"
        && let Some(input) = parse(&state, &user, &f, Some(&m), &mut errors).await?
    {
        let submit = handling == "indstil"
            && matches!(
                status_of(&m),
                MobilityStatus::Kladde | MobilityStatus::Afvist
            );
        // A rejected mobility that is corrected goes back to draft until it is submitted again.
        let new_status = if submit {
            Some("indstillet")
        } else if status_of(&m) == MobilityStatus::Afvist && user.role == Role::Skoleleder {
            Some("kladde")
        } else {
            None
        };
        let mut tx = state.pool.begin().await?;
        let before = db::mobilities::snapshot(&mut *tx, id).await?;
        let saved = match db::mobilities::update(&mut tx, id, f.version, &input, new_status).await {
            // A report written between the check and the save: refused the same way.
            Err(sqlx::Error::Database(e))
                if e.constraint() == Some("reports_mobility_id_staff_id_fkey") =>
            {
                tx.rollback().await?;
                errors.add(
                    "deltagere",
                    "En af de deltagere, du har taget af, har en rapport om mobiliteten og kan derfor ikke tages af den. Mobiliteten er ikke gemt.",
                );
                let cx = FormContext {
                    existing: Some(&m),
                    errors,
                    conflict,
                };
                return Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    render(&form_page(&state, &user, f, cx).await?)?,
                )
                    .into_response());
            }
            r => r?,
        };
        if saved {
            db::grants::recompute(&mut tx, &[id]).await?;
            let after = db::mobilities::snapshot(&mut *tx, id).await?;
            let action = if submit {
                "mobilitet ændret og indstillet"
            } else {
                "mobilitet ændret"
            };
            audit::record(
                &mut *tx,
                audit::Entry {
                    account_id: Some(user.account_id),
                    action,
                    entity: "mobility",
                    entity_id: id.to_string(),
                    before,
                    after,
                    reason: "",
                },
            )
            .await?;
            tx.commit().await?;
            return Ok(Redirect::to(&format!("/mobiliteter/{id}?gemt=1")).into_response());
        }
        tx.rollback().await?;
        // Someone else saved first: say what they changed, keep what this person typed.
        conflict = changes_since(&state, id, f.version).await?;
        errors.add("version", "Mobiliteten blev ændret af en anden, mens du redigerede. Dine ændringer er ikke gemt. Se hvad der er ændret, og gem igen, hvis dine ændringer stadig skal med.");
        f.version = db::mobilities::get(&state.pool, id)
            .await?
            .map(|m| m.version)
            .unwrap_or(f.version);
    }
    let status = if handling == "vis" {
        StatusCode::OK
    } else if conflict.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::CONFLICT
    };
    let cx = FormContext {
        existing: Some(&m),
        errors,
        conflict,
    };
    Ok((status, render(&form_page(&state, &user, f, cx).await?)?).into_response())
}
