//! The poller: raw `getUpdates`, and each batch stored in one transaction
//! (with the flood limit applied) before the next call acknowledges it.

use super::flood::{self, Admit, Flood};
use super::peek::{Peek, sender_of};
use super::{ALLOWED_UPDATES, Intake, POLL_TIMEOUT, text_item, two_languages};
use crate::db::{DbError, PollLock, Signal, Standing, StoredUpdate};
use crate::domain::UserId;
use crate::outbox::lease;
use crate::t;
use crate::telegram::CallError;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::time::Instant;

impl Intake {
    /// Long polling until stopped. Stores each batch before the next
    /// `getUpdates` call acknowledges it.
    pub async fn poll(self: Arc<Self>) {
        let mut offset: i64 = 0;
        let mut backoff = Duration::from_secs(1);
        let mut flood = Flood::new(self.flood_per_minute);
        let mut leader = PollLock::default();
        loop {
            let polling = leader.hold(&self.db).await;
            self.outbox.metrics.set_poller(polling);
            if !polling {
                tokio::select! {
                    _ = self.stop.cancelled() => break,
                    _ = tokio::time::sleep(Duration::from_secs(2)) => continue,
                }
            }
            let result = tokio::select! {
                _ = self.stop.cancelled() => break,
                r = self.api.get_updates(offset, POLL_TIMEOUT, &ALLOWED_UPDATES) => r,
            };
            if result.is_ok() {
                self.outbox.metrics.intake_alive(self.clock.now());
            }
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
    pub(super) async fn store(
        self: &Arc<Self>,
        raws: &[Box<RawValue>],
        flood: &mut Flood,
    ) -> Result<i64, DbError> {
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
                self.outbox.metrics.flood_drop();
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
                None => t!(l, "flood-slow-down", helplines = self.helplines.text(l)),
            });
            items.push(text_item(chat, text));
        }
        let claimed = tx.enqueue(&items, self.outbox.owner(), lease(), now).await?;
        tx.notify(Signal::Updates, self.outbox.owner()).await?;
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
}
