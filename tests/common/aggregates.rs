//! The maintained goal counts (migration 0011) against a recount from every row: used after
//! changes in the scale tests and after the fuzzer's garbage.

use super::TestApp;

/// The automatic indicators' numbers, counted from every row the slow way, per goal, what and
/// school year (cumulative), consortium-wide: the same query Udsyn ran on every view before the
/// counts were maintained.
pub async fn counted_directly(app: &TestApp) -> Vec<(String, String, i32, i64)> {
    sqlx::query_as(
        "WITH years AS (SELECT y FROM generate_series(2022, 2027) AS y),
         people AS (
             SELECT g.id AS goal, y, s.job_role AS what, count(DISTINCT mp.staff_id) AS n
             FROM goals g CROSS JOIN years
             JOIN mobility_goals mg ON mg.goal_id = g.id
             JOIN mobilities m ON m.id = mg.mobility_id AND m.status IN ('gennemfoert', 'rapporteret', 'opfulgt')
                  AND m.end_date <= make_date(y + 1, 7, 31)
             JOIN mobility_participants mp ON mp.mobility_id = m.id AND mp.role = 'deltager'
             JOIN staff s ON s.id = mp.staff_id
             GROUP BY 1, 2, 3),
         reports_ AS (
             SELECT g.id AS goal, y, 'rapport' AS what, count(*) AS n
             FROM goals g CROSS JOIN years
             JOIN reports r ON r.status = 'indsendt' AND r.submitted_at::date <= make_date(y + 1, 7, 31)
                  AND g.number = ANY(r.goal_numbers)
             GROUP BY 1, 2),
         answers AS (
             SELECT mg.goal_id AS goal, y, w.what, count(*) AS n
             FROM follow_ups f JOIN reports r ON r.id = f.report_id
             JOIN mobility_goals mg ON mg.mobility_id = r.mobility_id
             CROSS JOIN years
             CROSS JOIN LATERAL (VALUES ('svar'), (CASE WHEN f.changed IN ('ja', 'delvist') THEN 'aendret' END)) AS w(what)
             WHERE w.what IS NOT NULL AND f.answered_at::date <= make_date(y + 1, 7, 31)
             GROUP BY 1, 2, 3)
         SELECT goal::text, what, y, n FROM (
             SELECT goal, what, y, n FROM people UNION ALL SELECT goal, what, y, n FROM reports_ UNION ALL
             SELECT goal, what, y, n FROM answers) x
         WHERE n > 0 ORDER BY 1, 2, 3",
    )
    .fetch_all(&app.pool)
    .await
    .expect("direct count")
}

/// The same from the maintained counts: consortium totals and the sum of the schools' rows.
pub async fn maintained(app: &TestApp, table: &str) -> Vec<(String, String, i32, i64)> {
    let sql = format!(
        "WITH years AS (SELECT y FROM generate_series(2022, 2027) AS y)
         SELECT c.goal_id::text, replace(c.what, 'gennemfoert:', ''), y, sum(c.n)::bigint
         FROM {table} c JOIN years ON c.school_year <= y
         GROUP BY 1, 2, 3 HAVING sum(c.n) > 0 ORDER BY 1, 2, 3"
    );
    sqlx::query_as(&sql)
        .fetch_all(&app.pool)
        .await
        .expect("maintained counts")
}

pub async fn assert_counts_agree(app: &TestApp, after: &str) {
    let direct = counted_directly(app).await;
    assert!(!direct.is_empty(), "{after}: nothing counted at all");
    assert_eq!(
        maintained(app, "goal_counts_total").await,
        direct,
        "{after}: consortium totals"
    );
    assert_eq!(
        maintained(app, "goal_counts").await,
        direct,
        "{after}: the schools' counts"
    );
}
