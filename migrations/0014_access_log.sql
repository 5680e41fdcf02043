-- Who looked at a person's data: every view of a person's record, reports, follow-ups and
-- fewer-opportunities flag, and every export that holds them (GDPR art. 15 and 30). Written in
-- batches by a background task, never on the request path.
--
-- One row per view or export, with every person it showed in `staff_ids`: a BM file with 2 000
-- participants is one row, not 2 000, and `staff_ids @> ARRAY[id]` (GIN) still finds the person in
-- it. No foreign keys: a batch must never be refused whole because one account or person in it is
-- gone; the log keeps what was seen, as it was.
CREATE TABLE access_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL,
    account_id uuid NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('person', 'rapport', 'opfoelgning',
                                             'faerre_muligheder', 'eksport', 'persondata')),
    route      text NOT NULL,
    staff_ids  uuid[] NOT NULL CHECK (cardinality(staff_ids) > 0)
);
CREATE INDEX access_log_at ON access_log (at);
CREATE INDEX access_log_account ON access_log (account_id, id);
CREATE INDEX access_log_staff ON access_log USING gin (staff_ids);

-- A person's data (/mine-data) reads what an account did and what was sent to a person; without
-- these it would read the whole audit log and outbox.
CREATE INDEX audit_log_account ON audit_log (account_id, at);
CREATE INDEX measurements_entered_by ON measurements (entered_by);
CREATE INDEX reminders_staff ON reminders (staff_id, sent_at);
