//! The unit costs of each call year (`call_rates`): one `domain::grant::Rates` document a year.

use sqlx::PgExecutor;
use sqlx::types::Json;

use crate::domain::grant::Rates;

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
