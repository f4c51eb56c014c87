-- What the sender does besides an item's request is kept beside it, not
-- inside the Telegram payload: the request to make instead when Telegram
-- refuses it (400), and the line for a writer whose recipient is
-- unreachable (403). Both are erased with the payload once the item is done.
ALTER TABLE outbox
    ADD COLUMN fallback_method TEXT,
    ADD COLUMN fallback_payload TEXT,
    ADD COLUMN notice_chat BIGINT,
    ADD COLUMN notice_text TEXT;

-- Items queued by an older version carried them inside the payload.
UPDATE outbox SET
    fallback_method = payload::jsonb -> '_fallback' ->> 'method',
    fallback_payload = (payload::jsonb -> '_fallback' -> 'params')::text,
    notice_chat = (payload::jsonb -> '_unreachable' ->> 'chat_id')::bigint,
    notice_text = payload::jsonb -> '_unreachable' ->> 'text',
    payload = (payload::jsonb - '_fallback' - '_unreachable')::text
WHERE state = 'pending' AND payload IS NOT NULL
    AND (position('"_fallback"' in payload) > 0 OR position('"_unreachable"' in payload) > 0);
