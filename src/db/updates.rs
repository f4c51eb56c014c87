//! The durable inbox of Telegram updates (see `intake`).

use super::{Db, DbResult};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone)]
pub struct StoredUpdate {
    pub update_id: i64,
    pub chat_key: Option<i64>,
    pub payload: String,
    pub attempts: i64,
}

impl Db {
    /// Stores an update before it is acknowledged. Returns `false` when this
    /// `update_id` was seen before (Telegram delivered it twice).
    pub async fn store_update(
        &self,
        update_id: i64,
        chat_key: Option<i64>,
        payload: &str,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        let done = sqlx::query(
            "INSERT INTO updates (update_id, chat_key, payload, received_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (update_id) DO NOTHING",
        )
        .bind(update_id)
        .bind(chat_key)
        .bind(payload)
        .bind(now.timestamp_millis())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Updates stored but not yet handled, oldest first.
    pub async fn pending_updates(&self, limit: i64) -> DbResult<Vec<StoredUpdate>> {
        let rows: Vec<(i64, Option<i64>, Option<String>, i64)> = sqlx::query_as(
            "SELECT update_id, chat_key, payload, attempts FROM updates
             WHERE handled_at IS NULL ORDER BY update_id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(update_id, chat_key, payload, attempts)| StoredUpdate {
                update_id,
                chat_key,
                payload: payload.unwrap_or_default(),
                attempts,
            })
            .collect())
    }

    /// Counts an attempt before handling starts, so that an update that
    /// crashes the process again and again is eventually set aside.
    pub async fn start_attempt(&self, update_id: i64) -> DbResult<()> {
        sqlx::query("UPDATE updates SET attempts = attempts + 1 WHERE update_id = $1")
            .bind(update_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Marks an update handled and forgets its contents.
    pub async fn mark_handled(&self, update_id: i64, now: DateTime<Utc>) -> DbResult<()> {
        sqlx::query("UPDATE updates SET handled_at = $2, payload = NULL WHERE update_id = $1")
            .bind(update_id)
            .bind(now.timestamp_millis())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// `None`: never received; `Some(false)`: stored, not yet handled.
    pub async fn update_handled(&self, update_id: i64) -> DbResult<Option<bool>> {
        let row: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT handled_at FROM updates WHERE update_id = $1")
                .bind(update_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(h,)| h.is_some()))
    }

    /// Forgets the ids of updates handled before `before` (they cannot be
    /// re-delivered any more: Telegram keeps updates for 24 hours).
    pub async fn prune_updates(&self, before: DateTime<Utc>) -> DbResult<u64> {
        Ok(sqlx::query("DELETE FROM updates WHERE handled_at IS NOT NULL AND handled_at < $1")
            .bind(before.timestamp_millis())
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}
