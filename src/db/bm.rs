//! The Beneficiary Module's file: the column mapping per call year (`bm_columns`), the mobility
//! activity IDs (`bm_mobility_ids`), and a project's participant mobilities as the file needs
//! them — in a few queries, whatever their number.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::json;
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

use super::audit;
use crate::domain::bm::{self, Amounts, Column, Field};

/// The statuses whose participant mobilities go into the BM file: approved and everything after.
/// Drafts, submitted, rejected and cancelled ones do not.
pub const EXPORTED: &[&str] = &["godkendt", "gennemfoert", "rapporteret", "opfulgt"];

#[derive(Debug, Clone, FromRow)]
pub struct Project {
    pub id: Uuid,
    pub reference: String,
    pub call_year: i16,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
}

pub async fn project(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Project>> {
    sqlx::query_as(
        "SELECT id, reference, call_year, start_date, end_date FROM projects WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The mapping of a call year: its own columns, else those of the newest year that has any, else
/// the default mapping. Returns the year the columns belong to (None for the default).
pub async fn columns(
    db: impl PgExecutor<'_>,
    call_year: i16,
) -> sqlx::Result<(Option<i16>, Vec<Column>)> {
    let rows: Vec<(i16, String, Option<String>)> = sqlx::query_as(
        "SELECT call_year, header, field FROM bm_columns
         WHERE call_year = coalesce(
             (SELECT call_year FROM bm_columns WHERE call_year = $1 LIMIT 1),
             (SELECT max(call_year) FROM bm_columns))
         ORDER BY position",
    )
    .bind(call_year)
    .fetch_all(db)
    .await?;
    let Some(year) = rows.first().map(|r| r.0) else {
        return Ok((None, bm::default_columns()));
    };
    Ok((
        Some(year),
        rows.into_iter()
            .map(|(_, header, field)| Column {
                header,
                // A field this version of Udsyn does not know is written empty.
                field: field.as_deref().and_then(Field::from_code),
            })
            .collect(),
    ))
}

fn as_json(columns: &[Column]) -> serde_json::Value {
    json!(
        columns
            .iter()
            .enumerate()
            .map(|(i, c)| json!({
                "position": i + 1,
                "header": c.header,
                "field": c.field.map(Field::code),
            }))
            .collect::<Vec<_>>()
    )
}

/// Replaces the call year's columns (positions 1, 2, … in this order) and logs the change.
pub async fn save_columns(
    db: &mut sqlx::PgConnection,
    call_year: i16,
    columns: &[Column],
    account: Uuid,
    how: &str,
) -> sqlx::Result<()> {
    let (year, before) = self::columns(&mut *db, call_year).await?;
    sqlx::query("DELETE FROM bm_columns WHERE call_year = $1")
        .bind(call_year)
        .execute(&mut *db)
        .await?;
    let positions: Vec<i16> = (1..=columns.len() as i16).collect();
    let headers: Vec<&str> = columns.iter().map(|c| c.header.as_str()).collect();
    let fields: Vec<Option<&str>> = columns.iter().map(|c| c.field.map(Field::code)).collect();
    sqlx::query(
        "INSERT INTO bm_columns (call_year, position, header, field)
         SELECT $1, p, h, f FROM unnest($2::smallint[], $3::text[], $4::text[]) AS t(p, h, f)",
    )
    .bind(call_year)
    .bind(&positions)
    .bind(&headers)
    .bind(&fields)
    .execute(&mut *db)
    .await?;
    audit::record(
        &mut *db,
        audit::Entry {
            account_id: Some(account),
            action: "BM-kolonner ændret",
            entity: "bm_columns",
            entity_id: call_year.to_string(),
            before: (year == Some(call_year)).then(|| as_json(&before)),
            after: Some(as_json(columns)),
            reason: how,
        },
    )
    .await
}

/// Gives every exported participant mobility of the project that has none its mobility activity
/// ID: the next counters after the highest ever given in the project, in date order. IDs once
/// given are never changed or given to anyone else. Run inside a transaction; the project's row
/// is locked so two exports at once cannot hand out the same counter. Returns the new IDs.
pub async fn assign_ids(
    db: &mut sqlx::PgConnection,
    project: &Project,
    account: Uuid,
) -> sqlx::Result<Vec<String>> {
    sqlx::query("SELECT 1 FROM projects WHERE id = $1 FOR NO KEY UPDATE")
        .bind(project.id)
        .execute(&mut *db)
        .await?;
    let max: i32 = sqlx::query_scalar(
        "SELECT coalesce(max(counter), 0) FROM bm_mobility_ids WHERE project_id = $1",
    )
    .bind(project.id)
    .fetch_one(&mut *db)
    .await?;
    let missing: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT m.id, mp.staff_id
         FROM mobility_participants mp
         JOIN mobilities m ON m.id = mp.mobility_id
         JOIN staff s ON s.id = mp.staff_id
         WHERE m.project_id = $1 AND m.status = ANY($2)
           AND NOT EXISTS (SELECT 1 FROM bm_mobility_ids b
                           WHERE b.project_id = $1 AND b.mobility_id = m.id
                             AND b.staff_id = mp.staff_id)
         ORDER BY m.start_date, m.id, mp.role, s.name, mp.staff_id",
    )
    .bind(project.id)
    .bind(EXPORTED)
    .fetch_all(&mut *db)
    .await?;
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let prefix = bm::mobility_id_prefix(&project.reference);
    let counters: Vec<i32> = (1..=missing.len() as i32).map(|i| max + i).collect();
    let ids: Vec<String> = counters
        .iter()
        .map(|c| bm::mobility_id(&prefix, *c))
        .collect();
    let mobilities: Vec<Uuid> = missing.iter().map(|m| m.0).collect();
    let staff: Vec<Uuid> = missing.iter().map(|m| m.1).collect();
    sqlx::query(
        "INSERT INTO bm_mobility_ids (project_id, counter, bm_id, mobility_id, staff_id)
         SELECT $1, c, b, m, s FROM unnest($2::int[], $3::text[], $4::uuid[], $5::uuid[])
              AS t(c, b, m, s)",
    )
    .bind(project.id)
    .bind(&counters)
    .bind(&ids)
    .bind(&mobilities)
    .bind(&staff)
    .execute(&mut *db)
    .await?;
    audit::record(
        &mut *db,
        audit::Entry {
            account_id: Some(account),
            action: "BM-mobilitets-ID'er tildelt",
            entity: "project",
            entity_id: project.id.to_string(),
            before: None,
            after: Some(json!({ "ids": ids })),
            reason: "",
        },
    )
    .await?;
    Ok(ids)
}

#[derive(Debug, Clone, FromRow)]
struct Raw {
    mobility_id: Uuid,
    staff_id: Uuid,
    name: String,
    bm_id: Option<String>,
    role: String,
    fewer_opportunities: bool,
    interrupted_days: i16,
    course_fee_days: Option<i16>,
    course_fees_not_requested: bool,
    expensive_travel: bool,
    real_travel_cents: Option<i64>,
    activity_type: String,
    start_date: NaiveDate,
    end_date: NaiveDate,
    travel_days: i16,
    transport: String,
    green_travel: bool,
    course_title: String,
    venue_city: String,
    sending_oid: String,
    receiving_oid: String,
    receiving_country: String,
    partner_city: String,
    band: Option<String>,
    total_cents: Option<i64>,
    problem: Option<String>,
    report_submitted: bool,
    version: i32,
}

/// One exported participant mobility: the BM row, and who and what it is in Udsyn.
#[derive(Debug, Clone)]
pub struct Participant {
    pub mobility_id: Uuid,
    pub staff_id: Uuid,
    pub name: String,
    pub report_submitted: bool,
    /// The mobility's version, so taking the BM's dates refuses a mobility changed meanwhile.
    pub mobility_version: i32,
    pub row: bm::Row,
}

/// Every exported participant mobility of the project, by mobility activity ID (those without
/// one last). Two queries.
pub async fn participants(
    db: &mut sqlx::PgConnection,
    project: &Project,
) -> sqlx::Result<Vec<Participant>> {
    let raw: Vec<Raw> = sqlx::query_as(
        "SELECT m.id AS mobility_id, mp.staff_id, s.name, b.bm_id, mp.role,
                mp.fewer_opportunities, mp.interrupted_days, mp.course_fee_days,
                mp.course_fees_not_requested, mp.expensive_travel, mp.real_travel_cents,
                m.activity_type, m.start_date, m.end_date, m.travel_days, m.transport,
                m.green_travel, m.course_title, m.venue_city,
                coalesce(so.oid, '') AS sending_oid, coalesce(p.oid, '') AS receiving_oid,
                p.country_code::text AS receiving_country, p.city AS partner_city,
                pg.band, pg.total_cents, pg.problem,
                coalesce(r.status = 'indsendt', false) AS report_submitted, m.version
         FROM mobility_participants mp
         JOIN mobilities m ON m.id = mp.mobility_id
         JOIN staff s ON s.id = mp.staff_id
         JOIN organisations so ON so.id = s.organisation_id
         JOIN partners p ON p.id = m.receiving_partner_id
         LEFT JOIN bm_mobility_ids b ON b.project_id = m.project_id AND b.mobility_id = m.id
                                    AND b.staff_id = mp.staff_id
         LEFT JOIN participant_grants pg ON pg.mobility_id = m.id AND pg.staff_id = mp.staff_id
         LEFT JOIN reports r ON r.mobility_id = m.id AND r.staff_id = mp.staff_id
         WHERE m.project_id = $1 AND m.status = ANY($2)
         ORDER BY b.counter NULLS LAST, m.start_date, m.id, mp.role, s.name",
    )
    .bind(project.id)
    .bind(EXPORTED)
    .fetch_all(&mut *db)
    .await?;
    let lines: Vec<(Uuid, Uuid, String, i64)> = sqlx::query_as(
        "SELECT gl.mobility_id, gl.staff_id, gl.category, gl.cents
         FROM grant_lines gl JOIN mobilities m ON m.id = gl.mobility_id
         WHERE m.project_id = $1 AND m.status = ANY($2)",
    )
    .bind(project.id)
    .bind(EXPORTED)
    .fetch_all(&mut *db)
    .await?;
    let mut by_person: HashMap<(Uuid, Uuid), Vec<(String, i64)>> = HashMap::new();
    for (m, s, category, cents) in lines {
        by_person.entry((m, s)).or_default().push((category, cents));
    }
    Ok(raw
        .into_iter()
        .map(|r| {
            let amounts = match (r.total_cents, r.problem.as_deref()) {
                (Some(total), Some("")) => Some(Amounts::from_lines(
                    by_person
                        .get(&(r.mobility_id, r.staff_id))
                        .into_iter()
                        .flatten()
                        .map(|(c, cents)| (c.as_str(), *cents)),
                    total,
                )),
                _ => None,
            };
            Participant {
                mobility_id: r.mobility_id,
                staff_id: r.staff_id,
                name: r.name,
                report_submitted: r.report_submitted,
                mobility_version: r.version,
                row: bm::Row {
                    bm_id: r.bm_id.unwrap_or_default(),
                    project_reference: project.reference.clone(),
                    activity_type: r.activity_type,
                    accompanying: r.role == "ledsager",
                    fewer_opportunities: r.fewer_opportunities,
                    sending_oid: r.sending_oid,
                    receiving_oid: r.receiving_oid,
                    receiving_country: r.receiving_country,
                    venue_city: r.venue_city,
                    partner_city: r.partner_city,
                    start: r.start_date,
                    end: r.end_date,
                    interrupted_days: r.interrupted_days.into(),
                    travel_days: r.travel_days.into(),
                    transport: r.transport,
                    green_travel: r.green_travel,
                    band: r.band.unwrap_or_default(),
                    course_fee_days: r.course_fee_days.map(i64::from),
                    course_fees_not_requested: r.course_fees_not_requested,
                    course_title: r.course_title,
                    expensive_travel: r.expensive_travel,
                    real_travel_cents: r.real_travel_cents,
                    amounts,
                },
            }
        })
        .collect())
}

/// Every mobility activity ID ever given in the project, with the participant's name when they
/// are still on the mobility.
pub async fn given_ids(
    db: impl PgExecutor<'_>,
    project: Uuid,
) -> sqlx::Result<Vec<(String, Option<String>)>> {
    sqlx::query_as(
        "SELECT b.bm_id, s.name FROM bm_mobility_ids b
         LEFT JOIN mobility_participants mp ON mp.mobility_id = b.mobility_id
                                           AND mp.staff_id = b.staff_id
         LEFT JOIN staff s ON s.id = mp.staff_id
         WHERE b.project_id = $1 ORDER BY b.counter",
    )
    .bind(project)
    .fetch_all(db)
    .await
}

/// What the mobility rules need of the mobilities whose dates the BM's file would change.
#[derive(Debug, Clone, FromRow)]
pub struct MobilityFacts {
    pub id: Uuid,
    pub activity_type: String,
    pub travel_days: i16,
    pub transport: String,
    pub course_title: String,
    pub participants: i64,
}

pub async fn mobility_facts(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
) -> sqlx::Result<Vec<MobilityFacts>> {
    sqlx::query_as(
        "SELECT m.id, m.activity_type, m.travel_days, m.transport, m.course_title,
                (SELECT count(*) FROM mobility_participants mp WHERE mp.mobility_id = m.id)
                    AS participants
         FROM mobilities m WHERE m.id = ANY($1)",
    )
    .bind(ids)
    .fetch_all(db)
    .await
}

/// Every activity type's limits, every call year (a small table).
pub async fn all_limits(
    db: impl PgExecutor<'_>,
) -> sqlx::Result<Vec<(String, crate::domain::mobility::Limits)>> {
    let rows: Vec<(String, i16, i16, i16, Option<i16>, bool)> = sqlx::query_as(
        "SELECT activity_type, call_year, min_days, max_days, max_persons, verified
         FROM activity_type_rules ORDER BY activity_type, call_year",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(a, call_year, min_days, max_days, max_persons, verified)| {
                (
                    a,
                    crate::domain::mobility::Limits {
                        call_year,
                        min_days,
                        max_days,
                        max_persons,
                        verified,
                    },
                )
            },
        )
        .collect())
}

/// Other live mobilities of the participants of these mobilities that would overlap their new
/// dates: (mobility, what it overlaps). One query for all of them.
pub async fn overlaps(
    db: impl PgExecutor<'_>,
    moved: &[(Uuid, NaiveDate, NaiveDate)],
) -> sqlx::Result<Vec<(Uuid, crate::domain::mobility::Busy)>> {
    let ids: Vec<Uuid> = moved.iter().map(|m| m.0).collect();
    let starts: Vec<NaiveDate> = moved.iter().map(|m| m.1).collect();
    let ends: Vec<NaiveDate> = moved.iter().map(|m| m.2).collect();
    let rows: Vec<(Uuid, String, NaiveDate, NaiveDate, String)> = sqlx::query_as(
        "SELECT t.id, s.name, o.start_date, o.end_date, p.name
         FROM unnest($1::uuid[], $2::date[], $3::date[]) AS t(id, s, e)
         JOIN mobility_participants mp ON mp.mobility_id = t.id
         JOIN mobility_participants op ON op.staff_id = mp.staff_id AND op.mobility_id <> t.id
         JOIN mobilities o ON o.id = op.mobility_id
         JOIN staff s ON s.id = mp.staff_id
         JOIN partners p ON p.id = o.receiving_partner_id
         WHERE o.status NOT IN ('afvist', 'aflyst') AND o.start_date <= t.e AND o.end_date >= t.s
         ORDER BY s.name, o.start_date",
    )
    .bind(&ids)
    .bind(&starts)
    .bind(&ends)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, person, start, end, partner)| {
            (
                id,
                crate::domain::mobility::Busy {
                    person,
                    start,
                    end,
                    partner,
                },
            )
        })
        .collect())
}

/// Takes the plan's dates and interrupted days into Udsyn in one go, with an audit entry per
/// mobility, and recomputes the grants. `versions` are the mobilities' versions when the file was
/// compared: false (and nothing done) when one of them has changed since. Run in a transaction.
pub async fn apply(
    db: &mut sqlx::PgConnection,
    plan: &bm::Plan,
    versions: &HashMap<Uuid, i32>,
    account: Uuid,
    reason: &str,
) -> sqlx::Result<bool> {
    let ids: Vec<Uuid> = plan.mobilities.iter().map(|m| m.0).collect();
    let expected: Vec<i32> = ids
        .iter()
        .map(|id| versions.get(id).copied().unwrap_or(-1))
        .collect();
    let starts: Vec<NaiveDate> = plan.mobilities.iter().map(|m| m.1).collect();
    let ends: Vec<NaiveDate> = plan.mobilities.iter().map(|m| m.2).collect();
    let notes: Vec<String> = ids
        .iter()
        .map(|id| {
            let days: Vec<String> = plan
                .interrupted
                .iter()
                .filter(|i| i.0 == *id)
                .map(|i| format!("{}: afbrudte dage {} → {}", i.2, i.4, i.3))
                .collect();
            if days.is_empty() {
                reason.to_string()
            } else {
                format!("{reason}; {}", days.join("; "))
            }
        })
        .collect();
    sqlx::query(
        "INSERT INTO audit_log (account_id, action, entity, entity_id, before, after, reason)
         SELECT $1, 'overført fra BM', 'mobility', m.id::text,
                jsonb_build_object('start_date', m.start_date, 'end_date', m.end_date),
                jsonb_build_object('start_date', t.s, 'end_date', t.e), t.note
         FROM unnest($2::uuid[], $3::date[], $4::date[], $5::text[]) AS t(id, s, e, note)
         JOIN mobilities m ON m.id = t.id",
    )
    .bind(account)
    .bind(&ids)
    .bind(&starts)
    .bind(&ends)
    .bind(&notes)
    .execute(&mut *db)
    .await?;
    let updated = sqlx::query(
        "UPDATE mobilities m SET start_date = t.s, end_date = t.e, version = m.version + 1,
                updated_at = now()
         FROM unnest($1::uuid[], $2::int[], $3::date[], $4::date[]) AS t(id, v, s, e)
         WHERE m.id = t.id AND m.version = t.v",
    )
    .bind(&ids)
    .bind(&expected)
    .bind(&starts)
    .bind(&ends)
    .execute(&mut *db)
    .await?;
    if updated.rows_affected() != ids.len() as u64 {
        return Ok(false);
    }
    let m: Vec<Uuid> = plan.interrupted.iter().map(|i| i.0).collect();
    let s: Vec<Uuid> = plan.interrupted.iter().map(|i| i.1).collect();
    let d: Vec<i16> = plan.interrupted.iter().map(|i| i.3 as i16).collect();
    sqlx::query(
        "UPDATE mobility_participants mp SET interrupted_days = t.d
         FROM unnest($1::uuid[], $2::uuid[], $3::smallint[]) AS t(m, s, d)
         WHERE mp.mobility_id = t.m AND mp.staff_id = t.s",
    )
    .bind(&m)
    .bind(&s)
    .bind(&d)
    .execute(&mut *db)
    .await?;
    super::grants::recompute(db, &ids).await?;
    Ok(true)
}
