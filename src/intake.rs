//! Updates in: stored durably, then acknowledged, then handled once.
//!
//! teloxide's stock polling acknowledges a batch before handling it, so a
//! crash would lose it. Here the poller stores every update (keyed by
//! `update_id`, so a re-delivered one is recognised and dropped) and only
//! then asks Telegram for the next batch, which is what acknowledges the
//! stored ones. A separate processor handles stored updates in order, one
//! chat at a time (chats in parallel), and marks each handled. After a
//! `kill -9`, updates stored but not handled are handled at the next start,
//! and updates not yet stored are delivered again by Telegram.

use crate::context;
use crate::db::{Db, StoredUpdate};
use crate::dialogue::DialogueStorage;
use crate::domain::Lang;
use crate::domain::time::SharedClock;
use crate::error::Error;
use crate::t;
use crate::telegram::send;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, Me, UpdateKind};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Seconds a `getUpdates` long poll waits for news.
pub const POLL_TIMEOUT: u32 = 25;
/// An update that failed this many times (say, it crashed the process each
/// time) is set aside so that it cannot block its chat forever.
pub const MAX_ATTEMPTS: i64 = 3;
const BATCH: i64 = 100;

pub struct Intake {
    bot: Bot,
    db: Db,
    clock: SharedClock,
    handler: UpdateHandler<Error>,
    deps: DependencyMap,
    wake: Notify,
}

impl Intake {
    pub fn new(bot: Bot, db: Db, clock: SharedClock, me: Me) -> Arc<Intake> {
        let storage = DialogueStorage::new(db.clone(), clock.clone());
        let deps = dptree::deps![bot.clone(), db.clone(), clock.clone(), storage, me];
        let handler = crate::schema::schema();
        // Fails loudly at start if a handler asks for something nobody provides.
        dptree::type_check(
            handler.sig(),
            &deps,
            &[dptree::Type::of::<Update>(), dptree::Type::of::<Option<context::Ctx>>()],
        );
        Arc::new(Intake { bot, db, clock, handler, deps, wake: Notify::new() })
    }

    /// Long polling until `shutdown`. Stores each update before the next
    /// `getUpdates` call acknowledges it.
    pub async fn poll(self: Arc<Self>, shutdown: CancellationToken) {
        let mut offset: i32 = 0;
        let mut backoff = Duration::from_secs(1);
        let allowed =
            vec![AllowedUpdate::Message, AllowedUpdate::EditedMessage, AllowedUpdate::CallbackQuery];
        loop {
            let request =
                self.bot.get_updates().offset(offset).timeout(POLL_TIMEOUT).allowed_updates(allowed.clone());
            let result = tokio::select! {
                _ = shutdown.cancelled() => break,
                r = request.send() => r,
            };
            let pause = match result {
                Ok(updates) => {
                    backoff = Duration::from_secs(1);
                    let stored = self.store(&updates, &mut offset).await;
                    if !updates.is_empty() {
                        self.wake.notify_one();
                    }
                    if stored { None } else { Some(backoff) }
                }
                Err(teloxide::RequestError::RetryAfter(after)) => Some(after.duration()),
                Err(e) => {
                    tracing::warn!(error = %e, "getUpdates failed; retrying");
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                    Some(backoff)
                }
            };
            if let Some(pause) = pause {
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = tokio::time::sleep(pause) => {}
                }
            }
        }
        tracing::info!("polling stopped");
    }

    /// Stores a batch in order, advancing `offset` past each stored update.
    /// Returns `false` if storage failed: the rest is not acknowledged and
    /// comes again with the next call.
    async fn store(&self, updates: &[Update], offset: &mut i32) -> bool {
        for update in updates {
            let id = i64::from(update.id.0);
            let chat_key = chat_key(update);
            let payload = match serde_json::to_string(update) {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!(update_id = id, error = %e, "update cannot be serialised; skipped");
                    *offset = i32::try_from(id + 1).unwrap_or(i32::MAX);
                    continue;
                }
            };
            match self.db.store_update(id, chat_key, &payload, self.clock.now()).await {
                Ok(true) => {}
                Ok(false) => tracing::info!(update_id = id, "update delivered again; ignored"),
                Err(e) => {
                    tracing::error!(update_id = id, error = %e, "could not store an update; it will come again");
                    return false;
                }
            }
            *offset = i32::try_from(id + 1).unwrap_or(i32::MAX);
        }
        true
    }

    /// Handles stored updates until `shutdown`; then finishes the updates
    /// already received (polling has stopped, so no more come) and returns.
    /// `app::run` bounds how long that may take.
    pub async fn process(self: Arc<Self>, shutdown: CancellationToken) {
        loop {
            let batch = match self.db.pending_updates(BATCH).await {
                Ok(batch) => batch,
                Err(e) => {
                    tracing::error!(error = %e, "could not read stored updates");
                    Vec::new()
                }
            };
            if batch.is_empty() {
                if shutdown.is_cancelled() {
                    break;
                }
                tokio::select! {
                    _ = self.wake.notified() => {}
                    _ = shutdown.cancelled() => {}
                    _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                }
                continue;
            }
            let mut order: Vec<Vec<StoredUpdate>> = Vec::new();
            let mut by_chat: HashMap<Option<i64>, usize> = HashMap::new();
            for update in batch {
                let slot = *by_chat.entry(update.chat_key).or_insert_with(|| {
                    order.push(Vec::new());
                    order.len() - 1
                });
                order[slot].push(update);
            }
            let chats = order.into_iter().map(|updates| {
                let this = self.clone();
                async move {
                    let mut finished = 0;
                    for update in updates {
                        if this.clone().handle(update).await {
                            finished += 1;
                        } else {
                            // Keep the chat's order: the rest waits for the next round.
                            break;
                        }
                    }
                    finished
                }
            });
            let finished: usize = futures::future::join_all(chats).await.into_iter().sum();
            if finished == 0 {
                // Storage is failing: do not spin on the same batch.
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        }
        tracing::info!("update processing stopped");
    }

    /// Handles one stored update; `false` if it stays pending (storage failed).
    async fn handle(self: Arc<Self>, stored: StoredUpdate) -> bool {
        let id = stored.update_id;
        if stored.attempts >= MAX_ATTEMPTS {
            tracing::error!(update_id = id, attempts = stored.attempts, "update failed too often; set aside");
            return self.finish(id).await;
        }
        if let Err(e) = self.db.start_attempt(id).await {
            tracing::error!(update_id = id, error = %e, "could not count an attempt; will retry");
            return false;
        }
        let update: Update = match serde_json::from_str(&stored.payload) {
            Ok(u) => u,
            Err(e) => {
                tracing::error!(update_id = id, error = %e, "stored update does not parse; set aside");
                return self.finish(id).await;
            }
        };
        // A task of its own, so that a panic in a handler is contained.
        let this = self.clone();
        let for_task = update.clone();
        let outcome = tokio::spawn(async move { this.dispatch(for_task).await }).await;
        let failure = match outcome {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(e) => Some(format!("handler panicked: {e}")),
        };
        if let Some(error) = failure {
            tracing::error!(update_id = id, error = %error, "handler failed");
            self.apologise(&update).await;
        }
        self.finish(id).await
    }

    async fn dispatch(&self, update: Update) -> Result<(), Error> {
        let ctx = context::load(&update, &self.db, &self.clock).await?;
        let mut deps = self.deps.clone();
        deps.insert(ctx);
        deps.insert(update);
        match self.handler.dispatch(deps).await {
            ControlFlow::Break(result) => result,
            ControlFlow::Continue(_) => {
                tracing::debug!("update not for us");
                Ok(())
            }
        }
    }

    async fn finish(&self, id: i64) -> bool {
        match self.db.mark_handled(id, self.clock.now()).await {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(update_id = id, error = %e, "could not mark an update handled");
                false
            }
        }
    }

    /// A localised apology, without internals, to whoever sent the update.
    async fn apologise(&self, update: &Update) {
        let Some(user) = update.from() else { return };
        let Ok(id) = i64::try_from(user.id.0) else { return };
        let stored = self.db.user(crate::domain::UserId(id)).await.ok().flatten().and_then(|u| u.language);
        let text = match stored.or_else(|| Lang::from_telegram(user.language_code.as_deref())) {
            Some(lang) => t!(lang, "error-internal"),
            None => format!("{}\n\n{}", t!(Lang::Kk, "error-internal"), t!(Lang::Ru, "error-internal")),
        };
        if let UpdateKind::CallbackQuery(q) = &update.kind {
            let _ = send(self.bot.answer_callback_query(q.id.clone())).await;
        }
        if let Err(e) = send(self.bot.send_message(ChatId(id), text)).await {
            tracing::warn!(update_id = update.id.0, error = %e, "could not send the apology");
        }
    }
}

/// Updates of one sender are handled in order; different senders in parallel.
fn chat_key(update: &Update) -> Option<i64> {
    update.from().and_then(|u| i64::try_from(u.id.0).ok()).or_else(|| update.chat().map(|c| c.id.0))
}
