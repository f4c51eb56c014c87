//! One update handled: claimed in a transaction, parsed, run through the
//! schema with its sender and dialogue, and committed with everything it
//! did; the button press answered.

use super::failure::Failure;
use super::peek::{callback_of, kind_of, kind_of_update, private_sender, sender_id};
use super::{ALLOWED_UPDATES, Intake, Step};
use crate::context;
use crate::db::{DbError, Next, Tx};
use crate::dialogue::State;
use crate::metrics::Handled;
use crate::work::Work;
use std::ops::ControlFlow;
use std::sync::atomic::Ordering;
use std::time::Duration;
use teloxide::payloads::AnswerCallbackQuery;
use teloxide::prelude::*;
use teloxide::types::{CallbackQueryId, UpdateKind};
use tokio::time::Instant;

impl Intake {
    pub(super) async fn handle_next(&self, chat: i64) -> Step {
        let started = Instant::now();
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
                self.outbox.metrics.update(kind_of_update(&update), Handled::Ok, started.elapsed());
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

    pub(super) async fn answer_callback(&self, id: String, text: Option<String>) {
        let mut answer = AnswerCallbackQuery::new(CallbackQueryId(id));
        answer.text = text;
        if let Err(e) = self.api.send(&answer).await {
            tracing::debug!(error = %e, "could not answer a button press");
        }
    }
}
