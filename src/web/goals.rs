//! `/maal`: the three goals of the Erasmus Plan against their baseline. Indicators, measurements
//! entered by the administration and the schools, progress told honestly, small charts with the
//! baseline and target drawn in, the annual goal report and the export of every measurement.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Local;
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{RawForm, SelectOption, check_csrf, options, school_options};
use super::start::MobilityLine;
use super::{FormErrors, Id, Layout, render};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, audit, goals::Indicator, mobilities::Scope};
use crate::domain::progress::{self, Progress};
use crate::domain::{Role, format, validate};
use crate::error::AppError;

// ---------------------------------------------------------------------------------------------
// Series, progress and charts

/// One value per school year.
#[derive(Debug, Clone)]
pub struct Point {
    pub period: String,
    pub value: f64,
}

/// Whose numbers a view shows: the whole consortium, or one school.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Consortium,
    School(Uuid),
}

/// The series of an indicator for a view. Consortium-wide values are the ones entered for the
/// whole consortium or, failing those, the average of the schools' values that year.
pub fn series(ind: &Indicator, measurements: &[db::goals::Measurement], view: View) -> Vec<Point> {
    let mine: Vec<&db::goals::Measurement> = measurements
        .iter()
        .filter(|m| m.indicator_id == ind.id)
        .collect();
    let value = |m: &db::goals::Measurement| m.value.or(m.level.map(f64::from));
    let mut by_period: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    match view {
        View::School(s) => {
            for m in mine.iter().filter(|m| m.organisation_id == Some(s)) {
                by_period
                    .entry(m.period.clone())
                    .or_default()
                    .extend(value(m));
            }
        }
        View::Consortium => {
            let whole: Vec<_> = mine
                .iter()
                .filter(|m| m.organisation_id.is_none())
                .collect();
            if !whole.is_empty() {
                for m in whole {
                    by_period
                        .entry(m.period.clone())
                        .or_default()
                        .extend(value(m));
                }
            } else {
                // The average of the schools, only for school years in which every school that
                // measures this indicator has reported: one early school must not speak for all.
                let schools: std::collections::BTreeSet<Uuid> =
                    mine.iter().filter_map(|m| m.organisation_id).collect();
                let mut per: BTreeMap<String, Vec<f64>> = BTreeMap::new();
                for m in &mine {
                    per.entry(m.period.clone()).or_default().extend(value(m));
                }
                by_period = per
                    .into_iter()
                    .filter(|(_, v)| v.len() == schools.len())
                    .collect();
            }
        }
    }
    by_period
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(period, v)| Point {
            value: v.iter().sum::<f64>() / v.len() as f64,
            period,
        })
        .collect()
}

/// Progress of a series: the latest value after the baseline period.
pub fn progress_of(ind: &Indicator, points: &[Point]) -> Progress {
    let latest = points
        .iter()
        .rev()
        .find(|p| ind.baseline_period.as_ref().is_none_or(|b| p.period > *b))
        .map(|p| p.value);
    progress::progress(
        ind.baseline_value,
        ind.target_value,
        latest,
        ind.higher_is_better,
    )
}

/// A number as Danes write it, with the indicator's unit.
pub fn show_value(v: f64, unit: &str) -> String {
    let n = if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}").replace('.', ",")
    };
    match unit {
        "" => n,
        "%" => format!("{n} %"),
        "niveau" => format!("niveau {n}"),
        u => format!("{n} {u}"),
    }
}

pub struct ChartPoint {
    pub x: String,
    pub y: String,
    pub label: String,
}

pub struct Axis {
    pub pos: String,
    pub label: String,
}

/// A small line chart: the series, with the baseline and target as dashed lines.
pub struct Chart {
    pub width: u32,
    pub height: u32,
    pub title: String,
    pub desc: String,
    pub line: String,
    pub points: Vec<ChartPoint>,
    pub baseline_y: Option<String>,
    pub target_y: Option<String>,
    pub x_axis: Vec<Axis>,
    pub y_axis: Vec<Axis>,
    pub plot_left: u32,
    pub plot_right: u32,
    pub plot_bottom: u32,
}

fn period_range(from: &str, to: &str) -> Vec<String> {
    let (Ok(a), Ok(b)) = (from[..4].parse::<i32>(), to[..4].parse::<i32>()) else {
        return vec![from.to_string()];
    };
    (a..=b.max(a))
        .map(|y| format!("{y}/{:02}", (y + 1) % 100))
        .collect()
}

pub fn chart(ind: &Indicator, points: &[Point], scope_label: &str) -> Chart {
    let (w, h, left, right, top, bottom) = (420u32, 190u32, 56u32, 404u32, 16u32, 160u32);
    let first = ind
        .baseline_period
        .clone()
        .or_else(|| points.first().map(|p| p.period.clone()))
        .unwrap_or_else(|| progress::period_of(Local::now().date_naive()));
    let mut last = ind.target_period.clone().unwrap_or_else(|| first.clone());
    if let Some(p) = points.last()
        && p.period > last
    {
        last = p.period.clone();
    }
    let periods = period_range(&first, &last);
    let mut values: Vec<f64> = points.iter().map(|p| p.value).collect();
    values.extend(ind.baseline_value);
    values.extend(ind.target_value);
    let (mut lo, mut hi) = values
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    if values.is_empty() {
        (lo, hi) = (0.0, 1.0);
    }
    if (hi - lo).abs() < 1e-9 {
        lo -= 1.0;
        hi += 1.0;
    }
    // Round steps (1, 2, 2,5 or 5 times a power of ten) so the axis reads 4 – 5 – 6 – 7.
    let raw_step = (hi - lo) / 4.0;
    let magnitude = 10f64.powf(raw_step.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw_step)
        .unwrap_or(raw_step);
    let lo = ((lo / step).floor() * step).max(ind.min_value.unwrap_or(f64::MIN));
    let hi = ((hi / step).ceil() * step).min(ind.max_value.unwrap_or(f64::MAX));
    let (lo, hi) = if hi - lo < step {
        (lo, lo + step)
    } else {
        (lo, hi)
    };
    let x_of = |period: &str| {
        let i = periods.iter().position(|p| p == period).unwrap_or(0) as f64;
        let n = (periods.len().max(2) - 1) as f64;
        left as f64 + 10.0 + i / n * (right - left - 20) as f64
    };
    let y_of = |v: f64| bottom as f64 - (v - lo) / (hi - lo) * (bottom - top) as f64;
    let chart_points: Vec<ChartPoint> = points
        .iter()
        .filter(|p| periods.contains(&p.period))
        .map(|p| ChartPoint {
            x: format!("{:.1}", x_of(&p.period)),
            y: format!("{:.1}", y_of(p.value)),
            label: show_value(p.value, &ind.unit),
        })
        .collect();
    let line = chart_points
        .iter()
        .map(|p| format!("{},{}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ");
    let ticks = ((hi - lo) / step).round().max(1.0) as usize;
    let y_axis = (0..=ticks)
        .map(|i| {
            let v = lo + step * i as f64;
            Axis {
                pos: format!("{:.1}", y_of(v)),
                label: show_value(
                    (v * 100.0).round() / 100.0,
                    if i == ticks { &ind.unit } else { "" },
                ),
            }
        })
        .collect();
    let step = (periods.len() / 5).max(1);
    let x_axis = periods
        .iter()
        .enumerate()
        .filter(|(i, _)| i % step == 0 || *i == periods.len() - 1)
        .map(|(_, p)| Axis {
            pos: format!("{:.1}", x_of(p)),
            label: p.clone(),
        })
        .collect();
    let described: Vec<String> = points
        .iter()
        .map(|p| format!("{}: {}", p.period, show_value(p.value, &ind.unit)))
        .collect();
    let desc = format!(
        "{}. Udgangspunkt {} ({}), mål {} ({}). Målinger: {}.",
        scope_label,
        ind.baseline_value
            .map(|v| show_value(v, &ind.unit))
            .unwrap_or_else(|| "ikke sat".into()),
        ind.baseline_period.clone().unwrap_or_default(),
        ind.target_value
            .map(|v| show_value(v, &ind.unit))
            .unwrap_or_else(|| "ikke sat".into()),
        ind.target_period.clone().unwrap_or_default(),
        if described.is_empty() {
            "ingen endnu".into()
        } else {
            described.join("; ")
        }
    );
    Chart {
        width: w,
        height: h,
        title: ind.name.clone(),
        desc,
        line,
        points: chart_points,
        baseline_y: ind.baseline_value.map(|v| format!("{:.1}", y_of(v))),
        target_y: ind.target_value.map(|v| format!("{:.1}", y_of(v))),
        x_axis,
        y_axis,
        plot_left: left,
        plot_right: right,
        plot_bottom: bottom,
    }
}

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

fn rubric_of(ind: &Indicator) -> Vec<(String, String)> {
    ind.rubric
        .as_ref()
        .and_then(|r| r.as_object())
        .map(|o| {
            let mut v: Vec<(String, String)> = o
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect();
            v.sort();
            v
        })
        .unwrap_or_default()
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
    let indicators = db::goals::indicators(&state.pool, goal).await?;
    let ids: Vec<Uuid> = indicators.iter().map(|i| i.id).collect();
    let school = match view {
        View::School(s) => Some(s),
        View::Consortium => None,
    };
    let measurements = db::goals::measurements(&state.pool, &ids, school).await?;
    let now = progress::period_of(Local::now().date_naive());
    let label = match (view, &user.organisation_name) {
        (View::School(_), Some(n)) => n.clone(),
        _ => "Hele konsortiet".to_string(),
    };
    let mut out = Vec::new();
    for ind in &indicators {
        // A school's view of a consortium-wide indicator shows the consortium's numbers.
        let effective = if ind.per_school {
            view
        } else {
            View::Consortium
        };
        let points = match &ind.automatic {
            Some(code) => {
                let from = ind.baseline_period.clone().unwrap_or_else(|| now.clone());
                let school = match effective {
                    View::School(s) => Some(s),
                    View::Consortium => None,
                };
                db::goals::automatic_series(&state.pool, code, ind.goal_id, school, &from, &now)
                    .await?
                    .into_iter()
                    .map(|(period, value)| Point { period, value })
                    .collect()
            }
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
    Ok(out)
}

/// The view a person sees: a school leader their school, everyone else the consortium.
pub fn default_view(user: &CurrentUser) -> View {
    match (user.role, user.organisation_id) {
        (Role::Skoleleder, Some(s)) => View::School(s),
        _ => View::Consortium,
    }
}

// ---------------------------------------------------------------------------------------------
// Pages

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

const GOAL_STATUSES: &[(&str, &str)] = &[
    ("planlagt", "Planlagt"),
    ("aktiv", "I gang"),
    ("opnaaet", "Opnået"),
    ("afsluttet", "Afsluttet"),
];

#[derive(Template)]
#[template(path = "goals/list.html")]
struct ListPage {
    layout: Layout,
    cards: Vec<GoalCard>,
    scope_label: String,
    is_coordinator: bool,
}

pub async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let view = default_view(&user);
    let cards = goal_cards(&state, &user, view).await?;
    let page = ListPage {
        layout: Layout::new("Mål", "maal", &user),
        cards,
        scope_label: match view {
            View::School(_) => user.organisation_name.clone().unwrap_or_default(),
            View::Consortium => "hele konsortiet".into(),
        },
        is_coordinator: user.is_coordinator(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "goals/show.html")]
struct ShowPage {
    layout: Layout,
    goal: db::goals::Goal,
    status: &'static str,
    indicators: Vec<IndicatorView>,
    school_table: Vec<(String, Vec<String>)>,
    school_columns: Vec<String>,
    counts: Vec<(i32, i64, i64)>,
    mobilities: Vec<MobilityLine>,
    is_coordinator: bool,
    views: Vec<SelectOption>,
    saved: bool,
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    visning: String,
    #[serde(default)]
    gemt: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let goal = db::goals::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    // The coordinator can look at one school; a school leader always sees their own.
    let schools = db::organisations::choices(&state.pool).await?;
    let view = match user.role {
        Role::Koordinator => q
            .visning
            .parse::<Uuid>()
            .ok()
            .filter(|s| schools.iter().any(|(i, _)| i == s))
            .map(View::School)
            .unwrap_or(View::Consortium),
        _ => default_view(&user),
    };
    let mut shown_user = user.clone();
    if let View::School(s) = view {
        shown_user.organisation_name = schools
            .iter()
            .find(|(i, _)| *i == s)
            .map(|(_, n)| n.clone());
    }
    let indicators: Vec<IndicatorView> = indicator_views(&state, &shown_user, Some(id), view)
        .await?
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    // The coordinator's table: each school's latest value per indicator measured per school.
    let (school_columns, school_table) = if user.is_coordinator() && view == View::Consortium {
        let inds: Vec<Indicator> = db::goals::indicators(&state.pool, Some(id))
            .await?
            .into_iter()
            .filter(|i| i.per_school && i.automatic.is_none())
            .collect();
        let ids: Vec<Uuid> = inds.iter().map(|i| i.id).collect();
        let ms = db::goals::measurements(&state.pool, &ids, None).await?;
        let rows = schools
            .iter()
            .filter(|(s, _)| ms.iter().any(|m| m.organisation_id == Some(*s)))
            .map(|(s, name)| {
                let cells = inds
                    .iter()
                    .map(|ind| {
                        let pts = series(ind, &ms, View::School(*s));
                        let p = progress_of(ind, &pts);
                        pts.last()
                            .map(|l| {
                                format!(
                                    "{} ({}) – {}",
                                    show_value(l.value, &ind.unit),
                                    l.period,
                                    p.describe()
                                )
                            })
                            .unwrap_or_else(|| "–".into())
                    })
                    .collect();
                (name.clone(), cells)
            })
            .collect();
        (inds.iter().map(|i| i.name.clone()).collect(), rows)
    } else {
        (Vec::new(), Vec::new())
    };
    let school = match view {
        View::School(s) => Some(s),
        View::Consortium => None,
    };
    let counts = db::goals::mobility_counts(&state.pool, id, school).await?;
    let scope = match (user.role, school) {
        (Role::Medarbejder, _) => Scope::Person(user.staff_id.ok_or(AppError::Forbidden)?),
        (_, Some(s)) => Scope::School(s),
        _ => Scope::All,
    };
    let mobilities: Vec<MobilityLine> = db::mobilities::search(
        &state.pool,
        &db::mobilities::Filter {
            scope,
            call_year: None,
            school: None,
            status: None,
            activity_type: None,
            country: None,
            goal: Some(id),
            sort: "start",
            descending: true,
            limit: 50,
            offset: 0,
        },
    )
    .await?
    .iter()
    .map(|r| MobilityLine::from(&r.summary))
    .collect();
    let school_items: Vec<(String, String)> = schools
        .iter()
        .filter(|(_, n)| !n.contains("Børn og Læring"))
        .map(|(i, n)| (i.to_string(), n.clone()))
        .collect();
    let page = ShowPage {
        layout: Layout::new(&goal.title, "maal", &user),
        status: goal_status_label(&goal.status),
        indicators,
        school_table,
        school_columns,
        counts,
        mobilities,
        is_coordinator: user.is_coordinator(),
        views: options(
            school_items.iter().map(|(a, b)| (a.as_str(), b.as_str())),
            &school.map(|s| s.to_string()).unwrap_or_default(),
            Some("Hele konsortiet"),
        ),
        saved: q.gemt.is_some(),
        goal,
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// Measurements

#[derive(Template)]
#[template(path = "goals/measure.html")]
struct MeasurePage {
    layout: Layout,
    errors: FormErrors,
    ind: Indicator,
    goal_href: String,
    schools: Vec<SelectOption>,
    fixed_school: String,
    period: String,
    value: String,
    /// The unit, and how a dot is read.
    value_hint: String,
    level: String,
    note: String,
    rubric: Vec<(String, String)>,
    existing: Vec<(String, String, String, String)>,
    action: String,
}

async fn measure_context(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<Indicator, AppError> {
    let ind = db::goals::indicator(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match user.role {
        Role::Koordinator => {}
        Role::Skoleleder if ind.per_school => {}
        _ => return Err(AppError::Forbidden),
    }
    if ind.automatic.is_some() {
        return Err(AppError::BadRequest(
            "Indikatoren tælles automatisk af Udsyn og kan ikke indtastes.".into(),
        ));
    }
    Ok(ind)
}

async fn measure_page(
    state: &AppState,
    user: &CurrentUser,
    ind: Indicator,
    f: &RawForm,
    errors: FormErrors,
) -> Result<MeasurePage, AppError> {
    let school_options = if user.is_coordinator() {
        let mut o = school_options(&state.pool, &f.get("skole"), Some("Hele konsortiet")).await?;
        if ind.per_school {
            o[0].label = "Hele konsortiet (samlet tal)".into();
        }
        o
    } else {
        Vec::new()
    };
    let ms = db::goals::measurements(
        &state.pool,
        &[ind.id],
        if user.is_coordinator() {
            None
        } else {
            user.organisation_id
        },
    )
    .await?;
    let period = match f.get("periode") {
        p if p.is_empty() && errors.is_empty() => progress::period_of(Local::now().date_naive()),
        p => p,
    };
    Ok(MeasurePage {
        layout: Layout::new(&format!("Ny måling: {}", ind.name), "maal", user).with_errors(&errors),
        errors,
        goal_href: format!("/maal/{}", ind.goal_id),
        schools: school_options,
        fixed_school: if user.is_coordinator() {
            String::new()
        } else {
            user.organisation_name.clone().unwrap_or_default()
        },
        period,
        value: f.get("vaerdi"),
        value_hint: format!(
            "{}{}Komma er decimaltegn (4,5); punktum skiller tusinder (1.234 er tusind og 234).",
            ind.unit,
            if ind.unit.is_empty() { "" } else { ". " }
        ),
        level: f.get("niveau"),
        note: f.get("note"),
        rubric: rubric_of(&ind),
        existing: ms
            .iter()
            .rev()
            .take(30)
            .map(|m| {
                (
                    m.organisation_name
                        .clone()
                        .unwrap_or_else(|| "Hele konsortiet".into()),
                    m.period.clone(),
                    m.value
                        .or(m.level.map(f64::from))
                        .map(|v| show_value(v, &ind.unit))
                        .unwrap_or_default(),
                    match &m.entered_by {
                        Some(who) => format!("{who} · {}", format::timestamp(m.entered_at)),
                        None => format::timestamp(m.entered_at),
                    },
                )
            })
            .collect(),
        action: format!("/indikatorer/{}/maaling", ind.id),
        ind,
    })
}

pub async fn measure_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let ind = measure_context(&state, &user, id).await?;
    Ok(render(
        &measure_page(
            &state,
            &user,
            ind,
            &RawForm(Vec::new()),
            FormErrors::default(),
        )
        .await?,
    )?
    .into_response())
}

pub async fn measure(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    let ind = measure_context(&state, &user, id).await?;
    check_csrf(&user, &raw.get("csrf"))?;
    let mut errors = FormErrors::default();
    let school: Option<Uuid> = if user.is_coordinator() {
        match raw.get("skole").as_str() {
            "" => None,
            s => match s.parse::<Uuid>() {
                Ok(id) if db::organisations::get(&state.pool, id).await?.is_some() => Some(id),
                _ => {
                    errors.add("skole", "Vælg en skole fra listen.");
                    None
                }
            },
        }
    } else {
        Some(user.organisation_id.ok_or(AppError::Forbidden)?)
    };
    if school.is_none() && ind.per_school && !user.is_coordinator() {
        return Err(AppError::Forbidden);
    }
    let period = progress::parse_period(&raw.get("periode"));
    if period.is_none() {
        errors.add("periode", "Skriv skoleåret som 2025/26.");
    }
    let (mut value, mut level) = (None, None);
    if ind.kind == "kvalitativ" {
        match raw.get("niveau").parse::<i16>() {
            Ok(l) if (1..=4).contains(&l) => level = Some(l),
            _ => errors.add("niveau", "Vælg et niveau fra 1 til 4."),
        }
        if raw.get("note").trim().is_empty() {
            errors.add("note", "Skriv et kort belæg for niveauet.");
        }
    } else {
        let (lo, hi) = (ind.min_value.unwrap_or(-1e9), ind.max_value.unwrap_or(1e9));
        match validate::decimal_in(&raw.get("vaerdi"), lo, hi, "Værdien") {
            Ok(Some(v)) => value = Some(v),
            Ok(None) => errors.add("vaerdi", "Skriv værdien, fx 12,5."),
            Err(m) => errors.add("vaerdi", m),
        }
    }
    let note = errors.take("note", validate::optional(&raw.get("note"), 2000));
    if let (Some(period), true) = (&period, errors.is_empty()) {
        let mut tx = state.pool.begin().await?;
        let (mid, before, after) = db::goals::upsert(
            &mut tx,
            db::goals::NewMeasurement {
                indicator: ind.id,
                school,
                period,
                value,
                level,
                note: &note,
                by: user.account_id,
            },
        )
        .await?;
        let action = if before.is_some() {
            "måling rettet"
        } else {
            "måling indtastet"
        };
        audit::record(
            &mut *tx,
            audit::Entry {
                account_id: Some(user.account_id),
                action,
                entity: "measurement",
                entity_id: mid.to_string(),
                before,
                after: Some(after),
                reason: &ind.name,
            },
        )
        .await?;
        tx.commit().await?;
        let view = match (user.is_coordinator(), school) {
            (true, Some(s)) => format!("?visning={s}&gemt=1"),
            _ => "?gemt=1".into(),
        };
        return Ok(Redirect::to(&format!("/maal/{}{view}", ind.goal_id)).into_response());
    }
    let page = measure_page(&state, &user, ind, &raw, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

// ---------------------------------------------------------------------------------------------
// Editing goals and indicators (the coordinator)

#[derive(Template)]
#[template(path = "goals/edit.html")]
struct GoalEditPage {
    layout: Layout,
    errors: FormErrors,
    goal: db::goals::Goal,
    title: String,
    description: String,
    results_year: String,
    statuses: Vec<SelectOption>,
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let g = db::goals::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = GoalEditPage {
        layout: Layout::new(&format!("Rediger {}", g.title), "maal", &user),
        errors: FormErrors::default(),
        title: g.title.clone(),
        description: g.description.clone(),
        results_year: g.results_year.map(|y| y.to_string()).unwrap_or_default(),
        statuses: options(GOAL_STATUSES.iter().copied(), &g.status, None),
        goal: g,
    };
    Ok(render(&page)?.into_response())
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    check_csrf(&user, &raw.get("csrf"))?;
    let g = db::goals::get(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    let title =
        validate::required(&raw.get("title"), 200, "Skriv målets titel.").unwrap_or_else(|m| {
            errors.add("title", m);
            String::new()
        });
    let description = errors.take(
        "description",
        validate::optional(&raw.get("description"), 5000),
    );
    let results_year = match raw.get("results_year").trim() {
        "" => None,
        s => match s.parse::<i16>() {
            Ok(y) if (1..=10).contains(&y) => Some(y),
            _ => {
                errors.add("results_year", "Skriv projektåret som et tal fra 1 til 10.");
                None
            }
        },
    };
    let status = raw.get("status");
    if !GOAL_STATUSES.iter().any(|s| s.0 == status) {
        errors.add("status", "Vælg en status.");
    }
    if errors.is_empty() {
        let mut tx = state.pool.begin().await?;
        let before = serde_json::json!({"title": g.title, "description": g.description, "results_year": g.results_year, "status": g.status});
        db::goals::update(&mut *tx, id, &title, &description, results_year, &status).await?;
        let after = serde_json::json!({"title": title, "description": description, "results_year": results_year, "status": status});
        audit::record(
            &mut *tx,
            audit::Entry {
                account_id: Some(user.account_id),
                action: "mål ændret",
                entity: "goal",
                entity_id: id.to_string(),
                before: Some(before),
                after: Some(after),
                reason: "",
            },
        )
        .await?;
        tx.commit().await?;
        return Ok(Redirect::to(&format!("/maal/{id}?gemt=1")).into_response());
    }
    let page = GoalEditPage {
        layout: Layout::new(&format!("Rediger {}", g.title), "maal", &user).with_errors(&errors),
        errors,
        title,
        description,
        results_year: raw.get("results_year"),
        statuses: options(GOAL_STATUSES.iter().copied(), &status, None),
        goal: g,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

#[derive(Template)]
#[template(path = "goals/indicator.html")]
struct IndicatorPage {
    layout: Layout,
    errors: FormErrors,
    heading: String,
    action: String,
    goal_href: String,
    f: RawForm,
    kinds: Vec<SelectOption>,
    directions: Vec<SelectOption>,
    scopes: Vec<SelectOption>,
    automatic: bool,
}

impl IndicatorPage {
    pub fn v(&self, name: &str) -> String {
        self.f.get(name)
    }
}

fn indicator_form(ind: &Indicator) -> RawForm {
    let num = |v: Option<f64>| {
        v.map(|v| format!("{v}").replace('.', ","))
            .unwrap_or_default()
    };
    let mut pairs = vec![
        ("name", ind.name.clone()),
        ("description", ind.description.clone()),
        ("kind", ind.kind.clone()),
        ("unit", ind.unit.clone()),
        (
            "retning",
            if ind.higher_is_better { "op" } else { "ned" }.to_string(),
        ),
        ("baseline_value", num(ind.baseline_value)),
        (
            "baseline_period",
            ind.baseline_period.clone().unwrap_or_default(),
        ),
        ("target_value", num(ind.target_value)),
        (
            "target_period",
            ind.target_period.clone().unwrap_or_default(),
        ),
        ("source", ind.source.clone()),
        (
            "omfang",
            if ind.per_school {
                "skole"
            } else {
                "konsortium"
            }
            .to_string(),
        ),
        ("min_value", num(ind.min_value)),
        ("max_value", num(ind.max_value)),
    ];
    for (level, text) in rubric_of(ind) {
        pairs.push((
            ["niveau_1", "niveau_2", "niveau_3", "niveau_4"]
                [(level.parse::<usize>().unwrap_or(1).clamp(1, 4)) - 1],
            text,
        ));
    }
    RawForm(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn indicator_page(
    user: &CurrentUser,
    goal: Uuid,
    existing: Option<&Indicator>,
    f: RawForm,
    errors: FormErrors,
) -> IndicatorPage {
    let (heading, action) = match existing {
        Some(i) => (
            format!("Rediger indikatoren {}", i.name),
            format!("/indikatorer/{}/rediger", i.id),
        ),
        None => (
            "Ny indikator".to_string(),
            format!("/maal/{goal}/indikatorer/ny"),
        ),
    };
    IndicatorPage {
        layout: Layout::new(&heading, "maal", user).with_errors(&errors),
        errors,
        heading,
        action,
        goal_href: format!("/maal/{goal}"),
        kinds: options(
            [
                ("kvantitativ", "Kvantitativ (et tal)"),
                ("kvalitativ", "Kvalitativ (niveau 1–4 med belæg)"),
            ],
            &f.get("kind"),
            None,
        ),
        directions: options(
            [("op", "Højere er bedre"), ("ned", "Lavere er bedre")],
            &f.get("retning"),
            None,
        ),
        scopes: options(
            [
                ("skole", "Måles pr. skole"),
                ("konsortium", "Måles for hele konsortiet"),
            ],
            &f.get("omfang"),
            None,
        ),
        automatic: existing.is_some_and(|i| i.automatic.is_some()),
        f,
    }
}

pub async fn new_indicator_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(goal): Id,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    db::goals::get(&state.pool, goal)
        .await?
        .ok_or(AppError::NotFound)?;
    let f = RawForm(vec![
        ("kind".into(), "kvantitativ".into()),
        ("retning".into(), "op".into()),
        ("omfang".into(), "skole".into()),
    ]);
    Ok(render(&indicator_page(&user, goal, None, f, FormErrors::default()))?.into_response())
}

pub async fn edit_indicator_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let ind = db::goals::indicator(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(render(&indicator_page(
        &user,
        ind.goal_id,
        Some(&ind),
        indicator_form(&ind),
        FormErrors::default(),
    ))?
    .into_response())
}

fn parse_indicator(f: &RawForm, errors: &mut FormErrors) -> Option<db::goals::IndicatorInput> {
    let mut req = |field: &'static str, max: usize, missing: &'static str| {
        validate::required(&f.get(field), max, missing).unwrap_or_else(|m| {
            errors.add(field, m);
            String::new()
        })
    };
    let name = req("name", 200, "Skriv indikatorens navn.");
    let kind = f.get("kind");
    if kind != "kvantitativ" && kind != "kvalitativ" {
        errors.add("kind", "Vælg kvantitativ eller kvalitativ.");
    }
    let mut num = |field: &'static str, what: &str| {
        validate::decimal_in(&f.get(field), -1e9, 1e9, what).unwrap_or_else(|m| {
            errors.add(field, m);
            None
        })
    };
    let baseline_value = num("baseline_value", "Udgangspunktet");
    let target_value = num("target_value", "Målværdien");
    let min_value = num("min_value", "Laveste mulige værdi");
    let max_value = num("max_value", "Højeste mulige værdi");
    let mut period = |field: &'static str| match f.get(field).trim() {
        "" => None,
        p => progress::parse_period(p).or_else(|| {
            errors.add(field, "Skriv skoleåret som 2022/23.");
            None
        }),
    };
    let baseline_period = period("baseline_period");
    let target_period = period("target_period");
    if let (Some(lo), Some(hi)) = (min_value, max_value)
        && lo >= hi
    {
        errors.add(
            "max_value",
            "Den højeste værdi skal være større end den laveste.",
        );
    }
    for (field, v) in [
        ("baseline_value", baseline_value),
        ("target_value", target_value),
    ] {
        if let Some(v) = v
            && (min_value.is_some_and(|lo| v < lo) || max_value.is_some_and(|hi| v > hi))
        {
            errors.add(
                field,
                "Værdien ligger uden for indikatorens mulige værdier.",
            );
        }
    }
    let rubric = if kind == "kvalitativ" {
        let levels: Vec<String> = (1..=4)
            .map(|l| f.get(&format!("niveau_{l}")).trim().to_string())
            .collect();
        if levels.iter().any(|l| l.is_empty()) {
            errors.add("niveau_1", "Beskriv alle fire niveauer.");
        }
        Some(serde_json::json!({"1": levels[0], "2": levels[1], "3": levels[2], "4": levels[3]}))
    } else {
        None
    };
    errors.is_empty().then(|| db::goals::IndicatorInput {
        name,
        description: f.get("description").trim().to_string(),
        kind: kind.clone(),
        unit: if kind == "kvalitativ" {
            "niveau".into()
        } else {
            f.get("unit").trim().chars().take(30).collect()
        },
        higher_is_better: f.get("retning") != "ned",
        baseline_value,
        baseline_period,
        target_value,
        target_period,
        source: f.get("source").trim().chars().take(300).collect(),
        per_school: f.get("omfang") != "konsortium",
        rubric,
        min_value: if kind == "kvalitativ" {
            Some(1.0)
        } else {
            min_value
        },
        max_value: if kind == "kvalitativ" {
            Some(4.0)
        } else {
            max_value
        },
        active: f.get("deaktiver").is_empty(),
    })
}

async fn save_indicator(
    state: &AppState,
    user: &CurrentUser,
    goal: Uuid,
    existing: Option<Indicator>,
    raw: RawForm,
) -> Result<Response, AppError> {
    check_csrf(user, &raw.get("csrf"))?;
    let mut errors = FormErrors::default();
    if let Some(input) = parse_indicator(&raw, &mut errors) {
        let mut tx = state.pool.begin().await?;
        let before = existing
            .as_ref()
            .map(|i| serde_json::to_value(i).unwrap_or_default());
        let id = db::goals::save_indicator(&mut *tx, existing.as_ref().map(|i| i.id), goal, &input)
            .await?;
        audit::record(
            &mut *tx,
            audit::Entry {
                account_id: Some(user.account_id),
                action: if existing.is_some() { "indikator ændret" } else { "indikator oprettet" },
                entity: "indicator",
                entity_id: id.to_string(),
                before,
                after: Some(serde_json::json!({"name": input.name, "baseline": input.baseline_value, "target": input.target_value})),
                reason: "",
            },
        )
        .await?;
        tx.commit().await?;
        return Ok(Redirect::to(&format!("/maal/{goal}?gemt=1")).into_response());
    }
    let page = indicator_page(user, goal, existing.as_ref(), raw, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

pub async fn create_indicator(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(goal): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    db::goals::get(&state.pool, goal)
        .await?
        .ok_or(AppError::NotFound)?;
    save_indicator(&state, &user, goal, None, raw).await
}

pub async fn update_indicator(
    State(state): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    raw: RawForm,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let ind = db::goals::indicator(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let goal = ind.goal_id;
    save_indicator(&state, &user, goal, Some(ind), raw).await
}

// ---------------------------------------------------------------------------------------------
// The annual goal report and the export

#[derive(Template)]
#[template(path = "goals/report.html")]
struct ReportPage {
    layout: Layout,
    year: i32,
    period: String,
    cards: Vec<GoalCard>,
    completed: Vec<MobilityLine>,
    generated: String,
}

/// `/maal/rapport/{år}`: the goals at the end of the school year that ends in that year.
pub async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(year): Path<String>,
) -> Result<Response, AppError> {
    if user.role == Role::Medarbejder {
        return Err(AppError::Forbidden);
    }
    let year: i32 = year
        .parse()
        .ok()
        .filter(|y| (2014..=2100).contains(y))
        .ok_or(AppError::NotFound)?;
    let view = default_view(&user);
    let mut cards = goal_cards(&state, &user, view).await?;
    let period = format!("{}/{:02}", year - 1, year % 100);
    // Only what was known by the end of that school year.
    for c in &mut cards {
        for i in &mut c.indicators {
            i.rows.retain(|(p, _)| *p <= period);
        }
    }
    let (from, to) = progress::period_bounds(&period).ok_or(AppError::NotFound)?;
    let scope = match view {
        View::School(s) => Scope::School(s),
        View::Consortium => Scope::All,
    };
    let completed: Vec<MobilityLine> = db::mobilities::summaries(&state.pool, scope, None, 500)
        .await?
        .iter()
        .filter(|m| {
            matches!(m.status.as_str(), "gennemfoert" | "rapporteret" | "opfulgt")
                && m.end_date >= from
                && m.end_date <= to
        })
        .map(MobilityLine::from)
        .collect();
    let page = ReportPage {
        layout: Layout::new(&format!("Målrapport {period}"), "maal", &user),
        year,
        period,
        cards,
        completed,
        generated: format::date_long(Local::now().date_naive()),
    };
    Ok(render(&page)?.into_response())
}

fn export_rows(rows: &[db::goals::ExportRow]) -> Vec<[String; 9]> {
    rows.iter()
        .map(|r| {
            [
                format!("Mål {}", r.goal),
                r.indicator.clone(),
                r.school.clone().unwrap_or_else(|| "Hele konsortiet".into()),
                r.period.clone(),
                r.value
                    .map(|v| format!("{v}").replace('.', ","))
                    .unwrap_or_default(),
                r.level.map(|l| l.to_string()).unwrap_or_default(),
                r.unit.clone(),
                r.note.clone(),
                format!(
                    "{} {}",
                    r.entered_by.clone().unwrap_or_default(),
                    format::timestamp(r.entered_at)
                ),
            ]
        })
        .collect()
}

const EXPORT_HEADERS: [&str; 9] = [
    "Mål",
    "Indikator",
    "Skole",
    "Skoleår",
    "Værdi",
    "Niveau",
    "Enhed",
    "Note",
    "Indtastet af",
];

/// Every measurement, as CSV (for Danish Excel: UTF-8 with BOM, `;`) or XLSX.
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    user.require_coordinator()?;
    let rows = db::goals::export(&state.pool).await?;
    let date = Local::now().date_naive().format("%Y-%m-%d");
    match file.as_str() {
        "maalinger.csv" => super::download::csv(
            &format!("maalinger-{date}.csv"),
            &EXPORT_HEADERS,
            export_rows(&rows),
        ),
        "maalinger.xlsx" => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
            sheet.set_name("Målinger").map_err(xl)?;
            let bold = rust_xlsxwriter::Format::new().set_bold();
            for (c, h) in EXPORT_HEADERS.iter().enumerate() {
                sheet
                    .write_string_with_format(0, c as u16, *h, &bold)
                    .map_err(xl)?;
            }
            for (r, row) in rows.iter().enumerate() {
                let r = r as u32 + 1;
                let cells = export_rows(std::slice::from_ref(row)).remove(0);
                for (c, v) in cells.iter().enumerate() {
                    sheet.write_string(r, c as u16, v).map_err(xl)?;
                }
                // Numbers as numbers, so the sheet can compute with them.
                if let Some(v) = row.value {
                    sheet.write_number(r, 4, v).map_err(xl)?;
                }
                if let Some(l) = row.level {
                    sheet.write_number(r, 5, l as f64).map_err(xl)?;
                }
            }
            sheet.autofit();
            super::download::xlsx(&format!("maalinger-{date}.xlsx"), book)
        }
        _ => Err(AppError::NotFound),
    }
}
