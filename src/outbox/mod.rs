//! Everything the bot sends goes out here: one sender per instance drains
//! the `outbox` table within Telegram's limits, most urgent first.
//!
//! - Items are written in the transaction of the update that caused them
//!   (`Work::send…`); those due now are leased to this instance at once and
//!   handed over in memory after the commit, so an answer costs no query
//!   before it is sent. Items due later (reminders, escalations) wait in
//!   the table; the sender sleeps until the earliest is due, or until it is
//!   poked (a new item, `LISTEN/NOTIFY` from another instance).
//! - Pacing: a token bucket for the whole bot and one per chat. One request
//!   per chat is in flight at a time, so a chat's messages keep their order.
//!   A 429 pauses that chat for `retry_after`; 429s for several chats at
//!   once pause the whole bot (Telegram's global limit).
//! - Outcomes: sent (the message id is stored), 400 failed (not retried),
//!   403 unreachable (the user is marked; not retried), 5xx and network
//!   errors retried with backoff, the item staying leased to us.
//! - Leases: an instance that dies leaves its items leased until the lease
//!   lapses; then any instance claims them (`FOR UPDATE SKIP LOCKED`). No
//!   transaction is open during an HTTP call.

use crate::db::{Claimed, Db, Outcome, Priority};
use crate::domain::UserId;
use crate::domain::time::SharedClock;
use crate::telegram::{Api, CallError};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// A field of an item's parameters that is not sent to Telegram: another
/// request (`{"method": …, "params": {…}}`) to make instead when Telegram
/// refuses this one with a 400 (a reaction that cannot be set becomes a
/// short line).
pub const FALLBACK: &str = "_fallback";
/// Another field not sent to Telegram: a line (`{"chat_id": …, "text": …}`)
/// for someone else when Telegram answers 403 — the writer of a message its
/// recipient will not get. Queued once each time the recipient becomes
/// unreachable (`Db::notify_unreachable`).
pub const UNREACHABLE_NOTICE: &str = "_unreachable";

/// How long a claimed item stays ours without news from us.
pub const LEASE: Duration = Duration::from_secs(20);
/// Requests in flight at once (all chats together).
const MAX_IN_FLIGHT: usize = 16;
/// Queued items looked at for each round of sends.
const SCAN: usize = 512;
/// Items claimed from the table at a time.
const PAGE: i64 = 200;
/// A passing failure is retried this many times before the item fails.
const MAX_ATTEMPTS: i64 = 40;
/// Why an edit waits: the message it edits is not sent yet.
const WAITING_FOR_TARGET: &str = "waiting for the message to edit";
/// How long a chat's 403 is believed without asking the database again.
const UNREACHABLE_MEMORY: Duration = Duration::from_secs(60);

/// Telegram's limits, as configured.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Messages a second, all chats together.
    pub per_second: f64,
    /// Messages a second to one chat, sustained…
    pub per_chat: f64,
    /// …with this many allowed at once.
    pub chat_burst: f64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { per_second: 30.0, per_chat: 1.0, chat_burst: 3.0 }
    }
}

pub fn lease() -> chrono::Duration {
    chrono::Duration::from_std(LEASE).unwrap_or(chrono::Duration::minutes(5))
}

/// What the rest of the bot holds to reach the sender.
#[derive(Clone)]
pub struct Outbox {
    handed: mpsc::UnboundedSender<Vec<Claimed>>,
    poke: Arc<Notify>,
    reachable: mpsc::UnboundedSender<i64>,
    owner: Arc<str>,
    pub stats: Arc<Stats>,
}

/// Counters for tests and metrics.
#[derive(Default, Debug)]
pub struct Stats {
    /// Times the sender's loop woke up.
    pub wakeups: AtomicU64,
    /// Requests made.
    pub requests: AtomicU64,
    /// Queries for due items.
    pub claims: AtomicU64,
}

impl Outbox {
    /// This instance's name in leases.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Items just committed and leased to us: send them from memory.
    pub fn hand_over(&self, items: Vec<Claimed>) {
        if !items.is_empty() {
            let _ = self.handed.send(items);
        }
    }

    /// Something changed in the table (an item due later, a cancellation).
    pub fn poke(&self) {
        self.poke.notify_one();
    }

    /// The user wrote again: their 403 is forgotten.
    pub fn reachable(&self, chat: i64) {
        let _ = self.reachable.send(chat);
    }
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn full(capacity: f64, now: Instant) -> Bucket {
        Bucket { tokens: capacity, at: now }
    }

    fn refill(&mut self, rate: f64, capacity: f64, now: Instant) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate).min(capacity);
        self.at = now;
    }

    /// When one token will be there.
    fn ready_at(&self, rate: f64) -> Instant {
        if self.tokens >= 1.0 || rate <= 0.0 {
            return self.at;
        }
        self.at + Duration::from_secs_f64((1.0 - self.tokens) / rate)
    }
}

struct ChatState {
    bucket: Bucket,
    busy: bool,
    paused_until: Option<Instant>,
}

/// The sender task.
pub struct Sender {
    db: Db,
    api: Api,
    clock: SharedClock,
    limits: Limits,
    owner: Arc<str>,
    stats: Arc<Stats>,
    handed: mpsc::UnboundedReceiver<Vec<Claimed>>,
    reachable: mpsc::UnboundedReceiver<i64>,
    poke: Arc<Notify>,
    queue: BTreeMap<(Priority, i64), Claimed>,
    known: HashSet<i64>,
    chats: HashMap<i64, ChatState>,
    global: Bucket,
    global_pause: Option<Instant>,
    recent_429: Vec<(Instant, i64)>,
    unreachable: HashMap<i64, Instant>,
    /// Edits waiting for the message they edit: skipped until then,
    /// without holding up their chat.
    held: HashMap<i64, Instant>,
    /// When to look in the table again.
    next_claim: Option<Instant>,
    last_renewal: Instant,
}

type Done = (Claimed, Outcome);

pub fn new(db: Db, api: Api, clock: SharedClock, limits: Limits) -> (Outbox, Sender) {
    let owner: Arc<str> = Arc::from(format!("{}-{:016x}", std::process::id(), rand::random::<u64>()));
    let (handed_tx, handed_rx) = mpsc::unbounded_channel();
    let (reach_tx, reach_rx) = mpsc::unbounded_channel();
    let poke = Arc::new(Notify::new());
    let stats = Arc::new(Stats::default());
    let now = Instant::now();
    let outbox = Outbox {
        handed: handed_tx,
        poke: poke.clone(),
        reachable: reach_tx,
        owner: owner.clone(),
        stats: stats.clone(),
    };
    let sender = Sender {
        db,
        api,
        clock,
        limits,
        owner,
        stats,
        handed: handed_rx,
        reachable: reach_rx,
        poke,
        queue: BTreeMap::new(),
        known: HashSet::new(),
        chats: HashMap::new(),
        global: Bucket::full(limits.per_second.max(1.0), now),
        global_pause: None,
        recent_429: Vec::new(),
        unreachable: HashMap::new(),
        held: HashMap::new(),
        next_claim: Some(now),
        last_renewal: now,
    };
    (outbox, sender)
}

impl Sender {
    /// Sends until `stop`; then finishes the requests in flight and sends
    /// what is ready within `grace`, and gives back the leases it holds.
    pub async fn run(mut self, stop: CancellationToken, grace: Duration) {
        let mut in_flight: JoinSet<Done> = JoinSet::new();
        let (record, records) = mpsc::unbounded_channel();
        let recorder = tokio::spawn(record_sent(self.db.clone(), self.clock.clone(), records));
        let mut stopping_until: Option<Instant> = None;
        loop {
            self.stats.wakeups.fetch_add(1, Ordering::Relaxed);
            let now = Instant::now();
            if stopping_until.is_none() && stop.is_cancelled() {
                stopping_until = Some(now + grace);
            }
            while let Ok(items) = self.handed.try_recv() {
                self.accept(items);
            }
            while let Ok(chat) = self.reachable.try_recv() {
                self.unreachable.remove(&chat);
            }
            if let Some(until) = stopping_until {
                let nothing_ready = self.queue.values().all(|i| i.priority > Priority::Answer);
                if now >= until || (in_flight.is_empty() && nothing_ready) {
                    break;
                }
            } else if self.next_claim.is_some_and(|t| t <= now) {
                self.claim().await;
            }
            self.renew_leases(now, in_flight.len()).await;
            self.start_sends(&mut in_flight, &record, Instant::now());
            let wake = self.next_wake(stopping_until, !in_flight.is_empty());
            let clock = self.clock.clone();
            let jumped = async {
                match clock.jumps() {
                    Some(n) => n.notified().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = jumped => { self.next_claim = Some(Instant::now()); }
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => {
                    if let Ok((item, outcome)) = done {
                        self.settle(item, outcome);
                    }
                }
                Some(items) = self.handed.recv() => self.accept(items),
                _ = self.poke.notified() => { self.next_claim = Some(Instant::now()); }
                _ = stop.cancelled(), if stopping_until.is_none() => {}
                _ = sleep_until(wake) => {}
            }
        }
        while let Some(done) = in_flight.join_next().await {
            if let Ok((item, outcome)) = done {
                self.settle(item, outcome);
            }
        }
        drop(record);
        let _ = recorder.await;
        if let Err(e) = self.db.release_leases(&self.owner).await {
            tracing::warn!(error = %e, "could not give back the outbox leases");
        }
        tracing::info!(left = self.queue.len(), "outbox sender stopped");
    }

    fn accept(&mut self, items: Vec<Claimed>) {
        for item in items {
            if self.known.insert(item.id) {
                self.queue.insert((item.priority, item.id), item);
            }
        }
    }

    /// Takes due items from the table, and learns when to look next.
    async fn claim(&mut self) {
        self.stats.claims.fetch_add(1, Ordering::Relaxed);
        let now = self.clock.now();
        match self.db.claim_due(&self.owner, lease(), now, PAGE).await {
            Ok(items) => {
                let full = items.len() as i64 == PAGE;
                self.accept(items);
                self.next_claim = if full {
                    // More is waiting: look again once this page is under way.
                    Some(Instant::now() + Duration::from_secs(1))
                } else {
                    match self.db.next_outbox_time().await {
                        Ok(Some(at)) => {
                            let wait = (at - now.timestamp_millis()).max(0);
                            Some(Instant::now() + Duration::from_millis(u64::try_from(wait).unwrap_or(0)))
                        }
                        Ok(None) => None,
                        Err(e) => {
                            tracing::warn!(error = %e, "could not read the outbox; trying again");
                            Some(Instant::now() + Duration::from_secs(2))
                        }
                    }
                };
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not claim outbox items; trying again");
                self.next_claim = Some(Instant::now() + Duration::from_secs(2));
            }
        }
    }

    /// Items held in memory or in flight keep their lease.
    async fn renew_leases(&mut self, now: Instant, in_flight: usize) {
        if (self.queue.is_empty() && in_flight == 0) || now.duration_since(self.last_renewal) < LEASE / 4 {
            return;
        }
        self.last_renewal = now;
        if let Err(e) = self.db.renew_leases(&self.owner, lease(), self.clock.now()).await {
            tracing::warn!(error = %e, "could not renew the outbox leases");
        }
    }

    fn start_sends(&mut self, in_flight: &mut JoinSet<Done>, record: &Record, now: Instant) {
        if self.global_pause.is_some_and(|t| t > now) {
            return;
        }
        self.global.refill(self.limits.per_second, self.limits.per_second.max(1.0), now);
        let mut blocked: HashSet<i64> = HashSet::new();
        // The front of the queue is enough: at most this many sends start now.
        let keys: Vec<(Priority, i64)> = self.queue.keys().take(SCAN).copied().collect();
        for key in keys {
            if in_flight.len() >= MAX_IN_FLIGHT || self.global.tokens < 1.0 {
                break;
            }
            let Some(chat_id) = self.queue.get(&key).map(|i| i.chat_id) else { continue };
            if blocked.contains(&chat_id) || self.held.get(&key.1).is_some_and(|t| *t > now) {
                continue;
            }
            // Whatever happens, later items of this chat wait for this one.
            blocked.insert(chat_id);
            let gone =
                self.unreachable.get(&chat_id).is_some_and(|t| now.duration_since(*t) < UNREACHABLE_MEMORY);
            let (rate, burst) = (self.limits.per_chat, self.limits.chat_burst.max(1.0));
            let chat = self.chats.entry(chat_id).or_insert_with(|| ChatState {
                bucket: Bucket::full(burst, now),
                busy: false,
                paused_until: None,
            });
            if chat.busy || chat.paused_until.is_some_and(|t| t > now) {
                continue;
            }
            chat.paused_until = None;
            let Some(item) = self.queue.remove(&key) else { continue };
            if gone {
                // The user blocked the bot a moment ago: do not ask again.
                chat.busy = true;
                let db = self.db.clone();
                let clock = self.clock.clone();
                let record = record.clone();
                in_flight.spawn(async move {
                    let outcome = Outcome::Unreachable;
                    finish(&db, &clock, &record, &item, &outcome).await;
                    (item, outcome)
                });
                continue;
            }
            chat.bucket.refill(rate, burst, now);
            if chat.bucket.tokens < 1.0 {
                self.queue.insert(key, item);
                continue;
            }
            chat.bucket.tokens -= 1.0;
            chat.busy = true;
            self.global.tokens -= 1.0;
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            let (db, api, clock, owner) =
                (self.db.clone(), self.api.clone(), self.clock.clone(), self.owner.clone());
            let record = record.clone();
            in_flight.spawn(async move {
                let outcome = deliver(&db, &api, &clock, &owner, &item).await;
                finish(&db, &clock, &record, &item, &outcome).await;
                (item, outcome)
            });
        }
    }

    /// Books what a finished request means for its chat and the bot.
    fn settle(&mut self, item: Claimed, outcome: Outcome) {
        let now = Instant::now();
        let chat_id = item.chat_id;
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            chat.busy = false;
        }
        match outcome {
            Outcome::Retry { at, ref error } => {
                let wait = (at - self.clock.now()).to_std().unwrap_or_default();
                if error.as_str() == WAITING_FOR_TARGET {
                    self.held.insert(item.id, now + wait);
                } else if let Some(chat) = self.chats.get_mut(&chat_id) {
                    chat.paused_until = Some(now + wait);
                }
                if error.starts_with("429") {
                    self.recent_429.retain(|(t, _)| now.duration_since(*t) < Duration::from_secs(1));
                    self.recent_429.push((now, chat_id));
                    let chats: HashSet<i64> = self.recent_429.iter().map(|(_, c)| *c).collect();
                    if chats.len() >= 3 {
                        tracing::warn!(wait_ms = wait.as_millis() as u64, "flood control for the whole bot");
                        self.global_pause = Some(now + wait);
                    }
                }
                // Still leased to us: keep it, behind its chat's pause.
                let item = Claimed { attempts: item.attempts + 1, ..item };
                self.queue.insert((item.priority, item.id), item);
            }
            Outcome::Unreachable => {
                self.unreachable.insert(chat_id, now);
                self.known.remove(&item.id);
                self.held.remove(&item.id);
                if item.payload.contains(UNREACHABLE_NOTICE) {
                    // A notice may have been queued in the table: fetch it.
                    self.next_claim = Some(now);
                }
            }
            Outcome::Sent { .. } | Outcome::Failed(_) => {
                self.known.remove(&item.id);
                self.held.remove(&item.id);
            }
        }
        if self.chats.len() > 10_000 {
            self.chats
                .retain(|_, c| c.busy || c.paused_until.is_some_and(|t| t > now) || c.bucket.tokens < 1.0);
        }
    }

    fn next_wake(&self, stopping_until: Option<Instant>, sending: bool) -> Option<Instant> {
        let now = Instant::now();
        let mut wake = if stopping_until.is_some() { stopping_until } else { self.next_claim };
        let mut consider = |t: Instant| {
            wake = Some(wake.map_or(t, |w| w.min(t)));
        };
        if !self.queue.is_empty() {
            if let Some(p) = self.global_pause.filter(|t| *t > now) {
                consider(p);
            } else {
                consider(self.global.ready_at(self.limits.per_second));
            }
            let mut seen = HashSet::new();
            for item in self.queue.values() {
                if self.held.get(&item.id).is_some_and(|t| *t > now) {
                    continue;
                }
                if !seen.insert(item.chat_id) {
                    continue;
                }
                match self.chats.get(&item.chat_id) {
                    Some(c) if c.busy => {}
                    Some(c) => match c.paused_until.filter(|t| *t > now) {
                        Some(p) => consider(p),
                        None => consider(c.bucket.ready_at(self.limits.per_chat)),
                    },
                    None => consider(now),
                }
                if seen.len() > 256 {
                    break;
                }
            }
        }
        if !self.queue.is_empty() || sending {
            consider(self.last_renewal + LEASE / 4);
        }
        for t in self.held.values() {
            consider(*t);
        }
        wake.map(|w| w.max(now))
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Makes the request of one item; says how it ended.
async fn deliver(db: &Db, api: &Api, clock: &SharedClock, owner: &str, item: &Claimed) -> Outcome {
    // An item that can be cancelled (a reminder) is checked just before:
    // a cancelled meeting's reminder is never sent.
    if item.keyed {
        match db.confirm_claim(item.id, owner).await {
            Ok(true) => {}
            Ok(false) => return Outcome::Failed("cancelled before sending".into()),
            Err(e) => return retry(clock, item, format!("database: {e}"), None),
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
            Ok(Ok(None)) => return retry(clock, item, WAITING_FOR_TARGET.into(), Some(1000)),
            Ok(Err(())) => return Outcome::Failed("the message to edit was never sent".into()),
            Err(e) => return retry(clock, item, format!("database: {e}"), None),
        }
    }
    // Several instances: a chat's messages go in the order they were
    // queued, whichever instance holds which (one instance keeps the
    // order by sending one request per chat at a time).
    if db.backend() == crate::db::Backend::Postgres {
        match db.older_pending(item.chat_id, item.id, item.priority).await {
            Ok(false) => {}
            Ok(true) => {
                return retry(clock, item, "waiting for an earlier message to this chat".into(), Some(200));
            }
            Err(e) => return retry(clock, item, format!("database: {e}"), None),
        }
    }
    let (payload, fallback) = take_fallback(payload);
    crate::faults::crash_point("before-send");
    let mut result = api.call(&item.method, &payload, item.file.as_ref()).await;
    if let (Err(CallError::Api { code: 400, .. }), Some((method, params))) = (&result, &fallback) {
        tracing::info!(item = item.id, method = %item.method, "refused; making the fallback request");
        result = api.call(method, params, None).await;
    }
    crate::faults::crash_point("after-send");
    match result {
        Ok(raw) => {
            let (message_id, last_message_id) = message_ids_of(raw.get());
            Outcome::Sent { message_id, last_message_id }
        }
        Err(CallError::Api { code: 429, retry_after, .. }) => {
            let wait = retry_after.unwrap_or(1).max(1);
            // Not counted against the item: Telegram asked us to wait.
            Outcome::Retry {
                at: clock.now() + chrono::Duration::seconds(i64::from(wait)),
                error: format!("429 retry after {wait}"),
            }
        }
        Err(CallError::Api { code: 403, .. }) => Outcome::Unreachable,
        Err(e) if e.is_passing() => retry(clock, item, e.to_string(), None),
        Err(CallError::Api { description, .. }) => Outcome::Failed(description),
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

/// A passing failure: back off (0.5 s, 1 s, 2 s… up to 5 min), or give up.
fn retry(clock: &SharedClock, item: &Claimed, error: String, wait_ms: Option<i64>) -> Outcome {
    if item.attempts + 1 >= MAX_ATTEMPTS && wait_ms.is_none() {
        return Outcome::Failed(format!("gave up after {} attempts: {error}", item.attempts + 1));
    }
    let backoff_ms = wait_ms.unwrap_or_else(|| (500i64 << item.attempts.clamp(0, 10)).min(300_000));
    Outcome::Retry { at: clock.now() + chrono::Duration::milliseconds(backoff_ms), error }
}

/// Sent items on their way to the table, recorded in batches.
type Record = mpsc::UnboundedSender<crate::db::SentRecord>;

/// Records sent items: whatever has arrived meanwhile, in one statement.
/// Under load batches form by themselves; idle, it waits.
async fn record_sent(
    db: Db,
    clock: SharedClock,
    mut records: mpsc::UnboundedReceiver<crate::db::SentRecord>,
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
async fn finish(db: &Db, clock: &SharedClock, record: &Record, item: &Claimed, outcome: &Outcome) {
    let now = clock.now();
    if let Outcome::Unreachable = outcome {
        // The mark (and the writer's notice) first: the item stays pending
        // until then, so nothing looks finished while the notice is missing.
        tracing::info!(chat = item.chat_id, "the user blocked the bot; marked unreachable");
        let marked = match notice_of(&item.payload) {
            Some((chat, text)) => {
                db.notify_unreachable(UserId(item.chat_id), chat, text, now).await.map(|_| ())
            }
            None => db.mark_unreachable(UserId(item.chat_id), now).await,
        };
        if let Err(e) = marked {
            tracing::warn!(error = %e, "could not mark a user unreachable");
        }
    }
    let stored = match outcome {
        // A retry keeps the lease for as long as we will wait, plus a lease.
        Outcome::Retry { at, error } => db.delay_item(item.id, *at, error, lease()).await,
        Outcome::Sent { message_id, last_message_id } => {
            let _ = record.send((item.id, *message_id, *last_message_id));
            Ok(())
        }
        other => db.finish_item(item.id, other, now).await,
    };
    if let Err(e) = stored {
        tracing::error!(item = item.id, error = %e, "could not record an outbox outcome");
    }
    if let Outcome::Failed(reason) = outcome {
        tracing::warn!(item = item.id, method = %item.method, reason = %reason, "outbox item failed")
    }
}

/// The notice an item carries for its 403 (`UNREACHABLE_NOTICE`).
fn notice_of(payload: &str) -> Option<(i64, String)> {
    if !payload.contains(UNREACHABLE_NOTICE) {
        return None;
    }
    let value = serde_json::from_str::<serde_json::Value>(payload).ok()?;
    let notice = value.get(UNREACHABLE_NOTICE)?;
    Some((notice["chat_id"].as_i64()?, notice["text"].as_str()?.to_owned()))
}

/// Splits the fallback request off an item's parameters (and drops the
/// 403 notice: neither is Telegram's).
fn take_fallback(payload: String) -> (String, Option<(String, String)>) {
    if !payload.contains(FALLBACK) && !payload.contains(UNREACHABLE_NOTICE) {
        return (payload, None);
    }
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&payload) else { return (payload, None) };
    if let Some(o) = value.as_object_mut() {
        o.remove(UNREACHABLE_NOTICE);
    }
    let Some(fallback) = value.as_object_mut().and_then(|o| o.remove(FALLBACK)) else {
        return (value.to_string(), None);
    };
    let method = fallback["method"].as_str().map(str::to_owned);
    let params = fallback.get("params").map(|p| p.to_string());
    (value.to_string(), method.zip(params))
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
