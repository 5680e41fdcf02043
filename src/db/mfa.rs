//! The second factor: logins halfway (`login_challenges`), TOTP secrets and recovery codes.

use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

/// A login waiting for its second factor, with what checking it needs.
#[derive(Debug, FromRow)]
pub struct Challenge {
    pub account_id: Uuid,
    pub email: String,
    pub next: String,
    pub attempts: i32,
    pub totp_secret: Option<Vec<u8>>,
    pub totp_last_step: Option<i64>,
    /// Begun less than ten minutes ago, with fewer than five wrong codes.
    pub fresh: bool,
}

pub async fn begin(
    db: impl PgExecutor<'_>,
    browser_hash: &[u8],
    account_id: Uuid,
    next: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "WITH old AS (DELETE FROM login_challenges WHERE created_at < now() - interval '10 minutes')
         INSERT INTO login_challenges (browser_hash, account_id, next) VALUES ($1, $2, $3)",
    )
    .bind(browser_hash)
    .bind(account_id)
    .bind(next)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn challenge(
    db: impl PgExecutor<'_>,
    browser_hash: &[u8],
) -> sqlx::Result<Option<Challenge>> {
    sqlx::query_as(
        "SELECT c.account_id, a.email, c.next, c.attempts, a.totp_secret, a.totp_last_step,
                c.created_at > now() - interval '10 minutes' AND c.attempts < 5 AS fresh
         FROM login_challenges c JOIN accounts a ON a.id = c.account_id
         WHERE c.browser_hash = $1 AND a.active",
    )
    .bind(browser_hash)
    .fetch_optional(db)
    .await
}

/// Counts a wrong code; the attempts so far.
pub async fn failed(db: impl PgExecutor<'_>, browser_hash: &[u8]) -> sqlx::Result<i32> {
    sqlx::query_scalar(
        "UPDATE login_challenges SET attempts = attempts + 1 WHERE browser_hash = $1 RETURNING attempts",
    )
    .bind(browser_hash)
    .fetch_optional(db)
    .await
    .map(|a| a.unwrap_or(5))
}

pub async fn end(db: impl PgExecutor<'_>, browser_hash: &[u8]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM login_challenges WHERE browser_hash = $1")
        .bind(browser_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Takes the code's time step, unless that step or a later one was used already (a code counts
/// once, even when two requests bring it at the same moment).
pub async fn use_step(db: impl PgExecutor<'_>, account_id: Uuid, step: i64) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "UPDATE accounts SET totp_last_step = $2
         WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
    )
    .bind(account_id)
    .bind(step)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Spends a recovery code (its SHA-256), if it is the account's and unused.
pub async fn use_recovery_code(
    db: impl PgExecutor<'_>,
    account_id: Uuid,
    code_hash: &[u8],
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "UPDATE recovery_codes SET used_at = now()
         WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(account_id)
    .bind(code_hash)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Sets up the second factor: the secret, the step of the code that confirmed it, and new
/// recovery codes in place of any old ones.
pub async fn enable(
    tx: &mut sqlx::PgConnection,
    account_id: Uuid,
    secret: &[u8],
    step: i64,
    code_hashes: &[Vec<u8>],
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE accounts SET totp_secret = $2, totp_enabled_at = now(), totp_last_step = $3
         WHERE id = $1",
    )
    .bind(account_id)
    .bind(secret)
    .bind(step)
    .execute(&mut *tx)
    .await?;
    replace_recovery_codes(tx, account_id, code_hashes).await
}

pub async fn replace_recovery_codes(
    tx: &mut sqlx::PgConnection,
    account_id: Uuid,
    code_hashes: &[Vec<u8>],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO recovery_codes (account_id, code_hash) SELECT $1, unnest($2::bytea[])",
    )
    .bind(account_id)
    .bind(code_hashes)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn disable(tx: &mut sqlx::PgConnection, account_id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE accounts SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL
         WHERE id = $1",
    )
    .bind(account_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// What the person's own account page shows and its forms check.
#[derive(Debug, FromRow)]
pub struct Own {
    pub role: String,
    pub mfa_exempt: bool,
    pub password_hash: Option<String>,
    pub totp_secret: Option<Vec<u8>>,
    pub totp_last_step: Option<i64>,
    pub totp_enabled_at: Option<chrono::DateTime<chrono::Utc>>,
    pub recovery_codes_left: i64,
}

pub async fn own(db: impl PgExecutor<'_>, account_id: Uuid) -> sqlx::Result<Own> {
    sqlx::query_as(
        "SELECT a.role, a.mfa_exempt, a.password_hash, a.totp_secret, a.totp_last_step,
                a.totp_enabled_at,
                (SELECT count(*) FROM recovery_codes r WHERE r.account_id = a.id AND r.used_at IS NULL)
                    AS recovery_codes_left
         FROM accounts a WHERE a.id = $1",
    )
    .bind(account_id)
    .fetch_one(db)
    .await
}
