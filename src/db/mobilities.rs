//! Mobilities as they appear in summaries: start pages, a school's page, a partner's page.

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

/// Whose mobilities a summary shows.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    All,
    School(Uuid),
    Person(Uuid),
    Partner(Uuid),
}

/// Mobilities in scope, soonest first from `from` on, then the most recent before it; at most `limit`.
pub async fn summaries(
    db: impl PgExecutor<'_>,
    scope: Scope,
    from: Option<NaiveDate>,
    limit: i64,
) -> sqlx::Result<Vec<Summary>> {
    let (school, person, partner) = match scope {
        Scope::All => (None, None, None),
        Scope::School(id) => (Some(id), None, None),
        Scope::Person(id) => (None, Some(id), None),
        Scope::Partner(id) => (None, None, Some(id)),
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

/// Mobilities per status for one call year (by project, or by start date when no project is set).
pub async fn count_by_status(
    db: impl PgExecutor<'_>,
    school: Option<Uuid>,
    call_year: i32,
) -> sqlx::Result<Vec<StatusCount>> {
    sqlx::query_as(
        "SELECT m.status, count(*) AS count
         FROM mobilities m LEFT JOIN projects pr ON pr.id = m.project_id
         WHERE coalesce(pr.call_year, extract(year FROM m.start_date)::int) = $2
           AND ($1::uuid IS NULL OR m.organisation_id = $1)
         GROUP BY m.status",
    )
    .bind(school)
    .bind(call_year)
    .fetch_all(db)
    .await
}
