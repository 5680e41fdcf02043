//! `/skoler`: the consortium's member schools and the administration. The coordinator creates,
//! edits and deactivates them (never deletes: their history stays).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{SelectOption, check_csrf, options, ticked};
use super::history;
use super::list::{PER_PAGE, Pager, Params, SortHeader, like_pattern, page_number, sort_headers};
use super::staff::StaffLine;
use super::start::MobilityLine;
use super::{DaForm, FormErrors, Id, Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit, mobilities::Scope};
use crate::domain::{OrgKind, Role, kinds::label_or_code, validate};
use crate::error::AppError;

pub struct SchoolRow {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub city: String,
    pub oid: String,
    pub staff: i64,
    pub mobilities: i64,
    pub active: bool,
    pub is_coordinator: bool,
}

#[derive(Template)]
#[template(path = "schools/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<SchoolRow>,
    show_counts: bool,
    can_edit: bool,
    q: String,
    kinds: Vec<SelectOption>,
    states: Vec<SelectOption>,
    headers: Vec<SortHeader>,
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    sorter: String,
    #[serde(default)]
    retning: String,
    #[serde(default)]
    side: Option<String>,
}

const COLUMNS: &[(&str, &str, bool)] = &[
    ("navn", "Navn", false),
    ("type", "Type", false),
    ("by", "By", false),
    ("medarbejdere", "Medarbejdere", true),
    ("mobiliteter", "Mobiliteter", true),
];

/// Every logged-in person may see which schools are in the consortium; the counts are for the
/// administration and school leaders.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let sort = COLUMNS
        .iter()
        .map(|c| c.0)
        .find(|c| *c == q.sorter)
        .unwrap_or("navn");
    let descending = q.retning == "ned";
    let kind = OrgKind::from_code(&q.kind).map(|k| k.code().to_string());
    let active = match q.status.as_str() {
        "aktive" => Some(true),
        "udtraadte" => Some(false),
        _ => None,
    };
    let page = page_number(&q.side);
    let rows = db::organisations::search(
        &state.pool,
        &db::organisations::Filter {
            search: like_pattern(&q.q),
            kind: kind.clone(),
            active,
            sort,
            descending,
            limit: PER_PAGE,
            offset: (page - 1) * PER_PAGE,
        },
    )
    .await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    let params = Params(vec![
        ("q", q.q.trim().to_string()),
        ("type", kind.clone().unwrap_or_default()),
        ("status", q.status.clone()),
    ])
    .sorted(sort, "navn", descending);
    let show_counts = user.role != Role::Medarbejder;
    let columns: Vec<_> = COLUMNS
        .iter()
        .copied()
        .filter(|c| show_counts || !c.2)
        .collect();
    let page_view = ListPage {
        layout: Layout::new("Skoler", "skoler", &user),
        headers: sort_headers("/skoler", &params, &columns, sort, descending),
        pager: Pager::new("/skoler", &params, page, total, rows.len()),
        rows: rows
            .into_iter()
            .map(|o| {
                let o = o.row;
                SchoolRow {
                    href: format!("/skoler/{}", o.org.id),
                    kind: label_or_code(&o.org.kind, OrgKind::from_code, OrgKind::label),
                    city: o.org.city,
                    oid: o.org.oid.unwrap_or_default(),
                    staff: o.staff_count,
                    mobilities: o.mobility_count,
                    active: o.org.active,
                    is_coordinator: o.org.is_coordinator,
                    name: o.org.name,
                }
            })
            .collect(),
        show_counts,
        can_edit: user.is_coordinator(),
        q: q.q.trim().to_string(),
        kinds: options(
            OrgKind::ALL.iter().map(|k| (k.code(), k.label())),
            kind.as_deref().unwrap_or(""),
            Some("Alle typer"),
        ),
        states: options(
            [("aktive", "Aktive"), ("udtraadte", "Udtrådte")],
            &q.status,
            Some("Aktive og udtrådte"),
        ),
    };
    Ok(render(&page_view)?.into_response())
}

#[derive(Template)]
#[template(path = "schools/show.html")]
struct ShowPage {
    layout: Layout,
    org: db::organisations::Organisation,
    kind: String,
    exclusion: String,
    staff: Option<Vec<StaffLine>>,
    mobilities: Vec<MobilityLine>,
    can_edit: bool,
    saved: bool,
    history: Vec<history::Entry>,
    coordinates: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    pub gemt: Option<String>,
}

const FIELDS: &[(&str, &str)] = &[
    ("name", "Navn"),
    ("kind", "Type"),
    ("oid", "OID"),
    ("address", "Adresse"),
    ("postcode", "Postnummer"),
    ("city", "By"),
    ("exclusion_pct", "Eksklusionsprocent"),
    ("contact_name", "Kontaktperson"),
    ("contact_email", "Kontaktens e-mail"),
    ("website", "Hjemmeside"),
    ("active", "Aktiv"),
];

fn code_label(field: &str, code: &str) -> Option<&'static str> {
    match field {
        "kind" => OrgKind::from_code(code).map(OrgKind::label),
        _ => None,
    }
}

pub fn percent(p: f64) -> String {
    format!("{} %", format!("{p:.1}").replace('.', ","))
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    Query(sq): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let org = db::organisations::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let may_see_staff = user.can_see_staff_of(org.id);
    let (staff, mobilities) = if may_see_staff {
        let people = db::staff::list(&state.pool, Some(org.id)).await?;
        let ms = db::mobilities::summaries(&state.pool, Scope::School(org.id), None, 50).await?;
        (Some(people.iter().map(StaffLine::from).collect()), ms)
    } else {
        (None, Vec::new())
    };
    let history = if user.is_coordinator() {
        history::entries(
            audit::history(&state.pool, "organisation", &id.to_string()).await?,
            FIELDS,
            code_label,
        )
    } else {
        Vec::new()
    };
    let page = ShowPage {
        coordinates: match (org.latitude, org.longitude) {
            (Some(lat), Some(lon)) => Some(super::partners::coordinates(lat, lon)),
            _ => None,
        },
        layout: Layout::new(&org.name, "skoler", &user),
        kind: label_or_code(&org.kind, OrgKind::from_code, OrgKind::label),
        exclusion: org.exclusion_pct.map(percent).unwrap_or_default(),
        staff,
        mobilities: mobilities.iter().map(MobilityLine::from).collect(),
        can_edit: user.is_coordinator(),
        saved: sq.gemt.is_some(),
        history,
        org,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default, Clone)]
pub struct SchoolForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    oid: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    exclusion_pct: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    active: Option<String>,
}

impl SchoolForm {
    fn from_org(o: &db::organisations::Organisation) -> SchoolForm {
        SchoolForm {
            csrf: String::new(),
            name: o.name.clone(),
            kind: o.kind.clone(),
            oid: o.oid.clone().unwrap_or_default(),
            address: o.address.clone(),
            postcode: o.postcode.clone(),
            city: o.city.clone(),
            exclusion_pct: o
                .exclusion_pct
                .map(|p| format!("{p}").replace('.', ","))
                .unwrap_or_default(),
            contact_name: o.contact_name.clone(),
            contact_email: o.contact_email.clone(),
            website: o.website.clone(),
            active: o.active.then(|| "ja".into()),
        }
    }

    fn parse(&self, errors: &mut FormErrors) -> Option<db::organisations::Input> {
        let name = errors.take(
            "name",
            validate::required(&self.name, 200, "Skriv skolens navn."),
        );
        if OrgKind::from_code(&self.kind).is_none() {
            errors.add("kind", "Vælg skolens type.");
        }
        let oid = errors.take("oid", validate::oid(&self.oid));
        let address = errors.take("address", validate::optional(&self.address, 200));
        let postcode = self.postcode.trim().to_string();
        let valid_postcode = postcode.len() == 4 && postcode.chars().all(|c| c.is_ascii_digit());
        if !postcode.is_empty() && !valid_postcode {
            errors.add("postcode", "Postnummeret skal have 4 cifre.");
        }
        let city = errors.take("city", validate::optional(&self.city, 100));
        let exclusion_pct =
            validate::decimal_in(&self.exclusion_pct, 0.0, 100.0, "Eksklusionsprocenten")
                .unwrap_or_else(|m| {
                    errors.add("exclusion_pct", m);
                    None
                });
        let contact_name = errors.take("contact_name", validate::optional(&self.contact_name, 200));
        let contact_email = errors.take(
            "contact_email",
            validate::optional_email(&self.contact_email),
        );
        let website = errors.take("website", validate::optional(&self.website, 300));
        errors.is_empty().then(|| db::organisations::Input {
            name,
            kind: self.kind.clone(),
            oid,
            address,
            postcode,
            city,
            exclusion_pct,
            contact_name,
            contact_email,
            website,
            active: ticked(&self.active),
        })
    }
}

#[derive(Template)]
#[template(path = "schools/form.html")]
struct FormPage {
    layout: Layout,
    errors: FormErrors,
    f: SchoolForm,
    kinds: Vec<SelectOption>,
    action: String,
    heading: String,
    is_new: bool,
    cancel_href: String,
}

fn form_page(
    user: &CurrentUser,
    f: SchoolForm,
    errors: FormErrors,
    existing: Option<(Uuid, &str)>,
) -> FormPage {
    let (action, heading, cancel) = match existing {
        None => (
            "/skoler/ny".to_string(),
            "Ny skole".to_string(),
            "/skoler".to_string(),
        ),
        Some((id, name)) => (
            format!("/skoler/{id}/rediger"),
            format!("Rediger {name}"),
            format!("/skoler/{id}"),
        ),
    };
    FormPage {
        layout: Layout::new(&heading, "skoler", user).with_errors(&errors),
        kinds: options(
            OrgKind::ALL.iter().map(|k| (k.code(), k.label())),
            &f.kind,
            Some("Vælg type"),
        ),
        errors,
        f,
        action,
        is_new: existing.is_none(),
        heading,
        cancel_href: cancel,
    }
}

fn unique_error(e: &sqlx::Error, errors: &mut FormErrors) -> bool {
    match db::unique_violation(e).as_deref() {
        Some("organisations_oid_key") => {
            errors.add(
                "oid",
                "Der findes allerede en skole eller forvaltning med det OID.",
            );
            true
        }
        _ => false,
    }
}

pub async fn new_form(user: CurrentUser) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let f = SchoolForm {
        active: Some("ja".into()),
        ..Default::default()
    };
    Ok(render(&form_page(&user, f, FormErrors::default(), None))?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    DaForm(f): DaForm<SchoolForm>,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &f.csrf)?;
    let mut errors = FormErrors::default();
    if let Some(input) = f.parse(&mut errors) {
        let mut tx = state.pool.begin().await?;
        match db::organisations::insert(&mut *tx, &input).await {
            Ok(id) => {
                let after = audit::snapshot(&mut *tx, audit::Table::Organisations, id).await?;
                audit::record(
                    &mut *tx,
                    audit::Entry {
                        account_id: Some(user.account_id),
                        action: "skole oprettet",
                        entity: "organisation",
                        entity_id: id.to_string(),
                        before: None,
                        after,
                        reason: "",
                    },
                )
                .await?;
                tx.commit().await?;
                return Ok(Redirect::to(&format!("/skoler/{id}?gemt=1")).into_response());
            }
            Err(e) if unique_error(&e, &mut errors) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        render(&form_page(&user, f, errors, None))?,
    )
        .into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let org = db::organisations::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(render(&form_page(
        &user,
        SchoolForm::from_org(&org),
        FormErrors::default(),
        Some((id, &org.name)),
    ))?
    .into_response())
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    DaForm(f): DaForm<SchoolForm>,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &f.csrf)?;
    let org = db::organisations::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    if let Some(input) = f.parse(&mut errors) {
        if org.is_coordinator && (input.kind != "forvaltning" || !input.active) {
            errors.add(
                "kind",
                "Forvaltningen er konsortiets koordinator og skal forblive en aktiv forvaltning.",
            );
        } else {
            let mut tx = state.pool.begin().await?;
            let before = audit::snapshot(&mut *tx, audit::Table::Organisations, id).await?;
            match db::organisations::update(&mut *tx, id, &input).await {
                Ok(()) => {
                    if input.city != org.city {
                        db::grants::recompute_school(&mut tx, id).await?;
                    }
                    let after = audit::snapshot(&mut *tx, audit::Table::Organisations, id).await?;
                    let action = match (org.active, input.active) {
                        (true, false) => "skole udtrådt",
                        (false, true) => "skole genoptaget",
                        _ => "skole ændret",
                    };
                    audit::record(
                        &mut *tx,
                        audit::Entry {
                            account_id: Some(user.account_id),
                            action,
                            entity: "organisation",
                            entity_id: id.to_string(),
                            before,
                            after,
                            reason: "",
                        },
                    )
                    .await?;
                    tx.commit().await?;
                    return Ok(Redirect::to(&format!("/skoler/{id}?gemt=1")).into_response());
                }
                Err(e) if unique_error(&e, &mut errors) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        render(&form_page(&user, f, errors, Some((id, &org.name))))?,
    )
        .into_response())
}
