//! `/medarbejdere/import`: a school leader (their own school) or the coordinator (any school)
//! uploads the staff list their staff system exports. Udsyn checks every row in the background,
//! shows the problems in Danish, and then imports all valid rows in one go — or nothing.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{SelectOption, check_csrf, school_options};
use super::{DaForm, FormErrors, Id, Layout, render};
use crate::access_log::Kind;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, imports};
use crate::domain::{JobRole, Role, format, kinds::label_or_code, staff_import};
use crate::error::AppError;
use crate::metrics::Job;

#[derive(Template)]
#[template(path = "staff/import.html")]
struct UploadPage {
    layout: Layout,
    errors: FormErrors,
    schools: Vec<SelectOption>,
    school_name: String,
    max_mb: usize,
}

fn may_import(user: &CurrentUser) -> Result<(), AppError> {
    match user.role {
        Role::Koordinator | Role::Skoleleder => Ok(()),
        Role::Medarbejder => Err(AppError::Forbidden),
    }
}

async fn upload_page(
    state: &AppState,
    user: &CurrentUser,
    errors: FormErrors,
    school: &str,
) -> Result<UploadPage, AppError> {
    let schools = if user.is_coordinator() {
        school_options(
            &state.pool,
            school,
            Some("Ingen – filen har en kolonne Skole"),
        )
        .await?
    } else {
        Vec::new()
    };
    Ok(UploadPage {
        layout: Layout::new("Importér medarbejderliste", "medarbejdere", user).with_errors(&errors),
        errors,
        schools,
        school_name: user.organisation_name.clone().unwrap_or_default(),
        max_mb: state.config.import_max_bytes / (1024 * 1024),
    })
}

pub async fn form(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    may_import(&user)?;
    Ok(render(&upload_page(&state, &user, FormErrors::default(), "").await?)?.into_response())
}

pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    may_import(&user)?;
    let (mut csrf, mut school, mut file, mut filename) =
        (String::new(), String::new(), None, String::new());
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::PayloadTooLarge);
            }
            Err(_) => {
                return Err(AppError::BadRequest(
                    "Filen kom ikke helt frem. Prøv at sende den igen.".into(),
                ));
            }
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "fil" {
            filename = crate::domain::validate::clean_text(field.file_name().unwrap_or(""))
                .chars()
                .take(200)
                .collect();
        }
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::PayloadTooLarge);
            }
            Err(_) => {
                return Err(AppError::BadRequest(
                    "Filen kom ikke helt frem. Prøv at sende den igen.".into(),
                ));
            }
        };
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).to_string(),
            "skole" => {
                school = crate::domain::validate::clean_text(&String::from_utf8_lossy(&bytes))
                    .trim()
                    .to_string()
            }
            "fil" => file = Some(bytes),
            _ => {}
        }
    }
    check_csrf(&user, &csrf)?;
    let mut errors = FormErrors::default();
    let default_school = if user.is_coordinator() && !school.is_empty() {
        match school.parse::<Uuid>() {
            Ok(id)
                if db::organisations::get(&state.pool, id)
                    .await?
                    .is_some_and(|o| o.active) =>
            {
                Some(id)
            }
            _ => {
                errors.add("skole", "Vælg en skole fra listen.");
                None
            }
        }
    } else {
        None
    };
    let rows = match &file {
        None => {
            errors.add("fil", "Vælg filen med medarbejderlisten.");
            None
        }
        Some(b) if b.is_empty() && filename.is_empty() => {
            errors.add("fil", "Vælg filen med medarbejderlisten.");
            None
        }
        Some(b) => match staff_import::read(b, &filename) {
            Ok(rows) => Some(rows),
            Err(m) => {
                errors.add("fil", m);
                None
            }
        },
    };
    let Some(rows) = rows.filter(|_| errors.is_empty()) else {
        let page = upload_page(&state, &user, errors, &school).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };

    let own_school = if user.is_coordinator() {
        None
    } else {
        Some(user.organisation_id.ok_or(AppError::Forbidden)?)
    };
    let job = imports::create(
        &state.pool,
        user.account_id,
        own_school,
        &filename,
        rows.len() as i32,
    )
    .await?;
    // Checking runs in the background; the browser goes to the job's page and watches the progress.
    let pool = state.pool.clone();
    let app = state.clone();
    tokio::spawn(async move {
        let check = check_job(&pool, job, rows, own_school, default_school);
        if let Err(e) = app.metrics.job(Job::StaffImportCheck, check).await {
            tracing::error!(error = ?e, %job, "medarbejderlisten kunne ikke kontrolleres");
            let _ = imports::set_status(
                &pool,
                job,
                "fejlet",
                "Listen kunne ikke kontrolleres. Prøv igen, eller kontakt forvaltningen.",
            )
            .await;
        }
    });
    Ok(Redirect::to(&format!("/medarbejdere/import/{job}")).into_response())
}

async fn check_job(
    pool: &sqlx::PgPool,
    job: Uuid,
    rows: Vec<staff_import::RawRow>,
    own_school: Option<Uuid>,
    default_school: Option<Uuid>,
) -> anyhow::Result<()> {
    let emails: Vec<String> = rows.iter().map(|r| r.email.clone()).collect();
    let (schools, staff) = imports::known(pool, &emails).await?;
    let checked = staff_import::check(
        rows,
        &staff_import::Known {
            schools,
            staff,
            own_school,
            default_school,
        },
    );
    let mut done = 0;
    for chunk in checked.chunks(imports::CHUNK) {
        done += chunk.len();
        imports::store(pool, job, chunk, done as i32).await?;
    }
    imports::checked(pool, job).await?;
    Ok(())
}

/// The job, if this person may see it: its creator, or the coordinator.
async fn job_for(state: &AppState, user: &CurrentUser, id: Uuid) -> Result<imports::Job, AppError> {
    may_import(user)?;
    imports::fail_stale(&state.pool).await?;
    let job = imports::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if job.created_by != user.account_id && !user.is_coordinator() {
        return Err(AppError::Forbidden);
    }
    Ok(job)
}

pub struct RowView {
    pub line: i32,
    pub name: String,
    pub email: String,
    pub job_role: String,
    pub school: String,
    pub problems: Vec<String>,
    pub is_update: bool,
}

impl RowView {
    fn from(r: imports::Row) -> RowView {
        RowView {
            line: r.line_no,
            name: r.name,
            email: r.email,
            job_role: label_or_code(&r.job_role, JobRole::from_code, JobRole::label),
            school: r.school,
            problems: r.problems,
            is_update: r.is_update,
        }
    }
}

#[derive(Template)]
#[template(path = "staff/import_job.html")]
struct JobPage {
    layout: Layout,
    job: imports::Job,
    working: bool,
    percent: i64,
    started: String,
    problems: Vec<RowView>,
    sample: Vec<RowView>,
    new_count: i64,
    update_count: i64,
    unchanged: i64,
    shown_problems: usize,
    csrf: String,
}

const SHOWN: i64 = 200;

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let job = job_for(&state, &user, id).await?;
    let working = matches!(job.status.as_str(), "kontrolleres" | "importeres");
    let (problems, sample, (new_count, update_count)) = if job.status == "klar" {
        let p = imports::rows(&state.pool, id, true, SHOWN).await?;
        let s = imports::rows(&state.pool, id, false, 20).await?;
        (p, s, imports::split(&state.pool, id).await?)
    } else {
        (Vec::new(), Vec::new(), (0, 0))
    };
    let total = match job.status.as_str() {
        "importeres" => job.valid_rows,
        _ => job.total_rows,
    }
    .max(1) as i64;
    let page = JobPage {
        layout: Layout::new("Import af medarbejderliste", "medarbejdere", &user),
        working,
        percent: (job.done_rows as i64 * 100 / total).clamp(0, 100),
        started: format::timestamp(job.created_at),
        shown_problems: problems.len(),
        problems: problems.into_iter().map(RowView::from).collect(),
        sample: sample.into_iter().map(RowView::from).collect(),
        new_count,
        update_count,
        unchanged: (job.valid_rows as i64 - job.created_count as i64 - job.updated_count as i64)
            .max(0),
        csrf: user.csrf_token.clone(),
        job,
    };
    Ok(render(&page)?.into_response())
}

#[derive(serde::Serialize)]
pub struct Progress {
    status: String,
    done: i32,
    total: i32,
}

/// For the progress bar's script: where the job is.
pub async fn status(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let job = job_for(&state, &user, id).await?;
    let total = if job.status == "importeres" {
        job.valid_rows
    } else {
        job.total_rows
    };
    Ok(Json(Progress {
        status: job.status,
        done: job.done_rows,
        total,
    })
    .into_response())
}

/// Every row with a problem, as a CSV file Danish Excel opens (UTF-8 with BOM, `;`).
pub async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let job = job_for(&state, &user, id).await?;
    let rows = imports::rows(&state.pool, id, true, i64::MAX).await?;
    state
        .access_log
        .record(
            &user,
            Kind::Export,
            rows.iter().filter_map(|r| r.existing_id),
        )
        .await;
    let name = format!("fejlrapport-{}.csv", job.created_at.format("%Y-%m-%d"));
    super::download::csv(
        &name,
        &["Linje", "Navn", "E-mail", "Stilling", "Skole", "Problemer"],
        rows.into_iter().map(|r| {
            [
                r.line_no.to_string(),
                r.name,
                r.email,
                r.job_role,
                r.school,
                r.problems.join(" "),
            ]
        }),
    )
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn run(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    DaForm(f): DaForm<CsrfForm>,
) -> Result<Response, AppError> {
    let job = job_for(&state, &user, id).await?;
    check_csrf(&user, &f.csrf)?;
    if job.valid_rows == 0 {
        return Err(AppError::BadRequest(
            "Listen har ingen gyldige rækker at importere.".into(),
        ));
    }
    if imports::claim(&state.pool, id).await? {
        let pool = state.pool.clone();
        let account = user.account_id;
        let app = state.clone();
        tokio::spawn(async move {
            let import = imports::import(&pool, id, account, &job.filename);
            if let Err(e) = app.metrics.job(Job::StaffImport, import).await {
                tracing::error!(error = ?e, job = %id, "medarbejderlisten kunne ikke importeres");
                let _ = imports::set_status(&pool, id, "fejlet", "Importen mislykkedes, og intet blev gemt. Prøv igen, eller kontakt forvaltningen.").await;
            }
        });
    }
    Ok(Redirect::to(&format!("/medarbejdere/import/{id}")).into_response())
}

pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    DaForm(f): DaForm<CsrfForm>,
) -> Result<Response, AppError> {
    let job = job_for(&state, &user, id).await?;
    check_csrf(&user, &f.csrf)?;
    if job.status == "klar" {
        imports::set_status(&state.pool, id, "annulleret", "").await?;
    }
    Ok(Redirect::to(&format!("/medarbejdere/import/{id}")).into_response())
}
