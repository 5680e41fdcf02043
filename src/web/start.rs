//! `/`: the desk. First what waits for this person, each item a link to where it is done; then
//! the state of things, compact: the goals one line each, key figures of the school year, the
//! featured reflections. The lists are in `db::desk` (bounded), the network's actions in
//! `db::network`, budget warnings and unverified figures from `db::projects`.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{Local, NaiveDate};

use super::goals::{GoalCard, View, goal_cards};
use super::reports::ReflectionView;
use super::{Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, desk::Waiting, mobilities::Scope};
use crate::domain::progress::{Progress, period_bounds, period_of};
use crate::domain::{MobilityStatus, Role, format, kinds::label_or_code};
use crate::error::AppError;

/// A mobility line as the start pages show it.
pub struct MobilityLine {
    pub href: String,
    pub when: String,
    pub activity: String,
    pub status: String,
    pub status_code: String,
    pub school: String,
    pub partner: String,
    pub partner_href: String,
    pub place: String,
    pub participants: i64,
}

impl MobilityLine {
    pub fn from(m: &db::mobilities::Summary) -> MobilityLine {
        MobilityLine {
            href: format!("/mobiliteter/{}", m.id),
            when: format::date_range(m.start_date, m.end_date),
            activity: m.activity_name.clone(),
            status: label_or_code(&m.status, MobilityStatus::from_code, MobilityStatus::label),
            status_code: m.status.clone(),
            school: m.organisation_name.clone(),
            partner: m.partner_name.clone(),
            partner_href: format!("/partnere/{}", m.partner_id),
            place: format!(
                "{}, {}",
                crate::domain::exonyms::danish_city(&m.city),
                m.country_name
            ),
            participants: m.participant_count,
        }
    }

    /// DKFDS badge colour for the status.
    pub fn badge(&self) -> &'static str {
        match self.status_code.as_str() {
            "godkendt" | "gennemfoert" | "rapporteret" | "opfulgt" => "badge-success",
            "indstillet" => "badge-info",
            "afvist" | "aflyst" => "badge-error",
            _ => "badge-warning",
        }
    }
}

/// One thing that waits, as the desk lists it.
pub struct WaitItem {
    pub label: &'static str,
    pub href: String,
    pub title: String,
    pub detail: String,
    pub when: String,
    /// DKFDS badge colour of the label.
    pub tone: &'static str,
}

/// A goal in one line: its progress bar and its most telling indicator against baseline and target.
pub struct GoalLine {
    pub href: String,
    pub title: String,
    pub bar: i64,
    pub summary: String,
    pub indicator: String,
}

pub struct Figure {
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "start/desk.html")]
struct Desk {
    layout: Layout,
    heading: String,
    lead: String,
    waiting: Vec<WaitItem>,
    /// Links to where the full lists are, when a kind had more than the desk shows.
    more: Vec<(String, String)>,
    matches: Vec<WaitItem>,
    period: String,
    figures: Vec<Figure>,
    goals: Vec<GoalLine>,
    featured: Vec<ReflectionView>,
    upcoming: Vec<MobilityLine>,
    past: Vec<MobilityLine>,
    is_staff: bool,
    links: Vec<(String, &'static str)>,
}

fn when(day: Option<NaiveDate>, prefix: &str) -> String {
    day.map(|d| format!("{prefix} {}", format::date_long(d)))
        .unwrap_or_default()
}

/// The desk's line for a waiting row of `db::desk`.
fn item(w: &Waiting, period: &str) -> WaitItem {
    let (label, tone, href, prefix) = match w.kind.as_str() {
        "godkendelse" => (
            "Venter på godkendelse",
            "badge-info",
            format!("/mobiliteter/{}", w.id),
            "Første dag",
        ),
        "rapport" => (
            "Rapport forsinket",
            "badge-error",
            "/paamindelser".to_string(),
            "Skulle være skrevet",
        ),
        "opfoelgning" => (
            "Opfølgning forfalden",
            "badge-warning",
            "/paamindelser".to_string(),
            "Forfaldt",
        ),
        "afrejse" => (
            "Afrejse snart: ingen bekræftet program registreret",
            "badge-warning",
            format!("/mobiliteter/{}", w.id),
            "Afrejse",
        ),
        "kladde" => (
            "Kladde, ikke indstillet",
            "badge-warning",
            format!("/mobiliteter/{}", w.id),
            "Første dag",
        ),
        "afvist" => (
            "Afvist: ret og indstil igen",
            "badge-error",
            format!("/mobiliteter/{}/rediger", w.id),
            "Første dag",
        ),
        "maaling" => (
            "Måling mangler",
            "badge-warning",
            format!("/indikatorer/{}/maaling", w.id),
            "",
        ),
        "rejse" => (
            "Din næste rejse",
            "badge-info",
            format!("/mobiliteter/{}", w.id),
            "Afrejse",
        ),
        "min_rapport" => (
            "Skriv din rapport",
            "badge-warning",
            format!("/mobiliteter/{}/rapport", w.id),
            "Senest",
        ),
        "min_opfoelgning" => (
            "Besvar opfølgningen",
            "badge-warning",
            format!("/rapporter/{}/opfoelgning", w.id),
            "Forfaldt",
        ),
        _ => ("Venter", "badge-info", "/".to_string(), ""),
    };
    let detail = if w.kind == "maaling" {
        format!("{} · skoleåret {period}", w.detail)
    } else {
        w.detail.clone()
    };
    WaitItem {
        label,
        tone,
        href,
        title: w.title.clone(),
        detail,
        when: when(w.day, prefix),
    }
}

/// Open network actions owned by the person.
fn action_item(a: &db::network::Item) -> WaitItem {
    WaitItem {
        label: "Handling fra netværket",
        tone: "badge-info",
        href: format!("/netvaerk/{}#handling-{}", a.meeting_id, a.id),
        title: a.text.clone(),
        detail: format!("{}, {}", a.meeting_title, format::date_long(a.held_on)),
        when: when(a.due_on, "Frist"),
    }
}

/// Where the full list of a kind is, when the desk shows only the first `PER_KIND`.
fn more_links(rows: &[Waiting], role: Role) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let full =
        |kind: &str| rows.iter().filter(|w| w.kind == kind).count() as i64 >= db::desk::PER_KIND;
    if full("godkendelse") {
        out.push((
            "/mobiliteter?status=indstillet".into(),
            "Alle mobiliteter, der venter på godkendelse".into(),
        ));
    }
    if full("rapport") || full("opfoelgning") {
        out.push((
            "/paamindelser".into(),
            "Alle forsinkede rapporter og opfølgninger".into(),
        ));
    }
    if role == Role::Skoleleder && (full("kladde") || full("afvist")) {
        out.push(("/mobiliteter".into(), "Alle skolens mobiliteter".into()));
    }
    out
}

/// The budget warnings and unverified figures of the projects that are running or coming, as the
/// project pages compute them (`db::projects`): a project over its award, and for the current
/// project each category over its award and the unverified figures its grants use.
async fn money_items(state: &AppState, today: NaiveDate) -> Result<Vec<WaitItem>, AppError> {
    let projects = db::projects::list(&state.pool, None).await?;
    let mut out = Vec::new();
    for p in projects.iter().filter(|p| p.end_date >= today) {
        if p.committed_cents + p.used_cents > p.awarded_cents && p.awarded_cents > 0 {
            out.push(WaitItem {
                label: "Budget overskredet",
                tone: "badge-error",
                href: format!("/projekter/{}", p.id),
                title: format!("Projekt {}", p.reference),
                detail: format!(
                    "Disponeret og brugt {} af tildelt {}",
                    format::euro(p.committed_cents + p.used_cents),
                    format::euro(p.awarded_cents)
                ),
                when: String::new(),
            });
        }
    }
    // The current project: the one running today, else the next to start.
    let current = projects
        .iter()
        .filter(|p| p.start_date <= today && p.end_date >= today)
        .max_by_key(|p| p.start_date)
        .or_else(|| {
            projects
                .iter()
                .filter(|p| p.start_date > today)
                .min_by_key(|p| p.start_date)
        });
    if let Some(p) = current {
        let over: Vec<String> = db::projects::budget(&state.pool, p.id, None)
            .await?
            .into_iter()
            .filter(|m| m.committed_cents + m.used_cents > m.awarded_cents)
            .map(|m| super::projects::category_label(&m.category).to_string())
            .collect();
        if !over.is_empty() {
            out.push(WaitItem {
                label: "Budgetkategori overskredet",
                tone: "badge-error",
                href: format!("/projekter/{}", p.id),
                title: format!("Projekt {}", p.reference),
                detail: over.join(", "),
                when: String::new(),
            });
        }
        let unverified = db::projects::unverified_lines(&state.pool, p.id).await?;
        if unverified > 0 {
            out.push(WaitItem {
                label: "Ikke-bekræftede satser i brug",
                tone: "badge-warning",
                href: format!("/satser/{}", p.call_year),
                title: format!("Projekt {} (indkaldelse {})", p.reference, p.call_year),
                detail: format!(
                    "{unverified} tilskudslinjer bygger på satser, der ikke er bekræftet"
                ),
                when: String::new(),
            });
        }
    }
    Ok(out)
}

/// Each goal in one line: the average progress, and the first indicator that has been measured
/// (else the first) with its latest value against baseline and target.
fn goal_lines(cards: Vec<GoalCard>) -> Vec<GoalLine> {
    cards
        .into_iter()
        .map(|c| {
            let shown = c
                .indicators
                .iter()
                .find(|i| !matches!(i.state, Progress::NoData | Progress::Undefined))
                .or(c.indicators.first());
            GoalLine {
                href: c.href,
                title: c.title,
                bar: c.bar,
                summary: c.summary,
                indicator: shown
                    .map(|i| {
                        format!(
                            "{}: seneste {} · udgangspunkt {} · mål {}",
                            i.name, i.latest, i.baseline, i.target
                        )
                    })
                    .unwrap_or_default(),
            }
        })
        .collect()
}

fn figures(f: &db::desk::Figures, period: &str) -> Vec<Figure> {
    let n = |v: i64| format::thousands(v);
    vec![
        Figure {
            label: format!("mobiliteter med første dag i skoleåret {period}"),
            value: n(f.mobilities),
        },
        Figure {
            label: "deltagere på dem".into(),
            value: n(f.travellers),
        },
        Figure {
            label: "indsendte rapporter".into(),
            value: n(f.reports),
        },
        Figure {
            label: format!(
                "af {} opfølgninger siger, at praksis er ændret",
                n(f.followed)
            ),
            value: n(f.changed),
        },
    ]
}

pub async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let today = Local::now().date_naive();
    let period = period_of(today);
    let (from, to) = period_bounds(&period).unwrap_or((today, today));
    let days = state.config.report_due_days;
    let months = state.config.follow_up_months;
    let mut desk = Desk {
        layout: Layout::new("Forside", "forside", &user),
        heading: String::new(),
        lead: String::new(),
        waiting: Vec::new(),
        more: Vec::new(),
        matches: Vec::new(),
        period: period.clone(),
        figures: Vec::new(),
        goals: Vec::new(),
        featured: Vec::new(),
        upcoming: Vec::new(),
        past: Vec::new(),
        is_staff: false,
        links: Vec::new(),
    };
    let mine = match user.staff_id {
        Some(me) => db::network::open_actions_of(&state.pool, me).await?,
        None => Vec::new(),
    };
    match user.role {
        Role::Koordinator => {
            let rows = db::desk::coordinator(&state.pool, days, months).await?;
            let soon = db::desk::unconfirmed_departures(&state.pool, None).await?;
            desk.layout = Layout::new("Konsortiet", "forside", &user);
            desk.heading = "Konsortiet".into();
            desk.lead = "Det, der venter på dig i konsortiet, og hvordan det står til.".into();
            desk.more = more_links(&rows, user.role);
            desk.waiting = rows.iter().chain(&soon).map(|w| item(w, &period)).collect();
            desk.waiting.extend(money_items(&state, today).await?);
            desk.waiting.extend(mine.iter().map(action_item));
            let f = db::desk::figures(&state.pool, None, from, to).await?;
            desk.figures = figures(&f, &period);
            desk.goals = goal_lines(goal_cards(&state, &user, View::Consortium).await?);
            desk.featured = super::reports::featured(&state).await?;
            desk.links = vec![
                ("/netvaerk".into(), "Netværksmøder"),
                ("/oversigt".into(), "Årets mobiliteter"),
                ("/skoler".into(), "Skolerne"),
                ("/adgangslog".into(), "Adgangslog"),
                ("/mine-data".into(), "Mine data"),
            ];
        }
        Role::Skoleleder => {
            let school = user.organisation_id.ok_or(AppError::Forbidden)?;
            let rows = db::desk::leader(&state.pool, school, &period, days, months).await?;
            let soon = db::desk::unconfirmed_departures(&state.pool, Some(school)).await?;
            let name = user.organisation_name.clone().unwrap_or_default();
            desk.layout = Layout::new(&name, "forside", &user);
            desk.heading = name;
            desk.lead = "Det, der venter på dig på skolen, og hvordan det står til.".into();
            desk.more = more_links(&rows, user.role);
            desk.waiting = rows.iter().chain(&soon).map(|w| item(w, &period)).collect();
            desk.waiting.extend(mine.iter().map(action_item));
            let f = db::desk::figures(&state.pool, Some(school), from, to).await?;
            desk.figures = figures(&f, &period);
            desk.goals = goal_lines(goal_cards(&state, &user, View::School(school)).await?);
            desk.featured = super::reports::featured(&state).await?;
            desk.links = vec![
                ("/netvaerk".into(), "Netværksmøder"),
                (format!("/skoler/{school}"), "Skolens side"),
                ("/medarbejdere".into(), "Skolens medarbejdere"),
                ("/mine-data".into(), "Mine data"),
            ];
        }
        Role::Medarbejder => {
            let me = user.staff_id.ok_or(AppError::Forbidden)?;
            let rows = db::desk::staff(&state.pool, me, days, months).await?;
            desk.layout = Layout::new("Mine mobiliteter", "forside", &user);
            desk.heading = "Mine mobiliteter".into();
            desk.lead = format!(
                "Hej {}. Her er det, der venter på dig, og dine rejser i Erasmus+ konsortiet.",
                user.name.split_whitespace().next().unwrap_or("")
            );
            desk.waiting = rows.iter().map(|w| item(w, &period)).collect();
            desk.waiting.extend(mine.iter().map(action_item));
            desk.matches = db::desk::matching_reflections(&state.pool, me)
                .await?
                .into_iter()
                .map(|m| WaitItem {
                    label: "Fra en kollega om dine mål",
                    tone: "badge-success",
                    href: format!("/refleksioner/{}", m.id),
                    title: m.title,
                    detail: format!("{}, {}", m.author, m.school),
                    when: m
                        .goals
                        .iter()
                        .map(|g| format!("Mål {g}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                })
                .collect();
            let all = db::mobilities::summaries(&state.pool, Scope::Person(me), None, 100).await?;
            let (upcoming, past): (Vec<_>, Vec<_>) = all.iter().partition(|m| m.end_date >= today);
            desk.upcoming = upcoming.into_iter().rev().map(MobilityLine::from).collect();
            desk.past = past.into_iter().map(MobilityLine::from).collect();
            desk.featured = super::reports::featured(&state).await?;
            desk.is_staff = true;
            desk.links = vec![("/mine-data".into(), "Mine data")];
        }
    }
    Ok(render(&desk)?.into_response())
}
