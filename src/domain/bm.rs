//! The Beneficiary Module's mobility file (MONEY.md §4, DOMAIN.md §3): the fields Udsyn can write
//! into it, the BM's default header texts, each field of one participant mobility as the BM
//! writes it, a BM header row matched to fields, and a row of the BM's own export compared with
//! Udsyn's. Pure: the database layer loads the rows and the column mapping of a call year.
//!
//! The columns of the file are data (`bm_columns`, per call year), since they change with BM
//! releases; a header row copied from the coordinator's own BM export sets them.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::grant::Category;
use super::sheet::{self, Table, header_key};

/// What Udsyn can write into a column of the BM file. `code` is what `bm_columns.field` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    MobilityId,
    GrantAgreement,
    ActivityType,
    Participant,
    Accompanying,
    ForceMajeure,
    FewerOpportunities,
    SendingOid,
    ReceivingOid,
    ReceivingCountry,
    ReceivingCity,
    StartDate,
    EndDate,
    InterruptedDays,
    TravelDays,
    Transport,
    GreenTravel,
    DistanceBand,
    TravelGrant,
    IndividualSupport,
    CourseFeeDays,
    CourseTitle,
    CourseFees,
    OrganisationalSupport,
    InclusionSupport,
    ExpensiveTravel,
    RealTravelCost,
    ExceptionalCosts,
    TotalGrant,
}

impl Field {
    /// Every field, in the order the mapping page offers them.
    pub const ALL: [Field; 29] = [
        Field::MobilityId,
        Field::GrantAgreement,
        Field::ActivityType,
        Field::Participant,
        Field::Accompanying,
        Field::ForceMajeure,
        Field::FewerOpportunities,
        Field::SendingOid,
        Field::ReceivingOid,
        Field::ReceivingCountry,
        Field::ReceivingCity,
        Field::StartDate,
        Field::EndDate,
        Field::InterruptedDays,
        Field::TravelDays,
        Field::Transport,
        Field::GreenTravel,
        Field::DistanceBand,
        Field::TravelGrant,
        Field::IndividualSupport,
        Field::CourseFeeDays,
        Field::CourseTitle,
        Field::CourseFees,
        Field::OrganisationalSupport,
        Field::InclusionSupport,
        Field::ExpensiveTravel,
        Field::RealTravelCost,
        Field::ExceptionalCosts,
        Field::TotalGrant,
    ];

    /// The columns of the default mapping (migrations/0008_money.sql), in their order. The grant
    /// agreement number and exceptional costs are known but not in it.
    pub const DEFAULT: [Field; 27] = [
        Field::MobilityId,
        Field::ActivityType,
        Field::Participant,
        Field::Accompanying,
        Field::ForceMajeure,
        Field::FewerOpportunities,
        Field::SendingOid,
        Field::ReceivingOid,
        Field::ReceivingCountry,
        Field::ReceivingCity,
        Field::StartDate,
        Field::EndDate,
        Field::InterruptedDays,
        Field::TravelDays,
        Field::Transport,
        Field::GreenTravel,
        Field::DistanceBand,
        Field::TravelGrant,
        Field::IndividualSupport,
        Field::CourseFeeDays,
        Field::CourseTitle,
        Field::CourseFees,
        Field::OrganisationalSupport,
        Field::InclusionSupport,
        Field::ExpensiveTravel,
        Field::RealTravelCost,
        Field::TotalGrant,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Field::MobilityId => "mobility_id",
            Field::GrantAgreement => "grant_agreement",
            Field::ActivityType => "activity_type",
            Field::Participant => "participant",
            Field::Accompanying => "accompanying",
            Field::ForceMajeure => "force_majeure",
            Field::FewerOpportunities => "fewer_opportunities",
            Field::SendingOid => "sending_oid",
            Field::ReceivingOid => "receiving_oid",
            Field::ReceivingCountry => "receiving_country",
            Field::ReceivingCity => "receiving_city",
            Field::StartDate => "start_date",
            Field::EndDate => "end_date",
            Field::InterruptedDays => "interrupted_days",
            Field::TravelDays => "travel_days",
            Field::Transport => "transport",
            Field::GreenTravel => "green_travel",
            Field::DistanceBand => "distance_band",
            Field::TravelGrant => "travel_grant",
            Field::IndividualSupport => "individual_support",
            Field::CourseFeeDays => "course_fee_days",
            Field::CourseTitle => "course_title",
            Field::CourseFees => "course_fees",
            Field::OrganisationalSupport => "organisational_support",
            Field::InclusionSupport => "inclusion_support",
            Field::ExpensiveTravel => "expensive_travel",
            Field::RealTravelCost => "real_travel_cost",
            Field::ExceptionalCosts => "exceptional_costs",
            Field::TotalGrant => "total_grant",
        }
    }

    pub fn from_code(code: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.code() == code)
    }

    /// The BM's header text, as in the default mapping.
    pub fn default_header(self) -> &'static str {
        match self {
            Field::MobilityId => "Mobility activity ID",
            Field::GrantAgreement => "Grant Agreement No.",
            Field::ActivityType => "Activity type",
            Field::Participant => "Participant",
            Field::Accompanying => "Accompanying person",
            Field::ForceMajeure => "Force majeure",
            Field::FewerOpportunities => "Participant with fewer opportunities",
            Field::SendingOid => "Sending organisation",
            Field::ReceivingOid => "Receiving organisation",
            Field::ReceivingCountry => "Receiving country",
            Field::ReceivingCity => "Receiving city",
            Field::StartDate => "Start date",
            Field::EndDate => "End date",
            Field::InterruptedDays => "Interrupted duration",
            Field::TravelDays => "Funded travel days",
            Field::Transport => "Main means of transport",
            Field::GreenTravel => "Sustainable means of transport (green travel)",
            Field::DistanceBand => "Distance band",
            Field::TravelGrant => "Travel grant",
            Field::IndividualSupport => "Individual support",
            Field::CourseFeeDays => "Course fees – number of days",
            Field::CourseTitle => "Course title",
            Field::CourseFees => "Course fees",
            Field::OrganisationalSupport => "Organisational support",
            Field::InclusionSupport => "Inclusion support for participants",
            Field::ExpensiveTravel => "Request exceptional costs for expensive travel",
            Field::RealTravelCost => "Real travel cost",
            Field::ExceptionalCosts => "Exceptional costs",
            Field::TotalGrant => "Total grant",
        }
    }

    /// Other header texts that obviously mean the same column (matched with [`header_key`]).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::MobilityId => &["Mobility ID", "Mobility activity identifier", "Activity ID"],
            Field::GrantAgreement => &[
                "Grant Agreement Number",
                "Grant agreement",
                "Project number",
                "Project code",
            ],
            Field::ActivityType => &["Activity", "Type of activity"],
            Field::Participant => &["Is participant"],
            Field::Accompanying => &["Accompanying", "Accompanying persons"],
            Field::ForceMajeure => &["Force majeure?"],
            Field::FewerOpportunities => &[
                "Fewer opportunities",
                "Participant with fewer opportunities?",
                "With fewer opportunities",
            ],
            Field::SendingOid => &[
                "Sending organization",
                "Sending organisation OID",
                "Sending organization OID",
                "Sending organisation ID",
            ],
            Field::ReceivingOid => &[
                "Receiving organization",
                "Receiving organisation OID",
                "Receiving organization OID",
                "Receiving organisation ID",
            ],
            Field::ReceivingCountry => &["Country of destination", "Destination country"],
            Field::ReceivingCity => &["City of destination", "Destination city"],
            Field::StartDate => &["Start date of mobility", "Mobility start date", "Start"],
            Field::EndDate => &["End date of mobility", "Mobility end date", "End"],
            Field::InterruptedDays => &[
                "Interruption duration",
                "Interrupted days",
                "Duration of interruption",
            ],
            Field::TravelDays => &["Travel days", "Number of funded travel days"],
            Field::Transport => &["Means of transport", "Main means of travel"],
            Field::GreenTravel => &[
                "Green travel",
                "Sustainable means of transport",
                "Sustainable means of transport green travel",
            ],
            Field::DistanceBand => &["Distance"],
            Field::TravelGrant => &["Travel support", "Standard travel grant", "Travel amount"],
            Field::IndividualSupport => &["Individual support grant"],
            Field::CourseFeeDays => &[
                "Course fees number of days",
                "Course fee days",
                "Number of course days",
            ],
            Field::CourseTitle => &["Course name"],
            Field::CourseFees => &["Course fee", "Course fees grant"],
            Field::OrganisationalSupport => &["Organizational support"],
            Field::InclusionSupport => &["Inclusion support", "Inclusion support participants"],
            Field::ExpensiveTravel => {
                &["Expensive travel", "Exceptional costs for expensive travel"]
            }
            Field::RealTravelCost => &["Real travel costs", "Actual travel cost"],
            Field::ExceptionalCosts => &["Exceptional costs grant"],
            Field::TotalGrant => &["Total", "Grant total", "Total amount"],
        }
    }

    /// The short Danish name.
    pub fn label(self) -> &'static str {
        match self {
            Field::MobilityId => "Mobilitets-ID",
            Field::GrantAgreement => "Projektnummer",
            Field::ActivityType => "Aktivitetstype",
            Field::Participant => "Deltager",
            Field::Accompanying => "Ledsager",
            Field::ForceMajeure => "Force majeure",
            Field::FewerOpportunities => "Færre muligheder",
            Field::SendingOid => "Udsendende organisation",
            Field::ReceivingOid => "Modtagende organisation",
            Field::ReceivingCountry => "Modtagerland",
            Field::ReceivingCity => "Modtagerby",
            Field::StartDate => "Startdato",
            Field::EndDate => "Slutdato",
            Field::InterruptedDays => "Afbrudte dage",
            Field::TravelDays => "Rejsedage med tilskud",
            Field::Transport => "Transportmiddel",
            Field::GreenTravel => "Grøn rejse",
            Field::DistanceBand => "Afstandsinterval",
            Field::TravelGrant => "Rejsetilskud",
            Field::IndividualSupport => "Individuel støtte",
            Field::CourseFeeDays => "Kursusdage",
            Field::CourseTitle => "Kursustitel",
            Field::CourseFees => "Kursusafgift",
            Field::OrganisationalSupport => "Organisatorisk støtte",
            Field::InclusionSupport => "Inklusionsstøtte",
            Field::ExpensiveTravel => "Dyr rejse",
            Field::RealTravelCost => "Faktisk rejseudgift",
            Field::ExceptionalCosts => "Ekstraordinære omkostninger",
            Field::TotalGrant => "Tilskud i alt",
        }
    }

    /// What Udsyn writes in the column, in Danish, for the mapping page.
    pub fn description(self) -> &'static str {
        match self {
            Field::MobilityId => {
                "BM's mobilitets-ID: projektnummerets sidste 6 cifre, MOB og et løbenummer, fx 200001-MOB-00001. Tildeles ved første eksport og ændres aldrig."
            }
            Field::GrantAgreement => "Tilskudsaftalens nummer, dvs. projektets reference.",
            Field::ActivityType => "BM's kode for aktivitetstypen, fx SM-JOB-SHDW.",
            Field::Participant => "Yes for en deltager, No for en ledsager.",
            Field::Accompanying => "Yes for en ledsager, ellers No.",
            Field::ForceMajeure => "Altid No: Udsyn registrerer ikke force majeure.",
            Field::FewerOpportunities => {
                "Yes eller No: kun markeringen, aldrig en årsag eller begrundelsen for inklusionsstøtte."
            }
            Field::SendingOid => "OID for deltagerens skole, fx E10000101.",
            Field::ReceivingOid => "Værtens OID.",
            Field::ReceivingCountry => "Værtens landekode, fx PT.",
            Field::ReceivingCity => "Byen, mobiliteten foregår i; ellers værtens by.",
            Field::StartDate => "Første aktivitetsdag som DD-MM-ÅÅÅÅ.",
            Field::EndDate => "Sidste aktivitetsdag som DD-MM-ÅÅÅÅ.",
            Field::InterruptedDays => "Dage af aktiviteten, hvor deltageren ikke var der.",
            Field::TravelDays => "Rejsedage med tilskud: 0–2, eller op til 6 med grøn rejse.",
            Field::Transport => {
                "BM's engelske ord for transportmidlet: Plane, Train, Bus, Car, Car-pooling, Ferry, Bike eller Other."
            }
            Field::GreenTravel => "Yes ved grøn rejse, ellers No.",
            Field::DistanceBand => "Afstandsintervallet som i BM, fx Between 2000 and 2999 km.",
            Field::TravelGrant => "Rejsetilskuddet i euro med to decimaler.",
            Field::IndividualSupport => "Den individuelle støtte i euro.",
            Field::CourseFeeDays => {
                "Dage med kursusafgift: de indtastede, ellers kursets dage; 0 når kursusafgift ikke ønskes."
            }
            Field::CourseTitle => "Kursets titel (kun kurser).",
            Field::CourseFees => "Kursusafgiften i euro.",
            Field::OrganisationalSupport => "Den organisatoriske støtte i euro.",
            Field::InclusionSupport => {
                "Inklusionsstøtte til deltageren og organisationen tilsammen, i euro. Aldrig begrundelsen."
            }
            Field::ExpensiveTravel => {
                "Yes, når der anmodes om ekstraordinære omkostninger til dyr rejse, ellers No."
            }
            Field::RealTravelCost => "Den faktiske rejseudgift i euro, når den er oplyst.",
            Field::ExceptionalCosts => "Tilskuddet til ekstraordinære omkostninger i euro.",
            Field::TotalGrant => {
                "Deltagerens tilskud i alt i euro: alle kategorier, også forberedende besøg og ekstraordinære omkostninger."
            }
        }
    }
}

/// One column of the BM file: its header text and what Udsyn writes in it (None: empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub field: Option<Field>,
}

/// The default mapping, as the migration seeds it for each call year.
pub fn default_columns() -> Vec<Column> {
    Field::DEFAULT
        .iter()
        .map(|f| Column {
            header: f.default_header().to_string(),
            field: Some(*f),
        })
        .collect()
}

/// The longest header text kept.
pub const MAX_HEADER_CHARS: usize = 200;
/// The most columns a mapping may have.
pub const MAX_COLUMNS: usize = 500;

/// Checks a mapping: at least one column, every header written and not too long, no field in two
/// columns. The problems come per column index, in Danish.
pub fn check_columns(columns: &[Column]) -> Result<(), Vec<(Option<usize>, String)>> {
    let mut problems = Vec::new();
    if columns.is_empty() {
        problems.push((None, "Der skal være mindst én kolonne.".to_string()));
    }
    if columns.len() > MAX_COLUMNS {
        problems.push((None, format!("Der kan højst være {MAX_COLUMNS} kolonner.")));
    }
    let mut seen: HashMap<Field, usize> = HashMap::new();
    for (i, c) in columns.iter().enumerate() {
        if c.header.trim().is_empty() {
            problems.push((Some(i), format!("Kolonne {} har ingen overskrift.", i + 1)));
        } else if c.header.chars().count() > MAX_HEADER_CHARS {
            problems.push((
                Some(i),
                format!(
                    "Overskriften i kolonne {} er længere end {MAX_HEADER_CHARS} tegn.",
                    i + 1
                ),
            ));
        }
        if let Some(f) = c.field {
            if let Some(first) = seen.get(&f) {
                problems.push((
                    Some(i),
                    format!(
                        "Kolonne {} og kolonne {} står begge for «{}». Et felt kan kun skrives i én kolonne.",
                        first + 1,
                        i + 1,
                        f.label()
                    ),
                ));
            } else {
                seen.insert(f, i);
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

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
        .map(|h| super::validate::clean_text(h).trim().to_string())
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

// ---------------------------------------------------------------------------------------------
// One participant mobility as the BM writes it

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
    let is_course = row.activity_type == super::grant::COURSE;
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

// ---------------------------------------------------------------------------------------------
// The BM's own export, compared with Udsyn

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
                .map(|c| super::validate::clean_text(c).trim().to_string())
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
    super::format::parse_date(day)
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

// ---------------------------------------------------------------------------------------------
// Taking the BM's dates and interrupted days into Udsyn

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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn row() -> Row {
        Row {
            bm_id: "300002-MOB-00001".into(),
            project_reference: "2025-1-DK01-KA121-SCH-000300002".into(),
            activity_type: "SM-JOB-SHDW".into(),
            accompanying: false,
            fewer_opportunities: true,
            sending_oid: "E10000101".into(),
            receiving_oid: "E10000201".into(),
            receiving_country: "PT".into(),
            venue_city: String::new(),
            partner_city: "Porto".into(),
            start: d(2025, 9, 22),
            end: d(2025, 9, 26),
            interrupted_days: 1,
            travel_days: 2,
            transport: "samkoersel".into(),
            green_travel: true,
            band: "2.000–2.999 km".into(),
            course_fee_days: None,
            course_fees_not_requested: false,
            course_title: String::new(),
            expensive_travel: false,
            real_travel_cents: None,
            amounts: Some(Amounts {
                travel: 53_500,
                individual_support: 58_800,
                organisational_support: 35_000,
                inclusion_participants: 10_000,
                inclusion_organisation: 10_000,
                total: 167_300,
                ..Amounts::default()
            }),
        }
    }

    #[test]
    fn codes_headers_and_aliases_are_unambiguous() {
        let mut keys: HashMap<String, Field> = HashMap::new();
        for f in Field::ALL {
            assert_eq!(Field::from_code(f.code()), Some(f));
            for h in std::iter::once(f.default_header()).chain(f.aliases().iter().copied()) {
                if let Some(other) = keys.insert(header_key(h), f) {
                    assert_eq!(other, f, "«{h}» means two fields");
                }
            }
        }
        assert_eq!(Field::from_code("ukendt"), None);
        // The migration's seed and the default mapping agree.
        let defaults = default_columns();
        assert_eq!(defaults.len(), 27);
        assert_eq!(defaults[19].header, "Course fees – number of days");
        assert!(check_columns(&defaults).is_ok());
    }

    #[test]
    fn every_field_of_a_row_as_the_bm_writes_it() {
        let r = row();
        let text = |f| cell(f, &r).text();
        assert_eq!(text(Field::MobilityId), "300002-MOB-00001");
        assert_eq!(text(Field::Participant), "Yes");
        assert_eq!(text(Field::Accompanying), "No");
        assert_eq!(text(Field::ForceMajeure), "No");
        assert_eq!(text(Field::FewerOpportunities), "Yes");
        assert_eq!(text(Field::ReceivingCity), "Porto");
        assert_eq!(text(Field::StartDate), "22-09-2025");
        assert_eq!(text(Field::EndDate), "26-09-2025");
        assert_eq!(text(Field::Transport), "Car-pooling");
        assert_eq!(text(Field::GreenTravel), "Yes");
        assert_eq!(text(Field::DistanceBand), "Between 2000 and 2999 km");
        assert_eq!(text(Field::TravelGrant), "535.00");
        assert_eq!(text(Field::InclusionSupport), "200.00");
        assert_eq!(text(Field::TotalGrant), "1673.00");
        assert_eq!(cell(Field::CourseFeeDays, &r), Cell::Empty);
        assert_eq!(cell(Field::RealTravelCost, &r), Cell::Empty);
        assert_eq!(cell(Field::InterruptedDays, &r), Cell::Whole(1));

        let course = Row {
            activity_type: "SM-COUR-TRAIN".into(),
            venue_city: " Lisboa ".into(),
            accompanying: true,
            amounts: None,
            real_travel_cents: Some(90_050),
            ..row()
        };
        assert_eq!(cell(Field::CourseFeeDays, &course), Cell::Whole(5));
        assert_eq!(cell(Field::ReceivingCity, &course).text(), "Lisboa");
        assert_eq!(cell(Field::FewerOpportunities, &course).text(), "No");
        assert_eq!(cell(Field::TravelGrant, &course), Cell::Empty);
        assert_eq!(cell(Field::RealTravelCost, &course).text(), "900.50");
        let typed = Row {
            course_fee_days: Some(3),
            ..course.clone()
        };
        assert_eq!(cell(Field::CourseFeeDays, &typed), Cell::Whole(3));
        let not_requested = Row {
            course_fees_not_requested: true,
            ..typed
        };
        assert_eq!(cell(Field::CourseFeeDays, &not_requested), Cell::Whole(0));

        let columns = vec![
            Column {
                header: "Ukendt".into(),
                field: None,
            },
            Column {
                header: "ID".into(),
                field: Some(Field::MobilityId),
            },
        ];
        assert_eq!(
            cells(&columns, &r),
            vec![Cell::Empty, Cell::Text("300002-MOB-00001".into())]
        );
    }

    #[test]
    fn bands_transport_and_ids_in_the_bms_words() {
        use crate::domain::grant::{Band, Figure, band_label};
        let band = |min, max| Band {
            min_km: min,
            max_km: max,
            standard_cents: Figure {
                value: 0,
                verified: false,
                source: String::new(),
            },
            green_cents: Figure {
                value: 0,
                verified: false,
                source: String::new(),
            },
        };
        assert_eq!(
            distance_band(&band_label(&band(10, Some(99)))),
            "Between 10 and 99 km"
        );
        assert_eq!(
            distance_band(&band_label(&band(2000, Some(2999)))),
            "Between 2000 and 2999 km"
        );
        assert_eq!(
            distance_band(&band_label(&band(8000, None))),
            "8000 km or more"
        );
        assert_eq!(distance_band(""), "");
        for (code, word) in [
            ("fly", "Plane"),
            ("tog", "Train"),
            ("bus", "Bus"),
            ("bil", "Car"),
            ("samkoersel", "Car-pooling"),
            ("faerge", "Ferry"),
            ("cykel", "Bike"),
            ("andet", "Other"),
        ] {
            assert_eq!(transport(code), word);
        }
        assert_eq!(
            mobility_id_prefix("2025-1-DK01-KA121-SCH-000300002"),
            "300002"
        );
        assert_eq!(mobility_id_prefix("KA121-42"), "012142");
        assert_eq!(mobility_id("300002", 1), "300002-MOB-00001");
        assert_eq!(mobility_id("300002", 123_456), "300002-MOB-123456");
        assert_eq!(euro_dot(39_500), "395.00");
        assert_eq!(euro_dot(5), "0.05");
    }

    #[test]
    fn a_header_row_becomes_a_mapping() {
        let current = default_columns();
        let m = Matcher::new(&current);
        let headers: Vec<String> = [
            "MOBILITY ACTIVITY ID",
            " start  date ",
            "Course fees - number of days",
            "Organizational support",
            "Participant report status",
            "Total",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mapping = mapping_from_headers(&headers, &m).unwrap();
        let fields: Vec<Option<Field>> = mapping.columns.iter().map(|c| c.field).collect();
        assert_eq!(
            fields,
            vec![
                Some(Field::MobilityId),
                Some(Field::StartDate),
                Some(Field::CourseFeeDays),
                Some(Field::OrganisationalSupport),
                None,
                Some(Field::TotalGrant),
            ]
        );
        assert_eq!(mapping.columns[1].header, "start  date");
        assert_eq!(mapping.unknown, vec!["Participant report status"]);

        // A renamed header in the year's mapping is recognised by its new text.
        let renamed = vec![Column {
            header: "Tilskud (BM)".into(),
            field: Some(Field::TotalGrant),
        }];
        assert_eq!(
            Matcher::new(&renamed).field("tilskud bm"),
            Some(Field::TotalGrant)
        );

        let two = ["Total grant", "Total"].map(String::from);
        assert!(
            mapping_from_headers(&two, &m)
                .unwrap_err()
                .contains("står begge for «Tilskud i alt»")
        );
        let gap = ["Start date", "", "End date"].map(String::from);
        assert!(
            mapping_from_headers(&gap, &m)
                .unwrap_err()
                .contains("Kolonne B")
        );
        assert!(mapping_from_headers(&[String::new()], &m).is_err());
    }

    #[test]
    fn a_mapping_is_checked() {
        let c = |h: &str, f| Column {
            header: h.into(),
            field: f,
        };
        assert!(check_columns(&[]).is_err());
        let problems = check_columns(&[
            c("A", Some(Field::StartDate)),
            c(" ", None),
            c("B", Some(Field::StartDate)),
        ])
        .unwrap_err();
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].0, Some(1));
        assert_eq!(problems[1].0, Some(2));
        assert!(problems[1].1.contains("Kolonne 1 og kolonne 3"));
    }

    #[test]
    fn amounts_and_numbers_as_spreadsheets_write_them() {
        assert_eq!(parse_amount("395.00"), Some(39_500));
        assert_eq!(parse_amount("395,00"), Some(39_500));
        assert_eq!(parse_amount("1,188.50"), Some(118_850));
        assert_eq!(parse_amount("1.188,50"), Some(118_850));
        assert_eq!(parse_amount("1188.5"), Some(118_850));
        assert_eq!(parse_amount("€ 395"), Some(39_500));
        assert_eq!(parse_amount("1.188"), Some(118_800));
        assert_eq!(parse_amount(""), Some(0));
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(parse_amount("-5"), None);
        assert_eq!(parse_amount("12.34.56"), None);
        assert_eq!(parse_whole("2"), Some(2));
        assert_eq!(parse_whole("2.0"), Some(2));
        assert_eq!(parse_whole(""), Some(0));
        assert_eq!(parse_whole("2.5"), None);
        assert_eq!(parse_date("22-09-2025"), Some(d(2025, 9, 22)));
        assert_eq!(parse_date("2025-09-22"), Some(d(2025, 9, 22)));
        assert_eq!(parse_date("2025-09-22 00:00"), Some(d(2025, 9, 22)));
        assert_eq!(parse_date("22.9.2025"), Some(d(2025, 9, 22)));
        assert_eq!(parse_date("x"), None);
    }

    #[test]
    fn the_bms_dates_are_taken_per_mobility() {
        let (m1, m2) = (Uuid::new_v4(), Uuid::new_v4());
        let r = |m, label: &str, bm_start, bm_end, bm_interrupted| DatedRow {
            mobility: m,
            staff: Uuid::new_v4(),
            label: label.into(),
            start: d(2025, 9, 22),
            end: d(2025, 9, 26),
            interrupted_days: 0,
            bm_start,
            bm_end,
            bm_interrupted,
        };
        let same = Some(d(2025, 9, 22));
        // Both participants of m1 move to the 27th; one on m2 was away a day.
        let p = plan(&[
            r(m1, "A", same, Some(d(2025, 9, 27)), Some(0)),
            r(m1, "B", same, Some(d(2025, 9, 27)), None),
            r(m2, "C", same, Some(d(2025, 9, 26)), Some(1)),
            r(m2, "D", same, Some(d(2025, 9, 26)), Some(0)),
        ]);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.mobilities.len(), 2);
        assert_eq!(p.moved().count(), 1);
        assert_eq!(p.mobilities[0].2, d(2025, 9, 27));
        assert_eq!(p.interrupted.len(), 1);
        assert_eq!((p.interrupted[0].3, p.interrupted[0].4), (1, 0));
        // Nothing differs: nothing to take.
        assert!(plan(&[r(m1, "A", same, Some(d(2025, 9, 26)), Some(0))]).is_empty());
        // Two participants of one mobility with different dates, an end before the start, and more
        // interrupted days than days.
        let p = plan(&[
            r(m1, "A", same, Some(d(2025, 9, 27)), None),
            r(m1, "B", same, Some(d(2025, 9, 28)), None),
            r(m2, "C", Some(d(2025, 9, 30)), None, None),
        ]);
        assert_eq!(p.problems.len(), 2, "{:?}", p.problems);
        assert!(p.problems[0].contains("forskellige slutdatoer") && p.problems[0].contains("A, B"));
        assert!(p.problems[1].contains("før startdatoen"));
        let p = plan(&[r(m1, "A", same, None, Some(9))]);
        assert!(p.problems[0].contains("passer ikke"), "{:?}", p.problems);
    }

    #[test]
    fn the_bms_export_is_read_and_compared() {
        let csv = "\u{feff}Mobility activity ID;Start date;End date;Travel grant;Total grant;Participant report status\n\
                   300002-MOB-00001;22-09-2025;27-09-2025;535,00;1673.00;Submitted\n\
                   300002-MOB-00009;22-09-2025;26-09-2025;535.00;1673.00;Requested\n\
                   ;;;;;\n\
                   ;x;;;;\n";
        let file = read_import(csv.as_bytes(), "bm.csv", &default_columns()).unwrap();
        assert_eq!(file.rows.len(), 2);
        assert_eq!(file.without_id, vec![5]);
        assert!(file.has_report_status);
        assert_eq!(
            file.compared,
            vec![
                Field::StartDate,
                Field::EndDate,
                Field::TravelGrant,
                Field::TotalGrant
            ]
        );
        let diffs = compare(&file.rows[0], &row(), false);
        assert_eq!(
            diffs,
            vec![
                Difference {
                    label: "Slutdato",
                    bm: "27-09-2025".into(),
                    udsyn: "26-09-2025".into()
                },
                Difference {
                    label: "Deltagerrapport",
                    bm: "Submitted".into(),
                    udsyn: "Ikke indsendt".into()
                },
            ]
        );
        assert!(compare(&file.rows[0], &row(), true).len() == 1);
        let no_grant = Row {
            amounts: None,
            ..row()
        };
        let diffs = compare(&file.rows[1], &no_grant, false);
        assert_eq!(diffs.len(), 2, "{diffs:?}");
        assert_eq!(diffs[0].udsyn, "(ikke beregnet)");

        let twice = "Mobility activity ID\nA-1\nB-2\na-1\n";
        let err = read_import(twice.as_bytes(), "x.csv", &default_columns()).unwrap_err();
        assert!(err.contains("både i linje 2 og linje 4"), "{err}");
        let none = "Start date;End date\n01-01-2025;02-01-2025\n";
        let err = read_import(none.as_bytes(), "x.csv", &default_columns()).unwrap_err();
        assert!(
            err.contains("ingen kolonne «Mobility activity ID»"),
            "{err}"
        );
        // A title row above the headers is skipped.
        let titled =
            "Mobilities of project 300002\n\nMobility activity ID;Start date\nX-1;01-01-2025\n";
        let file = read_import(titled.as_bytes(), "x.csv", &default_columns()).unwrap();
        assert_eq!((file.rows[0].line, file.rows[0].id.as_str()), (4, "X-1"));
    }
}
