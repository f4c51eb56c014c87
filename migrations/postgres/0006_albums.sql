-- An album (photos or videos sent together, one media group) becomes one
-- question: its later parts find it by the sender and the media group id.
ALTER TABLE questions ADD COLUMN media_group_id TEXT;
CREATE INDEX questions_by_album ON questions (sender_id, media_group_id) WHERE media_group_id IS NOT NULL;
