//! The session cookie: a random 256-bit value, stored as a SHA-256 hash in PostgreSQL.

use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::config::CookieSecure;

pub const COOKIE: &str = "udsyn_session";

/// A fresh random token (sessions, CSRF, invitations).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The session token sent by the browser, if any.
pub fn from_headers(headers: &HeaderMap) -> Option<String> {
    cookie(headers, COOKIE)
}

/// A cookie of Udsyn's own sent by the browser (a random token, so at most 100 characters).
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty() && v.len() <= 100)
}

/// Whether to mark cookies Secure: always, never, or when the request came over https (directly
/// to a proxy that says so, or PUBLIC_URL is https).
pub fn secure(mode: CookieSecure, public_url: Option<&str>, headers: &HeaderMap) -> bool {
    match mode {
        CookieSecure::Always => true,
        CookieSecure::Never => false,
        CookieSecure::Auto => {
            public_url.is_some_and(|u| u.starts_with("https://"))
                || headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.eq_ignore_ascii_case("https"))
        }
    }
}

/// A short-lived cookie of a login under way (a sign-on begun, a second factor awaited): only
/// sent to `path`, gone after `max_age` seconds; an empty `value` with 0 removes it.
pub fn step_cookie(name: &str, value: &str, path: &str, max_age: u32, secure: bool) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; Max-Age={max_age}; Path={path}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    ))
    .expect("token is URL-safe base64")
}

pub fn set_cookie(token: &str, secure: bool) -> HeaderValue {
    let s = format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&s).expect("token is URL-safe base64")
}

pub fn clear_cookie(secure: bool) -> HeaderValue {
    let s = format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&s).expect("static cookie")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_our_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; udsyn_session=abc; b=2".parse().unwrap(),
        );
        assert_eq!(from_headers(&h).as_deref(), Some("abc"));
        h.insert(header::COOKIE, "udsyn_sessionx=abc".parse().unwrap());
        assert_eq!(from_headers(&h), None);
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        assert_ne!(a, new_token());
        assert_eq!(token_hash(&a).len(), 32);
        assert!(
            set_cookie(&a, false)
                .to_str()
                .unwrap()
                .contains("HttpOnly; SameSite=Lax")
        );
        assert!(set_cookie(&a, true).to_str().unwrap().ends_with("; Secure"));
    }
}
