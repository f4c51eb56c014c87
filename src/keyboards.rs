//! Inline keyboards, and callback data as a typed enum <-> compact string.
//! Callback data comes from the client and is never trusted: it is parsed
//! strictly here, and every handler checks the user's right to act on it.

use crate::domain::{DistrictId, Lang, QuestionId, SchoolId, UserId};
use crate::t;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

/// A button's meaning: one variant per feature, each with its own type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callback {
    Lang(Lang),
    Invite(InviteCb),
    Relay(RelayCb),
}

/// The buttons of conversations (`handlers::relay`, `sos`, `quiet`,
/// `mentees`). Questions are named by their id only, never the sender's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayCb {
    /// On a relayed message: answer it.
    Reply(QuestionId),
    /// …mark it answered (settled in person).
    Answered(QuestionId),
    /// …stop its sender from writing to the mentor, and let them again.
    Block(QuestionId),
    Unblock(QuestionId),
    /// A parent picks the child to write about.
    Child(UserId),
    /// «I'm on it» on an SOS.
    Ack(QuestionId),
    /// `/sos` without words: send the alert now.
    SosNow,
    /// `/quiet`: on or off, the start and the end (minutes after midnight).
    QuietOn(bool),
    QuietStart(u32),
    QuietEnd(u32),
    /// `/mentees`: a page, a mentee's parent invite.
    MenteesPage(u32),
    ParentInvite(UserId),
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
            Callback::Relay(cb) => match cb {
                RelayCb::Reply(q) => format!("rr:{q}"),
                RelayCb::Answered(q) => format!("ra:{q}"),
                RelayCb::Block(q) => format!("rb:{q}"),
                RelayCb::Unblock(q) => format!("ru:{q}"),
                RelayCb::Child(u) => format!("rc:{u}"),
                RelayCb::Ack(q) => format!("rk:{q}"),
                RelayCb::SosNow => "rs:now".into(),
                RelayCb::QuietOn(on) => format!("rq:{}", u32::from(on)),
                RelayCb::QuietStart(m) => format!("rqs:{m}"),
                RelayCb::QuietEnd(m) => format!("rqe:{m}"),
                RelayCb::MenteesPage(p) => format!("rm:{p}"),
                RelayCb::ParentInvite(u) => format!("rp:{u}"),
            },
        }
    }

    pub fn parse(data: &str) -> Option<Callback> {
        let (tag, value) = data.split_once(':')?;
        let number = || value.parse::<u32>().ok().filter(|n| value == n.to_string());
        let id = || value.parse::<i64>().ok().filter(|n| *n > 0 && value == n.to_string());
        let invite = |cb| Some(Callback::Invite(cb));
        let relay = |cb| Some(Callback::Relay(cb));
        let question = || id().map(QuestionId);
        let user = || id().map(UserId);
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
            ("rr", _) => relay(RelayCb::Reply(question()?)),
            ("ra", _) => relay(RelayCb::Answered(question()?)),
            ("rb", _) => relay(RelayCb::Block(question()?)),
            ("ru", _) => relay(RelayCb::Unblock(question()?)),
            ("rc", _) => relay(RelayCb::Child(user()?)),
            ("rk", _) => relay(RelayCb::Ack(question()?)),
            ("rs", "now") => relay(RelayCb::SosNow),
            ("rq", "1") => relay(RelayCb::QuietOn(true)),
            ("rq", "0") => relay(RelayCb::QuietOn(false)),
            ("rqs", _) => relay(RelayCb::QuietStart(number()?)),
            ("rqe", _) => relay(RelayCb::QuietEnd(number()?)),
            ("rm", _) => relay(RelayCb::MenteesPage(number()?)),
            ("rp", _) => relay(RelayCb::ParentInvite(user()?)),
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
            Callback::Relay(RelayCb::Reply(QuestionId(i64::MAX))),
            Callback::Relay(RelayCb::Answered(QuestionId(1))),
            Callback::Relay(RelayCb::Block(QuestionId(2))),
            Callback::Relay(RelayCb::Unblock(QuestionId(3))),
            Callback::Relay(RelayCb::Child(UserId(i64::MAX))),
            Callback::Relay(RelayCb::Ack(QuestionId(4))),
            Callback::Relay(RelayCb::SosNow),
            Callback::Relay(RelayCb::QuietOn(true)),
            Callback::Relay(RelayCb::QuietOn(false)),
            Callback::Relay(RelayCb::QuietStart(1320)),
            Callback::Relay(RelayCb::QuietEnd(420)),
            Callback::Relay(RelayCb::MenteesPage(0)),
            Callback::Relay(RelayCb::ParentInvite(UserId(5))),
        ];
        for cb in all {
            assert!(cb.encode().len() <= 64);
            assert_eq!(Callback::parse(&cb.encode()), Some(cb));
        }
    }

    #[test]
    fn garbage_is_rejected() {
        for bad in [
            "", ":", "l:en", "i:x", "u:", "u:-1", "u:01", "u:+3", "D:0", "S:abc", "x:1", "ll:kk", "u:1:2",
            "rr:0", "rr:-1", "rr:x", "rs:", "rs:later", "rq:2", "rc:01", "rk:",
        ] {
            assert_eq!(Callback::parse(bad), None, "{bad:?}");
        }
    }
}
