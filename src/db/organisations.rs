//! The coordinator and the member schools.

use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub oid: Option<String>,
    pub is_coordinator: bool,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub exclusion_pct: Option<f64>,
    pub contact_name: String,
    pub contact_email: String,
    pub active: bool,
    pub is_demo: bool,
}

const COLUMNS: &str =
    "o.id, o.name, o.kind, o.oid, o.is_coordinator, o.address, o.postcode, o.city,
    o.exclusion_pct::float8 AS exclusion_pct, o.contact_name, o.contact_email, o.active, o.is_demo";

#[derive(Debug, FromRow)]
pub struct Listed {
    #[sqlx(flatten)]
    pub org: Organisation,
    pub staff_count: i64,
    pub mobility_count: i64,
}

/// Every organisation with its active staff and its mobilities counted, coordinator first, then
/// schools by Danish name.
pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS},
            (SELECT count(*) FROM staff s WHERE s.organisation_id = o.id AND s.active) AS staff_count,
            (SELECT count(*) FROM mobilities m WHERE m.organisation_id = o.id) AS mobility_count
         FROM organisations o
         ORDER BY o.is_coordinator DESC, o.active DESC, o.name"
    ))
    .fetch_all(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Organisation>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM organisations o WHERE o.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}
