//! Everything Udsyn holds about a person (GDPR art. 15 and 20): `/medarbejdere/{id}/persondata`
//! for the coordinator (and the person), `/mine-data` for everyone about themselves, each also as a
//! JSON file. Viewing and downloading it is itself in the access log.
//!
//! The data comes as one JSON document from `db::personal_data`; the file is that document, and the
//! page shows it section by section with the columns below, so the two never drift apart.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::{Id, Layout, download, render};
use crate::access_log::Kind;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::personal_data::{self, Ask};
use crate::domain::learning::{self, CHANGED, PHASES};
use crate::domain::{JobRole, MobilityStatus, Role, format, grant};
use crate::error::AppError;

/// Rows per section at most; a person has a few hundred of a kind at the very most.
pub const LIMIT: usize = 500;

/// How a value is shown on the page.
#[derive(Clone, Copy)]
enum Show {
    Text,
    Date,
    Time,
    YesNo,
    Euro,
    List,
    Label(fn(&str) -> &str),
}

type Columns = &'static [(&'static str, &'static str, Show)];

fn job_role(c: &str) -> &str {
    JobRole::from_code(c).map(JobRole::label).unwrap_or(c)
}
fn role(c: &str) -> &str {
    Role::from_code(c).map(Role::label).unwrap_or(c)
}
fn status(c: &str) -> &str {
    MobilityStatus::from_code(c)
        .map(MobilityStatus::label)
        .unwrap_or(c)
}
fn participant(c: &str) -> &str {
    if c == "ledsager" {
        "Ledsager"
    } else {
        "Deltager"
    }
}
fn report_status(c: &str) -> &str {
    if c == "indsendt" {
        "Indsendt"
    } else {
        "Kladde"
    }
}
fn changed(c: &str) -> &str {
    learning::label(&CHANGED, c)
}
fn phase(c: &str) -> &str {
    learning::label(&PHASES, c)
}
fn reminder(c: &str) -> &str {
    if c == "rapport" {
        "Rapport"
    } else {
        "Opfølgning"
    }
}
fn access_kind(c: &str) -> &str {
    Kind::label_of(c)
}

const PERSON: Columns = &[
    ("name", "Navn", Show::Text),
    ("email", "E-mail", Show::Text),
    ("job_role", "Stilling", Show::Label(job_role)),
    ("school", "Skole", Show::Text),
    ("active", "Aktiv", Show::YesNo),
    ("left_on", "Fratrådt", Show::Date),
    ("created_at", "Registreret", Show::Time),
    ("updated_at", "Senest ændret", Show::Time),
];

const ACCOUNT: Columns = &[
    ("email", "Login (e-mail)", Show::Text),
    ("role", "Rolle", Show::Label(role)),
    ("active", "Aktiv", Show::YesNo),
    (
        "special_categories",
        "Ret til særlige kategorier",
        Show::YesNo,
    ),
    ("has_password", "Har valgt adgangskode", Show::YesNo),
    ("invitation_open", "Invitation venter", Show::YesNo),
    ("last_login_at", "Senest logget ind", Show::Time),
    ("created_at", "Oprettet", Show::Time),
];

/// The sections shown as tables: (key in the document, heading, text when empty, columns).
const TABLES: &[(&str, &str, &str, Columns)] = &[
    (
        "mobilities",
        "Mobiliteter",
        "Ingen mobiliteter.",
        &[
            ("activity", "Aktivitet", Show::Text),
            ("partner", "Vært", Show::Text),
            ("city", "By", Show::Text),
            ("country", "Land", Show::Text),
            ("start_date", "Fra", Show::Date),
            ("end_date", "Til", Show::Date),
            ("status", "Status", Show::Label(status)),
            ("role", "Som", Show::Label(participant)),
            ("interrupted_days", "Afbrudte dage", Show::Text),
            ("fewer_opportunities", "Færre muligheder", Show::YesNo),
            (
                "inclusion_approved",
                "Inklusionsstøtte godkendt",
                Show::YesNo,
            ),
            (
                "inclusion_justification",
                "Begrundelse for inklusionsstøtte",
                Show::Text,
            ),
            ("grant_cents", "Tilskud", Show::Euro),
            ("bm_id", "Mobility activity ID", Show::Text),
        ],
    ),
    (
        "reports",
        "Rapporter",
        "Ingen rapporter.",
        &[
            ("partner", "Vært", Show::Text),
            ("status", "Status", Show::Label(report_status)),
            ("saw", "Det så jeg", Show::Text),
            ("surprise", "Det overraskede mig", Show::Text),
            ("aha", "Aha-oplevelser", Show::Text),
            ("change_plan", "Det vil jeg ændre", Show::Text),
            ("change_by", "Senest", Show::Date),
            ("goal_numbers", "Mål", Show::List),
            ("sharing", "Deling", Show::List),
            ("submitted_at", "Indsendt", Show::Time),
            ("written_by", "Skrevet af", Show::Text),
        ],
    ),
    (
        "follow_ups",
        "Opfølgninger",
        "Ingen opfølgninger.",
        &[
            ("changed", "Har ændret praksis", Show::Label(changed)),
            ("what", "Hvad", Show::Text),
            ("evidence", "Det viser det", Show::Text),
            ("others", "Andre, der bruger det", Show::Text),
            ("answered_at", "Besvaret", Show::Time),
        ],
    ),
    (
        "reflections",
        "Refleksioner",
        "Ingen refleksioner.",
        &[
            ("title", "Titel", Show::Text),
            ("body", "Tekst", Show::Text),
            ("phase", "Hvornår", Show::Label(phase)),
            ("private", "Privat", Show::YesNo),
            ("featured", "Fremhævet", Show::YesNo),
            ("created_at", "Skrevet", Show::Time),
        ],
    ),
    (
        "measurements",
        "Målinger, personen har indtastet",
        "Ingen målinger.",
        &[
            ("goal", "Mål", Show::Text),
            ("indicator", "Indikator", Show::Text),
            ("school", "Skole", Show::Text),
            ("period", "Skoleår", Show::Text),
            ("value", "Værdi", Show::Text),
            ("level", "Niveau", Show::Text),
            ("note", "Note", Show::Text),
            ("entered_at", "Indtastet", Show::Time),
        ],
    ),
    (
        "reminders",
        "Påmindelser sendt til personen",
        "Ingen påmindelser.",
        &[
            ("kind", "Om", Show::Label(reminder)),
            ("to_email", "Til", Show::Text),
            ("subject", "Emne", Show::Text),
            ("via", "Sendt via", Show::Text),
            ("sent_at", "Sendt", Show::Time),
        ],
    ),
    (
        "network_meetings",
        "Netværksmøder, personen er inviteret til",
        "Ingen netværksmøder.",
        &[
            ("title", "Møde", Show::Text),
            ("held_on", "Dato", Show::Date),
            ("place", "Sted", Show::Text),
        ],
    ),
    (
        "network_actions",
        "Handlinger, personen er ansvarlig for",
        "Ingen handlinger.",
        &[
            ("meeting", "Møde", Show::Text),
            ("text", "Handling", Show::Text),
            ("due_on", "Frist", Show::Date),
            ("closed_at", "Lukket", Show::Time),
        ],
    ),
    (
        "sessions",
        "Login-sessioner",
        "Ingen sessioner.",
        &[
            ("created_at", "Logget ind", Show::Time),
            ("last_seen_at", "Senest brugt", Show::Time),
            ("user_agent", "Browser", Show::Text),
        ],
    ),
    (
        "calendar_feeds",
        "Kalenderfeeds",
        "Ingen kalenderfeeds.",
        &[
            ("created_at", "Oprettet", Show::Time),
            ("revoked_at", "Tilbagekaldt", Show::Time),
            ("whole_consortium", "Hele konsortiet", Show::YesNo),
        ],
    ),
    (
        "audit_log",
        "Historik: ændringer af og ved personen",
        "Ingen ændringer registreret.",
        &[
            ("at", "Tidspunkt", Show::Time),
            ("who", "Hvem", Show::Text),
            ("action", "Hvad", Show::Text),
            ("entity", "Slags", Show::Text),
            ("about_them", "Om personen", Show::YesNo),
        ],
    ),
    (
        "access_log",
        "Hvem har set oplysningerne",
        "Ingen har set oplysningerne endnu.",
        &[
            ("at", "Tidspunkt", Show::Time),
            ("who", "Hvem", Show::Text),
            ("kind", "Hvad", Show::Label(access_kind)),
            ("route", "Side", Show::Text),
            ("people", "Personer i alt", Show::Text),
        ],
    ),
];

fn shown(v: &Value, how: Show) -> String {
    match (v, how) {
        (Value::Null, _) => String::new(),
        (Value::Bool(b), _) => if *b { "Ja" } else { "Nej" }.into(),
        (Value::String(s), Show::Date) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(format::date_long)
            .unwrap_or_else(|_| s.clone()),
        (Value::String(s), Show::Time) => DateTime::parse_from_rfc3339(s)
            .map(|t| format::timestamp(t.with_timezone(&Utc)))
            .unwrap_or_else(|_| s.clone()),
        (Value::String(s), Show::Label(f)) => f(s).to_string(),
        (Value::String(s), _) => s.clone(),
        (Value::Number(n), Show::Euro) => n.as_i64().map(grant::euro).unwrap_or_default(),
        (Value::Number(n), _) => n.to_string().replace('.', ","),
        (Value::Array(items), _) => items
            .iter()
            .map(|i| shown(i, Show::Text))
            .collect::<Vec<_>>()
            .join(", "),
        (other, _) => other.to_string(),
    }
}

pub struct Table {
    pub id: &'static str,
    pub title: &'static str,
    pub empty: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    pub truncated: bool,
}

/// A section as a table, leaving out columns the document does not carry (the
/// fewer-opportunities flag for one who may not see it).
fn table(
    doc: &Value,
    key: &'static str,
    title: &'static str,
    empty: &'static str,
    columns: Columns,
    truncated: &[&str],
) -> Table {
    let items = doc[key].as_array().cloned().unwrap_or_default();
    let kept: Vec<_> = columns
        .iter()
        .filter(|(k, _, _)| items.iter().any(|i| i.get(k).is_some_and(|v| !v.is_null())))
        .collect();
    Table {
        id: key,
        title,
        empty,
        headers: kept.iter().map(|c| c.1).collect(),
        rows: items
            .iter()
            .map(|i| kept.iter().map(|(k, _, how)| shown(&i[*k], *how)).collect())
            .collect(),
        truncated: truncated.contains(&key),
    }
}

fn facts(obj: &Value, columns: Columns) -> Vec<(&'static str, String)> {
    if obj.is_null() {
        return Vec::new();
    }
    columns
        .iter()
        .map(|(k, label, how)| (*label, shown(&obj[*k], *how)))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// The document and which sections were cut at `LIMIT`.
struct Data {
    doc: Value,
    truncated: Vec<&'static str>,
}

async fn load(state: &AppState, user: &CurrentUser, ask: Ask) -> Result<Data, AppError> {
    // The access-log section shows every view recorded before this one.
    state.access_log.flush().await;
    let staff = ask.staff_id;
    let mut doc = personal_data::read(&state.pool, &ask)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut truncated = Vec::new();
    for (key, ..) in TABLES {
        if let Some(items) = doc[*key].as_array_mut()
            && items.len() > LIMIT
        {
            items.truncate(LIMIT);
            truncated.push(*key);
        }
    }
    state
        .access_log
        .record(user, Kind::PersonalData, staff)
        .await;
    Ok(Data { doc, truncated })
}

/// What the one asking may see of person `id`: the coordinator anyone's, everyone their own.
fn ask_about(user: &CurrentUser, id: Uuid) -> Result<Ask, AppError> {
    let own = user.staff_id == Some(id);
    if !own && !user.is_coordinator() {
        return Err(AppError::Forbidden);
    }
    Ok(Ask {
        staff_id: Some(id),
        account_id: own.then_some(user.account_id),
        private_reflections: own,
        special_categories: own || user.special_categories,
        limit: LIMIT as i64 + 1,
    })
}

fn own(user: &CurrentUser) -> Ask {
    Ask {
        staff_id: user.staff_id,
        account_id: Some(user.account_id),
        private_reflections: true,
        special_categories: true,
        limit: LIMIT as i64 + 1,
    }
}

#[derive(Template)]
#[template(path = "personal_data/page.html")]
struct Page {
    layout: Layout,
    heading: String,
    name: String,
    own: bool,
    json_href: String,
    person: Vec<(&'static str, String)>,
    account: Vec<(&'static str, String)>,
    tables: Vec<Table>,
    private_not_shown: i64,
    /// The flag is left out: a coordinator without the right to special categories.
    flag_left_out: bool,
    limit: usize,
}

fn page_of(user: &CurrentUser, data: Data, own: bool, json_href: String) -> Page {
    let doc = &data.doc;
    let name = doc["person"]["name"]
        .as_str()
        .or(doc["account"]["email"].as_str())
        .unwrap_or("")
        .to_string();
    let heading = if own {
        "Mine data".to_string()
    } else {
        format!("Persondata: {name}")
    };
    Page {
        layout: Layout::new(&heading, if own { "forside" } else { "medarbejdere" }, user),
        heading,
        own,
        json_href,
        person: facts(&doc["person"], PERSON),
        account: facts(&doc["account"], ACCOUNT),
        tables: TABLES
            .iter()
            .map(|(key, title, empty, cols)| table(doc, key, title, empty, cols, &data.truncated))
            .collect(),
        private_not_shown: doc["private_reflections_not_shown"].as_i64().unwrap_or(0),
        flag_left_out: !own && !user.special_categories,
        limit: LIMIT,
        name,
    }
}

fn file(data: Data) -> Result<Response, AppError> {
    let mut doc = data.doc;
    doc["generated_at"] = Value::String(Utc::now().to_rfc3339());
    doc["limit_per_section"] = LIMIT.into();
    doc["truncated_sections"] = data.truncated.into();
    doc["about"] =
        "Alt, Udsyn har registreret om personen (databeskyttelsesforordningen art. 15 og 20). \
        Aldrig med: adgangskoder, invitations-, sessions- og kalendernøgler."
            .into();
    let body = serde_json::to_string_pretty(&doc).map_err(|e| AppError::Internal(e.into()))?;
    let date = chrono::Local::now().date_naive().format("%Y-%m-%d");
    Ok(download::json(&format!("persondata-{date}.json"), body))
}

pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let ask = ask_about(&user, id)?;
    let own = ask.private_reflections;
    let data = load(&state, &user, ask).await?;
    let href = format!("/medarbejdere/{id}/persondata.json");
    Ok(render(&page_of(&user, data, own, href))?.into_response())
}

pub async fn json(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let ask = ask_about(&user, id)?;
    file(load(&state, &user, ask).await?)
}

pub async fn mine(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let data = load(&state, &user, own(&user)).await?;
    Ok(render(&page_of(&user, data, true, "/mine-data.json".into()))?.into_response())
}

pub async fn mine_json(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    file(load(&state, &user, own(&user)).await?)
}
