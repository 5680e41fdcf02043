//! `/rapporter/{id}/opfoelgning`: the follow-up `FOLLOW_UP_MONTHS` after the report: did the
//! participant change their practice, what, what shows it and who else uses it; when everyone has
//! answered, the mobility becomes opfulgt.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Local;
use uuid::Uuid;

use super::report::settle;
use super::{Choice, choices, due_date};
use crate::access_log::Kind;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit};
use crate::domain::format;
use crate::domain::learning::CHANGED;
use crate::error::AppError;
use crate::web::forms::{RawForm, check_csrf};
use crate::web::{FormErrors, Id, Layout, render};

#[derive(Template)]
#[template(path = "reports/follow_up.html")]
struct FollowUpPage {
    layout: Layout,
    errors: FormErrors,
    r: db::reports::Report,
    due: String,
    open: bool,
    changed: Vec<Choice>,
    what: String,
    evidence: String,
    others: String,
    action: String,
}

async fn follow_up_context(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<(db::reports::Report, chrono::NaiveDate), AppError> {
    let r = db::reports::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if Some(r.staff_id) != user.staff_id && !user.is_coordinator() {
        return Err(AppError::Forbidden);
    }
    let Some(submitted) = r.submitted_at.filter(|_| r.status == "indsendt") else {
        return Err(AppError::BadRequest(
            "Opfølgningen kommer, når rapporten er indsendt.".into(),
        ));
    };
    if db::reports::follow_up(&state.pool, id).await?.is_some() {
        return Err(AppError::BadRequest(
            "Opfølgningen er allerede besvaret.".into(),
        ));
    }
    Ok((r, due_date(submitted, state.config.follow_up_months)))
}

fn follow_up_page(
    user: &CurrentUser,
    r: db::reports::Report,
    due: chrono::NaiveDate,
    f: &RawForm,
    errors: FormErrors,
) -> FollowUpPage {
    FollowUpPage {
        layout: Layout::new("Opfølgning: hvad har du ændret?", "mine", user).with_errors(&errors),
        errors,
        open: due <= Local::now().date_naive(),
        due: format::date_long(due),
        changed: choices(
            "changed",
            CHANGED.iter().map(|(c, l)| (c.to_string(), *l)),
            &f.all("changed"),
        ),
        what: f.get("what"),
        evidence: f.get("evidence"),
        others: f.get("others"),
        action: format!("/rapporter/{}/opfoelgning", r.id),
        r,
    }
}

pub async fn follow_up_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let (r, due) = follow_up_context(&state, &user, id).await?;
    state
        .access_log
        .record(&user, Kind::FollowUp, [r.staff_id])
        .await;
    Ok(render(&follow_up_page(
        &user,
        r,
        due,
        &RawForm(Vec::new()),
        FormErrors::default(),
    ))?
    .into_response())
}

pub async fn answer_follow_up(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    let (r, due) = follow_up_context(&state, &user, id).await?;
    check_csrf(&user, &raw.get("csrf"))?;
    let mut errors = FormErrors::default();
    if due > Local::now().date_naive() {
        errors.add(
            "changed",
            format!("Opfølgningen kan besvares fra {}.", format::date_long(due)),
        );
    }
    let changed = raw.get("changed");
    if !CHANGED.iter().any(|c| c.0 == changed) {
        errors.add("changed", "Vælg ja, delvist eller nej.");
    }
    let what = raw
        .get("what")
        .trim()
        .chars()
        .take(5000)
        .collect::<String>();
    if changed != "nej" && what.is_empty() && !changed.is_empty() {
        errors.add("what", "Skriv hvad du har ændret.");
    }
    if errors.is_empty() {
        let mut tx = state.pool.begin().await?;
        let evidence: String = raw.get("evidence").trim().chars().take(5000).collect();
        let others: String = raw.get("others").trim().chars().take(5000).collect();
        if db::reports::answer_follow_up(&mut *tx, id, &changed, &what, &evidence, &others).await? {
            audit::record(
                &mut *tx,
                audit::Entry {
                    account_id: Some(user.account_id),
                    action: "opfølgning besvaret",
                    entity: "report",
                    entity_id: id.to_string(),
                    before: None,
                    after: Some(serde_json::json!({"changed": changed})),
                    reason: &r.author,
                },
            )
            .await?;
            settle(&mut tx, user.account_id, r.mobility_id).await?;
        }
        tx.commit().await?;
        return Ok(Redirect::to(&format!("/rapporter/{id}?gemt=1")).into_response());
    }
    let page = follow_up_page(&user, r, due, &raw, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}
