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
    /// When the person was anonymised (their name and texts replaced, see `db::anonymise`).
    pub anonymised_at: Option<chrono::DateTime<chrono::Utc>>,
}

const SELECT: &str = "SELECT s.id, s.organisation_id, o.name AS organisation_name, s.name, s.email,
        s.job_role, s.active, s.left_on, EXISTS (SELECT 1 FROM accounts a WHERE a.staff_id = s.id) AS has_account,
        s.anonymised_at
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

pub struct Filter {
    /// The school leader's own school; None for the coordinator.
    pub scope: Option<Uuid>,
    pub school: Option<Uuid>,
    pub job_role: Option<String>,
    pub active: Option<bool>,
    pub search: Option<String>,
    pub sort: &'static str,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, FromRow)]
pub struct Paged {
    #[sqlx(flatten)]
    pub person: Person,
    pub total: i64,
}

/// One page of staff, with the total count, in one query.
pub async fn search(db: impl PgExecutor<'_>, f: &Filter) -> sqlx::Result<Vec<Paged>> {
    let order = match f.sort {
        "skole" => "o.name",
        "stilling" => "s.job_role",
        "email" => "s.email",
        _ => "s.name",
    };
    let dir = if f.descending { "DESC" } else { "ASC" };
    sqlx::query_as(&format!(
        "SELECT s.id, s.organisation_id, o.name AS organisation_name, s.name, s.email, s.job_role,
                s.active, s.left_on,
                EXISTS (SELECT 1 FROM accounts a WHERE a.staff_id = s.id) AS has_account,
                s.anonymised_at, count(*) OVER () AS total
         FROM staff s JOIN organisations o ON o.id = s.organisation_id
         WHERE ($1::uuid IS NULL OR s.organisation_id = $1)
           AND ($2::uuid IS NULL OR s.organisation_id = $2)
           AND ($3::text IS NULL OR s.job_role = $3)
           AND ($4::bool IS NULL OR s.active = $4)
           AND ($5::text IS NULL OR lower(s.name) LIKE $5 OR lower(s.email) LIKE $5)
         ORDER BY {order} {dir}, s.name, s.id
         LIMIT $6 OFFSET $7"
    ))
    .bind(f.scope)
    .bind(f.school)
    .bind(&f.job_role)
    .bind(f.active)
    .bind(&f.search)
    .bind(f.limit)
    .bind(f.offset)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Input {
    pub organisation_id: Uuid,
    pub name: String,
    pub email: String,
    pub job_role: String,
    pub active: bool,
    pub left_on: Option<chrono::NaiveDate>,
}

/// Who the given ids are, as a form that picks people needs them.
#[derive(Debug, FromRow)]
pub struct Brief {
    pub id: Uuid,
    pub name: String,
    pub organisation_id: Uuid,
    pub active: bool,
}

pub async fn brief(db: impl PgExecutor<'_>, ids: &[Uuid]) -> sqlx::Result<Vec<Brief>> {
    sqlx::query_as("SELECT id, name, organisation_id, active FROM staff WHERE id = ANY($1)")
        .bind(ids)
        .fetch_all(db)
        .await
}

/// The people a mobility form offers: the active staff of `school`, the people ticked in the
/// form (only of `only_school` when that is set, as for a school leader), and those `on_it`.
#[derive(Debug, FromRow)]
pub struct Choice {
    pub id: Uuid,
    pub name: String,
    pub organisation_name: String,
}

pub async fn choices(
    db: impl PgExecutor<'_>,
    school: Option<Uuid>,
    ticked: &[Uuid],
    only_school: Option<Uuid>,
    on_it: &[Uuid],
) -> sqlx::Result<Vec<Choice>> {
    sqlx::query_as(
        "SELECT s.id, s.name, o.name AS organisation_name
         FROM staff s JOIN organisations o ON o.id = s.organisation_id
         WHERE (s.active AND s.organisation_id = $1)
            OR (s.id = ANY($2) AND ($3::uuid IS NULL OR s.organisation_id = $3))
            OR s.id = ANY($4)
         ORDER BY s.organisation_id = $1 DESC, o.name, s.name",
    )
    .bind(school)
    .bind(ticked)
    .bind(only_school)
    .bind(on_it)
    .fetch_all(db)
    .await
}

pub async fn insert(db: impl PgExecutor<'_>, i: &Input) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO staff (organisation_id, name, email, job_role, active, left_on)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(i.organisation_id)
    .bind(&i.name)
    .bind(&i.email)
    .bind(&i.job_role)
    .bind(i.active)
    .bind(i.left_on)
    .fetch_one(db)
    .await
}

pub async fn update(db: &mut sqlx::PgConnection, id: Uuid, i: &Input) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE staff SET organisation_id = $2, name = $3, email = $4, job_role = $5, active = $6,
             left_on = $7, updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(i.organisation_id)
    .bind(&i.name)
    .bind(&i.email)
    .bind(&i.job_role)
    .bind(i.active)
    .bind(i.left_on)
    .execute(&mut *db)
    .await?;
    // The person logs in with their e-mail: the login follows a changed address.
    sqlx::query(
        "UPDATE accounts a SET email = $2, updated_at = now()
         WHERE a.staff_id = $1 AND lower(a.email) <> lower($2)
           AND NOT EXISTS (SELECT 1 FROM accounts b WHERE lower(b.email) = lower($2) AND b.id <> a.id)",
    )
    .bind(id)
    .bind(&i.email)
    .execute(db)
    .await?;
    Ok(())
}
