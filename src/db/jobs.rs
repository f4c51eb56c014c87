//! Jobs run at a time (reminders, the day's digests) and what became of
//! each reminder: planned in the transaction that books or moves a
//! meeting, dropped in the one that cancels it, claimed and run in a
//! transaction of their own, so each runs once.

use super::{Db, DbResult, Tx, autocommit, on, on_pool};
use crate::domain::{MeetingId, UserId};
use chrono::{DateTime, Utc};

/// A job that is due, as claimed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueJob {
    pub id: i64,
    pub key: String,
    pub due_at: DateTime<Utc>,
    pub attempts: i64,
}

/// What became of one recipient's reminder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    Queued,
    Unreachable,
}

impl Delivery {
    fn as_str(self) -> &'static str {
        match self {
            Delivery::Queued => "queued",
            Delivery::Unreachable => "unreachable",
        }
    }
}

impl Tx {
    /// Plans a job; `false` if one with this key exists already (planned,
    /// or already run): a job is planned once.
    pub async fn plan_job(&mut self, key: &str, due_at: DateTime<Utc>) -> DbResult<bool> {
        let n = on!(self, c => sqlx::query(
            "INSERT INTO jobs (key, due_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(due_at.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// Drops the jobs whose keys start with `prefix` (a meeting's
    /// reminders), run or not, so that they may be planned anew: a moved
    /// meeting's 24-hour reminder comes again for the new time.
    pub async fn drop_jobs(&mut self, prefix: &str) -> DbResult<u64> {
        let like = super::starts_with(prefix);
        Ok(on!(self, c => sqlx::query("DELETE FROM jobs WHERE key LIKE $1")
            .bind(&like)
            .execute(c)
            .await?
            .rows_affected()))
    }

    /// The oldest due job, locked for this transaction (on PostgreSQL
    /// `FOR UPDATE SKIP LOCKED`: another instance takes the next one).
    pub async fn claim_job(&mut self, now: DateTime<Utc>) -> DbResult<Option<DueJob>> {
        let lock = if self.backend() == super::Backend::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
        let sql = format!(
            "SELECT id, key, due_at, attempts FROM jobs WHERE done_at IS NULL AND due_at <= $1
             ORDER BY due_at, id LIMIT 1{lock}"
        );
        let row: Option<(i64, String, i64, i64)> =
            on!(self, c => sqlx::query_as(&sql).bind(now.timestamp_millis()).fetch_optional(c).await?);
        Ok(row.map(|(id, key, due_at, attempts)| DueJob {
            id,
            key,
            due_at: crate::domain::time::from_millis(due_at),
            attempts,
        }))
    }

    /// Marks a job run, with what became of it.
    pub async fn finish_job(
        &mut self,
        id: i64,
        outcome: &crate::domain::reminders::JobOutcome,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        on!(self, c => sqlx::query("UPDATE jobs SET done_at = $2, outcome = $3 WHERE id = $1")
            .bind(id)
            .bind(now.timestamp_millis())
            .bind(outcome.to_string())
            .execute(c)
            .await?
            .rows_affected());
        Ok(())
    }

    /// A job that failed: tried again at `retry_at`.
    pub async fn delay_job(&mut self, id: i64, retry_at: DateTime<Utc>) -> DbResult<()> {
        on!(self, c => sqlx::query("UPDATE jobs SET due_at = $2, attempts = attempts + 1 WHERE id = $1")
            .bind(id)
            .bind(retry_at.timestamp_millis())
            .execute(c)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Records one recipient's reminder.
    pub async fn record_reminder(
        &mut self,
        meeting: MeetingId,
        lead_minutes: i64,
        user: UserId,
        delivery: Delivery,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        on!(self, c => sqlx::query(
            "INSERT INTO reminders (meeting_id, lead_minutes, user_id, outcome, at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (meeting_id, lead_minutes, user_id) DO UPDATE SET outcome = $4, at = $5",
        )
        .bind(meeting.0)
        .bind(lead_minutes)
        .bind(user.0)
        .bind(delivery.as_str())
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The recipients of a meeting's reminders so far, with what became of
    /// each: `(lead minutes, user, unreachable)`.
    pub async fn reminders_of(&mut self, meeting: MeetingId) -> DbResult<Vec<(i64, UserId, bool)>> {
        let rows: Vec<(i64, i64, String)> = on!(self, c => sqlx::query_as(
            "SELECT lead_minutes, user_id, outcome FROM reminders WHERE meeting_id = $1
             ORDER BY lead_minutes DESC, user_id",
        )
        .bind(meeting.0)
        .fetch_all(c)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(lead, user, outcome)| (lead, UserId(user), outcome == "unreachable"))
            .collect())
    }

    /// A parent's «Got it»; `false` if it was given already.
    pub async fn acknowledge_reminder(
        &mut self,
        meeting: MeetingId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        let n = on!(self, c => sqlx::query(
            "INSERT INTO reminder_acks (meeting_id, user_id, at) VALUES ($1, $2, $3)
             ON CONFLICT (meeting_id, user_id) DO NOTHING",
        )
        .bind(meeting.0)
        .bind(user.0)
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// Who acknowledged a meeting's reminder.
    pub async fn reminder_acks(&mut self, meeting: MeetingId) -> DbResult<Vec<UserId>> {
        let rows: Vec<i64> = on!(self, c => sqlx::query_scalar(
            "SELECT user_id FROM reminder_acks WHERE meeting_id = $1 ORDER BY at, user_id",
        )
        .bind(meeting.0)
        .fetch_all(c)
        .await?);
        Ok(rows.into_iter().map(UserId).collect())
    }

    /// Every mentor in the programme (not one a coordinator took out), for
    /// the day's digests.
    pub async fn mentor_ids(&mut self) -> DbResult<Vec<UserId>> {
        let rows: Vec<i64> = on!(self, c => sqlx::query_scalar(
            "SELECT id FROM users WHERE role = 'mentor' AND deactivated_at IS NULL ORDER BY id")
            .fetch_all(c)
            .await?);
        Ok(rows.into_iter().map(UserId).collect())
    }

    /// Forgets jobs run before `before` (housekeeping).
    pub async fn prune_jobs(&mut self, before: DateTime<Utc>) -> DbResult<u64> {
        Ok(on!(self, c => sqlx::query("DELETE FROM jobs WHERE done_at IS NOT NULL AND done_at < $1")
            .bind(before.timestamp_millis())
            .execute(c)
            .await?
            .rows_affected()))
    }

    /// The jobs not yet run whose keys start with `prefix`, with their due
    /// times (for tests and `talimger check`).
    pub async fn planned_jobs(&mut self, prefix: &str) -> DbResult<Vec<(String, DateTime<Utc>)>> {
        let like = super::starts_with(prefix);
        let rows: Vec<(String, i64)> = on!(self, c => sqlx::query_as(
            "SELECT key, due_at FROM jobs WHERE key LIKE $1 AND done_at IS NULL ORDER BY due_at, id",
        )
        .bind(&like)
        .fetch_all(c)
        .await?);
        Ok(rows.into_iter().map(|(k, at)| (k, crate::domain::time::from_millis(at))).collect())
    }
}

impl Db {
    /// When the next job is due, if any (ms since the epoch).
    pub async fn next_job_time(&self) -> DbResult<Option<i64>> {
        self.check_outage()?;
        Ok(on_pool!(self, p => sqlx::query_scalar("SELECT MIN(due_at) FROM jobs WHERE done_at IS NULL")
            .fetch_one(p)
            .await?))
    }
}

autocommit! {
    fn plan_job(&self, key: &str, due_at: DateTime<Utc>) -> bool;
    fn prune_jobs(&self, before: DateTime<Utc>) -> u64;
    fn planned_jobs(&self, prefix: &str) -> Vec<(String, DateTime<Utc>)>;
    fn reminders_of(&self, meeting: MeetingId) -> Vec<(i64, UserId, bool)>;
    fn reminder_acks(&self, meeting: MeetingId) -> Vec<UserId>;
}
