//! Every page answers the right role and refuses the wrong one; bad input never gives a 500.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;

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
    // Invalid UTF-8, encoded and raw: refused at the door, before anything is read or saved.
    for body in [
        b"email=%FF%FE&password=x".to_vec(),
        b"email=\xff\xfe&password=x".to_vec(),
    ] {
        let r = c.post_raw("/login", body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body
                .contains("ikke er gyldig tekst (UTF-8). Intet er gemt.")
        );
    }
    assert_eq!(
        app.count("SELECT count(*) FROM login_failures").await,
        0,
        "not even a failed login is recorded"
    );
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
async fn every_page_links_the_accessibility_statement_which_renders_its_data() {
    let app = TestApp::demo().await;
    let login = app.client().get("/login").await;
    assert!(
        login
            .body
            .contains("<a href=\"/tilgaengelighed\">Tilgængelighedserklæring</a>")
    );
    let mut staff = app.login_as(MEDARBEJDER).await;
    let start = staff.get("/").await;
    assert!(start.body.contains("href=\"/tilgaengelighed\""));
    let page = staff.get("/tilgaengelighed").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.h1(), "Tilgængelighedserklæring for Udsyn");
    let s = udsyn::domain::accessibility::statement();
    let date = udsyn::domain::format::date_long(s.evaluated_on);
    assert!(page.body.contains(&format!("senest gennemgået den {date}")));
    for p in &s.pages {
        assert!(
            page.body.contains(&format!("<code>{}</code>", p.route)),
            "{}",
            p.route
        );
    }
    assert!(page.body.contains("Digitaliseringsstyrelsen"));
    assert!(page.body.contains(&s.contact.phone));
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

    // What a visitor sees after the load: the coordinator's desk, and the schools on their page.
    let mut coord = app.login_as(KOORDINATOR).await;
    let start = coord.get("/").await;
    assert!(start.body.contains("Det venter på dig"));
    let schools = coord.get("/skoler").await;
    for school in [
        "Engbakkeskolen (demo)",
        "UngHerning (demo)",
        "Kildebakken Specialskole (demo)",
    ] {
        assert!(
            schools.body.contains(school),
            "{school} on the schools page"
        );
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

#[tokio::test]
async fn control_characters_in_a_search_or_a_feed_address_are_not_errors() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let page = coord.get("/skoler?q=%00").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.h1(), "Skoler");
    assert!(
        page.body.contains("Engbakkeskolen (demo)") && page.body.contains("Hedelundskolen (demo)"),
        "the search for nothing but a NUL lists the schools"
    );
    // The control character is dropped from the search, and what is left still searches.
    let page = coord.get("/skoler?q=Engbakke%00").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Engbakkeskolen (demo)"));
    assert!(!page.body.contains("Hedelundskolen (demo)"));
    for who in [&mut coord, &mut app.client()] {
        let feed = who.get("/kalender/%00.ics").await;
        assert_eq!(feed.status, StatusCode::NOT_FOUND);
        assert_eq!(feed.h1(), "Siden findes ikke");
    }
    app.finish().await;
}
