//! Conversations between students (or parents) and their mentor: the kinds
//! of question, and the names of the outbox items that carry the copies.
//!
//! A relayed copy is an outbox item keyed `q:<question>:<part>`; once sent,
//! the outbox row holds the message id Telegram gave it, so a mentor's
//! Telegram reply (chat, message id) leads back to the question. Those rows
//! outlive the outbox's pruning (`Tx::prune_outbox`).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub use crate::domain::ids::QuestionId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuestionKind {
    Ordinary,
    /// `/anon`: nothing that identifies the student reaches the mentor.
    Anonymous,
    /// `/sos`.
    Urgent,
}

impl QuestionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Ordinary => "ordinary",
            QuestionKind::Anonymous => "anonymous",
            QuestionKind::Urgent => "urgent",
        }
    }
}

impl FromStr for QuestionKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        [QuestionKind::Ordinary, QuestionKind::Anonymous, QuestionKind::Urgent]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(())
    }
}

/// A step of an SOS, as `sos_steps` records it (with who and when).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SosEvent {
    /// The student or parent raised it.
    Raised,
    /// Its copy was queued for the mentor.
    MentorAlerted,
    /// The coordinators' alert is due then (cancelled by an acknowledgement).
    EscalationDue,
    /// «I'm on it», by whom.
    Acknowledged,
    /// The last rung: the regional coordinators' alert is due then, the
    /// district's coordinators not having acknowledged (cancelled by an
    /// acknowledgement).
    RegionalDue,
}

impl SosEvent {
    pub const ALL: [SosEvent; 5] = [
        SosEvent::Raised,
        SosEvent::MentorAlerted,
        SosEvent::EscalationDue,
        SosEvent::Acknowledged,
        SosEvent::RegionalDue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SosEvent::Raised => "raised",
            SosEvent::MentorAlerted => "mentor_alerted",
            SosEvent::EscalationDue => "escalation_due",
            SosEvent::Acknowledged => "acknowledged",
            SosEvent::RegionalDue => "regional_due",
        }
    }
}

impl FromStr for SosEvent {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        SosEvent::ALL.into_iter().find(|k| k.as_str() == s).ok_or(())
    }
}

/// The prefix of every relayed copy's key.
pub const COPY_PREFIX: &str = "q:";

/// The key of one part of a question's copy (`part`: `m` the message
/// itself, `h` a header sent apart, a number for further pieces, `a…` an
/// answer).
pub fn copy_key(q: QuestionId, part: impl fmt::Display) -> String {
    format!("{COPY_PREFIX}{q}:{part}")
}

/// The question a copy's key belongs to.
pub fn question_of_key(key: &str) -> Option<QuestionId> {
    let rest = key.strip_prefix(COPY_PREFIX)?;
    let (id, _) = rest.split_once(':')?;
    id.parse::<i64>().ok().filter(|n| *n > 0).map(QuestionId)
}

/// How long an album's copy waits for the album's other parts: Telegram
/// sends them as separate updates within about a second, and the copy
/// (`copyMessages`) is replaced as each one arrives.
pub fn album_wait() -> chrono::Duration {
    chrono::Duration::seconds(3)
}

/// The key of the 👌 that follows a held copy on the writer's message
/// `message` (replaced when the message is edited or sent as an SOS).
pub fn delivered_key(q: QuestionId, message: i64) -> String {
    format!("delivered:{q}:{message}")
}

/// The keys of an SOS's escalation items start with this.
pub fn escalation_prefix(q: QuestionId) -> String {
    format!("sos:{q}:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_keys_lead_back_to_their_question() {
        let q = QuestionId(42);
        assert_eq!(question_of_key(&copy_key(q, "m")), Some(q));
        assert_eq!(question_of_key(&copy_key(q, 3)), Some(q));
        for bad in ["", "q:", "q:x:m", "q:0:m", "r:1:m", "q:5", "sos:5:1"] {
            assert_eq!(question_of_key(bad), None, "{bad:?}");
        }
        assert!(escalation_prefix(q).starts_with("sos:42:"));
        assert_eq!(question_of_key(&delivered_key(q, 7)), None, "not a copy's key");
        for kind in [QuestionKind::Ordinary, QuestionKind::Anonymous, QuestionKind::Urgent] {
            assert_eq!(kind.as_str().parse(), Ok(kind));
        }
        for step in SosEvent::ALL {
            assert_eq!(step.as_str().parse(), Ok(step));
        }
        assert_eq!("regional_due".parse(), Ok(SosEvent::RegionalDue));
        assert!("escalated".parse::<SosEvent>().is_err());
    }
}
