//! `/adgangslog`: who has seen whose personal data, newest first, by person (`?person=`) and by
//! account (`?konto=`), and the same as a CSV file (`/adgangslog.csv`). The coordinator's only.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::list::Params;
use super::{Layout, download, render};
use crate::access_log::Kind;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, access_log::Filter};
use crate::domain::format;
use crate::error::AppError;

/// Entries per page.
const PER_PAGE: i64 = 50;
/// Entries in one CSV file at most, the newest.
pub const CSV_MAX: i64 = 10_000;

/// An entry as a row of the log's tables (here, on a person's page and in their data).
pub struct AccessLine {
    pub at: String,
    pub who: String,
    pub who_href: String,
    pub kind: &'static str,
    pub route: String,
    /// The person, or how many the export held.
    pub about: String,
    pub about_href: Option<String>,
}

pub fn lines(rows: &[db::access_log::Line]) -> Vec<AccessLine> {
    rows.iter()
        .map(|r| AccessLine {
            at: format::timestamp(r.at),
            who: r.who.clone(),
            who_href: format!("/adgangslog?konto={}", r.account_id),
            kind: Kind::label_of(&r.kind),
            route: r.route.clone(),
            about: about(r),
            about_href: r.person_id.map(|p| format!("/adgangslog?person={p}")),
        })
        .collect()
}

fn about(r: &db::access_log::Line) -> String {
    match (&r.person_name, r.people) {
        (Some(name), 1) => name.clone(),
        (None, 1) => "En person, der ikke længere er i registret".into(),
        (_, n) => format!("{} personer", format::thousands(n.into())),
    }
}

#[derive(Deserialize, Default)]
pub struct LogQuery {
    #[serde(default)]
    person: String,
    #[serde(default)]
    konto: String,
    #[serde(default)]
    foer: String,
}

/// The filter the query asks for; a value that is no id is a 400 with a Danish message.
fn filter(q: &LogQuery) -> Result<Filter, AppError> {
    let id = |v: &str, what: &str| -> Result<Option<Uuid>, AppError> {
        match v.trim() {
            "" => Ok(None),
            s => s.parse().map(Some).map_err(|_| {
                AppError::BadRequest(format!(
                    "Adgangsloggen kan ikke vise {what} «{s}». Vælg personen eller kontoen fra et link i loggen."
                ))
            }),
        }
    };
    Ok(Filter {
        person: id(&q.person, "personen")?,
        account: id(&q.konto, "kontoen")?,
        before: match q.foer.trim() {
            "" => None,
            s => Some(s.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                AppError::BadRequest("Siden i adgangsloggen findes ikke. Gå til de nyeste.".into())
            })?),
        },
    })
}

fn params(f: &Filter) -> Params {
    Params(vec![
        (
            "person",
            f.person.map(|p| p.to_string()).unwrap_or_default(),
        ),
        (
            "konto",
            f.account.map(|a| a.to_string()).unwrap_or_default(),
        ),
    ])
}

#[derive(Template)]
#[template(path = "access_log/list.html")]
struct LogPage {
    layout: Layout,
    rows: Vec<AccessLine>,
    /// "Adgange til Sofie Bækgaard" and the like, with the link that removes it.
    filters: Vec<(String, String)>,
    days: i32,
    newest_href: Option<String>,
    older_href: Option<String>,
    csv_href: String,
    csv_max: String,
}

pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<LogQuery>,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let f = filter(&q)?;
    // Views this instance has not yet written are shown too.
    state.access_log.flush().await;
    let mut rows = db::access_log::list(&state.pool, f, PER_PAGE + 1).await?;
    let more = rows.len() as i64 > PER_PAGE;
    rows.truncate(PER_PAGE as usize);
    let p = params(&f);
    let mut filters = Vec::new();
    if let Some(person) = f.person {
        let name = db::staff::get(&state.pool, person)
            .await?
            .map(|s| s.name)
            .unwrap_or_else(|| "en person, der ikke er i registret".into());
        filters.push((
            format!("Adgange til {name}"),
            p.without("person").href("/adgangslog"),
        ));
    }
    if let Some(account) = f.account {
        let name = db::access_log::account_name(&state.pool, account)
            .await?
            .unwrap_or_else(|| "en konto, der ikke findes".into());
        filters.push((
            format!("Adgange ved {name}"),
            p.without("konto").href("/adgangslog"),
        ));
    }
    let page = LogPage {
        layout: Layout::new("Adgangslog", "brugere", &user),
        filters,
        days: state.config.access_log_days,
        newest_href: f.before.map(|_| p.href("/adgangslog")),
        older_href: rows
            .last()
            .filter(|_| more)
            .map(|last| p.with("foer", last.id.to_string()).href("/adgangslog")),
        csv_href: p.href("/adgangslog.csv"),
        csv_max: format::thousands(CSV_MAX),
        rows: lines(&rows),
    };
    Ok(render(&page)?.into_response())
}

/// The log as the page filters it, the newest `CSV_MAX` entries, for Danish Excel. The file names
/// the people it is about, so it is itself an export in the log.
pub async fn csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<LogQuery>,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let f = Filter {
        before: None,
        ..filter(&q)?
    };
    state.access_log.flush().await;
    let rows = db::access_log::list(&state.pool, f, CSV_MAX).await?;
    state
        .access_log
        .record(&user, Kind::Export, rows.iter().filter_map(|r| r.person_id))
        .await;
    let date = chrono::Local::now().date_naive().format("%Y-%m-%d");
    download::csv(
        &format!("adgangslog-{date}.csv"),
        &["Tidspunkt", "Konto", "Hvad", "Side", "Om", "Person-id"],
        rows.iter().map(|r| {
            [
                format::timestamp(r.at),
                r.who.clone(),
                Kind::label_of(&r.kind).to_string(),
                r.route.clone(),
                about(r),
                r.person_id.map(|p| p.to_string()).unwrap_or_default(),
            ]
        }),
    )
}
