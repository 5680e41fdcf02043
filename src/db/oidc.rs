//! Single sign-ons that have begun (`oidc_logins`): kept for ten minutes, used once.

use sqlx::{FromRow, PgExecutor};

/// What the identity provider's answer is checked against.
#[derive(Debug, FromRow)]
pub struct Pending {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: String,
    /// Begun less than ten minutes ago.
    pub fresh: bool,
}

/// Remembers a begun sign-on, and forgets those older than ten minutes.
pub async fn begin(
    db: impl PgExecutor<'_>,
    browser_hash: &[u8],
    state: &str,
    nonce: &str,
    pkce_verifier: &str,
    next: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "WITH old AS (DELETE FROM oidc_logins WHERE created_at < now() - interval '10 minutes')
         INSERT INTO oidc_logins (browser_hash, state, nonce, pkce_verifier, next)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(browser_hash)
    .bind(state)
    .bind(nonce)
    .bind(pkce_verifier)
    .bind(next)
    .execute(db)
    .await?;
    Ok(())
}

/// The begun sign-on of this browser, removed as it is read: a second answer finds nothing.
pub async fn take(db: impl PgExecutor<'_>, browser_hash: &[u8]) -> sqlx::Result<Option<Pending>> {
    sqlx::query_as(
        "DELETE FROM oidc_logins WHERE browser_hash = $1
         RETURNING state, nonce, pkce_verifier, next, created_at > now() - interval '10 minutes' AS fresh",
    )
    .bind(browser_hash)
    .fetch_optional(db)
    .await
}
