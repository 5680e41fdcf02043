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
    pub place_id: Option<i32>,
    pub mobility_count: i64,
}

const SELECT: &str = "SELECT p.id, p.name, p.oid, p.kind, p.country_code::text AS country_code,
        c.name_da AS country_name, p.city, p.latitude, p.longitude, p.website, p.contact_name,
        p.contact_email, p.languages, p.cooperation_since, p.notes, p.active, p.is_demo, p.place_id,
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

#[derive(Debug, Clone, serde::Serialize)]
pub struct Input {
    pub name: String,
    pub kind: String,
    pub oid: Option<String>,
    pub country_code: String,
    pub city: String,
    pub place_id: Option<i32>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub website: String,
    pub contact_name: String,
    pub contact_email: String,
    pub languages: String,
    pub cooperation_since: Option<i16>,
    pub notes: String,
    pub active: bool,
}

pub async fn insert(db: impl PgExecutor<'_>, i: &Input) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO partners (name, kind, oid, country_code, city, place_id, latitude, longitude, website,
             contact_name, contact_email, languages, cooperation_since, notes, active)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(&i.name)
    .bind(&i.kind)
    .bind(&i.oid)
    .bind(&i.country_code)
    .bind(&i.city)
    .bind(i.place_id)
    .bind(i.latitude)
    .bind(i.longitude)
    .bind(&i.website)
    .bind(&i.contact_name)
    .bind(&i.contact_email)
    .bind(&i.languages)
    .bind(i.cooperation_since)
    .bind(&i.notes)
    .bind(i.active)
    .fetch_one(db)
    .await
}

pub async fn update(db: impl PgExecutor<'_>, id: Uuid, i: &Input) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE partners SET name = $2, kind = $3, oid = $4, country_code = $5, city = $6, place_id = $7,
             latitude = $8, longitude = $9, website = $10, contact_name = $11, contact_email = $12,
             languages = $13, cooperation_since = $14, notes = $15, active = $16, updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(&i.name)
    .bind(&i.kind)
    .bind(&i.oid)
    .bind(&i.country_code)
    .bind(&i.city)
    .bind(i.place_id)
    .bind(i.latitude)
    .bind(i.longitude)
    .bind(&i.website)
    .bind(&i.contact_name)
    .bind(&i.contact_email)
    .bind(&i.languages)
    .bind(i.cooperation_since)
    .bind(&i.notes)
    .bind(i.active)
    .execute(db)
    .await?;
    Ok(())
}

pub struct Filter {
    pub search: Option<String>,
    pub country: Option<String>,
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
    pub partner: Partner,
    pub total: i64,
}

pub async fn search(db: impl PgExecutor<'_>, f: &Filter) -> sqlx::Result<Vec<Paged>> {
    let order = match f.sort {
        "land" => "country_name",
        "by" => "city COLLATE da_dk",
        "type" => "kind",
        "siden" => "cooperation_since",
        "mobiliteter" => "mobility_count",
        _ => "name",
    };
    let dir = if f.descending {
        "DESC NULLS LAST"
    } else {
        "ASC NULLS LAST"
    };
    sqlx::query_as(&format!(
        "SELECT x.*, count(*) OVER () AS total FROM ({SELECT}
           WHERE ($1::text IS NULL OR lower(p.name) LIKE $1 OR lower(p.city) LIKE $1 OR p.oid ILIKE $1
                  OR lower(p.notes) LIKE $1)
             AND ($2::text IS NULL OR p.country_code = $2)
             AND ($3::text IS NULL OR p.kind = $3)
             AND ($4::bool IS NULL OR p.active = $4)) x
         ORDER BY {order} {dir}, name, id
         LIMIT $5 OFFSET $6"
    ))
    .bind(&f.search)
    .bind(&f.country)
    .bind(&f.kind)
    .bind(f.active)
    .bind(f.limit)
    .bind(f.offset)
    .fetch_all(db)
    .await
}

/// Countries for selects, by Danish name.
pub async fn countries(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT code::text, name_da FROM countries WHERE code <> 'DK' ORDER BY name_da")
        .fetch_all(db)
        .await
}

/// The partners a mobility can be sent to, for its form: the active ones and the one already
/// chosen (`chosen`, an id as text), as (id, "country – name (city)"), by country and name.
/// The partners to pick from, as (id, "Land – Navn (By)"), the city by its Danish name.
pub async fn choices(db: impl PgExecutor<'_>, chosen: &str) -> sqlx::Result<Vec<(String, String)>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT p.id::text, c.name_da || ' – ' || p.name, p.city
         FROM partners p JOIN countries c ON c.code = p.country_code
         WHERE p.active OR p.id::text = $1 ORDER BY c.name_da, p.name",
    )
    .bind(chosen)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, label, city)| {
            let label = if city.is_empty() {
                label
            } else {
                format!("{label} ({})", crate::domain::exonyms::danish_city(&city))
            };
            (id, label)
        })
        .collect())
}
