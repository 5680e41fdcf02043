//! Every route of the router, by role: the status each role gets on every GET route, and the CSRF
//! refusal on every POST route. Both tables are checked against the routes in `src/app.rs`, so a
//! new route without a row fails them.

mod common;

use axum::http::StatusCode;
use common::*;

/// (route as declared, path, coordinator, school leader, staff member, not logged in): the
/// status each gets. 303 for the anonymous means "sent to the login page".
type Row = (&'static str, String, u16, u16, u16, u16);

fn matrix(i: &Ids) -> Vec<Row> {
    let year = chrono::Local::now().date_naive().format("%Y").to_string();
    vec![
        ("/", "/".into(), 200, 200, 200, 303),
        ("/om", "/om".into(), 200, 200, 200, 200),
        (
            "/tilgaengelighed",
            "/tilgaengelighed".into(),
            200,
            200,
            200,
            200,
        ),
        ("/login", "/login".into(), 200, 200, 200, 200),
        // Without a login halfway in this browser, back to the password.
        ("/login/kode", "/login/kode".into(), 303, 303, 303, 303),
        ("/konto", "/konto".into(), 200, 200, 200, 303),
        (
            "/konto/adgangskode",
            "/konto/adgangskode".into(),
            200,
            200,
            200,
            303,
        ),
        ("/konto/totp", "/konto/totp".into(), 200, 200, 200, 303),
        ("/sessioner", "/sessioner".into(), 200, 200, 200, 303),
        // Without OIDC_ISSUER there is no single sign-on (its journeys: tests/e2e/oidc.test.mjs).
        ("/login/oidc", "/login/oidc".into(), 404, 404, 404, 404),
        (
            "/login/oidc/retur",
            "/login/oidc/retur".into(),
            404,
            404,
            404,
            404,
        ),
        ("/logout", "/logout".into(), 200, 200, 200, 303),
        ("/healthz", "/healthz".into(), 200, 200, 200, 200),
        ("/readyz", "/readyz".into(), 200, 200, 200, 200),
        // Without the peer address of a connection in METRICS_ALLOW: refused (tests/ops.rs).
        ("/metrics", "/metrics".into(), 403, 403, 403, 403),
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
            "/medarbejdere/{id}/anonymiser",
            format!("/medarbejdere/{}/anonymiser", i.own_colleague),
            200,
            403,
            403,
            303,
        ),
        ("/opbevaring", "/opbevaring".into(), 200, 403, 403, 303),
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
        // A person's data: the coordinator's, and each person's own (also at /mine-data).
        (
            "/medarbejdere/{id}/persondata",
            format!("/medarbejdere/{}/persondata", i.own_colleague),
            200,
            403,
            403,
            303,
        ),
        (
            "/medarbejdere/{id}/persondata",
            format!("/medarbejdere/{}/persondata", i.me),
            200,
            403,
            200,
            303,
        ),
        (
            "/medarbejdere/{id}/persondata.json",
            format!("/medarbejdere/{}/persondata.json", i.other_school_person),
            200,
            403,
            403,
            303,
        ),
        (
            "/medarbejdere/{id}/persondata.json",
            format!("/medarbejdere/{}/persondata.json", i.me),
            200,
            403,
            200,
            303,
        ),
        ("/mine-data", "/mine-data".into(), 200, 200, 200, 303),
        (
            "/mine-data.json",
            "/mine-data.json".into(),
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
        // Who saw whose data: the coordinator's only.
        ("/adgangslog", "/adgangslog".into(), 200, 403, 403, 303),
        (
            "/adgangslog",
            format!("/adgangslog?person={}", i.me),
            200,
            403,
            403,
            303,
        ),
        (
            "/adgangslog.csv",
            "/adgangslog.csv".into(),
            200,
            403,
            403,
            303,
        ),
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
            "/mobiliteter/{id}/tilskud",
            format!("/mobiliteter/{}/tilskud", i.own_mobility),
            200,
            403,
            403,
            303,
        ),
        ("/projekter", "/projekter".into(), 200, 200, 403, 303),
        ("/projekter/ny", "/projekter/ny".into(), 200, 403, 403, 303),
        (
            "/projekter/{id}",
            format!("/projekter/{}", i.project),
            200,
            200,
            403,
            303,
        ),
        (
            "/projekter/{id}/rediger",
            format!("/projekter/{}/rediger", i.project),
            200,
            403,
            403,
            303,
        ),
        (
            "/projekter/{id}/maal",
            format!("/projekter/{}/maal", i.project),
            200,
            200,
            403,
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
        // Rates: money, so not for the staff; changed by the coordinator only.
        ("/satser", "/satser".into(), 200, 200, 403, 303),
        (
            "/satser/import",
            "/satser/import".into(),
            200,
            403,
            403,
            303,
        ),
        ("/satser/{year}", "/satser/2025".into(), 200, 200, 403, 303),
        ("/satser/{year}", "/satser/2031".into(), 404, 404, 403, 303),
        (
            "/satser/{year}/rediger",
            "/satser/2025/rediger".into(),
            200,
            403,
            403,
            303,
        ),
        (
            "/satser/{year}/{file}",
            "/satser/2025/satser-2025.json".into(),
            200,
            200,
            403,
            303,
        ),
        (
            "/satser/{year}/{file}",
            "/satser/2025/satser-2026.json".into(),
            404,
            404,
            403,
            303,
        ),
        // The leaders' network: key staff see only the meetings they are invited to.
        ("/netvaerk", "/netvaerk".into(), 200, 200, 200, 303),
        ("/netvaerk/ny", "/netvaerk/ny".into(), 200, 403, 403, 303),
        (
            "/netvaerk/{id}",
            format!("/netvaerk/{}", i.meeting),
            200,
            200,
            403,
            303,
        ),
        (
            "/netvaerk/{id}/rediger",
            format!("/netvaerk/{}/rediger", i.meeting),
            200,
            403,
            403,
            303,
        ),
        (
            "/netvaerk/{id}/invitation.ics",
            format!("/netvaerk/{}/invitation.ics", i.meeting),
            200,
            200,
            403,
            303,
        ),
        // The Beneficiary Module's file: the coordinator's only.
        (
            "/projekter/{id}/bm-eksport.csv",
            format!("/projekter/{}/bm-eksport.csv", i.project),
            200,
            403,
            403,
            303,
        ),
        (
            "/projekter/{id}/bm-eksport.xlsx",
            format!("/projekter/{}/bm-eksport.xlsx", i.project),
            200,
            403,
            403,
            303,
        ),
        (
            "/projekter/{id}/bm-kolonner",
            format!("/projekter/{}/bm-kolonner", i.project),
            200,
            403,
            403,
            303,
        ),
        (
            "/projekter/{id}/bm-import",
            format!("/projekter/{}/bm-import", i.project),
            200,
            403,
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
    // The second factor's form has no session yet either: its login halfway is its cookie.
    let public = ["/login", "/login/kode", "/invitation/{token}"];
    let posts: Vec<(&str, String)> = vec![
        ("/logout", "/logout".into()),
        ("/konto/adgangskode", "/konto/adgangskode".into()),
        ("/konto/totp", "/konto/totp".into()),
        ("/sessioner/afslut-andre", "/sessioner/afslut-andre".into()),
        (
            "/sessioner/{id}/afslut",
            format!("/sessioner/{}/afslut", uuid::Uuid::new_v4()),
        ),
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
        (
            "/medarbejdere/{id}/anonymiser",
            format!("/medarbejdere/{}/anonymiser", i.own_colleague),
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
        (
            "/brugere/{id}/saerlige-kategorier",
            format!("/brugere/{}/saerlige-kategorier", i.account),
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
            "/mobiliteter/{id}/tilskud",
            format!("/mobiliteter/{}/tilskud", i.own_mobility),
        ),
        (
            "/mobiliteter/{id}/tilskud/genberegn",
            format!("/mobiliteter/{}/tilskud/genberegn", i.own_mobility),
        ),
        ("/projekter/ny", "/projekter/ny".into()),
        (
            "/projekter/{id}/rediger",
            format!("/projekter/{}/rediger", i.project),
        ),
        (
            "/projekter/{id}/genberegn",
            format!("/projekter/{}/genberegn", i.project),
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
        ("/netvaerk/ny", "/netvaerk/ny".into()),
        (
            "/netvaerk/{id}/rediger",
            format!("/netvaerk/{}/rediger", i.meeting),
        ),
        (
            "/netvaerk/{id}/punkter",
            format!("/netvaerk/{}/punkter", i.meeting),
        ),
        (
            "/netvaerk/punkter/{id}/luk",
            format!("/netvaerk/punkter/{}/luk", i.network_action),
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
        ("/satser/import", "/satser/import".into()),
        ("/satser/{year}/rediger", "/satser/2025/rediger".into()),
        ("/satser/{year}/kopier", "/satser/2026/kopier".into()),
        (
            "/projekter/{id}/bm-kolonner",
            format!("/projekter/{}/bm-kolonner", i.project),
        ),
        (
            "/projekter/{id}/bm-import",
            format!("/projekter/{}/bm-import", i.project),
        ),
        (
            "/projekter/{id}/bm-import/anvend",
            format!("/projekter/{}/bm-import/anvend", i.project),
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
