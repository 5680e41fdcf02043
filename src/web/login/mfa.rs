//! `/login/kode`: the second factor, after the password (or the municipality's login, when its
//! ID token does not say it used more than one factor).
//!
//! An account with a TOTP secret types the code from its app, or one of its recovery codes. An
//! account whose role is in `MFA_REQUIRED_ROLES` and that has no second factor yet sets one up
//! here before it gets in: it scans the QR code, confirms with a code, and is shown its ten
//! recovery codes once. The half-done login lives in `login_challenges` under the hash of a
//! random value only this browser holds (the cookie `udsyn_mfa`); five wrong codes or ten minutes
//! and the person starts again from the password.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::start_session;
use crate::app::AppState;
use crate::auth::session;
use crate::db;
use crate::db::accounts::Credentials;
use crate::domain::{Role, totp};
use crate::error::AppError;
use crate::web::{DaForm, FormErrors, Layout, render, safe_next};

const COOKIE: &str = "udsyn_mfa";

/// Whether this login needs a second factor: the account has one, or its role requires one and
/// it is not one of the demo's own logins.
pub fn needed(state: &AppState, account: &Credentials) -> bool {
    account.has_totp
        || (!account.mfa_exempt
            && Role::from_code(&account.role)
                .is_some_and(|r| state.config.mfa_required.contains(&r)))
}

/// The first factor was right: remember the login halfway and ask for the second.
pub async fn challenge(
    state: &AppState,
    headers: &HeaderMap,
    account_id: Uuid,
    next: &str,
) -> Result<Response, AppError> {
    let browser = session::new_token();
    db::mfa::begin(
        &state.pool,
        &session::token_hash(&browser),
        account_id,
        safe_next(next).unwrap_or(""),
    )
    .await?;
    let mut r = Redirect::to("/login/kode").into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, cookie(state, headers, &browser, 600));
    Ok(r)
}

/// The QR code and the secret of a second factor being set up, and the field's state.
pub struct Setup {
    pub qr_svg: String,
    pub grouped: String,
    pub secret: String,
}

impl Setup {
    pub fn new(secret: &[u8], email: &str) -> Setup {
        Setup {
            qr_svg: totp::qr_svg(&totp::otpauth_uri(secret, email)),
            grouped: totp::grouped(secret),
            secret: totp::base32(secret),
        }
    }
}

#[derive(Template)]
#[template(path = "login/code.html")]
struct CodePage {
    layout: Layout,
    errors: FormErrors,
    /// Set when the account has no second factor yet and sets one up now.
    setup: Option<Setup>,
    code_hint: &'static str,
}

#[derive(Template)]
#[template(path = "login/recovery_codes.html")]
pub struct RecoveryCodesPage {
    pub layout: Layout,
    pub codes: Vec<String>,
    pub next: String,
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let Some((_, c)) = current(&state, &headers).await? else {
        return Ok(expired());
    };
    let setup = c
        .totp_secret
        .is_none()
        .then(|| Setup::new(&totp::new_secret(), &c.email));
    let page = CodePage {
        layout: Layout::public(title(&setup)),
        errors: FormErrors::default(),
        code_hint: hint(&setup),
        setup,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    /// The secret being set up (base32), when the account has none yet.
    #[serde(default)]
    secret: String,
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    DaForm(f): DaForm<CodeForm>,
) -> Result<Response, AppError> {
    let Some((hash, c)) = current(&state, &headers).await? else {
        return Ok(expired());
    };
    let now = chrono::Utc::now().timestamp();
    let mut errors = FormErrors::default();
    let mut setup = None;
    match &c.totp_secret {
        Some(secret) => {
            let by_app = match totp::verify(secret, &f.code, now, c.totp_last_step) {
                Some(step) => db::mfa::use_step(&state.pool, c.account_id, step).await?,
                None => false,
            };
            let by_recovery = !by_app
                && match totp::normalise_recovery_code(&f.code) {
                    Some(code) => {
                        db::mfa::use_recovery_code(
                            &state.pool,
                            c.account_id,
                            &Sha256::digest(code.as_bytes()),
                        )
                        .await?
                    }
                    None => false,
                };
            if by_app || by_recovery {
                db::mfa::end(&state.pool, &hash).await?;
                let how = if by_app { "totp" } else { "gendannelseskode" };
                let cookie = start_session(&state, &headers, c.account_id, how).await?;
                let mut r = Redirect::to(safe_next(&c.next).unwrap_or("/")).into_response();
                r.headers_mut().append(header::SET_COOKIE, cookie);
                r.headers_mut()
                    .append(header::SET_COOKIE, cookie_gone(&state, &headers));
                return Ok(r);
            }
            errors.add(
                "code",
                "Koden er forkert eller brugt. Skriv de seks cifre, din app viser nu, eller en af dine gendannelseskoder.",
            );
        }
        None => {
            let secret = totp::base32_decode(&f.secret)
                .filter(|s| s.len() == totp::SECRET_BYTES)
                .unwrap_or_else(totp::new_secret);
            if let Some(step) = totp::verify(&secret, &f.code, now, None) {
                let codes = totp::new_recovery_codes();
                let hashes: Vec<Vec<u8>> = codes
                    .iter()
                    .map(|c| {
                        Sha256::digest(totp::normalise_recovery_code(c).unwrap_or_default())
                            .to_vec()
                    })
                    .collect();
                let mut tx = state.pool.begin().await?;
                db::mfa::enable(&mut tx, c.account_id, &secret, step, &hashes).await?;
                db::audit::record(
                    &mut *tx,
                    db::audit::Entry {
                        account_id: Some(c.account_id),
                        action: "totrinsbekræftelse oprettet",
                        entity: "account",
                        entity_id: c.account_id.to_string(),
                        before: None,
                        after: None,
                        reason: "",
                    },
                )
                .await?;
                db::mfa::end(&mut *tx, &hash).await?;
                tx.commit().await?;
                let cookie = start_session(&state, &headers, c.account_id, "totp").await?;
                let page = RecoveryCodesPage {
                    layout: Layout::public("Dine gendannelseskoder"),
                    codes,
                    next: safe_next(&c.next).unwrap_or("/").to_string(),
                };
                let mut r = render(&page)?.into_response();
                r.headers_mut().append(header::SET_COOKIE, cookie);
                r.headers_mut()
                    .append(header::SET_COOKIE, cookie_gone(&state, &headers));
                return Ok(r);
            }
            errors.add(
                "code",
                "Koden passer ikke. Skriv de seks cifre, appen viser for Udsyn, mens de står der.",
            );
            setup = Some(Setup::new(&secret, &c.email));
        }
    }
    if db::mfa::failed(&state.pool, &hash).await? >= 5 {
        db::mfa::end(&state.pool, &hash).await?;
        return Ok(expired());
    }
    let page = CodePage {
        layout: Layout::public(title(&setup)).with_errors(&errors),
        errors,
        code_hint: hint(&setup),
        setup,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

fn title(setup: &Option<Setup>) -> &'static str {
    if setup.is_some() {
        "Opret totrinsbekræftelse"
    } else {
        "Skriv din kode"
    }
}

fn hint(setup: &Option<Setup>) -> &'static str {
    if setup.is_some() {
        "Seks cifre fra appen."
    } else {
        "Seks cifre fra appen – eller en af dine gendannelseskoder, hvis du ikke har telefonen."
    }
}

/// The half-done login of this browser, while it may still be finished.
async fn current(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Vec<u8>, db::mfa::Challenge)>, AppError> {
    let Some(browser) = session::cookie(headers, COOKIE) else {
        return Ok(None);
    };
    let hash = session::token_hash(&browser);
    Ok(db::mfa::challenge(&state.pool, &hash)
        .await?
        .filter(|c| c.fresh)
        .map(|c| (hash, c)))
}

/// Back to the password: the login halfway is gone (too old, too many wrong codes, or never
/// begun in this browser).
fn expired() -> Response {
    Redirect::to("/login?kode_udloebet=1").into_response()
}

fn cookie(state: &AppState, headers: &HeaderMap, value: &str, max_age: u32) -> HeaderValue {
    let secure = session::secure(
        state.config.cookie_secure,
        state.config.public_url.as_deref(),
        headers,
    );
    session::step_cookie(COOKIE, value, "/login/kode", max_age, secure)
}

fn cookie_gone(state: &AppState, headers: &HeaderMap) -> HeaderValue {
    cookie(state, headers, "", 0)
}
