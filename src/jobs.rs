//! The job runner: runs what is due at a time, one job per transaction:
//! the claim (on PostgreSQL `FOR UPDATE SKIP LOCKED`, so two instances
//! never run one job), the job's reads and outbox rows, and "done" commit
//! together or not at all. A job therefore runs once, also across a
//! `kill -9` and several instances; what it queued is then the outbox's to
//! send once.
//!
//! The runner knows when and how, not what: `app` hands it the job bodies
//! ([`Bodies`], one per feature: a meeting's reminders and the day's
//! digests from `handlers::reminders`, the unanswered radar from
//! `handlers::radar`, a running broadcast's progress from
//! `handlers::broadcast`), the way the intake is handed its `schema()`.
//!
//! It sleeps until the next job is due, a job is planned (the unit of
//! work's [`Bell`], rung after the commit that planned it; `NOTIFY` from
//! another instance on PostgreSQL), or the test clock jumps. A job that
//! fails is tried again with backoff; one that keeps failing is set aside,
//! logged.

use crate::config::Config;
use crate::db::{Db, DbError, DueJob};
use crate::domain::reminders::{Job, JobOutcome, Skip};
use crate::domain::time::SharedClock;
use crate::error::Error;
use crate::outbox::Outbox;
use crate::work::Work;
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub use crate::work::Bell;

/// A job's body at work: says what became of the job (kept with it).
pub type Running = BoxFuture<'static, Result<JobOutcome, Error>>;

/// A feature's job planned at start, and when it is due.
pub type First = fn(&Config, DateTime<Utc>) -> (Job, DateTime<Utc>);

/// What one feature's jobs do, handed to the runner.
#[derive(Clone, Copy)]
pub struct Bodies {
    /// The job planned at start (the day's job) and when it is due, if
    /// the feature has one; one planned before stays as it is.
    pub first: Option<First>,
    /// Whether these bodies run this job.
    pub runs: fn(&Job) -> bool,
    /// Runs one job in its unit of work; says what became of it (kept
    /// with the job).
    pub run: fn(Work, Config, DateTime<Utc>, Job) -> Running,
}

/// Attempts before a failing job is set aside.
const MAX_ATTEMPTS: i64 = 10;
/// How soon to look again when a due job is held by another instance.
const HELD_ELSEWHERE: Duration = Duration::from_secs(1);

/// The runner's counters, for tests and metrics.
#[derive(Debug, Default)]
pub struct Stats {
    pub wakeups: AtomicU64,
    pub ran: AtomicU64,
    pub failed: AtomicU64,
}

pub struct Runner {
    db: Db,
    clock: SharedClock,
    config: Config,
    outbox: Outbox,
    bell: Bell,
    bodies: Vec<Bodies>,
    pub stats: Arc<Stats>,
}

impl Runner {
    pub fn new(
        db: Db,
        clock: SharedClock,
        config: Config,
        outbox: Outbox,
        bell: Bell,
        bodies: Vec<Bodies>,
    ) -> Runner {
        Runner { db, clock, config, outbox, bell, bodies, stats: Arc::new(Stats::default()) }
    }

    /// Runs jobs until `stop`.
    pub async fn run(self, stop: CancellationToken) {
        let mut backoff = Duration::from_millis(500);
        while let Err(e) = self.plan_first_day().await {
            tracing::warn!(error = %e, "could not plan the day's job; trying again");
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(backoff) => {}
            }
            backoff = (backoff * 2).min(Duration::from_secs(30));
        }
        loop {
            self.stats.wakeups.fetch_add(1, Ordering::Relaxed);
            // Listen for a jump of the test clock before looking, so that a
            // jump while jobs run is not missed.
            let clock = self.clock.clone();
            let mut jumped = clock.jumps().map(|n| Box::pin(n.notified()));
            if let Some(j) = &mut jumped {
                j.as_mut().enable();
            }
            let wake = loop {
                if stop.is_cancelled() {
                    return;
                }
                match self.run_one().await {
                    Ok(true) => continue,
                    Ok(false) => break self.next_wake().await,
                    Err(e) => {
                        tracing::warn!(error = %e, "could not run jobs; trying again");
                        break Some(Duration::from_secs(2));
                    }
                }
            };
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = async {
                    match &mut jumped {
                        Some(j) => j.as_mut().await,
                        None => std::future::pending().await,
                    }
                } => {}
                _ = self.bell.rung() => {}
                _ = sleep(wake) => {}
            }
        }
    }

    /// Each feature's first job (the day's job of today, if its hour is
    /// to come, else of tomorrow); one planned before stays as it is.
    async fn plan_first_day(&self) -> Result<(), DbError> {
        for first in self.bodies.iter().filter_map(|b| b.first) {
            let (job, due) = first(&self.config, self.clock.now());
            self.db.plan_job(&job.key(), due).await?;
        }
        Ok(())
    }

    /// How long to sleep: until the next job is due.
    async fn next_wake(&self) -> Option<Duration> {
        match self.db.next_job_time().await {
            Ok(Some(at)) => {
                let wait = at - self.clock.now().timestamp_millis();
                if wait <= 0 {
                    // Due, but another instance holds it.
                    Some(HELD_ELSEWHERE)
                } else {
                    Some(Duration::from_millis(u64::try_from(wait).unwrap_or(0)))
                }
            }
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the jobs; trying again");
                Some(Duration::from_secs(2))
            }
        }
    }

    /// Runs the oldest due job; `false` if none is due.
    async fn run_one(&self) -> Result<bool, DbError> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let Some(job) = tx.claim_job(now).await? else {
            tx.rollback().await?;
            return Ok(false);
        };
        crate::faults::crash_point("job-claimed");
        let work = Work::new(tx);
        let result = {
            let (work, config) = (work.clone(), self.config.clone());
            let parsed = Job::parse(&job.key)
                .and_then(|job| self.bodies.iter().find(|b| (b.runs)(&job)).map(|b| (job, b.run)));
            // A task of its own, so that a panic is contained.
            tokio::spawn(async move {
                match parsed {
                    Some((job, run)) => run(work, config, now, job).await,
                    None => Ok(JobOutcome::Skipped(Skip::UnknownJob)),
                }
            })
            .await
        };
        let (tx, out) = work.finish().await;
        let outcome = match result {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(e)) => Err((e.is_transient(), e.to_string())),
            Err(e) => Err((false, format!("job panicked: {e}"))),
        };
        let Some(mut tx) = tx else { return Err(DbError::Corrupt("the job's transaction was taken".into())) };
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err((transient, reason)) => {
                drop(tx);
                return self.failed(&job, transient, &reason, now).await.map(|()| true);
            }
        };
        tx.finish_job(job.id, &outcome, now).await?;
        let queued = out.queue(&mut tx, self.outbox.owner(), now).await?;
        crate::faults::crash_point("job-before-commit");
        tx.commit().await?;
        queued.hand_over(&self.outbox, &self.bell);
        self.stats.ran.fetch_add(1, Ordering::Relaxed);
        tracing::info!(job = %job.key, %outcome, "job ran");
        Ok(true)
    }

    /// A job that failed: tried again later, or set aside.
    async fn failed(
        &self,
        job: &DueJob,
        transient: bool,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        self.stats.failed.fetch_add(1, Ordering::Relaxed);
        let attempts = job.attempts + 1;
        let mut tx = self.db.begin().await?;
        if attempts >= MAX_ATTEMPTS || (!transient && attempts >= 3) {
            tracing::error!(job = %job.key, attempts, error = reason, "job keeps failing; set aside");
            tx.finish_job(job.id, &JobOutcome::Failed(reason.to_owned()), now).await?;
        } else {
            let backoff = chrono::Duration::milliseconds((500i64 << attempts.clamp(0, 7)).min(60_000));
            tracing::warn!(job = %job.key, attempts, error = reason, "job failed; will retry");
            tx.delay_job(job.id, now + backoff).await?;
        }
        tx.commit().await
    }
}

async fn sleep(wait: Option<Duration>) {
    match wait {
        Some(w) => tokio::time::sleep(w).await,
        None => std::future::pending().await,
    }
}
