//! An indicator's numbers: its series per school year for a [`View`] (the consortium's being the
//! schools' average only in years every school has measured), its progress from baseline to
//! target, numbers as Danes write them, and the server-rendered SVG chart with the baseline and
//! target drawn in.

use std::collections::BTreeMap;

use chrono::Local;
use uuid::Uuid;

use super::View;
use crate::db::{self, goals::Indicator};
use crate::domain::progress::{self, Progress};

/// One value per school year.
#[derive(Debug, Clone)]
pub struct Point {
    pub period: String,
    pub value: f64,
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
    /// The unit, written once above the y axis (a tick label with it would be cut off on the left).
    pub unit: String,
}

fn period_range(from: &str, to: &str) -> Vec<String> {
    let (Ok(a), Ok(b)) = (from[..4].parse::<i32>(), to[..4].parse::<i32>()) else {
        return vec![from.to_string()];
    };
    (a..=b.max(a))
        .map(|y| format!("{y}/{:02}", (y + 1) % 100))
        .collect()
}

/// Which of `n` school years get a label: every `step`th from the first, and the last (the
/// target's year), which takes the place of the one before it when the two would touch.
fn axis_labels(n: usize, step: usize) -> Vec<usize> {
    let mut kept: Vec<usize> = (0..n).step_by(step).collect();
    let last = n.saturating_sub(1);
    if let Some(&prev) = kept.last()
        && prev != last
    {
        if last - prev < step && prev != 0 {
            kept.pop();
        }
        if last - prev >= step || prev != 0 {
            kept.push(last);
        }
    }
    kept
}

/// The chart's width in SVG units; its text is 13 units high.
pub const CHART_W: u32 = 340;
// The chart is never shown narrower than 320 px (`.udsyn-linechart` in app.css): 320 px for
// 340 units keep 13-unit text at 12,2 px.
/// The room one school-year label on the x axis needs ("2025/26" at 13 units, and a gap).
const X_LABEL_W: f64 = 62.0;

pub fn chart(ind: &Indicator, points: &[Point], scope_label: &str) -> Chart {
    // Drawn narrow (CHART_W units wide, text 13 units) so that on a phone, where the chart is
    // never shown narrower than CHART_MIN_PX (app.css), the text stays 12 px or more.
    let (w, h, left, right, top, bottom) = (CHART_W, 196u32, 48u32, CHART_W - 24, 30u32, 166u32);
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
                label: show_value((v * 100.0).round() / 100.0, ""),
            }
        })
        .collect();
    // Every so many school years, so that the labels (about 50 units each) stay apart.
    let plot = f64::from(right - left - 20);
    let room = ((periods.len().max(2) - 1) as f64 * X_LABEL_W / plot).ceil() as usize;
    let kept = axis_labels(periods.len(), room.max(1));
    let x_axis = kept
        .into_iter()
        .map(|i| Axis {
            pos: format!("{:.1}", x_of(&periods[i])),
            label: periods[i].clone(),
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
        unit: ind.unit.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::axis_labels;

    #[test]
    fn the_x_axis_labels_keep_their_distance_and_the_last_year() {
        assert_eq!(axis_labels(1, 1), vec![0]);
        assert_eq!(axis_labels(4, 1), vec![0, 1, 2, 3]);
        assert_eq!(axis_labels(5, 2), vec![0, 2, 4]);
        // The last year replaces the one before it rather than touching it.
        assert_eq!(axis_labels(6, 2), vec![0, 2, 5]);
        assert_eq!(axis_labels(8, 3), vec![0, 3, 7]);
        // Two years: the first and the last are never dropped.
        assert_eq!(axis_labels(2, 2), vec![0]);
    }
}
