//! Logging in and out, sessions, invitations.

mod common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn each_demo_role_logs_in_to_its_own_start_page() {
    let app = TestApp::demo().await;
    for (email, h1, sees) in [
        (KOORDINATOR, "Konsortiet", "Det venter på dig"),
        (SKOLELEDER, "Engbakkeskolen (demo)", "Det venter på dig"),
        (MEDARBEJDER, "Mine mobiliteter", "Hej Sofie"),
    ] {
        let mut c = app.login_as(email).await;
        let page = c.get("/").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.h1(), h1);
        assert!(page.body.contains(sees), "{email} sees {sees}");
        assert!(page.body.contains("Log ud"));
    }
    app.finish().await;
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    let wrong = c
        .post_form(
            "/login",
            &[("email", KOORDINATOR), ("password", "forkert-kode")],
        )
        .await;
    let unknown = c
        .post_form(
            "/login",
            &[
                ("email", "ingen@demo.udsyn.dk"),
                ("password", "forkert-kode"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.status, wrong.status);
    assert!(
        wrong
            .body
            .contains("E-mailadressen eller adgangskoden er forkert.")
    );
    assert_eq!(
        wrong.body.replace(KOORDINATOR, "X"),
        unknown.body.replace("ingen@demo.udsyn.dk", "X"),
        "the two pages differ only in the typed e-mail"
    );
    assert!(c.cookie.is_none(), "no session after a failed login");
    // The typed e-mail is kept, the title says there is an error.
    assert!(wrong.body.contains(&format!("value=\"{KOORDINATOR}\"")));
    assert!(wrong.title().starts_with("Fejl: "));
    app.finish().await;
}

#[tokio::test]
async fn an_empty_login_form_shows_the_error_summary() {
    let app = TestApp::empty().await;
    let mut c = app.client();
    let page = c
        .post_form("/login", &[("email", ""), ("password", "")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Der er problemer"));
    assert!(
        page.body
            .contains("href=\"#email\">Skriv din e-mailadresse.")
    );
    assert!(
        page.body
            .contains("href=\"#password\">Skriv din adgangskode.")
    );
    assert_eq!(page.title(), "Fejl: Log ind – Udsyn");
    app.finish().await;
}

#[tokio::test]
async fn login_gives_a_new_session_id_and_a_safe_cookie() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    c.cookie = Some("udsyn_session=planted-by-an-attacker".into());
    let r = c
        .post_form(
            "/login",
            &[
                ("email", SKOLELEDER),
                ("password", udsyn::demo::PASSWORD),
                ("next", "/partnere"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        "/partnere",
        "back to where the person was going"
    );
    let set = r.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && !set.contains("Secure"));
    assert_ne!(
        c.cookie.as_deref(),
        Some("udsyn_session=planted-by-an-attacker")
    );
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 1);
    // The stored id is a hash, not the cookie value.
    let token = c
        .cookie
        .clone()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sessions WHERE id_hash = convert_to($1, 'UTF8')")
            .bind(&token)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, 0);

    // A login form pointing elsewhere never sends the person off-site.
    let mut c2 = app.client();
    let r = c2
        .post_form(
            "/login",
            &[
                ("email", SKOLELEDER),
                ("password", udsyn::demo::PASSWORD),
                ("next", "//evil.example"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/");
    app.finish().await;
}

#[tokio::test]
async fn secure_cookie_behind_https() {
    let mut config = udsyn::config::Config::from_env().unwrap();
    config.public_url = Some("https://udsyn.herning.dk".into());
    let app = TestApp::with_config(config).await;
    udsyn::demo::load(&app.pool).await.unwrap();
    let r = app
        .client()
        .post_form(
            "/login",
            &[("email", KOORDINATOR), ("password", udsyn::demo::PASSWORD)],
        )
        .await;
    assert!(
        r.headers
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with("; Secure")
    );
    app.finish().await;
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::demo().await;
    let mut c = app.login_as(MEDARBEJDER).await;
    let old_cookie = c.cookie.clone();
    let start = c.get("/").await;
    assert_eq!(
        start.headers.get("cache-control").unwrap(),
        "no-store",
        "Back must not show private pages"
    );
    let r = c.post_form("/logout", &[("csrf", &start.csrf())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login?logget_ud=1");
    assert!(c.cookie.is_none());
    // The old cookie no longer opens anything.
    c.cookie = old_cookie;
    let again = c.get("/").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(again.location().starts_with("/login"));
    let login = c.get("/login?logget_ud=1").await;
    assert!(login.body.contains("Du er logget ud."));
    app.finish().await;
}

#[tokio::test]
async fn logout_needs_the_form_token() {
    let app = TestApp::demo().await;
    let mut c = app.login_as(MEDARBEJDER).await;
    let r = c.post_form("/logout", &[("csrf", "forkert")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(c.get("/").await.status, StatusCode::OK, "still logged in");
    app.finish().await;
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestApp::demo().await;
    let mut c = app.login_as(KOORDINATOR).await;
    sqlx::query("UPDATE sessions SET last_seen_at = now() - interval '2 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    let r = c.get("/skoler").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login?next=/skoler&udloebet=1");
    let login = c.get(r.location()).await;
    assert!(login.body.contains("Du har været inaktiv for længe"));
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "the expired session is removed");
    app.finish().await;
}

#[tokio::test]
async fn a_person_who_left_can_no_longer_log_in() {
    let app = TestApp::demo().await;
    let mut c = app.login_as(MEDARBEJDER).await;
    sqlx::query("UPDATE staff SET active = false, left_on = current_date WHERE email = $1")
        .bind(MEDARBEJDER)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        c.get("/").await.status,
        StatusCode::SEE_OTHER,
        "the running session ends too"
    );
    let r = app
        .client()
        .post_form(
            "/login",
            &[("email", MEDARBEJDER), ("password", udsyn::demo::PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.finish().await;
}

#[tokio::test]
async fn the_coordinator_invites_a_person_who_sets_a_password() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let form = coord.get("/brugere/ny").await;
    assert_eq!(form.status, StatusCode::OK);
    let peter = app
        .id_of("SELECT id FROM staff WHERE name = 'Peter Ørum'")
        .await
        .to_string();
    assert!(
        form.body.contains(&peter),
        "staff without a login are offered"
    );

    let created = coord
        .post_form(
            "/brugere/ny",
            &[
                ("csrf", &form.csrf()),
                ("staff_id", &peter),
                ("role", "medarbejder"),
                ("email", ""),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let marker = "http://udsyn.test/invitation/";
    let i = created
        .body
        .find(marker)
        .expect("the invitation link is shown");
    let path = created.body[i + "http://udsyn.test".len()..]
        .split('"')
        .next()
        .unwrap()
        .to_string();

    // The invited person chooses a password; a short one is refused with a message.
    let mut peter_c = app.client();
    let page = peter_c.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("peter.oerum@hedelund.demo.udsyn.dk"));
    let short = peter_c
        .post_form(&path, &[("password", "kort"), ("password_repeat", "kort")])
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        short
            .body
            .contains("Adgangskoden skal have mindst 12 tegn.")
    );
    let ok = peter_c
        .post_form(
            &path,
            &[
                ("password", "sommer i Gent 2027"),
                ("password_repeat", "sommer i Gent 2027"),
            ],
        )
        .await;
    assert_eq!(
        ok.location(),
        "/login?adgangskode_sat=1&email=peter.oerum%40hedelund.demo.udsyn.dk"
    );
    // The login page has the account's e-mail filled in, so only the password is left to type.
    let login = peter_c.get(ok.location()).await;
    assert!(
        login
            .body
            .contains("Din adgangskode er gemt. Log ind med din e-mail og den nye adgangskode."),
        "{}",
        login.body
    );
    assert!(
        login
            .body
            .contains(r#"value="peter.oerum@hedelund.demo.udsyn.dk""#),
        "the e-mail field is filled in"
    );
    // The link is used up.
    assert_eq!(peter_c.get(&path).await.status, StatusCode::NOT_FOUND);

    let r = peter_c
        .post_form(
            "/login",
            &[
                ("email", "Peter.Oerum@hedelund.demo.udsyn.dk"),
                ("password", "sommer i Gent 2027"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "e-mail is matched without regard to case"
    );
    assert_eq!(peter_c.get("/").await.h1(), "Mine mobiliteter");

    // The audit log tells who did it.
    let history = coord.get(&format!("/brugere/{}", app.id_of("SELECT id FROM accounts WHERE staff_id = (SELECT id FROM staff WHERE name = 'Peter Ørum')").await)).await;
    assert!(
        history.body.contains("bruger oprettet") && history.body.contains("Mette Kjær Andersen")
    );
    assert!(history.body.contains("adgangskode valgt"));
    app.finish().await;
}

#[tokio::test]
async fn account_form_errors_are_danish_and_nothing_is_saved() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let csrf = coord.get("/brugere/ny").await.csrf();
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    let r = coord
        .post_form(
            "/brugere/ny",
            &[
                ("csrf", &csrf),
                ("staff_id", ""),
                ("role", "skoleleder"),
                ("email", "ny@demo.udsyn.dk"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("En skoleleder eller medarbejder skal knyttes til en medarbejder")
    );

    let r = coord
        .post_form(
            "/brugere/ny",
            &[
                ("csrf", &csrf),
                ("staff_id", ""),
                ("role", "koordinator"),
                ("email", KOORDINATOR),
            ],
        )
        .await;
    assert!(
        r.body
            .contains("Der findes allerede en bruger med den e-mailadresse.")
    );
    assert!(r.title().starts_with("Fejl: "));

    let r = coord
        .post_form(
            "/brugere/ny",
            &[
                ("csrf", &csrf),
                ("staff_id", "ikke-et-id"),
                ("role", "admin"),
                ("email", "x"),
            ],
        )
        .await;
    assert!(
        r.body.contains("Vælg en rolle.") && r.body.contains("Vælg en medarbejder fra listen.")
    );

    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(before, after);
    app.finish().await;
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_address_for_a_while() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    for _ in 0..10 {
        let r = c
            .post_form(
                "/login",
                &[("email", SKOLELEDER), ("password", "gaet-igen")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Now even the right password is not checked, and an unknown address after as many tries
    // gets the same answer.
    let r = c
        .post_form(
            "/login",
            &[("email", SKOLELEDER), ("password", udsyn::demo::PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.body
            .contains("For mange forkerte forsøg. Vent 15 minutter")
    );
    assert!(c.cookie.is_none());
    for _ in 0..10 {
        c.post_form(
            "/login",
            &[("email", "ingen@demo.udsyn.dk"), ("password", "x")],
        )
        .await;
    }
    let unknown = c
        .post_form(
            "/login",
            &[("email", "ingen@demo.udsyn.dk"), ("password", "x")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::TOO_MANY_REQUESTS);
    // Other addresses are not affected; after the lock period the right password works again.
    assert_eq!(
        app.client()
            .post_form(
                "/login",
                &[("email", KOORDINATOR), ("password", udsyn::demo::PASSWORD)]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    sqlx::query("UPDATE login_failures SET at = at - interval '16 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    let r = app
        .client()
        .post_form(
            "/login",
            &[("email", SKOLELEDER), ("password", udsyn::demo::PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM login_failures WHERE email_lower = 'skoleleder@demo.udsyn.dk'"
        )
        .await,
        0,
        "a success clears the slate"
    );
    app.finish().await;
}

/// The path of the invitation link shown on the coordinator's page (`…/invitation/{token}`).
fn invitation_path(page: &Page) -> String {
    let i = page
        .body
        .find("/invitation/")
        .unwrap_or_else(|| panic!("an invitation link on the page: {}", page.h1()));
    page.body[i..]
        .split(['"', '<', ' '])
        .next()
        .unwrap()
        .to_string()
}

/// The coordinator creates a login for Peter Ørum and gets his invitation link.
async fn invite_peter(app: &TestApp) -> String {
    let mut coord = app.login_as(KOORDINATOR).await;
    let form = coord.get("/brugere/ny").await;
    let peter = app
        .id_of("SELECT id FROM staff WHERE name = 'Peter Ørum'")
        .await
        .to_string();
    let created = coord
        .post_form(
            "/brugere/ny",
            &[
                ("csrf", &form.csrf()),
                ("staff_id", &peter),
                ("role", "medarbejder"),
                ("email", ""),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    invitation_path(&created)
}

#[tokio::test]
async fn a_nul_in_the_login_form_is_a_failed_login_not_a_server_error() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    for body in [
        "email=a%00b&password=x".to_string(),
        format!("email={}&password=forkert%00kode", enc(KOORDINATOR)),
        format!("email={}%00&password=x%00", enc(SKOLELEDER)),
    ] {
        let r = c.post_raw("/login", body.clone().into_bytes()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            r.body
                .contains("E-mailadressen eller adgangskoden er forkert."),
            "{body}: {}",
            r.h1()
        );
        assert!(r.title().starts_with("Fejl: "), "{body}");
    }
    // The same through the form helper, which percent-encodes the NUL itself.
    let r = c
        .post_form("/login", &[("email", "a\0b"), ("password", "x\0y")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("E-mailadressen eller adgangskoden er forkert.")
    );
    assert!(c.cookie.is_none(), "no session");
    // Each was a counted failure (the address as cleaned: without the NUL).
    assert_eq!(
        app.count("SELECT count(*) FROM login_failures WHERE email_lower = 'ab'")
            .await,
        2
    );
    app.finish().await;
}

#[tokio::test]
async fn an_invitation_refuses_passwords_that_are_easy_to_guess() {
    let app = TestApp::demo().await;
    let path = invite_peter(&app).await;
    let mut peter = app.client();
    assert_eq!(peter.get(&path).await.status, StatusCode::OK);
    let too_easy = "<span class=\"sr-only\">Fejl: </span>Adgangskoden er for let at gætte";
    let empty = "<span class=\"sr-only\">Fejl: </span>Skriv en adgangskode.";
    for (password, message) in [
        ("            ", empty),
        ("\0\0\0\0\0\0\0\0\0\0\0\0", empty),
        ("123456789012", too_easy),
        (
            "qwertyuiopå",
            "<span class=\"sr-only\">Fejl: </span>Adgangskoden skal have mindst 12 tegn.",
        ),
        ("qwertyuiopåa", too_easy),
        // In the list of breached passwords, with a year added.
        ("iloveyou2026", too_easy),
        ("peter.oerum@hedelund.demo.udsyn.dk", too_easy),
        ("Peter.Oerum@Hedelund.demo.udsyn.dk", too_easy),
    ] {
        let r = peter
            .post_form(
                &path,
                &[("password", password), ("password_repeat", password)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{password:?}");
        assert!(
            r.body.contains(&format!("id=\"password-error\">{message}")),
            "{password:?} gets {message:?} on the password field: {}",
            r.body
                .split("id=\"password-error\">")
                .nth(1)
                .unwrap_or("no message on the field")
                .chars()
                .take(200)
                .collect::<String>()
        );
        assert!(r.title().starts_with("Fejl: "), "{password:?}");
    }
    assert_eq!(
        app.count(
            "SELECT count(*) FROM accounts WHERE email = 'peter.oerum@hedelund.demo.udsyn.dk'
             AND password_hash IS NULL AND invitation_token_hash IS NOT NULL"
        )
        .await,
        1,
        "no password stored, the link still open"
    );
    assert_eq!(peter.get(&path).await.status, StatusCode::OK);

    let good = "hest batteri hæfteklamme";
    let ok = peter
        .post_form(&path, &[("password", good), ("password_repeat", good)])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(
        ok.location(),
        "/login?adgangskode_sat=1&email=peter.oerum%40hedelund.demo.udsyn.dk"
    );
    let r = peter
        .post_form(
            "/login",
            &[
                ("email", "peter.oerum@hedelund.demo.udsyn.dk"),
                ("password", good),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(peter.get("/").await.h1(), "Mine mobiliteter");
    app.finish().await;
}

#[tokio::test]
async fn a_password_reset_through_a_new_invitation_ends_the_old_sessions() {
    let app = TestApp::demo().await;
    let mut a = app.login_as(MEDARBEJDER).await;
    assert_eq!(a.get("/mine-mobiliteter").await.status, StatusCode::OK);

    let account = app
        .id_of("SELECT id FROM accounts WHERE email = 'medarbejder@demo.udsyn.dk'")
        .await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let show = coord.get(&format!("/brugere/{account}")).await;
    assert_eq!(show.status, StatusCode::OK);
    let link = coord
        .post_form(
            &format!("/brugere/{account}/invitation"),
            &[("csrf", &show.csrf())],
        )
        .await;
    assert_eq!(link.status, StatusCode::OK, "{}", link.body);
    assert!(link.h1().starts_with("Invitationslink til"));
    assert!(
        link.body.contains("readonly value=\"")
            && link.body.contains("data-copy=\"Kopiér linket\""),
        "the link stays in a selectable field, and app.js adds a copy button to it"
    );
    let path = invitation_path(&link);

    // A new link alone ends nothing: the person may not use it.
    assert_eq!(a.get("/mine-mobiliteter").await.status, StatusCode::OK);

    let mut b = app.client();
    let form = b.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("medarbejder@demo.udsyn.dk"));
    let new = "hest batteri hæfteklamme";
    let r = b
        .post_form(&path, &[("password", new), ("password_repeat", new)])
        .await;
    assert_eq!(
        r.location(),
        "/login?adgangskode_sat=1&email=medarbejder%40demo.udsyn.dk"
    );

    // The session opened with the old password is over.
    let r = a.get("/mine-mobiliteter").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"), "{}", r.location());
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM sessions WHERE account_id = '{account}'"
        ))
        .await,
        0
    );
    // The old password no longer works, the new one does; the coordinator is still logged in.
    let old = app
        .client()
        .post_form(
            "/login",
            &[("email", MEDARBEJDER), ("password", udsyn::demo::PASSWORD)],
        )
        .await;
    assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = b
        .post_form("/login", &[("email", MEDARBEJDER), ("password", new)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/").await.h1(), "Mine mobiliteter");
    assert_eq!(coord.get("/brugere").await.status, StatusCode::OK);
    app.finish().await;
}

#[tokio::test]
async fn strict_transport_security_is_sent_only_behind_https() {
    const HSTS: &str = "max-age=31536000; includeSubDomains";
    for (public_url, expected) in [
        (Some("https://udsyn.example"), Some(HSTS)),
        (Some("http://udsyn.example"), None),
        (None, None),
    ] {
        let mut config = udsyn::config::Config::from_env().unwrap();
        config.public_url = public_url.map(Into::into);
        let app = TestApp::with_config(config).await;
        udsyn::demo::load(&app.pool).await.unwrap();
        let mut anon = app.client();
        let mut coord = app.login_as(KOORDINATOR).await;
        let mut pages = vec![
            ("GET /login", anon.get("/login").await, 200),
            ("GET / (anonymous)", anon.get("/").await, 303),
            ("GET /healthz", anon.get("/healthz").await, 200),
            (
                "GET /static/app.css",
                anon.get("/static/app.css").await,
                200,
            ),
            ("GET /findes-ikke", anon.get("/findes-ikke").await, 404),
            (
                "POST /login (wrong)",
                anon.post_form("/login", &[("email", "x@y.dk"), ("password", "x")])
                    .await,
                422,
            ),
            ("GET / (coordinator)", coord.get("/").await, 200),
            (
                "GET /maal/eksport/maalinger.csv",
                coord.get("/maal/eksport/maalinger.csv").await,
                200,
            ),
        ];
        let login = app
            .client()
            .post_form(
                "/login",
                &[("email", KOORDINATOR), ("password", udsyn::demo::PASSWORD)],
            )
            .await;
        pages.push(("POST /login (right)", login, 303));
        for (what, page, status) in &pages {
            assert_eq!(page.status.as_u16(), *status, "{public_url:?}: {what}");
            assert_eq!(
                page.headers
                    .get("x-content-type-options")
                    .map(|v| v.to_str().unwrap()),
                Some("nosniff"),
                "{public_url:?}: {what} has the other security headers"
            );
            assert_eq!(
                page.headers
                    .get("strict-transport-security")
                    .map(|v| v.to_str().unwrap()),
                expected,
                "{public_url:?}: {what}"
            );
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn the_login_page_shows_a_prefilled_email_only_escaped_and_only_after_a_password_was_set() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    let page = c
        .get("/login?adgangskode_sat=1&email=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<script>alert(1)"), "escaped");
    assert!(
        page.body.contains("&#60;script&#62;alert(1)")
            || page.body.contains("&lt;script&gt;alert(1)")
    );
    let plain = c.get("/login?email=someone%40example.org").await;
    assert!(
        !plain.body.contains("someone@example.org"),
        "not without adgangskode_sat"
    );
    app.finish().await;
}

#[tokio::test]
async fn from_a_staff_page_the_coordinator_creates_a_login_with_the_role_the_job_suggests() {
    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let peter = app
        .id_of("SELECT id FROM staff WHERE name = 'Peter Ørum'")
        .await;
    let staff_page = coord.get(&format!("/medarbejdere/{peter}")).await;
    assert_eq!(staff_page.status, StatusCode::OK);
    let href = format!("/brugere/ny?medarbejder={peter}");
    assert!(
        staff_page
            .body
            .contains(&format!(r#"<a href="{href}">Opret login</a>"#)),
        "an \"Opret login\" link on the staff page"
    );
    let form = coord.get(&href).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains(&format!(r#"<option value="{peter}" selected>"#)),
        "the person is preselected"
    );
    assert!(
        form.body
            .contains(r#"value="medarbejder" class="form-radio" checked>"#),
        "a teacher is proposed as Medarbejder"
    );
    // Each radio sits in its own DKFDS radio group, so each label has its own control.
    assert_eq!(
        form.body
            .matches(r#"<li class="form-group-radio"><input id="role-"#)
            .count(),
        3
    );

    // A school leader without a login is proposed as Skoleleder.
    let leader = app
        .id_of(
            "INSERT INTO staff (organisation_id, name, email, job_role, active)
             SELECT organisation_id, 'Lone Leder', 'lone.leder@hedelund.demo.udsyn.dk', 'skoleleder', true
             FROM staff WHERE name = 'Peter Ørum' RETURNING id",
        )
        .await;
    let form = coord
        .get(&format!("/brugere/ny?medarbejder={leader}"))
        .await;
    assert!(
        form.body
            .contains(r#"value="skoleleder" class="form-radio" checked>"#)
    );

    // A person who has a login gets no link, and a school leader sees none either.
    let sofie = app
        .id_of("SELECT staff_id FROM accounts WHERE email = 'medarbejder@demo.udsyn.dk'")
        .await;
    let page = coord.get(&format!("/medarbejdere/{sofie}")).await;
    assert!(page.body.contains("Har en bruger i Udsyn") && !page.body.contains("Opret login"));
    let mut sl = app.login_as(SKOLELEDER).await;
    let own = app
        .id_of(
            "SELECT s.id FROM staff s JOIN accounts a ON a.email = 'skoleleder@demo.udsyn.dk'
             JOIN staff l ON l.id = a.staff_id
             WHERE s.organisation_id = l.organisation_id AND s.active
               AND NOT EXISTS (SELECT 1 FROM accounts x WHERE x.staff_id = s.id) LIMIT 1",
        )
        .await;
    let page = sl.get(&format!("/medarbejdere/{own}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Opret login"));
    app.finish().await;
}

/// Single sign-on's own journeys run in the browser suite against a real OpenID provider
/// (tests/e2e/oidc.test.mjs); these are what the router alone can show.
#[tokio::test]
async fn single_sign_on_is_offered_only_when_set_up_and_says_so_when_the_provider_is_down() {
    let app = TestApp::empty().await;
    let mut c = app.client();
    let login = c.get("/login").await;
    assert!(!login.body.contains("Log ind med din kommunes konto"));
    assert_eq!(c.get("/login/oidc").await.status, StatusCode::NOT_FOUND);
    app.finish().await;

    // A provider that does not answer: a port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut config = udsyn::config::Config::from_env().expect("settings");
    config.public_url = Some("http://udsyn.test".into());
    config.oidc = Some(udsyn::config::Oidc {
        issuer,
        client_id: "udsyn".into(),
        client_secret: "hemmelig".into(),
        redirect_url: "http://udsyn.test/login/oidc/retur".into(),
    });
    let app = TestApp::with_config(config).await;
    let mut c = app.client();
    let login = c.get("/login").await;
    assert!(login.body.contains("href=\"/login/oidc\""));
    assert!(login.body.contains("Log ind med din kommunes konto"));
    let next = c.get("/login?next=/mobiliteter").await;
    let link = &next.body[next.body.find("/login/oidc").unwrap_or(0)..][..60];
    assert!(
        link.starts_with("/login/oidc?next=/mobiliteter\""),
        "the way back is kept: {link}"
    );

    let down = c.get("/login/oidc").await;
    assert_eq!(down.status, StatusCode::BAD_GATEWAY);
    assert!(down.body.contains("Din kommunes login svarer ikke lige nu"));
    assert_eq!(app.count("SELECT count(*) FROM oidc_logins").await, 0);

    // An answer with no begun sign-on in this browser.
    let stray = c.get("/login/oidc/retur?code=abc&state=def").await;
    assert_eq!(stray.status, StatusCode::BAD_REQUEST);
    assert!(stray.body.contains("hører ikke til denne browser"));
    assert!(c.get("/").await.location().starts_with("/login"));
    app.finish().await;
}

#[test]
fn single_sign_on_needs_all_three_settings_and_a_public_url() {
    let from = |vars: &[(&str, &str)]| {
        let vars: std::collections::HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        udsyn::config::Config::from_vars(|k| vars.get(k).cloned())
    };
    let err = from(&[("OIDC_ISSUER", "https://login.example")]).unwrap_err();
    assert!(err.to_string().contains("kræver alle tre"), "{err}");
    let three = [
        ("OIDC_ISSUER", "https://login.example/tenant/v2.0/"),
        ("OIDC_CLIENT_ID", "udsyn"),
        ("OIDC_CLIENT_SECRET", "s"),
    ];
    let err = from(&three).unwrap_err();
    assert!(err.to_string().contains("kræver PUBLIC_URL"), "{err}");
    let mut with_url = three.to_vec();
    with_url.push(("PUBLIC_URL", "https://udsyn.herning.dk/"));
    let oidc = from(&with_url)
        .unwrap()
        .oidc
        .expect("single sign-on set up");
    assert_eq!(
        oidc.issuer, "https://login.example/tenant/v2.0/",
        "kept as written"
    );
    assert_eq!(
        oidc.redirect_url,
        "https://udsyn.herning.dk/login/oidc/retur"
    );
    assert!(from(&[]).unwrap().oidc.is_none());
}
