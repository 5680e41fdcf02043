//! `POST /projekter/{id}/bm-import/anvend`: after a comparison, the coordinator may take the BM's
//! dates and interrupted days into Udsyn with an explicit button — all of them or none. The
//! mobility rules (duration, the project's period, overlapping trips) are checked again, every
//! mobility must be as it was when the file was compared, and the grants are recomputed.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::compare::{self, Offer};
use super::context;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::bm::{self, DatedRow, Field, FileRow, Plan};
use crate::domain::{format, mobility};
use crate::error::AppError;
use crate::web::forms::{RawForm, check_csrf};
use crate::web::{FormErrors, Id, render};

/// One participant mobility in the hidden form: its ID, its mobility's version, the BM's values.
pub struct Hidden {
    pub id: String,
    pub version: i32,
    pub start: String,
    pub end: String,
    pub interrupted: String,
}

fn dated(
    p: &db::bm::Participant,
    start: Option<&str>,
    end: Option<&str>,
    interrupted: Option<&str>,
) -> DatedRow {
    DatedRow {
        mobility: p.mobility_id,
        staff: p.staff_id,
        label: format!("{} ({})", p.row.bm_id, p.name),
        start: p.row.start,
        end: p.row.end,
        interrupted_days: p.row.interrupted_days,
        bm_start: start.and_then(bm::parse_date),
        bm_end: end.and_then(bm::parse_date),
        bm_interrupted: interrupted.and_then(bm::parse_whole),
    }
}

/// What the comparison offers to take over, if anything: the rows of the mobilities the BM's
/// dates or interrupted days would change.
pub fn offer(matched: &[(&FileRow, &db::bm::Participant)]) -> Option<Offer> {
    let rows: Vec<DatedRow> = matched
        .iter()
        .map(|(f, p)| {
            let get = |field| f.values.get(&field).map(String::as_str);
            dated(
                p,
                get(Field::StartDate),
                get(Field::EndDate),
                get(Field::InterruptedDays),
            )
        })
        .collect();
    let plan = bm::plan(&rows);
    if plan.is_empty() && plan.problems.is_empty() {
        return None;
    }
    let touched: Vec<Uuid> = plan.mobilities.iter().map(|m| m.0).collect();
    let hidden = rows
        .iter()
        .zip(matched)
        .filter(|(r, _)| touched.contains(&r.mobility))
        .map(|(r, (_, p))| Hidden {
            id: p.row.bm_id.clone(),
            version: p.mobility_version,
            start: r.bm_start.map(bm::date).unwrap_or_default(),
            end: r.bm_end.map(bm::date).unwrap_or_default(),
            interrupted: r.bm_interrupted.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect();
    Some(Offer {
        rows: hidden,
        moved: plan.moved().count(),
        interrupted: plan.interrupted.len(),
        problems: plan.problems,
    })
}

/// The mobility rules the new dates must keep, for the mobilities whose dates move.
async fn rule_problems(
    state: &AppState,
    project: &db::bm::Project,
    plan: &Plan,
    labels: &HashMap<Uuid, String>,
) -> Result<Vec<String>, AppError> {
    let moved: Vec<(Uuid, chrono::NaiveDate, chrono::NaiveDate)> =
        plan.moved().map(|m| (m.0, m.1, m.2)).collect();
    if moved.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = moved.iter().map(|m| m.0).collect();
    let facts: HashMap<Uuid, db::bm::MobilityFacts> = db::bm::mobility_facts(&state.pool, &ids)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    let limits = db::bm::all_limits(&state.pool).await?;
    let overlaps = db::bm::overlaps(&state.pool, &moved).await?;
    let mut out = Vec::new();
    for (id, start, end) in &moved {
        let Some(f) = facts.get(id) else { continue };
        let label = labels.get(id).map_or("", String::as_str);
        // The rule of the project's call year, or the latest before it.
        let limit = limits
            .iter()
            .filter(|(a, l)| *a == f.activity_type && l.call_year <= project.call_year)
            .map(|(_, l)| l)
            .max_by_key(|l| l.call_year);
        let problems = mobility::check(&mobility::Facts {
            activity_type: &f.activity_type,
            start: *start,
            end: *end,
            travel_days: f.travel_days,
            transport: &f.transport,
            limits: limit,
            project: Some((project.start_date, project.end_date, &project.reference)),
            participant_count: f.participants as usize,
            foreign_participants: Vec::new(),
            overlaps: Vec::new(),
            course_title: &f.course_title,
        });
        // Only what the dates decide; anything else was so before and is not the BM's doing.
        for p in problems
            .into_iter()
            .filter(|p| matches!(p.field, "start_date" | "end_date"))
        {
            out.push(format!("{label}: {}", p.message));
        }
        for (_, b) in overlaps.iter().filter(|(m, _)| m == id) {
            out.push(format!(
                "{label}: {} er allerede af sted {} hos {}.",
                b.person,
                format::date_range(b.start, b.end),
                b.partner
            ));
        }
    }
    Ok(out)
}

pub async fn apply(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    let project = context(&state, &user, id).await?;
    check_csrf(&user, &raw.get("csrf"))?;
    let mut indices: Vec<usize> = raw
        .0
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("id_")?.parse().ok())
        .filter(|i| *i <= bm::MAX_ROWS)
        .collect();
    indices.sort_unstable();
    indices.dedup();

    let mut conn = state.pool.acquire().await?;
    let people = db::bm::participants(&mut conn, &project).await?;
    drop(conn);
    let by_id: HashMap<String, &db::bm::Participant> = people
        .iter()
        .filter(|p| !p.row.bm_id.is_empty())
        .map(|p| (p.row.bm_id.to_uppercase(), p))
        .collect();
    let mut problems = Vec::new();
    let mut stale = false;
    let mut versions: HashMap<Uuid, i32> = HashMap::new();
    let mut labels: HashMap<Uuid, String> = HashMap::new();
    let mut rows = Vec::new();
    for i in indices {
        let field = |name: &str| raw.get(&format!("{name}_{i}"));
        let bm_id = field("id");
        let Some(p) = by_id.get(&bm_id.trim().to_uppercase()) else {
            problems.push(format!(
                "{bm_id} er ikke længere med i Udsyn. Send BM-filen igen."
            ));
            continue;
        };
        let version = field("v").trim().parse::<i32>().unwrap_or(-1);
        if version != p.mobility_version {
            stale = true;
        }
        versions.entry(p.mobility_id).or_insert(p.mobility_version);
        labels
            .entry(p.mobility_id)
            .or_insert_with(|| format!("{} ({})", p.row.bm_id, p.name));
        let (s, e, d) = (field("s"), field("e"), field("i"));
        let some = |v: &str| (!v.trim().is_empty()).then(|| v.to_string());
        rows.push(dated(
            p,
            some(&s).as_deref(),
            some(&e).as_deref(),
            some(&d).as_deref(),
        ));
    }
    let plan = bm::plan(&rows);
    problems.extend(plan.problems.iter().cloned());
    if plan.is_empty() && problems.is_empty() {
        problems.push("Der er intet at overføre: Udsyn har allerede BM's datoer.".into());
    }
    if stale {
        let p = compare::refused_page(
            &state,
            &user,
            &project,
            "En eller flere mobiliteter er ændret i Udsyn, efter du sammenlignede. Intet er overført. Send BM-filen igen, og se forskellene på ny.".into(),
        )
        .await?;
        return Ok((StatusCode::CONFLICT, render(&p)?).into_response());
    }
    if problems.is_empty() {
        problems = rule_problems(&state, &project, &plan, &labels).await?;
    }
    if !problems.is_empty() {
        let mut errors = FormErrors::default();
        errors.add("fil", "Intet er overført.");
        for m in problems {
            errors.add("fil", m);
        }
        let p = compare::errors_page(&state, &user, &project, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    }
    let mut tx = state.pool.begin().await?;
    if !db::bm::apply(
        &mut tx,
        &plan,
        &versions,
        user.account_id,
        "Overført fra BM's eksport",
    )
    .await?
    {
        tx.rollback().await?;
        let p = compare::refused_page(
            &state,
            &user,
            &project,
            "En mobilitet blev ændret, mens Udsyn overførte. Intet er overført. Send BM-filen igen.".into(),
        )
        .await?;
        return Ok((StatusCode::CONFLICT, render(&p)?).into_response());
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/projekter/{}/bm-import?overfoert={}",
        project.id,
        plan.mobilities.len()
    ))
    .into_response())
}
