//! One update handled inside a batch's transaction: claimed, parsed, run
//! through the schema with its sender and dialogue, its effects written;
//! what must wait for the commit (the outbox hand-over, the press's
//! answer, a retry or setting aside) is handed back to the batch.

use super::failure::Failure;
use super::peek::{callback_of, kind_of, kind_of_update, private_sender, sender_id};
use super::{ALLOWED_UPDATES, Intake, Step};
use crate::context;
use crate::db::{Next, PendingUpdate, Tx};
use crate::dialogue::State;
use crate::work::{Queued, Work};
use std::ops::ControlFlow;
use std::time::Duration;
use teloxide::payloads::AnswerCallbackQuery;
use teloxide::prelude::*;
use teloxide::types::{CallbackQueryId, UpdateKind};
use tokio::time::Instant;

/// How one chat's next update went inside a batch.
pub(super) enum Done {
    /// Its effects are written: what to do once the batch commits.
    Handled(Box<Committed>),
    /// Nothing was written that must stay: nothing to handle, another
    /// instance has the chat, or the update waits for its time.
    Skipped(Step),
    /// Its writes must be rolled back; after the batch, this is done.
    Failed(Fault),
}

/// A handled update's work that waits for the commit.
pub(super) struct Committed {
    pub(super) queued: Queued,
    /// The sender, reachable again (they wrote to us).
    pub(super) reach: Option<i64>,
    /// The button press to answer, with its toast.
    pub(super) answer: Option<(String, Option<String>)>,
    pub(super) kind: &'static str,
    pub(super) took: Duration,
    /// Kept in case the commit fails: the update is then retried.
    pub(super) pending: PendingUpdate,
    pub(super) update: Box<Update>,
}

/// What a failed update needs once the batch is over.
pub(super) enum Fault {
    /// A passing failure: retried with backoff (counted).
    Passing { pending: PendingUpdate, update: Box<Update>, reason: String },
    /// A bug or an update we cannot read: set aside, with the apology.
    Aside { pending: PendingUpdate, who: Option<i64>, callback: Option<String>, reason: &'static str },
    /// The next update waits for its time (the flood limit's pace, a
    /// retry's backoff): its claim is undone.
    Wait(Instant),
    /// The next update could not even be read: look again soon.
    Soon,
}

impl Intake {
    /// Handles `chat`'s next update in `tx` (taken and put back: `None`
    /// afterwards means the transaction was lost with a handler).
    pub(super) async fn handle_in(&self, slot: &mut Option<Tx>, chat: i64) -> Done {
        let started = Instant::now();
        let now = self.clock.now();
        let Some(tx) = slot.as_mut() else { return Done::Failed(Fault::Soon) };
        let pending = match tx.claim_next_update(chat, now).await {
            Ok(Next::Update(p)) => p,
            Ok(Next::Empty) => return Done::Skipped(Step::Nothing),
            Ok(Next::Locked) => return Done::Skipped(Step::Busy),
            Err(e) => {
                tracing::warn!(error = %e, "could not read the next update; retrying");
                return Done::Failed(Fault::Soon);
            }
        };
        if let Some(at) = pending.not_before.filter(|&at| at > now.timestamp_millis()) {
            let wait = Duration::from_millis(u64::try_from(at - now.timestamp_millis()).unwrap_or(0));
            // The claim is rolled back with the savepoint.
            return Done::Failed(Fault::Wait(Instant::now() + wait));
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
                let reason = if failed.is_none() { "no payload" } else { "unparseable" };
                return Done::Failed(Fault::Aside { pending, who, callback: None, reason });
            }
        };
        match self.dispatch(slot, &update).await {
            Ok((queued, reach, answer)) => Done::Handled(Box::new(Committed {
                queued,
                reach,
                answer,
                kind: kind_of_update(&update),
                took: started.elapsed(),
                pending,
                update: Box::new(update),
            })),
            Err(Failure::Passing(reason)) => {
                Done::Failed(Fault::Passing { pending, update: Box::new(update), reason })
            }
            Err(Failure::Bug(reason)) => {
                tracing::error!(update_id = id, error = %reason, "handler failed; set aside");
                let (who, callback) = (sender_id(&update), callback_of(&update));
                Done::Failed(Fault::Aside { pending, who, callback, reason: "bug" })
            }
        }
    }

    /// Loads the sender, runs the schema, and writes what it did: the
    /// dialogue change and the outbox rows.
    async fn dispatch(
        &self,
        slot: &mut Option<Tx>,
        update: &Update,
    ) -> Result<(Queued, Option<i64>, Option<(String, Option<String>)>), Failure> {
        let now = self.clock.now();
        let tx = slot.as_mut().ok_or_else(|| Failure::Bug("the transaction was taken".into()))?;
        let loaded = context::load(update, tx, now).await.map_err(Failure::from_db)?;
        let (ctx, state) = match loaded {
            Some((ctx, state)) => (Some(ctx), state),
            None => (None, State::Idle),
        };
        let before = state.clone();
        let work = Work::new(slot.take().ok_or_else(|| Failure::Bug("the transaction was taken".into()))?);
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
        *slot = tx;
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) if e.is_transient() => return Err(Failure::Passing(e.to_string())),
            Ok(Err(e)) => return Err(Failure::Bug(e.to_string())),
            Err(e) => return Err(Failure::Bug(format!("handler panicked: {e}"))),
        }
        let tx = slot.as_mut().ok_or_else(|| Failure::Bug("the transaction was taken".into()))?;
        if let (Some(ctx), Some(state)) = (&ctx, &out.state)
            && *state != before
        {
            tx.save_dialogue(ctx.user.id, state.to_stored().as_deref()).await.map_err(Failure::from_db)?;
        }
        let queued = out.queue(tx, self.outbox.owner(), now).await.map_err(Failure::from_db)?;
        let answer = match (out.callback, callback_of(update)) {
            (Some(answer), _) => Some((answer.id, answer.text)),
            // A press nobody answered still stops the client's spinner.
            (None, Some(id)) => Some((id, None)),
            (None, None) => None,
        };
        Ok((queued, ctx.map(|c| c.user.id.0), answer))
    }

    pub(super) async fn answer_callback(&self, id: String, text: Option<String>) {
        let mut answer = AnswerCallbackQuery::new(CallbackQueryId(id));
        answer.text = text;
        if let Err(e) = self.api.send(&answer).await {
            tracing::debug!(error = %e, "could not answer a button press");
        }
    }
}
