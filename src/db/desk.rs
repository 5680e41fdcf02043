//! The desk (`/`): what waits for each person, and the key figures of the school year. Every
//! list is a bounded slice (`LIMIT`) read through an index on its filter (migration 0009); each
//! function is one statement.

use chrono::NaiveDate;
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

/// At most this many items of one kind are listed; the desk links to the full list beyond that.
pub const PER_KIND: i64 = 10;

/// Something that waits: `kind` says what (see the functions), `id` the record it is about
/// (mobility, report or indicator), `other` a second record (the participant, the report).
#[derive(Debug, Clone, FromRow)]
pub struct Waiting {
    pub kind: String,
    pub id: Uuid,
    pub other: Option<Uuid>,
    pub title: String,
    pub detail: String,
    pub day: Option<NaiveDate>,
}

const ACTIVITY: &str = "t.name_da || ' hos ' || p.name";
const JOINS: &str = "JOIN partners p ON p.id = m.receiving_partner_id
     JOIN activity_types t ON t.code = m.activity_type";

/// Reports not submitted `report_days` after a completed mobility's last day, for one school
/// (the participant's) or all; `$1` school, `$2` report days, `$3` limit.
fn overdue_reports() -> String {
    format!(
        "(SELECT 'rapport' AS kind, m.id, s.id AS other, s.name || ': ' || {ACTIVITY} AS title,
                 o.name AS detail, m.end_date + $2::int AS day
          FROM mobilities m {JOINS}
          JOIN mobility_participants mp ON mp.mobility_id = m.id
          JOIN staff s ON s.id = mp.staff_id AND s.active
          JOIN organisations o ON o.id = s.organisation_id
          WHERE m.status = 'gennemfoert' AND m.end_date < current_date - $2::int
            AND ($1::uuid IS NULL OR s.organisation_id = $1)
            AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.mobility_id = m.id AND r.staff_id = s.id
                            AND r.status = 'indsendt')
          ORDER BY m.end_date LIMIT $3)"
    )
}

/// Follow-ups not answered `$4` months after the report; `$1` school, `$3` limit.
fn due_follow_ups() -> String {
    format!(
        "(SELECT 'opfoelgning' AS kind, r.id, s.id, s.name || ': ' || {ACTIVITY}, o.name,
                 (r.submitted_at + make_interval(months => $4::int))::date
          FROM reports r JOIN mobilities m ON m.id = r.mobility_id {JOINS}
          JOIN staff s ON s.id = r.staff_id AND s.active
          JOIN organisations o ON o.id = s.organisation_id
          WHERE r.status = 'indsendt' AND r.submitted_at < now() - make_interval(months => $4::int)
            AND ($1::uuid IS NULL OR s.organisation_id = $1)
            AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.report_id = r.id)
          ORDER BY r.submitted_at LIMIT $3)"
    )
}

/// The coordinator's list: mobilities waiting for approval, overdue reports, follow-ups due.
pub async fn coordinator(
    db: impl PgExecutor<'_>,
    report_days: i32,
    months: i32,
) -> sqlx::Result<Vec<Waiting>> {
    sqlx::query_as(&format!(
        "(SELECT 'godkendelse' AS kind, m.id, NULL::uuid AS other, {ACTIVITY} AS title, o.name AS detail,
                 m.start_date AS day
          FROM mobilities m {JOINS} JOIN organisations o ON o.id = m.organisation_id
          WHERE m.status = 'indstillet' AND $1::uuid IS NULL
          ORDER BY m.start_date LIMIT $3)
         UNION ALL {} UNION ALL {}",
        overdue_reports(),
        due_follow_ups()
    ))
    .bind(None::<Uuid>)
    .bind(report_days)
    .bind(PER_KIND)
    .bind(months)
    .fetch_all(db)
    .await
}

/// A school leader's list: the school's drafts and rejections to correct, its staff's overdue
/// reports and follow-ups, the per-school indicators not yet measured for `period`.
pub async fn leader(
    db: impl PgExecutor<'_>,
    school: Uuid,
    period: &str,
    report_days: i32,
    months: i32,
) -> sqlx::Result<Vec<Waiting>> {
    sqlx::query_as(&format!(
        "(SELECT CASE m.status WHEN 'kladde' THEN 'kladde' ELSE 'afvist' END AS kind, m.id,
                 NULL::uuid AS other, {ACTIVITY} AS title,
                 CASE m.status WHEN 'afvist' THEN m.status_reason ELSE '' END AS detail, m.start_date AS day
          FROM mobilities m {JOINS}
          WHERE m.organisation_id = $1 AND m.status IN ('kladde', 'afvist')
          ORDER BY m.start_date LIMIT $3)
         UNION ALL {} UNION ALL {}
         UNION ALL
         (SELECT 'maaling', i.id, NULL::uuid, i.name, g.title, NULL::date
          FROM indicators i JOIN goals g ON g.id = i.goal_id
          WHERE i.active AND i.per_school AND i.automatic IS NULL
            AND NOT EXISTS (SELECT 1 FROM measurements x WHERE x.indicator_id = i.id
                            AND x.organisation_id = $1 AND x.period = $5)
          ORDER BY g.number, i.sort_order LIMIT $3)",
        overdue_reports(),
        due_follow_ups()
    ))
    .bind(school)
    .bind(report_days)
    .bind(PER_KIND)
    .bind(months)
    .bind(period)
    .fetch_all(db)
    .await
}

/// A staff member's list: the next trip, the reports they owe (any completed mobility without
/// their submitted report) and the follow-ups that are due.
pub async fn staff(
    db: impl PgExecutor<'_>,
    me: Uuid,
    report_days: i32,
    months: i32,
) -> sqlx::Result<Vec<Waiting>> {
    sqlx::query_as(&format!(
        "(SELECT 'rejse' AS kind, m.id, NULL::uuid AS other, {ACTIVITY} AS title,
                 p.city AS detail, m.start_date AS day
          FROM mobility_participants mp JOIN mobilities m ON m.id = mp.mobility_id {JOINS}
          WHERE mp.staff_id = $1 AND m.start_date >= current_date
            AND m.status IN ('kladde', 'indstillet', 'godkendt')
          ORDER BY m.start_date LIMIT 1)
         UNION ALL
         (SELECT 'min_rapport', m.id, NULL::uuid, {ACTIVITY}, '', m.end_date + $2::int
          FROM mobility_participants mp JOIN mobilities m ON m.id = mp.mobility_id {JOINS}
          WHERE mp.staff_id = $1 AND m.status = 'gennemfoert'
            AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.mobility_id = m.id AND r.staff_id = $1
                            AND r.status = 'indsendt')
          ORDER BY m.end_date LIMIT $3)
         UNION ALL
         (SELECT 'min_opfoelgning', r.id, NULL::uuid, {ACTIVITY}, '',
                 (r.submitted_at + make_interval(months => $4::int))::date
          FROM reports r JOIN mobilities m ON m.id = r.mobility_id {JOINS}
          WHERE r.staff_id = $1 AND r.status = 'indsendt'
            AND r.submitted_at < now() - make_interval(months => $4::int)
            AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.report_id = r.id)
          ORDER BY r.submitted_at LIMIT $3)"
    ))
    .bind(me)
    .bind(report_days)
    .bind(PER_KIND)
    .bind(months)
    .fetch_all(db)
    .await
}

/// Approved mobilities departing within 30 days whose programme nothing in Udsyn confirms. Udsyn
/// keeps no confirmation from the host yet: when it does, its check goes in the `NOT EXISTS` here
/// and nowhere else. `school` limits to one school's mobilities.
pub async fn unconfirmed_departures(
    db: impl PgExecutor<'_>,
    school: Option<Uuid>,
) -> sqlx::Result<Vec<Waiting>> {
    sqlx::query_as(&format!(
        "SELECT 'afrejse' AS kind, m.id, NULL::uuid AS other, {ACTIVITY} AS title, o.name AS detail,
                m.start_date AS day
         FROM mobilities m {JOINS} JOIN organisations o ON o.id = m.organisation_id
         WHERE m.status = 'godkendt' AND m.start_date BETWEEN current_date AND current_date + 30
           AND ($1::uuid IS NULL OR m.organisation_id = $1)
           AND NOT EXISTS (SELECT 1 WHERE false) -- a confirmed programme, once Udsyn records one
         ORDER BY m.start_date LIMIT $2"
    ))
    .bind(school)
    .bind(PER_KIND)
    .fetch_all(db)
    .await
}

/// Shared reflections by colleagues (not `me`) tagged with a goal that `me`'s mobilities serve or
/// `me`'s reports name; the newest five.
#[derive(Debug, Clone, FromRow)]
pub struct Match {
    pub id: Uuid,
    pub title: String,
    pub author: String,
    pub school: String,
    pub goals: Vec<i16>,
}

pub async fn matching_reflections(db: impl PgExecutor<'_>, me: Uuid) -> sqlx::Result<Vec<Match>> {
    sqlx::query_as(
        "WITH mine AS (
             SELECT coalesce(array_agg(DISTINCT g.number), '{}') AS goals
             FROM (SELECT g.number FROM mobility_participants mp
                   JOIN mobility_goals mg ON mg.mobility_id = mp.mobility_id
                   JOIN goals g ON g.id = mg.goal_id WHERE mp.staff_id = $1
                   UNION
                   SELECT unnest(r.goal_numbers) FROM reports r WHERE r.staff_id = $1) g)
         SELECT f.id, f.title, s.name AS author, o.name AS school, f.goal_numbers AS goals
         FROM reflections f CROSS JOIN mine
         JOIN staff s ON s.id = f.staff_id JOIN organisations o ON o.id = s.organisation_id
         WHERE NOT f.private AND f.staff_id <> $1 AND f.goal_numbers && mine.goals
         ORDER BY f.created_at DESC LIMIT 5",
    )
    .bind(me)
    .fetch_all(db)
    .await
}

/// Key figures of a school year (`from`–`to`), for one school or the consortium.
#[derive(Debug, Clone, FromRow, Default)]
pub struct Figures {
    /// Mobilities starting in the year, not rejected or cancelled.
    pub mobilities: i64,
    /// Participants on them.
    pub travellers: i64,
    /// Reports submitted in the year.
    pub reports: i64,
    /// Follow-ups answered in the year that say practice changed (yes or partly), and all.
    pub changed: i64,
    pub followed: i64,
}

pub async fn figures(
    db: impl PgExecutor<'_>,
    school: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> sqlx::Result<Figures> {
    sqlx::query_as(
        "SELECT
           (SELECT count(*) FROM mobilities m WHERE m.start_date BETWEEN $2 AND $3
              AND m.status NOT IN ('afvist', 'aflyst') AND ($1::uuid IS NULL OR m.organisation_id = $1)) AS mobilities,
           (SELECT count(*) FROM mobilities m JOIN mobility_participants mp ON mp.mobility_id = m.id
              JOIN staff s ON s.id = mp.staff_id
              WHERE m.start_date BETWEEN $2 AND $3 AND m.status NOT IN ('afvist', 'aflyst')
                AND ($1::uuid IS NULL OR s.organisation_id = $1)) AS travellers,
           (SELECT count(*) FROM reports r JOIN staff s ON s.id = r.staff_id
              WHERE r.status = 'indsendt' AND r.submitted_at >= $2 AND r.submitted_at < $3 + 1
                AND ($1::uuid IS NULL OR s.organisation_id = $1)) AS reports,
           (SELECT count(*) FILTER (WHERE f.changed IN ('ja', 'delvist')) FROM follow_ups f
              JOIN reports r ON r.id = f.report_id JOIN staff s ON s.id = r.staff_id
              WHERE f.answered_at >= $2 AND f.answered_at < $3 + 1
                AND ($1::uuid IS NULL OR s.organisation_id = $1)) AS changed,
           (SELECT count(*) FROM follow_ups f
              JOIN reports r ON r.id = f.report_id JOIN staff s ON s.id = r.staff_id
              WHERE f.answered_at >= $2 AND f.answered_at < $3 + 1
                AND ($1::uuid IS NULL OR s.organisation_id = $1)) AS followed",
    )
    .bind(school)
    .bind(from)
    .bind(to)
    .fetch_one(db)
    .await
}
