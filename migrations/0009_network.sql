-- The special-education leaders' network (specialledernetværket): meetings with their agenda,
-- minutes, participants, and the decisions and actions recorded at them. And the indexes the
-- start page's "what waits for me" needs, so each of its lists reads a bounded slice.

CREATE TABLE network_meetings (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title       text NOT NULL CHECK (length(trim(title)) > 0),
    held_on     date NOT NULL,
    starts_at   time NOT NULL,
    ends_at     time NOT NULL,
    place       text NOT NULL DEFAULT '',
    online_url  text NOT NULL DEFAULT '',
    agenda      text NOT NULL DEFAULT '',
    minutes     text NOT NULL DEFAULT '',
    created_by  uuid REFERENCES accounts (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    CHECK (place <> '' OR online_url <> '')
);
CREATE INDEX network_meetings_held_on ON network_meetings (held_on);

CREATE TABLE network_participants (
    meeting_id uuid NOT NULL REFERENCES network_meetings (id) ON DELETE CASCADE,
    staff_id   uuid NOT NULL REFERENCES staff (id),
    PRIMARY KEY (meeting_id, staff_id)
);
CREATE INDEX network_participants_staff ON network_participants (staff_id);

-- A decision (beslutning) or an action (handling): an action has an owner and a due date and
-- stays open, and comes back on every next agenda, until it is closed.
CREATE TABLE network_items (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    meeting_id  uuid NOT NULL REFERENCES network_meetings (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('beslutning', 'handling')),
    text        text NOT NULL CHECK (length(trim(text)) > 0),
    owner_id    uuid REFERENCES staff (id),
    due_on      date,
    goal_id     uuid REFERENCES goals (id),
    closed_at   timestamptz,
    closed_by   uuid REFERENCES accounts (id),
    created_by  uuid REFERENCES accounts (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (kind = 'beslutning' OR (owner_id IS NOT NULL AND due_on IS NOT NULL)),
    CHECK (kind = 'handling' OR closed_at IS NULL)
);
CREATE INDEX network_items_meeting ON network_items (meeting_id);
CREATE INDEX network_items_open_owner ON network_items (owner_id, due_on) WHERE closed_at IS NULL AND kind = 'handling';
CREATE INDEX network_items_goal ON network_items (goal_id, created_at);

-- The start page's lists: mobilities by status and first day (waiting for approval, departing
-- soon, drafts and rejections of a school), reports by status and submission (new since the last
-- meeting, overdue follow-ups), reflections by date, measurements and follow-ups by when they were
-- entered.
CREATE INDEX mobilities_status_start ON mobilities (status, start_date);
CREATE INDEX mobilities_organisation_status ON mobilities (organisation_id, status, start_date);
CREATE INDEX mobilities_status_end ON mobilities (status, end_date);
CREATE INDEX reports_submitted ON reports (status, submitted_at);
CREATE INDEX reflections_created ON reflections (created_at) WHERE NOT private;
CREATE INDEX measurements_entered ON measurements (entered_at);
CREATE INDEX follow_ups_answered ON follow_ups (answered_at);
