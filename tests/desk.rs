//! The desk (`/`): each role's list of what waits holds exactly the items made here, and nothing
//! of other schools; the page stays small.

mod common;

use common::*;
use uuid::Uuid;

/// The demo with nothing waiting: every mobility cancelled, every report back to draft, every
/// network action closed. Each test then makes exactly what it expects to see.
async fn quiet_demo() -> TestApp {
    let app = TestApp::demo().await;
    for sql in [
        "UPDATE mobilities SET status = 'aflyst'",
        "UPDATE reports SET status = 'kladde', submitted_at = NULL",
        "UPDATE network_items SET closed_at = now() WHERE kind = 'handling'",
    ] {
        sqlx::query(sql).execute(&app.pool).await.expect(sql);
    }
    app
}

/// A mobility of `school` with `people`, first day `start` days from today, lasting 5 days.
async fn mobility(app: &TestApp, school: &str, status: &str, start: i32, people: &[&str]) -> Uuid {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO mobilities (activity_type, receiving_partner_id, organisation_id, start_date, end_date,
                                 status, status_reason)
         SELECT 'SM-JOB-SHDW', (SELECT id FROM partners WHERE city = 'Porto'), o.id,
                current_date + $2, current_date + $2 + 4, $3,
                CASE WHEN $3 = 'afvist' THEN 'Formålet mangler' ELSE '' END
         FROM organisations o WHERE o.name = $1 RETURNING id",
    )
    .bind(school)
    .bind(start)
    .bind(status)
    .fetch_one(&app.pool)
    .await
    .expect("a mobility");
    for p in people {
        sqlx::query(
            "INSERT INTO mobility_participants (mobility_id, staff_id) SELECT $1, id FROM staff WHERE name = $2",
        )
        .bind(id)
        .bind(p)
        .execute(&app.pool)
        .await
        .expect("a participant");
    }
    id
}

/// The list of what waits in the desk's "Det venter på dig" section.
fn waiting(body: &str) -> Vec<String> {
    let section = body
        .split("id=\"venter\"")
        .nth(1)
        .and_then(|s| s.split("<!-- /venter -->").next())
        .expect("the desk's waiting section");
    match section
        .split("<ul class=\"udsyn-waiting\" id=\"venter-liste\">")
        .nth(1)
    {
        None => Vec::new(),
        Some(list) => list
            .split("</ul>")
            .next()
            .unwrap()
            .split("<li>")
            .skip(1)
            .map(|li| li.split("</li>").next().unwrap().to_string())
            .collect(),
    }
}

const ENG: &str = "Engbakkeskolen (demo)";
const HEDE: &str = "Hedelundskolen (demo)";

#[tokio::test]
async fn each_role_sees_exactly_what_waits_for_them_and_nothing_of_other_schools() {
    let app = quiet_demo().await;
    // For the coordinator.
    let submitted = mobility(&app, ENG, "indstillet", 60, &["Anders Vinther"]).await;
    let late = mobility(&app, HEDE, "gennemfoert", -40, &["Peter Ørum"]).await;
    let followed = mobility(&app, HEDE, "rapporteret", -300, &["Peter Ørum"]).await;
    sqlx::query(
        "INSERT INTO reports (mobility_id, staff_id, status, submitted_at)
         SELECT $1, id, 'indsendt', now() - interval '7 months' FROM staff WHERE name = 'Peter Ørum'",
    )
    .bind(followed)
    .execute(&app.pool)
    .await
    .unwrap();
    let departing = mobility(&app, HEDE, "godkendt", 10, &["Peter Ørum"]).await;
    // For the school leader of Engbakkeskolen, and a draft of another school's that is not theirs.
    let draft = mobility(&app, ENG, "kladde", 120, &["Anders Vinther"]).await;
    let rejected = mobility(&app, ENG, "afvist", 130, &["Anders Vinther"]).await;
    let other_draft = mobility(&app, HEDE, "kladde", 120, &["Peter Ørum"]).await;
    // An overdue report at the leader's own school.
    mobility(&app, ENG, "gennemfoert", -60, &["Anders Vinther"]).await;
    // For the teacher: her next trip, and a report she owes (not yet overdue).
    let trip = mobility(&app, ENG, "godkendt", 90, &["Sofie Bækgaard"]).await;
    let owed = mobility(&app, ENG, "gennemfoert", -3, &["Sofie Bækgaard"]).await;
    // Every per-school indicator measured this school year at Engbakkeskolen but one.
    let period = udsyn::domain::progress::period_of(chrono::Local::now().date_naive());
    let missing = app
        .id_of("SELECT id FROM indicators WHERE name = 'Eksklusionsprocent'")
        .await;
    sqlx::query(
        "INSERT INTO measurements (indicator_id, organisation_id, period, value, level)
         SELECT i.id, o.id, $1, coalesce(i.min_value, 1), CASE WHEN i.kind = 'kvalitativ' THEN 2 END
         FROM indicators i, organisations o
         WHERE o.name = 'Engbakkeskolen (demo)' AND i.per_school AND i.automatic IS NULL AND i.id <> $2
         ON CONFLICT DO NOTHING",
    )
    .bind(&period)
    .bind(missing)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("DELETE FROM measurements WHERE indicator_id = $1 AND period = $2")
        .bind(missing)
        .bind(&period)
        .execute(&app.pool)
        .await
        .unwrap();

    let mut coord = app.login_as(KOORDINATOR).await;
    let desk = coord.get("/").await;
    assert_exact(
        &waiting(&desk.body),
        &[
            ("Venter på godkendelse", format!("/mobiliteter/{submitted}")),
            ("Rapport forsinket", "Peter Ørum".into()),
            ("Rapport forsinket", "Anders Vinther".into()),
            ("Opfølgning forfalden", "Peter Ørum".into()),
            (
                "ingen bekræftet program registreret",
                format!("/mobiliteter/{departing}"),
            ),
        ],
        "the coordinator",
    );

    let mut leader = app.login_as(SKOLELEDER).await;
    let desk = leader.get("/").await;
    assert_exact(
        &waiting(&desk.body),
        &[
            ("Kladde, ikke indstillet", format!("/mobiliteter/{draft}")),
            (
                "Afvist: ret og indstil igen",
                format!("/mobiliteter/{rejected}/rediger"),
            ),
            ("Rapport forsinket", "Anders Vinther".into()),
            ("Måling mangler", format!("/indikatorer/{missing}/maaling")),
        ],
        "the school leader",
    );
    assert!(
        desk.body.contains("Formålet mangler"),
        "the reason of the rejection"
    );
    for other in [other_draft, late, followed, departing] {
        assert!(
            !desk.body.contains(&other.to_string()),
            "another school's mobility {other} on the leader's desk"
        );
    }
    assert!(
        !desk.body.contains("Peter Ørum"),
        "another school's teacher"
    );

    let mut me = app.login_as(MEDARBEJDER).await;
    let desk = me.get("/").await;
    assert_exact(
        &waiting(&desk.body),
        &[
            ("Din næste rejse", format!("/mobiliteter/{trip}")),
            ("Skriv din rapport", format!("/mobiliteter/{owed}/rapport")),
        ],
        "the teacher",
    );
    app.finish().await;
}

/// Every expected (label, text) pair matches one item, and there are no others.
fn assert_exact(items: &[String], expected: &[(&str, String)], who: &str) {
    assert_eq!(
        items.len(),
        expected.len(),
        "{who}'s list has {} items: {items:#?}",
        items.len()
    );
    let mut left: Vec<&String> = items.iter().collect();
    for (label, text) in expected {
        let at = left
            .iter()
            .position(|i| i.contains(label) && i.contains(text.as_str()))
            .unwrap_or_else(|| panic!("{who}: no item «{label}» with «{text}» in {left:#?}"));
        left.remove(at);
    }
}

#[tokio::test]
async fn an_empty_desk_says_so_and_a_network_action_waits_for_its_owner() {
    let app = quiet_demo().await;
    let mut me = app.login_as(MEDARBEJDER).await;
    let desk = me.get("/").await;
    assert!(waiting(&desk.body).is_empty());
    assert!(desk.body.contains("Intet venter på dig lige nu."));
    // An open action owned by the school leader waits on their desk, with its due date.
    sqlx::query("UPDATE network_items SET closed_at = NULL WHERE kind = 'handling'")
        .execute(&app.pool)
        .await
        .unwrap();
    let mut leader = app.login_as(SKOLELEDER).await;
    let items = waiting(&leader.get("/").await.body);
    assert!(
        items.iter().any(|i| i.contains("Handling fra netværket")
            && i.contains("Del erfaringerne med stilletimer")
            && i.contains("Frist")),
        "{items:#?}"
    );
    app.finish().await;
}

#[tokio::test]
async fn the_desk_is_small_and_shows_the_goals_one_line_each() {
    let app = TestApp::demo().await;
    for who in [KOORDINATOR, SKOLELEDER, MEDARBEJDER] {
        let mut c = app.login_as(who).await;
        let desk = c.get("/").await;
        assert_eq!(desk.status, axum::http::StatusCode::OK);
        assert!(
            desk.body.len() < 80_000,
            "{who}'s desk is {} bytes of HTML",
            desk.body.len()
        );
        // What waits comes before anything else on the page.
        let waits = desk
            .body
            .find("Det venter på dig")
            .expect("the waiting list");
        for later in [
            "<h2>Målene mod udgangspunktet</h2>",
            "<h2>Skoleåret",
            "Fremhævet fra vidensbanken",
        ] {
            if let Some(at) = desk.body.find(later) {
                assert!(at > waits, "{later} after the waiting list");
            }
        }
        if who != MEDARBEJDER {
            assert_eq!(
                desk.body.matches("<li>\n    <a href=\"/maal/").count(),
                3,
                "three goals, one line each"
            );
            assert!(
                !desk.body.contains("udsyn-linechart"),
                "no charts on the desk"
            );
        }
    }
    app.finish().await;
}

#[tokio::test]
async fn the_desk_counts_mobilities_by_the_school_year_they_travel_in() {
    let app = TestApp::demo().await;
    let today = chrono::Local::now().date_naive();
    let period = udsyn::domain::progress::period_of(today);
    let (from, to) = udsyn::domain::progress::period_bounds(&period).unwrap();
    // A trip on this school year's grant moved to the first day after it counts no longer.
    sqlx::query(
        "UPDATE mobilities SET start_date = $1::date + 1, end_date = $1::date + 4
         WHERE id = (SELECT id FROM mobilities WHERE start_date BETWEEN $2 AND $1
                     AND status NOT IN ('afvist', 'aflyst') ORDER BY start_date LIMIT 1)",
    )
    .bind(to)
    .bind(from)
    .execute(&app.pool)
    .await
    .unwrap();
    let count = |school: Option<&'static str>| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM mobilities m JOIN organisations o ON o.id = m.organisation_id
                 WHERE m.start_date BETWEEN $1 AND $2 AND m.status NOT IN ('afvist', 'aflyst')
                   AND ($3::text IS NULL OR o.name = $3)",
            )
            .bind(from)
            .bind(to)
            .bind(school)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let figure = |n: i64| {
        format!(
            "<span class=\"udsyn-figure\">{n}</span> <span class=\"udsyn-figure-label\">mobiliteter med første dag i skoleåret {period}</span>"
        )
    };
    let mut coord = app.login_as(KOORDINATOR).await;
    let start = coord.get("/").await;
    assert!(start.body.contains(&format!("<h2>Skoleåret {period}</h2>")));
    assert!(
        start.body.contains(&figure(count(None).await)),
        "the consortium's figure"
    );
    let mut leader = app.login_as(SKOLELEDER).await;
    let start = leader.get("/").await;
    assert!(
        start
            .body
            .contains(&figure(count(Some("Engbakkeskolen (demo)")).await)),
        "the school's own figure"
    );
    app.finish().await;
}
