//! Where an indicator stands between its baseline and its target, honestly: the direction that is
//! good, missing data, and a target that equals the baseline are all said plainly.

/// School years as Danish schools write them: `2024/25`.
pub fn parse_period(input: &str) -> Option<String> {
    let s = input.trim().replace('-', "/");
    let (a, b) = s.split_once('/')?;
    let first: i32 = a.parse().ok()?;
    let second: i32 = b.parse().ok()?;
    let valid = (2000..=2100).contains(&first)
        && a.len() == 4
        && b.len() == 2
        && second == (first + 1) % 100;
    valid.then(|| format!("{first}/{b}"))
}

/// The school year a date falls in (1 August to 31 July).
pub fn period_of(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let first = if date.month() >= 8 {
        date.year()
    } else {
        date.year() - 1
    };
    format!("{first}/{:02}", (first + 1) % 100)
}

/// The calendar year a school year such as "2025/26" begins in.
pub fn first_year_of(period: &str) -> Option<i32> {
    period.get(..4)?.parse().ok()
}

/// The first and last day of a school year.
pub fn period_bounds(period: &str) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    let first: i32 = period.get(..4)?.parse().ok()?;
    Some((
        chrono::NaiveDate::from_ymd_opt(first, 8, 1)?,
        chrono::NaiveDate::from_ymd_opt(first + 1, 7, 31)?,
    ))
}

#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// No measurement after the baseline yet.
    NoData,
    /// Baseline or target missing: nothing to measure against.
    Undefined,
    /// The target equals the baseline: the goal is to hold the level.
    Hold { held: bool },
    /// The share of the way from baseline to target: 0.0 at the baseline, 1.0 at the target;
    /// negative when it moved the wrong way, above 1.0 when the target is passed.
    Share(f64),
}

/// Progress of `latest` from `baseline` towards `target`. `higher_is_better` decides only what
/// holding the level means when the target equals the baseline; otherwise the way from baseline
/// to target says which direction is good.
pub fn progress(
    baseline: Option<f64>,
    target: Option<f64>,
    latest: Option<f64>,
    higher_is_better: bool,
) -> Progress {
    let (Some(b), Some(t)) = (baseline, target) else {
        return Progress::Undefined;
    };
    let Some(l) = latest else {
        return Progress::NoData;
    };
    if (t - b).abs() < f64::EPSILON {
        let held = if higher_is_better { l >= t } else { l <= t };
        return Progress::Hold { held };
    }
    Progress::Share((l - b) / (t - b))
}

impl Progress {
    /// The share as a whole percentage for a bar, clamped to 0–100.
    pub fn bar_percent(&self) -> i64 {
        match self {
            Progress::Share(s) => (s * 100.0).round().clamp(0.0, 100.0) as i64,
            Progress::Hold { held: true } => 100,
            _ => 0,
        }
    }

    /// In words, in Danish.
    pub fn describe(&self) -> String {
        match self {
            Progress::NoData => "Ingen måling efter udgangspunktet endnu.".into(),
            Progress::Undefined => "Udgangspunkt eller målværdi mangler.".into(),
            Progress::Hold { held: true } => "Målet er at holde niveauet, og det holdes.".into(),
            Progress::Hold { held: false } => {
                "Målet er at holde niveauet, men det er ikke holdt.".into()
            }
            Progress::Share(s) if *s < 0.0 => format!("{} % – bevæget sig væk fra målet.", pct(*s)),
            Progress::Share(s) if *s >= 1.0 => format!("{} % af vejen – målet er nået.", pct(*s)),
            Progress::Share(s) => format!("{} % af vejen fra udgangspunkt til mål.", pct(*s)),
        }
    }
}

fn pct(share: f64) -> String {
    format!("{:.0}", share * 100.0).replace('-', "−")
}

/// The average share of several indicators, counting only those with a share.
pub fn summary(items: &[Progress]) -> Option<f64> {
    let shares: Vec<f64> = items
        .iter()
        .filter_map(|p| match p {
            Progress::Share(s) => Some(s.clamp(-1.0, 1.0)),
            Progress::Hold { held } => Some(if *held { 1.0 } else { 0.0 }),
            _ => None,
        })
        .collect();
    (!shares.is_empty()).then(|| shares.iter().sum::<f64>() / shares.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halfway_up_and_halfway_down() {
        assert_eq!(
            progress(Some(40.0), Some(60.0), Some(50.0), true),
            Progress::Share(0.5)
        );
        // Exclusion: down is good, 6.5 % → 4 %; 5.25 % is half the way.
        assert_eq!(
            progress(Some(6.5), Some(4.0), Some(5.25), false),
            Progress::Share(0.5)
        );
        assert_eq!(
            progress(Some(6.5), Some(4.0), Some(5.25), false).bar_percent(),
            50
        );
    }

    #[test]
    fn wrong_way_and_past_the_target() {
        let worse = progress(Some(6.5), Some(4.0), Some(7.75), false);
        assert_eq!(worse, Progress::Share(-0.5));
        assert_eq!(worse.bar_percent(), 0);
        assert!(worse.describe().contains("væk fra målet"));
        let past = progress(Some(40.0), Some(60.0), Some(70.0), true);
        assert_eq!(past.bar_percent(), 100);
        assert!(past.describe().contains("150 % af vejen – målet er nået"));
    }

    #[test]
    fn missing_values_are_said_plainly() {
        assert_eq!(progress(Some(1.0), Some(2.0), None, true), Progress::NoData);
        assert_eq!(
            progress(None, Some(2.0), Some(1.5), true),
            Progress::Undefined
        );
        assert_eq!(
            progress(Some(1.0), None, Some(1.5), true),
            Progress::Undefined
        );
    }

    #[test]
    fn a_target_equal_to_the_baseline_means_holding_the_level() {
        assert_eq!(
            progress(Some(3.6), Some(3.6), Some(3.7), true),
            Progress::Hold { held: true }
        );
        assert_eq!(
            progress(Some(3.6), Some(3.6), Some(3.5), true),
            Progress::Hold { held: false }
        );
        assert_eq!(
            progress(Some(4.0), Some(4.0), Some(3.9), false),
            Progress::Hold { held: true }
        );
    }

    #[test]
    fn summaries_and_periods() {
        assert_eq!(
            summary(&[Progress::Share(0.5), Progress::NoData, Progress::Share(1.5)]),
            Some(0.75)
        );
        assert_eq!(summary(&[Progress::NoData]), None);
        assert_eq!(parse_period("2024/25"), Some("2024/25".into()));
        assert_eq!(parse_period("2024-25"), Some("2024/25".into()));
        assert_eq!(parse_period("2099/00"), Some("2099/00".into()));
        assert_eq!(parse_period("2024/26"), None);
        assert_eq!(parse_period("24/25"), None);
        assert_eq!(
            period_of(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()),
            "2026/27"
        );
        assert_eq!(
            period_of(chrono::NaiveDate::from_ymd_opt(2026, 7, 31).unwrap()),
            "2025/26"
        );
    }
}
