//! Batches: the next updates of the chats that are ready, handled in one
//! transaction with a savepoint each, so that begin and commit (and on
//! SQLite the log's pages, on PostgreSQL the flush to disk) are paid once
//! per batch, and a failure rolls back only its own update.
//!
//! A chat's task asks for its next update to be handled and waits for the
//! answer; whichever waiting task gets a leader's permit takes the asks
//! queued so far (its own among them, or not) and runs them as a batch.
//! No task of its own: when nobody asks, nothing runs. A batch of one
//! needs no savepoint. After a batch whose commit failed, each of its
//! chats runs alone once, so that one update cannot keep failing others.

use super::dispatch::{Done, Fault};
use super::{Intake, Step};
use crate::metrics::Handled;
use std::collections::{HashSet, VecDeque};
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::{SemaphorePermit, oneshot};
use tokio::time::Instant;

/// Updates handled in one transaction at most.
const MAX_BATCH: usize = 16;

/// Asks waiting for a batch, and the chats that must run alone.
#[derive(Default)]
pub(super) struct Queue {
    asks: VecDeque<Ask>,
    solo: HashSet<i64>,
}

pub(super) struct Ask {
    chat: i64,
    reply: oneshot::Sender<Step>,
}

fn soon() -> Step {
    Step::Wait(Instant::now() + Duration::from_secs(1))
}

impl Intake {
    /// Handles `chat`'s next update, in a batch this task leads or another's.
    pub(super) async fn next_step(&self, chat: i64) -> Step {
        let (reply, mut answer) = oneshot::channel();
        self.queue().asks.push_back(Ask { chat, reply });
        loop {
            tokio::select! {
                biased;
                step = &mut answer => return step.unwrap_or_else(|_| soon()),
                permit = self.leaders.acquire() => {
                    let Ok(permit) = permit else { return Step::Nothing };
                    let batch = self.take_batch();
                    if batch.is_empty() {
                        // Ours is in another leader's batch.
                        drop(permit);
                        return answer.await.unwrap_or_else(|_| soon());
                    }
                    self.run_batch(batch, permit).await;
                }
            }
        }
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn take_batch(&self) -> Vec<Ask> {
        let mut queue = self.queue();
        let mut batch = Vec::new();
        while let Some(chat) = queue.asks.front().map(|a| a.chat) {
            let alone = queue.solo.contains(&chat);
            if alone && !batch.is_empty() {
                break;
            }
            batch.extend(queue.asks.pop_front());
            if alone {
                queue.solo.remove(&chat);
                break;
            }
            if batch.len() == MAX_BATCH {
                break;
            }
        }
        batch
    }

    async fn run_batch(&self, batch: Vec<Ask>, permit: SemaphorePermit<'_>) {
        let alone = batch.len() == 1;
        self.stats.batches.fetch_add(1, Ordering::Relaxed);
        self.stats.largest_batch.fetch_max(batch.len() as u64, Ordering::Relaxed);
        let mut slot = match self.db.begin().await {
            Ok(tx) => Some(tx),
            Err(e) => {
                tracing::warn!(error = %e, "could not start a transaction; retrying");
                for ask in batch {
                    let _ = ask.reply.send(soon());
                }
                return;
            }
        };
        let mut results = Vec::with_capacity(batch.len());
        for ask in batch {
            let done = if alone {
                self.handle_in(&mut slot, ask.chat).await
            } else {
                self.handle_saved(&mut slot, ask.chat, !results.is_empty()).await
            };
            results.push((ask, done));
        }
        let handled = results.iter().any(|(_, d)| matches!(d, Done::Handled(_)));
        let committed = match slot.take() {
            Some(tx) if handled => {
                crate::faults::crash_point("before-commit");
                match tx.commit().await {
                    Ok(()) => {
                        crate::faults::crash_point("after-commit");
                        Commit::Done
                    }
                    Err(e) => Commit::Failed(e.to_string()),
                }
            }
            Some(tx) => {
                let _ = tx.rollback().await;
                Commit::Done
            }
            None => Commit::Lost,
        };
        drop(permit);
        if handled && !matches!(committed, Commit::Done) {
            tracing::warn!("a batch could not be committed; its chats run alone once");
            self.queue().solo.extend(results.iter().map(|(a, _)| a.chat));
        }
        let mut answers = Vec::new();
        for (ask, done) in results {
            let step = match done {
                Done::Handled(c) => match &committed {
                    Commit::Done => {
                        self.stats.handled.fetch_add(1, Ordering::Relaxed);
                        self.outbox.metrics.update(c.kind, Handled::Ok, c.took);
                        self.erase.notify_one();
                        c.queued.hand_over(&self.outbox, &self.jobs);
                        if let Some(user) = c.reach {
                            self.outbox.reachable(user);
                        }
                        answers.push((c.answer, ask.reply));
                        continue;
                    }
                    // A transaction lost with another's handler: no attempt counted.
                    Commit::Lost => soon(),
                    Commit::Failed(reason) => self.retry_or_give_up(&c.pending, &c.update, reason).await,
                },
                Done::Skipped(step) => step,
                Done::Failed(Fault::Wait(at)) => Step::Wait(at),
                Done::Failed(Fault::Soon) => soon(),
                Done::Failed(Fault::Passing { pending, update, reason }) => {
                    self.retry_or_give_up(&pending, &update, &reason).await
                }
                Done::Failed(Fault::Aside { pending, who, callback, reason }) => {
                    self.set_aside(&pending, who, callback, reason).await
                }
            };
            let _ = ask.reply.send(step);
        }
        // The presses are answered together, each chat told when its own is.
        futures::future::join_all(answers.into_iter().map(|(answer, reply)| async move {
            if let Some((id, text)) = answer {
                self.answer_callback(id, text).await;
            }
            let _ = reply.send(Step::Handled);
        }))
        .await;
    }

    /// One update of a batch of several, inside a savepoint of its own.
    /// The one before is released in the same round trip (`after` one),
    /// so that a savepoint costs one statement per update, and SQLite
    /// never keeps more than one open. A failed update rolls back to its
    /// own; the commit releases the last.
    async fn handle_saved(&self, slot: &mut Option<crate::db::Tx>, chat: i64, after: bool) -> Done {
        let Some(tx) = slot.as_mut() else { return Done::Failed(Fault::Soon) };
        let sql = if after { "RELEASE SAVEPOINT handling; SAVEPOINT handling" } else { "SAVEPOINT handling" };
        if let Err(e) = tx.execute_script(sql).await {
            tracing::warn!(error = %e, "could not make a savepoint; retrying");
            *slot = None;
            return Done::Failed(Fault::Soon);
        }
        let done = self.handle_in(slot, chat).await;
        let Some(tx) = slot.as_mut() else { return done };
        if matches!(done, Done::Failed(_))
            && let Err(e) = tx.execute("ROLLBACK TO SAVEPOINT handling").await
        {
            // The transaction cannot go on: the whole batch is retried.
            tracing::warn!(error = %e, "could not roll back to a savepoint; the batch is retried");
            *slot = None;
        }
        done
    }
}

/// How a batch's transaction ended.
enum Commit {
    /// Committed (or rolled back with nothing handled in it).
    Done,
    /// Lost with a handler (a panic that took it): nothing was written.
    Lost,
    Failed(String),
}
