-- Udsyn's core schema: the consortium, its people and partners, the annual projects and their
-- mobilities, the goals of the Erasmus Plan, reports, login accounts, sessions and the audit log.
--
-- Statuses and kinds are text with CHECK constraints rather than PostgreSQL enums: later releases
-- add values (rapporteret, opfulgt, new partner kinds) by swapping a constraint, inside a transaction.
-- Money is integer euro cents. Dates are plain dates; moments are timestamptz.

-- Danish collation for names: æ, ø, å after z. ICU ships with Debian's PostgreSQL.
CREATE COLLATION IF NOT EXISTS da_dk (provider = icu, locale = 'da-DK');

-- Countries the consortium works with, with their Erasmus+ country group (individual support rates).
CREATE TABLE countries (
    code          char(2) PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
    name_da       text NOT NULL COLLATE da_dk,
    erasmus_group smallint CHECK (erasmus_group BETWEEN 1 AND 3)
);

-- The coordinator (the municipal school administration) and the member schools.
CREATE TABLE organisations (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name           text NOT NULL COLLATE da_dk CHECK (length(trim(name)) > 0),
    kind           text NOT NULL CHECK (kind IN ('forvaltning', 'almen_specialklasser', 'specialskole',
                                                 'ungdomsskole', 'almen')),
    oid            text UNIQUE CHECK (oid ~ '^E[0-9]{8}$'),
    is_coordinator boolean NOT NULL DEFAULT false,
    address        text NOT NULL DEFAULT '',
    postcode       text NOT NULL DEFAULT '',
    city           text NOT NULL DEFAULT '',
    exclusion_pct  numeric(5, 2) CHECK (exclusion_pct BETWEEN 0 AND 100),
    contact_name   text NOT NULL DEFAULT '',
    contact_email  text NOT NULL DEFAULT '',
    active         boolean NOT NULL DEFAULT true,
    is_demo        boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (NOT is_coordinator OR kind = 'forvaltning')
);
-- One consortium, one coordinator.
CREATE UNIQUE INDEX organisations_one_coordinator ON organisations (is_coordinator) WHERE is_coordinator;

-- Staff of the coordinator and the member schools. No health or diagnosis data, ever.
CREATE TABLE staff (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    name            text NOT NULL COLLATE da_dk CHECK (length(trim(name)) > 0),
    email           text NOT NULL CHECK (email LIKE '%_@_%'),
    job_role        text NOT NULL CHECK (job_role IN ('skoleleder', 'laerer', 'paedagog',
                                                      'noeglemedarbejder', 'andet')),
    active          boolean NOT NULL DEFAULT true,
    left_on         date,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX staff_email_unique ON staff (lower(email));
CREATE INDEX staff_organisation ON staff (organisation_id);

-- Partners abroad: host schools, consortia, ministries, regional authorities, course providers.
CREATE TABLE partners (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name              text NOT NULL COLLATE da_dk CHECK (length(trim(name)) > 0),
    oid               text UNIQUE CHECK (oid ~ '^E[0-9]{8}$'),
    kind              text NOT NULL CHECK (kind IN ('konsortium', 'akkrediteret_skole', 'ministerium',
                                                    'regional_myndighed', 'kursusudbyder', 'skole',
                                                    'andet')),
    country_code      char(2) NOT NULL REFERENCES countries (code),
    city              text NOT NULL DEFAULT '',
    latitude          double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude         double precision CHECK (longitude BETWEEN -180 AND 180),
    website           text NOT NULL DEFAULT '',
    contact_name      text NOT NULL DEFAULT '',
    contact_email     text NOT NULL DEFAULT '',
    languages         text NOT NULL DEFAULT '',
    cooperation_since smallint CHECK (cooperation_since BETWEEN 1987 AND 2100),
    notes             text NOT NULL DEFAULT '',
    active            boolean NOT NULL DEFAULT true,
    is_demo           boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((latitude IS NULL) = (longitude IS NULL))
);
CREATE INDEX partners_country ON partners (country_code);

-- The annual accredited mobility projects (KA121-SCH grant agreements).
CREATE TABLE projects (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    reference     text NOT NULL UNIQUE CHECK (length(trim(reference)) > 0),
    call_year     smallint NOT NULL CHECK (call_year BETWEEN 2014 AND 2100),
    start_date    date NOT NULL,
    end_date      date NOT NULL,
    awarded_cents bigint CHECK (awarded_cents >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date >= start_date)
);

-- Activity types (DOMAIN.md §2). Codes are the Beneficiary Module's.
CREATE TABLE activity_types (
    code       text PRIMARY KEY,
    name_da    text NOT NULL,
    for_staff  boolean NOT NULL,
    sort_order smallint NOT NULL DEFAULT 0
);

-- Rules that change per call year, kept as data. `verified` is false until an administrator has
-- checked the figure against the grant agreement.
CREATE TABLE activity_type_rules (
    call_year     smallint NOT NULL CHECK (call_year BETWEEN 2014 AND 2100),
    activity_type text NOT NULL REFERENCES activity_types (code),
    min_days      smallint NOT NULL CHECK (min_days >= 1),
    max_days      smallint NOT NULL,
    max_persons   smallint CHECK (max_persons >= 1),
    verified      boolean NOT NULL DEFAULT false,
    source        text NOT NULL DEFAULT '',
    PRIMARY KEY (call_year, activity_type),
    CHECK (max_days >= min_days)
);

-- One activity with one receiving partner.
CREATE TABLE mobilities (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    bm_id               text,
    project_id          uuid REFERENCES projects (id),
    activity_type       text NOT NULL REFERENCES activity_types (code),
    receiving_partner_id uuid NOT NULL REFERENCES partners (id),
    -- the school that registered it; the coordinator for mixed groups
    organisation_id     uuid NOT NULL REFERENCES organisations (id),
    venue_city          text NOT NULL DEFAULT '',
    start_date          date NOT NULL,
    end_date            date NOT NULL,
    travel_days         smallint NOT NULL DEFAULT 0 CHECK (travel_days BETWEEN 0 AND 6),
    transport           text NOT NULL DEFAULT 'fly' CHECK (transport IN ('fly', 'tog', 'bus', 'bil',
                                                   'samkoersel', 'faerge', 'cykel', 'andet')),
    green_travel        boolean NOT NULL DEFAULT false,
    distance_km         integer CHECK (distance_km >= 0),
    status              text NOT NULL DEFAULT 'kladde' CHECK (status IN ('kladde', 'indstillet',
                                         'godkendt', 'afvist', 'gennemfoert', 'aflyst')),
    status_reason       text NOT NULL DEFAULT '',
    purpose             text NOT NULL DEFAULT '',
    expected_learning   text NOT NULL DEFAULT '',
    course_title        text NOT NULL DEFAULT '',
    course_esep_id      text NOT NULL DEFAULT '',
    version             integer NOT NULL DEFAULT 1,
    created_by          uuid,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date >= start_date),
    CHECK (travel_days <= 2 OR green_travel),
    UNIQUE (project_id, bm_id)
);
CREATE INDEX mobilities_organisation ON mobilities (organisation_id);
CREATE INDEX mobilities_partner ON mobilities (receiving_partner_id);
CREATE INDEX mobilities_dates ON mobilities (start_date, end_date);

CREATE TABLE mobility_participants (
    mobility_id         uuid NOT NULL REFERENCES mobilities (id) ON DELETE CASCADE,
    staff_id            uuid NOT NULL REFERENCES staff (id),
    role                text NOT NULL DEFAULT 'deltager' CHECK (role IN ('deltager', 'ledsager')),
    -- the one personal flag the EU rules need; never a reason, never a diagnosis
    fewer_opportunities boolean NOT NULL DEFAULT false,
    PRIMARY KEY (mobility_id, staff_id)
);
CREATE INDEX mobility_participants_staff ON mobility_participants (staff_id);

-- The goals of the Erasmus Plan (Mål 1–3), their indicators and measurements.
CREATE TABLE goals (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number           smallint NOT NULL UNIQUE CHECK (number >= 1),
    title            text NOT NULL CHECK (length(trim(title)) > 0),
    description      text NOT NULL DEFAULT '',
    results_year     smallint CHECK (results_year BETWEEN 1 AND 10),
    status           text NOT NULL DEFAULT 'aktiv' CHECK (status IN ('planlagt', 'aktiv', 'opnaaet',
                                                                      'afsluttet')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mobility_goals (
    mobility_id uuid NOT NULL REFERENCES mobilities (id) ON DELETE CASCADE,
    goal_id     uuid NOT NULL REFERENCES goals (id),
    PRIMARY KEY (mobility_id, goal_id)
);

CREATE TABLE indicators (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    goal_id         uuid NOT NULL REFERENCES goals (id),
    name            text NOT NULL CHECK (length(trim(name)) > 0),
    kind            text NOT NULL CHECK (kind IN ('kvantitativ', 'kvalitativ')),
    unit            text NOT NULL DEFAULT '',
    higher_is_better boolean NOT NULL DEFAULT true,
    baseline_value  numeric,
    baseline_period text CHECK (baseline_period ~ '^[0-9]{4}/[0-9]{2}$'),
    target_value    numeric,
    target_year     smallint,
    source          text NOT NULL DEFAULT '',
    per_school      boolean NOT NULL DEFAULT true,
    -- qualitative indicators: the description of each level 1–4
    rubric          jsonb,
    automatic       text,
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (kind = 'kvantitativ' OR rubric IS NOT NULL)
);

CREATE TABLE measurements (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    indicator_id    uuid NOT NULL REFERENCES indicators (id),
    -- NULL: the whole consortium
    organisation_id uuid REFERENCES organisations (id),
    period          text NOT NULL CHECK (period ~ '^[0-9]{4}/[0-9]{2}$'),
    value           numeric,
    level           smallint CHECK (level BETWEEN 1 AND 4),
    note            text NOT NULL DEFAULT '',
    entered_by      uuid,
    entered_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (value IS NOT NULL OR level IS NOT NULL)
);
-- One current value per indicator, school and period; corrections are kept in the audit log.
CREATE UNIQUE INDEX measurements_one_per_period
    ON measurements (indicator_id, coalesce(organisation_id, '00000000-0000-0000-0000-000000000000'::uuid), period);

-- The post-mobility report, one per participant of a mobility.
CREATE TABLE reports (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    mobility_id  uuid NOT NULL REFERENCES mobilities (id),
    staff_id     uuid NOT NULL REFERENCES staff (id),
    status       text NOT NULL DEFAULT 'kladde' CHECK (status IN ('kladde', 'indsendt')),
    content      jsonb NOT NULL DEFAULT '{}'::jsonb,
    submitted_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (mobility_id, staff_id),
    FOREIGN KEY (mobility_id, staff_id) REFERENCES mobility_participants (mobility_id, staff_id),
    CHECK (status = 'kladde' OR submitted_at IS NOT NULL)
);

-- Login accounts. A school leader's school and a staff member's own records follow from staff_id.
CREATE TABLE accounts (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email                 text NOT NULL CHECK (email LIKE '%_@_%'),
    role                  text NOT NULL CHECK (role IN ('koordinator', 'skoleleder', 'medarbejder')),
    staff_id              uuid UNIQUE REFERENCES staff (id),
    password_hash         text,
    invitation_token_hash bytea UNIQUE,
    invitation_expires_at timestamptz,
    active                boolean NOT NULL DEFAULT true,
    last_login_at         timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (role = 'koordinator' OR staff_id IS NOT NULL),
    CHECK ((invitation_token_hash IS NULL) = (invitation_expires_at IS NULL))
);
CREATE UNIQUE INDEX accounts_email_unique ON accounts (lower(email));

-- Server-side sessions, shared by every instance. Only a SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    id_hash      bytea PRIMARY KEY,
    account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    user_agent   text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

-- Who changed what, when: every write goes through here.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    account_id  uuid REFERENCES accounts (id),
    action      text NOT NULL,
    entity      text NOT NULL,
    entity_id   text NOT NULL,
    before      jsonb,
    after       jsonb,
    reason      text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, at);

-- Reference data that every installation needs.
INSERT INTO countries (code, name_da, erasmus_group) VALUES
    ('DK', 'Danmark', 1), ('FI', 'Finland', 1), ('IS', 'Island', 1), ('IE', 'Irland', 1),
    ('LI', 'Liechtenstein', 1), ('LU', 'Luxembourg', 1), ('NO', 'Norge', 1), ('SE', 'Sverige', 1),
    ('AT', 'Østrig', 2), ('BE', 'Belgien', 2), ('CY', 'Cypern', 2), ('FR', 'Frankrig', 2),
    ('DE', 'Tyskland', 2), ('GR', 'Grækenland', 2), ('IT', 'Italien', 2), ('MT', 'Malta', 2),
    ('NL', 'Nederlandene', 2), ('PT', 'Portugal', 2), ('ES', 'Spanien', 2),
    ('BG', 'Bulgarien', 3), ('HR', 'Kroatien', 3), ('CZ', 'Tjekkiet', 3), ('EE', 'Estland', 3),
    ('HU', 'Ungarn', 3), ('LV', 'Letland', 3), ('LT', 'Litauen', 3), ('MK', 'Nordmakedonien', 3),
    ('PL', 'Polen', 3), ('RO', 'Rumænien', 3), ('RS', 'Serbien', 3), ('SK', 'Slovakiet', 3),
    ('SI', 'Slovenien', 3), ('TR', 'Tyrkiet', 3);

INSERT INTO activity_types (code, name_da, for_staff, sort_order) VALUES
    ('SM-JOB-SHDW', 'Jobshadowing', true, 1),
    ('SM-COUR-TRAIN', 'Kursus og træning', true, 2),
    ('SM-TTA', 'Undervisnings- eller træningsophold', true, 3),
    ('PREP-VISIT', 'Forberedende besøg', true, 4),
    ('OA-INV-EXP', 'Inviteret ekspert', true, 5),
    ('OA-HOS-TTT', 'Værtskab for lærere under uddannelse', true, 6),
    ('LM-GRP-PUPIL', 'Gruppemobilitet for elever', false, 7),
    ('LM-SHORT-PUPIL', 'Kortvarig elevmobilitet', false, 8),
    ('LM-LONG-PUPILS', 'Langvarig elevmobilitet', false, 9);
