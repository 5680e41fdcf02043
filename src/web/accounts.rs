//! `/brugere`: the administration creates login accounts and hands over invitation links;
//! `/invitation/{token}`: the invited person sets a password.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::forms::check_csrf;
use super::{DaForm, FormErrors, Id, Layout, render};
use crate::app::AppState;
use crate::auth::{CurrentUser, password, session};
use crate::db;
use crate::domain::{JobRole, Role, format, validate};
use crate::error::AppError;

pub struct AccountLine {
    pub href: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub school: String,
    pub state: &'static str,
    pub last_login: String,
    pub special_categories: bool,
}

impl AccountLine {
    fn from(a: &db::accounts::Listed) -> AccountLine {
        AccountLine {
            href: format!("/brugere/{}", a.id),
            name: a.name.clone().unwrap_or_else(|| a.email.clone()),
            email: a.email.clone(),
            role: Role::from_code(&a.role)
                .map(Role::label)
                .unwrap_or("")
                .to_string(),
            school: a.organisation_name.clone().unwrap_or_default(),
            state: if !a.active {
                "Lukket"
            } else if a.has_password {
                "Aktiv"
            } else if a.invitation_open {
                "Inviteret"
            } else {
                "Invitation udløbet"
            },
            last_login: a
                .last_login_at
                .map(format::timestamp)
                .unwrap_or_else(|| "Aldrig".into()),
            special_categories: a.special_categories,
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<AccountLine>,
}

pub async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let rows = db::accounts::list(&state.pool).await?;
    let page = ListPage {
        layout: Layout::new("Brugere", "brugere", &user),
        rows: rows.iter().map(AccountLine::from).collect(),
    };
    Ok(render(&page)?.into_response())
}

pub struct StaffOption {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "accounts/new.html")]
struct NewPage {
    layout: Layout,
    errors: FormErrors,
    staff: Vec<StaffOption>,
    roles: Vec<(&'static str, &'static str, bool)>,
    email: String,
}

#[derive(Deserialize, Default)]
pub struct NewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    staff_id: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    email: String,
}

async fn new_page(
    state: &AppState,
    user: &CurrentUser,
    f: &NewForm,
    errors: FormErrors,
) -> Result<NewPage, AppError> {
    let people = db::staff::without_account(&state.pool).await?;
    Ok(NewPage {
        layout: Layout::new("Ny bruger", "brugere", user).with_errors(&errors),
        errors,
        staff: people
            .iter()
            .map(|p| StaffOption {
                id: p.id.to_string(),
                label: format!("{} – {} ({})", p.name, p.organisation_name, p.email),
                selected: p.id.to_string() == f.staff_id,
            })
            .collect(),
        roles: Role::ALL
            .iter()
            .map(|r| (r.code(), r.label(), r.code() == f.role))
            .collect(),
        email: f.email.clone(),
    })
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    /// From a staff member's page: the person, preselected, with the role their job suggests.
    #[serde(default)]
    medarbejder: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let mut f = NewForm::default();
    if let Ok(id) = q.medarbejder.trim().parse::<Uuid>()
        && let Some(p) = db::staff::get(&state.pool, id).await?
        && p.active
        && !p.has_account
    {
        f.staff_id = p.id.to_string();
        f.role = match JobRole::from_code(&p.job_role) {
            Some(JobRole::Skoleleder) => Role::Skoleleder,
            _ => Role::Medarbejder,
        }
        .code()
        .to_string();
    }
    Ok(render(&new_page(&state, &user, &f, FormErrors::default()).await?)?.into_response())
}

#[derive(Template)]
#[template(path = "accounts/invitation_link.html")]
struct LinkPage {
    layout: Layout,
    name: String,
    link: String,
    expires: String,
    account_href: String,
}

fn invitation_link(state: &AppState, headers: &HeaderMap, token: &str) -> String {
    let base = state.config.public_url.clone().unwrap_or_else(|| {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost:3000");
        format!("http://{host}")
    });
    format!("{base}/invitation/{token}")
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    DaForm(f): DaForm<NewForm>,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &f.csrf)?;
    let mut errors = FormErrors::default();
    let role = Role::from_code(&f.role);
    if role.is_none() {
        errors.add("role", "Vælg en rolle.");
    }
    let staff_id: Option<Uuid> = match f.staff_id.trim() {
        "" => None,
        s => match s.parse() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("staff_id", "Vælg en medarbejder fra listen.");
                None
            }
        },
    };
    let person = match staff_id {
        Some(id) => {
            let p = db::staff::get(&state.pool, id).await?;
            if p.as_ref().is_none_or(|p| !p.active) {
                errors.add("staff_id", "Medarbejderen findes ikke eller er stoppet.");
            }
            p
        }
        None => None,
    };
    if person.is_none()
        && role.is_some_and(|r| r != Role::Koordinator)
        && errors.get("staff_id").is_none()
    {
        errors.add(
            "staff_id",
            "En skoleleder eller medarbejder skal knyttes til en medarbejder på en skole.",
        );
    }
    let email = match (&person, f.email.trim()) {
        (Some(p), "") => Ok(p.email.clone()),
        (_, typed) => validate::email(typed),
    };
    let email = match email {
        Ok(e) => Some(e),
        Err(m) => {
            errors.add("email", m);
            None
        }
    };
    if let (Some(role), Some(email)) = (role, email.as_deref())
        && errors.is_empty()
    {
        let token = session::new_token();
        let hash = session::token_hash(&token);
        let expires = Utc::now() + Duration::days(state.config.invitation_days);
        let mut tx = state.pool.begin().await?;
        let created = db::accounts::create(
            &mut *tx,
            db::accounts::NewAccount {
                email,
                role: role.code(),
                staff_id,
                password_hash: None,
                invitation_hash: Some(&hash),
                invitation_expires_at: Some(expires),
            },
        )
        .await;
        match created {
            Ok(id) => {
                db::audit::record(
                    &mut *tx,
                    db::audit::Entry {
                        account_id: Some(user.account_id),
                        action: "bruger oprettet",
                        entity: "account",
                        entity_id: id.to_string(),
                        before: None,
                        after: Some(serde_json::json!({"email": email, "role": role.code(), "staff_id": staff_id})),
                        reason: "",
                    },
                )
                .await?;
                tx.commit().await?;
                let page = LinkPage {
                    layout: Layout::new("Invitationslink", "brugere", &user),
                    name: person.map(|p| p.name).unwrap_or_else(|| email.to_string()),
                    link: invitation_link(&state, &headers, &token),
                    expires: format::timestamp(expires),
                    account_href: format!("/brugere/{id}"),
                };
                return Ok(render(&page)?.into_response());
            }
            Err(e) => match db::unique_violation(&e).as_deref() {
                Some("accounts_email_unique") => errors.add(
                    "email",
                    "Der findes allerede en bruger med den e-mailadresse.",
                ),
                Some("accounts_staff_id_key") => {
                    errors.add("staff_id", "Medarbejderen har allerede en bruger.")
                }
                _ => return Err(e.into()),
            },
        }
    }
    let page = new_page(&state, &user, &f, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

#[derive(Template)]
#[template(path = "accounts/show.html")]
struct ShowPage {
    layout: Layout,
    account: AccountLine,
    invitation_possible: bool,
    history: Vec<(String, String, String)>,
    /// What was just done to the right to special categories ("givet", "frataget").
    special_done: &'static str,
    /// What this account has seen of people's data.
    access_href: String,
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    saerlige: String,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let a = db::accounts::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let history = db::audit::history(&state.pool, "account", &id.to_string()).await?;
    let page = ShowPage {
        layout: Layout::new(a.name.as_deref().unwrap_or(&a.email), "brugere", &user),
        invitation_possible: a.active,
        access_href: format!("/adgangslog?konto={}", a.id),
        special_done: match q.saerlige.as_str() {
            "givet" => "givet",
            "frataget" => "frataget",
            _ => "",
        },
        account: AccountLine::from(&a),
        history: history
            .into_iter()
            .map(|h| {
                (
                    format::timestamp(h.at),
                    h.who.unwrap_or_else(|| "Udsyn".into()),
                    h.action,
                )
            })
            .collect(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct SpecialForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    handling: String,
}

/// Grants ("giv") or withdraws ("fratag") the right to special categories, with an entry in the
/// audit log.
pub async fn special_categories(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    DaForm(f): DaForm<SpecialForm>,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &f.csrf)?;
    let granted = match f.handling.as_str() {
        "giv" => true,
        "fratag" => false,
        _ => {
            return Err(AppError::BadRequest(
                "Vælg at give eller fratage retten.".into(),
            ));
        }
    };
    let a = db::accounts::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if granted && !a.active {
        return Err(AppError::BadRequest(
            "Brugeren er lukket og kan ikke få retten.".into(),
        ));
    }
    let mut tx = state.pool.begin().await?;
    if db::accounts::set_special_categories(&mut *tx, id, granted).await? {
        db::audit::record(
            &mut *tx,
            db::audit::Entry {
                account_id: Some(user.account_id),
                action: if granted {
                    "ret til særlige kategorier givet"
                } else {
                    "ret til særlige kategorier frataget"
                },
                entity: "account",
                entity_id: id.to_string(),
                before: Some(serde_json::json!({ "special_categories": a.special_categories })),
                after: Some(serde_json::json!({ "special_categories": granted })),
                reason: "",
            },
        )
        .await?;
    }
    tx.commit().await?;
    let said = if granted { "givet" } else { "frataget" };
    Ok(Redirect::to(&format!("/brugere/{id}?saerlige={said}")).into_response())
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// A new invitation link, e.g. when the first expired or someone forgot their password.
pub async fn reinvite(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Id(id): Id,
    DaForm(f): DaForm<CsrfOnly>,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &f.csrf)?;
    let a = db::accounts::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let token = session::new_token();
    let expires = Utc::now() + Duration::days(state.config.invitation_days);
    let mut tx = state.pool.begin().await?;
    if !db::accounts::set_invitation(&mut *tx, id, &session::token_hash(&token), expires).await? {
        return Err(AppError::BadRequest(
            "Brugeren er lukket og kan ikke inviteres.".into(),
        ));
    }
    db::audit::record(
        &mut *tx,
        db::audit::Entry {
            account_id: Some(user.account_id),
            action: "nyt invitationslink",
            entity: "account",
            entity_id: id.to_string(),
            before: None,
            after: None,
            reason: "",
        },
    )
    .await?;
    tx.commit().await?;
    let page = LinkPage {
        layout: Layout::new("Invitationslink", "brugere", &user),
        name: a.name.unwrap_or(a.email),
        link: invitation_link(&state, &headers, &token),
        expires: format::timestamp(expires),
        account_href: format!("/brugere/{id}"),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "accounts/accept.html")]
struct AcceptPage {
    layout: Layout,
    errors: FormErrors,
    name: String,
    email: String,
    action: String,
}

pub async fn accept_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let inv = db::accounts::by_invitation(&state.pool, &session::token_hash(&token))
        .await?
        .ok_or(AppError::NotFound)?;
    let page = AcceptPage {
        layout: Layout::public("Vælg din adgangskode"),
        errors: FormErrors::default(),
        name: inv.name.unwrap_or_default(),
        email: inv.email,
        action: format!("/invitation/{token}"),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_repeat: String,
}

pub async fn accept(
    State(state): State<AppState>,
    Path(token): Path<String>,
    DaForm(f): DaForm<AcceptForm>,
) -> Result<Response, AppError> {
    let hash = session::token_hash(&token);
    let inv = db::accounts::by_invitation(&state.pool, &hash)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    let name = inv.name.clone().unwrap_or_default();
    if let Err(m) = validate::new_password(&f.password, &inv.email, &name) {
        errors.add("password", m);
    } else if f.password != f.password_repeat {
        errors.add("password_repeat", "De to adgangskoder er ikke ens.");
    }
    if errors.is_empty() {
        let pw_hash = password::hash(f.password).await?;
        let mut tx = state.pool.begin().await?;
        if db::accounts::accept_invitation(&mut *tx, inv.id, &hash, &pw_hash).await? {
            // A new password ends every session opened with the old one (ASVS 3.3.3).
            db::sessions::end_all(&mut *tx, inv.id).await?;
            db::audit::record(
                &mut *tx,
                db::audit::Entry {
                    account_id: Some(inv.id),
                    action: "adgangskode valgt",
                    entity: "account",
                    entity_id: inv.id.to_string(),
                    before: None,
                    after: None,
                    reason: "",
                },
            )
            .await?;
            tx.commit().await?;
            let email: String = form_urlencoded::byte_serialize(inv.email.as_bytes()).collect();
            return Ok(
                Redirect::to(&format!("/login?adgangskode_sat=1&email={email}")).into_response(),
            );
        }
        return Err(AppError::NotFound);
    }
    let page = AcceptPage {
        layout: Layout::public("Vælg din adgangskode").with_errors(&errors),
        errors,
        name: inv.name.unwrap_or_default(),
        email: inv.email,
        action: format!("/invitation/{token}"),
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}
