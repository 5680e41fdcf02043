//! The registration form of a mobility: what was typed ([`MobilityForm`]), the page with its
//! choices of activity, partner, project, staff and goals, and the parsing and checking of what
//! was sent (the rules in `domain::mobility`).

use std::collections::HashSet;

use askama::Template;
use chrono::Datelike;
use uuid::Uuid;

use super::owned;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::mobility as rules;
use crate::domain::{MobilityStatus, Role, format, validate};
use crate::error::AppError;
use crate::web::forms::{RawForm, SelectOption, options};
use crate::web::history;
use crate::web::{FormErrors, Layout};

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
    pub(super) fn from_raw(f: &RawForm) -> MobilityForm {
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

    pub(super) fn from_detail(
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
pub(super) struct FormPage {
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

pub(super) struct FormContext<'a> {
    pub(super) existing: Option<&'a db::mobilities::Detail>,
    pub(super) errors: FormErrors,
    pub(super) conflict: Vec<history::Entry>,
}

pub(super) async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    f: MobilityForm,
    cx: FormContext<'_>,
) -> Result<FormPage, AppError> {
    let types = db::projects::activity_types(&state.pool).await?;
    let partners = db::partners::choices(&state.pool, &f.receiving_partner_id).await?;
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
pub(super) async fn parse(
    state: &AppState,
    user: &CurrentUser,
    f: &MobilityForm,
    existing: Option<&db::mobilities::Detail>,
    errors: &mut FormErrors,
) -> Result<Option<db::mobilities::Input>, AppError> {
    let types = db::projects::activity_types(&state.pool).await?;
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
    // A participant who has written (or begun) a report stays on the mobility: the report is
    // theirs and belongs to it.
    if let Some(m) = existing {
        let leaving: Vec<Uuid> = already_on
            .iter()
            .filter(|p| !seen.contains(*p))
            .copied()
            .collect();
        if !leaving.is_empty() {
            for name in db::reports::authors_among(&state.pool, m.id, &leaving).await? {
                errors.add("deltagere", removal_refused(&name));
            }
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

/// Why a participant with a report cannot be taken off the mobility.
pub fn removal_refused(name: &str) -> String {
    format!(
        "{name} har en rapport om mobiliteten og kan derfor ikke tages af den. Mobiliteten er ikke gemt."
    )
}
