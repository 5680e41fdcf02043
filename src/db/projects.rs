//! The annual KA121-SCH grant agreements: their budget per category, what the consortium's
//! mobilities commit and use of it, and the indicative targets against what is implemented.

use chrono::NaiveDate;
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

/// Statuses whose grant is committed: approved, not yet completed.
pub const COMMITTED: &[&str] = &["godkendt"];
/// Statuses whose grant is used: completed and everything after.
pub const USED: &[&str] = &["gennemfoert", "rapporteret", "opfulgt"];

#[derive(Debug, Clone, FromRow)]
pub struct Project {
    pub id: Uuid,
    pub reference: String,
    pub call_year: i16,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub target_fewer_opportunities: i32,
    pub target_blended: i32,
    pub target_green: i32,
}

const COLUMNS: &str = "id, reference, call_year, start_date, end_date, target_fewer_opportunities,
                       target_blended, target_green";

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Project>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM projects WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A project in the list, with its money in one line: awarded, committed and used, for the whole
/// consortium or, with `school`, that school's participants only.
#[derive(Debug, Clone, FromRow)]
pub struct Line {
    pub id: Uuid,
    pub reference: String,
    pub call_year: i16,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub awarded_cents: i64,
    pub committed_cents: i64,
    pub used_cents: i64,
    pub mobilities: i64,
}

/// Every project, newest first (one a year: the list is short by nature).
pub async fn list(db: impl PgExecutor<'_>, school: Option<Uuid>) -> sqlx::Result<Vec<Line>> {
    sqlx::query_as(
        "SELECT p.id, p.reference, p.call_year, p.start_date, p.end_date,
                coalesce((SELECT sum(awarded_cents) FROM project_budget b WHERE b.project_id = p.id), 0)::bigint AS awarded_cents,
                coalesce(g.committed, 0)::bigint AS committed_cents,
                coalesce(g.used, 0)::bigint AS used_cents,
                (SELECT count(*) FROM mobilities m WHERE m.project_id = p.id) AS mobilities
         FROM projects p
         LEFT JOIN (
             SELECT m.project_id,
                    sum(pg.total_cents) FILTER (WHERE m.status = ANY($2)) AS committed,
                    sum(pg.total_cents) FILTER (WHERE m.status = ANY($3)) AS used
             FROM participant_grants pg
             JOIN mobilities m ON m.id = pg.mobility_id
             JOIN staff s ON s.id = pg.staff_id
             WHERE $1::uuid IS NULL OR s.organisation_id = $1
             GROUP BY m.project_id) g ON g.project_id = p.id
         ORDER BY p.start_date DESC",
    )
    .bind(school)
    .bind(COMMITTED)
    .bind(USED)
    .fetch_all(db)
    .await
}

/// Awarded, committed and used per budget category (only categories with money in them).
#[derive(Debug, Clone, FromRow)]
pub struct CategoryMoney {
    pub category: String,
    pub awarded_cents: i64,
    pub committed_cents: i64,
    pub used_cents: i64,
}

pub async fn budget(
    db: impl PgExecutor<'_>,
    project: Uuid,
    school: Option<Uuid>,
) -> sqlx::Result<Vec<CategoryMoney>> {
    sqlx::query_as(
        "SELECT c.category,
                coalesce(b.awarded_cents, 0)::bigint AS awarded_cents,
                coalesce(g.committed, 0)::bigint AS committed_cents,
                coalesce(g.used, 0)::bigint AS used_cents
         FROM (SELECT category FROM project_budget WHERE project_id = $1
               UNION
               SELECT gl.category FROM grant_lines gl JOIN mobilities m ON m.id = gl.mobility_id
               WHERE m.project_id = $1) c
         LEFT JOIN project_budget b ON b.project_id = $1 AND b.category = c.category
         LEFT JOIN (
             SELECT gl.category,
                    sum(gl.cents) FILTER (WHERE m.status = ANY($3)) AS committed,
                    sum(gl.cents) FILTER (WHERE m.status = ANY($4)) AS used
             FROM grant_lines gl
             JOIN mobilities m ON m.id = gl.mobility_id
             JOIN staff s ON s.id = gl.staff_id
             WHERE m.project_id = $1 AND ($2::uuid IS NULL OR s.organisation_id = $2)
             GROUP BY gl.category) g ON g.category = c.category",
    )
    .bind(project)
    .bind(school)
    .bind(COMMITTED)
    .bind(USED)
    .fetch_all(db)
    .await
}

/// Committed and used per school (the participant's school), for the whole project.
#[derive(Debug, Clone, FromRow)]
pub struct SchoolMoney {
    pub organisation_id: Uuid,
    pub name: String,
    pub committed_cents: i64,
    pub used_cents: i64,
    pub participants: i64,
}

pub async fn by_school(
    db: impl PgExecutor<'_>,
    project: Uuid,
    school: Option<Uuid>,
) -> sqlx::Result<Vec<SchoolMoney>> {
    sqlx::query_as(
        "SELECT o.id AS organisation_id, o.name,
                coalesce(sum(pg.total_cents) FILTER (WHERE m.status = ANY($3)), 0)::bigint AS committed_cents,
                coalesce(sum(pg.total_cents) FILTER (WHERE m.status = ANY($4)), 0)::bigint AS used_cents,
                count(*) FILTER (WHERE m.status = ANY($3) OR m.status = ANY($4)) AS participants
         FROM participant_grants pg
         JOIN mobilities m ON m.id = pg.mobility_id
         JOIN staff s ON s.id = pg.staff_id
         JOIN organisations o ON o.id = s.organisation_id
         WHERE m.project_id = $1 AND ($2::uuid IS NULL OR o.id = $2)
         GROUP BY o.id, o.name
         HAVING count(*) FILTER (WHERE m.status = ANY($3) OR m.status = ANY($4)) > 0
         ORDER BY o.name",
    )
    .bind(project)
    .bind(school)
    .bind(COMMITTED)
    .bind(USED)
    .fetch_all(db)
    .await
}

/// How many figures behind the project's committed and used grants are unverified.
pub async fn unverified_lines(db: impl PgExecutor<'_>, project: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM grant_lines gl JOIN mobilities m ON m.id = gl.mobility_id
         WHERE m.project_id = $1 AND gl.unverified AND (m.status = ANY($2) OR m.status = ANY($3))",
    )
    .bind(project)
    .bind(COMMITTED)
    .bind(USED)
    .fetch_one(db)
    .await
}

/// The awarded amount per category as the grant agreement has it.
pub async fn awarded(db: impl PgExecutor<'_>, project: Uuid) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as("SELECT category, awarded_cents FROM project_budget WHERE project_id = $1")
        .bind(project)
        .fetch_all(db)
        .await
}

// ---------------------------------------------------------------------------------------------
// Targets

/// Table 1 of the BM's Targets tab, one activity type: the indicative target, what is
/// implemented (completed and later) and what is planned (approved, not yet completed).
#[derive(Debug, Clone, FromRow)]
pub struct TargetRow {
    pub activity_type: String,
    pub activity_name: String,
    pub target_participants: i32,
    pub target_days: i32,
    pub target_accompanying: i32,
    pub target_accompanying_days: i32,
    pub done_participants: i64,
    pub done_days: i64,
    pub done_accompanying: i64,
    pub done_accompanying_days: i64,
    pub planned_participants: i64,
    pub planned_days: i64,
    pub planned_accompanying: i64,
    pub planned_accompanying_days: i64,
}

/// Every activity type with a target or a mobility in the project. The duration of a participant
/// mobility is its days of activity less interrupted days, as the BM counts it.
pub async fn targets(db: impl PgExecutor<'_>, project: Uuid) -> sqlx::Result<Vec<TargetRow>> {
    sqlx::query_as(
        "WITH pm AS (
             SELECT m.activity_type, mp.role,
                    (m.end_date - m.start_date + 1 - mp.interrupted_days) AS days,
                    m.status = ANY($2) AS done, m.status = ANY($3) AS planned
             FROM mobility_participants mp JOIN mobilities m ON m.id = mp.mobility_id
             WHERE m.project_id = $1),
         agg AS (
             SELECT activity_type,
                    count(*) FILTER (WHERE done AND role = 'deltager') AS done_participants,
                    coalesce(sum(days) FILTER (WHERE done AND role = 'deltager'), 0) AS done_days,
                    count(*) FILTER (WHERE done AND role = 'ledsager') AS done_accompanying,
                    coalesce(sum(days) FILTER (WHERE done AND role = 'ledsager'), 0) AS done_accompanying_days,
                    count(*) FILTER (WHERE planned AND role = 'deltager') AS planned_participants,
                    coalesce(sum(days) FILTER (WHERE planned AND role = 'deltager'), 0) AS planned_days,
                    count(*) FILTER (WHERE planned AND role = 'ledsager') AS planned_accompanying,
                    coalesce(sum(days) FILTER (WHERE planned AND role = 'ledsager'), 0) AS planned_accompanying_days
             FROM pm GROUP BY activity_type)
         SELECT t.code AS activity_type, t.name_da AS activity_name,
                coalesce(pt.participants, 0) AS target_participants,
                coalesce(pt.total_days, 0) AS target_days,
                coalesce(pt.accompanying, 0) AS target_accompanying,
                coalesce(pt.accompanying_days, 0) AS target_accompanying_days,
                coalesce(a.done_participants, 0) AS done_participants,
                coalesce(a.done_days, 0)::bigint AS done_days,
                coalesce(a.done_accompanying, 0) AS done_accompanying,
                coalesce(a.done_accompanying_days, 0)::bigint AS done_accompanying_days,
                coalesce(a.planned_participants, 0) AS planned_participants,
                coalesce(a.planned_days, 0)::bigint AS planned_days,
                coalesce(a.planned_accompanying, 0) AS planned_accompanying,
                coalesce(a.planned_accompanying_days, 0)::bigint AS planned_accompanying_days
         FROM activity_types t
         LEFT JOIN project_targets pt ON pt.project_id = $1 AND pt.activity_type = t.code
         LEFT JOIN agg a ON a.activity_type = t.code
         WHERE pt.project_id IS NOT NULL OR a.activity_type IS NOT NULL
         ORDER BY t.sort_order",
    )
    .bind(project)
    .bind(super::projects::USED)
    .bind(super::projects::COMMITTED)
    .fetch_all(db)
    .await
}

/// Table 2 of the Targets tab: participants (not accompanying persons) with fewer opportunities,
/// in blended activities and with green travel, implemented and planned.
#[derive(Debug, Clone, Default, FromRow)]
pub struct Counts {
    pub done_fewer: i64,
    pub done_blended: i64,
    pub done_green: i64,
    pub planned_fewer: i64,
    pub planned_blended: i64,
    pub planned_green: i64,
}

pub async fn counts(db: impl PgExecutor<'_>, project: Uuid) -> sqlx::Result<Counts> {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE m.status = ANY($2) AND mp.fewer_opportunities) AS done_fewer,
                count(*) FILTER (WHERE m.status = ANY($2) AND m.blended) AS done_blended,
                count(*) FILTER (WHERE m.status = ANY($2) AND m.green_travel) AS done_green,
                count(*) FILTER (WHERE m.status = ANY($3) AND mp.fewer_opportunities) AS planned_fewer,
                count(*) FILTER (WHERE m.status = ANY($3) AND m.blended) AS planned_blended,
                count(*) FILTER (WHERE m.status = ANY($3) AND m.green_travel) AS planned_green
         FROM mobility_participants mp JOIN mobilities m ON m.id = mp.mobility_id
         WHERE m.project_id = $1 AND mp.role = 'deltager'",
    )
    .bind(project)
    .bind(USED)
    .bind(COMMITTED)
    .fetch_one(db)
    .await
}

/// The targets as the grant agreement sets them, for the edit form.
#[derive(Debug, Clone, FromRow)]
pub struct Target {
    pub activity_type: String,
    pub participants: i32,
    pub total_days: i32,
    pub accompanying: i32,
    pub accompanying_days: i32,
}

pub async fn target_rows(db: impl PgExecutor<'_>, project: Uuid) -> sqlx::Result<Vec<Target>> {
    sqlx::query_as(
        "SELECT activity_type, participants, total_days, accompanying, accompanying_days
         FROM project_targets WHERE project_id = $1",
    )
    .bind(project)
    .fetch_all(db)
    .await
}

// ---------------------------------------------------------------------------------------------
// Saving

/// What the project form saves.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Input {
    pub reference: String,
    pub call_year: i16,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub target_fewer_opportunities: i32,
    pub target_blended: i32,
    pub target_green: i32,
    /// (category code, awarded cents)
    pub budget: Vec<(String, i64)>,
    /// (activity type, participants, days, accompanying, accompanying days)
    pub targets: Vec<(String, i32, i32, i32, i32)>,
}

pub async fn insert(db: &mut sqlx::PgConnection, i: &Input) -> sqlx::Result<Uuid> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO projects (reference, call_year, start_date, end_date,
                               target_fewer_opportunities, target_blended, target_green)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&i.reference)
    .bind(i.call_year)
    .bind(i.start_date)
    .bind(i.end_date)
    .bind(i.target_fewer_opportunities)
    .bind(i.target_blended)
    .bind(i.target_green)
    .fetch_one(&mut *db)
    .await?;
    replace_parts(db, id, i).await?;
    Ok(id)
}

pub async fn update(db: &mut sqlx::PgConnection, id: Uuid, i: &Input) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE projects SET reference = $2, call_year = $3, start_date = $4, end_date = $5,
                target_fewer_opportunities = $6, target_blended = $7, target_green = $8,
                updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(&i.reference)
    .bind(i.call_year)
    .bind(i.start_date)
    .bind(i.end_date)
    .bind(i.target_fewer_opportunities)
    .bind(i.target_blended)
    .bind(i.target_green)
    .execute(&mut *db)
    .await?;
    replace_parts(db, id, i).await
}

async fn replace_parts(db: &mut sqlx::PgConnection, id: Uuid, i: &Input) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM project_budget WHERE project_id = $1")
        .bind(id)
        .execute(&mut *db)
        .await?;
    let (cats, cents): (Vec<String>, Vec<i64>) = i.budget.iter().cloned().unzip();
    sqlx::query(
        "INSERT INTO project_budget (project_id, category, awarded_cents)
         SELECT $1, c, a FROM unnest($2::text[], $3::bigint[]) AS t(c, a)",
    )
    .bind(id)
    .bind(&cats)
    .bind(&cents)
    .execute(&mut *db)
    .await?;
    sqlx::query("DELETE FROM project_targets WHERE project_id = $1")
        .bind(id)
        .execute(&mut *db)
        .await?;
    let types: Vec<&str> = i.targets.iter().map(|t| t.0.as_str()).collect();
    let col =
        |f: fn(&(String, i32, i32, i32, i32)) -> i32| i.targets.iter().map(f).collect::<Vec<_>>();
    sqlx::query(
        "INSERT INTO project_targets (project_id, activity_type, participants, total_days,
                                      accompanying, accompanying_days)
         SELECT $1, t, p, d, a, ad FROM unnest($2::text[], $3::int[], $4::int[], $5::int[], $6::int[])
              AS x(t, p, d, a, ad)",
    )
    .bind(id)
    .bind(&types)
    .bind(col(|t| t.1))
    .bind(col(|t| t.2))
    .bind(col(|t| t.3))
    .bind(col(|t| t.4))
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// The project as the audit log keeps it.
pub async fn snapshot(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> sqlx::Result<Option<serde_json::Value>> {
    sqlx::query_scalar(
        "SELECT jsonb_build_object(
             'reference', p.reference, 'call_year', p.call_year, 'start_date', p.start_date,
             'end_date', p.end_date,
             'budget', (SELECT jsonb_object_agg(category, awarded_cents) FROM project_budget
                        WHERE project_id = p.id),
             'targets', (SELECT jsonb_object_agg(activity_type, jsonb_build_array(participants,
                             total_days, accompanying, accompanying_days))
                         FROM project_targets WHERE project_id = p.id),
             'target_fewer_opportunities', p.target_fewer_opportunities,
             'target_blended', p.target_blended, 'target_green', p.target_green)
         FROM projects p WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The staff activity types a project can have targets for, in the order the BM lists them.
pub async fn activity_types(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT code, name_da FROM activity_types ORDER BY sort_order")
        .fetch_all(db)
        .await
}
