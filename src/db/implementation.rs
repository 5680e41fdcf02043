//! The implementation log of a goal: for each submitted report that serves the goal, the
//! mobility it came from, what the participant would change, and what the follow-up says changed.
//! The network's decisions for the goal are in [`super::network::of_goal`], the measurements in
//! [`super::goals`].

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct Link {
    pub mobility_id: Uuid,
    pub mobility: String,
    pub end_date: NaiveDate,
    pub report_id: Uuid,
    pub author: String,
    pub school: String,
    pub change_plan: String,
    pub submitted_at: DateTime<Utc>,
    pub changed: Option<String>,
    pub what: Option<String>,
    pub evidence: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// The newest 30 submitted reports naming goal `number` (their own tag, or a mobility serving the
/// goal), with the follow-up where answered; `school` limits to one school's participants.
pub async fn chain(
    db: impl PgExecutor<'_>,
    goal: Uuid,
    number: i16,
    school: Option<Uuid>,
) -> sqlx::Result<Vec<Link>> {
    sqlx::query_as(
        "SELECT m.id AS mobility_id, t.name_da || ' hos ' || p.name AS mobility, m.end_date,
                r.id AS report_id, s.name AS author, o.name AS school, r.change_plan, r.submitted_at,
                f.changed, f.what, f.evidence, f.answered_at
         FROM reports r JOIN mobilities m ON m.id = r.mobility_id
         JOIN partners p ON p.id = m.receiving_partner_id JOIN activity_types t ON t.code = m.activity_type
         JOIN staff s ON s.id = r.staff_id JOIN organisations o ON o.id = s.organisation_id
         LEFT JOIN follow_ups f ON f.report_id = r.id
         WHERE r.status = 'indsendt'
           AND ($2 = ANY(r.goal_numbers)
                OR EXISTS (SELECT 1 FROM mobility_goals mg WHERE mg.mobility_id = m.id AND mg.goal_id = $1))
           AND ($3::uuid IS NULL OR s.organisation_id = $3)
         ORDER BY r.submitted_at DESC LIMIT 30",
    )
    .bind(goal)
    .bind(number)
    .bind(school)
    .fetch_all(db)
    .await
}
