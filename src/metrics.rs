//! What a running instance counts, in Prometheus' text format
//! (`/metrics`, served by `serve`). One `Metrics` per running bot (tests
//! run several in one process), shared through the outbox handle. Counters
//! and the latency histogram are kept as things happen; the outbox's depth
//! and age and the jobs' lateness are read from the database at each
//! scrape, so that every instance reports the same shared queue.
//!
//! Nothing here carries a message's text, a name or a chat id: only kinds,
//! outcomes and counts.

use crate::db::Db;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UpdateLabels {
    kind: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SendLabels {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PriorityLabels {
    priority: &'static str,
}

/// How an update's handling ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handled {
    Ok,
    /// A passing failure: it is tried again.
    Retried,
    /// Given up on: kept aside for an operator, the user told.
    SetAside,
}

/// What Telegram answered a send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendResult {
    Ok,
    TooManyRequests,
    /// The user blocked the bot (403).
    Blocked,
    /// Refused for good (400 and other 4xx).
    ClientError,
    /// Telegram's side or the network: tried again.
    ServerError,
}

/// The label of an update's kind: the kinds the bot asks for, or `other`.
pub fn update_kind(name: &str) -> &'static str {
    match name {
        "message" => "message",
        "edited_message" => "edited_message",
        "callback_query" => "callback_query",
        _ => "other",
    }
}

/// One instance's metrics.
pub struct Metrics {
    registry: Registry,
    updates: Family<UpdateLabels, Counter>,
    handler_seconds: Histogram,
    handler_errors: Counter,
    flood_drops: Counter,
    sends: Family<SendLabels, Counter>,
    poller: Gauge,
    outbox_depth: Family<PriorityLabels, Gauge>,
    outbox_oldest: Family<PriorityLabels, Gauge<f64, AtomicU64>>,
    jobs_due: Gauge,
    jobs_late: Gauge,
    /// When Telegram last handed us updates (a `getUpdates` answered, a
    /// webhook delivery stored), Unix milliseconds; 0: not yet.
    last_intake: AtomicI64,
}

/// A job due longer ago than this is late.
pub const JOB_LATE_AFTER: chrono::Duration = chrono::Duration::minutes(1);

const PRIORITIES: [(i64, &str); 5] =
    [(-1, "urgent"), (0, "answer"), (1, "notice"), (2, "reminder"), (3, "bulk")];

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut m = Metrics {
            registry: Registry::with_prefix("talimger"),
            updates: Family::default(),
            handler_seconds: Histogram::new(exponential_buckets(0.001, 2.0, 15)),
            handler_errors: Counter::default(),
            flood_drops: Counter::default(),
            sends: Family::default(),
            poller: Gauge::default(),
            outbox_depth: Family::default(),
            outbox_oldest: Family::default(),
            jobs_due: Gauge::default(),
            jobs_late: Gauge::default(),
            last_intake: AtomicI64::new(0),
        };
        let r = &mut m.registry;
        r.register("updates", "Updates handled, by kind and outcome", m.updates.clone());
        r.register(
            "handler_seconds",
            "Time to handle one update: claim, handlers, commit",
            m.handler_seconds.clone(),
        );
        r.register(
            "handler_errors",
            "Updates whose handler failed (a bug), set aside",
            m.handler_errors.clone(),
        );
        r.register("flood_drops", "Updates dropped by the flood limit", m.flood_drops.clone());
        r.register("sends", "Bot API requests of the outbox, by result", m.sends.clone());
        r.register("poller", "1 when this instance is the one polling Telegram", m.poller.clone());
        r.register("outbox_depth", "Items waiting in the outbox, by priority", m.outbox_depth.clone());
        r.register(
            "outbox_oldest_seconds",
            "Age of the oldest item waiting in the outbox, by priority",
            m.outbox_oldest.clone(),
        );
        r.register("jobs_due", "Jobs due now and not yet done", m.jobs_due.clone());
        r.register("jobs_late", "Jobs due for over a minute and not yet done", m.jobs_late.clone());
        m
    }

    /// One update's handling, by its kind (`message`, `callback_query`…).
    pub fn update(&self, kind: &'static str, outcome: Handled, took: std::time::Duration) {
        let outcome_label = match outcome {
            Handled::Ok => "handled",
            Handled::Retried => "retried",
            Handled::SetAside => "set_aside",
        };
        self.updates.get_or_create(&UpdateLabels { kind, outcome: outcome_label }).inc();
        if outcome == Handled::Ok {
            self.handler_seconds.observe(took.as_secs_f64());
        }
    }

    /// An update set aside because its handler failed (a bug).
    pub fn handler_error(&self) {
        self.handler_errors.inc();
    }

    pub fn flood_drop(&self) {
        self.flood_drops.inc();
    }

    pub fn send(&self, result: SendResult) {
        let result = match result {
            SendResult::Ok => "ok",
            SendResult::TooManyRequests => "429",
            SendResult::Blocked => "blocked",
            SendResult::ClientError => "4xx",
            SendResult::ServerError => "5xx",
        };
        self.sends.get_or_create(&SendLabels { result }).inc();
    }

    pub fn set_poller(&self, polling: bool) {
        self.poller.set(i64::from(polling));
    }

    /// Telegram handed us updates (or answered an empty poll) at `at`.
    pub fn intake_alive(&self, at: chrono::DateTime<chrono::Utc>) {
        self.last_intake.store(at.timestamp_millis(), Ordering::Relaxed);
    }

    /// When Telegram last handed us updates, if it ever did.
    pub fn last_intake(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let ms = self.last_intake.load(Ordering::Relaxed);
        if ms == 0 { None } else { chrono::DateTime::from_timestamp_millis(ms) }
    }

    pub fn is_poller(&self) -> bool {
        self.poller.get() == 1
    }

    /// The text Prometheus scrapes: the shared queue read now, then
    /// everything counted.
    pub async fn render(&self, db: &Db, now: chrono::DateTime<chrono::Utc>) -> String {
        match db.queue_health(now, now - JOB_LATE_AFTER).await {
            Ok(health) => {
                for (priority, name) in PRIORITIES {
                    let waiting = health.outbox.iter().find(|w| w.priority == priority);
                    let labels = PriorityLabels { priority: name };
                    self.outbox_depth.get_or_create(&labels).set(waiting.map_or(0, |w| w.count));
                    let age = waiting
                        .and_then(|w| w.oldest)
                        .map_or(0.0, |oldest| (now - oldest).num_milliseconds().max(0) as f64 / 1000.0);
                    self.outbox_oldest.get_or_create(&labels).set(age);
                }
                self.jobs_due.set(health.jobs_due);
                self.jobs_late.set(health.jobs_late);
            }
            Err(e) => tracing::warn!(error = %e, "metrics: could not read the queues"),
        }
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::warn!(error = %e, "metrics: could not encode");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_label() {
        let m = Metrics::new();
        m.update("message", Handled::Ok, std::time::Duration::from_millis(3));
        m.update("message", Handled::Ok, std::time::Duration::from_millis(5));
        m.update("callback_query", Handled::SetAside, std::time::Duration::ZERO);
        m.send(SendResult::TooManyRequests);
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &m.registry).expect("encodes");
        assert!(out.contains(r#"talimger_updates_total{kind="message",outcome="handled"} 2"#), "{out}");
        assert!(
            out.contains(r#"talimger_updates_total{kind="callback_query",outcome="set_aside"} 1"#),
            "{out}"
        );
        assert!(out.contains(r#"talimger_sends_total{result="429"} 1"#), "{out}");
        assert!(out.contains("talimger_handler_seconds_count 2"), "{out}");
    }
}
