//! What the grant is computed from and what it is: the participant's mobility, the budget
//! categories and lines, and the errors.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The budget categories of the Beneficiary Module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    Travel,
    IndividualSupport,
    OrganisationalSupport,
    CourseFees,
    InclusionSupportParticipants,
    InclusionSupportOrganisation,
    ExceptionalCosts,
    PreparatoryVisit,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::Travel,
        Category::IndividualSupport,
        Category::OrganisationalSupport,
        Category::CourseFees,
        Category::InclusionSupportParticipants,
        Category::InclusionSupportOrganisation,
        Category::ExceptionalCosts,
        Category::PreparatoryVisit,
    ];

    /// A stable code for exports and CSS classes.
    pub fn code(self) -> &'static str {
        match self {
            Category::Travel => "travel",
            Category::IndividualSupport => "individual_support",
            Category::OrganisationalSupport => "organisational_support",
            Category::CourseFees => "course_fees",
            Category::InclusionSupportParticipants => "inclusion_participants",
            Category::InclusionSupportOrganisation => "inclusion_organisation",
            Category::ExceptionalCosts => "exceptional_costs",
            Category::PreparatoryVisit => "preparatory_visit",
        }
    }

    /// The Danish label.
    pub fn label(self) -> &'static str {
        match self {
            Category::Travel => "Rejsetilskud",
            Category::IndividualSupport => "Individuel støtte",
            Category::OrganisationalSupport => "Organisatorisk støtte",
            Category::CourseFees => "Kursusafgift",
            Category::InclusionSupportParticipants => "Inklusionsstøtte (deltager)",
            Category::InclusionSupportOrganisation => "Inklusionsstøtte (organisation)",
            Category::ExceptionalCosts => "Ekstraordinære omkostninger",
            Category::PreparatoryVisit => "Forberedende besøg",
        }
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// One participant's mobility, as far as the grant depends on it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Participation {
    /// Activity type code, e.g. `SM-JOB-SHDW`.
    pub activity_type: String,
    /// An accompanying person (ledsager): staff rates, no organisational support.
    pub accompanying: bool,
    /// Receiving country code, e.g. `PT`.
    pub country: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Days of the activity that do not count (interrupted duration).
    pub interrupted_days: i32,
    /// Funded travel days asked for; capped at the maximum of the call year.
    pub travel_days: i32,
    /// Green travel (a sustainable main means of transport).
    pub green: bool,
    /// One-way km typed from the EU distance calculator; wins over `great_circle_km`.
    pub calculator_km: Option<i32>,
    /// One-way km computed from the two towns' coordinates ([`super::haversine_km`]).
    pub great_circle_km: Option<f64>,
    /// Real travel cost, for expensive travel.
    pub real_travel_cents: Option<i64>,
    /// "Request exceptional costs for expensive travel".
    pub expensive_travel: bool,
    /// Course-fee days asked for in this course.
    pub course_fee_days: i32,
    pub course_fees_not_requested: bool,
    pub org_support_not_requested: bool,
    /// Participant with fewer opportunities (never an accompanying person).
    pub fewer_opportunities: bool,
    /// Real cost of inclusion support for the participant.
    pub inclusion_real_cents: Option<i64>,
    /// The national agency has approved the inclusion support.
    pub inclusion_approved: bool,
    /// Real exceptional costs.
    pub exceptional_real_cents: Option<i64>,
    /// Course-fee days this person already has in other courses of the same project.
    pub other_course_fee_days: i32,
}

/// Where the km behind the travel grant came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DistanceSource {
    /// Typed from the EU distance calculator.
    Calculator,
    /// Computed great-circle distance between the towns.
    GreatCircle,
}

impl DistanceSource {
    pub fn label(self) -> &'static str {
        match self {
            DistanceSource::Calculator => "EU's afstandsberegner",
            DistanceSource::GreatCircle => "beregnet i luftlinje",
        }
    }
}

/// The whole km the travel grant was computed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistanceUsed {
    pub km: i32,
    pub source: DistanceSource,
}

/// One budget line: its amount, the working in Danish, and whether an unverified figure was used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    pub category: Category,
    pub cents: i64,
    pub working: String,
    /// A figure not yet checked against Annex 3 was used: show "skal verificeres mod bilag 3".
    pub unverified: bool,
}

/// The grant of one participant (or one preparatory visit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub call_year: i16,
    /// The km used for the travel grant, if any.
    pub distance: Option<DistanceUsed>,
    pub lines: Vec<Line>,
    /// Danish warnings: nothing refused, but someone should look.
    pub warnings: Vec<String>,
}

impl Grant {
    pub fn total(&self) -> i64 {
        self.lines.iter().map(|l| l.cents).sum()
    }

    /// Whether any line used an unverified figure.
    pub fn unverified(&self) -> bool {
        self.lines.iter().any(|l| l.unverified)
    }

    pub fn line(&self, category: Category) -> Option<&Line> {
        self.lines.iter().find(|l| l.category == category)
    }

    /// The amount of a category, 0 when there is no such line.
    pub fn cents(&self, category: Category) -> i64 {
        self.line(category).map_or(0, |l| l.cents)
    }

    pub(super) fn push(
        &mut self,
        category: Category,
        cents: i64,
        working: String,
        unverified: bool,
    ) {
        self.lines.push(Line {
            category,
            cents,
            working,
            unverified,
        });
    }
}

/// Why a grant cannot be computed; the message is Danish.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error(
        "Landet {country} har ingen landegruppe for individuel støtte i indkaldelsesår {call_year}. Tilføj landet til satserne for året."
    )]
    UnknownCountry { country: String, call_year: i16 },
    #[error(
        "Landegruppe {group} har ingen dagssats for individuel støtte i indkaldelsesår {call_year}."
    )]
    NoGroupRate { group: i16, call_year: i16 },
    #[error(
        "Aktivitetstypen {activity_type} har ingen sats for organisatorisk støtte i indkaldelsesår {call_year}."
    )]
    NoOrganisationalRate {
        activity_type: String,
        call_year: i16,
    },
    #[error("Et forberedende besøg beregnes for besøget som helhed: enhedssats × antal personer.")]
    PreparatoryVisit,
    #[error(
        "Udsyn har ingen satser for elevers individuelle støtte ({activity_type}); beregn elevens tilskud i Beneficiary Module."
    )]
    PupilRates { activity_type: String },
    #[error("Slutdatoen ligger før startdatoen.")]
    EndBeforeStart,
    #[error("{what} må ikke være negativ.")]
    Negative { what: &'static str },
    #[error("Der er {interrupted} afbrudte dage, men aktiviteten varer kun {days} dage.")]
    TooManyInterrupted { interrupted: i64, days: i64 },
}
