//! Staff imports: the uploaded rows, checked and kept until the person imports or cancels them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor, PgPool};
use uuid::Uuid;

use crate::domain::staff_import::Checked;

/// Rows are written and imported in chunks so that the progress bar moves.
pub const CHUNK: usize = 2000;

#[derive(Debug, Clone, FromRow)]
pub struct Job {
    pub id: Uuid,
    pub created_by: Uuid,
    pub organisation_id: Option<Uuid>,
    pub organisation_name: Option<String>,
    pub filename: String,
    pub status: String,
    pub message: String,
    pub total_rows: i32,
    pub done_rows: i32,
    pub valid_rows: i32,
    pub problem_rows: i32,
    pub created_count: i32,
    pub updated_count: i32,
    pub created_at: DateTime<Utc>,
}

pub async fn create(
    db: impl PgExecutor<'_>,
    created_by: Uuid,
    organisation: Option<Uuid>,
    filename: &str,
    total: i32,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO import_jobs (created_by, organisation_id, filename, total_rows) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(created_by)
    .bind(organisation)
    .bind(filename)
    .bind(total)
    .fetch_one(db)
    .await
}

/// A job still checking or importing after half an hour was cut off (Udsyn restarted while it ran):
/// say so instead of showing a progress bar forever. Its import transaction never committed.
pub async fn fail_stale(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    let r = sqlx::query(
        "UPDATE import_jobs SET status = 'fejlet', finished_at = now(),
             message = 'Kontrollen eller importen blev afbrudt, og intet er gemt. Send filen igen.'
         WHERE status IN ('kontrolleres', 'importeres') AND created_at < now() - interval '30 minutes'",
    )
    .execute(db)
    .await?;
    Ok(r.rows_affected())
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Job>> {
    sqlx::query_as(
        "SELECT j.id, j.created_by, j.organisation_id, o.name AS organisation_name, j.filename, j.status,
                j.message, j.total_rows, j.done_rows, j.valid_rows, j.problem_rows, j.created_count,
                j.updated_count, j.created_at
         FROM import_jobs j LEFT JOIN organisations o ON o.id = j.organisation_id WHERE j.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Schools by lower-cased name and by OID, and existing staff by e-mail, for checking rows.
pub async fn known(
    pool: &PgPool,
    emails: &[String],
) -> sqlx::Result<(HashMap<String, Uuid>, HashMap<String, (Uuid, Uuid)>)> {
    let schools: Vec<(Uuid, String, Option<String>)> =
        sqlx::query_as("SELECT id, name, oid FROM organisations WHERE active")
            .fetch_all(pool)
            .await?;
    let mut by_name = HashMap::new();
    for (id, name, oid) in schools {
        by_name.insert(name.to_lowercase(), id);
        // "Engbakkeskolen (demo)" is also found as "Engbakkeskolen".
        if let Some((short, _)) = name.split_once(" (") {
            by_name.entry(short.to_lowercase()).or_insert(id);
        }
        if let Some(oid) = oid {
            by_name.insert(oid, id);
        }
    }
    let lower: Vec<String> = emails.iter().map(|e| e.trim().to_lowercase()).collect();
    let staff: Vec<(String, Uuid, Uuid)> = sqlx::query_as(
        "SELECT lower(email), id, organisation_id FROM staff WHERE lower(email) = ANY($1)",
    )
    .bind(&lower)
    .fetch_all(pool)
    .await?;
    Ok((
        by_name,
        staff
            .into_iter()
            .map(|(e, id, org)| (e, (id, org)))
            .collect(),
    ))
}

/// Stores one chunk of checked rows and moves the progress bar.
pub async fn store(pool: &PgPool, job: Uuid, rows: &[Checked], done: i32) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let (
        mut lines,
        mut names,
        mut emails,
        mut roles,
        mut schools,
        mut orgs,
        mut existing,
        mut problems,
    ) = (
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    for r in rows {
        lines.push(r.row.line as i32);
        names.push(r.row.name.clone());
        emails.push(if r.email.is_empty() {
            r.row.email.clone()
        } else {
            r.email.clone()
        });
        roles.push(
            r.job_role
                .map(|j| j.code().to_string())
                .unwrap_or_else(|| r.row.job_role.clone()),
        );
        schools.push(r.row.school.clone());
        orgs.push(r.organisation_id);
        existing.push(r.existing_id);
        // Postgres arrays of arrays must be rectangular: join the problems into one text.
        problems.push(r.problems.join("\u{1f}"));
    }
    sqlx::query(
        "INSERT INTO import_rows (job_id, line_no, name, email, job_role, school, organisation_id, existing_id, problems)
         SELECT $1, l, n, e, r, s, o, x, CASE WHEN p = '' THEN '{}'::text[] ELSE string_to_array(p, chr(31)) END
         FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::uuid[], $9::text[])
              AS t(l, n, e, r, s, o, x, p)",
    )
    .bind(job)
    .bind(&lines)
    .bind(&names)
    .bind(&emails)
    .bind(&roles)
    .bind(&schools)
    .bind(&orgs)
    .bind(&existing)
    .bind(&problems)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE import_jobs SET done_rows = $2 WHERE id = $1")
        .bind(job)
        .bind(done)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub async fn set_status(
    db: impl PgExecutor<'_>,
    job: Uuid,
    status: &str,
    message: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE import_jobs SET status = $2, message = $3,
             finished_at = CASE WHEN $2 IN ('importeret', 'fejlet', 'annulleret') THEN now() ELSE finished_at END
         WHERE id = $1",
    )
    .bind(job)
    .bind(status)
    .bind(message)
    .execute(db)
    .await?;
    Ok(())
}

/// After checking: the counts, and the job ready for the person to decide.
pub async fn checked(db: impl PgExecutor<'_>, job: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE import_jobs j SET status = 'klar', done_rows = j.total_rows,
             valid_rows = (SELECT count(*) FROM import_rows r WHERE r.job_id = j.id AND cardinality(r.problems) = 0),
             problem_rows = (SELECT count(*) FROM import_rows r WHERE r.job_id = j.id AND cardinality(r.problems) > 0)
         WHERE j.id = $1",
    )
    .bind(job)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Debug, FromRow)]
pub struct Row {
    pub line_no: i32,
    pub name: String,
    pub email: String,
    pub job_role: String,
    pub school: String,
    pub problems: Vec<String>,
    pub is_update: bool,
    /// The person in the registry the row matched by e-mail.
    pub existing_id: Option<Uuid>,
}

/// Rows with problems (`problems = true`) or valid rows, in file order.
pub async fn rows(
    db: impl PgExecutor<'_>,
    job: Uuid,
    problems: bool,
    limit: i64,
) -> sqlx::Result<Vec<Row>> {
    sqlx::query_as(
        "SELECT line_no, name, email, job_role, school, problems, existing_id IS NOT NULL AS is_update,
                existing_id
         FROM import_rows WHERE job_id = $1 AND (cardinality(problems) > 0) = $2
         ORDER BY line_no LIMIT $3",
    )
    .bind(job)
    .bind(problems)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// How many valid rows add people and how many update existing ones.
pub async fn split(db: impl PgExecutor<'_>, job: Uuid) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE existing_id IS NULL), count(*) FILTER (WHERE existing_id IS NOT NULL)
         FROM import_rows WHERE job_id = $1 AND cardinality(problems) = 0",
    )
    .bind(job)
    .fetch_one(db)
    .await
}

/// Claims a ready job for importing; false when someone else already did (double click).
pub async fn claim(db: impl PgExecutor<'_>, job: Uuid) -> sqlx::Result<bool> {
    let r = sqlx::query("UPDATE import_jobs SET status = 'importeres', done_rows = 0 WHERE id = $1 AND status = 'klar'")
        .bind(job)
        .execute(db)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Imports every valid row in one transaction: all of them or, on any failure, none. People are
/// matched by e-mail; each person created or changed gets an entry in the audit log.
pub async fn import(
    pool: &PgPool,
    job: Uuid,
    account: Uuid,
    filename: &str,
) -> anyhow::Result<(i64, i64)> {
    let lines: Vec<i32> = sqlx::query_scalar(
        "SELECT line_no FROM import_rows WHERE job_id = $1 AND cardinality(problems) = 0 ORDER BY line_no",
    )
    .bind(job)
    .fetch_all(pool)
    .await?;
    let mut tx = pool.begin().await?;
    let (mut created, mut updated) = (0i64, 0i64);
    let reason = format!("import af {filename}");
    for (i, chunk) in lines.chunks(CHUNK).enumerate() {
        let (first, last) = (chunk[0], chunk[chunk.len() - 1]);
        let counts: (i64, i64) = sqlx::query_as(
            "WITH src AS (
                 SELECT organisation_id, name, email, job_role, existing_id FROM import_rows
                 WHERE job_id = $1 AND cardinality(problems) = 0 AND line_no BETWEEN $2 AND $3),
             -- by primary key: the check step already found who exists (a join on lower(email)
             -- here was planned as a nested loop over a table that grows inside this transaction)
             before AS (
                 SELECT s.id, to_jsonb(s) - 'created_at' - 'updated_at' AS snap
                 FROM staff s JOIN src ON s.id = src.existing_id),
             up AS (
                 INSERT INTO staff AS s (organisation_id, name, email, job_role)
                 SELECT organisation_id, name, email, job_role FROM src
                 ON CONFLICT (lower(email)) DO UPDATE
                     SET name = EXCLUDED.name, job_role = EXCLUDED.job_role,
                         organisation_id = EXCLUDED.organisation_id, active = true, left_on = NULL,
                         updated_at = now()
                     WHERE (s.name, s.job_role, s.organisation_id, s.active)
                           IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.job_role, EXCLUDED.organisation_id, true)
                 RETURNING s.id, (xmax = 0) AS inserted, to_jsonb(s) - 'created_at' - 'updated_at' AS snap),
             logged AS (
                 INSERT INTO audit_log (account_id, action, entity, entity_id, before, after, reason)
                 SELECT $4, CASE WHEN up.inserted THEN 'medarbejder oprettet' ELSE 'medarbejder ændret' END,
                        'staff', up.id::text, b.snap, up.snap, $5
                 FROM up LEFT JOIN before b ON b.id = up.id
                 RETURNING action)
             SELECT count(*) FILTER (WHERE action = 'medarbejder oprettet'),
                    count(*) FILTER (WHERE action <> 'medarbejder oprettet')
             FROM logged",
        )
        .bind(job)
        .bind(first)
        .bind(last)
        .bind(account)
        .bind(&reason)
        .fetch_one(&mut *tx)
        .await?;
        created += counts.0;
        updated += counts.1;
        // Progress is written outside the transaction, so the browser sees it move.
        sqlx::query("UPDATE import_jobs SET done_rows = $2 WHERE id = $1")
            .bind(job)
            .bind(((i + 1) * CHUNK).min(lines.len()) as i32)
            .execute(pool)
            .await?;
    }
    sqlx::query(
        "UPDATE import_jobs SET status = 'importeret', created_count = $2, updated_count = $3, finished_at = now() WHERE id = $1",
    )
    .bind(job)
    .bind(created as i32)
    .bind(updated as i32)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO audit_log (account_id, action, entity, entity_id, reason) VALUES ($1, 'medarbejderliste importeret', 'import', $2, $3)",
    )
    .bind(account)
    .bind(job.to_string())
    .bind(format!("{reason}: {created} nye, {updated} ændrede"))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((created, updated))
}
