-- What the sender does besides an item's request is kept beside it, not
-- inside the Telegram payload: the request to make instead when Telegram
-- refuses it (400), and the line for a writer whose recipient is
-- unreachable (403). Both are erased with the payload once the item is done.
ALTER TABLE outbox ADD COLUMN fallback_method TEXT;
ALTER TABLE outbox ADD COLUMN fallback_payload TEXT;
ALTER TABLE outbox ADD COLUMN notice_chat INTEGER;
ALTER TABLE outbox ADD COLUMN notice_text TEXT;

-- Items queued by an older version carried them inside the payload.
UPDATE outbox SET
    fallback_method = json_extract(payload, '$._fallback.method'),
    fallback_payload = json_extract(payload, '$._fallback.params'),
    notice_chat = json_extract(payload, '$._unreachable.chat_id'),
    notice_text = json_extract(payload, '$._unreachable.text'),
    payload = json_remove(payload, '$._fallback', '$._unreachable')
WHERE state = 'pending' AND payload IS NOT NULL AND json_valid(payload)
    AND (instr(payload, '"_fallback"') > 0 OR instr(payload, '"_unreachable"') > 0);
