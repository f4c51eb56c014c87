//! The outbox's table: everything the bot sends, written in the
//! transaction of the update that caused it, then claimed, sent and
//! finished by `crate::outbox`.
//!
//! This file: what an item is (its priority, state, outcome and why it
//! waits), and the queue as the rest of the bot sees it — queueing in an
//! update's transaction, cancelling by key, reading back, pruning. The
//! sender's side (claiming, leases, recording outcomes) is `claims`.

mod claims;
mod keys;
mod queue;
mod request;

pub use request::{Notice, Request, Upload};

use super::{DbResult, Tx, autocommit, on, strict};
use chrono::{DateTime, Utc};
use std::str::FromStr;

/// Who waits for a message decides its place in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// A child may be in danger: an SOS, the helplines of a crisis answer.
    /// Goes ahead of everything, within a chat too.
    Urgent = -1,
    /// An answer to the user's own action.
    Answer = 0,
    /// A relayed message, a notice of someone else's action.
    Notice = 1,
    Reminder = 2,
    /// A broadcast.
    Bulk = 3,
}

impl Priority {
    fn from_i64(n: i64) -> DbResult<Priority> {
        Ok(match n {
            -1 => Priority::Urgent,
            0 => Priority::Answer,
            1 => Priority::Notice,
            2 => Priority::Reminder,
            3 => Priority::Bulk,
            _ => return Err(super::DbError::Corrupt(format!("outbox priority {n}"))),
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemState {
    Pending,
    Sent,
    Failed,
    Cancelled,
    Unreachable,
}

impl ItemState {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Pending => "pending",
            ItemState::Sent => "sent",
            ItemState::Failed => "failed",
            ItemState::Cancelled => "cancelled",
            ItemState::Unreachable => "unreachable",
        }
    }
}

impl FromStr for ItemState {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        [ItemState::Pending, ItemState::Sent, ItemState::Failed, ItemState::Cancelled, ItemState::Unreachable]
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or(())
    }
}

/// A Bot API request to make later.
#[derive(Clone, Debug)]
pub struct NewItem {
    pub chat_id: i64,
    pub priority: Priority,
    pub request: Request,
    /// The request to make instead when Telegram refuses this one with a
    /// 400 (a reaction that cannot be set becomes a short line).
    pub fallback: Option<Request>,
    /// The line for someone else when the recipient is unreachable (403).
    pub on_unreachable: Option<Notice>,
    /// An edit of the message another outbox item sends: that item's id.
    pub edit_of: Option<i64>,
    /// The key of an item this one follows (the 👌 on a held message
    /// follows the mentor's copy): made once that item is sent, waiting
    /// while it is pending, dropped if it failed, was cancelled or its
    /// recipient is unreachable.
    pub after: Option<String>,
    /// Cancels or replaces a pending item by name (a reminder).
    pub key: Option<String>,
    /// `None`: now.
    pub due_at: Option<DateTime<Utc>>,
}

impl NewItem {
    /// A request for `chat`, to be made now.
    pub fn new(chat_id: i64, priority: Priority, request: Request) -> NewItem {
        NewItem {
            chat_id,
            priority,
            request,
            fallback: None,
            on_unreachable: None,
            edit_of: None,
            after: None,
            key: None,
            due_at: None,
        }
    }

    /// A teloxide payload's request for `chat`, to be made now.
    pub fn of<P: teloxide::requests::Payload + serde::Serialize>(
        chat_id: i64,
        priority: Priority,
        payload: &P,
    ) -> NewItem {
        NewItem::new(chat_id, priority, Request::of(payload))
    }

    /// Named, so that it can be cancelled or replaced.
    pub fn keyed(mut self, key: impl Into<String>) -> NewItem {
        self.key = Some(key.into());
        self
    }

    /// Made at `at` (`None`: now).
    pub fn due(mut self, at: Option<DateTime<Utc>>) -> NewItem {
        self.due_at = at;
        self
    }

    /// Instead, when Telegram refuses this request (400).
    pub fn or_else(mut self, fallback: Request) -> NewItem {
        self.fallback = Some(fallback);
        self
    }

    /// Made only once the item keyed `key` is sent (see `after`).
    pub fn after(mut self, key: impl Into<String>) -> NewItem {
        self.after = Some(key.into());
        self
    }

    /// Told to `chat` when the recipient turns out unreachable (403).
    pub fn on_unreachable(mut self, chat_id: i64, text: impl Into<String>) -> NewItem {
        self.on_unreachable = Some(Notice { chat_id, text: text.into() });
        self
    }
}

/// An item a sender holds (leased to it) and will send.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: i64,
    pub chat_id: i64,
    pub priority: Priority,
    pub method: String,
    pub payload: String,
    pub file: Option<Upload>,
    /// The fallback request: its method and its body.
    pub fallback: Option<(String, String)>,
    pub on_unreachable: Option<Notice>,
    pub edit_of: Option<i64>,
    /// The key of the item this one follows.
    pub after: Option<String>,
    pub keyed: bool,
    pub attempts: i64,
    pub due_at: i64,
    /// Until when (ms) this instance knows the item is leased to it: set
    /// at the claim, moved on by each renewal that began before it. Past
    /// it, another instance may have taken the item over: it is confirmed
    /// before it is sent, keyed or not.
    pub lease_until: i64,
}

/// A sent item: its id, the message id, and the last message id of
/// several sent at once (an album's copies).
pub type SentRecord = (i64, Option<i64>, Option<i64>);

/// What [`Db::confirm_claim`] found just before a send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirmed {
    /// Still pending and leased to us: send it.
    Ours,
    /// No longer pending: cancelled (or finished) meanwhile.
    Gone,
    /// Still pending, but leased to another instance since our lease
    /// lapsed: theirs to send and to record; we leave it alone.
    TakenOver,
}

/// How a send ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Sent {
        message_id: Option<i64>,
        /// The last id of several messages sent at once (an album's copies).
        last_message_id: Option<i64>,
    },
    /// Telegram refused it (400): recorded, not retried.
    Failed(String),
    /// The user blocked the bot (403): recorded, not retried.
    Unreachable,
    /// Not now: try again at `at`.
    Retry { at: DateTime<Utc>, reason: RetryReason },
    /// Not sent, and nothing to record: another instance holds the item
    /// since our lease lapsed ([`Confirmed::TakenOver`]).
    NotOurs,
}

/// Why an item is tried again later. The sender decides by the reason; its
/// text (`Display`) is only logged and stored (`outbox.error`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetryReason {
    /// An edit whose message is not sent yet, or an item whose item to
    /// follow is not sent yet: the item waits, its chat goes on.
    WaitingForTarget,
    /// An earlier message to the chat is still on its way (held by another
    /// instance): the chat waits.
    EarlierMessage,
    /// Telegram's flood control (429): the chat waits `retry_after`
    /// seconds; several chats at once, the whole bot.
    FloodControl { retry_after: u32 },
    /// A failure that may pass (the database, the network, a 5xx): its text.
    Passing(String),
}

impl std::fmt::Display for RetryReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RetryReason::WaitingForTarget => f.write_str("waiting for the message to edit"),
            RetryReason::EarlierMessage => f.write_str("waiting for an earlier message to this chat"),
            RetryReason::FloodControl { retry_after } => write!(f, "429 retry after {retry_after}"),
            RetryReason::Passing(error) => f.write_str(error),
        }
    }
}

/// What tests and the sender read back about an item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemStatus {
    pub state: ItemState,
    pub attempts: i64,
    pub message_id: Option<i64>,
    pub error: Option<String>,
}

impl Tx {
    /// Queues a keyed item unless one with its key was ever queued (a
    /// sender claims it with the rest); `true` if it was queued now.
    pub async fn enqueue_once(&mut self, item: &NewItem, now: DateTime<Utc>) -> DbResult<bool> {
        let now_ms = now.timestamp_millis();
        let queued = on!(self, c => sqlx::query(
            "INSERT INTO outbox (chat_id, priority, urgent, method, payload, key, due_at, created_at)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8
             WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE key = $6)",
        )
        .bind(item.chat_id)
        .bind((item.priority as i64).max(0))
        .bind(i64::from(item.priority == Priority::Urgent))
        .bind(&item.request.method)
        .bind(item.request.body_text())
        .bind(&item.key)
        .bind(item.due_at.map_or(now_ms, |d| d.timestamp_millis()))
        .bind(now_ms)
        .execute(c)
        .await?
        .rows_affected());
        Ok(queued > 0)
    }

    /// The messages a `copyMessages` item still waiting (not claimed by a
    /// sender) will copy, and when it is due: an album's copy grows while
    /// its parts arrive.
    pub async fn waiting_copies(&mut self, key: &str) -> DbResult<Option<(Vec<i32>, DateTime<Utc>)>> {
        #[derive(serde::Deserialize)]
        struct Copies {
            message_ids: Vec<i32>,
        }
        let row: Option<(Option<String>, i64)> = on!(self, c => sqlx::query_as(
            "SELECT payload, due_at FROM outbox
             WHERE key = $1 AND state = 'pending' AND lease_owner IS NULL AND method = 'copyMessages'
             ORDER BY id DESC LIMIT 1",
        )
        .bind(key)
        .fetch_optional(c)
        .await?);
        let Some((Some(payload), due)) = row else { return Ok(None) };
        let copies: Copies = serde_json::from_str(&payload)
            .map_err(|e| super::DbError::Corrupt(format!("a waiting copyMessages item: {e}")))?;
        Ok(Some((copies.message_ids, crate::domain::time::from_millis(due))))
    }

    /// Cancels the pending item with this key (if any); `true` if there was one.
    pub async fn cancel_outbox(&mut self, key: &str, now: DateTime<Utc>) -> DbResult<bool> {
        let done = on!(self, c => sqlx::query(
            "UPDATE outbox SET state = 'cancelled', finished_at = $2, payload = NULL, file = NULL,
                 fallback_payload = NULL, notice_text = NULL, lease_owner = NULL, lease_until = NULL
             WHERE key = $1 AND state = 'pending'",
        )
        .bind(key)
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
            .rows_affected());
        Ok(done > 0)
    }

    pub async fn outbox_status(&mut self, id: i64) -> DbResult<Option<ItemStatus>> {
        let row: Option<(String, i64, Option<i64>, Option<String>)> = on!(self, c => sqlx::query_as(
            "SELECT state, attempts, message_id, error FROM outbox WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(c)
        .await?);
        row.map(|(state, attempts, message_id, error)| {
            Ok(ItemStatus { state: strict("outbox state", &state)?, attempts, message_id, error })
        })
        .transpose()
    }

    /// Items of one state, for tests and operators: (id, chat, method).
    pub async fn outbox_items(&mut self, state: ItemState) -> DbResult<Vec<(i64, i64, String)>> {
        Ok(on!(self, c => sqlx::query_as(
            "SELECT id, chat_id, method FROM outbox WHERE state = $1 ORDER BY id"
        )
        .bind(state.as_str())
        .fetch_all(c)
        .await?))
    }

    /// Items due by `now`, or in a sender's hands, and not finished: what
    /// the senders still have to do.
    pub async fn outbox_backlog(&mut self, now: DateTime<Utc>) -> DbResult<i64> {
        Ok(on!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND (due_at <= $1 OR lease_owner IS NOT NULL)"
        )
        .bind(now.timestamp_millis())
        .fetch_one(c)
        .await?))
    }

    /// Cancels every pending item whose key starts with `prefix` (the
    /// escalations of one SOS); how many there were.
    pub async fn cancel_outbox_prefix(&mut self, prefix: &str, now: DateTime<Utc>) -> DbResult<u64> {
        let like = super::starts_with(prefix);
        Ok(on!(self, c => sqlx::query(
            "UPDATE outbox SET state = 'cancelled', finished_at = $2, payload = NULL, file = NULL,
                 fallback_payload = NULL, notice_text = NULL, lease_owner = NULL, lease_until = NULL
             WHERE key LIKE $1 AND state = 'pending'",
        )
        .bind(like)
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected()))
    }

    /// Forgets finished items older than `before`, except the relay's sent
    /// copies (keyed `q:…`): a mentor's reply to a copy months later is
    /// still mapped back through their message ids (their contents are
    /// erased already).
    pub async fn prune_outbox(&mut self, before: DateTime<Utc>) -> DbResult<u64> {
        Ok(on!(self, c => sqlx::query(
            "DELETE FROM outbox WHERE state <> 'pending' AND finished_at < $1
                 AND NOT (state = 'sent' AND key IS NOT NULL AND key LIKE 'q:%')"
        )
        .bind(before.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected()))
    }
}

autocommit! {
    fn cancel_outbox(&self, key: &str, now: DateTime<Utc>) -> bool;
    fn outbox_status(&self, id: i64) -> Option<ItemStatus>;
    fn outbox_items(&self, state: ItemState) -> Vec<(i64, i64, String)>;
    fn prune_outbox(&self, before: DateTime<Utc>) -> u64;
    fn outbox_backlog(&self, now: DateTime<Utc>) -> i64;
}
