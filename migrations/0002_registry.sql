-- The registry: European towns for picking a partner's city, and staff imports.

-- Towns with coordinates (GeoNames, CC BY 4.0), loaded by Udsyn at start from assets/places.tsv.
CREATE TABLE places (
    geonameid    integer PRIMARY KEY,
    name         text NOT NULL COLLATE da_dk,
    country_code char(2) NOT NULL REFERENCES countries (code),
    latitude     double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude    double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    population   integer NOT NULL DEFAULT 0
);
CREATE INDEX places_lookup ON places (country_code, lower(name) text_pattern_ops);

ALTER TABLE partners ADD COLUMN place_id integer REFERENCES places (geonameid);
ALTER TABLE organisations ADD COLUMN website text NOT NULL DEFAULT '';

-- Case-insensitive search on names and e-mails.
CREATE INDEX staff_name_lower ON staff (lower(name));
CREATE INDEX partners_name_lower ON partners (lower(name));

-- A staff list uploaded for import: checked in the background, previewed, then imported whole.
CREATE TABLE import_jobs (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_by      uuid NOT NULL REFERENCES accounts (id),
    -- a school leader's import is bound to their school; NULL for the coordinator
    organisation_id uuid REFERENCES organisations (id),
    filename        text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'kontrolleres'
                    CHECK (status IN ('kontrolleres', 'klar', 'importeres', 'importeret', 'fejlet', 'annulleret')),
    message         text NOT NULL DEFAULT '',
    total_rows      integer NOT NULL DEFAULT 0,
    done_rows       integer NOT NULL DEFAULT 0,
    valid_rows      integer NOT NULL DEFAULT 0,
    problem_rows    integer NOT NULL DEFAULT 0,
    created_count   integer NOT NULL DEFAULT 0,
    updated_count   integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);

CREATE TABLE import_rows (
    job_id          uuid NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    line_no         integer NOT NULL,
    name            text NOT NULL DEFAULT '',
    email           text NOT NULL DEFAULT '',
    job_role        text NOT NULL DEFAULT '',
    school          text NOT NULL DEFAULT '',
    organisation_id uuid REFERENCES organisations (id),
    existing_id     uuid REFERENCES staff (id),
    problems        text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (job_id, line_no)
);
