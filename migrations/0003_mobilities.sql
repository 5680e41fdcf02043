-- Mobilities from plan to completion: duration rules per call year, calendar feeds, goals per mobility.

-- Durations in days excluding travel (DOMAIN.md §2), per call year. `verified` stays false until an
-- administrator has checked the figure against the programme guide for that year.
INSERT INTO activity_type_rules (call_year, activity_type, min_days, max_days, max_persons, verified, source)
SELECT y, t.code, t.min_days, t.max_days, t.max_persons, t.verified, t.source
FROM generate_series(2024, 2027) AS y,
     (VALUES ('SM-JOB-SHDW', 2, 60, NULL, false, 'sekundær kilde'),
             ('SM-TTA', 2, 365, NULL, false, 'sekundær kilde'),
             ('SM-COUR-TRAIN', 2, 30, NULL, false, 'sekundær kilde'),
             ('LM-GRP-PUPIL', 2, 30, NULL, true, 'Programme Guide'),
             ('LM-SHORT-PUPIL', 10, 29, NULL, true, 'Programme Guide'),
             ('LM-LONG-PUPILS', 30, 365, NULL, true, 'Programme Guide'),
             ('OA-INV-EXP', 2, 60, NULL, false, 'ubekræftet'),
             ('OA-HOS-TTT', 10, 365, NULL, false, 'ubekræftet'),
             ('PREP-VISIT', 1, 30, 3, false, 'Programme Guide (antal personer); varighed ubekræftet'))
       AS t(code, min_days, max_days, max_persons, verified, source)
ON CONFLICT DO NOTHING;

-- Who decided what: the coordinator's reason for a rejection or cancellation is kept on the row
-- (status_reason) and in the audit log.
ALTER TABLE mobilities ADD COLUMN status_changed_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX mobilities_status ON mobilities (status);
CREATE INDEX mobilities_project ON mobilities (project_id);

-- Secret calendar feeds: one per person (staff_id) or the consortium's (staff_id NULL).
CREATE TABLE calendar_feeds (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash  bytea NOT NULL UNIQUE,
    account_id  uuid NOT NULL REFERENCES accounts (id),
    staff_id    uuid REFERENCES staff (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX calendar_feeds_account ON calendar_feeds (account_id);
