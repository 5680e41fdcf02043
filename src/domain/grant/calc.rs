//! The grant of one participant in a mobility, line by line with the working shown, and the grant
//! of a preparatory visit (MONEY.md §3).

use super::distance::{band_for, band_label, nearest_edge, whole_km};
use super::model::{Category, DistanceSource, DistanceUsed, Grant, GrantError, Participation};
use super::rates::Rates;
use super::{COURSE, NEAR_EDGE_KM, PREP_VISIT, WHOLE_BP, euro, format_km, percent, share_of};

fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The grant of one participant. Errors when the rates lack what the mobility needs (a country
/// without a group, a group without a daily rate, an activity type without organisational
/// support) or the input cannot be right; everything else that deserves a look is a warning.
pub fn compute(rates: &Rates, p: &Participation) -> Result<Grant, GrantError> {
    if p.activity_type == PREP_VISIT {
        return Err(GrantError::PreparatoryVisit);
    }
    if !p.accompanying && p.activity_type.starts_with("LM-") {
        return Err(GrantError::PupilRates {
            activity_type: p.activity_type.clone(),
        });
    }
    if p.end < p.start {
        return Err(GrantError::EndBeforeStart);
    }
    let negatives = [
        (p.interrupted_days < 0, "Antal afbrudte dage"),
        (p.travel_days < 0, "Antal rejsedage"),
        (p.course_fee_days < 0, "Antal kursusdage"),
        (
            p.other_course_fee_days < 0,
            "Antal kursusdage på andre kurser",
        ),
        (p.calculator_km.is_some_and(|k| k < 0), "Afstanden"),
        (p.great_circle_km.is_some_and(|k| k < 0.0), "Afstanden"),
        (
            p.real_travel_cents.is_some_and(|c| c < 0),
            "Den faktiske rejseudgift",
        ),
        (
            p.inclusion_real_cents.is_some_and(|c| c < 0),
            "Udgiften til inklusionsstøtte",
        ),
        (
            p.exceptional_real_cents.is_some_and(|c| c < 0),
            "Den ekstraordinære udgift",
        ),
    ];
    if let Some((_, what)) = negatives.iter().find(|(bad, _)| *bad) {
        return Err(GrantError::Negative { what });
    }
    let days = (p.end - p.start).num_days() + 1;
    if p.interrupted_days as i64 > days {
        return Err(GrantError::TooManyInterrupted {
            interrupted: p.interrupted_days as i64,
            days,
        });
    }

    let mut g = Grant {
        call_year: rates.call_year,
        distance: None,
        lines: Vec::new(),
        warnings: Vec::new(),
    };
    travel(rates, p, &mut g);
    individual_support(rates, p, days, &mut g)?;
    organisational_support(rates, p, &mut g)?;
    course_fees(rates, p, days, &mut g);
    inclusion_support(rates, p, &mut g);
    exceptional_costs(rates, p, &mut g);
    Ok(g)
}

/// Travel by distance band and green travel; expensive travel replaces the band's grant by the
/// paid share of the real cost when the grant covers less than the threshold share of it.
fn travel(rates: &Rates, p: &Participation, g: &mut Grant) {
    let used = match (p.calculator_km, p.great_circle_km) {
        (Some(km), _) => Some(DistanceUsed {
            km,
            source: DistanceSource::Calculator,
        }),
        (None, Some(km)) => Some(DistanceUsed {
            km: whole_km(km),
            source: DistanceSource::GreatCircle,
        }),
        (None, None) => None,
    };
    g.distance = used;
    let Some(d) = used else {
        g.warnings.push(
            "Der er ingen afstand: indtast km fra EU's afstandsberegner, eller angiv byernes koordinater. Rejsetilskuddet er sat til 0,00 €."
                .to_string(),
        );
        g.push(
            Category::Travel,
            0,
            "Rejsetilskud: ingen afstand angivet = 0,00 €".to_string(),
            false,
        );
        return;
    };
    let km_text = format!("{} km ({})", format_km(d.km), d.source.label());
    if d.source == DistanceSource::GreatCircle
        && let Some(edge) = nearest_edge(rates, d.km)
    {
        g.warnings.push(format!(
            "Afstanden {km_text} ligger under {NEAR_EDGE_KM} km fra båndgrænsen ved {} km. EU's afstandsberegner kan give et andet afstandsbånd: slå afstanden op dér og indtast den.",
            format_km(edge)
        ));
    }
    let Some(band) = band_for(rates, d.km) else {
        let first = rates.bands.iter().map(|b| b.min_km).min();
        let why = match first {
            Some(min) if d.km < min => format!("under {} km: intet rejsetilskud", format_km(min)),
            _ => "intet afstandsbånd".to_string(),
        };
        g.push(
            Category::Travel,
            0,
            format!("Rejsetilskud: {km_text} → {why} = 0,00 €"),
            false,
        );
        return;
    };
    let (kind, figure) = if p.green {
        ("grøn rejse", &band.green_cents)
    } else {
        ("standard", &band.standard_cents)
    };
    let mut cents = figure.value;
    let mut unverified = !figure.verified;
    let mut working = format!(
        "Rejsetilskud: {km_text} → {}, {kind}: {}",
        band_label(band),
        euro(figure.value)
    );
    if p.expensive_travel {
        match p.real_travel_cents {
            None => g.warnings.push(
                "Dyr rejse er anmodet, men den faktiske rejseudgift mangler; rejsetilskuddet efter afstandsbånd bruges."
                    .to_string(),
            ),
            Some(real) => {
                let threshold = &rates.expensive_threshold_bp;
                let paid = &rates.expensive_paid_bp;
                unverified |= !threshold.verified;
                // grant < threshold × real, exactly, without rounding.
                if (figure.value as i128) * (WHOLE_BP as i128)
                    < (threshold.value as i128) * (real as i128)
                {
                    unverified |= !paid.verified;
                    cents = share_of(real, paid.value);
                    working = format!(
                        "{working}; dyr rejse: {} er under {} af den faktiske udgift {} → {} × {} = {}",
                        euro(figure.value),
                        percent(threshold.value),
                        euro(real),
                        percent(paid.value),
                        euro(real),
                        euro(cents)
                    );
                } else {
                    g.warnings.push(format!(
                        "Dyr rejse er anmodet, men rejsetilskuddet {} dækker mindst {} af den faktiske udgift {}; rejsetilskuddet efter afstandsbånd bruges.",
                        euro(figure.value),
                        percent(threshold.value),
                        euro(real)
                    ));
                }
            }
        }
    }
    g.push(Category::Travel, cents, working, unverified);
}

/// Funded days = activity days − interrupted days + funded travel days (capped), counted in order
/// from the outbound travel day: the first `full_rate_days` at the group's daily rate, the rest
/// at the reduced rate, which is computed once and rounded half up to the cent.
fn individual_support(
    rates: &Rates,
    p: &Participation,
    days: i64,
    g: &mut Grant,
) -> Result<(), GrantError> {
    let group = rates
        .group_of(&p.country)
        .ok_or_else(|| GrantError::UnknownCountry {
            country: p.country.clone(),
            call_year: rates.call_year,
        })?;
    let rate = rates
        .group_rate(group.value)
        .ok_or(GrantError::NoGroupRate {
            group: group.value,
            call_year: rates.call_year,
        })?;
    let max_travel = if p.green {
        &rates.max_travel_days_green
    } else {
        &rates.max_travel_days_standard
    };
    let mut travel = p.travel_days as i64;
    if travel > max_travel.value as i64 {
        travel = max_travel.value.max(0) as i64;
        g.warnings.push(format!(
            "Der er angivet {} rejsedage, men der gives højst {} {}; der regnes med {travel}.",
            p.travel_days,
            max_travel.value,
            if p.green {
                "ved grøn rejse"
            } else {
                "uden grøn rejse (op til 6 med grøn rejse)"
            }
        ));
    }
    let interrupted = p.interrupted_days as i64;
    let funded = days - interrupted + travel;
    let full_rate_days = &rates.full_rate_days;
    let full_days = funded.min(full_rate_days.value.max(0) as i64);
    let reduced_days = funded - full_days;
    let share = &rates.reduced_share_bp;
    let reduced_rate = share_of(rate.value, share.value);
    let cents = full_days * rate.value + reduced_days * reduced_rate;

    let mut parts = count(days, "aktivitetsdag", "aktivitetsdage");
    if interrupted > 0 {
        parts = format!(
            "{parts} − {}",
            count(interrupted, "afbrudt dag", "afbrudte dage")
        );
    }
    if travel > 0 {
        parts = format!("{parts} + {}", count(travel, "rejsedag", "rejsedage"));
    }
    let who = if p.accompanying {
        ", ledsager: medarbejdersats"
    } else {
        ""
    };
    let working = if reduced_days == 0 {
        format!(
            "Individuel støtte: {} ({parts}) × {} (gruppe {}{who}) = {}",
            count(funded, "dag", "dage"),
            euro(rate.value),
            group.value,
            euro(cents)
        )
    } else {
        format!(
            "Individuel støtte: {} ({parts}, talt fra udrejsedagen), gruppe {}{who}: {} × {} + {} fra dag {} × {} ({}) = {}",
            count(funded, "dag", "dage"),
            group.value,
            count(full_days, "dag", "dage"),
            euro(rate.value),
            count(reduced_days, "dag", "dage"),
            full_days + 1,
            euro(reduced_rate),
            percent(share.value),
            euro(cents)
        )
    };
    let unverified = !group.verified
        || !rate.verified
        || !max_travel.verified
        || !full_rate_days.verified
        || (reduced_days > 0 && !share.verified);
    g.push(Category::IndividualSupport, cents, working, unverified);
    Ok(())
}

/// Per participant by activity type; never for accompanying persons, nor when not requested.
fn organisational_support(
    rates: &Rates,
    p: &Participation,
    g: &mut Grant,
) -> Result<(), GrantError> {
    if p.accompanying {
        g.push(
            Category::OrganisationalSupport,
            0,
            "Organisatorisk støtte: gives ikke for ledsagere = 0,00 €".to_string(),
            false,
        );
        return Ok(());
    }
    if p.org_support_not_requested {
        g.push(
            Category::OrganisationalSupport,
            0,
            "Organisatorisk støtte: ikke anmodet = 0,00 €".to_string(),
            false,
        );
        return Ok(());
    }
    let figure = rates
        .organisational_support
        .get(&p.activity_type)
        .ok_or_else(|| GrantError::NoOrganisationalRate {
            activity_type: p.activity_type.clone(),
            call_year: rates.call_year,
        })?;
    g.push(
        Category::OrganisationalSupport,
        figure.value,
        format!(
            "Organisatorisk støtte: 1 deltager × {} (satsen for aktivitetstypen) = {}",
            euro(figure.value),
            euro(figure.value)
        ),
        !figure.verified,
    );
    Ok(())
}

/// Courses only: days × daily rate, so that the person's course-fee days in the whole project do
/// not pass the cap (a warning, not a refusal).
fn course_fees(rates: &Rates, p: &Participation, days: i64, g: &mut Grant) {
    let requested = p.course_fee_days as i64;
    if p.activity_type != COURSE {
        if requested > 0 && !p.course_fees_not_requested {
            g.warnings.push(format!(
                "Kursusafgift gives kun til kurser og træning ({COURSE}); de {requested} kursusdage tæller ikke med."
            ));
        }
        return;
    }
    if p.course_fees_not_requested {
        g.push(
            Category::CourseFees,
            0,
            "Kursusafgift: ikke anmodet = 0,00 €".to_string(),
            false,
        );
        return;
    }
    let rate = &rates.course_fee_per_day_cents;
    let cap = &rates.course_fee_max_days;
    let other = p.other_course_fee_days as i64;
    let remaining = (cap.value as i64 - other).max(0);
    let paid_days = requested.min(remaining);
    let cents = paid_days * rate.value;
    if requested > days {
        g.warnings.push(format!(
            "Der er angivet {requested} kursusdage, men aktiviteten varer kun {days} dage."
        ));
    }
    let working = if paid_days < requested {
        g.warnings.push(format!(
            "Kursusafgift: personen har allerede {} på andre kurser i projektet, og der gives højst {} i alt; kun {} af de {requested} kursusdage får kursusafgift.",
            count(other, "kursusdag", "kursusdage"),
            count(cap.value as i64, "dag", "dage"),
            paid_days
        ));
        format!(
            "Kursusafgift: {} ({requested} anmodet; højst {} i projektet, {other} brugt på andre kurser) × {} = {}",
            count(paid_days, "dag", "dage"),
            cap.value,
            euro(rate.value),
            euro(cents)
        )
    } else {
        format!(
            "Kursusafgift: {} × {} = {}",
            count(paid_days, "dag", "dage"),
            euro(rate.value),
            euro(cents)
        )
    };
    g.push(
        Category::CourseFees,
        cents,
        working,
        !rate.verified || !cap.verified,
    );
}

/// For the participant: the real cost, when flagged with fewer opportunities and approved by the
/// national agency. For the organisation: its unit cost per such participant, only when the
/// participant's inclusion support is above 0.
fn inclusion_support(rates: &Rates, p: &Participation, g: &mut Grant) {
    if p.fewer_opportunities && p.accompanying {
        g.warnings.push(
            "En ledsager kan ikke markeres som deltager med færre muligheder; markeringen er ikke brugt."
                .to_string(),
        );
    }
    let flagged = p.fewer_opportunities && !p.accompanying;
    let real = p.inclusion_real_cents.unwrap_or(0);
    if real == 0 {
        return;
    }
    if !flagged {
        g.warnings.push(format!(
            "Inklusionsstøtte gives kun til deltagere med færre muligheder; {} er ikke medregnet.",
            euro(real)
        ));
        return;
    }
    if !p.inclusion_approved {
        g.warnings.push(format!(
            "Inklusionsstøtten på {} afventer Styrelsens godkendelse og er ikke medregnet.",
            euro(real)
        ));
        g.push(
            Category::InclusionSupportParticipants,
            0,
            format!(
                "Inklusionsstøtte (deltager): {} afventer Styrelsens godkendelse = 0,00 €",
                euro(real)
            ),
            false,
        );
        return;
    }
    g.push(
        Category::InclusionSupportParticipants,
        real,
        format!(
            "Inklusionsstøtte (deltager): 100 % af de faktiske udgifter {}, godkendt af Styrelsen = {}",
            euro(real),
            euro(real)
        ),
        false,
    );
    let unit = &rates.inclusion_org_per_participant_cents;
    g.push(
        Category::InclusionSupportOrganisation,
        unit.value,
        format!(
            "Inklusionsstøtte (organisation): 1 deltager med færre muligheder × {} = {}",
            euro(unit.value),
            euro(unit.value)
        ),
        !unit.verified,
    );
}

/// The paid share of the real exceptional costs.
fn exceptional_costs(rates: &Rates, p: &Participation, g: &mut Grant) {
    let Some(real) = p.exceptional_real_cents.filter(|&c| c > 0) else {
        return;
    };
    let share = &rates.exceptional_share_bp;
    let cents = share_of(real, share.value);
    g.push(
        Category::ExceptionalCosts,
        cents,
        format!(
            "Ekstraordinære omkostninger: {} × {} = {}",
            percent(share.value),
            euro(real),
            euro(cents)
        ),
        !share.verified,
    );
}

/// The grant of a preparatory visit: unit cost × persons, at most the call year's maximum of
/// persons (more are not paid, with a warning).
pub fn preparatory_visit(rates: &Rates, persons: i32) -> Result<Grant, GrantError> {
    if persons < 0 {
        return Err(GrantError::Negative {
            what: "Antal personer",
        });
    }
    let unit = &rates.prep_visit_per_person_cents;
    let max = &rates.prep_visit_max_persons;
    let mut warnings = Vec::new();
    let counted = if persons > max.value {
        warnings.push(format!(
            "Et forberedende besøg får tilskud til højst {} personer; der er angivet {persons}.",
            max.value
        ));
        max.value.max(0)
    } else {
        persons
    } as i64;
    let cents = counted * unit.value;
    let mut g = Grant {
        call_year: rates.call_year,
        distance: None,
        lines: Vec::new(),
        warnings,
    };
    g.push(
        Category::PreparatoryVisit,
        cents,
        format!(
            "Forberedende besøg: {} × {} = {}",
            count(counted, "person", "personer"),
            euro(unit.value),
            euro(cents)
        ),
        !unit.verified || !max.verified,
    );
    Ok(g)
}
