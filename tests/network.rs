//! The leaders' network (`/netvaerk`): a planned meeting's drafted agenda holds what happened
//! since the last meeting and not before, open actions come back until closed, decisions and
//! actions are recorded with owner, due date and goal, and each role sees what it may.

mod common;

use axum::http::StatusCode;
use common::*;
use uuid::Uuid;

fn day(offset: i64) -> String {
    (chrono::Local::now().date_naive() + chrono::Duration::days(offset))
        .format("%d.%m.%Y")
        .to_string()
}

/// Plans a meeting `offset` days from today with the demo school leader, as the coordinator.
async fn plan(coord: &mut Client, app: &TestApp, offset: i64) -> Uuid {
    let csrf = coord.get("/netvaerk/ny").await.csrf();
    let lars = app
        .id_of("SELECT id FROM staff WHERE name = 'Lars Østergaard'")
        .await
        .to_string();
    let date = day(offset);
    let r = coord
        .post_form(
            "/netvaerk/ny",
            &[
                ("csrf", &csrf),
                ("title", "Møde i specialledernetværket"),
                ("held_on", &date),
                ("starts_at", "13.00"),
                ("ends_at", "15:30"),
                ("place", "Herning Rådhus"),
                ("online_url", ""),
                ("deltager", &lars),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: Uuid = r
        .location()
        .trim_start_matches("/netvaerk/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    id
}

async fn agenda(app: &TestApp, meeting: Uuid) -> String {
    sqlx::query_scalar("SELECT agenda FROM network_meetings WHERE id = $1")
        .bind(meeting)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_agenda_holds_the_report_submitted_since_the_last_meeting_and_not_the_older_one() {
    let app = TestApp::demo().await;
    // Every report long ago; then one by Sofie 10 days ago (after the demo's meeting 35 days ago)
    // and one by another author 60 days ago (before it).
    sqlx::query(
        "UPDATE reports SET submitted_at = now() - interval '400 days' WHERE status = 'indsendt'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let (new_author, old_author): (String, String) = sqlx::query_as(
        "WITH a AS (UPDATE reports SET submitted_at = now() - interval '10 days'
                    WHERE id = (SELECT r.id FROM reports r JOIN staff s ON s.id = r.staff_id
                                WHERE r.status = 'indsendt' AND s.name = 'Sofie Bækgaard' LIMIT 1)
                    RETURNING staff_id),
              b AS (UPDATE reports SET submitted_at = now() - interval '60 days'
                    WHERE id = (SELECT r.id FROM reports r JOIN staff s ON s.id = r.staff_id
                                WHERE r.status = 'indsendt' AND s.name <> 'Sofie Bækgaard' LIMIT 1)
                    RETURNING staff_id)
         SELECT (SELECT name FROM staff WHERE id = (SELECT staff_id FROM a)),
                (SELECT name FROM staff WHERE id = (SELECT staff_id FROM b))",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let mut coord = app.login_as(KOORDINATOR).await;
    let id = plan(&mut coord, &app, 7).await;
    let text = agenda(&app, id).await;
    assert!(
        text.contains(&format!("Rapport: {new_author}, ")),
        "the new report:\n{text}"
    );
    assert!(
        !text.contains(&format!("Rapport: {old_author}, ")),
        "not the report from before the last meeting:\n{text}"
    );
    assert!(text.contains("siden sidste møde"));
    // The coordinator sees the draft on the meeting's page and edits it.
    let page = coord.get(&format!("/netvaerk/{id}?planlagt=1")).await;
    assert!(
        page.body
            .contains("Udsyn har skrevet et udkast til dagsordenen")
    );
    let form = coord.get(&format!("/netvaerk/{id}/rediger")).await;
    let seen = form
        .body
        .split("name=\"seen\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let lars = app
        .id_of("SELECT id FROM staff WHERE name = 'Lars Østergaard'")
        .await
        .to_string();
    let fields = |agenda: &'static str, seen: String| {
        vec![
            ("csrf".to_string(), form.csrf()),
            ("seen".into(), seen),
            ("title".into(), "Møde i specialledernetværket".into()),
            ("held_on".into(), day(7)),
            ("starts_at".into(), "13.00".into()),
            ("ends_at".into(), "15.30".into()),
            ("place".into(), "Herning Rådhus".into()),
            ("online_url".into(), String::new()),
            ("deltager".into(), lars.clone()),
            ("agenda".into(), agenda.into()),
            ("minutes".into(), "Referat: alle var der.".into()),
        ]
    };
    let f = fields(
        "1. Velkomst\n2. Stilletimer på Engbakkeskolen",
        seen.clone(),
    );
    let refs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = coord
        .post_form(&format!("/netvaerk/{id}/rediger"), &refs)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        agenda(&app, id)
            .await
            .contains("Stilletimer på Engbakkeskolen")
    );
    // A second save from the same, now stale form is refused and overwrites nothing.
    let f = fields("Overskrevet", seen);
    let refs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = coord
        .post_form(&format!("/netvaerk/{id}/rediger"), &refs)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("Mødet er gemt af en anden"));
    assert!(!agenda(&app, id).await.contains("Overskrevet"));
    app.finish().await;
}

#[tokio::test]
async fn an_action_left_open_comes_back_on_the_next_agenda_until_it_is_closed() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    // The demo's open action from the meeting 35 days ago is on a new meeting's agenda.
    let first = plan(&mut coord, &app, 3).await;
    assert!(
        agenda(&app, first)
            .await
            .contains("Del erfaringerne med stilletimer")
    );
    // An action recorded at that meeting, owned by the school leader, for goal 2.
    let page = coord.get(&format!("/netvaerk/{first}")).await;
    let lars = app
        .id_of("SELECT id FROM staff WHERE name = 'Lars Østergaard'")
        .await
        .to_string();
    let goal = app
        .id_of("SELECT id FROM goals WHERE number = 2")
        .await
        .to_string();
    let due = day(30);
    let r = coord
        .post_form(
            &format!("/netvaerk/{first}/punkter"),
            &[
                ("csrf", &page.csrf()),
                ("kind", "handling"),
                ("text", "Afprøv co-teaching i to klasser"),
                ("owner", &lars),
                ("due_on", &due),
                ("goal", &goal),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = coord.get(&format!("/netvaerk/{first}")).await;
    assert!(page.body.contains("Afprøv co-teaching i to klasser"));
    assert!(page.body.contains("Ansvarlig: Lars Østergaard"));
    // An action without an owner or a due date is refused with Danish messages, nothing saved.
    let before = app.count("SELECT count(*) FROM network_items").await;
    let r = coord
        .post_form(
            &format!("/netvaerk/{first}/punkter"),
            &[
                ("csrf", &page.csrf()),
                ("kind", "handling"),
                ("text", "Noget"),
                ("owner", ""),
                ("due_on", "31.02.2027"),
                ("goal", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("En handling skal have en ansvarlig."));
    assert!(r.body.contains("31. februar 2027 findes ikke"));
    assert_eq!(
        app.count("SELECT count(*) FROM network_items").await,
        before
    );

    // The next meeting's agenda has it, and the meeting's page lists it as carried over.
    let next = plan(&mut coord, &app, 40).await;
    assert!(
        agenda(&app, next)
            .await
            .contains("Afprøv co-teaching i to klasser – ansvarlig: Lars Østergaard")
    );
    let page = coord.get(&format!("/netvaerk/{next}")).await;
    assert!(page.body.contains("Åbne handlinger fra tidligere møder"));

    // Its owner sees it on the desk and closes it; the meeting after does not carry it.
    let mut leader = app.login_as(SKOLELEDER).await;
    let desk = leader.get("/").await;
    assert!(desk.body.contains("Afprøv co-teaching i to klasser"));
    let action = app
        .id_of("SELECT id FROM network_items WHERE text = 'Afprøv co-teaching i to klasser'")
        .await;
    let r = leader
        .post_form(
            &format!("/netvaerk/punkter/{action}/luk"),
            &[("csrf", &desk.csrf())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let later = plan(&mut coord, &app, 80).await;
    assert!(!agenda(&app, later).await.contains("Afprøv co-teaching"));
    assert!(!leader.get("/").await.body.contains("Afprøv co-teaching"));
    app.finish().await;
}

#[tokio::test]
async fn only_the_coordinator_plans_and_records_and_others_close_only_their_own() {
    let app = TestApp::demo().await;
    let meeting = app
        .id_of("SELECT id FROM network_meetings WHERE held_on < current_date")
        .await;
    let mut leader = app.login_as(SKOLELEDER).await;
    let page = leader.get(&format!("/netvaerk/{meeting}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Alle skoler måler ledelse af inklusion igen"),
        "the decision"
    );
    assert!(
        !page.body.contains("Registrér en beslutning"),
        "no form for the leader"
    );
    let csrf = page.csrf();
    let r = leader
        .post_form(
            "/netvaerk/ny",
            &[("csrf", &csrf), ("title", "Mit møde"), ("held_on", &day(5))],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = leader
        .post_form(
            &format!("/netvaerk/{meeting}/punkter"),
            &[("csrf", &csrf), ("kind", "beslutning"), ("text", "Nej")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // An action owned by another school's leader cannot be closed by this one.
    let other: Uuid = sqlx::query_scalar(
        "INSERT INTO network_items (meeting_id, kind, text, owner_id, due_on)
         SELECT $1, 'handling', 'Hedelunds handling', id, current_date + 5 FROM staff WHERE name = 'Peter Ørum'
         RETURNING id",
    )
    .bind(meeting)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let r = leader
        .post_form(
            &format!("/netvaerk/punkter/{other}/luk"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM network_items WHERE id = '{other}' AND closed_at IS NULL"
        ))
        .await,
        1
    );
    // A teacher who is not invited sees no meeting.
    let mut me = app.login_as(MEDARBEJDER).await;
    assert_eq!(
        me.get(&format!("/netvaerk/{meeting}")).await.status,
        StatusCode::FORBIDDEN
    );
    let list = me.get("/netvaerk").await;
    assert!(list.body.contains("Der er ingen netværksmøder endnu."));
    // The nav has Netværk for the coordinator and the school leader.
    assert!(
        leader
            .get("/")
            .await
            .body
            .contains("href=\"/netvaerk\" class=\"nav-link\"")
    );
    assert!(
        !me.get("/")
            .await
            .body
            .contains("href=\"/netvaerk\" class=\"nav-link\"")
    );
    app.finish().await;
}

#[tokio::test]
async fn a_meeting_form_with_mistakes_comes_back_in_danish_and_saves_nothing() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let csrf = coord.get("/netvaerk/ny").await.csrf();
    let before = app.count("SELECT count(*) FROM network_meetings").await;
    let r = coord
        .post_form(
            "/netvaerk/ny",
            &[
                ("csrf", &csrf),
                ("title", ""),
                ("held_on", "1.1.27"),
                ("starts_at", "15.00"),
                ("ends_at", "13.00"),
                ("place", ""),
                ("online_url", "javascript:alert(1)"),
                ("deltager", "ikke-et-id"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Der er problemer",
        "Skriv mødets titel.",
        "Skriv «Dato» som dd.mm.åååå",
        "Mødet skal slutte efter, det begynder.",
        "Linket til onlinemødet skal begynde med https://.",
        "Vælg deltagerne blandt skolelederne og nøglemedarbejderne.",
    ] {
        assert!(r.body.contains(message), "{message}");
    }
    assert_eq!(
        app.count("SELECT count(*) FROM network_meetings").await,
        before
    );
    app.finish().await;
}

#[tokio::test]
async fn the_invitation_is_an_ics_event_at_the_meetings_hours() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let id = plan(&mut coord, &app, 14).await;
    let r = coord.get(&format!("/netvaerk/{id}/invitation.ics")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let date = (chrono::Local::now().date_naive() + chrono::Duration::days(14))
        .format("%Y%m%d")
        .to_string();
    assert!(
        r.body
            .contains(&format!("DTSTART:{date}T130000\r\nDTEND:{date}T153000\r\n"))
    );
    assert!(r.body.contains("SUMMARY:Møde i specialledernetværket"));
    assert!(r.body.contains("LOCATION:Herning Rådhus"));
    app.finish().await;
}

#[tokio::test]
async fn a_goals_page_shows_the_chain_from_mobility_to_measurement() {
    let app = TestApp::demo().await;
    // A report serving goal 2 with its follow-up saying practice changed.
    let report = app
        .id_of(
            "SELECT r.id FROM reports r WHERE r.status = 'indsendt' AND 2 = ANY(r.goal_numbers)
             AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.report_id = r.id) LIMIT 1",
        )
        .await;
    sqlx::query(
        "INSERT INTO follow_ups (report_id, changed, what, evidence) VALUES ($1, 'ja', 'Stilletimer hver fredag', 'Færre konflikter i frikvartererne')",
    )
    .bind(report)
    .execute(&app.pool)
    .await
    .unwrap();
    let goal = app.id_of("SELECT id FROM goals WHERE number = 2").await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let page = coord.get(&format!("/maal/{goal}")).await;
    assert!(page.body.contains("Implementeringsloggen"));
    assert!(page.body.contains(&format!("/rapporter/{report}")));
    assert!(page.body.contains("Stilletimer hver fredag"));
    assert!(
        page.body
            .contains("Det viser sig ved: Færre konflikter i frikvartererne")
    );
    assert!(
        page.body
            .contains("Del erfaringerne med stilletimer på næste møde"),
        "the network's action for goal 2"
    );
    assert!(page.body.contains("<h3>Målingerne</h3>"));
    // A teacher reads the chain but not the network's meetings.
    let mut me = app.login_as(MEDARBEJDER).await;
    let page = me.get(&format!("/maal/{goal}")).await;
    assert!(page.body.contains("Stilletimer hver fredag"));
    assert!(!page.body.contains("Del erfaringerne med stilletimer"));
    app.finish().await;
}
