-- A single sign-on that has begun. The browser holds a random value (the cookie `udsyn_oidc`);
-- Udsyn keeps its hash with the state, nonce and PKCE verifier it sent to the identity
-- provider, and where the person was going. Each row is used once; one older than ten minutes
-- is refused and removed the next time someone begins.
CREATE TABLE oidc_logins (
    browser_hash bytea PRIMARY KEY,
    state text NOT NULL,
    nonce text NOT NULL,
    pkce_verifier text NOT NULL,
    next text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oidc_logins_created ON oidc_logins (created_at);
