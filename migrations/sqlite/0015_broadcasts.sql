-- Broadcasts (`/broadcast`): a coordinator's to the mentors, parents or
-- students of a school, a district or the whole region; a mentor's to the
-- parents or students of their own mentees. A row is made when the text
-- is previewed (a draft: `body` holds it until it is confirmed); on
-- confirmation its copies become outbox items (keyed
-- `bc:<broadcast>:<user>`), `body` is erased, and the ledger below gets a
-- row per recipient. Instants are milliseconds since the Unix epoch, UTC.
CREATE TABLE broadcasts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    writer_id   BIGINT  NOT NULL REFERENCES users (id),
    writer_role TEXT    NOT NULL CHECK (writer_role IN ('coordinator', 'mentor')),
    audience    TEXT    NOT NULL CHECK (audience IN ('mentors', 'parents', 'students')),
    scope       TEXT    NOT NULL CHECK (scope IN ('everyone', 'district', 'school', 'mentees')),
    district_id BIGINT  REFERENCES districts (id),
    school_id   BIGINT  REFERENCES schools (id),
    body        TEXT,
    stage       TEXT    NOT NULL CHECK (stage IN ('draft', 'sending', 'done')),
    -- The counts the progress message shows now (edited only when they change).
    shown       TEXT,
    created_at  BIGINT  NOT NULL,
    sent_at     BIGINT,
    stopped_at  BIGINT,
    finished_at BIGINT
);
CREATE INDEX broadcasts_by_writer ON broadcasts (writer_id, id);

-- The delivery ledger: what became of each recipient's copy, as Telegram
-- answered (sent; failed, with Telegram's error; blocked: the recipient
-- blocked the bot) or stopped before it went (cancelled).
CREATE TABLE broadcast_recipients (
    broadcast_id BIGINT NOT NULL REFERENCES broadcasts (id),
    user_id      BIGINT NOT NULL REFERENCES users (id),
    state        TEXT   NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'blocked', 'cancelled')),
    error        TEXT,
    PRIMARY KEY (broadcast_id, user_id)
);
