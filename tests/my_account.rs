//! A person's own login (`/konto`, `/konto/adgangskode`, `/sessioner`): the password changed only
//! with the old one typed again, every other session ended by it; a list of one's own sessions,
//! each of which can be ended; and sessions that end by themselves when too old, or when the
//! account's role changes.

mod common;

use axum::http::StatusCode;
use common::*;

const NEW_PASSWORD: &str = "tre ænder på Gudenåen";

#[tokio::test]
async fn a_new_password_needs_the_old_one_and_ends_every_other_session() {
    let app = TestApp::demo().await;
    let mut here = app.login_as(MEDARBEJDER).await;
    let mut elsewhere = app.login_as(MEDARBEJDER).await;

    let account = here.get("/konto").await;
    assert_eq!(account.h1(), "Min konto");
    assert!(account.body.contains(MEDARBEJDER));
    let form = here.get("/konto/adgangskode").await;
    let csrf = form.csrf();

    let wrong = here
        .post_form(
            "/konto/adgangskode",
            &[
                ("csrf", &csrf),
                ("current", "ikke min adgangskode"),
                ("password", NEW_PASSWORD),
                ("password_repeat", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Adgangskoden er forkert."));
    let short = here
        .post_form(
            "/konto/adgangskode",
            &[
                ("csrf", &csrf),
                ("current", udsyn::demo::PASSWORD),
                ("password", "qwertyuiop123"),
                ("password_repeat", "qwertyuiop123"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        short.body.contains("for let at gætte"),
        "a breached password"
    );
    assert_eq!(
        elsewhere.get("/").await.status,
        StatusCode::OK,
        "nothing changed yet"
    );

    let ok = here
        .post_form(
            "/konto/adgangskode",
            &[
                ("csrf", &csrf),
                ("current", udsyn::demo::PASSWORD),
                ("password", NEW_PASSWORD),
                ("password_repeat", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(ok.location(), "/konto?gemt=adgangskode");
    let after = here.get("/konto?gemt=adgangskode").await;
    assert_eq!(after.status, StatusCode::OK, "this browser stays logged in");
    assert!(after.body.contains("Din nye adgangskode er gemt"));
    assert!(
        elsewhere.get("/").await.location().starts_with("/login"),
        "the other session ended"
    );
    let old = app
        .client()
        .post_form(
            "/login",
            &[("email", MEDARBEJDER), ("password", udsyn::demo::PASSWORD)],
        )
        .await;
    assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY);
    let new = app
        .client()
        .post_form(
            "/login",
            &[("email", MEDARBEJDER), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(new.location(), "/");
    app.finish().await;
}

#[tokio::test]
async fn a_person_sees_and_ends_their_own_sessions_and_no_one_elses() {
    let app = TestApp::demo().await;
    let mut laptop = app.login_as(SKOLELEDER).await;
    let mut phone = app.login_as(SKOLELEDER).await;
    let mut tablet = app.login_as(SKOLELEDER).await;
    let mut other = app.login_as(MEDARBEJDER).await;

    let list = laptop.get("/sessioner").await;
    assert_eq!(list.h1(), "Dine sessioner");
    assert_eq!(
        list.body.matches("<tr>").count(),
        1 + 3,
        "a header and three sessions"
    );
    assert_eq!(list.body.matches("(denne browser)").count(), 1);
    let ends = list.links("/sessioner/");
    assert!(ends.is_empty(), "ending is a button, not a link");
    let actions: Vec<String> = list
        .body
        .match_indices("action=\"/sessioner/")
        .map(|(i, _)| list.body[i + 8..].split('"').next().unwrap().to_string())
        .filter(|a| a.ends_with("/afslut"))
        .collect();
    assert_eq!(actions.len(), 2, "the two other sessions can be ended");
    let csrf = list.csrf();

    // Someone else cannot end them, even with the right id.
    let theirs = other.get("/sessioner").await.csrf();
    let refused = other.post_form(&actions[0], &[("csrf", &theirs)]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    let one = laptop.post_form(&actions[0], &[("csrf", &csrf)]).await;
    assert_eq!(one.location(), "/sessioner?afsluttet=1");
    let still: Vec<bool> = [phone.get("/").await, tablet.get("/").await]
        .iter()
        .map(|p| p.status == StatusCode::OK)
        .collect();
    assert_eq!(still.iter().filter(|s| **s).count(), 1, "one of them ended");

    let rest = laptop
        .post_form("/sessioner/afslut-andre", &[("csrf", &csrf)])
        .await;
    assert_eq!(rest.location(), "/sessioner?afsluttet=1");
    assert!(phone.get("/").await.location().starts_with("/login"));
    assert!(tablet.get("/").await.location().starts_with("/login"));
    assert_eq!(laptop.get("/").await.status, StatusCode::OK);
    assert_eq!(
        other.get("/").await.status,
        StatusCode::OK,
        "another person's stays"
    );
    app.finish().await;
}

#[tokio::test]
async fn sessions_end_when_too_old_and_when_the_role_changes() {
    let app = TestApp::demo().await;
    let mut busy = app.login_as(SKOLELEDER).await;
    // Used a minute ago, but begun 13 hours ago: past SESSION_MAX_HOURS (12).
    sqlx::query(
        "UPDATE sessions SET created_at = now() - interval '13 hours', last_seen_at = now() - interval '1 minute'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let r = busy.get("/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().contains("udloebet=1"), "{}", r.location());

    let mut c = app.login_as(MEDARBEJDER).await;
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    sqlx::query("UPDATE accounts SET role = 'skoleleder' WHERE email = $1")
        .bind(MEDARBEJDER)
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(
        c.get("/").await.location().starts_with("/login"),
        "a new role, a new login"
    );
    app.finish().await;
}
