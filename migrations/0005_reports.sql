-- Reports, reflections and follow-up: what participants learned, shared across the consortium.

ALTER TABLE mobilities DROP CONSTRAINT mobilities_status_check;
ALTER TABLE mobilities ADD CONSTRAINT mobilities_status_check CHECK (status IN ('kladde', 'indstillet',
    'godkendt', 'afvist', 'gennemfoert', 'rapporteret', 'opfulgt', 'aflyst'));

-- The post-mobility report (one per participant; the table exists since the first release).
ALTER TABLE reports
    ADD COLUMN saw            text NOT NULL DEFAULT '',
    ADD COLUMN surprise       text NOT NULL DEFAULT '',
    ADD COLUMN aha            text NOT NULL DEFAULT '',
    ADD COLUMN change_plan    text NOT NULL DEFAULT '',
    ADD COLUMN change_by      date,
    ADD COLUMN goal_numbers   smallint[] NOT NULL DEFAULT '{}',
    ADD COLUMN vibus          smallint[] NOT NULL DEFAULT '{}',
    ADD COLUMN focus_areas    text[] NOT NULL DEFAULT '{}',
    ADD COLUMN sharing        text[] NOT NULL DEFAULT '{}',
    ADD COLUMN self_assessment jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN written_by     uuid REFERENCES accounts (id),
    ADD COLUMN search         tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('danish', coalesce(aha, '')), 'A') ||
        setweight(to_tsvector('danish', coalesce(change_plan, '')), 'A') ||
        setweight(to_tsvector('danish', coalesce(saw, '')), 'B') ||
        setweight(to_tsvector('danish', coalesce(surprise, '')), 'B')) STORED,
    ADD CONSTRAINT reports_vibus CHECK (vibus <@ ARRAY[1,2,3,4,5,6,7,8,9,10,11,12,13,14]::smallint[]),
    ADD CONSTRAINT reports_goals CHECK (goal_numbers <@ ARRAY[1,2,3,4,5,6,7,8,9]::smallint[]);
CREATE INDEX reports_search ON reports USING gin (search);

-- Short entries before, during or after a mobility; shared unless the author keeps one private.
CREATE TABLE reflections (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    staff_id     uuid NOT NULL REFERENCES staff (id),
    mobility_id  uuid REFERENCES mobilities (id),
    phase        text NOT NULL CHECK (phase IN ('foer', 'under', 'efter')),
    title        text NOT NULL CHECK (length(trim(title)) > 0),
    body         text NOT NULL DEFAULT '',
    goal_numbers smallint[] NOT NULL DEFAULT '{}',
    vibus        smallint[] NOT NULL DEFAULT '{}',
    focus_areas  text[] NOT NULL DEFAULT '{}',
    private      boolean NOT NULL DEFAULT false,
    featured     boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    search       tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('danish', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('danish', coalesce(body, '')), 'B')) STORED,
    CHECK (NOT (private AND featured))
);
CREATE INDEX reflections_search ON reflections USING gin (search);
CREATE INDEX reflections_staff ON reflections (staff_id);

-- What changed in practice, months after the report.
CREATE TABLE follow_ups (
    report_id   uuid PRIMARY KEY REFERENCES reports (id),
    changed     text NOT NULL CHECK (changed IN ('ja', 'delvist', 'nej')),
    what        text NOT NULL DEFAULT '',
    evidence    text NOT NULL DEFAULT '',
    others      text NOT NULL DEFAULT '',
    answered_at timestamptz NOT NULL DEFAULT now()
);

-- Reminders sent (or kept in the outbox when no SMTP server is configured).
CREATE TABLE reminders (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind        text NOT NULL CHECK (kind IN ('rapport', 'opfoelgning')),
    staff_id    uuid NOT NULL REFERENCES staff (id),
    mobility_id uuid NOT NULL REFERENCES mobilities (id),
    to_email    text NOT NULL,
    subject     text NOT NULL,
    body        text NOT NULL,
    via         text NOT NULL CHECK (via IN ('smtp', 'udbakke')),
    error       text NOT NULL DEFAULT '',
    sent_at     timestamptz NOT NULL DEFAULT now(),
    sent_by     uuid REFERENCES accounts (id)
);
CREATE INDEX reminders_recent ON reminders (kind, staff_id, mobility_id, sent_at);
