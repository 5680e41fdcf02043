//! The one place where typed text enters Udsyn: every query string and every form body passes
//! through `clean_text` before a handler sees it, and is made what `validate::clean_text` says:
//! no control characters but tab and line breaks, Unicode NFC. Text pasted from a word processor
//! with a stray control character is kept, minus that character. Uploaded files are cleaned where
//! they are read (`staff_import`).

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::domain::validate;
use crate::error::AppError;

/// `a=b&c=d` with every name and value cleaned; `None` when nothing needed cleaning.
fn clean_urlencoded(raw: &[u8]) -> Option<String> {
    let changes = |s: &str| matches!(validate::clean_text(s), std::borrow::Cow::Owned(_));
    if !form_urlencoded::parse(raw).any(|(k, v)| changes(&k) || changes(&v)) {
        return None;
    }
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(raw) {
        out.append_pair(&validate::clean_text(&k), &validate::clean_text(&v));
    }
    Some(out.finish())
}

fn has_encoded_control(path: &str) -> bool {
    let decoded: Vec<u8> = form_urlencoded::parse(path.as_bytes())
        .flat_map(|(k, v)| {
            let mut b = k.into_owned().into_bytes();
            b.extend(v.bytes());
            b
        })
        .collect();
    String::from_utf8_lossy(&decoded)
        .chars()
        .any(|c| c.is_control())
}

pub async fn clean_text(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    // A path with a control character in it names no page.
    if parts.uri.path().contains('%') && has_encoded_control(parts.uri.path()) {
        return AppError::NotFound.into_response();
    }
    if let Some(query) = parts.uri.query()
        && let Some(clean) = clean_urlencoded(query.as_bytes())
    {
        let path_and_query = format!("{}?{clean}", parts.uri.path());
        let mut uri = parts.uri.clone().into_parts();
        uri.path_and_query = path_and_query.parse().ok();
        parts.uri = Uri::from_parts(uri).unwrap_or(parts.uri);
    }
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return next.run(Request::from_parts(parts, body)).await;
    }
    // Forms are small: the general body limit holds here, also on the import route.
    let bytes = match to_bytes(body, state.config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => return AppError::PayloadTooLarge.into_response(),
    };
    let body = match clean_urlencoded(&bytes) {
        Some(clean) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Body::from(clean)
        }
        None => Body::from(bytes),
    };
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_go_and_line_breaks_stay() {
        assert_eq!(validate::clean_text("a\0b\u{7}c\u{85}"), "abc");
        assert_eq!(
            validate::clean_text("linje 1\r\nlinje 2\tfane"),
            "linje 1\r\nlinje 2\tfane"
        );
        assert_eq!(validate::clean_text("Rene\u{301}e"), "Renée");
        assert_eq!(
            clean_urlencoded(b"email=a%00b&q=%C3%A6%1F").as_deref(),
            Some("email=ab&q=%C3%A6")
        );
        assert_eq!(clean_urlencoded(b"q=%C3%A6+%C3%B8"), None);
        assert!(has_encoded_control("/kalender/%00.ics"));
        assert!(!has_encoded_control("/skoler/%C3%A6"));
    }
}
