-- Anonymising a person (GDPR art. 17) and keeping records no longer than their period (art. 5(1)(e)).
--
-- An anonymised person keeps their row, so every count, grant and BM figure stays as it was; their
-- name becomes "Anonymiseret person N" with a number that never changes, their e-mail an address
-- under .invalid (RFC 2606: it can never receive mail), and what they wrote a neutral marker.
ALTER TABLE staff
    ADD COLUMN anonymised_at timestamptz,
    ADD COLUMN anonymous_no integer UNIQUE,
    ADD CONSTRAINT staff_anonymised CHECK ((anonymised_at IS NULL) = (anonymous_no IS NULL));
CREATE SEQUENCE staff_anonymous_no;

-- The people whose period may be running out: only those who have stopped and are not yet
-- anonymised, so the retention page and job never read the whole staff table.
CREATE INDEX staff_retention ON staff (left_on) WHERE NOT active AND anonymised_at IS NULL;

-- Technical records are removed by age; these let the job and its page find the old ones.
CREATE INDEX login_failures_at ON login_failures (at);
CREATE INDEX reminders_sent_at ON reminders (sent_at);
CREATE INDEX import_jobs_created ON import_jobs (created_at);

-- Replaces each of `needles` in `t` by the replacement at the same place. A needle of fewer than
-- three characters replaces only a whole text equal to it, never parts of other words.
CREATE FUNCTION scrub_text(t text, needles text[], replacements text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    i int;
BEGIN
    IF t IS NULL THEN
        RETURN NULL;
    END IF;
    FOR i IN 1 .. coalesce(cardinality(needles), 0) LOOP
        IF lower(t) = lower(needles[i]) THEN
            RETURN replacements[i];
        ELSIF length(needles[i]) >= 3 THEN
            t := regexp_replace(t, regexp_replace(needles[i], '([.^$*+?()\[\]{}|\\-])', '\\\1', 'g'),
                                replacements[i], 'gi');
        END IF;
    END LOOP;
    RETURN t;
END $$;

-- The same inside a JSON value: every string, at any depth, keys untouched.
CREATE FUNCTION scrub_json(j jsonb, needles text[], replacements text[]) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN CASE jsonb_typeof(j)
        WHEN 'string' THEN to_jsonb(scrub_text(j #>> '{}', needles, replacements))
        WHEN 'object' THEN (SELECT coalesce(jsonb_object_agg(key, scrub_json(value, needles, replacements)), '{}'::jsonb)
                            FROM jsonb_each(j))
        WHEN 'array' THEN (SELECT coalesce(jsonb_agg(scrub_json(value, needles, replacements) ORDER BY n), '[]'::jsonb)
                           FROM jsonb_array_elements(j) WITH ORDINALITY AS e(value, n))
        ELSE j
    END;
END $$;
