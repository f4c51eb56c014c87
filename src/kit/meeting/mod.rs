//! A meeting's people and what is said about it, shared by the scheduling
//! features (`slots`, `booking`, `meetings`, `agenda`, `reminders`) and
//! using none of them: who the people of a meeting are and how each stands
//! to it, the lines that describe it, the notices and `.ics` files of a
//! change (`notices`), its reminders' planning (`plan`), and the agenda's
//! lines (`lines`).

pub mod lines;
pub mod notices;
pub mod plan;

pub use lines::agenda_lines;
pub use notices::{Change, announce, cancel, cancel_handed_over, end_key};
pub use plan::{left_text, plan, planned_line, unplan};

use crate::domain::calendar::span_text;
use crate::domain::meetings::{Meeting, Refusal, Standing};
use crate::domain::reminders::Left;
use crate::domain::slots::DAYS_AHEAD;
use crate::domain::{Lang, Role, User};
use crate::error::{Error, HandlerResult};
use crate::kit::env::Env;
use crate::t;
use crate::work::Work;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use teloxide::types::CallbackQuery;

/// Slots shown on one page of a list.
pub const PAGE: usize = 8;

/// A press on something that is gone, not the sender's, or forged.
pub fn gone(env: &Env, q: &CallbackQuery) -> HandlerResult {
    env.work.answer(q, Some(t!(env.lang, "sched-gone")));
    Ok(())
}

/// A valid press: the spinner stops and the buttons go.
pub fn accept(env: &Env, q: &CallbackQuery) {
    env.work.answer(q, None);
    env.work.clear_keyboard(q);
}

/// The people of a meeting, as stored.
pub struct People {
    pub mentor: User,
    pub student: User,
    pub parent: Option<User>,
    /// The student's parents (the booking parent among them).
    pub parents: Vec<User>,
}

pub async fn people(work: &Work, m: &Meeting) -> Result<Option<People>, Error> {
    let mentor = work.db().await?.user(m.mentor).await?;
    let student = work.db().await?.user(m.student).await?;
    let (Some(mentor), Some(student)) = (mentor, student) else { return Ok(None) };
    let parent = match m.parent {
        Some(p) => work.db().await?.user(p).await?,
        None => None,
    };
    let parents = work.db().await?.parents(m.student).await?;
    Ok(Some(People { mentor, student, parent, parents }))
}

/// Who is reminded of a meeting, and how each stands to it: the mentor;
/// the student of a student meeting; the student's parents (the booking
/// parent of a parent meeting among them).
pub fn audience(m: &Meeting, p: &People) -> Vec<(User, Standing)> {
    let mut all = vec![(p.mentor.clone(), Standing::Mentor)];
    if m.parent.is_none() {
        all.push((p.student.clone(), Standing::Student));
    }
    for parent in &p.parents {
        let standing = if m.parent == Some(parent.id) { Standing::Booker } else { Standing::Parent };
        all.push((parent.clone(), standing));
    }
    if let Some(parent) = &p.parent
        && !all.iter().any(|(u, _)| u.id == parent.id)
    {
        all.push((parent.clone(), Standing::Booker));
    }
    all
}

/// How the sender stands to a meeting.
pub async fn standing_of(env: &Env, m: &Meeting) -> Result<Standing, Error> {
    let me = env.ctx.user.id;
    let parent_of = if env.ctx.user.role == Some(Role::Parent) {
        env.work.db().await?.parents_of(m.student).await?.contains(&me)
    } else {
        false
    };
    Ok(m.standing(me, env.ctx.user.role, parent_of))
}

/// The lines that describe a meeting to someone who stands so.
pub fn details(lang: Lang, tz: Tz, m: &Meeting, p: &People, standing: Standing) -> String {
    let mut lines = vec![t!(lang, "sched-line-when", when = span_text(lang, tz, m.starts_at, m.ends_at))];
    if standing != Standing::Mentor {
        lines.push(t!(lang, "sched-line-mentor", name = p.mentor.display_name(lang)));
    }
    if !matches!(standing, Standing::Student | Standing::Subject) {
        lines.push(t!(lang, "sched-line-student", name = p.student.display_name(lang)));
    }
    if let Some(parent) = &p.parent
        && standing != Standing::Booker
    {
        lines.push(t!(lang, "sched-line-parent", name = parent.display_name(lang)));
    }
    lines.push(match &m.place {
        Some(place) => t!(lang, "sched-line-place", place = place.as_str()),
        None => t!(lang, "sched-line-place-none"),
    });
    if standing.sees_topic()
        && let Some(topic) = &m.topic
    {
        lines.push(t!(lang, "sched-line-topic", topic = topic.as_str()));
    }
    lines.join("\n")
}

/// A refusal as the user reads it.
pub fn refusal_text(env: &Env, refusal: Refusal) -> String {
    let lang = env.lang;
    match refusal {
        Refusal::Gone | Refusal::Taken => t!(lang, "sched-taken"),
        Refusal::InPast => t!(lang, "sched-refused-past"),
        Refusal::TooSoon => {
            let lead = left_text(lang, Left::of_lead(env.config.booking_lead));
            t!(lang, "sched-refused-soon", lead = lead)
        }
        Refusal::TooMany => t!(lang, "sched-refused-many", count = i64::from(env.config.max_upcoming)),
    }
}

/// The booking window: from now to the end of the [`DAYS_AHEAD`]th day.
pub fn window(env: &Env) -> (DateTime<Utc>, DateTime<Utc>) {
    let now = env.clock.now();
    let last =
        crate::domain::calendar::local_date(env.config.tz, now) + Duration::days(i64::from(DAYS_AHEAD));
    (now, crate::domain::calendar::day_start(env.config.tz, last))
}

/// The mentor's slots that may be booked now: free, in the two weeks'
/// window, at least the lead time ahead (weekly rules topped up first).
pub async fn bookable(
    env: &Env,
    mentor: crate::domain::UserId,
) -> Result<Vec<crate::domain::slots::Slot>, Error> {
    let (now, to) = window(env);
    env.work.db().await?.top_up_rules(mentor, env.config.tz, now).await?;
    let from = now + env.config.booking_lead;
    Ok(env.work.db().await?.free_slots(mentor, from, to).await?)
}
