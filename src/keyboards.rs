//! Inline keyboards, and callback data as a typed enum <-> compact string.
//! Callback data comes from the client and is never trusted: it is parsed
//! strictly here, and every handler checks the user's right to act on it.

use crate::domain::{DistrictId, Lang, SchoolId};
use crate::t;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

/// A button's meaning: one variant per feature, each with its own type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callback {
    Lang(Lang),
    Invite(InviteCb),
}

/// The buttons of the `/invite` flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteCb {
    Mentor,
    Coordinator,
    Student,
    Class,
    Uses(u32),
    Days(u32),
    District(DistrictId),
    School(SchoolId),
}

impl Callback {
    /// At most 64 bytes, as Telegram requires (ours stay under 24).
    pub fn encode(self) -> String {
        match self {
            Callback::Lang(l) => format!("l:{}", l.code()),
            Callback::Invite(cb) => match cb {
                InviteCb::Mentor => "i:m".into(),
                InviteCb::Coordinator => "i:c".into(),
                InviteCb::Student => "i:s".into(),
                InviteCb::Class => "i:k".into(),
                InviteCb::Uses(n) => format!("u:{n}"),
                InviteCb::Days(n) => format!("d:{n}"),
                InviteCb::District(d) => format!("D:{}", d.0),
                InviteCb::School(s) => format!("S:{}", s.0),
            },
        }
    }

    pub fn parse(data: &str) -> Option<Callback> {
        let (tag, value) = data.split_once(':')?;
        let number = || value.parse::<u32>().ok().filter(|n| value == n.to_string());
        let id = || value.parse::<i64>().ok().filter(|n| *n > 0 && value == n.to_string());
        let invite = |cb| Some(Callback::Invite(cb));
        match (tag, value) {
            ("l", v) => Some(Callback::Lang(v.parse().ok()?)),
            ("i", "m") => invite(InviteCb::Mentor),
            ("i", "c") => invite(InviteCb::Coordinator),
            ("i", "s") => invite(InviteCb::Student),
            ("i", "k") => invite(InviteCb::Class),
            ("u", _) => invite(InviteCb::Uses(number()?)),
            ("d", _) => invite(InviteCb::Days(number()?)),
            ("D", _) => invite(InviteCb::District(DistrictId(id()?))),
            ("S", _) => invite(InviteCb::School(SchoolId(id()?))),
            _ => None,
        }
    }
}

pub fn button(text: impl Into<String>, cb: Callback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(text, cb.encode())
}

/// «Қазақша» and «Русский», each in its own language.
pub fn languages() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[
        button(t!(Lang::Kk, "lang-name-kk"), Callback::Lang(Lang::Kk)),
        button(t!(Lang::Ru, "lang-name-ru"), Callback::Lang(Lang::Ru)),
    ]])
}

/// Buttons laid out `per_row` to a row.
pub fn grid(buttons: Vec<InlineKeyboardButton>, per_row: usize) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(buttons.chunks(per_row.max(1)).map(<[_]>::to_vec).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callbacks_round_trip_and_fit_telegram() {
        let all = [
            Callback::Lang(Lang::Kk),
            Callback::Lang(Lang::Ru),
            Callback::Invite(InviteCb::Mentor),
            Callback::Invite(InviteCb::Coordinator),
            Callback::Invite(InviteCb::Student),
            Callback::Invite(InviteCb::Class),
            Callback::Invite(InviteCb::Uses(u32::MAX)),
            Callback::Invite(InviteCb::Days(7)),
            Callback::Invite(InviteCb::District(DistrictId(i64::MAX))),
            Callback::Invite(InviteCb::School(SchoolId(5))),
        ];
        for cb in all {
            assert!(cb.encode().len() <= 64);
            assert_eq!(Callback::parse(&cb.encode()), Some(cb));
        }
    }

    #[test]
    fn garbage_is_rejected() {
        for bad in
            ["", ":", "l:en", "i:x", "u:", "u:-1", "u:01", "u:+3", "D:0", "S:abc", "x:1", "ll:kk", "u:1:2"]
        {
            assert_eq!(Callback::parse(bad), None, "{bad:?}");
        }
    }
}
