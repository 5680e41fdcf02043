//! Reports, reflections, the knowledge base, follow-up and reminders.

mod common;

use axum::http::StatusCode;
use common::*;
use uuid::Uuid;

struct Utrecht {
    mobility: Uuid,
    camilla: Uuid,
}

async fn utrecht(app: &TestApp) -> Utrecht {
    Utrecht {
        mobility: app
            .id_of("SELECT id FROM mobilities WHERE start_date = '2025-09-22'")
            .await,
        camilla: app
            .id_of("SELECT id FROM staff WHERE name = 'Camilla Ravn'")
            .await,
    }
}

fn report_fields<'a>(csrf: &'a str, handling: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        (
            "saw",
            "Overgange tilbage til almenklassen, planlagt over flere uger.",
        ),
        ("surprise", "At eleverne selv havde planen på væggen."),
        (
            "aha",
            "Inkluderende overgange kræver en fast voksen, der følger med.",
        ),
        ("change_plan", "Vi laver overgangsplaner for to elever."),
        ("change_by", "01.02.2026"),
        ("maal", "2"),
        ("vibus", "6"),
        ("fokus", "viden"),
        ("deling", "team"),
        ("vurdering_praksis_udland", "5"),
        ("handling", handling),
    ]
}

#[tokio::test]
async fn only_the_participant_or_the_coordinator_writes_and_colleagues_read() {
    let app = TestApp::demo().await;
    let u = utrecht(&app).await;
    let path = format!("/mobiliteter/{}/rapport", u.mobility);
    // Sofie's own report is already submitted: her link shows it.
    let mut sofie = app.login_as(MEDARBEJDER).await;
    let r = sofie.get(&path).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let sofie_report = r.location().to_string();
    // She may not write Camilla's.
    assert_eq!(
        sofie
            .get(&format!("{path}?deltager={}", u.camilla))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The school leader is not a participant: no writing, but reading a submitted report is fine.
    let mut leader = app.login_as(SKOLELEDER).await;
    assert_eq!(leader.get(&path).await.status, StatusCode::FORBIDDEN);
    let read = leader.get(&sofie_report).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.contains("Sofie Bækgaards rapport fra Het Kompas"));
    let csrf = leader.get("/").await.csrf();
    assert_eq!(
        leader
            .post_form(&path, &report_fields(&csrf, "indsend"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // The coordinator writes Camilla's on her behalf; empty required fields are named first.
    let mut coord = app.login_as(KOORDINATOR).await;
    let c = coord.get("/").await.csrf();
    let behalf = format!("{path}?deltager={}", u.camilla);
    let form = coord.get(&behalf).await;
    assert!(form.body.contains("Du skriver på vegne af Camilla Ravn."));
    let r = coord
        .post_form(&behalf, &[("csrf", &c), ("handling", "indsend")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Skriv hvad du så og lavede.")
            && r.body.contains("Skriv mindst ét aha-øjeblik.")
    );
    // A draft is saved without them, and nobody but the author and the coordinator sees it.
    let r = coord
        .post_form(
            &behalf,
            &[("csrf", &c), ("handling", "gem"), ("saw", "Første udkast")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let draft = app.id_of("SELECT id FROM reports WHERE staff_id = (SELECT id FROM staff WHERE name = 'Camilla Ravn')").await;
    assert_eq!(
        leader.get(&format!("/rapporter/{draft}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !leader
            .get("/vidensbank?q=udkast")
            .await
            .body
            .contains("Første udkast")
    );
    let r = coord
        .post_form(&behalf, &report_fields(&c, "indsend"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let status = |app: &TestApp, id: Uuid| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT status FROM mobilities WHERE id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        status(&app, u.mobility).await,
        "rapporteret",
        "every participant has reported"
    );
    // Submitted is final for the author; the coordinator can reopen.
    let again = coord
        .post_form(&behalf, &report_fields(&c, "indsend"))
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(
        again
            .body
            .contains("Rapporten er allerede indsendt. Kun forvaltningen kan genåbne den.")
    );
    let page = coord.get(&format!("/rapporter/{draft}")).await;
    assert!(
        page.body.contains("Genåbn rapporten")
            && page.body.contains("VIBUS 6: Mellemformer af høj kvalitet")
    );
    let r = coord
        .post_form(&format!("/rapporter/{draft}/genaabn"), &[("csrf", &c)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(status(&app, u.mobility).await, "gennemfoert");
    let s = sofie.get("/").await.csrf();
    assert_eq!(
        sofie
            .post_form(&format!("/rapporter/{draft}/genaabn"), &[("csrf", &s)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}

#[tokio::test]
async fn a_private_reflection_is_the_authors_alone_also_by_url_and_in_search() {
    let app = TestApp::demo().await;
    let private = app.id_of("SELECT id FROM reflections WHERE private").await;
    let mut sofie = app.login_as(MEDARBEJDER).await;
    let mut leader = app.login_as(SKOLELEDER).await;
    let mut coord = app.login_as(KOORDINATOR).await;
    assert_eq!(
        sofie.get(&format!("/refleksioner/{private}")).await.status,
        StatusCode::OK
    );
    for c in [&mut leader, &mut coord] {
        assert_eq!(
            c.get(&format!("/refleksioner/{private}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(
            !c.get("/refleksioner")
                .await
                .body
                .contains("Usikker på mig selv")
        );
        assert!(
            !c.get("/vidensbank?q=tvivl")
                .await
                .body
                .contains("Usikker på mig selv")
        );
    }
    let own = sofie.get("/vidensbank?q=tvivl").await;
    assert!(own.body.contains("Usikker på mig selv") && own.body.contains("Privat"));
    // The coordinator cannot feature it either.
    let c = coord.get("/").await.csrf();
    assert_eq!(
        coord
            .post_form(
                &format!("/refleksioner/{private}/fremhaev"),
                &[("csrf", &c)]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A new shared reflection is found by colleagues; the coordinator features it on the start page.
    let s = sofie.get("/refleksioner").await.csrf();
    let r = sofie
        .post_form(
            "/refleksioner",
            &[
                ("csrf", &s),
                ("phase", "efter"),
                ("title", "Visuelle skemaer i alle rum"),
                ("body", "Strukturen skal være ens i alle lokaler."),
                ("maal", "3"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let id = r
        .location()
        .trim_start_matches("/refleksioner/")
        .to_string();
    assert!(
        leader
            .get("/vidensbank?q=skema")
            .await
            .body
            .contains("Visuelle skemaer i alle rum")
    );
    coord
        .post_form(&format!("/refleksioner/{id}/fremhaev"), &[("csrf", &c)])
        .await;
    assert!(leader.get("/").await.status == StatusCode::OK);
    assert!(
        sofie
            .get("/")
            .await
            .body
            .contains("Visuelle skemaer i alle rum"),
        "featured on the start page"
    );
    let r = sofie
        .post_form(
            "/refleksioner",
            &[("csrf", &s), ("phase", "x"), ("title", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Vælg hvornår du skriver.") && r.body.contains("Skriv en overskrift."));
    app.finish().await;
}

#[tokio::test]
async fn the_knowledge_base_stems_danish_and_finds_compounds_by_their_first_part() {
    let app = TestApp::demo().await;
    let mut leader = app.login_as(SKOLELEDER).await;
    // "inkluderet" and "inkluderende" share the stem "inklud".
    let r = leader.get("/vidensbank?q=inkluderet").await;
    assert!(
        r.body.contains("<mark>Inkluderende</mark>")
            || r.body.contains("<mark>inkluderende</mark>"),
        "stemmed match highlighted"
    );
    assert!(r.body.contains("Sofie Bækgaard"));
    // "inklusion" finds "inklusionsstrategien" by prefix.
    let r = leader.get("/vidensbank?q=inklusion").await;
    assert!(
        r.body.contains("<mark>inklusionsstrategien</mark>")
            || r.body.contains("<mark>Inklusionsstrategien</mark>"),
        "compound found by its first part"
    );
    assert!(r.body.contains("Karen Aagaard"));
    // Each hit names its mobility and partner; filters narrow the hits.
    assert!(
        r.body
            .contains("Jobshadowing hos Sonderpädagogisches Zentrum Graz-Süd (demo), Østrig")
    );
    let it = leader.get("/vidensbank?q=inklusion&land=IT").await;
    assert_eq!(it.status, StatusCode::OK);
    assert!(
        it.body.contains("value=\"IT\" selected"),
        "the filter is shown as chosen"
    );
    assert!(
        it.body.contains("Ingen resultater.") || it.body.contains("resultat"),
        "the result count is said"
    );
    assert!(!it.body.contains("Karen Aagaard"));
    let focus = leader.get("/vidensbank?tag=fokus:foraeldre").await;
    assert!(focus.body.contains("Hanne Vestergaard") && !focus.body.contains("Morten Æbelø"));
    let goal = leader.get("/vidensbank?maal=1").await;
    assert!(goal.body.contains("Lars Østergaard") && !goal.body.contains("Mads Kirkegaard"));
    // Characters that mean something to tsquery are just text.
    assert_eq!(
        leader.get("/vidensbank?q=%27%3A*%26%7C!(").await.status,
        StatusCode::OK
    );
    app.finish().await;
}

#[tokio::test]
async fn follow_up_months_after_the_report() {
    let app = TestApp::demo().await;
    let sofie_report = app.id_of("SELECT id FROM reports WHERE staff_id = (SELECT id FROM staff WHERE email = 'medarbejder@demo.udsyn.dk')").await;
    let mut sofie = app.login_as(MEDARBEJDER).await;
    let start = sofie.get("/").await;
    assert!(
        start.body.contains(&format!(
            "<a href=\"/rapporter/{sofie_report}/opfoelgning\"><span class=\"sr-only\">Besvar opfølgningen: </span>Jobshadowing hos Het Kompas"
        )),
        "due since April 2026"
    );
    assert!(
        start.body.contains(
            "<span class=\"sr-only\">Skriv din rapport: </span>Kursus og træning hos CEIP Los Naranjos (demo)</a>"
        ),
        "a completed course without a report waits on the desk"
    );
    let path = format!("/rapporter/{sofie_report}/opfoelgning");
    let s = start.csrf();
    let r = sofie
        .post_form(&path, &[("csrf", &s), ("changed", "ja")])
        .await;
    assert!(r.body.contains("Skriv hvad du har ændret."));
    let r = sofie
        .post_form(
            &path,
            &[
                ("csrf", &s),
                ("changed", "ja"),
                ("what", "Overgangsplaner for to elever."),
                ("evidence", "Begge er tilbage i 5. klasse."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        sofie
            .get(r.location())
            .await
            .body
            .contains("Begge er tilbage i 5. klasse.")
    );
    assert_eq!(
        sofie.get(&path).await.status,
        StatusCode::BAD_REQUEST,
        "answered once"
    );
    // Not before it is due: a report submitted today waits FOLLOW_UP_MONTHS.
    sqlx::query("UPDATE reports SET submitted_at = now() WHERE staff_id = (SELECT id FROM staff WHERE name = 'Mads Kirkegaard')").execute(&app.pool).await.unwrap();
    let mads = app.id_of("SELECT id FROM reports WHERE staff_id = (SELECT id FROM staff WHERE name = 'Mads Kirkegaard')").await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let page = coord.get(&format!("/rapporter/{mads}/opfoelgning")).await;
    assert!(page.body.contains("Opfølgningen kan besvares fra"));
    // When every participant has answered, the mobility is followed up.
    let julie = app.id_of("SELECT id FROM reports WHERE staff_id = (SELECT id FROM staff WHERE name = 'Julie Winther')").await;
    let c = coord.get("/").await.csrf();
    coord
        .post_form(
            &format!("/rapporter/{julie}/opfoelgning"),
            &[("csrf", &c), ("changed", "nej"), ("what", "")],
        )
        .await;
    let status: String = sqlx::query_scalar(
        "SELECT status FROM mobilities WHERE id = (SELECT mobility_id FROM reports WHERE id = $1)",
    )
    .bind(julie)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(status, "opfulgt");
    app.finish().await;
}

#[tokio::test]
async fn reminders_go_to_the_outbox_once_a_day_and_leaders_see_their_school() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let list = coord.get("/paamindelser").await;
    for who in [
        "Camilla Ravn",
        "Sofie Bækgaard",
        "Julie Winther",
        "Mads Kirkegaard",
    ] {
        assert!(list.body.contains(who), "{who} owes something");
    }
    assert!(
        !list.body.contains("Lars Østergaard"),
        "followed up long ago"
    );
    let c = list.csrf();
    let r = coord.post_form("/paamindelser/send", &[("csrf", &c)]).await;
    let page = coord.get(r.location()).await;
    assert!(
        page.body.contains("6 påmindelser sendt (6 lagt i udbakken"),
        "{}",
        page.body.contains("sendt")
    );
    let outbox = coord.get("/udbakke").await;
    assert!(
        outbox
            .body
            .contains("Påmindelse: din rapport om Jobshadowing hos Het Kompas")
            && outbox.body.contains("camilla.ravn@engbakke.demo.udsyn.dk")
    );
    // Again within 24 hours: nobody is reminded twice.
    let r = coord.post_form("/paamindelser/send", &[("csrf", &c)]).await;
    assert!(
        coord
            .get(r.location())
            .await
            .body
            .contains("0 påmindelser sendt. 6 sprunget over")
    );
    assert_eq!(app.count("SELECT count(*) FROM reminders").await, 6);
    // A day later they may be reminded again.
    sqlx::query("UPDATE reminders SET sent_at = sent_at - interval '25 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    let r = coord.post_form("/paamindelser/send", &[("csrf", &c)]).await;
    assert!(
        coord
            .get(r.location())
            .await
            .body
            .contains("6 påmindelser sendt")
    );
    // The school leader sees and reminds only their own school; staff cannot.
    let mut leader = app.login_as(SKOLELEDER).await;
    let own = leader.get("/paamindelser").await;
    assert!(own.body.contains("Camilla Ravn") && !own.body.contains("Julie Winther"));
    assert_eq!(leader.get("/udbakke").await.status, StatusCode::FORBIDDEN);
    let mut staff = app.login_as(MEDARBEJDER).await;
    assert_eq!(
        staff.get("/paamindelser").await.status,
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}

#[tokio::test]
async fn reminder_mail_arrives_at_a_real_smtp_server() {
    // A real SMTP server on this machine, started by the test (tests/common/smtp.rs).
    let smtp = common::smtp::SmtpServer::start().await;
    let mut config = udsyn::config::Config::from_env().unwrap();
    config.smtp = Some(udsyn::config::Smtp {
        host: "127.0.0.1".into(),
        port: smtp.port,
        username: None,
        password: None,
        from: "Udsyn <udsyn@herning.test>".into(),
        tls: "none".into(),
    });
    let app = TestApp::with_config(config).await;
    udsyn::demo::load(&app.pool).await.unwrap();
    let mut leader = app.login_as(SKOLELEDER).await;
    let c = leader.get("/paamindelser").await.csrf();
    let r = leader
        .post_form("/paamindelser/send", &[("csrf", &c)])
        .await;
    let page = leader.get(r.location()).await;
    assert!(
        page.body.contains("4 påmindelser sendt. 0 sprunget over"),
        "Camilla's and Ahmad's reports, and Sofie's report and follow-up"
    );
    let mails = smtp.received();
    assert_eq!(mails.len(), 4, "{mails:?}");
    let (_, subject, body) = mails
        .iter()
        .find(|m| m.0 == "camilla.ravn@engbakke.demo.udsyn.dk")
        .expect("Camilla's reminder arrived");
    assert_eq!(
        subject,
        "Påmindelse: din rapport om Jobshadowing hos Het Kompas, school voor speciaal onderwijs (demo)"
    );
    assert!(body.contains("Kære Camilla Ravn"), "{body}");
    assert!(body.contains(&format!(
        "/mobiliteter/{}/rapport",
        utrecht(&app).await.mobility
    )));
    assert_eq!(
        app.count("SELECT count(*) FROM reminders WHERE via = 'smtp'")
            .await,
        4
    );
    assert_eq!(
        app.count("SELECT count(*) FROM reminders WHERE via = 'udbakke'")
            .await,
        0
    );
    app.finish().await;
}

#[tokio::test]
async fn a_follow_up_not_yet_due_shows_its_date_instead_of_a_link() {
    let app = TestApp::demo().await;
    sqlx::query("UPDATE reports SET submitted_at = now() WHERE staff_id = (SELECT id FROM staff WHERE name = 'Mads Kirkegaard')").execute(&app.pool).await.unwrap();
    let mads = app.id_of("SELECT id FROM reports WHERE staff_id = (SELECT id FROM staff WHERE name = 'Mads Kirkegaard')").await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let page = coord.get(&format!("/rapporter/{mads}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<p>Kan besvares fra "),
        "the date it opens"
    );
    assert!(
        !page.body.contains("Besvar opfølgningen"),
        "no link before it can be answered"
    );
    // Sofie's is due (since April 2026): the link is there.
    let sofie = app.id_of("SELECT id FROM reports WHERE staff_id = (SELECT id FROM staff WHERE email = 'medarbejder@demo.udsyn.dk')").await;
    let page = coord.get(&format!("/rapporter/{sofie}")).await;
    assert!(page.body.contains(&format!(
        "<a href=\"/rapporter/{sofie}/opfoelgning\">Besvar opfølgningen</a>"
    )));
    assert!(!page.body.contains("Kan besvares fra"));
    app.finish().await;
}

#[tokio::test]
async fn the_outbox_says_in_plain_danish_why_mail_is_not_sent() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let outbox = coord.get("/udbakke").await;
    assert_eq!(outbox.status, StatusCode::OK);
    assert!(
        outbox
            .body
            .contains("Udsyn sender ikke e-mail, fordi der ikke er sat en mailserver op.")
    );
    assert!(
        !outbox.body.contains("SMTP_HOST"),
        "the setting's name is in the README"
    );
    app.finish().await;
}
