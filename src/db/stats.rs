//! What the coordinator's figures are counted from (`domain::stats`): for
//! a scope (a district, or all) and a period, the schools and the facts of
//! each mentor's people, questions, SOS alerts and meetings, each with the
//! mentor's school. Ids and instants only: no names of students, no
//! message contents, no notes. Charts and exports read the same facts.

use super::{DbError, DbResult, Tx, autocommit, on};
use crate::domain::quiet::QuietHours;
use crate::domain::stats::{Canceller, Facts, MeetingFact, MeetingState, Place, QuestionFact, SosFact};
use crate::domain::time::from_millis;
use crate::domain::user::place_key;
use crate::domain::{DistrictId, SchoolId, UserId};
use chrono::{DateTime, Utc};

/// The mentor's school, and the scope (`$1`: a district, or NULL for all).
const MENTOR_IN_SCOPE: &str = "JOIN users m ON m.id = x.mentor_id
     JOIN schools s ON s.id = m.school_id
     WHERE ($1 IS NULL OR s.district_id = $1)";

/// A question's row: school, kind, asked, answered, acknowledged, the
/// mentor's quiet hours (NULL: the default), when the SOS escalation was due.
type QuestionRow =
    (i64, String, i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>);

/// A meeting's row: school, start, status, mentor, student, who cancelled
/// and their role.
type MeetingRow = (i64, i64, String, i64, i64, Option<i64>, Option<String>);

impl Tx {
    /// The facts of `district` (or of all districts) for `[from, to)`.
    pub async fn stats_facts(
        &mut self,
        district: Option<DistrictId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> DbResult<Facts> {
        let scope = district.map(|d| d.0);
        let (from, to) = (from.timestamp_millis(), to.timestamp_millis());
        let places: Vec<(i64, String, i64, String)> = on!(self, c => sqlx::query_as(
            "SELECT s.id, s.name, d.id, d.name FROM schools s JOIN districts d ON d.id = s.district_id
             WHERE ($1 IS NULL OR d.id = $1) ORDER BY d.name, d.id, s.name, s.id",
        )
        .bind(scope)
        .fetch_all(c)
        .await?);
        let mentors: Vec<(i64, i64)> = on!(self, c => sqlx::query_as(
            "SELECT s.id, m.id FROM users m JOIN schools s ON s.id = m.school_id
             WHERE ($1 IS NULL OR s.district_id = $1) AND m.role = 'mentor'",
        )
        .bind(scope)
        .fetch_all(c)
        .await?);
        let sql = format!(
            "SELECT s.id, x.student_id FROM mentor_students x {MENTOR_IN_SCOPE} AND x.linked_at <= $2"
        );
        let students: Vec<(i64, i64)> =
            on!(self, c => sqlx::query_as(&sql).bind(scope).bind(to).fetch_all(c).await?);
        let sql = format!(
            "SELECT s.id, p.parent_id FROM parent_students p
             JOIN mentor_students x ON x.student_id = p.student_id {MENTOR_IN_SCOPE} AND p.linked_at <= $2"
        );
        let parents: Vec<(i64, i64)> =
            on!(self, c => sqlx::query_as(&sql).bind(scope).bind(to).fetch_all(c).await?);
        let sql = format!(
            "SELECT s.id, x.kind, x.created_at, x.answered_at, x.acknowledged_at,
                 h.enabled, h.start_min, h.end_min,
                 (SELECT MIN(e.at) FROM sos_steps e WHERE e.question_id = x.id AND e.step = 'escalation_due')
             FROM questions x LEFT JOIN quiet_hours h ON h.mentor_id = x.mentor_id
             {MENTOR_IN_SCOPE} AND x.created_at >= $2 AND x.created_at < $3"
        );
        let questions: Vec<QuestionRow> =
            on!(self, c => sqlx::query_as(&sql).bind(scope).bind(from).bind(to).fetch_all(c).await?);
        let sql = format!(
            "SELECT s.id, x.starts_at, x.status, x.mentor_id, x.student_id, x.cancelled_by, w.role
             FROM meetings x LEFT JOIN users w ON w.id = x.cancelled_by
             {MENTOR_IN_SCOPE} AND x.starts_at >= $2 AND x.starts_at < $3"
        );
        let meetings: Vec<MeetingRow> =
            on!(self, c => sqlx::query_as(&sql).bind(scope).bind(from).bind(to).fetch_all(c).await?);

        let mut facts = Facts {
            places: places
                .into_iter()
                .map(|(school, school_name, district, district_name)| Place {
                    school: SchoolId(school),
                    school_name,
                    district: DistrictId(district),
                    district_name,
                })
                .collect(),
            mentors: pairs(mentors),
            students: pairs(students),
            parents: pairs(parents),
            ..Facts::default()
        };
        for (school, kind, asked, answered, acked, enabled, start, end, escalation) in questions {
            let school = SchoolId(school);
            if kind == "urgent" {
                facts.sos.push(SosFact {
                    school,
                    raised_at: from_millis(asked),
                    acknowledged_at: acked.map(from_millis),
                    escalation_at: escalation.map(from_millis),
                });
            } else {
                let quiet = QuietHours::stored(enabled, start, end);
                facts.questions.push(QuestionFact {
                    school,
                    quiet,
                    asked_at: from_millis(asked),
                    answered_at: answered.map(from_millis),
                });
            }
        }
        for (school, starts_at, status, mentor, student, by, role) in meetings {
            let state = match status.as_str() {
                "held" => MeetingState::Held,
                "no_show" => MeetingState::NoShow,
                "cancelled" => MeetingState::Cancelled(match (by, role.as_deref()) {
                    (Some(by), _) if by == mentor => Canceller::Mentor,
                    (Some(by), _) if by == student => Canceller::Student,
                    (Some(_), Some("parent")) => Canceller::Parent,
                    _ => Canceller::Other,
                }),
                "booked" => MeetingState::Booked,
                other => return Err(DbError::Corrupt(format!("meeting status {other:?}"))),
            };
            facts.meetings.push(MeetingFact {
                school: SchoolId(school),
                starts_at: from_millis(starts_at),
                state,
            });
        }
        Ok(facts)
    }

    /// The district with this name (in any letter case), if there is one.
    pub async fn district_called(&mut self, name: &str) -> DbResult<Option<DistrictId>> {
        let id: Option<i64> = on!(self, c => sqlx::query_scalar("SELECT id FROM districts WHERE name_key = $1")
            .bind(place_key(name))
            .fetch_optional(c)
            .await?);
        Ok(id.map(DistrictId))
    }
}

fn pairs(rows: Vec<(i64, i64)>) -> Vec<(SchoolId, UserId)> {
    rows.into_iter().map(|(s, u)| (SchoolId(s), UserId(u))).collect()
}

autocommit! {
    fn stats_facts(&self, district: Option<DistrictId>, from: DateTime<Utc>, to: DateTime<Utc>) -> Facts;
    fn district_called(&self, name: &str) -> Option<DistrictId>;
}
