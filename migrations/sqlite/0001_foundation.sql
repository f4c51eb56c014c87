-- Foundation: people, their places in the programme, invites, and the
-- bookkeeping that makes updates and dialogues survive a restart.
-- Instants are milliseconds since the Unix epoch, UTC.

CREATE TABLE districts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL UNIQUE,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE schools (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id BIGINT  NOT NULL REFERENCES districts (id),
    name        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    UNIQUE (district_id, name)
);

-- A Telegram user the bot has met. `role` NULL: not (yet) in the programme.
CREATE TABLE users (
    id          BIGINT  PRIMARY KEY,
    first_name  TEXT    NOT NULL,
    last_name   TEXT,
    username    TEXT,
    language    TEXT    CHECK (language IN ('kk', 'ru')),
    role        TEXT    CHECK (role IN ('coordinator', 'mentor', 'student', 'parent')),
    district_id BIGINT  REFERENCES districts (id),
    school_id   BIGINT  REFERENCES schools (id),
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

-- A student has exactly one active mentor.
CREATE TABLE mentor_students (
    student_id  BIGINT  PRIMARY KEY REFERENCES users (id),
    mentor_id   BIGINT  NOT NULL REFERENCES users (id),
    linked_at   BIGINT  NOT NULL
);
CREATE INDEX mentor_students_by_mentor ON mentor_students (mentor_id);

-- A parent may have several children; a child may have several parents.
CREATE TABLE parent_students (
    parent_id   BIGINT  NOT NULL REFERENCES users (id),
    student_id  BIGINT  NOT NULL REFERENCES users (id),
    linked_at   BIGINT  NOT NULL,
    PRIMARY KEY (parent_id, student_id)
);
CREATE INDEX parent_students_by_student ON parent_students (student_id);

-- Only the SHA-256 of a code is kept. `created_by` NULL: issued on the command line.
CREATE TABLE invites (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code_hash   TEXT    NOT NULL UNIQUE,
    role        TEXT    NOT NULL CHECK (role IN ('coordinator', 'mentor', 'student', 'parent')),
    created_by  BIGINT  REFERENCES users (id),
    district_id BIGINT  REFERENCES districts (id),
    school_id   BIGINT  REFERENCES schools (id),
    mentor_id   BIGINT  REFERENCES users (id),
    student_id  BIGINT  REFERENCES users (id),
    max_uses    BIGINT  NOT NULL CHECK (max_uses > 0),
    uses        BIGINT  NOT NULL DEFAULT 0 CHECK (uses <= max_uses),
    expires_at  BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE invite_redemptions (
    invite_id   BIGINT  NOT NULL REFERENCES invites (id),
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    redeemed_at BIGINT  NOT NULL,
    PRIMARY KEY (invite_id, user_id)
);

-- Every update received, stored before it is acknowledged to Telegram.
-- `payload` is cleared once the update is handled (it may hold message text);
-- the row stays so that a re-delivered update is recognised.
CREATE TABLE updates (
    update_id   BIGINT  PRIMARY KEY,
    chat_key    BIGINT,
    payload     TEXT,
    received_at BIGINT  NOT NULL,
    attempts    BIGINT  NOT NULL DEFAULT 0,
    handled_at  BIGINT
);
CREATE INDEX updates_pending ON updates (handled_at, update_id);

-- Dialogue state per chat, as JSON of `dialogue::State` (ids only).
CREATE TABLE dialogues (
    chat_id     BIGINT  PRIMARY KEY,
    state       TEXT    NOT NULL,
    updated_at  BIGINT  NOT NULL
);
