//! `/paamindelser` and `/udbakke`: overdue reports and follow-ups, reminders mailed over SMTP (or
//! kept in the outbox) at most once a day per thing owed, and what a person still owes.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Local;
use serde::Deserialize;
use uuid::Uuid;

use super::due_date;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::{Role, format};
use crate::error::AppError;
use crate::web::forms::{RawForm, check_csrf};
use crate::web::list::{PER_PAGE, Pager, Params, page_number};
use crate::web::{Layout, render};

pub struct OwedView {
    pub kind: &'static str,
    pub name: String,
    pub school: String,
    pub title: String,
    pub href: String,
    pub due: String,
    pub reminded: String,
}

#[derive(Template)]
#[template(path = "reports/reminders.html")]
struct RemindersPage {
    layout: Layout,
    items: Vec<OwedView>,
    smtp: bool,
    pager: Pager,
    result: String,
    is_coordinator: bool,
    csrf: String,
}

fn reminder_scope(user: &CurrentUser) -> Result<Option<Uuid>, AppError> {
    match user.role {
        Role::Koordinator => Ok(None),
        Role::Skoleleder => Ok(Some(user.organisation_id.ok_or(AppError::Forbidden)?)),
        Role::Medarbejder => Err(AppError::Forbidden),
    }
}

#[derive(Deserialize, Default)]
pub struct ResultQuery {
    #[serde(default)]
    sendt: Option<u32>,
    #[serde(default)]
    sprunget: Option<u32>,
    #[serde(default)]
    udbakke: Option<u32>,
    side: Option<String>,
}

pub async fn reminders(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ResultQuery>,
) -> Result<Response, AppError> {
    let school = reminder_scope(&user)?;
    let page_no = page_number(&q.side);
    let owed = db::reports::overdue(
        &state.pool,
        school,
        state.config.report_due_days,
        state.config.follow_up_months,
        Some(((page_no - 1) * PER_PAGE, PER_PAGE)),
    )
    .await?;
    let total = owed.first().map(|o| o.total).unwrap_or(0);
    let pager = Pager::new(
        "/paamindelser",
        &Params::default(),
        page_no,
        total,
        owed.len(),
    );
    let result = match (q.sendt, q.udbakke, q.sprunget) {
        (Some(s), u, k) => format!(
            "{s} påmindelser sendt{}. {} sprunget over, fordi de fik en påmindelse inden for det seneste døgn.",
            match u {
                Some(n) if n > 0 =>
                    format!(" ({n} lagt i udbakken, fordi der ikke er sat en mailserver op)"),
                _ => String::new(),
            },
            k.unwrap_or(0)
        ),
        _ => String::new(),
    };
    let page = RemindersPage {
        layout: Layout::new("Påmindelser", "paamindelser", &user),
        items: owed
            .into_iter()
            .map(|o| OwedView {
                kind: if o.kind == "rapport" {
                    "Rapport"
                } else {
                    "Opfølgning"
                },
                href: format!("/mobiliteter/{}", o.mobility_id),
                due: format::date_long(o.due),
                reminded: o
                    .last_reminded
                    .map(format::timestamp)
                    .unwrap_or_else(|| "Ikke påmindet".into()),
                name: o.name,
                school: o.school,
                title: o.title,
            })
            .collect(),
        smtp: state.config.smtp.is_some(),
        pager,
        result,
        is_coordinator: user.is_coordinator(),
        csrf: user.csrf_token.clone(),
    };
    Ok(render(&page)?.into_response())
}

/// The reminder text for one thing owed.
fn reminder_text(o: &db::reports::Owed, base: &str) -> (String, String) {
    match o.kind.as_str() {
        "rapport" => (
            format!("Påmindelse: din rapport om {}", o.title),
            format!(
                "Kære {},\n\nTak for din deltagelse i {}. Vi mangler stadig din rapport: hvad du så, hvad der undrede dig, dine aha-øjeblikke, og hvad du vil ændre i din praksis. Den hjælper kolleger i hele konsortiet.\n\nSkriv den her: {base}/mobiliteter/{}/rapport\n\nVenlig hilsen\nBørn og Læring, Herning Kommune",
                o.name, o.title, o.mobility_id
            ),
        ),
        _ => (
            format!("Påmindelse: opfølgning på {}", o.title),
            format!(
                "Kære {},\n\nDet er nu nogle måneder siden din rapport om {}. Fortæl kort, om du har ændret din praksis, og hvad der viser det.\n\nSvar her: {base}/mine-mobiliteter\n\nVenlig hilsen\nBørn og Læring, Herning Kommune",
                o.name, o.title
            ),
        ),
    }
}

/// Sends a reminder for everything overdue in scope, unless it was reminded in the last 24 hours.
pub async fn send_reminders(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: axum::http::HeaderMap,
    raw: RawForm,
) -> Result<Response, AppError> {
    let school = reminder_scope(&user)?;
    check_csrf(&user, &raw.get("csrf"))?;
    let owed = db::reports::overdue(
        &state.pool,
        school,
        state.config.report_due_days,
        state.config.follow_up_months,
        None,
    )
    .await?;
    let base = state.config.public_url.clone().unwrap_or_else(|| {
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost:3000");
        format!("http://{host}")
    });
    let (mut sent, mut skipped, mut outbox) = (0u32, 0u32, 0u32);
    for o in &owed {
        // The database decides the 24-hour rule, in the same statement that records the reminder,
        // so two people pressing the button at once do not both remind.
        let (subject, body) = reminder_text(o, &base);
        let via = if state.config.smtp.is_some() {
            "smtp"
        } else {
            "udbakke"
        };
        let id = db::reminders::record(
            &state.pool,
            &db::reminders::NewReminder {
                kind: &o.kind,
                staff_id: o.staff_id,
                mobility_id: o.mobility_id,
                to_email: &o.email,
                subject: &subject,
                body: &body,
                via,
                sent_by: user.account_id,
            },
        )
        .await?;
        let Some(id) = id else {
            skipped += 1;
            continue;
        };
        match &state.config.smtp {
            Some(smtp) => match crate::mail::send(smtp, &o.email, &subject, &body).await {
                Ok(()) => sent += 1,
                Err(e) => {
                    tracing::warn!(error = %e, to = %o.email, "påmindelsen kunne ikke sendes; den ligger i udbakken");
                    db::reminders::to_outbox(&state.pool, id, &e.to_string()).await?;
                    outbox += 1;
                }
            },
            None => {
                sent += 1;
                outbox += 1;
            }
        }
    }
    Ok(Redirect::to(&format!(
        "/paamindelser?sendt={sent}&sprunget={skipped}&udbakke={outbox}"
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "reports/outbox.html")]
struct OutboxPage {
    layout: Layout,
    rows: Vec<(String, db::reminders::OutboxRow)>,
    smtp: bool,
}

pub async fn outbox(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let rows = db::reminders::outbox(&state.pool).await?;
    let page = OutboxPage {
        layout: Layout::new("Udbakke", "paamindelser", &user),
        rows: rows
            .into_iter()
            .map(|r| (format::timestamp(r.sent_at), r))
            .collect(),
        smtp: state.config.smtp.is_some(),
    };
    Ok(render(&page)?.into_response())
}

/// What a person still owes, for their start page and Mine mobiliteter: (link, text).
pub async fn todo(state: &AppState, staff: Uuid) -> Result<Vec<(String, String)>, AppError> {
    let rows = db::reports::unfinished(&state.pool, staff).await?;
    let today = Local::now().date_naive();
    Ok(rows
        .into_iter()
        .filter_map(
            |(m, title, report, submitted, done)| match (report, submitted, done) {
                (Some(r), Some(s), true) => {
                    let due = due_date(s, state.config.follow_up_months);
                    (due <= today).then(|| {
                        (
                            format!("/rapporter/{r}/opfoelgning"),
                            format!("Fortæl hvad du har ændret efter {title}"),
                        )
                    })
                }
                _ => Some((
                    format!("/mobiliteter/{m}/rapport"),
                    format!("Skriv din rapport om {title}"),
                )),
            },
        )
        .collect())
}
