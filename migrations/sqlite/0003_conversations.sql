-- Conversations: what students and parents write to their mentor, the
-- mentor's answers, SOS alerts and their steps, blocks and quiet hours.
-- Instants are milliseconds since the Unix epoch, UTC. Contents are never
-- stored here: the relayed copies are outbox items (keyed `q:<question>:…`),
-- whose payloads are erased once sent.

-- One message (or album) a student or parent sent to a mentor.
-- kind: ordinary, anonymous, urgent (an SOS). `chat_message_id` is the
-- message in the sender's chat the answer is threaded to.
CREATE TABLE questions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    mentor_id       BIGINT  NOT NULL REFERENCES users (id),
    sender_id       BIGINT  NOT NULL REFERENCES users (id),
    student_id      BIGINT  NOT NULL REFERENCES users (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('ordinary', 'anonymous', 'urgent')),
    chat_message_id BIGINT  NOT NULL,
    flagged         BIGINT  NOT NULL DEFAULT 0,
    held_until      BIGINT,
    created_at      BIGINT  NOT NULL,
    answered_at     BIGINT,
    acknowledged_at BIGINT,
    acknowledged_by BIGINT  REFERENCES users (id)
);
CREATE INDEX questions_open ON questions (mentor_id, created_at) WHERE answered_at IS NULL;
CREATE INDEX questions_by_source ON questions (sender_id, chat_message_id);

-- Who did what to an SOS, and when (for response times).
-- step: raised, mentor_alerted, escalation_due, acknowledged.
CREATE TABLE sos_steps (
    question_id BIGINT  NOT NULL REFERENCES questions (id),
    step        TEXT    NOT NULL,
    actor_id    BIGINT  REFERENCES users (id),
    at          BIGINT  NOT NULL
);
CREATE INDEX sos_steps_by_question ON sos_steps (question_id, at);

-- A mentor stopped a user from writing to them. `told_at`: the user was told once.
CREATE TABLE relay_blocks (
    mentor_id   BIGINT  NOT NULL REFERENCES users (id),
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    created_at  BIGINT  NOT NULL,
    told_at     BIGINT,
    PRIMARY KEY (mentor_id, user_id)
);

-- A mentor's quiet hours (minutes after midnight in the programme's time
-- zone). No row: on, 22:00–07:00.
CREATE TABLE quiet_hours (
    mentor_id   BIGINT  PRIMARY KEY REFERENCES users (id),
    enabled     BIGINT  NOT NULL,
    start_min   BIGINT  NOT NULL,
    end_min     BIGINT  NOT NULL
);

-- The relay finds the question a mentor replied to by the message id
-- Telegram gave the bot's copy.
CREATE INDEX outbox_by_message ON outbox (chat_id, message_id) WHERE message_id IS NOT NULL;
