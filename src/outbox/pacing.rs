//! Telegram's limits, kept: a token bucket for the whole bot and one per
//! chat, one request per chat in flight, a chat paused by its 429 and the
//! whole bot by 429s for several chats at once, edits held until the
//! message they edit is sent, and chats whose user blocked the bot a moment
//! ago. Broadcasts (`Priority::Bulk`) have a bucket of their own besides,
//! at [`BULK_SHARE`] of the bot's rate: a broadcast never runs the bot's
//! bucket dry, so answers and notices always find a token, and the bot
//! stays clear of Telegram's overall limit, where one 429 would stop
//! every chat. The sender asks it whose turn it is and tells it how each
//! request ended; it makes no request and holds no item.

use crate::db::{Outcome, Priority, RetryReason};
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use tokio::time::Instant;

/// How long a chat's 403 is believed without asking the database again.
const UNREACHABLE_MEMORY: Duration = Duration::from_secs(60);
/// 429s for this many chats within a second pause the whole bot.
const FLOOD_CHATS: usize = 3;
/// The share of the bot's rate broadcasts may use: the rest stays free
/// for answers, notices and reminders.
pub(super) const BULK_SHARE: f64 = 2.0 / 3.0;

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

/// Whether a chat's next item may go now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Turn {
    /// Yes: a token is taken and the chat is busy until it is settled.
    Send,
    /// The user blocked the bot a moment ago: the item ends as unreachable
    /// without a request (the chat is busy until it is settled).
    Unreachable,
    /// Not now: a request to the chat is in flight, the chat is paused, or
    /// its bucket is empty.
    NotYet,
}

pub(super) struct Pacing {
    limits: Limits,
    chats: HashMap<i64, ChatState>,
    global: Bucket,
    /// Broadcasts' share of `global` (see [`BULK_SHARE`]).
    bulk: Bucket,
    global_pause: Option<Instant>,
    recent_429: Vec<(Instant, i64)>,
    unreachable: HashMap<i64, Instant>,
    /// Edits waiting for the message they edit (by item id): skipped until
    /// then, without holding up their chat.
    held: HashMap<i64, Instant>,
}

impl Pacing {
    pub(super) fn new(limits: Limits, now: Instant) -> Pacing {
        Pacing {
            limits,
            chats: HashMap::new(),
            global: Bucket::full(global_capacity(limits), now),
            bulk: Bucket::full(bulk_capacity(limits), now),
            global_pause: None,
            recent_429: Vec::new(),
            unreachable: HashMap::new(),
            held: HashMap::new(),
        }
    }

    /// Whether the bot may send at all now (no flood pause); the bot's
    /// bucket is refilled for the round.
    pub(super) fn open(&mut self, now: Instant) -> bool {
        if self.global_pause.is_some_and(|t| t > now) {
            return false;
        }
        self.global.refill(self.limits.per_second, global_capacity(self.limits), now);
        true
    }

    /// Whether the bot's bucket has a request left in this round.
    pub(super) fn has_token(&self) -> bool {
        self.global.tokens >= 1.0
    }

    /// Whether broadcasts' share has a request left now.
    pub(super) fn bulk_open(&mut self, now: Instant) -> bool {
        self.bulk.refill(bulk_rate(self.limits), bulk_capacity(self.limits), now);
        self.bulk.tokens >= 1.0
    }

    /// When broadcasts' share has a request again.
    pub(super) fn bulk_ready_at(&self) -> Instant {
        self.bulk.ready_at(bulk_rate(self.limits))
    }

    /// An edit waiting for the message it edits.
    pub(super) fn is_held(&self, item: i64, now: Instant) -> bool {
        self.held.get(&item).is_some_and(|t| *t > now)
    }

    /// The user wrote again: their 403 is forgotten.
    pub(super) fn reachable(&mut self, chat: i64) {
        self.unreachable.remove(&chat);
    }

    /// Whether the next item of `chat_id`, of `priority`, may go now; a
    /// yes is booked.
    pub(super) fn turn(&mut self, chat_id: i64, priority: Priority, now: Instant) -> Turn {
        let gone =
            self.unreachable.get(&chat_id).is_some_and(|t| now.duration_since(*t) < UNREACHABLE_MEMORY);
        let (rate, burst) = (self.limits.per_chat, self.limits.chat_burst.max(1.0));
        let chat = self.chats.entry(chat_id).or_insert_with(|| ChatState {
            bucket: Bucket::full(burst, now),
            busy: false,
            paused_until: None,
        });
        if chat.busy || chat.paused_until.is_some_and(|t| t > now) {
            return Turn::NotYet;
        }
        chat.paused_until = None;
        if gone {
            chat.busy = true;
            return Turn::Unreachable;
        }
        chat.bucket.refill(rate, burst, now);
        let bulk = priority == Priority::Bulk;
        if bulk {
            self.bulk.refill(bulk_rate(self.limits), bulk_capacity(self.limits), now);
        }
        if chat.bucket.tokens < 1.0 || (bulk && self.bulk.tokens < 1.0) {
            return Turn::NotYet;
        }
        chat.bucket.tokens -= 1.0;
        chat.busy = true;
        self.global.tokens -= 1.0;
        if bulk {
            self.bulk.tokens -= 1.0;
        }
        Turn::Send
    }

    /// Books what a finished request of item `id` to `chat_id` means for
    /// the chat and the bot; `wait` is how long a retry waits.
    pub(super) fn settle(&mut self, id: i64, chat_id: i64, outcome: &Outcome, wait: Duration, now: Instant) {
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            chat.busy = false;
        }
        match outcome {
            Outcome::Retry { reason, .. } => {
                if *reason == RetryReason::WaitingForTarget {
                    self.held.insert(id, now + wait);
                } else if let Some(chat) = self.chats.get_mut(&chat_id) {
                    chat.paused_until = Some(now + wait);
                }
                if let RetryReason::FloodControl { .. } = reason {
                    self.flood_control(chat_id, wait, now);
                }
            }
            Outcome::Unreachable => {
                self.unreachable.insert(chat_id, now);
                self.held.remove(&id);
            }
            Outcome::Sent { .. } | Outcome::Failed(_) | Outcome::NotOurs => {
                self.held.remove(&id);
            }
        }
        if self.chats.len() > 10_000 {
            self.chats
                .retain(|_, c| c.busy || c.paused_until.is_some_and(|t| t > now) || c.bucket.tokens < 1.0);
        }
    }

    /// A 429 for `chat_id`: with those for other chats within a second,
    /// the whole bot waits.
    fn flood_control(&mut self, chat_id: i64, wait: Duration, now: Instant) {
        self.recent_429.retain(|(t, _)| now.duration_since(*t) < Duration::from_secs(1));
        self.recent_429.push((now, chat_id));
        let chats: HashSet<i64> = self.recent_429.iter().map(|(_, c)| *c).collect();
        if chats.len() >= FLOOD_CHATS {
            tracing::warn!(wait_ms = wait.as_millis() as u64, "flood control for the whole bot");
            self.global_pause = Some(now + wait);
        }
    }

    /// When the bot may send again: the end of its flood pause, or its
    /// bucket's next token.
    pub(super) fn open_at(&self, now: Instant) -> Instant {
        match self.global_pause.filter(|t| *t > now) {
            Some(p) => p,
            None => self.global.ready_at(self.limits.per_second),
        }
    }

    /// When `chat_id` may be sent to again; `None` while a request to it
    /// is in flight (its end wakes the sender).
    pub(super) fn chat_ready_at(&self, chat_id: i64, now: Instant) -> Option<Instant> {
        match self.chats.get(&chat_id) {
            Some(c) if c.busy => None,
            Some(c) => Some(match c.paused_until.filter(|t| *t > now) {
                Some(p) => p,
                None => c.bucket.ready_at(self.limits.per_chat),
            }),
            None => Some(now),
        }
    }

    /// When the held edits are looked at again.
    pub(super) fn held_until(&self) -> impl Iterator<Item = Instant> + '_ {
        self.held.values().copied()
    }
}

/// How many requests the bot may make at once: a sixth under a second's
/// worth. Telegram's window starts with our first request to arrive, a
/// moment after we decided to make it; with a full second's worth at once
/// and the same rate after it, the first request past the burst reached
/// Telegram before its token had (one 429, which the benchmark's burst of
/// reminders showed). The margin leaves more than a broadcast's share free.
fn global_capacity(limits: Limits) -> f64 {
    (limits.per_second * 5.0 / 6.0).max(1.0)
}

/// Broadcasts' rate: their share of the bot's.
fn bulk_rate(limits: Limits) -> f64 {
    limits.per_second * BULK_SHARE
}

/// …and how many may go at once: one second's worth.
fn bulk_capacity(limits: Limits) -> f64 {
    bulk_rate(limits).max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn retry(reason: RetryReason) -> Outcome {
        Outcome::Retry { at: Utc::now(), reason }
    }

    #[test]
    fn a_chat_gets_its_burst_then_one_a_second() {
        let now = Instant::now();
        let mut pacing = Pacing::new(Limits::default(), now);
        assert!(pacing.open(now));
        for _ in 0..3 {
            assert_eq!(pacing.turn(7, Priority::Answer, now), Turn::Send);
            assert_eq!(pacing.turn(7, Priority::Answer, now), Turn::NotYet, "one request per chat in flight");
            pacing.settle(
                1,
                7,
                &Outcome::Sent { message_id: None, last_message_id: None },
                Duration::ZERO,
                now,
            );
        }
        assert_eq!(pacing.turn(7, Priority::Answer, now), Turn::NotYet, "the burst is spent");
        assert_eq!(pacing.chat_ready_at(7, now), Some(now + Duration::from_secs(1)));
        assert_eq!(pacing.turn(7, Priority::Answer, now + Duration::from_secs(1)), Turn::Send);
    }

    #[test]
    fn an_edit_waiting_for_its_message_holds_the_item_not_the_chat() {
        let now = Instant::now();
        let mut pacing = Pacing::new(Limits::default(), now);
        assert_eq!(pacing.turn(7, Priority::Answer, now), Turn::Send);
        pacing.settle(1, 7, &retry(RetryReason::WaitingForTarget), Duration::from_secs(1), now);
        assert!(pacing.is_held(1, now));
        assert_eq!(pacing.turn(7, Priority::Answer, now), Turn::Send, "the chat goes on");
        pacing.settle(
            2,
            7,
            &retry(RetryReason::Passing("Bot API unreachable: x".into())),
            Duration::from_secs(2),
            now,
        );
        assert!(!pacing.is_held(2, now));
        assert_eq!(pacing.turn(7, Priority::Answer, now), Turn::NotYet, "a passing failure pauses the chat");
        assert_eq!(pacing.chat_ready_at(7, now), Some(now + Duration::from_secs(2)));
    }

    #[test]
    fn flood_control_for_three_chats_pauses_the_bot() {
        let now = Instant::now();
        let mut pacing = Pacing::new(Limits::default(), now);
        let flood = retry(RetryReason::FloodControl { retry_after: 5 });
        for chat in [1, 2] {
            assert_eq!(pacing.turn(chat, Priority::Notice, now), Turn::Send);
            pacing.settle(chat, chat, &flood, Duration::from_secs(5), now);
        }
        assert!(pacing.open(now), "two chats: only they wait");
        assert_eq!(pacing.turn(3, Priority::Notice, now), Turn::Send);
        pacing.settle(3, 3, &flood, Duration::from_secs(5), now);
        assert!(!pacing.open(now));
        assert_eq!(pacing.open_at(now), now + Duration::from_secs(5));
    }

    #[test]
    fn a_blocked_user_is_not_asked_again_until_they_write() {
        let now = Instant::now();
        let mut pacing = Pacing::new(Limits::default(), now);
        assert_eq!(pacing.turn(7, Priority::Answer, now), Turn::Send);
        pacing.settle(1, 7, &Outcome::Unreachable, Duration::ZERO, now);
        assert_eq!(pacing.turn(7, Priority::Answer, now), Turn::Unreachable);
        pacing.settle(2, 7, &Outcome::Unreachable, Duration::ZERO, now);
        pacing.reachable(7);
        assert_eq!(pacing.turn(7, Priority::Answer, now), Turn::Send);
    }

    #[test]
    fn the_bot_bursts_with_a_margin_under_telegrams_second() {
        let now = Instant::now();
        let mut pacing = Pacing::new(Limits::default(), now);
        assert!(pacing.open(now));
        let sends = |pacing: &mut Pacing, chats: std::ops::Range<i64>, at: Instant| {
            chats
                .take_while(|c| pacing.has_token() && pacing.turn(*c, Priority::Answer, at) == Turn::Send)
                .count()
        };
        let at_once = sends(&mut pacing, 1..41, now);
        assert_eq!(at_once, 25, "25 at once, not Telegram's 30");
        // Then the rate: one more every 1/30 s, never another burst.
        let later = now + Duration::from_millis(110);
        assert!(pacing.open(later));
        let next = sends(&mut pacing, 41..81, later);
        assert_eq!(next, 3);
    }

    #[test]
    fn a_broadcast_takes_its_share_and_leaves_the_rest_to_answers() {
        let now = Instant::now();
        let mut pacing = Pacing::new(Limits::default(), now);
        assert!(pacing.open(now));
        let sent = |pacing: &mut Pacing, chats: std::ops::Range<i64>, at: Instant| {
            chats.filter(|c| pacing.turn(*c, Priority::Bulk, at) == Turn::Send).count()
        };
        // 30 a second for the bot: 20 for broadcasts, however many wait.
        assert_eq!(sent(&mut pacing, 100..200, now), 20);
        assert!(!pacing.bulk_open(now));
        assert_eq!(pacing.bulk_ready_at(), now + Duration::from_millis(50));
        // The rest of the bot's bucket is there for an answer, a notice.
        assert!(pacing.has_token());
        assert_eq!(pacing.turn(1, Priority::Answer, now), Turn::Send);
        assert_eq!(pacing.turn(2, Priority::Notice, now), Turn::Send);
        // A second later: another 20, never more.
        let later = now + Duration::from_secs(1);
        assert!(pacing.open(later));
        assert_eq!(sent(&mut pacing, 200..300, later), 20);
    }
}
