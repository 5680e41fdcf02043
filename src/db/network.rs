//! The special-education leaders' network: meetings, their participants, agenda and minutes, the
//! decisions and actions recorded at them, and what happened since the last meeting (the source
//! of a drafted agenda).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::{FromRow, PgConnection, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct Meeting {
    pub id: Uuid,
    pub title: String,
    pub held_on: NaiveDate,
    pub starts_at: NaiveTime,
    pub ends_at: NaiveTime,
    pub place: String,
    pub online_url: String,
    pub agenda: String,
    pub minutes: String,
    pub updated_at: DateTime<Utc>,
}

const MEETING: &str =
    "SELECT id, title, held_on, starts_at, ends_at, place, online_url, agenda, minutes, updated_at
                       FROM network_meetings";

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Meeting>> {
    sqlx::query_as(&format!("{MEETING} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A meeting in the list, with how many actions recorded at it are still open.
#[derive(Debug, Clone, FromRow)]
pub struct Listed {
    pub id: Uuid,
    pub title: String,
    pub held_on: NaiveDate,
    pub starts_at: NaiveTime,
    pub place: String,
    pub online_url: String,
    pub participants: i64,
    pub open_actions: i64,
}

/// The newest 100 meetings; with `participant`, only those that person takes part in.
pub async fn list(db: impl PgExecutor<'_>, participant: Option<Uuid>) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as(
        "SELECT n.id, n.title, n.held_on, n.starts_at, n.place, n.online_url,
                (SELECT count(*) FROM network_participants p WHERE p.meeting_id = n.id) AS participants,
                (SELECT count(*) FROM network_items i WHERE i.meeting_id = n.id AND i.kind = 'handling'
                 AND i.closed_at IS NULL) AS open_actions
         FROM network_meetings n
         WHERE $1::uuid IS NULL
            OR EXISTS (SELECT 1 FROM network_participants p WHERE p.meeting_id = n.id AND p.staff_id = $1)
         ORDER BY n.held_on DESC, n.starts_at DESC LIMIT 100",
    )
    .bind(participant)
    .fetch_all(db)
    .await
}

pub async fn is_participant(
    db: impl PgExecutor<'_>,
    meeting: Uuid,
    staff: Uuid,
) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM network_participants WHERE meeting_id = $1 AND staff_id = $2)",
    )
    .bind(meeting)
    .bind(staff)
    .fetch_one(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct Person {
    pub id: Uuid,
    pub name: String,
    pub school: String,
    pub email: String,
}

pub async fn participants(db: impl PgExecutor<'_>, meeting: Uuid) -> sqlx::Result<Vec<Person>> {
    sqlx::query_as(
        "SELECT s.id, s.name, o.name AS school, s.email FROM network_participants p
         JOIN staff s ON s.id = p.staff_id JOIN organisations o ON o.id = s.organisation_id
         WHERE p.meeting_id = $1 ORDER BY o.name, s.name",
    )
    .bind(meeting)
    .fetch_all(db)
    .await
}

/// Who can be invited: active school leaders and key staff (at most 2 000), by school.
pub async fn candidates(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Person>> {
    sqlx::query_as(
        "SELECT s.id, s.name, o.name AS school, s.email FROM staff s
         JOIN organisations o ON o.id = s.organisation_id
         WHERE s.active AND o.active AND s.job_role IN ('skoleleder', 'noeglemedarbejder')
         ORDER BY o.is_coordinator DESC, o.name, s.name LIMIT 2000",
    )
    .fetch_all(db)
    .await
}

pub struct Input<'a> {
    pub title: &'a str,
    pub held_on: NaiveDate,
    pub starts_at: NaiveTime,
    pub ends_at: NaiveTime,
    pub place: &'a str,
    pub online_url: &'a str,
    pub participants: &'a [Uuid],
}

/// Plans a meeting with its participants and the drafted agenda.
pub async fn insert(
    tx: &mut PgConnection,
    i: &Input<'_>,
    agenda: &str,
    by: Uuid,
) -> sqlx::Result<Uuid> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO network_meetings (title, held_on, starts_at, ends_at, place, online_url, agenda, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(i.title)
    .bind(i.held_on)
    .bind(i.starts_at)
    .bind(i.ends_at)
    .bind(i.place)
    .bind(i.online_url)
    .bind(agenda)
    .bind(by)
    .fetch_one(&mut *tx)
    .await?;
    set_participants(tx, id, i.participants).await?;
    Ok(id)
}

async fn set_participants(tx: &mut PgConnection, id: Uuid, people: &[Uuid]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM network_participants WHERE meeting_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO network_participants (meeting_id, staff_id) SELECT $1, unnest($2::uuid[])
         ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(people)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Saves the meeting's facts, agenda and minutes, unless someone saved it since `seen` (then
/// `false` and nothing is written).
pub async fn update(
    tx: &mut PgConnection,
    id: Uuid,
    i: &Input<'_>,
    agenda: &str,
    minutes: &str,
    seen: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE network_meetings SET title = $2, held_on = $3, starts_at = $4, ends_at = $5, place = $6,
                online_url = $7, agenda = $8, minutes = $9, updated_at = now()
         WHERE id = $1 AND date_trunc('milliseconds', updated_at) = date_trunc('milliseconds', $10::timestamptz)",
    )
    .bind(id)
    .bind(i.title)
    .bind(i.held_on)
    .bind(i.starts_at)
    .bind(i.ends_at)
    .bind(i.place)
    .bind(i.online_url)
    .bind(agenda)
    .bind(minutes)
    .bind(seen)
    .execute(&mut *tx)
    .await?;
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    set_participants(tx, id, i.participants).await?;
    Ok(true)
}

/// A decision or an action.
#[derive(Debug, Clone, FromRow)]
pub struct Item {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub meeting_title: String,
    pub held_on: NaiveDate,
    pub kind: String,
    pub text: String,
    pub owner_id: Option<Uuid>,
    pub owner: Option<String>,
    pub owner_school: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub goal_number: Option<i16>,
    pub goal_title: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

const ITEM: &str = "SELECT i.id, i.meeting_id, n.title AS meeting_title, n.held_on, i.kind, i.text, i.owner_id,
    s.name AS owner, o.name AS owner_school, i.due_on, g.number AS goal_number, g.title AS goal_title, i.closed_at
    FROM network_items i JOIN network_meetings n ON n.id = i.meeting_id
    LEFT JOIN staff s ON s.id = i.owner_id LEFT JOIN organisations o ON o.id = s.organisation_id
    LEFT JOIN goals g ON g.id = i.goal_id";

/// What was recorded at a meeting, decisions first, in the order recorded.
pub async fn items(db: impl PgExecutor<'_>, meeting: Uuid) -> sqlx::Result<Vec<Item>> {
    sqlx::query_as(&format!(
        "{ITEM} WHERE i.meeting_id = $1 ORDER BY i.kind, i.created_at LIMIT 500"
    ))
    .bind(meeting)
    .fetch_all(db)
    .await
}

pub async fn item(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Item>> {
    sqlx::query_as(&format!("{ITEM} WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Actions still open that were recorded at other meetings than `except` held before `before`:
/// they come back on the agenda until closed. At most 100, oldest due first.
pub async fn open_actions_before(
    db: impl PgExecutor<'_>,
    before: NaiveDate,
    except: Option<Uuid>,
) -> sqlx::Result<Vec<Item>> {
    sqlx::query_as(&format!(
        "{ITEM} WHERE i.kind = 'handling' AND i.closed_at IS NULL AND n.held_on <= $1
           AND ($2::uuid IS NULL OR i.meeting_id <> $2)
         ORDER BY i.due_on, i.created_at LIMIT 100"
    ))
    .bind(before)
    .bind(except)
    .fetch_all(db)
    .await
}

/// One person's open actions, soonest due first (at most 10).
pub async fn open_actions_of(db: impl PgExecutor<'_>, owner: Uuid) -> sqlx::Result<Vec<Item>> {
    sqlx::query_as(&format!(
        "{ITEM} WHERE i.kind = 'handling' AND i.closed_at IS NULL AND i.owner_id = $1
         ORDER BY i.due_on LIMIT 10"
    ))
    .bind(owner)
    .fetch_all(db)
    .await
}

/// The decisions and actions that serve a goal, newest first (at most 50).
pub async fn of_goal(db: impl PgExecutor<'_>, goal: Uuid) -> sqlx::Result<Vec<Item>> {
    sqlx::query_as(&format!(
        "{ITEM} WHERE i.goal_id = $1 ORDER BY n.held_on DESC, i.created_at LIMIT 50"
    ))
    .bind(goal)
    .fetch_all(db)
    .await
}

pub struct NewItem<'a> {
    pub kind: &'a str,
    pub text: &'a str,
    pub owner_id: Option<Uuid>,
    pub due_on: Option<NaiveDate>,
    pub goal_id: Option<Uuid>,
}

pub async fn add_item(
    db: impl PgExecutor<'_>,
    meeting: Uuid,
    i: &NewItem<'_>,
    by: Uuid,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO network_items (meeting_id, kind, text, owner_id, due_on, goal_id, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(meeting)
    .bind(i.kind)
    .bind(i.text)
    .bind(i.owner_id)
    .bind(i.due_on)
    .bind(i.goal_id)
    .bind(by)
    .fetch_one(db)
    .await
}

/// Closes an open action; `false` if it was not open.
pub async fn close_item(db: impl PgExecutor<'_>, id: Uuid, by: Uuid) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE network_items SET closed_at = now(), closed_by = $2
         WHERE id = $1 AND kind = 'handling' AND closed_at IS NULL",
    )
    .bind(id)
    .bind(by)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The day the previous meeting (before `day`, not `except`) was held.
pub async fn previous_meeting_day(
    db: impl PgExecutor<'_>,
    day: NaiveDate,
    except: Option<Uuid>,
) -> sqlx::Result<Option<NaiveDate>> {
    sqlx::query_scalar(
        "SELECT max(held_on) FROM network_meetings WHERE held_on < $1 AND ($2::uuid IS NULL OR id <> $2)",
    )
    .bind(day)
    .bind(except)
    .fetch_one(db)
    .await
}

/// Something that happened since the last meeting, for the drafted agenda: `section` is
/// `rapport`, `refleksion`, `opfoelgning` (with `changed`), `mobilitet` (coming up) or `maaling`
/// (an indicator with new measurements).
#[derive(Debug, Clone, FromRow)]
pub struct Happening {
    pub section: String,
    pub title: String,
    pub detail: String,
    pub goals: Vec<i16>,
    pub changed: Option<String>,
    pub day: NaiveDate,
}

/// Reports submitted, shared reflections written, follow-ups answered and measurements entered
/// from `since` up to `until`, and mobilities starting within 90 days after `until`. Each part at
/// most 50.
pub async fn since(
    db: impl PgExecutor<'_>,
    since: NaiveDate,
    until: NaiveDate,
) -> sqlx::Result<Vec<Happening>> {
    sqlx::query_as(
        "(SELECT 'rapport' AS section, s.name || ', ' || o.name AS title,
                 t.name_da || ' hos ' || p.name AS detail, r.goal_numbers AS goals, NULL::text AS changed,
                 r.submitted_at::date AS day
          FROM reports r JOIN staff s ON s.id = r.staff_id JOIN organisations o ON o.id = s.organisation_id
          JOIN mobilities m ON m.id = r.mobility_id JOIN partners p ON p.id = m.receiving_partner_id
          JOIN activity_types t ON t.code = m.activity_type
          WHERE r.status = 'indsendt' AND r.submitted_at >= $1 AND r.submitted_at < $2 + 1
          ORDER BY r.submitted_at LIMIT 50)
         UNION ALL
         (SELECT 'refleksion', f.title, s.name || ', ' || o.name, f.goal_numbers, NULL, f.created_at::date
          FROM reflections f JOIN staff s ON s.id = f.staff_id JOIN organisations o ON o.id = s.organisation_id
          WHERE NOT f.private AND f.created_at >= $1 AND f.created_at < $2 + 1
          ORDER BY f.created_at LIMIT 50)
         UNION ALL
         (SELECT 'opfoelgning', s.name || ', ' || o.name, t.name_da || ' hos ' || p.name
                 || CASE WHEN fu.what <> '' THEN ': ' || left(fu.what, 200) ELSE '' END,
                 r.goal_numbers, fu.changed, fu.answered_at::date
          FROM follow_ups fu JOIN reports r ON r.id = fu.report_id
          JOIN staff s ON s.id = r.staff_id JOIN organisations o ON o.id = s.organisation_id
          JOIN mobilities m ON m.id = r.mobility_id JOIN partners p ON p.id = m.receiving_partner_id
          JOIN activity_types t ON t.code = m.activity_type
          WHERE fu.answered_at >= $1 AND fu.answered_at < $2 + 1
          ORDER BY fu.answered_at LIMIT 50)
         UNION ALL
         (SELECT 'mobilitet', t.name_da || ' hos ' || p.name, o.name,
                 coalesce((SELECT array_agg(g.number ORDER BY g.number) FROM mobility_goals mg
                           JOIN goals g ON g.id = mg.goal_id WHERE mg.mobility_id = m.id), '{}'),
                 NULL, m.start_date
          FROM mobilities m JOIN partners p ON p.id = m.receiving_partner_id
          JOIN activity_types t ON t.code = m.activity_type JOIN organisations o ON o.id = m.organisation_id
          WHERE m.status IN ('indstillet', 'godkendt') AND m.start_date > $2 AND m.start_date <= $2 + 90
          ORDER BY m.start_date LIMIT 50)
         UNION ALL
         (SELECT 'maaling', i.name, count(*)::text, ARRAY[g.number], NULL, max(x.entered_at)::date
          FROM measurements x JOIN indicators i ON i.id = x.indicator_id JOIN goals g ON g.id = i.goal_id
          WHERE x.entered_at >= $1 AND x.entered_at < $2 + 1
          GROUP BY i.id, i.name, g.number
          ORDER BY g.number, i.name LIMIT 50)",
    )
    .bind(since)
    .bind(until)
    .fetch_all(db)
    .await
}

/// Active goals as (id, number, title) for the goal choice of an action.
pub async fn goal_choices(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(Uuid, i16, String)>> {
    sqlx::query_as("SELECT id, number, title FROM goals ORDER BY number LIMIT 50")
        .fetch_all(db)
        .await
}
