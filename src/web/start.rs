//! `/`: each role's start page. The coordinator sees the consortium at a glance, a school leader
//! their school, a staff member their own mobilities.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Local};

use super::{Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, mobilities::Scope};
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

pub struct Count {
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "start/coordinator.html")]
struct CoordinatorStart {
    layout: Layout,
    travel_year: i32,
    figures: Vec<Count>,
    by_status: Vec<Count>,
    schools: Vec<SchoolLine>,
    upcoming: Vec<MobilityLine>,
    goals: Vec<super::goals::GoalCard>,
    featured: Vec<super::reports::ReflectionView>,
}

pub struct SchoolLine {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub staff: i64,
    pub mobilities: i64,
}

#[derive(Template)]
#[template(path = "start/leader.html")]
struct LeaderStart {
    layout: Layout,
    school_name: String,
    school_href: String,
    staff_count: usize,
    upcoming: Vec<MobilityLine>,
    by_status: Vec<Count>,
    travel_year: i32,
    goals: Vec<super::goals::GoalCard>,
}

#[derive(Template)]
#[template(path = "start/staff.html")]
struct StaffStart {
    layout: Layout,
    first_name: String,
    todo: Vec<(String, String)>,
    featured: Vec<super::reports::ReflectionView>,
    upcoming: Vec<MobilityLine>,
    past: Vec<MobilityLine>,
}

fn status_counts(rows: Vec<db::mobilities::StatusCount>) -> Vec<Count> {
    MobilityStatus::ALL
        .iter()
        .map(|s| Count {
            label: s.label().to_string(),
            value: rows
                .iter()
                .find(|r| r.status == s.code())
                .map(|r| r.count)
                .unwrap_or(0)
                .to_string(),
        })
        .collect()
}

pub async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let today = Local::now().date_naive();
    let travel_year = today.year();
    let html = match user.role {
        Role::Koordinator => {
            let orgs = db::organisations::list(&state.pool).await?;
            let partners = db::partners::list(&state.pool).await?;
            let upcoming =
                db::mobilities::summaries(&state.pool, Scope::All, Some(today), 8).await?;
            let by_status = db::mobilities::count_by_status(&state.pool, None, travel_year).await?;
            let schools: Vec<_> = orgs
                .iter()
                .filter(|o| o.org.active && !o.org.is_coordinator)
                .collect();
            let mut countries: Vec<&str> = partners
                .iter()
                .filter(|p| p.active)
                .map(|p| p.country_code.as_str())
                .collect();
            countries.sort_unstable();
            countries.dedup();
            let figures = vec![
                Count {
                    label: "Medlemsskoler".into(),
                    value: schools.len().to_string(),
                },
                Count {
                    label: "Aktive medarbejdere".into(),
                    value: format::thousands(orgs.iter().map(|o| o.staff_count).sum()),
                },
                Count {
                    label: "Partnere i udlandet".into(),
                    value: partners.iter().filter(|p| p.active).count().to_string(),
                },
                Count {
                    label: "Partnerlande".into(),
                    value: countries.len().to_string(),
                },
            ];
            render(&CoordinatorStart {
                layout: Layout::new("Konsortiet", "forside", &user),
                travel_year,
                figures,
                by_status: status_counts(by_status),
                schools: schools
                    .iter()
                    .map(|o| SchoolLine {
                        href: format!("/skoler/{}", o.org.id),
                        name: o.org.name.clone(),
                        kind: label_or_code(
                            &o.org.kind,
                            crate::domain::OrgKind::from_code,
                            crate::domain::OrgKind::label,
                        ),
                        staff: o.staff_count,
                        mobilities: o.mobility_count,
                    })
                    .collect(),
                upcoming: upcoming.iter().map(MobilityLine::from).collect(),
                goals: super::goals::goal_cards(&state, &user, super::goals::View::Consortium)
                    .await?,
                featured: super::reports::featured(&state).await?,
            })?
        }
        Role::Skoleleder => {
            let org_id = user.organisation_id.ok_or(AppError::Forbidden)?;
            let staff = db::staff::list(&state.pool, Some(org_id)).await?;
            let upcoming =
                db::mobilities::summaries(&state.pool, Scope::School(org_id), Some(today), 10)
                    .await?;
            let by_status =
                db::mobilities::count_by_status(&state.pool, Some(org_id), travel_year).await?;
            let school_name = user.organisation_name.clone().unwrap_or_default();
            render(&LeaderStart {
                layout: Layout::new(&school_name, "forside", &user),
                school_href: format!("/skoler/{org_id}"),
                school_name,
                staff_count: staff.iter().filter(|s| s.active).count(),
                upcoming: upcoming.iter().map(MobilityLine::from).collect(),
                by_status: status_counts(by_status),
                travel_year,
                goals: super::goals::goal_cards(&state, &user, super::goals::View::School(org_id))
                    .await?,
            })?
        }
        Role::Medarbejder => {
            let me = user.staff_id.ok_or(AppError::Forbidden)?;
            let all = db::mobilities::summaries(&state.pool, Scope::Person(me), None, 100).await?;
            let (upcoming, past): (Vec<_>, Vec<_>) = all.iter().partition(|m| m.end_date >= today);
            let mut upcoming: Vec<MobilityLine> =
                upcoming.into_iter().map(MobilityLine::from).collect();
            upcoming.reverse(); // soonest first
            render(&StaffStart {
                todo: super::reports::todo(&state, me).await?,
                featured: super::reports::featured(&state).await?,
                layout: Layout::new("Mine mobiliteter", "forside", &user),
                first_name: user
                    .name
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string(),
                upcoming,
                past: past.into_iter().map(MobilityLine::from).collect(),
            })?
        }
    };
    Ok(html.into_response())
}
