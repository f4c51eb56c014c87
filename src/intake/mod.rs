//! Updates in: stored durably as Telegram sent them, then acknowledged,
//! then handled once — each in one transaction with all its effects.
//!
//! - The poller (one per deployment: on PostgreSQL the instance holding an
//!   advisory lock) calls `getUpdates` raw and stores the batch, keyed by
//!   `update_id`, before the next call acknowledges it. A flooding user's
//!   excess is stored as handled (dropped) at once and answered once.
//! - Handling is per chat: each chat with work has a task that asks for the
//!   chat's oldest unhandled update to be handled: the sender loaded, the
//!   dptree schema run, and the claim, the handler's writes, the dialogue
//!   change, the outbox rows and "handled" committed together. The ready
//!   chats' asks are handled in batches, one transaction with a savepoint
//!   per update (`batch`). A crash before the commit leaves no trace;
//!   after it, nothing runs again. A failing chat never fails another.
//! - A passing failure (the database unreachable) rolls back and retries the
//!   update with backoff, its chat's later updates waiting behind it; after
//!   a bounded time the user gets the apology and the update is set aside.
//!   A bug (a panic, an error that is not passing) is set aside at once,
//!   with the apology.
//!
//! Here: the intake itself, its counters and the eraser. Apart: polling and
//! storing a batch (`poll`), the flood limit (`flood`), what is read of a
//! raw update (`peek`), the per-chat tasks (`chats`), the batches
//! (`batch`), handling one update (`dispatch`), and retrying or setting it
//! aside (`failure`).

use crate::context;
use crate::db::{Db, NewItem, Priority};
use crate::dialogue::State;
use crate::domain::Lang;
use crate::domain::helplines::Helplines;
use crate::domain::time::SharedClock;
use crate::error::Error;
use crate::outbox::Outbox;
use crate::telegram::Api;
use crate::work::Work;
use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::Me;
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

mod batch;
mod chats;
mod dispatch;
mod failure;
mod flood;
mod peek;
mod poll;
mod webhook;

pub use webhook::{MAX_BODY, router as webhook_router, set_webhook};

/// Seconds a `getUpdates` long poll waits for news.
pub const POLL_TIMEOUT: u32 = 25;
/// What we ask Telegram for.
pub const ALLOWED_UPDATES: [&str; 3] = ["message", "edited_message", "callback_query"];
/// Batches handled at the same time on PostgreSQL (each holds a
/// connection); SQLite has one connection, so one batch at a time.
const PARALLEL_BATCHES: usize = 4;

/// Counters for tests and metrics.
#[derive(Default, Debug)]
pub struct Stats {
    pub handled: AtomicU64,
    pub retried: AtomicU64,
    pub set_aside: AtomicU64,
    pub dropped_flood: AtomicU64,
    /// Kept over the flood limit (members), handled at the limit's pace.
    pub slowed_flood: AtomicU64,
    /// Scheduled wake-ups of the processor (retries, rescans).
    pub timers: AtomicU64,
    /// Transactions that handled updates (`batch`), and the most updates
    /// one of them held.
    pub batches: AtomicU64,
    pub largest_batch: AtomicU64,
    /// Looks at the table for stored updates (at start, on a timer, when
    /// another instance stored some).
    pub scans: AtomicU64,
}

pub struct Intake {
    api: Api,
    db: Db,
    clock: SharedClock,
    outbox: Outbox,
    jobs: crate::jobs::Bell,
    handler: UpdateHandler<Error>,
    deps: DependencyMap,
    flood_per_minute: u32,
    helplines: Helplines,
    /// Chats with a task, and how many more updates each was told of.
    chats: Mutex<HashMap<i64, usize>>,
    /// Updates waiting for a batch (`batch`).
    queue: Mutex<batch::Queue>,
    /// One permit per batch that may run at once.
    leaders: Semaphore,
    idle: Notify,
    /// Handled updates wait for the eraser.
    erase: Notify,
    stop: CancellationToken,
    pub stats: Arc<Stats>,
}

/// How handling a chat's next update went.
enum Step {
    Handled,
    /// Nothing left (or, on PostgreSQL, another instance has the chat).
    Nothing,
    /// Another instance holds the chat: look again later.
    Busy,
    /// The next update waits (backoff) until then.
    Wait(Instant),
}

impl Intake {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        api: Api,
        db: Db,
        clock: SharedClock,
        outbox: Outbox,
        jobs: crate::jobs::Bell,
        me: Me,
        extra: DependencyMap,
        flood_per_minute: u32,
        helplines: Helplines,
        stop: CancellationToken,
    ) -> Arc<Intake> {
        let mut deps = dptree::deps![clock.clone(), me];
        deps.insert_container(extra);
        let handler = crate::schema::schema();
        // Fails loudly at start if a handler asks for something nobody provides.
        dptree::type_check(
            handler.sig(),
            &deps,
            &[
                dptree::Type::of::<Update>(),
                dptree::Type::of::<Option<context::Ctx>>(),
                dptree::Type::of::<State>(),
                dptree::Type::of::<Work>(),
            ],
        );
        let batches = match db.backend() {
            crate::db::Backend::Sqlite => 1,
            crate::db::Backend::Postgres => PARALLEL_BATCHES,
        };
        Arc::new(Intake {
            api,
            db,
            clock,
            outbox,
            jobs,
            handler,
            deps,
            flood_per_minute,
            helplines,
            chats: Mutex::new(HashMap::new()),
            queue: Mutex::new(batch::Queue::default()),
            leaders: Semaphore::new(batches),
            idle: Notify::new(),
            erase: Notify::new(),
            stop,
            stats: Arc::new(Stats::default()),
        })
    }

    /// Erases handled updates' contents shortly after each burst of
    /// handling (one statement for the burst), and once more at the end.
    /// The metrics this intake counts into (the outbox's).
    pub fn outbox_metrics(&self) -> Arc<crate::metrics::Metrics> {
        self.outbox.metrics.clone()
    }

    pub async fn eraser(self: Arc<Self>) {
        loop {
            tokio::select! {
                _ = self.erase.notified() => {}
                _ = self.stop.cancelled() => {}
            }
            let stopping = self.stop.is_cancelled();
            if !stopping {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                    _ = self.stop.cancelled() => {}
                }
            }
            if stopping {
                self.drained().await;
            }
            if let Err(e) = self.db.erase_handled().await {
                tracing::warn!(error = %e, "could not erase handled updates; trying again");
                self.erase.notify_one();
            }
            if stopping {
                return;
            }
        }
    }
}

/// A message in the user's language, or in both when we do not know it.
fn two_languages(lang: Option<Lang>, text: impl Fn(Lang) -> String) -> String {
    match lang {
        Some(lang) => text(lang),
        None => format!("{}\n\n{}", text(Lang::Kk), text(Lang::Ru)),
    }
}

fn text_item(chat: i64, text: String) -> NewItem {
    let line = teloxide::payloads::SendMessage::new(teloxide::types::ChatId(chat), text);
    NewItem::of(chat, Priority::Answer, &line)
}
