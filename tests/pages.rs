//! Every page answers the right role and refuses the wrong one; bad input never gives a 500.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;

struct Ids {
    own_school: String,
    other_school: String,
    own_colleague: String,
    other_school_person: String,
    me: String,
    partner: String,
    account: String,
    own_mobility: String,
    other_mobility: String,
    /// A completed mobility the demo teacher is on, with her report still to write.
    my_completed: String,
    /// A submitted report by the demo teacher, and one by a teacher at another school.
    my_report: String,
    other_report: String,
    shared_reflection: String,
    goal: String,
    indicator: String,
    import_job: String,
}

async fn ids(app: &TestApp) -> Ids {
    let id = |sql: &'static str| async move { app.id_of(sql).await.to_string() };
    let me_sql = "(SELECT id FROM staff WHERE email = 'medarbejder@demo.udsyn.dk')";
    let leader_account = app
        .id_of("SELECT id FROM accounts WHERE email = 'skoleleder@demo.udsyn.dk'")
        .await;
    let own_school = app
        .id_of("SELECT id FROM organisations WHERE name = 'Engbakkeskolen (demo)'")
        .await;
    let import_job: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO import_jobs (created_by, organisation_id, filename, status)
         VALUES ($1, $2, 'personale.csv', 'klar') RETURNING id",
    )
    .bind(leader_account)
    .bind(own_school)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let q = |sql: String| async move {
        sqlx::query_scalar::<_, uuid::Uuid>(&sql)
            .fetch_one(&app.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .to_string()
    };
    Ids {
        own_school: own_school.to_string(),
        other_school: id("SELECT id FROM organisations WHERE name = 'Hedelundskolen (demo)'").await,
        own_colleague: id("SELECT id FROM staff WHERE name = 'Anders Vinther'").await,
        other_school_person: id("SELECT id FROM staff WHERE name = 'Peter Ørum'").await,
        me: q(format!("SELECT {me_sql}")).await,
        partner: id("SELECT id FROM partners WHERE city = 'Porto'").await,
        own_mobility: id("SELECT id FROM mobilities WHERE start_date = '2027-02-08'").await,
        other_mobility: id("SELECT id FROM mobilities WHERE organisation_id = (SELECT id FROM organisations WHERE name = 'Søbredden Skole (demo)') LIMIT 1").await,
        account: leader_account.to_string(),
        my_completed: q(format!(
            "SELECT m.id FROM mobilities m JOIN mobility_participants mp ON mp.mobility_id = m.id
             WHERE mp.staff_id = {me_sql} AND m.status = 'gennemfoert'
               AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.mobility_id = m.id AND r.staff_id = mp.staff_id)
             LIMIT 1"
        ))
        .await,
        my_report: q(format!(
            "SELECT id FROM reports WHERE staff_id = {me_sql} AND status = 'indsendt' LIMIT 1"
        ))
        .await,
        other_report: q(format!(
            "SELECT r.id FROM reports r JOIN staff s ON s.id = r.staff_id
             WHERE r.status = 'indsendt' AND s.organisation_id <> (SELECT organisation_id FROM staff WHERE id = {me_sql})
               AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.report_id = r.id)
             LIMIT 1"
        ))
        .await,
        shared_reflection: id("SELECT id FROM reflections WHERE NOT private LIMIT 1").await,
        goal: id("SELECT id FROM goals WHERE number = 3").await,
        indicator: id("SELECT id FROM indicators WHERE per_school AND automatic IS NULL AND kind = 'kvantitativ' LIMIT 1").await,
        import_job: import_job.to_string(),
    }
}

/// (route as declared, path, coordinator, school leader, staff member, not logged in): the
/// status each gets. 303 for the anonymous means "sent to the login page".
type Row = (&'static str, String, u16, u16, u16, u16);

fn matrix(i: &Ids) -> Vec<Row> {
    let year = chrono::Local::now().date_naive().format("%Y").to_string();
    vec![
        ("/", "/".into(), 200, 200, 200, 303),
        ("/om", "/om".into(), 200, 200, 200, 200),
        ("/login", "/login".into(), 200, 200, 200, 200),
        ("/logout", "/logout".into(), 200, 200, 200, 303),
        ("/healthz", "/healthz".into(), 200, 200, 200, 200),
        ("/readyz", "/readyz".into(), 200, 200, 200, 200),
        ("/skoler", "/skoler".into(), 200, 200, 200, 303),
        ("/skoler/ny", "/skoler/ny".into(), 200, 403, 403, 303),
        (
            "/skoler/{id}",
            format!("/skoler/{}", i.own_school),
            200,
            200,
            200,
            303,
        ),
        (
            "/skoler/{id}",
            format!("/skoler/{}", i.other_school),
            200,
            200,
            200,
            303,
        ),
        (
            "/skoler/{id}/rediger",
            format!("/skoler/{}/rediger", i.own_school),
            200,
            403,
            403,
            303,
        ),
        ("/medarbejdere", "/medarbejdere".into(), 200, 200, 403, 303),
        (
            "/medarbejdere/ny",
            "/medarbejdere/ny".into(),
            200,
            200,
            403,
            303,
        ),
        (
            "/medarbejdere/{id}",
            format!("/medarbejdere/{}", i.own_colleague),
            200,
            200,
            403,
            303,
        ),
        (
            "/medarbejdere/{id}",
            format!("/medarbejdere/{}", i.other_school_person),
            200,
            403,
            403,
            303,
        ),
        (
            "/medarbejdere/{id}",
            format!("/medarbejdere/{}", i.me),
            200,
            200,
            200,
            303,
        ),
        (
            "/medarbejdere/{id}/rediger",
            format!("/medarbejdere/{}/rediger", i.own_colleague),
            200,
            200,
            403,
            303,
        ),
        (
            "/medarbejdere/{id}/rediger",
            format!("/medarbejdere/{}/rediger", i.other_school_person),
            200,
            403,
            403,
            303,
        ),
        (
            "/medarbejdere/{id}/rediger",
            format!("/medarbejdere/{}/rediger", i.me),
            200,
            200,
            200,
            303,
        ),
        (
            "/medarbejdere/import",
            "/medarbejdere/import".into(),
            200,
            200,
            403,
            303,
        ),
        (
            "/medarbejdere/import/{id}",
            format!("/medarbejdere/import/{}", i.import_job),
            200,
            200,
            403,
            303,
        ),
        (
            "/medarbejdere/import/{id}/status",
            format!("/medarbejdere/import/{}/status", i.import_job),
            200,
            200,
            403,
            303,
        ),
        (
            "/medarbejdere/import/{id}/fejlrapport.csv",
            format!("/medarbejdere/import/{}/fejlrapport.csv", i.import_job),
            200,
            200,
            403,
            303,
        ),
        ("/partnere", "/partnere".into(), 200, 200, 200, 303),
        ("/partnere/ny", "/partnere/ny".into(), 200, 403, 403, 303),
        (
            "/partnere/{id}",
            format!("/partnere/{}", i.partner),
            200,
            200,
            200,
            303,
        ),
        (
            "/partnere/{id}/rediger",
            format!("/partnere/{}/rediger", i.partner),
            200,
            403,
            403,
            303,
        ),
        ("/brugere", "/brugere".into(), 200, 403, 403, 303),
        ("/brugere/ny", "/brugere/ny".into(), 200, 403, 403, 303),
        (
            "/brugere/{id}",
            format!("/brugere/{}", i.account),
            200,
            403,
            403,
            303,
        ),
        (
            "/invitation/{token}",
            "/invitation/ukendt".into(),
            404,
            404,
            404,
            404,
        ),
        ("/mobiliteter", "/mobiliteter".into(), 200, 200, 200, 303),
        (
            "/mobiliteter/ny",
            "/mobiliteter/ny".into(),
            200,
            200,
            403,
            303,
        ),
        (
            "/mobiliteter/{id}",
            format!("/mobiliteter/{}", i.own_mobility),
            200,
            200,
            200,
            303,
        ),
        (
            "/mobiliteter/{id}",
            format!("/mobiliteter/{}", i.other_mobility),
            200,
            403,
            403,
            303,
        ),
        (
            "/mobiliteter/{id}/rediger",
            format!("/mobiliteter/{}/rediger", i.other_mobility),
            200,
            403,
            403,
            303,
        ),
        (
            "/mobiliteter/{id}/rapport",
            format!("/mobiliteter/{}/rapport?deltager={}", i.my_completed, i.me),
            200,
            403,
            200,
            303,
        ),
        (
            "/mine-mobiliteter",
            "/mine-mobiliteter".into(),
            200,
            200,
            200,
            303,
        ),
        (
            "/rapporter/{id}",
            format!("/rapporter/{}", i.my_report),
            200,
            200,
            200,
            303,
        ),
        (
            "/rapporter/{id}",
            format!("/rapporter/{}", i.other_report),
            200,
            200,
            200,
            303,
        ),
        (
            "/rapporter/{id}/opfoelgning",
            format!("/rapporter/{}/opfoelgning", i.other_report),
            200,
            403,
            403,
            303,
        ),
        ("/refleksioner", "/refleksioner".into(), 200, 200, 200, 303),
        (
            "/refleksioner/{id}",
            format!("/refleksioner/{}", i.shared_reflection),
            200,
            200,
            200,
            303,
        ),
        (
            "/vidensbank",
            "/vidensbank?q=inklusion".into(),
            200,
            200,
            200,
            303,
        ),
        ("/paamindelser", "/paamindelser".into(), 200, 200, 403, 303),
        ("/udbakke", "/udbakke".into(), 200, 403, 403, 303),
        ("/oversigt", "/oversigt".into(), 200, 200, 200, 303),
        ("/kalender", "/kalender".into(), 200, 200, 200, 303),
        (
            "/kalender/{file}",
            "/kalender/ukendt.ics".into(),
            404,
            404,
            404,
            404,
        ),
        ("/maal", "/maal".into(), 200, 200, 200, 303),
        (
            "/maal/{id}",
            format!("/maal/{}", i.goal),
            200,
            200,
            200,
            303,
        ),
        (
            "/maal/{id}/rediger",
            format!("/maal/{}/rediger", i.goal),
            200,
            403,
            403,
            303,
        ),
        (
            "/maal/{id}/indikatorer/ny",
            format!("/maal/{}/indikatorer/ny", i.goal),
            200,
            403,
            403,
            303,
        ),
        (
            "/maal/rapport/{year}",
            format!("/maal/rapport/{year}"),
            200,
            200,
            403,
            303,
        ),
        (
            "/maal/eksport/{file}",
            "/maal/eksport/maalinger.csv".into(),
            200,
            403,
            403,
            303,
        ),
        (
            "/maal/eksport/{file}",
            "/maal/eksport/maalinger.xlsx".into(),
            200,
            403,
            403,
            303,
        ),
        (
            "/indikatorer/{id}/rediger",
            format!("/indikatorer/{}/rediger", i.indicator),
            200,
            403,
            403,
            303,
        ),
        (
            "/indikatorer/{id}/maaling",
            format!("/indikatorer/{}/maaling", i.indicator),
            200,
            200,
            403,
            303,
        ),
    ]
}

#[tokio::test]
async fn every_page_answers_its_roles_and_refuses_the_others() {
    let app = TestApp::demo().await;
    let ids = ids(&app).await;
    let mut clients = [
        app.login_as(KOORDINATOR).await,
        app.login_as(SKOLELEDER).await,
        app.login_as(MEDARBEJDER).await,
        app.client(),
    ];
    let rows = matrix(&ids);
    // Every GET route of the router has at least one row.
    let covered: std::collections::HashSet<&str> = rows.iter().map(|r| r.0).collect();
    let missing: Vec<String> = router_routes()
        .into_iter()
        .filter(|(path, methods)| methods.contains(&"GET") && !covered.contains(path.as_str()))
        .map(|(path, _)| path)
        .collect();
    assert!(
        missing.is_empty(),
        "GET routes without a row in the matrix: {missing:?}"
    );
    let mut wrong = Vec::new();
    for (_, path, k, s, m, anon) in &rows {
        for (who, (client, expected)) in ["koordinator", "skoleleder", "medarbejder", "anonym"]
            .iter()
            .zip(clients.iter_mut().zip([k, s, m, anon]))
        {
            let page = client.get(path).await;
            if page.status.as_u16() != *expected {
                wrong.push(format!("{path} as {who}: {} ({})", page.status, page.h1()));
                continue;
            }
            match expected {
                403 => assert_eq!(page.h1(), "Du har ikke adgang til siden", "{path}"),
                404 => assert_eq!(page.h1(), "Siden findes ikke", "{path}"),
                303 => assert!(page.location().starts_with("/login"), "{path}"),
                _ => {}
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "unexpected statuses:\n{}",
        wrong.join("\n")
    );
    app.finish().await;
}

/// Every form of a logged-in person carries the session's CSRF token: a post without it changes
/// nothing, on every POST route of the router.
#[tokio::test]
async fn every_post_route_refuses_a_form_without_its_token() {
    let app = TestApp::demo().await;
    let i = ids(&app).await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let feed: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO calendar_feeds (account_id, token_hash)
         SELECT id, '\\x00'::bytea FROM accounts WHERE email = 'koordinator@demo.udsyn.dk'
         RETURNING id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap_or_else(|e| panic!("a calendar feed: {e}"));
    // Public forms (login, choosing a password) have no session and so no token.
    let public = ["/login", "/invitation/{token}"];
    let posts: Vec<(&str, String)> = vec![
        ("/logout", "/logout".into()),
        ("/skoler/ny", "/skoler/ny".into()),
        (
            "/skoler/{id}/rediger",
            format!("/skoler/{}/rediger", i.own_school),
        ),
        ("/medarbejdere/ny", "/medarbejdere/ny".into()),
        (
            "/medarbejdere/{id}/rediger",
            format!("/medarbejdere/{}/rediger", i.own_colleague),
        ),
        ("/medarbejdere/import", "/medarbejdere/import".into()),
        (
            "/medarbejdere/import/{id}/importer",
            format!("/medarbejdere/import/{}/importer", i.import_job),
        ),
        (
            "/medarbejdere/import/{id}/annuller",
            format!("/medarbejdere/import/{}/annuller", i.import_job),
        ),
        ("/partnere/ny", "/partnere/ny".into()),
        (
            "/partnere/{id}/rediger",
            format!("/partnere/{}/rediger", i.partner),
        ),
        ("/brugere/ny", "/brugere/ny".into()),
        (
            "/brugere/{id}/invitation",
            format!("/brugere/{}/invitation", i.account),
        ),
        ("/mobiliteter/ny", "/mobiliteter/ny".into()),
        (
            "/mobiliteter/{id}/rediger",
            format!("/mobiliteter/{}/rediger", i.own_mobility),
        ),
        (
            "/mobiliteter/{id}/status",
            format!("/mobiliteter/{}/status", i.own_mobility),
        ),
        (
            "/mobiliteter/{id}/rapport",
            format!("/mobiliteter/{}/rapport?deltager={}", i.my_completed, i.me),
        ),
        (
            "/rapporter/{id}/genaabn",
            format!("/rapporter/{}/genaabn", i.my_report),
        ),
        (
            "/rapporter/{id}/opfoelgning",
            format!("/rapporter/{}/opfoelgning", i.other_report),
        ),
        ("/refleksioner", "/refleksioner".into()),
        (
            "/refleksioner/{id}/fremhaev",
            format!("/refleksioner/{}/fremhaev", i.shared_reflection),
        ),
        ("/paamindelser/send", "/paamindelser/send".into()),
        ("/kalender/ny", "/kalender/ny".into()),
        (
            "/kalender/{id}/tilbagekald",
            format!("/kalender/{feed}/tilbagekald"),
        ),
        ("/maal/{id}/rediger", format!("/maal/{}/rediger", i.goal)),
        (
            "/maal/{id}/indikatorer/ny",
            format!("/maal/{}/indikatorer/ny", i.goal),
        ),
        (
            "/indikatorer/{id}/rediger",
            format!("/indikatorer/{}/rediger", i.indicator),
        ),
        (
            "/indikatorer/{id}/maaling",
            format!("/indikatorer/{}/maaling", i.indicator),
        ),
    ];
    let covered: std::collections::HashSet<&str> = posts.iter().map(|p| p.0).collect();
    let missing: Vec<String> = router_routes()
        .into_iter()
        .filter(|(path, methods)| {
            methods.contains(&"POST")
                && !covered.contains(path.as_str())
                && !public.contains(&path.as_str())
        })
        .map(|(path, _)| path)
        .collect();
    assert!(missing.is_empty(), "POST routes without a row: {missing:?}");
    let audit_before = app.count("SELECT count(*) FROM audit_log").await;
    for (_, path) in &posts {
        let r = if path == "/medarbejdere/import" {
            coord
                .post_multipart(
                    path,
                    &[],
                    Some(("fil", "x.csv", b"Navn;E-mail\nA;a@b.dk\n".to_vec())),
                )
                .await
        } else {
            coord
                .post_form(path, &[("name", "Ændret"), ("status", "godkendt")])
                .await
        };
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.h1());
        assert!(r.body.contains("Genindlæs siden og prøv igen"), "{path}");
    }
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log").await,
        audit_before,
        "nothing changed"
    );
    // Still logged in: the logout without a token did not log out.
    assert_eq!(coord.get("/brugere").await.status, StatusCode::OK);
    app.finish().await;
}

#[tokio::test]
async fn a_school_leader_sees_only_their_own_staff() {
    let app = TestApp::demo().await;
    let ids = ids(&app).await;
    let mut leader = app.login_as(SKOLELEDER).await;
    let list = leader.get("/medarbejdere").await;
    assert!(list.body.contains("Anders Vinther"));
    assert!(
        !list.body.contains("Peter Ørum"),
        "another school's teacher is not listed"
    );
    // Another school's page names the school but not its people.
    let other = leader.get(&format!("/skoler/{}", ids.other_school)).await;
    assert!(other.body.contains("Hedelundskolen (demo)"));
    assert!(!other.body.contains("Peter Ørum"));
    let own = leader.get(&format!("/skoler/{}", ids.own_school)).await;
    assert!(own.body.contains("Anders Vinther"));
    // The coordinator sees everyone, in Danish name order (Å last).
    let mut coord = app.login_as(KOORDINATOR).await;
    let all = coord.get("/medarbejdere").await;
    let pos = |n: &str| all.body.find(n).unwrap_or_else(|| panic!("{n} listed"));
    assert!(pos("Oliver Dahl") < pos("Zainab Ali"));
    assert!(pos("Zainab Ali") < pos("Øjvind Lykke"), "Ø after Z");
    assert!(
        pos("Øjvind Lykke") < pos("Åse Nørgaard"),
        "Å after Ø, as in Danish"
    );
    app.finish().await;
}

#[tokio::test]
async fn a_staff_member_sees_only_their_own_mobilities() {
    let app = TestApp::demo().await;
    let mut me = app.login_as(MEDARBEJDER).await;
    let start = me.get("/").await;
    assert!(
        start
            .body
            .contains("Onderwijsnetwerk Oost-Vlaanderen (demo)"),
        "the coming trip to Gent"
    );
    assert!(
        start.body.contains("Het Kompas"),
        "the past trip to Utrecht"
    );
    assert!(
        !start.body.contains("Rete Scuole Inclusive Emilia"),
        "a colleague's trip elsewhere is not listed"
    );
    app.finish().await;
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_404_not_500() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    for path in [
        "/skoler/ikke-et-id",
        "/medarbejdere/00000000-0000-0000-0000-000000000000",
        "/partnere/123",
        "/brugere/'%20OR%201=1",
        "/findes-ikke",
        "/invitation/forkert-token",
    ] {
        let page = coord.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(page.h1(), "Siden findes ikke");
    }
    app.finish().await;
}

#[tokio::test]
async fn bad_form_bodies_get_danish_4xx_pages() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    // Invalid UTF-8, encoded and raw: read as replacement characters, answered as a failed login.
    for body in [
        b"email=%FF%FE&password=x".to_vec(),
        b"email=\xff\xfe&password=x".to_vec(),
    ] {
        let r = c.post_raw("/login", body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body
                .contains("E-mailadressen eller adgangskoden er forkert.")
        );
    }
    // Not a form at all.
    let req = Request::post("/login")
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let r = c.request(req).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Formularen kunne ikke læses"));
    // Larger than the limit.
    let big = format!("email=a&password={}", "x".repeat(3 * 1024 * 1024));
    let r = c.post_raw("/login", big.into_bytes()).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("Det sendte er for stort"));
    // A form posted from another site.
    let req = Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .body(Body::from("email=a&password=b"))
        .unwrap();
    let r = c.request(req).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // A coordinator form without its token changes nothing.
    let mut coord = app.login_as(KOORDINATOR).await;
    let r = coord
        .post_form(
            "/brugere/ny",
            &[("role", "koordinator"), ("email", "ny@demo.udsyn.dk")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let n: i64 =
        sqlx::query_scalar("SELECT count(*) FROM accounts WHERE email = 'ny@demo.udsyn.dk'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(n, 0);
    // A school leader cannot create accounts even with a valid token.
    let mut leader = app.login_as(SKOLELEDER).await;
    let csrf = leader.get("/").await.csrf();
    let r = leader
        .post_form(
            "/brugere/ny",
            &[
                ("csrf", &csrf),
                ("role", "koordinator"),
                ("email", "ny@demo.udsyn.dk"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A wrong method.
    let r = leader
        .request(Request::delete("/skoler").body(Body::empty()).unwrap())
        .await;
    assert!(r.status.is_client_error());
    app.finish().await;
}

#[tokio::test]
async fn the_about_page_credits_geonames_for_everyone() {
    let app = TestApp::empty().await;
    let page = app.client().get("/om").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("GeoNames") && page.body.contains("CC BY 4.0"));
    assert!(
        page.body.contains("16.228 byer"),
        "the bundled towns are loaded"
    );
    app.finish().await;
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::empty().await;
    let mut c = app.client();
    let h = c.get("/healthz").await;
    assert_eq!((h.status, h.body.as_str()), (StatusCode::OK, "ok"));
    let r = c.get("/readyz").await;
    assert_eq!(r.status, StatusCode::OK);

    // The same router over a database that does not answer is alive but not ready.
    let dead = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_millis(500))
        .connect_lazy_with(
            sqlx::postgres::PgConnectOptions::new()
                .host("127.0.0.1")
                .port(1),
        );
    let router = udsyn::app::router(udsyn::app::AppState::new(dead, app.config.clone()));
    use tower::ServiceExt;
    let get = |p: &str| Request::get(p).body(Body::empty()).unwrap();
    assert_eq!(
        router
            .clone()
            .oneshot(get("/healthz"))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        router.oneshot(get("/readyz")).await.unwrap().status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    app.finish().await;
}

#[tokio::test]
async fn static_files_are_cached_for_long_and_pages_not_at_all() {
    let app = TestApp::empty().await;
    let mut c = app.client();
    let css = c.get("/static/dkfds/css/dkfds.min.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    let login = c.get("/login").await;
    assert_eq!(login.headers.get("cache-control").unwrap(), "no-store");
    assert!(login.headers.get("content-security-policy").is_some());
    assert!(login.body.contains("lang=\"da\""));
    assert_eq!(
        c.get("/static/findes-ikke.css").await.status,
        StatusCode::NOT_FOUND
    );
    app.finish().await;
}

#[tokio::test]
async fn the_demo_loader_fills_an_empty_database_once() {
    let app = TestApp::empty().await;
    assert!(matches!(
        udsyn::demo::load(&app.pool).await.unwrap(),
        udsyn::demo::Loaded::Fresh
    ));
    assert!(matches!(
        udsyn::demo::load(&app.pool).await.unwrap(),
        udsyn::demo::Loaded::AlreadyHadData
    ));
    assert_eq!(
        app.count("SELECT count(*) FROM organisations WHERE is_coordinator")
            .await,
        1
    );
    assert!(
        (5..=7).contains(
            &app.count("SELECT count(*) FROM organisations WHERE NOT is_coordinator")
                .await
        )
    );
    assert_eq!(
        app.count("SELECT count(DISTINCT country_code) FROM partners")
            .await,
        8
    );
    assert_eq!(app.count("SELECT count(*) FROM goals").await, 3);
    assert_eq!(
        app.count("SELECT count(DISTINCT status) FROM mobilities")
            .await,
        8,
        "every status of the lifecycle is in the demo"
    );

    // What a visitor sees after the load: the coordinator's overview with the schools.
    let mut coord = app.login_as(KOORDINATOR).await;
    let start = coord.get("/").await;
    for school in [
        "Engbakkeskolen (demo)",
        "UngHerning (demo)",
        "Kildebakken Specialskole (demo)",
    ] {
        assert!(start.body.contains(school), "{school} on the start page");
    }
    let partners = coord.get("/partnere").await;
    assert!(partners.body.contains("Viser 1–9 af 9."));
    for country in [
        "Belgien",
        "Nederlandene",
        "Frankrig",
        "Østrig",
        "Spanien",
        "Portugal",
        "Cypern",
        "Italien",
    ] {
        assert!(
            partners.body.contains(&format!("<td>{country}</td>")),
            "a partner in {country}"
        );
    }
    app.finish().await;
}
