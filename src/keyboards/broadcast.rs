//! `/broadcast`'s buttons (`handlers::broadcast`) and their wire form:
//! tags starting `cb`, then a letter for the group (`m`, `p`, `s`) and
//! ids. Parsed strictly; every press is checked on the server (the
//! presser's role and scope, the broadcast's writer).

use crate::domain::broadcast::Group;
use crate::domain::ids::BroadcastId;
use crate::domain::{DistrictId, SchoolId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BroadcastCb {
    /// Who: a group (a mentor's: of their own mentees).
    To(Group),
    /// A regional coordinator opens a district: the whole of it, or one
    /// of its schools.
    Open(Group, DistrictId),
    /// Everyone of the group in every district (a regional coordinator).
    Everyone(Group),
    /// The whole district.
    District(Group, DistrictId),
    School(Group, SchoolId),
    /// The preview: send it, or not.
    Send(BroadcastId),
    Drop(BroadcastId),
    /// On the progress message: what has not gone stays unsent.
    Stop(BroadcastId),
    /// The writer's last broadcasts.
    History,
}

fn group_tag(group: Group) -> char {
    match group {
        Group::Mentors => 'm',
        Group::Parents => 'p',
        Group::Students => 's',
    }
}

fn group_of(tag: &str) -> Option<Group> {
    Group::ALL.into_iter().find(|g| tag.len() == 1 && tag.starts_with(group_tag(*g)))
}

impl BroadcastCb {
    /// At most 64 bytes, as Telegram requires (at most 26 here).
    pub fn encode(self) -> String {
        match self {
            BroadcastCb::To(g) => format!("cbt:{}", group_tag(g)),
            BroadcastCb::Open(g, d) => format!("cbo:{}:{d}", group_tag(g)),
            BroadcastCb::Everyone(g) => format!("cbe:{}", group_tag(g)),
            BroadcastCb::District(g, d) => format!("cbd:{}:{d}", group_tag(g)),
            BroadcastCb::School(g, s) => format!("cbs:{}:{s}", group_tag(g)),
            BroadcastCb::Send(b) => format!("cbk:{b}"),
            BroadcastCb::Drop(b) => format!("cbx:{b}"),
            BroadcastCb::Stop(b) => format!("cbq:{b}"),
            BroadcastCb::History => "cbh:all".into(),
        }
    }

    /// A tag starting `cb` and what follows its colon.
    pub fn parse(tag: &str, value: &str) -> Option<BroadcastCb> {
        let strict = |s: &str| s.parse::<i64>().ok().filter(|n| *n > 0 && s == n.to_string());
        // A group, then an id: `p:12`.
        let with_id = || {
            let (g, id) = value.split_once(':')?;
            Some((group_of(g)?, strict(id)?))
        };
        let broadcast = || strict(value).map(BroadcastId);
        match tag {
            "cbt" => group_of(value).map(BroadcastCb::To),
            "cbe" => group_of(value).map(BroadcastCb::Everyone),
            "cbo" => with_id().map(|(g, d)| BroadcastCb::Open(g, DistrictId(d))),
            "cbd" => with_id().map(|(g, d)| BroadcastCb::District(g, DistrictId(d))),
            "cbs" => with_id().map(|(g, s)| BroadcastCb::School(g, SchoolId(s))),
            "cbk" => broadcast().map(BroadcastCb::Send),
            "cbx" => broadcast().map(BroadcastCb::Drop),
            "cbq" => broadcast().map(BroadcastCb::Stop),
            "cbh" if value == "all" => Some(BroadcastCb::History),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyboards::Callback;

    #[test]
    fn broadcast_buttons_round_trip_and_fit_telegram() {
        let mut all = vec![
            BroadcastCb::Send(BroadcastId(i64::MAX)),
            BroadcastCb::Drop(BroadcastId(1)),
            BroadcastCb::Stop(BroadcastId(7)),
            BroadcastCb::History,
        ];
        for g in Group::ALL {
            all.extend([
                BroadcastCb::To(g),
                BroadcastCb::Everyone(g),
                BroadcastCb::Open(g, DistrictId(i64::MAX)),
                BroadcastCb::District(g, DistrictId(2)),
                BroadcastCb::School(g, SchoolId(i64::MAX)),
            ]);
        }
        for cb in all {
            let data = Callback::Broadcast(cb).encode();
            assert!(data.len() <= 64, "{data}");
            assert_eq!(Callback::parse(&data), Some(Callback::Broadcast(cb)), "{data}");
        }
    }

    #[test]
    fn broadcast_garbage_is_rejected() {
        for bad in [
            "cb:1",
            "cbt:",
            "cbt:x",
            "cbt:pp",
            "cbt:p:1",
            "cbe:",
            "cbo:p",
            "cbo:p:0",
            "cbo:x:1",
            "cbd:p:-1",
            "cbd:p:01",
            "cbs:p:1:2",
            "cbs::1",
            "cbk:",
            "cbk:0",
            "cbk:01",
            "cbk:x",
            "cbx:-2",
            "cbq:1:1",
            "cbh:",
            "cbh:1",
            "cbz:1",
        ] {
            assert_eq!(Callback::parse(bad), None, "{bad:?}");
        }
    }
}
