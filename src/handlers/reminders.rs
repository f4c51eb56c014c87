//! Reminders and digests: the bodies of the jobs the runner is handed
//! (`jobs()`, given to `jobs::Runner` by `app`), and the parents' «Got
//! it». A meeting's reminders are planned and dropped with its changes
//! (`kit::meeting::plan`). Each job runs once, in a transaction of its own
//! (`crate::jobs`): it reads the meeting as it is then — a meeting that
//! has begun or is gone gets nothing, a late one says how soon it really
//! is — and queues one message per recipient, skipping and recording
//! those who cannot be reached. The day's job sends each mentor the
//! morning agenda and the questions waiting for over a day (held until
//! the mentor's quiet hours end), keeps weekly slots generated, and plans
//! the next day.

use crate::config::Config;
use crate::db::{Delivery, NewItem, Priority};
use crate::domain::calendar::{date_text, day_start, local_date, to_utc};
use crate::domain::meetings::{Meeting, Standing, Status};
use crate::domain::relay::QuestionKind;
use crate::domain::reminders::{Job, JobOutcome, Left, Skip, outbox_key};
use crate::domain::{Lang, MeetingId, Role, UserId};
use crate::error::{Error, HandlerResult};
use crate::jobs::Bodies;
use crate::keyboards::{Callback, MeetingCb, RemindersCb, button};
use crate::kit::env::Env;
use crate::kit::meeting::{agenda_lines, audience, details, gone, left_text, people, standing_of};
use crate::work::Work;
use crate::{input, t};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::payloads::{SendMessage, SendMessageSetters};
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

/// What the job runner runs: a meeting's reminder, the day's job.
pub fn jobs() -> Bodies {
    Bodies {
        first: Some(first_daily),
        runs: |job| matches!(job, Job::Remind { .. } | Job::Daily { .. }),
        run: |work, config, now, job| Box::pin(run(work, config, now, job)),
    }
}

async fn run(work: Work, config: Config, now: DateTime<Utc>, job: Job) -> Result<JobOutcome, Error> {
    match job {
        Job::Remind { meeting, lead_minutes } => remind(&work, &config, now, meeting, lead_minutes).await,
        Job::Daily { day } => daily(&work, &config, now, day).await,
        Job::Radar { .. } | Job::Retention { .. } | Job::Broadcast { .. } => {
            Ok(JobOutcome::Skipped(Skip::UnknownJob))
        }
    }
}

/// «Got it» on a reminder (`Callback::Meeting`, valid in any step).
/// The feature's sub-tree: «Got it» under a reminder (its job bodies are `jobs()`).
pub fn schema() -> UpdateHandler<Error> {
    dptree::entry().branch(input::press().branch(buttons()))
}

fn buttons() -> UpdateHandler<Error> {
    case![Callback::Reminders(cb)].branch(case![RemindersCb::GotIt(id)].endpoint(got_it))
}

/// How long a question waits before the daily nudge names it.
pub const UNANSWERED_AFTER: Duration = Duration::hours(24);
/// Questions the nudge lists by name (the rest are counted).
const NUDGE_LISTED: usize = 10;

/// The reminder job: one message to each recipient who can be reached.
/// Says what became of it (kept with the job).
async fn remind(
    work: &Work,
    config: &Config,
    now: DateTime<Utc>,
    id: MeetingId,
    lead_minutes: i64,
) -> Result<JobOutcome, Error> {
    let skip = |why| Ok(JobOutcome::Skipped(why));
    let Some(m) = work.db().await?.meeting(id).await? else { return skip(Skip::NoSuchMeeting) };
    if m.status != Status::Booked {
        return skip(Skip::Meeting(m.status));
    }
    if m.starts_at <= now {
        // Down until after the start: a reminder now would only confuse.
        return skip(Skip::MeetingBegun);
    }
    let Some(p) = people(work, &m).await? else { return skip(Skip::PeopleGone) };
    let left = Left::of(m.starts_at - now);
    let mut sent = 0;
    for (user, standing) in audience(&m, &p) {
        if work.db().await?.is_unreachable(user.id).await? {
            work.db().await?.record_reminder(m.id, lead_minutes, user.id, Delivery::Unreachable, now).await?;
            continue;
        }
        let lang = user.lang();
        let text = format!(
            "{}\n{}",
            t!(lang, "remind-head", soon = left_text(lang, left)),
            details(lang, config.tz, &m, &p, standing)
        );
        let mut rows = vec![vec![
            button(t!(lang, "sched-btn-cancel"), Callback::Meeting(MeetingCb::Cancel(m.id))),
            button(t!(lang, "sched-btn-reschedule"), Callback::Meeting(MeetingCb::Reschedule(m.id))),
        ]];
        if matches!(standing, Standing::Parent | Standing::Booker) {
            rows.push(vec![button(
                t!(lang, "remind-btn-got-it"),
                Callback::Reminders(RemindersCb::GotIt(m.id)),
            )]);
        }
        let reminder = SendMessage::new(user.id, text).reply_markup(InlineKeyboardMarkup::new(rows));
        work.push(NewItem::of(user.id.0, Priority::Reminder, &reminder).keyed(outbox_key(
            m.id,
            lead_minutes,
            user.id.0,
        )));
        work.db().await?.record_reminder(m.id, lead_minutes, user.id, Delivery::Queued, now).await?;
        sent += 1;
    }
    Ok(JobOutcome::Ran(format!("{sent} queued")))
}

/// When the day's job for `day` is due: the agenda hour, local time.
fn daily_due(config: &Config, day: NaiveDate) -> DateTime<Utc> {
    to_utc(config.tz, day, config.agenda_at).unwrap_or_else(|| day_start(config.tz, day))
}

/// The day's job to plan at start: today's if its hour is still to come,
/// else tomorrow's.
fn first_daily(config: &Config, now: DateTime<Utc>) -> (Job, DateTime<Utc>) {
    let today = local_date(config.tz, now);
    let day = if daily_due(config, today) >= now { today } else { today + Duration::days(1) };
    (Job::Daily { day }, daily_due(config, day))
}

/// The day's job: each mentor's morning agenda and unanswered questions,
/// the weekly slots kept ahead; then the next day's job.
async fn daily(
    work: &Work,
    config: &Config,
    now: DateTime<Utc>,
    day: NaiveDate,
) -> Result<JobOutcome, Error> {
    let tz = config.tz;
    // After a long downtime the chain goes on from today, not day by day.
    let next = (day + Duration::days(1)).max(local_date(tz, now));
    work.db().await?.plan_job(&Job::Daily { day: next }.key(), daily_due(config, next)).await?;
    work.planned_jobs();
    let mentors = work.db().await?.mentor_ids().await?;
    for &mentor in &mentors {
        work.db().await?.top_up_rules(mentor, tz, now).await?;
    }
    if local_date(tz, now) != day {
        // The bot was down all that day: its agenda is history.
        return Ok(JobOutcome::Skipped(Skip::DayOver));
    }
    let (mut agendas, mut nudges) = (0, 0);
    for mentor in mentors {
        let Some(user) = work.db().await?.user(mentor).await? else { continue };
        if work.db().await?.is_unreachable(mentor).await? {
            continue;
        }
        let lang = user.lang();
        let quiet = work.db().await?.quiet_hours(mentor).await?;
        // Never in the mentor's quiet hours: held until they end (if that
        // is still today).
        let due = match quiet.ends_after(now, tz) {
            Some(end) if local_date(tz, end) == day => Some(end),
            Some(_) => continue,
            None => None,
        };
        let meetings: Vec<Meeting> = work
            .db()
            .await?
            .agenda(mentor, now, day_start(tz, next))
            .await?
            .into_iter()
            .filter(|m| m.status == Status::Booked)
            .collect();
        if !meetings.is_empty() {
            let head =
                t!(lang, "digest-agenda-head", date = date_text(lang, day), count = meetings.len() as i64);
            let body = agenda_lines(work, tz, lang, &meetings).await?;
            for item in digest_items(mentor, format!("{head}{body}"), due) {
                work.push(item);
            }
            agendas += 1;
        }
        if let Some(text) = unanswered(work, lang, mentor, now).await? {
            for item in digest_items(mentor, text, due) {
                work.push(item);
            }
            nudges += 1;
        }
    }
    Ok(JobOutcome::Ran(format!("{agendas} agendas, {nudges} nudges")))
}

/// A digest in as many messages as it takes: never cut.
fn digest_items(mentor: UserId, text: String, due: Option<DateTime<Utc>>) -> Vec<NewItem> {
    crate::work::split_for_telegram(&text, crate::work::MAX_MESSAGE_LEN)
        .into_iter()
        .map(|text| NewItem::of(mentor.0, Priority::Reminder, &SendMessage::new(mentor, text)).due(due))
        .collect()
}

/// The questions the mentor has left for over a day, oldest first.
async fn unanswered(
    work: &Work,
    lang: Lang,
    mentor: UserId,
    now: DateTime<Utc>,
) -> Result<Option<String>, Error> {
    let open = work.db().await?.open_questions(mentor, 100).await?;
    let old: Vec<_> = open.into_iter().filter(|q| now - q.created_at > UNANSWERED_AFTER).collect();
    if old.is_empty() {
        return Ok(None);
    }
    let mut lines = vec![t!(lang, "digest-unanswered-head", count = old.len() as i64)];
    for (i, q) in old.iter().take(NUDGE_LISTED).enumerate() {
        let who = match q.kind {
            QuestionKind::Anonymous => t!(lang, "relay-questions-anonymous"),
            _ => crate::kit::env::name_of(work, q.sender, lang).await?,
        };
        let waited = crate::kit::words::waited(lang, q.created_at, now);
        lines.push(format!("{}. {who} — {waited}", i + 1));
    }
    if old.len() > NUDGE_LISTED {
        lines.push(t!(lang, "digest-unanswered-more", count = (old.len() - NUDGE_LISTED) as i64));
    }
    lines.push(t!(lang, "digest-unanswered-hint"));
    Ok(Some(lines.join("\n")))
}

/// A parent's «Got it» on a reminder: recorded once, for the mentor's
/// `/today`; the button goes, the others stay.
async fn got_it(env: Env, q: CallbackQuery, id: MeetingId) -> HandlerResult {
    let Some(m) = env.work.db().await?.meeting(id).await? else { return gone(&env, &q) };
    let standing = standing_of(&env, &m).await?;
    if env.ctx.user.role != Some(Role::Parent)
        || !matches!(standing, Standing::Parent | Standing::Booker)
        || !m.is_upcoming(env.clock.now())
    {
        return gone(&env, &q);
    }
    let first = env.work.db().await?.acknowledge_reminder(id, env.ctx.user.id, env.clock.now()).await?;
    if !first {
        env.work.answer(&q, Some(t!(env.lang, "remind-got-it-again")));
        return Ok(());
    }
    env.work.answer(&q, Some(t!(env.lang, "remind-got-it")));
    env.work.drop_button(&q, &Callback::Reminders(RemindersCb::GotIt(id)).encode());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_digest_goes_in_several_messages_never_cut() {
        let text = "10:00–10:30 — Оқушы\n".repeat(400);
        let items = digest_items(UserId(10), text.clone(), None);
        assert!(items.len() > 1);
        let parts: Vec<String> =
            items.iter().map(|i| i.request.body["text"].as_str().expect("text").to_owned()).collect();
        assert!(parts.iter().all(|p| p.encode_utf16().count() <= crate::work::MAX_MESSAGE_LEN));
        assert_eq!(parts.concat(), text);
    }
}
