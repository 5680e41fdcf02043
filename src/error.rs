//! One error type for every handler, rendered as a Danish page in the site's style. Details of a
//! 500 are logged, never shown.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::web::Layout;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("siden findes ikke")]
    NotFound,
    #[error("ingen adgang")]
    Forbidden,
    #[error("ugyldig forespørgsel: {0}")]
    BadRequest(String),
    #[error("for stor forespørgsel")]
    PayloadTooLarge,
    #[error("login kræves")]
    LoginRequired { next: String, expired: bool },
    /// The database does not answer (restarting, unreachable, every connection busy): 503.
    #[error("databasen svarer ikke")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Whether the error says the database is out of reach rather than that the request was wrong:
/// no connection within the pool's wait, a connection lost, or the server shutting down or not
/// yet accepting connections (SQLSTATE classes 08 and 57P).
pub fn database_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
        _ => false,
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => AppError::NotFound,
            e if database_unavailable(&e) => AppError::Unavailable,
            e => AppError::Internal(e.into()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    message: String,
    status: u16,
}

impl ErrorPage {
    fn response(status: StatusCode, heading: &'static str, message: impl Into<String>) -> Response {
        let page = ErrorPage {
            layout: Layout::public(heading),
            heading,
            message: message.into(),
            status: status.as_u16(),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "fejlsiden kunne ikke vises");
                (status, heading).into_response()
            }
        }
    }
}

/// The page behind every 500, also used by the panic handler.
pub fn internal_error_page() -> Response {
    ErrorPage::response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Der skete en fejl",
        "Udsyn kunne ikke gennemføre handlingen. Intet er gemt halvt. Prøv igen om lidt; \
         sker det igen, så kontakt forvaltningen og fortæl, hvad du var i gang med.",
    )
}

/// The page while the database does not answer; the browser may try again in a few seconds.
fn unavailable_page() -> Response {
    let mut r = ErrorPage::response(
        StatusCode::SERVICE_UNAVAILABLE,
        "Udsyn kan ikke nå sin database lige nu",
        "Det sker typisk, mens databasen genstartes, og varer sjældent mere end et minut. Prøv \
         igen om lidt. Havde du sendt en formular, så se efter bagefter, om den blev gemt, før du \
         sender den igen.",
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    r
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::NotFound => ErrorPage::response(
                StatusCode::NOT_FOUND,
                "Siden findes ikke",
                "Vi kan ikke finde den side, du leder efter. Tjek adressen, eller gå til forsiden.",
            ),
            AppError::Forbidden => ErrorPage::response(
                StatusCode::FORBIDDEN,
                "Du har ikke adgang til siden",
                "Din rolle giver ikke adgang til det, du prøver at se eller ændre. Mener du, at \
                 det er en fejl, så kontakt forvaltningen.",
            ),
            AppError::BadRequest(msg) => ErrorPage::response(
                StatusCode::BAD_REQUEST,
                "Forespørgslen kunne ikke læses",
                msg,
            ),
            AppError::PayloadTooLarge => ErrorPage::response(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Det sendte er for stort",
                "Det, du sendte, er større end Udsyn tager imod. Intet er gemt.",
            ),
            AppError::LoginRequired { next, expired } => {
                let mut to = String::from("/login");
                let safe_next = crate::web::safe_next(&next);
                let mut sep = '?';
                if let Some(n) = safe_next.filter(|n| *n != "/") {
                    to.push_str(&format!("?next={}", crate::web::url_encode(n)));
                    sep = '&';
                }
                if expired {
                    to.push(sep);
                    to.push_str("udloebet=1");
                }
                let mut r = Redirect::to(&to).into_response();
                r.headers_mut()
                    .insert(header::CACHE_CONTROL, "no-store".parse().expect("static"));
                r
            }
            AppError::Internal(e)
                if e.chain().any(|c| {
                    c.downcast_ref::<sqlx::Error>()
                        .is_some_and(database_unavailable)
                }) =>
            {
                tracing::warn!(error = %e, "databasen svarer ikke");
                unavailable_page()
            }
            AppError::Unavailable => {
                tracing::warn!("databasen svarer ikke");
                unavailable_page()
            }
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "intern fejl");
                internal_error_page()
            }
        }
    }
}
