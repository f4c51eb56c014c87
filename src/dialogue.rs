//! Multi-step flows. Each feature has its own step type nested in
//! [`State`]; a state holds ids and small choices only, never database
//! rows or secrets. It is stored with the user (`users.dialogue`), loaded
//! with the sender in the update's transaction and written back in it.
//! A state stored by an older version that no longer parses resets to
//! `Idle` (logged), so a deploy never strands anyone in a flow.

use crate::domain::broadcast::Audience;
use crate::domain::export::ExportKind;
use crate::domain::invite::CodeHash;
use crate::domain::{DistrictId, MeetingId, QuestionId, Role, SlotId, UserId};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum State {
    #[default]
    Idle,
    /// Waiting for the language buttons; an invite the user opened before
    /// we knew their language is kept — by its hash — for after the choice.
    AwaitLanguage { invite: Option<PendingInvite> },
    /// `/invite`: its steps.
    Invite(InviteStep),
    /// Conversations with the mentor (`handlers::relay`).
    Relay(RelayStep),
    /// A mentor's steps in `/mentees`.
    Mentees(MenteesStep),
    /// `/sos` without words: what happened?
    Sos(SosStep),
    /// `/slots`: a mentor adding free time.
    Slots(SlotsStep),
    /// `/book`.
    Booking(BookingStep),
    /// `/meetings`: the mentor's reason for a cancellation.
    Meetings(MeetingsStep),
    /// After a meeting: the mentor's private note.
    Agenda(AgendaStep),
    /// `/stats`: a coordinator typing a period's dates.
    Stats(StatsStep),
    /// `/export`: a coordinator typing a period's dates for this kind.
    Export(ExportStep),
    /// `/broadcast`: writing the text (`handlers::broadcast`).
    Broadcast(BroadcastStep),
    /// `/deleteme`: the confirmation is showing.
    Privacy(PrivacyStep),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RelayStep {
    /// A mentor pressed «Reply»: their next message answers this question.
    Replying { question: QuestionId },
    /// A parent writes about this child (picked with a button).
    Child { student: UserId },
    /// `/anon`: the next message goes without the student's name.
    Anonymous,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MenteesStep {
    /// The mentor's next message goes to `to` (the student, or one of the
    /// student's parents).
    Writing { student: UserId, to: UserId },
    /// The mentor's next text is the student's class.
    Class { student: UserId },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SosStep {
    /// Waiting for a description, or the «send now» button.
    Describe,
    /// A parent's `/sos` about this child: waiting for a description.
    DescribeFor { student: UserId },
    /// A parent of several children: which child is it about? `message`:
    /// the `/sos` message that already said what happened.
    PickChild { message: Option<i32> },
}

/// The steps of `/slots`. Days are `calendar::date_code`s, times minutes
/// after local midnight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlotsStep {
    Menu,
    Day,
    Start {
        day: u32,
    },
    Length {
        day: u32,
        start: u16,
    },
    Count {
        day: u32,
        start: u16,
        length: u16,
    },
    /// Slots were added: the same times may go on another day.
    Repeat {
        start: u16,
        length: u16,
        count: u16,
    },
    /// Typing the default place.
    Place,
    WeeklyDay,
    WeeklyStart {
        weekday: u8,
    },
    WeeklyEnd {
        weekday: u8,
        start: u16,
    },
    WeeklyLength {
        weekday: u8,
        start: u16,
        end: u16,
    },
}

/// The steps of `/book` (`child`: a parent books for this child), and
/// the mentor's typed answers about a meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookingStep {
    /// A parent with several children: which one.
    Child,
    /// The slot is chosen: a topic, or skip.
    Topic { slot: SlotId, child: Option<UserId> },
    /// Everything is chosen: confirm.
    Confirm { slot: SlotId, child: Option<UserId>, topic: Option<String> },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeetingsStep {
    /// The mentor writes why the meeting is cancelled.
    CancelReason { meeting: MeetingId },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatsStep {
    /// The coordinator types the first and the last day.
    Dates,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportStep {
    /// The coordinator types the first and the last day of this export.
    Dates { kind: ExportKind },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BroadcastStep {
    /// The writer's next text is a broadcast to this audience (previewed,
    /// then confirmed); a new text replaces the one previewed.
    Writing { audience: Audience },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrivacyStep {
    /// Erase or keep? `role`: the role the confirmation was worded for (a
    /// press after the role changed is stale).
    Confirm { role: Option<Role> },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgendaStep {
    /// The mentor writes a private note.
    Note { meeting: MeetingId },
}

/// An invite opened before the language was chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PendingInvite {
    Code(CodeHash),
    /// Not a code at all: the user is told so after choosing.
    Malformed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InviteStep {
    /// The menu (what kind of invite) is showing.
    Menu,
    /// A class link: how many may join.
    ClassUses,
    /// A class link: for how many days.
    ClassDays { uses: u32 },
    /// A coordinator invites a mentor: which district.
    MentorDistrict,
    /// …and which school in it.
    MentorSchool { district: DistrictId },
}

impl State {
    /// The stored form (`None` for `Idle`: nothing to keep).
    pub fn to_stored(&self) -> Option<String> {
        match self {
            State::Idle => None,
            other => serde_json::to_string(other).ok(),
        }
    }

    pub fn from_stored(raw: Option<&str>, chat: i64) -> State {
        let Some(raw) = raw else { return State::Idle };
        match serde_json::from_str(raw) {
            Ok(state) => state,
            Err(e) => {
                tracing::warn!(chat, error = %e, "stored dialogue state no longer parses; reset");
                State::Idle
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SchoolId;
    use crate::domain::broadcast::{Group, Scope};

    #[test]
    fn states_round_trip_and_old_ones_reset() {
        let all = [
            State::Idle,
            State::AwaitLanguage { invite: None },
            State::AwaitLanguage { invite: Some(PendingInvite::Malformed) },
            State::Invite(InviteStep::ClassDays { uses: 30 }),
            State::Invite(InviteStep::MentorSchool { district: DistrictId(4) }),
            State::Relay(RelayStep::Replying { question: QuestionId(9) }),
            State::Relay(RelayStep::Child { student: UserId(7) }),
            State::Relay(RelayStep::Anonymous),
            State::Mentees(MenteesStep::Writing { student: UserId(7), to: UserId(8) }),
            State::Mentees(MenteesStep::Class { student: UserId(7) }),
            State::Sos(SosStep::Describe),
            State::Sos(SosStep::DescribeFor { student: UserId(7) }),
            State::Sos(SosStep::PickChild { message: Some(12) }),
            State::Sos(SosStep::PickChild { message: None }),
            State::Slots(SlotsStep::Count { day: 20261203, start: 900, length: 30 }),
            State::Slots(SlotsStep::WeeklyLength { weekday: 2, start: 900, end: 1020 }),
            State::Booking(BookingStep::Confirm {
                slot: SlotId(5),
                child: Some(UserId(7)),
                topic: Some("экзамен".into()),
            }),
            State::Agenda(AgendaStep::Note { meeting: MeetingId(3) }),
            State::Meetings(MeetingsStep::CancelReason { meeting: MeetingId(4) }),
            State::Stats(StatsStep::Dates),
            State::Export(ExportStep::Dates { kind: ExportKind::Sos }),
            State::Broadcast(BroadcastStep::Writing {
                audience: Audience { group: Group::Parents, scope: Scope::School(SchoolId(3)) },
            }),
            State::Privacy(PrivacyStep::Confirm { role: Some(Role::Student) }),
            State::Privacy(PrivacyStep::Confirm { role: None }),
        ];
        for state in all {
            assert_eq!(State::from_stored(state.to_stored().as_deref(), 1), state);
        }
        // Shapes the foundation stored.
        assert_eq!(State::from_stored(Some(r#"{"ClassDays":{"uses":3}}"#), 1), State::Idle);
        assert_eq!(State::from_stored(Some(r#"{"AwaitLanguage":{"start_code":"abc"}}"#), 1), State::Idle);
        assert_eq!(State::from_stored(Some("garbage"), 1), State::Idle);
        // Steps that moved to their own feature (`/mentees`): an old one
        // loads as idle.
        assert_eq!(State::from_stored(Some(r#"{"Relay":{"Writing":{"student":7,"to":8}}}"#), 1), State::Idle);
        assert_eq!(State::from_stored(Some(r#"{"Relay":{"Class":{"student":7}}}"#), 1), State::Idle);
        assert_eq!(State::from_stored(Some(r#"{"Booking":{"Note":{"meeting":3}}}"#), 1), State::Idle);
        assert_eq!(State::from_stored(Some(r#"{"Booking":{"CancelReason":{"meeting":3}}}"#), 1), State::Idle);
    }
}
