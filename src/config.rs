//! Settings, read from the environment (and `.env` when present). `.env.example` lists every one.

use std::net::SocketAddr;
use std::time::Duration;

use crate::domain::Role;
use crate::domain::allow_list::AllowList;

#[derive(Clone, Debug)]
pub struct Config {
    /// `BIND`: where `udsyn serve` listens.
    pub bind: SocketAddr,
    /// `DATABASE_URL`: when unset, Udsyn finds a local PostgreSQL server (see `db::connect`).
    pub database_url: Option<String>,
    /// `UDSYN_DATA_DIR`: where a private PostgreSQL cluster is kept when no server is found.
    pub data_dir: std::path::PathBuf,
    /// `PUBLIC_URL`: the address people use, for invitation links; `https://…` makes cookies Secure.
    pub public_url: Option<String>,
    /// `SESSION_IDLE_MINUTES`: a session unused this long is ended.
    pub session_idle: Duration,
    /// `SESSION_MAX_HOURS`: a session this old is ended however much it is used.
    pub session_max: Duration,
    /// `MFA_REQUIRED_ROLES`: the roles that must use a second factor (comma-separated role codes,
    /// or `none`). The demo's own logins are exempt.
    pub mfa_required: Vec<Role>,
    /// `INVITATION_DAYS`: how long an invitation link can be used.
    pub invitation_days: i64,
    /// `LOGIN_MAX_FAILURES`: failed logins for one e-mail address within `LOGIN_LOCK_MINUTES`
    /// after which its password is not checked until the period has passed.
    pub login_max_failures: i64,
    pub login_lock_minutes: i32,
    /// `MAX_BODY_BYTES`: the largest request body accepted.
    pub max_body_bytes: usize,
    /// `COOKIE_SECURE`: `auto` (Secure when PUBLIC_URL is https or the proxy says https), `true`, `false`.
    pub cookie_secure: CookieSecure,
    /// `DATABASE_MAX_CONNECTIONS`.
    pub max_connections: u32,
    /// `IMPORT_MAX_BYTES`: the largest staff list that can be uploaded.
    pub import_max_bytes: usize,
    /// `FOLLOW_UP_MONTHS`: months after the report that the follow-up is due.
    pub follow_up_months: i32,
    /// `REPORT_DUE_DAYS`: days after a completed mobility's last day that the report is due.
    pub report_due_days: i32,
    /// `SMTP_*`: where reminders are sent; without `SMTP_HOST` they stay in the outbox.
    pub smtp: Option<Smtp>,
    /// `UDSYN_STATIC_DIR`: the folder with DKFDS and Udsyn's CSS and JavaScript.
    pub static_dir: std::path::PathBuf,
    /// `SERVER_TIMING`: `1` sends each page's SQL statement count and database time in a
    /// `Server-Timing` header (for the benchmark and the browser's developer tools).
    pub server_timing: bool,
    /// `METRICS_ALLOW`: the peer addresses that may read `/metrics` (default loopback).
    pub metrics_allow: AllowList,
    /// `OIDC_ISSUER`, `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET`: single sign-on with the
    /// municipality's identity provider (for instance Microsoft Entra ID), beside local accounts.
    pub oidc: Option<Oidc>,
    /// `ACCESS_LOG_DAYS`: how long the access log keeps who saw a person's data.
    pub access_log_days: i32,
    /// `ACCESS_LOG_FLUSH_MS`: how often views gathered in memory are written to the access log.
    pub access_log_flush: Duration,
    /// `RETENTION_*`: how long each kind of record is kept (see `crate::retention`).
    pub retention: Retention,
}

/// How long Udsyn keeps what it no longer needs. People are anonymised, technical records deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    /// `RETENTION_STAFF_YEARS`: years after a person stopped, or after the end of the last project
    /// they travelled in when that is later, before they are anonymised.
    pub staff_years: i32,
    /// `RETENTION_OUTBOX_DAYS`: days a reminder (sent or kept in the outbox) is kept.
    pub outbox_days: i32,
    /// `RETENTION_LOGIN_FAILURES_DAYS`: days a failed login is kept.
    pub login_failures_days: i32,
    /// `RETENTION_IMPORTS_DAYS`: days an uploaded staff list and its rows are kept.
    pub imports_days: i32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            staff_years: 6,
            outbox_days: 365,
            login_failures_days: 1,
            imports_days: 30,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Oidc {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Where the identity provider sends the person back: `PUBLIC_URL` + `/login/oidc/retur`.
    pub redirect_url: String,
}

/// `./static` when Udsyn runs from its source folder, else the folder it was built from.
fn default_static_dir() -> std::path::PathBuf {
    let here = std::path::PathBuf::from("static");
    if here.join("app.css").is_file() {
        here
    } else {
        concat!(env!("CARGO_MANIFEST_DIR"), "/static").into()
    }
}

#[derive(Clone, Debug)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: String,
    /// `none`, `starttls` or `tls`.
    pub tls: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookieSecure {
    Auto,
    Always,
    Never,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1:3000".parse().expect("valid default address"),
            database_url: None,
            data_dir: "data".into(),
            public_url: None,
            session_idle: Duration::from_secs(60 * 60),
            session_max: Duration::from_secs(12 * 60 * 60),
            mfa_required: vec![Role::Koordinator],
            invitation_days: 14,
            max_body_bytes: 2 * 1024 * 1024,
            login_max_failures: 10,
            login_lock_minutes: 15,
            cookie_secure: CookieSecure::Auto,
            max_connections: 10,
            import_max_bytes: 10 * 1024 * 1024,
            follow_up_months: 6,
            report_due_days: 14,
            smtp: None,
            static_dir: default_static_dir(),
            server_timing: false,
            metrics_allow: AllowList::loopback(),
            oidc: None,
            retention: Retention::default(),
            access_log_days: 180,
            access_log_flush: Duration::from_millis(1000),
        }
    }
}

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        Config::from_vars(|name| std::env::var(name).ok())
    }

    /// The settings from `lookup` (the environment, or a test's own table).
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Config> {
        let d = Config::default();
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let parse_num = |name: &str, default: u64| -> anyhow::Result<u64> {
            match var(name) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse()
                    .map_err(|_| anyhow::anyhow!("{name} skal være et helt tal, ikke «{v}»")),
            }
        };
        let public_url = var("PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string());
        let oidc = match (
            var("OIDC_ISSUER"),
            var("OIDC_CLIENT_ID"),
            var("OIDC_CLIENT_SECRET"),
        ) {
            (None, None, None) => None,
            (Some(issuer), Some(client_id), Some(client_secret)) => {
                let Some(base) = &public_url else {
                    anyhow::bail!(
                        "OIDC_ISSUER kræver PUBLIC_URL: identitetsudbyderen skal kende adressen, den sender folk tilbage til"
                    )
                };
                Some(Oidc {
                    // Exactly as the provider writes it: the discovery document must name the same.
                    issuer: issuer.trim().to_string(),
                    client_id: client_id.trim().to_string(),
                    client_secret,
                    redirect_url: format!("{base}/login/oidc/retur"),
                })
            }
            _ => anyhow::bail!(
                "Single sign-on kræver alle tre: OIDC_ISSUER, OIDC_CLIENT_ID og OIDC_CLIENT_SECRET"
            ),
        };
        let r = Retention::default();
        let retention = Retention {
            staff_years: parse_num("RETENTION_STAFF_YEARS", r.staff_years as u64)?.clamp(1, 50)
                as i32,
            outbox_days: parse_num("RETENTION_OUTBOX_DAYS", r.outbox_days as u64)?.clamp(1, 3650)
                as i32,
            login_failures_days: parse_num(
                "RETENTION_LOGIN_FAILURES_DAYS",
                r.login_failures_days as u64,
            )?
            .clamp(1, 3650) as i32,
            imports_days: parse_num("RETENTION_IMPORTS_DAYS", r.imports_days as u64)?.clamp(1, 3650)
                as i32,
        };
        Ok(Config {
            oidc,
            retention,
            access_log_days: parse_num("ACCESS_LOG_DAYS", 180)?.clamp(1, 3650) as i32,
            access_log_flush: Duration::from_millis(
                parse_num("ACCESS_LOG_FLUSH_MS", 1000)?.clamp(10, 60_000),
            ),
            bind: match var("BIND") {
                None => d.bind,
                Some(v) => v.parse().map_err(|_| {
                    anyhow::anyhow!("BIND skal være en adresse som 127.0.0.1:3000, ikke «{v}»")
                })?,
            },
            database_url: var("DATABASE_URL"),
            data_dir: var("UDSYN_DATA_DIR").map(Into::into).unwrap_or(d.data_dir),
            public_url,
            session_idle: Duration::from_secs(60 * parse_num("SESSION_IDLE_MINUTES", 60)?.max(1)),
            session_max: Duration::from_secs(
                3600 * parse_num("SESSION_MAX_HOURS", 12)?.clamp(1, 24 * 30),
            ),
            mfa_required: match var("MFA_REQUIRED_ROLES") {
                None => d.mfa_required.clone(),
                Some(v) if v.trim() == "none" => Vec::new(),
                Some(v) => v
                    .split(',')
                    .map(|r| {
                        Role::from_code(r.trim()).ok_or_else(|| {
                            anyhow::anyhow!(
                                "MFA_REQUIRED_ROLES: «{}» er ikke en rolle (koordinator, skoleleder, medarbejder eller none)",
                                r.trim()
                            )
                        })
                    })
                    .collect::<anyhow::Result<_>>()?,
            },
            invitation_days: parse_num("INVITATION_DAYS", 14)?.clamp(1, 365) as i64,
            max_body_bytes: parse_num("MAX_BODY_BYTES", d.max_body_bytes as u64)? as usize,
            login_max_failures: parse_num("LOGIN_MAX_FAILURES", 10)?.clamp(1, 1000) as i64,
            login_lock_minutes: parse_num("LOGIN_LOCK_MINUTES", 15)?.clamp(1, 1440) as i32,
            cookie_secure: match var("COOKIE_SECURE").as_deref() {
                None | Some("auto") => CookieSecure::Auto,
                Some("true") | Some("1") => CookieSecure::Always,
                Some("false") | Some("0") => CookieSecure::Never,
                Some(v) => {
                    anyhow::bail!("COOKIE_SECURE skal være auto, true eller false, ikke «{v}»")
                }
            },
            max_connections: parse_num("DATABASE_MAX_CONNECTIONS", 10)?.clamp(2, 200) as u32,
            import_max_bytes: parse_num("IMPORT_MAX_BYTES", d.import_max_bytes as u64)? as usize,
            follow_up_months: parse_num("FOLLOW_UP_MONTHS", 6)?.clamp(1, 36) as i32,
            report_due_days: parse_num("REPORT_DUE_DAYS", 14)?.clamp(0, 365) as i32,
            smtp: match var("SMTP_HOST") {
                None => None,
                Some(host) => Some(Smtp {
                    host,
                    port: parse_num("SMTP_PORT", 587)?.clamp(1, 65535) as u16,
                    username: var("SMTP_USERNAME"),
                    password: var("SMTP_PASSWORD"),
                    from: var("SMTP_FROM").unwrap_or_else(|| "Udsyn <udsyn@localhost>".into()),
                    tls: match var("SMTP_TLS").as_deref() {
                        None | Some("starttls") => "starttls".into(),
                        Some("tls") => "tls".into(),
                        Some("none") => "none".into(),
                        Some(v) => {
                            anyhow::bail!("SMTP_TLS skal være starttls, tls eller none, ikke «{v}»")
                        }
                    },
                }),
            },
            static_dir: var("UDSYN_STATIC_DIR")
                .map(Into::into)
                .unwrap_or(d.static_dir),
            server_timing: matches!(var("SERVER_TIMING").as_deref(), Some("1" | "true")),
            metrics_allow: match var("METRICS_ALLOW") {
                None => d.metrics_allow,
                Some(v) => {
                    AllowList::parse(&v).map_err(|e| anyhow::anyhow!("METRICS_ALLOW: {e}"))?
                }
            },
        })
    }
}
