//! The grant of every participant mobility: what it is computed from, computing it with the call
//! year's rates (`domain::grant`), and keeping the result line by line so budgets add up in SQL.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

use crate::domain::grant::{self, Grant, Participation, Rates};

/// One participant mobility as the grant needs it: one row of `facts`.
#[derive(Debug, Clone, FromRow)]
pub struct Facts {
    pub mobility_id: Uuid,
    pub staff_id: Uuid,
    pub role: String,
    pub fewer_opportunities: bool,
    pub interrupted_days: i16,
    pub real_travel_cents: Option<i64>,
    pub expensive_travel: bool,
    pub course_fee_days: Option<i16>,
    pub course_fees_not_requested: bool,
    pub org_support_not_requested: bool,
    pub inclusion_real_cents: Option<i64>,
    pub inclusion_approved: bool,
    pub exceptional_real_cents: Option<i64>,
    pub activity_type: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub travel_days: i16,
    pub green_travel: bool,
    pub calculator_km: Option<i32>,
    pub call_year: i16,
    pub country_code: String,
    pub to_lat: Option<f64>,
    pub to_lon: Option<f64>,
    pub from_lat: Option<f64>,
    pub from_lon: Option<f64>,
    /// Course-fee days the same person has in earlier courses of the same project.
    pub other_course_fee_days: i64,
}

impl Facts {
    pub fn participation(&self) -> Participation {
        let great_circle_km = match (self.from_lat, self.from_lon, self.to_lat, self.to_lon) {
            (Some(a), Some(b), Some(c), Some(d)) => Some(grant::haversine_km(a, b, c, d)),
            _ => None,
        };
        let days = (self.end_date - self.start_date).num_days() as i32 + 1;
        Participation {
            activity_type: self.activity_type.clone(),
            accompanying: self.role == "ledsager",
            country: self.country_code.clone(),
            start: self.start_date,
            end: self.end_date,
            interrupted_days: self.interrupted_days.into(),
            travel_days: self.travel_days.into(),
            green: self.green_travel,
            calculator_km: self.calculator_km,
            great_circle_km,
            real_travel_cents: self.real_travel_cents,
            expensive_travel: self.expensive_travel,
            // Course fees are asked for all course days unless fewer are typed; other
            // activities have none.
            course_fee_days: match (self.course_fee_days, self.activity_type == grant::COURSE) {
                (Some(d), _) => d.into(),
                (None, true) => days,
                (None, false) => 0,
            },
            course_fees_not_requested: self.course_fees_not_requested,
            org_support_not_requested: self.org_support_not_requested,
            fewer_opportunities: self.fewer_opportunities,
            inclusion_real_cents: self.inclusion_real_cents,
            inclusion_approved: self.inclusion_approved,
            exceptional_real_cents: self.exceptional_real_cents,
            other_course_fee_days: self.other_course_fee_days as i32,
        }
    }
}

/// The mobilities whose grants follow from a change to these: the mobilities themselves and the
/// other courses, in the same project, of the people on them (the course-fee cap is counted across
/// a person's courses).
async fn affected(db: impl PgExecutor<'_>, ids: &[Uuid]) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "SELECT m.id FROM mobilities m WHERE m.id = ANY($1)
         UNION
         SELECT o.id FROM mobilities m
         JOIN mobility_participants mp ON mp.mobility_id = m.id
         JOIN mobility_participants op ON op.staff_id = mp.staff_id AND op.mobility_id <> m.id
         JOIN mobilities o ON o.id = op.mobility_id
         WHERE m.id = ANY($1) AND o.project_id = m.project_id AND o.activity_type = $2",
    )
    .bind(ids)
    .bind(grant::COURSE)
    .fetch_all(db)
    .await
}

const FACTS: &str = "
    SELECT mp.mobility_id, mp.staff_id, mp.role, mp.fewer_opportunities, mp.interrupted_days,
           mp.real_travel_cents, mp.expensive_travel, mp.course_fee_days,
           mp.course_fees_not_requested, mp.org_support_not_requested, mp.inclusion_real_cents,
           mp.inclusion_approved, mp.exceptional_real_cents,
           m.activity_type, m.start_date, m.end_date, m.travel_days, m.green_travel,
           m.distance_km AS calculator_km,
           coalesce(pr.call_year, extract(year FROM m.start_date)::smallint) AS call_year,
           p.country_code::text AS country_code, p.latitude AS to_lat, p.longitude AS to_lon,
           coalesce(so.latitude, mo.latitude) AS from_lat,
           coalesce(so.longitude, mo.longitude) AS from_lon,
           coalesce((
               SELECT sum(coalesce(op.course_fee_days, o.end_date - o.start_date + 1))
               FROM mobility_participants op JOIN mobilities o ON o.id = op.mobility_id
               WHERE op.staff_id = mp.staff_id AND o.project_id = m.project_id
                 AND o.activity_type = 'SM-COUR-TRAIN' AND NOT op.course_fees_not_requested
                 AND o.status NOT IN ('aflyst', 'afvist')
                 AND (o.start_date, o.id) < (m.start_date, m.id)), 0)::bigint AS other_course_fee_days
    FROM mobility_participants mp
    JOIN mobilities m ON m.id = mp.mobility_id
    JOIN partners p ON p.id = m.receiving_partner_id
    JOIN staff s ON s.id = mp.staff_id
    JOIN organisations so ON so.id = s.organisation_id
    JOIN organisations mo ON mo.id = m.organisation_id
    LEFT JOIN projects pr ON pr.id = m.project_id";

pub async fn facts(db: impl PgExecutor<'_>, mobility_ids: &[Uuid]) -> sqlx::Result<Vec<Facts>> {
    sqlx::query_as(&format!("{FACTS} WHERE m.id = ANY($1)"))
        .bind(mobility_ids)
        .fetch_all(db)
        .await
}

/// What one participant mobility's grant came to (with its distance band's label), or why it
/// could not be computed.
pub type Outcome = Result<(Grant, String), String>;

/// The grant of one participant mobility with the rates of its call year.
pub fn compute(f: &Facts, rates: Option<&Rates>) -> Outcome {
    let Some(rates) = rates else {
        return Err(format!(
            "Udsyn har ingen satser for indkaldelsesåret {}. Koordinatoren opretter dem under Satser.",
            f.call_year
        ));
    };
    let grant = if f.activity_type == grant::PREP_VISIT {
        // A preparatory visit is paid per person: each person on it is one unit.
        grant::preparatory_visit(rates, 1)
    } else {
        grant::compute(rates, &f.participation())
    }
    .map_err(|e| e.to_string())?;
    let band = grant
        .distance
        .as_ref()
        .and_then(|d| grant::band_for(rates, d.km))
        .map(grant::band_label)
        .unwrap_or_default();
    Ok((grant, band))
}

/// Recomputes the grants of these mobilities (and of the courses they share a person with) and
/// keeps them. A handful of queries, whatever the number of mobilities.
pub async fn recompute(db: &mut sqlx::PgConnection, mobility_ids: &[Uuid]) -> sqlx::Result<()> {
    let ids = affected(&mut *db, mobility_ids).await?;
    // Two recomputations of the same mobilities wait for each other instead of both replacing
    // the same grants; locked in id order, so they never deadlock.
    sqlx::query("SELECT id FROM mobilities WHERE id = ANY($1) ORDER BY id FOR UPDATE")
        .bind(&ids)
        .execute(&mut *db)
        .await?;
    let facts = facts(&mut *db, &ids).await?;
    let rates: HashMap<i16, Rates> = super::rates::all(&mut *db)
        .await?
        .into_iter()
        .map(|r| (r.call_year, r))
        .collect();
    let outcomes: Vec<(&Facts, Outcome)> = facts
        .iter()
        .map(|f| (f, compute(f, rates.get(&f.call_year))))
        .collect();
    save(db, &ids, &outcomes).await
}

/// Recomputes every mobility of a project, after its rates changed.
pub async fn recompute_project(db: &mut sqlx::PgConnection, project: Uuid) -> sqlx::Result<u64> {
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM mobilities WHERE project_id = $1")
        .bind(project)
        .fetch_all(&mut *db)
        .await?;
    recompute(db, &ids).await?;
    Ok(ids.len() as u64)
}

async fn save(
    db: &mut sqlx::PgConnection,
    mobility_ids: &[Uuid],
    outcomes: &[(&Facts, Outcome)],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM participant_grants WHERE mobility_id = ANY($1)")
        .bind(mobility_ids)
        .execute(&mut *db)
        .await?;
    let mut g = GrantRows::default();
    let mut l = LineRows::default();
    for (f, outcome) in outcomes {
        g.mobility.push(f.mobility_id);
        g.staff.push(f.staff_id);
        g.call_year.push(f.call_year);
        match outcome {
            Ok((grant, band)) => {
                g.total.push(grant.total());
                g.unverified.push(grant.unverified());
                g.km.push(grant.distance.as_ref().map(|d| d.km));
                g.km_source.push(
                    grant
                        .distance
                        .as_ref()
                        .map(|d| d.source.label().to_string()),
                );
                g.band.push(band.clone());
                g.warnings.push(grant.warnings.join("\n"));
                g.problem.push(String::new());
                for line in &grant.lines {
                    l.mobility.push(f.mobility_id);
                    l.staff.push(f.staff_id);
                    l.category.push(line.category.code().to_string());
                    l.cents.push(line.cents);
                    l.working.push(line.working.clone());
                    l.unverified.push(line.unverified);
                }
            }
            Err(problem) => {
                g.total.push(0);
                g.unverified.push(false);
                g.km.push(None);
                g.km_source.push(None);
                g.band.push(String::new());
                g.warnings.push(String::new());
                g.problem.push(problem.clone());
            }
        }
    }
    sqlx::query(
        "INSERT INTO participant_grants (mobility_id, staff_id, call_year, total_cents, unverified,
                                         km, km_source, band, warnings, problem)
         SELECT m, s, y, t, u, k, ks, b,
                CASE WHEN w = '' THEN '{}'::text[] ELSE string_to_array(w, E'\\n') END, p
         FROM unnest($1::uuid[], $2::uuid[], $3::smallint[], $4::bigint[], $5::bool[], $6::int[],
                     $7::text[], $8::text[], $9::text[], $10::text[])
              AS t(m, s, y, t, u, k, ks, b, w, p)",
    )
    .bind(&g.mobility)
    .bind(&g.staff)
    .bind(&g.call_year)
    .bind(&g.total)
    .bind(&g.unverified)
    .bind(&g.km)
    .bind(&g.km_source)
    .bind(&g.band)
    .bind(&g.warnings)
    .bind(&g.problem)
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "INSERT INTO grant_lines (mobility_id, staff_id, category, cents, working, unverified)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::bool[])",
    )
    .bind(&l.mobility)
    .bind(&l.staff)
    .bind(&l.category)
    .bind(&l.cents)
    .bind(&l.working)
    .bind(&l.unverified)
    .execute(&mut *db)
    .await?;
    Ok(())
}

#[derive(Default)]
struct GrantRows {
    mobility: Vec<Uuid>,
    staff: Vec<Uuid>,
    call_year: Vec<i16>,
    total: Vec<i64>,
    unverified: Vec<bool>,
    km: Vec<Option<i32>>,
    km_source: Vec<Option<String>>,
    band: Vec<String>,
    warnings: Vec<String>,
    problem: Vec<String>,
}

#[derive(Default)]
struct LineRows {
    mobility: Vec<Uuid>,
    staff: Vec<Uuid>,
    category: Vec<String>,
    cents: Vec<i64>,
    working: Vec<String>,
    unverified: Vec<bool>,
}

/// A participant's kept grant, as the mobility's page shows it.
#[derive(Debug, Clone, FromRow)]
pub struct Kept {
    pub staff_id: Uuid,
    pub total_cents: i64,
    pub unverified: bool,
    pub km: Option<i32>,
    pub km_source: Option<String>,
    pub warnings: Vec<String>,
    pub problem: String,
    pub computed_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, FromRow)]
pub struct KeptLine {
    pub staff_id: Uuid,
    pub category: String,
    pub cents: i64,
    pub working: String,
    pub unverified: bool,
}

/// The kept grants of one mobility's participants and their lines.
pub async fn of_mobility(
    db: &mut sqlx::PgConnection,
    mobility: Uuid,
) -> sqlx::Result<(Vec<Kept>, Vec<KeptLine>)> {
    let kept = sqlx::query_as(
        "SELECT staff_id, total_cents, unverified, km, km_source, warnings, problem, computed_at
         FROM participant_grants WHERE mobility_id = $1",
    )
    .bind(mobility)
    .fetch_all(&mut *db)
    .await?;
    let lines = sqlx::query_as(
        "SELECT staff_id, category, cents, working, unverified FROM grant_lines
         WHERE mobility_id = $1",
    )
    .bind(mobility)
    .fetch_all(&mut *db)
    .await?;
    Ok((kept, lines))
}

/// What the coordinator records per participant for the grant, with who the participant is.
#[derive(Debug, Clone, FromRow)]
pub struct InputRow {
    pub staff_id: Uuid,
    pub name: String,
    pub role: String,
    pub fewer_opportunities: bool,
    pub interrupted_days: i16,
    pub real_travel_cents: Option<i64>,
    pub expensive_travel: bool,
    pub course_fee_days: Option<i16>,
    pub course_fees_not_requested: bool,
    pub org_support_not_requested: bool,
    pub inclusion_real_cents: Option<i64>,
    pub inclusion_approved: bool,
    pub inclusion_justification: String,
    pub exceptional_real_cents: Option<i64>,
}

pub async fn inputs(db: impl PgExecutor<'_>, mobility: Uuid) -> sqlx::Result<Vec<InputRow>> {
    sqlx::query_as(
        "SELECT mp.staff_id, s.name, mp.role, mp.fewer_opportunities, mp.interrupted_days,
                mp.real_travel_cents, mp.expensive_travel, mp.course_fee_days,
                mp.course_fees_not_requested, mp.org_support_not_requested,
                mp.inclusion_real_cents, mp.inclusion_approved, mp.inclusion_justification,
                mp.exceptional_real_cents
         FROM mobility_participants mp JOIN staff s ON s.id = mp.staff_id
         WHERE mp.mobility_id = $1 ORDER BY mp.role, s.name",
    )
    .bind(mobility)
    .fetch_all(db)
    .await
}

/// Saves the grant's inputs of a mobility and its participants (each row's `staff_id` must be on
/// the mobility), then recomputes its grants.
pub async fn save_inputs(
    db: &mut sqlx::PgConnection,
    mobility: Uuid,
    calculator_km: Option<i32>,
    blended: bool,
    rows: &[InputRow],
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE mobilities SET distance_km = $2, blended = $3, updated_at = now(),
                version = version + 1
         WHERE id = $1",
    )
    .bind(mobility)
    .bind(calculator_km)
    .bind(blended)
    .execute(&mut *db)
    .await?;
    let col = |f: fn(&InputRow) -> Option<i64>| rows.iter().map(f).collect::<Vec<_>>();
    let flag = |f: fn(&InputRow) -> bool| rows.iter().map(f).collect::<Vec<_>>();
    sqlx::query(
        "UPDATE mobility_participants mp
         SET fewer_opportunities = t.fewer AND mp.role = 'deltager', interrupted_days = t.interrupted,
             real_travel_cents = t.real_travel, expensive_travel = t.expensive,
             course_fee_days = t.course_days, course_fees_not_requested = t.course_not,
             org_support_not_requested = t.org_not, inclusion_real_cents = t.inclusion,
             inclusion_approved = t.approved, inclusion_justification = t.justification,
             exceptional_real_cents = t.exceptional
         FROM unnest($2::uuid[], $3::bool[], $4::smallint[], $5::bigint[], $6::bool[],
                     $7::smallint[], $8::bool[], $9::bool[], $10::bigint[], $11::bool[],
                     $12::text[], $13::bigint[])
              AS t(staff, fewer, interrupted, real_travel, expensive, course_days, course_not,
                   org_not, inclusion, approved, justification, exceptional)
         WHERE mp.mobility_id = $1 AND mp.staff_id = t.staff",
    )
    .bind(mobility)
    .bind(rows.iter().map(|r| r.staff_id).collect::<Vec<_>>())
    .bind(flag(|r| r.fewer_opportunities))
    .bind(rows.iter().map(|r| r.interrupted_days).collect::<Vec<_>>())
    .bind(col(|r| r.real_travel_cents))
    .bind(flag(|r| r.expensive_travel))
    .bind(rows.iter().map(|r| r.course_fee_days).collect::<Vec<_>>())
    .bind(flag(|r| r.course_fees_not_requested))
    .bind(flag(|r| r.org_support_not_requested))
    .bind(col(|r| r.inclusion_real_cents))
    .bind(flag(|r| r.inclusion_approved))
    .bind(
        rows.iter()
            .map(|r| r.inclusion_justification.clone())
            .collect::<Vec<_>>(),
    )
    .bind(col(|r| r.exceptional_real_cents))
    .execute(&mut *db)
    .await?;
    recompute(db, &[mobility]).await
}

/// The mobility's typed EU-calculator km and whether it is blended.
pub async fn mobility_inputs(
    db: impl PgExecutor<'_>,
    mobility: Uuid,
) -> sqlx::Result<(Option<i32>, bool)> {
    sqlx::query_as("SELECT distance_km, blended FROM mobilities WHERE id = $1")
        .bind(mobility)
        .fetch_one(db)
        .await
}

/// Recomputes the grants of every mobility a school sends or has staff on, after its town moved.
pub async fn recompute_school(db: &mut sqlx::PgConnection, school: Uuid) -> sqlx::Result<()> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT m.id FROM mobilities m WHERE m.organisation_id = $1
         UNION
         SELECT mp.mobility_id FROM mobility_participants mp JOIN staff s ON s.id = mp.staff_id
         WHERE s.organisation_id = $1",
    )
    .bind(school)
    .fetch_all(&mut *db)
    .await?;
    recompute(db, &ids).await
}

/// Computes the grants of every mobility with a participant who has none kept; returns how many
/// mobilities that was.
pub async fn recompute_missing(db: &mut sqlx::PgConnection) -> sqlx::Result<usize> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT DISTINCT mp.mobility_id FROM mobility_participants mp
         LEFT JOIN participant_grants g ON g.mobility_id = mp.mobility_id AND g.staff_id = mp.staff_id
         WHERE g.mobility_id IS NULL",
    )
    .fetch_all(&mut *db)
    .await?;
    if !ids.is_empty() {
        recompute(db, &ids).await?;
    }
    Ok(ids.len())
}
