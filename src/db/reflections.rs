//! Reflections: short notes a person writes before, during or after a mobility, shared with the
//! consortium unless private, and featured on the start pages by the coordinator.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

#[derive(Debug, FromRow)]
pub struct Reflection {
    pub id: Uuid,
    pub staff_id: Uuid,
    pub author: String,
    pub school: String,
    pub mobility_id: Option<Uuid>,
    pub mobility: Option<String>,
    pub phase: String,
    pub title: String,
    pub body: String,
    pub goal_numbers: Vec<i16>,
    pub vibus: Vec<i16>,
    pub focus_areas: Vec<String>,
    pub private: bool,
    pub featured: bool,
    pub created_at: DateTime<Utc>,
}

const REFLECTION: &str = "SELECT f.id, f.staff_id, s.name AS author, o.name AS school, f.mobility_id,
    t.name_da || ' hos ' || p.name AS mobility, f.phase, f.title, f.body, f.goal_numbers, f.vibus, f.focus_areas,
    f.private, f.featured, f.created_at
    FROM reflections f JOIN staff s ON s.id = f.staff_id JOIN organisations o ON o.id = s.organisation_id
    LEFT JOIN mobilities m ON m.id = f.mobility_id LEFT JOIN partners p ON p.id = m.receiving_partner_id
    LEFT JOIN activity_types t ON t.code = m.activity_type";

/// The three newest featured reflections that are not private.
pub async fn featured(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Reflection>> {
    sqlx::query_as(&format!(
        "{REFLECTION} WHERE f.featured AND NOT f.private ORDER BY f.created_at DESC LIMIT 3"
    ))
    .fetch_all(db)
    .await
}

/// The reflections a person may read (everyone's shared ones and their own private ones),
/// featured first, then newest; at most 100.
pub async fn visible_to(
    db: impl PgExecutor<'_>,
    staff: Option<Uuid>,
) -> sqlx::Result<Vec<Reflection>> {
    sqlx::query_as(&format!("{REFLECTION} WHERE NOT f.private OR f.staff_id = $1 ORDER BY f.featured DESC, f.created_at DESC LIMIT 100"))
        .bind(staff)
        .fetch_all(db)
        .await
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Reflection>> {
    sqlx::query_as(&format!("{REFLECTION} WHERE f.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

pub struct Input<'a> {
    pub staff_id: Uuid,
    pub mobility_id: Option<Uuid>,
    pub phase: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub goal_numbers: &'a [i16],
    pub vibus: &'a [i16],
    pub focus_areas: &'a [String],
    pub private: bool,
}

/// Saves a new reflection and returns its id.
pub async fn insert(db: impl PgExecutor<'_>, i: &Input<'_>) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO reflections (staff_id, mobility_id, phase, title, body, goal_numbers, vibus, focus_areas, private)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(i.staff_id)
    .bind(i.mobility_id)
    .bind(i.phase)
    .bind(i.title)
    .bind(i.body)
    .bind(i.goal_numbers)
    .bind(i.vibus)
    .bind(i.focus_areas)
    .bind(i.private)
    .fetch_one(db)
    .await
}

/// Features the reflection, or stops featuring it.
pub async fn toggle_featured(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE reflections SET featured = NOT featured, updated_at = now() WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}
