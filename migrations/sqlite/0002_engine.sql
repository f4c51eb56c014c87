-- The engine: each update handled once in one transaction, and every
-- message out through one persistent, paced outbox.

-- A passing failure delays the update (and its chat's later ones) until
-- `not_before`; `failure` says why an update was set aside.
ALTER TABLE updates ADD COLUMN not_before BIGINT;
ALTER TABLE updates ADD COLUMN failure TEXT;
CREATE INDEX updates_pending_by_chat ON updates (chat_key, update_id) WHERE handled_at IS NULL;
-- Handled updates whose contents the eraser has not reached yet.
CREATE INDEX updates_unerased ON updates (update_id) WHERE payload IS NOT NULL;

-- Dialogue state lives with the user (private chats: chat id = user id), so
-- that loading the sender loads the state in the same statement. States
-- stored by the foundation are dropped: their shape changed, and one of
-- them could hold an invite code in clear.
ALTER TABLE users ADD COLUMN dialogue TEXT;
-- Set when Telegram answers 403 (the user blocked the bot); cleared when
-- the user writes again.
ALTER TABLE users ADD COLUMN unreachable_at BIGINT;
DROP TABLE dialogues;

-- Case- and form-insensitive names (filled by the application, which knows
-- Unicode case folding).
ALTER TABLE districts ADD COLUMN name_key TEXT;
ALTER TABLE schools ADD COLUMN name_key TEXT;
CREATE UNIQUE INDEX districts_by_key ON districts (name_key);
CREATE UNIQUE INDEX schools_by_key ON schools (district_id, name_key);

-- Everything the bot sends to a chat. Priority: 0 an answer to the user's
-- own action, 1 relayed messages and notices, 2 reminders, 3 broadcasts.
-- `payload` is the Bot API method's JSON parameters; an upload (photo,
-- document) is in `file`. Contents are cleared once the item is finished.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id     BIGINT  NOT NULL,
    priority    BIGINT  NOT NULL CHECK (priority BETWEEN 0 AND 3),
    method      TEXT    NOT NULL,
    payload     TEXT,
    file        BLOB,
    file_field  TEXT,
    file_name   TEXT,
    -- An edit of a message the outbox has not sent yet: its message id is
    -- taken from that item once it is sent.
    edit_of     BIGINT,
    -- A name to cancel or replace a pending item by (e.g. a reminder).
    key         TEXT,
    due_at      BIGINT  NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'sent', 'failed', 'cancelled', 'unreachable')),
    attempts    BIGINT  NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until BIGINT,
    message_id  BIGINT,
    error       TEXT,
    created_at  BIGINT  NOT NULL,
    finished_at BIGINT
);
CREATE INDEX outbox_pending ON outbox (priority, due_at, id) WHERE state = 'pending';
CREATE UNIQUE INDEX outbox_pending_key ON outbox (key) WHERE state = 'pending';
CREATE INDEX outbox_pending_by_chat ON outbox (chat_id, id) WHERE state = 'pending';
CREATE INDEX outbox_finished ON outbox (finished_at) WHERE state <> 'pending';
