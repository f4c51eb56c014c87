//! Per-chat handling: one task per chat with work, taking its updates one
//! at a time (handled in batches with other chats': `batch`), and looking
//! again later when a chat must wait.

use super::{Intake, Step};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::time::Instant;

impl Intake {
    /// Handles whatever is stored and unhandled (after a restart, or when
    /// another instance stored updates).
    pub async fn scan(self: &Arc<Self>) {
        self.stats.scans.fetch_add(1, Ordering::Relaxed);
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
            let step = self.next_step(chat).await;
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

    pub(super) fn rescan_later(self: &Arc<Self>, chat: Option<i64>, at: Instant) {
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
}
