//! What every change of a meeting sends: a notice to each participant in
//! their own language, with an `.ics` file (a cancellation is the same UID
//! with `METHOD:CANCEL`); the reminders planned anew or dropped; and the
//! mentor's held/no-show question at the meeting's end (a keyed outbox
//! item a cancellation cancels).

use super::{People, audience, details, people, plan, planned_line, unplan};
use crate::db::{NewItem, Priority, Request};
use crate::domain::calendar::{span_text, when_text};
use crate::domain::meetings::{Meeting, Standing};
use crate::domain::{Lang, MeetingId, UserId};
use crate::error::HandlerResult;
use crate::keyboards::{AgendaCb, Callback, button};
use crate::kit::env::Env;
use crate::{ics, t};
use chrono::{DateTime, Utc};
use teloxide::payloads::{SendDocument, SendMessage};
use teloxide::types::InlineKeyboardMarkup;

/// What happened to a meeting.
pub enum Change<'a> {
    Booked,
    Moved {
        was: DateTime<Utc>,
    },
    Cancelled {
        reason: Option<&'a str>,
    },
    /// Cancelled because its student moved to another mentor, or its
    /// mentor left the programme (`/mentors`).
    HandedOver,
}

impl Change<'_> {
    fn cancels(&self) -> bool {
        matches!(self, Change::Cancelled { .. } | Change::HandedOver)
    }
}

/// The `.ics` of a meeting for one person, as an outbox item.
pub fn ics_item(
    chat: UserId,
    lang: Lang,
    m: &Meeting,
    p: &People,
    cancelled: bool,
    now: DateTime<Utc>,
    priority: Priority,
    bot: &str,
) -> NewItem {
    let summary = if chat == m.mentor {
        t!(lang, "sched-ics-summary-mentor", name = p.student.display_name(lang))
    } else {
        t!(lang, "sched-ics-summary", name = p.mentor.display_name(lang))
    };
    let bytes = ics::render(
        &ics::Event {
            uid: &m.uid,
            sequence: m.sequence,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            summary: &summary,
            location: m.place.as_deref(),
            cancelled,
            organizer: Some((&p.mentor.display_name(lang), &format!("https://t.me/{bot}"))),
        },
        now,
    );
    let document = Request::upload(&t!(lang, "sched-ics-file"), bytes, |file| SendDocument::new(chat, file));
    NewItem::new(chat.0, priority, document)
}

fn message_item(
    chat: UserId,
    text: String,
    priority: Priority,
    keyboard: Option<InlineKeyboardMarkup>,
) -> NewItem {
    let mut line = SendMessage::new(chat, text);
    line.reply_markup = keyboard.map(Into::into);
    NewItem::of(chat.0, priority, &line)
}

/// Tells everyone concerned, each in their own language: the sender gets
/// the answer, the others a notice; each an `.ics` too.
pub async fn announce(env: &Env, m: &Meeting, change: Change<'_>) -> HandlerResult {
    let Some(p) = people(&env.work, m).await? else { return Ok(()) };
    let now = env.clock.now();
    let me = env.ctx.user.id;
    let mut audience = audience(m, &p);
    if m.parent.is_some() {
        // The student is told of a meeting about them, without its topic.
        audience.push((p.student.clone(), Standing::Subject));
    }
    // The reminders follow the meeting: planned anew, or dropped.
    let planned = if change.cancels() {
        unplan(&env.work, m.id, now).await?;
        None
    } else {
        Some(plan(&env.work, &env.config, m, now).await?)
    };
    for (user, standing) in audience {
        let lang = if user.id == me { env.lang } else { user.lang() };
        let own = user.id == me;
        let head = match (&change, own, standing) {
            (Change::Booked, true, _) => t!(lang, "sched-booked-self"),
            (Change::Booked, false, Standing::Mentor) => t!(lang, "sched-booked-mentor"),
            (Change::Booked, false, _) if m.parent.is_some() => t!(lang, "sched-booked-parent-meeting"),
            (Change::Booked, false, _) => t!(lang, "sched-booked-parent"),
            (Change::Moved { .. }, true, _) => t!(lang, "sched-moved-self"),
            (Change::Moved { .. }, false, _) => {
                t!(lang, "sched-moved", name = env.ctx.user.display_name(lang))
            }
            (Change::Cancelled { .. }, true, _) => t!(lang, "sched-cancelled-self"),
            (Change::Cancelled { .. }, false, _) => {
                t!(lang, "sched-cancelled", name = env.ctx.user.display_name(lang))
            }
            (Change::HandedOver, _, _) => t!(lang, "sched-cancelled-handover"),
        };
        let mut text = format!("{head}\n{}", details(lang, env.config.tz, m, &p, standing));
        match &change {
            Change::Moved { was } => {
                text.push('\n');
                text.push_str(&t!(lang, "sched-line-was", when = when_text(lang, env.config.tz, *was)));
            }
            Change::Cancelled { reason: Some(reason) } => {
                text.push('\n');
                text.push_str(&t!(lang, "sched-line-reason", reason = *reason));
            }
            _ => {}
        }
        if own && let Some(planned) = &planned {
            text.push('\n');
            text.push_str(&planned_line(lang, planned));
        }
        let priority = if own { Priority::Answer } else { Priority::Notice };
        if own {
            env.work.say(env.chat(), text);
        } else {
            env.work.push(message_item(user.id, text, priority, None));
        }
        if standing == Standing::Subject {
            // Not theirs to attend: no calendar file.
            continue;
        }
        let cancelled = change.cancels();
        env.work.push(ics_item(user.id, lang, m, &p, cancelled, now, priority, env.me.username()));
    }
    if change.cancels() {
        env.work.db().await?.cancel_outbox(&end_key(m.id), now).await?;
    } else {
        end_question(env, m, &p);
    }
    Ok(())
}

/// The outbox key of a meeting's held/no-show question.
pub fn end_key(id: MeetingId) -> String {
    format!("meeting-end:{id}")
}

/// Queues the mentor's "held or no-show?" for the meeting's end (replacing
/// an earlier one of the same meeting).
fn end_question(env: &Env, m: &Meeting, p: &People) {
    let lang = p.mentor.lang();
    let text = t!(
        lang,
        "sched-end-question",
        when = span_text(lang, env.config.tz, m.starts_at, m.ends_at),
        name = p.parent.as_ref().unwrap_or(&p.student).display_name(lang)
    );
    let keyboard = InlineKeyboardMarkup::new([
        vec![
            button(t!(lang, "sched-btn-held"), Callback::Agenda(AgendaCb::Held(m.id))),
            button(t!(lang, "sched-btn-no-show"), Callback::Agenda(AgendaCb::NoShow(m.id))),
        ],
        vec![button(t!(lang, "sched-btn-note"), Callback::Agenda(AgendaCb::Note(m.id)))],
    ]);
    let mut item = message_item(m.mentor, text, Priority::Notice, Some(keyboard));
    item.key = Some(end_key(m.id));
    item.due_at = Some(m.ends_at);
    env.work.push(item);
}

/// Cancels a meeting (the slot becomes free again) and tells everyone.
pub async fn cancel(env: &Env, m: Meeting, reason: Option<&str>) -> HandlerResult {
    let now = env.clock.now();
    let done = env.work.db().await?.cancel_meeting(m.id, env.ctx.user.id, reason, now).await?;
    if !done {
        env.tell("sched-gone");
        return Ok(());
    }
    let Some(m) = env.work.db().await?.meeting(m.id).await? else { return Ok(()) };
    announce(env, &m, Change::Cancelled { reason }).await
}

/// Cancels a meeting whose student moved to another mentor (or whose
/// mentor left the programme), recording who did it, and tells everyone
/// why; `false` if it was not booked any more.
pub async fn cancel_handed_over(env: &Env, m: &Meeting) -> Result<bool, crate::error::Error> {
    let now = env.clock.now();
    if !env.work.db().await?.cancel_meeting(m.id, env.ctx.user.id, None, now).await? {
        return Ok(false);
    }
    let Some(m) = env.work.db().await?.meeting(m.id).await? else { return Ok(false) };
    announce(env, &m, Change::HandedOver).await?;
    Ok(true)
}
