//! Retention (GDPR art. 5(1)(e)): what Udsyn keeps no longer than needed. People past their period
//! are anonymised, technical records past theirs deleted, in bounded batches. Run by
//! `udsyn retention [--dry-run]` and once a day inside `udsyn serve`; `/opbevaring` shows what is due.

use std::fmt::Write;

use sqlx::PgPool;

use crate::config::Config;
use crate::db::{self, retention::Deleted};

/// People anonymised in one transaction, and technical records of each kind deleted in one.
pub const STAFF_BATCH: i64 = 500;
pub const RECORD_BATCH: i64 = 10_000;
/// A run stops after this many batches; the rest is taken by the next run.
const MAX_BATCHES: usize = 20;

/// The reason in the audit entry of a person the job anonymised.
pub const REASON: &str = "Opbevaringsperioden er udløbet";

/// The kinds of record with a period, in the order pages and the command list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Staff,
    Sessions,
    LoginFailures,
    Outbox,
    Imports,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Staff,
        Kind::Sessions,
        Kind::LoginFailures,
        Kind::Outbox,
        Kind::Imports,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Staff => "Personer, der er stoppet",
            Kind::Sessions => "Sessioner",
            Kind::LoginFailures => "Mislykkede logins",
            Kind::Outbox => "Påmindelser og udbakke",
            Kind::Imports => "Uploadede medarbejderlister",
        }
    }

    /// The setting that decides the period.
    pub fn setting(self) -> &'static str {
        match self {
            Kind::Staff => "RETENTION_STAFF_YEARS",
            Kind::Sessions => "SESSION_IDLE_MINUTES",
            Kind::LoginFailures => "RETENTION_LOGIN_FAILURES_DAYS",
            Kind::Outbox => "RETENTION_OUTBOX_DAYS",
            Kind::Imports => "RETENTION_IMPORTS_DAYS",
        }
    }

    /// The period in Danish words, from the settings.
    pub fn period(self, c: &Config) -> String {
        let r = &c.retention;
        match self {
            Kind::Staff => format!(
                "{} år efter fratræden eller efter slutningen af det sidste projekt, personen rejste i",
                r.staff_years
            ),
            Kind::Sessions => format!(
                "{} minutter uden brug",
                c.session_idle.as_secs().div_ceil(60)
            ),
            Kind::LoginFailures => days(r.login_failures_days),
            Kind::Outbox => format!("{} efter afsendelse", days(r.outbox_days)),
            Kind::Imports => format!("{} efter upload", days(r.imports_days)),
        }
    }

    /// What happens to a record when its period has ended.
    pub fn verb(self) -> &'static str {
        match self {
            Kind::Staff => "anonymiseres",
            _ => "slettes",
        }
    }

    pub fn count(self, d: &db::retention::Due) -> i64 {
        match self {
            Kind::Staff => d.staff,
            Kind::Sessions => d.sessions,
            Kind::LoginFailures => d.login_failures,
            Kind::Outbox => d.outbox,
            Kind::Imports => d.imports,
        }
    }
}

fn days(n: i32) -> String {
    if n == 1 {
        "1 dag".into()
    } else {
        format!("{n} dage")
    }
}

fn idle_seconds(c: &Config) -> f64 {
    c.session_idle.as_secs_f64()
}

/// What is due now, changing nothing.
pub async fn due(pool: &PgPool, c: &Config) -> sqlx::Result<db::retention::Due> {
    db::retention::due(pool, &c.retention, idle_seconds(c)).await
}

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    pub anonymised: u64,
    pub deleted: Deleted,
}

/// One run: batches of people anonymised and records deleted until nothing is due or the run has
/// done `MAX_BATCHES` of each. Each batch is its own transaction, so a run stopped halfway leaves
/// whole batches behind.
pub async fn run(pool: &PgPool, c: &Config) -> sqlx::Result<Done> {
    let mut done = Done::default();
    for _ in 0..MAX_BATCHES {
        let mut tx = pool.begin().await?;
        let ids: Vec<_> = db::retention::people_due(&mut *tx, &c.retention, true, STAFF_BATCH)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        let n = db::anonymise::anonymise(&mut tx, &ids, None, REASON).await?;
        tx.commit().await?;
        done.anonymised += n;
        if (ids.len() as i64) < STAFF_BATCH || n == 0 {
            break;
        }
    }
    for _ in 0..MAX_BATCHES {
        let mut tx = pool.begin().await?;
        let d = db::retention::delete_batch(&mut tx, &c.retention, idle_seconds(c), RECORD_BATCH)
            .await?;
        tx.commit().await?;
        done.deleted.sessions += d.sessions;
        done.deleted.login_failures += d.login_failures;
        done.deleted.outbox += d.outbox;
        done.deleted.imports += d.imports;
        if [d.sessions, d.login_failures, d.outbox, d.imports]
            .iter()
            .all(|n| (*n as i64) < RECORD_BATCH)
        {
            break;
        }
    }
    Ok(done)
}

/// `udsyn retention --dry-run`: one line per kind, `label (period): N anonymiseres|slettes`.
pub fn describe_due(d: &db::retention::Due, c: &Config) -> String {
    let mut out = String::from("Opbevaring — prøvekørsel, intet er ændret:\n");
    for k in Kind::ALL {
        let _ = writeln!(
            out,
            "  {} ({}): {} {}",
            k.label(),
            k.period(c),
            k.count(d),
            k.verb()
        );
    }
    out
}

/// `udsyn retention`: what was done, one line per kind.
pub fn describe_done(d: &Done) -> String {
    let mut out = String::from("Opbevaring — udført:\n");
    for (k, n) in [
        (Kind::Staff, d.anonymised),
        (Kind::Sessions, d.deleted.sessions),
        (Kind::LoginFailures, d.deleted.login_failures),
        (Kind::Outbox, d.deleted.outbox),
        (Kind::Imports, d.deleted.imports),
    ] {
        let verb = if k == Kind::Staff {
            "anonymiseret"
        } else {
            "slettet"
        };
        let _ = writeln!(out, "  {}: {n} {verb}", k.label());
    }
    out
}
