//! `/login` and `/logout`; single sign-on in [`oidc`].

pub mod mfa;
pub mod oidc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::{DaForm, FormErrors, Layout, render, safe_next};
use crate::app::AppState;
use crate::auth::{CurrentUser, password, session};
use crate::db;
use crate::error::AppError;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    errors: FormErrors,
    email: String,
    next: String,
    notice: Option<&'static str>,
    /// Single sign-on is set up: the page offers "Log ind med din kommunes konto".
    sso: bool,
    /// Why a single sign-on did not let the person in.
    sso_error: Option<String>,
    /// The demo's own logins are here, and need no second factor.
    demo: bool,
}

impl LoginPage {
    fn new(state: &AppState, next: &str) -> LoginPage {
        LoginPage {
            layout: Layout::public("Log ind"),
            errors: FormErrors::default(),
            email: String::new(),
            next: safe_next(next).unwrap_or("").to_string(),
            notice: None,
            sso: state.config.oidc.is_some(),
            sso_error: None,
            demo: false,
        }
    }
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    udloebet: Option<String>,
    #[serde(default)]
    logget_ud: Option<String>,
    #[serde(default)]
    adgangskode_sat: Option<String>,
    #[serde(default)]
    kode_udloebet: Option<String>,
    /// After the invitation: the account's e-mail, so the person only types the password.
    #[serde(default)]
    email: String,
}

pub async fn form(
    State(state): State<AppState>,
    Query(q): Query<LoginQuery>,
) -> Result<Response, AppError> {
    let notice = if q.udloebet.is_some() {
        Some("Du har været inaktiv for længe og er logget ud. Log ind igen.")
    } else if q.logget_ud.is_some() {
        Some("Du er logget ud.")
    } else if q.kode_udloebet.is_some() {
        Some("Login-forsøget er udløbet eller fik for mange forkerte koder. Log ind igen.")
    } else if q.adgangskode_sat.is_some() {
        Some("Din adgangskode er gemt. Log ind med din e-mail og den nye adgangskode.")
    } else {
        None
    };
    let page = LoginPage {
        // Only shown back in the field (askama escapes it), and only after a password was set.
        email: if q.adgangskode_sat.is_some() && q.email.len() <= 320 {
            q.email.trim().to_string()
        } else {
            String::new()
        },
        notice,
        demo: db::accounts::has_mfa_exempt(&state.pool).await?,
        ..LoginPage::new(&state, &q.next)
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    DaForm(f): DaForm<LoginForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    if f.email.trim().is_empty() {
        errors.add("email", "Skriv din e-mailadresse.");
    }
    if f.password.is_empty() {
        errors.add("password", "Skriv din adgangskode.");
    }
    let mut account: Option<db::accounts::Credentials> = None;
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if errors.is_empty()
        && db::accounts::recent_failures(&state.pool, &f.email, state.config.login_lock_minutes)
            .await?
            >= state.config.login_max_failures
    {
        // The same answer for known and unknown addresses, and no password work at all.
        errors.add(
            "email",
            format!(
                "For mange forkerte forsøg. Vent {} minutter, og prøv igen – eller bed forvaltningen om et nyt invitationslink.",
                state.config.login_lock_minutes
            ),
        );
        status = StatusCode::TOO_MANY_REQUESTS;
    }
    if errors.is_empty() {
        let creds = db::accounts::credentials(&state.pool, &f.email).await?;
        let stored = creds.as_ref().and_then(|c| c.password_hash.clone());
        // Too long a password is not hashed (argon2 work is bounded); the answer stays the same.
        let ok = f.password.len() <= 1024 && password::verify(f.password.clone(), stored).await;
        match creds {
            Some(c) if ok => account = Some(c),
            _ => {
                db::accounts::record_failure(&state.pool, &f.email).await?;
                errors.add("email", "E-mailadressen eller adgangskoden er forkert.");
            }
        }
    }
    let Some(account) = account else {
        let page = LoginPage {
            layout: Layout::public("Log ind").with_errors(&errors),
            errors,
            email: f.email,
            demo: db::accounts::has_mfa_exempt(&state.pool).await?,
            ..LoginPage::new(&state, &f.next)
        };
        return Ok((status, render(&page)?).into_response());
    };

    db::accounts::clear_failures(
        &state.pool,
        &f.email,
        state.config.retention.login_failures_days,
    )
    .await?;
    if mfa::needed(&state, &account) {
        return mfa::challenge(&state, &headers, account.id, &f.next).await;
    }
    sign_in(&state, &headers, account.id, &f.next, "adgangskode").await
}

/// Starts a session for an account that has proven who it is, and sends the browser on.
async fn sign_in(
    state: &AppState,
    headers: &HeaderMap,
    account_id: Uuid,
    next: &str,
    how: &str,
) -> Result<Response, AppError> {
    let cookie = start_session(state, headers, account_id, how).await?;
    let mut r = Redirect::to(safe_next(next).unwrap_or("/")).into_response();
    r.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(r)
}

/// A new session for the account (and the end of the browser's old one): the cookie to set.
pub(crate) async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    account_id: Uuid,
    how: &str,
) -> Result<HeaderValue, AppError> {
    // A new session id at every login; the browser's old session (if any) ends.
    if let Some(old) = session::from_headers(headers) {
        db::sessions::delete(&state.pool, &session::token_hash(&old)).await?;
    }
    let token = session::new_token();
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    db::sessions::create(
        &state.pool,
        &session::token_hash(&token),
        account_id,
        &session::new_token(),
        ua,
    )
    .await?;
    db::accounts::touch_login(&state.pool, account_id).await?;
    crate::telemetry::record_account(account_id);
    tracing::info!(account = %account_id, how, "logget ind");
    let secure = session::secure(
        state.config.cookie_secure,
        state.config.public_url.as_deref(),
        headers,
    );
    Ok(session::set_cookie(&token, secure))
}

#[derive(Template)]
#[template(path = "logout.html")]
struct LogoutPage {
    layout: Layout,
}

/// A page with a button: following a link must never log anyone out.
pub async fn logout_page(user: CurrentUser) -> Result<Response, AppError> {
    Ok(render(&LogoutPage {
        layout: Layout::new("Log ud", "", &user),
    })?
    .into_response())
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: Option<CurrentUser>,
    DaForm(f): DaForm<LogoutForm>,
) -> Result<Response, AppError> {
    if let Some(user) = &user {
        super::forms::check_csrf(user, &f.csrf)?;
    }
    if let Some(token) = session::from_headers(&headers) {
        db::sessions::delete(&state.pool, &session::token_hash(&token)).await?;
    }
    let secure = session::secure(
        state.config.cookie_secure,
        state.config.public_url.as_deref(),
        &headers,
    );
    let mut r = Redirect::to("/login?logget_ud=1").into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, session::clear_cookie(secure));
    Ok(r)
}
