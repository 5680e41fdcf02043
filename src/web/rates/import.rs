//! `/satser/import`: the coordinator uploads a rates file (the JSON that `/satser/{year}/
//! satser-{year}.json` exports), sees what will be saved, and confirms. Nothing is saved before
//! the confirmation, which posts the document back and is checked again.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Names, Tables, tables};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::grant::{RateProblem, Rates};
use crate::domain::rates_file::{self, FileProblem};
use crate::domain::validate::clean_text;
use crate::error::AppError;
use crate::web::forms::{FormErrors, RawForm, check_csrf};
use crate::web::{Layout, render};

#[derive(Template)]
#[template(path = "rates/import.html")]
struct UploadPage {
    layout: Layout,
    errors: FormErrors,
    problems: Vec<RateProblem>,
    max_kb: usize,
}

fn upload_page(
    state: &AppState,
    user: &CurrentUser,
    errors: FormErrors,
    problems: Vec<RateProblem>,
) -> UploadPage {
    UploadPage {
        layout: Layout::new("Importér satser", "projekter", user).with_errors(&errors),
        errors,
        problems,
        max_kb: state.config.max_body_bytes / 1024,
    }
}

fn refused(
    state: &AppState,
    user: &CurrentUser,
    problem: &FileProblem,
    prefix: &str,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    errors.add("fil", format!("{prefix}{}", problem.message()));
    let page = upload_page(state, user, errors, problem.problems().to_vec());
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

#[derive(Template)]
#[template(path = "rates/import_preview.html")]
struct PreviewPage {
    layout: Layout,
    year: i16,
    filename: String,
    /// Udsyn has rates for the year, which the import replaces.
    replaces: bool,
    /// …and they are the same as the file's.
    unchanged: bool,
    tables: Tables,
    document: String,
    csrf: String,
}

/// `GET /satser/import`.
pub async fn import_form(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let page = upload_page(&state, &user, FormErrors::default(), Vec::new());
    Ok(render(&page)?.into_response())
}

/// `POST /satser/import`: the upload (multipart, with the file) or the confirmation (a form
/// with the document the preview showed).
pub async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    req: Request,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        let form = Multipart::from_request(req, &state)
            .await
            .map_err(|_| AppError::BadRequest(not_arrived()))?;
        upload(&state, &user, form).await
    } else {
        let form = RawForm::from_request(req, &state).await?;
        confirm(&state, &user, form).await
    }
}

fn not_arrived() -> String {
    "Filen kom ikke helt frem. Prøv at sende den igen.".into()
}

async fn upload(
    state: &AppState,
    user: &CurrentUser,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let (mut csrf, mut file, mut filename) = (String::new(), None, String::new());
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::PayloadTooLarge);
            }
            Err(_) => return Err(AppError::BadRequest(not_arrived())),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "fil" {
            filename = clean_text(field.file_name().unwrap_or(""))
                .trim()
                .chars()
                .take(200)
                .collect();
        }
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::PayloadTooLarge);
            }
            Err(_) => return Err(AppError::BadRequest(not_arrived())),
        };
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).to_string(),
            "fil" => file = Some(bytes),
            _ => {}
        }
    }
    check_csrf(user, &csrf)?;
    let bytes = match file {
        Some(b) if !(b.is_empty() && filename.is_empty()) => b,
        _ => {
            let mut errors = FormErrors::default();
            errors.add("fil", "Vælg filen med satserne.");
            let page = upload_page(state, user, errors, Vec::new());
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    let rates = match rates_file::read_rates_file(&bytes) {
        Ok(r) => r,
        Err(p) => return refused(state, user, &p, ""),
    };
    preview(state, user, rates, filename).await
}

async fn preview(
    state: &AppState,
    user: &CurrentUser,
    rates: Rates,
    filename: String,
) -> Result<Response, AppError> {
    let stored = db::rates::get(&state.pool, rates.call_year).await?;
    let names = Names::load(state).await?;
    let year = rates.call_year;
    let page = PreviewPage {
        layout: Layout::new(&format!("Importér satser for {year}"), "projekter", user),
        year,
        filename,
        replaces: stored.is_some(),
        unchanged: stored.as_ref() == Some(&rates),
        tables: tables(&rates, &names),
        document: serde_json::to_string(&rates).map_err(|e| AppError::Internal(e.into()))?,
        csrf: user.csrf_token.clone(),
    };
    Ok(render(&page)?.into_response())
}

async fn confirm(
    state: &AppState,
    user: &CurrentUser,
    form: RawForm,
) -> Result<Response, AppError> {
    check_csrf(user, &form.get("csrf"))?;
    // The document comes back from the browser: it is checked again, as any upload.
    let rates = match rates_file::read_rates_file(form.get("dokument").as_bytes()) {
        Ok(r) => r,
        Err(p) => return refused(state, user, &p, "Intet er gemt. "),
    };
    let filename: String = form.get("filnavn").trim().chars().take(200).collect();
    let mut tx = state.pool.begin().await?;
    db::rates::save(
        &mut tx,
        &rates,
        user.account_id,
        db::rates::Change::Imported(&filename),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/satser/{}?gemt=1", rates.call_year)).into_response())
}
