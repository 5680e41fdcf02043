//! `/medarbejdere`: the staff of the consortium. The coordinator keeps everyone, a school leader
//! their own school's staff, and a staff member may correct their own name and e-mail.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

mod show;

pub use show::show;

use super::forms::{SelectOption, check_csrf, options, school_options, ticked};
use super::list::{PER_PAGE, Pager, Params, SortHeader, like_pattern, page_number, sort_headers};
use super::{DaForm, FormErrors, Id, Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit};
use crate::domain::{JobRole, Role, format, kinds::label_or_code, validate};
use crate::error::AppError;

pub struct StaffLine {
    pub href: String,
    pub name: String,
    pub email: String,
    pub job_role: String,
    pub school: String,
    pub active: bool,
}

impl StaffLine {
    pub fn from(p: &db::staff::Person) -> StaffLine {
        StaffLine {
            href: format!("/medarbejdere/{}", p.id),
            name: p.name.clone(),
            email: p.email.clone(),
            job_role: label_or_code(&p.job_role, JobRole::from_code, JobRole::label),
            school: p.organisation_name.clone(),
            active: p.active,
        }
    }
}

#[derive(Template)]
#[template(path = "staff/list.html")]
struct ListPage {
    layout: Layout,
    heading: String,
    rows: Vec<StaffLine>,
    show_school: bool,
    q: String,
    schools: Vec<SelectOption>,
    roles: Vec<SelectOption>,
    states: Vec<SelectOption>,
    headers: Vec<SortHeader>,
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    skole: String,
    #[serde(default)]
    stilling: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    sorter: String,
    #[serde(default)]
    retning: String,
    #[serde(default)]
    side: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (scope, heading) = match user.role {
        Role::Koordinator => (None, "Medarbejdere i konsortiet".to_string()),
        Role::Skoleleder => (
            Some(user.organisation_id.ok_or(AppError::Forbidden)?),
            format!(
                "Medarbejdere på {}",
                user.organisation_name.clone().unwrap_or_default()
            ),
        ),
        Role::Medarbejder => return Err(AppError::Forbidden),
    };
    let columns: &[(&str, &str, bool)] = if scope.is_none() {
        &[
            ("navn", "Navn", false),
            ("stilling", "Stilling", false),
            ("skole", "Skole", false),
            ("email", "E-mail", false),
        ]
    } else {
        &[
            ("navn", "Navn", false),
            ("stilling", "Stilling", false),
            ("email", "E-mail", false),
        ]
    };
    let sort = columns
        .iter()
        .map(|c| c.0)
        .find(|c| *c == q.sorter)
        .unwrap_or("navn");
    let descending = q.retning == "ned";
    let school = if scope.is_none() {
        q.skole.parse::<Uuid>().ok()
    } else {
        None
    };
    let job_role = JobRole::from_code(&q.stilling).map(|r| r.code().to_string());
    let active = match q.status.as_str() {
        "aktive" => Some(true),
        "stoppede" => Some(false),
        _ => None,
    };
    let page = page_number(&q.side);
    let rows = db::staff::search(
        &state.pool,
        &db::staff::Filter {
            scope,
            school,
            job_role: job_role.clone(),
            active,
            search: like_pattern(&q.q),
            sort,
            descending,
            limit: PER_PAGE,
            offset: (page - 1) * PER_PAGE,
        },
    )
    .await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    let school_s = school.map(|s| s.to_string()).unwrap_or_default();
    let params = Params(vec![
        ("q", q.q.trim().to_string()),
        ("skole", school_s.clone()),
        ("stilling", job_role.clone().unwrap_or_default()),
        ("status", q.status.clone()),
    ])
    .sorted(sort, "navn", descending);
    let schools = if scope.is_none() {
        school_options(&state.pool, &school_s, Some("Alle skoler")).await?
    } else {
        Vec::new()
    };
    let page_view = ListPage {
        layout: Layout::new("Medarbejdere", "medarbejdere", &user),
        heading,
        headers: sort_headers("/medarbejdere", &params, columns, sort, descending),
        pager: Pager::new("/medarbejdere", &params, page, total, rows.len()),
        rows: rows.iter().map(|r| StaffLine::from(&r.person)).collect(),
        show_school: scope.is_none(),
        q: q.q.trim().to_string(),
        schools,
        roles: options(
            JobRole::ALL.iter().map(|r| (r.code(), r.label())),
            job_role.as_deref().unwrap_or(""),
            Some("Alle stillinger"),
        ),
        states: options(
            [("aktive", "Aktive"), ("stoppede", "Stoppede")],
            &q.status,
            Some("Aktive og stoppede"),
        ),
    };
    Ok(render(&page_view)?.into_response())
}

pub(super) const FIELDS: &[(&str, &str)] = &[
    ("name", "Navn"),
    ("email", "E-mail"),
    ("job_role", "Stilling"),
    ("organisation_id", "Skole"),
    ("active", "Aktiv"),
    ("left_on", "Fratrådt"),
];

pub(super) fn code_label(field: &str, code: &str) -> Option<&'static str> {
    match field {
        "job_role" => JobRole::from_code(code).map(JobRole::label),
        _ => None,
    }
}

/// Who may change a person's record, and how much.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum EditRights {
    /// The coordinator: everything, including moving the person to another school.
    All,
    /// Their school leader: everything but the school.
    SameSchool,
    /// The person themselves: name and e-mail.
    Own,
    None,
}

pub(super) fn rights(user: &CurrentUser, person: &db::staff::Person) -> EditRights {
    match user.role {
        Role::Koordinator => EditRights::All,
        Role::Skoleleder if user.organisation_id == Some(person.organisation_id) => {
            EditRights::SameSchool
        }
        _ if user.staff_id == Some(person.id) => EditRights::Own,
        _ => EditRights::None,
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct StaffForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    job_role: String,
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    left_on: String,
}

#[derive(Template)]
#[template(path = "staff/form.html")]
struct FormPage {
    layout: Layout,
    errors: FormErrors,
    f: StaffForm,
    roles: Vec<SelectOption>,
    schools: Vec<SelectOption>,
    heading: String,
    action: String,
    cancel_href: String,
    is_new: bool,
    /// Job, school and status are shown (not to the person editing themselves).
    full: bool,
    choose_school: bool,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    f: StaffForm,
    errors: FormErrors,
    existing: Option<(Uuid, &str)>,
    rights: EditRights,
) -> Result<FormPage, AppError> {
    let schools = if rights == EditRights::All {
        school_options(&state.pool, &f.organisation_id, Some("Vælg skole")).await?
    } else {
        Vec::new()
    };
    let (heading, action, cancel) = match existing {
        None => (
            "Ny medarbejder".to_string(),
            "/medarbejdere/ny".to_string(),
            "/medarbejdere".to_string(),
        ),
        Some((id, name)) => (
            format!("Rediger {name}"),
            format!("/medarbejdere/{id}/rediger"),
            format!("/medarbejdere/{id}"),
        ),
    };
    Ok(FormPage {
        layout: Layout::new(&heading, "medarbejdere", user).with_errors(&errors),
        roles: options(
            JobRole::ALL.iter().map(|r| (r.code(), r.label())),
            &f.job_role,
            Some("Vælg stilling"),
        ),
        schools,
        errors,
        f,
        heading,
        action,
        cancel_href: cancel,
        is_new: existing.is_none(),
        full: rights != EditRights::Own,
        choose_school: rights == EditRights::All,
    })
}

/// Checks the form against what the person may change; `current` is the record being edited.
fn parse(
    f: &StaffForm,
    user: &CurrentUser,
    rights: EditRights,
    current: Option<&db::staff::Person>,
    errors: &mut FormErrors,
) -> Option<db::staff::Input> {
    let name = errors.take(
        "name",
        validate::required(&f.name, 200, "Skriv medarbejderens navn."),
    );
    let email = errors.take("email", validate::email(&f.email));
    let (job_role, organisation_id, active, left_on) = if rights == EditRights::Own {
        let p = current?;
        (p.job_role.clone(), p.organisation_id, p.active, p.left_on)
    } else {
        let job_role = match JobRole::from_code(&f.job_role) {
            Some(r) => r.code().to_string(),
            None => {
                errors.add("job_role", "Vælg en stilling.");
                String::new()
            }
        };
        let organisation_id = if rights == EditRights::All {
            match f.organisation_id.parse::<Uuid>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add("organisation_id", "Vælg en skole.");
                    None
                }
            }
        } else {
            current.map(|p| p.organisation_id).or(user.organisation_id)
        };
        let active = ticked(&f.active);
        let left_on = match f.left_on.trim() {
            "" if !active => Some(chrono::Local::now().date_naive()),
            "" => None,
            s => format::parse_date_checked(s)
                .map_err(|e| {
                    errors.add(
                        "left_on",
                        format::date_message(e, "Fratrådt den", "31.07.2026"),
                    )
                })
                .ok(),
        };
        (
            job_role,
            organisation_id.unwrap_or_default(),
            active,
            if active { None } else { left_on },
        )
    };
    errors.is_empty().then_some(db::staff::Input {
        organisation_id,
        name,
        email,
        job_role,
        active,
        left_on,
    })
}

fn unique_error(e: &sqlx::Error, errors: &mut FormErrors) -> bool {
    if db::unique_violation(e).as_deref() == Some("staff_email_unique") {
        errors.add(
            "email",
            "Der findes allerede en medarbejder med den e-mailadresse.",
        );
        true
    } else if e.as_database_error().and_then(|d| d.code()).as_deref() == Some("23503") {
        errors.add("organisation_id", "Skolen findes ikke.");
        true
    } else {
        false
    }
}

/// `?skole={id}` on `/medarbejdere/ny`: the school to preselect (from a school's page).
#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    skole: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let rights = match user.role {
        Role::Koordinator => EditRights::All,
        Role::Skoleleder => EditRights::SameSchool,
        Role::Medarbejder => return Err(AppError::Forbidden),
    };
    // Only a school this person may add staff to is preselected; the form checks it again.
    let school = q
        .skole
        .parse::<Uuid>()
        .ok()
        .filter(|s| rights == EditRights::All || user.organisation_id == Some(*s))
        .map(|s| s.to_string())
        .unwrap_or_default();
    let f = StaffForm {
        active: Some("ja".into()),
        organisation_id: school,
        ..Default::default()
    };
    Ok(
        render(&form_page(&state, &user, f, FormErrors::default(), None, rights).await?)?
            .into_response(),
    )
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    DaForm(f): DaForm<StaffForm>,
) -> Result<Response, AppError> {
    let rights = match user.role {
        Role::Koordinator => EditRights::All,
        Role::Skoleleder => EditRights::SameSchool,
        Role::Medarbejder => return Err(AppError::Forbidden),
    };
    check_csrf(&user, &f.csrf)?;
    let mut errors = FormErrors::default();
    if let Some(input) = parse(&f, &user, rights, None, &mut errors) {
        let mut tx = state.pool.begin().await?;
        match db::staff::insert(&mut *tx, &input).await {
            Ok(id) => {
                let after = audit::snapshot(&mut *tx, audit::Table::Staff, id).await?;
                audit::record(
                    &mut *tx,
                    audit::Entry {
                        account_id: Some(user.account_id),
                        action: "medarbejder oprettet",
                        entity: "staff",
                        entity_id: id.to_string(),
                        before: None,
                        after,
                        reason: "",
                    },
                )
                .await?;
                tx.commit().await?;
                return Ok(Redirect::to(&format!("/medarbejdere/{id}?gemt=1")).into_response());
            }
            Err(e) if unique_error(&e, &mut errors) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let page = form_page(&state, &user, f, errors, None, rights).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

async fn editable(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<(db::staff::Person, EditRights), AppError> {
    let person = db::staff::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match rights(user, &person) {
        EditRights::None => Err(AppError::Forbidden),
        _ if person.anonymised_at.is_some() => Err(AppError::BadRequest(
            "Personen er anonymiseret, og oplysningerne kan ikke længere ændres.".into(),
        )),
        r => Ok((person, r)),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let (p, rights) = editable(&state, &user, id).await?;
    let f = StaffForm {
        csrf: String::new(),
        name: p.name.clone(),
        email: p.email.clone(),
        job_role: p.job_role.clone(),
        organisation_id: p.organisation_id.to_string(),
        active: p.active.then(|| "ja".into()),
        left_on: p.left_on.map(format::date_short).unwrap_or_default(),
    };
    Ok(render(
        &form_page(
            &state,
            &user,
            f,
            FormErrors::default(),
            Some((id, &p.name)),
            rights,
        )
        .await?,
    )?
    .into_response())
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    DaForm(f): DaForm<StaffForm>,
) -> Result<Response, AppError> {
    let (p, rights) = editable(&state, &user, id).await?;
    check_csrf(&user, &f.csrf)?;
    let mut errors = FormErrors::default();
    if let Some(input) = parse(&f, &user, rights, Some(&p), &mut errors) {
        if user.staff_id == Some(id) && !input.active {
            errors.add("active", "Du kan ikke markere dig selv som stoppet.");
        } else {
            let mut tx = state.pool.begin().await?;
            let before = audit::snapshot(&mut *tx, audit::Table::Staff, id).await?;
            match db::staff::update(&mut tx, id, &input).await {
                Ok(()) => {
                    let after = audit::snapshot(&mut *tx, audit::Table::Staff, id).await?;
                    let action = match (p.active, input.active) {
                        (true, false) => "medarbejder stoppet",
                        (false, true) => "medarbejder genansat",
                        _ => "medarbejder ændret",
                    };
                    audit::record(
                        &mut *tx,
                        audit::Entry {
                            account_id: Some(user.account_id),
                            action,
                            entity: "staff",
                            entity_id: id.to_string(),
                            before,
                            after,
                            reason: "",
                        },
                    )
                    .await?;
                    tx.commit().await?;
                    return Ok(Redirect::to(&format!("/medarbejdere/{id}?gemt=1")).into_response());
                }
                Err(e) if unique_error(&e, &mut errors) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    let page = form_page(&state, &user, f, errors, Some((id, &p.name)), rights).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}
