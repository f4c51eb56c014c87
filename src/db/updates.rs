//! The durable inbox of Telegram updates (see `intake`): stored before
//! they are acknowledged, handled once, each inside the transaction that
//! also holds its effects.

use super::{Db, DbResult, Tx, autocommit, on};
use chrono::{DateTime, Utc};

/// An update as it arrives, before storing.
#[derive(Debug, Clone)]
pub struct StoredUpdate {
    pub update_id: i64,
    /// The sender (or chat) whose updates are handled in order; 0 for none.
    pub chat_key: i64,
    /// The JSON exactly as Telegram sent it.
    pub payload: String,
    /// `Some(reason)`: dropped on arrival (the flood limit), stored as handled.
    pub dropped: Option<&'static str>,
    /// An SOS or crisis words: handled before the chat's other updates.
    pub urgent: bool,
    /// Over the flood limit but kept (a member's words): handled no
    /// earlier than this, so that the writer is slowed, not silenced.
    pub not_before: Option<DateTime<Utc>>,
}

/// The oldest unhandled update of a chat.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingUpdate {
    pub update_id: i64,
    pub payload: Option<String>,
    pub attempts: i64,
    pub received_at: i64,
    pub not_before: Option<i64>,
}

/// What a chat has next.
#[derive(Debug)]
pub enum Next {
    Update(PendingUpdate),
    Empty,
    /// Another instance is handling this chat right now.
    Locked,
}

impl Tx {
    /// Stores an update before it is acknowledged. Returns `false` when this
    /// `update_id` was seen before (Telegram delivered it twice).
    pub async fn store_update(&mut self, u: &StoredUpdate, now: DateTime<Utc>) -> DbResult<bool> {
        let now = now.timestamp_millis();
        let (payload, handled_at) = match u.dropped {
            None => (Some(u.payload.as_str()), None),
            Some(_) => (None, Some(now)),
        };
        let done = on!(self, c => sqlx::query(
            "INSERT INTO updates (update_id, chat_key, payload, received_at, handled_at, failure, urgent, not_before)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (update_id) DO NOTHING",
        )
        .bind(u.update_id)
        .bind(u.chat_key)
        .bind(payload)
        .bind(now)
        .bind(handled_at)
        .bind(u.dropped)
        .bind(i64::from(u.urgent))
        .bind(u.not_before.map(|t| t.timestamp_millis()))
        .execute(c)
        .await?
            .rows_affected());
        Ok(done == 1)
    }

    /// Stores a batch with one statement; returns the ids that were new
    /// (the others were delivered before).
    pub async fn store_batch(&mut self, batch: &[StoredUpdate], now: DateTime<Utc>) -> DbResult<Vec<i64>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let now = now.timestamp_millis();
        let values = (0..batch.len())
            .map(|i| {
                let b = i * 7;
                format!(
                    "(${}, ${}, ${}, {now}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO updates (update_id, chat_key, payload, received_at, handled_at, failure, urgent, not_before)
             VALUES {values} ON CONFLICT (update_id) DO NOTHING RETURNING update_id"
        );
        Ok(on!(self, c => {
            let mut q = sqlx::query_scalar(&sql);
            for u in batch {
                let (payload, handled_at) = match u.dropped {
                    None => (Some(u.payload.as_str()), None),
                    Some(_) => (None, Some(now)),
                };
                q = q
                    .bind(u.update_id)
                    .bind(u.chat_key)
                    .bind(payload)
                    .bind(handled_at)
                    .bind(u.dropped)
                    .bind(i64::from(u.urgent))
                    .bind(u.not_before.map(|t| t.timestamp_millis()));
            }
            q.fetch_all(c).await?
        }))
    }

    /// Claims the chat's oldest unhandled update: marks it handled in this
    /// transaction (so its effects and the mark commit together, or neither)
    /// and returns it. On PostgreSQL the chat is first locked for this
    /// transaction (`pg_try_advisory_xact_lock`): if another instance holds
    /// it, [`Next::Locked`] — that instance is on it. The contents are
    /// erased soon after by [`Db::erase_handled`].
    pub async fn claim_next_update(&mut self, chat_key: i64, now: DateTime<Utc>) -> DbResult<Next> {
        if let Tx::Postgres(t) = self {
            let ours: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
                .bind(chat_key)
                .fetch_one(&mut **t)
                .await?;
            if !ours {
                return Ok(Next::Locked);
            }
        }
        let next: Option<PendingUpdate> = on!(self, c => sqlx::query_as(
            "UPDATE updates SET handled_at = $2 WHERE update_id = (
                 SELECT update_id FROM updates WHERE chat_key = $1 AND handled_at IS NULL
                 ORDER BY urgent DESC, update_id LIMIT 1)
             RETURNING update_id, payload, attempts, received_at, not_before",
        )
        .bind(chat_key)
        .bind(now.timestamp_millis())
        .fetch_optional(c)
        .await?);
        Ok(next.map_or(Next::Empty, Next::Update))
    }

    /// Marks an update handled and erases its contents. `failure`: why it
    /// was set aside instead. `false` if it was handled already.
    pub async fn finish_update(
        &mut self,
        update_id: i64,
        failure: Option<&str>,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        let done = on!(self, c => sqlx::query(
            "UPDATE updates SET handled_at = $2, payload = NULL, failure = $3
             WHERE update_id = $1 AND handled_at IS NULL",
        )
        .bind(update_id)
        .bind(now.timestamp_millis())
        .bind(failure)
        .execute(c)
        .await?
            .rows_affected());
        Ok(done == 1)
    }

    /// A passing failure: count it, and wait until `not_before`.
    pub async fn delay_update(&mut self, update_id: i64, not_before: DateTime<Utc>) -> DbResult<()> {
        on!(self, c => sqlx::query(
            "UPDATE updates SET attempts = attempts + 1, not_before = $2 WHERE update_id = $1 AND handled_at IS NULL",
        )
        .bind(update_id)
        .bind(not_before.timestamp_millis())
        .execute(c)
        .await?
            .rows_affected());
        Ok(())
    }

    /// Chats with unhandled updates, and how many each has.
    pub async fn chats_with_pending(&mut self, limit: i64) -> DbResult<Vec<(i64, i64)>> {
        Ok(on!(self, c => sqlx::query_as(
            "SELECT chat_key, COUNT(*) FROM updates WHERE handled_at IS NULL
             GROUP BY chat_key ORDER BY MIN(update_id) LIMIT $1",
        )
        .bind(limit)
        .fetch_all(c)
        .await?))
    }

    /// `None`: never received; `Some(false)`: stored, not yet handled.
    pub async fn update_handled(&mut self, update_id: i64) -> DbResult<Option<bool>> {
        let row: Option<Option<i64>> = on!(self, c => sqlx::query_scalar("SELECT handled_at FROM updates WHERE update_id = $1")
            .bind(update_id)
            .fetch_optional(c)
            .await?);
        Ok(row.map(|h| h.is_some()))
    }

    /// Why an update was set aside (`None`: handled normally, or not yet).
    pub async fn update_failure(&mut self, update_id: i64) -> DbResult<Option<String>> {
        let row: Option<Option<String>> = on!(self, c => sqlx::query_scalar("SELECT failure FROM updates WHERE update_id = $1")
            .bind(update_id)
            .fetch_optional(c)
            .await?);
        Ok(row.flatten())
    }

    /// Forgets the ids of updates handled before `before` (they cannot be
    /// re-delivered any more: Telegram keeps updates for 24 hours).
    pub async fn prune_updates(&mut self, before: DateTime<Utc>) -> DbResult<u64> {
        Ok(on!(self, c => sqlx::query("DELETE FROM updates WHERE handled_at IS NOT NULL AND handled_at < $1")
            .bind(before.timestamp_millis())
            .execute(c)
            .await?
            .rows_affected()))
    }
}

autocommit! {
    fn update_handled(&self, update_id: i64) -> Option<bool>;
    fn update_failure(&self, update_id: i64) -> Option<String>;
    fn prune_updates(&self, before: DateTime<Utc>) -> u64;
    fn chats_with_pending(&self, limit: i64) -> Vec<(i64, i64)>;
}

impl Db {
    /// Erases the contents of handled updates (one statement for all of
    /// them; the intake runs it right after a burst of handling).
    pub async fn erase_handled(&self) -> DbResult<u64> {
        self.check_outage()?;
        let erased = super::on_pool!(self, p => sqlx::query(
            "UPDATE updates SET payload = NULL WHERE payload IS NOT NULL AND handled_at IS NOT NULL"
        )
        .execute(p)
        .await?
        .rows_affected());
        if erased > 0 {
            self.note_erased();
        }
        Ok(erased)
    }

    /// Stores a batch in one transaction; for each update, whether it was new.
    pub async fn store_updates(&self, batch: &[StoredUpdate], now: DateTime<Utc>) -> DbResult<Vec<bool>> {
        let mut tx = self.begin().await?;
        let mut fresh = Vec::with_capacity(batch.len());
        for u in batch {
            fresh.push(tx.store_update(u, now).await?);
        }
        tx.commit().await?;
        Ok(fresh)
    }
}
