//! Mobilities: registering, the rules, the lifecycle per role, two editors, the overview and the
//! calendar feeds.

mod common;

use axum::http::StatusCode;
use common::*;
use uuid::Uuid;

struct Demo {
    app: TestApp,
    lisbon: String,
    gent: String,
    anders: String,
    camilla: String,
    sofie: String,
    peter: String,
}

async fn demo() -> Demo {
    let app = TestApp::demo().await;
    let id = |sql: &'static str| app.id_of(sql);
    Demo {
        lisbon: id("SELECT id FROM partners WHERE city = 'Lisbon'")
            .await
            .to_string(),
        gent: id("SELECT id FROM partners WHERE city = 'Gent'")
            .await
            .to_string(),
        anders: id("SELECT id FROM staff WHERE name = 'Anders Vinther'")
            .await
            .to_string(),
        camilla: id("SELECT id FROM staff WHERE name = 'Camilla Ravn'")
            .await
            .to_string(),
        sofie: id("SELECT id FROM staff WHERE name = 'Sofie Bækgaard'")
            .await
            .to_string(),
        peter: id("SELECT id FROM staff WHERE name = 'Peter Ørum'")
            .await
            .to_string(),
        app,
    }
}

/// A five-day job shadowing in Lisbon for two teachers, as a form.
fn lisbon<'a>(d: &'a Demo, csrf: &'a str, handling: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("activity_type", "SM-JOB-SHDW"),
        ("receiving_partner_id", &d.lisbon),
        ("start_date", "08.03.2027"),
        ("end_date", "12.03.2027"),
        ("travel_days", "2"),
        ("transport", "fly"),
        ("project_id", ""),
        ("deltager", &d.anders),
        ("rolle_", ""),
        ("deltager", &d.camilla),
        ("purpose", "Se læringscentrene i praksis."),
        ("handling", handling),
    ]
}

fn with<'a>(
    mut form: Vec<(&'a str, &'a str)>,
    key: &'a str,
    value: &'a str,
) -> Vec<(&'a str, &'a str)> {
    form.retain(|(k, _)| *k != key);
    form.push((key, value));
    form
}

/// Asks for a status change, as the buttons on the mobility's page do.
async fn post(client: &mut Client, csrf: String, id: String, action: &str, reason: &str) -> Page {
    client
        .post_form(
            &format!("/mobiliteter/{id}/status"),
            &[
                ("csrf", &csrf),
                ("handling", action),
                ("begrundelse", reason),
            ],
        )
        .await
}

fn id_from(location: &str) -> String {
    location
        .trim_start_matches("/mobiliteter/")
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_leader_registers_submits_the_coordinator_approves_the_teacher_sees_it() {
    let d = demo().await;
    let mut leader = d.app.login_as(SKOLELEDER).await;
    let form = leader.get("/mobiliteter/ny").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("Anders Vinther") && !form.body.contains("Peter Ørum"),
        "the leader is offered their own staff"
    );
    let r = leader
        .post_form("/mobiliteter/ny", &lisbon(&d, &form.csrf(), "indstil"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = leader.get(r.location()).await;
    let id = id_from(r.location());
    assert!(
        page.body
            .contains("Jobshadowing hos Agrupamento de Escolas de Benfica (demo)")
    );
    assert!(page.body.contains("8.–12. marts 2027") && page.body.contains("5 dage uden rejsedage"));
    assert!(page.body.contains(">Indstillet<"));
    assert!(
        page.body.contains("2026-1-DK01-KA121-SCH-000400003"),
        "the project is picked by date"
    );
    assert!(
        !page.body.contains("value=\"godkend\""),
        "a leader cannot approve"
    );

    let mut coord = d.app.login_as(KOORDINATOR).await;
    let detail = coord.get(&format!("/mobiliteter/{id}")).await;
    assert!(detail.body.contains("value=\"godkend\""));
    let r = coord
        .post_form(
            &format!("/mobiliteter/{id}/status"),
            &[("csrf", &detail.csrf()), ("handling", "godkend")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let detail = coord.get(&format!("/mobiliteter/{id}")).await;
    assert!(detail.body.contains(">Godkendt<"));
    assert!(
        detail.body.contains("Indstillet → Godkendt")
            && detail.body.contains("Mette Kjær Andersen"),
        "the history says who did what"
    );

    // Anders logs in (he gets an account) and sees the trip under Mine mobiliteter.
    let hash = udsyn::auth::password::hash(udsyn::demo::PASSWORD.into())
        .await
        .unwrap();
    sqlx::query("INSERT INTO accounts (email, role, staff_id, password_hash) VALUES ('anders.vinther@engbakke.demo.udsyn.dk', 'medarbejder', $1, $2)")
        .bind(d.anders.parse::<Uuid>().unwrap())
        .bind(hash)
        .execute(&d.app.pool)
        .await
        .unwrap();
    let mut anders = d
        .app
        .login_as("anders.vinther@engbakke.demo.udsyn.dk")
        .await;
    let mine = anders.get("/mine-mobiliteter").await;
    assert!(
        mine.body
            .contains("Agrupamento de Escolas de Benfica (demo)")
            && mine.body.contains("8.–12. marts 2027")
    );
    assert!(mine.body.contains(">Godkendt<"));
    // He sees it, but changes nothing.
    assert_eq!(
        anders
            .get(&format!("/mobiliteter/{id}/rediger"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = anders
        .post_form(
            &format!("/mobiliteter/{id}/status"),
            &[("csrf", &mine.csrf()), ("handling", "aflys")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    d.app.finish().await;
}

#[tokio::test]
async fn each_rule_is_checked_on_the_server_with_a_message_on_its_field() {
    let d = demo().await;
    let mut leader = d.app.login_as(SKOLELEDER).await;
    let csrf = leader.get("/").await.csrf();
    let before = d.app.count("SELECT count(*) FROM mobilities").await;
    let base = lisbon(&d, &csrf, "gem");
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            with(base.clone(), "end_date", "07.03.2027"),
            "Slutdatoen skal ligge på eller efter startdatoen.",
        ),
        (
            with(base.clone(), "end_date", "30.05.2027"),
            "Aktiviteten varer 84 dage uden rejsedage. For denne aktivitetstype skal den vare 2–60 dage",
        ),
        (with(base.clone(), "end_date", "08.03.2027"), "varer 1 dage"),
        (
            with(base.clone(), "travel_days", "3"),
            "Rejsedage skal være mellem 0 og 2.",
        ),
        (
            with(with(base.clone(), "travel_days", "7"), "transport", "tog"),
            "Rejsedage skal være mellem 0 og 6 ved grøn rejse.",
        ),
        (
            with(base.clone(), "end_date", "ikke en dato"),
            "Skriv «Sidste dag» som dd.mm.åååå",
        ),
        (
            with(base.clone(), "activity_type", "SM-COUR-TRAIN"),
            "Skriv kursets titel.",
        ),
        (
            base.iter()
                .filter(|(k, _)| *k != "deltager")
                .cloned()
                .collect(),
            "Vælg mindst én deltager.",
        ),
        // Dates with implausible years, or days that do not exist, name the field as labelled.
        (
            with(base.clone(), "start_date", "01-01-0001"),
            "«Første dag» skal ligge mellem år 2000 og 2100.",
        ),
        (
            with(base.clone(), "end_date", "31-12-9999"),
            "«Sidste dag» skal ligge mellem år 2000 og 2100.",
        ),
        (
            with(base.clone(), "start_date", "1.1.27"),
            "Skriv «Første dag» som dd.mm.åååå",
        ),
        (
            with(base.clone(), "start_date", "-0044-03-15"),
            "Skriv «Første dag» som dd.mm.åååå",
        ),
        (
            with(base.clone(), "end_date", "+262142-01-01"),
            "Skriv «Sidste dag» som dd.mm.åååå",
        ),
        (
            with(base.clone(), "end_date", "31.02.2027"),
            "«Sidste dag»: 31. februar 2027 findes ikke.",
        ),
        (
            with(base.clone(), "end_date", "29.02.2027"),
            "«Sidste dag»: 29. februar 2027 findes ikke.",
        ),
        // Another school's teacher, posted by id: refused without saying who it is.
        (
            with(base.clone(), "deltager", &d.peter),
            "Du kan kun tilmelde medarbejdere fra din egen skole. Vælg deltagerne fra listen.",
        ),
        // Sofie is in Gent 8–12 February 2027 already.
        (
            with(
                with(
                    with(base.clone(), "deltager", &d.sofie),
                    "start_date",
                    "10.02.2027",
                ),
                "end_date",
                "15.02.2027",
            ),
            "Sofie Bækgaard er allerede af sted 8.–12. februar 2027 hos Onderwijsnetwerk Oost-Vlaanderen (demo).",
        ),
        (
            with(
                base.clone(),
                "receiving_partner_id",
                "00000000-0000-0000-0000-000000000000",
            ),
            "Vælg en partner fra listen.",
        ),
    ];
    for (form, message) in cases {
        let r = leader.post_form("/mobiliteter/ny", &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(r.body.contains(message), "expected «{message}»");
        assert!(r.title().starts_with("Fejl: "));
        assert!(
            !r.body.contains("Peter Ørum"),
            "another school's teacher is never named to a leader: {message}"
        );
    }
    assert_eq!(
        d.app.count("SELECT count(*) FROM mobilities").await,
        before,
        "nothing was saved"
    );
    // Dates outside the chosen project's period.
    let project = d
        .app
        .id_of("SELECT id FROM projects WHERE call_year = 2025")
        .await
        .to_string();
    let r = leader
        .post_form(
            "/mobiliteter/ny",
            &with(base.clone(), "project_id", &project),
        )
        .await;
    assert!(
        r.body
            .contains("Datoerne skal ligge inden for bevillingen 2025-1-DK01-KA121-SCH-000300002")
    );
    // At most three on a preparatory visit (the coordinator may mix schools).
    let mut coord = d.app.login_as(KOORDINATOR).await;
    let ccsrf = coord.get("/").await.csrf();
    let school = d
        .app
        .id_of("SELECT id FROM organisations WHERE is_coordinator")
        .await
        .to_string();
    let mut prep = lisbon(&d, &ccsrf, "gem");
    prep = with(
        with(prep, "activity_type", "PREP-VISIT"),
        "organisation_id",
        &school,
    );
    prep.push(("deltager", &d.peter));
    prep.push(("deltager", &d.sofie));
    let r = coord
        .post_form(
            "/mobiliteter/ny",
            &with(
                with(prep, "start_date", "01.04.2027"),
                "end_date",
                "02.04.2027",
            ),
        )
        .await;
    assert!(
        r.body
            .contains("Højst 3 personer må deltage i et forberedende besøg."),
        "{}",
        r.body.contains("Fejl")
    );
    assert_eq!(
        d.app.count("SELECT count(*) FROM mobilities").await,
        before,
        "nothing half-written"
    );
    d.app.finish().await;
}

#[tokio::test]
async fn the_lifecycle_by_role() {
    let d = demo().await;
    let mut leader = d.app.login_as(SKOLELEDER).await;
    let mut coord = d.app.login_as(KOORDINATOR).await;
    let lcsrf = leader.get("/").await.csrf();
    let ccsrf = coord.get("/").await.csrf();
    let r = leader
        .post_form("/mobiliteter/ny", &lisbon(&d, &lcsrf, "gem"))
        .await;
    let id = id_from(r.location());
    let status = |id: &str| {
        let pool = d.app.pool.clone();
        let id: Uuid = id.parse().unwrap();
        async move {
            sqlx::query_scalar::<_, String>("SELECT status FROM mobilities WHERE id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(status(&id).await, "kladde");
    // The coordinator cannot approve a draft; the leader cannot approve at all.
    let r = post(&mut coord, ccsrf.clone(), id.clone(), "godkend", "").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("Det kan ikke lade sig gøre i mobilitetens nuværende status.")
    );
    post(&mut leader, lcsrf.clone(), id.clone(), "indstil", "").await;
    assert_eq!(status(&id).await, "indstillet");
    let r = post(&mut leader, lcsrf.clone(), id.clone(), "godkend", "").await;
    assert!(r.body.contains("Kun forvaltningen kan godkende"));
    // A rejection needs a reason, which the school then sees.
    let r = post(&mut coord, ccsrf.clone(), id.clone(), "afvis", "").await;
    assert!(r.body.contains("Skriv en begrundelse"));
    assert_eq!(status(&id).await, "indstillet");
    post(
        &mut coord,
        ccsrf.clone(),
        id.clone(),
        "afvis",
        "Vælg en værtsskole med læringscenter.",
    )
    .await;
    assert_eq!(status(&id).await, "afvist");
    let page = leader.get(&format!("/mobiliteter/{id}")).await;
    assert!(page.body.contains("Vælg en værtsskole med læringscenter."));
    // The leader corrects it: back to draft, then submitted again; approved; cannot complete early.
    let edit = leader.get(&format!("/mobiliteter/{id}/rediger")).await;
    assert_eq!(edit.status, StatusCode::OK);
    let version = edit
        .body
        .split("name=\"version\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let mut form = with(lisbon(&d, &lcsrf, "gem"), "version", &version);
    form = with(form, "purpose", "Læringscentre og co-teaching.");
    let r = leader
        .post_form(&format!("/mobiliteter/{id}/rediger"), &form)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&id).await, "kladde");
    post(&mut leader, lcsrf.clone(), id.clone(), "indstil", "").await;
    post(&mut coord, ccsrf.clone(), id.clone(), "godkend", "").await;
    assert_eq!(status(&id).await, "godkendt");
    assert_eq!(
        leader
            .get(&format!("/mobiliteter/{id}/rediger"))
            .await
            .status,
        StatusCode::FORBIDDEN,
        "approved: the leader edits no more"
    );
    let r = post(&mut coord, ccsrf.clone(), id.clone(), "gennemfoer", "").await;
    assert!(
        r.body
            .contains("først markeres som gennemført, når slutdatoen er passeret")
    );
    // Another school's leader can neither see nor act.
    let hash = udsyn::auth::password::hash(udsyn::demo::PASSWORD.into())
        .await
        .unwrap();
    sqlx::query("INSERT INTO accounts (email, role, staff_id, password_hash) SELECT 'karen@hede.dk', 'skoleleder', id, $1 FROM staff WHERE name = 'Karen Aagaard'")
        .bind(hash)
        .execute(&d.app.pool)
        .await
        .unwrap();
    let mut karen = d.app.login_as("karen@hede.dk").await;
    assert_eq!(
        karen.get(&format!("/mobiliteter/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
    let kcsrf = karen.get("/").await.csrf();
    assert_eq!(
        post(&mut karen, kcsrf, id.clone(), "aflys", "")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The own leader cancels the approved one; then nothing more can happen to it.
    post(
        &mut leader,
        lcsrf.clone(),
        id.clone(),
        "aflys",
        "Værten har aflyst.",
    )
    .await;
    assert_eq!(status(&id).await, "aflyst");
    assert_eq!(
        coord
            .get(&format!("/mobiliteter/{id}/rediger"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = post(&mut coord, ccsrf.clone(), id.clone(), "indstil", "").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A past, approved mobility can be marked completed by the coordinator.
    let past = d
        .app
        .id_of("SELECT id FROM mobilities WHERE status = 'gennemfoert' ORDER BY start_date LIMIT 1")
        .await;
    sqlx::query("UPDATE mobilities SET status = 'godkendt' WHERE id = $1")
        .bind(past)
        .execute(&d.app.pool)
        .await
        .unwrap();
    post(
        &mut coord,
        ccsrf.clone(),
        past.to_string(),
        "gennemfoer",
        "",
    )
    .await;
    assert_eq!(status(&past.to_string()).await, "gennemfoert");
    let history = coord.get(&format!("/mobiliteter/{id}")).await;
    for line in [
        "Kladde → Indstillet",
        "Indstillet → Afvist",
        "Godkendt → Aflyst",
        "Værten har aflyst.",
    ] {
        assert!(history.body.contains(line), "history has {line}");
    }
    d.app.finish().await;
}

#[tokio::test]
async fn the_second_of_two_editors_is_told_what_changed() {
    let d = demo().await;
    let mut first = d.app.login_as(KOORDINATOR).await;
    let mut second = d.app.login_as(KOORDINATOR).await;
    let id = d
        .app
        .id_of("SELECT id FROM mobilities WHERE status = 'godkendt' AND start_date = '2027-02-08'")
        .await;
    let org = d
        .app
        .id_of("SELECT organisation_id FROM mobilities WHERE start_date = '2027-02-08'")
        .await
        .to_string();
    let path = format!("/mobiliteter/{id}/rediger");
    let a = first.get(&path).await;
    let b = second.get(&path).await;
    let fields = |page: &Page, end: &'static str| -> Vec<(String, String)> {
        let grab = |name: &str| {
            page.body
                .split(&format!("name=\"{name}\" value=\""))
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string()
        };
        vec![
            ("csrf".into(), page.csrf()),
            ("version".into(), grab("version")),
            ("activity_type".into(), "SM-JOB-SHDW".into()),
            ("receiving_partner_id".into(), d.gent.clone()),
            ("organisation_id".into(), org.clone()),
            ("start_date".into(), "08.02.2027".into()),
            ("end_date".into(), end.into()),
            ("travel_days".into(), "2".into()),
            ("transport".into(), "tog".into()),
            ("deltager".into(), d.sofie.clone()),
            ("handling".into(), "gem".into()),
        ]
    };
    let fa = fields(&a, "11.02.2027");
    let refs: Vec<(&str, &str)> = fa.iter().map(|(x, y)| (x.as_str(), y.as_str())).collect();
    assert_eq!(
        first.post_form(&path, &refs).await.status,
        StatusCode::SEE_OTHER
    );
    let fb = fields(&b, "12.02.2027");
    let refs: Vec<(&str, &str)> = fb.iter().map(|(x, y)| (x.as_str(), y.as_str())).collect();
    let r = second.post_form(&path, &refs).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains(
        "Mobiliteten blev ændret af en anden, mens du redigerede. Dine ændringer er ikke gemt."
    ));
    assert!(
        r.body.contains("Slutdato: 12.02.2027 → 11.02.2027"),
        "says what changed: {}",
        r.body
            .split("Det har en anden ændret")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take(600)
            .collect::<String>()
    );
    assert!(r.body.contains("Mette Kjær Andersen"));
    let end: chrono::NaiveDate =
        sqlx::query_scalar("SELECT end_date FROM mobilities WHERE id = $1")
            .bind(id)
            .fetch_one(&d.app.pool)
            .await
            .unwrap();
    assert_eq!(end.to_string(), "2027-02-11", "the first save stands");
    d.app.finish().await;
}

#[tokio::test]
async fn more_than_two_shadowing_one_host_is_a_warning_not_a_refusal() {
    let d = demo().await;
    let mut leader = d.app.login_as(SKOLELEDER).await;
    let csrf = leader.get("/").await.csrf();
    let form = with(
        with(
            with(lisbon(&d, &csrf, "gem"), "receiving_partner_id", &d.gent),
            "start_date",
            "09.02.2027",
        ),
        "end_date",
        "11.02.2027",
    );
    let r = leader.post_form("/mobiliteter/ny", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = leader.get(r.location()).await;
    assert!(
        page.body
            .contains("3 deltagere er i jobshadowing hos samme vært i samme periode.")
    );
    d.app.finish().await;
}

#[tokio::test]
async fn the_overview_draws_every_mobility_of_the_year() {
    let d = demo().await;
    let mut coord = d.app.login_as(KOORDINATOR).await;
    for year in [2025, 2026, 2027] {
        let page = coord.get(&format!("/oversigt?aar={year}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM mobilities WHERE extract(year FROM start_date) = $1 OR extract(year FROM end_date) = $1")
            .bind(year as f64)
            .fetch_all(&d.app.pool)
            .await
            .unwrap();
        assert!(!ids.is_empty());
        let svg = page
            .body
            .split("<svg xmlns")
            .nth(1)
            .unwrap()
            .split("</svg>")
            .next()
            .unwrap();
        assert!(
            svg.contains("<title id=\"chart-title\">") && svg.contains("<desc id=\"chart-desc\">")
        );
        assert_eq!(
            svg.matches("<rect ").count(),
            ids.len(),
            "{year}: one bar per mobility"
        );
        for id in ids {
            assert!(
                svg.contains(&format!("<a href=\"/mobiliteter/{id}\">")),
                "{year}: a bar links to {id}"
            );
            let table = page.body.rsplit("</svg>").next().unwrap();
            assert!(
                table.contains(&format!("/mobiliteter/{id}")),
                "the table beneath has {id}"
            );
        }
    }
    // For a phone, the same trips month by month (shown below 576 px in place of the timeline),
    // each under the month it starts in and linking to the mobility; the browser suite checks the widths.
    let page = coord.get("/oversigt?aar=2026").await;
    let list = page
        .body
        .split(r#"<section class="udsyn-month-list""#)
        .nth(1)
        .expect("a list per month")
        .split("</section>")
        .next()
        .unwrap();
    assert!(list.contains(r#"<h2 id="by-month-heading">Måned for måned</h2>"#));
    let trips: Vec<(Uuid, chrono::NaiveDate)> = sqlx::query_as(
        "SELECT id, greatest(start_date, date '2026-01-01') FROM mobilities
         WHERE start_date <= date '2026-12-31' AND end_date >= date '2026-01-01'",
    )
    .fetch_all(&d.app.pool)
    .await
    .unwrap();
    let months = [
        "Januar",
        "Februar",
        "Marts",
        "April",
        "Maj",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "December",
    ];
    for (id, start) in &trips {
        let link = format!(r#"<a href="/mobiliteter/{id}">"#);
        let at = list
            .find(&link)
            .unwrap_or_else(|| panic!("{id} in the month list"));
        let month = months[chrono::Datelike::month0(start) as usize];
        let heading = list[..at].rfind("<h3>").expect("under a month heading");
        assert!(
            list[heading..].starts_with(&format!("<h3>{month}</h3>")),
            "{id} is listed under {month}"
        );
    }
    // A leader's overview holds their school's mobilities only.
    let mut leader = d.app.login_as(SKOLELEDER).await;
    let page = leader.get("/oversigt?aar=2026").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.h1());
    assert!(page.h1().contains("2026"), "{}", page.h1());
    assert!(
        page.body.contains("Engbakkeskolen (demo)"),
        "own school's rows are there"
    );
    assert!(!page.body.contains("Søbredden Skole (demo)"));
    d.app.finish().await;
}

/// Unfolds an iCalendar text into its content lines.
fn unfold(ics: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in ics.split("\r\n") {
        if let Some(rest) = line.strip_prefix(' ') {
            out.last_mut().unwrap().push_str(rest);
        } else if !line.is_empty() {
            out.push(line.to_string());
        }
    }
    out
}

#[tokio::test]
async fn the_calendar_feed_carries_every_mobility_of_the_person_until_revoked() {
    let d = demo().await;
    let mut me = d.app.login_as(MEDARBEJDER).await;
    let csrf = me.get("/kalender").await.csrf();
    let page = me
        .post_form("/kalender/ny", &[("csrf", &csrf), ("type", "personlig")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let link = page
        .body
        .split("id=\"feed-link\" type=\"text\" readonly value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let path = link.trim_start_matches("http://udsyn.test").to_string();
    assert!(path.starts_with("/kalender/") && path.ends_with(".ics"));

    let feed = d.app.client().get(&path).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert_eq!(
        feed.headers.get("content-type").unwrap(),
        "text/calendar; charset=utf-8"
    );
    let lines = unfold(&feed.body);
    assert_eq!(lines.first().unwrap(), "BEGIN:VCALENDAR");
    assert_eq!(lines.last().unwrap(), "END:VCALENDAR");
    assert!(
        feed.body.split("\r\n").all(|l| l.len() <= 75),
        "folded at 75 octets"
    );
    let expected: Vec<Uuid> = sqlx::query_scalar(
        "SELECT m.id FROM mobilities m JOIN mobility_participants mp ON mp.mobility_id = m.id
         WHERE mp.staff_id = $1 AND m.status <> 'kladde'",
    )
    .bind(d.sofie.parse::<Uuid>().unwrap())
    .fetch_all(&d.app.pool)
    .await
    .unwrap();
    assert_eq!(
        lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(),
        expected.len()
    );
    for id in &expected {
        assert!(
            lines.contains(&format!("UID:{id}@udsyn")),
            "{id} in the feed"
        );
    }
    assert!(
        lines.contains(&"DTSTART;VALUE=DATE:20270208".to_string())
            && lines.contains(&"DTEND;VALUE=DATE:20270213".to_string())
    );
    assert!(lines.iter().any(|l| {
        l.starts_with("SUMMARY:Jobshadowing hos Onderwijsnetwerk Oost-Vlaanderen (demo)")
    }));

    // Revoked: the address stops working at once.
    let feeds = me.get("/kalender").await;
    let feed_id = feeds
        .body
        .split("action=\"/kalender/")
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let r = me
        .post_form(
            &format!("/kalender/{feed_id}/tilbagekald"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        d.app.client().get(&path).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        d.app
            .client()
            .get("/kalender/gaet-en-adresse.ics")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Only the coordinator gets the consortium's feed.
    assert_eq!(
        me.post_form("/kalender/ny", &[("csrf", &csrf), ("type", "konsortium")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    d.app.finish().await;
}

#[tokio::test]
async fn lists_are_scoped_and_filtered() {
    let d = demo().await;
    let mut coord = d.app.login_as(KOORDINATOR).await;
    let all = coord.get("/mobiliteter").await;
    let n = d.app.count("SELECT count(*) FROM mobilities").await;
    assert!(all.body.contains(&format!("Viser 1–{n} af {n}.")));
    let y2027 = coord.get("/mobiliteter?aar=2026&status=godkendt").await;
    assert!(y2027.body.contains("Viser 1–1 af 1."));
    let pt = coord.get("/mobiliteter?land=PT").await;
    assert!(
        pt.body
            .contains("Centro de Formação Inclusiva do Porto (demo)")
            && !pt.body.contains("Het Kompas")
    );
    let mut leader = d.app.login_as(SKOLELEDER).await;
    let own = leader.get("/mobiliteter").await;
    assert!(
        !own.body.contains("Kildebakken Specialskole (demo)"),
        "another school's mobility is not listed"
    );
    assert!(own.body.contains("Onderwijsnetwerk Oost-Vlaanderen (demo)"));
    let other = d.app.id_of("SELECT id FROM mobilities WHERE organisation_id = (SELECT id FROM organisations WHERE name = 'Søbredden Skole (demo)') LIMIT 1").await;
    assert_eq!(
        leader.get(&format!("/mobiliteter/{other}")).await.status,
        StatusCode::FORBIDDEN
    );
    let mut me = d.app.login_as(MEDARBEJDER).await;
    let mine = me.get("/mobiliteter").await;
    assert!(
        mine.body.contains("Viser 1–3 af 3."),
        "the staff member's own three"
    );
    assert_eq!(
        me.get("/mobiliteter/ny").await.status,
        StatusCode::FORBIDDEN
    );
    d.app.finish().await;
}

/// A mobility saved (before dates were bounded) with a date at the end of time once made the
/// consortium's feed answer 500 until someone edited it.
#[tokio::test]
async fn the_consortium_feed_survives_a_date_at_the_end_of_time() {
    let d = demo().await;
    let mut coord = d.app.login_as(KOORDINATOR).await;
    let csrf = coord.get("/kalender").await.csrf();
    let page = coord
        .post_form("/kalender/ny", &[("csrf", &csrf), ("type", "konsortium")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let path = page
        .body
        .split("id=\"feed-link\" type=\"text\" readonly value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the new link")
        .trim_start_matches("http://udsyn.test")
        .to_string();
    let events = d
        .app
        .count("SELECT count(*) FROM mobilities WHERE status <> 'aflyst'")
        .await;
    sqlx::query(
        "UPDATE mobilities SET end_date = '262142-12-31'
         WHERE id = (SELECT id FROM mobilities WHERE status = 'kladde' LIMIT 1)",
    )
    .execute(&d.app.pool)
    .await
    .unwrap();
    let feed = d.app.client().get(&path).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.body);
    assert!(feed.body.starts_with("BEGIN:VCALENDAR"));
    let shown = feed.body.matches("BEGIN:VEVENT").count() as i64;
    assert!(
        shown >= 1 && shown < events + 1,
        "the others are still there ({shown} of {events})"
    );
    assert!(!feed.body.contains("262142"));
    d.app.finish().await;
}

/// The partner page is for every role; its list of mobilities is not.
#[tokio::test]
async fn the_partner_page_lists_only_the_mobilities_the_person_may_open() {
    let d = demo().await;
    // Porto's partner has mobilities from more than one school in the demo.
    let partner = d
        .app
        .id_of(
            "SELECT receiving_partner_id FROM mobilities GROUP BY receiving_partner_id
             ORDER BY count(DISTINCT organisation_id) DESC, count(*) DESC LIMIT 1",
        )
        .await;
    let all = d
        .app
        .count(&format!(
            "SELECT count(*) FROM mobilities WHERE receiving_partner_id = '{partner}'"
        ))
        .await;
    let path = format!("/partnere/{partner}");
    let links = |p: &Page| {
        let mut ids: Vec<String> = p
            .links("/mobiliteter/")
            .into_iter()
            .filter(|h| h["/mobiliteter/".len()..].parse::<Uuid>().is_ok())
            .collect();
        ids.dedup();
        ids
    };
    let mut coord = d.app.login_as(KOORDINATOR).await;
    let page = coord.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        links(&page).len() as i64,
        all,
        "the coordinator sees them all"
    );
    for who in [SKOLELEDER, MEDARBEJDER] {
        let mut c = d.app.login_as(who).await;
        let page = c.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{who}");
        assert!(page.body.contains("<h1>"), "{who}");
        let shown = links(&page);
        assert!((shown.len() as i64) < all, "{who} sees fewer than all");
        for href in shown {
            let r = c.get(&href).await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "{who} may open {href} listed on the page"
            );
        }
    }
    d.app.finish().await;
}

#[tokio::test]
async fn a_mobility_page_speaks_plain_danish_and_shows_codes_and_unchecked_rules_to_the_coordinator_only()
 {
    let d = demo().await;
    let mut leader = d.app.login_as(SKOLELEDER).await;
    let form = leader.get("/mobiliteter/ny").await;
    assert!(
        form.body
            .contains("Agrupamento de Escolas de Benfica (demo) (Lissabon)"),
        "the partner is offered with the city's Danish name"
    );
    let r = leader
        .post_form("/mobiliteter/ny", &lisbon(&d, &form.csrf(), "indstil"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = id_from(r.location());
    let page = leader.get(r.location()).await;
    assert!(
        page.body
            .contains("<p class=\"alert-text\">Oprettet og indstillet til godkendelse.</p>"),
        "the confirmation says what happened"
    );
    assert!(
        page.body.contains("Lissabon, Portugal"),
        "the Danish city name"
    );
    assert!(!page.body.contains("Lisbon"), "not the English one");
    // (The grant's working, a money section, keeps the rate's code.)
    assert!(
        page.body
            .contains("<dt>Aktivitet</dt><dd>Jobshadowing</dd>"),
        "no programme code in the facts for the school leader"
    );
    assert!(!page.body.contains("skal verificeres mod programguiden"));
    assert!(
        !page.body.contains("Varighedsreglen"),
        "the unchecked rule is the coordinator's business"
    );
    assert!(
        page.body.contains("Begrundelse for at aflyse (valgfri)"),
        "the reason's label in the infinitive"
    );

    let mut coord = d.app.login_as(KOORDINATOR).await;
    let detail = coord.get(&format!("/mobiliteter/{id}")).await;
    assert!(
        detail.body.contains("Jobshadowing (SM-JOB-SHDW)"),
        "the code for the BM"
    );
    assert!(detail.body.contains(
        "Varighedsreglen for aktiviteten er ikke kontrolleret mod programguiden for 2026."
    ));
    assert!(detail.body.contains(">Begrundelse for at afvise</label>"));
    assert!(
        detail
            .body
            .contains(">Begrundelse for at aflyse (valgfri)</label>")
    );
    assert!(!detail.body.contains("Begrundelse for at afvis<"));
    let r = post(&mut coord, detail.csrf(), id.clone(), "godkend", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let approved = coord.get(r.location()).await;
    assert!(
        approved
            .body
            .contains("<p class=\"alert-text\">Godkendt.</p>")
    );
    assert!(!approved.body.contains("<p class=\"alert-text\">Gemt.</p>"));

    // The overview and the partner list name the city in Danish too; the stored city stays.
    let overview = coord.get("/oversigt?aar=2027").await;
    assert!(
        overview
            .body
            .contains("Lissabon – Jobshadowing, 8.3.–12.3.")
    );
    assert!(overview.body.contains("Lissabon, Portugal"));
    let partners = coord.get("/partnere").await;
    assert!(partners.body.contains("<td>Lissabon</td>"));
    assert_eq!(
        d.app
            .count("SELECT count(*) FROM partners WHERE city = 'Lisbon'")
            .await,
        1
    );
    d.app.finish().await;
}

#[tokio::test]
async fn the_coordinator_and_the_leader_find_the_calendar_where_they_plan_trips() {
    let d = demo().await;
    for who in [KOORDINATOR, SKOLELEDER] {
        let mut c = d.app.login_as(who).await;
        for path in ["/mobiliteter", "/oversigt"] {
            let page = c.get(path).await;
            assert!(
                page.body.contains(
                    "<a href=\"/kalender\">Få mobiliteterne i din kalender (Outlook)</a>"
                ),
                "{who} on {path}"
            );
        }
    }
    d.app.finish().await;
}

#[tokio::test]
async fn a_participant_with_a_report_cannot_be_taken_off_and_nothing_changes() {
    let d = demo().await;
    let mut coordinator = d.app.login_as(KOORDINATOR).await;
    let mads = d
        .app
        .id_of("SELECT id FROM staff WHERE name = 'Mads Kirkegaard'")
        .await;
    let nadia = d
        .app
        .id_of("SELECT id FROM staff WHERE name = 'Nadia Jensen'")
        .await
        .to_string();
    let id = d
        .app
        .id_of(&format!(
            "SELECT mobility_id FROM reports WHERE staff_id = '{mads}'"
        ))
        .await;
    let (version, partner, org): (i32, Uuid, Uuid) = sqlx::query_as(
        "SELECT version, receiving_partner_id, organisation_id FROM mobilities WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&d.app.pool)
    .await
    .unwrap();
    let goal = d.app.id_of("SELECT id FROM goals WHERE number = 2").await;
    let path = format!("/mobiliteter/{id}/rediger");
    let page = coordinator.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    let (csrf, version, partner, org, goal) = (
        page.csrf(),
        version.to_string(),
        partner.to_string(),
        org.to_string(),
        goal.to_string(),
    );
    let count_participants =
        format!("SELECT count(*) FROM mobility_participants WHERE mobility_id = '{id}'");
    let participants = || d.app.count(&count_participants);
    let before = participants().await;
    let audits = d
        .app
        .count(&format!(
            "SELECT count(*) FROM audit_log WHERE entity_id = '{id}'"
        ))
        .await;
    // Mads is left out of the form: only Nadia stays.
    let form = vec![
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("activity_type", "SM-JOB-SHDW"),
        ("receiving_partner_id", partner.as_str()),
        ("organisation_id", org.as_str()),
        ("start_date", "09.03.2026"),
        ("end_date", "13.03.2026"),
        ("travel_days", "2"),
        ("transport", "fly"),
        ("project_id", ""),
        ("deltager", nadia.as_str()),
        ("maal", goal.as_str()),
        ("handling", "gem"),
    ];
    let r = coordinator.post_form(&path, &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.title());
    assert!(r.title().starts_with("Fejl: "), "{}", r.title());
    assert!(
        r.body.contains(
            "Mads Kirkegaard har en rapport om mobiliteten og kan derfor ikke tages af den. Mobiliteten er ikke gemt."
        ),
        "a Danish message on the participants"
    );
    assert_eq!(participants().await, before, "nobody was taken off");
    assert_eq!(
        d.app
            .count(&format!(
                "SELECT count(*) FROM reports WHERE staff_id = '{mads}' AND mobility_id = '{id}'"
            ))
            .await,
        1,
        "the report is still there"
    );
    let now: i32 = sqlx::query_scalar("SELECT version FROM mobilities WHERE id = $1")
        .bind(id)
        .fetch_one(&d.app.pool)
        .await
        .unwrap();
    assert_eq!(now.to_string(), version, "the mobility was not saved");
    assert_eq!(
        d.app
            .count(&format!(
                "SELECT count(*) FROM audit_log WHERE entity_id = '{id}'"
            ))
            .await,
        audits,
        "nothing in the audit log"
    );

    // With Mads kept, the same form saves.
    let mads = mads.to_string();
    let mut kept = form.clone();
    kept.push(("deltager", mads.as_str()));
    let r = coordinator.post_form(&path, &kept).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.title());
    d.app.finish().await;
}
