//! `udsyn serve` as its own process, for the tests that need more than the router: two
//! instances on one database, a database that restarts under a running server.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Served {
    child: Child,
    pub base: String,
    dir: std::path::PathBuf,
}

impl Served {
    /// Starts `udsyn serve` on a free port against `database_url`; returns once `/healthz` is 200.
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> Served {
        Self::start_with(&[], database_url, env).await
    }

    /// The same with more arguments to `serve` (`--demo`).
    pub async fn start_with(args: &[&str], database_url: &str, env: &[(&str, &str)]) -> Served {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // Its own folder, so that a developer's .env is not read.
        let dir =
            std::env::temp_dir().join(format!("udsyn-served-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_udsyn"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .args(args)
            .current_dir(&dir)
            .env("DATABASE_URL", database_url)
            .env("COOKIE_SECURE", "false")
            .env("RUST_LOG", "udsyn=error")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("udsyn starts");
        let served = Served {
            child,
            base: format!("http://127.0.0.1:{port}"),
            dir,
        };
        let http = client();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(r) = http.get(format!("{}/healthz", served.base)).send().await
                && r.status() == 200
            {
                return served;
            }
            assert!(Instant::now() < deadline, "udsyn did not answer /healthz");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Served {
    /// Stops it as systemd does, with SIGTERM, and waits until it has stopped by itself.
    pub fn stop_gracefully(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "SIGTERM to udsyn {pid}");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("udsyn's exit status") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "udsyn did not stop within 30 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An HTTP client that follows no redirects and keeps no cookies: the test handles both.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// The value of `name` in a response's Set-Cookie headers.
pub fn set_cookie(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix(&format!("{name}="))?
                .split(';')
                .next()
                .map(String::from)
        })
}
