//! Partners abroad.

use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct Partner {
    pub id: Uuid,
    pub name: String,
    pub oid: Option<String>,
    pub kind: String,
    pub country_code: String,
    pub country_name: String,
    pub city: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub website: String,
    pub contact_name: String,
    pub contact_email: String,
    pub languages: String,
    pub cooperation_since: Option<i16>,
    pub notes: String,
    pub active: bool,
    pub is_demo: bool,
    pub mobility_count: i64,
}

const SELECT: &str = "SELECT p.id, p.name, p.oid, p.kind, p.country_code::text AS country_code,
        c.name_da AS country_name, p.city, p.latitude, p.longitude, p.website, p.contact_name,
        p.contact_email, p.languages, p.cooperation_since, p.notes, p.active, p.is_demo,
        (SELECT count(*) FROM mobilities m WHERE m.receiving_partner_id = p.id) AS mobility_count
    FROM partners p JOIN countries c ON c.code = p.country_code";

/// Partners by country, then name, in Danish order.
pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Partner>> {
    sqlx::query_as(&format!(
        "{SELECT} ORDER BY p.active DESC, c.name_da, p.name"
    ))
    .fetch_all(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Partner>> {
    sqlx::query_as(&format!("{SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}
