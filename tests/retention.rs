//! `udsyn retention [--dry-run]` and `/opbevaring`: records made old in the test are counted,
//! then anonymised or deleted exactly; those inside their period stay as they were.

mod common;

use std::process::Command;

use axum::http::StatusCode;
use common::*;

/// Runs the real program against the test database with the default periods.
fn retention(app: &TestApp, args: &[&str]) -> String {
    let dir =
        std::env::temp_dir().join(format!("udsyn-retention-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_udsyn"))
        .arg("retention")
        .args(args)
        // Its own folder, so that a developer's .env is not read.
        .current_dir(&dir)
        .env("DATABASE_URL", app.database_url())
        .env("RUST_LOG", "udsyn=warn")
        .env("RETENTION_STAFF_YEARS", "6")
        .env("RETENTION_OUTBOX_DAYS", "365")
        .env("RETENTION_LOGIN_FAILURES_DAYS", "1")
        .env("RETENTION_IMPORTS_DAYS", "30")
        .env("SESSION_IDLE_MINUTES", "60")
        .output()
        .expect("udsyn runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "udsyn retention {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The number on the line of `label` in the command's output.
fn number(output: &str, label: &str) -> i64 {
    let line = output
        .lines()
        .find(|l| l.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("a line for {label} in:\n{output}"));
    line.rsplit(": ")
        .next()
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a number in «{line}»"))
}

const STATE: &str = "SELECT format('%s sessions, %s login failures, %s reminders, %s imports, %s import rows, %s anonymised, staff %s',
    (SELECT count(*) FROM sessions), (SELECT count(*) FROM login_failures), (SELECT count(*) FROM reminders),
    (SELECT count(*) FROM import_jobs), (SELECT count(*) FROM import_rows),
    (SELECT count(*) FROM staff WHERE anonymised_at IS NOT NULL),
    (SELECT md5(string_agg(to_jsonb(s)::text, '' ORDER BY id)) FROM staff s))";

#[tokio::test]
async fn retention_counts_then_anonymises_and_deletes_exactly_what_is_past_its_period() {
    let app = TestApp::demo().await;
    let count = |sql: &'static str| app.count(sql);
    let (sessions0, failures0, reminders0, imports0) = (
        count("SELECT count(*) FROM sessions").await,
        count("SELECT count(*) FROM login_failures").await,
        count("SELECT count(*) FROM reminders").await,
        count("SELECT count(*) FROM import_jobs").await,
    );

    // People who stopped: Anders seven years ago (due), Kasper two years ago (not yet), Camilla
    // seven years ago but her last mobility's project ended later (not yet).
    for (name, years) in [
        ("Anders Vinther", 7),
        ("Kasper Holm", 2),
        ("Camilla Ravn", 7),
    ] {
        sqlx::query(
            "UPDATE staff SET active = false, left_on = current_date - make_interval(years => $2) WHERE name = $1",
        )
        .bind(name)
        .bind(years)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    // Sessions: one idle for two hours, one in use.
    let _old = app.login_as(MEDARBEJDER).await;
    sqlx::query("UPDATE sessions SET last_seen_at = now() - interval '2 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    let mut coord = app.login_as(KOORDINATOR).await;
    let mut leader = app.login_as(SKOLELEDER).await;
    // Reminders: one sent 400 days ago, one ten days ago.
    sqlx::query(
        "INSERT INTO reminders (kind, staff_id, mobility_id, to_email, subject, body, via, sent_at)
         SELECT 'rapport', mp.staff_id, mp.mobility_id, 'x@demo.udsyn.dk', 'Påmindelse', 'Husk rapporten', 'udbakke', t
         FROM (SELECT * FROM mobility_participants ORDER BY mobility_id, staff_id LIMIT 1) mp,
              (VALUES (now() - interval '400 days'), (now() - interval '10 days')) AS v(t)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // Staff lists: one uploaded 40 days ago with a row, one today.
    sqlx::query(
        "WITH j AS (
             INSERT INTO import_jobs (created_by, filename, status, created_at)
             SELECT a.id, f, 'importeret', t FROM accounts a,
                    (VALUES ('gammel.csv', now() - interval '40 days'), ('ny.csv', now())) AS v(f, t)
             WHERE a.email = $1 RETURNING id, filename)
         INSERT INTO import_rows (job_id, line_no, name, email)
         SELECT id, 2, 'Gammel Række', 'gammel@x.dk' FROM j",
    )
    .bind(KOORDINATOR)
    .execute(&app.pool)
    .await
    .unwrap();

    // Failed logins: three from two days ago, one an hour old (after the logins,
    // since a successful login forgets those past their period too).
    sqlx::query(
        "INSERT INTO login_failures (email_lower, at)
         VALUES ('a@x.dk', now() - interval '2 days'), ('b@x.dk', now() - interval '2 days'),
                ('c@x.dk', now() - interval '2 days'), ('d@x.dk', now() - interval '1 hour')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // The coordinator's page shows what is due, with a link to the person.
    let anders = app
        .id_of("SELECT id FROM staff WHERE name = 'Anders Vinther'")
        .await;
    let kasper = app
        .id_of("SELECT id FROM staff WHERE name = 'Kasper Holm'")
        .await;
    let page = coord.get("/opbevaring").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("1 anonymiseres"), "{}", page.body);
    assert!(page.body.contains("3 slettes"), "the failed logins");
    assert!(page.body.contains("RETENTION_STAFF_YEARS"));
    let due_part = page.body.split("De næste").next().unwrap();
    assert!(due_part.contains(&format!("/medarbejdere/{anders}/anonymiser")));
    assert!(!due_part.contains(&format!("/medarbejdere/{kasper}/anonymiser")));
    let next_part = page.body.split("De næste").nth(1).unwrap();
    assert!(next_part.contains("Kasper Holm"), "due next: {next_part}");
    assert_eq!(
        leader.get("/opbevaring").await.status,
        StatusCode::FORBIDDEN
    );

    // A dry run counts and changes nothing.
    let state = || async {
        sqlx::query_scalar::<_, String>(STATE)
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let before = state().await;
    let dry = retention(&app, &["--dry-run"]);
    assert!(dry.contains("intet er ændret"), "{dry}");
    assert_eq!(number(&dry, "Personer, der er stoppet"), 1, "{dry}");
    assert_eq!(number(&dry, "Sessioner"), 1, "{dry}");
    assert_eq!(number(&dry, "Mislykkede logins"), 3, "{dry}");
    assert_eq!(number(&dry, "Påmindelser og udbakke"), 1, "{dry}");
    assert_eq!(number(&dry, "Uploadede medarbejderlister"), 1, "{dry}");
    assert_eq!(state().await, before, "the dry run changed nothing");

    // The real run does exactly that.
    let done = retention(&app, &[]);
    assert_eq!(number(&done, "Personer, der er stoppet"), 1, "{done}");
    assert_eq!(number(&done, "Sessioner"), 1, "{done}");
    assert_eq!(number(&done, "Mislykkede logins"), 3, "{done}");
    assert_eq!(number(&done, "Påmindelser og udbakke"), 1, "{done}");
    assert_eq!(number(&done, "Uploadede medarbejderlister"), 1, "{done}");
    let anonymised: Vec<String> =
        sqlx::query_scalar("SELECT s.name::text FROM staff s WHERE anonymised_at IS NOT NULL")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(anonymised.len(), 1);
    assert!(anonymised[0].starts_with("Anonymiseret person "));
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM staff WHERE id = '{anders}' AND anonymised_at IS NOT NULL"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_log WHERE entity = 'staff' AND entity_id = '{anders}'
               AND action = 'medarbejder anonymiseret' AND account_id IS NULL
               AND reason = 'Opbevaringsperioden er udløbet'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(
            "SELECT count(*) FROM staff WHERE name IN ('Kasper Holm', 'Camilla Ravn') AND anonymised_at IS NULL"
        )
        .await,
        2,
        "inside their period"
    );
    assert_eq!(
        count("SELECT count(*) FROM sessions").await,
        sessions0 + 2,
        "the two in use"
    );
    assert_eq!(
        coord.get("/").await.status,
        StatusCode::OK,
        "the live session"
    );
    assert_eq!(
        count("SELECT count(*) FROM login_failures").await,
        failures0 + 1
    );
    assert_eq!(
        count("SELECT count(*) FROM reminders").await,
        reminders0 + 1
    );
    assert_eq!(
        count("SELECT count(*) FROM import_jobs").await,
        imports0 + 1
    );
    assert_eq!(
        count("SELECT count(*) FROM import_rows WHERE name = 'Gammel Række'").await,
        1,
        "the new list's row stays, the old one's went with it"
    );

    // Nothing is left to do.
    let again = retention(&app, &["--dry-run"]);
    for label in [
        "Personer, der er stoppet",
        "Sessioner",
        "Mislykkede logins",
        "Påmindelser og udbakke",
        "Uploadede medarbejderlister",
    ] {
        assert_eq!(number(&again, label), 0, "{label}: {again}");
    }
    let page = coord.get("/opbevaring").await;
    assert!(
        page.body
            .contains("Ingen personers opbevaringsperiode er udløbet")
    );
    app.finish().await;
}

/// `/opbevaring` with people due, people waiting and records of every kind: a fixed handful of
/// statements, however many there are.
#[tokio::test]
async fn the_retention_page_keeps_to_the_statement_budget() {
    use tracing_subscriber::prelude::*;
    let _ = tracing_subscriber::registry()
        .with(udsyn::sql_stats::layer())
        .try_init();
    let config = udsyn::config::Config {
        server_timing: true,
        ..udsyn::config::Config::from_env().expect("settings")
    };
    let app = TestApp::with_config(config).await;
    udsyn::demo::load(&app.pool).await.expect("demo loads");
    udsyn::scale::seed(&app.pool, 0.002)
        .await
        .expect("scale seeding");
    sqlx::query(
        "UPDATE staff SET active = false,
                left_on = current_date - make_interval(years => (random() * 10)::int)
         WHERE id IN (SELECT id FROM staff WHERE email NOT LIKE '%@demo.udsyn.dk' ORDER BY id LIMIT 80)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let mut c = app.login_as(KOORDINATOR).await;
    let page = c.get("/opbevaring").await;
    assert_eq!(page.status, StatusCode::OK);
    let timing = page
        .headers
        .get("server-timing")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let n = udsyn::sql_stats::statements_in(&timing).expect("a statement count");
    println!("{n} SQL statements on /opbevaring");
    assert!((1..=8).contains(&n), "{n} statements");
    assert!(
        page.body.matches("/anonymiser\"").count() <= 60,
        "at most 50 due and 10 next are listed"
    );
    app.finish().await;
}
