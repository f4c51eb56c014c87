-- What several messages sent at once (an album's copies, by copyMessages)
-- got as ids: the first is `message_id`, the last this; NULL for one.
-- A reply to any of them finds the item.
ALTER TABLE outbox ADD COLUMN last_message_id INTEGER;
