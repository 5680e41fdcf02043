//! Reminders sent about overdue reports and follow-ups, and the outbox of those that were not
//! mailed. What is overdue is in [`super::reports::overdue`].

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

pub struct NewReminder<'a> {
    pub kind: &'a str,
    pub staff_id: Uuid,
    pub mobility_id: Uuid,
    pub to_email: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub via: &'a str,
    pub sent_by: Uuid,
}

/// Records a reminder unless the same thing was reminded to the same person in the last 24
/// hours (`None` then). The rule is decided in the same statement that records it, so two people
/// pressing the button at once do not both remind.
pub async fn record(db: impl PgExecutor<'_>, r: &NewReminder<'_>) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar(
        "INSERT INTO reminders (kind, staff_id, mobility_id, to_email, subject, body, via, sent_by)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8
         WHERE NOT EXISTS (SELECT 1 FROM reminders WHERE kind = $1 AND staff_id = $2 AND mobility_id = $3
                           AND sent_at > now() - interval '24 hours')
         RETURNING id",
    )
    .bind(r.kind)
    .bind(r.staff_id)
    .bind(r.mobility_id)
    .bind(r.to_email)
    .bind(r.subject)
    .bind(r.body)
    .bind(r.via)
    .bind(r.sent_by)
    .fetch_optional(db)
    .await
}

/// Moves a reminder that could not be mailed to the outbox, with the mail server's error.
pub async fn to_outbox(db: impl PgExecutor<'_>, id: Uuid, error: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE reminders SET via = 'udbakke', error = $2 WHERE id = $1")
        .bind(id)
        .bind(error)
        .execute(db)
        .await?;
    Ok(())
}

#[derive(FromRow)]
pub struct OutboxRow {
    pub to_email: String,
    pub subject: String,
    pub body: String,
    pub error: String,
    pub sent_at: DateTime<Utc>,
}

/// The 200 newest reminders in the outbox.
pub async fn outbox(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<OutboxRow>> {
    sqlx::query_as("SELECT to_email, subject, body, error, sent_at FROM reminders WHERE via = 'udbakke' ORDER BY sent_at DESC LIMIT 200")
        .fetch_all(db)
        .await
}
