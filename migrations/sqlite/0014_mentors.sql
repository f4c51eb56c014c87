-- /mentors: a mentor the coordinator took out of the programme, and
-- when (NULL while they take part). The role stays 'mentor', so that
-- reactivation gives it back; while this is set, none of a mentor's
-- commands or buttons work for them. Their students, unanswered questions
-- and future meetings were handed over in the transaction that set it.
ALTER TABLE users ADD COLUMN deactivated_at BIGINT;
