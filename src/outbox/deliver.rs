//! One item's request and what becomes of it: the checks before it (still
//! ours? the item it follows sent yet? the message an edit edits sent yet?
//! an earlier message to the chat still on its way?), the request and its fallback, the outcome
//! Telegram's answer means, and recording that outcome (sent items in
//! batches by [`record_sent`], the rest one by one by [`finish`]).

use super::lease;
use crate::db::{Claimed, Confirmed, Db, ItemState, Outcome, RetryReason, SentRecord};
use crate::domain::UserId;
use crate::domain::time::SharedClock;
use crate::metrics::{Metrics, SendResult};
use crate::telegram::{Api, CallError};
use std::time::Duration;
use tokio::sync::mpsc;

/// A passing failure is retried this many times before the item fails.
const MAX_ATTEMPTS: i64 = 40;

/// Makes the request of one item; says how it ended.
pub(super) async fn deliver(
    db: &Db,
    api: &Api,
    clock: &SharedClock,
    owner: &str,
    item: &Claimed,
    metrics: &Metrics,
) -> Outcome {
    // An item that can be cancelled (a reminder) is checked just before:
    // a cancelled meeting's reminder is never sent. So is any item whose
    // lease we cannot vouch for (we were cut off from the database, or
    // stood still, past it): another instance may have taken it over.
    let lapsed = clock.now().timestamp_millis() >= item.lease_until;
    if item.keyed || lapsed {
        match db.confirm_claim(item.id, owner).await {
            Ok(Confirmed::Ours) => {}
            Ok(Confirmed::Gone) if item.keyed => return Outcome::Failed("cancelled before sending".into()),
            // Only a key cancels: an item without one was finished by another.
            Ok(Confirmed::Gone | Confirmed::TakenOver) => return Outcome::NotOurs,
            Err(e) => return retry(clock, item, database(e)),
        }
    }
    // An item that follows another (the 👌 after a held copy) is made
    // once that one is sent; if it never will be, neither is this.
    if let Some(key) = &item.after {
        match db.state_of_key(key).await {
            Ok(Some(ItemState::Sent)) => {}
            Ok(Some(ItemState::Pending)) => return retry(clock, item, RetryReason::WaitingForTarget),
            Ok(state) => {
                let state = state.map_or("missing", ItemState::as_str);
                return Outcome::Failed(format!("the item it follows is {state}"));
            }
            Err(e) => return retry(clock, item, database(e)),
        }
    }
    let mut payload = item.payload.clone();
    if let Some(target) = item.edit_of {
        match db.message_of(target).await {
            Ok(Ok(Some(message_id))) => match with_message_id(&payload, message_id) {
                Some(p) => payload = p,
                None => return Outcome::Failed("the edit's parameters are not an object".into()),
            },
            // The message to edit is not sent yet: wait for it.
            Ok(Ok(None)) => return retry(clock, item, RetryReason::WaitingForTarget),
            Ok(Err(())) => return Outcome::Failed("the message to edit was never sent".into()),
            Err(e) => return retry(clock, item, database(e)),
        }
    }
    // Several instances: a chat's messages go in the order they were
    // queued, whichever instance holds which (one instance keeps the
    // order by sending one request per chat at a time).
    if db.backend() == crate::db::Backend::Postgres {
        match db.older_pending(item.chat_id, item.id, item.priority).await {
            Ok(false) => {}
            Ok(true) => return retry(clock, item, RetryReason::EarlierMessage),
            Err(e) => return retry(clock, item, database(e)),
        }
    }
    crate::faults::crash_point("before-send");
    let mut result = api.call(&item.method, &payload, item.file.as_ref()).await;
    if let (Err(CallError::Api { code: 400, .. }), Some((method, params))) = (&result, &item.fallback) {
        tracing::info!(item = item.id, method = %item.method, "refused; making the fallback request");
        result = api.call(method, params, None).await;
    }
    crate::faults::crash_point("after-send");
    metrics.send(match &result {
        Ok(_) => SendResult::Ok,
        Err(CallError::Api { code: 429, .. }) => SendResult::TooManyRequests,
        Err(CallError::Api { code: 403, .. }) => SendResult::Blocked,
        Err(e) if e.is_passing() => SendResult::ServerError,
        Err(_) => SendResult::ClientError,
    });
    match result {
        Ok(raw) => {
            let (message_id, last_message_id) = message_ids_of(raw.get());
            Outcome::Sent { message_id, last_message_id }
        }
        Err(CallError::Api { code: 429, retry_after, .. }) => {
            let retry_after = retry_after.unwrap_or(1).max(1);
            retry(clock, item, RetryReason::FloodControl { retry_after })
        }
        Err(CallError::Api { code: 403, .. }) => Outcome::Unreachable,
        Err(e) if e.is_passing() => retry(clock, item, RetryReason::Passing(e.to_string())),
        Err(CallError::Api { description, .. }) => Outcome::Failed(description),
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

fn database(e: crate::db::DbError) -> RetryReason {
    RetryReason::Passing(format!("database: {e}"))
}

/// How long an item waits for a reason that says so itself; `None` for a
/// passing failure, which backs off and counts against the item.
fn fixed_wait(reason: &RetryReason) -> Option<Duration> {
    match reason {
        RetryReason::WaitingForTarget => Some(Duration::from_secs(1)),
        RetryReason::EarlierMessage => Some(Duration::from_millis(200)),
        // Not counted against the item: Telegram asked us to wait.
        RetryReason::FloodControl { retry_after } => Some(Duration::from_secs(u64::from(*retry_after))),
        RetryReason::Passing(_) => None,
    }
}

/// Try again later: after the reason's own wait, or for a passing failure
/// with backoff (0.5 s, 1 s, 2 s… up to 5 min) — or give up.
fn retry(clock: &SharedClock, item: &Claimed, reason: RetryReason) -> Outcome {
    let wait = match fixed_wait(&reason) {
        Some(wait) => wait,
        None if item.attempts + 1 >= MAX_ATTEMPTS => {
            return Outcome::Failed(format!("gave up after {} attempts: {reason}", item.attempts + 1));
        }
        None => Duration::from_millis((500u64 << item.attempts.clamp(0, 10)).min(300_000)),
    };
    let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX);
    Outcome::Retry { at: clock.now() + wait, reason }
}

/// Sent items on their way to the table, recorded in batches.
pub(super) type Record = mpsc::UnboundedSender<SentRecord>;

/// Records sent items: whatever has arrived meanwhile, in one statement.
/// Under load batches form by themselves; idle, it waits.
pub(super) async fn record_sent(
    db: Db,
    clock: SharedClock,
    mut records: mpsc::UnboundedReceiver<SentRecord>,
) {
    let mut batch = Vec::new();
    while let Some(first) = records.recv().await {
        batch.push(first);
        while batch.len() < 500 {
            match records.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let mut delay = Duration::from_millis(100);
        while let Err(e) = db.mark_sent(&batch, clock.now()).await {
            // Not recorded yet: sent again after a crash, but never lost.
            tracing::warn!(error = %e, items = batch.len(), "could not record sent items; retrying");
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(5));
        }
        batch.clear();
    }
}

/// Records the outcome; a 403 also marks the user.
pub(super) async fn finish(db: &Db, clock: &SharedClock, record: &Record, item: &Claimed, outcome: &Outcome) {
    let now = clock.now();
    if let Outcome::Unreachable = outcome {
        // The mark (and the writer's notice) first: the item stays pending
        // until then, so nothing looks finished while the notice is missing.
        tracing::info!(chat = item.chat_id, "the user blocked the bot; marked unreachable");
        let marked = match &item.on_unreachable {
            Some(notice) => db
                .notify_unreachable(UserId(item.chat_id), notice.chat_id, notice.text.clone(), now)
                .await
                .map(|_| ()),
            None => db.mark_unreachable(UserId(item.chat_id), now).await,
        };
        if let Err(e) = marked {
            tracing::warn!(error = %e, "could not mark a user unreachable");
        }
    }
    let stored = match outcome {
        // A retry keeps the lease for as long as we will wait, plus a lease.
        Outcome::Retry { at, reason } => db.delay_item(item.id, *at, &reason.to_string(), lease()).await,
        Outcome::Sent { message_id, last_message_id } => {
            let _ = record.send((item.id, *message_id, *last_message_id));
            Ok(())
        }
        Outcome::NotOurs => Ok(()),
        other => db.finish_item(item.id, other, now).await,
    };
    if let Err(e) = stored {
        tracing::error!(item = item.id, error = %e, "could not record an outbox outcome");
    }
    if let Outcome::Failed(reason) = outcome {
        tracing::warn!(item = item.id, method = %item.method, reason = %reason, "outbox item failed")
    }
}
/// The message id Telegram gave what was sent; for several (an album's
/// `copyMessages`), the first one's and the last one's.
fn message_ids_of(result: &str) -> (Option<i64>, Option<i64>) {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Sent {
        One { message_id: i64 },
        Several(Vec<Sent>),
    }
    match serde_json::from_str::<Sent>(result) {
        Ok(Sent::One { message_id }) => (Some(message_id), None),
        Ok(Sent::Several(all)) => {
            let ids: Vec<i64> = all
                .into_iter()
                .filter_map(|s| match s {
                    Sent::One { message_id } => Some(message_id),
                    Sent::Several(_) => None,
                })
                .collect();
            let last = ids.last().copied().filter(|_| ids.len() > 1);
            (ids.first().copied(), last)
        }
        Err(_) => (None, None),
    }
}

fn with_message_id(payload: &str, message_id: i64) -> Option<String> {
    let mut value: serde_json::Value = serde_json::from_str(payload).ok()?;
    value.as_object_mut()?.insert("message_id".into(), message_id.into());
    Some(value.to_string())
}
