//! `/partnere`: partners abroad, shared knowledge across the consortium; the coordinator keeps
//! the register. A partner's city is picked from the bundled table of European towns, which fills
//! in its coordinates; coordinates can also be typed.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{SelectOption, check_csrf, options, ticked};
use super::history;
use super::list::{PER_PAGE, Pager, Params, SortHeader, like_pattern, page_number, sort_headers};
use super::schools::SavedQuery;
use super::start::MobilityLine;
use super::{DaForm, FormErrors, Id, Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit};
use crate::domain::{PartnerKind, format, kinds::label_or_code, validate};
use crate::error::AppError;

pub struct PartnerLine {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub city: String,
    pub since: String,
    pub mobilities: i64,
    pub active: bool,
}

impl PartnerLine {
    fn from(p: &db::partners::Partner) -> PartnerLine {
        PartnerLine {
            href: format!("/partnere/{}", p.id),
            name: p.name.clone(),
            kind: label_or_code(&p.kind, PartnerKind::from_code, PartnerKind::label),
            country: p.country_name.clone(),
            city: p.city.clone(),
            since: p
                .cooperation_since
                .map(|y| y.to_string())
                .unwrap_or_default(),
            mobilities: p.mobility_count,
            active: p.active,
        }
    }
}

#[derive(Template)]
#[template(path = "partners/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<PartnerLine>,
    can_edit: bool,
    q: String,
    countries: Vec<SelectOption>,
    kinds: Vec<SelectOption>,
    states: Vec<SelectOption>,
    headers: Vec<SortHeader>,
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    land: String,
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
    ("land", "Land", false),
    ("by", "By", false),
    ("siden", "Samarbejde siden", true),
    ("mobiliteter", "Mobiliteter", true),
];

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
    let countries = db::partners::countries(&state.pool).await?;
    let country = countries
        .iter()
        .find(|(c, _)| *c == q.land)
        .map(|(c, _)| c.clone());
    let kind = PartnerKind::from_code(&q.kind).map(|k| k.code().to_string());
    let active = match q.status.as_str() {
        "aktive" => Some(true),
        "inaktive" => Some(false),
        _ => None,
    };
    let page = page_number(&q.side);
    let rows = db::partners::search(
        &state.pool,
        &db::partners::Filter {
            search: like_pattern(&q.q),
            country: country.clone(),
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
        ("land", country.clone().unwrap_or_default()),
        ("type", kind.clone().unwrap_or_default()),
        ("status", q.status.clone()),
    ])
    .sorted(sort, "navn", descending);
    let page_view = ListPage {
        layout: Layout::new("Partnere i udlandet", "partnere", &user),
        headers: sort_headers("/partnere", &params, COLUMNS, sort, descending),
        pager: Pager::new("/partnere", &params, page, total, rows.len()),
        rows: rows.iter().map(|r| PartnerLine::from(&r.partner)).collect(),
        can_edit: user.is_coordinator(),
        q: q.q.trim().to_string(),
        countries: options(
            countries.iter().map(|(c, n)| (c.as_str(), n.as_str())),
            country.as_deref().unwrap_or(""),
            Some("Alle lande"),
        ),
        kinds: options(
            PartnerKind::ALL.iter().map(|k| (k.code(), k.label())),
            kind.as_deref().unwrap_or(""),
            Some("Alle typer"),
        ),
        states: options(
            [("aktive", "Aktive"), ("inaktive", "Inaktive")],
            &q.status,
            Some("Aktive og inaktive"),
        ),
    };
    Ok(render(&page_view)?.into_response())
}

const FIELDS: &[(&str, &str)] = &[
    ("name", "Navn"),
    ("kind", "Type"),
    ("oid", "OID"),
    ("country_code", "Land"),
    ("city", "By"),
    ("latitude", "Breddegrad"),
    ("longitude", "Længdegrad"),
    ("website", "Hjemmeside"),
    ("contact_name", "Kontaktperson"),
    ("contact_email", "Kontaktens e-mail"),
    ("languages", "Arbejdssprog"),
    ("cooperation_since", "Samarbejde siden"),
    ("notes", "Noter"),
    ("active", "Aktiv"),
];

fn code_label(field: &str, code: &str) -> Option<&'static str> {
    match field {
        "kind" => PartnerKind::from_code(code).map(PartnerKind::label),
        _ => None,
    }
}

/// Coordinates the Danish way: `41,1485° N, 8,6110° V`.
pub fn coordinates(lat: f64, lon: f64) -> String {
    let ns = if lat >= 0.0 { "N" } else { "S" };
    let ew = if lon >= 0.0 { "Ø" } else { "V" };
    format!("{:.4}° {ns}, {:.4}° {ew}", lat.abs(), lon.abs()).replace('.', ",")
}

#[derive(Template)]
#[template(path = "partners/show.html")]
struct ShowPage {
    layout: Layout,
    partner: db::partners::Partner,
    line: PartnerLine,
    coordinates: String,
    mobilities: Vec<MobilityLine>,
    can_edit: bool,
    saved: bool,
    history: Vec<history::Entry>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    Query(sq): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let partner = db::partners::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Only the mobilities this person may open: the page is for every role.
    let scope = super::mobilities::scope_of(&user)?;
    let mobilities = db::mobilities::with_partner(&state.pool, partner.id, scope, 100).await?;
    let history = if user.is_coordinator() {
        history::entries(
            audit::history(&state.pool, "partner", &id.to_string()).await?,
            FIELDS,
            code_label,
        )
    } else {
        Vec::new()
    };
    let page = ShowPage {
        layout: Layout::new(&partner.name, "partnere", &user),
        line: PartnerLine::from(&partner),
        coordinates: match (partner.latitude, partner.longitude) {
            (Some(lat), Some(lon)) => coordinates(lat, lon),
            _ => String::new(),
        },
        mobilities: mobilities.iter().map(MobilityLine::from).collect(),
        can_edit: user.is_coordinator(),
        saved: sq.gemt.is_some(),
        history,
        partner,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default, Clone)]
pub struct PartnerForm {
    #[serde(default)]
    csrf: String,
    /// `find` looks up the city; anything else saves.
    #[serde(default)]
    handling: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    oid: String,
    #[serde(default)]
    country_code: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    place_id: String,
    #[serde(default)]
    latitude: String,
    #[serde(default)]
    longitude: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    languages: String,
    #[serde(default)]
    cooperation_since: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    active: Option<String>,
}

fn decimal_text(v: Option<f64>) -> String {
    v.map(|v| format!("{v}").replace('.', ","))
        .unwrap_or_default()
}

impl PartnerForm {
    fn from_partner(p: &db::partners::Partner) -> PartnerForm {
        PartnerForm {
            name: p.name.clone(),
            kind: p.kind.clone(),
            oid: p.oid.clone().unwrap_or_default(),
            country_code: p.country_code.clone(),
            city: p.city.clone(),
            place_id: p.place_id.map(|i| i.to_string()).unwrap_or_default(),
            latitude: decimal_text(p.latitude),
            longitude: decimal_text(p.longitude),
            website: p.website.clone(),
            contact_name: p.contact_name.clone(),
            contact_email: p.contact_email.clone(),
            languages: p.languages.clone(),
            cooperation_since: p
                .cooperation_since
                .map(|y| y.to_string())
                .unwrap_or_default(),
            notes: p.notes.clone(),
            active: p.active.then(|| "ja".into()),
            ..Default::default()
        }
    }
}

pub struct PlaceChoice {
    pub id: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "partners/form.html")]
struct FormPage {
    layout: Layout,
    errors: FormErrors,
    f: PartnerForm,
    kinds: Vec<SelectOption>,
    countries: Vec<SelectOption>,
    places: Vec<PlaceChoice>,
    place_note: String,
    heading: String,
    action: String,
    cancel_href: String,
    is_new: bool,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    f: PartnerForm,
    errors: FormErrors,
    existing: Option<(Uuid, &str)>,
    places: Vec<PlaceChoice>,
    place_note: String,
) -> Result<FormPage, AppError> {
    let countries = db::partners::countries(&state.pool).await?;
    let (heading, action, cancel) = match existing {
        None => (
            "Ny partner".to_string(),
            "/partnere/ny".to_string(),
            "/partnere".to_string(),
        ),
        Some((id, name)) => (
            format!("Rediger {name}"),
            format!("/partnere/{id}/rediger"),
            format!("/partnere/{id}"),
        ),
    };
    Ok(FormPage {
        layout: Layout::new(&heading, "partnere", user).with_errors(&errors),
        kinds: options(
            PartnerKind::ALL.iter().map(|k| (k.code(), k.label())),
            &f.kind,
            Some("Vælg type"),
        ),
        countries: options(
            countries.iter().map(|(c, n)| (c.as_str(), n.as_str())),
            &f.country_code,
            Some("Vælg land"),
        ),
        errors,
        f,
        places,
        place_note,
        heading,
        action,
        cancel_href: cancel,
        is_new: existing.is_none(),
    })
}

/// The towns that match the typed city in the chosen country, for the person to pick from.
async fn find_places(
    state: &AppState,
    f: &PartnerForm,
    errors: &mut FormErrors,
) -> Result<(Vec<PlaceChoice>, String), AppError> {
    if f.country_code.trim().is_empty() {
        errors.add("country_code", "Vælg land, før du søger efter byen.");
        return Ok((Vec::new(), String::new()));
    }
    if f.city.trim().is_empty() {
        errors.add("city", "Skriv begyndelsen af byens navn, fx Por.");
        return Ok((Vec::new(), String::new()));
    }
    let found = db::places::search(&state.pool, f.country_code.trim(), &f.city, 12).await?;
    let note = if found.is_empty() {
        format!(
            "Ingen byer i stedtabellen begynder med «{}». Skriv byen og koordinaterne selv.",
            f.city.trim()
        )
    } else {
        format!("{} byer fundet. Vælg den rigtige, og gem.", found.len())
    };
    let first_exact = found
        .first()
        .is_some_and(|p| p.name.to_lowercase() == f.city.trim().to_lowercase());
    let choices = found
        .iter()
        .enumerate()
        .map(|(i, p)| PlaceChoice {
            id: p.geonameid.to_string(),
            label: format!(
                "{} ({} indbyggere; {})",
                p.name,
                format::thousands(p.population as i64),
                coordinates(p.latitude, p.longitude)
            ),
            checked: i == 0 && first_exact,
        })
        .collect();
    Ok((choices, note))
}

async fn parse(
    state: &AppState,
    f: &PartnerForm,
    errors: &mut FormErrors,
) -> Result<Option<db::partners::Input>, AppError> {
    let name = errors.take(
        "name",
        validate::required(&f.name, 300, "Skriv partnerens navn."),
    );
    let website = errors.take("website", validate::optional(&f.website, 300));
    let contact_name = errors.take("contact_name", validate::optional(&f.contact_name, 200));
    let languages = errors.take("languages", validate::optional(&f.languages, 200));
    let notes = errors.take("notes", validate::optional(&f.notes, 5000));
    let mut city = errors.take("city", validate::optional(&f.city, 150));
    if PartnerKind::from_code(&f.kind).is_none() {
        errors.add("kind", "Vælg partnerens type.");
    }
    let oid = errors.take("oid", validate::oid(&f.oid));
    let contact_email = errors.take("contact_email", validate::optional_email(&f.contact_email));
    let country = f.country_code.trim().to_uppercase();
    if !db::partners::countries(&state.pool)
        .await?
        .iter()
        .any(|(c, _)| *c == country)
    {
        errors.add("country_code", "Vælg et land fra listen.");
    }
    let since = match f.cooperation_since.trim() {
        "" => None,
        s => match s.parse::<i16>() {
            Ok(y) if (1987..=2100).contains(&y) => Some(y),
            _ => {
                errors.add("cooperation_since", "Skriv året med 4 cifre, fx 2021.");
                None
            }
        },
    };
    let mut latitude = errors.take(
        "latitude",
        validate::decimal_in_dot(
            &f.latitude,
            -90.0,
            90.0,
            "Breddegraden",
            validate::Dot::Decimal,
        ),
    );
    let mut longitude = errors.take(
        "longitude",
        validate::decimal_in_dot(
            &f.longitude,
            -180.0,
            180.0,
            "Længdegraden",
            validate::Dot::Decimal,
        ),
    );
    if latitude.is_some() != longitude.is_some()
        && errors.get("latitude").is_none()
        && errors.get("longitude").is_none()
    {
        errors.add(
            if latitude.is_none() {
                "latitude"
            } else {
                "longitude"
            },
            "Skriv både bredde- og længdegrad, eller ingen af dem.",
        );
    }
    // A town picked from the list gives the city's name and coordinates.
    let mut place_id = None;
    if let Ok(id) = f.place_id.parse::<i32>() {
        match db::places::get(&state.pool, id).await? {
            Some(p) if p.country_code == country => {
                city = p.name;
                latitude = Some(p.latitude);
                longitude = Some(p.longitude);
                place_id = Some(p.geonameid);
            }
            _ => errors.add(
                "city",
                "Den valgte by ligger ikke i det valgte land. Søg byen igen.",
            ),
        }
    } else if latitude.is_none() && !city.is_empty() && errors.get("country_code").is_none() {
        // A typed name that matches a town exactly fills in the coordinates too.
        if let Some(p) = db::places::search(&state.pool, &country, &city, 1)
            .await?
            .into_iter()
            .next()
            && p.name.to_lowercase() == city.to_lowercase()
        {
            city = p.name;
            latitude = Some(p.latitude);
            longitude = Some(p.longitude);
            place_id = Some(p.geonameid);
        }
    }
    Ok(errors.is_empty().then(|| db::partners::Input {
        name,
        kind: f.kind.clone(),
        oid,
        country_code: country,
        city,
        place_id,
        latitude,
        longitude,
        website,
        contact_name,
        contact_email,
        languages,
        cooperation_since: since,
        notes,
        active: ticked(&f.active),
    }))
}

fn unique_error(e: &sqlx::Error, errors: &mut FormErrors) -> bool {
    if db::unique_violation(e).as_deref() == Some("partners_oid_key") {
        errors.add("oid", "Der findes allerede en partner med det OID.");
        true
    } else {
        false
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let f = PartnerForm {
        active: Some("ja".into()),
        ..Default::default()
    };
    Ok(render(
        &form_page(
            &state,
            &user,
            f,
            FormErrors::default(),
            None,
            Vec::new(),
            String::new(),
        )
        .await?,
    )?
    .into_response())
}

async fn save(
    state: AppState,
    user: CurrentUser,
    existing: Option<db::partners::Partner>,
    f: PartnerForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &f.csrf)?;
    let label = existing.as_ref().map(|p| (p.id, p.name.as_str()));
    let mut errors = FormErrors::default();
    if f.handling == "find" {
        let (places, note) = find_places(&state, &f, &mut errors).await?;
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let page = form_page(&state, &user, f, errors, label, places, note).await?;
        return Ok((status, render(&page)?).into_response());
    }
    if let Some(input) = parse(&state, &f, &mut errors).await? {
        let mut tx = state.pool.begin().await?;
        let before = match &existing {
            Some(p) => audit::snapshot(&mut *tx, audit::Table::Partners, p.id).await?,
            None => None,
        };
        let saved = match &existing {
            Some(p) => db::partners::update(&mut *tx, p.id, &input)
                .await
                .map(|_| p.id),
            None => db::partners::insert(&mut *tx, &input).await,
        };
        match saved {
            Ok(id) => {
                let after = audit::snapshot(&mut *tx, audit::Table::Partners, id).await?;
                let action = match &existing {
                    None => "partner oprettet",
                    Some(p) if p.active && !input.active => "partner gjort inaktiv",
                    Some(_) => "partner ændret",
                };
                audit::record(
                    &mut *tx,
                    audit::Entry {
                        account_id: Some(user.account_id),
                        action,
                        entity: "partner",
                        entity_id: id.to_string(),
                        before,
                        after,
                        reason: "",
                    },
                )
                .await?;
                tx.commit().await?;
                return Ok(Redirect::to(&format!("/partnere/{id}?gemt=1")).into_response());
            }
            Err(e) if unique_error(&e, &mut errors) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let page = form_page(&state, &user, f, errors, label, Vec::new(), String::new()).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    DaForm(f): DaForm<PartnerForm>,
) -> Result<Response, AppError> {
    save(state, user, None, f).await
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let p = db::partners::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = form_page(
        &state,
        &user,
        PartnerForm::from_partner(&p),
        FormErrors::default(),
        Some((id, &p.name)),
        Vec::new(),
        String::new(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    DaForm(f): DaForm<PartnerForm>,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let p = db::partners::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    save(state, user, Some(p), f).await
}
