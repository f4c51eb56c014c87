//! The sender's side of the outbox's table: claiming due items (leased to
//! one instance), confirming a claim just before sending, keeping and
//! giving back leases, recording how each send ended, and when to look
//! again.

use super::{Claimed, Confirmed, ItemState, ItemStatus, Notice, Outcome, Priority, SentRecord, Upload};
use crate::db::{Db, DbResult, on, on_pool};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct ClaimedRow {
    id: i64,
    chat_id: i64,
    priority: i64,
    method: String,
    payload: Option<String>,
    file: Option<Vec<u8>>,
    file_field: Option<String>,
    file_name: Option<String>,
    edit_of: Option<i64>,
    key: Option<String>,
    attempts: i64,
    due_at: i64,
    fallback_method: Option<String>,
    fallback_payload: Option<String>,
    notice_chat: Option<i64>,
    notice_text: Option<String>,
    after_key: Option<String>,
    lease_until: Option<i64>,
}

impl ClaimedRow {
    fn into_claimed(self) -> DbResult<Claimed> {
        let file = match (self.file, self.file_field) {
            (Some(bytes), Some(field)) => {
                Some(Upload { field, name: self.file_name.unwrap_or_default(), bytes })
            }
            _ => None,
        };
        Ok(Claimed {
            id: self.id,
            chat_id: self.chat_id,
            priority: Priority::from_i64(self.priority)?,
            method: self.method,
            payload: self.payload.unwrap_or_else(|| "{}".to_owned()),
            file,
            fallback: self.fallback_method.zip(self.fallback_payload),
            on_unreachable: self
                .notice_chat
                .zip(self.notice_text)
                .map(|(chat_id, text)| Notice { chat_id, text }),
            edit_of: self.edit_of,
            after: self.after_key,
            keyed: self.key.is_some(),
            attempts: self.attempts,
            due_at: self.due_at,
            lease_until: self.lease_until.unwrap_or(0),
        })
    }
}

/// `priority` is stored 0 to 3 (the table checks it) with an `urgent`
/// flag beside it: the rank is `priority - urgent` (an urgent item, -1,
/// comes first), as `Priority` numbers it.
const CLAIM_COLUMNS: &str = "id, chat_id, priority - urgent AS priority, method, payload, file, file_field, \
     file_name, edit_of, key, attempts, due_at, fallback_method, fallback_payload, notice_chat, notice_text, after_key, lease_until";

impl Db {
    /// Leases up to `limit` due items to `owner`, most urgent first. On
    /// PostgreSQL rows another instance is claiming are skipped
    /// (`FOR UPDATE SKIP LOCKED`); SQLite has one instance and one writer.
    pub async fn claim_due(
        &self,
        owner: &str,
        lease: chrono::Duration,
        now: DateTime<Utc>,
        limit: i64,
    ) -> DbResult<Vec<Claimed>> {
        let now_ms = now.timestamp_millis();
        let pick = "SELECT id FROM outbox
             WHERE state = 'pending' AND due_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
             ORDER BY priority - urgent, due_at, id LIMIT $4";
        let mut tx = self.begin().await?;
        // The one difference: PostgreSQL skips rows another instance is claiming.
        let lock = if tx.backend() == crate::db::Backend::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
        let sql = format!(
            "UPDATE outbox SET lease_owner = $1, lease_until = $2 WHERE id IN ({pick}{lock}) RETURNING {CLAIM_COLUMNS}"
        );
        let rows: Vec<ClaimedRow> = on!(&mut tx, c => sqlx::query_as(&sql)
            .bind(owner)
            .bind(now_ms + lease.num_milliseconds())
            .bind(now_ms)
            .bind(limit)
            .fetch_all(c)
            .await?);
        tx.commit().await?;
        let mut claimed = rows.into_iter().map(ClaimedRow::into_claimed).collect::<DbResult<Vec<_>>>()?;
        claimed.sort_by_key(|c| (c.priority, c.due_at, c.id));
        Ok(claimed)
    }

    /// Just before sending an item that can be cancelled: still pending
    /// and still ours? Counts the attempt when it is. An item that is no
    /// longer ours is told apart from one that is no longer pending: after
    /// our lease lapsed another instance may hold it, and then it is that
    /// instance's to send and to record — we must not mark it failed.
    pub async fn confirm_claim(&self, id: i64, owner: &str) -> DbResult<Confirmed> {
        // One statement, no transaction around it: it is paid before every
        // keyed send (a mentor's copy, a reminder). A "no" is told apart by
        // a read after it, which finds the item as it stands by then.
        self.check_outage()?;
        let done = on_pool!(self, p => sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1 WHERE id = $1 AND state = 'pending' AND lease_owner = $2"
        )
        .bind(id)
        .bind(owner)
        .execute(p)
        .await?
        .rows_affected());
        if done == 1 {
            return Ok(Confirmed::Ours);
        }
        let pending: i64 = on_pool!(self, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE id = $1 AND state = 'pending'"
        )
        .bind(id)
        .fetch_one(p)
        .await?);
        Ok(if pending == 1 { Confirmed::TakenOver } else { Confirmed::Gone })
    }

    /// Records how a send ended. A finished item's contents are erased. An
    /// item cancelled meanwhile stays cancelled, unless it was sent after all.
    pub async fn finish_item(&self, id: i64, outcome: &Outcome, now: DateTime<Utc>) -> DbResult<()> {
        let (state, message_id, error) = match outcome {
            Outcome::Sent { message_id, .. } => (ItemState::Sent, *message_id, None),
            Outcome::Failed(error) => (ItemState::Failed, None, Some(error.as_str())),
            Outcome::Unreachable => (ItemState::Unreachable, None, None),
            Outcome::NotOurs => return Ok(()),
            Outcome::Retry { at, reason } => {
                return self.delay_item(id, *at, &reason.to_string(), chrono::Duration::zero()).await;
            }
        };
        // One statement, no transaction around it: the sender's cost per message.
        self.check_outage()?;
        on_pool!(self, p => sqlx::query(
            "UPDATE outbox SET state = $2, message_id = $3, error = $4, finished_at = $5, payload = NULL,
                 file = NULL, fallback_payload = NULL, notice_text = NULL, lease_owner = NULL, lease_until = NULL, attempts = attempts + 1
             WHERE id = $1 AND (state = 'pending' OR $2 = 'sent')",
        )
        .bind(id)
        .bind(state.as_str())
        .bind(message_id)
        .bind(error)
        .bind(now.timestamp_millis())
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Whether an earlier item of at least this priority still waits to go
    /// to this chat: held by a sender (being sent, or retried — a retry
    /// moves `due_at` but keeps the lease), or due no later than this one
    /// (an item planned for later does not hold up today's messages).
    pub async fn older_pending(&self, chat: i64, id: i64, priority: Priority) -> DbResult<bool> {
        self.check_outage()?;
        let n: i64 = on_pool!(self, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE chat_id = $1 AND state = 'pending' AND id < $2 AND priority - urgent <= $3
                 AND (lease_owner IS NOT NULL OR due_at <= (SELECT due_at FROM outbox WHERE id = $2))",
        )
        .bind(chat)
        .bind(id)
        .bind(priority as i64)
        .fetch_one(p)
        .await?);
        Ok(n > 0)
    }

    /// Records sent items (id, Telegram's message id) in one statement.
    /// Records sent items: `(item, message id, last message id of several)`.
    pub async fn mark_sent(
        &self,
        sent: &[(i64, Option<i64>, Option<i64>)],
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        if sent.is_empty() {
            return Ok(());
        }
        self.check_outage()?;
        // Only integers we own go into the text of the statement.
        let ids = sent.iter().map(|(id, _, _)| id.to_string()).collect::<Vec<_>>().join(", ");
        let case_of = |pick: &dyn Fn(&SentRecord) -> Option<i64>| {
            let cases: String =
                sent.iter().filter_map(|s| pick(s).map(|m| format!(" WHEN {} THEN {m}", s.0))).collect();
            if cases.is_empty() { "NULL".to_owned() } else { format!("CASE id{cases} END") }
        };
        let (message_id, last) = (case_of(&|s| s.1), case_of(&|s| s.2));
        let sql = format!(
            "UPDATE outbox SET state = 'sent', message_id = {message_id}, last_message_id = {last},
                 finished_at = $1, payload = NULL,
                 file = NULL, fallback_payload = NULL, notice_text = NULL, lease_owner = NULL, lease_until = NULL, attempts = attempts + 1
             WHERE id IN ({ids})"
        );
        on_pool!(self, p => sqlx::query(&sql).bind(now.timestamp_millis()).execute(p).await?.rows_affected());
        self.note_erased();
        Ok(())
    }

    /// A passing failure: try again at `at`, the item staying ours.
    pub async fn delay_item(
        &self,
        id: i64,
        at: DateTime<Utc>,
        error: &str,
        lease: chrono::Duration,
    ) -> DbResult<()> {
        let mut tx = self.begin().await?;
        on!(&mut tx, c => sqlx::query(
            "UPDATE outbox SET due_at = $2, error = $3, lease_until = $4, attempts = attempts + 1
             WHERE id = $1 AND state = 'pending'",
        )
        .bind(id)
        .bind(at.timestamp_millis())
        .bind(error)
        .bind(at.timestamp_millis() + lease.num_milliseconds())
        .execute(c)
        .await?
            .rows_affected());
        tx.commit().await
    }

    /// Keeps the items `owner` holds leased for another `lease`.
    pub async fn renew_leases(
        &self,
        owner: &str,
        lease: chrono::Duration,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        let mut tx = self.begin().await?;
        on!(&mut tx, c => sqlx::query(
            "UPDATE outbox SET lease_until = CASE WHEN lease_until > $2 THEN lease_until ELSE $2 END
             WHERE lease_owner = $1 AND state = 'pending'",
        )
        .bind(owner)
        .bind(now.timestamp_millis() + lease.num_milliseconds())
        .execute(c)
        .await?
            .rows_affected());
        tx.commit().await
    }

    /// Gives back the items `owner` holds (a clean shutdown).
    pub async fn release_leases(&self, owner: &str) -> DbResult<()> {
        let mut tx = self.begin().await?;
        on!(&mut tx, c => sqlx::query(
            "UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1 AND state = 'pending'",
        )
        .bind(owner)
        .execute(c)
        .await?
            .rows_affected());
        tx.commit().await
    }

    /// Gives back every lease: SQLite at start, where no other instance
    /// can exist (the one before has stopped or died).
    pub async fn release_all_leases(&self) -> DbResult<()> {
        let mut tx = self.begin().await?;
        on!(&mut tx, c => sqlx::query(
            "UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE state = 'pending' AND lease_owner IS NOT NULL",
        )
        .execute(c)
        .await?
            .rows_affected());
        tx.commit().await
    }

    /// When the next item becomes due (or its lease lapses), if any.
    pub async fn next_outbox_time(&self) -> DbResult<Option<i64>> {
        self.check_outage()?;
        Ok(on_pool!(self, p => sqlx::query_scalar(
            "SELECT MIN(CASE WHEN lease_until > due_at THEN lease_until ELSE due_at END)
             FROM outbox WHERE state = 'pending'",
        )
        .fetch_one(p)
        .await?))
    }

    /// Where the item keyed `key` stands (a replaced item's successor
    /// counts: the pending one if any, else the latest); `None` if there
    /// is none.
    pub async fn state_of_key(&self, key: &str) -> DbResult<Option<ItemState>> {
        self.check_outage()?;
        let state: Option<String> = on_pool!(self, p => sqlx::query_scalar(
            "SELECT state FROM outbox WHERE key = $1
             ORDER BY CASE WHEN state = 'pending' THEN 0 ELSE 1 END, id DESC LIMIT 1",
        )
        .bind(key)
        .fetch_optional(p)
        .await?);
        state.map(|s| crate::db::strict("outbox state", &s)).transpose()
    }

    /// The message id Telegram gave the item `id`: `Ok(None)` while it is
    /// not sent yet; `Err(())` inside when it never will be.
    pub async fn message_of(&self, id: i64) -> DbResult<Result<Option<i64>, ()>> {
        Ok(match self.outbox_status(id).await? {
            Some(ItemStatus { state: ItemState::Sent, message_id: Some(m), .. }) => Ok(Some(m)),
            Some(ItemStatus { state: ItemState::Pending, .. }) => Ok(None),
            _ => Err(()),
        })
    }
}
