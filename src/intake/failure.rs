//! When handling fails: a passing failure is retried with backoff for a
//! bounded time; then, or at once for a bug, the update is set aside and
//! the user gets the apology.

use super::peek::{callback_of, kind_of, kind_of_update, language_of, sender_id};
use super::{Intake, Step, text_item, two_languages};
use crate::db::{DbError, PendingUpdate};
use crate::domain::UserId;
use crate::metrics::{Handled, update_kind};
use crate::outbox::lease;
use crate::t;
use std::sync::atomic::Ordering;
use std::time::Duration;
use teloxide::prelude::*;
use tokio::time::Instant;

/// A passing failure is retried at least this many times…
const MIN_ATTEMPTS: i64 = 6;
/// …and for at least this long before the user gets the apology.
const RETRY_FOR: chrono::Duration = chrono::Duration::seconds(60);
/// …but never more often than this.
const MAX_ATTEMPTS: i64 = 12;

pub(super) enum Failure {
    Passing(String),
    Bug(String),
}

impl Failure {
    pub(super) fn from_db(e: DbError) -> Failure {
        if e.is_transient() { Failure::Passing(e.to_string()) } else { Failure::Bug(e.to_string()) }
    }
}

impl Intake {
    pub(super) async fn retry_or_give_up(
        &self,
        pending: &PendingUpdate,
        update: &Update,
        reason: &str,
    ) -> Step {
        let now = self.clock.now();
        let attempts = pending.attempts + 1;
        let received = crate::domain::time::from_millis(pending.received_at);
        let give_up = attempts >= MAX_ATTEMPTS || (attempts >= MIN_ATTEMPTS && now - received >= RETRY_FOR);
        if give_up {
            tracing::error!(update_id = pending.update_id, attempts, error = %reason, "update keeps failing; set aside");
            return self.set_aside(pending, sender_id(update), callback_of(update), "gave up").await;
        }
        self.stats.retried.fetch_add(1, Ordering::Relaxed);
        self.outbox.metrics.update(update_kind(kind_of_update(update)), Handled::Retried, Duration::ZERO);
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
    pub(super) async fn set_aside(
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
                        t!(l, "error-internal-student", helplines = self.helplines.text(l))
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
                let kind = pending.payload.as_deref().map(kind_of).unwrap_or_default();
                self.outbox.metrics.update(update_kind(&kind), Handled::SetAside, Duration::ZERO);
                if reason == "bug" {
                    self.outbox.metrics.handler_error();
                }
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
}
