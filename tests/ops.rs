//! Operations: `/metrics` (who may read it, and that its counters move) and `LOG_FORMAT=json`
//! (lines that parse, with the request's fields, and never a password or a token).

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use common::*;
use udsyn::config::Config;
use udsyn::domain::allow_list::AllowList;
use udsyn::telemetry::{self, LogFormat};

/// GET /metrics as if from `peer`, with extra headers.
async fn metrics_from(c: &mut Client, peer: Option<&str>, headers: &[(&str, &str)]) -> Page {
    let mut req = Request::get("/metrics");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req.body(Body::empty()).unwrap();
    if let Some(p) = peer {
        let addr: SocketAddr = p.parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(addr));
    }
    c.request(req).await
}

/// The value of one sample line (`name{labels} value`) in a Prometheus text page.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_answer_loopback_and_refuse_everyone_else() {
    json_log();
    let app = TestApp::demo().await;
    let mut c = app.client();

    let ok = metrics_from(&mut c, Some("127.0.0.1:50000"), &[]).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(
        ok.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
        "the Prometheus text format"
    );
    assert!(ok.body.contains("# TYPE udsyn_http_requests_total counter"));
    assert_eq!(
        sample(&ok.body, "udsyn_db_pool_max_connections"),
        Some(5.0),
        "the test pool's size"
    );
    assert!(sample(&ok.body, "udsyn_db_pool_connections{state=\"in_use\"}").is_some());
    assert!(sample(&ok.body, "udsyn_db_pool_waiting").is_some());
    assert_eq!(sample(&ok.body, "udsyn_sessions_active"), Some(0.0));
    assert_eq!(
        metrics_from(&mut c, Some("[::1]:50000"), &[]).await.status,
        StatusCode::OK
    );

    for peer in [Some("10.1.2.3:443"), Some("[2001:db8::1]:443"), None] {
        let r = metrics_from(&mut c, peer, &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "from {peer:?}");
        assert!(!r.body.contains("udsyn_http_requests_total"), "{peer:?}");
    }
    // Through a reverse proxy on the same host the connection comes from loopback: the visitor
    // behind it is refused all the same.
    for header in ["x-forwarded-for", "forwarded", "x-real-ip"] {
        let r = metrics_from(&mut c, Some("127.0.0.1:50000"), &[(header, "203.0.113.9")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "with {header}");
    }
    app.finish().await;

    // METRICS_ALLOW names the monitoring network; loopback is then no longer in it.
    let config = Config {
        metrics_allow: AllowList::parse("10.0.0.0/8").unwrap(),
        ..Config::from_env().unwrap()
    };
    let app = TestApp::with_config(config).await;
    let mut c = app.client();
    assert_eq!(
        metrics_from(&mut c, Some("10.200.0.7:9000"), &[])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        metrics_from(&mut c, Some("127.0.0.1:9000"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        metrics_from(&mut c, Some("11.0.0.1:9000"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_sessions() {
    json_log();
    let app = TestApp::demo().await;
    let mut probe = app.client();
    let before = metrics_from(&mut probe, Some("127.0.0.1:1"), &[])
        .await
        .body;
    let login_get = "udsyn_http_requests_total{route=\"/login\",method=\"GET\",status=\"200\"}";
    assert_eq!(sample(&before, login_get), None, "nothing counted yet");

    let mut anon = app.client();
    for _ in 0..3 {
        assert_eq!(anon.get("/login").await.status, StatusCode::OK);
    }
    let mut coord = app.login_as(KOORDINATOR).await;
    let school = app
        .id_of("SELECT id FROM organisations WHERE kind <> 'forvaltning' ORDER BY name LIMIT 1")
        .await;
    assert_eq!(
        coord.get(&format!("/skoler/{school}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        coord.get("/findes-ikke/42").await.status,
        StatusCode::NOT_FOUND
    );

    let after = metrics_from(&mut probe, Some("127.0.0.1:1"), &[])
        .await
        .body;
    assert_eq!(sample(&after, login_get), Some(3.0), "{after}");
    assert_eq!(
        sample(
            &after,
            "udsyn_http_requests_total{route=\"/login\",method=\"POST\",status=\"303\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &after,
            "udsyn_http_requests_total{route=\"/skoler/{id}\",method=\"GET\",status=\"200\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &after,
            "udsyn_http_requests_total{route=\"ukendt\",method=\"GET\",status=\"404\"}"
        ),
        Some(1.0)
    );
    assert!(
        !after.contains(&school.to_string()),
        "ids never become labels"
    );
    assert!(
        !after.contains("findes-ikke"),
        "unknown paths are one label"
    );
    assert_eq!(
        sample(
            &after,
            "udsyn_http_request_duration_seconds_count{route=\"/login\",method=\"GET\"}"
        ),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &after,
            "udsyn_http_request_duration_seconds_bucket{route=\"/login\",method=\"GET\",le=\"+Inf\"}"
        ),
        Some(3.0)
    );
    assert_eq!(sample(&after, "udsyn_sessions_active"), Some(1.0));
    // The scrape before this one is counted too, under its own route.
    assert_eq!(
        sample(
            &after,
            "udsyn_http_requests_total{route=\"/metrics\",method=\"GET\",status=\"200\"}"
        ),
        Some(1.0)
    );
    app.finish().await;
}

/// A writer that keeps what the log subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// The JSON log of this test binary: every test here writes to it (a subscriber set only for
/// one thread misses events while other tests run in parallel), so the checks below hold for
/// every line the tests in this file cause.
fn json_log() -> Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let captured = Captured::default();
        let filter = tracing_subscriber::EnvFilter::new("udsyn=debug,tower_http=debug,sqlx=warn");
        tracing::subscriber::set_global_default(telemetry::subscriber(
            LogFormat::Json,
            filter,
            captured.clone(),
        ))
        .expect("the only subscriber of this test binary");
        captured
    })
    .clone()
}

#[tokio::test]
async fn json_log_lines_parse_and_never_carry_a_password_or_a_token() {
    let captured = json_log();

    let app = TestApp::demo().await;
    let mut coord = app.login_as(KOORDINATOR).await;
    let session = coord.cookie.clone().unwrap();
    let session_token = session.split_once('=').unwrap().1.to_string();
    let form = coord.get("/brugere/ny").await;
    let csrf = form.csrf();
    let peter = app
        .id_of("SELECT id FROM staff WHERE name = 'Peter Ørum'")
        .await
        .to_string();
    let created = coord
        .post_form(
            "/brugere/ny",
            &[
                ("csrf", &csrf),
                ("staff_id", &peter),
                ("role", "medarbejder"),
                ("email", ""),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK);
    let i = created.body.find("/invitation/").expect("invitation link");
    let invitation = created.body[i..]
        .split(['"', '<', ' '])
        .next()
        .unwrap()
        .to_string();
    let invitation_token = invitation.trim_start_matches("/invitation/").to_string();
    assert!(invitation_token.len() >= 20);

    // Peter sets his password through the link, then logs in with it, and once with a wrong one.
    let password = "Hedebølgen-og-15-tranebær";
    let mut peter_client = app.client();
    let set = peter_client
        .post_form(
            &invitation,
            &[("password", password), ("password_repeat", password)],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    let mut wrong = app.client();
    let r = wrong
        .post_form(
            "/login?next=/brugere%3Ftoken%3Dhemmelig-forespoergsel",
            &[
                ("email", "peter.oerum@hedelund.demo.udsyn.dk"),
                ("password", "forkert-men-hemmelig-kode"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A search with personal free text in the query string.
    let search = coord.get("/vidensbank?q=Sofies+fortrolige+note").await;
    assert_eq!(search.status, StatusCode::OK);
    let coordinator = app
        .id_of("SELECT id FROM accounts WHERE email = 'koordinator@demo.udsyn.dk'")
        .await;
    app.finish().await;

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() > 5, "the requests were logged: {text}");
    let mut responses = Vec::new();
    for line in &lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        assert!(v["timestamp"].is_string(), "{line}");
        assert!(v["level"].is_string(), "{line}");
        if v["message"] == "svar" {
            responses.push(v);
        }
    }
    for secret in [
        password,
        "forkert-men-hemmelig-kode",
        udsyn::demo::PASSWORD,
        &session_token,
        &csrf,
        &invitation_token,
        "hemmelig-forespoergsel",
        "Sofies",
    ] {
        assert!(
            !text.contains(secret),
            "the logs must not hold «{secret}»:\n{text}"
        );
    }

    // One line per request with the request's fields, in its span.
    assert!(responses.len() >= 6, "one per request: {text}");
    for r in &responses {
        let span = &r["span"];
        assert_eq!(span["name"], "request", "{r}");
        assert!(
            span["request_id"].as_str().is_some_and(|s| !s.is_empty()),
            "{r}"
        );
        assert!(span["method"].is_string(), "{r}");
        assert!(
            span["route"].as_str().is_some_and(|s| s.starts_with('/')),
            "{r}"
        );
        assert!(r["status"].is_u64(), "{r}");
    }
    let routes: Vec<&str> = responses
        .iter()
        .map(|r| r["span"]["route"].as_str().unwrap())
        .collect();
    assert!(routes.contains(&"/invitation/{token}"), "{routes:?}");
    assert!(routes.contains(&"/vidensbank"), "{routes:?}");
    let by_coordinator = responses
        .iter()
        .find(|r| r["span"]["route"] == "/brugere/ny" && r["span"]["method"] == "POST")
        .expect("the coordinator's form post was logged");
    assert_eq!(
        by_coordinator["span"]["account_id"],
        coordinator.to_string()
    );
    assert_eq!(by_coordinator["status"], 200);
    let ids: std::collections::HashSet<&str> = responses
        .iter()
        .map(|r| r["span"]["request_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), responses.len(), "a request id per request");
}

#[tokio::test]
async fn a_request_id_from_the_proxy_is_kept_and_a_bad_one_replaced() {
    json_log();
    let app = TestApp::empty().await;
    let mut c = app.client();
    let r = c
        .request(
            Request::get("/healthz")
                .header("x-request-id", "lb-7f3a.12")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.headers["x-request-id"], "lb-7f3a.12");
    let r = c
        .request(
            Request::get("/healthz")
                .header("x-request-id", "x\"}{ with spaces")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let id = r.headers["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 36, "a new uuid: {id}");
    let r = c.get("/healthz").await;
    assert_eq!(r.headers["x-request-id"].to_str().unwrap().len(), 36);
    app.finish().await;
}
