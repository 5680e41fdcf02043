//! `/projekter/{id}/bm-import`: the coordinator sends the BM's own export, and Udsyn shows per
//! row what differs from Udsyn, the rows Udsyn does not know and Udsyn's rows missing from the
//! file. Nothing is changed.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::{RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Posted, context, posted};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::bm::{self, Difference, Field};
use crate::error::AppError;
use crate::web::forms::check_csrf;
use crate::web::{FormErrors, Id, Layout, render};

struct RowDiff {
    line: u32,
    id: String,
    name: String,
    differences: Vec<Difference>,
}

struct Comparison {
    filename: String,
    file_rows: usize,
    matched: usize,
    compared: Vec<&'static str>,
    differing: Vec<RowDiff>,
    /// (line, ID) of rows whose ID Udsyn never gave.
    unknown: Vec<(u32, String)>,
    /// (line, ID, name) of rows whose ID Udsyn gave, to a participant no longer exported.
    gone: Vec<(u32, String, String)>,
    /// (ID, name) of Udsyn's rows the file lacks.
    missing: Vec<(String, String)>,
    without_id_in_udsyn: usize,
    without_id_in_file: Vec<u32>,
    /// What may be taken into Udsyn: the BM's dates and interrupted days.
    offer: Option<Offer>,
}

/// The BM's dates and interrupted days, offered behind a button.
pub struct Offer {
    pub rows: Vec<super::apply::Hidden>,
    /// Mobilities whose dates change, participants whose interrupted days change.
    pub moved: usize,
    pub interrupted: usize,
    /// Why they cannot be taken over as they are.
    pub problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "bm/import.html")]
pub struct Page {
    layout: Layout,
    errors: FormErrors,
    project_id: uuid::Uuid,
    reference: String,
    id_header: String,
    max_mb: usize,
    result: Option<Comparison>,
    transferred: Option<String>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    project: &db::bm::Project,
    errors: FormErrors,
    result: Option<Comparison>,
) -> Result<Page, AppError> {
    let (_, columns) = db::bm::columns(&state.pool, project.call_year).await?;
    let title = if result.is_some() {
        "Sammenligning med BM"
    } else {
        "Sammenlign med BM's eksport"
    };
    Ok(Page {
        layout: Layout::new(title, "projekter", user).with_errors(&errors),
        errors,
        project_id: project.id,
        reference: project.reference.clone(),
        id_header: columns
            .iter()
            .find(|c| c.field == Some(Field::MobilityId))
            .map_or(Field::MobilityId.default_header(), |c| c.header.as_str())
            .to_string(),
        max_mb: state.config.max_body_bytes / (1024 * 1024),
        result,
        transferred: None,
    })
}

pub async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let project = context(&state, &user, id).await?;
    let mut p = page(&state, &user, &project, FormErrors::default(), None).await?;
    p.transferred = query
        .as_deref()
        .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("overfoert=")))
        .and_then(|n| n.parse::<u32>().ok())
        .map(|n| {
            format!(
                "BM's datoer og afbrudte dage er overført til {n} {} i Udsyn, og tilskuddene er beregnet igen.",
                if n == 1 { "mobilitet" } else { "mobiliteter" }
            )
        });
    Ok(render(&p)?.into_response())
}

pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    req: Request,
) -> Result<Response, AppError> {
    let project = context(&state, &user, id).await?;
    let upload = match posted(req, &state).await? {
        Posted::Upload(u) => u,
        Posted::Form(raw) => {
            check_csrf(&user, &raw.get("csrf"))?;
            return refuse(
                &state,
                &user,
                &project,
                "Vælg filen, du har eksporteret fra BM.".into(),
            )
            .await;
        }
    };
    check_csrf(&user, &upload.csrf)?;
    let (_, columns) = db::bm::columns(&state.pool, project.call_year).await?;
    let file = match upload.bytes() {
        None => Err("Vælg filen, du har eksporteret fra BM.".to_string()),
        Some(bytes) => bm::read_import(bytes, &upload.filename, &columns),
    };
    let file = match file {
        Ok(f) => f,
        Err(message) => return refuse(&state, &user, &project, message).await,
    };

    let mut conn = state.pool.acquire().await?;
    let people = db::bm::participants(&mut conn, &project).await?;
    let given: HashMap<String, Option<String>> = db::bm::given_ids(&mut *conn, project.id)
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_uppercase(), name))
        .collect();
    drop(conn);
    let by_id: HashMap<String, &db::bm::Participant> = people
        .iter()
        .filter(|p| !p.row.bm_id.is_empty())
        .map(|p| (p.row.bm_id.to_uppercase(), p))
        .collect();
    let mut seen = HashSet::new();
    let mut matched = Vec::new();
    let mut differing = Vec::new();
    let mut unknown = Vec::new();
    let mut gone = Vec::new();
    for row in &file.rows {
        let key = row.id.to_uppercase();
        if let Some(p) = by_id.get(&key) {
            seen.insert(key);
            matched.push((row, *p));
            let differences = bm::compare(row, &p.row, p.report_submitted);
            if !differences.is_empty() {
                differing.push(RowDiff {
                    line: row.line,
                    id: row.id.clone(),
                    name: p.name.clone(),
                    differences,
                });
            }
        } else if let Some(name) = given.get(&key) {
            gone.push((row.line, row.id.clone(), name.clone().unwrap_or_default()));
        } else {
            unknown.push((row.line, row.id.clone()));
        }
    }
    let result = Comparison {
        filename: upload.filename.clone(),
        file_rows: file.rows.len(),
        matched: seen.len(),
        compared: file
            .compared
            .iter()
            .map(|f| f.label())
            .chain(
                file.has_report_status
                    .then_some("deltagerrapportens status"),
            )
            .collect(),
        differing,
        unknown,
        gone,
        missing: people
            .iter()
            .filter(|p| !p.row.bm_id.is_empty() && !seen.contains(&p.row.bm_id.to_uppercase()))
            .map(|p| (p.row.bm_id.clone(), p.name.clone()))
            .collect(),
        without_id_in_udsyn: people.iter().filter(|p| p.row.bm_id.is_empty()).count(),
        without_id_in_file: file.without_id.clone(),
        offer: super::apply::offer(&matched),
    };
    let p = page(&state, &user, &project, FormErrors::default(), Some(result)).await?;
    Ok(render(&p)?.into_response())
}

/// The upload form with these errors.
pub(super) async fn errors_page(
    state: &AppState,
    user: &CurrentUser,
    project: &db::bm::Project,
    errors: FormErrors,
) -> Result<Page, AppError> {
    page(state, user, project, errors, None).await
}

/// The upload form with a message on its file field.
pub(super) async fn refused_page(
    state: &AppState,
    user: &CurrentUser,
    project: &db::bm::Project,
    message: String,
) -> Result<Page, AppError> {
    let mut errors = FormErrors::default();
    errors.add("fil", message);
    page(state, user, project, errors, None).await
}

async fn refuse(
    state: &AppState,
    user: &CurrentUser,
    project: &db::bm::Project,
    message: String,
) -> Result<Response, AppError> {
    let p = refused_page(state, user, project, message).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
}
