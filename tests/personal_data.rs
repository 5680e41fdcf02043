//! A person's data (GDPR art. 15 and 20): the coordinator's page and JSON file for a person, and
//! everyone's own at `/mine-data`: the registry record, login, mobilities, reports, follow-ups,
//! reflections (private ones only for the person), measurements, history and the access log;
//! the fewer-opportunities flag for the person and for those with the right to special
//! categories; each view logged; each section bounded.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::Value;
use uuid::Uuid;

const PRIVATE_TITLE: &str = "Min egen tvivl om holddelingen";
const FOLLOW_UP_WHAT: &str = "Stilletimer hver morgen i 4.b";

struct Setup {
    app: TestApp,
    i: Ids,
    nadia: Uuid,
}

/// The demo with a private reflection and a follow-up by Sofie, Nadia Jensen marked with fewer
/// opportunities and given a login, and a second coordinator, Jonas, without the right to special
/// categories.
async fn setup() -> Setup {
    let app = TestApp::demo().await;
    let i = ids(&app).await;
    let me: Uuid = i.me.parse().unwrap();
    sqlx::query(
        "INSERT INTO reflections (staff_id, phase, title, body, private) VALUES ($1, 'efter', $2, 'Kun til mig selv.', true)",
    )
    .bind(me)
    .bind(PRIVATE_TITLE)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("DELETE FROM follow_ups WHERE report_id = $1::uuid")
        .bind(&i.my_report)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO follow_ups (report_id, changed, what, evidence) VALUES ($1::uuid, 'ja', $2, 'Færre konflikter før frikvarteret')",
    )
    .bind(&i.my_report)
    .bind(FOLLOW_UP_WHAT)
    .execute(&app.pool)
    .await
    .unwrap();
    let nadia = app
        .id_of("SELECT id FROM staff WHERE name = 'Nadia Jensen'")
        .await;
    sqlx::query(
        "UPDATE mobility_participants SET fewer_opportunities = true
         WHERE staff_id = $1 AND role = 'deltager'",
    )
    .bind(nadia)
    .execute(&app.pool)
    .await
    .unwrap();
    let hash = udsyn::auth::password::hash(udsyn::demo::PASSWORD.into())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO accounts (email, role, staff_id, password_hash)
         SELECT email, 'medarbejder', id, $2 FROM staff WHERE id = $1",
    )
    .bind(nadia)
    .bind(&hash)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        // Exempt from the second factor like the demo's own logins: this test is about his data.
        "INSERT INTO accounts (email, role, password_hash, mfa_exempt) VALUES ('jonas@herning.dk', 'koordinator', $1, true)",
    )
    .bind(&hash)
    .execute(&app.pool)
    .await
    .unwrap();
    Setup { app, i, nadia }
}

fn parse(page: &Page) -> Value {
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert!(
        page.headers[axum::http::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"persondata-")
    );
    serde_json::from_str(&page.body).expect("the file is JSON")
}

fn titles(doc: &Value, section: &str, field: &str) -> Vec<String> {
    doc[section]
        .as_array()
        .unwrap_or_else(|| panic!("{section} is a list"))
        .iter()
        .map(|r| r[field].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn the_coordinator_sees_a_persons_record_mobilities_reports_and_follow_ups_but_not_her_private_reflections()
 {
    let Setup { app, i, .. } = setup().await;
    let private = app
        .count(&format!(
            "SELECT count(*) FROM reflections WHERE staff_id = '{}' AND private",
            i.me
        ))
        .await;
    assert!(private >= 1);
    let mut coord = app.login_as(KOORDINATOR).await;
    let page = coord
        .get(&format!("/medarbejdere/{}/persondata", i.me))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.h1(), "Persondata: Sofie Bækgaard");
    for text in [
        "medarbejder@demo.udsyn.dk",
        "Engbakkeskolen (demo)",
        "<h2 id=\"mobilities\">Mobiliteter</h2>",
        FOLLOW_UP_WHAT,
        &if private == 1 {
            "1 privat refleksion vises kun for personen selv.".to_string()
        } else {
            format!("{private} private refleksioner vises kun for personen selv.")
        },
        &format!("href=\"/medarbejdere/{}/persondata.json\"", i.me),
    ] {
        assert!(page.body.contains(text), "the page shows «{text}»");
    }
    assert!(!page.body.contains(PRIVATE_TITLE), "a private reflection");

    let doc = parse(
        &coord
            .get(&format!("/medarbejdere/{}/persondata.json", i.me))
            .await,
    );
    assert_eq!(doc["person"]["name"], "Sofie Bækgaard");
    assert_eq!(doc["person"]["email"], "medarbejder@demo.udsyn.dk");
    assert_eq!(doc["account"]["role"], "medarbejder");
    assert_eq!(doc["account"]["has_password"], true);
    let mobilities: i64 = app
        .count(&format!(
            "SELECT count(*) FROM mobility_participants WHERE staff_id = '{}'",
            i.me
        ))
        .await;
    assert!(mobilities > 0);
    assert_eq!(
        doc["mobilities"].as_array().unwrap().len() as i64,
        mobilities
    );
    let reports: Vec<String> = titles(&doc, "reports", "id");
    assert!(reports.contains(&i.my_report), "{reports:?}");
    assert_eq!(titles(&doc, "follow_ups", "what"), vec![FOLLOW_UP_WHAT]);
    assert!(!titles(&doc, "reflections", "title").contains(&PRIVATE_TITLE.to_string()));
    assert_eq!(doc["private_reflections_not_shown"], private);
    assert_eq!(doc["truncated_sections"], serde_json::json!([]));
    // Never a password hash or a token.
    for secret in ["$argon2", "password_hash"] {
        assert!(!page.body.contains(secret), "{secret} on the page");
    }
    for secret in ["$argon2", "password_hash", "token", "csrf", "id_hash"] {
        assert!(!doc.to_string().contains(secret), "{secret} in the file");
    }
    // The coordinator has the right to special categories: the flag is in.
    assert!(doc["mobilities"][0].get("fewer_opportunities").is_some());
    app.finish().await;
}

#[tokio::test]
async fn everyone_gets_their_own_data_at_mine_data_private_reflections_included() {
    let Setup { app, i, .. } = setup().await;
    let mut sofie = app.login_as(MEDARBEJDER).await;
    let desk = sofie.get("/").await;
    assert!(
        desk.links("/mine-data").contains(&"/mine-data".to_string()),
        "linked from the desk"
    );
    let page = sofie.get("/mine-data").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.h1(), "Mine data");
    assert!(page.body.contains(PRIVATE_TITLE));
    assert!(page.body.contains(FOLLOW_UP_WHAT));
    assert!(page.body.contains("href=\"/mine-data.json\""));
    let doc = parse(&sofie.get("/mine-data.json").await);
    assert_eq!(doc["person"]["id"], i.me.as_str());
    assert!(titles(&doc, "reflections", "title").contains(&PRIVATE_TITLE.to_string()));
    assert_eq!(doc["private_reflections_not_shown"], 0);
    // The same through her record's address.
    let same = sofie
        .get(&format!("/medarbejdere/{}/persondata", i.me))
        .await;
    assert_eq!(same.status, StatusCode::OK);
    assert!(same.body.contains(PRIVATE_TITLE));

    // A coordinator who is no one in the registry still gets their login and what they did.
    let mut jonas = app.client();
    let r = jonas
        .post_form(
            "/login",
            &[
                ("email", "jonas@herning.dk"),
                ("password", udsyn::demo::PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let doc = parse(&jonas.get("/mine-data.json").await);
    assert!(doc["person"].is_null());
    assert_eq!(doc["account"]["email"], "jonas@herning.dk");
    app.finish().await;
}

#[tokio::test]
async fn a_school_leader_and_a_staff_member_get_no_one_elses_data() {
    let Setup { app, i, .. } = setup().await;
    let mut lars = app.login_as(SKOLELEDER).await;
    let mut sofie = app.login_as(MEDARBEJDER).await;
    for person in [&i.own_colleague, &i.other_school_person, &i.me] {
        for suffix in ["persondata", "persondata.json"] {
            let path = format!("/medarbejdere/{person}/{suffix}");
            let page = lars.get(&path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "skoleleder {path}");
            assert!(!page.body.contains(PRIVATE_TITLE));
        }
    }
    for person in [&i.own_colleague, &i.other_school_person] {
        let page = sofie
            .get(&format!("/medarbejdere/{person}/persondata.json"))
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
    }
    // His own: 200.
    let own = parse(&lars.get("/mine-data.json").await);
    assert_eq!(own["person"]["name"], "Lars Østergaard");
    // A person who does not exist: 404 for the coordinator.
    let mut coord = app.login_as(KOORDINATOR).await;
    let missing = coord
        .get(&format!("/medarbejdere/{}/persondata", Uuid::new_v4()))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        coord
            .get("/medarbejdere/ikke-et-id/persondata")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    app.finish().await;
}

#[tokio::test]
async fn the_fewer_opportunities_flag_is_the_persons_own_and_the_special_categories_rights() {
    let Setup { app, nadia, .. } = setup().await;
    let flags = |doc: &Value| -> Vec<Value> {
        doc["mobilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.get("fewer_opportunities").cloned().unwrap_or(Value::Null))
            .collect()
    };
    let path = format!("/medarbejdere/{nadia}/persondata");
    let mut coord = app.login_as(KOORDINATOR).await;
    let with_right = parse(&coord.get(&format!("{path}.json")).await);
    assert!(flags(&with_right).contains(&Value::Bool(true)));
    assert!(coord.get(&path).await.body.contains("Færre muligheder"));

    let mut jonas = app.client();
    jonas
        .post_form(
            "/login",
            &[
                ("email", "jonas@herning.dk"),
                ("password", udsyn::demo::PASSWORD),
            ],
        )
        .await;
    let without = parse(&jonas.get(&format!("{path}.json")).await);
    assert!(flags(&without).iter().all(Value::is_null), "{without}");
    let page = jonas.get(&path).await;
    assert!(
        !page
            .body
            .contains("<th scope=\"col\">Færre muligheder</th>")
    );
    assert!(
        page.body
            .contains("Oplysningen om færre muligheder og inklusionsstøtte er udeladt")
    );

    let email: String = sqlx::query_scalar("SELECT email FROM staff WHERE id = $1")
        .bind(nadia)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut her = app.client();
    let r = her
        .post_form(
            "/login",
            &[("email", &email), ("password", udsyn::demo::PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "Nadia logs in");
    let own = parse(&her.get("/mine-data.json").await);
    assert!(flags(&own).contains(&Value::Bool(true)), "her own flag");
    app.finish().await;
}

#[tokio::test]
async fn history_shows_what_was_done_about_the_person_and_only_what_she_did_to_others() {
    let Setup { app, i, .. } = setup().await;
    let lars_account = app
        .id_of("SELECT id FROM accounts WHERE email = 'skoleleder@demo.udsyn.dk'")
        .await;
    // Lars corrected a colleague's e-mail; the coordinator changed Lars's job.
    sqlx::query(
        "INSERT INTO audit_log (account_id, action, entity, entity_id, before, after) VALUES
           ($1, 'medarbejder ændret', 'staff', $2, '{\"email\": \"gammel.kollega@demo.udsyn.dk\"}', '{\"email\": \"ny.kollega@demo.udsyn.dk\"}'),
           (NULL, 'medarbejder ændret', 'staff', (SELECT staff_id::text FROM accounts WHERE id = $1),
            '{\"job_role\": \"laerer\"}', '{\"job_role\": \"skoleleder\"}')",
    )
    .bind(lars_account)
    .bind(&i.own_colleague)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE measurements SET entered_by = $1 WHERE id = (SELECT id FROM measurements ORDER BY entered_at LIMIT 1)",
    )
    .bind(lars_account)
    .execute(&app.pool)
    .await
    .unwrap();
    let mut lars = app.login_as(SKOLELEDER).await;
    let doc = parse(&lars.get("/mine-data.json").await);
    let audit = doc["audit_log"].as_array().unwrap();
    let by_him = audit
        .iter()
        .find(|a| a["entity_id"] == i.own_colleague.as_str())
        .expect("what he did");
    assert_eq!(by_him["about_them"], false);
    assert!(by_him["before"].is_null() && by_him["after"].is_null());
    assert!(
        !doc.to_string().contains("kollega@demo.udsyn.dk"),
        "the colleague's data"
    );
    let about_him = audit
        .iter()
        .find(|a| a["about_them"] == true)
        .expect("what was done about him");
    assert_eq!(about_him["after"]["job_role"], "skoleleder");
    assert_eq!(doc["measurements"].as_array().unwrap().len(), 1);
    app.finish().await;
}

#[tokio::test]
async fn viewing_and_downloading_is_logged_and_every_section_is_bounded() {
    let Setup { app, i, .. } = setup().await;
    let me: Uuid = i.me.parse().unwrap();
    sqlx::query(
        "INSERT INTO reflections (staff_id, phase, title) SELECT $1, 'under', 'Dag ' || n FROM generate_series(1, 520) AS n",
    )
    .bind(me)
    .execute(&app.pool)
    .await
    .unwrap();
    let mut coord = app.login_as(KOORDINATOR).await;
    let page = coord.get(&format!("/medarbejdere/{me}/persondata")).await;
    assert!(
        page.body
            .contains("Der er flere end 500; kun de 500 nyeste vises her og i filen.")
    );
    let doc = parse(
        &coord
            .get(&format!("/medarbejdere/{me}/persondata.json"))
            .await,
    );
    assert_eq!(doc["reflections"].as_array().unwrap().len(), 500);
    assert_eq!(
        doc["truncated_sections"],
        serde_json::json!(["reflections"])
    );
    let mut sofie = app.login_as(MEDARBEJDER).await;
    sofie.get("/mine-data").await;
    let own = parse(&sofie.get("/mine-data.json").await);
    // Her file holds the coordinator's two views (written before hers was read).
    let seen: Vec<(String, String)> = own["access_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap().into(),
                a["route"].as_str().unwrap().into(),
            )
        })
        .collect();
    for route in [
        "/medarbejdere/{id}/persondata",
        "/medarbejdere/{id}/persondata.json",
        "/mine-data",
    ] {
        assert!(
            seen.contains(&("persondata".into(), route.into())),
            "{route} in {seen:?}"
        );
    }
    app.state.access_log.flush().await;
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM access_log WHERE kind = 'persondata' AND staff_ids = ARRAY['{me}'::uuid]"
        ))
        .await,
        4
    );
    app.finish().await;
}
