//! Finding a PostgreSQL server: `DATABASE_URL`; else the local server at libpq's defaults; else a
//! private cluster under the data directory, started with the server binaries on this machine.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, bail};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

use crate::config::Config;

const DEFAULT_DATABASE: &str = "udsyn";

/// A server Udsyn can reach, with the database it should use on it.
#[derive(Clone, Debug)]
pub struct Server {
    /// Options that reach the server's maintenance database (`postgres`).
    pub admin: PgConnectOptions,
    pub database: String,
    /// Set when Udsyn started the server itself.
    pub private_cluster: Option<PathBuf>,
}

impl Server {
    pub fn options_for(&self, database: &str) -> PgConnectOptions {
        self.admin.clone().database(database)
    }

    /// Creates `database` unless it exists; safe when several instances do it at once.
    pub async fn ensure_database(&self, database: &str) -> anyhow::Result<()> {
        let mut conn = PgConnection::connect_with(&self.admin).await?;
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(database)
                .fetch_one(&mut conn)
                .await?;
        if !exists {
            let sql = format!("CREATE DATABASE {}", quote_ident(database));
            if let Err(e) = sqlx::query(&sql).execute(&mut conn).await {
                // 42P04 duplicate_database: another instance was quicker.
                let raced = e
                    .as_database_error()
                    .and_then(|d| d.code())
                    .is_some_and(|c| c == "42P04" || c == "23505");
                if !raced {
                    return Err(e)
                        .with_context(|| format!("kunne ikke oprette databasen {database}"));
                }
            }
        }
        Ok(())
    }
}

impl Server {
    /// Drops `database`, ending every connection to it first.
    pub async fn drop_database(&self, database: &str) -> anyhow::Result<()> {
        let mut conn = PgConnection::connect_with(&self.admin).await?;
        let sql = format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(database)
        );
        sqlx::query(&sql).execute(&mut conn).await?;
        Ok(())
    }

    /// Replaces `database` by `with` (which takes its name), ending connections to both.
    pub async fn replace_database(&self, database: &str, with: &str) -> anyhow::Result<()> {
        self.drop_database(database).await?;
        let mut conn = PgConnection::connect_with(&self.admin).await?;
        let sql = format!(
            "ALTER DATABASE {} RENAME TO {}",
            quote_ident(with),
            quote_ident(database)
        );
        sqlx::query(&sql).execute(&mut conn).await?;
        Ok(())
    }

    /// Whether `database` exists on the server.
    pub async fn has_database(&self, database: &str) -> anyhow::Result<bool> {
        let mut conn = PgConnection::connect_with(&self.admin).await?;
        Ok(
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(database)
                .fetch_one(&mut conn)
                .await?,
        )
    }
}

pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Finds a server the way `udsyn serve` and the tests do.
pub async fn find_server(config: &Config) -> anyhow::Result<Server> {
    if let Some(url) = &config.database_url {
        let opts = PgConnectOptions::from_str(url).context("DATABASE_URL kan ikke læses")?;
        let database = opts.get_database().unwrap_or(DEFAULT_DATABASE).to_string();
        let admin = opts.database("postgres");
        return Ok(Server {
            admin,
            database,
            private_cluster: None,
        });
    }

    // libpq's defaults: PGHOST/PGPORT/PGUSER or the default socket / localhost:5432 as this user,
    // then the same as the `postgres` user (trust authentication on a development machine).
    let defaults = PgConnectOptions::new().database("postgres");
    let database = std::env::var("PGDATABASE").unwrap_or_else(|_| DEFAULT_DATABASE.into());
    let mut candidates = vec![defaults.clone()];
    if defaults.get_username() != "postgres" {
        candidates.push(defaults.clone().username("postgres"));
    }
    if std::env::var("PGHOST").is_err() {
        candidates.push(
            PgConnectOptions::new()
                .host("127.0.0.1")
                .database("postgres"),
        );
        candidates.push(
            PgConnectOptions::new()
                .host("127.0.0.1")
                .username("postgres")
                .database("postgres"),
        );
    }
    for admin in candidates {
        if reachable(&admin).await {
            return Ok(Server {
                admin,
                database,
                private_cluster: None,
            });
        }
    }

    match start_private_cluster(&config.data_dir).await {
        Ok(Some(server)) => Ok(server),
        Ok(None) => bail!(
            "Udsyn fandt ingen PostgreSQL-server. Sæt DATABASE_URL (fx \
             postgres://bruger@localhost/udsyn), start en lokal server, eller installer \
             PostgreSQL 14 eller nyere (Debian/Ubuntu: apt-get install postgresql; macOS: brew \
             install postgresql), så starter Udsyn selv en privat server under {}.",
            config.data_dir.join("postgres").display()
        ),
        Err(e) => Err(e.context("Udsyn kunne ikke starte sin egen PostgreSQL-server")),
    }
}

async fn reachable(opts: &PgConnectOptions) -> bool {
    let opts = opts.clone().disable_statement_logging();
    matches!(
        tokio::time::timeout(Duration::from_secs(3), PgConnection::connect_with(&opts)).await,
        Ok(Ok(_))
    )
}

/// Opens a pool on `database`, creating it when missing.
pub async fn open_pool(server: &Server, database: &str, max: u32) -> anyhow::Result<PgPool> {
    server.ensure_database(database).await?;
    let pool = PgPoolOptions::new()
        .max_connections(max)
        // While the database is down a request waits this long for a connection, then gets the
        // Danish 503 page; sqlx reconnects by itself once the server is back.
        .acquire_timeout(Duration::from_secs(2))
        .connect_with(server.options_for(database))
        .await
        .with_context(|| format!("kunne ikke forbinde til databasen {database}"))?;
    Ok(pool)
}

/// `SELECT 1`: whether the database answers, for the readiness check.
pub async fn ping(db: impl sqlx::PgExecutor<'_>) -> sqlx::Result<i32> {
    sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(db).await
}

/// Runs the migrations. sqlx takes an advisory lock, so two instances starting at once are safe.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::migrate!("./migrations")
        .run(pool)
        .await
        .context("databasens skema kunne ikke opdateres")?;
    super::places::ensure_loaded(pool)
        .await
        .context("stedtabellen kunne ikke indlæses")?;
    Ok(())
}

/// A PostgreSQL program: from the newest /usr/lib/postgresql/*/bin, else from PATH.
pub fn find_pg_bin(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .collect();
    // highest version first
    dirs.sort_by_key(|p| {
        std::cmp::Reverse(
            p.parent()
                .and_then(|v| v.file_name())
                .and_then(|v| v.to_str())
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(0),
        )
    });
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

fn running_as_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs a PostgreSQL server binary; as the `postgres` user when we are root (initdb and pg_ctl
/// refuse to run as root).
async fn run_pg(bin: &Path, args: &[&str]) -> anyhow::Result<()> {
    let output = if running_as_root() {
        let mut cmd = tokio::process::Command::new("runuser");
        cmd.arg("-u").arg("postgres").arg("--").arg(bin).args(args);
        cmd.output().await?
    } else {
        tokio::process::Command::new(bin)
            .args(args)
            .output()
            .await?
    };
    if !output.status.success() {
        bail!(
            "{} gav fejl: {}",
            bin.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

async fn start_private_cluster(data_dir: &Path) -> anyhow::Result<Option<Server>> {
    let (Some(initdb), Some(pg_ctl)) = (find_pg_bin("initdb"), find_pg_bin("pg_ctl")) else {
        return Ok(None);
    };
    std::fs::create_dir_all(data_dir)?;
    let data_dir = data_dir.canonicalize()?;
    let cluster = data_dir.join("postgres");
    let socket_dir = data_dir.join("socket");
    std::fs::create_dir_all(&socket_dir)?;
    if running_as_root() {
        let status = std::process::Command::new("chown")
            .arg("-R")
            .arg("postgres:postgres")
            .arg(&data_dir)
            .status()?;
        if !status.success() {
            bail!(
                "kunne ikke give brugeren postgres adgang til {}",
                data_dir.display()
            );
        }
    }
    let cluster_s = cluster.to_string_lossy().to_string();
    if !cluster.join("PG_VERSION").exists() {
        tracing::info!(dir = %cluster.display(), "opretter en privat PostgreSQL-klynge");
        run_pg(
            &initdb,
            &[
                "-D",
                &cluster_s,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ],
        )
        .await?;
    }
    let opts = format!(
        "-c listen_addresses='' -k {} -p 5432",
        socket_dir.to_string_lossy()
    );
    let admin = PgConnectOptions::new()
        .socket(&socket_dir)
        .port(5432)
        .username("postgres")
        .database("postgres");
    if !reachable(&admin).await {
        let log = data_dir.join("postgres.log").to_string_lossy().to_string();
        run_pg(
            &pg_ctl,
            &["-D", &cluster_s, "-l", &log, "-o", &opts, "-w", "start"],
        )
        .await?;
    }
    Ok(Some(Server {
        admin,
        database: DEFAULT_DATABASE.into(),
        private_cluster: Some(cluster),
    }))
}

/// Stops a private cluster Udsyn started.
pub async fn stop_private_cluster(cluster: &Path) {
    if let Some(pg_ctl) = find_pg_bin("pg_ctl") {
        let c = cluster.to_string_lossy().to_string();
        if let Err(e) = run_pg(&pg_ctl, &["-D", &c, "-m", "fast", "stop"]).await {
            tracing::warn!(error = %e, "den private PostgreSQL-server kunne ikke stoppes");
        }
    }
}
