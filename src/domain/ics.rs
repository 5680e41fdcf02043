//! iCalendar (RFC 5545) for the calendar feeds and meeting invitations: all-day events, or events
//! at a time of day (Danish local time, written as floating time), escaped text, folded lines.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};

pub struct Event {
    pub uid: String,
    pub start: NaiveDate,
    /// The last day of the activity; the feed's DTEND is the day after (exclusive).
    pub end: NaiveDate,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub url: String,
    /// `CONFIRMED`, `TENTATIVE` or `CANCELLED`.
    pub status: &'static str,
    /// From and to on the start day; `None` for an all-day event.
    pub time: Option<(NaiveTime, NaiveTime)>,
}

/// Escapes TEXT values: backslash, semicolon, comma and line breaks.
pub fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets without splitting a UTF-8 character.
pub fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in line.chars() {
        let w = c.len_utf8();
        if len + w > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += w;
    }
    out.push_str("\r\n");
    out
}

pub fn calendar(name: &str, events: &[Event], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let mut line = |l: String| out.push_str(&fold(&l));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Herning Kommune//Udsyn//DA".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(name)));
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    // iCalendar dates have four-digit years; a date outside them (saved before typed dates were
    // bounded) is left out rather than breaking the whole feed.
    let fits = |d: NaiveDate| (0..=9999).contains(&d.year());
    for e in events {
        let Some(day_after) = e.end.succ_opt().filter(|d| fits(*d) && fits(e.start)) else {
            continue;
        };
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", e.uid));
        line(format!("DTSTAMP:{stamp}"));
        match e.time {
            Some((from, to)) => {
                let at =
                    |t: NaiveTime| format!("{}T{}", e.start.format("%Y%m%d"), t.format("%H%M%S"));
                line(format!("DTSTART:{}", at(from)));
                line(format!("DTEND:{}", at(to)));
            }
            None => {
                line(format!("DTSTART;VALUE=DATE:{}", e.start.format("%Y%m%d")));
                line(format!("DTEND;VALUE=DATE:{}", day_after.format("%Y%m%d")));
            }
        }
        line(format!("SUMMARY:{}", escape(&e.summary)));
        line(format!("LOCATION:{}", escape(&e.location)));
        line(format!("DESCRIPTION:{}", escape(&e.description)));
        if !e.url.is_empty() {
            line(format!("URL:{}", e.url));
        }
        line(format!("STATUS:{}", e.status));
        line("TRANSP:OPAQUE".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_folds() {
        assert_eq!(
            escape("Gent, Belgien; dag 1\nnæste"),
            "Gent\\, Belgien\\; dag 1\\nnæste"
        );
        let long = format!("DESCRIPTION:{}", "æ".repeat(60));
        let folded = fold(&long);
        for l in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        assert_eq!(folded.replace("\r\n ", ""), format!("{long}\r\n"));
    }

    #[test]
    fn all_day_events_end_the_day_after() {
        let d = |m, day| NaiveDate::from_ymd_opt(2027, m, day).unwrap();
        let e = Event {
            uid: "x@udsyn".into(),
            start: d(2, 8),
            end: d(2, 12),
            summary: "Jobshadowing".into(),
            location: "Gent".into(),
            description: String::new(),
            url: String::new(),
            status: "CONFIRMED",
            time: None,
        };
        let cal = calendar("Udsyn", &[e], "2026-11-23T12:00:00Z".parse().unwrap());
        assert!(cal.contains("DTSTART;VALUE=DATE:20270208\r\nDTEND;VALUE=DATE:20270213\r\n"));
        assert!(cal.starts_with("BEGIN:VCALENDAR\r\n") && cal.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn a_date_at_the_end_of_time_leaves_the_event_out_instead_of_panicking() {
        let e = |start, end| Event {
            uid: "x@udsyn".into(),
            start,
            end,
            summary: "Kursus".into(),
            location: String::new(),
            description: String::new(),
            url: String::new(),
            status: "CONFIRMED",
            time: None,
        };
        let ok = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let cal = calendar(
            "Udsyn",
            &[e(ok, NaiveDate::MAX), e(ok, ok)],
            "2026-11-23T12:00:00Z".parse().unwrap(),
        );
        assert_eq!(cal.matches("BEGIN:VEVENT").count(), 1);
    }

    #[test]
    fn a_meeting_has_its_hours() {
        let day = NaiveDate::from_ymd_opt(2027, 3, 15).unwrap();
        let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        let e = Event {
            uid: "m@udsyn".into(),
            start: day,
            end: day,
            summary: "Netværksmøde".into(),
            location: "Herning Rådhus".into(),
            description: String::new(),
            url: String::new(),
            status: "CONFIRMED",
            time: Some((at(13), at(15))),
        };
        let cal = calendar("Udsyn", &[e], "2026-11-23T12:00:00Z".parse().unwrap());
        assert!(cal.contains("DTSTART:20270315T130000\r\nDTEND:20270315T150000\r\n"));
    }
}
