//! Two Udsyn processes on one database, as behind a load balancer: a session begun on one is
//! good on the other, its form token too, and a logout on either ends it on both.

mod common;

use common::process::{Served, client, set_cookie};
use common::*;

fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a form token") + 19;
    html[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_session_begun_on_one_instance_continues_and_ends_on_the_other() {
    let app = TestApp::demo().await;
    let url = app.database_url();
    let (a, b) = (
        Served::start(&url, &[]).await,
        Served::start(&url, &[]).await,
    );
    let http = client();

    let login = http
        .post(format!("{}/login", a.base))
        .form(&[("email", KOORDINATOR), ("password", udsyn::demo::PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303, "logged in on A");
    let cookie = format!(
        "udsyn_session={}",
        set_cookie(&login, "udsyn_session").expect("a session cookie from A")
    );

    // B knows the session A began, and serves the coordinator's own pages.
    let page = |base: &str, path: &str| {
        http.get(format!("{base}{path}"))
            .header("cookie", &cookie)
            .send()
    };
    let desk = page(&b.base, "/").await.unwrap();
    assert_eq!(desk.status(), 200);
    assert!(desk.text().await.unwrap().contains("<h1>Konsortiet</h1>"));
    let on_a = page(&a.base, "/logout")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    // The form token A put on its page is good on B: log out there with it.
    let out = http
        .post(format!("{}/logout", b.base))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf_of(&on_a))])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert_eq!(out.headers()["location"], "/login?logget_ud=1");

    // And A no longer knows the session either.
    for base in [&a.base, &b.base] {
        let r = page(base, "/mobiliteter").await.unwrap();
        assert_eq!(r.status(), 303, "{base}: sent to log in");
        assert!(
            r.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login")
        );
    }
    drop((a, b));
    app.finish().await;
}
