//! Broadcasts: who a writer may address (a coordinator the mentors,
//! parents or students of their scope; a mentor the parents or students
//! of their own mentees), what becomes of each recipient's copy, and the
//! outbox keys that name them. No I/O.

use super::ids::BroadcastId;
use super::{DistrictId, Role, SchoolId, UserId};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Who a broadcast is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Group {
    Mentors,
    Parents,
    Students,
}

impl Group {
    pub const ALL: [Group; 3] = [Group::Mentors, Group::Parents, Group::Students];

    /// How it is stored, and the selector of the texts.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Mentors => "mentors",
            Group::Parents => "parents",
            Group::Students => "students",
        }
    }
}

impl FromStr for Group {
    type Err = ();
    fn from_str(s: &str) -> Result<Group, ()> {
        Group::ALL.into_iter().find(|g| g.as_str() == s).ok_or(())
    }
}

/// Where the group's people are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    /// Every district (a regional coordinator).
    Everyone,
    District(DistrictId),
    School(SchoolId),
    /// The writer's own mentees (a mentor).
    Mentees,
}

impl Scope {
    /// How its kind is stored (the ids have columns of their own).
    pub fn kind(self) -> &'static str {
        match self {
            Scope::Everyone => "everyone",
            Scope::District(_) => "district",
            Scope::School(_) => "school",
            Scope::Mentees => "mentees",
        }
    }

    /// The scope from its stored kind and ids; `None` when they do not fit.
    pub fn stored(kind: &str, district: Option<DistrictId>, school: Option<SchoolId>) -> Option<Scope> {
        match (kind, district, school) {
            ("everyone", None, None) => Some(Scope::Everyone),
            ("district", Some(d), None) => Some(Scope::District(d)),
            ("school", _, Some(s)) => Some(Scope::School(s)),
            ("mentees", None, None) => Some(Scope::Mentees),
            _ => None,
        }
    }
}

/// A broadcast's recipients: a group in a scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Audience {
    pub group: Group,
    pub scope: Scope,
}

/// The writer as far as the rule is concerned: their role and, for a
/// coordinator, their district (none: the whole region).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Writer {
    pub role: Option<Role>,
    pub district: Option<DistrictId>,
}

/// Whether `writer` may address `audience`. `school_district` is the
/// district of the scope's school (`None`: no such school); a district
/// scope must exist (checked by the caller).
///
/// - a mentor: the parents or the students of their own mentees, nobody else;
/// - a district's coordinator: any group of their district or of one of
///   its schools;
/// - a regional coordinator (no district): any group anywhere.
pub fn may_address(writer: Writer, audience: Audience, school_district: Option<DistrictId>) -> bool {
    match writer.role {
        Some(Role::Mentor) => audience.group != Group::Mentors && audience.scope == Scope::Mentees,
        Some(Role::Coordinator) => match (audience.scope, writer.district) {
            (Scope::Mentees, _) => false,
            (Scope::Everyone, mine) => mine.is_none(),
            (Scope::District(d), mine) => mine.is_none_or(|m| m == d),
            (Scope::School(_), mine) => school_district.is_some_and(|d| mine.is_none_or(|m| m == d)),
        },
        Some(Role::Student | Role::Parent) | None => false,
    }
}

/// Where a broadcast stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Written and previewed, not confirmed.
    Draft,
    /// Confirmed: its copies are in the outbox.
    Sending,
    /// Every copy has an outcome.
    Done,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Draft => "draft",
            Stage::Sending => "sending",
            Stage::Done => "done",
        }
    }
}

impl FromStr for Stage {
    type Err = ();
    fn from_str(s: &str) -> Result<Stage, ()> {
        [Stage::Draft, Stage::Sending, Stage::Done].into_iter().find(|st| st.as_str() == s).ok_or(())
    }
}

/// What became of one recipient's copy (the delivery ledger).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fate {
    /// In the outbox, not sent yet.
    Pending,
    Sent,
    /// Telegram refused it (its error is kept beside).
    Failed,
    /// The recipient blocked the bot (403).
    Blocked,
    /// Stopped before it went.
    Cancelled,
}

impl Fate {
    pub const ALL: [Fate; 5] = [Fate::Pending, Fate::Sent, Fate::Failed, Fate::Blocked, Fate::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Fate::Pending => "pending",
            Fate::Sent => "sent",
            Fate::Failed => "failed",
            Fate::Blocked => "blocked",
            Fate::Cancelled => "cancelled",
        }
    }
}

impl FromStr for Fate {
    type Err = ();
    fn from_str(s: &str) -> Result<Fate, ()> {
        Fate::ALL.into_iter().find(|f| f.as_str() == s).ok_or(())
    }
}

/// A broadcast's ledger, counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub pending: i64,
    pub sent: i64,
    pub failed: i64,
    pub blocked: i64,
    pub cancelled: i64,
}

impl Counts {
    pub fn add(&mut self, fate: Fate, n: i64) {
        match fate {
            Fate::Pending => self.pending += n,
            Fate::Sent => self.sent += n,
            Fate::Failed => self.failed += n,
            Fate::Blocked => self.blocked += n,
            Fate::Cancelled => self.cancelled += n,
        }
    }

    pub fn total(&self) -> i64 {
        self.pending + self.sent + self.failed + self.blocked + self.cancelled
    }

    /// Every copy has an outcome.
    pub fn finished(&self) -> bool {
        self.pending == 0
    }

    /// The counts as one short text (what the progress message last showed).
    pub fn code(&self) -> String {
        format!("{}/{}/{}/{}/{}", self.pending, self.sent, self.failed, self.blocked, self.cancelled)
    }
}

/// The outbox key of a recipient's copy: `bc:<broadcast>:<user>`.
pub fn copy_key(broadcast: BroadcastId, user: UserId) -> String {
    format!("{}{}", copies_prefix(broadcast), user.0)
}

/// The prefix of all of a broadcast's copies (what «Stop» cancels).
pub fn copies_prefix(broadcast: BroadcastId) -> String {
    format!("bc:{broadcast}:")
}

/// The recipient a copy's key names, if it is one of this broadcast's.
pub fn recipient_of(broadcast: BroadcastId, key: &str) -> Option<UserId> {
    let rest = key.strip_prefix(&copies_prefix(broadcast))?;
    rest.parse::<i64>().ok().filter(|n| rest == n.to_string()).map(UserId)
}

/// The outbox key of the writer's progress message.
pub fn progress_key(broadcast: BroadcastId) -> String {
    format!("bcp:{broadcast}")
}

/// The outbox key of the progress message's edit: a newer one replaces
/// one not sent yet.
pub fn progress_edit_key(broadcast: BroadcastId) -> String {
    format!("bce:{broadcast}")
}

/// How often a running broadcast's ledger is brought up to date and its
/// progress message edited (when the counts changed).
pub const PROGRESS_EVERY: chrono::Duration = chrono::Duration::seconds(3);

/// How many of a writer's broadcasts the history shows.
pub const HISTORY: i64 = 10;

#[cfg(test)]
mod tests {
    use super::*;

    const MENTOR: Writer = Writer { role: Some(Role::Mentor), district: None };
    const REGIONAL: Writer = Writer { role: Some(Role::Coordinator), district: None };
    const DISTRICT: Writer = Writer { role: Some(Role::Coordinator), district: Some(DistrictId(1)) };

    fn to(group: Group, scope: Scope) -> Audience {
        Audience { group, scope }
    }

    #[test]
    fn a_mentor_reaches_their_mentees_parents_and_students_only() {
        assert!(may_address(MENTOR, to(Group::Parents, Scope::Mentees), None));
        assert!(may_address(MENTOR, to(Group::Students, Scope::Mentees), None));
        assert!(!may_address(MENTOR, to(Group::Mentors, Scope::Mentees), None));
        assert!(!may_address(MENTOR, to(Group::Parents, Scope::School(SchoolId(1))), Some(DistrictId(1))));
        assert!(!may_address(MENTOR, to(Group::Parents, Scope::Everyone), None));
    }

    #[test]
    fn a_district_coordinator_stays_in_their_district() {
        assert!(may_address(DISTRICT, to(Group::Mentors, Scope::District(DistrictId(1))), None));
        assert!(may_address(DISTRICT, to(Group::Parents, Scope::School(SchoolId(5))), Some(DistrictId(1))));
        assert!(!may_address(DISTRICT, to(Group::Parents, Scope::District(DistrictId(2))), None));
        assert!(!may_address(DISTRICT, to(Group::Parents, Scope::School(SchoolId(6))), Some(DistrictId(2))));
        assert!(!may_address(DISTRICT, to(Group::Parents, Scope::School(SchoolId(7))), None));
        assert!(!may_address(DISTRICT, to(Group::Students, Scope::Everyone), None));
        assert!(!may_address(DISTRICT, to(Group::Students, Scope::Mentees), None));
    }

    #[test]
    fn a_regional_coordinator_reaches_everyone_and_nobody_else_does() {
        assert!(may_address(REGIONAL, to(Group::Students, Scope::Everyone), None));
        assert!(may_address(REGIONAL, to(Group::Mentors, Scope::District(DistrictId(2))), None));
        assert!(may_address(REGIONAL, to(Group::Parents, Scope::School(SchoolId(6))), Some(DistrictId(2))));
        assert!(!may_address(REGIONAL, to(Group::Parents, Scope::School(SchoolId(6))), None));
        for role in [Role::Student, Role::Parent] {
            let writer = Writer { role: Some(role), district: None };
            assert!(!may_address(writer, to(Group::Parents, Scope::Mentees), None));
            assert!(!may_address(writer, to(Group::Parents, Scope::Everyone), None));
        }
    }

    #[test]
    fn keys_name_one_broadcast_and_one_recipient() {
        let b = BroadcastId(12);
        assert_eq!(copy_key(b, UserId(40)), "bc:12:40");
        assert_eq!(recipient_of(b, "bc:12:40"), Some(UserId(40)));
        assert_eq!(recipient_of(BroadcastId(1), "bc:12:40"), None, "another broadcast's copy");
        assert_eq!(recipient_of(b, "bc:12:040"), None);
        assert_eq!(recipient_of(b, "bcp:12"), None);
        assert!(!copy_key(BroadcastId(123), UserId(1)).starts_with(&copies_prefix(b)));
    }

    #[test]
    fn stored_scopes_read_back() {
        for scope in [Scope::Everyone, Scope::District(DistrictId(3)), Scope::Mentees] {
            let district = match scope {
                Scope::District(d) => Some(d),
                _ => None,
            };
            assert_eq!(Scope::stored(scope.kind(), district, None), Some(scope));
        }
        let school = Scope::School(SchoolId(4));
        assert_eq!(Scope::stored("school", Some(DistrictId(1)), Some(SchoolId(4))), Some(school));
        assert_eq!(Scope::stored("district", None, None), None);
        assert_eq!(Scope::stored("region", None, None), None);
        for g in Group::ALL {
            assert_eq!(g.as_str().parse(), Ok(g));
        }
        for f in Fate::ALL {
            assert_eq!(f.as_str().parse(), Ok(f));
        }
    }
}
