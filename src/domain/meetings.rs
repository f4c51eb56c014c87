//! Meetings: who may book, see and change them, and the rules of booking.
//! No I/O.

use super::{MeetingId, Role, SlotId, UserId};
use chrono::{DateTime, Duration, Utc};
use std::str::FromStr;

/// The longest topic, in characters.
pub const TOPIC_MAX: usize = 200;
/// The longest private note or cancellation reason, in characters.
pub const NOTE_MAX: usize = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Booked,
    Cancelled,
    Held,
    NoShow,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Booked => "booked",
            Status::Cancelled => "cancelled",
            Status::Held => "held",
            Status::NoShow => "no_show",
        }
    }
}

impl FromStr for Status {
    type Err = ();
    fn from_str(s: &str) -> Result<Status, ()> {
        [Status::Booked, Status::Cancelled, Status::Held, Status::NoShow]
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or(())
    }
}

/// A meeting as stored. `parent` is set for a parent meeting (the parent
/// who booked it, about `student`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meeting {
    pub id: MeetingId,
    /// The iCalendar UID: the same for every version of the meeting.
    pub uid: String,
    pub slot: Option<SlotId>,
    pub mentor: UserId,
    pub student: UserId,
    pub parent: Option<UserId>,
    pub booked_by: UserId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: Option<String>,
    pub topic: Option<String>,
    pub status: Status,
    /// The iCalendar SEQUENCE: raised with every change.
    pub sequence: i64,
    pub note: Option<String>,
}

/// How someone stands to a meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    Mentor,
    /// The student of a student meeting.
    Student,
    /// The parent who booked a parent meeting.
    Booker,
    /// Another parent of the student: sees the time and the place only.
    Parent,
    /// The student of a parent meeting: told of it (time and place, not
    /// the topic), changes nothing.
    Subject,
    None,
}

impl Meeting {
    /// How `user` (with `role`, a parent of the student or not) stands.
    pub fn standing(&self, user: UserId, role: Option<Role>, parent_of_student: bool) -> Standing {
        match role {
            Some(Role::Mentor) if user == self.mentor => Standing::Mentor,
            Some(Role::Student) if user == self.student && self.parent.is_none() => Standing::Student,
            Some(Role::Student) if user == self.student => Standing::Subject,
            Some(Role::Parent) if self.parent == Some(user) => Standing::Booker,
            Some(Role::Parent) if parent_of_student => Standing::Parent,
            _ => Standing::None,
        }
    }

    pub fn is_upcoming(&self, now: DateTime<Utc>) -> bool {
        self.status == Status::Booked && self.ends_at > now
    }
}

impl Standing {
    /// May cancel and reschedule: those who meet, and the student's
    /// parents.
    pub fn may_change(self) -> bool {
        !matches!(self, Standing::None | Standing::Subject)
    }

    /// The topic stays between those who met (the student or the booking
    /// parent) and the mentor.
    pub fn sees_topic(self) -> bool {
        matches!(self, Standing::Mentor | Standing::Student | Standing::Booker)
    }
}

/// Why a booking was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The slot is gone, or is not this mentor's.
    Gone,
    /// Someone else was faster.
    Taken,
    InPast,
    TooSoon,
    TooMany,
}

/// Whether a slot starting at `starts_at` may still be booked.
pub fn check_time(starts_at: DateTime<Utc>, now: DateTime<Utc>, lead: Duration) -> Result<(), Refusal> {
    if starts_at <= now {
        Err(Refusal::InPast)
    } else if starts_at - now < lead {
        Err(Refusal::TooSoon)
    } else {
        Ok(())
    }
}

/// A short text as typed (a topic, a note, a reason): spaces tidied,
/// characters that reorder text removed, cut at `max` characters; `None`
/// when nothing is left.
pub fn clean_text(raw: &str, max: usize) -> Option<String> {
    let kept: String = raw
        .chars()
        .filter(|c| {
            !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}' | '\u{061C}' | '\u{FEFF}')
        })
        .collect();
    let lines: Vec<String> = kept
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    let text: String = lines.join("\n").chars().take(max).collect();
    (!text.trim().is_empty()).then(|| text.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn meeting(parent: Option<UserId>) -> Meeting {
        let t = Utc.with_ymd_and_hms(2026, 9, 3, 10, 0, 0).single().expect("t");
        Meeting {
            id: MeetingId(1),
            uid: "u".into(),
            slot: Some(SlotId(1)),
            mentor: UserId(10),
            student: UserId(20),
            parent,
            booked_by: parent.unwrap_or(UserId(20)),
            starts_at: t,
            ends_at: t + Duration::minutes(30),
            place: None,
            topic: Some("экзамен".into()),
            status: Status::Booked,
            sequence: 0,
            note: None,
        }
    }

    #[test]
    fn who_stands_where() {
        let m = meeting(None);
        assert_eq!(m.standing(UserId(10), Some(Role::Mentor), false), Standing::Mentor);
        assert_eq!(m.standing(UserId(20), Some(Role::Student), false), Standing::Student);
        assert_eq!(m.standing(UserId(30), Some(Role::Parent), true), Standing::Parent);
        assert!(!Standing::Parent.sees_topic());
        assert_eq!(m.standing(UserId(31), Some(Role::Parent), false), Standing::None);
        assert_eq!(m.standing(UserId(11), Some(Role::Mentor), false), Standing::None);
        assert_eq!(m.standing(UserId(21), Some(Role::Student), false), Standing::None);
        let p = meeting(Some(UserId(30)));
        assert_eq!(p.standing(UserId(30), Some(Role::Parent), true), Standing::Booker);
        assert_eq!(p.standing(UserId(31), Some(Role::Parent), true), Standing::Parent);
        assert_eq!(p.standing(UserId(20), Some(Role::Student), false), Standing::Subject);
        assert!(!Standing::Subject.may_change() && !Standing::Subject.sees_topic());
    }

    #[test]
    fn lead_time_and_texts() {
        let now = Utc.with_ymd_and_hms(2026, 9, 3, 9, 0, 0).single().expect("t");
        let lead = Duration::hours(1);
        assert_eq!(check_time(now - Duration::minutes(1), now, lead), Err(Refusal::InPast));
        assert_eq!(check_time(now + Duration::minutes(59), now, lead), Err(Refusal::TooSoon));
        assert_eq!(check_time(now + Duration::minutes(60), now, lead), Ok(()));
        assert_eq!(clean_text("  экзамен \u{202E} туралы  ", 200).as_deref(), Some("экзамен туралы"));
        assert_eq!(clean_text("   ", 200), None);
        assert_eq!(clean_text(&"ы".repeat(300), TOPIC_MAX).map(|t| t.chars().count()), Some(200));
    }
}
