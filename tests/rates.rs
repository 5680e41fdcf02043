//! Rates (`/satser`): the seeded figures each marked until verified, who may read and change
//! them, the edit form's checks with a message on each wrong field, the copy to the next call
//! year, and the JSON export and import with its preview and confirmation.

mod common;

use axum::http::StatusCode;
use common::*;
use udsyn::domain::grant::Rates;

const MARK: &str = "skal verificeres mod bilag 3";

/// The table row (`<tr>…</tr>`) of the page that holds `needle`.
fn row<'a>(page: &'a Page, needle: &str) -> &'a str {
    let at = page
        .body
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} on the page {}", page.h1()));
    let start = page.body[..at].rfind("<tr").expect("inside a table row");
    let end = at + page.body[at..].find("</tr>").expect("the row ends");
    &page.body[start..end]
}

fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The fields a browser would send from the form posting to `action`: text and hidden inputs,
/// and checkboxes that are ticked.
fn form_fields(page: &Page, action: &str) -> Vec<(String, String)> {
    let start = page
        .body
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("a form posting to {action}"));
    let form = &page.body[start..start + page.body[start..].find("</form>").unwrap()];
    let mut out = Vec::new();
    for tag in form.split("<input").skip(1) {
        let tag = &tag[..tag.find('>').unwrap()];
        let attr = |name: &str| {
            let marker = format!(" {name}=\"");
            tag.find(&marker).map(|i| {
                let rest = &tag[i + marker.len()..];
                unescape(&rest[..rest.find('"').unwrap()])
            })
        };
        let Some(name) = attr("name") else { continue };
        let kind = attr("type").unwrap_or_else(|| "text".into());
        if kind == "checkbox" && !tag.contains(" checked") {
            continue;
        }
        out.push((name, attr("value").unwrap_or_default()));
    }
    out
}

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some(f) => f.1 = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    }
}

fn value_of<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("a field {name}"))
}

/// The name of the row field (`land7_kode`) whose value is `value`.
fn field_with_value(fields: &[(String, String)], prefix: &str, value: &str) -> String {
    fields
        .iter()
        .find(|(k, v)| k.starts_with(prefix) && v == value)
        .map(|(k, _)| k.clone())
        .unwrap_or_else(|| panic!("a {prefix} field with {value}"))
}

async fn post(c: &mut Client, path: &str, fields: &[(String, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post_form(path, &pairs).await
}

async fn stored(app: &TestApp, year: i16) -> Option<Rates> {
    udsyn::db::rates::get(&app.pool, year).await.unwrap()
}

async fn audit_count(app: &TestApp) -> i64 {
    app.count("SELECT count(*) FROM audit_log WHERE entity = 'call_rates'")
        .await
}

#[tokio::test]
async fn the_seeded_2025_rates_show_every_figure_marked_until_verified() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;

    let list = coord.get("/satser").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.h1(), "Satser");
    for year in ["2024", "2025", "2026"] {
        assert!(
            list.links("/satser/").contains(&format!("/satser/{year}")),
            "{year} is listed"
        );
        assert!(row(&list, &format!("Indkaldelse {year}")).contains("70 af 70"));
    }
    assert!(list.links("/satser/import").len() == 1, "Importér satser");
    assert!(list.body.contains("Importér satser"));

    let page = coord.get("/satser/2025").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.h1(), "Satser for indkaldelse 2025");
    assert!(
        page.body
            .contains("70 af 70 satser er ikke kontrolleret mod bilag 3")
    );
    // MONEY.md §1, each figure marked and with its source.
    for (needle, figures) in [
        ("2.000–2.999 km", &["395,00 €", "535,00 €"][..]),
        ("4.000–7.999 km", &["1.188,00 €"][..]),
        ("8.000 km og derover", &["1.735,00 €"][..]),
        ("<th scope=\"row\">Gruppe 1</th>", &["96,00 €"][..]),
        ("<th scope=\"row\">Gruppe 2</th>", &["84,00 €"][..]),
        ("<th scope=\"row\">Gruppe 3</th>", &["71,00 €"][..]),
        ("Dage med fuld dagssats", &["14 dage"][..]),
        ("Andel af dagssatsen fra dag 15", &["70 %"][..]),
        ("Jobshadowing", &["350,00 €"][..]),
        ("Kursus og træning", &["100,00 €"][..]),
        ("Inviteret ekspert", &["500,00 €"][..]),
        (
            "Kursusafgift pr. deltager pr. dag",
            &["80,00 €", "Sekundær kilde [S]"][..],
        ),
        ("Kursusafgift: højeste antal dage", &["10 dage"][..]),
        (
            "Forberedende besøg: enhedsbeløb pr. person",
            &["575,00 €"][..],
        ),
        (
            "Forberedende besøg: højeste antal personer",
            &["3 personer"][..],
        ),
        ("Inklusionsstøtte til organisationen", &["100,00 €"][..]),
        ("Ekstraordinære omkostninger", &["80 %"][..]),
        ("Dyr rejse: når rejsetilskuddet dækker under", &["70 %"][..]),
        ("Dyr rejse: andel af den faktiske udgift", &["80 %"][..]),
        ("Højeste antal rejsedage med tilskud</th>", &["2 dage"][..]),
        ("ved grøn rejse", &["6 dage"][..]),
    ] {
        let r = row(&page, needle);
        for f in figures {
            assert!(r.contains(f), "{needle}: {f} in {r}");
        }
        assert!(r.contains(MARK), "{needle} is marked: {r}");
    }
    let band = row(&page, "2.000–2.999 km");
    assert_eq!(band.matches(MARK).count(), 2, "both figures of the band");
    assert!(band.contains("Et nationalt kontors offentlige side [V-NA], ikke bilag 3"));
    // Countries by their Danish names, with the classic grouping in 2025.
    let austria = row(&page, "<th scope=\"row\">Østrig</th>");
    assert!(
        austria.contains("<td>AT</td>") && austria.contains("Gruppe 2") && austria.contains(MARK)
    );
    assert!(row(&page, "<th scope=\"row\">Portugal</th>").contains("Gruppe 2"));
    assert!(row(&page, "<th scope=\"row\">Danmark</th>").contains("Gruppe 1"));
    assert!(page.body.matches("<th").count() > 80, "tables have headers");

    // 2026 has the newer grouping: Austria in group 1, Portugal in group 2.
    let next = coord.get("/satser/2026").await;
    assert!(row(&next, "<th scope=\"row\">Østrig</th>").contains("Gruppe 1"));
    assert!(row(&next, "<th scope=\"row\">Portugal</th>").contains("Gruppe 2"));
    assert!(row(&next, "<th scope=\"row\">Tjekkiet</th>").contains("Gruppe 2"));

    for missing in ["/satser/2031", "/satser/1999", "/satser/tyve"] {
        assert_eq!(
            coord.get(missing).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    app.finish().await;
}

#[tokio::test]
async fn the_coordinator_changes_rates_school_leaders_read_them_and_staff_do_not() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let mut leader = app.login_as(SKOLELEDER).await;
    let mut staff = app.login_as(MEDARBEJDER).await;

    for path in [
        "/satser",
        "/satser/2025",
        "/satser/2025/rediger",
        "/satser/import",
        "/satser/2025/satser-2025.json",
    ] {
        assert_eq!(coord.get(path).await.status, StatusCode::OK, "{path}");
    }
    for path in ["/satser", "/satser/2025", "/satser/2025/satser-2025.json"] {
        assert_eq!(leader.get(path).await.status, StatusCode::OK, "{path}");
    }
    let read = leader.get("/satser/2025").await;
    assert!(!read.body.contains("/satser/2025/rediger"), "no edit link");
    assert!(!read.body.contains("/kopier"), "no copy button");
    assert!(!leader.get("/satser").await.body.contains("/satser/import"));
    for path in ["/satser/2025/rediger", "/satser/import"] {
        let r = leader.get(path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(r.h1(), "Du har ikke adgang til siden");
    }
    let csrf = read.csrf();
    let before = audit_count(&app).await;
    for path in [
        "/satser/2025/rediger",
        "/satser/2025/kopier",
        "/satser/import",
    ] {
        let r = leader
            .post_form(path, &[("csrf", &csrf), ("course_fee_per_day_cents", "1")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    let r = leader
        .post_multipart(
            "/satser/import",
            &[("csrf", &csrf)],
            Some(("fil", "satser.json", b"{}".to_vec())),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    for path in [
        "/satser",
        "/satser/2025",
        "/satser/2031",
        "/satser/2025/rediger",
        "/satser/import",
        "/satser/2025/satser-2025.json",
    ] {
        assert_eq!(
            staff.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let csrf = staff.get("/").await.csrf();
    for path in [
        "/satser/2025/rediger",
        "/satser/2025/kopier",
        "/satser/import",
    ] {
        let r = staff.post_form(path, &[("csrf", &csrf)]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(audit_count(&app).await, before, "nothing changed");
    assert!(stored(&app, 2027).await.is_none(), "nothing copied");
    // Not logged in: to the login page.
    let anon = app.client().get("/satser/2025").await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    app.finish().await;
}

#[tokio::test]
async fn a_verified_figure_loses_its_mark_and_the_change_is_in_the_audit_log() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let form = coord.get("/satser/2025/rediger").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.h1(), "Rediger satserne for 2025");
    let mut f = form_fields(&form, "/satser/2025/rediger");
    // Every figure with its value, checkbox and source, amounts as Danes write them.
    assert_eq!(value_of(&f, "band5_standard"), "1.188,00");
    assert_eq!(value_of(&f, "band3_min"), "2.000");
    assert_eq!(value_of(&f, "band6_max"), "");
    assert_eq!(value_of(&f, "gruppe2_dagssats"), "84,00");
    assert_eq!(value_of(&f, "reduced_share_bp"), "70");
    assert_eq!(
        value_of(&f, "course_fee_per_day_cents_kilde"),
        "Sekundær kilde [S]"
    );
    assert!(form.body.contains("Kontrolleret mod bilag 3"));
    assert_eq!(value_of(&f, "band7_min"), "", "an empty row to add a band");
    assert!(
        !f.iter().any(|(k, _)| k.ends_with("_kontrolleret")),
        "nothing ticked"
    );

    set(&mut f, "course_fee_per_day_cents", "85,5");
    set(&mut f, "course_fee_per_day_cents_kontrolleret", "ja");
    set(&mut f, "course_fee_per_day_cents_kilde", "Bilag 3, 2025");
    set(&mut f, "reduced_share_bp", "70,5");
    // A new country in an empty row.
    set(&mut f, "land33_kode", "al");
    set(&mut f, "land33_gruppe", "3");
    let before = audit_count(&app).await;
    let r = post(&mut coord, "/satser/2025/rediger", &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/satser/2025?gemt=1");

    let rates = stored(&app, 2025).await.unwrap();
    assert_eq!(rates.course_fee_per_day_cents.value, 8_550);
    assert!(rates.course_fee_per_day_cents.verified);
    assert_eq!(rates.course_fee_per_day_cents.source, "Bilag 3, 2025");
    assert_eq!(rates.reduced_share_bp.value, 7_050);
    assert!(!rates.reduced_share_bp.verified);
    assert_eq!(rates.countries["AL"].value, 3);
    assert_eq!(rates.bands.len(), 7, "the empty band rows are dropped");
    assert_eq!(rates.countries.len(), 34);

    let page = coord.get("/satser/2025?gemt=1").await;
    assert!(page.body.contains("Satserne er gemt."));
    let course = row(&page, "Kursusafgift pr. deltager pr. dag");
    assert!(
        course.contains("85,50 €") && course.contains("Bilag 3, 2025"),
        "{course}"
    );
    assert!(!course.contains(MARK), "verified: no mark");
    assert!(row(&page, "Kursusafgift: højeste antal dage").contains(MARK));
    assert!(row(&page, "Andel af dagssatsen fra dag 15").contains("70,5 %"));
    assert!(row(&page, "<th scope=\"row\">AL</th>").contains("Gruppe 3"));
    assert!(
        page.body.contains("70 af 71 satser er ikke kontrolleret"),
        "one verified, one new"
    );

    assert_eq!(audit_count(&app).await, before + 1);
    let (action, old, new): (String, i64, i64) = sqlx::query_as(
        "SELECT action, (before #>> '{course_fee_per_day_cents,value}')::bigint,
                (after #>> '{course_fee_per_day_cents,value}')::bigint
         FROM audit_log WHERE entity = 'call_rates' AND entity_id = '2025'
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((action.as_str(), old, new), ("satser ændret", 8_000, 8_550));
    // The history on the page names the figure and what it was.
    assert!(page.body.contains("Historik"));
    assert!(
        page.body.contains(
            "Kursusafgift pr. deltager pr. dag: 80,00 € (ikke kontrolleret; kilde: Sekundær kilde [S]) → 85,50 € (kontrolleret; kilde: Bilag 3, 2025)"
        ),
        "{}",
        &page.body[page.body.find("Historik").unwrap()..]
    );

    // Saving the form unchanged writes nothing.
    let again = coord.get("/satser/2025/rediger").await;
    let f = form_fields(&again, "/satser/2025/rediger");
    assert_eq!(value_of(&f, "course_fee_per_day_cents_kontrolleret"), "ja");
    let r = post(&mut coord, "/satser/2025/rediger", &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(audit_count(&app).await, before + 1);
    assert_eq!(stored(&app, 2025).await.unwrap(), rates);
    app.finish().await;
}

#[tokio::test]
async fn bad_figures_are_refused_with_a_message_on_their_field_and_nothing_is_saved() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let form = coord.get("/satser/2025/rediger").await;
    let fields = form_fields(&form, "/satser/2025/rediger");
    let austria_group = field_with_value(&fields, "land", "AT").replace("_kode", "_gruppe");
    let first_empty_country = format!(
        "land{}",
        (0..)
            .find(|i| value_of(&fields, &format!("land{i}_kode")).is_empty())
            .unwrap()
    );
    let before = stored(&app, 2025).await.unwrap();
    let audit = audit_count(&app).await;

    // (fields changed, the field the message is on, the message)
    type Case = (Vec<(String, &'static str)>, String, &'static str);
    let cases: Vec<Case> = vec![
        (
            vec![("course_fee_per_day_cents".into(), "-5")],
            "course_fee_per_day_cents".into(),
            "Kursusafgift pr. dag: beløbet må ikke være negativt (er -5,00 €).",
        ),
        (
            vec![("band2_green".into(), "-1,5")],
            "band2_green".into(),
            "Rejsetilskud 500–1.999 km, grøn rejse: beløbet må ikke være negativt (er -1,50 €).",
        ),
        (
            vec![("prep_visit_per_person_cents".into(), "fem")],
            "prep_visit_per_person_cents".into(),
            "Forberedende besøg pr. person: skriv beløbet i euro med komma før centene, fx 395 eller 1.188,00.",
        ),
        (
            vec![("band1_min".into(), "90")],
            "band1_min".into(),
            "Afstandsbåndene 10–99 km og 90–499 km overlapper.",
        ),
        (
            vec![("band1_min".into(), "120")],
            "band1_min".into(),
            "Der er et hul mellem afstandsbåndene 10–99 km og 120–499 km: 100–119 km giver intet rejsetilskud.",
        ),
        (
            vec![("band6_max".into(), "20.000")],
            "band6_max".into(),
            "Det sidste afstandsbånd skal være uden øvre grænse; nu får afstande over 20000 km intet rejsetilskud.",
        ),
        (
            vec![(format!("{first_empty_country}_kode"), "AL")],
            format!("{first_empty_country}_gruppe"),
            "AL: skriv landegruppen, 1, 2 eller 3.",
        ),
        (
            vec![(austria_group.clone(), "4")],
            austria_group.clone(),
            "Landegruppen for AT skal være 1, 2 eller 3 (er 4).",
        ),
        (
            vec![(austria_group.clone(), "")],
            austria_group.clone(),
            "Østrig (AT): skriv landegruppen, 1, 2 eller 3.",
        ),
        (
            vec![("exceptional_share_bp".into(), "101")],
            "exceptional_share_bp".into(),
            "Andel af ekstraordinære omkostninger må højst være 100 % (er 101 %).",
        ),
        (
            vec![("reduced_share_bp".into(), "70,125")],
            "reduced_share_bp".into(),
            "Andel af dagssatsen fra dagen efter: procentsatsen kan højst have to decimaler, fx 70,25.",
        ),
    ];
    for (changes, field, message) in cases {
        let mut f = fields.clone();
        for (name, value) in &changes {
            set(&mut f, name, value);
        }
        // A verified tick elsewhere must not be saved either.
        set(&mut f, "course_fee_max_days_kontrolleret", "ja");
        let r = post(&mut coord, "/satser/2025/rediger", &f).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(r.title().starts_with("Fejl: "), "{message}");
        assert!(r.body.contains("Der er problemer"), "{message}");
        assert!(
            r.body.contains(&format!(
                "id=\"{field}-error\"><span class=\"sr-only\">Fejl: </span>{message}"
            )),
            "{message} on {field}: {}",
            r.body
                .split("form-error-message")
                .skip(1)
                .map(|s| s.chars().take(240).collect::<String>())
                .collect::<Vec<_>>()
                .join("\n")
        );
        assert!(
            r.body.contains(&format!("href=\"#{field}\"")),
            "the summary links to {field}"
        );
        // What was typed is kept.
        let again = form_fields(&r, "/satser/2025/rediger");
        for (name, value) in &changes {
            assert_eq!(value_of(&again, name), *value, "{name} kept");
        }
        assert_eq!(value_of(&again, "course_fee_max_days_kontrolleret"), "ja");
        assert_eq!(
            stored(&app, 2025).await.unwrap(),
            before,
            "{message}: nothing saved"
        );
        assert_eq!(audit_count(&app).await, audit);
    }
    app.finish().await;
}

#[tokio::test]
async fn copying_2026_to_2027_starts_the_new_year_unverified() {
    let app = TestApp::demo().await;
    // Someone has checked one figure of 2026.
    sqlx::query(
        "UPDATE call_rates SET rates = jsonb_set(jsonb_set(rates,
             '{course_fee_per_day_cents,verified}', 'true'),
             '{course_fee_per_day_cents,source}', '\"Bilag 3, 2026\"')
         WHERE call_year = 2026",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let mut coord = app.login_as(KOORDINATOR).await;
    let page = coord.get("/satser/2026").await;
    assert!(page.body.contains("Kopiér til 2027"));
    assert!(!row(&page, "Kursusafgift pr. deltager pr. dag").contains(MARK));
    let r = coord
        .post_form("/satser/2026/kopier", &[("csrf", &page.csrf())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/satser/2027/rediger");

    let copy = stored(&app, 2027).await.unwrap();
    let original = stored(&app, 2026).await.unwrap();
    assert_eq!(copy.call_year, 2027);
    assert_eq!(udsyn::domain::rates_file::count_figures(&copy), (70, 70));
    assert!(!copy.course_fee_per_day_cents.verified, "unverified again");
    assert_eq!(
        copy.course_fee_per_day_cents.source,
        "Kopieret fra 2026: Bilag 3, 2026"
    );
    assert_eq!(copy.countries["AT"].value, 1, "the 2026 grouping");
    assert!(
        copy.countries["AT"]
            .source
            .starts_with("Kopieret fra 2026: ")
    );
    assert_eq!(copy.bands.len(), original.bands.len());
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE entity = 'call_rates' AND entity_id = '2027' AND action = 'satser kopieret'")
            .await,
        1
    );

    let new = coord.get("/satser/2027").await;
    assert!(new.body.contains("70 af 70 satser er ikke kontrolleret"));
    let course = row(&new, "Kursusafgift pr. deltager pr. dag");
    assert!(course.contains(MARK) && course.contains("Kopieret fra 2026: Bilag 3, 2026"));
    assert!(
        new.body.contains("Kopiér til 2028"),
        "2028 has no rates yet"
    );
    assert!(
        !coord
            .get("/satser/2026")
            .await
            .body
            .contains("Kopiér til 2027"),
        "2027 exists now"
    );

    // Copying onto a year that has rates says so and changes nothing.
    let audit = audit_count(&app).await;
    for (from, to) in [("2026", "2027"), ("2025", "2026")] {
        let r = coord
            .post_form(&format!("/satser/{from}/kopier"), &[("csrf", &page.csrf())])
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{from}");
        assert!(
            r.body.contains(&format!(
                "Der findes allerede satser for {to}, og de er ikke ændret."
            )),
            "{from}"
        );
    }
    assert_eq!(stored(&app, 2027).await.unwrap(), copy);
    assert_eq!(stored(&app, 2026).await.unwrap(), original);
    assert_eq!(audit_count(&app).await, audit);
    assert_eq!(
        coord
            .post_form("/satser/2031/kopier", &[("csrf", &page.csrf())])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    app.finish().await;
}

/// The `dokument` the preview posts back.
fn hidden_document(page: &Page) -> String {
    let fields = form_fields(page, "/satser/import");
    value_of(&fields, "dokument").to_string()
}

#[tokio::test]
async fn an_export_imported_for_a_new_year_round_trips_through_preview_and_confirmation() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let csrf = coord.get("/satser/import").await.csrf();

    let file = coord.get("/satser/2026/satser-2026.json").await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(
        file.headers.get("content-disposition").unwrap(),
        "attachment; filename=\"satser-2026.json\""
    );
    assert!(
        file.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let original = stored(&app, 2026).await.unwrap();
    assert_eq!(
        file.body,
        format!("{}\n", serde_json::to_string_pretty(&original).unwrap()),
        "exactly the serde form, pretty-printed"
    );
    let mut rates: Rates = serde_json::from_str(&file.body).unwrap();
    assert_eq!(rates, original);
    assert_eq!(
        coord.get("/satser/2026/satser-2025.json").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        coord.get("/satser/2031/satser-2031.json").await.status,
        StatusCode::NOT_FOUND
    );

    // A modified export for a new year.
    rates.call_year = 2028;
    rates.course_fee_per_day_cents.value = 9_000;
    rates.course_fee_per_day_cents.verified = true;
    rates.course_fee_per_day_cents.source = "Bilag 3, 2028 – »Applicable rates«".into();
    let upload = serde_json::to_string_pretty(&rates).unwrap().into_bytes();
    let audit = audit_count(&app).await;
    let preview = coord
        .post_multipart(
            "/satser/import",
            &[("csrf", &csrf)],
            Some(("fil", "satser-2028.json", upload.clone())),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_eq!(preview.h1(), "Importér satser for 2028");
    assert!(
        preview
            .body
            .contains("Udsyn har ingen satser for 2028 endnu")
    );
    assert!(preview.body.contains("<span class=\"udsyn-figure\">69</span> <span class=\"udsyn-figure-label\">skal verificeres mod bilag 3</span>"));
    assert!(row(&preview, "Kursusafgift pr. deltager pr. dag").contains("90,00 €"));
    assert!(preview.body.contains("Gem satserne for 2028"));
    assert!(
        stored(&app, 2028).await.is_none(),
        "nothing saved before the confirmation"
    );
    assert_eq!(audit_count(&app).await, audit);

    let document = hidden_document(&preview);
    assert_eq!(serde_json::from_str::<Rates>(&document).unwrap(), rates);
    let confirmed = coord
        .post_form(
            "/satser/import",
            &[
                ("csrf", &csrf),
                ("filnavn", "satser-2028.json"),
                ("dokument", &document),
            ],
        )
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    assert_eq!(confirmed.location(), "/satser/2028?gemt=1");
    assert_eq!(stored(&app, 2028).await.unwrap(), rates);
    let (action, reason): (String, String) = sqlx::query_as(
        "SELECT action, reason FROM audit_log WHERE entity = 'call_rates' AND entity_id = '2028'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (action.as_str(), reason.as_str()),
        ("satser importeret", "satser-2028.json")
    );
    let page = coord.get("/satser/2028?gemt=1").await;
    assert!(page.body.contains("Satserne er gemt."));
    assert!(!row(&page, "Kursusafgift pr. deltager pr. dag").contains(MARK));
    // And out again, the same document.
    let again = coord.get("/satser/2028/satser-2028.json").await;
    assert_eq!(
        again.body,
        format!("{}\n", String::from_utf8(upload).unwrap())
    );

    // Importing 2026's own export says it replaces the year's rates, with nothing changed.
    let same = coord
        .post_multipart(
            "/satser/import",
            &[("csrf", &csrf)],
            Some(("fil", "satser-2026.json", file.body.clone().into_bytes())),
        )
        .await;
    assert_eq!(same.status, StatusCode::OK);
    assert!(same.body.contains("Erstatter satserne for 2026"));
    assert!(
        same.body
            .contains("Udsyn har allerede præcis disse satser for 2026")
    );

    // A document changed on its way back is checked again: nothing is saved.
    let mut bad: Rates = serde_json::from_str(&document).unwrap();
    bad.call_year = 2029;
    bad.exceptional_share_bp.value = 12_000;
    let audit = audit_count(&app).await;
    let r = coord
        .post_form(
            "/satser/import",
            &[
                ("csrf", &csrf),
                ("dokument", &serde_json::to_string(&bad).unwrap()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("Intet er gemt. Satserne i filen kan ikke bruges: 1 problem.")
    );
    assert!(
        r.body
            .contains("Andel af ekstraordinære omkostninger må højst være 100 % (er 120 %).")
    );
    assert!(stored(&app, 2029).await.is_none());
    assert_eq!(audit_count(&app).await, audit);
    app.finish().await;
}

#[tokio::test]
async fn files_that_are_not_rates_are_refused_with_their_reason() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let form = coord.get("/satser/import").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.h1(), "Importér satser");
    let csrf = form.csrf();
    let export = coord.get("/satser/2025/satser-2025.json").await.body;
    let mut v: serde_json::Value = serde_json::from_str(&export).unwrap();
    v["call_year"] = serde_json::json!(2030);

    let mut missing = v.clone();
    missing.as_object_mut().unwrap().remove("reduced_share_bp");
    let mut overlap = v.clone();
    overlap["bands"][1]["min_km"] = serde_json::json!(90);
    let mut wrong_type = v.clone();
    wrong_type["bands"][3]["standard_cents"]["value"] = serde_json::json!("395,00");
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            b"{\"call_year\": 2030, \"kilde\": \"S\xf8ren\"}".to_vec(),
            "Filen er ikke UTF-8-tekst",
        ),
        (
            "Afstand;Standard;Grøn\n10–99;28;56\n".as_bytes().to_vec(),
            "Filen er ikke gyldig JSON: der er en fejl i linje 1, tegn 1.",
        ),
        (
            missing.to_string().into_bytes(),
            "Filen er JSON, men ikke satser i den form, Udsyn bruger: feltet »reduced_share_bp« mangler.",
        ),
        (
            wrong_type.to_string().into_bytes(),
            "feltet »bands[3].standard_cents.value« skal være et helt tal, men er teksten &#34;395,00&#34;.",
        ),
        (
            overlap.to_string().into_bytes(),
            "Afstandsbåndene 10–99 km og 90–499 km overlapper.",
        ),
        (Vec::new(), "Vælg filen med satserne."),
    ];
    let audit = audit_count(&app).await;
    for (bytes, message) in cases {
        let r = coord
            .post_multipart(
                "/satser/import",
                &[("csrf", &csrf)],
                Some((
                    "fil",
                    if bytes.is_empty() { "" } else { "satser.json" },
                    bytes,
                )),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(r.body.contains(message), "{message}: {}", r.body);
        assert!(r.body.contains("Der er problemer") && r.title().starts_with("Fejl: "));
        assert!(r.body.contains("id=\"fil-error\""), "on the file field");
    }
    let overlap_page = coord
        .post_multipart(
            "/satser/import",
            &[("csrf", &csrf)],
            Some(("fil", "satser.json", overlap.to_string().into_bytes())),
        )
        .await;
    assert!(
        overlap_page
            .body
            .contains("Satserne i filen kan ikke bruges: 1 problem.")
    );
    assert!(overlap_page.body.contains("<code>bands[1].min_km</code>"));
    assert!(stored(&app, 2030).await.is_none());
    assert_eq!(audit_count(&app).await, audit);

    // Without its token the upload changes nothing either.
    let r = coord
        .post_multipart(
            "/satser/import",
            &[],
            Some(("fil", "satser.json", v.to_string().into_bytes())),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    app.finish().await;
}
