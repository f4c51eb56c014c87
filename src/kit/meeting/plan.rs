//! A meeting's reminders, planned in the transaction that books or moves
//! it (one job per lead not already past) and dropped in the one that
//! cancels or moves it, together with any reminder already queued in the
//! outbox; and how the confirmation says when they come.

use crate::config::Config;
use crate::domain::meetings::Meeting;
use crate::domain::reminders::{Job, Left, outbox_prefix};
use crate::domain::{Lang, MeetingId};
use crate::error::Error;
use crate::t;
use crate::work::Work;
use chrono::{DateTime, Duration, Utc};

/// How long is left (or a lead), as people say it.
pub fn left_text(lang: Lang, left: Left) -> String {
    match left {
        Left::Minutes(n) => t!(lang, "remind-minutes", count = n),
        Left::Hours(n) => t!(lang, "remind-hours", count = n),
        Left::Days(n) => t!(lang, "remind-days", count = n),
    }
}

/// Plans a booked or moved meeting's reminders, replacing any earlier
/// ones (also those already queued); returns the leads planned.
pub async fn plan(
    work: &Work,
    config: &Config,
    m: &Meeting,
    now: DateTime<Utc>,
) -> Result<Vec<Duration>, Error> {
    unplan(work, m.id, now).await?;
    let mut planned = Vec::new();
    for (lead, due) in config.reminders.plan(m.starts_at, now) {
        let job = Job::Remind { meeting: m.id, lead_minutes: lead.num_minutes() };
        work.db().await?.plan_job(&job.key(), due).await?;
        planned.push(lead);
    }
    work.planned_jobs();
    Ok(planned)
}

/// Drops a meeting's reminders: the jobs not yet run, and what they
/// queued but the outbox has not sent.
pub async fn unplan(work: &Work, meeting: MeetingId, now: DateTime<Utc>) -> Result<(), Error> {
    work.db().await?.drop_jobs(&Job::reminders_of(meeting)).await?;
    work.db().await?.cancel_outbox_prefix(&outbox_prefix(meeting), now).await?;
    Ok(())
}

/// The line of a booking confirmation that says when the reminders come.
pub fn planned_line(lang: Lang, planned: &[Duration]) -> String {
    if planned.is_empty() {
        return t!(lang, "remind-planned-none");
    }
    let mut leads: Vec<String> = planned.iter().map(|&l| left_text(lang, Left::of_lead(l))).collect();
    let last = leads.pop().unwrap_or_default();
    let leads = match leads.is_empty() {
        true => last,
        false => format!("{} {} {last}", leads.join(", "), t!(lang, "remind-and")),
    };
    t!(lang, "remind-planned", leads = leads)
}
