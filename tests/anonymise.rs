//! `/medarbejdere/{id}/anonymiser`: an anonymised person is gone from search, lists, exports and
//! the audit log, their login is closed, and every figure is what it was.

mod common;

use axum::http::StatusCode;
use common::*;
use uuid::Uuid;

/// The numbers a person reads on a page: every run of digits in the main content's text (not in
/// attributes, so ids in links and form tokens do not count), with the person's name taken out
/// first, since "Anonymiseret person 3" carries a number of its own.
fn figures(body: &str, name: &str) -> Vec<String> {
    let main = body
        .split("<main")
        .nth(1)
        .and_then(|m| m.split("</main>").next())
        .unwrap_or(body);
    let mut text = String::new();
    let mut in_tag = false;
    for ch in main.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.replace(name, " ");
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

struct Seen {
    pages: Vec<(String, Vec<String>)>,
    bm: Vec<String>,
    measurements: String,
    counts: String,
}

const COUNTS: &str = "SELECT format('goal counts %s / %s, grants %s in %s lines, %s cents, %s participants, %s reports, %s follow-ups, %s reflections, %s BM ids',
    (SELECT coalesce(sum(n), 0) FROM goal_counts), (SELECT coalesce(sum(n), 0) FROM goal_counts_total),
    (SELECT count(*) FROM participant_grants), (SELECT count(*) FROM grant_lines),
    (SELECT coalesce(sum(cents), 0) FROM grant_lines), (SELECT count(*) FROM mobility_participants),
    (SELECT count(*) FROM reports WHERE status = 'indsendt'), (SELECT count(*) FROM follow_ups),
    (SELECT count(*) FROM reflections), (SELECT count(*) FROM bm_mobility_ids))";

async fn look(app: &TestApp, c: &mut Client, name: &str) -> Seen {
    let goals: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM goals ORDER BY number")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let projects: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM projects ORDER BY reference")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let mut paths = vec!["/".to_string(), "/maal".to_string()];
    paths.extend(goals.iter().map(|g| format!("/maal/{g}")));
    paths.extend(projects.iter().map(|p| format!("/projekter/{p}")));
    paths.extend(projects.iter().map(|p| format!("/projekter/{p}/maal")));
    let mut pages = Vec::new();
    for p in paths {
        let page = c.get(&p).await;
        assert_eq!(page.status, StatusCode::OK, "{p}");
        pages.push((p, figures(&page.body, name)));
    }
    let mut bm = Vec::new();
    for p in &projects {
        let file = c.get(&format!("/projekter/{p}/bm-eksport.csv")).await;
        assert_eq!(file.status, StatusCode::OK);
        bm.push(file.body);
        let xlsx = c.get(&format!("/projekter/{p}/bm-eksport.xlsx")).await;
        assert_eq!(xlsx.status, StatusCode::OK);
    }
    let measurements = c.get("/maal/eksport/maalinger.csv").await.body;
    let counts: String = sqlx::query_scalar(COUNTS)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    Seen {
        pages,
        bm,
        measurements,
        counts,
    }
}

/// Gives a demo person a login with the demo password, and returns a client logged in as them.
async fn login_for(app: &TestApp, staff: Uuid) -> Client {
    let email: String = sqlx::query_scalar(
        "INSERT INTO accounts (email, role, staff_id, password_hash)
         SELECT s.email, 'medarbejder', s.id, (SELECT password_hash FROM accounts WHERE email = $2)
         FROM staff s WHERE s.id = $1 RETURNING email",
    )
    .bind(staff)
    .bind(MEDARBEJDER)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    app.login_as(&email).await
}

#[tokio::test]
async fn an_anonymised_person_is_gone_and_every_figure_stays() {
    let app = TestApp::demo().await;
    let nadia = app
        .id_of("SELECT id FROM staff WHERE name = 'Nadia Jensen'")
        .await;
    let report = app
        .id_of("SELECT r.id FROM reports r JOIN staff s ON s.id = r.staff_id WHERE s.name = 'Nadia Jensen'")
        .await;
    let mut coord = app.login_as(KOORDINATOR).await;

    // An earlier address, which only the audit log still remembers.
    let form = coord.get(&format!("/medarbejdere/{nadia}/rediger")).await;
    let school = app
        .id_of("SELECT organisation_id FROM staff WHERE name = 'Nadia Jensen'")
        .await
        .to_string();
    let r = coord
        .post_form(
            &format!("/medarbejdere/{nadia}/rediger"),
            &[
                ("csrf", &form.csrf()),
                ("name", "Nadia Jensen"),
                ("email", "nadia.ny@soebredden.demo.udsyn.dk"),
                ("job_role", "laerer"),
                ("organisation_id", &school),
                ("active", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // What the log keeps of the mobility she shared with Mads Kirkegaard, as Udsyn writes it.
    sqlx::query(
        "INSERT INTO audit_log (action, entity, entity_id, after, reason)
         SELECT 'mobilitet ændret', 'mobility', mp.mobility_id::text,
                jsonb_build_object('deltagere', 'Mads Kirkegaard, Nadia Jensen', 'venue_city', 'Bologna'),
                'Nadia Jensen: afbrudte dage 0 → 1'
         FROM mobility_participants mp WHERE mp.staff_id = $1",
    )
    .bind(nadia)
    .execute(&app.pool)
    .await
    .unwrap();
    // A reminder to her and a staff list that named her.
    sqlx::query(
        "INSERT INTO reminders (kind, staff_id, mobility_id, to_email, subject, body, via)
         SELECT 'opfoelgning', mp.staff_id, mp.mobility_id, 'nadia.ny@soebredden.demo.udsyn.dk',
                'Opfølgning', 'Kære Nadia Jensen', 'udbakke'
         FROM mobility_participants mp WHERE mp.staff_id = $1",
    )
    .bind(nadia)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "WITH j AS (INSERT INTO import_jobs (created_by, filename, status)
                    SELECT id, 'liste.csv', 'importeret' FROM accounts WHERE email = $1 RETURNING id)
         INSERT INTO import_rows (job_id, line_no, name, email)
         SELECT id, 2, 'Nadia Jensen', 'nadia.jensen@soebredden.demo.udsyn.dk' FROM j",
    )
    .bind(KOORDINATOR)
    .execute(&app.pool)
    .await
    .unwrap();
    let mut her = login_for(&app, nadia).await;
    assert_eq!(her.get("/").await.status, StatusCode::OK);
    sqlx::query(
        "INSERT INTO login_failures (email_lower) VALUES ('nadia.ny@soebredden.demo.udsyn.dk')",
    )
    .execute(&app.pool)
    .await
    .unwrap();

    // Before: she is found, listed and counted.
    let hits = coord.get("/vidensbank?q=skygge").await;
    assert!(
        hits.body.contains(&format!("/rapporter/{report}")),
        "{}",
        hits.body
    );
    assert!(
        coord
            .get("/medarbejdere?q=nadia")
            .await
            .body
            .contains("Nadia Jensen")
    );
    let before = look(&app, &mut coord, "Nadia Jensen").await;

    // A school leader may do neither.
    let mut leader = app.login_as(SKOLELEDER).await;
    let path = format!("/medarbejdere/{nadia}/anonymiser");
    assert_eq!(leader.get(&path).await.status, StatusCode::FORBIDDEN);
    let token = leader.get("/").await.csrf();
    assert_eq!(
        leader.post_form(&path, &[("csrf", &token)]).await.status,
        StatusCode::FORBIDDEN
    );

    // The person's page leads to the confirmation, which says what will happen.
    let show = coord.get(&format!("/medarbejdere/{nadia}")).await;
    assert!(show.body.contains(&format!("href=\"{path}\"")), "a button");
    let confirm = coord.get(&path).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert_eq!(confirm.h1(), "Anonymisér Nadia Jensen?");
    assert!(confirm.body.contains("kan ikke fortrydes"));
    assert!(confirm.body.contains("alle sessioner afsluttes"));
    let done = coord.post_form(&path, &[("csrf", &confirm.csrf())]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.location(),
        format!("/medarbejdere/{nadia}?anonymiseret=1")
    );
    let page = coord.get(done.location()).await;
    assert!(
        page.body.contains("Personen er anonymiseret"),
        "{}",
        page.body
    );
    let new_name = page.h1();
    assert!(new_name.starts_with("Anonymiseret person "), "{new_name}");

    // Every figure as before; the BM file and the measurements byte for byte.
    let after = look(&app, &mut coord, &new_name).await;
    assert_eq!(after.counts, before.counts);
    for ((path, b), (_, a)) in before.pages.iter().zip(&after.pages) {
        assert_eq!(a, b, "the figures on {path}");
    }
    assert_eq!(after.bm, before.bm, "the BM file");
    assert_eq!(after.measurements, before.measurements);

    // Gone from search, the staff list and every table that held her words.
    let hits = coord.get("/vidensbank?q=skygge").await;
    assert!(
        !hits.body.contains(&format!("/rapporter/{report}")),
        "{}",
        hits.body
    );
    for q in ["Nadia", "nadia.ny", "nadia.jensen"] {
        let list = coord.get(&format!("/medarbejdere?q={q}")).await;
        assert!(
            !list.body.contains(&format!("/medarbejdere/{nadia}\"")),
            "{q}"
        );
        assert!(
            !list.body.contains("Nadia Jensen") && !list.body.contains("@soebredden"),
            "{q}"
        );
    }
    assert!(
        !coord
            .get("/medarbejdere")
            .await
            .body
            .contains("Nadia Jensen")
    );
    assert!(
        !coord
            .get(&format!("/rapporter/{report}"))
            .await
            .body
            .contains("skygge")
    );
    let traces = app
        .count(
            "SELECT (SELECT count(*) FROM reports WHERE concat(saw, surprise, aha, change_plan) ~* 'skygge|co-teaching')
                  + (SELECT count(*) FROM follow_ups f JOIN reports r ON r.id = f.report_id JOIN staff s ON s.id = r.staff_id
                     WHERE s.anonymised_at IS NOT NULL AND f.what <> '[Fjernet ved anonymisering]')
                  + (SELECT count(*) FROM reflections WHERE title LIKE '%hendes elev%')
                  + (SELECT count(*) FROM staff WHERE name::text LIKE 'Nadia%' OR email LIKE 'nadia%')
                  + (SELECT count(*) FROM accounts WHERE email LIKE 'nadia%')
                  + (SELECT count(*) FROM login_failures WHERE email_lower LIKE 'nadia%')
                  + (SELECT count(*) FROM reminders WHERE concat(to_email, subject, body) ~* 'nadia')
                  + (SELECT count(*) FROM import_rows WHERE concat(name, email) ~* 'nadia')
                  + (SELECT count(*) FROM import_rows WHERE name NOT LIKE 'Anonymiseret person %')",
        )
        .await;
    assert_eq!(traces, 0, "nothing of hers is left");

    // Her login is closed and her session ended.
    let out = her.get("/").await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.location().starts_with("/login"), "{}", out.location());
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM sessions se JOIN accounts a ON a.id = se.account_id WHERE a.staff_id = '{nadia}'"
        ))
        .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM accounts WHERE staff_id = '{nadia}' AND NOT active AND password_hash IS NULL
               AND email LIKE 'anonymiseret-%@anonymiseret.invalid'"
        ))
        .await,
        1
    );

    // The audit log says who did it and when, and holds nothing of what was removed.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_log l JOIN accounts a ON a.id = l.account_id
             WHERE l.action = 'medarbejder anonymiseret' AND l.entity = 'staff' AND l.entity_id = '{nadia}'
               AND a.email = '{KOORDINATOR}' AND l.at > now() - interval '1 minute'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log
             WHERE concat(before::text, after::text, reason) ~* 'nadia|jensen'"
        )
        .await,
        0,
        "the audit log forgot her name and addresses"
    );
    let kept: (String, String) = sqlx::query_as(
        "SELECT after::text, reason FROM audit_log WHERE action = 'mobilitet ændret' AND entity = 'mobility'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        kept,
        (
            format!(r#"{{"deltagere": "Mads Kirkegaard, {new_name}", "venue_city": "Bologna"}}"#),
            format!("{new_name}: afbrudte dage 0 → 1")
        ),
        "only her name is gone from the mobility's history"
    );
    assert!(
        page.body.contains("medarbejder anonymiseret"),
        "the person's history says it"
    );

    // A second time: a clear message, nothing changes.
    let audit = app.count("SELECT count(*) FROM audit_log").await;
    let row: String = sqlx::query_scalar("SELECT to_jsonb(s)::text FROM staff s WHERE id = $1")
        .bind(nadia)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let again = coord.get(&path).await;
    assert!(
        again.body.contains("allerede anonymiseret"),
        "{}",
        again.body
    );
    assert!(
        !again
            .body
            .contains("method=\"post\" action=\"/medarbejdere/")
    );
    let token = coord.get("/").await.csrf();
    let twice = coord.post_form(&path, &[("csrf", &token)]).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(twice.body.contains("allerede anonymiseret"));
    assert_eq!(app.count("SELECT count(*) FROM audit_log").await, audit);
    let row_after: String =
        sqlx::query_scalar("SELECT to_jsonb(s)::text FROM staff s WHERE id = $1")
            .bind(nadia)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(row_after, row);
    // …and the record can no longer be edited back into a name.
    assert_eq!(
        coord
            .get(&format!("/medarbejdere/{nadia}/rediger"))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    app.finish().await;
}

#[tokio::test]
async fn a_person_on_an_upcoming_mobility_or_oneself_is_refused() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let audit = app.count("SELECT count(*) FROM audit_log").await;

    // Line Mikkelsen's mobility in 2027 is submitted, not yet approved or completed.
    let line = app
        .id_of("SELECT id FROM staff WHERE name = 'Line Mikkelsen'")
        .await;
    let path = format!("/medarbejdere/{line}/anonymiser");
    let page = coord.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("kan ikke anonymiseres endnu"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("BM-filen skal bruge deltagerens oplysninger")
    );
    assert!(
        page.body.contains("/mobiliteter/"),
        "the mobility is linked"
    );
    assert!(
        !page.body.contains(&format!("action=\"{path}\"")),
        "no button"
    );
    let token = coord.get("/").await.csrf();
    let r = coord.post_form(&path, &[("csrf", &token)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("kan ikke anonymiseres endnu"));
    assert_eq!(
        app.count("SELECT count(*) FROM staff WHERE name = 'Line Mikkelsen' AND active AND anonymised_at IS NULL")
            .await,
        1
    );

    // Once it is cancelled she can be.
    sqlx::query(
        "UPDATE mobilities SET status = 'aflyst' WHERE id IN
           (SELECT mobility_id FROM mobility_participants WHERE staff_id = $1)",
    )
    .bind(line)
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(coord.get(&path).await.h1(), "Anonymisér Line Mikkelsen?");

    // The coordinator cannot anonymise herself, and a wrong token changes nothing.
    let me = app
        .id_of(&format!(
            "SELECT id FROM staff WHERE email = '{KOORDINATOR}'"
        ))
        .await;
    let mine = format!("/medarbejdere/{me}/anonymiser");
    assert!(
        coord
            .get(&mine)
            .await
            .body
            .contains("Du kan ikke anonymisere dig selv")
    );
    assert_eq!(
        coord.post_form(&mine, &[("csrf", &token)]).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        coord.post_form(&path, &[("csrf", "forkert")]).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(app.count("SELECT count(*) FROM audit_log").await, audit);
    assert_eq!(
        app.count("SELECT count(*) FROM staff WHERE anonymised_at IS NOT NULL")
            .await,
        0
    );
    app.finish().await;
}

/// The confirmation and the anonymisation itself are a fixed handful of statements, however many
/// reports, reflections and audit entries the person has: no statement per row.
#[tokio::test]
async fn anonymising_keeps_to_the_statement_budget() {
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
    let nadia = app
        .id_of("SELECT id FROM staff WHERE name = 'Nadia Jensen'")
        .await;
    let statements = |page: &Page| {
        let timing = page
            .headers
            .get("server-timing")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        udsyn::sql_stats::statements_in(&timing).expect("a statement count")
    };
    let mut coord = app.login_as(KOORDINATOR).await;
    let path = format!("/medarbejdere/{nadia}/anonymiser");
    let confirm = coord.get(&path).await;
    let done = coord.post_form(&path, &[("csrf", &confirm.csrf())]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let (get, post) = (statements(&confirm), statements(&done));
    println!("{get} SQL statements to confirm, {post} to anonymise");
    assert!(
        (1..=8).contains(&get) && (1..=8).contains(&post),
        "{get}, {post}"
    );
    app.finish().await;
}
