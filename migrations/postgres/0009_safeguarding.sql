-- An update that must never wait behind ordinary traffic: an SOS (typed,
-- in a caption, or its buttons) or a message with crisis words. It is
-- never dropped by the flood limit, and its chat handles it first.
ALTER TABLE updates ADD COLUMN urgent BIGINT NOT NULL DEFAULT 0;

-- A mentor's block of an anonymous writer, kept apart from the blocks of
-- named people: the mentor sees it by question ("anonymous writers you
-- blocked"), never on a student's card, so that blocking tells nothing of
-- who wrote. It stops the writer as a named block does.
CREATE TABLE anonymous_blocks (
    mentor_id   BIGINT  NOT NULL REFERENCES users (id),
    question_id BIGINT  NOT NULL REFERENCES questions (id),
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    created_at  BIGINT  NOT NULL,
    told_at     BIGINT,
    PRIMARY KEY (mentor_id, question_id)
);
CREATE INDEX anonymous_blocks_by_user ON anonymous_blocks (mentor_id, user_id);

-- An outbox item for a child in danger (an SOS, the helplines) goes ahead
-- of everything, within its chat too: its rank is `priority - urgent`.
ALTER TABLE outbox ADD COLUMN urgent BIGINT NOT NULL DEFAULT 0;
