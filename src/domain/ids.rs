//! One newtype per id, so that two bare integers cannot be swapped and so
//! that dptree can inject them by type.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A Telegram user id; in a private chat it is also the chat id.
    UserId
);
id_type!(
    /// A district (аудан / район) of the programme.
    DistrictId
);
id_type!(
    /// A school, always inside one district.
    SchoolId
);
id_type!(
    /// An invite row (never the secret code itself).
    InviteId
);
id_type!(
    /// A message (or album) a student or parent sent to a mentor.
    QuestionId
);

impl From<UserId> for teloxide::types::ChatId {
    fn from(id: UserId) -> Self {
        teloxide::types::ChatId(id.0)
    }
}

/// A private chat's id is its user's id: a request's recipient.
impl From<UserId> for teloxide::types::Recipient {
    fn from(id: UserId) -> Self {
        teloxide::types::Recipient::Id(id.into())
    }
}

id_type!(
    /// A mentor's slot of free (or booked) time.
    SlotId
);
id_type!(
    /// A meeting booked in a slot.
    MeetingId
);
id_type!(
    /// A mentor's weekly availability rule.
    RuleId
);
id_type!(
    /// A broadcast (`/broadcast`), from its draft on.
    BroadcastId
);
