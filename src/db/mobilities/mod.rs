//! Mobilities: one with its participants and goals, the rules' look-ups, saving, status changes and
//! the list. Summaries and counts by status are in `summaries.rs`.

mod summaries;

pub use summaries::{Scope, StatusCount, Summary, count_by_status, summaries, with_partner};

use chrono::NaiveDate;
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

/// One mobility with what its page shows.
#[derive(Debug, Clone, FromRow)]
pub struct Detail {
    pub id: Uuid,
    pub activity_type: String,
    pub activity_name: String,
    pub status: String,
    pub status_reason: String,
    pub receiving_partner_id: Uuid,
    pub partner_name: String,
    pub partner_city: String,
    pub country_code: String,
    pub country_name: String,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub venue_city: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub travel_days: i16,
    pub transport: String,
    pub green_travel: bool,
    pub project_id: Option<Uuid>,
    pub project_reference: Option<String>,
    pub call_year: Option<i16>,
    pub purpose: String,
    pub expected_learning: String,
    pub course_title: String,
    pub course_esep_id: String,
    pub version: i32,
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Detail>> {
    sqlx::query_as(
        "SELECT m.id, m.activity_type, t.name_da AS activity_name, m.status, m.status_reason,
                m.receiving_partner_id, p.name AS partner_name, p.city AS partner_city,
                p.country_code::text AS country_code, c.name_da AS country_name,
                m.organisation_id, o.name AS organisation_name, m.venue_city, m.start_date, m.end_date,
                m.travel_days, m.transport, m.green_travel, m.project_id, pr.reference AS project_reference,
                pr.call_year, m.purpose, m.expected_learning, m.course_title, m.course_esep_id, m.version
         FROM mobilities m
         JOIN activity_types t ON t.code = m.activity_type
         JOIN partners p ON p.id = m.receiving_partner_id
         JOIN countries c ON c.code = p.country_code
         JOIN organisations o ON o.id = m.organisation_id
         LEFT JOIN projects pr ON pr.id = m.project_id
         WHERE m.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct Participant {
    pub staff_id: Uuid,
    pub name: String,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub role: String,
}

pub async fn participants(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Vec<Participant>> {
    sqlx::query_as(
        "SELECT s.id AS staff_id, s.name, s.organisation_id, o.name AS organisation_name, mp.role
         FROM mobility_participants mp JOIN staff s ON s.id = mp.staff_id
         JOIN organisations o ON o.id = s.organisation_id
         WHERE mp.mobility_id = $1 ORDER BY mp.role, s.name",
    )
    .bind(id)
    .fetch_all(db)
    .await
}

/// Whether the person takes part in the mobility.
pub async fn is_participant(
    db: impl PgExecutor<'_>,
    mobility: Uuid,
    staff: Uuid,
) -> sqlx::Result<bool> {
    sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM mobility_participants WHERE mobility_id = $1 AND staff_id = $2)")
        .bind(mobility)
        .bind(staff)
        .fetch_one(db)
        .await
}

/// The goals a mobility serves: (id, number, title).
pub async fn goals(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Vec<(Uuid, i16, String)>> {
    sqlx::query_as(
        "SELECT g.id, g.number, g.title FROM mobility_goals mg JOIN goals g ON g.id = mg.goal_id
         WHERE mg.mobility_id = $1 ORDER BY g.number",
    )
    .bind(id)
    .fetch_all(db)
    .await
}

/// All goals: (id, number, title).
pub async fn all_goals(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(Uuid, i16, String)>> {
    sqlx::query_as("SELECT id, number, title FROM goals ORDER BY number")
        .fetch_all(db)
        .await
}

/// The activity type's limits for a call year: that year's rule, or the latest before it.
pub async fn limits(
    db: impl PgExecutor<'_>,
    activity: &str,
    call_year: i32,
) -> sqlx::Result<Option<crate::domain::mobility::Limits>> {
    let row: Option<(i16, i16, i16, Option<i16>, bool)> = sqlx::query_as(
        "SELECT call_year, min_days, max_days, max_persons, verified FROM activity_type_rules
         WHERE activity_type = $1 AND call_year <= $2 ORDER BY call_year DESC LIMIT 1",
    )
    .bind(activity)
    .bind(call_year as i16)
    .fetch_optional(db)
    .await?;
    Ok(
        row.map(|(call_year, min_days, max_days, max_persons, verified)| {
            crate::domain::mobility::Limits {
                call_year,
                min_days,
                max_days,
                max_persons,
                verified,
            }
        }),
    )
}

#[derive(Debug, Clone, FromRow)]
pub struct Project {
    pub id: Uuid,
    pub reference: String,
    pub call_year: i16,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
}

pub async fn projects(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Project>> {
    sqlx::query_as("SELECT id, reference, call_year, start_date, end_date FROM projects ORDER BY start_date DESC")
        .fetch_all(db)
        .await
}

/// Other live mobilities of these people that overlap the dates.
pub async fn overlaps(
    db: impl PgExecutor<'_>,
    people: &[Uuid],
    start: NaiveDate,
    end: NaiveDate,
    except: Option<Uuid>,
) -> sqlx::Result<Vec<crate::domain::mobility::Busy>> {
    let rows: Vec<(String, NaiveDate, NaiveDate, String)> = sqlx::query_as(
        "SELECT s.name, m.start_date, m.end_date, p.name
         FROM mobility_participants mp
         JOIN mobilities m ON m.id = mp.mobility_id
         JOIN staff s ON s.id = mp.staff_id
         JOIN partners p ON p.id = m.receiving_partner_id
         WHERE mp.staff_id = ANY($1) AND m.status NOT IN ('afvist', 'aflyst')
           AND m.start_date <= $3 AND m.end_date >= $2
           AND ($4::uuid IS NULL OR m.id <> $4)
         ORDER BY s.name, m.start_date",
    )
    .bind(people)
    .bind(start)
    .bind(end)
    .bind(except)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(person, start, end, partner)| crate::domain::mobility::Busy {
                person,
                start,
                end,
                partner,
            },
        )
        .collect())
}

/// Other job shadowings at the same host at overlapping dates, with their participant counts.
pub async fn shadowing_at(
    db: impl PgExecutor<'_>,
    partner: Uuid,
    start: NaiveDate,
    end: NaiveDate,
    except: Uuid,
) -> sqlx::Result<Vec<crate::domain::mobility::Shadowing>> {
    let rows: Vec<(Uuid, i64)> = sqlx::query_as(
        "SELECT m.id, count(mp.staff_id) FILTER (WHERE mp.role = 'deltager')
         FROM mobilities m JOIN mobility_participants mp ON mp.mobility_id = m.id
         WHERE m.receiving_partner_id = $1 AND m.activity_type = 'SM-JOB-SHDW'
           AND m.status NOT IN ('afvist', 'aflyst') AND m.start_date <= $3 AND m.end_date >= $2 AND m.id <> $4
         GROUP BY m.id",
    )
    .bind(partner)
    .bind(start)
    .bind(end)
    .bind(except)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(mobility, participants)| crate::domain::mobility::Shadowing {
                mobility,
                participants,
            },
        )
        .collect())
}

/// What the mobility form saves.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Input {
    pub activity_type: String,
    pub receiving_partner_id: Uuid,
    pub organisation_id: Uuid,
    pub venue_city: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub travel_days: i16,
    pub transport: String,
    pub green_travel: bool,
    pub project_id: Option<Uuid>,
    pub purpose: String,
    pub expected_learning: String,
    pub course_title: String,
    pub course_esep_id: String,
    /// (staff, `deltager` or `ledsager`)
    pub participants: Vec<(Uuid, String)>,
    pub goals: Vec<Uuid>,
}

pub async fn insert(
    db: &mut sqlx::PgConnection,
    i: &Input,
    by: Uuid,
    status: &str,
) -> sqlx::Result<Uuid> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO mobilities (activity_type, receiving_partner_id, organisation_id, venue_city, start_date,
             end_date, travel_days, transport, green_travel, project_id, purpose, expected_learning,
             course_title, course_esep_id, created_by, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
    )
    .bind(&i.activity_type)
    .bind(i.receiving_partner_id)
    .bind(i.organisation_id)
    .bind(&i.venue_city)
    .bind(i.start_date)
    .bind(i.end_date)
    .bind(i.travel_days)
    .bind(&i.transport)
    .bind(i.green_travel)
    .bind(i.project_id)
    .bind(&i.purpose)
    .bind(&i.expected_learning)
    .bind(&i.course_title)
    .bind(&i.course_esep_id)
    .bind(by)
    .bind(status)
    .fetch_one(&mut *db)
    .await?;
    replace_links(db, id, i).await?;
    Ok(id)
}

/// Saves the form over version `version`; false when someone else saved in between.
pub async fn update(
    db: &mut sqlx::PgConnection,
    id: Uuid,
    version: i32,
    i: &Input,
    status: Option<&str>,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE mobilities SET activity_type = $3, receiving_partner_id = $4, organisation_id = $5,
             venue_city = $6, start_date = $7, end_date = $8, travel_days = $9, transport = $10,
             green_travel = $11, project_id = $12, purpose = $13, expected_learning = $14,
             course_title = $15, course_esep_id = $16, status = coalesce($17, status),
             status_changed_at = CASE WHEN $17 IS NULL OR $17 = status THEN status_changed_at ELSE now() END,
             version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(version)
    .bind(&i.activity_type)
    .bind(i.receiving_partner_id)
    .bind(i.organisation_id)
    .bind(&i.venue_city)
    .bind(i.start_date)
    .bind(i.end_date)
    .bind(i.travel_days)
    .bind(&i.transport)
    .bind(i.green_travel)
    .bind(i.project_id)
    .bind(&i.purpose)
    .bind(&i.expected_learning)
    .bind(&i.course_title)
    .bind(&i.course_esep_id)
    .bind(status)
    .execute(&mut *db)
    .await?;
    if r.rows_affected() == 0 {
        return Ok(false);
    }
    replace_links(db, id, i).await?;
    Ok(true)
}

async fn replace_links(db: &mut sqlx::PgConnection, id: Uuid, i: &Input) -> sqlx::Result<()> {
    // People who stay keep what is recorded about their participation (the grant's inputs, the
    // fewer-opportunities flag); only those taken off are removed.
    let (people, roles): (Vec<Uuid>, Vec<String>) = i.participants.iter().cloned().unzip();
    sqlx::query("DELETE FROM mobility_participants WHERE mobility_id = $1 AND staff_id <> ALL($2)")
        .bind(id)
        .bind(&people)
        .execute(&mut *db)
        .await?;
    sqlx::query(
        "INSERT INTO mobility_participants (mobility_id, staff_id, role)
         SELECT $1, s, r FROM unnest($2::uuid[], $3::text[]) AS t(s, r)
         ON CONFLICT (mobility_id, staff_id) DO UPDATE
         SET role = EXCLUDED.role,
             fewer_opportunities = mobility_participants.fewer_opportunities
                                   AND EXCLUDED.role = 'deltager'",
    )
    .bind(id)
    .bind(&people)
    .bind(&roles)
    .execute(&mut *db)
    .await?;
    sqlx::query("DELETE FROM mobility_goals WHERE mobility_id = $1")
        .bind(id)
        .execute(&mut *db)
        .await?;
    sqlx::query("INSERT INTO mobility_goals (mobility_id, goal_id) SELECT $1, g FROM unnest($2::uuid[]) AS g")
        .bind(id)
        .bind(&i.goals)
        .execute(&mut *db)
        .await?;
    Ok(())
}

/// Moves a mobility from `from` to `to`; false when its status changed meanwhile.
pub async fn set_status(
    db: impl PgExecutor<'_>,
    id: Uuid,
    from: &str,
    to: &str,
    reason: &str,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE mobilities SET status = $3, status_reason = $4, status_changed_at = now(), version = version + 1,
             updated_at = now()
         WHERE id = $1 AND status = $2",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(reason)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A mobility as the audit log keeps it: the row, its participants and its goals.
pub async fn snapshot(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> sqlx::Result<Option<serde_json::Value>> {
    sqlx::query_scalar(
        "SELECT to_jsonb(m) - 'created_at' - 'updated_at' - 'status_changed_at'
                || jsonb_build_object(
                     'deltagere', (SELECT coalesce(string_agg(s.name || CASE WHEN mp.role = 'ledsager' THEN ' (ledsager)' ELSE '' END, ', ' ORDER BY s.name), '')
                                   FROM mobility_participants mp JOIN staff s ON s.id = mp.staff_id WHERE mp.mobility_id = m.id),
                     'maal', (SELECT coalesce(string_agg('Mål ' || g.number, ', ' ORDER BY g.number), '')
                              FROM mobility_goals mg JOIN goals g ON g.id = mg.goal_id WHERE mg.mobility_id = m.id),
                     'partner', (SELECT p.name FROM partners p WHERE p.id = m.receiving_partner_id),
                     'activity_type', (SELECT t.name_da FROM activity_types t WHERE t.code = m.activity_type))
         FROM mobilities m WHERE m.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Filters for the mobility list; `scope` limits it to a role's view.
pub struct Filter {
    pub scope: Scope,
    pub call_year: Option<i32>,
    pub school: Option<Uuid>,
    pub status: Option<String>,
    pub activity_type: Option<String>,
    pub country: Option<String>,
    pub goal: Option<Uuid>,
    pub sort: &'static str,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, FromRow)]
pub struct Paged {
    #[sqlx(flatten)]
    pub summary: Summary,
    pub total: i64,
}

pub async fn search(db: impl PgExecutor<'_>, f: &Filter) -> sqlx::Result<Vec<Paged>> {
    let (school_scope, person_scope) = match f.scope {
        Scope::School(id) => (Some(id), None),
        Scope::Person(id) => (None, Some(id)),
        Scope::All => (None, None),
    };
    let order = match f.sort {
        "status" => "m.status",
        "skole" => "o.name",
        "partner" => "p.name",
        "aktivitet" => "t.name_da",
        _ => "m.start_date",
    };
    let dir = if f.descending { "DESC" } else { "ASC" };
    sqlx::query_as(&format!(
        "SELECT m.id, m.activity_type, t.name_da AS activity_name, m.status, m.start_date, m.end_date,
                o.name AS organisation_name, p.name AS partner_name, p.id AS partner_id,
                c.name_da AS country_name,
                CASE WHEN m.venue_city <> '' THEN m.venue_city ELSE p.city END AS city,
                (SELECT count(*) FROM mobility_participants mp WHERE mp.mobility_id = m.id) AS participant_count,
                count(*) OVER () AS total
         FROM mobilities m
         JOIN activity_types t ON t.code = m.activity_type
         JOIN organisations o ON o.id = m.organisation_id
         JOIN partners p ON p.id = m.receiving_partner_id
         JOIN countries c ON c.code = p.country_code
         LEFT JOIN projects pr ON pr.id = m.project_id
         WHERE ($1::uuid IS NULL OR m.organisation_id = $1
                OR EXISTS (SELECT 1 FROM mobility_participants mp JOIN staff s ON s.id = mp.staff_id
                           WHERE mp.mobility_id = m.id AND s.organisation_id = $1))
           AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM mobility_participants mp
                                             WHERE mp.mobility_id = m.id AND mp.staff_id = $2))
           AND ($3::int IS NULL OR coalesce(pr.call_year, extract(year FROM m.start_date)::int) = $3)
           AND ($4::uuid IS NULL OR m.organisation_id = $4)
           AND ($5::text IS NULL OR m.status = $5)
           AND ($6::text IS NULL OR m.activity_type = $6)
           AND ($7::text IS NULL OR p.country_code = $7)
           AND ($8::uuid IS NULL OR EXISTS (SELECT 1 FROM mobility_goals mg WHERE mg.mobility_id = m.id AND mg.goal_id = $8))
         ORDER BY {order} {dir}, m.start_date, m.id
         LIMIT $9 OFFSET $10"
    ))
    .bind(school_scope)
    .bind(person_scope)
    .bind(f.call_year)
    .bind(f.school)
    .bind(&f.status)
    .bind(&f.activity_type)
    .bind(&f.country)
    .bind(f.goal)
    .bind(f.limit)
    .bind(f.offset)
    .fetch_all(db)
    .await
}

/// Call years that have projects or mobilities, newest first.
pub async fn call_years(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<i32>> {
    sqlx::query_scalar(
        "SELECT DISTINCT y FROM (SELECT call_year::int AS y FROM projects
                                  UNION SELECT extract(year FROM start_date)::int FROM mobilities) t
         ORDER BY y DESC",
    )
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct TimelineRow {
    pub id: Uuid,
    pub organisation_name: String,
    pub activity_name: String,
    pub status: String,
    pub partner_name: String,
    pub city: String,
    pub country_name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub participants: String,
    /// How many mobilities match in all, on every row (at most `limit` rows are returned).
    pub total: i64,
}

/// What the timeline shows: a calendar year, optionally one school and one month (1–12).
pub struct TimelineFilter {
    pub year: i32,
    pub school: Option<Uuid>,
    pub month: Option<u32>,
    pub limit: i64,
}

/// The mobilities in scope whose dates touch the year (and the month), grouped by school, at most
/// `limit` of them.
pub async fn timeline(
    db: impl PgExecutor<'_>,
    scope: Scope,
    f: &TimelineFilter,
) -> sqlx::Result<Vec<TimelineRow>> {
    let (school, person) = match scope {
        Scope::School(id) => (Some(id), None),
        Scope::Person(id) => (None, Some(id)),
        Scope::All => (None, None),
    };
    sqlx::query_as(
        "SELECT m.id, o.name AS organisation_name, t.name_da AS activity_name, m.status, p.name AS partner_name,
                CASE WHEN m.venue_city <> '' THEN m.venue_city ELSE p.city END AS city, c.name_da AS country_name,
                m.start_date, m.end_date,
                (SELECT coalesce(string_agg(s.name, ', ' ORDER BY s.name), '') FROM mobility_participants mp
                 JOIN staff s ON s.id = mp.staff_id WHERE mp.mobility_id = m.id) AS participants,
                count(*) OVER () AS total
         FROM mobilities m
         JOIN activity_types t ON t.code = m.activity_type
         JOIN organisations o ON o.id = m.organisation_id
         JOIN partners p ON p.id = m.receiving_partner_id
         JOIN countries c ON c.code = p.country_code
         WHERE m.start_date <= make_date($1, coalesce($4, 12), 1) + (interval '1 month' - interval '1 day')
           AND m.end_date >= make_date($1, coalesce($4, 1), 1)
           AND ($5::uuid IS NULL OR m.organisation_id = $5)
           AND ($2::uuid IS NULL OR m.organisation_id = $2
                OR EXISTS (SELECT 1 FROM mobility_participants mp JOIN staff s ON s.id = mp.staff_id
                           WHERE mp.mobility_id = m.id AND s.organisation_id = $2))
           AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM mobility_participants mp
                                             WHERE mp.mobility_id = m.id AND mp.staff_id = $3))
         ORDER BY o.is_coordinator DESC, o.name, m.start_date, m.id
         LIMIT $6",
    )
    .bind(f.year)
    .bind(school)
    .bind(person)
    .bind(f.month.map(|m| m as i32))
    .bind(f.school)
    .bind(f.limit)
    .fetch_all(db)
    .await
}
