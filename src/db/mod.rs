//! Data access: one file per aggregate, async functions over a pool or transaction; SQL lives here.
//!
//! Queries are checked at run time (`sqlx::query_as`) rather than with the compile-time macros, so
//! that Udsyn builds on a machine with no database and no `.sqlx/` cache to keep in step; every
//! query is exercised by the integration tests against a real PostgreSQL.

pub mod access_log;
pub mod accounts;
pub mod anonymise;
pub mod audit;
pub mod bm;
pub mod calendar;
pub mod connect;
pub mod desk;
pub mod goals;
pub mod grants;
pub mod implementation;
pub mod imports;
pub mod mfa;
pub mod mobilities;
pub mod network;
pub mod oidc;
pub mod organisations;
pub mod partners;
pub mod personal_data;
pub mod places;
pub mod projects;
pub mod rates;
pub mod reflections;
pub mod reminders;
pub mod reports;
pub mod retention;
pub mod scale;
pub mod sessions;
pub mod staff;

pub use connect::{Server, find_server, migrate, open_pool, ping};

/// The unique-constraint name of a database error, so forms can say what was taken.
pub fn unique_violation(e: &sqlx::Error) -> Option<String> {
    let db = e.as_database_error()?;
    (db.code().as_deref() == Some("23505")).then(|| db.constraint().unwrap_or_default().to_string())
}
