//! `/mobiliteter/{id}`: a mobility's page: its facts, status and the actions this person may
//! take, shadowing and unverified-limit warnings, the participants' reports, the grant and the
//! history.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Local};
use serde::Deserialize;
use uuid::Uuid;

use super::{FIELDS, actor, code_label, load, status_of};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit};
use crate::domain::mobility::{self as rules, Action};
use crate::domain::{MobilityStatus, format};
use crate::error::AppError;
use crate::web::history;
use crate::web::{FormErrors, Id, Layout, render};

pub struct ActionButton {
    pub code: &'static str,
    pub label: &'static str,
    pub reason_label: &'static str,
    pub primary: bool,
    pub reason: bool,
    pub reason_required: bool,
}

#[derive(Template)]
#[template(path = "mobilities/show.html")]
pub(super) struct ShowPage {
    layout: Layout,
    errors: FormErrors,
    m: db::mobilities::Detail,
    status: String,
    badge: &'static str,
    when: String,
    days: i64,
    transport: String,
    people: Vec<db::mobilities::Participant>,
    goals: Vec<(Uuid, i16, String)>,
    warnings: Vec<String>,
    actions: Vec<ActionButton>,
    may_edit: bool,
    /// The confirmation after a change: what happened ("Godkendt.").
    saved: Option<&'static str>,
    history: Vec<history::Entry>,
    csrf: String,
    /// The call year whose duration rule for the activity is not yet checked against the
    /// programme guide; shown to the coordinator only, who can check it.
    limits_unverified: Option<i32>,
    /// The coordinator sees the programme's codes (the BM file needs them); others do not.
    is_coordinator: bool,
    reports: Vec<ReportLine>,
    grant: Option<crate::web::grants::Section>,
}

/// A participant's report as the mobility's page lists it.
pub struct ReportLine {
    pub name: String,
    pub state: &'static str,
    pub href: String,
    pub action: &'static str,
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    gemt: Option<String>,
}

pub(super) async fn show_page(
    state: &AppState,
    user: &CurrentUser,
    m: db::mobilities::Detail,
    people: Vec<db::mobilities::Participant>,
    errors: FormErrors,
    saved: Option<&'static str>,
) -> Result<ShowPage, AppError> {
    let goals = db::mobilities::goals(&state.pool, m.id).await?;
    let history = history::entries(
        audit::history(&state.pool, "mobility", &m.id.to_string()).await?,
        FIELDS,
        code_label,
    );
    let mut warnings = Vec::new();
    if !matches!(
        status_of(&m),
        MobilityStatus::Afvist | MobilityStatus::Aflyst
    ) {
        let others = db::mobilities::shadowing_at(
            &state.pool,
            m.receiving_partner_id,
            m.start_date,
            m.end_date,
            m.id,
        )
        .await?;
        let own = people.iter().filter(|p| p.role == "deltager").count() as i64;
        warnings.extend(rules::shadowing_warning(&m.activity_type, own, &others));
    }
    let call_year = m.call_year.map(i32::from).unwrap_or(m.start_date.year());
    let limits = db::mobilities::limits(&state.pool, &m.activity_type, call_year).await?;
    let a = actor(user, &m);
    let ended = m.end_date < Local::now().date_naive();
    let actions = Action::ALL
        .into_iter()
        .filter(|act| rules::allowed(a, status_of(&m), *act, ended).is_ok())
        .map(|act| ActionButton {
            code: act.code(),
            label: act.label(),
            reason_label: act.reason_label(),
            primary: matches!(act, Action::Submit | Action::Approve | Action::Complete),
            reason: matches!(act, Action::Reject | Action::Cancel),
            reason_required: act.needs_reason(),
        })
        .collect();
    let status = status_of(&m);
    let completed = matches!(
        status,
        MobilityStatus::Gennemfoert | MobilityStatus::Rapporteret | MobilityStatus::Opfulgt
    );
    let reports = if completed {
        let written = db::reports::of_mobility(&state.pool, m.id).await?;
        people
            .iter()
            .map(|p| {
                let r = written.iter().find(|r| r.staff_id == p.staff_id);
                let mine = Some(p.staff_id) == user.staff_id;
                let write = format!(
                    "/mobiliteter/{}/rapport{}",
                    m.id,
                    if mine {
                        String::new()
                    } else {
                        format!("?deltager={}", p.staff_id)
                    }
                );
                let (state, href, action) = match r {
                    Some(r) if r.status == "indsendt" => {
                        ("Indsendt", format!("/rapporter/{}", r.id), "Læs rapporten")
                    }
                    Some(_) if mine || user.is_coordinator() => (
                        "Kladde",
                        write,
                        if mine {
                            "Skriv videre"
                        } else {
                            "Skriv på vegne af deltageren"
                        },
                    ),
                    None if mine || user.is_coordinator() => (
                        "Mangler",
                        write,
                        if mine {
                            "Skriv din rapport"
                        } else {
                            "Skriv på vegne af deltageren"
                        },
                    ),
                    Some(_) => ("Kladde", String::new(), ""),
                    None => ("Mangler", String::new(), ""),
                };
                ReportLine {
                    name: p.name.clone(),
                    state,
                    href,
                    action,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let grant = crate::web::grants::section(state, user, m.id, &people).await?;
    Ok(ShowPage {
        grant,
        reports,
        layout: Layout::new(
            &format!("{} hos {}", m.activity_name, m.partner_name),
            "mobiliteter",
            user,
        )
        .with_errors(&errors),
        errors,
        status: status.label().to_string(),
        badge: match status {
            MobilityStatus::Godkendt
            | MobilityStatus::Gennemfoert
            | MobilityStatus::Rapporteret
            | MobilityStatus::Opfulgt => "badge-success",
            MobilityStatus::Indstillet => "badge-info",
            MobilityStatus::Afvist | MobilityStatus::Aflyst => "badge-error",
            MobilityStatus::Kladde => "badge-warning",
        },
        when: format::date_range(m.start_date, m.end_date),
        days: rules::duration_days(m.start_date, m.end_date),
        transport: format!(
            "{}{}",
            rules::transport_label(&m.transport),
            if m.green_travel { " (grøn rejse)" } else { "" }
        ),
        may_edit: rules::may_edit(a, status),
        limits_unverified: (user.is_coordinator() && limits.is_some_and(|l| !l.verified))
            .then_some(call_year),
        is_coordinator: user.is_coordinator(),
        people,
        goals,
        warnings,
        actions,
        saved,
        history,
        csrf: user.csrf_token.clone(),
        m,
    })
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let (m, people) = load(&state, &user, id).await?;
    Ok(render(
        &show_page(
            &state,
            &user,
            m,
            people,
            FormErrors::default(),
            q.gemt.as_deref().map(confirmation),
        )
        .await?,
    )?
    .into_response())
}

/// The confirmation for `?gemt=`: a status change says which, a new mobility "Oprettet.",
/// anything else "Gemt.".
fn confirmation(code: &str) -> &'static str {
    match code {
        "oprettet" => "Oprettet.",
        "oprettet-indstillet" => "Oprettet og indstillet til godkendelse.",
        c => Action::from_code(c).map(Action::done).unwrap_or("Gemt."),
    }
}
