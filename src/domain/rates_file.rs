//! A call year's rates as a whole: the figures' `verified` marks (counted, and reset on a copy to
//! the next call year) and the rates file, read with a Danish message for each way it can be
//! wrong. No I/O.

use super::grant::{Figure, RateProblem, Rates, validate};
use super::validate::clean_text;

// ---------------------------------------------------------------------------------------------
// The figures' marks

/// Calls `f` with the `verified` mark and the source of every figure of the rates. Destructures
/// `Rates` whole, so a figure added to it later cannot be forgotten here.
fn each_figure(rates: &mut Rates, mut f: impl FnMut(&mut bool, &mut String)) {
    fn on<T>(fig: &mut Figure<T>, f: &mut impl FnMut(&mut bool, &mut String)) {
        f(&mut fig.verified, &mut fig.source);
    }
    let Rates {
        call_year: _,
        bands,
        countries,
        individual_support,
        full_rate_days,
        reduced_share_bp,
        organisational_support,
        course_fee_per_day_cents,
        course_fee_max_days,
        prep_visit_per_person_cents,
        prep_visit_max_persons,
        inclusion_org_per_participant_cents,
        exceptional_share_bp,
        expensive_threshold_bp,
        expensive_paid_bp,
        max_travel_days_standard,
        max_travel_days_green,
    } = rates;
    for b in bands {
        on(&mut b.standard_cents, &mut f);
        on(&mut b.green_cents, &mut f);
    }
    for g in countries.values_mut() {
        on(g, &mut f);
    }
    for r in individual_support {
        on(&mut r.per_day_cents, &mut f);
    }
    for o in organisational_support.values_mut() {
        on(o, &mut f);
    }
    for fig in [
        course_fee_per_day_cents,
        prep_visit_per_person_cents,
        inclusion_org_per_participant_cents,
    ] {
        on(fig, &mut f);
    }
    for fig in [
        full_rate_days,
        reduced_share_bp,
        course_fee_max_days,
        prep_visit_max_persons,
        exceptional_share_bp,
        expensive_threshold_bp,
        expensive_paid_bp,
        max_travel_days_standard,
        max_travel_days_green,
    ] {
        on(fig, &mut f);
    }
}

/// How many figures the rates have, and how many of them are not verified against Annex 3.
pub fn count_figures(rates: &Rates) -> (usize, usize) {
    let (mut total, mut unverified) = (0, 0);
    each_figure(&mut rates.clone(), |verified, _| {
        total += 1;
        if !*verified {
            unverified += 1;
        }
    });
    (total, unverified)
}

/// The rates of one call year as the start of another's: every figure unverified (Annex 3 of the
/// new year has not been read yet) and its source saying where it was copied from.
pub fn copied(rates: &Rates, to_year: i16) -> Rates {
    let mut out = rates.clone();
    let from = rates.call_year;
    out.call_year = to_year;
    each_figure(&mut out, |verified, source| {
        *verified = false;
        *source = if source.trim().is_empty() {
            format!("Kopieret fra {from}")
        } else {
            format!("Kopieret fra {from}: {source}")
        };
    });
    out
}

// ---------------------------------------------------------------------------------------------
// A rates file

/// The call years Udsyn keeps rates for (the database's check on `call_rates`).
pub const YEARS: std::ops::RangeInclusive<i16> = 2014..=2100;

/// Why an uploaded rates file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// No file, or an empty one.
    Empty,
    NotUtf8,
    /// Not JSON at all: where the first error is.
    NotJson {
        line: usize,
        column: usize,
    },
    /// JSON, but not the shape of Udsyn's rates: what is wrong, in Danish.
    Shape(String),
    /// Rates, but figures that cannot be used.
    Invalid(Vec<RateProblem>),
}

impl FileProblem {
    /// The message shown on the file field.
    pub fn message(&self) -> String {
        match self {
            FileProblem::Empty => "Filen er tom. Vælg den JSON-fil med satser, som Udsyn har givet dig.".into(),
            FileProblem::NotUtf8 => "Filen er ikke UTF-8-tekst. En satsfil fra Udsyn er altid UTF-8; gem filen som UTF-8, eller hent den igen fra Udsyn.".into(),
            FileProblem::NotJson { line, column } => format!(
                "Filen er ikke gyldig JSON: der er en fejl i linje {line}, tegn {column}."
            ),
            FileProblem::Shape(what) => {
                format!("Filen er JSON, men ikke satser i den form, Udsyn bruger: {what}")
            }
            FileProblem::Invalid(p) => format!(
                "Satserne i filen kan ikke bruges: {} {}.",
                p.len(),
                if p.len() == 1 { "problem" } else { "problemer" }
            ),
        }
    }

    /// The problems with the figures, for a list beneath the message.
    pub fn problems(&self) -> &[RateProblem] {
        match self {
            FileProblem::Invalid(p) => p,
            _ => &[],
        }
    }
}

/// Reads a rates file as Udsyn exports it (the JSON form of [`Rates`]) and checks it: UTF-8 (a
/// byte-order mark is allowed), JSON, the shape of the rates, a call year Udsyn keeps, and the
/// figures' own rules (`validate`). Text is cleaned as everything typed into Udsyn is.
pub fn read_rates_file(bytes: &[u8]) -> Result<Rates, FileProblem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| FileProblem::NotUtf8)?;
    let text = clean_text(text);
    if text.trim().is_empty() {
        return Err(FileProblem::Empty);
    }
    match serde_json::from_str::<serde_json::Value>(&text) {
        Err(e) => {
            return Err(FileProblem::NotJson {
                line: e.line(),
                column: e.column(),
            });
        }
        // serde would read a list as the fields in order, and say something odd about it.
        Ok(v) if !v.is_object() => {
            return Err(FileProblem::Shape(format!(
                "filen skal være ét objekt med satserne ({{\"call_year\": …}}), men er {}.",
                match v {
                    serde_json::Value::Array(_) => "en liste",
                    serde_json::Value::String(_) => "en tekst",
                    serde_json::Value::Number(_) => "et tal",
                    _ => "en enkelt værdi",
                }
            )));
        }
        Ok(_) => {}
    }
    let mut de = serde_json::Deserializer::from_str(&text);
    let rates: Rates = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| FileProblem::Shape(shape_message(&e.path().to_string(), e.inner())))?;
    let mut problems = Vec::new();
    if !YEARS.contains(&rates.call_year) {
        problems.push(RateProblem {
            field: "call_year".into(),
            message: format!(
                "Indkaldelsesåret skal ligge mellem {} og {} (er {}).",
                YEARS.start(),
                YEARS.end(),
                rates.call_year
            ),
        });
    }
    if let Err(p) = validate(&rates) {
        problems.extend(p);
    }
    if problems.is_empty() {
        Ok(rates)
    } else {
        Err(FileProblem::Invalid(problems))
    }
}

/// serde's words for a value of the wrong shape, in Danish, with the field's path in the file
/// (`bands[2].standard_cents.value`).
fn shape_message(path: &str, e: &serde_json::Error) -> String {
    let raw = e.to_string();
    // serde_json adds where it was; the path says it better.
    let raw = raw
        .rsplit_once(" at line ")
        .map(|(m, _)| m.to_string())
        .unwrap_or(raw);
    let within = |field: &str| match path {
        "." | "" => field.to_string(),
        p => format!("{p}.{field}"),
    };
    let between_ticks = |s: &str| s.split('`').nth(1).unwrap_or("").to_string();
    if let Some(rest) = raw.strip_prefix("missing field ") {
        return format!("feltet »{}« mangler.", within(&between_ticks(rest)));
    }
    if let Some(rest) = raw.strip_prefix("duplicate field ") {
        return format!("feltet »{}« står to gange.", within(&between_ticks(rest)));
    }
    let place = match path {
        "." | "" => "filen".to_string(),
        p => format!("feltet »{p}«"),
    };
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = raw.strip_prefix(prefix)
            && let Some((found, expected)) = rest.split_once(", expected ")
        {
            return format!(
                "{place} skal være {}, men er {}.",
                expected_da(expected),
                found_da(found)
            );
        }
    }
    format!("{place} kan ikke læses ({raw}).")
}

fn expected_da(expected: &str) -> String {
    match expected {
        "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" => {
            if expected == "i16" {
                "et helt tal (højst 32767)".into()
            } else {
                "et helt tal".into()
            }
        }
        "a boolean" => "true eller false".into(),
        "a string" => "en tekst".into(),
        "a sequence" => "en liste".into(),
        "a map" => "et objekt".into(),
        e if e.starts_with("struct ") => "et objekt".into(),
        e => e.to_string(),
    }
}

fn found_da(found: &str) -> String {
    let inner = |s: &str| s.split('`').nth(1).unwrap_or(s).to_string();
    if let Some(s) = found.strip_prefix("string ") {
        format!("teksten {s}")
    } else if let Some(n) = found.strip_prefix("integer ") {
        format!("tallet {}", inner(n))
    } else if let Some(n) = found.strip_prefix("floating point ") {
        format!("decimaltallet {}", inner(n))
    } else if let Some(b) = found.strip_prefix("boolean ") {
        inner(b)
    } else {
        match found {
            "null" => "tom (null)".into(),
            "map" => "et objekt".into(),
            "sequence" => "en liste".into(),
            f => f.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_2025() -> Rates {
        let sql = include_str!("../../migrations/0008_money.sql");
        let start = sql.find("(2025, $rates$").expect("2025 in the seed") + "(2025, $rates$".len();
        let end = start + sql[start..].find("$rates$").unwrap();
        serde_json::from_str(&sql[start..end]).expect("the seed is rates")
    }

    #[test]
    fn counting_and_copying_the_marks() {
        let mut rates = seed_2025();
        // 7 bands × 2, 33 countries, 3 groups, 8 activity types, 3 amounts, 9 counts and shares.
        assert_eq!(count_figures(&rates), (14 + 33 + 3 + 8 + 3 + 9, 70));
        rates.course_fee_per_day_cents.verified = true;
        rates.course_fee_per_day_cents.source = "Bilag 3, 2025".into();
        rates.bands[0].green_cents.source = String::new();
        assert_eq!(count_figures(&rates), (70, 69));

        let next = copied(&rates, 2026);
        assert_eq!(next.call_year, 2026);
        assert_eq!(count_figures(&next), (70, 70));
        assert_eq!(
            next.course_fee_per_day_cents.source,
            "Kopieret fra 2025: Bilag 3, 2025"
        );
        assert_eq!(next.bands[0].green_cents.source, "Kopieret fra 2025");
        assert_eq!(
            next.course_fee_per_day_cents.value, 8_000,
            "values are kept"
        );
        assert_eq!(next.countries, {
            let mut c = rates.countries.clone();
            for f in c.values_mut() {
                f.source = format!("Kopieret fra 2025: {}", f.source);
            }
            c
        });
    }

    #[test]
    fn a_rates_file_round_trips_and_each_fault_is_named() {
        let rates = seed_2025();
        let json = serde_json::to_string_pretty(&rates).unwrap();
        assert_eq!(read_rates_file(json.as_bytes()), Ok(rates.clone()));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(json.as_bytes());
        assert_eq!(read_rates_file(&bom), Ok(rates.clone()));

        assert_eq!(read_rates_file(b""), Err(FileProblem::Empty));
        let latin1 = b"{\"source\": \"Kilde: s\xe6rlig\"}";
        assert_eq!(read_rates_file(latin1), Err(FileProblem::NotUtf8));
        assert!(
            FileProblem::NotUtf8
                .message()
                .starts_with("Filen er ikke UTF-8-tekst")
        );
        assert_eq!(
            read_rates_file(b"call_year;bands\n2025;x\n"),
            Err(FileProblem::NotJson { line: 1, column: 1 })
        );
        assert_eq!(
            read_rates_file(b"{\"call_year\": 2025,\n \"bands\": [}"),
            Err(FileProblem::NotJson {
                line: 2,
                column: 12
            })
        );

        let shape = |v: serde_json::Value| match read_rates_file(v.to_string().as_bytes()) {
            Err(FileProblem::Shape(m)) => m,
            other => panic!("{other:?}"),
        };
        let mut v = serde_json::to_value(&rates).unwrap();
        v.as_object_mut().unwrap().remove("reduced_share_bp");
        assert_eq!(shape(v), "feltet »reduced_share_bp« mangler.");
        let mut v = serde_json::to_value(&rates).unwrap();
        v["bands"][2].as_object_mut().unwrap().remove("green_cents");
        assert_eq!(shape(v), "feltet »bands[2].green_cents« mangler.");
        let mut v = serde_json::to_value(&rates).unwrap();
        v["bands"][3]["standard_cents"]["value"] = serde_json::json!("395,00");
        assert_eq!(
            shape(v),
            "feltet »bands[3].standard_cents.value« skal være et helt tal, men er teksten \"395,00\"."
        );
        let mut v = serde_json::to_value(&rates).unwrap();
        v["countries"]["AT"]["verified"] = serde_json::json!("ja");
        assert_eq!(
            shape(v),
            "feltet »countries.AT.verified« skal være true eller false, men er teksten \"ja\"."
        );
        let mut v = serde_json::to_value(&rates).unwrap();
        v["countries"]["AT"]["value"] = serde_json::json!(70000);
        assert_eq!(
            shape(v),
            "feltet »countries.AT.value« skal være et helt tal (højst 32767), men er tallet 70000."
        );
        assert_eq!(
            shape(serde_json::json!([1, 2])),
            "filen skal være ét objekt med satserne ({\"call_year\": …}), men er en liste."
        );

        let mut overlap = rates.clone();
        overlap.bands[1].min_km = 90;
        overlap.call_year = 1999;
        let p = read_rates_file(serde_json::to_string(&overlap).unwrap().as_bytes()).unwrap_err();
        let messages: Vec<&str> = p.problems().iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Indkaldelsesåret skal ligge mellem 2014 og 2100 (er 1999).",
                "Afstandsbåndene 10–99 km og 90–499 km overlapper.",
            ]
        );
        assert_eq!(
            p.message(),
            "Satserne i filen kan ikke bruges: 2 problemer."
        );
    }
}
