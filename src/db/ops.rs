//! What running it needs of the database: the programme's secrets (made
//! once, shared by every instance), and for the health and metrics
//! endpoints that the database answers and how far behind the queues are.

use super::{Db, DbResult, Tx, autocommit, on};
use crate::domain::time::from_millis;
use chrono::{DateTime, Utc};

/// What one day's retention erased.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Erased {
    /// Meetings whose topic, note or cancellation reason went.
    pub meetings: u64,
    /// Messages never delivered, cancelled with their contents.
    pub items: u64,
}

/// Items of one priority that are due and not sent yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backlog {
    pub priority: i64,
    pub count: i64,
    /// When the longest-waiting of them became due.
    pub oldest: Option<DateTime<Utc>>,
}

/// The queues at one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueHealth {
    pub outbox: Vec<Backlog>,
    pub jobs_due: i64,
    /// Due before the lateness line and not done.
    pub jobs_late: i64,
}

impl Tx {
    /// A random secret of the programme's, by name: made by the first who
    /// asks, the same for every instance after (the salt of pseudonymous
    /// ids, the webhook's secret token).
    pub async fn programme_secret(&mut self, name: &str, now: DateTime<Utc>) -> DbResult<String> {
        let fresh = hex::encode(rand::random::<[u8; 24]>());
        let _made = on!(self, c => sqlx::query(
            "INSERT INTO programme_secrets (name, value, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(&fresh)
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected());
        let value: String = on!(self, c => sqlx::query_scalar("SELECT value FROM programme_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(c)
            .await?);
        Ok(value)
    }

    /// Erases the contents older than `before`: a meeting's topic, the
    /// mentor's note and a cancellation's reason once the meeting is that
    /// old (the meeting stays, for the counts), and any message still
    /// undelivered since then (cancelled). What was sent keeps no
    /// contents anyway, and handled updates none.
    pub async fn erase_contents_before(
        &mut self,
        before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> DbResult<Erased> {
        let meetings = on!(self, c => sqlx::query(
            "UPDATE meetings SET topic = NULL, note = NULL, cancel_reason = NULL
             WHERE ends_at < $1 AND (topic IS NOT NULL OR note IS NOT NULL OR cancel_reason IS NOT NULL)",
        )
        .bind(before.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected());
        let items = on!(self, c => sqlx::query(
            "UPDATE outbox SET state = 'cancelled', finished_at = $2, error = 'retention', payload = NULL, file = NULL,
                 fallback_payload = NULL, notice_text = NULL, lease_owner = NULL, lease_until = NULL
             WHERE state = 'pending' AND created_at < $1",
        )
        .bind(before.timestamp_millis())
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected());
        Ok(Erased { meetings, items })
    }

    /// The outbox's due items by priority, and the jobs due and late.
    pub async fn queue_health(&mut self, now: DateTime<Utc>, late: DateTime<Utc>) -> DbResult<QueueHealth> {
        let now_ms = now.timestamp_millis();
        let rows: Vec<(i64, i64, Option<i64>)> = on!(self, c => sqlx::query_as(
            "SELECT priority, COUNT(*), MIN(due_at) FROM outbox
             WHERE state = 'pending' AND due_at <= $1 GROUP BY priority",
        )
        .bind(now_ms)
        .fetch_all(c)
        .await?);
        let (jobs_due, jobs_late): (i64, Option<i64>) = on!(self, c => sqlx::query_as(
            "SELECT COUNT(*), SUM(CASE WHEN due_at < $2 THEN 1 ELSE 0 END) FROM jobs
             WHERE done_at IS NULL AND due_at <= $1",
        )
        .bind(now_ms)
        .bind(late.timestamp_millis())
        .fetch_one(c)
        .await?);
        Ok(QueueHealth {
            outbox: rows
                .into_iter()
                .map(|(priority, count, oldest)| Backlog { priority, count, oldest: oldest.map(from_millis) })
                .collect(),
            jobs_due,
            jobs_late: jobs_late.unwrap_or(0),
        })
    }
}

autocommit! {
    fn programme_secret(&self, name: &str, now: DateTime<Utc>) -> String;
    fn queue_health(&self, now: DateTime<Utc>, late: DateTime<Utc>) -> QueueHealth;
}

impl Db {
    /// The database answers a trivial query within `within`.
    pub async fn ping(&self, within: std::time::Duration) -> Result<(), String> {
        let answer = tokio::time::timeout(within, async {
            let mut tx = self.begin().await?;
            let one: i64 =
                on!(&mut tx, c => sqlx::query_scalar("SELECT CAST(1 AS BIGINT)").fetch_one(c).await?);
            tx.rollback().await?;
            Ok::<_, super::DbError>(one)
        })
        .await;
        match answer {
            Ok(Ok(1)) => Ok(()),
            Ok(Ok(n)) => Err(format!("SELECT 1 answered {n}")),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {} s", within.as_secs())),
        }
    }
}
