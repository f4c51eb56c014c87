-- Reminders and digests. Instants are milliseconds since the Unix epoch, UTC.

-- Jobs the bot runs at a time, each in a transaction of its own: a
-- meeting's reminder (`remind:<meeting>:<lead minutes>`), the day's work
-- for mentors (`daily:<YYYY-MM-DD>`). A job that ran keeps its row (with
-- `done_at`) for a while, so that it is never planned twice.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    key         TEXT    NOT NULL UNIQUE,
    due_at      INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    done_at     INTEGER,
    -- What became of it: 'ran', 'skipped: …', 'failed: …'.
    outcome     TEXT
);
CREATE INDEX jobs_due ON jobs (due_at) WHERE done_at IS NULL;

-- Each reminder's recipients: queued, or not reachable (blocked the bot).
CREATE TABLE reminders (
    meeting_id    INTEGER NOT NULL REFERENCES meetings (id),
    lead_minutes  INTEGER NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    outcome       TEXT    NOT NULL CHECK (outcome IN ('queued', 'unreachable')),
    at            INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, lead_minutes, user_id)
);

-- A parent's «Got it» on a reminder, which the mentor sees in /today.
CREATE TABLE reminder_acks (
    meeting_id  INTEGER NOT NULL REFERENCES meetings (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    at          INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);
