//! A synthetic consortium at national scale, on top of the demo, for measuring Udsyn's pages.
//! Every row is made by set-based SQL (`generate_series`), so a million rows take minutes, not
//! hours; the texts are drawn from the Danish sentences in `crate::scale`.

use sqlx::PgConnection;

/// How many rows of each kind one seeding makes.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub schools: i64,
    pub staff_per_school: i64,
    pub mobilities: i64,
    pub partners: i64,
    pub reflections: i64,
}

/// The Danish sentences texts are made of, each pool drawn by a row's number.
pub struct Texts<'a> {
    pub saw: &'a [&'a str],
    pub surprise: &'a [&'a str],
    pub aha: &'a [&'a str],
    pub change: &'a [&'a str],
    pub reflection_titles: &'a [&'a str],
    pub reflection_bodies: &'a [&'a str],
    pub follow_up_what: &'a [&'a str],
    pub follow_up_evidence: &'a [&'a str],
    pub purposes: &'a [&'a str],
    pub first_names: &'a [&'a str],
    pub last_names: &'a [&'a str],
    pub school_names: &'a [&'a str],
}

fn owned(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Where one seeding starts numbering, so that a second seeding adds rather than collides.
pub async fn next_batch(db: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) + 1 FROM organisations WHERE contact_email LIKE 'kontakt@skala%.udsyn.test'",
    )
    .fetch_one(db)
    .await
}

/// Schools, their staff and partners abroad. Returns nothing; the temporary tables `s_school`,
/// `s_staff` and `s_partner` hold the new rows' ids for the next steps of the same connection.
pub async fn registry(
    db: &mut PgConnection,
    sizes: Sizes,
    batch: i64,
    texts: &Texts<'_>,
) -> sqlx::Result<()> {
    sqlx::query(
        "CREATE TEMP TABLE s_school ON COMMIT DROP AS
         SELECT i AS rn, gen_random_uuid() AS id, p.name AS town, p.latitude, p.longitude,
                ($2::text[])[1 + (i * 7) % cardinality($2::text[])] AS prefix
         FROM generate_series(1, $1::int) AS i
         JOIN LATERAL (SELECT name, latitude, longitude FROM places WHERE country_code = 'DK'
                       ORDER BY population DESC, geonameid
                       OFFSET (i % (SELECT count(*) FROM places WHERE country_code = 'DK')) LIMIT 1) p ON true",
    )
    .bind(sizes.schools)
    .bind(owned(texts.school_names))
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "INSERT INTO organisations (id, name, kind, city, latitude, longitude, exclusion_pct,
                                    contact_name, contact_email)
         SELECT id, prefix || ' ' || town || ' ' || rn, 
                (ARRAY['almen_specialklasser','almen','almen','specialskole','ungdomsskole'])[1 + rn % 5],
                town, latitude, longitude, round((3 + (rn % 60) / 10.0)::numeric, 2),
                'Skoleleder', 'kontakt@skala' || $1 || '-' || rn || '.udsyn.test'
         FROM s_school",
    )
    .bind(batch)
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "CREATE TEMP TABLE s_staff ON COMMIT DROP AS
         SELECT s.rn AS school_rn, k AS k, gen_random_uuid() AS id, s.id AS school_id
         FROM s_school s, generate_series(0, $1::int - 1) AS k",
    )
    .bind(sizes.staff_per_school)
    .execute(&mut *db)
    .await?;
    sqlx::query("CREATE INDEX ON s_staff (school_rn, k)")
        .execute(&mut *db)
        .await?;
    sqlx::query(
        "INSERT INTO staff (id, organisation_id, name, email, job_role)
         SELECT id, school_id,
                ($1::text[])[1 + (school_rn * 31 + k * 7) % cardinality($1::text[])] || ' ' ||
                ($2::text[])[1 + (school_rn * 17 + k * 13) % cardinality($2::text[])],
                'm' || school_rn || '-' || k || '@skala' || $3 || '.udsyn.test',
                CASE WHEN k = 0 THEN 'skoleleder' WHEN k % 10 = 1 THEN 'paedagog'
                     WHEN k % 25 = 2 THEN 'noeglemedarbejder' ELSE 'laerer' END
         FROM s_staff",
    )
    .bind(owned(texts.first_names))
    .bind(owned(texts.last_names))
    .bind(batch)
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "CREATE TEMP TABLE s_partner ON COMMIT DROP AS
         SELECT i AS rn, gen_random_uuid() AS id, c.code, p.geonameid, p.name AS town, p.latitude, p.longitude
         FROM generate_series(1, $1::int) AS i
         CROSS JOIN LATERAL (SELECT (ARRAY['BE','NL','FR','AT','ES','PT','CY','IT'])[1 + i % 8] AS code) c
         JOIN LATERAL (SELECT geonameid, name, latitude, longitude FROM places
                       -- every one of the eight countries has at least 30 towns in the table
                       WHERE country_code = c.code ORDER BY population DESC, geonameid
                       OFFSET (i / 8) % 30 LIMIT 1) p ON true",
    )
    .bind(sizes.partners)
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "INSERT INTO partners (id, name, kind, country_code, city, place_id, latitude, longitude,
                               contact_email, languages)
         SELECT id, 'Inclusive School Network ' || town || ' ' || rn,
                (ARRAY['skole','akkrediteret_skole','kursusudbyder','konsortium','regional_myndighed'])[1 + rn % 5],
                code, town, geonameid, latitude, longitude, 'contact' || rn || '@partner' || $1 || '.example', 'engelsk'
         FROM s_partner",
    )
    .bind(batch)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Mobilities with two participants each, their goals, reports, follow-ups and reflections, and
/// the schools' measurements. `today` decides which mobilities lie in the past.
pub async fn activity(
    db: &mut PgConnection,
    sizes: Sizes,
    texts: &Texts<'_>,
    today: chrono::NaiveDate,
) -> sqlx::Result<()> {
    // Start dates from mid-August 2024 to June 2027, the three projects' periods.
    sqlx::query(
        "CREATE TEMP TABLE s_mob ON COMMIT DROP AS
         SELECT i AS rn, gen_random_uuid() AS id,
                1 + (i - 1) % (SELECT count(*) FROM s_school)::int AS school_rn,
                1 + (i * 13) % (SELECT count(*) FROM s_partner)::int AS partner_rn,
                date '2024-08-15' + ((i * 37) % 1040)::int AS start_date,
                (ARRAY['SM-JOB-SHDW','SM-JOB-SHDW','SM-COUR-TRAIN','SM-TTA','SM-JOB-SHDW'])[1 + i % 5] AS kind
         FROM generate_series(1, $1::int) AS i",
    )
    .bind(sizes.mobilities)
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "INSERT INTO mobilities (id, project_id, activity_type, receiving_partner_id, organisation_id,
                                 venue_city, start_date, end_date, travel_days, transport, green_travel,
                                 status, status_reason, purpose, expected_learning, course_title,
                                 status_changed_at, created_at)
         SELECT m.id,
                (SELECT id FROM projects WHERE call_year = CASE WHEN m.start_date < date '2025-06-01' THEN 2024
                     WHEN m.start_date < date '2026-06-01' THEN 2025 ELSE 2026 END ORDER BY reference LIMIT 1),
                m.kind, p.id, s.id, p.town, m.start_date, m.start_date + (2 + m.rn % 5)::int,
                CASE WHEN m.rn % 9 = 0 THEN 4 ELSE 2 END,
                CASE WHEN m.rn % 9 = 0 THEN 'tog' ELSE 'fly' END, m.rn % 9 = 0,
                CASE WHEN m.start_date + 7 < $2 THEN
                          CASE WHEN m.rn % 20 = 0 THEN 'aflyst' WHEN m.rn % 10 < 4 THEN 'opfulgt'
                               WHEN m.rn % 10 < 8 THEN 'rapporteret' ELSE 'gennemfoert' END
                     ELSE CASE WHEN m.rn % 20 = 1 THEN 'afvist' WHEN m.rn % 10 < 6 THEN 'godkendt'
                               WHEN m.rn % 10 < 8 THEN 'indstillet' ELSE 'kladde' END END,
                CASE WHEN m.rn % 20 IN (0, 1) THEN 'Programmet faldt på plads for sent.' ELSE '' END,
                ($3::text[])[1 + m.rn % cardinality($3::text[])], '',
                CASE WHEN m.kind = 'SM-COUR-TRAIN' THEN 'Kursus i inkluderende undervisning' ELSE '' END,
                m.start_date - 30, m.start_date - 60
         FROM s_mob m JOIN s_school s ON s.rn = m.school_rn JOIN s_partner p ON p.rn = m.partner_rn",
    )
    .bind(sizes.mobilities)
    .bind(today)
    .bind(owned(texts.purposes))
    .execute(&mut *db)
    .await?;
    // Two participants from the sending school: staff numbers k1 ≠ k2.
    sqlx::query(
        "INSERT INTO mobility_participants (mobility_id, staff_id, role, fewer_opportunities)
         SELECT m.id, st.id, 'deltager', (m.rn + j) % 40 = 0
         FROM s_mob m CROSS JOIN (VALUES (0), (1)) AS v(j)
         JOIN s_staff st ON st.school_rn = m.school_rn
              AND st.k = CASE WHEN j = 0 THEN (m.rn * 7) % $1 ELSE (m.rn * 7 + 13) % $1 END",
    )
    .bind(sizes.staff_per_school)
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "INSERT INTO mobility_goals (mobility_id, goal_id)
         SELECT m.id, g.id FROM s_mob m JOIN goals g ON g.number = 1 + m.rn % 3
         UNION ALL
         SELECT m.id, g.id FROM s_mob m JOIN goals g ON g.number = 1 + (m.rn + 1) % 3 WHERE m.rn % 4 = 0",
    )
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "INSERT INTO reports (mobility_id, staff_id, status, submitted_at, saw, surprise, aha, change_plan,
                              change_by, goal_numbers, vibus, focus_areas, sharing, self_assessment,
                              created_at, updated_at)
         SELECT mo.id, mp.staff_id, 'indsendt', mo.end_date + 10 + (n % 20), 
                ($1::text[])[1 + n % cardinality($1::text[])] || ' ' || ($1::text[])[1 + (n / 7) % cardinality($1::text[])],
                ($2::text[])[1 + (n / 3) % cardinality($2::text[])],
                ($3::text[])[1 + (n / 5) % cardinality($3::text[])],
                ($4::text[])[1 + (n / 11) % cardinality($4::text[])],
                mo.end_date + 120, ARRAY[(1 + n % 3)::smallint], ARRAY[(1 + n % 14)::smallint, (1 + (n + 5) % 14)::smallint],
                ARRAY[(ARRAY['ledelse','foraeldre','organisation','undervisning','trivsel'])[1 + n % 5]],
                ARRAY['personalemoede','specialledernetvaerk'],
                jsonb_build_object('sprog', 1 + n % 5, 'motivation', 1 + (n / 5) % 5,
                                   'praksis_udland', 1 + (n / 25) % 5, 'faglig_udvikling', 1 + (n / 3) % 5),
                mo.end_date + 5, mo.end_date + 10
         FROM (SELECT mp.*, (row_number() OVER ())::int AS n FROM mobility_participants mp
               JOIN s_mob sm ON sm.id = mp.mobility_id) mp
         JOIN mobilities mo ON mo.id = mp.mobility_id AND mo.status IN ('rapporteret', 'opfulgt')",
    )
    .bind(owned(texts.saw))
    .bind(owned(texts.surprise))
    .bind(owned(texts.aha))
    .bind(owned(texts.change))
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "INSERT INTO follow_ups (report_id, changed, what, evidence, answered_at)
         SELECT r.id, (ARRAY['ja','ja','delvist','nej'])[1 + n % 4],
                ($1::text[])[1 + n % cardinality($1::text[])], ($2::text[])[1 + (n / 3) % cardinality($2::text[])],
                r.submitted_at + interval '120 days'
         FROM (SELECT r.*, (row_number() OVER ())::int AS n FROM reports r
               JOIN s_mob sm ON sm.id = r.mobility_id) r
         JOIN mobilities mo ON mo.id = r.mobility_id AND mo.status = 'opfulgt'",
    )
    .bind(owned(texts.follow_up_what))
    .bind(owned(texts.follow_up_evidence))
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "INSERT INTO reflections (staff_id, mobility_id, phase, title, body, goal_numbers, focus_areas,
                                  private, featured, created_at, updated_at)
         SELECT mp.staff_id, mp.mobility_id, (ARRAY['foer','under','efter'])[1 + n % 3],
                ($2::text[])[1 + n % cardinality($2::text[])],
                ($3::text[])[1 + (n / 3) % cardinality($3::text[])] || ' ' || ($3::text[])[1 + (n / 17) % cardinality($3::text[])],
                ARRAY[(1 + n % 3)::smallint], ARRAY['undervisning'], n % 10 = 0, n % 997 = 1 AND n % 10 <> 0,
                mo.start_date - 10 + (n % 30), mo.start_date - 10 + (n % 30)
         FROM (SELECT mp.*, (row_number() OVER (ORDER BY mp.mobility_id, mp.staff_id))::int AS n
               FROM mobility_participants mp JOIN s_mob sm ON sm.id = mp.mobility_id) mp
         JOIN mobilities mo ON mo.id = mp.mobility_id
         WHERE mp.n <= $1",
    )
    .bind(sizes.reflections)
    .bind(owned(texts.reflection_titles))
    .bind(owned(texts.reflection_bodies))
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "INSERT INTO measurements (indicator_id, organisation_id, period, value, level, note)
         SELECT i.id, s.id, per.period,
                CASE WHEN i.kind = 'kvantitativ'
                     THEN least(coalesce(i.max_value, 100), greatest(coalesce(i.min_value, 0),
                          round((coalesce(i.baseline_value, 10) * (0.9 + ((s.rn + per.k) % 5) / 10.0))::numeric, 1)))
                END,
                CASE WHEN i.kind = 'kvalitativ' THEN (1 + (s.rn + per.k) % 4)::smallint END, ''
         FROM s_school s
         CROSS JOIN indicators i
         CROSS JOIN (VALUES (0, '2022/23'), (1, '2023/24'), (2, '2024/25'), (3, '2025/26')) AS per(k, period)
         WHERE i.per_school AND i.automatic IS NULL AND i.active",
    )
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// The ids of the mobilities this seeding made, for computing their grants in slices.
pub async fn new_mobility_ids(db: &mut PgConnection) -> sqlx::Result<Vec<uuid::Uuid>> {
    sqlx::query_scalar("SELECT id FROM s_mob ORDER BY rn")
        .fetch_all(db)
        .await
}

/// Fresh planner statistics after a bulk load.
pub async fn analyze(db: impl sqlx::PgExecutor<'_>) -> sqlx::Result<()> {
    sqlx::query("ANALYZE").execute(db).await.map(|_| ())
}

/// Rows per table, for the summary the command prints.
pub async fn counts(db: impl sqlx::PgExecutor<'_>) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as(
        "SELECT 'skoler', count(*) FROM organisations WHERE NOT is_coordinator
         UNION ALL SELECT 'medarbejdere', count(*) FROM staff
         UNION ALL SELECT 'partnere', count(*) FROM partners
         UNION ALL SELECT 'mobiliteter', count(*) FROM mobilities
         UNION ALL SELECT 'deltagermobiliteter', count(*) FROM mobility_participants
         UNION ALL SELECT 'indsendte rapporter', count(*) FROM reports WHERE status = 'indsendt'
         UNION ALL SELECT 'opfølgninger', count(*) FROM follow_ups
         UNION ALL SELECT 'refleksioner', count(*) FROM reflections
         UNION ALL SELECT 'målinger', count(*) FROM measurements",
    )
    .fetch_all(db)
    .await
}
