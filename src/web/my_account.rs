//! `/konto` and `/sessioner`: the person's own login — password, second factor, sessions.
//!
//! Changing the password or the second factor asks for the password again first (ASVS 5.0
//! re-authentication): a session left open on a shared computer is not enough. A new password
//! ends every session of the account (the trigger of migration 0016) and starts a new one for the
//! browser that asked; setting up the second factor ends the others.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::forms::check_csrf;
use super::login::mfa::{RecoveryCodesPage, Setup};
use super::login::start_session;
use super::{DaForm, FormErrors, Id, Layout, render};
use crate::app::AppState;
use crate::auth::{CurrentUser, password};
use crate::db;
use crate::domain::{format, totp, user_agent, validate};
use crate::error::AppError;

#[derive(Template)]
#[template(path = "my_account/index.html")]
struct AccountPage {
    layout: Layout,
    email: String,
    role: &'static str,
    has_password: bool,
    totp_since: Option<String>,
    recovery_codes_left: i64,
    /// The role requires a second factor (so it cannot be turned off).
    required: bool,
    exempt: bool,
    notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct AccountQuery {
    #[serde(default)]
    gemt: String,
}

pub async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AccountQuery>,
) -> Result<Response, AppError> {
    let own = db::mfa::own(&state.pool, user.account_id).await?;
    let page = AccountPage {
        layout: Layout::new("Min konto", "", &user),
        email: user.email.clone(),
        role: user.role.label(),
        has_password: own.password_hash.is_some(),
        totp_since: own.totp_enabled_at.map(format::timestamp),
        recovery_codes_left: own.recovery_codes_left,
        required: state.config.mfa_required.contains(&user.role),
        exempt: own.mfa_exempt,
        notice: match q.gemt.as_str() {
            "adgangskode" => Some(
                "Din nye adgangskode er gemt. Du er logget ud alle andre steder, hvor du var logget ind.",
            ),
            "totp-fjernet" => Some("Totrinsbekræftelsen er slået fra."),
            _ => None,
        },
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "my_account/password.html")]
struct PasswordPage {
    layout: Layout,
    errors: FormErrors,
    csrf: String,
    has_password: bool,
}

pub async fn password_form(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let own = db::mfa::own(&state.pool, user.account_id).await?;
    Ok(render(&PasswordPage {
        layout: Layout::new("Skift adgangskode", "", &user),
        errors: FormErrors::default(),
        csrf: user.csrf_token.clone(),
        has_password: own.password_hash.is_some(),
    })?
    .into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_repeat: String,
}

pub async fn password_change(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    DaForm(f): DaForm<PasswordForm>,
) -> Result<Response, AppError> {
    check_csrf(&user, &f.csrf)?;
    let own = db::mfa::own(&state.pool, user.account_id).await?;
    let mut errors = FormErrors::default();
    reauthenticate(&own, &f.current, &mut errors).await;
    if let Err(m) = validate::new_password(&f.password, &user.email, &user.name) {
        errors.add("password", m);
    } else if f.password != f.password_repeat {
        errors.add("password_repeat", "De to adgangskoder er ikke ens.");
    } else if f.password == f.current {
        errors.add(
            "password",
            "Den nye adgangskode er den samme som den nuværende.",
        );
    }
    if !errors.is_empty() {
        let page = PasswordPage {
            layout: Layout::new("Skift adgangskode", "", &user).with_errors(&errors),
            errors,
            csrf: user.csrf_token.clone(),
            has_password: own.password_hash.is_some(),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let hash = password::hash(f.password).await?;
    let mut tx = state.pool.begin().await?;
    db::accounts::set_password(&mut *tx, user.account_id, &hash).await?;
    audit(&mut tx, &user, "adgangskode skiftet").await?;
    tx.commit().await?;
    // Every session ended with the old password, this browser's too: it gets a new one.
    let cookie = start_session(&state, &headers, user.account_id, "ny adgangskode").await?;
    let mut r = Redirect::to("/konto?gemt=adgangskode").into_response();
    r.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(r)
}

#[derive(Template)]
#[template(path = "my_account/totp.html")]
struct TotpPage {
    layout: Layout,
    errors: FormErrors,
    csrf: String,
    /// Set while no second factor is set up: the one being set up now.
    setup: Option<Setup>,
    required: bool,
    code_hint: &'static str,
}

pub async fn totp_form(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let own = db::mfa::own(&state.pool, user.account_id).await?;
    let page = totp_page(&state, &user, &own, FormErrors::default(), None);
    Ok(render(&page)?.into_response())
}

fn totp_page(
    state: &AppState,
    user: &CurrentUser,
    own: &db::mfa::Own,
    errors: FormErrors,
    secret: Option<Vec<u8>>,
) -> TotpPage {
    let setup = own
        .totp_secret
        .is_none()
        .then(|| Setup::new(&secret.unwrap_or_else(totp::new_secret), &user.email));
    TotpPage {
        layout: Layout::new("Totrinsbekræftelse", "", user).with_errors(&errors),
        errors,
        csrf: user.csrf_token.clone(),
        setup,
        required: state.config.mfa_required.contains(&user.role) && !own.mfa_exempt,
        code_hint: "Seks cifre fra appen.",
    }
}

#[derive(Deserialize)]
pub struct TotpForm {
    #[serde(default)]
    csrf: String,
    /// `opret`, `nye-koder` or `fjern`.
    #[serde(default)]
    handling: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    secret: String,
}

pub async fn totp_change(
    State(state): State<AppState>,
    user: CurrentUser,
    DaForm(f): DaForm<TotpForm>,
) -> Result<Response, AppError> {
    check_csrf(&user, &f.csrf)?;
    let own = db::mfa::own(&state.pool, user.account_id).await?;
    let mut errors = FormErrors::default();
    reauthenticate(&own, &f.current, &mut errors).await;
    let now = chrono::Utc::now().timestamp();
    let secret = totp::base32_decode(&f.secret).filter(|s| s.len() == totp::SECRET_BYTES);
    match (f.handling.as_str(), &own.totp_secret) {
        ("opret", None) => {
            let step = secret
                .as_deref()
                .and_then(|s| totp::verify(s, &f.code, now, None));
            match (errors.is_empty(), step, &secret) {
                (true, Some(step), Some(secret)) => {
                    let codes = totp::new_recovery_codes();
                    let mut tx = state.pool.begin().await?;
                    db::mfa::enable(&mut tx, user.account_id, secret, step, &hashes(&codes))
                        .await?;
                    db::sessions::end_others(&mut *tx, user.account_id, user.session_id).await?;
                    audit(&mut tx, &user, "totrinsbekræftelse oprettet").await?;
                    tx.commit().await?;
                    return codes_page(&user, codes);
                }
                (_, None, _) => errors.add(
                    "code",
                    "Koden passer ikke. Skriv de seks cifre, appen viser for Udsyn, mens de står der.",
                ),
                _ => {}
            }
        }
        ("nye-koder", Some(_)) if errors.is_empty() => {
            let codes = totp::new_recovery_codes();
            let mut tx = state.pool.begin().await?;
            db::mfa::replace_recovery_codes(&mut tx, user.account_id, &hashes(&codes)).await?;
            audit(&mut tx, &user, "nye gendannelseskoder").await?;
            tx.commit().await?;
            return codes_page(&user, codes);
        }
        ("fjern", Some(_)) if errors.is_empty() => {
            if state.config.mfa_required.contains(&user.role) && !own.mfa_exempt {
                errors.add(
                    "current",
                    "Din rolle kræver totrinsbekræftelse, så den kan ikke slås fra. Har du mistet din telefon, så sæt en ny op med en gendannelseskode, eller bed forvaltningen om hjælp.",
                );
            } else {
                let mut tx = state.pool.begin().await?;
                db::mfa::disable(&mut tx, user.account_id).await?;
                audit(&mut tx, &user, "totrinsbekræftelse slået fra").await?;
                tx.commit().await?;
                return Ok(Redirect::to("/konto?gemt=totp-fjernet").into_response());
            }
        }
        (_, _) if errors.is_empty() => {
            return Err(AppError::BadRequest(
                "Formularen passer ikke til din kontos totrinsbekræftelse. Åbn siden igen.".into(),
            ));
        }
        _ => {}
    }
    let page = totp_page(&state, &user, &own, errors, secret);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

fn hashes(codes: &[String]) -> Vec<Vec<u8>> {
    codes
        .iter()
        .map(|c| Sha256::digest(totp::normalise_recovery_code(c).unwrap_or_default()).to_vec())
        .collect()
}

fn codes_page(user: &CurrentUser, codes: Vec<String>) -> Result<Response, AppError> {
    Ok(render(&RecoveryCodesPage {
        layout: Layout::new("Dine gendannelseskoder", "", user),
        codes,
        next: "/konto".into(),
    })?
    .into_response())
}

/// The password typed again before a change of how the person logs in.
async fn reauthenticate(own: &db::mfa::Own, typed: &str, errors: &mut FormErrors) {
    match &own.password_hash {
        None => errors.add(
            "current",
            "Din konto har ingen adgangskode i Udsyn, fordi du logger ind med din kommunes konto. Bed forvaltningen om hjælp.",
        ),
        Some(_) if typed.is_empty() => errors.add("current", "Skriv din nuværende adgangskode."),
        Some(hash) => {
            if typed.len() > 1024 || !password::verify(typed.to_string(), Some(hash.clone())).await
            {
                errors.add("current", "Adgangskoden er forkert.");
            }
        }
    }
}

async fn audit(
    tx: &mut sqlx::PgConnection,
    user: &CurrentUser,
    action: &str,
) -> Result<(), AppError> {
    db::audit::record(
        tx,
        db::audit::Entry {
            account_id: Some(user.account_id),
            action,
            entity: "account",
            entity_id: user.account_id.to_string(),
            before: None,
            after: None,
            reason: "",
        },
    )
    .await?;
    Ok(())
}

/// One session in the person's list.
struct SessionRow {
    id: uuid::Uuid,
    this_one: bool,
    device: String,
    began: String,
    last_used: String,
}

#[derive(Template)]
#[template(path = "my_account/sessions.html")]
struct SessionsPage {
    layout: Layout,
    csrf: String,
    rows: Vec<SessionRow>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SessionsQuery {
    #[serde(default)]
    afsluttet: Option<u64>,
}

pub async fn sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SessionsQuery>,
) -> Result<Response, AppError> {
    let rows = db::sessions::of_account(&state.pool, user.account_id)
        .await?
        .into_iter()
        .map(|s| SessionRow {
            id: s.id,
            this_one: s.id == user.session_id,
            device: user_agent::describe(&s.user_agent),
            began: format::timestamp(s.created_at),
            last_used: format::timestamp(s.last_seen_at),
        })
        .collect();
    let page = SessionsPage {
        layout: Layout::new("Dine sessioner", "", &user),
        csrf: user.csrf_token.clone(),
        rows,
        notice: q.afsluttet.map(|n| match n {
            1 => "1 session er afsluttet.".to_string(),
            n => format!("{n} sessioner er afsluttet."),
        }),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct EndForm {
    #[serde(default)]
    csrf: String,
}

pub async fn end_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    DaForm(f): DaForm<EndForm>,
) -> Result<Response, AppError> {
    check_csrf(&user, &f.csrf)?;
    if id == user.session_id {
        return Err(AppError::BadRequest(
            "Det er denne browsers session. Brug «Log ud» for at afslutte den.".into(),
        ));
    }
    if !db::sessions::end_own(&state.pool, user.account_id, id).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/sessioner?afsluttet=1").into_response())
}

pub async fn end_others(
    State(state): State<AppState>,
    user: CurrentUser,
    DaForm(f): DaForm<EndForm>,
) -> Result<Response, AppError> {
    check_csrf(&user, &f.csrf)?;
    let n = db::sessions::end_others(&state.pool, user.account_id, user.session_id).await?;
    Ok(Redirect::to(&format!("/sessioner?afsluttet={n}")).into_response())
}
