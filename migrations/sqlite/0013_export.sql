-- Exports: the programme's secret salt for pseudonymous ids. A student in
-- an export is `P-` and the first 12 hex digits of SHA-256(salt, user id):
-- the same person has the same id in every export of this programme, and
-- nobody without the database can turn it back into a Telegram id. Made
-- once, at the first export (`INSERT … ON CONFLICT DO NOTHING`).
CREATE TABLE programme_secrets (
    name        TEXT    PRIMARY KEY,
    value       TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
