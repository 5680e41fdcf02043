//! `/satser`: the unit costs of each call year (`call_rates`) that the grants are computed from.
//! The coordinator and the school leaders read them, each figure with its source and, until
//! someone has checked it against Annex 3 of the grant agreement, marked "skal verificeres mod
//! bilag 3". The coordinator edits a year (`edit`), copies it to the next year, and exports and
//! imports it as a JSON file (`import`).

mod edit;
mod form;
mod import;

pub use edit::{edit_form, update};
pub use import::{import, import_form};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::forms::check_csrf;
use super::{DaForm, Layout, history, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::grant::{Figure, Rates, band_label, euro, percent};
use crate::domain::{Role, format, rates_file};
use crate::error::AppError;

/// The figures concern money: the coordinator and the school leaders, not the staff.
fn may_read(user: &CurrentUser) -> Result<(), AppError> {
    match user.role {
        Role::Koordinator | Role::Skoleleder => Ok(()),
        Role::Medarbejder => Err(AppError::Forbidden),
    }
}

/// A call year from the path; anything else names no page.
fn year_of(s: &str) -> Result<i16, AppError> {
    s.parse::<i16>()
        .ok()
        .filter(|y| rates_file::YEARS.contains(y))
        .ok_or(AppError::NotFound)
}

/// The Danish names of countries and activity types, from their tables.
pub(crate) struct Names {
    countries: Vec<(String, String)>,
    activities: Vec<(String, String)>,
}

impl Names {
    async fn load(state: &AppState) -> Result<Names, AppError> {
        Ok(Names {
            countries: db::rates::country_names(&state.pool).await?,
            activities: db::rates::activity_names(&state.pool).await?,
        })
    }

    fn country(&self, code: &str) -> Option<&str> {
        self.countries
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, n)| n.as_str())
    }

    fn activity(&self, code: &str) -> Option<&str> {
        self.activities
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, n)| n.as_str())
    }

    /// The rates' country codes in the order of their Danish names; codes the countries table
    /// does not know come last, by code.
    fn country_order<'a>(&self, codes: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
        let mut codes: Vec<&String> = codes.collect();
        let pos = |c: &str| {
            self.countries
                .iter()
                .position(|(k, _)| k == c)
                .unwrap_or(usize::MAX)
        };
        codes.sort_by(|a, b| pos(a).cmp(&pos(b)).then(a.cmp(b)));
        codes
    }

    /// Activity type codes in the form's order: those the table knows, then the others by code.
    fn activity_order<'a>(&self, codes: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
        let mut codes: Vec<&String> = codes.collect();
        let pos = |c: &str| {
            self.activities
                .iter()
                .position(|(k, _)| k == c)
                .unwrap_or(usize::MAX)
        };
        codes.sort_by(|a, b| pos(a).cmp(&pos(b)).then(a.cmp(b)));
        codes
    }
}

// ---------------------------------------------------------------------------------------------
// The figures as tables

/// One figure as the tables show it.
pub struct Cell {
    pub value: String,
    pub source: String,
    pub verified: bool,
}

impl Cell {
    fn of<T>(f: &Figure<T>, show: impl Fn(&T) -> String) -> Cell {
        Cell {
            value: show(&f.value),
            source: f.source.clone(),
            verified: f.verified,
        }
    }
}

pub struct BandRow {
    pub range: String,
    pub standard: Cell,
    pub green: Cell,
}

pub struct CountryRow {
    pub name: String,
    pub code: String,
    pub group: Cell,
}

pub struct LabelledRow {
    pub label: String,
    pub cell: Cell,
}

/// Every figure of a call year, as the year's page and the import's preview show them.
pub struct Tables {
    pub bands: Vec<BandRow>,
    pub countries: Vec<CountryRow>,
    pub groups: Vec<LabelledRow>,
    pub full_rate_days: i32,
    pub day_rule: Vec<LabelledRow>,
    pub organisational: Vec<LabelledRow>,
    pub others: Vec<LabelledRow>,
    pub total: usize,
    pub unverified: usize,
}

fn days(n: &i32) -> String {
    if *n == 1 {
        "1 dag".into()
    } else {
        format!("{n} dage")
    }
}

fn persons(n: &i32) -> String {
    if *n == 1 {
        "1 person".into()
    } else {
        format!("{n} personer")
    }
}

fn row(label: impl Into<String>, cell: Cell) -> LabelledRow {
    LabelledRow {
        label: label.into(),
        cell,
    }
}

pub(crate) fn tables(r: &Rates, names: &Names) -> Tables {
    let cents = |c: &i64| euro(*c);
    let share = |bp: &i32| percent(*bp);
    let mut bands: Vec<&crate::domain::grant::Band> = r.bands.iter().collect();
    bands.sort_by_key(|b| b.min_km);
    let mut groups: Vec<&crate::domain::grant::GroupRate> = r.individual_support.iter().collect();
    groups.sort_by_key(|g| g.group);
    let from_day = r.full_rate_days.value + 1;
    let (total, unverified) = rates_file::count_figures(r);
    Tables {
        bands: bands
            .into_iter()
            .map(|b| BandRow {
                range: band_label(b),
                standard: Cell::of(&b.standard_cents, cents),
                green: Cell::of(&b.green_cents, cents),
            })
            .collect(),
        countries: names
            .country_order(r.countries.keys())
            .into_iter()
            .map(|code| CountryRow {
                name: names.country(code).unwrap_or(code).to_string(),
                code: code.clone(),
                group: Cell::of(&r.countries[code], |g| format!("Gruppe {g}")),
            })
            .collect(),
        groups: groups
            .into_iter()
            .map(|g| {
                row(
                    format!("Gruppe {}", g.group),
                    Cell::of(&g.per_day_cents, cents),
                )
            })
            .collect(),
        full_rate_days: r.full_rate_days.value,
        day_rule: vec![
            row("Dage med fuld dagssats", Cell::of(&r.full_rate_days, days)),
            row(
                format!("Andel af dagssatsen fra dag {from_day}"),
                Cell::of(&r.reduced_share_bp, share),
            ),
        ],
        organisational: names
            .activity_order(r.organisational_support.keys())
            .into_iter()
            .map(|code| {
                row(
                    names.activity(code).unwrap_or(code),
                    Cell::of(&r.organisational_support[code], cents),
                )
            })
            .collect(),
        others: vec![
            row(
                "Kursusafgift pr. deltager pr. dag",
                Cell::of(&r.course_fee_per_day_cents, cents),
            ),
            row(
                "Kursusafgift: højeste antal dage pr. deltager i projektet",
                Cell::of(&r.course_fee_max_days, days),
            ),
            row(
                "Forberedende besøg: enhedsbeløb pr. person",
                Cell::of(&r.prep_visit_per_person_cents, cents),
            ),
            row(
                "Forberedende besøg: højeste antal personer",
                Cell::of(&r.prep_visit_max_persons, persons),
            ),
            row(
                "Inklusionsstøtte til organisationen pr. deltager med færre muligheder",
                Cell::of(&r.inclusion_org_per_participant_cents, cents),
            ),
            row(
                "Ekstraordinære omkostninger: andel af den faktiske udgift",
                Cell::of(&r.exceptional_share_bp, share),
            ),
            row(
                "Dyr rejse: når rejsetilskuddet dækker under denne andel af den faktiske udgift",
                Cell::of(&r.expensive_threshold_bp, share),
            ),
            row(
                "Dyr rejse: andel af den faktiske udgift, der betales i stedet",
                Cell::of(&r.expensive_paid_bp, share),
            ),
            row(
                "Højeste antal rejsedage med tilskud",
                Cell::of(&r.max_travel_days_standard, days),
            ),
            row(
                "Højeste antal rejsedage med tilskud ved grøn rejse",
                Cell::of(&r.max_travel_days_green, days),
            ),
        ],
        total,
        unverified,
    }
}

// ---------------------------------------------------------------------------------------------
// The history: which figures each save changed

/// Every figure as one line of text, keyed, for comparing two versions of a year's rates.
fn flatten(r: &Rates, names: &Names) -> Vec<(String, String, String)> {
    let t = tables(r, names);
    let text = |c: &Cell| {
        format!(
            "{} ({}{}{})",
            c.value,
            if c.verified {
                "kontrolleret"
            } else {
                "ikke kontrolleret"
            },
            if c.source.is_empty() { "" } else { "; kilde: " },
            c.source
        )
    };
    let mut out = Vec::new();
    for b in &t.bands {
        out.push((
            format!("band {} standard", b.range),
            format!("Rejsetilskud {}, standard", b.range),
            text(&b.standard),
        ));
        out.push((
            format!("band {} grøn", b.range),
            format!("Rejsetilskud {}, grøn rejse", b.range),
            text(&b.green),
        ));
    }
    for c in &t.countries {
        out.push((
            format!("land {}", c.code),
            format!("Landegruppe for {} ({})", c.name, c.code),
            text(&c.group),
        ));
    }
    for (prefix, rows) in [
        ("Individuel støtte pr. dag, ", &t.groups),
        ("", &t.day_rule),
        ("Organisatorisk støtte, ", &t.organisational),
        ("", &t.others),
    ] {
        for r in rows {
            let label = format!("{prefix}{}", r.label);
            out.push((label.clone(), label, text(&r.cell)));
        }
    }
    out
}

/// At most this many changed figures are listed for one save.
const CHANGES_SHOWN: usize = 40;

fn changes(
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
    names: &Names,
) -> Vec<history::Change> {
    let read = |v: Option<&serde_json::Value>| {
        v.and_then(|v| serde_json::from_value::<Rates>(v.clone()).ok())
    };
    // A new year (a copy, a first import) is all new: the entry says so, without 70 lines.
    let (Some(before), Some(after)) = (read(before), read(after)) else {
        return Vec::new();
    };
    let (b, a) = (flatten(&before, names), flatten(&after, names));
    let mut out: Vec<history::Change> = Vec::new();
    for (key, label, new) in &a {
        let old = b.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v);
        if old != Some(new) {
            out.push(history::Change {
                field: label.clone(),
                before: old.cloned().unwrap_or_else(|| "–".into()),
                after: new.clone(),
            });
        }
    }
    for (key, label, old) in &b {
        if !a.iter().any(|(k, _, _)| k == key) {
            out.push(history::Change {
                field: label.clone(),
                before: old.clone(),
                after: "fjernet".into(),
            });
        }
    }
    if out.len() > CHANGES_SHOWN {
        let more = out.len() - CHANGES_SHOWN;
        out.truncate(CHANGES_SHOWN);
        out.push(history::Change {
            field: "Og flere".into(),
            before: String::new(),
            after: format!("{more} andre satser er også ændret"),
        });
    }
    out
}

async fn history_of(
    state: &AppState,
    year: i16,
    names: &Names,
) -> Result<Vec<history::Entry>, AppError> {
    let rows = db::audit::history(&state.pool, db::rates::ENTITY, &year.to_string()).await?;
    Ok(rows
        .into_iter()
        .map(|r| history::Entry {
            at: format::timestamp(r.at),
            who: r.who.clone().unwrap_or_else(|| "Udsyn".into()),
            changes: changes(r.before.as_ref(), r.after.as_ref(), names),
            action: r.action,
            reason: r.reason,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Pages

pub struct YearRow {
    pub year: i16,
    pub href: String,
    pub total: usize,
    pub unverified: usize,
    pub saved: String,
}

#[derive(Template)]
#[template(path = "rates/list.html")]
struct ListPage {
    layout: Layout,
    years: Vec<YearRow>,
    is_coordinator: bool,
}

/// `/satser`: the call years Udsyn has rates for.
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    may_read(&user)?;
    let years = db::rates::overview(&state.pool)
        .await?
        .into_iter()
        .map(|s| {
            let (total, unverified) = rates_file::count_figures(&s.rates);
            YearRow {
                year: s.rates.call_year,
                href: format!("/satser/{}", s.rates.call_year),
                total,
                unverified,
                saved: match s.updated_by {
                    Some(who) => format!("{} af {who}", format::timestamp(s.updated_at)),
                    None => "Som Udsyn blev leveret".into(),
                },
            }
        })
        .collect();
    let page = ListPage {
        layout: Layout::new("Satser", "projekter", &user),
        years,
        is_coordinator: user.is_coordinator(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "rates/show.html")]
struct ShowPage {
    layout: Layout,
    year: i16,
    next_year: i16,
    /// The coordinator may copy the year to the next, which has no rates yet.
    can_copy: bool,
    is_coordinator: bool,
    saved: bool,
    copy_error: Option<String>,
    tables: Tables,
    history: Vec<history::Entry>,
    json_href: String,
}

async fn show_page(
    state: &AppState,
    user: &CurrentUser,
    year: i16,
    saved: bool,
    copy_error: Option<String>,
) -> Result<ShowPage, AppError> {
    let rates = db::rates::get(&state.pool, year)
        .await?
        .ok_or(AppError::NotFound)?;
    let names = Names::load(state).await?;
    let next_year = year + 1;
    let can_copy = user.is_coordinator()
        && rates_file::YEARS.contains(&next_year)
        && !db::rates::exists(&state.pool, next_year).await?;
    Ok(ShowPage {
        layout: Layout::new(&format!("Satser for indkaldelse {year}"), "projekter", user),
        year,
        next_year,
        can_copy,
        is_coordinator: user.is_coordinator(),
        saved,
        copy_error,
        tables: tables(&rates, &names),
        history: history_of(state, year, &names).await?,
        json_href: format!("/satser/{year}/satser-{year}.json"),
    })
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    gemt: Option<String>,
}

/// `/satser/{year}`: every figure of the year.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(year): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    may_read(&user)?;
    let year = year_of(&year)?;
    let page = show_page(&state, &user, year, q.gemt.is_some(), None).await?;
    Ok(render(&page)?.into_response())
}

/// `/satser/{year}/satser-{year}.json`: the year's rates as the JSON document Udsyn keeps,
/// exactly the serde form of `Rates`, pretty-printed.
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((year, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    may_read(&user)?;
    let year = year_of(&year)?;
    let name = format!("satser-{year}.json");
    if file != name {
        return Err(AppError::NotFound);
    }
    let rates = db::rates::get(&state.pool, year)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut body =
        serde_json::to_string_pretty(&rates).map_err(|e| AppError::Internal(e.into()))?;
    body.push('\n');
    Ok(super::download::json(&name, body))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /satser/{year}/kopier`: the year's rates become the next year's, every figure
/// unverified, when the next year has none yet.
pub async fn copy(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(year): Path<String>,
    DaForm(f): DaForm<CsrfForm>,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let year = year_of(&year)?;
    check_csrf(&user, &f.csrf)?;
    let next = year + 1;
    if !rates_file::YEARS.contains(&next) {
        let message = format!(
            "Udsyn har kun satser for indkaldelsesårene {} til {}; {next} kan ikke oprettes.",
            rates_file::YEARS.start(),
            rates_file::YEARS.end()
        );
        return refuse_copy(&state, &user, year, message).await;
    }
    let mut tx = state.pool.begin().await?;
    match db::rates::copy(&mut tx, year, user.account_id).await? {
        db::rates::Copied::NoSource => Err(AppError::NotFound),
        db::rates::Copied::TargetExists => {
            drop(tx);
            let message = format!(
                "Der findes allerede satser for {next}, og de er ikke ændret. Ret dem på siden for {next}, eller importér en fil."
            );
            refuse_copy(&state, &user, year, message).await
        }
        db::rates::Copied::Done => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/satser/{next}/rediger")).into_response())
        }
    }
}

/// The year's page again, saying why it was not copied.
async fn refuse_copy(
    state: &AppState,
    user: &CurrentUser,
    year: i16,
    message: String,
) -> Result<Response, AppError> {
    let page = show_page(state, user, year, false, Some(message)).await?;
    Ok((StatusCode::CONFLICT, render(&page)?).into_response())
}
