//! `udsyn backup FILE` and `udsyn restore FILE`: the whole database in pg_dump's custom format.
//!
//! A backup is written to `FILE.part`, read through to its last byte by `pg_restore` (a file cut
//! short, or one that is not a dump, fails there), and only then renamed to `FILE`; so `FILE` is
//! always a whole backup. A restore checks the file the same way before it touches anything,
//! restores into a new database in one transaction, and only when that succeeded puts it in the
//! place of the old one. Migrations newer than the backup run at the next start.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context, bail};

use crate::config::Config;
use crate::db::{self, Server};

/// What a finished backup holds.
#[derive(Debug)]
pub struct Summary {
    pub database: String,
    pub tables: usize,
    pub bytes: u64,
}

/// Writes the whole database to `file`.
pub async fn backup(server: &Server, config: &Config, file: &Path) -> anyhow::Result<Summary> {
    if !server.has_database(&server.database).await? {
        bail!("databasen {} findes ikke", server.database);
    }
    let part = part_of(file);
    let out = pg(
        "pg_dump",
        server,
        &server.database,
        config,
        &[
            "--format=custom".as_ref(),
            "--file".as_ref(),
            part.as_os_str(),
        ],
    )
    .await;
    let checked = match out {
        Ok(_) => check(server, config, &part).await,
        Err(e) => Err(e),
    };
    let tables = match checked {
        Ok(t) => t,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            return Err(e.context("sikkerhedskopien blev ikke gemt"));
        }
    };
    std::fs::rename(&part, file).with_context(|| {
        format!(
            "kunne ikke omdøbe {} til {}",
            part.display(),
            file.display()
        )
    })?;
    Ok(Summary {
        database: server.database.clone(),
        tables,
        bytes: std::fs::metadata(file)?.len(),
    })
}

/// Puts the database back as it was in `file`. Every connection to the database ends.
pub async fn restore(server: &Server, config: &Config, file: &Path) -> anyhow::Result<String> {
    check(server, config, file).await.with_context(|| {
        format!(
            "{} er ikke en hel sikkerhedskopi fra «udsyn backup»; databasen er ikke rørt",
            file.display()
        )
    })?;
    let target = server.database.clone();
    let staging = format!("{target}_gendannes");
    server.drop_database(&staging).await?;
    server.ensure_database(&staging).await?;
    let restored = pg(
        "pg_restore",
        server,
        &staging,
        config,
        &[
            "--no-owner".as_ref(),
            "--exit-on-error".as_ref(),
            "--single-transaction".as_ref(),
            "--dbname".as_ref(),
            staging.as_ref(),
            file.as_os_str(),
        ],
    )
    .await;
    if let Err(e) = restored {
        let _ = server.drop_database(&staging).await;
        return Err(e.context("gendannelsen mislykkedes; databasen er ikke rørt"));
    }
    server.replace_database(&target, &staging).await?;
    Ok(target)
}

/// Reads the whole file as `pg_restore` would (the table of contents, then every data block)
/// and returns the number of tables whose rows it holds. A file cut short or not a dump fails.
async fn check(server: &Server, config: &Config, file: &Path) -> anyhow::Result<usize> {
    if !file.is_file() {
        bail!("{} findes ikke", file.display());
    }
    let list = pg(
        "pg_restore",
        server,
        &server.database,
        config,
        &["--list".as_ref(), file.as_os_str()],
    )
    .await?;
    if !list.contains("TABLE DATA public _sqlx_migrations") {
        bail!("filen er ikke en sikkerhedskopi af en Udsyn-database");
    }
    pg(
        "pg_restore",
        server,
        &server.database,
        config,
        &["--file=/dev/null".as_ref(), file.as_os_str()],
    )
    .await?;
    Ok(list.lines().filter(|l| l.contains(" TABLE DATA ")).count())
}

fn part_of(file: &Path) -> PathBuf {
    let mut s = file.as_os_str().to_os_string();
    s.push(".part");
    PathBuf::from(s)
}

/// Runs a PostgreSQL client program against `database` on the server Udsyn uses; its output.
async fn pg(
    program: &str,
    server: &Server,
    database: &str,
    config: &Config,
    args: &[&std::ffi::OsStr],
) -> anyhow::Result<String> {
    let bin = db::connect::find_pg_bin(program).with_context(|| {
        format!(
            "{program} findes ikke på maskinen (Debian/Ubuntu: apt-get install postgresql-client)"
        )
    })?;
    let o = &server.admin;
    let host = match o.get_socket() {
        Some(dir) => dir.display().to_string(),
        None => o.get_host().to_string(),
    };
    let mut cmd = tokio::process::Command::new(&bin);
    cmd.args(args)
        .env("PGHOST", host)
        .env("PGPORT", o.get_port().to_string())
        .env("PGUSER", o.get_username())
        .env("PGDATABASE", database)
        .stdin(Stdio::null());
    if let Some(pw) = config
        .database_url
        .as_deref()
        .and_then(crate::domain::conninfo::url_password)
    {
        cmd.env("PGPASSWORD", pw);
    }
    let out = cmd
        .output()
        .await
        .with_context(|| format!("kunne ikke starte {}", bin.display()))?;
    if !out.status.success() {
        bail!("{program}: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
