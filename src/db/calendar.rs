//! Calendar feeds: secret, revocable addresses of a person's (or the consortium's) mobilities as
//! iCalendar. Only the hash of an address is stored.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

/// A live feed of an account: whose trips (`staff_id`, or none for the consortium) and since when.
#[derive(Debug, Clone, FromRow)]
pub struct Feed {
    pub id: Uuid,
    pub staff_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// The account's feeds that are not revoked, oldest first.
pub async fn of_account(db: impl PgExecutor<'_>, account: Uuid) -> sqlx::Result<Vec<Feed>> {
    sqlx::query_as(
        "SELECT id, staff_id, created_at FROM calendar_feeds WHERE account_id = $1 AND revoked_at IS NULL ORDER BY created_at",
    )
    .bind(account)
    .fetch_all(db)
    .await
}

/// Stores a new feed by the hash of its secret address.
pub async fn create(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    account: Uuid,
    staff: Option<Uuid>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO calendar_feeds (token_hash, account_id, staff_id) VALUES ($1, $2, $3)",
    )
    .bind(token_hash)
    .bind(account)
    .bind(staff)
    .execute(db)
    .await?;
    Ok(())
}

/// Revokes one of the account's live feeds; `false` when there is no such feed.
pub async fn revoke(db: impl PgExecutor<'_>, id: Uuid, account: Uuid) -> sqlx::Result<bool> {
    let r = sqlx::query("UPDATE calendar_feeds SET revoked_at = now() WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL")
        .bind(id)
        .bind(account)
        .execute(db)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// The live feed behind a secret address, of an active account and (for a personal feed) an active
/// person: (staff id, the person's name), both absent for the consortium's feed.
pub async fn by_token(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
) -> sqlx::Result<Option<(Option<Uuid>, Option<String>)>> {
    sqlx::query_as(
        "SELECT f.staff_id, s.name FROM calendar_feeds f
         JOIN accounts a ON a.id = f.account_id AND a.active
         LEFT JOIN staff s ON s.id = f.staff_id
         WHERE f.token_hash = $1 AND f.revoked_at IS NULL AND coalesce(s.active, true)",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// One mobility in a feed: id, status, activity, partner, place, participants, first and last
/// day, school.
pub type Event = (
    Uuid,
    String,
    String,
    String,
    String,
    String,
    NaiveDate,
    NaiveDate,
    String,
);

/// The mobilities past draft of one person, or of everyone (`None`), by start date.
pub async fn events(db: impl PgExecutor<'_>, staff: Option<Uuid>) -> sqlx::Result<Vec<Event>> {
    sqlx::query_as(
        "SELECT m.id, m.status, t.name_da, p.name, CASE WHEN m.venue_city <> '' THEN m.venue_city ELSE p.city END || ', ' || c.name_da,
                (SELECT coalesce(string_agg(s.name, ', ' ORDER BY s.name), '') FROM mobility_participants mp JOIN staff s ON s.id = mp.staff_id WHERE mp.mobility_id = m.id),
                m.start_date, m.end_date, o.name
         FROM mobilities m
         JOIN activity_types t ON t.code = m.activity_type
         JOIN partners p ON p.id = m.receiving_partner_id
         JOIN countries c ON c.code = p.country_code
         JOIN organisations o ON o.id = m.organisation_id
         WHERE m.status <> 'kladde'
           AND ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM mobility_participants mp WHERE mp.mobility_id = m.id AND mp.staff_id = $1))
         ORDER BY m.start_date",
    )
    .bind(staff)
    .fetch_all(db)
    .await
}
