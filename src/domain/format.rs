//! Danish formats for dates and numbers.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

const MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];

/// `5. marts 2026`
pub fn date_long(d: NaiveDate) -> String {
    format!("{}. {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// `05.03.2026`
pub fn date_short(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// A period such as `5.–9. marts 2026` or `28. februar – 3. marts 2026`.
pub fn date_range(start: NaiveDate, end: NaiveDate) -> String {
    if start == end {
        date_long(start)
    } else if start.year() == end.year() && start.month() == end.month() {
        format!("{}.–{}", start.day(), date_long(end))
    } else if start.year() == end.year() {
        format!(
            "{}. {} – {}",
            start.day(),
            MONTHS[start.month0() as usize],
            date_long(end)
        )
    } else {
        format!("{} – {}", date_long(start), date_long(end))
    }
}

/// A moment in Danish time, `05.03.2026 kl. 14.07`.
pub fn timestamp(t: DateTime<Utc>) -> String {
    // Danish time without a time-zone database: CET, CEST from the last Sunday of March to the
    // last Sunday of October (01:00 UTC both ends).
    let year = t.year();
    let last_sunday = |month: u32| {
        let last =
            NaiveDate::from_ymd_opt(year, month, 31).expect("March and October have 31 days");
        last - chrono::Duration::days(last.weekday().num_days_from_sunday() as i64)
    };
    let summer_start = last_sunday(3)
        .and_hms_opt(1, 0, 0)
        .expect("valid")
        .and_utc();
    let summer_end = last_sunday(10)
        .and_hms_opt(1, 0, 0)
        .expect("valid")
        .and_utc();
    let offset = if t >= summer_start && t < summer_end {
        2
    } else {
        1
    };
    let local = t + chrono::Duration::hours(offset);
    local.format("%d.%m.%Y kl. %H.%M").to_string()
}

/// Whole numbers with a dot as thousands separator: `12.345`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Euro cents as `€ 1.234` (whole euros) or `€ 1.234,50`.
pub fn euro(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    let whole = thousands((c / 100) as i64);
    match c % 100 {
        0 => format!("€ {sign}{whole}"),
        rest => format!("€ {sign}{whole},{rest:02}"),
    }
}

/// Parses the date forms Danish users type: `DD-MM-YYYY`, `DD.MM.YYYY`, `DD/MM/YYYY` or ISO.
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let s = input.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    for fmt in ["%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return Some(d);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_danish() {
        assert_eq!(date_long(d(2026, 3, 5)), "5. marts 2026");
        assert_eq!(date_short(d(2026, 3, 5)), "05.03.2026");
        assert_eq!(date_range(d(2026, 3, 5), d(2026, 3, 9)), "5.–9. marts 2026");
        assert_eq!(
            date_range(d(2026, 2, 28), d(2026, 3, 3)),
            "28. februar – 3. marts 2026"
        );
        assert_eq!(
            date_range(d(2025, 12, 30), d(2026, 1, 2)),
            "30. december 2025 – 2. januar 2026"
        );
    }

    #[test]
    fn danish_time_follows_summer_time() {
        let winter = "2026-01-10T12:00:00Z".parse().unwrap();
        let summer = "2026-07-10T12:00:00Z".parse().unwrap();
        assert_eq!(timestamp(winter), "10.01.2026 kl. 13.00");
        assert_eq!(timestamp(summer), "10.07.2026 kl. 14.00");
    }

    #[test]
    fn numbers_and_money() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1.234.567");
        assert_eq!(thousands(-1000), "-1.000");
        assert_eq!(euro(123_400), "€ 1.234");
        assert_eq!(euro(123_450), "€ 1.234,50");
    }

    #[test]
    fn typed_dates() {
        for s in [
            "05-03-2026",
            "05.03.2026",
            "5/3/2026",
            "2026-03-05",
            " 05.03.2026 ",
        ] {
            assert_eq!(parse_date(s), Some(d(2026, 3, 5)), "{s}");
        }
        assert_eq!(parse_date("31.02.2026"), None);
        assert_eq!(parse_date("i morgen"), None);
    }
}
