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
/// caller's transaction, set-based (a retention run hands over hundreds at once). `by` is the
/// account that asked (None for the retention job); `reason` goes into the audit entry. Returns
/// how many were anonymised.
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
    let n = sqlx::query(&format!(
        "CREATE TEMP TABLE anon_targets ON COMMIT DROP AS
         SELECT s.id, a.id AS account_id, n.no,
                'Anonymiseret person ' || n.no AS new_name,
                'anonymiseret-' || n.no || '@anonymiseret.invalid' AS new_email
         FROM staff s LEFT JOIN accounts a ON a.staff_id = s.id
         CROSS JOIN LATERAL (SELECT nextval('staff_anonymous_no')::int AS no) n
         WHERE s.id = ANY($1) AND s.anonymised_at IS NULL AND NOT {}",
        on_upcoming_mobility()
    ))
    .bind(ids)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        sqlx::query("DROP TABLE anon_targets")
            .execute(&mut *tx)
            .await?;
        return Ok(0);
    }
    // Every name and address the person has had in Udsyn, also those only the audit log remembers.
    sqlx::query(
        "CREATE TEMP TABLE anon_needles ON COMMIT DROP AS
         SELECT DISTINCT t.id, v.needle, v.is_email,
                CASE WHEN v.is_email THEN t.new_email ELSE t.new_name END AS replacement
         FROM anon_targets t JOIN staff s ON s.id = t.id
         LEFT JOIN accounts a ON a.id = t.account_id
         CROSS JOIN LATERAL (
             SELECT s.name::text, false UNION ALL SELECT s.email, true UNION ALL SELECT a.email, true
             UNION ALL
             SELECT x.snap->>k.key, k.is_email
             FROM audit_log l
             CROSS JOIN LATERAL (VALUES (l.before), (l.after)) AS x(snap)
             CROSS JOIN LATERAL (VALUES ('name', false), ('email', true)) AS k(key, is_email)
             WHERE (l.entity = 'staff' AND l.entity_id = t.id::text)
                OR (l.entity = 'account' AND l.entity_id = t.account_id::text)
         ) AS v(needle, is_email)
         WHERE v.needle IS NOT NULL AND trim(v.needle) <> ''",
    )
    .execute(&mut *tx)
    .await?;
    let statements = [
        "UPDATE staff s SET name = t.new_name, email = t.new_email, active = false,
                left_on = coalesce(s.left_on, current_date), anonymised_at = now(),
                anonymous_no = t.no, updated_at = now()
         FROM anon_targets t WHERE s.id = t.id",
        "UPDATE accounts a SET email = t.new_email, password_hash = NULL, invitation_token_hash = NULL,
                invitation_expires_at = NULL, active = false, special_categories = false, updated_at = now()
         FROM anon_targets t WHERE a.id = t.account_id",
        "DELETE FROM sessions WHERE account_id IN (SELECT account_id FROM anon_targets)",
        "UPDATE calendar_feeds SET revoked_at = now()
         WHERE revoked_at IS NULL
           AND (account_id IN (SELECT account_id FROM anon_targets) OR staff_id IN (SELECT id FROM anon_targets))",
        "UPDATE reports r SET saw = CASE WHEN r.saw = '' THEN '' ELSE $1 END,
                surprise = CASE WHEN r.surprise = '' THEN '' ELSE $1 END,
                aha = CASE WHEN r.aha = '' THEN '' ELSE $1 END,
                change_plan = CASE WHEN r.change_plan = '' THEN '' ELSE $1 END,
                content = '{}'::jsonb
         FROM anon_targets t WHERE r.staff_id = t.id",
        "UPDATE follow_ups f SET what = CASE WHEN f.what = '' THEN '' ELSE $1 END,
                evidence = CASE WHEN f.evidence = '' THEN '' ELSE $1 END,
                others = CASE WHEN f.others = '' THEN '' ELSE $1 END
         FROM reports r JOIN anon_targets t ON t.id = r.staff_id
         WHERE f.report_id = r.id AND (f.what <> '' OR f.evidence <> '' OR f.others <> '')",
        "UPDATE reflections r SET title = $1, body = CASE WHEN r.body = '' THEN '' ELSE $1 END,
                featured = false, updated_at = now()
         FROM anon_targets t WHERE r.staff_id = t.id",
        "UPDATE mobility_participants mp SET inclusion_justification = $1
         FROM anon_targets t WHERE mp.staff_id = t.id AND mp.inclusion_justification <> ''",
        "UPDATE reminders r SET to_email = t.new_email, subject = $1, body = $1
         FROM anon_targets t WHERE r.staff_id = t.id",
        "UPDATE import_rows r SET name = t.new_name, email = t.new_email
         FROM anon_targets t
         WHERE r.existing_id = t.id
            OR lower(r.email) IN (SELECT lower(n.needle) FROM anon_needles n WHERE n.id = t.id AND n.is_email)",
        "DELETE FROM login_failures
         WHERE email_lower IN (SELECT lower(needle) FROM anon_needles WHERE is_email)",
        // The audit log keeps who did what, but not what was removed: its entries about the person,
        // their login, their reports and the mobilities they were on lose the old names and addresses.
        "WITH n AS (
             SELECT array_agg(needle ORDER BY length(needle) DESC, needle) AS needles,
                    array_agg(replacement ORDER BY length(needle) DESC, needle) AS replacements
             FROM anon_needles),
         about AS (
             SELECT 'staff' AS entity, id::text AS entity_id FROM anon_targets
             UNION SELECT 'account', account_id::text FROM anon_targets WHERE account_id IS NOT NULL
             UNION SELECT 'report', r.id::text FROM reports r JOIN anon_targets t ON t.id = r.staff_id
             UNION SELECT 'mobility', mp.mobility_id::text
                   FROM mobility_participants mp JOIN anon_targets t ON t.id = mp.staff_id)
         UPDATE audit_log l SET before = scrub_json(l.before, n.needles, n.replacements),
                after = scrub_json(l.after, n.needles, n.replacements),
                reason = scrub_text(l.reason, n.needles, n.replacements)
         FROM about, n
         WHERE l.entity = about.entity AND l.entity_id = about.entity_id",
    ];
    for sql in statements {
        let q = sqlx::query(sql);
        let q = if sql.contains("$1") {
            q.bind(MARKER)
        } else {
            q
        };
        q.execute(&mut *tx).await?;
    }
    sqlx::query(
        "INSERT INTO audit_log (account_id, action, entity, entity_id, reason)
         SELECT $1, 'medarbejder anonymiseret', 'staff', id::text, $2 FROM anon_targets",
    )
    .bind(by)
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DROP TABLE anon_targets, anon_needles")
        .execute(&mut *tx)
        .await?;
    Ok(n)
}

/// How many mobilities the person is on (any status): what the confirmation page says stays.
pub async fn mobility_count(db: impl PgExecutor<'_>, staff: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM mobility_participants WHERE staff_id = $1")
        .bind(staff)
        .fetch_one(db)
        .await
}
