//! `/mentors`: a coordinator's mentors with their load, taking a mentor
//! out of the programme and back, and the hand-over of students and their
//! unanswered questions to another mentor (the meetings are cancelled
//! through `db::meetings`). Every write here runs in the transaction of
//! the coordinator's press, with the notices it sends.

use super::users::{USER_COLUMNS, UserRow};
use super::{Backend, DbResult, Tx, on, starts_with};
use crate::domain::relay::copy_key;
use crate::domain::time::from_millis;
use crate::domain::{DistrictId, QuestionId, User, UserId};
use chrono::{DateTime, Utc};

/// A mentor and their load, as `/mentors` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MentorLoad {
    pub mentor: User,
    pub school: Option<String>,
    pub district: Option<String>,
    /// Their students now.
    pub students: i64,
    /// Their unanswered questions now (an SOS among them), and when the
    /// oldest was asked.
    pub open: i64,
    pub oldest: Option<DateTime<Utc>>,
    /// Booked meetings starting within the window ahead.
    pub meetings: i64,
    /// SOS alerts raised to them within the window behind.
    pub sos: i64,
}

/// The windows a load is counted in: meetings from `now` until
/// `meetings_until`, SOS alerts since `sos_since`.
#[derive(Clone, Copy, Debug)]
pub struct LoadWindow {
    pub now: DateTime<Utc>,
    pub meetings_until: DateTime<Utc>,
    pub sos_since: DateTime<Utc>,
}

/// What a hand-over from a mentor (or of one student of theirs) would
/// move: the students, their parents, the unanswered questions, and the
/// future meetings it would cancel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stake {
    pub students: i64,
    pub parents: i64,
    pub questions: i64,
    pub meetings: i64,
}

impl Stake {
    /// Nothing to hand over: no successor is needed.
    pub fn is_empty(&self) -> bool {
        *self == Stake::default()
    }
}

#[derive(sqlx::FromRow)]
struct LoadRow {
    #[sqlx(flatten)]
    user: UserRow,
    school: Option<String>,
    district: Option<String>,
    students: i64,
    open_count: i64,
    oldest: Option<i64>,
    meetings: i64,
    sos: i64,
}

impl LoadRow {
    fn into_load(self) -> DbResult<MentorLoad> {
        Ok(MentorLoad {
            mentor: self.user.into_user()?,
            school: self.school,
            district: self.district,
            students: self.students,
            open: self.open_count,
            oldest: self.oldest.map(from_millis),
            meetings: self.meetings,
            sos: self.sos,
        })
    }
}

/// The columns of a mentor with their load (`$1` now, `$2` the end of the
/// meetings' window, `$3` the start of the SOS window).
fn load_select() -> String {
    let cols = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
    format!(
        "SELECT {cols}, s.name AS school, d.name AS district,
             (SELECT COUNT(*) FROM mentor_students ms WHERE ms.mentor_id = u.id) AS students,
             (SELECT COUNT(*) FROM questions q WHERE q.mentor_id = u.id AND q.answered_at IS NULL)
                 AS open_count,
             (SELECT MIN(q.created_at) FROM questions q WHERE q.mentor_id = u.id AND q.answered_at IS NULL)
                 AS oldest,
             (SELECT COUNT(*) FROM meetings m WHERE m.mentor_id = u.id AND m.status = 'booked'
                 AND m.starts_at >= $1 AND m.starts_at < $2) AS meetings,
             (SELECT COUNT(*) FROM questions q WHERE q.mentor_id = u.id AND q.kind = 'urgent'
                 AND q.created_at >= $3) AS sos
         FROM users u LEFT JOIN schools s ON s.id = u.school_id LEFT JOIN districts d ON d.id = u.district_id"
    )
}

/// Same district: both in this one, or both in none.
const SAME_DISTRICT: &str = "(($1 IS NULL AND u.district_id IS NULL) OR u.district_id = $1)";

impl Tx {
    /// The mentors a coordinator of `district` sees (`None`: every district),
    /// those in the programme and those taken out.
    pub async fn mentor_count(&mut self, district: Option<DistrictId>) -> DbResult<i64> {
        Ok(on!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM users u WHERE u.role = 'mentor' AND ($1 IS NULL OR u.district_id = $1)",
        )
        .bind(district.map(|d| d.0))
        .fetch_one(c)
        .await?))
    }

    /// A page of those mentors with their load: those in the programme
    /// first, then by district, school and name.
    pub async fn mentors_with_load(
        &mut self,
        district: Option<DistrictId>,
        window: &LoadWindow,
        offset: i64,
        limit: i64,
    ) -> DbResult<Vec<MentorLoad>> {
        let sql = format!(
            "{} WHERE u.role = 'mentor' AND ($4 IS NULL OR u.district_id = $4)
             ORDER BY CASE WHEN u.deactivated_at IS NULL THEN 0 ELSE 1 END, COALESCE(d.name, ''),
                 COALESCE(s.name, ''), u.first_name, COALESCE(u.last_name, ''), u.id
             LIMIT $5 OFFSET $6",
            load_select()
        );
        let rows: Vec<LoadRow> = on!(self, c => sqlx::query_as(&sql)
            .bind(window.now.timestamp_millis())
            .bind(window.meetings_until.timestamp_millis())
            .bind(window.sos_since.timestamp_millis())
            .bind(district.map(|d| d.0))
            .bind(limit)
            .bind(offset)
            .fetch_all(c)
            .await?);
        rows.into_iter().map(LoadRow::into_load).collect()
    }

    /// One mentor with their load (`None`: no such mentor).
    pub async fn mentor_with_load(
        &mut self,
        mentor: UserId,
        window: &LoadWindow,
    ) -> DbResult<Option<MentorLoad>> {
        let sql = format!("{} WHERE u.role = 'mentor' AND u.id = $4", load_select());
        let row: Option<LoadRow> = on!(self, c => sqlx::query_as(&sql)
            .bind(window.now.timestamp_millis())
            .bind(window.meetings_until.timestamp_millis())
            .bind(window.sos_since.timestamp_millis())
            .bind(mentor.0)
            .fetch_optional(c)
            .await?);
        row.map(LoadRow::into_load).transpose()
    }

    /// How many mentors could take over from `mentor`: in the programme,
    /// in the same district, not `mentor`.
    pub async fn successor_count(&mut self, mentor: &User) -> DbResult<i64> {
        let sql = format!(
            "SELECT COUNT(*) FROM users u WHERE u.role = 'mentor' AND u.deactivated_at IS NULL
                 AND u.id <> $2 AND {SAME_DISTRICT}"
        );
        Ok(on!(self, c => sqlx::query_scalar(&sql)
            .bind(mentor.district_id.map(|d| d.0))
            .bind(mentor.id.0)
            .fetch_one(c)
            .await?))
    }

    /// A page of them by name, each with how many students they have.
    pub async fn successors(&mut self, mentor: &User, offset: i64, limit: i64) -> DbResult<Vec<(User, i64)>> {
        let cols = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {cols}, (SELECT COUNT(*) FROM mentor_students ms WHERE ms.mentor_id = u.id) AS students
             FROM users u WHERE u.role = 'mentor' AND u.deactivated_at IS NULL AND u.id <> $2
                 AND {SAME_DISTRICT}
             ORDER BY u.first_name, COALESCE(u.last_name, ''), u.id LIMIT $3 OFFSET $4"
        );
        let rows: Vec<SuccessorRow> = on!(self, c => sqlx::query_as(&sql)
            .bind(mentor.district_id.map(|d| d.0))
            .bind(mentor.id.0)
            .bind(limit)
            .bind(offset)
            .fetch_all(c)
            .await?);
        rows.into_iter().map(|r| Ok((r.user.into_user()?, r.students))).collect()
    }

    /// What handing over `mentor`'s students (or only `only`) would move
    /// now.
    pub async fn stake(
        &mut self,
        mentor: UserId,
        only: Option<UserId>,
        now: DateTime<Utc>,
    ) -> DbResult<Stake> {
        let (students, parents, questions, meetings): (i64, i64, i64, i64) = on!(self, c => sqlx::query_as(
            "SELECT
                 (SELECT COUNT(*) FROM mentor_students WHERE mentor_id = $1
                     AND ($2 IS NULL OR student_id = $2)),
                 (SELECT COUNT(DISTINCT ps.parent_id) FROM parent_students ps
                     JOIN mentor_students ms ON ms.student_id = ps.student_id
                     WHERE ms.mentor_id = $1 AND ($2 IS NULL OR ms.student_id = $2)),
                 (SELECT COUNT(*) FROM questions WHERE mentor_id = $1 AND answered_at IS NULL
                     AND ($2 IS NULL OR student_id = $2)),
                 (SELECT COUNT(*) FROM meetings WHERE mentor_id = $1 AND status = 'booked'
                     AND starts_at > $3 AND ($2 IS NULL OR student_id = $2))",
        )
        .bind(mentor.0)
        .bind(only.map(|s| s.0))
        .bind(now.timestamp_millis())
        .fetch_one(c)
        .await?);
        Ok(Stake { students, parents, questions, meetings })
    }

    /// Takes a mentor out of the programme (`out`, their dialogue
    /// forgotten) or brings them back; `false` if they were so already (a
    /// second press changes nothing). Taking out comes first in its
    /// transaction: the mentor's row stays locked until the hand-over
    /// commits, so that nobody joins them meanwhile (see
    /// [`Tx::mentor_takes_students`]).
    pub async fn set_mentor_out(&mut self, mentor: UserId, out: bool, now: DateTime<Utc>) -> DbResult<bool> {
        let sql = if out {
            "UPDATE users SET deactivated_at = $2, dialogue = NULL, updated_at = $2
             WHERE id = $1 AND role = 'mentor' AND deactivated_at IS NULL"
        } else {
            "UPDATE users SET deactivated_at = NULL, updated_at = $2
             WHERE id = $1 AND role = 'mentor' AND deactivated_at IS NOT NULL"
        };
        let n = on!(self, c => sqlx::query(sql)
            .bind(mentor.0)
            .bind(now.timestamp_millis())
            .execute(c)
            .await?
            .rows_affected());
        Ok(n == 1)
    }

    /// Whether `mentor` may take students now (a student joining by an
    /// invite, or a hand-over to them): a mentor in the programme. On
    /// PostgreSQL their row stays locked until the transaction commits, so
    /// that taking them out at the same moment waits, and then takes these
    /// students along (SQLite has one writer).
    pub(crate) async fn mentor_takes_students(&mut self, mentor: UserId) -> DbResult<bool> {
        let lock = if self.backend() == Backend::Postgres { " FOR UPDATE" } else { "" };
        let sql = format!("SELECT deactivated_at FROM users WHERE id = $1 AND role = 'mentor'{lock}");
        let row: Option<Option<i64>> =
            on!(self, c => sqlx::query_scalar(&sql).bind(mentor.0).fetch_optional(c).await?);
        Ok(matches!(row, Some(None)))
    }

    /// Moves `from`'s students (or only `only`, if they are `from`'s) to
    /// `to`, keeping their class; returns who moved, by id.
    pub async fn hand_over_students(
        &mut self,
        from: UserId,
        to: UserId,
        only: Option<UserId>,
    ) -> DbResult<Vec<UserId>> {
        let mut moved: Vec<i64> = on!(self, c => sqlx::query_scalar(
            "UPDATE mentor_students SET mentor_id = $2
             WHERE mentor_id = $1 AND ($3 IS NULL OR student_id = $3) RETURNING student_id",
        )
        .bind(from.0)
        .bind(to.0)
        .bind(only.map(|s| s.0))
        .fetch_all(c)
        .await?);
        moved.sort_unstable();
        Ok(moved.into_iter().map(UserId).collect())
    }

    /// Moves `from`'s unanswered questions (or those about `only`) to
    /// `to`, and cancels their copies to `from` that were still waiting
    /// (held by quiet hours): `from` never gets them now, and `to` gets a
    /// summary instead, never the contents. Returns the questions moved,
    /// oldest first.
    pub async fn hand_over_questions(
        &mut self,
        from: UserId,
        to: UserId,
        only: Option<UserId>,
        now: DateTime<Utc>,
    ) -> DbResult<Vec<QuestionId>> {
        let mut moved: Vec<(i64, i64)> = on!(self, c => sqlx::query_as(
            "UPDATE questions SET mentor_id = $2
             WHERE mentor_id = $1 AND answered_at IS NULL AND ($3 IS NULL OR student_id = $3)
             RETURNING created_at, id",
        )
        .bind(from.0)
        .bind(to.0)
        .bind(only.map(|s| s.0))
        .fetch_all(c)
        .await?);
        moved.sort_unstable();
        for &(_, id) in &moved {
            let like = starts_with(&copy_key(QuestionId(id), ""));
            on!(self, c => sqlx::query(
                "UPDATE outbox SET state = 'cancelled', finished_at = $3, payload = NULL, file = NULL,
                     fallback_payload = NULL, notice_text = NULL, lease_owner = NULL, lease_until = NULL
                 WHERE key LIKE $1 AND chat_id = $2 AND state = 'pending'",
            )
            .bind(like)
            .bind(from.0)
            .bind(now.timestamp_millis())
            .execute(c)
            .await?
            .rows_affected());
        }
        Ok(moved.into_iter().map(|(_, id)| QuestionId(id)).collect())
    }

    /// Ends the invites that would make students of `mentor` (a class
    /// link, say), now: a student joining later is told it has expired.
    pub async fn expire_student_invites(&mut self, mentor: UserId, now: DateTime<Utc>) -> DbResult<u64> {
        Ok(on!(self, c => sqlx::query(
            "UPDATE invites SET expires_at = $2 WHERE mentor_id = $1 AND role = 'student' AND expires_at > $2",
        )
        .bind(mentor.0)
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected()))
    }
}

#[derive(sqlx::FromRow)]
struct SuccessorRow {
    #[sqlx(flatten)]
    user: UserRow,
    students: i64,
}
