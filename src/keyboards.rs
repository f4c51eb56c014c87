//! Inline keyboards, and callback data as a typed enum <-> compact string.
//! Callback data comes from the client and is never trusted: it is parsed
//! strictly here, and every handler checks the user's right to act on it.

use crate::domain::{DistrictId, Lang, SchoolId};
use crate::t;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callback {
    Lang(Lang),
    InviteMentor,
    InviteCoordinator,
    InviteStudent,
    InviteClass,
    ClassUses(u32),
    ClassDays(u32),
    District(DistrictId),
    School(SchoolId),
}

impl Callback {
    /// At most 64 bytes, as Telegram requires (ours stay under 24).
    pub fn encode(self) -> String {
        match self {
            Callback::Lang(l) => format!("l:{}", l.code()),
            Callback::InviteMentor => "i:m".into(),
            Callback::InviteCoordinator => "i:c".into(),
            Callback::InviteStudent => "i:s".into(),
            Callback::InviteClass => "i:k".into(),
            Callback::ClassUses(n) => format!("u:{n}"),
            Callback::ClassDays(n) => format!("d:{n}"),
            Callback::District(d) => format!("D:{}", d.0),
            Callback::School(s) => format!("S:{}", s.0),
        }
    }

    pub fn parse(data: &str) -> Option<Callback> {
        let (tag, value) = data.split_once(':')?;
        let number = || value.parse::<u32>().ok().filter(|n| value == n.to_string());
        let id = || value.parse::<i64>().ok().filter(|n| *n > 0 && value == n.to_string());
        Some(match (tag, value) {
            ("l", v) => Callback::Lang(v.parse().ok()?),
            ("i", "m") => Callback::InviteMentor,
            ("i", "c") => Callback::InviteCoordinator,
            ("i", "s") => Callback::InviteStudent,
            ("i", "k") => Callback::InviteClass,
            ("u", _) => Callback::ClassUses(number()?),
            ("d", _) => Callback::ClassDays(number()?),
            ("D", _) => Callback::District(DistrictId(id()?)),
            ("S", _) => Callback::School(SchoolId(id()?)),
            _ => return None,
        })
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
            Callback::InviteMentor,
            Callback::InviteCoordinator,
            Callback::InviteStudent,
            Callback::InviteClass,
            Callback::ClassUses(u32::MAX),
            Callback::ClassDays(7),
            Callback::District(DistrictId(i64::MAX)),
            Callback::School(SchoolId(5)),
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
