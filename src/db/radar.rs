//! The unanswered radar's reads and writes: the questions waiting long
//! enough to look at, the once-only mark of a question reported to the
//! coordinators (`questions.radar_at`).

use super::{DbResult, Tx, autocommit, on};
use crate::domain::time::from_millis;
use crate::domain::{DistrictId, QuestionId, UserId};
use chrono::{DateTime, Utc};

/// A question the radar looks at: still unanswered, not reported yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub question: QuestionId,
    pub mentor: UserId,
    pub district: Option<DistrictId>,
    pub asked_at: DateTime<Utc>,
}

impl Tx {
    /// Unanswered questions (not SOS: those have their own ladder) of
    /// mentors, not reported yet, asked before `before`, oldest first.
    pub async fn radar_waiting(&mut self, before: DateTime<Utc>) -> DbResult<Vec<Waiting>> {
        let rows: Vec<(i64, i64, Option<i64>, i64)> = on!(self, c => sqlx::query_as(
            "SELECT q.id, q.mentor_id, m.district_id, q.created_at
             FROM questions q JOIN users m ON m.id = q.mentor_id AND m.role = 'mentor'
             WHERE q.answered_at IS NULL AND q.radar_at IS NULL AND q.kind <> 'urgent'
                 AND q.created_at < $1
             ORDER BY q.created_at, q.id",
        )
        .bind(before.timestamp_millis())
        .fetch_all(c)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(id, mentor, district, at)| Waiting {
                question: QuestionId(id),
                mentor: UserId(mentor),
                district: district.map(DistrictId),
                asked_at: from_millis(at),
            })
            .collect())
    }

    /// Marks a question reported; `false` if it was already (or has been
    /// answered meanwhile): the report is made once.
    pub async fn mark_reported(&mut self, q: QuestionId, now: DateTime<Utc>) -> DbResult<bool> {
        let n = on!(self, c => sqlx::query(
            "UPDATE questions SET radar_at = $2 WHERE id = $1 AND radar_at IS NULL AND answered_at IS NULL",
        )
        .bind(q.0)
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// When a question was reported by the radar, if it was.
    pub async fn reported_at(&mut self, q: QuestionId) -> DbResult<Option<DateTime<Utc>>> {
        let at: Option<Option<i64>> = on!(self, c => sqlx::query_scalar(
            "SELECT radar_at FROM questions WHERE id = $1",
        )
        .bind(q.0)
        .fetch_optional(c)
        .await?);
        Ok(at.flatten().map(from_millis))
    }
}

autocommit! {
    fn reported_at(&self, q: QuestionId) -> Option<DateTime<Utc>>;
}
