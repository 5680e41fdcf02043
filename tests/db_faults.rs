//! When PostgreSQL falters: Udsyn runs against a private PostgreSQL cluster of its own (initdb and
//! pg_ctl, as `udsyn serve` does when it finds no server), four clients write decisions to a
//! network meeting without pause, and the cluster is restarted fast and then stopped immediately
//! (a crash) and started again. Every write Udsyn acknowledged must be in the database afterwards;
//! no answer may be a 500 or hang; while the database is down pages answer a Danish 503 and
//! `/readyz` says not ready; and Udsyn serves writes again within 5 s of PostgreSQL being back.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::process::{Served, client, set_cookie};
use sqlx::Connection;
use tokio::sync::Mutex;
use udsyn::db::connect::find_pg_bin;

struct Cluster {
    dir: PathBuf,
    data: String,
    port: u16,
    pg_ctl: PathBuf,
}

fn as_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs a PostgreSQL server program (as the `postgres` user when the test runs as root, since
/// initdb and pg_ctl refuse root).
async fn run(bin: &Path, args: &[&str]) {
    let mut cmd = if as_root() {
        let mut c = tokio::process::Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin);
        c
    } else {
        tokio::process::Command::new(bin)
    };
    let out = cmd.args(args).output().await.expect("the program runs");
    assert!(
        out.status.success(),
        "{} {args:?}: {}",
        bin.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Cluster {
    async fn create() -> Cluster {
        let initdb = find_pg_bin("initdb").expect("PostgreSQL's initdb on this machine");
        let pg_ctl = find_pg_bin("pg_ctl").expect("PostgreSQL's pg_ctl on this machine");
        let dir =
            std::env::temp_dir().join(format!("udsyn-faults-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(dir.join("socket")).unwrap();
        if as_root() {
            let ok = std::process::Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .unwrap();
            assert!(ok.success());
        }
        let data = dir.join("data").to_string_lossy().into_owned();
        run(
            &initdb,
            &["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        )
        .await;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let c = Cluster {
            dir,
            data,
            port,
            pg_ctl,
        };
        c.start().await;
        c
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/udsyn", self.port)
    }

    async fn ctl(&self, args: &[&str]) {
        let log = self.dir.join("postgres.log").to_string_lossy().into_owned();
        let opts = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {}",
            self.port,
            self.dir.join("socket").display()
        );
        let mut all = vec!["-D", &self.data, "-l", &log, "-o", &opts, "-w"];
        all.extend_from_slice(args);
        run(&self.pg_ctl, &all).await;
    }

    async fn start(&self) {
        self.ctl(&["start"]).await;
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let mut cmd = if as_root() {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&self.pg_ctl);
            c
        } else {
            std::process::Command::new(&self.pg_ctl)
        };
        let _ = cmd
            .args(["-D", &self.data, "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[derive(Default)]
struct Seen {
    acknowledged: Vec<String>,
    statuses: std::collections::BTreeMap<u16, usize>,
    /// Requests that got no HTTP answer at all, or took longer than the bound.
    failures: Vec<String>,
    slowest: Duration,
}

#[tokio::test]
async fn acknowledged_writes_survive_a_restart_and_a_crash_of_postgresql() {
    let cluster = Cluster::create().await;
    let udsyn = Served::start_with(&["--demo"], &cluster.url(), &[]).await;
    let http = client();

    let login = http
        .post(format!("{}/login", udsyn.base))
        .form(&[
            ("email", "koordinator@demo.udsyn.dk"),
            ("password", udsyn::demo::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    let cookie = format!(
        "udsyn_session={}",
        set_cookie(&login, "udsyn_session").unwrap()
    );
    let meeting: uuid::Uuid = {
        let mut c = sqlx::PgConnection::connect(&cluster.url()).await.unwrap();
        sqlx::query_scalar("SELECT id FROM network_meetings ORDER BY starts_at LIMIT 1")
            .fetch_one(&mut c)
            .await
            .unwrap()
    };
    let page = http
        .get(format!("{}/netvaerk/{meeting}", udsyn.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = page.find("name=\"csrf\" value=\"").expect("a form token") + 19;
    let csrf = page[at..].split('"').next().unwrap().to_string();

    let seen = Arc::new(Mutex::new(Seen::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (http, seen, stop) = (http.clone(), seen.clone(), stop.clone());
        let (url, cookie, csrf) = (
            format!("{}/netvaerk/{meeting}/punkter", udsyn.base),
            cookie.clone(),
            csrf.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let text = format!("Beslutning {w}-{i}");
                let began = Instant::now();
                let r = http
                    .post(&url)
                    .header("cookie", &cookie)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("kind", "beslutning"),
                        ("text", &text),
                    ])
                    .send()
                    .await;
                let took = began.elapsed();
                let mut s = seen.lock().await;
                s.slowest = s.slowest.max(took);
                match r {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        *s.statuses.entry(status).or_default() += 1;
                        if status == 303 {
                            s.acknowledged.push(text.clone());
                        }
                        if took > Duration::from_secs(5) {
                            s.failures.push(format!("{text}: {status} after {took:?}"));
                        }
                    }
                    Err(e) => s.failures.push(format!("{text}: no answer: {e}")),
                }
                drop(s);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }
    let acked = || async { seen.lock().await.acknowledged.len() };
    /// Waits until a write is acknowledged after `since`; the time that took.
    async fn back(seen: &Mutex<Seen>, since: Instant) -> Duration {
        let before = seen.lock().await.acknowledged.len();
        loop {
            if seen.lock().await.acknowledged.len() > before {
                return since.elapsed();
            }
            assert!(
                since.elapsed() < Duration::from_secs(30),
                "no write acknowledged within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        acked().await > 0,
        "writes are acknowledged before any fault"
    );

    // A fast restart: PostgreSQL ends every connection, then accepts new ones.
    cluster.ctl(&["-m", "fast", "restart"]).await;
    let after_restart = back(&seen, Instant::now()).await;

    // A crash: stopped immediately, without a checkpoint. While it is down:
    tokio::time::sleep(Duration::from_millis(800)).await;
    cluster.ctl(&["-m", "immediate", "stop"]).await;
    let began = Instant::now();
    let down = http
        .get(format!("{}/mobiliteter", udsyn.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let down_took = began.elapsed();
    assert_eq!(down.status(), 503);
    assert_eq!(down.headers()["retry-after"], "5");
    assert!(
        down.text()
            .await
            .unwrap()
            .contains("Udsyn kan ikke nå sin database lige nu")
    );
    assert!(
        down_took < Duration::from_secs(4),
        "the 503 took {down_took:?}"
    );
    let ready = http
        .get(format!("{}/readyz", udsyn.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);
    tokio::time::sleep(Duration::from_millis(1500)).await;

    cluster.start().await;
    let after_crash = back(&seen, Instant::now()).await;
    let ready = http
        .get(format!("{}/readyz", udsyn.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }

    let seen = seen.lock().await;
    let mut c = sqlx::PgConnection::connect(&cluster.url()).await.unwrap();
    let saved: std::collections::HashSet<String> =
        sqlx::query_scalar("SELECT text FROM network_items WHERE text LIKE 'Beslutning %'")
            .fetch_all(&mut c)
            .await
            .unwrap()
            .into_iter()
            .collect();
    let lost: Vec<&String> = seen
        .acknowledged
        .iter()
        .filter(|t| !saved.contains(*t))
        .collect();
    eprintln!(
        "writes acknowledged {}, saved {}, statuses {:?}, slowest {:?}, served again {after_restart:?} after the restart and {after_crash:?} after the crash, a page while down {down_took:?}",
        seen.acknowledged.len(),
        saved.len(),
        seen.statuses,
        seen.slowest
    );
    assert!(lost.is_empty(), "acknowledged but not saved: {lost:?}");
    assert!(seen.failures.is_empty(), "{:?}", seen.failures);
    assert!(
        seen.statuses.keys().all(|s| *s == 303 || *s == 503),
        "only saved (303) or not now (503): {:?}",
        seen.statuses
    );
    assert!(seen.statuses.contains_key(&503), "the faults were felt");
    assert!(after_restart < Duration::from_secs(5), "{after_restart:?}");
    assert!(after_crash < Duration::from_secs(5), "{after_crash:?}");
    drop(udsyn);
}
