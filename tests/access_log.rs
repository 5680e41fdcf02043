//! The access log: who saw whose data, written in the background and never on the request path;
//! `/adgangslog` by person and account, as CSV, for the coordinator only; "Hvem har set
//! oplysningerne" on a person's page; exports and the fewer-opportunities flag logged; entries
//! older than `ACCESS_LOG_DAYS` deleted by the clean-up.

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use common::process::{Served, client, set_cookie};
use common::*;
use udsyn::config::Config;
use uuid::Uuid;

/// The demo, with the access log written only when a test (or a page that reads it) flushes.
async fn app() -> TestApp {
    let config = Config {
        access_log_flush: Duration::from_secs(3600),
        ..Config::from_env().expect("settings")
    };
    let app = TestApp::with_config(config).await;
    udsyn::demo::load(&app.pool).await.expect("demo loads");
    app
}

async fn entries(app: &TestApp) -> i64 {
    app.count("SELECT count(*) FROM access_log").await
}

async fn name_of(app: &TestApp, staff: &str) -> String {
    sqlx::query_scalar("SELECT name FROM staff WHERE id = $1::uuid")
        .bind(staff)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn account_of(app: &TestApp, email: &str) -> Uuid {
    app.id_of(&format!("SELECT id FROM accounts WHERE email = '{email}'"))
        .await
}

#[tokio::test]
async fn a_report_read_shows_on_the_log_and_on_the_authors_page_and_was_not_written_by_the_page() {
    let app = app().await;
    let i = ids(&app).await;
    let author: String = app
        .id_of(&format!(
            "SELECT staff_id FROM reports WHERE id = '{}'",
            i.other_report
        ))
        .await
        .to_string();
    let author_name = name_of(&app, &author).await;

    let mut sofie = app.login_as(MEDARBEJDER).await;
    let page = sofie.get(&format!("/rapporter/{}", i.other_report)).await;
    assert_eq!(page.status, StatusCode::OK);
    // The page has been answered, and nothing is in the table: the view waits in memory.
    assert_eq!(
        entries(&app).await,
        0,
        "the request path wrote to the access log"
    );
    assert!(app.state.access_log.flush().await, "the log was written");
    assert_eq!(entries(&app).await, 1);
    let (kind, route, people): (String, String, Vec<Uuid>) =
        sqlx::query_as("SELECT kind, route, staff_ids FROM access_log")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(kind, "rapport");
    assert_eq!(route, "/rapporter/{id}");
    assert_eq!(people, vec![author.parse::<Uuid>().unwrap()]);

    let mut coord = app.login_as(KOORDINATOR).await;
    let log = coord.get("/adgangslog").await;
    assert_eq!(log.status, StatusCode::OK);
    assert_eq!(log.h1(), "Adgangslog");
    let row = log
        .body
        .split("<tr>")
        .find(|r| r.contains("/rapporter/{id}"))
        .expect("the report's row");
    assert!(row.contains("Sofie Bækgaard"), "{row}");
    assert!(row.contains(&author_name), "{row}");
    assert!(row.contains("<td>Rapport</td>"), "{row}");

    let person = coord.get(&format!("/medarbejdere/{author}")).await;
    assert_eq!(person.status, StatusCode::OK);
    let section = person
        .body
        .split("Hvem har set oplysningerne</h2>")
        .nth(1)
        .expect("the section on the person's page");
    assert!(section.contains("Sofie Bækgaard"), "{section}");
    assert!(section.contains("Rapport"));
    // This view is in it too: the page flushes before it reads.
    assert!(section.contains("Personens side"));
    assert!(section.contains(&format!("href=\"/adgangslog?person={author}\"")));

    // Staff and school leaders do not see the section, even on a page they may open.
    let mut lars = app.login_as(SKOLELEDER).await;
    let own = lars
        .get(&format!("/medarbejdere/{}", i.own_colleague))
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(!own.body.contains("Hvem har set oplysningerne"));
    let me = sofie.get(&format!("/medarbejdere/{}", i.me)).await;
    assert!(!me.body.contains("Hvem har set oplysningerne"));
    app.finish().await;
}

#[tokio::test]
async fn the_log_filters_by_person_and_by_account_and_pages_back() {
    let app = app().await;
    let i = ids(&app).await;
    let colleague = name_of(&app, &i.own_colleague).await;
    let mut lars = app.login_as(SKOLELEDER).await;
    assert_eq!(
        lars.get(&format!("/medarbejdere/{}", i.own_colleague))
            .await
            .status,
        StatusCode::OK
    );
    let mut sofie = app.login_as(MEDARBEJDER).await;
    assert_eq!(
        sofie
            .get(&format!("/rapporter/{}", i.my_report))
            .await
            .status,
        StatusCode::OK
    );
    let mut coord = app.login_as(KOORDINATOR).await;

    let by_person = coord
        .get(&format!("/adgangslog?person={}", i.own_colleague))
        .await;
    assert_eq!(by_person.status, StatusCode::OK);
    assert!(by_person.body.contains(&format!("Adgange til {colleague}")));
    assert!(by_person.body.contains("Lars Østergaard"));
    assert!(
        !by_person.body.contains("/rapporter/{id}"),
        "only the colleague's entries"
    );

    let sofie_account = account_of(&app, MEDARBEJDER).await;
    // Her account's page leads to what she has seen.
    let account_page = coord.get(&format!("/brugere/{sofie_account}")).await;
    assert!(
        account_page
            .links("/adgangslog?konto=")
            .contains(&format!("/adgangslog?konto={sofie_account}"))
    );
    let by_account = coord
        .get(&format!("/adgangslog?konto={sofie_account}"))
        .await;
    assert_eq!(by_account.status, StatusCode::OK);
    assert!(by_account.body.contains("Adgange ved Sofie Bækgaard"));
    assert!(by_account.body.contains("/rapporter/{id}"));
    assert!(!by_account.body.contains("Lars Østergaard"));
    // Both filters at once: Sofie never saw the colleague.
    let both = coord
        .get(&format!(
            "/adgangslog?konto={sofie_account}&person={}",
            i.own_colleague
        ))
        .await;
    assert!(
        both.body
            .contains("Ingen adgange registreret med dette filter.")
    );

    // An id that is none is a Danish 400, not a 500.
    let bad = coord.get("/adgangslog?person=ikke-et-id").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Adgangsloggen kan ikke vise personen"));
    assert_eq!(
        coord.get("/adgangslog?foer=-1").await.status,
        StatusCode::BAD_REQUEST
    );

    // 120 older entries about Sofie: 50 a page, newest first, and "Ældre" to the next.
    sqlx::query(
        "INSERT INTO access_log (at, account_id, kind, route, staff_ids)
         SELECT now() - make_interval(mins => n), $1, 'person', '/medarbejdere/{id}', ARRAY[$2::uuid]
         FROM generate_series(1, 120) AS n ORDER BY n DESC",
    )
    .bind(account_of(&app, KOORDINATOR).await)
    .bind(i.me.parse::<Uuid>().unwrap())
    .execute(&app.pool)
    .await
    .unwrap();
    let first = coord.get(&format!("/adgangslog?person={}", i.me)).await;
    let rows = |p: &Page| p.body.matches("<tr><td>").count();
    assert_eq!(rows(&first), 50);
    let older = first
        .links("/adgangslog?person=")
        .into_iter()
        .find(|l| l.contains("foer="))
        .expect("a link to older entries");
    let second = coord.get(&older.replace("&#38;", "&")).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(rows(&second), 50);
    assert!(
        second.body.contains(">Nyeste<"),
        "a link back to the newest"
    );
    app.finish().await;
}

#[tokio::test]
async fn the_csv_holds_the_filtered_log_and_is_an_export_in_it() {
    let app = app().await;
    let i = ids(&app).await;
    let mut lars = app.login_as(SKOLELEDER).await;
    lars.get(&format!("/medarbejdere/{}", i.own_colleague))
        .await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let csv = coord
        .get(&format!("/adgangslog.csv?person={}", i.own_colleague))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "Tidspunkt;Konto;Hvad;Side;Om;Person-id");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].contains("Lars Østergaard;Personens side;/medarbejdere/{id};"));
    assert!(lines[1].ends_with(&i.own_colleague));
    // The file named the colleague: it is itself an export in the log.
    app.state.access_log.flush().await;
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM access_log WHERE kind = 'eksport' AND route = '/adgangslog.csv'
               AND staff_ids = ARRAY['{}'::uuid]",
            i.own_colleague
        ))
        .await,
        1
    );
    app.finish().await;
}

#[tokio::test]
async fn only_the_coordinator_reads_the_log() {
    let app = app().await;
    for who in [SKOLELEDER, MEDARBEJDER] {
        let mut c = app.login_as(who).await;
        for path in ["/adgangslog", "/adgangslog.csv"] {
            let page = c.get(path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{who} {path}");
        }
    }
    assert_eq!(
        app.client().get("/adgangslog").await.status,
        StatusCode::SEE_OTHER
    );
    app.finish().await;
}

#[tokio::test]
async fn exports_and_the_fewer_opportunities_flag_are_logged_for_everyone_they_name() {
    let app = app().await;
    let i = ids(&app).await;
    // A measurement entered by the school leader: the measurements file names him.
    sqlx::query(
        "UPDATE measurements SET entered_by = (SELECT id FROM accounts WHERE email = $1)
         WHERE id = (SELECT id FROM measurements ORDER BY entered_at LIMIT 1)",
    )
    .bind(SKOLELEDER)
    .execute(&app.pool)
    .await
    .unwrap();
    let mut coord = app.login_as(KOORDINATOR).await;
    let bm = coord
        .get(&format!("/projekter/{}/bm-eksport.csv", i.project))
        .await;
    assert_eq!(bm.status, StatusCode::OK);
    let measurements = coord.get("/maal/eksport/maalinger.xlsx").await;
    assert_eq!(measurements.status, StatusCode::OK);
    app.state.access_log.flush().await;
    let (people, in_file): (i32, i64) = sqlx::query_as(
        "SELECT cardinality(staff_ids),
                (SELECT count(DISTINCT mp.staff_id) FROM mobility_participants mp
                 JOIN mobilities m ON m.id = mp.mobility_id
                 WHERE m.project_id = $1
                   AND m.status IN ('godkendt', 'gennemfoert', 'rapporteret', 'opfulgt'))
         FROM access_log WHERE kind = 'eksport' AND route = '/projekter/{id}/bm-eksport.csv'",
    )
    .bind(i.project.parse::<Uuid>().unwrap())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(people > 0);
    assert_eq!(
        people as i64, in_file,
        "one entry naming every participant in the file"
    );
    assert_eq!(
        app.count(
            "SELECT count(*) FROM access_log WHERE kind = 'eksport' AND route = '/maal/eksport/{file}'
               AND staff_ids = ARRAY[(SELECT staff_id FROM accounts WHERE email = 'skoleleder@demo.udsyn.dk')]"
        )
        .await,
        1
    );
    // A participant of the file finds it on the log under their name.
    let participant: Uuid = sqlx::query_scalar(
        "SELECT staff_ids[1] FROM access_log WHERE route = '/projekter/{id}/bm-eksport.csv'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let log = coord
        .get(&format!("/adgangslog?person={participant}"))
        .await;
    let row = log
        .body
        .split("<tr>")
        .find(|r| r.contains("bm-eksport.csv"))
        .expect("the BM file's row");
    assert!(row.contains("<td>Eksport</td>"));
    assert!(row.contains(&format!("{people} personer")));

    // The coordinator has the right to special categories: the mobility's page shows each
    // participant's grant with inclusion support, so the flag of each was seen.
    let page = coord.get(&format!("/mobiliteter/{}", i.own_mobility)).await;
    assert_eq!(page.status, StatusCode::OK);
    let form = coord
        .get(&format!("/mobiliteter/{}/tilskud", i.own_mobility))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    app.state.access_log.flush().await;
    let participants = app
        .count(&format!(
            "SELECT count(*) FROM mobility_participants WHERE mobility_id = '{}'",
            i.own_mobility
        ))
        .await;
    let flags: Vec<(String, i32)> = sqlx::query_as(
        "SELECT route, cardinality(staff_ids) FROM access_log WHERE kind = 'faerre_muligheder' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        flags,
        vec![
            ("/mobiliteter/{id}".to_string(), participants as i32),
            ("/mobiliteter/{id}/tilskud".to_string(), participants as i32),
        ]
    );
    // A school leader sees no flag on the same page, so nothing of the kind is logged for him.
    let mut lars = app.login_as(SKOLELEDER).await;
    lars.get(&format!("/mobiliteter/{}", i.own_mobility)).await;
    app.state.access_log.flush().await;
    assert_eq!(
        app.count("SELECT count(*) FROM access_log WHERE kind = 'faerre_muligheder'")
            .await,
        2
    );
    app.finish().await;
}

#[tokio::test]
async fn the_clean_up_deletes_entries_older_than_the_period() {
    let app = app().await;
    assert_eq!(app.config.access_log_days, 180, "the default period");
    let coord = account_of(&app, KOORDINATOR).await;
    let me = app
        .id_of("SELECT id FROM staff WHERE email = 'medarbejder@demo.udsyn.dk'")
        .await;
    sqlx::query(
        "INSERT INTO access_log (at, account_id, kind, route, staff_ids) VALUES
             (now() - interval '181 days', $1, 'person', '/medarbejdere/{id}', ARRAY[$2::uuid]),
             (now() - interval '179 days', $1, 'rapport', '/rapporter/{id}', ARRAY[$2::uuid])",
    )
    .bind(coord)
    .bind(me)
    .execute(&app.pool)
    .await
    .unwrap();
    app.state.clean_up().await;
    let left: Vec<String> = sqlx::query_scalar("SELECT kind FROM access_log")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, vec!["rapport".to_string()]);
    app.finish().await;
}

#[tokio::test]
async fn the_writer_writes_by_itself_within_a_second_and_what_is_left_when_udsyn_stops() {
    // The default: written every second, without anyone flushing.
    let app = TestApp::demo().await;
    let i = ids(&app).await;
    let mut sofie = app.login_as(MEDARBEJDER).await;
    sofie.get(&format!("/rapporter/{}", i.my_report)).await;
    let started = std::time::Instant::now();
    while entries(&app).await == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "written within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.finish().await;

    // Closing writes what waits, as `serve` does after its last request.
    let app = self::app().await;
    let mut sofie = app.login_as(MEDARBEJDER).await;
    sofie
        .get(&format!("/medarbejdere/{}", ids(&app).await.me))
        .await;
    assert_eq!(entries(&app).await, 0);
    app.state.access_log.close().await;
    assert_eq!(entries(&app).await, 1);
    app.finish().await;
}

#[tokio::test]
async fn serve_writes_the_views_still_in_memory_when_it_stops() {
    let app = TestApp::demo().await;
    let i = ids(&app).await;
    // Written once a minute: the view below waits in memory until `serve` stops.
    let mut served = Served::start(&app.database_url(), &[("ACCESS_LOG_FLUSH_MS", "60000")]).await;
    let http = client();
    let login = http
        .post(format!("{}/login", served.base))
        .form(&[("email", MEDARBEJDER), ("password", udsyn::demo::PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    let cookie = format!(
        "udsyn_session={}",
        set_cookie(&login, "udsyn_session").expect("a session cookie")
    );
    let report = http
        .get(format!("{}/rapporter/{}", served.base, i.my_report))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), 200);
    assert_eq!(entries(&app).await, 0, "not yet written");
    let status = served.stop_gracefully();
    assert!(status.success(), "udsyn stopped cleanly: {status}");
    let written: Vec<(String, String)> = sqlx::query_as("SELECT kind, route FROM access_log")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        written,
        vec![("rapport".to_string(), "/rapporter/{id}".to_string())]
    );
    app.finish().await;
}
