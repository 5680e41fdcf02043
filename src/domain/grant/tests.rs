//! Tests of the grant, on the figures of MONEY.md §1 with the classic country grouping (§2).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::*;

fn fig<T>(value: T, verified: bool, source: &str) -> Figure<T> {
    Figure::new(value, verified, source)
}

/// MONEY.md §1, call 2025, exactly; verified only where the table marks [V].
pub(super) fn rates_2025() -> Rates {
    let na = "MONEY.md §1 [V-NA]";
    let band = |min_km, max_km, standard_eur: i64, green_eur: i64| Band {
        min_km,
        max_km,
        standard_cents: fig(standard_eur * 100, false, na),
        green_cents: fig(green_eur * 100, false, na),
    };
    let mut countries = BTreeMap::new();
    for (group, codes) in [
        (1, "DK FI IS IE LI LU NO SE"),
        (2, "AT BE CY FR DE GR IT MT NL PT ES"),
        (3, "BG HR CZ EE HU LV LT MK PL RO RS SK SI TR"),
    ] {
        for code in codes.split(' ') {
            countries.insert(
                code.to_string(),
                fig(group, false, "MONEY.md §2 klassisk gruppering [S]"),
            );
        }
    }
    let mut organisational_support = BTreeMap::new();
    for (code, eur) in [
        ("SM-COUR-TRAIN", 100),
        ("LM-GRP-PUPIL", 100),
        ("SM-JOB-SHDW", 350),
        ("SM-TTA", 350),
        ("LM-SHORT-PUPIL", 350),
        ("LM-LONG-PUPILS", 350),
        ("OA-INV-EXP", 500),
        ("OA-HOS-TTT", 500),
    ] {
        organisational_support.insert(code.to_string(), fig(eur * 100, false, na));
    }
    let staff = "MONEY.md §1, Kommissionens minimum [S]";
    Rates {
        call_year: 2025,
        bands: vec![
            band(10, Some(99), 28, 56),
            band(100, Some(499), 211, 285),
            band(500, Some(1999), 309, 417),
            band(2000, Some(2999), 395, 535),
            band(3000, Some(3999), 580, 785),
            band(4000, Some(7999), 1188, 1188),
            band(8000, None, 1735, 1735),
        ],
        countries,
        individual_support: vec![
            GroupRate {
                group: 1,
                per_day_cents: fig(9600, false, staff),
            },
            GroupRate {
                group: 2,
                per_day_cents: fig(8400, false, staff),
            },
            GroupRate {
                group: 3,
                per_day_cents: fig(7100, false, staff),
            },
        ],
        full_rate_days: fig(14, false, na),
        reduced_share_bp: fig(7000, false, na),
        organisational_support,
        course_fee_per_day_cents: fig(8000, false, "MONEY.md §1 [S]"),
        course_fee_max_days: fig(10, true, "MONEY.md §1 [V]"),
        prep_visit_per_person_cents: fig(57_500, false, "MONEY.md §1 [S]"),
        prep_visit_max_persons: fig(3, true, "MONEY.md §1 [V]"),
        inclusion_org_per_participant_cents: fig(10_000, false, na),
        exceptional_share_bp: fig(8000, true, "MONEY.md §1 [V]"),
        expensive_threshold_bp: fig(7000, true, "MONEY.md §1 [V]"),
        expensive_paid_bp: fig(8000, true, "MONEY.md §1 [V]"),
        max_travel_days_standard: fig(2, true, "MONEY.md §1 [V]"),
        max_travel_days_green: fig(6, true, "MONEY.md §1 [V]"),
    }
}

const HERNING: (f64, f64) = (56.1393, 8.9738);
pub(super) const LISBON: (f64, f64) = (38.7167, -9.1333);
const NICOSIA: (f64, f64) = (35.1753, 33.3642);
const GRAZ: (f64, f64) = (47.0707, 15.4395);

pub(super) fn km_from_herning(to: (f64, f64)) -> f64 {
    haversine_km(HERNING.0, HERNING.1, to.0, to.1)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// 5 days of job shadowing in Lisbon (Mon 6 – Fri 10 October 2025), 2 travel days, by plane.
pub(super) fn lisbon_by_plane() -> Participation {
    Participation {
        activity_type: "SM-JOB-SHDW".into(),
        country: "PT".into(),
        start: d(2025, 10, 6),
        end: d(2025, 10, 10),
        travel_days: 2,
        great_circle_km: Some(km_from_herning(LISBON)),
        ..Default::default()
    }
}

pub(super) fn problems(rates: &Rates) -> Vec<RateProblem> {
    validate(rates).expect_err("should have problems")
}

#[test]
fn euro_and_percent_in_danish() {
    assert_eq!(euro(118_800), "1.188,00 €");
    assert_eq!(euro(39_500), "395,00 €");
    assert_eq!(euro(5_880), "58,80 €");
    assert_eq!(euro(0), "0,00 €");
    assert_eq!(euro(-2_850), "-28,50 €");
    assert_eq!(euro(123_456_789), "1.234.567,89 €");
    assert_eq!(percent(7000), "70 %");
    assert_eq!(percent(10_100), "101 %");
    assert_eq!(percent(1250), "12,5 %");
    assert_eq!(percent(3333), "33,33 %");
}

#[test]
fn shares_round_half_up_to_the_cent() {
    // 84,00 € × 70 % = 58,80 € exactly.
    assert_eq!(share_of(8400, 7000), 5880);
    // 84,55 € × 70 % = 59,185 € → 59,19 € (half up).
    assert_eq!(share_of(8455, 7000), 5919);
    // 84,54 € × 70 % = 59,178 € → 59,18 €.
    assert_eq!(share_of(8454, 7000), 5918);
    // 0,01 € × 50 % = 0,005 € → 0,01 €; negative amounts round away from zero.
    assert_eq!(share_of(1, 5000), 1);
    assert_eq!(share_of(-1, 5000), -1);
}

#[test]
fn job_shadowing_lisbon_by_plane() {
    let rates = rates_2025();
    let g = compute(&rates, &lisbon_by_plane()).unwrap();
    // Travel: 2 352 km → 2000–2999 km, standard 395 €.
    assert_eq!(g.cents(Category::Travel), 39_500);
    assert_eq!(
        g.line(Category::Travel).unwrap().working,
        "Rejsetilskud: 2.352 km (beregnet i luftlinje) → 2.000–2.999 km, standard: 395,00 €"
    );
    assert_eq!(
        g.distance,
        Some(DistanceUsed {
            km: 2352,
            source: DistanceSource::GreatCircle
        })
    );
    // Individual support: 5 + 2 = 7 days × 84 € (PT, group 2) = 588 €.
    assert_eq!(g.cents(Category::IndividualSupport), 58_800);
    assert_eq!(
        g.line(Category::IndividualSupport).unwrap().working,
        "Individuel støtte: 7 dage (5 aktivitetsdage + 2 rejsedage) × 84,00 € (gruppe 2) = 588,00 €"
    );
    // Organisational support for job shadowing: 350 €.
    assert_eq!(g.cents(Category::OrganisationalSupport), 35_000);
    assert_eq!(g.line(Category::CourseFees), None);
    // 395 + 588 + 350 = 1 333 €.
    assert_eq!(g.total(), 133_300);
    assert!(g.unverified());
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
}

#[test]
fn job_shadowing_lisbon_by_train_is_green() {
    let rates = rates_2025();
    let p = Participation {
        green: true,
        travel_days: 4,
        ..lisbon_by_plane()
    };
    let g = compute(&rates, &p).unwrap();
    // Green: 535 €; 5 + 4 = 9 days × 84 € = 756 €; 350 €; total 1 641 €.
    assert_eq!(g.cents(Category::Travel), 53_500);
    assert!(
        g.line(Category::Travel)
            .unwrap()
            .working
            .ends_with("grøn rejse: 535,00 €")
    );
    assert_eq!(g.cents(Category::IndividualSupport), 75_600);
    assert_eq!(g.total(), 164_100);
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
}

#[test]
fn travel_days_above_the_maximum_are_capped() {
    let rates = rates_2025();
    let p = Participation {
        travel_days: 4,
        ..lisbon_by_plane()
    };
    let g = compute(&rates, &p).unwrap();
    // By plane at most 2 travel days: 5 + 2 = 7 × 84 € = 588 €, and a warning.
    assert_eq!(g.cents(Category::IndividualSupport), 58_800);
    assert_eq!(g.warnings.len(), 1);
    assert!(g.warnings[0].contains("højst 2"), "{}", g.warnings[0]);
}

#[test]
fn interrupted_days_are_not_funded() {
    let rates = rates_2025();
    let p = Participation {
        interrupted_days: 1,
        ..lisbon_by_plane()
    };
    let g = compute(&rates, &p).unwrap();
    // 5 − 1 + 2 = 6 days × 84 € = 504 €.
    assert_eq!(g.cents(Category::IndividualSupport), 50_400);
    assert_eq!(
        g.line(Category::IndividualSupport).unwrap().working,
        "Individuel støtte: 6 dage (5 aktivitetsdage − 1 afbrudt dag + 2 rejsedage) × 84,00 € (gruppe 2) = 504,00 €"
    );
}

#[test]
fn course_in_nicosia_with_fees() {
    let rates = rates_2025();
    // Herning → Nicosia (35.1753 N, 33.3642 E) by haversine = 2971.91 km → 2 971 km: that is
    // band 2000–2999 (395 €), not 3000–3999, and 29 km from the edge, so a warning.
    let km = km_from_herning(NICOSIA);
    assert!((km - 2971.91).abs() < 0.01, "{km}");
    let p = Participation {
        activity_type: COURSE.into(),
        country: "CY".into(),
        start: d(2025, 11, 3),
        end: d(2025, 11, 12),
        travel_days: 2,
        great_circle_km: Some(km),
        course_fee_days: 10,
        ..Default::default()
    };
    let g = compute(&rates, &p).unwrap();
    assert_eq!(g.cents(Category::Travel), 39_500);
    assert_eq!(g.warnings.len(), 1);
    assert!(g.warnings[0].contains("3.000 km"), "{}", g.warnings[0]);
    // 10 + 2 = 12 days × 84 € (CY, group 2) = 1 008 €.
    assert_eq!(g.cents(Category::IndividualSupport), 100_800);
    // Fees: 10 days × 80 € = 800 €; organisational support for courses: 100 €.
    assert_eq!(g.cents(Category::CourseFees), 80_000);
    assert_eq!(
        g.line(Category::CourseFees).unwrap().working,
        "Kursusafgift: 10 dage × 80,00 € = 800,00 €"
    );
    assert_eq!(g.cents(Category::OrganisationalSupport), 10_000);
    // 395 + 1 008 + 800 + 100 = 2 303 €.
    assert_eq!(g.total(), 230_300);

    // A km typed from the EU calculator wins (3 012 km is a made-up figure for the test):
    // band 3000–3999, 580 €, and no warning about the edge.
    let typed = Participation {
        calculator_km: Some(3012),
        ..p
    };
    let g = compute(&rates, &typed).unwrap();
    assert_eq!(g.cents(Category::Travel), 58_000);
    assert_eq!(
        g.line(Category::Travel).unwrap().working,
        "Rejsetilskud: 3.012 km (EU's afstandsberegner) → 3.000–3.999 km, standard: 580,00 €"
    );
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    // 580 + 1 008 + 800 + 100 = 2 488 €.
    assert_eq!(g.total(), 248_800);
}

#[test]
fn accompanying_teaching_in_graz_day_15_rule() {
    let rates = rates_2025();
    // Herning → Graz = 1101.67 km → 1 101 km → 500–1999, standard 309 €.
    let km = km_from_herning(GRAZ);
    assert_eq!(whole_km(km), 1101);
    let p = Participation {
        activity_type: "SM-TTA".into(),
        accompanying: true,
        country: "AT".into(),
        start: d(2026, 2, 2),
        end: d(2026, 2, 21), // 20 days
        travel_days: 2,
        great_circle_km: Some(km),
        ..Default::default()
    };
    let g = compute(&rates, &p).unwrap();
    assert_eq!(g.cents(Category::Travel), 30_900);
    // 20 + 2 = 22 funded days from the outbound travel day: 14 × 84,00 € = 1 176,00 €;
    // reduced rate 84,00 € × 70 % = 58,80 €; 8 × 58,80 € = 470,40 €; total 1 646,40 €.
    assert_eq!(g.cents(Category::IndividualSupport), 164_640);
    assert_eq!(
        g.line(Category::IndividualSupport).unwrap().working,
        "Individuel støtte: 22 dage (20 aktivitetsdage + 2 rejsedage, talt fra udrejsedagen), gruppe 2, ledsager: medarbejdersats: 14 dage × 84,00 € + 8 dage fra dag 15 × 58,80 € (70 %) = 1.646,40 €"
    );
    // No organisational support for an accompanying person.
    assert_eq!(g.cents(Category::OrganisationalSupport), 0);
    // 309 + 1 646,40 = 1 955,40 €.
    assert_eq!(g.total(), 195_540);
}

#[test]
fn two_person_preparatory_visit() {
    let rates = rates_2025();
    // 2 × 575 € = 1 150 €.
    let g = preparatory_visit(&rates, 2).unwrap();
    assert_eq!(g.total(), 115_000);
    assert_eq!(
        g.lines[0].working,
        "Forberedende besøg: 2 personer × 575,00 € = 1.150,00 €"
    );
    assert_eq!(g.lines[0].category, Category::PreparatoryVisit);
    assert!(g.warnings.is_empty());
    // 4 persons: at most 3 × 575 € = 1 725 €, and a warning.
    let g = preparatory_visit(&rates, 4).unwrap();
    assert_eq!(g.total(), 172_500);
    assert_eq!(g.warnings.len(), 1);
    // Not per participant.
    let p = Participation {
        activity_type: PREP_VISIT.into(),
        ..lisbon_by_plane()
    };
    assert_eq!(compute(&rates, &p), Err(GrantError::PreparatoryVisit));
}

#[test]
fn course_fee_cap_across_two_courses() {
    let rates = rates_2025();
    let first = Participation {
        activity_type: COURSE.into(),
        country: "IT".into(),
        start: d(2025, 9, 1),
        end: d(2025, 9, 6),
        travel_days: 2,
        calculator_km: Some(1300),
        course_fee_days: 6,
        ..Default::default()
    };
    let g = compute(&rates, &first).unwrap();
    // First course: 6 × 80 € = 480 €, nothing to warn about.
    assert_eq!(g.cents(Category::CourseFees), 48_000);
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);

    let second = Participation {
        start: d(2026, 3, 2),
        end: d(2026, 3, 7),
        other_course_fee_days: 6,
        ..first
    };
    let g = compute(&rates, &second).unwrap();
    // Second: cap 10 − 6 already used = 4 days × 80 € = 320 €, and a warning.
    assert_eq!(g.cents(Category::CourseFees), 32_000);
    assert_eq!(g.warnings.len(), 1);
    assert!(g.warnings[0].contains("kun 4 af de 6"), "{}", g.warnings[0]);
    assert!(
        g.line(Category::CourseFees)
            .unwrap()
            .working
            .ends_with("= 320,00 €")
    );

    // Not requested: 0 €; no fees at all outside courses.
    let none = Participation {
        course_fees_not_requested: true,
        ..second
    };
    assert_eq!(
        compute(&rates, &none).unwrap().cents(Category::CourseFees),
        0
    );
    let shadowing = Participation {
        course_fee_days: 3,
        ..lisbon_by_plane()
    };
    let g = compute(&rates, &shadowing).unwrap();
    assert_eq!(g.line(Category::CourseFees), None);
    assert_eq!(g.warnings.len(), 1);
}

#[test]
fn expensive_travel_replaces_the_band_grant() {
    let rates = rates_2025();
    let p = Participation {
        expensive_travel: true,
        real_travel_cents: Some(90_000),
        ..lisbon_by_plane()
    };
    let g = compute(&rates, &p).unwrap();
    // 395 € < 70 % × 900 € = 630 € → 80 % × 900 € = 720 €.
    assert_eq!(g.cents(Category::Travel), 72_000);
    assert!(
        g.line(Category::Travel)
            .unwrap()
            .working
            .ends_with("dyr rejse: 395,00 € er under 70 % af den faktiske udgift 900,00 € → 80 % × 900,00 € = 720,00 €")
    );
    // 395 € ≥ 70 % × 500 € = 350 €: the band grant stays, with a warning.
    let p = Participation {
        real_travel_cents: Some(50_000),
        ..p
    };
    let g = compute(&rates, &p).unwrap();
    assert_eq!(g.cents(Category::Travel), 39_500);
    assert_eq!(g.warnings.len(), 1);
    // Not requested: the real cost does nothing.
    let p = Participation {
        expensive_travel: false,
        real_travel_cents: Some(90_000),
        ..lisbon_by_plane()
    };
    assert_eq!(compute(&rates, &p).unwrap().cents(Category::Travel), 39_500);
}

#[test]
fn inclusion_and_exceptional_costs() {
    let rates = rates_2025();
    let p = Participation {
        fewer_opportunities: true,
        inclusion_real_cents: Some(120_000),
        inclusion_approved: true,
        exceptional_real_cents: Some(50_000),
        ..lisbon_by_plane()
    };
    let g = compute(&rates, &p).unwrap();
    // Participant: 100 % of 1 200 € = 1 200 €; organisation: 1 × 100 € = 100 €.
    assert_eq!(g.cents(Category::InclusionSupportParticipants), 120_000);
    assert_eq!(g.cents(Category::InclusionSupportOrganisation), 10_000);
    // Exceptional: 80 % × 500 € = 400 €, a verified figure.
    let exceptional = g.line(Category::ExceptionalCosts).unwrap();
    assert_eq!(exceptional.cents, 40_000);
    assert!(!exceptional.unverified);
    assert_eq!(
        exceptional.working,
        "Ekstraordinære omkostninger: 80 % × 500,00 € = 400,00 €"
    );
    // 1 333 + 1 200 + 100 + 400 = 3 033 €.
    assert_eq!(g.total(), 303_300);

    // Not yet approved: 0 €, no organisational line, a warning.
    let waiting = Participation {
        inclusion_approved: false,
        ..p.clone()
    };
    let g = compute(&rates, &waiting).unwrap();
    assert_eq!(g.cents(Category::InclusionSupportParticipants), 0);
    assert_eq!(g.line(Category::InclusionSupportOrganisation), None);
    assert_eq!(g.warnings.len(), 1);
    // Not flagged: nothing, and a warning.
    let unflagged = Participation {
        fewer_opportunities: false,
        ..p
    };
    let g = compute(&rates, &unflagged).unwrap();
    assert_eq!(g.line(Category::InclusionSupportParticipants), None);
    assert_eq!(g.line(Category::InclusionSupportOrganisation), None);
}

#[test]
fn short_or_missing_distance() {
    let rates = rates_2025();
    let near = Participation {
        great_circle_km: Some(8.7),
        ..lisbon_by_plane()
    };
    let g = compute(&rates, &near).unwrap();
    assert_eq!(g.cents(Category::Travel), 0);
    assert_eq!(
        g.line(Category::Travel).unwrap().working,
        "Rejsetilskud: 8 km (beregnet i luftlinje) → under 10 km: intet rejsetilskud = 0,00 €"
    );
    let none = Participation {
        great_circle_km: None,
        ..lisbon_by_plane()
    };
    let g = compute(&rates, &none).unwrap();
    assert_eq!(g.cents(Category::Travel), 0);
    assert_eq!(g.distance, None);
    assert_eq!(g.warnings.len(), 1);
}

#[test]
fn what_cannot_be_computed_is_an_error() {
    let rates = rates_2025();
    let us = Participation {
        country: "US".into(),
        ..lisbon_by_plane()
    };
    let err = compute(&rates, &us).unwrap_err();
    assert_eq!(
        err,
        GrantError::UnknownCountry {
            country: "US".into(),
            call_year: 2025
        }
    );
    assert!(err.to_string().contains("Landet US har ingen landegruppe"));
    let backwards = Participation {
        end: d(2025, 10, 5),
        ..lisbon_by_plane()
    };
    assert_eq!(compute(&rates, &backwards), Err(GrantError::EndBeforeStart));
    let pupil = Participation {
        activity_type: "LM-GRP-PUPIL".into(),
        ..lisbon_by_plane()
    };
    assert!(matches!(
        compute(&rates, &pupil),
        Err(GrantError::PupilRates { .. })
    ));
}
