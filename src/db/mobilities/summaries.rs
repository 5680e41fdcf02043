//! Mobilities as they appear in summaries and counts: start pages, a school's page, a partner's page.

use chrono::NaiveDate;
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct Summary {
    pub id: Uuid,
    pub activity_type: String,
    pub activity_name: String,
    pub status: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub organisation_name: String,
    pub partner_name: String,
    pub partner_id: Uuid,
    pub country_name: String,
    pub city: String,
    pub participant_count: i64,
}

/// Whose mobilities a person sees: the coordinator all, a school leader their school's (sent by
/// it or with its staff on them), a staff member their own.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    All,
    School(Uuid),
    Person(Uuid),
}

/// Mobilities in scope, soonest first from `from` on, then the most recent before it; at most `limit`.
pub async fn summaries(
    db: impl PgExecutor<'_>,
    scope: Scope,
    from: Option<NaiveDate>,
    limit: i64,
) -> sqlx::Result<Vec<Summary>> {
    summaries_with(db, scope, None, from, limit).await
}

/// The mobilities with one partner that `scope` may see; the most recent first.
pub async fn with_partner(
    db: impl PgExecutor<'_>,
    partner: Uuid,
    scope: Scope,
    limit: i64,
) -> sqlx::Result<Vec<Summary>> {
    summaries_with(db, scope, Some(partner), None, limit).await
}

async fn summaries_with(
    db: impl PgExecutor<'_>,
    scope: Scope,
    partner: Option<Uuid>,
    from: Option<NaiveDate>,
    limit: i64,
) -> sqlx::Result<Vec<Summary>> {
    let (school, person) = match scope {
        Scope::All => (None, None),
        Scope::School(id) => (Some(id), None),
        Scope::Person(id) => (None, Some(id)),
    };
    sqlx::query_as(
        "SELECT m.id, m.activity_type, t.name_da AS activity_name, m.status, m.start_date, m.end_date,
                o.name AS organisation_name, p.name AS partner_name, p.id AS partner_id,
                c.name_da AS country_name,
                CASE WHEN m.venue_city <> '' THEN m.venue_city ELSE p.city END AS city,
                (SELECT count(*) FROM mobility_participants mp WHERE mp.mobility_id = m.id) AS participant_count
         FROM mobilities m
         JOIN activity_types t ON t.code = m.activity_type
         JOIN organisations o ON o.id = m.organisation_id
         JOIN partners p ON p.id = m.receiving_partner_id
         JOIN countries c ON c.code = p.country_code
         WHERE ($1::uuid IS NULL OR m.organisation_id = $1
                OR EXISTS (SELECT 1 FROM mobility_participants mp JOIN staff s ON s.id = mp.staff_id
                           WHERE mp.mobility_id = m.id AND s.organisation_id = $1))
           AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM mobility_participants mp
                                             WHERE mp.mobility_id = m.id AND mp.staff_id = $2))
           AND ($3::uuid IS NULL OR m.receiving_partner_id = $3)
           AND ($4::date IS NULL OR m.end_date >= $4)
         ORDER BY CASE WHEN $4::date IS NULL THEN m.start_date END DESC,
                  m.start_date, o.name
         LIMIT $5",
    )
    .bind(school)
    .bind(person)
    .bind(partner)
    .bind(from)
    .bind(limit)
    .fetch_all(db)
    .await
}

#[derive(Debug, FromRow)]
pub struct StatusCount {
    pub status: String,
    pub count: i64,
}

/// The mobilities whose first day falls in the year (the travel year, as the start pages' rows
/// are dated), by status.
pub async fn count_by_status(
    db: impl PgExecutor<'_>,
    school: Option<Uuid>,
    travel_year: i32,
) -> sqlx::Result<Vec<StatusCount>> {
    sqlx::query_as(
        "SELECT m.status, count(*) AS count
         FROM mobilities m
         WHERE extract(year FROM m.start_date)::int = $2
           AND ($1::uuid IS NULL OR m.organisation_id = $1)
         GROUP BY m.status",
    )
    .bind(school)
    .bind(travel_year)
    .fetch_all(db)
    .await
}
