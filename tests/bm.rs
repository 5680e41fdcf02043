//! The Beneficiary Module's file: export (CSV and XLSX) in the mapping's columns with stable
//! mobility activity IDs, the column mapping (form and a BM header row), and the comparison of
//! the BM's own export with Udsyn, which changes nothing.

mod common;

use std::collections::{HashMap, HashSet};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use common::*;
use http_body_util::BodyExt;
use tower::ServiceExt;
use uuid::Uuid;

/// A GET whose body is kept as bytes (an XLSX file is not text).
async fn download(app: &TestApp, c: &Client, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = Request::get(path).body(Body::empty()).unwrap();
    if let Some(cookie) = &c.cookie {
        req.headers_mut()
            .insert(header::COOKIE, cookie.parse().unwrap());
    }
    req.headers_mut()
        .insert(header::HOST, "udsyn.test".parse().unwrap());
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, bytes)
}

type Table = Vec<Vec<String>>;

fn parse_csv(bytes: &[u8]) -> Table {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a BOM for Excel");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn write_csv(table: &Table) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    for row in table {
        w.write_record(row).unwrap();
    }
    w.into_inner().unwrap()
}

/// The first sheet: strings as they are, numbers as `f64` (kept apart, to check their type).
fn parse_xlsx(bytes: &[u8]) -> Vec<Vec<calamine::Data>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let first = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&first).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

async fn project(app: &TestApp, year: i32) -> Uuid {
    app.id_of(&format!("SELECT id FROM projects WHERE call_year = {year}"))
        .await
}

async fn mapping(app: &TestApp, year: i32) -> Vec<(String, Option<String>)> {
    sqlx::query_as("SELECT header, field FROM bm_columns WHERE call_year = $1 ORDER BY position")
        .bind(year as i16)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

/// Each exported participant mobility's grant in the database, by its mobility activity ID:
/// (travel, individual support, course fees, organisational support, inclusion, total, sum of
/// all lines).
async fn grants_by_id(app: &TestApp, project: Uuid) -> HashMap<String, [i64; 7]> {
    let rows: Vec<(String, Vec<i64>)> = sqlx::query_as(
        "SELECT b.bm_id, ARRAY[
                coalesce(sum(gl.cents) FILTER (WHERE gl.category = 'travel'), 0),
                coalesce(sum(gl.cents) FILTER (WHERE gl.category = 'individual_support'), 0),
                coalesce(sum(gl.cents) FILTER (WHERE gl.category = 'course_fees'), 0),
                coalesce(sum(gl.cents) FILTER (WHERE gl.category = 'organisational_support'), 0),
                coalesce(sum(gl.cents) FILTER (WHERE gl.category IN ('inclusion_participants', 'inclusion_organisation')), 0),
                pg.total_cents,
                coalesce(sum(gl.cents), 0)]::bigint[]
         FROM bm_mobility_ids b
         JOIN participant_grants pg ON pg.mobility_id = b.mobility_id AND pg.staff_id = b.staff_id
         LEFT JOIN grant_lines gl ON gl.mobility_id = b.mobility_id AND gl.staff_id = b.staff_id
         WHERE b.project_id = $1
         GROUP BY b.bm_id, pg.total_cents",
    )
    .bind(project)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(id, a)| (id, a.try_into().expect("seven amounts")))
        .collect()
}

/// The number of participant mobilities the BM file holds: approved and after.
async fn exported_count(app: &TestApp, project: Uuid) -> usize {
    app.count(&format!(
        "SELECT count(*) FROM mobility_participants mp JOIN mobilities m ON m.id = mp.mobility_id
         WHERE m.project_id = '{project}'
           AND m.status IN ('godkendt', 'gennemfoert', 'rapporteret', 'opfulgt')"
    ))
    .await as usize
}

fn euro(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn col(headers: &[String], name: &str) -> usize {
    headers
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("a column {name}"))
}

fn is_bm_id(id: &str, prefix: &str) -> bool {
    let (p, rest) = id.split_at(6.min(id.len()));
    p == prefix
        && rest.len() == 10
        && rest.starts_with("-MOB-")
        && rest[5..].bytes().all(|b| b.is_ascii_digit())
}

fn is_bm_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[2] == b'-'
        && b[5] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 2 || i == 5 || c.is_ascii_digit())
}

/// What a comparison must leave alone, as one text to compare before and after.
async fn snapshot(app: &TestApp) -> String {
    sqlx::query_scalar(
        "SELECT concat_ws('|',
            (SELECT md5(coalesce(string_agg(concat_ws(',', id, start_date, end_date, status, version, updated_at), ';' ORDER BY id), '')) FROM mobilities),
            (SELECT md5(coalesce(string_agg(concat_ws(',', mobility_id, staff_id, role, interrupted_days, course_fee_days), ';' ORDER BY mobility_id, staff_id), '')) FROM mobility_participants),
            (SELECT md5(coalesce(string_agg(concat_ws(',', mobility_id, staff_id, total_cents, computed_at), ';' ORDER BY mobility_id, staff_id), '')) FROM participant_grants),
            (SELECT md5(coalesce(string_agg(concat_ws(',', mobility_id, staff_id, category, cents), ';' ORDER BY mobility_id, staff_id, category), '')) FROM grant_lines),
            (SELECT md5(coalesce(string_agg(concat_ws(',', project_id, counter, bm_id, mobility_id, staff_id), ';' ORDER BY project_id, counter), '')) FROM bm_mobility_ids),
            (SELECT md5(coalesce(string_agg(concat_ws(',', call_year, position, header, field), ';' ORDER BY call_year, position), '')) FROM bm_columns),
            (SELECT count(*) FROM audit_log))",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn upload(c: &mut Client, path: &str, filename: &str, bytes: Vec<u8>) -> Page {
    let csrf = c.get(path).await.csrf();
    c.post_multipart(path, &[("csrf", &csrf)], Some(("fil", filename, bytes)))
        .await
}

#[tokio::test]
async fn the_export_follows_the_mapping_with_one_row_per_participant_mobility() {
    let app = TestApp::demo().await;
    let coord = app.login_as(KOORDINATOR).await;
    for (year, prefix) in [(2024, "200001"), (2025, "300002"), (2026, "400003")] {
        let id = project(&app, year).await;
        let (status, headers, bytes) =
            download(&app, &coord, &format!("/projekter/{id}/bm-eksport.csv")).await;
        assert_eq!(status, StatusCode::OK, "{year}");
        assert_eq!(
            headers.get(header::CONTENT_TYPE).unwrap(),
            "text/csv; charset=utf-8"
        );
        assert!(
            headers
                .get(header::CONTENT_DISPOSITION)
                .unwrap()
                .to_str()
                .unwrap()
                .contains(&format!("bm-mobiliteter-{prefix}-"))
        );
        let table = parse_csv(&bytes);
        let expected: Vec<String> = mapping(&app, year).await.into_iter().map(|m| m.0).collect();
        assert_eq!(
            table[0], expected,
            "the header row is the mapping of {year}"
        );
        let rows = &table[1..];
        assert_eq!(rows.len(), exported_count(&app, id).await, "{year}");
        assert!(!rows.is_empty());
        let h = &table[0];
        let (id_col, start, end) = (
            col(h, "Mobility activity ID"),
            col(h, "Start date"),
            col(h, "End date"),
        );
        let ids: HashSet<&str> = rows.iter().map(|r| r[id_col].as_str()).collect();
        assert_eq!(ids.len(), rows.len(), "unique IDs");
        assert!(ids.contains(format!("{prefix}-MOB-00001").as_str()));
        for r in rows {
            assert_eq!(r.len(), h.len());
            assert!(is_bm_id(&r[id_col], prefix), "{}", r[id_col]);
            assert!(is_bm_date(&r[start]) && is_bm_date(&r[end]), "{r:?}");
        }
        // The dates and amounts are the database's.
        let grants = grants_by_id(&app, id).await;
        let dates: HashMap<String, (String, String)> = sqlx::query_as::<_, (String, String, String)>(
            "SELECT b.bm_id, to_char(m.start_date, 'DD-MM-YYYY'), to_char(m.end_date, 'DD-MM-YYYY')
             FROM bm_mobility_ids b JOIN mobilities m ON m.id = b.mobility_id WHERE b.project_id = $1",
        )
        .bind(id)
        .fetch_all(&app.pool)
        .await
        .unwrap()
        .into_iter()
        .map(|(b, s, e)| (b, (s, e)))
        .collect();
        let amount_cols = [
            "Travel grant",
            "Individual support",
            "Course fees",
            "Organisational support",
            "Inclusion support for participants",
            "Total grant",
        ]
        .map(|c| col(h, c));
        for r in rows {
            let g = grants[&r[id_col]];
            assert_eq!(
                (r[start].clone(), r[end].clone()),
                dates[&r[id_col]].clone()
            );
            for (i, c) in amount_cols.iter().enumerate() {
                assert_eq!(r[*c], euro(g[i]), "{} of {}", h[*c], r[id_col]);
            }
            assert_eq!(g[5], g[6], "Total grant is the sum of the grant's lines");
            assert!(["Yes", "No"].contains(&r[col(h, "Participant")].as_str()));
            assert_eq!(r[col(h, "Force majeure")], "No");
        }
    }

    // A few fields in the BM's words, on the demo's train trip to Utrecht (2025).
    let id = project(&app, 2025).await;
    let (_, _, bytes) = download(&app, &coord, &format!("/projekter/{id}/bm-eksport.csv")).await;
    let table = parse_csv(&bytes);
    let h = &table[0];
    let train = table[1..]
        .iter()
        .find(|r| r[col(h, "Main means of transport")] == "Train")
        .expect("a train trip");
    assert_eq!(
        train[col(h, "Sustainable means of transport (green travel)")],
        "Yes"
    );
    assert_eq!(train[col(h, "Receiving country")], "NL");
    assert!(train[col(h, "Distance band")].starts_with("Between "));
    assert!(train[col(h, "Sending organisation")].starts_with('E'));
    assert!(train[col(h, "Receiving organisation")].starts_with('E'));
    let course = table[1..]
        .iter()
        .find(|r| r[col(h, "Activity type")] == "SM-COUR-TRAIN")
        .expect("a course");
    assert_eq!(course[col(h, "Course fees – number of days")], "5");
    assert_eq!(
        course[col(h, "Course title")],
        "Co-teaching for Inclusive Classrooms"
    );

    // The XLSX file: the same header row, IDs and rows; amounts are numbers.
    let (status, headers, bytes) =
        download(&app, &coord, &format!("/projekter/{id}/bm-eksport.xlsx")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers.get(header::CONTENT_TYPE).unwrap(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let sheet = parse_xlsx(&bytes);
    let xh: Vec<String> = sheet[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(&xh, h);
    assert_eq!(sheet.len(), table.len());
    let grants = grants_by_id(&app, id).await;
    for r in &sheet[1..] {
        let bm_id = r[col(h, "Mobility activity ID")].to_string();
        let g = grants[&bm_id];
        match &r[col(h, "Total grant")] {
            calamine::Data::Float(f) => assert_eq!((f * 100.0).round() as i64, g[5]),
            other => panic!("Total grant as a number, not {other:?}"),
        }
        match &r[col(h, "Travel grant")] {
            calamine::Data::Float(f) => assert_eq!((f * 100.0).round() as i64, g[0]),
            other => panic!("Travel grant as a number, not {other:?}"),
        }
        assert!(is_bm_date(&r[col(h, "Start date")].to_string()));
    }
    let csv_ids: HashSet<String> = table[1..]
        .iter()
        .map(|r| r[col(h, "Mobility activity ID")].clone())
        .collect();
    let xlsx_ids: HashSet<String> = sheet[1..]
        .iter()
        .map(|r| r[col(h, "Mobility activity ID")].to_string())
        .collect();
    assert_eq!(csv_ids, xlsx_ids);
    app.finish().await;
}

#[tokio::test]
async fn ids_are_kept_across_exports_and_never_given_twice() {
    let app = TestApp::demo().await;
    let coord = app.login_as(KOORDINATOR).await;
    let id = project(&app, 2025).await;
    let path = format!("/projekter/{id}/bm-eksport.csv");
    let ids_of = |bytes: Vec<u8>| -> HashSet<String> {
        let t = parse_csv(&bytes);
        let c = col(&t[0], "Mobility activity ID");
        t[1..].iter().map(|r| r[c].clone()).collect()
    };
    let first = ids_of(download(&app, &coord, &path).await.2);
    let assigned: Vec<(String, Uuid, Uuid)> = sqlx::query_as(
        "SELECT bm_id, mobility_id, staff_id FROM bm_mobility_ids WHERE project_id = $1 ORDER BY counter",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(assigned.len(), 6);
    assert_eq!(
        assigned.iter().map(|a| a.0.clone()).collect::<HashSet<_>>(),
        first
    );
    assert_eq!(assigned[5].0, "300002-MOB-00006");

    // Again, as CSV and XLSX: every participant keeps their ID.
    assert_eq!(ids_of(download(&app, &coord, &path).await.2), first);
    let sheet = parse_xlsx(
        &download(&app, &coord, &format!("/projekter/{id}/bm-eksport.xlsx"))
            .await
            .2,
    );
    let again: Vec<(String, Uuid, Uuid)> = sqlx::query_as(
        "SELECT bm_id, mobility_id, staff_id FROM bm_mobility_ids WHERE project_id = $1 ORDER BY counter",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(again, assigned);
    assert_eq!(sheet.len(), 7);

    // One participant (without a report) leaves their mobility; a colleague joins it.
    let (removed_id, mobility, staff) = assigned
        .iter()
        .find(|a| a.0 == "300002-MOB-00002")
        .cloned()
        .unwrap();
    let has_report = app
        .count(&format!(
            "SELECT count(*) FROM reports WHERE mobility_id = '{mobility}' AND staff_id = '{staff}'"
        ))
        .await;
    if has_report > 0 {
        sqlx::query("DELETE FROM follow_ups WHERE report_id IN (SELECT id FROM reports WHERE mobility_id = $1 AND staff_id = $2)")
            .bind(mobility)
            .bind(staff)
            .execute(&app.pool)
            .await
            .unwrap();
        sqlx::query("DELETE FROM reports WHERE mobility_id = $1 AND staff_id = $2")
            .bind(mobility)
            .bind(staff)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    sqlx::query("DELETE FROM mobility_participants WHERE mobility_id = $1 AND staff_id = $2")
        .bind(mobility)
        .bind(staff)
        .execute(&app.pool)
        .await
        .unwrap();
    let newcomer: Uuid = sqlx::query_scalar(
        "SELECT id FROM staff WHERE active AND id NOT IN
             (SELECT staff_id FROM mobility_participants WHERE mobility_id = $1)
         ORDER BY name LIMIT 1",
    )
    .bind(mobility)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO mobility_participants (mobility_id, staff_id) VALUES ($1, $2)")
        .bind(mobility)
        .bind(newcomer)
        .execute(&app.pool)
        .await
        .unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    udsyn::db::grants::recompute(&mut conn, &[mobility])
        .await
        .unwrap();
    drop(conn);

    let after = ids_of(download(&app, &coord, &path).await.2);
    assert_eq!(after.len(), 6);
    assert!(
        !after.contains(&removed_id),
        "the removed participant's row is gone"
    );
    assert!(after.contains("300002-MOB-00007"), "{after:?}");
    let new_id: String = sqlx::query_scalar(
        "SELECT bm_id FROM bm_mobility_ids WHERE project_id = $1 AND mobility_id = $2 AND staff_id = $3",
    )
    .bind(id)
    .bind(mobility)
    .bind(newcomer)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        new_id, "300002-MOB-00007",
        "the next counter, not the freed one"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM bm_mobility_ids WHERE project_id = '{id}' AND bm_id = '{removed_id}'"
        ))
        .await,
        1,
        "the removed participant keeps their ID"
    );
    // The newcomer's amounts are in the file, computed like everyone's.
    let t = parse_csv(&download(&app, &coord, &path).await.2);
    let h = &t[0];
    let row = t[1..]
        .iter()
        .find(|r| r[col(h, "Mobility activity ID")] == "300002-MOB-00007")
        .unwrap();
    let grants = grants_by_id(&app, id).await;
    assert_eq!(
        row[col(h, "Total grant")],
        euro(grants["300002-MOB-00007"][5])
    );
    // Each export that gave IDs is in the audit log, once.
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'BM-mobilitets-ID''er tildelt'")
            .await,
        2
    );
    app.finish().await;
}

#[tokio::test]
async fn the_inclusion_justification_never_reaches_the_file() {
    let app = TestApp::demo().await;
    let coord = app.login_as(KOORDINATOR).await;
    let id = project(&app, 2025).await;
    let secret = "HEMMELIG-BEGRUNDELSE-4711 hørehæmmet";
    let (mobility, staff): (Uuid, Uuid) = sqlx::query_as(
        "SELECT mp.mobility_id, mp.staff_id FROM mobility_participants mp
         JOIN mobilities m ON m.id = mp.mobility_id
         WHERE m.project_id = $1 AND m.status <> 'aflyst' AND mp.role = 'deltager' LIMIT 1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE mobility_participants SET fewer_opportunities = true, inclusion_real_cents = 45000,
                inclusion_approved = true, inclusion_justification = $3
         WHERE mobility_id = $1 AND staff_id = $2",
    )
    .bind(mobility)
    .bind(staff)
    .bind(secret)
    .execute(&app.pool)
    .await
    .unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    udsyn::db::grants::recompute(&mut conn, &[mobility])
        .await
        .unwrap();
    drop(conn);

    let (_, _, csv) = download(&app, &coord, &format!("/projekter/{id}/bm-eksport.csv")).await;
    let text = String::from_utf8(csv.clone()).unwrap();
    assert!(
        !text.contains("HEMMELIG"),
        "the justification is not in the CSV"
    );
    assert!(!text.contains("hørehæmmet"));
    let (_, _, xlsx) = download(&app, &coord, &format!("/projekter/{id}/bm-eksport.xlsx")).await;
    for row in parse_xlsx(&xlsx) {
        for cell in row {
            assert!(!cell.to_string().contains("HEMMELIG"), "not in the XLSX");
        }
    }
    // Only the flag goes in the file, and the inclusion support as an amount.
    let bm_id: String = sqlx::query_scalar(
        "SELECT bm_id FROM bm_mobility_ids WHERE mobility_id = $1 AND staff_id = $2",
    )
    .bind(mobility)
    .bind(staff)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let t = parse_csv(&csv);
    let h = &t[0];
    let row = t[1..]
        .iter()
        .find(|r| r[col(h, "Mobility activity ID")] == bm_id)
        .unwrap();
    assert_eq!(row[col(h, "Participant with fewer opportunities")], "Yes");
    let inclusion = grants_by_id(&app, id).await[&bm_id][4];
    assert!(inclusion > 0);
    assert_eq!(
        row[col(h, "Inclusion support for participants")],
        euro(inclusion)
    );
    app.finish().await;
}

#[tokio::test]
async fn only_the_coordinator_reaches_the_bm_pages() {
    let app = TestApp::demo().await;
    let id = project(&app, 2025).await;
    let gets = [
        format!("/projekter/{id}/bm-eksport.csv"),
        format!("/projekter/{id}/bm-eksport.xlsx"),
        format!("/projekter/{id}/bm-kolonner"),
        format!("/projekter/{id}/bm-import"),
    ];
    let mut coord = app.login_as(KOORDINATOR).await;
    let csrf = coord.get("/").await.csrf();
    for who in [SKOLELEDER, MEDARBEJDER] {
        let mut c = app.login_as(who).await;
        let their_csrf = c.get("/").await.csrf();
        for path in &gets {
            let page = c.get(path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{path} as {who}");
            assert_eq!(page.h1(), "Du har ikke adgang til siden");
        }
        for path in [&gets[2], &gets[3]] {
            let r = c
                .post_multipart(
                    path,
                    &[("csrf", &their_csrf)],
                    Some(("fil", "bm.csv", b"Mobility activity ID\n".to_vec())),
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "POST {path} as {who}");
        }
    }
    assert_eq!(
        app.count("SELECT count(*) FROM bm_mobility_ids").await,
        0,
        "a refused export gave no IDs"
    );
    // An unknown project is 404 for the coordinator.
    let unknown = Uuid::new_v4();
    for path in [
        "bm-eksport.csv",
        "bm-eksport.xlsx",
        "bm-kolonner",
        "bm-import",
    ] {
        let page = coord.get(&format!("/projekter/{unknown}/{path}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    let r = coord
        .post_form(
            &format!("/projekter/{unknown}/bm-kolonner"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Without its token a file is refused, and nothing is saved.
    let before = snapshot(&app).await;
    for path in [&gets[2], &gets[3]] {
        let r = coord
            .post_multipart(
                path,
                &[],
                Some(("fil", "bm.csv", b"Mobility activity ID;X\n".to_vec())),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(r.body.contains("Genindlæs siden og prøv igen"));
    }
    assert_eq!(snapshot(&app).await, before);
    app.finish().await;
}

/// Windows-1252, as Danish Excel saves CSV.
fn cp1252(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            'æ' => 0xE6,
            'ø' => 0xF8,
            'å' => 0xE5,
            c if c.is_ascii() => c as u8,
            c => panic!("{c} not in the test's table"),
        })
        .collect()
}

#[tokio::test]
async fn a_header_row_from_the_bm_becomes_the_mapping() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let id = project(&app, 2025).await;
    let path = format!("/projekter/{id}/bm-kolonner");
    let page = coord.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.h1(), "BM-kolonner for indkaldelse 2025");
    assert!(page.body.contains("Course fees – number of days"));
    assert!(
        page.body.contains("Deltagerens skoles OID")
            || page.body.contains("OID for deltagerens skole")
    );
    let audit = app
        .count("SELECT count(*) FROM audit_log WHERE action = 'BM-kolonner ændret'")
        .await;

    // A BM export (Windows-1252, semicolons) with a column Udsyn does not know.
    let file = cp1252(
        "Mobility activity ID;START DATE; End  date ;Sprogstøtte (OLS);Total;Participant report status\r\n\
         300002-MOB-00001;22-09-2025;26-09-2025;;1000.00;Submitted\r\n",
    );
    let r = upload(&mut coord, &path, "bm-eksport.csv", file).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("Udsyn genkendte ikke 2 overskrifter"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Sprogstøtte (OLS)"));
    assert!(r.body.contains("Participant report status"));
    assert_eq!(
        mapping(&app, 2025).await,
        vec![
            ("Mobility activity ID".into(), Some("mobility_id".into())),
            ("START DATE".into(), Some("start_date".into())),
            ("End  date".into(), Some("end_date".into())),
            ("Sprogstøtte (OLS)".into(), None),
            ("Total".into(), Some("total_grant".into())),
            ("Participant report status".into(), None),
        ]
    );
    assert_eq!(
        mapping(&app, 2024).await.len(),
        27,
        "another year keeps its own columns"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'BM-kolonner ændret'")
            .await,
        audit + 1
    );
    // The next export has exactly these columns, the unknown ones empty.
    let coordinator = app.login_as(KOORDINATOR).await;
    let (_, _, bytes) = download(
        &app,
        &coordinator,
        &format!("/projekter/{id}/bm-eksport.csv"),
    )
    .await;
    let t = parse_csv(&bytes);
    assert_eq!(
        t[0],
        [
            "Mobility activity ID",
            "START DATE",
            "End  date",
            "Sprogstøtte (OLS)",
            "Total",
            "Participant report status"
        ]
    );
    for r in &t[1..] {
        assert!(r[0].starts_with("300002-MOB-"));
        assert!(is_bm_date(&r[1]) && is_bm_date(&r[2]));
        assert_eq!(r[3], "", "an unknown column is written empty");
        assert!(r[4].contains('.'));
        assert_eq!(r[5], "");
    }

    // The same from an XLSX export, with a title row above the headers.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Mobilities – 2025-1-DK01-KA121-SCH-000300002")
        .unwrap();
    for (c, h) in ["Mobility activity ID", "Travel grant", "Individual support"]
        .iter()
        .enumerate()
    {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let r = upload(&mut coord, &path, "bm.xlsx", wb.save_to_buffer().unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(!r.body.contains("Udsyn genkendte ikke"));
    assert_eq!(
        mapping(&app, 2025)
            .await
            .into_iter()
            .map(|m| m.1.unwrap())
            .collect::<Vec<_>>(),
        ["mobility_id", "travel_grant", "individual_support"]
    );

    // Files Udsyn cannot use are refused, and nothing is saved.
    let before = mapping(&app, 2025).await;
    let bad: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "bm.csv",
            b"\xEF\xBB\xBFMobility activity ID;Start \xff\xfe date\n".to_vec(),
            "ugyldige tegn",
        ),
        (
            "bm.csv",
            b"M\x00o\x00b\x00i\x00l\x00i\x00t\x00y\x00".to_vec(),
            "hverken en CSV-fil",
        ),
        ("bm.csv", b"   \n".to_vec(), "Filen er tom."),
        ("bm.csv", b";;;\n;;\n".to_vec(), "ingen overskriftsrække"),
        (
            "bm.csv",
            b"Mobility activity ID;Total grant;Total\n".to_vec(),
            "står begge for",
        ),
        (
            "bm.csv",
            b"Mobility activity ID;;Total\n".to_vec(),
            "Kolonne B i overskriftsrækken er tom",
        ),
        ("bm.xls", b"\xD0\xCF\x11\xE0old".to_vec(), ".xls"),
    ];
    for (name, bytes, message) in bad {
        let r = upload(&mut coord, &path, name, bytes).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(r.title().starts_with("Fejl: "));
        assert!(r.body.contains(message), "{message}: {}", r.body);
        assert_eq!(
            mapping(&app, 2025).await,
            before,
            "{message}: nothing saved"
        );
    }
    let csrf = coord.get(&path).await.csrf();
    let r = coord.post_multipart(&path, &[("csrf", &csrf)], None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Vælg filen"));
    app.finish().await;
}

#[tokio::test]
async fn the_mapping_form_edits_adds_and_removes_columns() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let id = project(&app, 2026).await;
    let path = format!("/projekter/{id}/bm-kolonner");
    let page = coord.get(&path).await;
    let csrf = page.csrf();
    // The shown rows: 27 and an empty one to add with.
    assert!(page.body.contains("name=\"header_27\""));
    assert!(!page.body.contains("name=\"header_28\""));

    let current = mapping(&app, 2026).await;
    let mut form: Vec<(String, String)> = vec![("csrf".into(), csrf.clone())];
    for (i, (h, f)) in current.iter().enumerate() {
        form.push((format!("pos_{i}"), (i + 1).to_string()));
        form.push((format!("header_{i}"), h.clone()));
        form.push((format!("field_{i}"), f.clone().unwrap_or_default()));
    }
    fn post(form: &[(String, String)]) -> Vec<(&str, &str)> {
        form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }
    // "Add a column" shows one more empty row and saves nothing.
    let mut add = form.clone();
    for (k, v) in [
        ("pos_27", "28"),
        ("header_27", ""),
        ("field_27", ""),
        ("handling", "tilfoej"),
    ] {
        add.push((k.into(), v.into()));
    }
    let before = snapshot(&app).await;
    let r = coord.post_form(&path, &post(&add)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("name=\"header_27\""));
    assert!(r.body.contains("name=\"header_28\""));
    assert_eq!(snapshot(&app).await, before);

    // Rename the first header, remove the second column, move the total first, add one.
    let mut edit = form.clone();
    edit.retain(|(k, _)| k != "header_0" && k != "pos_26");
    edit.push(("header_0".into(), "  Mobility ID (BM)  ".into()));
    edit.push(("fjern_1".into(), "ja".into()));
    edit.push(("pos_26".into(), "0".into()));
    edit.push(("pos_27".into(), "28".into()));
    edit.push(("header_27".into(), "Data type".into()));
    edit.push(("field_27".into(), String::new()));
    edit.push(("handling".into(), "gem".into()));
    let r = coord.post_form(&path, &post(&edit)).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "position 0 is not a position"
    );
    assert!(r.body.contains("skriv placeringen som et helt tal"));
    edit.retain(|(k, _)| k != "pos_26");
    edit.push(("pos_26".into(), "1".into()));
    let r = coord.post_form(&path, &post(&edit)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("/projekter/{id}/bm-kolonner?gemt=1"));
    let saved = mapping(&app, 2026).await;
    assert_eq!(saved.len(), 27);
    assert_eq!(
        saved[0],
        ("Mobility ID (BM)".into(), Some("mobility_id".into()))
    );
    assert_eq!(saved[1], ("Total grant".into(), Some("total_grant".into())));
    assert_eq!(saved[2].0, "Participant");
    assert!(!saved.iter().any(|s| s.0 == "Activity type"));
    assert_eq!(saved[26], ("Data type".into(), None));
    let page = coord.get(r.location()).await;
    assert!(page.body.contains("Kolonnerne er gemt."));
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE action = 'BM-kolonner ændret' AND entity_id = '2026'"
        )
        .await,
        1
    );

    // Two columns for one field, or a field without a header: 422, nothing saved.
    let before = mapping(&app, 2026).await;
    let mut twice = form.clone();
    twice.retain(|(k, _)| k != "field_1");
    twice.push(("field_1".into(), "mobility_id".into()));
    let r = coord.post_form(&path, &post(&twice)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Et felt kan kun skrives i én kolonne."),
        "{}",
        r.body
    );
    let mut no_header = form.clone();
    no_header.retain(|(k, _)| k != "header_3");
    no_header.push(("header_3".into(), "   ".into()));
    let r = coord.post_form(&path, &post(&no_header)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Kolonne 4 har ingen overskrift."),
        "{}",
        r.body
    );
    let mut unknown_field = form.clone();
    unknown_field.push(("field_0".into(), "diagnose".into()));
    unknown_field.retain(|(k, v)| !(k == "field_0" && v == "mobility_id"));
    let r = coord.post_form(&path, &post(&unknown_field)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("vælg et felt fra listen"));
    let mut none: Vec<(String, String)> = vec![("csrf".into(), csrf.clone())];
    for i in 0..27 {
        none.push((format!("header_{i}"), "x".into()));
        none.push((format!("fjern_{i}"), "ja".into()));
    }
    let r = coord.post_form(&path, &post(&none)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Der skal være mindst én kolonne."));
    assert_eq!(mapping(&app, 2026).await, before);
    app.finish().await;
}

#[tokio::test]
async fn the_bms_export_is_compared_and_nothing_is_changed() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let id = project(&app, 2025).await;
    let (_, _, bytes) = download(&app, &coord, &format!("/projekter/{id}/bm-eksport.csv")).await;
    let mut table = parse_csv(&bytes);
    let h = table[0].clone();
    let (idc, endc, travelc) = (
        col(&h, "Mobility activity ID"),
        col(&h, "End date"),
        col(&h, "Travel grant"),
    );
    let (first_id, old_end) = (table[1][idc].clone(), table[1][endc].clone());
    let (second_id, old_travel) = (table[2][idc].clone(), table[2][travelc].clone());
    table[1][endc] = "30-12-2025".into();
    table[2][travelc] = "999.99".into();
    let path = format!("/projekter/{id}/bm-import");
    let page = coord.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Mobility activity ID"));

    let before = snapshot(&app).await;
    let r = upload(&mut coord, &path, "bm-eksport.csv", write_csv(&table)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Udsyn har ikke ændret noget"));
    let diffs = r
        .body
        .split("id=\"forskelle\"")
        .nth(1)
        .expect("a table of differences");
    let diffs = diffs.split("</table>").next().unwrap();
    assert_eq!(
        diffs.matches("<tr><td class=\"udsyn-num\">").count(),
        2,
        "{diffs}"
    );
    assert!(diffs.contains(&first_id) && diffs.contains("30-12-2025") && diffs.contains(&old_end));
    assert!(diffs.contains(&second_id) && diffs.contains("999.99") && diffs.contains(&old_travel));
    assert!(diffs.contains("Slutdato") && diffs.contains("Rejsetilskud"));
    assert!(!r.body.contains("id=\"ukendte-raekker\""));
    assert!(!r.body.contains("id=\"mangler\""));
    assert_eq!(snapshot(&app).await, before, "the database is unchanged");

    // A row Udsyn does not know, a row missing, and the BM's report status.
    let mut other = table.clone();
    other[1][endc] = old_end.clone();
    other[2][travelc] = old_travel.clone();
    let missing_id = other[3][idc].clone();
    other.remove(3);
    let mut stranger = other[1].clone();
    stranger[idc] = "300002-MOB-09999".into();
    other.push(stranger);
    other[0].push("Participant report status".into());
    for row in other.iter_mut().skip(1) {
        row.push("Submitted".into());
    }
    let r = upload(&mut coord, &path, "bm.csv", write_csv(&other)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let unknown = r
        .body
        .split("id=\"ukendte-raekker\"")
        .nth(1)
        .expect("unknown rows");
    assert!(
        unknown
            .split("</ul>")
            .next()
            .unwrap()
            .contains("300002-MOB-09999")
    );
    let missing = r.body.split("id=\"mangler\"").nth(1).expect("missing rows");
    assert!(missing.split("</ul>").next().unwrap().contains(&missing_id));
    // Udsyn's submitted reports match "Submitted"; the others differ.
    let not_submitted = app
        .count(&format!(
            "SELECT count(*) FROM bm_mobility_ids b
             WHERE b.project_id = '{id}' AND b.bm_id <> '{missing_id}'
               AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.mobility_id = b.mobility_id
                                 AND r.staff_id = b.staff_id AND r.status = 'indsendt')"
        ))
        .await;
    let diffs = r.body.split("id=\"forskelle\"").nth(1).unwrap_or("");
    let diffs = diffs.split("</table>").next().unwrap();
    assert_eq!(
        diffs.matches("Deltagerrapport").count() as i64,
        not_submitted,
        "{diffs}"
    );
    assert_eq!(snapshot(&app).await, before);

    // The XLSX export sent back as it is: no differences.
    let (_, _, xlsx) = download(&app, &coord, &format!("/projekter/{id}/bm-eksport.xlsx")).await;
    let r = upload(&mut coord, &path, "bm.xlsx", xlsx).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains("Ingen forskelle i de sammenlignede kolonner."),
        "{}",
        r.body
    );
    assert!(r.body.contains("Udsyn har ikke ændret noget"));
    app.finish().await;
}

#[tokio::test]
async fn bm_files_udsyn_cannot_compare_are_refused() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let id = project(&app, 2025).await;
    let path = format!("/projekter/{id}/bm-import");
    let before = snapshot(&app).await;
    let mut many = String::from("Mobility activity ID;Start date\n");
    for i in 0..10_001 {
        many.push_str(&format!("X-{i};01-01-2025\n"));
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "bm.csv",
            b"Start date;End date\n22-09-2025;26-09-2025\n".to_vec(),
            "Filen har ingen kolonne «Mobility activity ID»",
        ),
        (
            "bm.csv",
            b"Mobility activity ID;Start date\n300002-MOB-00001;x\n300002-MOB-00001;y\n".to_vec(),
            "står både i linje 2 og linje 3",
        ),
        (
            "bm.csv",
            b"\xEF\xBB\xBFMobility activity ID\n\xc3\x28\n".to_vec(),
            "ugyldige tegn",
        ),
        (
            "bm.csv",
            many.into_bytes(),
            "Filen har mere end 10.000 rækker",
        ),
        (
            "bm.xlsx",
            b"PK\x03\x04garbage".to_vec(),
            "Excel-filen kunne ikke",
        ),
        ("", Vec::new(), "Vælg filen"),
    ];
    for (name, bytes, message) in cases {
        let r = upload(&mut coord, &path, name, bytes).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(r.body.contains(message), "{message}: {}", r.body);
        assert!(!r.body.contains("Udsyn har ikke ændret noget"));
    }
    // A form without a file (and with its token) is not a comparison either.
    let csrf = coord.get(&path).await.csrf();
    let r = coord.post_form(&path, &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(snapshot(&app).await, before);
    app.finish().await;
}

/// The hidden fields of the form that takes the BM's dates into Udsyn, if the page offers it.
fn apply_form(page: &Page) -> Option<(String, Vec<(String, String)>)> {
    let start = page.body.find("/bm-import/anvend\"")?;
    let action_start = page.body[..start].rfind("action=\"")? + 8;
    let action = page.body[action_start..start + "/bm-import/anvend".len()].to_string();
    let form = &page.body[start..];
    let form = &form[..form.find("</form>")?];
    let fields = form
        .split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|part| {
            let name = part.split('"').next().unwrap().to_string();
            let value = part
                .split("value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string();
            (name, value)
        })
        .collect();
    Some((action, fields))
}

#[tokio::test]
async fn the_bms_dates_are_taken_over_only_on_request_and_all_or_nothing() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let id = project(&app, 2025).await;
    let (_, _, bytes) = download(&app, &coord, &format!("/projekter/{id}/bm-eksport.csv")).await;
    let table = parse_csv(&bytes);
    let h = table[0].clone();
    let (idc, endc, intc) = (
        col(&h, "Mobility activity ID"),
        col(&h, "End date"),
        col(&h, "Interrupted duration"),
    );
    // The first two IDs are the two teachers on the train trip to Utrecht (22–26 September 2025).
    let (utrecht, end_before, version_before): (Uuid, chrono::NaiveDate, i32) = sqlx::query_as(
        "SELECT m.id, m.end_date, m.version FROM bm_mobility_ids b JOIN mobilities m ON m.id = b.mobility_id
         WHERE b.project_id = $1 AND b.bm_id = '300002-MOB-00001'",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM bm_mobility_ids WHERE mobility_id = '{utrecht}' AND bm_id IN ('300002-MOB-00001', '300002-MOB-00002')"
        ))
        .await,
        2
    );
    let with = |changes: &[(&str, usize, &str)]| {
        let mut t = table.clone();
        for (bm_id, c, v) in changes {
            let row = t.iter_mut().find(|r| r[idc] == *bm_id).unwrap();
            row[*c] = v.to_string();
        }
        write_csv(&t)
    };
    let path = format!("/projekter/{id}/bm-import");

    // One teacher's end date alone: the dates belong to the mobility, so nothing is offered.
    let r = upload(
        &mut coord,
        &path,
        "bm.csv",
        with(&[("300002-MOB-00001", endc, "27-09-2025")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("forskellige slutdatoer"), "{}", r.body);
    assert!(apply_form(&r).is_none());

    // Both teachers one day longer, and a day away for the participant on 00003.
    let before = snapshot(&app).await;
    let file = with(&[
        ("300002-MOB-00001", endc, "27-09-2025"),
        ("300002-MOB-00002", endc, "27-09-2025"),
        ("300002-MOB-00003", intc, "1"),
    ]);
    let r = upload(&mut coord, &path, "bm.csv", file).await;
    assert!(r.body.contains("Udsyn har ikke ændret noget"));
    assert_eq!(
        snapshot(&app).await,
        before,
        "showing the offer changes nothing"
    );
    let (action, fields) = apply_form(&r).expect("the BM's dates are offered");
    assert_eq!(action, format!("/projekter/{id}/bm-import/anvend"));
    let grants_before = grants_by_id(&app, id).await;
    let post: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let done = coord.post_form(&action, &post).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), format!("{path}?overfoert=2"));
    let page = coord.get(done.location()).await;
    assert!(page.body.contains("er overført til 2 mobiliteter"));
    let (end_after, version_after): (chrono::NaiveDate, i32) =
        sqlx::query_as("SELECT end_date, version FROM mobilities WHERE id = $1")
            .bind(utrecht)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(end_after, end_before + chrono::Duration::days(1));
    assert_eq!(version_after, version_before + 1);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM mobility_participants mp JOIN bm_mobility_ids b
             ON b.mobility_id = mp.mobility_id AND b.staff_id = mp.staff_id
             WHERE b.bm_id = '300002-MOB-00003' AND mp.interrupted_days = 1"
        )
        .await,
        1
    );
    let grants_after = grants_by_id(&app, id).await;
    for changed in ["300002-MOB-00001", "300002-MOB-00002", "300002-MOB-00003"] {
        assert_ne!(
            grants_after[changed][1], grants_before[changed][1],
            "{changed}: individual support recomputed"
        );
    }
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'overført fra BM'")
            .await,
        2
    );
    let note: String = sqlx::query_scalar(
        "SELECT reason FROM audit_log WHERE action = 'overført fra BM' AND reason LIKE '%afbrudte dage 0 → 1%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(note.starts_with("Overført fra BM's eksport"));

    // The same form again: the mobilities have moved on since, so nothing is taken.
    let after = snapshot(&app).await;
    let again = coord.post_form(&action, &post).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("Intet er overført"));
    assert_eq!(snapshot(&app).await, after);

    // Dates outside the project (and too long for the activity) are refused when taken.
    let (_, _, bytes) = download(&app, &coord, &format!("/projekter/{id}/bm-eksport.csv")).await;
    let fresh = parse_csv(&bytes);
    let mut t = fresh.clone();
    for row in t.iter_mut().skip(1) {
        if ["300002-MOB-00001", "300002-MOB-00002"].contains(&row[idc].as_str()) {
            row[endc] = "30-09-2026".into();
        }
    }
    let r = upload(&mut coord, &path, "bm.csv", write_csv(&t)).await;
    let (action, fields) = apply_form(&r).expect("offered; checked when taken");
    let after = snapshot(&app).await;
    let post: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = coord.post_form(&action, &post).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Intet er overført."));
    assert!(
        refused.body.contains("inden for bevillingen"),
        "{}",
        refused.body
    );
    assert_eq!(snapshot(&app).await, after);
    // A school leader cannot take anything.
    let mut leader = app.login_as(SKOLELEDER).await;
    let csrf = leader.get("/").await.csrf();
    let mut with_token = post.clone();
    with_token.retain(|(k, _)| *k != "csrf");
    with_token.push(("csrf", &csrf));
    assert_eq!(
        leader.post_form(&action, &with_token).await.status,
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}
