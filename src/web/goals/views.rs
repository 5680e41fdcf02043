//! An indicator and a goal as the goal pages and the start pages show them: an
//! [`IndicatorView`] with its baseline, target, latest value, progress and chart; and a goal's
//! [`GoalCard`] with its indicators.

use chrono::Local;
use uuid::Uuid;

use super::charts::{Chart, Point, chart, progress_of, series, show_value};
use super::{View, rubric_of};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, goals::Indicator};
use crate::domain::Role;
use crate::domain::progress::{self, Progress};
use crate::error::AppError;

/// An indicator as a goal's page and the dashboard show it.
pub struct IndicatorView {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub source: String,
    pub scope_label: String,
    pub automatic: bool,
    pub qualitative: bool,
    pub baseline: String,
    pub target: String,
    pub latest: String,
    pub progress: String,
    pub bar: i64,
    pub chart: Chart,
    pub rows: Vec<(String, String)>,
    pub may_enter: bool,
    pub may_edit: bool,
    pub rubric: Vec<(String, String)>,
    pub state: Progress,
}

pub fn view_of(
    ind: &Indicator,
    points: Vec<Point>,
    scope_label: &str,
    may_enter: bool,
    may_edit: bool,
) -> IndicatorView {
    let p = progress_of(ind, &points);
    let unit = &ind.unit;
    IndicatorView {
        id: ind.id,
        name: ind.name.clone(),
        description: ind.description.clone(),
        source: ind.source.clone(),
        scope_label: scope_label.to_string(),
        automatic: ind.automatic.is_some(),
        qualitative: ind.kind == "kvalitativ",
        baseline: match (ind.baseline_value, &ind.baseline_period) {
            (Some(v), Some(p)) => format!("{} ({p})", show_value(v, unit)),
            (Some(v), None) => show_value(v, unit),
            _ => "Ikke sat".into(),
        },
        target: match (ind.target_value, &ind.target_period) {
            (Some(v), Some(p)) => format!(
                "{} ({p}), {}",
                show_value(v, unit),
                if ind.higher_is_better {
                    "højere er bedre"
                } else {
                    "lavere er bedre"
                }
            ),
            (Some(v), None) => show_value(v, unit),
            _ => "Ikke sat".into(),
        },
        latest: points
            .last()
            .map(|l| format!("{} ({})", show_value(l.value, unit), l.period))
            .unwrap_or_else(|| "Ingen målinger".into()),
        progress: p.describe(),
        bar: p.bar_percent(),
        chart: chart(ind, &points, scope_label),
        rows: points
            .iter()
            .map(|pt| (pt.period.clone(), show_value(pt.value, unit)))
            .collect(),
        may_enter: may_enter && ind.automatic.is_none(),
        may_edit,
        rubric: rubric_of(ind),
        state: p,
    }
}

/// Views of every indicator of the goals for one view, in a handful of queries.
pub async fn indicator_views(
    state: &AppState,
    user: &CurrentUser,
    goal: Option<Uuid>,
    view: View,
) -> Result<Vec<(Uuid, IndicatorView)>, AppError> {
    Ok(indicator_data(state, user, goal, view).await?.views)
}

/// The views, with the indicators and measurements they were made from, for pages that show
/// more of the same data (a goal's table of schools) without asking the database again.
pub struct IndicatorData {
    pub views: Vec<(Uuid, IndicatorView)>,
    pub indicators: Vec<Indicator>,
    pub measurements: Vec<db::goals::Measurement>,
}

pub async fn indicator_data(
    state: &AppState,
    user: &CurrentUser,
    goal: Option<Uuid>,
    view: View,
) -> Result<IndicatorData, AppError> {
    let indicators = db::goals::indicators(&state.pool, goal).await?;
    let ids: Vec<Uuid> = indicators.iter().map(|i| i.id).collect();
    let school = match view {
        View::School(s) => Some(s),
        View::Consortium => None,
    };
    let measurements = db::goals::measurements(&state.pool, &ids, school).await?;
    let now = progress::period_of(Local::now().date_naive());
    let this_year = progress::first_year_of(&now).unwrap_or(2000);
    let label = match (view, &user.organisation_name) {
        (View::School(_), Some(n)) => n.clone(),
        _ => "Hele konsortiet".to_string(),
    };
    let effective = |ind: &Indicator| {
        // A school's view of a consortium-wide indicator shows the consortium's numbers.
        if ind.per_school {
            view
        } else {
            View::Consortium
        }
    };
    let school_of = |v: View| match v {
        View::School(s) => Some(s),
        View::Consortium => None,
    };
    let wanted: Vec<db::goals::Wanted> = indicators
        .iter()
        .filter_map(|ind| {
            let code = ind.automatic.as_deref()?;
            let from = ind.baseline_period.as_deref().unwrap_or(&now);
            Some(db::goals::Wanted {
                indicator: ind.id,
                goal: ind.goal_id,
                code,
                from_year: progress::first_year_of(from).unwrap_or(this_year),
                school: school_of(effective(ind)),
            })
        })
        .collect();
    let automatic = db::goals::automatic_series(&state.pool, &wanted, this_year).await?;
    let mut out = Vec::new();
    for ind in &indicators {
        let effective = effective(ind);
        let points = match &ind.automatic {
            Some(_) => automatic
                .iter()
                .filter(|(id, _, _)| *id == ind.id)
                .map(|(_, period, value)| Point {
                    period: period.clone(),
                    value: *value,
                })
                .collect(),
            None => series(ind, &measurements, effective),
        };
        let may_enter = match user.role {
            Role::Koordinator => true,
            Role::Skoleleder => ind.per_school,
            Role::Medarbejder => false,
        };
        let school_count = measurements
            .iter()
            .filter(|m| m.indicator_id == ind.id)
            .filter_map(|m| m.organisation_id)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        let averaged = format!(
            "Hele konsortiet: gennemsnit af {school_count} skoler, kun år hvor alle har målt"
        );
        let scope = match effective {
            View::Consortium if ind.per_school && ind.automatic.is_none() && school_count > 0 => {
                averaged.as_str()
            }
            View::Consortium => "Hele konsortiet",
            View::School(_) => &label,
        };
        out.push((
            ind.goal_id,
            view_of(ind, points, scope, may_enter, user.is_coordinator()),
        ));
    }
    Ok(IndicatorData {
        views: out,
        indicators,
        measurements,
    })
}

pub struct GoalCard {
    pub anchor: String,
    pub href: String,
    pub title: String,
    pub description: String,
    pub results_year: String,
    pub status: String,
    pub summary: String,
    pub bar: i64,
    pub indicators: Vec<IndicatorView>,
}

/// The goal cards of the dashboard and `/maal`: every goal with its indicators' views.
pub async fn goal_cards(
    state: &AppState,
    user: &CurrentUser,
    view: View,
) -> Result<Vec<GoalCard>, AppError> {
    let goals = db::goals::list(&state.pool).await?;
    let mut views = indicator_views(state, user, None, view).await?;
    Ok(goals
        .into_iter()
        .map(|g| {
            let mine: Vec<IndicatorView> = {
                let (take, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut views)
                    .into_iter()
                    .partition(|(gid, _)| *gid == g.id);
                views = keep;
                take.into_iter().map(|(_, v)| v).collect()
            };
            let progresses: Vec<Progress> = mine.iter().map(|v| v.state.clone()).collect();
            let summary = progress::summary(&progresses);
            GoalCard {
                anchor: format!("goal-{}", g.id),
                href: format!("/maal/{}", g.id),
                results_year: g
                    .results_year
                    .map(|y| format!("Resultater ventes i projektår {y}"))
                    .unwrap_or_default(),
                status: goal_status_label(&g.status).to_string(),
                summary: summary
                    .map(|s| {
                        format!(
                            "I gennemsnit {:.0} % af vejen for de indikatorer, der er målt.",
                            s * 100.0
                        )
                    })
                    .unwrap_or_else(|| "Ingen indikatorer er målt endnu.".into()),
                bar: summary
                    .map(|s| (s * 100.0).round().clamp(0.0, 100.0) as i64)
                    .unwrap_or(0),
                title: g.title,
                description: g.description,
                indicators: mine,
            }
        })
        .collect())
}

pub fn goal_status_label(code: &str) -> &'static str {
    match code {
        "planlagt" => "Planlagt",
        "aktiv" => "I gang",
        "opnaaet" => "Opnået",
        "afsluttet" => "Afsluttet",
        _ => "Ukendt",
    }
}
