//! Anonymising people: their name, e-mail and everything they wrote replaced, their login closed,
//! the audit log's copies of what was removed scrubbed, and every count, grant and BM figure left
//! exactly as it was (the rows stay; only their texts change).

use chrono::NaiveDate;
use sqlx::{FromRow, PgConnection, PgExecutor};
use uuid::Uuid;

/// What replaces a text a person wrote, or one about them.
pub const MARKER: &str = "[Fjernet ved anonymisering]";

/// Mobilities that still need the person as they are: not yet completed, not cancelled or rejected.
/// The grant and the BM file need them until the mobility has taken place and is reported.
pub const UPCOMING: &str = "('kladde', 'indstillet', 'godkendt')";

/// SQL: true when the staff row `s` is on an upcoming mobility.
pub fn on_upcoming_mobility() -> String {
    format!(
        "EXISTS (SELECT 1 FROM mobility_participants mp JOIN mobilities m ON m.id = mp.mobility_id
                 WHERE mp.staff_id = s.id AND m.status IN {UPCOMING})"
    )
}

/// An upcoming mobility that keeps a person from being anonymised.
#[derive(Debug, FromRow)]
pub struct Blocker {
    pub mobility_id: Uuid,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub status: String,
    pub partner: String,
}

pub async fn blockers(db: impl PgExecutor<'_>, staff: Uuid) -> sqlx::Result<Vec<Blocker>> {
    sqlx::query_as(&format!(
        "SELECT m.id AS mobility_id, m.start_date, m.end_date, m.status, p.name AS partner
         FROM mobility_participants mp JOIN mobilities m ON m.id = mp.mobility_id
         JOIN partners p ON p.id = m.receiving_partner_id
         WHERE mp.staff_id = $1 AND m.status IN {UPCOMING}
         ORDER BY m.start_date LIMIT 10"
    ))
    .bind(staff)
    .fetch_all(db)
    .await
}

/// Anonymises those of `ids` who are not anonymised yet and not on an upcoming mobility, in the
/// caller's transaction, set-based (a retention run hands over hundreds at once): one statement
/// whose parts all read the rows as they were, so the old names are at hand for scrubbing while
/// they are replaced. `by` is the account that asked (None for the retention job); `reason` goes
/// into the audit entry. Returns how many were anonymised.
pub async fn anonymise(
    tx: &mut PgConnection,
    ids: &[Uuid],
    by: Option<Uuid>,
    reason: &str,
) -> sqlx::Result<u64> {
    // Two anonymisations of one person at once: the second waits here and then finds them done.
    sqlx::query("SELECT 1 FROM staff WHERE id = ANY($1) ORDER BY id FOR UPDATE")
        .bind(ids)
        .execute(&mut *tx)
        .await?;
    let n: i64 = sqlx::query_scalar(&format!(
        "WITH picked AS MATERIALIZED (
             SELECT s.id, a.id AS account_id, nextval('staff_anonymous_no')::int AS no
             FROM staff s LEFT JOIN accounts a ON a.staff_id = s.id
             WHERE s.id = ANY($1) AND s.anonymised_at IS NULL AND NOT {upcoming}),
         t AS (
             SELECT id, account_id, no, 'Anonymiseret person ' || no AS new_name,
                    'anonymiseret-' || no || '@anonymiseret.invalid' AS new_email
             FROM picked),
         -- Every name and address the person has had in Udsyn, also those only the audit log
         -- still remembers.
         needles AS MATERIALIZED (
             SELECT DISTINCT t.id, v.needle, v.is_email,
                    CASE WHEN v.is_email THEN t.new_email ELSE t.new_name END AS replacement
             FROM t JOIN staff s ON s.id = t.id
             LEFT JOIN accounts a ON a.id = t.account_id
             CROSS JOIN LATERAL (
                 SELECT s.name::text, false UNION ALL SELECT s.email, true UNION ALL SELECT a.email, true
                 UNION ALL
                 -- two lookups by (entity, entity_id), each through audit_log_entity
                 SELECT x.snap->>k.key, k.is_email
                 FROM (SELECT l.before, l.after FROM audit_log l
                       WHERE l.entity = 'staff' AND l.entity_id = t.id::text
                       UNION ALL
                       SELECT l.before, l.after FROM audit_log l
                       WHERE l.entity = 'account' AND l.entity_id = t.account_id::text) l
                 CROSS JOIN LATERAL (VALUES (l.before), (l.after)) AS x(snap)
                 CROSS JOIN LATERAL (VALUES ('name', false), ('email', true)) AS k(key, is_email)
             ) AS v(needle, is_email)
             WHERE v.needle IS NOT NULL AND trim(v.needle) <> ''),
         n AS (
             SELECT array_agg(needle ORDER BY length(needle) DESC, needle) AS needles,
                    array_agg(replacement ORDER BY length(needle) DESC, needle) AS replacements
             FROM needles),
         staff_done AS (
             UPDATE staff s SET name = t.new_name, email = t.new_email, active = false,
                    left_on = coalesce(s.left_on, current_date), anonymised_at = now(),
                    anonymous_no = t.no, updated_at = now()
             FROM t WHERE s.id = t.id RETURNING s.id),
         accounts_done AS (
             UPDATE accounts a SET email = t.new_email, password_hash = NULL,
                    invitation_token_hash = NULL, invitation_expires_at = NULL, active = false,
                    special_categories = false, totp_secret = NULL, totp_enabled_at = NULL,
                    totp_last_step = NULL, updated_at = now()
             FROM t WHERE a.id = t.account_id RETURNING a.id),
         codes_done AS (
             DELETE FROM recovery_codes WHERE account_id IN (SELECT account_id FROM t) RETURNING 1),
         sessions_done AS (
             DELETE FROM sessions WHERE account_id IN (SELECT account_id FROM t) RETURNING 1),
         feeds_done AS (
             UPDATE calendar_feeds SET revoked_at = now()
             WHERE revoked_at IS NULL
               AND (account_id IN (SELECT account_id FROM t) OR staff_id IN (SELECT id FROM t))
             RETURNING 1),
         reports_done AS (
             UPDATE reports r SET saw = CASE WHEN r.saw = '' THEN '' ELSE $4 END,
                    surprise = CASE WHEN r.surprise = '' THEN '' ELSE $4 END,
                    aha = CASE WHEN r.aha = '' THEN '' ELSE $4 END,
                    change_plan = CASE WHEN r.change_plan = '' THEN '' ELSE $4 END,
                    content = '{{}}'::jsonb
             FROM t WHERE r.staff_id = t.id RETURNING 1),
         follow_ups_done AS (
             UPDATE follow_ups f SET what = CASE WHEN f.what = '' THEN '' ELSE $4 END,
                    evidence = CASE WHEN f.evidence = '' THEN '' ELSE $4 END,
                    others = CASE WHEN f.others = '' THEN '' ELSE $4 END
             FROM reports r JOIN t ON t.id = r.staff_id
             WHERE f.report_id = r.id AND (f.what <> '' OR f.evidence <> '' OR f.others <> '')
             RETURNING 1),
         reflections_done AS (
             UPDATE reflections r SET title = $4, body = CASE WHEN r.body = '' THEN '' ELSE $4 END,
                    featured = false, updated_at = now()
             FROM t WHERE r.staff_id = t.id RETURNING 1),
         support_done AS (
             UPDATE mobility_participants mp SET inclusion_justification = $4
             FROM t WHERE mp.staff_id = t.id AND mp.inclusion_justification <> '' RETURNING 1),
         reminders_done AS (
             UPDATE reminders r SET to_email = t.new_email, subject = $4, body = $4
             FROM t WHERE r.staff_id = t.id RETURNING 1),
         -- rows of uploaded staff lists that matched the person, or named one of their addresses
         import_match AS (
             SELECT r.job_id, r.line_no, t.new_name, t.new_email
             FROM import_rows r JOIN t ON r.existing_id = t.id
             UNION
             SELECT r.job_id, r.line_no, t.new_name, t.new_email
             FROM import_rows r JOIN needles x ON x.is_email AND lower(r.email) = lower(x.needle)
             JOIN t ON t.id = x.id),
         imports_done AS (
             UPDATE import_rows r SET name = m.new_name, email = m.new_email
             FROM import_match m WHERE r.job_id = m.job_id AND r.line_no = m.line_no
             RETURNING 1),
         failures_done AS (
             DELETE FROM login_failures
             WHERE email_lower IN (SELECT lower(needle) FROM needles WHERE is_email) RETURNING 1),
         -- The audit log keeps who did what, but not what was removed: its entries about the
         -- person, their login, their reports and the mobilities they were on lose the old names
         -- and addresses.
         about AS (
             SELECT 'staff' AS entity, id::text AS entity_id FROM t
             UNION SELECT 'account', account_id::text FROM t WHERE account_id IS NOT NULL
             UNION SELECT 'report', r.id::text FROM reports r JOIN t ON t.id = r.staff_id
             UNION SELECT 'mobility', mp.mobility_id::text
                   FROM mobility_participants mp JOIN t ON t.id = mp.staff_id),
         scrubbed AS (
             UPDATE audit_log l SET before = scrub_json(l.before, n.needles, n.replacements),
                    after = scrub_json(l.after, n.needles, n.replacements),
                    reason = scrub_text(l.reason, n.needles, n.replacements)
             FROM about, n
             WHERE l.entity = about.entity AND l.entity_id = about.entity_id
             RETURNING 1),
         logged AS (
             INSERT INTO audit_log (account_id, action, entity, entity_id, reason)
             SELECT $2, 'medarbejder anonymiseret', 'staff', id::text, $3 FROM t RETURNING 1)
         SELECT count(*) FROM staff_done",
        upcoming = on_upcoming_mobility()
    ))
    .bind(ids)
    .bind(by)
    .bind(reason)
    .bind(MARKER)
    .fetch_one(&mut *tx)
    .await?;
    Ok(n as u64)
}

/// How many mobilities the person is on (any status): what the confirmation page says stays.
pub async fn mobility_count(db: impl PgExecutor<'_>, staff: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM mobility_participants WHERE staff_id = $1")
        .bind(staff)
        .fetch_one(db)
        .await
}
