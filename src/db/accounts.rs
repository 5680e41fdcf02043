//! Login accounts and their invitations.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

/// What the login form needs to decide.
#[derive(Debug, FromRow)]
pub struct Credentials {
    pub id: Uuid,
    pub password_hash: Option<String>,
    pub role: String,
    /// The demo's own logins need no second factor.
    pub mfa_exempt: bool,
    /// A second factor (TOTP) is set up.
    pub has_totp: bool,
}

/// An account that may log in: active, and its person (if any) still working in the consortium.
pub async fn credentials(
    db: impl PgExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<Credentials>> {
    sqlx::query_as(
        "SELECT a.id, a.password_hash, a.role, a.mfa_exempt, a.totp_enabled_at IS NOT NULL AS has_totp
         FROM accounts a LEFT JOIN staff s ON s.id = a.staff_id
         WHERE lower(a.email) = lower($1) AND a.active AND coalesce(s.active, true)",
    )
    .bind(email.trim())
    .fetch_optional(db)
    .await
}

/// A new password chosen by the person on their own account page. Every session of the account
/// ends (the trigger of migration 0016).
pub async fn set_password(db: impl PgExecutor<'_>, id: Uuid, hash: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE accounts SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Whether the demo's own logins (exempt from the second factor) are in this database.
pub async fn has_mfa_exempt(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accounts WHERE mfa_exempt AND active)")
        .fetch_one(db)
        .await
}

/// Failed logins for an address in the last `minutes`.
pub async fn recent_failures(
    db: impl PgExecutor<'_>,
    email: &str,
    minutes: i32,
) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM login_failures WHERE email_lower = lower($1) AND at > now() - make_interval(mins => $2)")
        .bind(email.trim())
        .bind(minutes)
        .fetch_one(db)
        .await
}

pub async fn record_failure(db: impl PgExecutor<'_>, email: &str) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO login_failures (email_lower) VALUES (lower($1))")
        .bind(email.trim().chars().take(254).collect::<String>())
        .execute(db)
        .await?;
    Ok(())
}

/// After a successful login the slate is clean; failures older than their retention period
/// (`RETENTION_LOGIN_FAILURES_DAYS`) are forgotten too.
pub async fn clear_failures(db: impl PgExecutor<'_>, email: &str, days: i32) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM login_failures WHERE email_lower = lower($1) OR at < now() - make_interval(days => $2)",
    )
    .bind(email.trim())
    .bind(days)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn touch_login(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE accounts SET last_login_at = now() WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

#[derive(Debug, FromRow)]
pub struct Listed {
    pub id: Uuid,
    pub email: String,
    pub role: String,
    pub name: Option<String>,
    pub organisation_name: Option<String>,
    pub active: bool,
    pub has_password: bool,
    pub invitation_open: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    /// May see who has fewer opportunities and why they get inclusion support.
    pub special_categories: bool,
}

pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as(
        "SELECT a.id, a.email, a.role, s.name, o.name AS organisation_name, a.active,
                a.password_hash IS NOT NULL AS has_password,
                coalesce(a.invitation_expires_at > now(), false) AS invitation_open,
                a.last_login_at, a.special_categories
         FROM accounts a
         LEFT JOIN staff s ON s.id = a.staff_id
         LEFT JOIN organisations o ON o.id = s.organisation_id
         ORDER BY coalesce(s.name, a.email) COLLATE da_dk",
    )
    .fetch_all(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Listed>> {
    sqlx::query_as(
        "SELECT a.id, a.email, a.role, s.name, o.name AS organisation_name, a.active,
                a.password_hash IS NOT NULL AS has_password,
                coalesce(a.invitation_expires_at > now(), false) AS invitation_open,
                a.last_login_at, a.special_categories
         FROM accounts a
         LEFT JOIN staff s ON s.id = a.staff_id
         LEFT JOIN organisations o ON o.id = s.organisation_id
         WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Grants or withdraws the right to special categories; false when it already was so.
pub async fn set_special_categories(
    db: impl PgExecutor<'_>,
    id: Uuid,
    granted: bool,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE accounts SET special_categories = $2, updated_at = now()
         WHERE id = $1 AND special_categories <> $2",
    )
    .bind(id)
    .bind(granted)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub struct NewAccount<'a> {
    pub email: &'a str,
    pub role: &'a str,
    pub staff_id: Option<Uuid>,
    pub password_hash: Option<&'a str>,
    pub invitation_hash: Option<&'a [u8]>,
    pub invitation_expires_at: Option<DateTime<Utc>>,
}

pub async fn create(db: impl PgExecutor<'_>, a: NewAccount<'_>) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO accounts (email, role, staff_id, password_hash, invitation_token_hash, invitation_expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(a.email)
    .bind(a.role)
    .bind(a.staff_id)
    .bind(a.password_hash)
    .bind(a.invitation_hash)
    .bind(a.invitation_expires_at)
    .fetch_one(db)
    .await
}

/// Replaces an account's invitation (the old link stops working).
pub async fn set_invitation(
    db: impl PgExecutor<'_>,
    id: Uuid,
    hash: &[u8],
    expires_at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE accounts SET invitation_token_hash = $2, invitation_expires_at = $3, updated_at = now()
         WHERE id = $1 AND active",
    )
    .bind(id)
    .bind(hash)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

#[derive(Debug, FromRow)]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    pub name: Option<String>,
}

/// The account an unexpired invitation belongs to.
pub async fn by_invitation(
    db: impl PgExecutor<'_>,
    hash: &[u8],
) -> sqlx::Result<Option<Invitation>> {
    sqlx::query_as(
        "SELECT a.id, a.email, s.name FROM accounts a LEFT JOIN staff s ON s.id = a.staff_id
         WHERE a.invitation_token_hash = $1 AND a.invitation_expires_at > now() AND a.active",
    )
    .bind(hash)
    .fetch_optional(db)
    .await
}

/// Sets the password and uses up the invitation; false when the invitation was used meanwhile.
pub async fn accept_invitation(
    db: impl PgExecutor<'_>,
    id: Uuid,
    hash: &[u8],
    password_hash: &str,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE accounts SET password_hash = $3, invitation_token_hash = NULL,
                invitation_expires_at = NULL, updated_at = now()
         WHERE id = $1 AND invitation_token_hash = $2 AND invitation_expires_at > now()",
    )
    .bind(id)
    .bind(hash)
    .bind(password_hash)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}
