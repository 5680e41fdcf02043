//! Form plumbing: a form extractor whose rejections are Danish pages, per-field error messages,
//! record ids in paths, and the CSRF check.

use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::AppError;

/// Like `axum::Form`, but a malformed body (bad encoding, wrong fields, too large) gets a Danish
/// 4xx page instead of plain text.
pub struct DaForm<T>(pub T);

impl<T, S> FromRequest<S> for DaForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(DaForm(v)),
            Err(r) if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::PayloadTooLarge)
            }
            Err(r) => {
                tracing::debug!(rejection = %r.body_text(), "formular afvist");
                Err(AppError::BadRequest(
                    "Formularen kunne ikke læses. Gå tilbage, genindlæs siden og prøv igen.".into(),
                ))
            }
        }
    }
}

/// A record id from the path; anything that is not an id is a page that does not exist.
pub struct Id(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<Uuid>::from_request_parts(parts, state)
            .await
            .map(|Path(id)| Id(id))
            .map_err(|_| AppError::NotFound)
    }
}

/// Messages per field, in the order the fields appear on the form.
#[derive(Debug, Default)]
pub struct FormErrors {
    pub list: Vec<FieldError>,
}

#[derive(Debug)]
pub struct FieldError {
    /// The id of the field the message belongs to (the error summary links to it).
    pub field: std::borrow::Cow<'static, str>,
    pub message: String,
}

impl FormErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.list.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// A message on a field whose id is made at run time (one of several rows of a form).
    pub fn add_to(&mut self, field: String, message: impl Into<String>) {
        self.list.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The value of a parsed field, or its default with the message recorded on the field.
    pub fn take<T: Default, E: Into<String>>(
        &mut self,
        field: &'static str,
        parsed: Result<T, E>,
    ) -> T {
        parsed.unwrap_or_else(|m| {
            self.add(field, m);
            T::default()
        })
    }

    /// The message for one field, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// Every form of a logged-in person carries the session's CSRF token.
pub fn check_csrf(user: &CurrentUser, token: &str) -> Result<(), AppError> {
    if token.len() == user.csrf_token.len()
        && token
            .bytes()
            .zip(user.csrf_token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    {
        Ok(())
    } else {
        Err(AppError::BadRequest(
            "Formularen er for gammel eller kom ikke fra Udsyn. Genindlæs siden og prøv igen."
                .into(),
        ))
    }
}

pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Options for a select; `empty` adds a first, empty choice with that label.
pub fn options<'a>(
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
    selected: &str,
    empty: Option<&str>,
) -> Vec<SelectOption> {
    let mut out: Vec<SelectOption> = empty
        .map(|l| SelectOption {
            value: String::new(),
            label: l.to_string(),
            selected: selected.is_empty(),
        })
        .into_iter()
        .collect();
    out.extend(items.into_iter().map(|(v, l)| SelectOption {
        value: v.to_string(),
        label: l.to_string(),
        selected: v == selected,
    }));
    out
}

/// The consortium's active schools (the administration first) as a select, by id.
pub async fn school_options(
    pool: &sqlx::PgPool,
    selected: &str,
    empty: Option<&str>,
) -> sqlx::Result<Vec<SelectOption>> {
    let schools: Vec<(String, String)> = crate::db::organisations::choices(pool)
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    Ok(options(
        schools.iter().map(|(a, b)| (a.as_str(), b.as_str())),
        selected,
        empty,
    ))
}

/// A checkbox sends its value only when ticked.
pub fn ticked(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.is_empty())
}

/// A form as its list of name/value pairs, for forms with repeated names (checkbox groups).
pub struct RawForm(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for RawForm {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::BadRequest(
                "Formularen kunne ikke læses. Gå tilbage, genindlæs siden og prøv igen.".into(),
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|r| {
                if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::PayloadTooLarge
                } else {
                    AppError::BadRequest(
                        "Formularen kunne ikke læses. Gå tilbage, genindlæs siden og prøv igen."
                            .into(),
                    )
                }
            })?;
        Ok(RawForm(
            form_urlencoded::parse(&bytes).into_owned().collect(),
        ))
    }
}

impl RawForm {
    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}
