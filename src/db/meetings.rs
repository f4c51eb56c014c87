//! Meetings: booking (the slot taken by a conditional update), moving,
//! cancelling, and what the mentor records afterwards.

use super::{DbResult, Tx, autocommit, on, strict};
use crate::domain::meetings::{Meeting, Refusal, Status};
use crate::domain::time::from_millis;
use crate::domain::{MeetingId, SlotId, UserId};
use chrono::{DateTime, Utc};

const COLUMNS: &str = "id, uid, slot_id, mentor_id, student_id, parent_id, booked_by, starts_at, ends_at, \
                       place, topic, status, sequence, note";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    uid: String,
    slot_id: Option<i64>,
    mentor_id: i64,
    student_id: i64,
    parent_id: Option<i64>,
    booked_by: i64,
    starts_at: i64,
    ends_at: i64,
    place: Option<String>,
    topic: Option<String>,
    status: String,
    sequence: i64,
    note: Option<String>,
}

impl Row {
    fn into_meeting(self) -> DbResult<Meeting> {
        Ok(Meeting {
            id: MeetingId(self.id),
            uid: self.uid,
            slot: self.slot_id.map(SlotId),
            mentor: UserId(self.mentor_id),
            student: UserId(self.student_id),
            parent: self.parent_id.map(UserId),
            booked_by: UserId(self.booked_by),
            starts_at: from_millis(self.starts_at),
            ends_at: from_millis(self.ends_at),
            place: self.place,
            topic: self.topic,
            status: strict::<Status>("meeting status", &self.status)?,
            sequence: self.sequence,
            note: self.note,
        })
    }
}

/// A booking to make.
#[derive(Clone, Debug)]
pub struct NewMeeting<'a> {
    pub slot: SlotId,
    pub student: UserId,
    pub parent: Option<UserId>,
    pub booked_by: UserId,
    pub topic: Option<&'a str>,
    pub uid: &'a str,
    /// Upcoming meetings the student may have at once.
    pub max_upcoming: u32,
}

impl Tx {
    /// Books a slot. Exactly one of any number of concurrent attempts on
    /// one slot succeeds: the slot is taken by `UPDATE … WHERE status =
    /// 'free'` (and a partial unique index allows one booked meeting per
    /// slot); the others get [`Refusal::Taken`] and change nothing. The
    /// student's upcoming meetings are counted under a lock on the
    /// student (`FOR UPDATE` on PostgreSQL; SQLite has one writer), so
    /// that a student and a parent booking at once cannot go over the
    /// limit ([`Refusal::TooMany`]).
    pub async fn book(
        &mut self,
        new: &NewMeeting<'_>,
        now: DateTime<Utc>,
    ) -> DbResult<Result<Meeting, Refusal>> {
        let Some(slot) = self.slot(new.slot).await? else { return Ok(Err(Refusal::Gone)) };
        if self.upcoming_count_locked(new.student, now).await? >= i64::from(new.max_upcoming) {
            return Ok(Err(Refusal::TooMany));
        }
        if !self.take_slot(new.slot).await? {
            return Ok(Err(Refusal::Taken));
        }
        let place = match slot.place {
            Some(p) => Some(p),
            None => self.default_place(slot.mentor).await?,
        };
        let id: i64 = on!(self, c => sqlx::query_scalar(
            "INSERT INTO meetings (uid, slot_id, mentor_id, student_id, parent_id, booked_by, starts_at,
                 ends_at, place, topic, status, sequence, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'booked', 0, $11, $11) RETURNING id",
        )
        .bind(new.uid)
        .bind(slot.id.0)
        .bind(slot.mentor.0)
        .bind(new.student.0)
        .bind(new.parent.map(|p| p.0))
        .bind(new.booked_by.0)
        .bind(slot.starts_at.timestamp_millis())
        .bind(slot.ends_at.timestamp_millis())
        .bind(place.as_deref())
        .bind(new.topic)
        .bind(now.timestamp_millis())
        .fetch_one(c)
        .await?);
        let meeting = self.meeting(MeetingId(id)).await?;
        meeting.ok_or_else(|| super::DbError::Corrupt(format!("meeting {id} vanished"))).map(Ok)
    }

    /// The student's booked meetings that have not ended, counted while
    /// holding the student's row: concurrent bookings for one student
    /// take turns.
    async fn upcoming_count_locked(&mut self, student: UserId, now: DateTime<Utc>) -> DbResult<i64> {
        let lock = if self.backend() == super::Backend::Postgres { " FOR UPDATE" } else { "" };
        let sql = format!("SELECT id FROM users WHERE id = $1{lock}");
        let _: Option<i64> =
            on!(self, c => sqlx::query_scalar(&sql).bind(student.0).fetch_optional(c).await?);
        Ok(on!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM meetings WHERE student_id = $1 AND status = 'booked' AND ends_at > $2",
        )
        .bind(student.0)
        .bind(now.timestamp_millis())
        .fetch_one(c)
        .await?))
    }

    pub async fn meeting(&mut self, id: MeetingId) -> DbResult<Option<Meeting>> {
        let sql = format!("SELECT {COLUMNS} FROM meetings WHERE id = $1");
        let row: Option<Row> = on!(self, c => sqlx::query_as(&sql).bind(id.0).fetch_optional(c).await?);
        row.map(Row::into_meeting).transpose()
    }

    /// The booked meeting in a slot, if any.
    pub async fn meeting_in_slot(&mut self, slot: SlotId) -> DbResult<Option<Meeting>> {
        let sql = format!("SELECT {COLUMNS} FROM meetings WHERE slot_id = $1 AND status = 'booked'");
        let row: Option<Row> = on!(self, c => sqlx::query_as(&sql).bind(slot.0).fetch_optional(c).await?);
        row.map(Row::into_meeting).transpose()
    }

    /// Booked meetings about this student that have not ended.
    pub async fn upcoming_of_student(
        &mut self,
        student: UserId,
        now: DateTime<Utc>,
    ) -> DbResult<Vec<Meeting>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM meetings WHERE student_id = $1 AND status = 'booked' AND ends_at > $2
             ORDER BY starts_at, id"
        );
        let rows: Vec<Row> = on!(self, c => sqlx::query_as(&sql).bind(student.0).bind(now.timestamp_millis()).fetch_all(c).await?);
        rows.into_iter().map(Row::into_meeting).collect()
    }

    /// The mentor's meetings (any status but cancelled) starting in `[from, to)`.
    pub async fn agenda(
        &mut self,
        mentor: UserId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> DbResult<Vec<Meeting>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM meetings WHERE mentor_id = $1 AND status <> 'cancelled'
                 AND starts_at >= $2 AND starts_at < $3 ORDER BY starts_at, id"
        );
        let rows: Vec<Row> = on!(self, c => sqlx::query_as(&sql)
            .bind(mentor.0)
            .bind(from.timestamp_millis())
            .bind(to.timestamp_millis())
            .fetch_all(c)
            .await?);
        rows.into_iter().map(Row::into_meeting).collect()
    }

    /// The mentor's booked meetings that have not ended.
    pub async fn upcoming_of_mentor(&mut self, mentor: UserId, now: DateTime<Utc>) -> DbResult<Vec<Meeting>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM meetings WHERE mentor_id = $1 AND status = 'booked' AND ends_at > $2
             ORDER BY starts_at, id"
        );
        let rows: Vec<Row> = on!(self, c => sqlx::query_as(&sql).bind(mentor.0).bind(now.timestamp_millis()).fetch_all(c).await?);
        rows.into_iter().map(Row::into_meeting).collect()
    }

    /// Cancels a booked meeting and frees its slot; `false` if it was not
    /// booked any more.
    pub async fn cancel_meeting(
        &mut self,
        id: MeetingId,
        by: UserId,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        let slot: Option<Option<i64>> = on!(self, c => sqlx::query_scalar(
            "UPDATE meetings SET status = 'cancelled', cancelled_by = $2, cancel_reason = $3,
                 sequence = sequence + 1, updated_at = $4
             WHERE id = $1 AND status = 'booked' RETURNING slot_id",
        )
        .bind(id.0)
        .bind(by.0)
        .bind(reason)
        .bind(now.timestamp_millis())
        .fetch_optional(c)
        .await?);
        let Some(slot) = slot else { return Ok(false) };
        if let Some(slot) = slot {
            self.release_slot(SlotId(slot)).await?;
        }
        Ok(true)
    }

    /// Moves a booked meeting to another slot: the new slot is taken first
    /// (as in [`Tx::book`]); only if that succeeds does the meeting move and
    /// the old slot become free. A lost race changes nothing.
    pub async fn move_meeting(
        &mut self,
        id: MeetingId,
        to: SlotId,
        now: DateTime<Utc>,
    ) -> DbResult<Result<Meeting, Refusal>> {
        let Some(meeting) = self.meeting(id).await? else { return Ok(Err(Refusal::Gone)) };
        let Some(slot) = self.slot(to).await? else { return Ok(Err(Refusal::Gone)) };
        if meeting.status != Status::Booked || slot.mentor != meeting.mentor {
            return Ok(Err(Refusal::Gone));
        }
        if !self.take_slot(to).await? {
            return Ok(Err(Refusal::Taken));
        }
        let place = match slot.place {
            Some(p) => Some(p),
            None => self.default_place(slot.mentor).await?,
        };
        on!(self, c => sqlx::query(
            "UPDATE meetings SET slot_id = $2, starts_at = $3, ends_at = $4, place = $5,
                 sequence = sequence + 1, updated_at = $6 WHERE id = $1",
        )
        .bind(id.0)
        .bind(to.0)
        .bind(slot.starts_at.timestamp_millis())
        .bind(slot.ends_at.timestamp_millis())
        .bind(place.as_deref())
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected());
        if let Some(old) = meeting.slot {
            self.release_slot(old).await?;
        }
        let moved = self.meeting(id).await?;
        moved.ok_or_else(|| super::DbError::Corrupt(format!("meeting {id} vanished"))).map(Ok)
    }

    /// Held or no-show, recorded once by the mentor; `false` if the meeting
    /// is not theirs or no longer booked.
    pub async fn record_outcome(
        &mut self,
        id: MeetingId,
        mentor: UserId,
        outcome: Status,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        let n = on!(self, c => sqlx::query(
            "UPDATE meetings SET status = $3, updated_at = $4 WHERE id = $1 AND mentor_id = $2 AND status = 'booked'",
        )
        .bind(id.0)
        .bind(mentor.0)
        .bind(outcome.as_str())
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// The mentor's private note on a meeting of theirs.
    pub async fn set_note(
        &mut self,
        id: MeetingId,
        mentor: UserId,
        note: &str,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        let n = on!(self, c => sqlx::query(
            "UPDATE meetings SET note = $3, updated_at = $4 WHERE id = $1 AND mentor_id = $2",
        )
        .bind(id.0)
        .bind(mentor.0)
        .bind(note)
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// How many meetings of the mentor's carry a note (what coordinators
    /// may see of notes).
    pub async fn note_count(&mut self, mentor: UserId) -> DbResult<i64> {
        Ok(
            on!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM meetings WHERE mentor_id = $1 AND note IS NOT NULL")
            .bind(mentor.0)
            .fetch_one(c)
            .await?),
        )
    }
}

autocommit! {
    fn meeting(&self, id: MeetingId) -> Option<Meeting>;
    fn upcoming_of_student(&self, student: UserId, now: DateTime<Utc>) -> Vec<Meeting>;
    fn note_count(&self, mentor: UserId) -> i64;
}
