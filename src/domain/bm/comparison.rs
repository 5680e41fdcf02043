//! The BM's own export compared with Udsyn: reading the file's rows by mobility activity ID,
//! reading dates, amounts and whole numbers as spreadsheets write them, and the [`Difference`]s
//! between a BM row and Udsyn's.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::fields::{Column, Field};
use super::header::{LIMITS, Matcher, header_row};
use super::row::{Cell, Row, cell};
use crate::domain::sheet::{self, header_key};
use crate::domain::{format, validate};

/// The header of the BM's report status column (not a field Udsyn writes: the BM keeps it).
pub const REPORT_STATUS_HEADER: &str = "Participant report status";

/// The fields compared with Udsyn when the file has them.
pub const COMPARED: [Field; 9] = [
    Field::StartDate,
    Field::EndDate,
    Field::InterruptedDays,
    Field::TravelDays,
    Field::TravelGrant,
    Field::IndividualSupport,
    Field::CourseFees,
    Field::OrganisationalSupport,
    Field::TotalGrant,
];

/// One row of the BM's export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRow {
    pub line: u32,
    pub id: String,
    /// The compared fields the file has, as written.
    pub values: HashMap<Field, String>,
    pub report_status: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportFile {
    pub rows: Vec<FileRow>,
    /// The compared fields the file has a column for.
    pub compared: Vec<Field>,
    pub has_report_status: bool,
    /// Lines with data but no mobility activity ID (skipped).
    pub without_id: Vec<u32>,
}

/// Reads the BM's export: the header row (matched like the mapping), then one row per
/// participant mobility, identified by its mobility activity ID. Refused (in Danish) without an
/// ID column or with an ID twice.
pub fn read_import(bytes: &[u8], filename: &str, mapping: &[Column]) -> Result<ImportFile, String> {
    let table = sheet::read(bytes, filename, &LIMITS)?;
    let matcher = Matcher::new(mapping);
    let id_header = mapping
        .iter()
        .find(|c| c.field == Some(Field::MobilityId))
        .map_or(Field::MobilityId.default_header(), |c| c.header.as_str());
    let Some(h) = header_row(&table, &matcher) else {
        return Err("Filen er tom.".into());
    };
    let headers = &table[h].1;
    let mut columns: HashMap<Field, usize> = HashMap::new();
    for (i, text) in headers.iter().enumerate() {
        if let Some(f) = matcher.field(text) {
            columns.entry(f).or_insert(i);
        }
    }
    let Some(&id_col) = columns.get(&Field::MobilityId) else {
        return Err(format!(
            "Filen har ingen kolonne «{id_header}». Udsyn finder rækkerne på BM's mobilitets-ID; hent eksporten fra BM igen med alle kolonner."
        ));
    };
    let status_key = header_key(REPORT_STATUS_HEADER);
    let status_col = headers
        .iter()
        .position(|t| header_key(t) == status_key || header_key(t) == "reportstatus");
    let compared: Vec<Field> = COMPARED
        .into_iter()
        .filter(|f| columns.contains_key(f))
        .collect();
    let mut rows = Vec::new();
    let mut without_id = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for (line, cells) in table.iter().skip(h + 1) {
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let get = |i: usize| {
            cells
                .get(i)
                .map(|c| validate::clean_text(c).trim().to_string())
                .unwrap_or_default()
        };
        let id = get(id_col);
        if id.is_empty() {
            without_id.push(*line);
            continue;
        }
        if let Some(first) = seen.get(&id.to_uppercase()) {
            return Err(format!(
                "Mobilitets-ID'et «{id}» står både i linje {first} og linje {line}. Hvert ID må kun stå én gang."
            ));
        }
        seen.insert(id.to_uppercase(), *line);
        rows.push(FileRow {
            line: *line,
            values: compared.iter().map(|f| (*f, get(columns[f]))).collect(),
            report_status: status_col.map(get),
            id,
        });
    }
    Ok(ImportFile {
        rows,
        compared,
        has_report_status: status_col.is_some(),
        without_id,
    })
}

/// A date as the BM writes it: `DD-MM-YYYY`, or ISO from a spreadsheet's date cell (perhaps with
/// a time of day).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let day = s.trim().split(['T', ' ']).next().unwrap_or("");
    format::parse_date(day)
}

/// An amount as a spreadsheet writes it: `395.00`, `395,00`, `1,188.50`, `1.188,50`, `395`, with
/// or without `€`. The last `.` or `,` followed by one or two digits is the decimal point; others
/// group thousands. Empty is 0.
pub fn parse_amount(s: &str) -> Option<i64> {
    let t: String = s
        .trim()
        .trim_end_matches("EUR")
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '€'))
        .collect();
    if t.is_empty() {
        return Some(0);
    }
    let (int, frac) = match t.rfind(['.', ',']) {
        Some(i) if (1..=2).contains(&(t.len() - i - 1)) => (&t[..i], &t[i + 1..]),
        _ => (t.as_str(), ""),
    };
    let mut groups = int.split(['.', ',']);
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    if first.is_empty()
        || !first.bytes().all(|b| b.is_ascii_digit())
        || rest
            .iter()
            .any(|g| g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()))
        || (!rest.is_empty() && first.len() > 3)
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let euros: i64 = format!("{first}{}", rest.concat()).parse().ok()?;
    let cents: i64 = format!("{frac:0<2}").parse().ok()?;
    euros.checked_mul(100)?.checked_add(cents)
}

/// A whole number as a spreadsheet writes it (`2`, `2.0`, `2,00`); empty is 0.
pub fn parse_whole(s: &str) -> Option<i64> {
    let t = s.trim();
    if t.is_empty() {
        return Some(0);
    }
    let int = match t.split_once(['.', ',']) {
        Some((i, f)) if f.bytes().all(|b| b == b'0') => i,
        Some(_) => return None,
        None => t,
    };
    int.parse().ok()
}

/// One difference between the BM's row and Udsyn's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub label: &'static str,
    pub bm: String,
    pub udsyn: String,
}

/// What differs between a row of the BM's export and Udsyn's row for the same participant
/// mobility, in the compared fields the file has (and its report status, if it has one).
pub fn compare(file: &FileRow, udsyn: &Row, report_submitted: bool) -> Vec<Difference> {
    let mut out = Vec::new();
    for f in COMPARED {
        let Some(bm) = file.values.get(&f) else {
            continue;
        };
        let ours = cell(f, udsyn);
        let same = match (&ours, f) {
            (_, Field::StartDate) => parse_date(bm) == Some(udsyn.start),
            (_, Field::EndDate) => parse_date(bm) == Some(udsyn.end),
            (Cell::Whole(n), _) => parse_whole(bm) == Some(*n),
            (Cell::Euro(c), _) => parse_amount(bm) == Some(*c),
            // Udsyn has no grant for the row: the same only when the BM has none either.
            (Cell::Empty, _) => parse_amount(bm) == Some(0),
            (Cell::Text(t), _) => bm.trim() == t,
        };
        if !same {
            out.push(Difference {
                label: f.label(),
                bm: if bm.is_empty() {
                    "(tom)".into()
                } else {
                    bm.clone()
                },
                udsyn: match ours {
                    Cell::Empty => "(ikke beregnet)".into(),
                    other => other.text(),
                },
            });
        }
    }
    if let Some(status) = &file.report_status {
        let bm_submitted = header_key(status) == "submitted";
        if bm_submitted != report_submitted {
            out.push(Difference {
                label: "Deltagerrapport",
                bm: if status.is_empty() {
                    "(tom)".into()
                } else {
                    status.clone()
                },
                udsyn: if report_submitted {
                    "Submitted (indsendt)".into()
                } else {
                    "Ikke indsendt".into()
                },
            });
        }
    }
    out
}
