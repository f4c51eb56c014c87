//! Everything the bot sends goes out here: one sender per instance drains
//! the `outbox` table within Telegram's limits, most urgent first.
//!
//! - Items are written in the transaction of the update that caused them
//!   (`Work::send…`); those due now are leased to this instance at once and
//!   handed over in memory after the commit, so an answer costs no query
//!   before it is sent. Items due later (reminders, escalations) wait in
//!   the table; the sender sleeps until the earliest is due, or until it is
//!   poked (a new item, `LISTEN/NOTIFY` from another instance).
//! - Pacing (`pacing`): a token bucket for the whole bot and one per chat;
//!   broadcasts use at most two thirds of the bot's rate, so that answers
//!   are never short of it. One request per chat is in flight at a time,
//!   so a chat's messages keep their order. A 429 pauses that chat for
//!   `retry_after`; 429s for several chats at once pause the whole bot
//!   (Telegram's global limit).
//! - Outcomes (`deliver`): sent (the message id is stored), 400 failed (not
//!   retried), 403 unreachable (the user is marked; not retried), 5xx and
//!   network errors retried with backoff, the item staying leased to us.
//!   Why an item waits is a [`RetryReason`]; its text is only stored.
//! - Leases: an instance that dies leaves its items leased until the lease
//!   lapses; then any instance claims them (`FOR UPDATE SKIP LOCKED`). No
//!   transaction is open during an HTTP call.
//!
//! This file holds the handle the rest of the bot uses ([`Outbox`]) and the
//! sender's loop ([`Sender`]): taking items in, claiming them from the
//! table, keeping their leases, and sleeping until something is to be done.

mod deliver;
mod pacing;

pub use crate::db::RetryReason;
pub use pacing::Limits;

use crate::db::{Claimed, Db, Outcome, Priority};
use crate::domain::time::SharedClock;
use crate::telegram::Api;
use deliver::{Record, deliver, finish, record_sent};
use pacing::{Pacing, Turn};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// How long a claimed item stays ours without news from us.
pub const LEASE: Duration = Duration::from_secs(20);
/// Requests in flight at once (all chats together).
const MAX_IN_FLIGHT: usize = 16;
/// Queued items looked at for each round of sends.
const SCAN: usize = 512;
/// Items claimed from the table at a time.
const PAGE: i64 = 200;

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
    /// This instance's metrics (`/metrics`), shared with the intake.
    pub metrics: Arc<crate::metrics::Metrics>,
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

/// The sender task.
pub struct Sender {
    db: Db,
    api: Api,
    clock: SharedClock,
    owner: Arc<str>,
    stats: Arc<Stats>,
    metrics: Arc<crate::metrics::Metrics>,
    handed: mpsc::UnboundedReceiver<Vec<Claimed>>,
    reachable: mpsc::UnboundedReceiver<i64>,
    poke: Arc<Notify>,
    queue: BTreeMap<(Priority, i64), Claimed>,
    known: HashSet<i64>,
    /// Who may be sent to when: the buckets, pauses and held edits.
    pacing: Pacing,
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
    let metrics = Arc::new(crate::metrics::Metrics::new());
    let now = Instant::now();
    let outbox = Outbox {
        handed: handed_tx,
        poke: poke.clone(),
        reachable: reach_tx,
        owner: owner.clone(),
        stats: stats.clone(),
        metrics: metrics.clone(),
    };
    let sender = Sender {
        db,
        api,
        clock,
        owner,
        stats,
        metrics,
        handed: handed_rx,
        reachable: reach_rx,
        poke,
        queue: BTreeMap::new(),
        known: HashSet::new(),
        pacing: Pacing::new(limits, now),
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
                self.pacing.reachable(chat);
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
        let at = self.clock.now();
        match self.db.renew_leases(&self.owner, lease(), at).await {
            // A lease that had not lapsed when the renewal began is ours
            // for another lease; one that had may be another instance's.
            Ok(()) => {
                let (began, until) = (at.timestamp_millis(), (at + lease()).timestamp_millis());
                for item in self.queue.values_mut().filter(|i| i.lease_until > began) {
                    item.lease_until = until;
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not renew the outbox leases"),
        }
    }

    /// Starts the requests the limits allow now, from the front of the
    /// queue: one per chat, the chat's earliest.
    fn start_sends(&mut self, in_flight: &mut JoinSet<Done>, record: &Record, now: Instant) {
        if !self.pacing.open(now) {
            return;
        }
        let mut blocked: HashSet<i64> = HashSet::new();
        // The front of the queue is enough: at most this many sends start now.
        let keys: Vec<(Priority, i64)> = self.queue.keys().take(SCAN).copied().collect();
        for key in keys {
            if in_flight.len() >= MAX_IN_FLIGHT || !self.pacing.has_token() {
                break;
            }
            // The queue is in priority order: once broadcasts' share is
            // spent, nothing after this goes now.
            if key.0 == Priority::Bulk && !self.pacing.bulk_open(now) {
                break;
            }
            let Some(chat_id) = self.queue.get(&key).map(|i| i.chat_id) else { continue };
            if blocked.contains(&chat_id) || self.pacing.is_held(key.1, now) {
                continue;
            }
            // Whatever happens, later items of this chat wait for this one.
            blocked.insert(chat_id);
            let turn = self.pacing.turn(chat_id, key.0, now);
            if turn == Turn::NotYet {
                continue;
            }
            let Some(item) = self.queue.remove(&key) else { continue };
            let (db, clock, record) = (self.db.clone(), self.clock.clone(), record.clone());
            if turn == Turn::Unreachable {
                // The user blocked the bot a moment ago: do not ask again.
                in_flight.spawn(async move {
                    let outcome = Outcome::Unreachable;
                    finish(&db, &clock, &record, &item, &outcome).await;
                    (item, outcome)
                });
                continue;
            }
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            let (api, owner, metrics) = (self.api.clone(), self.owner.clone(), self.metrics.clone());
            in_flight.spawn(async move {
                let outcome = deliver(&db, &api, &clock, &owner, &item, &metrics).await;
                finish(&db, &clock, &record, &item, &outcome).await;
                (item, outcome)
            });
        }
    }

    /// Books what a finished request means for its chat and the bot, and
    /// keeps an item that is to be tried again.
    fn settle(&mut self, item: Claimed, outcome: Outcome) {
        let now = Instant::now();
        let wait = match &outcome {
            Outcome::Retry { at, .. } => (*at - self.clock.now()).to_std().unwrap_or_default(),
            _ => Duration::ZERO,
        };
        self.pacing.settle(item.id, item.chat_id, &outcome, wait, now);
        match outcome {
            Outcome::Retry { .. } => {
                // Still leased to us: keep it, behind its chat's pause.
                let item = Claimed { attempts: item.attempts + 1, ..item };
                self.queue.insert((item.priority, item.id), item);
            }
            Outcome::Unreachable => {
                self.known.remove(&item.id);
                if item.on_unreachable.is_some() {
                    // A notice may have been queued in the table: fetch it.
                    self.next_claim = Some(now);
                }
            }
            Outcome::Sent { .. } | Outcome::Failed(_) | Outcome::NotOurs => {
                self.known.remove(&item.id);
            }
        }
    }

    /// The earliest moment something may be done: a claim, a send the
    /// limits allow, a held edit's turn, a lease to renew.
    fn next_wake(&self, stopping_until: Option<Instant>, sending: bool) -> Option<Instant> {
        let now = Instant::now();
        let mut wake = if stopping_until.is_some() { stopping_until } else { self.next_claim };
        let mut consider = |t: Instant| {
            wake = Some(wake.map_or(t, |w| w.min(t)));
        };
        if !self.queue.is_empty() {
            consider(self.pacing.open_at(now));
            let mut seen = HashSet::new();
            for item in self.queue.values() {
                if self.pacing.is_held(item.id, now) {
                    continue;
                }
                if !seen.insert(item.chat_id) {
                    continue;
                }
                if let Some(at) = self.pacing.chat_ready_at(item.chat_id, now) {
                    // A broadcast's item waits for broadcasts' share too.
                    let bulk = item.priority == Priority::Bulk;
                    consider(if bulk { at.max(self.pacing.bulk_ready_at()) } else { at });
                }
                if seen.len() > 256 {
                    break;
                }
            }
        }
        if !self.queue.is_empty() || sending {
            consider(self.last_renewal + LEASE / 4);
        }
        for t in self.pacing.held_until() {
            consider(t);
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
