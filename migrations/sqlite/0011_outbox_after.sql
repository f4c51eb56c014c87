-- An item that must follow another (the 👌 on a message held by quiet
-- hours follows the mentor's copy): the key of the item it follows. The
-- sender makes its request once that item is sent, waits while it is
-- pending, and drops it when it failed, was cancelled or its recipient is
-- unreachable.
ALTER TABLE outbox ADD COLUMN after_key TEXT;

-- Items looked up by key in any state: the item an item follows, the copy
-- an edit edits.
CREATE INDEX outbox_by_key ON outbox (key) WHERE key IS NOT NULL;
