//! Test harness: a fresh PostgreSQL database per test (found the way `udsyn serve` finds one),
//! the real router, and a small browser-like client that keeps cookies and posts forms.
#![allow(dead_code)]

pub mod aggregates;
pub mod demo_ids;
pub mod fuzz;
pub mod process;
pub mod smtp;
#[allow(unused_imports)]
pub use demo_ids::{Ids, ids};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;
use udsyn::app::{AppState, router};
use udsyn::config::Config;
use udsyn::db;

pub struct TestApp {
    pub pool: PgPool,
    pub router: Router,
    /// The router's state: its access log (`state.access_log.flush()`) and clean-up.
    pub state: AppState,
    pub config: Config,
    server: db::Server,
    pub database: String,
}

impl TestApp {
    /// A new, empty, migrated database.
    pub async fn empty() -> TestApp {
        Self::with_config(Config::from_env().expect("settings")).await
    }

    pub async fn with_config(config: Config) -> TestApp {
        let server = db::find_server(&config)
            .await
            .expect("a PostgreSQL server for the tests");
        let database = format!("udsyn_test_{}", uuid::Uuid::new_v4().simple());
        let pool = db::open_pool(&server, &database, 5)
            .await
            .expect("test database");
        db::migrate(&pool).await.expect("migrations");
        let state = AppState::new(pool.clone(), config.clone());
        let router = router(state.clone());
        TestApp {
            pool,
            router,
            state,
            config,
            server,
            database,
        }
    }

    /// The test database's address, for a `udsyn` process started by the test.
    pub fn database_url(&self) -> String {
        let o = &self.server.admin;
        // sqlx keeps a Unix socket's folder as the host when it found the default socket.
        let socket = o
            .get_socket()
            .cloned()
            .or_else(|| o.get_host().starts_with('/').then(|| o.get_host().into()));
        match socket {
            Some(dir) => format!(
                "postgres://{}@localhost:{}/{}?host={}",
                o.get_username(),
                o.get_port(),
                self.database,
                dir.display()
            ),
            None => format!(
                "postgres://{}@{}:{}/{}",
                o.get_username(),
                o.get_host(),
                o.get_port(),
                self.database
            ),
        }
    }

    /// A new database holding the demo consortium.
    pub async fn demo() -> TestApp {
        let app = Self::empty().await;
        udsyn::demo::load(&app.pool).await.expect("demo loads");
        app
    }

    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookie: None,
            others: Default::default(),
        }
    }

    /// A client already logged in as one of the demo accounts.
    pub async fn login_as(&self, email: &str) -> Client {
        let mut c = self.client();
        let r = c
            .post_form(
                "/login",
                &[("email", email), ("password", udsyn::demo::PASSWORD)],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login as {email}: {}",
            r.body
        );
        c
    }

    pub async fn id_of(&self, sql: &str) -> uuid::Uuid {
        sqlx::query_scalar(sql)
            .fetch_one(&self.pool)
            .await
            .expect(sql)
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.pool)
            .await
            .expect(sql)
    }

    /// Ends the test: the database goes when the `TestApp` is dropped (see `Drop`), which also
    /// happens when a test panics. Kept so a test says where it means to end.
    pub async fn finish(self) {
        self.pool.close().await;
    }
}

/// Drops the test database with `WITH (FORCE)`, so connections still open (a panicking test's
/// pool, a background job) do not keep it alive. Runs on its own thread and runtime, since a
/// `Drop` cannot await and the test's runtime may be unwinding.
impl Drop for TestApp {
    fn drop(&mut self) {
        let admin = self.server.admin.clone();
        let database = self.database.clone();
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to drop the test database");
            rt.block_on(async {
                let mut c = sqlx::PgConnection::connect_with(&admin).await?;
                sqlx::query(&format!(
                    "DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)"
                ))
                .execute(&mut c)
                .await
                .map(|_| ())
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("the test database {} was not dropped: {e}", self.database),
            Err(_) => eprintln!("dropping the test database {} panicked", self.database),
        }
    }
}

use sqlx::Connection;

pub struct Client {
    router: Router,
    /// The session cookie (`udsyn_session=…`), if any.
    pub cookie: Option<String>,
    /// Udsyn's other cookies (a login halfway, a single sign-on begun), by name.
    pub others: std::collections::BTreeMap<String, String>,
}

#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub body: String,
    pub headers: axum::http::HeaderMap,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn title(&self) -> &str {
        let start = self.body.find("<title>").map(|i| i + 7).unwrap_or(0);
        let end = self.body[start..]
            .find("</title>")
            .map(|i| start + i)
            .unwrap_or(start);
        &self.body[start..end]
    }

    pub fn h1(&self) -> String {
        let start = self.body.find("<h1>").map(|i| i + 4).unwrap_or(0);
        let end = self.body[start..]
            .find("</h1>")
            .map(|i| start + i)
            .unwrap_or(start);
        self.body[start..end].trim().to_string()
    }

    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let i = self.body.find(marker).expect("a form with a CSRF token") + marker.len();
        self.body[i..].split('"').next().unwrap().to_string()
    }

    /// Every link target on the page that starts with `prefix`.
    pub fn links(&self, prefix: &str) -> Vec<String> {
        let needle = format!("href=\"{prefix}");
        self.body
            .match_indices(&needle)
            .map(|(i, _)| self.body[i + 6..].split('"').next().unwrap().to_string())
            .collect()
    }
}

impl Client {
    pub async fn request(&mut self, req: Request<Body>) -> Page {
        let mut req = req;
        let jar: Vec<String> = self
            .cookie
            .iter()
            .cloned()
            .chain(self.others.iter().map(|(k, v)| format!("{k}={v}")))
            .collect();
        if !jar.is_empty() {
            req.headers_mut()
                .insert(header::COOKIE, jar.join("; ").parse().unwrap());
        }
        req.headers_mut()
            .insert(header::HOST, "udsyn.test".parse().unwrap());
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        // Like a browser: every Set-Cookie, an empty value or Max-Age=0 removes the cookie.
        for set in headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            let pair = set.split(';').next().unwrap().trim().to_string();
            let (name, value) = pair.split_once('=').unwrap_or((&pair, ""));
            let gone = value.is_empty() || set.contains("Max-Age=0");
            if name == "udsyn_session" {
                self.cookie = (!gone).then(|| pair.clone());
            } else if gone {
                self.others.remove(name);
            } else {
                self.others.insert(name.to_string(), value.to_string());
            }
        }
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            body: String::from_utf8_lossy(&bytes).to_string(),
            headers,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        self.request(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.post_raw(path, body.into_bytes()).await
    }

    pub async fn post_raw(&mut self, path: &str, body: Vec<u8>) -> Page {
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.request(req).await
    }
}

pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub const KOORDINATOR: &str = "koordinator@demo.udsyn.dk";
pub const SKOLELEDER: &str = "skoleleder@demo.udsyn.dk";
pub const MEDARBEJDER: &str = "medarbejder@demo.udsyn.dk";

impl Client {
    /// Posts a multipart form: text fields and one file.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, Vec<u8>)>,
    ) -> Page {
        let boundary = "----udsyn-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        if let Some((field, filename, bytes)) = file {
            body.extend(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .as_bytes(),
            );
            body.extend(bytes);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").as_bytes());
        let req = Request::post(path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .unwrap();
        self.request(req).await
    }
}

/// Every route the router declares in `src/app.rs`, with its methods: (path, ["GET", "POST"]).
/// Tests that must cover every route compare their tables with this list, so a new route without
/// a row fails them.
pub fn router_routes() -> Vec<(String, Vec<&'static str>)> {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/app.rs"))
        .expect("src/app.rs");
    let mut out = Vec::new();
    for part in source.split(".route(").skip(1) {
        let Some(path) = part.split('"').nth(1) else {
            continue;
        };
        // What the route serves: up to the next route, fallback or layer.
        let end = [".route(", ".fallback", ".layer(", ".method_not_allowed"]
            .iter()
            .filter_map(|m| part.find(m))
            .min()
            .unwrap_or(part.len());
        let body = &part[..end];
        let mut methods = Vec::new();
        if body.contains("get(") {
            methods.push("GET");
        }
        if body.contains("post(") {
            methods.push("POST");
        }
        out.push((path.to_string(), methods));
    }
    out
}
