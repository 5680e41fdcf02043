//! Special categories: who has fewer opportunities, and why they get inclusion support, is seen
//! only by accounts with the right "særlige kategorier", which the coordinator grants and
//! withdraws on the account's page (each change in the audit log). Everyone else sees counts.

mod common;

use axum::http::StatusCode;
use common::*;
use uuid::Uuid;

const JUSTIFICATION: &str = "Tolk med til alle møder på skolen";

/// The demo with Nadia Jensen marked as having fewer opportunities on her completed trip, and a
/// second coordinator, Jonas, without the right.
struct Setup {
    app: TestApp,
    mobility: Uuid,
    project: Uuid,
    nadia: Uuid,
    jonas: Uuid,
}

async fn setup() -> Setup {
    let app = TestApp::demo().await;
    let nadia = app
        .id_of("SELECT id FROM staff WHERE name = 'Nadia Jensen'")
        .await;
    let mobility = app
        .id_of(&format!(
            "SELECT mobility_id FROM mobility_participants WHERE staff_id = '{nadia}' AND role = 'deltager' LIMIT 1"
        ))
        .await;
    let project = app
        .id_of(&format!(
            "SELECT project_id FROM mobilities WHERE id = '{mobility}'"
        ))
        .await;
    sqlx::query(
        "UPDATE mobility_participants SET fewer_opportunities = true, inclusion_real_cents = 45000,
             inclusion_approved = true, inclusion_justification = $3
         WHERE mobility_id = $1 AND staff_id = $2",
    )
    .bind(mobility)
    .bind(nadia)
    .bind(JUSTIFICATION)
    .execute(&app.pool)
    .await
    .unwrap();
    let hash = udsyn::auth::password::hash(udsyn::demo::PASSWORD.into())
        .await
        .unwrap();
    let jonas: Uuid = sqlx::query_scalar(
        // Exempt from the second factor like the demo's own logins: this test is about the right.
        "INSERT INTO accounts (email, role, password_hash, mfa_exempt) VALUES ('jonas@herning.dk', 'koordinator', $1, true) RETURNING id",
    )
    .bind(hash)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    Setup {
        app,
        mobility,
        project,
        nadia,
        jonas,
    }
}

async fn stored(s: &Setup) -> (bool, Option<i64>, bool, String) {
    sqlx::query_as(
        "SELECT fewer_opportunities, inclusion_real_cents, inclusion_approved, inclusion_justification
         FROM mobility_participants WHERE mobility_id = $1 AND staff_id = $2",
    )
    .bind(s.mobility)
    .bind(s.nadia)
    .fetch_one(&s.app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn only_accounts_with_the_right_see_who_has_fewer_opportunities() {
    let s = setup().await;
    let mut mette = s.app.login_as(KOORDINATOR).await;
    let csrf = mette.get("/").await.csrf();
    let r = mette
        .post_form(
            &format!("/mobiliteter/{}/tilskud/genberegn", s.mobility),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let grant_form = format!("/mobiliteter/{}/tilskud", s.mobility);
    let page = format!("/mobiliteter/{}", s.mobility);
    let bm = format!("/projekter/{}/bm-eksport.csv", s.project);

    // Mette (the demo coordinator) has the right: the flag, the support and its reason.
    let form = mette.get(&grant_form).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Deltager med færre muligheder"));
    assert!(form.body.contains(JUSTIFICATION));
    let shown = mette.get(&page).await;
    assert!(
        shown.body.contains("Inklusionsstøtte"),
        "the inclusion line per person"
    );
    assert_eq!(mette.get(&bm).await.status, StatusCode::OK);

    // Jonas, a coordinator without it, sees no person's flag, support or reason anywhere.
    let mut jonas = s.app.login_as("jonas@herning.dk").await;
    let form = jonas.get(&grant_form).await;
    assert_eq!(form.status, StatusCode::OK);
    for hidden in [
        "Deltager med færre muligheder",
        JUSTIFICATION,
        "Inklusionsstøtte til deltageren",
        "Godkendt af Nationalt Kontor",
    ] {
        assert!(
            !form.body.contains(hidden),
            "the grant form shows {hidden:?}"
        );
    }
    assert!(form.body.contains(
        "Markeringen «færre muligheder» og inklusionsstøtten vises kun for brugere med ret til særlige kategorier."
    ));
    let shown = jonas.get(&page).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        !shown.body.contains("Inklusionsstøtte (") && !shown.body.contains("færre muligheder ×"),
        "no inclusion line on the mobility's page"
    );
    assert!(
        shown
            .body
            .contains("som kun brugere med ret til særlige kategorier ser pr. person"),
        "the page says why"
    );
    assert_eq!(
        jonas.get(&bm).await.status,
        StatusCode::FORBIDDEN,
        "the BM file names persons"
    );
    // Counts stay: the project's Targets count participants with fewer opportunities.
    let targets = jonas.get(&format!("/projekter/{}/maal", s.project)).await;
    assert_eq!(targets.status, StatusCode::OK);
    assert!(targets.body.contains("færre muligheder"));

    // Saving the grant form without the fields leaves what is stored.
    let form = jonas.get(&grant_form).await;
    let interrupted = format!("interrupted_{}", s.nadia);
    let r = jonas
        .post_form(
            &grant_form,
            &[("csrf", form.csrf().as_str()), (interrupted.as_str(), "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.title());
    assert_eq!(
        stored(&s).await,
        (true, Some(45000), true, JUSTIFICATION.to_string()),
        "the flag and the support stay as they were"
    );
    s.app.finish().await;
}

#[tokio::test]
async fn the_coordinator_grants_and_withdraws_the_right_and_the_audit_log_keeps_it() {
    let s = setup().await;
    let mut mette = s.app.login_as(KOORDINATOR).await;
    let mut jonas = s.app.login_as("jonas@herning.dk").await;
    let grant_form = format!("/mobiliteter/{}/tilskud", s.mobility);
    let account = format!("/brugere/{}", s.jonas);
    let action = format!("{account}/saerlige-kategorier");

    let before = mette.get(&account).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(before.body.contains("Giv ret til særlige kategorier"));
    assert!(
        before
            .body
            .contains("ser kun antal deltagere med færre muligheder, aldrig hvem")
    );

    // A school leader cannot grant it, nor can anyone without the form's token.
    let mut lars = s.app.login_as(SKOLELEDER).await;
    let csrf = lars.get("/").await.csrf();
    let r = lars
        .post_form(&action, &[("csrf", csrf.as_str()), ("handling", "giv")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = mette
        .post_form(&action, &[("csrf", "forkert"), ("handling", "giv")])
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(!jonas.get(&grant_form).await.body.contains(JUSTIFICATION));

    // Granted: Jonas sees it at once, in the session he already has.
    let csrf = before.csrf();
    let r = mette
        .post_form(&action, &[("csrf", csrf.as_str()), ("handling", "giv")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after = mette.get(r.location()).await;
    assert!(
        after
            .body
            .contains("Retten til særlige kategorier er givet.")
    );
    assert!(after.body.contains("Fratag retten til særlige kategorier"));
    assert!(
        after.body.contains("ret til særlige kategorier givet"),
        "the account's history"
    );
    let form = jonas.get(&grant_form).await;
    assert!(
        form.body.contains(JUSTIFICATION) && form.body.contains("Deltager med færre muligheder")
    );
    assert_eq!(
        jonas
            .get(&format!("/projekter/{}/bm-eksport.csv", s.project))
            .await
            .status,
        StatusCode::OK
    );

    // Withdrawn: gone again.
    let r = mette
        .post_form(&action, &[("csrf", csrf.as_str()), ("handling", "fratag")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        mette
            .get(r.location())
            .await
            .body
            .contains("Retten til særlige kategorier er frataget.")
    );
    assert!(!jonas.get(&grant_form).await.body.contains(JUSTIFICATION));
    let logged: Vec<(String, Uuid)> = sqlx::query_as(
        "SELECT action, account_id FROM audit_log WHERE entity = 'account' AND entity_id = $1 ORDER BY id",
    )
    .bind(s.jonas.to_string())
    .fetch_all(&s.app.pool)
    .await
    .unwrap();
    let mette_id = s
        .app
        .id_of("SELECT id FROM accounts WHERE email = 'koordinator@demo.udsyn.dk'")
        .await;
    assert_eq!(
        logged,
        vec![
            ("ret til særlige kategorier givet".to_string(), mette_id),
            ("ret til særlige kategorier frataget".to_string(), mette_id),
        ],
        "who gave and who took it, in the audit log"
    );
    s.app.finish().await;
}
