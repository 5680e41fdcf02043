//! The unit costs of each call year (`call_rates`): one `domain::grant::Rates` document a year.
//! Every save writes the whole document before and after to the audit log, in the same
//! transaction.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::audit;
use crate::domain::grant::Rates;
use crate::domain::rates_file;

/// The audit log's entity for a call year's rates; its id is the year.
pub const ENTITY: &str = "call_rates";

/// The rates of one call year, if Udsyn has them.
pub async fn get(db: impl PgExecutor<'_>, call_year: i16) -> sqlx::Result<Option<Rates>> {
    let row: Option<(Json<Rates>,)> =
        sqlx::query_as("SELECT rates FROM call_rates WHERE call_year = $1")
            .bind(call_year)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|r| r.0.0))
}

/// Every call year's rates, oldest first (a handful of rows: one a year).
pub async fn all(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Rates>> {
    let rows: Vec<(Json<Rates>,)> =
        sqlx::query_as("SELECT rates FROM call_rates ORDER BY call_year")
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(|r| r.0.0).collect())
}

/// A call year's rates with when and by whom they were last saved (`None`: as seeded).
pub struct Stored {
    pub rates: Rates,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<String>,
}

/// Every call year's rates with who saved them last, oldest first.
pub async fn overview(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Stored>> {
    let rows: Vec<(Json<Rates>, DateTime<Utc>, Option<String>)> = sqlx::query_as(
        "SELECT r.rates, r.updated_at, coalesce(s.name, a.email)
         FROM call_rates r
         LEFT JOIN accounts a ON a.id = r.updated_by
         LEFT JOIN staff s ON s.id = a.staff_id
         ORDER BY r.call_year",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(rates, updated_at, updated_by)| Stored {
            rates: rates.0,
            updated_at,
            updated_by,
        })
        .collect())
}

/// Whether Udsyn has rates for a call year.
pub async fn exists(db: impl PgExecutor<'_>, call_year: i16) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM call_rates WHERE call_year = $1)")
        .bind(call_year)
        .fetch_one(db)
        .await
}

/// How a call year's rates came to be saved, for the audit log.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// Edited in the form.
    Edited,
    /// Imported from a file (its name).
    Imported(&'a str),
}

/// Saves a call year's rates (inserted or replacing the year's), with the document before and
/// after in the audit log. Locks the year's row first, so two saves of one year follow each other
/// and each logs what it really replaced. Returns the rates that were replaced. Run it in a
/// transaction: the save and its log entry belong together.
pub async fn save(
    tx: &mut PgConnection,
    rates: &Rates,
    by: Uuid,
    change: Change<'_>,
) -> sqlx::Result<Option<Rates>> {
    let before: Option<(Json<Rates>,)> =
        sqlx::query_as("SELECT rates FROM call_rates WHERE call_year = $1 FOR UPDATE")
            .bind(rates.call_year)
            .fetch_optional(&mut *tx)
            .await?;
    let before = before.map(|b| b.0.0);
    sqlx::query(
        "INSERT INTO call_rates (call_year, rates, updated_at, updated_by)
         VALUES ($1, $2, now(), $3)
         ON CONFLICT (call_year)
         DO UPDATE SET rates = EXCLUDED.rates, updated_at = now(), updated_by = EXCLUDED.updated_by",
    )
    .bind(rates.call_year)
    .bind(Json(rates))
    .bind(by)
    .execute(&mut *tx)
    .await?;
    let (action, reason) = match (change, &before) {
        (Change::Edited, _) => ("satser ændret", String::new()),
        (Change::Imported(file), None) => ("satser importeret", file.to_string()),
        (Change::Imported(file), Some(_)) => ("satser erstattet ved import", file.to_string()),
    };
    audit::record(
        &mut *tx,
        audit::Entry {
            account_id: Some(by),
            action,
            entity: ENTITY,
            entity_id: rates.call_year.to_string(),
            before: before.as_ref().map(to_json),
            after: Some(to_json(rates)),
            reason: &reason,
        },
    )
    .await?;
    Ok(before)
}

/// What came of copying a call year's rates to the next.
#[derive(Debug)]
pub enum Copied {
    /// The next year has the old figures now, every one unverified.
    Done,
    /// The year to copy from has no rates.
    NoSource,
    /// The next year has rates already; nothing was changed.
    TargetExists,
}

/// Copies a call year's rates to the next year when that year has none yet: every figure marked
/// unverified and its source prefixed "Kopieret fra {year}: " (`rates_file::copied`), with the
/// new document in the audit log. Run it in a transaction.
pub async fn copy(tx: &mut PgConnection, from: i16, by: Uuid) -> sqlx::Result<Copied> {
    let Some(source) = get(&mut *tx, from).await? else {
        return Ok(Copied::NoSource);
    };
    let to = from + 1;
    let new = rates_file::copied(&source, to);
    // ON CONFLICT: a year made meanwhile by someone else is kept, not overwritten.
    let inserted: Option<i16> = sqlx::query_scalar(
        "INSERT INTO call_rates (call_year, rates, updated_at, updated_by)
         VALUES ($1, $2, now(), $3)
         ON CONFLICT (call_year) DO NOTHING
         RETURNING call_year",
    )
    .bind(to)
    .bind(Json(&new))
    .bind(by)
    .fetch_optional(&mut *tx)
    .await?;
    if inserted.is_none() {
        return Ok(Copied::TargetExists);
    }
    audit::record(
        &mut *tx,
        audit::Entry {
            account_id: Some(by),
            action: "satser kopieret",
            entity: ENTITY,
            entity_id: to.to_string(),
            before: None,
            after: Some(to_json(&new)),
            reason: &format!("Kopieret fra {from}"),
        },
    )
    .await?;
    Ok(Copied::Done)
}

fn to_json(rates: &Rates) -> serde_json::Value {
    serde_json::to_value(rates).unwrap_or_default()
}

/// Country codes with their Danish names, in Danish order (æ, ø, å last).
pub async fn country_names(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT code::text, name_da FROM countries ORDER BY name_da")
        .fetch_all(db)
        .await
}

/// Activity type codes with their Danish names, in the order the forms list them.
pub async fn activity_names(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT code, name_da FROM activity_types ORDER BY sort_order, code")
        .fetch_all(db)
        .await
}
