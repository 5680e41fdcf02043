-- ASVS level 2 for logins: a second factor, sessions a person can see and end, and every
-- session of an account ended when what it logged in with changes.

-- A session's public id, for the person's own list of sessions (/sessioner). The cookie's hash
-- stays the key and is never shown.
ALTER TABLE sessions ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX sessions_public_id ON sessions (id);

-- The second factor: a TOTP secret (RFC 6238, 30 s, 6 digits, SHA-1, as every authenticator app
-- reads it), the last time step used (a code is accepted once), and the demo's own logins, which
-- are exempt so that the README's demo opens with the printed password.
ALTER TABLE accounts
    ADD COLUMN totp_secret bytea,
    ADD COLUMN totp_enabled_at timestamptz,
    ADD COLUMN totp_last_step bigint,
    ADD COLUMN mfa_exempt boolean NOT NULL DEFAULT false;

-- Recovery codes, each usable once; only their SHA-256 is kept.
CREATE TABLE recovery_codes (
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (account_id, code_hash)
);

-- A login halfway: the password (or the municipality's login) was right, the second factor is
-- still to come. The browser holds a random value (cookie `udsyn_mfa`); Udsyn its hash. Five
-- wrong codes, or ten minutes, and the person starts again from the password.
CREATE TABLE login_challenges (
    browser_hash   bytea PRIMARY KEY,
    account_id     uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    next           text NOT NULL DEFAULT '',
    attempts       integer NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_challenges_created ON login_challenges (created_at);

-- A new password, e-mail or role ends every session of the account, whichever page or job made
-- the change. (A page that changes the person's own password starts a new session for the
-- browser that asked, in the same transaction.)
CREATE FUNCTION end_sessions_on_credential_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sessions WHERE account_id = NEW.id;
    RETURN NEW;
END
$$;
CREATE TRIGGER accounts_end_sessions
    AFTER UPDATE OF role, password_hash, email ON accounts
    FOR EACH ROW
    WHEN (OLD.role IS DISTINCT FROM NEW.role
          OR OLD.password_hash IS DISTINCT FROM NEW.password_hash
          OR OLD.email IS DISTINCT FROM NEW.email)
    EXECUTE FUNCTION end_sessions_on_credential_change();
