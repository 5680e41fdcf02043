//! One participant mobility as the BM writes it: the grant by category ([`Amounts`]), the
//! [`Row`], and each field of it formatted as a [`Cell`] in the BM's words and number forms.

use chrono::NaiveDate;

use super::fields::{Column, Field};
use crate::domain::grant::{self, Category};

/// A participant's grant by budget category, in cents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Amounts {
    pub travel: i64,
    pub individual_support: i64,
    pub organisational_support: i64,
    pub course_fees: i64,
    pub inclusion_participants: i64,
    pub inclusion_organisation: i64,
    pub exceptional_costs: i64,
    pub preparatory_visit: i64,
    pub total: i64,
}

impl Amounts {
    /// From the kept grant lines (category code, cents) and the kept total.
    pub fn from_lines<'a>(lines: impl IntoIterator<Item = (&'a str, i64)>, total: i64) -> Amounts {
        let mut a = Amounts {
            total,
            ..Amounts::default()
        };
        for (code, cents) in lines {
            let slot = match Category::ALL.into_iter().find(|c| c.code() == code) {
                Some(Category::Travel) => &mut a.travel,
                Some(Category::IndividualSupport) => &mut a.individual_support,
                Some(Category::OrganisationalSupport) => &mut a.organisational_support,
                Some(Category::CourseFees) => &mut a.course_fees,
                Some(Category::InclusionSupportParticipants) => &mut a.inclusion_participants,
                Some(Category::InclusionSupportOrganisation) => &mut a.inclusion_organisation,
                Some(Category::ExceptionalCosts) => &mut a.exceptional_costs,
                Some(Category::PreparatoryVisit) => &mut a.preparatory_visit,
                None => continue,
            };
            *slot += cents;
        }
        a
    }
}

/// One participant mobility, as far as the BM file needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The BM's mobility activity ID; empty until the first export assigns one.
    pub bm_id: String,
    pub project_reference: String,
    pub activity_type: String,
    pub accompanying: bool,
    pub fewer_opportunities: bool,
    pub sending_oid: String,
    pub receiving_oid: String,
    pub receiving_country: String,
    pub venue_city: String,
    pub partner_city: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub interrupted_days: i64,
    pub travel_days: i64,
    /// Udsyn's code (`mobilities.transport`): fly, tog, bus, …
    pub transport: String,
    pub green_travel: bool,
    /// The distance band's Danish label as kept with the grant (`2.000–2.999 km`).
    pub band: String,
    pub course_fee_days: Option<i64>,
    pub course_fees_not_requested: bool,
    pub course_title: String,
    pub expensive_travel: bool,
    pub real_travel_cents: Option<i64>,
    /// None when the grant could not be computed.
    pub amounts: Option<Amounts>,
}

/// A cell of the file: text, a whole number, or euro cents (written with two decimals).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    Whole(i64),
    Euro(i64),
}

impl Cell {
    /// As written in CSV: `395.00` (a dot as the decimal point, no thousands separator).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Whole(n) => n.to_string(),
            Cell::Euro(c) => euro_dot(*c),
        }
    }
}

/// Cents as `1188.50`, `-28.50`.
pub fn euro_dot(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

pub fn yes_no(b: bool) -> &'static str {
    if b { "Yes" } else { "No" }
}

/// The BM's words for Udsyn's means of transport.
pub fn transport(code: &str) -> &'static str {
    match code {
        "fly" => "Plane",
        "tog" => "Train",
        "bus" => "Bus",
        "bil" => "Car",
        "samkoersel" => "Car-pooling",
        "faerge" => "Ferry",
        "cykel" => "Bike",
        _ => "Other",
    }
}

/// The BM's form of a distance band from Udsyn's label (`grant::band_label`):
/// `2.000–2.999 km` → `Between 2000 and 2999 km`, `8.000 km og derover` → `8000 km or more`.
pub fn distance_band(label: &str) -> String {
    let plain = label.replace('.', "");
    let plain = plain.trim();
    if let Some(min) = plain.strip_suffix(" km og derover") {
        return format!("{} km or more", min.trim());
    }
    if let Some((min, max)) = plain
        .strip_suffix(" km")
        .and_then(|range| range.split_once('–'))
    {
        return format!("Between {} and {} km", min.trim(), max.trim());
    }
    plain.to_string()
}

/// The first part of every mobility activity ID of a project: the last 6 digits of its reference
/// (`2025-1-DK01-KA121-SCH-000300002` → `300002`), zero-padded when it has fewer.
pub fn mobility_id_prefix(reference: &str) -> String {
    let digits: Vec<char> = reference.chars().filter(|c| c.is_ascii_digit()).collect();
    let last: String = digits[digits.len().saturating_sub(6)..].iter().collect();
    format!("{last:0>6}")
}

/// `300002-MOB-00001`: the prefix, MOB and the counter in (at least) five digits.
pub fn mobility_id(prefix: &str, counter: i32) -> String {
    format!("{prefix}-MOB-{counter:05}")
}

/// The date form of the BM file.
pub fn date(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

fn days(row: &Row) -> i64 {
    (row.end - row.start).num_days() + 1
}

/// What Udsyn writes in a column for one participant mobility.
pub fn cell(field: Field, row: &Row) -> Cell {
    let text = |s: &str| {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    };
    let amount = |f: fn(&Amounts) -> i64| {
        row.amounts
            .as_ref()
            .map_or(Cell::Empty, |a| Cell::Euro(f(a)))
    };
    let is_course = row.activity_type == grant::COURSE;
    match field {
        Field::MobilityId => text(&row.bm_id),
        Field::GrantAgreement => text(&row.project_reference),
        Field::ActivityType => text(&row.activity_type),
        Field::Participant => text(yes_no(!row.accompanying)),
        Field::Accompanying => text(yes_no(row.accompanying)),
        Field::ForceMajeure => text(yes_no(false)),
        Field::FewerOpportunities => text(yes_no(row.fewer_opportunities && !row.accompanying)),
        Field::SendingOid => text(&row.sending_oid),
        Field::ReceivingOid => text(&row.receiving_oid),
        Field::ReceivingCountry => text(&row.receiving_country),
        Field::ReceivingCity => {
            if row.venue_city.trim().is_empty() {
                text(row.partner_city.trim())
            } else {
                text(row.venue_city.trim())
            }
        }
        Field::StartDate => Cell::Text(date(row.start)),
        Field::EndDate => Cell::Text(date(row.end)),
        Field::InterruptedDays => Cell::Whole(row.interrupted_days),
        Field::TravelDays => Cell::Whole(row.travel_days),
        Field::Transport => text(transport(&row.transport)),
        Field::GreenTravel => text(yes_no(row.green_travel)),
        Field::DistanceBand => text(&distance_band(&row.band)),
        Field::TravelGrant => amount(|a| a.travel),
        Field::IndividualSupport => amount(|a| a.individual_support),
        Field::CourseFeeDays => match (row.course_fee_days, is_course) {
            _ if row.course_fees_not_requested && is_course => Cell::Whole(0),
            (Some(d), _) => Cell::Whole(d),
            (None, true) => Cell::Whole(days(row)),
            (None, false) => Cell::Empty,
        },
        Field::CourseTitle => text(row.course_title.trim()),
        Field::CourseFees => amount(|a| a.course_fees),
        Field::OrganisationalSupport => amount(|a| a.organisational_support),
        Field::InclusionSupport => amount(|a| a.inclusion_participants + a.inclusion_organisation),
        Field::ExpensiveTravel => text(yes_no(row.expensive_travel)),
        Field::RealTravelCost => row.real_travel_cents.map_or(Cell::Empty, Cell::Euro),
        Field::ExceptionalCosts => amount(|a| a.exceptional_costs),
        Field::TotalGrant => amount(|a| a.total),
    }
}

/// A row's cells in the mapping's column order; a column without a field is empty.
pub fn cells(columns: &[Column], row: &Row) -> Vec<Cell> {
    columns
        .iter()
        .map(|c| c.field.map_or(Cell::Empty, |f| cell(f, row)))
        .collect()
}
