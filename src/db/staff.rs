//! Staff of the coordinator and the member schools.

use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct Person {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub name: String,
    pub email: String,
    pub job_role: String,
    pub active: bool,
    pub left_on: Option<chrono::NaiveDate>,
    pub has_account: bool,
}

const SELECT: &str = "SELECT s.id, s.organisation_id, o.name AS organisation_name, s.name, s.email,
        s.job_role, s.active, s.left_on, EXISTS (SELECT 1 FROM accounts a WHERE a.staff_id = s.id) AS has_account
    FROM staff s JOIN organisations o ON o.id = s.organisation_id";

/// Staff in Danish name order; only one school's when `organisation` is given.
pub async fn list(
    db: impl PgExecutor<'_>,
    organisation: Option<Uuid>,
) -> sqlx::Result<Vec<Person>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE ($1::uuid IS NULL OR s.organisation_id = $1)
         ORDER BY s.active DESC, s.name, o.name"
    ))
    .bind(organisation)
    .fetch_all(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Person>> {
    sqlx::query_as(&format!("{SELECT} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Active staff who have no login yet, for the account form.
pub async fn without_account(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Person>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE s.active AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.staff_id = s.id)
         ORDER BY o.name, s.name"
    ))
    .fetch_all(db)
    .await
}
