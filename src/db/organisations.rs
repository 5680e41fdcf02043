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
    pub website: String,
    pub active: bool,
    pub is_demo: bool,
    /// The town's coordinates from the towns table, for the travel grant's distance.
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

const COLUMNS: &str =
    "o.id, o.name, o.kind, o.oid, o.is_coordinator, o.address, o.postcode, o.city,
    o.exclusion_pct::float8 AS exclusion_pct, o.contact_name, o.contact_email, o.website, o.active, o.is_demo,
    o.latitude, o.longitude";

/// The Danish town of that name with the most inhabitants, from the towns table: where a school
/// is, for the distance to the host.
const TOWN: &str = "(SELECT pl.latitude, pl.longitude FROM places pl
                     WHERE pl.country_code = 'DK' AND lower(pl.name) = lower(trim($6))
                     ORDER BY pl.population DESC LIMIT 1)";

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

/// What a school form saves.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Input {
    pub name: String,
    pub kind: String,
    pub oid: Option<String>,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub exclusion_pct: Option<f64>,
    pub contact_name: String,
    pub contact_email: String,
    pub website: String,
    pub active: bool,
}

pub async fn insert(db: impl PgExecutor<'_>, i: &Input) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(&format!(
        "INSERT INTO organisations (name, kind, oid, address, postcode, city, exclusion_pct,
                 contact_name, contact_email, website, active, latitude, longitude)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, t.latitude, t.longitude
             FROM (SELECT 1) one LEFT JOIN LATERAL {TOWN} t ON true
             RETURNING id"
    ))
    .bind(&i.name)
    .bind(&i.kind)
    .bind(&i.oid)
    .bind(&i.address)
    .bind(&i.postcode)
    .bind(&i.city)
    .bind(i.exclusion_pct)
    .bind(&i.contact_name)
    .bind(&i.contact_email)
    .bind(&i.website)
    .bind(i.active)
    .fetch_one(db)
    .await
}

pub async fn update(db: impl PgExecutor<'_>, id: Uuid, i: &Input) -> sqlx::Result<()> {
    sqlx::query(
        &format!(
            "UPDATE organisations o SET name = $2, kind = $3, oid = $4, address = $5, postcode = $6,
                 city = $7, exclusion_pct = $8, contact_name = $9, contact_email = $10, website = $11,
                 active = $12, latitude = t.latitude, longitude = t.longitude, updated_at = now()
             FROM (SELECT 1) one LEFT JOIN LATERAL {} t ON true
             WHERE o.id = $1",
            TOWN.replace("$6", "$7")
        ),
    )
    .bind(id)
    .bind(&i.name)
    .bind(&i.kind)
    .bind(&i.oid)
    .bind(&i.address)
    .bind(&i.postcode)
    .bind(&i.city)
    .bind(i.exclusion_pct)
    .bind(&i.contact_name)
    .bind(&i.contact_email)
    .bind(&i.website)
    .bind(i.active)
    .execute(db)
    .await?;
    Ok(())
}

/// Schools that can take staff, for selects: active ones, coordinator first, by Danish name.
pub async fn choices(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(Uuid, String)>> {
    sqlx::query_as(
        "SELECT id, name FROM organisations WHERE active ORDER BY is_coordinator DESC, name",
    )
    .fetch_all(db)
    .await
}

pub struct Filter {
    pub search: Option<String>,
    pub kind: Option<String>,
    pub active: Option<bool>,
    pub sort: &'static str,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, FromRow)]
pub struct Paged {
    #[sqlx(flatten)]
    pub row: Listed,
    pub total: i64,
}

pub async fn search(db: impl PgExecutor<'_>, f: &Filter) -> sqlx::Result<Vec<Paged>> {
    let order = match f.sort {
        "type" => "o.kind",
        "by" => "o.city COLLATE da_dk",
        "medarbejdere" => "staff_count",
        "mobiliteter" => "mobility_count",
        _ => "o.name",
    };
    let dir = if f.descending { "DESC" } else { "ASC" };
    sqlx::query_as(&format!(
        "SELECT o.*, count(*) OVER () AS total FROM (
           SELECT {COLUMNS},
             (SELECT count(*) FROM staff s WHERE s.organisation_id = o.id AND s.active) AS staff_count,
             (SELECT count(*) FROM mobilities m WHERE m.organisation_id = o.id) AS mobility_count
           FROM organisations o
           WHERE ($1::text IS NULL OR lower(o.name) LIKE $1 OR lower(o.city) LIKE $1 OR o.oid ILIKE $1)
             AND ($2::text IS NULL OR o.kind = $2)
             AND ($3::bool IS NULL OR o.active = $3)
         ) o
         ORDER BY {order} {dir}, o.name, o.id
         LIMIT $4 OFFSET $5"
    ))
    .bind(&f.search)
    .bind(&f.kind)
    .bind(f.active)
    .bind(f.limit)
    .bind(f.offset)
    .fetch_all(db)
    .await
}
