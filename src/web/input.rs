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

/// Whether `a=b&c=d`, once percent-decoded, is UTF-8 text. A browser always sends UTF-8 from
/// Udsyn's pages; anything else would be stored as U+FFFD marks, so it is refused instead.
fn is_utf8_urlencoded(raw: &[u8]) -> bool {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut decoded = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match (
            raw[i],
            raw.get(i + 1).copied().and_then(hex),
            raw.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                decoded.push(h * 16 + l);
                i += 3;
            }
            (b, _, _) => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    std::str::from_utf8(&decoded).is_ok()
}

fn not_text() -> Response {
    AppError::BadRequest(
        "Det sendte indeholdt tegn, som ikke er gyldig tekst (UTF-8). Intet er gemt. Prøv igen fra siden i Udsyn."
            .into(),
    )
    .into_response()
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
    if parts
        .uri
        .query()
        .is_some_and(|q| !is_utf8_urlencoded(q.as_bytes()))
    {
        return not_text();
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
    if !is_utf8_urlencoded(&bytes) {
        return not_text();
    }
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
    fn text_that_is_not_utf8_is_told_apart() {
        assert!(is_utf8_urlencoded(b"navn=S%C3%B8ren+%C3%98rum&by=Herning"));
        assert!(is_utf8_urlencoded("navn=Søren".as_bytes()));
        assert!(is_utf8_urlencoded(b"pct=100%&x=%zz"));
        assert!(!is_utf8_urlencoded(b"navn=S%F8ren"), "Latin-1");
        assert!(!is_utf8_urlencoded(b"note=\xff\xfe"));
        assert!(
            !is_utf8_urlencoded(b"x=%C3"),
            "cut in the middle of a character"
        );
    }

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
