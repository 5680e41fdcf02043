//! What Udsyn can write into the BM file: the [`Field`]s with their codes, the BM's default header
//! texts, aliases and Danish names; a file's [`Column`]s, the default mapping, and the check of a
//! mapping.

use std::collections::HashMap;

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
    pub(super) fn aliases(self) -> &'static [&'static str] {
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
