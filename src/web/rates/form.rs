//! The edit form's fields and the rates they stand for: every figure of a call year as a value,
//! a "Kontrolleret mod bilag 3" checkbox and a source; distance bands and countries as numbered
//! rows (`band3_min`, `land7_kode`), the other figures under their `Rates` field names. Amounts
//! are read in euro and shares in percent the Danish way (`money_input`), and the problems of
//! `grant::validate` are mapped back to the field the person typed the figure in.

use std::collections::BTreeMap;

use super::Names;
use crate::domain::grant::{Band, Figure, GroupRate, PREP_VISIT, RateProblem, Rates};
use crate::domain::money_input::{self, euro_input, percent_input};
use crate::domain::{format, validate as text};
use crate::web::forms::RawForm;

/// Empty rows offered for adding distance bands and countries.
const NEW_BANDS: usize = 2;
const NEW_COUNTRIES: usize = 3;
/// More rows than any call year has; a form with more is not read further.
const MAX_ROWS: usize = 200;
/// The longest source text kept.
const SOURCE_MAX: usize = 500;

const OK: &str = "_kontrolleret";
pub(super) const SOURCE: &str = "_kilde";

/// Messages per form field, in the order of the form. Field names are made per row
/// (`band3_min`), so unlike `FormErrors` they are owned.
#[derive(Debug, Default)]
pub struct Problems {
    pub list: Vec<Problem>,
}

#[derive(Debug)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl Problems {
    pub(super) fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.list.push(Problem {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Every message for one field, joined.
    pub(super) fn get(&self, field: &str) -> Option<String> {
        let all: Vec<&str> = self
            .list
            .iter()
            .filter(|p| p.field == field)
            .map(|p| p.message.as_str())
            .collect();
        (!all.is_empty()).then(|| all.join(" "))
    }
}

// ---------------------------------------------------------------------------------------------
// The single figures: each with its form field, label and kind

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Euro,
    Percent,
    Days,
    Persons,
}

impl Kind {
    pub(super) fn hint(self) -> &'static str {
        match self {
            Kind::Euro => "I euro, fx 395 eller 1.188,00.",
            Kind::Percent => "I procent, fx 70 eller 70,5.",
            Kind::Days => "Antal dage.",
            Kind::Persons => "Antal personer.",
        }
    }
}

pub(super) struct Scalar {
    /// The field of `Rates`, also the form field (so `validate`'s problem lands on it as it is).
    pub(super) name: &'static str,
    pub(super) label: &'static str,
    pub(super) kind: Kind,
}

const fn scalar(name: &'static str, label: &'static str, kind: Kind) -> Scalar {
    Scalar { name, label, kind }
}

/// The day-15 rule, shown with the individual support.
pub(super) const DAY_RULE: &[Scalar] = &[
    scalar("full_rate_days", "Dage med fuld dagssats", Kind::Days),
    scalar(
        "reduced_share_bp",
        "Andel af dagssatsen fra dagen efter",
        Kind::Percent,
    ),
];

/// The other single figures, section by section.
pub(super) const SECTIONS: &[(&str, &[Scalar])] = &[
    (
        "Kursusafgift",
        &[
            scalar(
                "course_fee_per_day_cents",
                "Kursusafgift pr. dag",
                Kind::Euro,
            ),
            scalar(
                "course_fee_max_days",
                "Højeste antal kursusdage pr. deltager i projektet",
                Kind::Days,
            ),
        ],
    ),
    (
        "Forberedende besøg",
        &[
            scalar(
                "prep_visit_per_person_cents",
                "Forberedende besøg pr. person",
                Kind::Euro,
            ),
            scalar(
                "prep_visit_max_persons",
                "Højeste antal personer på forberedende besøg",
                Kind::Persons,
            ),
        ],
    ),
    (
        "Inklusionsstøtte",
        &[scalar(
            "inclusion_org_per_participant_cents",
            "Inklusionsstøtte til organisationen pr. deltager med færre muligheder",
            Kind::Euro,
        )],
    ),
    (
        "Ekstraordinære omkostninger og dyr rejse",
        &[
            scalar(
                "exceptional_share_bp",
                "Andel af ekstraordinære omkostninger",
                Kind::Percent,
            ),
            scalar(
                "expensive_threshold_bp",
                "Grænse for dyr rejse: rejsetilskuddet dækker under denne andel af den faktiske udgift",
                Kind::Percent,
            ),
            scalar(
                "expensive_paid_bp",
                "Andel af den faktiske udgift ved dyr rejse",
                Kind::Percent,
            ),
        ],
    ),
    (
        "Rejsedage",
        &[
            scalar(
                "max_travel_days_standard",
                "Højeste antal rejsedage",
                Kind::Days,
            ),
            scalar(
                "max_travel_days_green",
                "Højeste antal rejsedage ved grøn rejse",
                Kind::Days,
            ),
        ],
    ),
];

pub(super) fn scalars() -> impl Iterator<Item = &'static Scalar> {
    DAY_RULE
        .iter()
        .chain(SECTIONS.iter().flat_map(|(_, s)| s.iter()))
}

/// The figure behind a scalar's name: amounts are `i64` cents, the rest `i32`.
enum Slot<'a> {
    Cents(&'a mut Figure<i64>),
    Whole(&'a mut Figure<i32>),
}

fn slot<'a>(r: &'a mut Rates, name: &str) -> Option<Slot<'a>> {
    Some(match name {
        "course_fee_per_day_cents" => Slot::Cents(&mut r.course_fee_per_day_cents),
        "prep_visit_per_person_cents" => Slot::Cents(&mut r.prep_visit_per_person_cents),
        "inclusion_org_per_participant_cents" => {
            Slot::Cents(&mut r.inclusion_org_per_participant_cents)
        }
        "full_rate_days" => Slot::Whole(&mut r.full_rate_days),
        "reduced_share_bp" => Slot::Whole(&mut r.reduced_share_bp),
        "course_fee_max_days" => Slot::Whole(&mut r.course_fee_max_days),
        "prep_visit_max_persons" => Slot::Whole(&mut r.prep_visit_max_persons),
        "exceptional_share_bp" => Slot::Whole(&mut r.exceptional_share_bp),
        "expensive_threshold_bp" => Slot::Whole(&mut r.expensive_threshold_bp),
        "expensive_paid_bp" => Slot::Whole(&mut r.expensive_paid_bp),
        "max_travel_days_standard" => Slot::Whole(&mut r.max_travel_days_standard),
        "max_travel_days_green" => Slot::Whole(&mut r.max_travel_days_green),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Rates → the form's fields

fn push_figure(
    out: &mut Vec<(String, String)>,
    name: &str,
    value: String,
    verified: bool,
    source: &str,
) {
    out.push((name.to_string(), value));
    if verified {
        out.push((format!("{name}{OK}"), "ja".into()));
    }
    out.push((format!("{name}{SOURCE}"), source.to_string()));
}

fn km(n: i32) -> String {
    format::thousands(i64::from(n))
}

/// The organisational-support rows: every activity type but the preparatory visit (which has
/// its own unit cost), and any other code the rates have.
fn org_codes(r: &Rates, names: &Names) -> Vec<String> {
    let mut codes: Vec<String> = names
        .activities
        .iter()
        .map(|(c, _)| c.clone())
        .filter(|c| c != PREP_VISIT)
        .collect();
    for c in r.organisational_support.keys() {
        if !codes.contains(c) {
            codes.push(c.clone());
        }
    }
    names
        .activity_order(codes.iter())
        .into_iter()
        .cloned()
        .collect()
}

/// The form filled in with a year's rates, and empty rows for new bands and countries.
pub(super) fn form_of(r: &Rates, names: &Names) -> RawForm {
    let mut out = Vec::new();
    let mut bands: Vec<&Band> = r.bands.iter().collect();
    bands.sort_by_key(|b| b.min_km);
    for (i, b) in bands.iter().enumerate() {
        out.push((format!("band{i}_min"), km(b.min_km)));
        out.push((format!("band{i}_max"), b.max_km.map(km).unwrap_or_default()));
        let s = &b.standard_cents;
        push_figure(
            &mut out,
            &format!("band{i}_standard"),
            euro_input(s.value),
            s.verified,
            &s.source,
        );
        let g = &b.green_cents;
        push_figure(
            &mut out,
            &format!("band{i}_green"),
            euro_input(g.value),
            g.verified,
            &g.source,
        );
    }
    for i in bands.len()..bands.len() + NEW_BANDS {
        for f in [
            "min",
            "max",
            "standard",
            "standard_kilde",
            "green",
            "green_kilde",
        ] {
            out.push((format!("band{i}_{f}"), String::new()));
        }
    }
    let codes = names.country_order(r.countries.keys());
    for (i, code) in codes.iter().enumerate() {
        let g = &r.countries[*code];
        out.push((format!("land{i}_kode"), code.to_string()));
        push_figure(
            &mut out,
            &format!("land{i}_gruppe"),
            g.value.to_string(),
            g.verified,
            &g.source,
        );
    }
    for i in codes.len()..codes.len() + NEW_COUNTRIES {
        for f in ["kode", "gruppe", "gruppe_kilde"] {
            out.push((format!("land{i}_{f}"), String::new()));
        }
    }
    for group in 1..=3 {
        let name = format!("gruppe{group}_dagssats");
        match r.group_rate(group) {
            Some(f) => push_figure(&mut out, &name, euro_input(f.value), f.verified, &f.source),
            None => push_figure(&mut out, &name, String::new(), false, ""),
        }
    }
    for (i, code) in org_codes(r, names).iter().enumerate() {
        out.push((format!("org{i}_kode"), code.clone()));
        let name = format!("org{i}_beloeb");
        match r.organisational_support.get(code) {
            Some(f) => push_figure(&mut out, &name, euro_input(f.value), f.verified, &f.source),
            None => push_figure(&mut out, &name, String::new(), false, ""),
        }
    }
    let mut r = r.clone();
    for s in scalars() {
        match slot(&mut r, s.name) {
            Some(Slot::Cents(f)) => {
                push_figure(&mut out, s.name, euro_input(f.value), f.verified, &f.source)
            }
            Some(Slot::Whole(f)) => {
                let value = if s.kind == Kind::Percent {
                    percent_input(f.value)
                } else {
                    f.value.to_string()
                };
                push_figure(&mut out, s.name, value, f.verified, &f.source)
            }
            None => {}
        }
    }
    RawForm(out)
}

// ---------------------------------------------------------------------------------------------
// The form's fields → rates

fn has(f: &RawForm, name: &str) -> bool {
    f.0.iter().any(|(k, _)| k == name)
}

/// How many rows of a kind the form has: `band0_min`, `band1_min`, … as long as they come.
pub(super) fn rows(f: &RawForm, prefix: &str, field: &str) -> usize {
    (0..MAX_ROWS)
        .take_while(|i| has(f, &format!("{prefix}{i}_{field}")))
        .count()
}

/// Where each figure of the parsed rates came from on the form, so that `validate`'s problems
/// (`bands[2].min_km`, `countries.AT`) are shown on the field the person typed them in.
#[derive(Default)]
pub(super) struct Rows {
    bands: Vec<usize>,
    countries: BTreeMap<String, usize>,
    organisational: BTreeMap<String, usize>,
}

pub(super) fn checked(f: &RawForm, name: &str) -> bool {
    !f.get(&format!("{name}{OK}")).is_empty()
}

fn source_of(f: &RawForm, name: &str, label: &str, errors: &mut Problems) -> String {
    let field = format!("{name}{SOURCE}");
    match text::optional(&f.get(&field), SOURCE_MAX) {
        Ok(s) => s,
        Err(m) => {
            errors.add(field, format!("{label}, kilde: {m}"));
            String::new()
        }
    }
}

/// One figure from its three fields; `None` (with the message recorded) when the value is wrong.
fn figure<T>(
    f: &RawForm,
    name: &str,
    label: &str,
    parse: impl Fn(&str, &str) -> Result<T, String>,
    errors: &mut Problems,
) -> Option<Figure<T>> {
    let source = source_of(f, name, label, errors);
    match parse(&f.get(name), label) {
        Ok(value) => Some(Figure::new(value, checked(f, name), source)),
        Err(m) => {
            errors.add(name, m);
            None
        }
    }
}

fn group_number(input: &str, what: &str) -> Result<i16, String> {
    let n = money_input::whole(input, what)?;
    i16::try_from(n).map_err(|_| format!("{what}: landegruppen skal være 1, 2 eller 3."))
}

/// Reads the whole form over the year's stored rates. `None` when a field could not be read.
pub(super) fn parse(
    f: &RawForm,
    year: i16,
    stored: &Rates,
    names: &Names,
    errors: &mut Problems,
) -> (Option<Rates>, Rows) {
    let mut out = stored.clone();
    out.call_year = year;
    let mut at = Rows::default();
    let mut complete = true;

    // Distance bands: a row left empty is dropped.
    let mut bands = Vec::new();
    for i in 0..rows(f, "band", "min") {
        let name = |field: &str| format!("band{i}_{field}");
        if ["min", "max", "standard", "green"]
            .iter()
            .all(|x| f.get(&name(x)).trim().is_empty())
        {
            continue;
        }
        let label = format!("Afstandsbånd {}", i + 1);
        let min = money_input::whole(&f.get(&name("min")), &format!("{label}, fra km"))
            .map_err(|m| errors.add(name("min"), m))
            .ok();
        let max = match f.get(&name("max")).trim() {
            "" => Some(None),
            typed => money_input::whole(typed, &format!("{label}, til km"))
                .map(Some)
                .map_err(|m| errors.add(name("max"), m))
                .ok(),
        };
        let standard = figure(
            f,
            &name("standard"),
            &format!("{label}, standard"),
            money_input::euro_cents,
            errors,
        );
        let green = figure(
            f,
            &name("green"),
            &format!("{label}, grøn rejse"),
            money_input::euro_cents,
            errors,
        );
        match (min, max, standard, green) {
            (Some(min_km), Some(max_km), Some(standard_cents), Some(green_cents)) => {
                bands.push(Band {
                    min_km,
                    max_km,
                    standard_cents,
                    green_cents,
                });
                at.bands.push(i);
            }
            _ => complete = false,
        }
    }
    out.bands = bands;

    // Countries: code and group; a row left empty is dropped.
    let mut countries = BTreeMap::new();
    for i in 0..rows(f, "land", "kode") {
        let (code_field, group_field) = (format!("land{i}_kode"), format!("land{i}_gruppe"));
        let code = f.get(&code_field).trim().to_uppercase();
        let group = f.get(&group_field);
        if code.is_empty() && group.trim().is_empty() {
            continue;
        }
        let label = format!("Land {}", i + 1);
        if code.is_empty() {
            errors.add(code_field, format!("{label}: skriv landekoden, fx AT."));
            complete = false;
            continue;
        }
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            errors.add(
                code_field,
                format!("{label}: landekoden skal være to bogstaver, fx AT (er »{code}«)."),
            );
            complete = false;
            continue;
        }
        if let Some(first) = at.countries.get(&code) {
            errors.add(
                code_field,
                format!("{label}: {code} står allerede i række {}.", first + 1),
            );
            complete = false;
            continue;
        }
        let label = match names.country(&code) {
            Some(n) => format!("{n} ({code})"),
            None => code.clone(),
        };
        if group.trim().is_empty() {
            errors.add(
                &group_field,
                format!("{label}: skriv landegruppen, 1, 2 eller 3."),
            );
            complete = false;
            continue;
        }
        match figure(f, &group_field, &label, group_number, errors) {
            Some(g) => {
                countries.insert(code.clone(), g);
                at.countries.insert(code, i);
            }
            None => complete = false,
        }
    }
    out.countries = countries;

    // Individual support: one daily rate per country group.
    let mut groups = Vec::new();
    for group in 1..=3 {
        let name = format!("gruppe{group}_dagssats");
        match figure(
            f,
            &name,
            &format!("Individuel støtte, gruppe {group}"),
            money_input::euro_cents,
            errors,
        ) {
            Some(per_day_cents) => groups.push(GroupRate {
                group,
                per_day_cents,
            }),
            None => complete = false,
        }
    }
    out.individual_support = groups;

    // Organisational support per activity type: an empty amount leaves the activity out.
    let mut organisational = BTreeMap::new();
    for i in 0..rows(f, "org", "kode") {
        let code = f.get(&format!("org{i}_kode")).trim().to_string();
        let name = format!("org{i}_beloeb");
        if f.get(&name).trim().is_empty() {
            continue;
        }
        let known = code.len() <= 40
            && !code.is_empty()
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if !known || organisational.contains_key(&code) {
            errors.add(
                name,
                "Aktiviteten kan ikke læses. Genindlæs siden, og prøv igen.",
            );
            complete = false;
            continue;
        }
        let label = format!(
            "Organisatorisk støtte for {}",
            names.activity(&code).unwrap_or(&code)
        );
        match figure(f, &name, &label, money_input::euro_cents, errors) {
            Some(fig) => {
                organisational.insert(code.clone(), fig);
                at.organisational.insert(code, i);
            }
            None => complete = false,
        }
    }
    out.organisational_support = organisational;

    for s in scalars() {
        let read = match s.kind {
            Kind::Euro => figure(f, s.name, s.label, money_input::euro_cents, errors).map(|fig| {
                if let Some(Slot::Cents(slot)) = slot(&mut out, s.name) {
                    *slot = fig;
                }
            }),
            kind => {
                let parse = if kind == Kind::Percent {
                    money_input::percent_bp
                } else {
                    money_input::whole
                };
                figure(f, s.name, s.label, parse, errors).map(|fig| {
                    if let Some(Slot::Whole(slot)) = slot(&mut out, s.name) {
                        *slot = fig;
                    }
                })
            }
        };
        complete &= read.is_some();
    }
    (complete.then_some(out), at)
}

/// The form field a problem of `validate` concerns.
pub(super) fn field_of(p: &RateProblem, rates: &Rates, at: &Rows) -> String {
    let field = p.field.as_str();
    if let Some(rest) = field.strip_prefix("bands[") {
        let (i, part) = rest
            .split_once("].")
            .unwrap_or((rest.trim_end_matches(']'), "min_km"));
        let row = i
            .parse::<usize>()
            .ok()
            .and_then(|i| at.bands.get(i))
            .copied()
            .unwrap_or(0);
        let part = match part {
            "max_km" => "max",
            "standard_cents" => "standard",
            "green_cents" => "green",
            _ => "min",
        };
        return format!("band{row}_{part}");
    }
    if field == "bands" {
        return "band0_min".into();
    }
    if let Some(code) = field.strip_prefix("countries.") {
        return format!(
            "land{}_gruppe",
            at.countries.get(code).copied().unwrap_or(0)
        );
    }
    if let Some(code) = field.strip_prefix("organisational_support.") {
        return format!(
            "org{}_beloeb",
            at.organisational.get(code).copied().unwrap_or(0)
        );
    }
    if let Some(rest) = field.strip_prefix("individual_support[") {
        let group = rest
            .split(']')
            .next()
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| rates.individual_support.get(i))
            .map(|g| g.group)
            .filter(|g| (1..=3).contains(g))
            .unwrap_or(1);
        return format!("gruppe{group}_dagssats");
    }
    if field == "individual_support" {
        return "gruppe1_dagssats".into();
    }
    field.to_string()
}
