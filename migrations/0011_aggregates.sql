-- Aggregates kept up to date in the same transaction as the change, so that the goal pages and
-- the start pages need not count every mobility, report and follow-up on every view (1 000
-- schools, 200 000 participant mobilities).

-- The school year a day belongs to (1 August – 31 July), by its first calendar year.
CREATE FUNCTION school_year_of(d date) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT extract(year FROM d - interval '7 months')::smallint
$$;

-- What the automatic indicators count, per goal, school and school year:
--   'gennemfoert:<job>'  people of that job who completed their first mobility serving the goal
--                        that year (the school and job are the person's current ones);
--   'rapport'            submitted reports the participant tied to the goal;
--   'svar', 'aendret'    follow-up answers on mobilities serving the goal, and those that say
--                        practice changed (ja or delvist).
CREATE TABLE goal_counts (
    goal_id         uuid NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    what            text NOT NULL,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    school_year     smallint NOT NULL,
    n               integer NOT NULL,
    PRIMARY KEY (goal_id, what, organisation_id, school_year)
);
CREATE INDEX goal_counts_school ON goal_counts (organisation_id);

-- The same summed over all schools, kept by adding what changed.
CREATE TABLE goal_counts_total (
    goal_id     uuid NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    what        text NOT NULL,
    school_year smallint NOT NULL,
    n           integer NOT NULL,
    PRIMARY KEY (goal_id, what, school_year)
);

-- Recounts the rows of these schools from the mobilities, reports and follow-ups themselves.
CREATE FUNCTION refresh_goal_counts(orgs uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(orgs) = 0 THEN
        RETURN;
    END IF;
    WITH old AS (
        DELETE FROM goal_counts c USING (SELECT DISTINCT unnest(orgs) AS id) o
        WHERE c.organisation_id = o.id
        RETURNING c.goal_id, c.what, c.school_year, c.n)
    INSERT INTO goal_counts_total AS t (goal_id, what, school_year, n)
    SELECT goal_id, what, school_year, -sum(n) FROM old GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (goal_id, what, school_year) DO UPDATE SET n = t.n + excluded.n;

    WITH o AS (SELECT DISTINCT unnest(orgs) AS id),
    people AS (
        SELECT mg.goal_id, s.organisation_id, s.job_role, mp.staff_id, min(m.end_date) AS first_day
        FROM o JOIN staff s ON s.organisation_id = o.id
        JOIN mobility_participants mp ON mp.staff_id = s.id AND mp.role = 'deltager'
        JOIN mobilities m ON m.id = mp.mobility_id AND m.status IN ('gennemfoert', 'rapporteret', 'opfulgt')
        JOIN mobility_goals mg ON mg.mobility_id = m.id
        GROUP BY 1, 2, 3, 4),
    fresh AS (
        SELECT goal_id, 'gennemfoert:' || job_role AS what, organisation_id,
               school_year_of(first_day) AS school_year, count(*)::int AS n
        FROM people GROUP BY 1, 2, 3, 4
        UNION ALL
        SELECT g.id, 'rapport', s.organisation_id, school_year_of(r.submitted_at::date), count(*)::int
        FROM o JOIN staff s ON s.organisation_id = o.id
        JOIN reports r ON r.staff_id = s.id AND r.status = 'indsendt'
        JOIN goals g ON g.number = ANY(r.goal_numbers)
        GROUP BY 1, 2, 3, 4
        UNION ALL
        SELECT mg.goal_id, w.what, s.organisation_id, school_year_of(f.answered_at::date), count(*)::int
        FROM o JOIN staff s ON s.organisation_id = o.id
        JOIN reports r ON r.staff_id = s.id
        JOIN follow_ups f ON f.report_id = r.id
        JOIN mobility_goals mg ON mg.mobility_id = r.mobility_id
        CROSS JOIN LATERAL (VALUES ('svar'),
                            (CASE WHEN f.changed IN ('ja', 'delvist') THEN 'aendret' END)) AS w(what)
        WHERE w.what IS NOT NULL
        GROUP BY 1, 2, 3, 4),
    ins AS (
        INSERT INTO goal_counts (goal_id, what, organisation_id, school_year, n)
        SELECT goal_id, what, organisation_id, school_year, n FROM fresh
        RETURNING goal_id, what, school_year, n)
    INSERT INTO goal_counts_total AS t (goal_id, what, school_year, n)
    SELECT goal_id, what, school_year, sum(n) FROM ins GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (goal_id, what, school_year) DO UPDATE SET n = t.n + excluded.n;
END $$;

-- Each trigger recounts, once per statement, the schools of the people the statement touched.
CREATE FUNCTION goal_counts_after_mobilities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_goal_counts(ARRAY(
        SELECT DISTINCT s.organisation_id
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN mobility_participants mp ON mp.mobility_id = n.id
        JOIN staff s ON s.id = mp.staff_id
        WHERE n.status IS DISTINCT FROM o.status OR n.end_date IS DISTINCT FROM o.end_date));
    RETURN NULL;
END $$;
CREATE TRIGGER goal_counts_mobilities AFTER UPDATE ON mobilities
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goal_counts_after_mobilities();

CREATE FUNCTION goal_counts_after_participants() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_goal_counts(ARRAY(
            SELECT DISTINCT s.organisation_id FROM new_rows n JOIN staff s ON s.id = n.staff_id));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_goal_counts(ARRAY(
            SELECT DISTINCT s.organisation_id FROM old_rows o JOIN staff s ON s.id = o.staff_id));
    ELSE
        PERFORM refresh_goal_counts(ARRAY(
            SELECT DISTINCT s.organisation_id
            FROM new_rows n JOIN old_rows o ON o.mobility_id = n.mobility_id AND o.staff_id = n.staff_id
            JOIN staff s ON s.id = n.staff_id
            WHERE n.role IS DISTINCT FROM o.role));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER goal_counts_participants_insert AFTER INSERT ON mobility_participants
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goal_counts_after_participants();
CREATE TRIGGER goal_counts_participants_update AFTER UPDATE ON mobility_participants
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goal_counts_after_participants();
CREATE TRIGGER goal_counts_participants_delete AFTER DELETE ON mobility_participants
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goal_counts_after_participants();

CREATE FUNCTION goal_counts_after_mobility_goals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_goal_counts(ARRAY(
            SELECT DISTINCT s.organisation_id FROM new_rows n
            JOIN mobility_participants mp ON mp.mobility_id = n.mobility_id JOIN staff s ON s.id = mp.staff_id));
    ELSE
        PERFORM refresh_goal_counts(ARRAY(
            SELECT DISTINCT s.organisation_id FROM old_rows o
            JOIN mobility_participants mp ON mp.mobility_id = o.mobility_id JOIN staff s ON s.id = mp.staff_id));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER goal_counts_mobility_goals_insert AFTER INSERT ON mobility_goals
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goal_counts_after_mobility_goals();
CREATE TRIGGER goal_counts_mobility_goals_delete AFTER DELETE ON mobility_goals
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goal_counts_after_mobility_goals();

-- A person who changes school or job is counted where they are now, as before.
CREATE FUNCTION goal_counts_after_staff() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_goal_counts(ARRAY(
        SELECT DISTINCT x FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (n.organisation_id), (o.organisation_id)) AS v(x)
        WHERE n.organisation_id IS DISTINCT FROM o.organisation_id OR n.job_role IS DISTINCT FROM o.job_role));
    RETURN NULL;
END $$;
CREATE TRIGGER goal_counts_staff AFTER UPDATE ON staff
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goal_counts_after_staff();

CREATE FUNCTION goal_counts_after_reports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_goal_counts(ARRAY(
            SELECT DISTINCT s.organisation_id FROM new_rows n JOIN staff s ON s.id = n.staff_id
            WHERE n.status = 'indsendt'));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_goal_counts(ARRAY(
            SELECT DISTINCT s.organisation_id FROM old_rows o JOIN staff s ON s.id = o.staff_id));
    ELSE
        PERFORM refresh_goal_counts(ARRAY(
            SELECT DISTINCT s.organisation_id
            FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN staff s ON s.id = n.staff_id
            WHERE n.status IS DISTINCT FROM o.status OR n.submitted_at IS DISTINCT FROM o.submitted_at
               OR n.goal_numbers IS DISTINCT FROM o.goal_numbers OR n.staff_id IS DISTINCT FROM o.staff_id));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER goal_counts_reports_insert AFTER INSERT ON reports
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goal_counts_after_reports();
CREATE TRIGGER goal_counts_reports_update AFTER UPDATE ON reports
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goal_counts_after_reports();
CREATE TRIGGER goal_counts_reports_delete AFTER DELETE ON reports
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goal_counts_after_reports();

CREATE FUNCTION goal_counts_after_follow_ups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM refresh_goal_counts(ARRAY(
            SELECT DISTINCT s.organisation_id FROM old_rows o
            JOIN reports r ON r.id = o.report_id JOIN staff s ON s.id = r.staff_id));
    ELSE
        PERFORM refresh_goal_counts(ARRAY(
            SELECT DISTINCT s.organisation_id FROM new_rows n
            JOIN reports r ON r.id = n.report_id JOIN staff s ON s.id = r.staff_id));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER goal_counts_follow_ups_insert AFTER INSERT ON follow_ups
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goal_counts_after_follow_ups();
CREATE TRIGGER goal_counts_follow_ups_update AFTER UPDATE ON follow_ups
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goal_counts_after_follow_ups();
CREATE TRIGGER goal_counts_follow_ups_delete AFTER DELETE ON follow_ups
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION goal_counts_after_follow_ups();

-- The counts of what is already there.
SELECT refresh_goal_counts(ARRAY(SELECT id FROM organisations));

-- Filters and sorts of the pages that grow with the consortium.
CREATE INDEX reports_staff ON reports (staff_id);
CREATE INDEX reports_goal_numbers ON reports USING gin (goal_numbers);
CREATE INDEX mobility_goals_goal ON mobility_goals (goal_id, mobility_id);
CREATE INDEX mobilities_start ON mobilities (start_date, id);
CREATE INDEX mobilities_organisation_start ON mobilities (organisation_id, start_date);
CREATE INDEX reflections_mobility ON reflections (mobility_id);
CREATE INDEX measurements_school ON measurements (organisation_id, indicator_id);
