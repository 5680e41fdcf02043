//! The unit costs of one call year, as the database keeps them and as they are exported to and
//! imported from a JSON file. Every figure says whether an administrator has checked it against
//! Annex 3 of the grant agreement (`verified`) and where it comes from (`source`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::distance::band_label;
use super::{WHOLE_BP, euro, percent};

/// One figure of the rates, with its provenance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure<T> {
    pub value: T,
    /// Checked by an administrator against Annex 3 ("Applicable rates") or the programme guide.
    pub verified: bool,
    /// Where the figure comes from, e.g. `Bilag 3, 2025` or `sekundær kilde`.
    pub source: String,
}

impl<T> Figure<T> {
    pub fn new(value: T, verified: bool, source: impl Into<String>) -> Figure<T> {
        Figure {
            value,
            verified,
            source: source.into(),
        }
    }
}

/// A distance band of the travel grant, by the one-way km of the EU distance calculator. Both
/// edges belong to the band: 100–499 holds 100 and 499. `max_km: None` is open-ended
/// (8 000 km and more).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub min_km: i32,
    pub max_km: Option<i32>,
    /// Travel grant per participant (return trip) in euro cents.
    pub standard_cents: Figure<i64>,
    /// The same with green travel.
    pub green_cents: Figure<i64>,
}

/// The daily rate of individual support for staff in one country group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRate {
    /// Country group, 1–3.
    pub group: i16,
    /// Euro cents per day, days 1–14 (the full rate).
    pub per_day_cents: Figure<i64>,
}

/// All unit costs of one call year (MONEY.md §1–2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rates {
    pub call_year: i16,
    /// Distance bands, contiguous; under the first band's lower edge there is no travel grant.
    pub bands: Vec<Band>,
    /// Country code (ISO 3166-1 alpha-2, `DK`) → country group 1–3 for individual support.
    pub countries: BTreeMap<String, Figure<i16>>,
    /// Individual support for staff per day, per country group. Accompanying persons get these.
    pub individual_support: Vec<GroupRate>,
    /// Funded days paid at the full daily rate (14: day 15 on gets the reduced share).
    pub full_rate_days: Figure<i32>,
    /// Share of the daily rate paid from the day after `full_rate_days` (7 000 bp = 70 %).
    pub reduced_share_bp: Figure<i32>,
    /// Activity type code → organisational support per participant, euro cents.
    pub organisational_support: BTreeMap<String, Figure<i64>>,
    /// Course fee per participant per day, euro cents.
    pub course_fee_per_day_cents: Figure<i64>,
    /// Most course-fee days per participant in the whole project.
    pub course_fee_max_days: Figure<i32>,
    /// Preparatory visit: unit cost per person, euro cents.
    pub prep_visit_per_person_cents: Figure<i64>,
    /// Preparatory visit: most persons per visit.
    pub prep_visit_max_persons: Figure<i32>,
    /// Inclusion support for the organisation per participant with fewer opportunities, cents.
    pub inclusion_org_per_participant_cents: Figure<i64>,
    /// Exceptional costs: share of the real cost paid (8 000 bp = 80 %).
    pub exceptional_share_bp: Figure<i32>,
    /// Expensive travel applies when the travel grant covers less than this share of the real cost.
    pub expensive_threshold_bp: Figure<i32>,
    /// Expensive travel: share of the real travel cost paid instead of the travel grant.
    pub expensive_paid_bp: Figure<i32>,
    /// Most funded travel days without green travel (2).
    pub max_travel_days_standard: Figure<i32>,
    /// Most funded travel days with green travel (6).
    pub max_travel_days_green: Figure<i32>,
}

impl Rates {
    /// The country group of a country, if the call year has one for it.
    pub fn group_of(&self, country: &str) -> Option<&Figure<i16>> {
        self.countries.get(country)
    }

    /// The staff daily rate of a country group.
    pub fn group_rate(&self, group: i16) -> Option<&Figure<i64>> {
        self.individual_support
            .iter()
            .find(|r| r.group == group)
            .map(|r| &r.per_day_cents)
    }
}

/// A figure that is wrong: the field it concerns (`bands[2].min_km`, `countries.AT`,
/// `reduced_share_bp`) and what is wrong, in Danish.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RateProblem {
    pub field: String,
    pub message: String,
}

fn problem(field: impl Into<String>, message: impl Into<String>) -> RateProblem {
    RateProblem {
        field: field.into(),
        message: message.into(),
    }
}

/// Checks that the figures of a call year can be used: no negative amount or count, contiguous
/// distance bands, shares within 0–100 %, country groups 1–3 each with a daily rate, and no fewer
/// travel days with green travel than without.
pub fn validate(rates: &Rates) -> Result<(), Vec<RateProblem>> {
    let mut out = Vec::new();
    check_bands(rates, &mut out);
    check_groups(rates, &mut out);

    let amounts = [
        (
            "course_fee_per_day_cents",
            "Kursusafgift pr. dag",
            &rates.course_fee_per_day_cents,
        ),
        (
            "prep_visit_per_person_cents",
            "Forberedende besøg pr. person",
            &rates.prep_visit_per_person_cents,
        ),
        (
            "inclusion_org_per_participant_cents",
            "Inklusionsstøtte til organisationen pr. deltager",
            &rates.inclusion_org_per_participant_cents,
        ),
    ];
    for (field, label, f) in amounts {
        negative_amount(field.to_string(), label, f.value, &mut out);
    }
    for (code, f) in &rates.organisational_support {
        negative_amount(
            format!("organisational_support.{code}"),
            &format!("Organisatorisk støtte for {code}"),
            f.value,
            &mut out,
        );
    }

    let counts = [
        (
            "full_rate_days",
            "Dage med fuld dagssats",
            &rates.full_rate_days,
        ),
        (
            "course_fee_max_days",
            "Højeste antal kursusdage",
            &rates.course_fee_max_days,
        ),
        (
            "prep_visit_max_persons",
            "Højeste antal personer på forberedende besøg",
            &rates.prep_visit_max_persons,
        ),
        (
            "max_travel_days_standard",
            "Højeste antal rejsedage",
            &rates.max_travel_days_standard,
        ),
        (
            "max_travel_days_green",
            "Højeste antal rejsedage ved grøn rejse",
            &rates.max_travel_days_green,
        ),
    ];
    for (field, label, f) in counts {
        if f.value < 0 {
            out.push(problem(
                field,
                format!("{label} må ikke være negativt (er {}).", f.value),
            ));
        }
    }

    let shares = [
        (
            "reduced_share_bp",
            "Andel af dagssatsen fra dag 15",
            &rates.reduced_share_bp,
        ),
        (
            "exceptional_share_bp",
            "Andel af ekstraordinære omkostninger",
            &rates.exceptional_share_bp,
        ),
        (
            "expensive_threshold_bp",
            "Grænse for dyr rejse",
            &rates.expensive_threshold_bp,
        ),
        (
            "expensive_paid_bp",
            "Andel af den faktiske udgift ved dyr rejse",
            &rates.expensive_paid_bp,
        ),
    ];
    for (field, label, f) in shares {
        if f.value < 0 {
            out.push(problem(
                field,
                format!("{label} må ikke være negativ (er {}).", percent(f.value)),
            ));
        } else if f.value > WHOLE_BP {
            out.push(problem(
                field,
                format!("{label} må højst være 100 % (er {}).", percent(f.value)),
            ));
        }
    }

    let (standard, green) = (
        rates.max_travel_days_standard.value,
        rates.max_travel_days_green.value,
    );
    if green < standard {
        out.push(problem(
            "max_travel_days_green",
            format!(
                "Højeste antal rejsedage ved grøn rejse ({green}) må ikke være mindre end uden grøn rejse ({standard})."
            ),
        ));
    }

    if out.is_empty() { Ok(()) } else { Err(out) }
}

fn negative_amount(field: String, label: &str, cents: i64, out: &mut Vec<RateProblem>) {
    if cents < 0 {
        out.push(problem(
            field,
            format!(
                "{label}: beløbet må ikke være negativt (er {}).",
                euro(cents)
            ),
        ));
    }
}

/// Bands sorted by lower edge must each start the km after the previous one ends; only the last
/// is open-ended. The first may start anywhere from 0 (the seed starts at 10: under 10 km there
/// is no travel grant).
fn check_bands(rates: &Rates, out: &mut Vec<RateProblem>) {
    if rates.bands.is_empty() {
        out.push(problem("bands", "Der er ingen afstandsbånd."));
        return;
    }
    for (i, b) in rates.bands.iter().enumerate() {
        let label = band_label(b);
        negative_amount(
            format!("bands[{i}].standard_cents"),
            &format!("Rejsetilskud {label}, standard"),
            b.standard_cents.value,
            out,
        );
        negative_amount(
            format!("bands[{i}].green_cents"),
            &format!("Rejsetilskud {label}, grøn rejse"),
            b.green_cents.value,
            out,
        );
        if b.min_km < 0 {
            out.push(problem(
                format!("bands[{i}].min_km"),
                format!("Afstandsbåndet {label} må ikke begynde under 0 km."),
            ));
        }
        if let Some(max) = b.max_km
            && max < b.min_km
        {
            out.push(problem(
                format!("bands[{i}].max_km"),
                format!(
                    "Afstandsbåndets øvre grænse ({max} km) ligger under den nedre ({} km).",
                    b.min_km
                ),
            ));
        }
    }

    let mut order: Vec<usize> = (0..rates.bands.len()).collect();
    order.sort_by_key(|&i| rates.bands[i].min_km);
    for pair in order.windows(2) {
        let (i, j) = (pair[0], pair[1]);
        let (a, b) = (&rates.bands[i], &rates.bands[j]);
        let (la, lb) = (band_label(a), band_label(b));
        match a.max_km {
            None => out.push(problem(
                format!("bands[{i}].max_km"),
                format!(
                    "Afstandsbåndet {la} har ingen øvre grænse og overlapper derfor {lb}; kun det sidste bånd må være uden øvre grænse."
                ),
            )),
            Some(max) if b.min_km <= max => out.push(problem(
                format!("bands[{j}].min_km"),
                format!("Afstandsbåndene {la} og {lb} overlapper."),
            )),
            Some(max) if b.min_km > max + 1 => out.push(problem(
                format!("bands[{j}].min_km"),
                format!(
                    "Der er et hul mellem afstandsbåndene {la} og {lb}: {}–{} km giver intet rejsetilskud.",
                    max + 1,
                    b.min_km - 1
                ),
            )),
            Some(_) => {}
        }
    }
    let last = *order.last().expect("bands is not empty");
    if let Some(max) = rates.bands[last].max_km {
        out.push(problem(
            format!("bands[{last}].max_km"),
            format!(
                "Det sidste afstandsbånd skal være uden øvre grænse; nu får afstande over {max} km intet rejsetilskud."
            ),
        ));
    }
}

/// Country groups within 1–3; one daily rate per group, and one for every group a country uses.
fn check_groups(rates: &Rates, out: &mut Vec<RateProblem>) {
    for (code, g) in &rates.countries {
        if !(1..=3).contains(&g.value) {
            out.push(problem(
                format!("countries.{code}"),
                format!(
                    "Landegruppen for {code} skal være 1, 2 eller 3 (er {}).",
                    g.value
                ),
            ));
        }
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            out.push(problem(
                format!("countries.{code}"),
                format!("Landekoden »{code}« skal være to store bogstaver, fx DK."),
            ));
        }
    }
    for (i, r) in rates.individual_support.iter().enumerate() {
        if !(1..=3).contains(&r.group) {
            out.push(problem(
                format!("individual_support[{i}].group"),
                format!(
                    "Dagssatsen hører til landegruppe {}, men grupperne er 1, 2 og 3.",
                    r.group
                ),
            ));
        }
        if rates.individual_support[..i]
            .iter()
            .any(|other| other.group == r.group)
        {
            out.push(problem(
                format!("individual_support[{i}].group"),
                format!("Landegruppe {} har mere end én dagssats.", r.group),
            ));
        }
        negative_amount(
            format!("individual_support[{i}].per_day_cents"),
            &format!("Individuel støtte, gruppe {}", r.group),
            r.per_day_cents.value,
            out,
        );
    }
    for group in 1..=3 {
        let users: Vec<&str> = rates
            .countries
            .iter()
            .filter(|(_, g)| g.value == group)
            .map(|(code, _)| code.as_str())
            .collect();
        if !users.is_empty() && rates.group_rate(group).is_none() {
            out.push(problem(
                "individual_support",
                format!(
                    "Landegruppe {group} mangler en dagssats for individuel støtte; den bruges af {}.",
                    users.join(", ")
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{lisbon_by_plane, problems, rates_2025};
    use super::super::{GrantError, Participation, compute};
    use super::*;

    #[test]
    fn seed_rates_are_valid_and_round_trip_as_json() {
        let rates = rates_2025();
        assert_eq!(validate(&rates), Ok(()));
        let json = serde_json::to_string_pretty(&rates).unwrap();
        let back: Rates = serde_json::from_str(&json).unwrap();
        assert_eq!(back, rates);
    }

    #[test]
    fn validation_finds_overlapping_and_gapped_bands() {
        let mut overlap = rates_2025();
        overlap.bands[1].min_km = 90; // 10–99 and 90–499
        let p = problems(&overlap);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].field, "bands[1].min_km");
        assert_eq!(
            p[0].message,
            "Afstandsbåndene 10–99 km og 90–499 km overlapper."
        );

        let mut gap = rates_2025();
        gap.bands[1].min_km = 120; // 100–119 km in no band
        let p = problems(&gap);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].field, "bands[1].min_km");
        assert!(p[0].message.contains("100–119 km"), "{}", p[0].message);

        let mut closed = rates_2025();
        closed.bands[6].max_km = Some(20_000);
        assert_eq!(problems(&closed)[0].field, "bands[6].max_km");

        // Bands in any order are fine as long as, sorted, they are contiguous.
        let mut shuffled = rates_2025();
        shuffled.bands.reverse();
        assert_eq!(validate(&shuffled), Ok(()));
    }

    #[test]
    fn validation_finds_bad_shares_amounts_and_groups() {
        let mut r = rates_2025();
        r.exceptional_share_bp.value = 10_100;
        r.course_fee_per_day_cents.value = -100;
        r.bands[2].green_cents.value = -1;
        r.countries.get_mut("AT").unwrap().value = 4;
        r.max_travel_days_green.value = 1;
        let p = problems(&r);
        let fields: Vec<&str> = p.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "bands[2].green_cents",
                "countries.AT",
                "course_fee_per_day_cents",
                "exceptional_share_bp",
                "max_travel_days_green",
            ]
        );
        assert_eq!(
            p[3].message,
            "Andel af ekstraordinære omkostninger må højst være 100 % (er 101 %)."
        );
        assert_eq!(
            p[2].message,
            "Kursusafgift pr. dag: beløbet må ikke være negativt (er -1,00 €)."
        );
        assert_eq!(
            p[1].message,
            "Landegruppen for AT skal være 1, 2 eller 3 (er 4)."
        );
    }

    #[test]
    fn validation_finds_a_group_without_a_daily_rate() {
        let mut r = rates_2025();
        r.individual_support.retain(|g| g.group != 3);
        let p = problems(&r);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].field, "individual_support");
        assert!(
            p[0].message
                .starts_with("Landegruppe 3 mangler en dagssats")
        );
        assert!(p[0].message.contains("BG"));
        // And compute says so instead of panicking.
        let pl = Participation {
            country: "PL".into(),
            ..lisbon_by_plane()
        };
        assert_eq!(
            compute(&r, &pl),
            Err(GrantError::NoGroupRate {
                group: 3,
                call_year: 2025
            })
        );
    }
}
