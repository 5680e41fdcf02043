//! The second factor (`/login/kode`, `/konto/totp`): a coordinator who is not one of the demo's
//! own logins sets up TOTP at the first login and is let in only with a code computed here from
//! the secret on the page; a code counts once; a recovery code works once; five wrong codes send
//! the person back to the password; the demo's logins and other roles are not asked.

mod common;

use axum::http::StatusCode;
use common::*;
use udsyn::domain::totp;

const ANNE: &str = "anne.koordinator@herning.dk";
const PASSWORD: &str = "hedebakken om aftenen";

/// The demo, with Anne: a second coordinator, not exempt, with a password.
async fn with_anne() -> TestApp {
    let app = TestApp::demo().await;
    let hash = udsyn::auth::password::hash(PASSWORD.into()).await.unwrap();
    sqlx::query("INSERT INTO accounts (email, role, password_hash) VALUES ($1, 'koordinator', $2)")
        .bind(ANNE)
        .bind(hash)
        .execute(&app.pool)
        .await
        .unwrap();
    app
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The secret the setup page shows (its hidden field), decoded.
fn secret_on(page: &Page) -> Vec<u8> {
    let at = page
        .body
        .find("name=\"secret\" value=\"")
        .expect("a secret")
        + 21;
    let b32 = page.body[at..].split('"').next().unwrap();
    totp::base32_decode(b32).unwrap()
}

fn recovery_codes_on(page: &Page) -> Vec<String> {
    page.body
        .match_indices("<li><code>")
        .map(|(i, _)| page.body[i + 10..].split('<').next().unwrap().to_string())
        .collect()
}

async fn password_step(app: &TestApp) -> Client {
    let mut c = app.client();
    let r = c
        .post_form("/login", &[("email", ANNE), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        "/login/kode",
        "the password alone is not enough"
    );
    assert!(c.cookie.is_none(), "no session yet");
    c
}

/// Anne sets up her second factor at her first login; returns her secret and recovery codes.
async fn set_up(app: &TestApp) -> (Vec<u8>, Vec<String>) {
    let mut c = password_step(app).await;
    let setup = c.get("/login/kode").await;
    assert_eq!(setup.status, StatusCode::OK);
    assert_eq!(setup.h1(), "Opret totrinsbekræftelse");
    assert!(setup.body.contains("<svg"), "a QR code");
    let secret = secret_on(&setup);
    let b32 = totp::base32(&secret);

    // A wrong code: the same secret again, and no session.
    let wrong = c
        .post_form("/login/kode", &[("code", "000000"), ("secret", &b32)])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Koden passer ikke"));
    assert_eq!(secret_on(&wrong), secret);
    assert!(c.cookie.is_none());

    let done = c
        .post_form(
            "/login/kode",
            &[("code", &totp::code_at(&secret, now())), ("secret", &b32)],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.h1(), "Dine gendannelseskoder");
    let codes = recovery_codes_on(&done);
    assert_eq!(codes.len(), 10);
    assert!(c.cookie.is_some(), "logged in");
    assert_eq!(c.get("/").await.h1(), "Konsortiet");
    (secret, codes)
}

#[tokio::test]
async fn a_coordinator_sets_up_totp_at_first_login_and_then_logs_in_with_a_code() {
    let app = with_anne().await;
    let (secret, _) = set_up(&app).await;
    assert_eq!(
        app.count("SELECT count(*) FROM accounts WHERE totp_enabled_at IS NOT NULL")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'totrinsbekræftelse oprettet'")
            .await,
        1
    );

    // The next login asks for a code; the code that set it up cannot be used again.
    let mut c = password_step(&app).await;
    let ask = c.get("/login/kode").await;
    assert_eq!(ask.h1(), "Skriv din kode");
    assert!(!ask.body.contains("name=\"secret\""), "no new secret");
    let last: i64 = sqlx::query_scalar("SELECT totp_last_step FROM accounts WHERE email = $1")
        .bind(ANNE)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let code_of = |step: i64| format!("{:06}", totp::hotp(&secret, step as u64));
    let used = c
        .post_form("/login/kode", &[("code", &code_of(last))])
        .await;
    assert_eq!(
        used.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a code counts once"
    );
    assert!(used.body.contains("Koden er forkert eller brugt"));
    // The next time step's code (the app shows it 30 s later) lets her in.
    let next = code_of(last + 1);
    let ok = c.post_form("/login/kode", &[("code", &next)]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.location(), "/");
    assert_eq!(c.get("/").await.h1(), "Konsortiet");
    app.finish().await;
}

#[tokio::test]
async fn a_recovery_code_works_once_and_five_wrong_codes_start_over() {
    let app = with_anne().await;
    let (_, codes) = set_up(&app).await;

    let mut c = password_step(&app).await;
    let typed = codes[3].to_uppercase().replace('-', " ");
    let ok = c.post_form("/login/kode", &[("code", &typed)]).await;
    assert_eq!(
        ok.status,
        StatusCode::SEE_OTHER,
        "a recovery code, typed loosely"
    );
    assert!(c.cookie.is_some());

    let mut c = password_step(&app).await;
    let again = c.post_form("/login/kode", &[("code", &codes[3])]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "used once");
    for _ in 0..3 {
        let r = c.post_form("/login/kode", &[("code", "123456")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let fifth = c.post_form("/login/kode", &[("code", "123456")]).await;
    assert_eq!(fifth.status, StatusCode::SEE_OTHER);
    assert_eq!(fifth.location(), "/login?kode_udloebet=1");
    let gone = c.post_form("/login/kode", &[("code", &codes[4])]).await;
    assert_eq!(
        gone.location(),
        "/login?kode_udloebet=1",
        "start again from the password"
    );
    assert!(c.cookie.is_none());
    let login = c.get("/login?kode_udloebet=1").await;
    assert!(login.body.contains("Login-forsøget er udløbet"));

    // Without a login halfway in this browser there is nothing to answer.
    let stray = app.client().get("/login/kode").await;
    assert_eq!(stray.location(), "/login?kode_udloebet=1");
    app.finish().await;
}

#[tokio::test]
async fn the_demo_logins_and_other_roles_are_not_asked_and_the_login_page_says_why() {
    let app = TestApp::demo().await;
    let page = app.client().get("/login").await;
    assert!(page.body.contains("undtaget fra totrinsbekræftelse"));
    for email in [KOORDINATOR, SKOLELEDER, MEDARBEJDER] {
        let mut c = app.client();
        let r = c
            .post_form(
                "/login",
                &[("email", email), ("password", udsyn::demo::PASSWORD)],
            )
            .await;
        assert_eq!(r.location(), "/", "{email}");
    }
    app.finish().await;

    // With every role required, a school leader who is not a demo login is asked too.
    let mut config = udsyn::config::Config::from_env().unwrap();
    config.mfa_required = udsyn::domain::Role::ALL.to_vec();
    let app = TestApp::with_config(config).await;
    udsyn::demo::load(&app.pool).await.unwrap();
    let hash = udsyn::auth::password::hash(PASSWORD.into()).await.unwrap();
    sqlx::query(
        "INSERT INTO accounts (email, role, password_hash, staff_id)
         SELECT $1, 'skoleleder', $2, s.id FROM staff s
         WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.staff_id = s.id) LIMIT 1",
    )
    .bind(ANNE)
    .bind(hash)
    .execute(&app.pool)
    .await
    .unwrap();
    let r = app
        .client()
        .post_form("/login", &[("email", ANNE), ("password", PASSWORD)])
        .await;
    assert_eq!(r.location(), "/login/kode");
    // The demo's own school leader still is not.
    let r = app
        .client()
        .post_form(
            "/login",
            &[("email", SKOLELEDER), ("password", udsyn::demo::PASSWORD)],
        )
        .await;
    assert_eq!(r.location(), "/");
    app.finish().await;

    let empty = TestApp::empty().await;
    let page = empty.client().get("/login").await;
    assert!(
        !page.body.contains("undtaget fra totrinsbekræftelse"),
        "no demo here"
    );
    empty.finish().await;
}

#[tokio::test]
async fn turning_totp_on_and_off_on_the_account_page_asks_for_the_password() {
    let app = TestApp::demo().await;
    let mut c = app.login_as(SKOLELEDER).await;
    let page = c.get("/konto/totp").await;
    assert_eq!(page.status, StatusCode::OK);
    let secret = secret_on(&page);
    let b32 = totp::base32(&secret);
    let csrf = page.csrf();
    let code = totp::code_at(&secret, now());

    let no_password = c
        .post_form(
            "/konto/totp",
            &[
                ("csrf", &csrf),
                ("handling", "opret"),
                ("code", &code),
                ("secret", &b32),
            ],
        )
        .await;
    assert_eq!(no_password.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_password
            .body
            .contains("Skriv din nuværende adgangskode.")
    );
    let on = c
        .post_form(
            "/konto/totp",
            &[
                ("csrf", &csrf),
                ("handling", "opret"),
                ("code", &code),
                ("secret", &b32),
                ("current", udsyn::demo::PASSWORD),
            ],
        )
        .await;
    assert_eq!(on.status, StatusCode::OK);
    assert_eq!(recovery_codes_on(&on).len(), 10);
    assert!(
        c.get("/konto")
            .await
            .body
            .contains("10 ubrugte gendannelseskoder")
    );

    // The school leader now needs a code too, even though her role does not require one.
    let r = app
        .client()
        .post_form(
            "/login",
            &[("email", SKOLELEDER), ("password", udsyn::demo::PASSWORD)],
        )
        .await;
    assert_eq!(r.location(), "/login/kode");

    let wrong = c
        .post_form(
            "/konto/totp",
            &[
                ("csrf", &csrf),
                ("handling", "fjern"),
                ("current", "forkert adgangskode"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Adgangskoden er forkert."));
    let off = c
        .post_form(
            "/konto/totp",
            &[
                ("csrf", &csrf),
                ("handling", "fjern"),
                ("current", udsyn::demo::PASSWORD),
            ],
        )
        .await;
    assert_eq!(off.location(), "/konto?gemt=totp-fjernet");
    assert_eq!(
        app.count("SELECT count(*) FROM recovery_codes").await,
        0,
        "the codes go with it"
    );
    app.finish().await;
}
