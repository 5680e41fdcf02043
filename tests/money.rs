//! Money: every participant mobility's grant with its working, the coordinator's grant form, the
//! project budget (per category, per school, with its warning), the Targets and the project form.

mod common;

use axum::http::StatusCode;
use common::*;
use uuid::Uuid;

const PORTO_COURSE: &str =
    "SELECT m.id FROM mobilities m JOIN partners p ON p.id = m.receiving_partner_id
     WHERE p.city = 'Porto' AND m.activity_type = 'SM-COUR-TRAIN'";

/// A euro figure as the pages write it, from cents.
fn euro(cents: i64) -> String {
    udsyn::domain::grant::euro(cents)
}

#[tokio::test]
async fn the_mobility_page_shows_each_participants_grant_with_its_working() {
    let app = TestApp::demo().await;
    let id = app.id_of(PORTO_COURSE).await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let page = coord.get(&format!("/mobiliteter/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("<h2 id=\"tilskud\">Tilskud</h2>"));
    // Herning → Porto in a straight line: 2 095 km, band 2000–2999, plane: 395 €.
    assert!(
        body.contains("2.095 km (beregnet i luftlinje) → 2.000–2.999 km, standard: 395,00 €"),
        "{}",
        body
    );
    // 5 course days + 2 travel days at Portugal's group 2 rate (2024, classic grouping): 7 × 84 €.
    assert!(
        body.contains("7 dage (5 aktivitetsdage + 2 rejsedage) × 84,00 € (gruppe 2) = 588,00 €")
    );
    assert!(body.contains("Kursusafgift"));
    assert!(body.contains("skal verificeres mod bilag 3"));
    // 395 + 588 + 100 (organisational support for a course) + 5 × 80 (fees) = 1 483 € each.
    assert!(body.contains("1.483,00 €"));
    assert!(body.contains(&format!("I alt {}", euro(2 * 148_300))));
    // Staff see their trips, not the money.
    let mut teacher = app.login_as(MEDARBEJDER).await;
    let mine = app
        .id_of(
            "SELECT mp.mobility_id FROM mobility_participants mp JOIN staff s ON s.id = mp.staff_id
             WHERE s.email = 'medarbejder@demo.udsyn.dk' LIMIT 1",
        )
        .await;
    let page = teacher.get(&format!("/mobiliteter/{mine}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<h1>"));
    assert!(!page.body.contains("id=\"tilskud\""));
    app.finish().await;
}

#[tokio::test]
async fn the_grant_form_records_what_the_grant_depends_on() {
    let app = TestApp::demo().await;
    let id = app.id_of(PORTO_COURSE).await;
    let morten = app
        .id_of("SELECT id FROM staff WHERE name = 'Morten Æbelø'")
        .await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let path = format!("/mobiliteter/{id}/tilskud");
    let form = coord.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains("Luftlinjen fra skolens by til værtens by, 2.095 km")
            || form
                .body
                .contains("luftlinjen fra skolens by til værtens by, 2.095 km")
    );
    let csrf = form.csrf();
    // Bad input: nothing is saved, each message on its field.
    let lines_before = app.count("SELECT count(*) FROM audit_log").await;
    let bad = coord
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("km", "langt"),
                (&format!("interrupted_{morten}"), "9"),
                (&format!("real_travel_{morten}"), "-5"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.title().starts_with("Fejl: "));
    assert!(bad.body.contains("Skriv afstanden som hele km"));
    assert!(
        bad.body
            .contains("Morten Æbelø: afbrudte dage skal være et helt tal fra 0 til 5.")
    );
    assert!(
        bad.body
            .contains("Morten Æbelø: beløbet kan ikke være negativt.")
    );
    assert!(
        bad.body
            .contains(&format!("href=\"#real_travel_{morten}\""))
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log").await,
        lines_before
    );
    // The EU calculator's 3 012 km wins over the straight line: band 3000–3999, 580 €. One
    // interrupted day takes a day of individual support and of course fees.
    let ok = coord
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("km", "3012"),
                (&format!("interrupted_{morten}"), "1"),
                (&format!("course_days_{morten}"), "4"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = coord.get(&format!("/mobiliteter/{id}")).await;
    assert!(
        page.body
            .contains("3.012 km (EU&#39;s afstandsberegner) → 3.000–3.999 km, standard: 580,00 €"),
        "{}",
        page.body
    );
    let total: i64 = sqlx::query_scalar(
        "SELECT total_cents FROM participant_grants WHERE mobility_id = $1 AND staff_id = $2",
    )
    .bind(id)
    .bind(morten)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    // 580 + 6 × 84 + 100 + 4 × 80 = 1 504 €.
    assert_eq!(total, 150_400);
    assert!(page.body.contains("1.504,00 €"));
    app.finish().await;
}

#[tokio::test]
async fn the_project_budget_adds_up_per_category_and_school_and_warns_when_passed() {
    let app = TestApp::demo().await;
    let project = app
        .id_of("SELECT id FROM projects WHERE call_year = 2024")
        .await;
    let used: i64 = app
        .count(&format!(
            "SELECT coalesce(sum(pg.total_cents), 0)::bigint FROM participant_grants pg
             JOIN mobilities m ON m.id = pg.mobility_id
             WHERE m.project_id = '{project}' AND m.status IN ('gennemfoert', 'rapporteret', 'opfulgt')"
        ))
        .await;
    let awarded = app
        .count(&format!(
            "SELECT sum(awarded_cents)::bigint FROM project_budget WHERE project_id = '{project}'"
        ))
        .await;
    assert!(used > 0);
    let mut coord = app.login_as(KOORDINATOR).await;
    let page = coord.get(&format!("/projekter/{project}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Budget pr. post"));
    assert!(page.body.contains(&euro(used)), "used {}", euro(used));
    assert!(page.body.contains(&euro(awarded - used)), "remaining");
    // Two preparatory visits at 575 € pass the 970 € the demo agreement has for them.
    assert!(page.body.contains("Budgettet er overskredet"));
    assert!(page.body.contains(
        "Forberedende besøg: disponeret og brugt 1.150,00 € er 180,00 € mere end tildelt 970,00 €."
    ));
    assert_eq!(page.body.matches("Budgettet er overskredet").count(), 1);
    assert!(page.body.contains("role=\"img\""), "a chart");
    assert!(
        page.body.contains("Kildebakken Specialskole (demo)"),
        "per school"
    );
    // A school leader sees their school's share, not the consortium's award.
    let mut leader = app.login_as(SKOLELEDER).await;
    let theirs = leader.get(&format!("/projekter/{project}")).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(theirs.body.contains("Engbakkeskolen (demo)s del"));
    assert!(!theirs.body.contains("Tildelt"));
    assert!(!theirs.body.contains("Kildebakken Specialskole (demo)"));
    let list = leader.get("/projekter").await;
    assert!(list.body.contains("2024-1-DK01-KA121-SCH-000200001"));
    let mut teacher = app.login_as(MEDARBEJDER).await;
    assert_eq!(
        teacher.get(&format!("/projekter/{project}")).await.status,
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}

#[tokio::test]
async fn the_targets_compare_the_agreement_with_what_is_implemented() {
    let app = TestApp::demo().await;
    let project = app
        .id_of("SELECT id FROM projects WHERE call_year = 2025")
        .await;
    let done = app
        .count(&format!(
            "SELECT count(*) FROM mobility_participants mp JOIN mobilities m ON m.id = mp.mobility_id
             WHERE m.project_id = '{project}' AND m.activity_type = 'SM-JOB-SHDW'
               AND mp.role = 'deltager' AND m.status IN ('gennemfoert', 'rapporteret', 'opfulgt')"
        ))
        .await;
    assert!(done > 0);
    let mut coord = app.login_as(KOORDINATOR).await;
    let page = coord.get(&format!("/projekter/{project}/maal")).await;
    assert_eq!(page.status, StatusCode::OK);
    let row = page
        .body
        .split("<th scope=\"row\">Jobshadowing (SM-JOB-SHDW)</th>")
        .nth(1)
        .expect("a row for job shadowing")
        .split("</tr>")
        .next()
        .unwrap()
        .to_string();
    let cells: Vec<&str> = row
        .split("<td class=\"udsyn-num\">")
        .skip(1)
        .map(|c| c.split("</td>").next().unwrap())
        .collect();
    // Participants: target 12, implemented, % achieved, planned.
    assert_eq!(cells[0], "12");
    assert_eq!(cells[1], done.to_string());
    assert_eq!(cells[2], format!("{} %", (done * 100 + 6) / 12));
    assert!(page.body.contains("Deltagere med grøn rejse"));
    assert!(page.body.contains("Tabel 2: Deltagere"));
    app.finish().await;
}

#[tokio::test]
async fn the_coordinator_creates_a_project_and_bad_input_saves_nothing() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let csrf = coord.get("/projekter/ny").await.csrf();
    let before = app.count("SELECT count(*) FROM projects").await;
    let good = vec![
        ("csrf", csrf.as_str()),
        ("reference", "2027-1-DK01-KA121-SCH-000500004"),
        ("call_year", "2026"),
        ("start_date", "01.06.2027"),
        ("end_date", "31.08.2028"),
        ("tildelt_travel", "21.000"),
        ("tildelt_individual_support", "30.500,50"),
        ("deltagere_SM-JOB-SHDW", "10"),
        ("dage_SM-JOB-SHDW", "50"),
        ("green", "3"),
    ];
    let with = |k: &'static str, v: &'static str| {
        let mut f = good.clone();
        f.retain(|(key, _)| *key != k);
        f.push((k, v));
        f
    };
    for (form, message) in [
        (
            with("end_date", "31.05.2027"),
            "«Sidste dag» skal ligge på eller efter «Første dag».",
        ),
        (
            with("tildelt_travel", "-100"),
            "Rejsetilskud: beløbet kan ikke være negativt.",
        ),
        (
            with("reference", ""),
            "Skriv projektets nummer fra tilskudsaftalen",
        ),
        (
            with("call_year", "26"),
            "Skriv indkaldelsesåret med fire cifre",
        ),
        (
            with("deltagere_SM-JOB-SHDW", "ti"),
            "Jobshadowing, Deltagere: skriv et helt tal",
        ),
        (
            with("reference", "2025-1-DK01-KA121-SCH-000300002"),
            "Der findes allerede et projekt med det nummer.",
        ),
    ] {
        let r = coord.post_form("/projekter/ny", &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(r.body.contains(message), "{message}");
        assert!(r.title().starts_with("Fejl: "));
    }
    assert_eq!(app.count("SELECT count(*) FROM projects").await, before);
    let r = coord.post_form("/projekter/ny", &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = coord.get(r.location()).await;
    assert!(
        page.body
            .contains("Projekt 2027-1-DK01-KA121-SCH-000500004")
    );
    assert!(page.body.contains("51.500,50 €"), "awarded in total");
    let id: Uuid = r
        .location()
        .trim_start_matches("/projekter/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // Editing shows what was saved.
    let edit = coord.get(&format!("/projekter/{id}/rediger")).await;
    assert!(edit.body.contains("value=\"21.000,00\""));
    assert!(edit.body.contains("value=\"30.500,50\""));
    assert!(edit.body.contains("value=\"10\""));
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_log WHERE entity = 'project' AND entity_id = '{id}'"
        ))
        .await,
        1
    );
    let mut leader = app.login_as(SKOLELEDER).await;
    assert_eq!(
        leader.get("/projekter/ny").await.status,
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}

/// A rate changed for the call year reaches the grants when the project is computed again.
#[tokio::test]
async fn grants_follow_the_rates_when_computed_again() {
    let app = TestApp::demo().await;
    let id = app.id_of(PORTO_COURSE).await;
    let project = app
        .id_of("SELECT id FROM projects WHERE call_year = 2024")
        .await;
    sqlx::query(
        "UPDATE call_rates SET rates = jsonb_set(rates, '{course_fee_per_day_cents}',
             '{\"value\": 9000, \"verified\": true, \"source\": \"Bilag 3, 2024\"}')
         WHERE call_year = 2024",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let mut coord = app.login_as(KOORDINATOR).await;
    let csrf = coord.get(&format!("/projekter/{project}")).await.csrf();
    let r = coord
        .post_form(
            &format!("/projekter/{project}/genberegn"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let done = coord.get(r.location()).await;
    assert!(
        done.body
            .contains("er beregnet igen med de nuværende satser")
    );
    let page = coord.get(&format!("/mobiliteter/{id}")).await;
    assert!(
        page.body.contains("5 dage × 90,00 € = 450,00 €"),
        "{}",
        page.body
    );
    app.finish().await;
}

/// A school's town gives it coordinates from the towns table; the straight-line distance of its
/// mobilities follows when the town changes.
#[tokio::test]
async fn a_schools_town_sets_the_distance_of_its_mobilities() {
    let app = TestApp::demo().await;
    let school = app
        .id_of("SELECT id FROM organisations WHERE name = 'Engbakkeskolen (demo)'")
        .await;
    let gent = app
        .id_of("SELECT m.id FROM mobilities m JOIN partners p ON p.id = m.receiving_partner_id WHERE p.city = 'Gent'")
        .await;
    let km = |app: &TestApp| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, Option<i32>>(
                "SELECT km FROM participant_grants WHERE mobility_id = $1 LIMIT 1",
            )
            .bind(gent)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(km(&app).await, Some(662), "Herning → Gent");
    let mut coord = app.login_as(KOORDINATOR).await;
    let page = coord.get(&format!("/skoler/{school}")).await;
    assert!(
        page.body.contains("56,1362° N, 8,9766° Ø"),
        "Herning's coordinates"
    );
    let form = coord.get(&format!("/skoler/{school}/rediger")).await;
    let r = coord
        .post_form(
            &format!("/skoler/{school}/rediger"),
            &[
                ("csrf", &form.csrf()),
                ("name", "Engbakkeskolen (demo)"),
                ("kind", "almen_specialklasser"),
                ("oid", "E10000101"),
                ("address", "Engbakken 12"),
                ("postcode", "7430"),
                ("city", "Ikast"),
                ("active", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = coord.get(&format!("/skoler/{school}")).await;
    assert!(
        page.body.contains("56,1388° N, 9,1577° Ø"),
        "Ikast's coordinates"
    );
    let now = km(&app).await.unwrap();
    assert!(
        now != 662 && (640..680).contains(&now),
        "Ikast → Gent: {now} km"
    );
    app.finish().await;
}

/// Mobilities that have no grant kept (registered before grants were computed) get one when Udsyn
/// starts, equal to what a recomputation gives.
#[tokio::test]
async fn grants_missing_at_start_are_computed() {
    let app = TestApp::demo().await;
    let total =
        || app.count("SELECT coalesce(sum(total_cents), 0)::bigint FROM participant_grants");
    let before = total().await;
    let rows = app.count("SELECT count(*) FROM participant_grants").await;
    sqlx::query("DELETE FROM participant_grants WHERE mobility_id IN (SELECT id FROM mobilities WHERE status <> 'kladde')")
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(total().await < before);
    let mut tx = app.pool.begin().await.unwrap();
    let n = udsyn::db::grants::recompute_missing(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert!(n > 0);
    assert_eq!(total().await, before);
    assert_eq!(
        app.count("SELECT count(*) FROM participant_grants").await,
        rows
    );
    let mut tx = app.pool.begin().await.unwrap();
    assert_eq!(
        udsyn::db::grants::recompute_missing(&mut tx).await.unwrap(),
        0,
        "nothing left"
    );
    tx.commit().await.unwrap();
    app.finish().await;
}

/// Inclusion support tells that a person has fewer opportunities: the coordinator sees it per
/// person; a school leader sees the grants without it.
#[tokio::test]
async fn inclusion_support_is_shown_per_person_to_the_coordinator_only() {
    let app = TestApp::demo().await;
    let gent = app
        .id_of("SELECT m.id FROM mobilities m JOIN partners p ON p.id = m.receiving_partner_id WHERE p.city = 'Gent'")
        .await;
    let person = app
        .id_of(&format!(
            "SELECT staff_id FROM mobility_participants WHERE mobility_id = '{gent}' AND role = 'deltager' LIMIT 1"
        ))
        .await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let path = format!("/mobiliteter/{gent}/tilskud");
    let csrf = coord.get(&path).await.csrf();
    let r = coord
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                (&format!("fewer_{person}"), "ja"),
                (&format!("inclusion_{person}"), "400"),
                (&format!("inclusion_approved_{person}"), "ja"),
                (&format!("justification_{person}"), "Ledsagelse på rejsen"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = coord.get(&format!("/mobiliteter/{gent}")).await;
    assert!(page.body.contains("Inklusionsstøtte (deltager)"));
    assert!(page.body.contains("400,00 €"));
    let with: i64 = app
        .count(&format!(
            "SELECT sum(total_cents)::bigint FROM participant_grants WHERE mobility_id = '{gent}'"
        ))
        .await;
    let inclusion: i64 = app
        .count(&format!(
            "SELECT coalesce(sum(cents), 0)::bigint FROM grant_lines WHERE mobility_id = '{gent}'
             AND category IN ('inclusion_participants', 'inclusion_organisation')"
        ))
        .await;
    assert!(
        inclusion >= 40_000,
        "participant's real cost and the organisation's unit cost"
    );
    let mut leader = app.login_as(SKOLELEDER).await;
    let page = leader.get(&format!("/mobiliteter/{gent}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<h2 id=\"tilskud\">Tilskud</h2>"));
    assert!(!page.body.contains("Inklusionsstøtte (deltager)"));
    assert!(!page.body.contains("Inklusionsstøtte (organisation)"));
    assert!(!page.body.contains("Ledsagelse på rejsen"));
    assert!(page.body.contains("uden eventuel inklusionsstøtte"));
    assert!(
        page.body
            .contains(&format!("I alt {}", euro(with - inclusion)))
    );
    app.finish().await;
}
