//! Taking the BM's dates and interrupted days into Udsyn: the [`Plan`] of what would change, per
//! mobility (its dates) and per participant (the interrupted days), or why it cannot be done.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::row::date;

/// One participant mobility of the BM's file as far as its dates go, with Udsyn's values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatedRow {
    pub mobility: Uuid,
    pub staff: Uuid,
    /// `300002-MOB-00001 (Sofie Bækgaard)`: how messages name the row.
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub interrupted_days: i64,
    /// The BM's values; None where the file has no such column (or an unreadable value).
    pub bm_start: Option<NaiveDate>,
    pub bm_end: Option<NaiveDate>,
    pub bm_interrupted: Option<i64>,
}

/// What taking the BM's values would change: per mobility its new dates (all its participants'
/// rows must agree, since the dates belong to the mobility), per participant the interrupted days.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// (mobility, start, end, old start, old end) of every mobility touched, dates changed or not.
    pub mobilities: Vec<(Uuid, NaiveDate, NaiveDate, NaiveDate, NaiveDate)>,
    /// (mobility, staff, label, days, old days).
    pub interrupted: Vec<(Uuid, Uuid, String, i64, i64)>,
    /// Why it cannot be done, in Danish; nothing is taken over while there is one.
    pub problems: Vec<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.mobilities.is_empty()
    }

    /// The mobilities whose dates change.
    pub fn moved(
        &self,
    ) -> impl Iterator<Item = &(Uuid, NaiveDate, NaiveDate, NaiveDate, NaiveDate)> {
        self.mobilities
            .iter()
            .filter(|(_, s, e, os, oe)| (s, e) != (os, oe))
    }
}

/// The plan for these rows (in the file's order).
pub fn plan(rows: &[DatedRow]) -> Plan {
    let mut out = Plan::default();
    let mut order: Vec<Uuid> = Vec::new();
    let mut groups: HashMap<Uuid, Vec<&DatedRow>> = HashMap::new();
    for r in rows {
        if !groups.contains_key(&r.mobility) {
            order.push(r.mobility);
        }
        groups.entry(r.mobility).or_default().push(r);
    }
    for m in order {
        let group = &groups[&m];
        let first = group[0];
        let agreed = |pick: fn(&DatedRow) -> Option<NaiveDate>, what: &str| {
            let mut values: Vec<NaiveDate> = group.iter().filter_map(|r| pick(r)).collect();
            values.sort();
            values.dedup();
            if values.len() > 1 {
                Err(format!(
                    "BM har forskellige {what} for deltagerne på samme mobilitet ({}). Datoerne hører til mobiliteten; ret dem i BM, så de er ens.",
                    group
                        .iter()
                        .map(|r| r.label.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            } else {
                Ok(values.first().copied())
            }
        };
        let start = agreed(|r| r.bm_start, "startdatoer");
        let end = agreed(|r| r.bm_end, "slutdatoer");
        let (start, end) = match (start, end) {
            (Ok(s), Ok(e)) => (s.unwrap_or(first.start), e.unwrap_or(first.end)),
            (s, e) => {
                out.problems.extend(s.err());
                out.problems.extend(e.err());
                continue;
            }
        };
        if end < start {
            out.problems.push(format!(
                "{}: slutdatoen {} ligger før startdatoen {}.",
                first.label,
                date(end),
                date(start)
            ));
            continue;
        }
        let days = (end - start).num_days() + 1;
        let mut touched = (start, end) != (first.start, first.end);
        for r in group {
            let Some(d) = r.bm_interrupted.filter(|d| *d != r.interrupted_days) else {
                if r.interrupted_days > days {
                    out.problems.push(format!(
                        "{}: {} afbrudte dage er flere end mobilitetens {days} dage med BM's datoer.",
                        r.label, r.interrupted_days
                    ));
                }
                continue;
            };
            if d < 0 || d > days {
                out.problems.push(format!(
                    "{}: {d} afbrudte dage passer ikke til en aktivitet på {days} dage.",
                    r.label
                ));
                continue;
            }
            touched = true;
            out.interrupted
                .push((r.mobility, r.staff, r.label.clone(), d, r.interrupted_days));
        }
        if touched {
            out.mobilities.push((m, start, end, first.start, first.end));
        }
    }
    out
}
