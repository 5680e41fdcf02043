//! European towns with coordinates (GeoNames, CC BY 4.0), so a partner's city is picked by name.

use sqlx::{FromRow, PgExecutor, PgPool};

/// The bundled table: `geonameid, name, country, latitude, longitude, population`, tab-separated.
const PLACES_TSV: &str = include_str!("../../assets/places.tsv");

/// Loads the bundled towns once into an installation (a second instance waits, then skips).
pub async fn ensure_loaded(pool: &PgPool) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(7407002)")
        .execute(&mut *tx)
        .await?;
    let any: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM places)")
        .fetch_one(&mut *tx)
        .await?;
    if any {
        return Ok(());
    }
    let (mut ids, mut names, mut countries, mut lats, mut lons, mut pops) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for line in PLACES_TSV
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        let [id, name, country, lat, lon, pop] = f[..] else {
            anyhow::bail!("assets/places.tsv: ugyldig linje «{line}»");
        };
        ids.push(id.parse::<i32>()?);
        names.push(name.to_string());
        countries.push(country.to_string());
        lats.push(lat.parse::<f64>()?);
        lons.push(lon.parse::<f64>()?);
        pops.push(pop.parse::<i32>()?);
    }
    sqlx::query(
        "INSERT INTO places (geonameid, name, country_code, latitude, longitude, population)
         SELECT * FROM unnest($1::int[], $2::text[], $3::char(2)[], $4::float8[], $5::float8[], $6::int[])",
    )
    .bind(&ids)
    .bind(&names)
    .bind(&countries)
    .bind(&lats)
    .bind(&lons)
    .bind(&pops)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct Place {
    pub geonameid: i32,
    pub name: String,
    pub country_code: String,
    pub latitude: f64,
    pub longitude: f64,
    pub population: i32,
}

/// Towns in a country whose name starts with `prefix` (exact matches first, then the largest).
pub async fn search(
    db: impl PgExecutor<'_>,
    country: &str,
    prefix: &str,
    limit: i64,
) -> sqlx::Result<Vec<Place>> {
    let prefix = prefix.trim().to_lowercase();
    let pattern = format!(
        "{}%",
        prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    sqlx::query_as(
        "SELECT geonameid, name, country_code::text AS country_code, latitude, longitude, population
         FROM places
         WHERE country_code = $1 AND lower(name) LIKE $2
         ORDER BY lower(name) = $3 DESC, population DESC, name
         LIMIT $4",
    )
    .bind(country)
    .bind(pattern)
    .bind(prefix)
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: i32) -> sqlx::Result<Option<Place>> {
    sqlx::query_as(
        "SELECT geonameid, name, country_code::text AS country_code, latitude, longitude, population
         FROM places WHERE geonameid = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// How many towns there are, and in how many countries.
pub async fn counts(db: impl PgExecutor<'_>) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as("SELECT count(*), count(DISTINCT country_code) FROM places")
        .fetch_one(db)
        .await
}
