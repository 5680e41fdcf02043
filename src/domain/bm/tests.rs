//! The BM file's fields, cells, header mapping, comparison and dates, against cases worked out
//! by hand.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::*;
use crate::domain::sheet::header_key;

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
