//! `/login/oidc` and `/login/oidc/retur`: "Log ind med din kommunes konto".
//!
//! The first sends the browser to the identity provider with a fresh state, nonce and PKCE
//! challenge, remembered in `oidc_logins` under a random value only this browser holds (the
//! cookie `udsyn_oidc`, sent back on the provider's redirect because it is SameSite=Lax). The
//! second takes that row (once), exchanges the code, checks the ID token, and lets the person in
//! only when the provider vouches for an e-mail address the coordinator has given an account.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{LoginPage, mfa, sign_in};
use crate::app::AppState;
use crate::auth::oidc::{self, OidcError};
use crate::auth::session;
use crate::db;
use crate::error::AppError;
use crate::web::{render, safe_next};

const COOKIE: &str = "udsyn_oidc";

#[derive(Deserialize, Default)]
pub struct StartQuery {
    #[serde(default)]
    next: String,
}

pub async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<StartQuery>,
) -> Result<Response, AppError> {
    let Some(cfg) = &state.config.oidc else {
        return Err(AppError::NotFound);
    };
    let begun = match oidc::begin(cfg).await {
        Ok(b) => b,
        Err(e) => return refused(&state, &q.next, e),
    };
    let browser = session::new_token();
    db::oidc::begin(
        &state.pool,
        &session::token_hash(&browser),
        &begun.state,
        &begun.nonce,
        &begun.pkce_verifier,
        safe_next(&q.next).unwrap_or(""),
    )
    .await?;
    let mut r = Redirect::to(&begun.url).into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, cookie(&state, &headers, &browser, 600));
    Ok(r)
}

#[derive(Deserialize, Default)]
pub struct ReturnQuery {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    state: Option<String>,
    /// The provider's own refusal (`access_denied` when the person cancelled, …).
    #[serde(default)]
    error: Option<String>,
}

pub async fn finish(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReturnQuery>,
) -> Result<Response, AppError> {
    let Some(cfg) = &state.config.oidc else {
        return Err(AppError::NotFound);
    };
    let pending = match session::cookie(&headers, COOKIE) {
        Some(b) => db::oidc::take(&state.pool, &session::token_hash(&b)).await?,
        None => None,
    };
    let mut r = match (pending, q.state, q.code, q.error) {
        (_, _, _, Some(error)) => {
            tracing::info!(error = %error.chars().take(60).collect::<String>(), "single sign-on afbrudt hos identitetsudbyderen");
            page(
                &state,
                "",
                StatusCode::UNAUTHORIZED,
                "Du blev ikke logget ind hos din kommune. Prøv igen, eller log ind med e-mail og adgangskode.",
            )?
        }
        (Some(p), Some(s), Some(code), None) if p.fresh && p.state == s => {
            match oidc::finish(cfg, code, p.pkce_verifier, p.nonce).await {
                Ok(who) => match db::accounts::credentials(&state.pool, &who.email).await? {
                    // The provider's own second factor counts only when its ID token says
                    // so (`amr` with "mfa", RFC 8176); otherwise Udsyn asks for its own.
                    Some(account)
                        if mfa::needed(&state, &account) && !who.amr.iter().any(|a| a == "mfa") =>
                    {
                        tracing::info!(amr = ?who.amr, "single sign-on godkendt; andet trin mangler");
                        mfa::challenge(&state, &headers, account.id, &p.next).await?
                    }
                    Some(account) => {
                        tracing::info!(amr = ?who.amr, "single sign-on godkendt");
                        sign_in(&state, &headers, account.id, &p.next, "single sign-on").await?
                    }
                    None => {
                        tracing::info!("single sign-on: ingen aktiv konto med e-mailadressen");
                        page(
                            &state,
                            &p.next,
                            StatusCode::FORBIDDEN,
                            &format!(
                                "Din kommune har bekræftet, at du er {}, men der er ingen Udsyn-konto med den e-mailadresse. Bed forvaltningen om at oprette dig i Udsyn.",
                                who.email
                            ),
                        )?
                    }
                },
                Err(e) => refused(&state, &p.next, e)?,
            }
        }
        _ => page(
            &state,
            "",
            StatusCode::BAD_REQUEST,
            "Login-forsøget er udløbet eller hører ikke til denne browser. Prøv igen.",
        )?,
    };
    // The begun sign-on is used up whatever happened.
    r.headers_mut()
        .append(header::SET_COOKIE, cookie(&state, &headers, "", 0));
    Ok(r)
}

/// The login page with why the identity provider's answer was not enough.
fn refused(state: &AppState, next: &str, e: OidcError) -> Result<Response, AppError> {
    tracing::warn!(error = %e, "single sign-on afvist");
    match e {
        OidcError::Unreachable(_) => page(
            state,
            next,
            StatusCode::BAD_GATEWAY,
            "Din kommunes login svarer ikke lige nu. Prøv igen om lidt, eller log ind med e-mail og adgangskode.",
        ),
        OidcError::Rejected(_) => page(
            state,
            next,
            StatusCode::UNAUTHORIZED,
            "Svaret fra din kommunes login kunne ikke bekræftes, så du er ikke logget ind. Prøv igen; sker det igen, så kontakt forvaltningen.",
        ),
        OidcError::NoVerifiedEmail => page(
            state,
            next,
            StatusCode::FORBIDDEN,
            "Din kommunes login sendte ingen bekræftet e-mailadresse, så Udsyn kan ikke finde din konto. Kontakt forvaltningen.",
        ),
    }
}

fn page(state: &AppState, next: &str, status: StatusCode, msg: &str) -> Result<Response, AppError> {
    let page = LoginPage {
        sso_error: Some(msg.to_string()),
        ..LoginPage::new(state, next)
    };
    Ok((status, render(&page)?).into_response())
}

/// The cookie that ties the provider's answer to the browser that asked.
fn cookie(state: &AppState, headers: &HeaderMap, value: &str, max_age: u32) -> HeaderValue {
    let secure = session::secure(
        state.config.cookie_secure,
        state.config.public_url.as_deref(),
        headers,
    );
    session::step_cookie(COOKIE, value, "/login/oidc", max_age, secure)
}
