//! The unanswered radar: a question still unanswered after
//! `TALIMGER_UNANSWERED_ALERT` of the mentor's working time (quiet hours do
//! not count: `domain::radar`) is reported once to the coordinators of the
//! mentor's district (the regional ones when it has none) — the mentor's
//! name, how long, and a button to the mentor's card; never the contents,
//! never who asked.
//!
//! A job of its own (`Job::Radar`, `radar:<instant>`) looks at every whole
//! hour and at the instant the next question becomes due, and plans its
//! next look; every instance's chain meets at the whole hours, so they
//! share one job. A question is reported once: `questions.radar_at` is set
//! in the job's transaction by a conditional `UPDATE`, with its messages.
//!
//! The alert's button opens the mentor's card in `/mentors`
//! (`MentorsCb::Card`), which that feature authorises and shows.

use crate::config::Config;
use crate::db::{NewItem, Priority, Waiting};
use crate::domain::calendar::when_text;
use crate::domain::quiet::QuietHours;
use crate::domain::radar::{due_after, next_look};
use crate::domain::reminders::{Job, JobOutcome};
use crate::domain::working::working_time;
use crate::domain::{Lang, User, UserId};
use crate::error::Error;
use crate::jobs::Bodies;
use crate::keyboards::{Callback, MentorsCb, button};
use crate::t;
use crate::work::Work;
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeMap, HashMap};
use teloxide::payloads::{SendMessage, SendMessageSetters};
use teloxide::types::InlineKeyboardMarkup;

/// The radar's job for the runner: the first look at start, then a chain.
pub fn jobs() -> Bodies {
    Bodies {
        first: Some(|_, now| (Job::Radar { at: now.timestamp_millis() }, now)),
        runs: |job| matches!(job, Job::Radar { .. }),
        run: |work, config, now, _| Box::pin(async move { look(&work, &config, now).await }),
    }
}

/// One look: reports what became due, plans the next look.
async fn look(work: &Work, config: &Config, now: DateTime<Utc>) -> Result<JobOutcome, Error> {
    let (tz, alert) = (config.tz, config.unanswered_alert);
    let mut quiet: HashMap<UserId, QuietHours> = HashMap::new();
    // Only a question asked before the next whole hour less the alert can
    // become due before that hour (working time is never more than clock time).
    let waiting = work.db().await?.radar_waiting(next_look(now, []) - alert).await?;
    let (mut later, mut due): (Vec<DateTime<Utc>>, BTreeMap<UserId, Vec<Waiting>>) = Default::default();
    for w in waiting {
        let hours = match quiet.get(&w.mentor) {
            Some(q) => *q,
            None => {
                let q = work.db().await?.quiet_hours(w.mentor).await?;
                quiet.insert(w.mentor, q);
                q
            }
        };
        let at = due_after(w.asked_at, alert, hours, tz);
        if at > now {
            later.push(at);
        } else {
            due.entry(w.mentor).or_default().push(w);
        }
    }
    let (mut reported, mut told) = (0, 0);
    for (mentor, questions) in due {
        let Some(m) = work.db().await?.user(mentor).await? else { continue };
        let coordinators = work.db().await?.escalation_coordinators(m.district_id).await?;
        if coordinators.is_empty() {
            // Not marked: reported once there is someone to tell.
            continue;
        }
        let mut fresh = Vec::new();
        for w in questions {
            if work.db().await?.mark_reported(w.question, now).await? {
                fresh.push(w);
            }
        }
        // Oldest first, as read.
        let Some(oldest) = fresh.first() else { continue };
        let waited = working_time(oldest.asked_at, now, quiet[&mentor], tz);
        let school = school_of(work, &m).await?;
        for c in &coordinators {
            let cl = c.lang();
            let text = t!(
                cl,
                "radar-alert",
                limit = span(cl, alert),
                mentor = m.display_name(cl),
                school = school.as_str(),
                count = fresh.len() as i64,
                waited = span(cl, waited),
                asked = when_text(cl, tz, oldest.asked_at)
            );
            let keyboard = InlineKeyboardMarkup::new([[button(
                t!(cl, "radar-btn-card"),
                Callback::Mentors(MentorsCb::Card(m.id)),
            )]]);
            let message = SendMessage::new(c.id, text).reply_markup(keyboard);
            work.push(NewItem::of(c.id.0, Priority::Notice, &message));
            told += 1;
        }
        reported += fresh.len();
    }
    let next = next_look(now, later);
    work.db().await?.plan_job(&Job::Radar { at: next.timestamp_millis() }.key(), next).await?;
    work.planned_jobs();
    tracing::info!(reported, told, "the radar looked");
    Ok(JobOutcome::Ran(format!("{reported} questions reported, {told} messages")))
}

/// A stretch of working time: whole hours, or minutes under an hour.
fn span(lang: Lang, d: Duration) -> String {
    if d < Duration::hours(1) {
        t!(lang, "radar-minutes", minutes = d.num_minutes())
    } else {
        t!(lang, "radar-hours", hours = d.num_hours())
    }
}

async fn school_of(work: &Work, mentor: &User) -> Result<String, Error> {
    Ok(match mentor.school_id {
        Some(s) => work.db().await?.school(s).await?.map(|(name, _)| name).unwrap_or_default(),
        None => String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_in_hours_or_minutes() {
        assert_eq!(span(Lang::Ru, Duration::hours(48)), "48 часов");
        assert_eq!(span(Lang::Ru, Duration::hours(1)), "1 час");
        assert_eq!(span(Lang::Kk, Duration::minutes(170)), "2 сағат");
        assert_eq!(span(Lang::Ru, Duration::minutes(5)), "5 минут");
    }
}
