//! Items found by their key, for the features that name what they queue
//! (`q:<question>:<part>` copies, `sos:<question>:<coordinator>`
//! escalations, `bc:<broadcast>:<user>` copies): which item carries a key,
//! which key a sent message came from, how the items of a prefix ended.
//! Only the outbox's own columns are read, never a stored payload.

use super::super::{DbResult, Tx, on, strict};
use super::ItemState;

impl Tx {
    /// The key of the item whose message (or one of the messages it sent
    /// at once, an album's copies) is `message_id` in `chat`, among keys
    /// starting with `prefix`.
    pub async fn key_of_sent(
        &mut self,
        chat: i64,
        message_id: i64,
        prefix: &str,
    ) -> DbResult<Option<String>> {
        let like = super::super::starts_with(prefix);
        let key: Option<Option<String>> = on!(self, c => sqlx::query_scalar(
            "SELECT key FROM outbox WHERE chat_id = $1 AND key LIKE $3
                 AND (message_id = $2 OR (message_id < $2 AND last_message_id >= $2))
             ORDER BY id DESC LIMIT 1",
        )
        .bind(chat)
        .bind(message_id)
        .bind(&like)
        .fetch_optional(c)
        .await?);
        Ok(key.flatten())
    }

    /// The newest item with this key that is waiting or sent (an edit's
    /// target).
    pub async fn item_with_key(&mut self, key: &str) -> DbResult<Option<i64>> {
        Ok(on!(self, c => sqlx::query_scalar(
            "SELECT id FROM outbox WHERE key = $1 AND state IN ('pending', 'sent') ORDER BY id DESC LIMIT 1",
        )
        .bind(key)
        .fetch_optional(c)
        .await?))
    }

    /// The keys starting with `prefix` of the items that were sent.
    pub async fn sent_keys(&mut self, prefix: &str) -> DbResult<Vec<String>> {
        let like = super::super::starts_with(prefix);
        let keys: Vec<Option<String>> = on!(self, c => sqlx::query_scalar(
            "SELECT key FROM outbox WHERE key LIKE $1 AND state = 'sent'",
        )
        .bind(&like)
        .fetch_all(c)
        .await?);
        Ok(keys.into_iter().flatten().collect())
    }

    /// The items with keys starting with `prefix` that are finished: each
    /// key, how it ended, and Telegram's error for one that failed. A key
    /// queued more than once (replaced) comes once per item, oldest first.
    pub async fn finished_with_prefix(
        &mut self,
        prefix: &str,
    ) -> DbResult<Vec<(String, ItemState, Option<String>)>> {
        let like = super::super::starts_with(prefix);
        let rows: Vec<(Option<String>, String, Option<String>)> = on!(self, c => sqlx::query_as(
            "SELECT key, state, error FROM outbox WHERE key LIKE $1 AND state <> 'pending' ORDER BY id",
        )
        .bind(&like)
        .fetch_all(c)
        .await?);
        rows.into_iter()
            .filter_map(|(key, state, error)| key.map(|k| (k, state, error)))
            .map(|(key, state, error)| Ok((key, strict("outbox state", &state)?, error)))
            .collect()
    }
}
