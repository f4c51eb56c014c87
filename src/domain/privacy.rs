//! Erasing a person (`/deleteme`, `talimger forget`): what must happen
//! first, the tombstone that keeps the anonymous counts, and how long
//! contents are kept. No I/O.

use super::{Role, UserId};

impl UserId {
    /// A forgotten person's tombstone. Telegram's user ids are positive;
    /// a tombstone gets a fresh negative id, so that the person's Telegram
    /// id no longer leads to their past and nothing can be sent to it.
    pub fn is_forgotten(self) -> bool {
        self.0 < 0
    }
}

/// What decides whether a person can be erased now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    pub role: Option<Role>,
    /// A mentor's students, unanswered questions and meetings to come.
    pub students: i64,
    pub open_questions: i64,
    pub meetings: i64,
    /// An SOS they raised is still on its way to the adults who must
    /// answer it (its copy or its escalation not sent, nobody on it yet).
    pub sos_on_its_way: bool,
}

/// Why an erasure must wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// A mentor who still has students, unanswered questions or meetings
    /// to come: the coordinator hands them over first (`/mentors`), so
    /// that no child is left without a mentor.
    MentorHasWork { students: i64, questions: i64, meetings: i64 },
    /// An SOS of theirs has not reached everyone it goes to, and nobody
    /// has said «I'm on it»: the alert is not erased under the adults'
    /// feet (a child may have been made to press /deleteme).
    SosOnItsWay,
}

/// Whether the person can be erased now, and if not, why.
pub fn must_wait(s: &Standing) -> Option<Wait> {
    if s.sos_on_its_way {
        return Some(Wait::SosOnItsWay);
    }
    let busy = s.students > 0 || s.open_questions > 0 || s.meetings > 0;
    (s.role == Some(Role::Mentor) && busy).then_some(Wait::MentorHasWork {
        students: s.students,
        questions: s.open_questions,
        meetings: s.meetings,
    })
}

/// A fresh tombstone id from a random number: below zero, and within the
/// integers a JSON reader keeps exactly.
pub fn tombstone_id(random: u64) -> UserId {
    let magnitude = i64::try_from(random >> 12).unwrap_or(i64::MAX >> 12);
    UserId(-1 - magnitude)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tombstones_are_never_telegram_ids() {
        for random in [0, 1, u64::MAX, 1 << 40] {
            let id = tombstone_id(random);
            assert!(id.is_forgotten() && id.0 >= -(1 << 53), "{id}");
        }
        assert!(!UserId(20).is_forgotten());
    }

    #[test]
    fn a_busy_mentor_waits_and_an_sos_on_its_way_holds_everyone() {
        let mentor = Standing { role: Some(Role::Mentor), students: 3, ..Standing::default() };
        assert_eq!(must_wait(&mentor), Some(Wait::MentorHasWork { students: 3, questions: 0, meetings: 0 }));
        let free = Standing { role: Some(Role::Mentor), ..Standing::default() };
        assert_eq!(must_wait(&free), None);
        let student = Standing { role: Some(Role::Student), meetings: 2, ..Standing::default() };
        assert_eq!(must_wait(&student), None, "a student's meetings are cancelled, not waited for");
        let sos = Standing { role: Some(Role::Student), sos_on_its_way: true, ..Standing::default() };
        assert_eq!(must_wait(&sos), Some(Wait::SosOnItsWay));
    }
}
