//! Retention: contents are kept `TALIMGER_RETENTION` (default 365 days),
//! then erased by a job of each day (`Job::Retention`, at 03:30 local),
//! leaving the rows and so the anonymous counts: a meeting keeps its time
//! and outcome, not its topic, the mentor's note or the reason it was
//! cancelled; a message never delivered in that time is cancelled with its
//! contents. What the bot sent or was sent keeps no contents after
//! delivery anyway (the outbox and the inbox erase them), and finished
//! outbox rows go after a week (`app`'s housekeeping).
//!
//! Shared machinery, not a feature: it uses the database only; `app` hands
//! its job bodies to the runner with the features'.

use crate::config::Config;
use crate::domain::calendar::{day_start, local_date};
use crate::domain::reminders::{Job, JobOutcome};
use crate::error::Error;
use crate::jobs::Bodies;
use crate::work::Work;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// When in the night the day's erasure runs, after local midnight.
const AT: Duration = Duration::minutes(3 * 60 + 30);

/// The retention job's bodies: today's erasure at start, then one a day.
pub fn jobs() -> Bodies {
    Bodies {
        first: Some(|config, now| (Job::Retention { day: local_date(config.tz, now) }, now)),
        runs: |job| matches!(job, Job::Retention { .. }),
        run: |work, config, now, job| {
            Box::pin(async move {
                let Job::Retention { day } = job else { unreachable!("runs only Job::Retention") };
                erase(&work, &config, now, day).await
            })
        },
    }
}

fn due(config: &Config, day: NaiveDate) -> DateTime<Utc> {
    day_start(config.tz, day) + AT
}

/// Erases what is older than the retention period, and plans tomorrow's.
async fn erase(
    work: &Work,
    config: &Config,
    now: DateTime<Utc>,
    day: NaiveDate,
) -> Result<JobOutcome, Error> {
    // After a long downtime the chain goes on from tomorrow, not day by day.
    let next = (day + Duration::days(1)).max(local_date(config.tz, now) + Duration::days(1));
    work.db().await?.plan_job(&Job::Retention { day: next }.key(), due(config, next)).await?;
    work.planned_jobs();
    let erased = work.db().await?.erase_contents_before(now - config.retention, now).await?;
    if erased.meetings + erased.items > 0 {
        tracing::info!(
            meetings = erased.meetings,
            items = erased.items,
            "contents past the retention period erased"
        );
    }
    Ok(JobOutcome::Ran(format!(
        "{} meeting(s), {} undelivered message(s) erased",
        erased.meetings, erased.items
    )))
}
