//! What is past its retention period: people to anonymise and technical records to delete, counted
//! for `/opbevaring` and `udsyn retention --dry-run`, and removed in bounded batches.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

use super::anonymise::on_upcoming_mobility;
use crate::config::Retention;

/// SQL: the day a stopped person's period starts: when they stopped (or their record was last
/// changed, when no day is recorded), or the end of the last project they travelled in, whichever
/// is later. A mobility without a project counts by its own last day.
const CLOCK: &str = "greatest(coalesce(s.left_on, s.updated_at::date),
        (SELECT max(coalesce(p.end_date, m.end_date))
         FROM mobility_participants mp JOIN mobilities m ON m.id = mp.mobility_id
         LEFT JOIN projects p ON p.id = m.project_id
         WHERE mp.staff_id = s.id AND m.status NOT IN ('aflyst', 'afvist')))";

/// SQL: the people whose period is running, with the day it ends (`$1`: years).
fn people() -> String {
    format!(
        "SELECT s.id, s.name::text AS name, o.name::text AS school,
                ({CLOCK} + make_interval(years => $1))::date AS due_on
         FROM staff s JOIN organisations o ON o.id = s.organisation_id
         WHERE NOT s.active AND s.anonymised_at IS NULL AND NOT {}",
        on_upcoming_mobility()
    )
}

/// How much is due now, per kind, and when the next technical record falls due.
#[derive(Debug, Default, FromRow, Clone, PartialEq, Eq)]
pub struct Due {
    pub staff: i64,
    pub sessions: i64,
    pub login_failures: i64,
    pub outbox: i64,
    pub imports: i64,
    pub next_session: Option<DateTime<Utc>>,
    pub next_login_failure: Option<DateTime<Utc>>,
    pub next_outbox: Option<DateTime<Utc>>,
    pub next_import: Option<DateTime<Utc>>,
}

/// One statement; each count reads an index range, not a whole table.
pub async fn due(
    db: impl PgExecutor<'_>,
    r: &Retention,
    session_idle_seconds: f64,
) -> sqlx::Result<Due> {
    sqlx::query_as(&format!(
        "WITH p AS ({people})
         SELECT (SELECT count(*) FROM p WHERE due_on <= current_date) AS staff,
                (SELECT count(*) FROM sessions WHERE last_seen_at < now() - make_interval(secs => $2)) AS sessions,
                (SELECT count(*) FROM login_failures WHERE at < now() - make_interval(days => $3)) AS login_failures,
                (SELECT count(*) FROM reminders WHERE sent_at < now() - make_interval(days => $4)) AS outbox,
                (SELECT count(*) FROM import_jobs WHERE created_at < now() - make_interval(days => $5)) AS imports,
                (SELECT min(last_seen_at) + make_interval(secs => $2) FROM sessions
                 WHERE last_seen_at >= now() - make_interval(secs => $2)) AS next_session,
                (SELECT min(at) + make_interval(days => $3) FROM login_failures
                 WHERE at >= now() - make_interval(days => $3)) AS next_login_failure,
                (SELECT min(sent_at) + make_interval(days => $4) FROM reminders
                 WHERE sent_at >= now() - make_interval(days => $4)) AS next_outbox,
                (SELECT min(created_at) + make_interval(days => $5) FROM import_jobs
                 WHERE created_at >= now() - make_interval(days => $5)) AS next_import",
        people = people()
    ))
    .bind(r.staff_years)
    .bind(session_idle_seconds)
    .bind(r.login_failures_days)
    .bind(r.outbox_days)
    .bind(r.imports_days)
    .fetch_one(db)
    .await
}

#[derive(Debug, FromRow)]
pub struct Person {
    pub id: Uuid,
    pub name: String,
    pub school: String,
    pub due_on: NaiveDate,
}

/// People whose period has ended (`due`) or the next whose period will end (`!due`), the
/// longest-waiting or soonest first, at most `limit`.
pub async fn people_due(
    db: impl PgExecutor<'_>,
    r: &Retention,
    due: bool,
    limit: i64,
) -> sqlx::Result<Vec<Person>> {
    let cmp = if due { "<=" } else { ">" };
    sqlx::query_as(&format!(
        "SELECT * FROM ({people}) p WHERE due_on {cmp} current_date ORDER BY due_on, id LIMIT $2",
        people = people()
    ))
    .bind(r.staff_years)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// How many records of each technical kind a batch removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Deleted {
    pub sessions: u64,
    pub login_failures: u64,
    pub outbox: u64,
    pub imports: u64,
}

impl Deleted {
    pub fn total(&self) -> u64 {
        self.sessions + self.login_failures + self.outbox + self.imports
    }
}

/// Deletes at most `batch` records of each technical kind past its period.
pub async fn delete_batch(
    db: &mut sqlx::PgConnection,
    r: &Retention,
    session_idle_seconds: f64,
    batch: i64,
) -> sqlx::Result<Deleted> {
    let sessions = sqlx::query(
        "DELETE FROM sessions WHERE id_hash IN (SELECT id_hash FROM sessions
             WHERE last_seen_at < now() - make_interval(secs => $1) LIMIT $2)",
    )
    .bind(session_idle_seconds)
    .bind(batch)
    .execute(&mut *db)
    .await?
    .rows_affected();
    let mut by_days = [0u64; 3];
    for (i, (sql, days)) in [
        (
            "DELETE FROM login_failures WHERE id IN (SELECT id FROM login_failures
                 WHERE at < now() - make_interval(days => $1) LIMIT $2)",
            r.login_failures_days,
        ),
        (
            "DELETE FROM reminders WHERE id IN (SELECT id FROM reminders
                 WHERE sent_at < now() - make_interval(days => $1) LIMIT $2)",
            r.outbox_days,
        ),
        // An import's rows go with it (ON DELETE CASCADE).
        (
            "DELETE FROM import_jobs WHERE id IN (SELECT id FROM import_jobs
                 WHERE created_at < now() - make_interval(days => $1) LIMIT $2)",
            r.imports_days,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        by_days[i] = sqlx::query(sql)
            .bind(days)
            .bind(batch)
            .execute(&mut *db)
            .await?
            .rows_affected();
    }
    Ok(Deleted {
        sessions,
        login_failures: by_days[0],
        outbox: by_days[1],
        imports: by_days[2],
    })
}
