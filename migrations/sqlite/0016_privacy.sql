-- Erasure (`/deleteme`, `talimger forget`): a forgotten person leaves a
-- tombstone — a row under a fresh negative id (never a Telegram id) with
-- no name, username, language or role, only the school and district the
-- counts are kept under — that their anonymous questions and meetings
-- point to, so that foreign keys and the figures hold. Set once, when the
-- person is erased; `Tx::user` never returns such a row.
ALTER TABLE users ADD COLUMN forgotten_at BIGINT;
