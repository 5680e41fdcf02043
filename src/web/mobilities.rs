//! `/mobiliteter`: school leaders register their staff for job shadowing, courses, teaching
//! assignments and preparatory visits; the administration approves, rejects and marks them
//! completed; everyone sees the mobilities their role allows.

use std::collections::HashSet;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Local, NaiveDate};
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{RawForm, SelectOption, check_csrf, options, school_options};
use super::history;
use super::list::{PER_PAGE, Pager, Params, SortHeader, page_number, sort_headers};
use super::start::MobilityLine;
use super::{FormErrors, Id, Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit, mobilities::Scope};
use crate::domain::mobility::{self as rules, Action, Actor};
use crate::domain::{MobilityStatus, Role, format, kinds::label_or_code, validate};
use crate::error::AppError;

/// Whose mobilities a person sees.
pub fn scope_of(user: &CurrentUser) -> Result<Scope, AppError> {
    Ok(match user.role {
        Role::Koordinator => Scope::All,
        Role::Skoleleder => Scope::School(user.organisation_id.ok_or(AppError::Forbidden)?),
        Role::Medarbejder => Scope::Person(user.staff_id.ok_or(AppError::Forbidden)?),
    })
}

fn actor(user: &CurrentUser, m: &db::mobilities::Detail) -> Actor {
    Actor {
        role: user.role,
        owns: user.role == Role::Skoleleder && user.organisation_id == Some(m.organisation_id),
    }
}

/// May see this mobility: the coordinator; a leader whose school sent it or has staff on it; a participant.
fn may_see(
    user: &CurrentUser,
    m: &db::mobilities::Detail,
    people: &[db::mobilities::Participant],
) -> bool {
    match user.role {
        Role::Koordinator => true,
        Role::Skoleleder => {
            user.organisation_id == Some(m.organisation_id)
                || people
                    .iter()
                    .any(|p| Some(p.organisation_id) == user.organisation_id)
        }
        Role::Medarbejder => people.iter().any(|p| Some(p.staff_id) == user.staff_id),
    }
}

// ---------------------------------------------------------------------------------------------
// The list

#[derive(Template)]
#[template(path = "mobilities/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<MobilityLine>,
    may_register: bool,
    years: Vec<SelectOption>,
    schools: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
    types: Vec<SelectOption>,
    countries: Vec<SelectOption>,
    goals: Vec<SelectOption>,
    headers: Vec<SortHeader>,
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    aar: String,
    #[serde(default)]
    skole: String,
    #[serde(default)]
    status: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    land: String,
    #[serde(default)]
    maal: String,
    #[serde(default)]
    sorter: String,
    #[serde(default)]
    retning: String,
    #[serde(default)]
    side: Option<String>,
}

const COLUMNS: &[(&str, &str, bool)] = &[
    ("periode", "Periode", false),
    ("aktivitet", "Aktivitet", false),
    ("skole", "Skole", false),
    ("partner", "Partner", false),
];

async fn activity_types(state: &AppState) -> Result<Vec<(String, String)>, AppError> {
    Ok(
        sqlx::query_as("SELECT code, name_da FROM activity_types ORDER BY sort_order")
            .fetch_all(&state.pool)
            .await?,
    )
}

fn owned(items: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
    items.iter().map(|(a, b)| (a.as_str(), b.as_str()))
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let scope = scope_of(&user)?;
    let sort = COLUMNS
        .iter()
        .map(|c| c.0)
        .find(|c| *c == q.sorter)
        .unwrap_or("periode");
    let descending = q.retning == "ned";
    let years = db::mobilities::call_years(&state.pool).await?;
    let call_year = q.aar.parse::<i32>().ok().filter(|y| years.contains(y));
    let school = if user.is_coordinator() {
        q.skole.parse::<Uuid>().ok()
    } else {
        None
    };
    let status = MobilityStatus::from_code(&q.status).map(|s| s.code().to_string());
    let types = activity_types(&state).await?;
    let kind = types
        .iter()
        .find(|(c, _)| *c == q.kind)
        .map(|(c, _)| c.clone());
    let countries = db::partners::countries(&state.pool).await?;
    let country = countries
        .iter()
        .find(|(c, _)| *c == q.land)
        .map(|(c, _)| c.clone());
    let goals = db::mobilities::all_goals(&state.pool).await?;
    let goal = q
        .maal
        .parse::<Uuid>()
        .ok()
        .filter(|g| goals.iter().any(|x| x.0 == *g));
    let page = page_number(&q.side);
    let rows = db::mobilities::search(
        &state.pool,
        &db::mobilities::Filter {
            scope,
            call_year,
            school,
            status: status.clone(),
            activity_type: kind.clone(),
            country: country.clone(),
            goal,
            sort: if sort == "periode" { "start" } else { sort },
            descending,
            limit: PER_PAGE,
            offset: (page - 1) * PER_PAGE,
        },
    )
    .await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    let params = Params(vec![
        ("aar", call_year.map(|y| y.to_string()).unwrap_or_default()),
        ("skole", school.map(|s| s.to_string()).unwrap_or_default()),
        ("status", status.clone().unwrap_or_default()),
        ("type", kind.clone().unwrap_or_default()),
        ("land", country.clone().unwrap_or_default()),
        ("maal", goal.map(|g| g.to_string()).unwrap_or_default()),
    ])
    .sorted(sort, "periode", descending);
    let schools = if user.is_coordinator() {
        school_options(
            &state.pool,
            &school.map(|s| s.to_string()).unwrap_or_default(),
            Some("Alle skoler"),
        )
        .await?
    } else {
        Vec::new()
    };
    let year_items: Vec<(String, String)> = years
        .iter()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let goal_items: Vec<(String, String)> = goals
        .iter()
        .map(|(id, n, _)| (id.to_string(), format!("Mål {n}")))
        .collect();
    let page_view = ListPage {
        layout: Layout::new("Mobiliteter", "mobiliteter", &user),
        headers: sort_headers("/mobiliteter", &params, COLUMNS, sort, descending),
        pager: Pager::new("/mobiliteter", &params, page, total, rows.len()),
        rows: rows
            .iter()
            .map(|r| MobilityLine::from(&r.summary))
            .collect(),
        may_register: user.role != Role::Medarbejder,
        years: options(
            owned(&year_items),
            &call_year.map(|y| y.to_string()).unwrap_or_default(),
            Some("Alle år"),
        ),
        schools,
        statuses: options(
            MobilityStatus::ALL.iter().map(|s| (s.code(), s.label())),
            status.as_deref().unwrap_or(""),
            Some("Alle"),
        ),
        types: options(
            owned(&types),
            kind.as_deref().unwrap_or(""),
            Some("Alle typer"),
        ),
        countries: options(
            owned(&countries),
            country.as_deref().unwrap_or(""),
            Some("Alle lande"),
        ),
        goals: options(
            owned(&goal_items),
            &goal.map(|g| g.to_string()).unwrap_or_default(),
            Some("Alle mål"),
        ),
    };
    Ok(render(&page_view)?.into_response())
}

#[derive(Template)]
#[template(path = "mobilities/mine.html")]
struct MinePage {
    layout: Layout,
    upcoming: Vec<MobilityLine>,
    past: Vec<MobilityLine>,
}

/// `/mine-mobiliteter`: the trips of the person logged in.
pub async fn mine(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let me = user.staff_id.ok_or(AppError::NotFound)?;
    let today = Local::now().date_naive();
    let all = db::mobilities::summaries(&state.pool, Scope::Person(me), None, 500).await?;
    let (upcoming, past): (Vec<_>, Vec<_>) = all.iter().partition(|m| m.end_date >= today);
    let mut upcoming: Vec<MobilityLine> = upcoming.into_iter().map(MobilityLine::from).collect();
    upcoming.reverse();
    let page = MinePage {
        layout: Layout::new("Mine mobiliteter", "mine", &user),
        upcoming,
        past: past.into_iter().map(MobilityLine::from).collect(),
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// The form

/// What was typed, kept as text so that it can be shown again.
#[derive(Default, Clone)]
pub struct MobilityForm {
    pub activity_type: String,
    pub receiving_partner_id: String,
    pub organisation_id: String,
    pub venue_city: String,
    pub start_date: String,
    pub end_date: String,
    pub travel_days: String,
    pub transport: String,
    pub project_id: String,
    pub purpose: String,
    pub expected_learning: String,
    pub course_title: String,
    pub course_esep_id: String,
    pub participants: Vec<(String, String)>,
    pub goals: Vec<String>,
    pub version: i32,
    pub show_school: String,
}

impl MobilityForm {
    fn from_raw(f: &RawForm) -> MobilityForm {
        let participants = f
            .all("deltager")
            .into_iter()
            .map(|id| {
                let role = f.get(&format!("rolle_{id}"));
                (
                    id,
                    if role == "ledsager" {
                        role
                    } else {
                        "deltager".into()
                    },
                )
            })
            .collect();
        MobilityForm {
            activity_type: f.get("activity_type"),
            receiving_partner_id: f.get("receiving_partner_id"),
            organisation_id: f.get("organisation_id"),
            venue_city: f.get("venue_city"),
            start_date: f.get("start_date"),
            end_date: f.get("end_date"),
            travel_days: f.get("travel_days"),
            transport: f.get("transport"),
            project_id: f.get("project_id"),
            purpose: f.get("purpose"),
            expected_learning: f.get("expected_learning"),
            course_title: f.get("course_title"),
            course_esep_id: f.get("course_esep_id"),
            participants,
            goals: f.all("maal"),
            version: f.get("version").parse().unwrap_or(0),
            show_school: f.get("vis_skole"),
        }
    }

    fn from_detail(
        m: &db::mobilities::Detail,
        people: &[db::mobilities::Participant],
        goals: &[(Uuid, i16, String)],
    ) -> MobilityForm {
        MobilityForm {
            activity_type: m.activity_type.clone(),
            receiving_partner_id: m.receiving_partner_id.to_string(),
            organisation_id: m.organisation_id.to_string(),
            venue_city: m.venue_city.clone(),
            start_date: format::date_short(m.start_date),
            end_date: format::date_short(m.end_date),
            travel_days: m.travel_days.to_string(),
            transport: m.transport.clone(),
            project_id: m.project_id.map(|p| p.to_string()).unwrap_or_default(),
            purpose: m.purpose.clone(),
            expected_learning: m.expected_learning.clone(),
            course_title: m.course_title.clone(),
            course_esep_id: m.course_esep_id.clone(),
            participants: people
                .iter()
                .map(|p| (p.staff_id.to_string(), p.role.clone()))
                .collect(),
            goals: goals.iter().map(|g| g.0.to_string()).collect(),
            version: m.version,
            show_school: m.organisation_id.to_string(),
        }
    }
}

pub struct StaffChoice {
    pub id: String,
    pub name: String,
    pub school: String,
    pub checked: bool,
    pub escort: bool,
}

pub struct GoalChoice {
    pub id: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "mobilities/form.html")]
struct FormPage {
    layout: Layout,
    errors: FormErrors,
    conflict: Vec<history::Entry>,
    f: MobilityForm,
    heading: String,
    action: String,
    cancel_href: String,
    types: Vec<SelectOption>,
    partners: Vec<SelectOption>,
    transports: Vec<SelectOption>,
    projects: Vec<SelectOption>,
    schools: Vec<SelectOption>,
    show_schools: Vec<SelectOption>,
    staff: Vec<StaffChoice>,
    goals: Vec<GoalChoice>,
    may_submit: bool,
    is_coordinator: bool,
}

struct FormContext<'a> {
    existing: Option<&'a db::mobilities::Detail>,
    errors: FormErrors,
    conflict: Vec<history::Entry>,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    f: MobilityForm,
    cx: FormContext<'_>,
) -> Result<FormPage, AppError> {
    let types = activity_types(state).await?;
    let partners: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.id::text, c.name_da || ' – ' || p.name || CASE WHEN p.city <> '' THEN ' (' || p.city || ')' ELSE '' END
         FROM partners p JOIN countries c ON c.code = p.country_code
         WHERE p.active OR p.id::text = $1 ORDER BY c.name_da, p.name",
    )
    .bind(&f.receiving_partner_id)
    .fetch_all(&state.pool)
    .await?;
    let projects: Vec<(String, String)> = db::mobilities::projects(&state.pool)
        .await?
        .into_iter()
        .map(|p| {
            (
                p.id.to_string(),
                format!(
                    "{} ({}: {} – {})",
                    p.reference,
                    p.call_year,
                    format::date_short(p.start_date),
                    format::date_short(p.end_date)
                ),
            )
        })
        .collect();
    let schools: Vec<(String, String)> = db::organisations::choices(&state.pool)
        .await?
        .into_iter()
        .map(|(i, n)| (i.to_string(), n))
        .collect();
    // Whose staff to offer: the leader's school; for the coordinator the school asked for (or the
    // sending school), plus everyone already chosen wherever they work.
    let show: Option<Uuid> = if user.is_coordinator() {
        f.show_school
            .parse()
            .ok()
            .or_else(|| f.organisation_id.parse().ok())
            .or(user.organisation_id)
    } else {
        user.organisation_id
    };
    let chosen: Vec<Uuid> = f
        .participants
        .iter()
        .filter_map(|(id, _)| id.parse().ok())
        .collect();
    // A school leader is offered their own school's staff and whoever is already on the
    // mobility; ids of other people posted in the form are not looked up for them.
    let on_it: Vec<Uuid> = match cx.existing {
        Some(m) => db::mobilities::participants(&state.pool, m.id)
            .await?
            .into_iter()
            .map(|p| p.staff_id)
            .collect(),
        None => Vec::new(),
    };
    let only_school = if user.is_coordinator() {
        None
    } else {
        Some(user.organisation_id.ok_or(AppError::Forbidden)?)
    };
    let people: Vec<(Uuid, String, String)> =
        db::staff::choices(&state.pool, show, &chosen, only_school, &on_it)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name, c.organisation_name))
            .collect();
    let goals = db::mobilities::all_goals(&state.pool).await?;
    let (heading, action, cancel) = match cx.existing {
        None => (
            "Ny mobilitet".to_string(),
            "/mobiliteter/ny".to_string(),
            "/mobiliteter".to_string(),
        ),
        Some(m) => (
            format!(
                "Rediger {} hos {}",
                m.activity_name.to_lowercase(),
                m.partner_name
            ),
            format!("/mobiliteter/{}/rediger", m.id),
            format!("/mobiliteter/{}", m.id),
        ),
    };
    let may_submit = match cx.existing {
        None => true,
        Some(m) => matches!(
            MobilityStatus::from_code(&m.status),
            Some(MobilityStatus::Kladde | MobilityStatus::Afvist)
        ),
    };
    let transports: Vec<(String, String)> = rules::TRANSPORTS
        .iter()
        .map(|(c, l, green)| {
            (
                c.to_string(),
                if *green {
                    format!("{l} (grøn rejse)")
                } else {
                    l.to_string()
                },
            )
        })
        .collect();
    Ok(FormPage {
        layout: Layout::new(&heading, "mobiliteter", user).with_errors(&cx.errors),
        errors: cx.errors,
        conflict: cx.conflict,
        types: options(owned(&types), &f.activity_type, Some("Vælg aktivitet")),
        partners: options(
            owned(&partners),
            &f.receiving_partner_id,
            Some("Vælg partner"),
        ),
        transports: options(
            owned(&transports),
            &f.transport,
            Some("Vælg transportmiddel"),
        ),
        projects: options(
            owned(&projects),
            &f.project_id,
            Some("Vælg ud fra datoerne"),
        ),
        schools: options(owned(&schools), &f.organisation_id, Some("Vælg skole")),
        show_schools: options(
            owned(&schools),
            &show.map(|s| s.to_string()).unwrap_or_default(),
            None,
        ),
        staff: people
            .into_iter()
            .map(|(id, name, school)| {
                let sel = f.participants.iter().find(|(p, _)| *p == id.to_string());
                StaffChoice {
                    id: id.to_string(),
                    name,
                    school,
                    checked: sel.is_some(),
                    escort: sel.is_some_and(|(_, r)| r == "ledsager"),
                }
            })
            .collect(),
        goals: goals
            .into_iter()
            .map(|(id, n, title)| GoalChoice {
                checked: f.goals.contains(&id.to_string()),
                id: id.to_string(),
                label: format!(
                    "Mål {n}: {}",
                    title.trim_start_matches(&format!("Mål {n}: "))
                ),
            })
            .collect(),
        f,
        heading,
        action,
        cancel_href: cancel,
        may_submit,
        is_coordinator: user.is_coordinator(),
    })
}

/// Parses and checks the form; `Some` when it may be saved.
async fn parse(
    state: &AppState,
    user: &CurrentUser,
    f: &MobilityForm,
    existing: Option<&db::mobilities::Detail>,
    errors: &mut FormErrors,
) -> Result<Option<db::mobilities::Input>, AppError> {
    let types = activity_types(state).await?;
    if !types.iter().any(|(c, _)| *c == f.activity_type) {
        errors.add("activity_type", "Vælg en aktivitetstype.");
    }
    let partner = match f.receiving_partner_id.parse::<Uuid>() {
        Ok(id) => db::partners::get(&state.pool, id)
            .await?
            .filter(|p| p.active || existing.is_some_and(|m| m.receiving_partner_id == p.id)),
        Err(_) => None,
    };
    if partner.is_none() {
        errors.add("receiving_partner_id", "Vælg en partner fra listen.");
    }
    let organisation_id = if user.is_coordinator() {
        match f.organisation_id.parse::<Uuid>() {
            Ok(id) if db::organisations::get(&state.pool, id).await?.is_some() => Some(id),
            _ => {
                errors.add("organisation_id", "Vælg den skole, der sender.");
                None
            }
        }
    } else {
        existing.map(|m| m.organisation_id).or(user.organisation_id)
    };
    let start = format::parse_date_checked(&f.start_date)
        .map_err(|e| {
            errors.add(
                "start_date",
                format::date_message(e, "Første dag", "08.03.2027"),
            )
        })
        .ok();
    let end = format::parse_date_checked(&f.end_date)
        .map_err(|e| {
            errors.add(
                "end_date",
                format::date_message(e, "Sidste dag", "12.03.2027"),
            )
        })
        .ok();
    let travel_days = match f.travel_days.trim() {
        "" => Some(0),
        s => s.parse::<i16>().ok(),
    };
    if travel_days.is_none() {
        errors.add(
            "travel_days",
            "Skriv antal rejsedage som et tal fra 0 til 6.",
        );
    }
    if !rules::TRANSPORTS.iter().any(|t| t.0 == f.transport) {
        errors.add("transport", "Vælg transportmiddel.");
    }
    let mut text = |field: &'static str, value: &str, max: usize| {
        validate::optional(value, max).unwrap_or_else(|m| {
            errors.add(field, m);
            String::new()
        })
    };
    let venue_city = text("venue_city", &f.venue_city, 150);
    let purpose = text("purpose", &f.purpose, 5000);
    let expected_learning = text("expected_learning", &f.expected_learning, 5000);
    let course_title = text("course_title", &f.course_title, 300);
    let course_esep_id = text("course_esep_id", &f.course_esep_id, 100);
    // Participants: known people, each once.
    let mut seen = HashSet::new();
    let mut participants = Vec::new();
    for (id, role) in &f.participants {
        match id.parse::<Uuid>() {
            Ok(id) if seen.insert(id) => participants.push((id, role.clone())),
            Ok(_) => {}
            Err(_) => errors.add("deltagere", "Vælg deltagerne fra listen."),
        }
    }
    let ids: Vec<Uuid> = participants.iter().map(|p| p.0).collect();
    let mut people = db::staff::brief(&state.pool, &ids).await?;
    let already_on: HashSet<Uuid> = match existing {
        Some(m) => db::mobilities::participants(&state.pool, m.id)
            .await?
            .into_iter()
            .map(|p| p.staff_id)
            .collect(),
        None => HashSet::new(),
    };
    // A school leader learns nothing about another school's staff from this form: a person of
    // another school who is not already on the mobility is refused without a name.
    if user.role != Role::Koordinator {
        let before = people.len();
        people.retain(|p| {
            Some(p.organisation_id) == user.organisation_id || already_on.contains(&p.id)
        });
        if people.len() != before {
            errors.add(
                "deltagere",
                "Du kan kun tilmelde medarbejdere fra din egen skole. Vælg deltagerne fra listen.",
            );
        }
    }
    if people.len() != participants.len() && errors.is_empty() {
        errors.add("deltagere", "En af de valgte personer findes ikke.");
    }
    for p in &people {
        if !p.active && !already_on.contains(&p.id) {
            errors.add(
                "deltagere",
                format!("{} er stoppet og kan ikke tilmeldes.", p.name),
            );
        }
    }
    let goal_ids: Vec<Uuid> = f.goals.iter().filter_map(|g| g.parse().ok()).collect();
    let projects = db::mobilities::projects(&state.pool).await?;
    let project = match f.project_id.trim() {
        "" => match (start, end) {
            // Picked by date: the project whose period holds the whole mobility.
            (Some(s), Some(e)) => projects
                .iter()
                .find(|p| p.start_date <= s && e <= p.end_date)
                .cloned(),
            _ => None,
        },
        id => match projects.iter().find(|p| p.id.to_string() == id) {
            Some(p) => Some(p.clone()),
            None => {
                errors.add("project_id", "Vælg en bevilling fra listen.");
                None
            }
        },
    };
    let (Some(start), Some(end), Some(travel_days), Some(partner), Some(organisation_id)) =
        (start, end, travel_days, partner, organisation_id)
    else {
        return Ok(None);
    };
    if !errors.is_empty() {
        return Ok(None);
    }
    let call_year = project
        .as_ref()
        .map(|p| p.call_year as i32)
        .unwrap_or(start.year());
    let limits = db::mobilities::limits(&state.pool, &f.activity_type, call_year).await?;
    let overlaps = db::mobilities::overlaps(
        &state.pool,
        &participants.iter().map(|p| p.0).collect::<Vec<_>>(),
        start,
        end,
        existing.map(|m| m.id),
    )
    .await?;
    let foreign = match user.role {
        Role::Koordinator => Vec::new(),
        _ => people
            .iter()
            .filter(|p| Some(p.organisation_id) != user.organisation_id)
            .map(|p| p.name.clone())
            .collect(),
    };
    let facts = rules::Facts {
        activity_type: &f.activity_type,
        start,
        end,
        travel_days,
        transport: &f.transport,
        limits: limits.as_ref(),
        project: project
            .as_ref()
            .map(|p| (p.start_date, p.end_date, p.reference.as_str())),
        participant_count: participants.len(),
        foreign_participants: foreign,
        overlaps,
        course_title: &course_title,
    };
    for p in rules::check(&facts) {
        errors.add(p.field, p.message);
    }
    Ok(errors.is_empty().then(|| db::mobilities::Input {
        activity_type: f.activity_type.clone(),
        receiving_partner_id: partner.id,
        organisation_id,
        venue_city,
        start_date: start,
        end_date: end,
        travel_days,
        green_travel: rules::is_green(&f.transport),
        transport: f.transport.clone(),
        project_id: project.map(|p| p.id),
        purpose,
        expected_learning,
        course_title,
        course_esep_id,
        participants,
        goals: goal_ids,
    }))
}

fn may_register(user: &CurrentUser) -> Result<(), AppError> {
    if user.role == Role::Medarbejder {
        Err(AppError::Forbidden)
    } else {
        Ok(())
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    may_register(&user)?;
    let f = MobilityForm {
        travel_days: "2".into(),
        organisation_id: user
            .organisation_id
            .map(|o| o.to_string())
            .unwrap_or_default(),
        ..Default::default()
    };
    let cx = FormContext {
        existing: None,
        errors: FormErrors::default(),
        conflict: Vec::new(),
    };
    Ok(render(&form_page(&state, &user, f, cx).await?)?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    raw: RawForm,
) -> Result<Response, AppError> {
    may_register(&user)?;
    check_csrf(&user, &raw.get("csrf"))?;
    let f = MobilityForm::from_raw(&raw);
    let handling = raw.get("handling");
    let mut errors = FormErrors::default();
    if handling != "vis"
        && let Some(input) = parse(&state, &user, &f, None, &mut errors).await?
    {
        let status = if handling == "indstil" {
            "indstillet"
        } else {
            "kladde"
        };
        let mut tx = state.pool.begin().await?;
        let id = db::mobilities::insert(&mut tx, &input, user.account_id, status).await?;
        db::grants::recompute(&mut tx, &[id]).await?;
        let after = db::mobilities::snapshot(&mut *tx, id).await?;
        let action = if status == "indstillet" {
            "mobilitet oprettet og indstillet"
        } else {
            "mobilitet oprettet"
        };
        audit::record(
            &mut *tx,
            audit::Entry {
                account_id: Some(user.account_id),
                action,
                entity: "mobility",
                entity_id: id.to_string(),
                before: None,
                after,
                reason: "",
            },
        )
        .await?;
        tx.commit().await?;
        return Ok(Redirect::to(&format!("/mobiliteter/{id}?gemt=1")).into_response());
    }
    let status = if handling == "vis" {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let cx = FormContext {
        existing: None,
        errors,
        conflict: Vec::new(),
    };
    Ok((status, render(&form_page(&state, &user, f, cx).await?)?).into_response())
}

async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<(db::mobilities::Detail, Vec<db::mobilities::Participant>), AppError> {
    let m = db::mobilities::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let people = db::mobilities::participants(&state.pool, id).await?;
    if !may_see(user, &m, &people) {
        return Err(AppError::Forbidden);
    }
    Ok((m, people))
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let (m, people) = load(&state, &user, id).await?;
    if !rules::may_edit(actor(&user, &m), status_of(&m)) {
        return Err(AppError::Forbidden);
    }
    let goals = db::mobilities::goals(&state.pool, id).await?;
    let f = MobilityForm::from_detail(&m, &people, &goals);
    let cx = FormContext {
        existing: Some(&m),
        errors: FormErrors::default(),
        conflict: Vec::new(),
    };
    Ok(render(&form_page(&state, &user, f, cx).await?)?.into_response())
}

fn status_of(m: &db::mobilities::Detail) -> MobilityStatus {
    MobilityStatus::from_code(&m.status).unwrap_or(MobilityStatus::Kladde)
}

const FIELDS: &[(&str, &str)] = &[
    ("status", "Status"),
    ("activity_type", "Aktivitet"),
    ("partner", "Partner"),
    ("venue_city", "By"),
    ("start_date", "Startdato"),
    ("end_date", "Slutdato"),
    ("travel_days", "Rejsedage"),
    ("transport", "Transport"),
    ("deltagere", "Deltagere"),
    ("maal", "Mål"),
    ("purpose", "Formål"),
    ("expected_learning", "Forventet læring"),
    ("course_title", "Kursustitel"),
    ("course_esep_id", "Kursus-ID"),
    ("status_reason", "Begrundelse"),
];

fn code_label(field: &str, code: &str) -> Option<&'static str> {
    match field {
        "status" => MobilityStatus::from_code(code).map(MobilityStatus::label),
        "transport" => rules::TRANSPORTS.iter().find(|t| t.0 == code).map(|t| t.1),
        _ => None,
    }
}

/// The changes saved by others since `version`, for the person whose save was refused.
async fn changes_since(
    state: &AppState,
    id: Uuid,
    version: i32,
) -> Result<Vec<history::Entry>, AppError> {
    let rows: Vec<audit::Row> = sqlx::query_as(
        "SELECT l.at, coalesce(s.name, a.email) AS who, l.action, l.reason, l.before, l.after
         FROM audit_log l LEFT JOIN accounts a ON a.id = l.account_id LEFT JOIN staff s ON s.id = a.staff_id
         WHERE l.entity = 'mobility' AND l.entity_id = $1 AND (l.after->>'version')::int > $2
         ORDER BY l.at, l.id",
    )
    .bind(id.to_string())
    .bind(version)
    .fetch_all(&state.pool)
    .await?;
    Ok(history::entries(rows, FIELDS, code_label))
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    let (m, _) = load(&state, &user, id).await?;
    if !rules::may_edit(actor(&user, &m), status_of(&m)) {
        return Err(AppError::Forbidden);
    }
    check_csrf(&user, &raw.get("csrf"))?;
    let mut f = MobilityForm::from_raw(&raw);
    let handling = raw.get("handling");
    let mut errors = FormErrors::default();
    let mut conflict = Vec::new();
    if handling != "vis"
        && let Some(input) = parse(&state, &user, &f, Some(&m), &mut errors).await?
    {
        let submit = handling == "indstil"
            && matches!(
                status_of(&m),
                MobilityStatus::Kladde | MobilityStatus::Afvist
            );
        // A rejected mobility that is corrected goes back to draft until it is submitted again.
        let new_status = if submit {
            Some("indstillet")
        } else if status_of(&m) == MobilityStatus::Afvist && user.role == Role::Skoleleder {
            Some("kladde")
        } else {
            None
        };
        let mut tx = state.pool.begin().await?;
        let before = db::mobilities::snapshot(&mut *tx, id).await?;
        if db::mobilities::update(&mut tx, id, f.version, &input, new_status).await? {
            db::grants::recompute(&mut tx, &[id]).await?;
            let after = db::mobilities::snapshot(&mut *tx, id).await?;
            let action = if submit {
                "mobilitet ændret og indstillet"
            } else {
                "mobilitet ændret"
            };
            audit::record(
                &mut *tx,
                audit::Entry {
                    account_id: Some(user.account_id),
                    action,
                    entity: "mobility",
                    entity_id: id.to_string(),
                    before,
                    after,
                    reason: "",
                },
            )
            .await?;
            tx.commit().await?;
            return Ok(Redirect::to(&format!("/mobiliteter/{id}?gemt=1")).into_response());
        }
        tx.rollback().await?;
        // Someone else saved first: say what they changed, keep what this person typed.
        conflict = changes_since(&state, id, f.version).await?;
        errors.add("version", "Mobiliteten blev ændret af en anden, mens du redigerede. Dine ændringer er ikke gemt. Se hvad der er ændret, og gem igen, hvis dine ændringer stadig skal med.");
        f.version = db::mobilities::get(&state.pool, id)
            .await?
            .map(|m| m.version)
            .unwrap_or(f.version);
    }
    let status = if handling == "vis" {
        StatusCode::OK
    } else if conflict.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::CONFLICT
    };
    let cx = FormContext {
        existing: Some(&m),
        errors,
        conflict,
    };
    Ok((status, render(&form_page(&state, &user, f, cx).await?)?).into_response())
}

// ---------------------------------------------------------------------------------------------
// The detail page and the lifecycle

pub struct ActionButton {
    pub code: &'static str,
    pub label: &'static str,
    pub primary: bool,
    pub reason: bool,
    pub reason_required: bool,
}

#[derive(Template)]
#[template(path = "mobilities/show.html")]
struct ShowPage {
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
    saved: bool,
    history: Vec<history::Entry>,
    csrf: String,
    limits_unverified: bool,
    reports: Vec<ReportLine>,
    grant: Option<super::grants::Section>,
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

async fn show_page(
    state: &AppState,
    user: &CurrentUser,
    m: db::mobilities::Detail,
    people: Vec<db::mobilities::Participant>,
    errors: FormErrors,
    saved: bool,
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
    let grant = super::grants::section(state, user, m.id, &people).await?;
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
        limits_unverified: limits.is_some_and(|l| !l.verified),
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
            q.gemt.is_some(),
        )
        .await?,
    )?
    .into_response())
}

pub async fn change_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    let (m, people) = load(&state, &user, id).await?;
    check_csrf(&user, &raw.get("csrf"))?;
    let action = Action::from_code(&raw.get("handling"))
        .ok_or_else(|| AppError::BadRequest("Ukendt handling.".into()))?;
    let reason = raw
        .get("begrundelse")
        .trim()
        .chars()
        .take(2000)
        .collect::<String>();
    let ended = m.end_date < Local::now().date_naive();
    let mut errors = FormErrors::default();
    match rules::allowed(actor(&user, &m), status_of(&m), action, ended) {
        Err(msg)
            if user.role == Role::Medarbejder
                || (user.role == Role::Skoleleder && !actor(&user, &m).owns) =>
        {
            tracing::debug!(msg, "status refused");
            return Err(AppError::Forbidden);
        }
        Err(msg) => errors.add("handling", msg),
        Ok(_) if action.needs_reason() && reason.is_empty() => errors.add(
            "begrundelse",
            "Skriv en begrundelse, så skolen ved, hvad der skal rettes.",
        ),
        Ok(to) => {
            let mut tx = state.pool.begin().await?;
            let before = db::mobilities::snapshot(&mut *tx, id).await?;
            if db::mobilities::set_status(&mut *tx, id, &m.status, to.code(), &reason).await? {
                let after = db::mobilities::snapshot(&mut *tx, id).await?;
                let what = format!("{} → {}", status_of(&m).label(), to.label());
                audit::record(
                    &mut *tx,
                    audit::Entry {
                        account_id: Some(user.account_id),
                        action: &what,
                        entity: "mobility",
                        entity_id: id.to_string(),
                        before,
                        after,
                        reason: &reason,
                    },
                )
                .await?;
                tx.commit().await?;
                return Ok(Redirect::to(&format!("/mobiliteter/{id}?gemt=1")).into_response());
            }
            errors.add(
                "handling",
                "Mobilitetens status er ændret af en anden imens. Se den nye status herunder.",
            );
        }
    }
    let (m, people) = if errors.get("handling").is_some() {
        load(&state, &user, id).await?
    } else {
        (m, people)
    };
    let page = show_page(&state, &user, m, people, errors, false).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

/// The last day of a year, for the overview.
pub fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year"),
        NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year"),
    )
}

pub fn status_label(code: &str) -> String {
    label_or_code(code, MobilityStatus::from_code, MobilityStatus::label)
}
