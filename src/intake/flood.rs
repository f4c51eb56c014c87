//! The flood limit, and what it never touches.
//!
//! A token bucket per sender (`TALIMGER_FLOOD` updates a minute, as a
//! burst too) decides in the poller, before anything is parsed, what a
//! sender may have handled at once. What is over the limit is not simply
//! dropped:
//! - an **urgent** update — `/sos` (typed or in a caption), the SOS
//!   buttons, or crisis words in a text, a caption or an edit — is always
//!   admitted, and its chat handles it before anything else;
//! - a **member** of the programme (anyone with a role whom no mentor
//!   blocked) is slowed, not silenced: the excess is kept and handled one
//!   by one at the limit's pace (`slot`), in order;
//! - only the excess of people outside the programme and of people a
//!   mentor blocked is dropped.

use crate::domain::safety::{has_crisis_words, is_sos_command};
use crate::keyboards::{Callback, SosCb};
use std::collections::HashMap;
use std::time::Duration;
use tokio::time::Instant;

pub(super) enum Admit {
    Yes,
    /// Over the limit; `first`: the first time in a row (tell the user).
    Over {
        first: bool,
    },
}

/// Per sender: tokens, when they were counted, whether told, and the next
/// free slot for a slowed update.
struct Sender {
    tokens: f64,
    at: Instant,
    warned: bool,
    next_slot: Instant,
}

/// A token bucket per sender: `per_minute` updates a minute, as a burst too.
pub(super) struct Flood {
    per_minute: f64,
    senders: HashMap<i64, Sender>,
}

impl Flood {
    pub(super) fn new(per_minute: u32) -> Flood {
        Flood { per_minute: f64::from(per_minute.max(1)), senders: HashMap::new() }
    }

    /// The pace of a slowed sender: one update every this long.
    fn interval(&self) -> Duration {
        Duration::from_secs_f64(60.0 / self.per_minute)
    }

    pub(super) fn admit(&mut self, sender: i64, now: Instant) -> Admit {
        if sender == 0 {
            return Admit::Yes;
        }
        if self.senders.len() > 100_000 {
            let full = self.per_minute;
            self.senders.retain(|_, s| {
                s.next_slot > now || s.tokens + now.duration_since(s.at).as_secs_f64() * full / 60.0 < full
            });
        }
        let full = self.per_minute;
        let s = self.senders.entry(sender).or_insert(Sender {
            tokens: full,
            at: now,
            warned: false,
            next_slot: now,
        });
        s.tokens = (s.tokens + now.duration_since(s.at).as_secs_f64() * full / 60.0).min(full);
        s.at = now;
        if s.tokens >= 1.0 {
            s.tokens -= 1.0;
            s.warned = false;
            Admit::Yes
        } else {
            let first = !s.warned;
            s.warned = true;
            Admit::Over { first }
        }
    }

    /// A member's update over the limit: how long it waits before it is
    /// handled, so that the sender's excess goes at the limit's pace, in
    /// order, behind the ones slowed before it.
    pub(super) fn slot(&mut self, sender: i64, now: Instant) -> Duration {
        let interval = self.interval();
        let Some(s) = self.senders.get_mut(&sender) else { return Duration::ZERO };
        let slot = s.next_slot.max(now) + interval;
        s.next_slot = slot;
        slot - now
    }
}

/// Whether a raw update must never wait or be dropped: an SOS (typed, in
/// a caption, or its buttons) or crisis words in a message or an edit.
pub(super) fn is_urgent(body: &serde_json::Value) -> bool {
    if let Some(data) = body.get("data").and_then(serde_json::Value::as_str) {
        return matches!(
            Callback::parse(data),
            Some(Callback::Sos(SosCb::Now | SosCb::Night(_) | SosCb::Child(_) | SosCb::Ack(_)))
        );
    }
    let text = body.get("text").or_else(|| body.get("caption")).and_then(serde_json::Value::as_str);
    text.is_some_and(|t| is_sos_command(t) || has_crisis_words(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_flooder_is_told_once_and_recovers() {
        let mut flood = Flood::new(3);
        let t0 = Instant::now();
        assert!(matches!(flood.admit(7, t0), Admit::Yes));
        assert!(matches!(flood.admit(7, t0), Admit::Yes));
        assert!(matches!(flood.admit(7, t0), Admit::Yes));
        assert!(matches!(flood.admit(7, t0), Admit::Over { first: true }));
        assert!(matches!(flood.admit(7, t0), Admit::Over { first: false }));
        assert!(matches!(flood.admit(8, t0), Admit::Yes), "others are not affected");
        assert!(matches!(flood.admit(7, t0 + Duration::from_secs(20)), Admit::Yes), "a token a 20 s");
        assert!(matches!(flood.admit(7, t0 + Duration::from_secs(20)), Admit::Over { first: true }));
    }

    #[test]
    fn slowed_updates_go_at_the_limits_pace_in_order() {
        let mut flood = Flood::new(20);
        let t0 = Instant::now();
        for _ in 0..20 {
            assert!(matches!(flood.admit(7, t0), Admit::Yes));
        }
        assert!(matches!(flood.admit(7, t0), Admit::Over { first: true }));
        assert_eq!(flood.slot(7, t0), Duration::from_secs(3));
        assert!(matches!(flood.admit(7, t0), Admit::Over { first: false }));
        assert_eq!(flood.slot(7, t0), Duration::from_secs(6));
        // Later, the queue of slots goes on where it was.
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(flood.slot(7, t1), Duration::from_secs(8));
        assert_eq!(flood.slot(8, t1), Duration::ZERO, "nobody else is slowed");
    }

    #[test]
    fn sos_and_crisis_words_are_urgent_in_any_form() {
        for body in [
            json!({ "text": "/sos" }),
            json!({ "text": "/SOS мне страшно" }),
            json!({ "text": "  /sos@talimger_bot" }),
            json!({ "caption": "/sos" }),
            json!({ "text": "не хочу жить" }),
            json!({ "caption": "меня бьют дома" }),
            json!({ "data": Callback::Sos(SosCb::Now).encode() }),
            json!({ "data": Callback::Sos(SosCb::Ack(crate::domain::QuestionId(5))).encode() }),
        ] {
            assert!(is_urgent(&body), "{body}");
        }
        for body in [
            json!({ "text": "/sosiska" }),
            json!({ "text": "когда встреча?" }),
            json!({ "text": "sos" }),
            json!({ "data": "rr:5" }),
            json!({ "data": "garbage" }),
            json!({ "sticker": {} }),
        ] {
            assert!(!is_urgent(&body), "{body}");
        }
    }
}
