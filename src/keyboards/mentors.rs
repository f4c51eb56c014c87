//! The buttons of `/mentors` (`handlers::mentors`), wire tags `cm…`.
//! Each carries what its screen showed (the mentor, the student, the
//! successor), so that a press on a screen that has gone stale is seen to
//! be; a handler checks all of it against the database again.

use crate::domain::UserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentorsCb {
    /// A page of the list.
    Page(u32),
    /// A mentor's card (the radar's alerts open it too).
    Card(UserId),
    /// Taking the mentor out of the programme: who takes over, a page of
    /// the choice.
    Deactivate { mentor: UserId, page: u32 },
    /// …this successor (`None`: there is nothing to hand over): what will
    /// happen, to confirm.
    Successor { mentor: UserId, successor: Option<UserId> },
    /// …confirmed.
    ConfirmDeactivate { mentor: UserId, successor: Option<UserId> },
    /// Bringing the mentor back.
    Reactivate(UserId),
    /// Moving one student: the mentor's students, a page.
    Students { mentor: UserId, page: u32 },
    /// …this student of `from`: to which mentor, a page of the choice.
    Student { student: UserId, from: UserId, page: u32 },
    /// …to `to`: what will happen, to confirm.
    Target { student: UserId, from: UserId, to: UserId },
    /// …confirmed.
    ConfirmMove { student: UserId, from: UserId, to: UserId },
}

impl MentorsCb {
    /// At most 63 bytes (`cmv:` and three ids of 19 digits).
    pub(super) fn encode(self) -> String {
        let or_none = |u: Option<UserId>| u.map_or(0, |u| u.0);
        match self {
            MentorsCb::Page(page) => format!("cml:{page}"),
            MentorsCb::Card(m) => format!("cmc:{m}"),
            MentorsCb::Deactivate { mentor, page } => format!("cmd:{mentor}:{page}"),
            MentorsCb::Successor { mentor, successor } => format!("cms:{mentor}:{}", or_none(successor)),
            MentorsCb::ConfirmDeactivate { mentor, successor } => {
                format!("cmy:{mentor}:{}", or_none(successor))
            }
            MentorsCb::Reactivate(m) => format!("cmr:{m}"),
            MentorsCb::Students { mentor, page } => format!("cmm:{mentor}:{page}"),
            MentorsCb::Student { student, from, page } => format!("cmt:{student}:{from}:{page}"),
            MentorsCb::Target { student, from, to } => format!("cmo:{student}:{from}:{to}"),
            MentorsCb::ConfirmMove { student, from, to } => format!("cmv:{student}:{from}:{to}"),
        }
    }

    /// Strictly: every part written as `encode` writes it (`01`, `+3`, `-1`
    /// and a missing or extra part are refused).
    pub(super) fn parse(tag: &str, value: &str) -> Option<MentorsCb> {
        let parts: Vec<&str> = value.split(':').collect();
        let number = |s: &str| s.parse::<u32>().ok().filter(|n| s == n.to_string());
        let whole = |s: &str| s.parse::<i64>().ok().filter(|n| *n >= 0 && s == n.to_string());
        let id = |s: &str| whole(s).filter(|n| *n > 0).map(UserId);
        // A successor, or 0 for none.
        let maybe = |s: &str| whole(s).map(|n| (n > 0).then_some(UserId(n)));
        Some(match (tag, parts.as_slice()) {
            ("cml", [page]) => MentorsCb::Page(number(page)?),
            ("cmc", [m]) => MentorsCb::Card(id(m)?),
            ("cmd", [m, page]) => MentorsCb::Deactivate { mentor: id(m)?, page: number(page)? },
            ("cms", [m, s]) => MentorsCb::Successor { mentor: id(m)?, successor: maybe(s)? },
            ("cmy", [m, s]) => MentorsCb::ConfirmDeactivate { mentor: id(m)?, successor: maybe(s)? },
            ("cmr", [m]) => MentorsCb::Reactivate(id(m)?),
            ("cmm", [m, page]) => MentorsCb::Students { mentor: id(m)?, page: number(page)? },
            ("cmt", [s, f, page]) => {
                MentorsCb::Student { student: id(s)?, from: id(f)?, page: number(page)? }
            }
            ("cmo", [s, f, t]) => MentorsCb::Target { student: id(s)?, from: id(f)?, to: id(t)? },
            ("cmv", [s, f, t]) => MentorsCb::ConfirmMove { student: id(s)?, from: id(f)?, to: id(t)? },
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyboards::Callback;

    #[test]
    fn every_button_round_trips_and_fits_telegram() {
        let (big, one) = (UserId(i64::MAX), UserId(1));
        let all = [
            MentorsCb::Page(0),
            MentorsCb::Page(u32::MAX),
            MentorsCb::Card(big),
            MentorsCb::Deactivate { mentor: big, page: u32::MAX },
            MentorsCb::Successor { mentor: big, successor: Some(big) },
            MentorsCb::Successor { mentor: one, successor: None },
            MentorsCb::ConfirmDeactivate { mentor: big, successor: Some(big) },
            MentorsCb::ConfirmDeactivate { mentor: one, successor: None },
            MentorsCb::Reactivate(big),
            MentorsCb::Students { mentor: big, page: 3 },
            MentorsCb::Student { student: big, from: big, page: u32::MAX },
            MentorsCb::Target { student: big, from: big, to: big },
            MentorsCb::ConfirmMove { student: big, from: big, to: big },
        ];
        for cb in all {
            let data = Callback::Mentors(cb).encode();
            assert!(data.len() <= 64, "{data}");
            assert!(data.starts_with("cm"), "{data}");
            assert_eq!(Callback::parse(&data), Some(Callback::Mentors(cb)), "{data}");
        }
    }

    /// Alerts the radar sent before `/mentors` carry `cr:<mentor>`: they
    /// open the same card.
    #[test]
    fn the_radars_old_buttons_open_the_card() {
        assert_eq!(Callback::parse("cr:10"), Some(Callback::Mentors(MentorsCb::Card(UserId(10)))));
    }

    #[test]
    fn garbage_is_rejected() {
        for bad in [
            "cm:1",
            "cml:",
            "cml:-1",
            "cml:01",
            "cml:1:2",
            "cmc:0",
            "cmc:x",
            "cmc:+3",
            "cmd:1",
            "cmd:0:0",
            "cmd:1:x",
            "cms:1",
            "cms:1:-1",
            "cms:0:0",
            "cms:1:01",
            "cmy:1:2:3",
            "cmr:",
            "cmr:1:1",
            "cmm:1",
            "cmt:1:2",
            "cmt:1:0:0",
            "cmo:1:2:0",
            "cmo:1:2",
            "cmv:1:2:3:4",
            "cmv:1::3",
            "cmx:1",
            "cr:",
            "cr:0",
            "cr:-1",
            "cr:01",
            "cr:1:2",
            "cr:x",
        ] {
            assert_eq!(Callback::parse(bad), None, "{bad:?}");
        }
    }
}
