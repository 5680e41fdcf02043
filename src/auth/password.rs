//! Argon2id password hashes, computed on the blocking pool so the async threads keep serving.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use std::sync::OnceLock;

/// Hashes a password (argon2id, the crate's recommended parameters, a random salt).
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
}

pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("adgangskoden kunne ikke hashes: {e}"))
}

/// Checks a password against a stored hash. With no hash (unknown e-mail, or an account that has
/// not set its password yet) the same work is done against a dummy hash, so the answer takes as
/// long either way and tells nobody which e-mail addresses exist.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| dummy_hash().to_string());
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok();
        ok && known
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("ingen-bruger-har-denne-adgangskode").expect("argon2 works"))
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = super::hash("en lang adgangskode".into()).await.unwrap();
        let b = super::hash("en lang adgangskode".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "each hash has its own salt");
        assert!(super::verify("en lang adgangskode".into(), Some(a.clone())).await);
        assert!(!super::verify("forkert".into(), Some(a)).await);
        assert!(!super::verify("ingen-bruger-har-denne-adgangskode".into(), None).await);
    }
}
