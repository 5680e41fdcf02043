//! Goals, indicators and measurements.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct Goal {
    pub id: Uuid,
    pub number: i16,
    pub title: String,
    pub description: String,
    pub results_year: Option<i16>,
    pub status: String,
}

pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Goal>> {
    sqlx::query_as(
        "SELECT id, number, title, description, results_year, status FROM goals ORDER BY number",
    )
    .fetch_all(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Goal>> {
    sqlx::query_as(
        "SELECT id, number, title, description, results_year, status FROM goals WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn update(
    db: impl PgExecutor<'_>,
    id: Uuid,
    title: &str,
    description: &str,
    results_year: Option<i16>,
    status: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE goals SET title = $2, description = $3, results_year = $4, status = $5, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(title)
        .bind(description)
        .bind(results_year)
        .bind(status)
        .execute(db)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct Indicator {
    pub id: Uuid,
    pub goal_id: Uuid,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub unit: String,
    pub higher_is_better: bool,
    pub baseline_value: Option<f64>,
    pub baseline_period: Option<String>,
    pub target_value: Option<f64>,
    pub target_period: Option<String>,
    pub source: String,
    pub per_school: bool,
    pub rubric: Option<serde_json::Value>,
    pub automatic: Option<String>,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    pub active: bool,
}

const INDICATOR: &str = "SELECT id, goal_id, name, description, kind, unit, higher_is_better,
    baseline_value::float8 AS baseline_value, baseline_period, target_value::float8 AS target_value,
    target_period, source, per_school, rubric, automatic, min_value::float8 AS min_value,
    max_value::float8 AS max_value, active FROM indicators";

/// Active indicators, of one goal or all, in the goal's order.
pub async fn indicators(
    db: impl PgExecutor<'_>,
    goal: Option<Uuid>,
) -> sqlx::Result<Vec<Indicator>> {
    sqlx::query_as(&format!(
        "{INDICATOR} WHERE active AND ($1::uuid IS NULL OR goal_id = $1)
         ORDER BY (SELECT number FROM goals g WHERE g.id = goal_id), sort_order, name"
    ))
    .bind(goal)
    .fetch_all(db)
    .await
}

pub async fn indicator(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Indicator>> {
    sqlx::query_as(&format!("{INDICATOR} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

#[derive(Debug, Clone)]
pub struct IndicatorInput {
    pub name: String,
    pub description: String,
    pub kind: String,
    pub unit: String,
    pub higher_is_better: bool,
    pub baseline_value: Option<f64>,
    pub baseline_period: Option<String>,
    pub target_value: Option<f64>,
    pub target_period: Option<String>,
    pub source: String,
    pub per_school: bool,
    pub rubric: Option<serde_json::Value>,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    pub active: bool,
}

pub async fn save_indicator(
    db: impl PgExecutor<'_>,
    id: Option<Uuid>,
    goal: Uuid,
    i: &IndicatorInput,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO indicators (id, goal_id, name, description, kind, unit, higher_is_better, baseline_value,
             baseline_period, target_value, target_period, source, per_school, rubric, min_value, max_value, active)
         VALUES (coalesce($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
             kind = EXCLUDED.kind, unit = EXCLUDED.unit, higher_is_better = EXCLUDED.higher_is_better,
             baseline_value = EXCLUDED.baseline_value, baseline_period = EXCLUDED.baseline_period,
             target_value = EXCLUDED.target_value, target_period = EXCLUDED.target_period,
             source = EXCLUDED.source, per_school = EXCLUDED.per_school, rubric = EXCLUDED.rubric,
             min_value = EXCLUDED.min_value, max_value = EXCLUDED.max_value, active = EXCLUDED.active,
             updated_at = now()
         RETURNING id",
    )
    .bind(id)
    .bind(goal)
    .bind(&i.name)
    .bind(&i.description)
    .bind(&i.kind)
    .bind(&i.unit)
    .bind(i.higher_is_better)
    .bind(i.baseline_value)
    .bind(&i.baseline_period)
    .bind(i.target_value)
    .bind(&i.target_period)
    .bind(&i.source)
    .bind(i.per_school)
    .bind(&i.rubric)
    .bind(i.min_value)
    .bind(i.max_value)
    .bind(i.active)
    .fetch_one(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct Measurement {
    pub id: Uuid,
    pub indicator_id: Uuid,
    pub organisation_id: Option<Uuid>,
    pub organisation_name: Option<String>,
    pub period: String,
    pub value: Option<f64>,
    pub level: Option<i16>,
    pub note: String,
    pub entered_by: Option<String>,
    pub entered_at: DateTime<Utc>,
}

/// Measurements of the given indicators; with `school`, only that school's and consortium-wide ones.
pub async fn measurements(
    db: impl PgExecutor<'_>,
    indicators: &[Uuid],
    school: Option<Uuid>,
) -> sqlx::Result<Vec<Measurement>> {
    sqlx::query_as(
        "SELECT m.id, m.indicator_id, m.organisation_id, o.name AS organisation_name, m.period,
                m.value::float8 AS value, m.level, m.note, coalesce(s.name, a.email) AS entered_by, m.entered_at
         FROM measurements m
         LEFT JOIN organisations o ON o.id = m.organisation_id
         LEFT JOIN accounts a ON a.id = m.entered_by
         LEFT JOIN staff s ON s.id = a.staff_id
         WHERE m.indicator_id = ANY($1) AND ($2::uuid IS NULL OR m.organisation_id = $2 OR m.organisation_id IS NULL)
         ORDER BY m.period, o.name NULLS FIRST",
    )
    .bind(indicators)
    .bind(school)
    .fetch_all(db)
    .await
}

pub struct NewMeasurement<'a> {
    pub indicator: Uuid,
    pub school: Option<Uuid>,
    pub period: &'a str,
    pub value: Option<f64>,
    pub level: Option<i16>,
    pub note: &'a str,
    pub by: Uuid,
}

/// Enters or corrects a measurement; returns the row before (for the history) and after.
pub async fn upsert(
    db: &mut sqlx::PgConnection,
    m: NewMeasurement<'_>,
) -> sqlx::Result<(Uuid, Option<serde_json::Value>, serde_json::Value)> {
    let NewMeasurement {
        indicator,
        school,
        period,
        value,
        level,
        note,
        by,
    } = m;
    let before: Option<(Uuid, serde_json::Value)> = sqlx::query_as(
        "SELECT id, jsonb_build_object('value', value, 'level', level, 'note', note) FROM measurements
         WHERE indicator_id = $1 AND organisation_id IS NOT DISTINCT FROM $2 AND period = $3 FOR UPDATE",
    )
    .bind(indicator)
    .bind(school)
    .bind(period)
    .fetch_optional(&mut *db)
    .await?;
    let id: Uuid = match &before {
        Some((id, _)) => {
            sqlx::query("UPDATE measurements SET value = $2, level = $3, note = $4, entered_by = $5, updated_at = now() WHERE id = $1")
                .bind(id)
                .bind(value)
                .bind(level)
                .bind(note)
                .bind(by)
                .execute(&mut *db)
                .await?;
            *id
        }
        None => {
            sqlx::query_scalar(
                "INSERT INTO measurements (indicator_id, organisation_id, period, value, level, note, entered_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(indicator)
            .bind(school)
            .bind(period)
            .bind(value)
            .bind(level)
            .bind(note)
            .bind(by)
            .fetch_one(&mut *db)
            .await?
        }
    };
    let after = serde_json::json!({"value": value, "level": level, "note": note, "period": period, "organisation_id": school});
    Ok((id, before.map(|b| b.1), after))
}

/// One automatic indicator whose series is wanted: its code, goal, first school year and the
/// school it is shown for (`None`: the whole consortium).
pub struct Wanted<'a> {
    pub indicator: Uuid,
    pub goal: Uuid,
    pub code: &'a str,
    pub from_year: i32,
    pub school: Option<Uuid>,
}

/// What each automatic indicator counts in `goal_counts` (see migrations/0011_aggregates.sql).
fn counted(code: &str) -> &'static str {
    match code {
        "ledere_gennemfoert" => "gennemfoert:skoleleder,gennemfoert:noeglemedarbejder",
        "medarbejdere_gennemfoert" => "gennemfoert:laerer,gennemfoert:paedagog",
        "rapporter_med_maalet" => "rapport",
        "aendret_praksis_andel" => "aendret",
        _ => {
            "gennemfoert:skoleleder,gennemfoert:noeglemedarbejder,gennemfoert:laerer,\
             gennemfoert:paedagog,gennemfoert:andet"
        }
    }
}

/// The series of the automatic indicators, cumulative per school year up to `to_year`, in one
/// query over the maintained counts: people who had completed a mobility serving the goal by the
/// end of each school year, reports tied to the goal, or the share of follow-up answers saying
/// practice changed (only years in which someone had answered). Returns (indicator, period, value).
pub async fn automatic_series(
    db: impl PgExecutor<'_>,
    wanted: &[Wanted<'_>],
    to_year: i32,
) -> sqlx::Result<Vec<(Uuid, String, f64)>> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let indicators: Vec<Uuid> = wanted.iter().map(|w| w.indicator).collect();
    let goals: Vec<Uuid> = wanted.iter().map(|w| w.goal).collect();
    let whats: Vec<&str> = wanted.iter().map(|w| counted(w.code)).collect();
    let from: Vec<i32> = wanted.iter().map(|w| w.from_year.min(to_year)).collect();
    let schools: Vec<Option<Uuid>> = wanted.iter().map(|w| w.school).collect();
    let shares: Vec<bool> = wanted
        .iter()
        .map(|w| w.code == "aendret_praksis_andel")
        .collect();
    let rows: Vec<(Uuid, String, f64, f64, bool)> = sqlx::query_as(
        "WITH w AS (
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::uuid[], $6::bool[])
                 AS w(indicator_id, goal_id, whats, from_year, school, share)),
         years AS (SELECT w.*, y FROM w CROSS JOIN LATERAL generate_series(w.from_year, $7::int) AS y)
         SELECT y.indicator_id, to_char(y.y, 'FM0000') || '/' || to_char((y.y + 1) % 100, 'FM00'),
                coalesce(sum(c.n) FILTER (WHERE c.what = ANY(string_to_array(y.whats, ','))), 0)::float8,
                coalesce(sum(c.n) FILTER (WHERE c.what = 'svar'), 0)::float8,
                bool_or(y.share)
         FROM years y
         LEFT JOIN LATERAL (
             SELECT t.what, t.n FROM goal_counts_total t
             WHERE y.school IS NULL AND t.goal_id = y.goal_id AND t.school_year <= y.y
             UNION ALL
             SELECT c.what, c.n FROM goal_counts c
             WHERE c.organisation_id = y.school AND c.goal_id = y.goal_id AND c.school_year <= y.y
         ) c ON true
         GROUP BY y.indicator_id, y.y
         ORDER BY y.indicator_id, y.y",
    )
    .bind(&indicators)
    .bind(&goals)
    .bind(&whats)
    .bind(&from)
    .bind(&schools)
    .bind(&shares)
    .bind(to_year)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, period, counted, answers, share)| {
            if share {
                // A share of nobody is no measurement.
                (answers > 0.0).then(|| (id, period, (1000.0 * counted / answers).round() / 10.0))
            } else {
                Some((id, period, counted))
            }
        })
        .collect())
}

#[derive(Debug, FromRow)]
pub struct ExportRow {
    pub goal: i16,
    pub indicator: String,
    pub unit: String,
    pub school: Option<String>,
    pub period: String,
    pub value: Option<f64>,
    pub level: Option<i16>,
    pub note: String,
    pub entered_by: Option<String>,
    pub entered_at: DateTime<Utc>,
    /// The person who entered it, when their account is someone in the registry.
    pub entered_by_staff: Option<Uuid>,
}

/// Every measurement, for the CSV and XLSX export.
pub async fn export(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<ExportRow>> {
    sqlx::query_as(
        "SELECT g.number AS goal, i.name AS indicator, i.unit, o.name AS school, m.period,
                m.value::float8 AS value, m.level, m.note, coalesce(s.name, a.email) AS entered_by, m.entered_at,
                s.id AS entered_by_staff
         FROM measurements m JOIN indicators i ON i.id = m.indicator_id JOIN goals g ON g.id = i.goal_id
         LEFT JOIN organisations o ON o.id = m.organisation_id
         LEFT JOIN accounts a ON a.id = m.entered_by LEFT JOIN staff s ON s.id = a.staff_id
         ORDER BY g.number, i.sort_order, i.name, o.name NULLS FIRST, m.period",
    )
    .fetch_all(db)
    .await
}

/// Mobilities serving a goal, per call year: (year, planned or running, completed).
pub async fn mobility_counts(
    db: impl PgExecutor<'_>,
    goal: Uuid,
    school: Option<Uuid>,
) -> sqlx::Result<Vec<(i32, i64, i64)>> {
    sqlx::query_as(
        "SELECT coalesce(pr.call_year::int, extract(year FROM m.start_date)::int) AS y,
                count(*) FILTER (WHERE m.status IN ('kladde', 'indstillet', 'godkendt')),
                count(*) FILTER (WHERE m.status IN ('gennemfoert', 'rapporteret', 'opfulgt'))
         FROM mobilities m JOIN mobility_goals mg ON mg.mobility_id = m.id AND mg.goal_id = $1
         LEFT JOIN projects pr ON pr.id = m.project_id
         WHERE ($2::uuid IS NULL OR m.organisation_id = $2)
         GROUP BY 1 ORDER BY 1",
    )
    .bind(goal)
    .bind(school)
    .fetch_all(db)
    .await
}
