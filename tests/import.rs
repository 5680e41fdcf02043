//! Staff import: upload, check, preview, import all valid rows or none, re-import by e-mail.

mod common;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::*;

/// Waits until the job has finished checking or importing, and returns its page.
async fn settle(c: &mut Client, job_path: &str) -> Page {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let page = c.get(job_path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        if !page.body.contains("id=\"import-progress\"") {
            return page;
        }
        assert!(Instant::now() < deadline, "the job finished in time");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn upload(c: &mut Client, filename: &str, bytes: Vec<u8>, school: &str) -> Page {
    let csrf = c.get("/medarbejdere/import").await.csrf();
    c.post_multipart(
        "/medarbejdere/import",
        &[("csrf", &csrf), ("skole", school)],
        Some(("fil", filename, bytes)),
    )
    .await
}

/// A staff system's export: Windows-1252, semicolons, Danish headers.
fn export(rows: usize, broken_every: usize) -> Vec<u8> {
    let mut s = String::from("Fornavn;Efternavn;E-mail;Stilling;Skole\r\n");
    for i in 1..=rows {
        let email = if broken_every > 0 && i % broken_every == 0 {
            format!("ikke-en-mail-{i}")
        } else {
            format!("laerer{i}@aaskolen.dk")
        };
        s.push_str(&format!("Søren;Ærø {i};{email};Lærer;Åskolen\r\n"));
    }
    encoding_1252(&s)
}

fn encoding_1252(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            'æ' => 0xE6,
            'ø' => 0xF8,
            'å' => 0xE5,
            'Æ' => 0xC6,
            'Ø' => 0xD8,
            'Å' => 0xC5,
            c if c.is_ascii() => c as u8,
            c => panic!("{c} not in the test's table"),
        })
        .collect()
}

#[tokio::test]
async fn a_clean_10000_row_file_is_imported_whole_and_reimport_updates_by_email() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let before = app.count("SELECT count(*) FROM staff").await;

    let started = Instant::now();
    let r = upload(&mut coord, "personale.csv", export(10_000, 0), "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let job = r.location().to_string();
    let preview = settle(&mut coord, &job).await;
    let checked = started.elapsed();
    assert!(
        preview.body.contains("Importér 10000 gyldige rækker"),
        "{}",
        preview.h1()
    );
    assert!(
        preview.body.contains("Søren Ærø 1"),
        "Windows-1252 read as Danish letters"
    );

    let started = Instant::now();
    let r = coord
        .post_form(&format!("{job}/importer"), &[("csrf", &preview.csrf())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let done = settle(&mut coord, &job).await;
    let imported = started.elapsed();
    assert!(
        done.body
            .contains("10000 nye medarbejdere, 0 opdaterede, 0 uændrede."),
        "{}",
        done.body
    );
    assert_eq!(
        app.count("SELECT count(*) FROM staff").await,
        before + 10_000
    );
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE entity = 'staff' AND action = 'medarbejder oprettet'").await, 10_000);
    println!("import timing: 10000 rows checked in {checked:?}, imported in {imported:?}");

    // The same people again, one renamed: updated by e-mail, no duplicates.
    let mut s = String::from("Navn;E-mail;Stilling;Skole\n");
    s.push_str("Søren Ærø Nielsen;LAERER1@aaskolen.dk;Pædagog;Åskolen\n");
    s.push_str("Søren Ærø 2;laerer2@aaskolen.dk;Lærer;Åskolen\n");
    let r = upload(&mut coord, "igen.csv", s.into_bytes(), "").await;
    let job = r.location().to_string();
    let preview = settle(&mut coord, &job).await;
    assert!(preview.body.contains(
        "<span class=\"udsyn-figure\">2</span> <span class=\"udsyn-figure-label\">findes i forvejen"
    ));
    coord
        .post_form(&format!("{job}/importer"), &[("csrf", &preview.csrf())])
        .await;
    let done = settle(&mut coord, &job).await;
    assert!(
        done.body
            .contains("0 nye medarbejdere, 1 opdaterede, 1 uændrede."),
        "{}",
        done.body
    );
    assert_eq!(
        app.count("SELECT count(*) FROM staff").await,
        before + 10_000
    );
    assert_eq!(
        app.count(
            "SELECT count(*) FROM staff WHERE name = 'Søren Ærø Nielsen' AND job_role = 'paedagog'"
        )
        .await,
        1
    );
    app.finish().await;
}

#[tokio::test]
async fn a_broken_10000_row_file_shows_its_problems_and_imports_nothing_when_cancelled() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let before = app.count("SELECT count(*) FROM staff").await;
    let r = upload(&mut coord, "personale.csv", export(10_000, 1000), "").await;
    let job = r.location().to_string();
    let preview = settle(&mut coord, &job).await;
    assert!(
        preview.body.contains("10 rækker kan ikke importeres"),
        "{}",
        preview.body
    );
    assert!(
        preview
            .body
            .contains("«ikke-en-mail-1000» er ikke en e-mailadresse.")
    );
    assert!(preview.body.contains("Importér 9990 gyldige rækker"));

    let report = coord.get(&format!("{job}/fejlrapport.csv")).await;
    assert_eq!(
        report.headers.get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    assert!(
        report
            .body
            .starts_with("\u{feff}Linje;Navn;E-mail;Stilling;Skole;Problemer")
    );
    assert_eq!(report.body.lines().count(), 11);
    assert!(
        report
            .body
            .contains("1001;Søren Ærø 1000;ikke-en-mail-1000"),
        "line 1001 of the file (header is line 1)"
    );

    let r = coord
        .post_form(&format!("{job}/annuller"), &[("csrf", &preview.csrf())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = settle(&mut coord, &job).await;
    assert!(page.body.contains("Importen er annulleret. Intet er gemt."));
    assert_eq!(app.count("SELECT count(*) FROM staff").await, before);
    // A cancelled job cannot be imported afterwards.
    coord
        .post_form(&format!("{job}/importer"), &[("csrf", &preview.csrf())])
        .await;
    assert_eq!(app.count("SELECT count(*) FROM staff").await, before);
    app.finish().await;
}

#[tokio::test]
async fn a_school_leader_imports_an_xlsx_for_their_own_school_only() {
    let app = TestApp::demo().await;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in [
        ["Navn", "E-mail", "Stilling", "Skole"],
        ["Karla Ølgaard", "karla@engbakke.dk", "Pædagog", ""],
        [
            "Bent Å",
            "bent@engbakke.dk",
            "Lærer",
            "Engbakkeskolen (demo)",
        ],
        ["Fremmed", "fremmed@hede.dk", "Lærer", "Hedelundskolen"],
        [
            "Peter Ørum",
            "peter.oerum@hedelund.demo.udsyn.dk",
            "Lærer",
            "",
        ],
    ]
    .iter()
    .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let mut leader = app.login_as(SKOLELEDER).await;
    let form = leader.get("/medarbejdere/import").await;
    assert!(
        form.body
            .contains("Alle rækker bliver medarbejdere på <strong>Engbakkeskolen (demo)</strong>")
    );
    let r = upload(&mut leader, "personale.xlsx", bytes, "").await;
    let job = r.location().to_string();
    let preview = settle(&mut leader, &job).await;
    assert!(preview.body.contains("«Hedelundskolen» er ikke din skole."));
    assert!(
        preview
            .body
            .contains("E-mailadressen tilhører en medarbejder på en anden skole.")
    );
    assert!(preview.body.contains("Importér 2 gyldige rækker"));
    leader
        .post_form(&format!("{job}/importer"), &[("csrf", &preview.csrf())])
        .await;
    let done = settle(&mut leader, &job).await;
    assert!(done.body.contains("2 nye medarbejdere"));
    let eng = app.count("SELECT count(*) FROM staff s JOIN organisations o ON o.id = s.organisation_id WHERE o.name = 'Engbakkeskolen (demo)' AND s.email IN ('karla@engbakke.dk', 'bent@engbakke.dk')").await;
    assert_eq!(eng, 2);
    assert_eq!(
        app.count("SELECT count(*) FROM staff WHERE email = 'fremmed@hede.dk'")
            .await,
        0
    );
    assert_eq!(app.count("SELECT count(*) FROM staff WHERE name = 'Peter Ørum' AND organisation_id = (SELECT id FROM organisations WHERE name = 'Hedelundskolen (demo)')").await, 1, "another school's teacher is untouched");

    // Another leader's job is not theirs to see; a staff member cannot import at all.
    let mut staff = app.login_as(MEDARBEJDER).await;
    assert_eq!(staff.get(&job).await.status, StatusCode::FORBIDDEN);
    app.finish().await;
}

/// A 1.5 KB sheet whose one far cell (XFD1048576) once made the reader allocate the whole grid
/// and abort the process.
#[tokio::test]
async fn a_sheet_with_a_cell_at_the_far_corner_is_refused_and_the_server_keeps_serving() {
    let app = TestApp::demo().await;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Navn").unwrap();
    ws.write_string(0, 1, "E-mail").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    assert!(bytes.len() < 10_000, "a small file: {} bytes", bytes.len());
    let mut leader = app.login_as(SKOLELEDER).await;
    let jobs = app.count("SELECT count(*) FROM import_jobs").await;
    let r = upload(&mut leader, "personale.xlsx", bytes, "").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.title().starts_with("Fejl: "));
    assert!(
        r.body.contains("Filen har mere end 50.000 rækker")
            || r.body.contains("Filen har mere end 50 000 rækker"),
        "{}",
        r.body
    );
    assert_eq!(app.count("SELECT count(*) FROM import_jobs").await, jobs);
    let start = leader.get("/").await;
    assert_eq!(start.status, StatusCode::OK);
    assert!(start.body.contains("Engbakkeskolen (demo)"));
    app.finish().await;
}

#[tokio::test]
async fn files_that_cannot_be_used_are_refused_with_a_message() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let jobs = || app.count("SELECT count(*) FROM import_jobs");
    for (name, bytes, message) in [
        ("tom.csv", Vec::new(), "Filen er tom."),
        (
            "x.csv",
            b"a;b;c\n1;2;3\n".to_vec(),
            "Filen mangler kolonnen Navn",
        ),
        (
            "x.xlsx",
            b"PK\x03\x04 ikke et rigtigt regneark".to_vec(),
            "Excel-filen kunne ikke åbnes",
        ),
        (
            "x.xls",
            vec![0xD0, 0xCF, 0x11, 0xE0, 1, 2, 3],
            "Gamle Excel-filer (.xls) kan ikke læses",
        ),
        (
            "billede.csv",
            vec![0x89, b'P', b'N', b'G', 0, 0, 0, 1],
            "hverken en CSV-fil eller et Excel-ark",
        ),
    ] {
        let r = upload(&mut coord, name, bytes, "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(r.body.contains(message), "{name}: {message}");
        assert!(r.title().starts_with("Fejl: "));
    }
    // No file chosen at all.
    let csrf = coord.get("/medarbejdere/import").await.csrf();
    let r = coord
        .post_multipart("/medarbejdere/import", &[("csrf", &csrf)], None)
        .await;
    assert!(r.body.contains("Vælg filen med medarbejderlisten."));
    // 50 MB is refused before it is read.
    let r = upload(&mut coord, "stor.csv", vec![b'a'; 50 * 1024 * 1024], "").await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("Det sendte er for stort"));
    // The coordinator's rows without a school need one chosen for the file.
    let r = upload(
        &mut coord,
        "x.csv",
        b"Navn;E-mail\nAnna;anna@x.dk\n".to_vec(),
        "",
    )
    .await;
    let page = settle(&mut coord, r.location()).await;
    assert!(
        page.body
            .contains("Skole mangler, og der er ikke valgt en skole for hele filen.")
    );
    assert_eq!(jobs().await, 1, "only the readable file made a job");
    app.finish().await;
}

#[tokio::test]
async fn a_job_cut_off_by_a_restart_says_so() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let account = app
        .id_of("SELECT id FROM accounts WHERE email = 'koordinator@demo.udsyn.dk'")
        .await;
    let job: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO import_jobs (created_by, filename, status, total_rows, created_at)
         VALUES ($1, 'afbrudt.csv', 'importeres', 500, now() - interval '2 hours') RETURNING id",
    )
    .bind(account)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let page = coord.get(&format!("/medarbejdere/import/{job}")).await;
    assert!(
        !page.body.contains("id=\"import-progress\""),
        "no endless progress bar"
    );
    assert!(
        page.body
            .contains("Kontrollen eller importen blev afbrudt, og intet er gemt. Send filen igen.")
    );
    app.finish().await;
}

#[tokio::test]
async fn the_error_report_cannot_run_an_imported_name_as_a_formula() {
    let app = TestApp::demo().await;
    let mut leader = app.login_as(SKOLELEDER).await;
    let file = "Navn;E-mail;Stilling\n\
                Karla Ølgaard;karla@engbakke.dk;Pædagog\n\
                =cmd|' /C calc'!A0;ikke-en-mail;Lærer\n\
                Bo Berg;@SUM(1+1)*cmd|' /C calc'!A0;Lærer\n";
    let r = upload(&mut leader, "personale.csv", file.as_bytes().to_vec(), "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let job = r.location().to_string();
    let preview = settle(&mut leader, &job).await;
    assert!(
        preview.body.contains("2 rækker kan ikke importeres"),
        "{}",
        preview.body
    );
    assert!(
        preview
            .body
            .contains("«ikke-en-mail» er ikke en e-mailadresse.")
    );

    let report = leader.get(&format!("{job}/fejlrapport.csv")).await;
    assert_eq!(report.status, StatusCode::OK);
    let text = report
        .body
        .strip_prefix('\u{feff}')
        .expect("a BOM for Excel");
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let (cmd, sum) = (&rows[0], &rows[1]);
    assert_eq!(cmd[0], "3", "line 3 of the file");
    assert!(cmd[1].starts_with("'="), "the name is text: {:?}", cmd[1]);
    assert_eq!(cmd[1], "'=cmd|' /C calc'!A0", "and otherwise as typed");
    assert_eq!(cmd[2], "ikke-en-mail");
    assert!(cmd[5].contains("«ikke-en-mail» er ikke en e-mailadresse."));
    assert_eq!(sum[1], "Bo Berg");
    assert!(
        sum[2].starts_with("'@SUM"),
        "a broken e-mail is text too: {:?}",
        sum[2]
    );
    // Nothing was imported by looking at the report.
    assert_eq!(
        app.count("SELECT count(*) FROM staff WHERE name LIKE '%calc%'")
            .await,
        0
    );
    app.finish().await;
}
