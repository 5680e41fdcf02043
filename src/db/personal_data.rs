//! Everything Udsyn holds about one person (GDPR art. 15 and 20), read in one statement: each
//! section a JSON array built by PostgreSQL, so the page and the file show the same thing and a
//! person with a long history costs one round trip. Each section is cut at `limit` rows (the caller
//! asks for one more, to tell that it was reached).
//!
//! Never in it: the password hash, invitation, session and calendar tokens. Audit entries the person
//! made about others say what they did, not the others' data before and after (art. 15(4)).

use serde_json::Value;
use sqlx::PgExecutor;
use uuid::Uuid;

/// Whose data, and what the one asking may see of it.
pub struct Ask {
    /// The person in the registry; None for an account that is no one in it.
    pub staff_id: Option<Uuid>,
    /// Their account; None to take the account of `staff_id`, if any.
    pub account_id: Option<Uuid>,
    /// Private reflections in full (the person asking about themselves); else a count.
    pub private_reflections: bool,
    /// The fewer-opportunities flag and inclusion support: the person themselves, or an account
    /// with the right to special categories.
    pub special_categories: bool,
    /// Rows per section at most.
    pub limit: i64,
}

const SQL: &str = r#"
WITH acc AS (
    SELECT a.* FROM accounts a
    WHERE a.id = $2 OR ($2::uuid IS NULL AND a.staff_id = $1)
    LIMIT 1
), my_reports AS (
    SELECT id FROM reports WHERE staff_id = $1 ORDER BY created_at DESC LIMIT $5
)
SELECT json_build_object(
  'person', (
    SELECT json_build_object('id', s.id, 'name', s.name, 'email', s.email, 'job_role', s.job_role,
             'school', o.name, 'school_id', o.id, 'active', s.active, 'left_on', s.left_on,
             'created_at', s.created_at, 'updated_at', s.updated_at)
    FROM staff s JOIN organisations o ON o.id = s.organisation_id WHERE s.id = $1),
  'account', (
    SELECT json_build_object('id', a.id, 'email', a.email, 'role', a.role, 'active', a.active,
             'special_categories', a.special_categories,
             'has_password', a.password_hash IS NOT NULL,
             'invitation_open', coalesce(a.invitation_expires_at > now(), false),
             'last_login_at', a.last_login_at, 'created_at', a.created_at, 'updated_at', a.updated_at)
    FROM acc a),
  'sessions', (
    SELECT coalesce(json_agg(x), '[]') FROM (
      SELECT created_at, last_seen_at, user_agent FROM sessions
      WHERE account_id = (SELECT id FROM acc) ORDER BY last_seen_at DESC LIMIT $5) x),
  'calendar_feeds', (
    SELECT coalesce(json_agg(x), '[]') FROM (
      SELECT created_at, revoked_at, staff_id IS NULL AS whole_consortium FROM calendar_feeds
      WHERE account_id = (SELECT id FROM acc) ORDER BY created_at DESC LIMIT $5) x),
  'mobilities', (
    SELECT coalesce(json_agg(x), '[]') FROM (
      SELECT m.id AS mobility_id, t.name_da AS activity, p.name AS partner, p.city,
             c.name_da AS country, m.start_date, m.end_date, m.status, mp.role,
             mp.interrupted_days,
             CASE WHEN $4 THEN mp.fewer_opportunities END AS fewer_opportunities,
             CASE WHEN $4 THEN mp.inclusion_approved END AS inclusion_approved,
             CASE WHEN $4 THEN mp.inclusion_justification END AS inclusion_justification,
             (SELECT sum(gl.cents) FROM grant_lines gl
               WHERE gl.mobility_id = mp.mobility_id AND gl.staff_id = mp.staff_id
                 AND ($4 OR gl.category NOT IN ('inclusion_participants', 'inclusion_organisation'))
             ) AS grant_cents,
             (SELECT min(b.bm_id) FROM bm_mobility_ids b
               WHERE b.mobility_id = mp.mobility_id AND b.staff_id = mp.staff_id) AS bm_id
      FROM mobility_participants mp
      JOIN mobilities m ON m.id = mp.mobility_id
      JOIN activity_types t ON t.code = m.activity_type
      JOIN partners p ON p.id = m.receiving_partner_id
      JOIN countries c ON c.code = p.country_code
      WHERE mp.staff_id = $1 ORDER BY m.start_date DESC LIMIT $5) x),
  'reports', (
    SELECT coalesce(json_agg(x), '[]') FROM (
      SELECT r.id, r.mobility_id, p.name AS partner, r.status, r.saw, r.surprise, r.aha,
             r.change_plan, r.change_by, r.goal_numbers, r.vibus, r.focus_areas, r.sharing,
             r.self_assessment, r.submitted_at, r.created_at, r.updated_at,
             CASE WHEN r.written_by IS DISTINCT FROM (SELECT id FROM acc)
                  THEN coalesce(ws.name, wa.email) END AS written_by
      FROM reports r
      JOIN mobilities m ON m.id = r.mobility_id
      JOIN partners p ON p.id = m.receiving_partner_id
      LEFT JOIN accounts wa ON wa.id = r.written_by
      LEFT JOIN staff ws ON ws.id = wa.staff_id
      WHERE r.id IN (SELECT id FROM my_reports) ORDER BY r.created_at DESC) x),
  'follow_ups', (
    SELECT coalesce(json_agg(x), '[]') FROM (
      SELECT f.report_id, f.changed, f.what, f.evidence, f.others, f.answered_at
      FROM follow_ups f WHERE f.report_id IN (SELECT id FROM my_reports)
      ORDER BY f.answered_at DESC) x),
  'reflections', (
    SELECT coalesce(json_agg(x), '[]') FROM (
      SELECT id, mobility_id, phase, title, body, goal_numbers, vibus, focus_areas, private,
             featured, created_at, updated_at
      FROM reflections WHERE staff_id = $1 AND ($3 OR NOT private)
      ORDER BY created_at DESC LIMIT $5) x),
  'private_reflections_not_shown', (
    SELECT CASE WHEN $3 THEN 0 ELSE count(*) END FROM reflections WHERE staff_id = $1 AND private),
  'measurements', (
    SELECT coalesce(json_agg(x), '[]') FROM (
      SELECT ms.id, g.number AS goal, i.name AS indicator, o.name AS school, ms.period,
             ms.value, ms.level, ms.note, ms.entered_at
      FROM measurements ms
      JOIN indicators i ON i.id = ms.indicator_id JOIN goals g ON g.id = i.goal_id
      LEFT JOIN organisations o ON o.id = ms.organisation_id
      WHERE ms.entered_by = (SELECT id FROM acc) ORDER BY ms.entered_at DESC LIMIT $5) x),
  'reminders', (
    SELECT coalesce(json_agg(x), '[]') FROM (
      SELECT kind, mobility_id, to_email, subject, via, sent_at FROM reminders
      WHERE staff_id = $1 ORDER BY sent_at DESC LIMIT $5) x),
  'network_meetings', (
    SELECT coalesce(json_agg(x), '[]') FROM (
      SELECT nm.id, nm.title, nm.held_on, nm.place FROM network_participants np
      JOIN network_meetings nm ON nm.id = np.meeting_id
      WHERE np.staff_id = $1 ORDER BY nm.held_on DESC LIMIT $5) x),
  'network_actions', (
    SELECT coalesce(json_agg(x), '[]') FROM (
      SELECT ni.id, nm.title AS meeting, ni.text, ni.due_on, ni.closed_at FROM network_items ni
      JOIN network_meetings nm ON nm.id = ni.meeting_id
      WHERE ni.owner_id = $1 ORDER BY ni.created_at DESC LIMIT $5) x),
  'audit_log', (
    SELECT coalesce(json_agg(x), '[]') FROM (
      SELECT l.at, coalesce(s.name, a.email) AS who, l.action, l.entity, l.entity_id,
             about.them AS about_them,
             CASE WHEN about.them THEN l.before END AS before,
             CASE WHEN about.them THEN l.after END AS after
      FROM audit_log l
      LEFT JOIN accounts a ON a.id = l.account_id
      LEFT JOIN staff s ON s.id = a.staff_id
      CROSS JOIN LATERAL (SELECT
          (l.entity = 'staff' AND l.entity_id = $1::text)
          OR (l.entity = 'account' AND l.entity_id = (SELECT id::text FROM acc))
          OR (l.entity = 'report' AND l.entity_id IN (SELECT id::text FROM my_reports)) AS them
      ) about
      WHERE (l.entity = 'staff' AND l.entity_id = $1::text)
         OR (l.entity = 'account' AND l.entity_id = (SELECT id::text FROM acc))
         OR (l.entity = 'report' AND l.entity_id IN (SELECT id::text FROM my_reports))
         OR l.account_id = (SELECT id FROM acc)
      ORDER BY l.at DESC, l.id DESC LIMIT $5) x),
  'access_log', (
    SELECT coalesce(json_agg(x), '[]') FROM (
      SELECT l.at, coalesce(s.name, a.email, 'Ukendt konto') AS who, l.kind, l.route,
             cardinality(l.staff_ids) AS people
      FROM access_log l
      LEFT JOIN accounts a ON a.id = l.account_id
      LEFT JOIN staff s ON s.id = a.staff_id
      WHERE l.staff_ids @> ARRAY[$1::uuid] ORDER BY l.id DESC LIMIT $5) x)
)
"#;

/// The person's data as one JSON object, section by section; `None` when there is no such person
/// (nor account).
pub async fn read(db: impl PgExecutor<'_>, ask: &Ask) -> sqlx::Result<Option<Value>> {
    let v: Value = sqlx::query_scalar(SQL)
        .bind(ask.staff_id)
        .bind(ask.account_id)
        .bind(ask.private_reflections)
        .bind(ask.special_categories)
        .bind(ask.limit)
        .fetch_one(db)
        .await?;
    Ok((!v["person"].is_null() || !v["account"].is_null()).then_some(v))
}
