//! Reading a BM header row: which [`Field`] a header names ([`Matcher`]), which row of a sheet
//! holds the headers, the limits of a BM file, and the mapping a header row gives.

use std::collections::HashMap;

use super::fields::{Column, Field, MAX_COLUMNS, check_columns};
use crate::domain::sheet::{self, Table, header_key};
use crate::domain::validate;

/// Which field a header names: the header texts of the year's mapping first, then the BM's default
/// headers and the aliases; ignoring case, spaces and punctuation.
pub struct Matcher {
    by_key: HashMap<String, Field>,
}

impl Matcher {
    pub fn new(mapping: &[Column]) -> Matcher {
        let mut by_key = HashMap::new();
        for c in mapping {
            if let Some(f) = c.field {
                by_key.entry(header_key(&c.header)).or_insert(f);
            }
        }
        for f in Field::ALL {
            by_key.entry(header_key(f.default_header())).or_insert(f);
        }
        for f in Field::ALL {
            for a in f.aliases() {
                by_key.entry(header_key(a)).or_insert(f);
            }
        }
        by_key.remove("");
        Matcher { by_key }
    }

    pub fn field(&self, header: &str) -> Option<Field> {
        self.by_key.get(&header_key(header)).copied()
    }
}

/// The header row of a sheet: among the first rows that hold anything, the first with a mobility
/// ID column (a BM export may have a title above its headers), else simply the first.
pub fn header_row(table: &Table, matcher: &Matcher) -> Option<usize> {
    let filled: Vec<usize> = table
        .iter()
        .enumerate()
        .filter(|(_, (_, cells))| cells.iter().any(|c| !c.is_empty()))
        .map(|(i, _)| i)
        .take(20)
        .collect();
    filled
        .iter()
        .copied()
        .find(|&i| {
            table[i]
                .1
                .iter()
                .any(|c| matcher.field(c) == Some(Field::MobilityId))
        })
        .or_else(|| filled.first().copied())
}

/// The limits of a BM file: a project has at most a few thousand participant mobilities, and the
/// BM's export has a few dozen columns.
pub const MAX_ROWS: usize = 10_000;
pub const LIMITS: sheet::Limits = sheet::Limits {
    max_rows: MAX_ROWS,
    max_columns: MAX_COLUMNS as u32,
    max_unpacked: 100 * 1024 * 1024,
    content: "BM-filen",
};

/// A mapping made from a BM header row, with the headers Udsyn did not recognise (kept as
/// columns written empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMapping {
    pub columns: Vec<Column>,
    pub unknown: Vec<String>,
}

/// The mapping a file's header row gives, or why it cannot be used (in Danish).
pub fn mapping_from_file(
    bytes: &[u8],
    filename: &str,
    current: &[Column],
) -> Result<HeaderMapping, String> {
    let table = sheet::read(bytes, filename, &LIMITS)?;
    let matcher = Matcher::new(current);
    let Some(i) = header_row(&table, &matcher) else {
        return Err("Filen har ingen overskriftsrække. Hent en eksport fra BM, og send den uden at ændre første linje.".into());
    };
    mapping_from_headers(&table[i].1, &matcher)
}

/// The mapping a header row gives: each header matched to a field by its text.
pub fn mapping_from_headers(
    headers: &[String],
    matcher: &Matcher,
) -> Result<HeaderMapping, String> {
    let mut headers: Vec<String> = headers
        .iter()
        .map(|h| validate::clean_text(h).trim().to_string())
        .collect();
    while headers.last().is_some_and(|h| h.is_empty()) {
        headers.pop();
    }
    if headers.is_empty() {
        return Err("Filen har ingen overskriftsrække.".into());
    }
    if let Some(i) = headers.iter().position(|h| h.is_empty()) {
        return Err(format!(
            "Kolonne {} i overskriftsrækken er tom. Hver kolonne skal have en overskrift.",
            sheet::column_letter(i)
        ));
    }
    let columns: Vec<Column> = headers
        .iter()
        .map(|h| Column {
            header: h.clone(),
            field: matcher.field(h),
        })
        .collect();
    let mut seen: HashMap<Field, &str> = HashMap::new();
    for c in &columns {
        if let Some(f) = c.field {
            if let Some(first) = seen.get(&f) {
                return Err(format!(
                    "Overskrifterne «{first}» og «{}» står begge for «{}». Ret overskriftsrækken, så hvert felt kun står én gang.",
                    c.header,
                    f.label()
                ));
            }
            seen.insert(f, &c.header);
        }
    }
    check_columns(&columns)
        .map_err(|p| p.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" "))?;
    let unknown = columns
        .iter()
        .filter(|c| c.field.is_none())
        .map(|c| c.header.clone())
        .collect();
    Ok(HeaderMapping { columns, unknown })
}
