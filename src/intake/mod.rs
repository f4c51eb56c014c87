//! Updates in: stored durably as Telegram sent them, then acknowledged,
//! then handled once — each in one transaction with all its effects.
//!
//! - The poller (one per deployment: on PostgreSQL the instance holding an
//!   advisory lock) calls `getUpdates` raw and stores the batch, keyed by
//!   `update_id`, before the next call acknowledges it. A flooding user's
//!   excess is stored as handled (dropped) at once and answered once.
//! - Handling is per chat: each chat with work has a task that takes the
//!   chat's oldest unhandled update, loads the sender, runs the dptree
//!   schema and commits — the claim, the handler's writes, the dialogue
//!   change, the outbox rows and "handled" — in one transaction. A crash
//!   before the commit leaves no trace; after it, nothing runs again.
//!   Chats run in parallel: a slow or failing chat never delays another.
//! - A passing failure (the database unreachable) rolls back and retries the
//!   update with backoff, its chat's later updates waiting behind it; after
//!   a bounded time the user gets the apology and the update is set aside.
//!   A bug (a panic, an error that is not passing) is set aside at once,
//!   with the apology.

use crate::context;
use crate::db::{
    Db, DbError, NewItem, Next, PendingUpdate, PollLock, Priority, Signal, Standing, StoredUpdate, Tx,
};
use crate::dialogue::State;
use crate::domain::time::SharedClock;
use crate::domain::{Lang, UserId};
use crate::error::Error;
use crate::outbox::{Outbox, lease};
use crate::t;
use crate::telegram::{Api, CallError};
use crate::work::Work;
use flood::{Admit, Flood};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{Me, UpdateKind};
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

mod flood;

/// Seconds a `getUpdates` long poll waits for news.
pub const POLL_TIMEOUT: u32 = 25;
/// What we ask Telegram for.
pub const ALLOWED_UPDATES: [&str; 3] = ["message", "edited_message", "callback_query"];
/// Chats handled at the same time.
const PARALLEL_CHATS: usize = 8;
/// A passing failure is retried at least this many times…
const MIN_ATTEMPTS: i64 = 6;
/// …and for at least this long before the user gets the apology.
const RETRY_FOR: chrono::Duration = chrono::Duration::seconds(60);
/// …but never more often than this.
const MAX_ATTEMPTS: i64 = 12;

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
    helplines: String,
    /// Chats with a task, and how many more updates each was told of.
    chats: Mutex<HashMap<i64, usize>>,
    permits: Semaphore,
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

#[derive(Deserialize)]
struct Peek {
    update_id: i64,
    #[serde(flatten)]
    rest: HashMap<String, serde_json::Value>,
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
        helplines: String,
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
            permits: Semaphore::new(PARALLEL_CHATS),
            idle: Notify::new(),
            erase: Notify::new(),
            stop,
            stats: Arc::new(Stats::default()),
        })
    }

    // ------------------------------------------------------------ polling

    /// Long polling until stopped. Stores each batch before the next
    /// `getUpdates` call acknowledges it.
    pub async fn poll(self: Arc<Self>) {
        let mut offset: i64 = 0;
        let mut backoff = Duration::from_secs(1);
        let mut flood = Flood::new(self.flood_per_minute);
        let mut leader = PollLock::default();
        loop {
            if !leader.hold(&self.db).await {
                tokio::select! {
                    _ = self.stop.cancelled() => break,
                    _ = tokio::time::sleep(Duration::from_secs(2)) => continue,
                }
            }
            let result = tokio::select! {
                _ = self.stop.cancelled() => break,
                r = self.api.get_updates(offset, POLL_TIMEOUT, &ALLOWED_UPDATES) => r,
            };
            let pause = match result {
                Ok(raws) if raws.is_empty() => None,
                Ok(raws) => {
                    backoff = Duration::from_secs(1);
                    match self.store(&raws, &mut flood).await {
                        Ok(next) => {
                            offset = offset.max(next);
                            None
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "could not store updates; they will come again");
                            Some(backoff)
                        }
                    }
                }
                Err(CallError::Api { code: 429, retry_after, .. }) => {
                    Some(Duration::from_secs(u64::from(retry_after.unwrap_or(1))))
                }
                Err(e) => {
                    tracing::warn!(error = %e, "getUpdates failed; retrying");
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                    Some(backoff)
                }
            };
            if let Some(pause) = pause {
                tokio::select! {
                    _ = self.stop.cancelled() => break,
                    _ = tokio::time::sleep(pause) => {}
                }
            }
        }
        tracing::info!("polling stopped");
    }

    /// Stores a batch in one transaction; returns the next offset. The
    /// flood limit is applied here (`flood`): urgent updates always pass,
    /// members over the limit are slowed, others' excess is dropped.
    async fn store(self: &Arc<Self>, raws: &[Box<RawValue>], flood: &mut Flood) -> Result<i64, DbError> {
        let now = self.clock.now();
        let instant = Instant::now();
        let mut tx = self.db.begin().await?;
        let mut batch = Vec::with_capacity(raws.len());
        let mut next = 0;
        let mut warn = Vec::new();
        let mut standing: HashMap<i64, Option<Standing>> = HashMap::new();
        for raw in raws {
            let Ok(peek) = serde_json::from_str::<Peek>(raw.get()) else {
                tracing::error!("an update without an update_id; skipped");
                continue;
            };
            next = next.max(peek.update_id + 1);
            let (chat_key, language) = sender_of(&peek.rest);
            let urgent = peek.rest.values().any(flood::is_urgent);
            let (dropped, not_before) = match flood.admit(chat_key, instant) {
                _ if urgent => (None, None),
                Admit::Yes => (None, None),
                Admit::Over { first } => {
                    let known = match standing.get(&chat_key) {
                        Some(s) => *s,
                        None => {
                            let s = tx.flood_standing(UserId(chat_key)).await?;
                            standing.insert(chat_key, s);
                            s
                        }
                    };
                    if first {
                        warn.push((chat_key, language, known));
                    }
                    match known {
                        Some(_) => {
                            let wait = flood.slot(chat_key, instant);
                            (None, Some(now + chrono::Duration::from_std(wait).unwrap_or_default()))
                        }
                        None => (Some("flood"), None),
                    }
                }
            };
            batch.push(StoredUpdate {
                update_id: peek.update_id,
                chat_key,
                payload: raw.get().to_owned(),
                dropped,
                urgent,
                not_before,
            });
        }
        let new: std::collections::HashSet<i64> = tx.store_batch(&batch, now).await?.into_iter().collect();
        let mut fresh = Vec::new();
        for u in &batch {
            if !new.contains(&u.update_id) {
                tracing::info!(update_id = u.update_id, "update delivered again; ignored");
            } else if u.dropped.is_some() {
                self.stats.dropped_flood.fetch_add(1, Ordering::Relaxed);
            } else {
                if u.not_before.is_some() {
                    self.stats.slowed_flood.fetch_add(1, Ordering::Relaxed);
                }
                fresh.push(u.chat_key);
            }
        }
        let mut items = Vec::new();
        for (chat, language, standing) in warn {
            let stored = tx.user(UserId(chat)).await?.and_then(|u| u.language);
            let text = two_languages(stored.or(language), |l| match standing {
                Some(Standing::Writer) => t!(l, "flood-slowed"),
                Some(Standing::Staff) => t!(l, "flood-slowed-staff"),
                None => t!(l, "flood-slow-down", helplines = self.helplines.as_str()),
            });
            items.push(text_item(chat, text));
        }
        let claimed = tx.enqueue(&items, self.outbox.owner(), lease(), now).await?;
        tx.notify(Signal::Updates).await?;
        tx.commit().await?;
        crate::faults::crash_point("after-store");
        self.outbox.hand_over(claimed);
        let mut counts: HashMap<i64, usize> = HashMap::new();
        for chat in fresh {
            *counts.entry(chat).or_default() += 1;
        }
        for (chat, n) in counts {
            self.signal(chat, n);
        }
        Ok(next)
    }

    // ------------------------------------------------------------ handling

    /// Handles whatever is stored and unhandled (after a restart, or when
    /// another instance stored updates).
    pub async fn scan(self: &Arc<Self>) {
        match self.db.chats_with_pending(10_000).await {
            Ok(chats) => {
                for (chat, n) in chats {
                    self.signal(chat, usize::try_from(n).unwrap_or(1));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not look for stored updates; trying again");
                self.rescan_later(None, Instant::now() + Duration::from_secs(2));
            }
        }
    }

    /// `n` more updates of `chat` wait to be handled.
    pub fn signal(self: &Arc<Self>, chat: i64, n: usize) {
        let mut chats = self.chats.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match chats.get_mut(&chat) {
            Some(count) => *count = count.saturating_add(n),
            None => {
                chats.insert(chat, n);
                tokio::spawn(self.clone().run_chat(chat));
            }
        }
    }

    async fn run_chat(self: Arc<Self>, chat: i64) {
        loop {
            {
                let mut chats = self.chats.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                match chats.get_mut(&chat) {
                    Some(count) if *count > 0 => *count -= 1,
                    _ => {
                        chats.remove(&chat);
                        if chats.is_empty() {
                            self.idle.notify_waiters();
                        }
                        return;
                    }
                }
            }
            let step = match self.permits.acquire().await {
                Ok(_permit) => self.handle_next(chat).await,
                Err(_) => Step::Nothing,
            };
            let later = match step {
                Step::Handled => continue,
                Step::Nothing => None,
                Step::Busy => Some(Instant::now() + Duration::from_secs(5)),
                Step::Wait(at) => Some(at),
            };
            // The rest of this chat waits: forget what we were told, and
            // look again when it is time.
            if let Some(count) =
                self.chats.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_mut(&chat)
            {
                *count = 0;
            }
            if let Some(at) = later {
                self.rescan_later(Some(chat), at);
            }
        }
    }

    fn rescan_later(self: &Arc<Self>, chat: Option<i64>, at: Instant) {
        self.stats.timers.fetch_add(1, Ordering::Relaxed);
        let this = self.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = this.stop.cancelled() => return,
                _ = tokio::time::sleep_until(at) => {}
            }
            match chat {
                Some(chat) => this.signal(chat, usize::MAX / 2),
                None => this.scan().await,
            }
        });
    }

    /// Erases handled updates' contents shortly after each burst of
    /// handling (one statement for the burst), and once more at the end.
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

    /// Waits until every chat task has finished (shutdown).
    pub async fn drained(&self) {
        loop {
            let notified = self.idle.notified();
            if self.chats.lock().unwrap_or_else(std::sync::PoisonError::into_inner).is_empty() {
                return;
            }
            notified.await;
        }
    }

    async fn handle_next(&self, chat: i64) -> Step {
        let now = self.clock.now();
        let retry_soon = || Step::Wait(Instant::now() + Duration::from_secs(1));
        let mut tx = match self.db.begin().await {
            Ok(tx) => tx,
            Err(e) => {
                tracing::warn!(error = %e, "could not start a transaction; retrying");
                return retry_soon();
            }
        };
        let pending = match tx.claim_next_update(chat, now).await {
            Ok(Next::Update(p)) => p,
            Ok(Next::Empty) => {
                let _ = tx.rollback().await;
                return Step::Nothing;
            }
            Ok(Next::Locked) => {
                let _ = tx.rollback().await;
                return Step::Busy;
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not read the next update; retrying");
                return retry_soon();
            }
        };
        if let Some(at) = pending.not_before.filter(|&at| at > now.timestamp_millis()) {
            let _ = tx.rollback().await;
            let wait = Duration::from_millis(u64::try_from(at - now.timestamp_millis()).unwrap_or(0));
            return Step::Wait(Instant::now() + wait);
        }
        let id = pending.update_id;
        let parsed = pending.payload.as_deref().map(serde_json::from_str::<Update>);
        // teloxide reads an update it cannot parse as `UpdateKind::Error`.
        let parsed = parsed.map(|r| r.ok().filter(|u| !matches!(u.kind, UpdateKind::Error(_))).ok_or(()));
        let update = match parsed {
            Some(Ok(update)) => update,
            failed => {
                let kind = pending.payload.as_deref().map(kind_of).unwrap_or_default();
                tracing::error!(update_id = id, kind, "update cannot be parsed; set aside");
                // Apologise only for what the user did and we should have read.
                let ours = ALLOWED_UPDATES.contains(&kind.as_str());
                let who = pending.payload.as_deref().and_then(private_sender).filter(|_| ours);
                drop(tx);
                let reason = if failed.is_none() { "no payload" } else { "unparseable" };
                return self.set_aside(&pending, who, None, reason).await;
            }
        };
        match self.dispatch(tx, &update).await {
            Ok(()) => {
                self.stats.handled.fetch_add(1, Ordering::Relaxed);
                Step::Handled
            }
            Err(Failure::Passing(reason)) => self.retry_or_give_up(&pending, &update, &reason).await,
            Err(Failure::Bug(reason)) => {
                tracing::error!(update_id = id, error = %reason, "handler failed; set aside");
                self.set_aside(&pending, sender_id(&update), callback_of(&update), "bug").await
            }
        }
    }

    /// Loads the sender, runs the schema, and commits everything at once.
    async fn dispatch(&self, mut tx: Tx, update: &Update) -> Result<(), Failure> {
        let now = self.clock.now();
        let loaded = context::load(update, &mut tx, now).await.map_err(Failure::from_db)?;
        let (ctx, state) = match loaded {
            Some((ctx, state)) => (Some(ctx), state),
            None => (None, State::Idle),
        };
        let before = state.clone();
        let work = Work::new(tx);
        let mut deps = self.deps.clone();
        deps.insert(work.clone());
        deps.insert(update.clone());
        deps.insert(ctx.clone());
        deps.insert(state);
        let handler = self.handler.clone();
        // A task of its own, so that a panic in a handler is contained.
        let outcome = tokio::spawn(async move {
            match handler.dispatch(deps).await {
                ControlFlow::Break(result) => result,
                ControlFlow::Continue(_) => Ok(()),
            }
        })
        .await;
        let (tx, out) = work.finish().await;
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) if e.is_transient() => return Err(Failure::Passing(e.to_string())),
            Ok(Err(e)) => return Err(Failure::Bug(e.to_string())),
            Err(e) => return Err(Failure::Bug(format!("handler panicked: {e}"))),
        }
        let mut tx = tx.ok_or_else(|| Failure::Bug("the transaction was taken".into()))?;
        let commit = async {
            if let (Some(ctx), Some(state)) = (&ctx, &out.state)
                && *state != before
            {
                tx.save_dialogue(ctx.user.id, state.to_stored().as_deref()).await?;
            }
            let queued = out.queue(&mut tx, self.outbox.owner(), now).await?;
            crate::faults::crash_point("before-commit");
            tx.commit().await?;
            crate::faults::crash_point("after-commit");
            Ok::<_, DbError>(queued)
        };
        let queued = commit.await.map_err(Failure::from_db)?;
        self.erase.notify_one();
        queued.hand_over(&self.outbox, &self.jobs);
        if let Some(ctx) = &ctx {
            self.outbox.reachable(ctx.user.id.0);
        }
        let answer = match (out.callback, callback_of(update)) {
            (Some(answer), _) => Some((answer.id, answer.text)),
            // A press nobody answered still stops the client's spinner.
            (None, Some(id)) => Some((id, None)),
            (None, None) => None,
        };
        if let Some((id, text)) = answer {
            self.answer_callback(id, text).await;
        }
        Ok(())
    }

    async fn retry_or_give_up(&self, pending: &PendingUpdate, update: &Update, reason: &str) -> Step {
        let now = self.clock.now();
        let attempts = pending.attempts + 1;
        let received = crate::domain::time::from_millis(pending.received_at);
        let give_up = attempts >= MAX_ATTEMPTS || (attempts >= MIN_ATTEMPTS && now - received >= RETRY_FOR);
        if give_up {
            tracing::error!(update_id = pending.update_id, attempts, error = %reason, "update keeps failing; set aside");
            return self.set_aside(pending, sender_id(update), callback_of(update), "gave up").await;
        }
        self.stats.retried.fetch_add(1, Ordering::Relaxed);
        let backoff = Duration::from_millis((250u64 << attempts.clamp(0, 7)).min(30_000));
        tracing::warn!(update_id = pending.update_id, attempts, error = %reason, "passing failure; will retry");
        let not_before = now + chrono::Duration::from_std(backoff).unwrap_or(chrono::Duration::seconds(1));
        let stored = async {
            let mut tx = self.db.begin().await?;
            tx.delay_update(pending.update_id, not_before).await?;
            tx.commit().await
        };
        if let Err(e) = stored.await {
            tracing::warn!(error = %e, "could not count a failed attempt");
        }
        Step::Wait(Instant::now() + backoff)
    }

    /// Marks the update handled without its effects, and apologises.
    async fn set_aside(
        &self,
        pending: &PendingUpdate,
        sender: Option<i64>,
        callback: Option<String>,
        reason: &str,
    ) -> Step {
        let now = self.clock.now();
        let stored = async {
            let mut tx = self.db.begin().await?;
            let mut claimed = Vec::new();
            if tx.finish_update(pending.update_id, Some(reason), now).await?
                && let Some(chat) = sender
            {
                let stored = tx.user(UserId(chat)).await?;
                let student = stored.as_ref().is_some_and(|u| u.role == Some(crate::domain::Role::Student));
                let lang = stored
                    .and_then(|u| u.language)
                    .or_else(|| pending.payload.as_deref().and_then(language_of));
                let text = two_languages(lang, |l| {
                    if student {
                        t!(l, "error-internal-student", helplines = self.helplines.as_str())
                    } else {
                        t!(l, "error-internal")
                    }
                });
                let item = text_item(chat, text);
                claimed = tx.enqueue(&[item], self.outbox.owner(), lease(), now).await?;
            }
            tx.commit().await?;
            Ok::<_, DbError>(claimed)
        };
        match stored.await {
            Ok(claimed) => {
                self.stats.set_aside.fetch_add(1, Ordering::Relaxed);
                self.outbox.hand_over(claimed);
                if let Some(id) = callback {
                    self.answer_callback(id, None).await;
                }
                Step::Handled
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not set an update aside; retrying");
                Step::Wait(Instant::now() + Duration::from_secs(1))
            }
        }
    }

    async fn answer_callback(&self, id: String, text: Option<String>) {
        let mut params = serde_json::json!({ "callback_query_id": id });
        if let Some(text) = text {
            params["text"] = text.into();
        }
        if let Err(e) = self.api.call("answerCallbackQuery", &params.to_string(), None).await {
            tracing::debug!(error = %e, "could not answer a button press");
        }
    }
}

enum Failure {
    Passing(String),
    Bug(String),
}

impl Failure {
    fn from_db(e: DbError) -> Failure {
        if e.is_transient() { Failure::Passing(e.to_string()) } else { Failure::Bug(e.to_string()) }
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
    NewItem {
        chat_id: chat,
        priority: Priority::Answer,
        method: "sendMessage".into(),
        payload: serde_json::json!({ "chat_id": chat, "text": text }),
        file: None,
        edit_of: None,
        key: None,
        due_at: None,
    }
}

fn sender_id(update: &Update) -> Option<i64> {
    let private = update.chat().is_none_or(|c| c.is_private());
    update.from().filter(|u| !u.is_bot && private).and_then(|u| i64::try_from(u.id.0).ok())
}

fn callback_of(update: &Update) -> Option<String> {
    match &update.kind {
        UpdateKind::CallbackQuery(q) => Some(q.id.0.clone()),
        _ => None,
    }
}

/// The key a raw update's chat is handled under (its sender, else its
/// chat; 0 for neither), and the sender's Telegram language.
fn sender_of(rest: &HashMap<String, serde_json::Value>) -> (i64, Option<Lang>) {
    for body in rest.values() {
        let from = body.get("from");
        let id = from
            .and_then(|f| f.get("id"))
            .or_else(|| body.get("chat").and_then(|c| c.get("id")))
            .and_then(serde_json::Value::as_i64);
        if let Some(id) = id {
            let lang = from.and_then(|f| f.get("language_code")).and_then(|l| l.as_str());
            return (id, Lang::from_telegram(lang));
        }
    }
    (0, None)
}

/// The kind of an update (its second key), for logs that carry no contents.
fn kind_of(raw: &str) -> String {
    serde_json::from_str::<Peek>(raw)
        .ok()
        .and_then(|p| p.rest.keys().next().cloned())
        .unwrap_or_else(|| "unknown".into())
}

/// The sender of an update in a private chat, read from its raw JSON.
fn private_sender(raw: &str) -> Option<i64> {
    let peek = serde_json::from_str::<Peek>(raw).ok()?;
    let body = peek.rest.values().next()?;
    let chat_type = body.get("chat").or_else(|| body.get("message").and_then(|m| m.get("chat")));
    let private =
        chat_type.and_then(|c| c.get("type")).and_then(|t| t.as_str()).is_none_or(|t| t == "private");
    let from = body.get("from")?;
    let is_bot = from.get("is_bot").and_then(serde_json::Value::as_bool).unwrap_or(false);
    (private && !is_bot).then(|| from.get("id").and_then(serde_json::Value::as_i64)).flatten()
}

fn language_of(raw: &str) -> Option<Lang> {
    let peek = serde_json::from_str::<Peek>(raw).ok()?;
    sender_of(&peek.rest).1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_updates_tell_their_sender() {
        let raw = r#"{"update_id":5,"message":{"message_id":1,"date":0,"chat":{"id":42,"type":"private"},
            "from":{"id":42,"is_bot":false,"first_name":"A","language_code":"kk"},"text":"hi"}}"#;
        let peek: Peek = serde_json::from_str(raw).expect("parses");
        assert_eq!(sender_of(&peek.rest), (42, Some(Lang::Kk)));
        assert_eq!(kind_of(raw), "message");
        assert_eq!(private_sender(raw), Some(42));
        let channel =
            r#"{"update_id":6,"channel_post":{"message_id":1,"date":0,"chat":{"id":-100,"type":"channel"}}}"#;
        let peek: Peek = serde_json::from_str(channel).expect("parses");
        assert_eq!(sender_of(&peek.rest), (-100, None));
        assert_eq!(private_sender(channel), None);
    }
}
