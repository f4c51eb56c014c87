-- The unanswered radar: when the coordinators were told that a question
-- waited too long for its mentor. Set once, in the radar job's transaction
-- (`UPDATE … WHERE radar_at IS NULL`), so that a question is reported once,
-- across restarts and with several instances.
ALTER TABLE questions ADD COLUMN radar_at BIGINT;
