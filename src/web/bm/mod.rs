//! The Beneficiary Module's file for a project (coordinator only): the export in the BM's columns
//! (`export`), the column mapping per call year (`columns`), and the comparison of the BM's own
//! export with Udsyn (`compare`), whose dates may then be taken into Udsyn (`apply`).

pub mod apply;
pub mod columns;
pub mod compare;
pub mod export;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};

use super::forms::RawForm;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::error::AppError;

/// The project, if this person may work with its BM file: the coordinator only (403 for others,
/// before anything else), and 404 for a project that does not exist.
async fn context(
    state: &AppState,
    user: &CurrentUser,
    id: uuid::Uuid,
) -> Result<db::bm::Project, AppError> {
    user.require_coordinator()?;
    db::bm::project(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A file sent with a multipart form.
struct Upload {
    csrf: String,
    filename: String,
    file: Option<Bytes>,
}

impl Upload {
    /// The file's bytes, unless none was chosen.
    fn bytes(&self) -> Option<&[u8]> {
        self.file
            .as_deref()
            .filter(|b| !(b.is_empty() && self.filename.is_empty()))
    }
}

/// What a page's form posted: the fields of an ordinary form, or a file.
enum Posted {
    Form(RawForm),
    Upload(Upload),
}

fn incomplete() -> AppError {
    AppError::BadRequest("Filen kom ikke helt frem. Prøv at sende den igen.".into())
}

async fn posted(req: Request, state: &AppState) -> Result<Posted, AppError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        return Ok(Posted::Form(RawForm::from_request(req, state).await?));
    }
    let mut form = Multipart::from_request(req, state).await.map_err(|_| {
        AppError::BadRequest(
            "Formularen kunne ikke læses. Gå tilbage, genindlæs siden og prøv igen.".into(),
        )
    })?;
    let mut upload = Upload {
        csrf: String::new(),
        filename: String::new(),
        file: None,
    };
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::PayloadTooLarge);
            }
            Err(_) => return Err(incomplete()),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "fil" {
            upload.filename = crate::domain::validate::clean_text(field.file_name().unwrap_or(""))
                .chars()
                .take(200)
                .collect();
        }
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::PayloadTooLarge);
            }
            Err(_) => return Err(incomplete()),
        };
        match name.as_str() {
            "csrf" => upload.csrf = String::from_utf8_lossy(&bytes).to_string(),
            "fil" => upload.file = Some(bytes),
            _ => {}
        }
    }
    Ok(Posted::Upload(upload))
}

/// `200001`: the file names' part that tells the projects apart.
fn file_stem(project: &db::bm::Project) -> String {
    crate::domain::bm::mobility_id_prefix(&project.reference)
}
