//! Post-mobility reports, follow-ups, the knowledge base search (reports and reflections) and
//! what is owed and overdue. Reflections themselves are in [`super::reflections`], the reminders
//! sent in [`super::reminders`].

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow, Default)]
pub struct Report {
    pub id: Uuid,
    pub mobility_id: Uuid,
    pub staff_id: Uuid,
    pub author: String,
    pub status: String,
    pub saw: String,
    pub surprise: String,
    pub aha: String,
    pub change_plan: String,
    pub change_by: Option<NaiveDate>,
    pub goal_numbers: Vec<i16>,
    pub vibus: Vec<i16>,
    pub focus_areas: Vec<String>,
    pub sharing: Vec<String>,
    pub self_assessment: serde_json::Value,
    pub submitted_at: Option<DateTime<Utc>>,
}

const REPORT: &str =
    "SELECT r.id, r.mobility_id, r.staff_id, s.name AS author, r.status, r.saw, r.surprise,
    r.aha, r.change_plan, r.change_by, r.goal_numbers, r.vibus, r.focus_areas, r.sharing,
    r.self_assessment, r.submitted_at FROM reports r JOIN staff s ON s.id = r.staff_id";

pub async fn for_participant(
    db: impl PgExecutor<'_>,
    mobility: Uuid,
    staff: Uuid,
) -> sqlx::Result<Option<Report>> {
    sqlx::query_as(&format!(
        "{REPORT} WHERE r.mobility_id = $1 AND r.staff_id = $2"
    ))
    .bind(mobility)
    .bind(staff)
    .fetch_optional(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Report>> {
    sqlx::query_as(&format!("{REPORT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Every report of a mobility (drafts included, for the mobility's page).
pub async fn of_mobility(db: impl PgExecutor<'_>, mobility: Uuid) -> sqlx::Result<Vec<Report>> {
    sqlx::query_as(&format!(
        "{REPORT} WHERE r.mobility_id = $1 ORDER BY s.name"
    ))
    .bind(mobility)
    .fetch_all(db)
    .await
}

/// The names of those among `people` who have a report (draft or submitted) on the mobility:
/// their participation cannot be taken away without taking the report with it.
pub async fn authors_among(
    db: impl PgExecutor<'_>,
    mobility: Uuid,
    people: &[Uuid],
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT s.name FROM reports r JOIN staff s ON s.id = r.staff_id
         WHERE r.mobility_id = $1 AND r.staff_id = ANY($2) ORDER BY s.name",
    )
    .bind(mobility)
    .bind(people)
    .fetch_all(db)
    .await
}

pub struct Input<'a> {
    pub saw: &'a str,
    pub surprise: &'a str,
    pub aha: &'a str,
    pub change_plan: &'a str,
    pub change_by: Option<NaiveDate>,
    pub goal_numbers: &'a [i16],
    pub vibus: &'a [i16],
    pub focus_areas: &'a [String],
    pub sharing: &'a [String],
    pub self_assessment: &'a serde_json::Value,
}

/// Saves the report as draft or submitted; refuses to touch one already submitted.
pub async fn save(
    db: &mut sqlx::PgConnection,
    mobility: Uuid,
    staff: Uuid,
    by: Uuid,
    i: &Input<'_>,
    submit: bool,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar(
        "INSERT INTO reports (mobility_id, staff_id, status, saw, surprise, aha, change_plan, change_by, goal_numbers,
             vibus, focus_areas, sharing, self_assessment, written_by, submitted_at)
         VALUES ($1, $2, CASE WHEN $14 THEN 'indsendt' ELSE 'kladde' END, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
                 CASE WHEN $14 THEN now() END)
         ON CONFLICT (mobility_id, staff_id) DO UPDATE SET status = EXCLUDED.status, saw = EXCLUDED.saw,
             surprise = EXCLUDED.surprise, aha = EXCLUDED.aha, change_plan = EXCLUDED.change_plan,
             change_by = EXCLUDED.change_by, goal_numbers = EXCLUDED.goal_numbers, vibus = EXCLUDED.vibus,
             focus_areas = EXCLUDED.focus_areas, sharing = EXCLUDED.sharing,
             self_assessment = EXCLUDED.self_assessment, written_by = EXCLUDED.written_by,
             submitted_at = EXCLUDED.submitted_at, updated_at = now()
         WHERE reports.status = 'kladde'
         RETURNING id",
    )
    .bind(mobility)
    .bind(staff)
    .bind(i.saw)
    .bind(i.surprise)
    .bind(i.aha)
    .bind(i.change_plan)
    .bind(i.change_by)
    .bind(i.goal_numbers)
    .bind(i.vibus)
    .bind(i.focus_areas)
    .bind(i.sharing)
    .bind(i.self_assessment)
    .bind(by)
    .bind(submit)
    .fetch_optional(&mut *db)
    .await
}

/// Moves the mobility on when every participant has reported (rapporteret) or answered the
/// follow-up (opfulgt), and back when a report is reopened.
pub async fn settle_mobility(
    db: &mut sqlx::PgConnection,
    mobility: Uuid,
) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as(
        "WITH counts AS (
             SELECT count(*) AS people,
                    count(r.id) FILTER (WHERE r.status = 'indsendt') AS reported,
                    count(f.report_id) FILTER (WHERE r.status = 'indsendt') AS followed
             FROM mobility_participants mp
             LEFT JOIN reports r ON r.mobility_id = mp.mobility_id AND r.staff_id = mp.staff_id
             LEFT JOIN follow_ups f ON f.report_id = r.id
             WHERE mp.mobility_id = $1),
         target AS (
             SELECT CASE WHEN followed = people THEN 'opfulgt' WHEN reported = people THEN 'rapporteret' ELSE 'gennemfoert' END AS status
             FROM counts),
         old AS (SELECT status FROM mobilities WHERE id = $1)
         UPDATE mobilities m SET status = target.status, status_changed_at = now(), version = version + 1, updated_at = now()
         FROM target, old
         WHERE m.id = $1 AND m.status IN ('gennemfoert', 'rapporteret', 'opfulgt') AND m.status <> target.status
         RETURNING old.status, m.status",
    )
    .bind(mobility)
    .fetch_optional(&mut *db)
    .await
}

pub async fn reopen(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<bool> {
    let r = sqlx::query("UPDATE reports SET status = 'kladde', submitted_at = NULL, updated_at = now() WHERE id = $1 AND status = 'indsendt' AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.report_id = reports.id)")
        .bind(id)
        .execute(db)
        .await?;
    Ok(r.rows_affected() == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct FollowUp {
    pub changed: String,
    pub what: String,
    pub evidence: String,
    pub others: String,
    pub answered_at: DateTime<Utc>,
}

pub async fn follow_up(db: impl PgExecutor<'_>, report: Uuid) -> sqlx::Result<Option<FollowUp>> {
    sqlx::query_as(
        "SELECT changed, what, evidence, others, answered_at FROM follow_ups WHERE report_id = $1",
    )
    .bind(report)
    .fetch_optional(db)
    .await
}

pub async fn answer_follow_up(
    db: impl PgExecutor<'_>,
    report: Uuid,
    changed: &str,
    what: &str,
    evidence: &str,
    others: &str,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "INSERT INTO follow_ups (report_id, changed, what, evidence, others) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (report_id) DO NOTHING",
    )
    .bind(report)
    .bind(changed)
    .bind(what)
    .bind(evidence)
    .bind(others)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A hit in the knowledge base.
#[derive(Debug, Clone, FromRow)]
pub struct Hit {
    pub kind: String,
    pub id: Uuid,
    pub title: String,
    pub author: String,
    pub school: String,
    pub mobility_id: Option<Uuid>,
    pub partner: Option<String>,
    pub country: Option<String>,
    pub activity: Option<String>,
    pub date: NaiveDate,
    pub snippet: String,
    pub private: bool,
}

pub struct SearchFilter {
    pub query: Option<String>,
    pub goal: Option<i16>,
    pub vibus: Option<i16>,
    pub focus: Option<String>,
    pub country: Option<String>,
    pub school: Option<Uuid>,
    pub activity: Option<String>,
    pub year: Option<i32>,
    /// The person searching: their own private reflections are found too.
    pub me: Option<Uuid>,
    /// Hits to skip: (page − 1) × [`HITS_PER_PAGE`].
    pub offset: i64,
}

/// How many hits one page of the knowledge base shows.
pub const HITS_PER_PAGE: i64 = 50;

/// Submitted reports and shared reflections (plus the searcher's own private ones), ranked by
/// Danish full-text search with prefix matching, with the matched words marked ⟦…⟧. Ranks and
/// cuts to one page first, then joins and highlights only the hits shown; returns up to one more
/// than a page, so the caller knows whether there is a next page.
pub async fn search(db: impl PgExecutor<'_>, f: &SearchFilter) -> sqlx::Result<Vec<Hit>> {
    sqlx::query_as(
        "WITH q AS (SELECT CASE WHEN $1::text IS NULL THEN NULL ELSE to_tsquery('danish', $1) END AS q),
         ranked AS (
             (SELECT 'rapport' AS kind, r.id, coalesce(ts_rank(r.search, q.q), 0) AS rank,
                     coalesce(r.submitted_at::date, m.end_date) AS date
              FROM reports r CROSS JOIN q
              JOIN mobilities m ON m.id = r.mobility_id
              WHERE r.status = 'indsendt' AND (q.q IS NULL OR r.search @@ q.q)
                AND ($2::smallint IS NULL OR $2 = ANY(r.goal_numbers))
                AND ($3::smallint IS NULL OR $3 = ANY(r.vibus))
                AND ($4::text IS NULL OR $4 = ANY(r.focus_areas))
                AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM partners p WHERE p.id = m.receiving_partner_id AND p.country_code = $5))
                AND ($6::uuid IS NULL OR EXISTS (SELECT 1 FROM staff s WHERE s.id = r.staff_id AND s.organisation_id = $6))
                AND ($7::text IS NULL OR m.activity_type = $7)
                AND ($8::int IS NULL OR extract(year FROM m.end_date) = $8)
              ORDER BY 3 DESC, 4 DESC LIMIT $10 + $11)
             UNION ALL
             (SELECT 'refleksion', f.id, coalesce(ts_rank(f.search, q.q), 0), f.created_at::date
              FROM reflections f CROSS JOIN q
              LEFT JOIN mobilities m ON m.id = f.mobility_id
              WHERE (NOT f.private OR f.staff_id = $9) AND (q.q IS NULL OR f.search @@ q.q)
                AND ($2::smallint IS NULL OR $2 = ANY(f.goal_numbers))
                AND ($3::smallint IS NULL OR $3 = ANY(f.vibus))
                AND ($4::text IS NULL OR $4 = ANY(f.focus_areas))
                AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM partners p WHERE p.id = m.receiving_partner_id AND p.country_code = $5))
                AND ($6::uuid IS NULL OR EXISTS (SELECT 1 FROM staff s WHERE s.id = f.staff_id AND s.organisation_id = $6))
                AND ($7::text IS NULL OR m.activity_type = $7)
                AND ($8::int IS NULL OR extract(year FROM f.created_at) = $8)
              ORDER BY 3 DESC, 4 DESC LIMIT $10 + $11)),
         page AS (SELECT * FROM ranked ORDER BY rank DESC, date DESC, id LIMIT $10 + 1 OFFSET $11)
         SELECT page.kind, page.id, t.name_da || ' hos ' || p.name AS title, s.name AS author, o.name AS school,
                m.id AS mobility_id, p.name AS partner, c.name_da AS country, t.name_da AS activity, page.date,
                CASE WHEN q.q IS NULL THEN left(r.aha, 300)
                     ELSE ts_headline('danish', r.aha || ' … ' || r.change_plan || ' … ' || r.saw || ' … ' || r.surprise, q.q,
                          'StartSel=⟦, StopSel=⟧, MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=\" … \"') END AS snippet,
                false AS private, page.rank
         FROM page CROSS JOIN q
         JOIN reports r ON r.id = page.id AND page.kind = 'rapport'
         JOIN staff s ON s.id = r.staff_id JOIN organisations o ON o.id = s.organisation_id
         JOIN mobilities m ON m.id = r.mobility_id JOIN partners p ON p.id = m.receiving_partner_id
         JOIN countries c ON c.code = p.country_code JOIN activity_types t ON t.code = m.activity_type
         UNION ALL
         SELECT page.kind, page.id, f.title, s.name, o.name, m.id, p.name, c.name_da, t.name_da, page.date,
                CASE WHEN q.q IS NULL THEN left(f.body, 300)
                     ELSE ts_headline('danish', f.title || ' … ' || f.body, q.q,
                          'StartSel=⟦, StopSel=⟧, MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=\" … \"') END,
                f.private, page.rank
         FROM page CROSS JOIN q
         JOIN reflections f ON f.id = page.id AND page.kind = 'refleksion'
         JOIN staff s ON s.id = f.staff_id JOIN organisations o ON o.id = s.organisation_id
         LEFT JOIN mobilities m ON m.id = f.mobility_id LEFT JOIN partners p ON p.id = m.receiving_partner_id
         LEFT JOIN countries c ON c.code = p.country_code LEFT JOIN activity_types t ON t.code = m.activity_type
         ORDER BY rank DESC, date DESC, id",
    )
    .bind(&f.query)
    .bind(f.goal)
    .bind(f.vibus)
    .bind(&f.focus)
    .bind(&f.country)
    .bind(f.school)
    .bind(&f.activity)
    .bind(f.year)
    .bind(f.me)
    .bind(HITS_PER_PAGE)
    .bind(f.offset)
    .fetch_all(db)
    .await
}

/// Something a participant owes: a report, or a follow-up.
#[derive(Debug, Clone, FromRow)]
pub struct Owed {
    pub kind: String,
    pub staff_id: Uuid,
    pub name: String,
    pub email: String,
    pub school: String,
    pub mobility_id: Uuid,
    pub title: String,
    pub due: NaiveDate,
    pub last_reminded: Option<DateTime<Utc>>,
    /// How many are overdue in all, on every row (one page is shown at a time).
    pub total: i64,
}

/// Overdue reports (`report_days` after the end of a completed mobility) and follow-ups
/// (`months` after the report), for one school or all, by due date; `page` is (offset, limit),
/// `None` for all of them.
pub async fn overdue(
    db: impl PgExecutor<'_>,
    school: Option<Uuid>,
    report_days: i32,
    months: i32,
    page: Option<(i64, i64)>,
) -> sqlx::Result<Vec<Owed>> {
    sqlx::query_as(
        "SELECT *, count(*) OVER () AS total FROM (
             SELECT 'rapport' AS kind, s.id AS staff_id, s.name, s.email, o.name AS school, m.id AS mobility_id,
                    t.name_da || ' hos ' || p.name AS title, m.end_date + $2 AS due,
                    (SELECT max(sent_at) FROM reminders x WHERE x.kind = 'rapport' AND x.staff_id = s.id AND x.mobility_id = m.id) AS last_reminded
             FROM mobilities m
             JOIN mobility_participants mp ON mp.mobility_id = m.id
             JOIN staff s ON s.id = mp.staff_id AND s.active
             JOIN organisations o ON o.id = s.organisation_id
             JOIN partners p ON p.id = m.receiving_partner_id JOIN activity_types t ON t.code = m.activity_type
             LEFT JOIN reports r ON r.mobility_id = m.id AND r.staff_id = s.id AND r.status = 'indsendt'
             WHERE m.status = 'gennemfoert' AND r.id IS NULL AND m.end_date + $2 < current_date
             UNION ALL
             SELECT 'opfoelgning', s.id, s.name, s.email, o.name, m.id, t.name_da || ' hos ' || p.name,
                    (r.submitted_at + make_interval(months => $3))::date,
                    (SELECT max(sent_at) FROM reminders x WHERE x.kind = 'opfoelgning' AND x.staff_id = s.id AND x.mobility_id = m.id)
             FROM reports r
             JOIN mobilities m ON m.id = r.mobility_id
             JOIN staff s ON s.id = r.staff_id AND s.active
             JOIN organisations o ON o.id = s.organisation_id
             JOIN partners p ON p.id = m.receiving_partner_id JOIN activity_types t ON t.code = m.activity_type
             LEFT JOIN follow_ups f ON f.report_id = r.id
             WHERE r.status = 'indsendt' AND f.report_id IS NULL
               AND r.submitted_at + make_interval(months => $3) < now()) x
         WHERE $1::uuid IS NULL OR EXISTS (SELECT 1 FROM staff s2 WHERE s2.id = x.staff_id AND s2.organisation_id = $1)
         ORDER BY due, name, mobility_id, kind
         LIMIT $5 OFFSET $4",
    )
    .bind(school)
    .bind(report_days)
    .bind(months)
    .bind(page.map(|p| p.0).unwrap_or(0))
    .bind(page.map(|p| p.1))
    .fetch_all(db)
    .await
}

/// A person's completed mobilities whose report or follow-up is not done: (mobility, "activity hos
/// partner", report, when it was submitted, whether it is submitted), by last day.
pub type Unfinished = (Uuid, String, Option<Uuid>, Option<DateTime<Utc>>, bool);

/// What a person may still owe: completed mobilities without a submitted report or a follow-up.
pub async fn unfinished(db: impl PgExecutor<'_>, staff: Uuid) -> sqlx::Result<Vec<Unfinished>> {
    sqlx::query_as(
        "SELECT m.id, t.name_da || ' hos ' || p.name, r.id, r.submitted_at, coalesce(r.status = 'indsendt', false)
         FROM mobility_participants mp JOIN mobilities m ON m.id = mp.mobility_id
         JOIN partners p ON p.id = m.receiving_partner_id JOIN activity_types t ON t.code = m.activity_type
         LEFT JOIN reports r ON r.mobility_id = m.id AND r.staff_id = mp.staff_id
         LEFT JOIN follow_ups f ON f.report_id = r.id
         WHERE mp.staff_id = $1 AND m.status IN ('gennemfoert', 'rapporteret', 'opfulgt')
           AND (r.id IS NULL OR r.status = 'kladde' OR f.report_id IS NULL)
         ORDER BY m.end_date",
    )
    .bind(staff)
    .fetch_all(db)
    .await
}
