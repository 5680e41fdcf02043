//! Sessions in PostgreSQL, so every instance of Udsyn knows every login. Only a SHA-256 of the
//! cookie value is stored: a leaked table does not log anyone in.

use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

pub async fn create(
    db: impl PgExecutor<'_>,
    id_hash: &[u8],
    account_id: Uuid,
    csrf: &str,
    user_agent: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, account_id, csrf_token, user_agent) VALUES ($1, $2, $3, $4)",
    )
    .bind(id_hash)
    .bind(account_id)
    .bind(csrf)
    .bind(user_agent.chars().take(300).collect::<String>())
    .execute(db)
    .await?;
    Ok(())
}

/// Ends every session of an account, as when its password changes.
pub async fn end_all(db: impl PgExecutor<'_>, account_id: Uuid) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account_id)
        .execute(db)
        .await?
        .rows_affected())
}

pub async fn delete(db: impl PgExecutor<'_>, id_hash: &[u8]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Who is behind a live session; `None` when it is unknown, idle too long, or its account or
/// person can no longer log in.
#[derive(Debug, Clone, FromRow)]
pub struct SessionUser {
    pub account_id: Uuid,
    pub email: String,
    pub role: String,
    pub staff_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub name: Option<String>,
    pub organisation_name: Option<String>,
    pub csrf_token: String,
    pub special_categories: bool,
    pub idle_seconds: f64,
    pub age_seconds: f64,
    /// The session's public id (for `/sessioner`).
    pub session_id: Uuid,
}

pub async fn load(db: impl PgExecutor<'_>, id_hash: &[u8]) -> sqlx::Result<Option<SessionUser>> {
    sqlx::query_as(
        "SELECT a.id AS account_id, a.email, a.role, a.staff_id, s.organisation_id, s.name,
                o.name AS organisation_name, se.csrf_token, a.special_categories,
                extract(epoch FROM now() - se.last_seen_at)::float8 AS idle_seconds,
                extract(epoch FROM now() - se.created_at)::float8 AS age_seconds,
                se.id AS session_id
         FROM sessions se
         JOIN accounts a ON a.id = se.account_id
         LEFT JOIN staff s ON s.id = a.staff_id
         LEFT JOIN organisations o ON o.id = s.organisation_id
         WHERE se.id_hash = $1 AND a.active AND coalesce(s.active, true)",
    )
    .bind(id_hash)
    .fetch_optional(db)
    .await
}

pub async fn touch(db: impl PgExecutor<'_>, id_hash: &[u8]) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1")
        .bind(id_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Removes sessions idle longer than `idle_seconds` or older than `max_seconds`.
pub async fn purge_idle(
    db: impl PgExecutor<'_>,
    idle_seconds: f64,
    max_seconds: f64,
) -> sqlx::Result<u64> {
    let r = sqlx::query(
        "DELETE FROM sessions WHERE last_seen_at < now() - make_interval(secs => $1)
            OR created_at < now() - make_interval(secs => $2)",
    )
    .bind(idle_seconds)
    .bind(max_seconds)
    .execute(db)
    .await?;
    Ok(r.rows_affected())
}

/// One of a person's own sessions, as `/sessioner` lists them.
#[derive(Debug, FromRow)]
pub struct Own {
    pub id: Uuid,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    pub user_agent: String,
}

/// An account's sessions, the most recently used first (at most 50: each login makes one, and
/// they end after `SESSION_MAX_HOURS`).
pub async fn of_account(db: impl PgExecutor<'_>, account_id: Uuid) -> sqlx::Result<Vec<Own>> {
    sqlx::query_as(
        "SELECT id, created_at, last_seen_at, user_agent FROM sessions
         WHERE account_id = $1 ORDER BY last_seen_at DESC LIMIT 50",
    )
    .bind(account_id)
    .fetch_all(db)
    .await
}

/// Ends one of the account's own sessions; false when it was not theirs or is gone.
pub async fn end_own(db: impl PgExecutor<'_>, account_id: Uuid, id: Uuid) -> sqlx::Result<bool> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND id = $2")
            .bind(account_id)
            .bind(id)
            .execute(db)
            .await?
            .rows_affected()
            == 1,
    )
}

/// Ends every session of the account but the one asking.
pub async fn end_others(
    db: impl PgExecutor<'_>,
    account_id: Uuid,
    keep: Uuid,
) -> sqlx::Result<u64> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND id <> $2")
            .bind(account_id)
            .bind(keep)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// Sessions used within the idle limit: the logins that are live now, on every instance.
pub async fn count_live(db: impl PgExecutor<'_>, idle_seconds: f64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM sessions WHERE last_seen_at >= now() - make_interval(secs => $1)",
    )
    .bind(idle_seconds)
    .fetch_one(db)
    .await
}
