-- Failed logins, to slow down password guessing: after too many failures for one e-mail address
-- in a short time, Udsyn stops checking passwords for it for a while (unknown addresses alike).
CREATE TABLE login_failures (
    id          bigserial PRIMARY KEY,
    email_lower text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_recent ON login_failures (email_lower, at);
