//! The registry: schools, staff and partners created and edited by the right people only, with
//! their history; Danish sorting, search and paging.

mod common;

use axum::http::StatusCode;
use common::*;

async fn csrf(c: &mut Client) -> String {
    c.get("/").await.csrf()
}

#[tokio::test]
async fn every_edit_is_scoped_to_the_role() {
    let app = TestApp::demo().await;
    let school = app
        .id_of("SELECT id FROM organisations WHERE name = 'Hedelundskolen (demo)'")
        .await;
    let partner = app
        .id_of("SELECT id FROM partners WHERE city = 'Porto'")
        .await;
    let colleague = app
        .id_of("SELECT id FROM staff WHERE name = 'Anders Vinther'")
        .await;
    let other = app
        .id_of("SELECT id FROM staff WHERE name = 'Peter Ørum'")
        .await;
    let me = app
        .id_of("SELECT id FROM staff WHERE email = 'medarbejder@demo.udsyn.dk'")
        .await;
    // (path, coordinator, school leader, staff member) for the edit forms.
    let matrix = [
        ("/skoler/ny".to_string(), 200, 403, 403),
        (format!("/skoler/{school}/rediger"), 200, 403, 403),
        ("/partnere/ny".to_string(), 200, 403, 403),
        (format!("/partnere/{partner}/rediger"), 200, 403, 403),
        ("/medarbejdere/ny".to_string(), 200, 200, 403),
        (format!("/medarbejdere/{colleague}/rediger"), 200, 200, 403),
        (format!("/medarbejdere/{other}/rediger"), 200, 403, 403),
        (format!("/medarbejdere/{me}/rediger"), 200, 200, 200),
        ("/medarbejdere/import".to_string(), 200, 200, 403),
    ];
    let mut clients = [
        app.login_as(KOORDINATOR).await,
        app.login_as(SKOLELEDER).await,
        app.login_as(MEDARBEJDER).await,
    ];
    for (path, k, s, m) in &matrix {
        for (c, expected) in clients.iter_mut().zip([k, s, m]) {
            assert_eq!(c.get(path).await.status.as_u16(), *expected, "GET {path}");
        }
    }
    // The same refusals when posting, even with a valid token; and nothing changes.
    let [_, leader, staff] = &mut clients;
    let t = csrf(leader).await;
    let r = leader
        .post_form(
            &format!("/skoler/{school}/rediger"),
            &[("csrf", &t), ("name", "Overtaget"), ("kind", "almen")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = leader
        .post_form(
            &format!("/medarbejdere/{other}/rediger"),
            &[
                ("csrf", &t),
                ("name", "Overtaget"),
                ("email", "x@y.dk"),
                ("job_role", "laerer"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = leader
        .post_form(
            &format!("/partnere/{partner}/rediger"),
            &[("csrf", &t), ("name", "Overtaget")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let t = csrf(staff).await;
    let r = staff
        .post_form(
            &format!("/medarbejdere/{colleague}/rediger"),
            &[("csrf", &t), ("name", "Overtaget"), ("email", "x@y.dk")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = staff
        .post_form(
            "/medarbejdere/ny",
            &[
                ("csrf", &t),
                ("name", "Ny"),
                ("email", "ny@y.dk"),
                ("job_role", "laerer"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT count(*) FROM organisations WHERE name = 'Overtaget'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT count(*) FROM staff WHERE name IN ('Overtaget', 'Ny')")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT count(*) FROM partners WHERE name = 'Overtaget'")
            .await,
        0
    );
    app.finish().await;
}

#[tokio::test]
async fn a_school_leader_adds_staff_only_to_their_own_school() {
    let app = TestApp::demo().await;
    let other = app
        .id_of("SELECT id FROM organisations WHERE name = 'Hedelundskolen (demo)'")
        .await
        .to_string();
    let mut leader = app.login_as(SKOLELEDER).await;
    let t = csrf(&mut leader).await;
    let r = leader
        .post_form(
            "/medarbejdere/ny",
            &[
                ("csrf", &t),
                ("name", "Nanna Holm"),
                ("email", "Nanna.Holm@engbakke.dk"),
                ("job_role", "paedagog"),
                ("organisation_id", &other),
                ("active", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = leader.get(r.location()).await;
    assert!(page.body.contains("Ændringerne er gemt."));
    assert!(
        page.body.contains("Engbakkeskolen (demo)"),
        "placed at the leader's own school"
    );
    assert!(
        page.body.contains("nanna.holm@engbakke.dk"),
        "e-mail stored in lower case"
    );
    assert!(
        page.body.contains("medarbejder oprettet") && page.body.contains("Lars Østergaard"),
        "the history says who"
    );
    app.finish().await;
}

#[tokio::test]
async fn a_staff_member_corrects_only_their_own_name_and_email() {
    let app = TestApp::demo().await;
    let me = app
        .id_of("SELECT id FROM staff WHERE email = 'medarbejder@demo.udsyn.dk'")
        .await;
    let mut c = app.login_as(MEDARBEJDER).await;
    let form = c.get(&format!("/medarbejdere/{me}/rediger")).await;
    assert!(
        !form.body.contains("name=\"job_role\""),
        "no job field for oneself"
    );
    let r = c
        .post_form(
            &format!("/medarbejdere/{me}/rediger"),
            &[
                ("csrf", &form.csrf()),
                ("name", "Sofie Bækgaard Nielsen"),
                ("email", "medarbejder@demo.udsyn.dk"),
                ("job_role", "skoleleder"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (name, role): (String, String) =
        sqlx::query_as("SELECT name, job_role FROM staff WHERE id = $1")
            .bind(me)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (name.as_str(), role.as_str()),
        ("Sofie Bækgaard Nielsen", "laerer")
    );
    let page = c.get(&format!("/medarbejdere/{me}")).await;
    assert!(
        page.body
            .contains("Navn: Sofie Bækgaard → Sofie Bækgaard Nielsen"),
        "the change is in the history"
    );
    app.finish().await;
}

#[tokio::test]
async fn bad_input_gets_danish_messages_and_saves_nothing() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let t = csrf(&mut coord).await;
    let school = app
        .id_of("SELECT id FROM organisations WHERE name = 'Hedelundskolen (demo)'")
        .await
        .to_string();
    let r = coord
        .post_form(
            "/medarbejdere/ny",
            &[
                ("csrf", &t),
                ("name", "Dublet"),
                ("email", "SKOLELEDER@demo.udsyn.dk"),
                ("job_role", "laerer"),
                ("organisation_id", &school),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("Der findes allerede en medarbejder med den e-mailadresse.")
    );
    assert!(r.body.contains("value=\"Dublet\""), "typed values are kept");
    let r = coord
        .post_form(
            "/medarbejdere/ny",
            &[
                ("csrf", &t),
                ("name", "Ukendt skole"),
                ("email", "u@y.dk"),
                ("job_role", "laerer"),
                ("organisation_id", "00000000-0000-0000-0000-000000000000"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Skolen findes ikke."));
    let r = coord
        .post_form(
            "/skoler/ny",
            &[
                ("csrf", &t),
                ("name", "Ny skole"),
                ("kind", "almen"),
                ("oid", "E123"),
                ("exclusion_pct", "120"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("OID skal være et E efterfulgt af 8 cifre"));
    assert!(
        r.body
            .contains("Eksklusionsprocenten skal ligge mellem 0 og 100.")
    );
    assert!(r.title().starts_with("Fejl: "));
    let r = coord
        .post_form(
            "/skoler/ny",
            &[
                ("csrf", &t),
                ("name", "Ny skole"),
                ("kind", "almen"),
                ("oid", "E10000102"),
            ],
        )
        .await;
    assert!(
        r.body
            .contains("Der findes allerede en skole eller forvaltning med det OID.")
    );
    assert_eq!(
        app.count("SELECT count(*) FROM staff WHERE name IN ('Dublet', 'Ukendt skole')")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT count(*) FROM organisations WHERE name = 'Ny skole'")
            .await,
        0
    );

    // A decimal comma is fine; the school is created, then deactivated, never deleted.
    let r = coord
        .post_form(
            "/skoler/ny",
            &[
                ("csrf", &t),
                ("name", "Ny skole"),
                ("kind", "almen"),
                ("oid", "e10009999"),
                ("exclusion_pct", "12,5"),
                ("active", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = r
        .location()
        .trim_start_matches("/skoler/")
        .trim_end_matches("?gemt=1")
        .to_string();
    assert!(coord.get(r.location()).await.body.contains("12,5 %"));
    let r = coord
        .post_form(
            &format!("/skoler/{id}/rediger"),
            &[
                ("csrf", &t),
                ("name", "Ny skole"),
                ("kind", "almen"),
                ("oid", "E10009999"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = coord.get(&format!("/skoler/{id}")).await;
    assert!(page.body.contains("Skolen er udtrådt af konsortiet"));
    assert!(page.body.contains("skole udtrådt"));
    assert!(page.body.contains("Eksklusionsprocent: 12,5 → –"));
    app.finish().await;
}

#[tokio::test]
async fn the_coordinator_adds_a_partner_in_porto_by_picking_the_city() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let t = csrf(&mut coord).await;
    let base = [
        ("csrf", t.as_str()),
        ("name", "Escola Básica do Bonfim"),
        ("kind", "skole"),
        ("country_code", "PT"),
        ("city", "Por"),
        ("active", "ja"),
    ];
    let mut find = base.to_vec();
    find.push(("handling", "find"));
    let found = coord.post_form("/partnere/ny", &find).await;
    assert_eq!(found.status, StatusCode::OK);
    let porto = app
        .count("SELECT geonameid::bigint FROM places WHERE name = 'Porto' AND country_code = 'PT'")
        .await
        .to_string();
    assert!(
        found.body.contains(&format!("value=\"{porto}\"")),
        "Porto is offered"
    );
    assert!(found.body.contains("Porto (252.687 indbyggere"));
    assert!(
        found.body.contains("value=\"Escola Básica do Bonfim\""),
        "what was typed is kept"
    );

    let mut save = base.to_vec();
    save.push(("place_id", &porto));
    save.push(("handling", "gem"));
    let r = coord.post_form("/partnere/ny", &save).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = coord.get(r.location()).await;
    assert!(page.body.contains("Porto, Portugal"));
    assert!(page.body.contains("41,1485° N, 8,6110° V"));

    // A city typed in full finds its coordinates without the search step; a town not in the
    // table can be saved with typed coordinates.
    let r = coord
        .post_form(
            "/partnere/ny",
            &[
                ("csrf", &t),
                ("name", "Gent partner"),
                ("kind", "skole"),
                ("country_code", "BE"),
                ("city", "gent"),
                ("active", "ja"),
            ],
        )
        .await;
    assert!(
        coord
            .get(r.location())
            .await
            .body
            .contains("51,0500° N, 3,7167° Ø")
    );
    let r = coord
        .post_form(
            "/partnere/ny",
            &[
                ("csrf", &t),
                ("name", "Landsbyskolen"),
                ("kind", "skole"),
                ("country_code", "AT"),
                ("city", "Kleindorf"),
                ("latitude", "47,1"),
                ("longitude", "15,4"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = coord
        .post_form(
            "/partnere/ny",
            &[
                ("csrf", &t),
                ("name", "Halv"),
                ("kind", "skole"),
                ("country_code", "AT"),
                ("latitude", "47,1"),
                ("oid", "X1"),
            ],
        )
        .await;
    assert!(r.body.contains("Skriv både bredde- og længdegrad"));
    assert!(r.body.contains("OID skal være et E efterfulgt af 8 cifre"));
    app.finish().await;
}

#[tokio::test]
async fn lists_sort_in_danish_search_filter_and_page() {
    let app = TestApp::demo().await;
    let school = app
        .id_of("SELECT id FROM organisations WHERE name = 'Åskolen (demo)'")
        .await;
    sqlx::query(
        "INSERT INTO staff (organisation_id, name, email, job_role)
         SELECT $1, 'Testperson ' || lpad(i::text, 3, '0'), 'test' || i || '@aa.dk', 'laerer' FROM generate_series(1, 80) i",
    )
    .bind(school)
    .execute(&app.pool)
    .await
    .unwrap();
    let mut coord = app.login_as(KOORDINATOR).await;
    let page1 = coord.get("/medarbejdere?q=testperson").await;
    assert!(page1.body.contains("Viser 1–50 af 80."));
    assert!(page1.body.contains("Testperson 001") && !page1.body.contains("Testperson 051"));
    let page2 = coord.get("/medarbejdere?q=testperson&side=2").await;
    assert!(page2.body.contains("Viser 51–80 af 80.") && page2.body.contains("Testperson 080"));
    let desc = coord
        .get("/medarbejdere?q=testperson&sorter=navn&retning=ned")
        .await;
    assert!(desc.body.find("Testperson 080").unwrap() < desc.body.find("Testperson 079").unwrap());
    assert!(desc.body.contains("aria-sort=\"descending\""));

    // Schools in Danish order: Å after Ø after Z.
    let schools = coord.get("/skoler?sorter=navn").await;
    let pos = |n: &str| schools.body.find(n).unwrap_or_else(|| panic!("{n}"));
    assert!(pos("UngHerning (demo)") < pos("Åskolen (demo)"));
    assert!(pos("Søbredden Skole (demo)") < pos("UngHerning (demo)"));
    // Filters: by school and job; partners by country.
    let lead = coord.get("/medarbejdere?stilling=skoleleder").await;
    assert!(
        lead.body.contains("Viser 1–6 af 6."),
        "{}",
        lead.body.matches("Viser").count()
    );
    let pt = coord.get("/partnere?land=PT").await;
    assert!(
        pt.body
            .contains("Centro de Formação Inclusiva do Porto (demo)")
            && !pt.body.contains("Het Kompas")
    );
    let none = coord.get("/partnere?q=findes-ikke").await;
    assert!(none.body.contains("Ingen resultater."));
    // Nonsense parameters are ignored, not errors.
    assert_eq!(
        coord
            .get("/medarbejdere?side=-4&sorter=x;drop&skole=abc")
            .await
            .status,
        StatusCode::OK
    );
    app.finish().await;
}

#[tokio::test]
async fn the_same_email_spelled_two_unicode_ways_is_one_person() {
    let app = TestApp::demo().await;
    let school = app
        .id_of("SELECT id FROM organisations WHERE name = 'Hedelundskolen (demo)'")
        .await
        .to_string();
    let mut coord = app.login_as(KOORDINATOR).await;
    let t = csrf(&mut coord).await;
    // As a Mac types it: e followed by a combining acute accent (NFD).
    let r = coord
        .post_form(
            "/medarbejdere/ny",
            &[
                ("csrf", &t),
                ("name", "Rene\u{301} Lund"),
                ("email", "rene\u{301}@skole.dk"),
                ("job_role", "laerer"),
                ("organisation_id", &school),
                ("active", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = coord.get(r.location()).await;
    assert!(page.body.contains("Ændringerne er gemt."));
    assert!(
        page.body.contains("Ren\u{e9} Lund") && page.body.contains("ren\u{e9}@skole.dk"),
        "shown with the composed letter"
    );
    // As Windows types it (NFC), with capitals.
    let r = coord
        .post_form(
            "/medarbejdere/ny",
            &[
                ("csrf", &t),
                ("name", "Ren\u{e9} Lund"),
                ("email", "Ren\u{e9}@Skole.dk"),
                ("job_role", "laerer"),
                ("organisation_id", &school),
                ("active", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.h1());
    assert!(
        r.body
            .contains("Der findes allerede en medarbejder med den e-mailadresse."),
        "the second is refused as a duplicate"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM staff WHERE lower(email) = 'ren\u{e9}@skole.dk'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM staff WHERE name LIKE 'Ren%Lund'")
            .await,
        1,
        "one person, not two"
    );
    let (name, email): (String, String) =
        sqlx::query_as("SELECT name, email FROM staff WHERE name LIKE 'Ren%Lund'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(name, "Ren\u{e9} Lund", "the name is stored in NFC");
    assert_eq!(email, "ren\u{e9}@skole.dk", "the e-mail too");
    // Searching with either spelling finds the person.
    for q in ["rene%CC%81", "ren%C3%A9"] {
        let list = coord.get(&format!("/medarbejdere?q={q}")).await;
        assert!(list.body.contains("Viser 1–1 af 1."), "q={q}");
        assert!(list.body.contains("Ren\u{e9} Lund"), "q={q}");
    }
    app.finish().await;
}

#[tokio::test]
async fn static_files_come_from_the_configured_folder() {
    let dir = std::env::temp_dir().join(format!("udsyn-static-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(dir.join("css")).unwrap();
    let content = "/* probe */ .udsyn-probe { color: rebeccapurple; }\n";
    std::fs::write(dir.join("css/probe.css"), content).unwrap();
    let mut config = udsyn::config::Config::from_env().unwrap();
    config.static_dir = dir.clone();
    let app = TestApp::with_config(config).await;
    let mut c = app.client();
    let css = c.get("/static/css/probe.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.body, content);
    assert!(
        css.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(
        css.headers
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    // Only that folder: the bundled files are not served from elsewhere, nor anything above it.
    let bundled = c.get("/static/app.css").await;
    assert_eq!(bundled.status, StatusCode::NOT_FOUND);
    assert_eq!(
        c.get("/static/..%2F..%2Fetc%2Fpasswd").await.status,
        StatusCode::NOT_FOUND
    );
    app.finish().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn from_a_school_page_the_coordinator_adds_staff_to_that_school() {
    let app = TestApp::demo().await;
    let school = app
        .id_of("SELECT id FROM organisations WHERE name = 'Hedelundskolen (demo)'")
        .await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let page = coord.get(&format!("/skoler/{school}")).await;
    let link = format!(
        "<a href=\"/medarbejdere/ny?skole={school}\" class=\"button button-secondary\">Tilføj medarbejder</a>"
    );
    assert!(page.body.contains(&link), "the link on the school's page");
    let form = coord.get(&format!("/medarbejdere/ny?skole={school}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains(&format!(
            "<option value=\"{school}\" selected>Hedelundskolen (demo)</option>"
        )),
        "the school is chosen"
    );
    // A school leader is not offered another school's staff, and the query does not change that.
    let mut leader = app.login_as(SKOLELEDER).await;
    assert!(
        !leader
            .get(&format!("/skoler/{school}"))
            .await
            .body
            .contains("Tilføj medarbejder")
    );
    let own = app
        .id_of("SELECT id FROM organisations WHERE name = 'Engbakkeskolen (demo)'")
        .await;
    assert!(
        leader
            .get(&format!("/skoler/{own}"))
            .await
            .body
            .contains(&format!("/medarbejdere/ny?skole={own}"))
    );
    assert_eq!(
        leader
            .get(&format!("/medarbejdere/ny?skole={school}"))
            .await
            .status,
        StatusCode::OK
    );
    app.finish().await;
}
