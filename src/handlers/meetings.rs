//! `/meetings`: upcoming meetings with Cancel and Reschedule for those
//! allowed; and what every change of a meeting sends: a notice to each
//! participant in their own language, with an `.ics` file (a cancellation
//! is the same UID with `METHOD:CANCEL`), and the mentor's held/no-show
//! question at the meeting's end (a keyed outbox item a cancellation
//! cancels).
//!
//! Meeting buttons (`Callback::Meeting`) are valid in any step: each press
//! is authorised against the database (the meeting is the sender's, still
//! booked, the slot still free), else it gets "no longer available".

use super::Env;
use crate::db::{NewItem, Priority, Upload};
use crate::dialogue::{BookingStep, State};
use crate::domain::calendar::{span_text, when_text};
use crate::domain::meetings::{Meeting, Refusal, Standing, check_time};
use crate::domain::slots::DAYS_AHEAD;
use crate::domain::{Lang, MeetingId, Role, SlotId, User, UserId};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, MeetingCb, button};
use crate::work::Work;
use crate::{ics, t};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use dptree::case;
use serde_json::json;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

/// Slots shown on one page of a list.
pub const PAGE: usize = 8;
/// Meetings shown by `/meetings`.
const SHOWN: usize = 10;

pub fn buttons() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(case![MeetingCb::Cancel(id)].endpoint(cancel_pressed))
        .branch(case![MeetingCb::ConfirmCancel(id)].endpoint(cancel_confirmed))
        .branch(case![MeetingCb::Keep(id)].endpoint(keep_pressed))
        .branch(case![MeetingCb::Reschedule(id)].endpoint(reschedule_pressed))
        .branch(case![MeetingCb::ReschedulePage(id, page)].endpoint(reschedule_page))
        .branch(case![MeetingCb::MoveTo(id, slot)].endpoint(move_pressed))
        .branch(case![MeetingCb::Held(id)].endpoint(super::agenda::held_pressed))
        .branch(case![MeetingCb::NoShow(id)].endpoint(super::agenda::no_show_pressed))
        .branch(case![MeetingCb::Note(id)].endpoint(super::agenda::note_pressed))
        .branch(case![MeetingCb::GotIt(id)].endpoint(super::reminders::got_it))
}

/// The mentor's typed reason for a cancellation.
pub fn typed_answers() -> UpdateHandler<Error> {
    dptree::filter(|msg: Message, env: Env, state: State| {
        msg.text().is_some()
            && env.ctx.user.role == Some(Role::Mentor)
            && matches!(state, State::Booking(BookingStep::CancelReason { .. }))
    })
    .endpoint(reason_typed)
}

// ---- helpers shared by the scheduling handlers -------------------------

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

pub fn lang_of(user: &User) -> Lang {
    user.language.unwrap_or(Lang::Ru)
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
    let ids = work.db().await?.parents_of(m.student).await?;
    let mut parents = Vec::new();
    for id in ids {
        let user = work.db().await?.user(id).await?;
        if let Some(u) = user {
            parents.push(u);
        }
    }
    Ok(Some(People { mentor, student, parent, parents }))
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
    NewItem {
        chat_id: chat.0,
        priority,
        method: "sendDocument".into(),
        payload: json!({ "chat_id": chat.0 }),
        file: Some(Upload { field: "document".into(), name: t!(lang, "sched-ics-file"), bytes }),
        edit_of: None,
        key: None,
        due_at: None,
    }
}

fn message_item(
    chat: UserId,
    text: String,
    priority: Priority,
    keyboard: Option<InlineKeyboardMarkup>,
) -> NewItem {
    let mut payload = json!({ "chat_id": chat.0, "text": text });
    if let Some(k) = keyboard {
        payload["reply_markup"] = json!(k);
    }
    NewItem {
        chat_id: chat.0,
        priority,
        method: "sendMessage".into(),
        payload,
        file: None,
        edit_of: None,
        key: None,
        due_at: None,
    }
}

/// What happened to a meeting.
pub enum Change<'a> {
    Booked,
    Moved { was: DateTime<Utc> },
    Cancelled { reason: Option<&'a str> },
}

/// Tells everyone concerned, each in their own language: the sender gets
/// the answer, the others a notice; each an `.ics` too.
pub async fn announce(env: &Env, m: &Meeting, change: Change<'_>) -> HandlerResult {
    let Some(p) = people(&env.work, m).await? else { return Ok(()) };
    let now = env.clock.now();
    let me = env.ctx.user.id;
    let mut audience = super::reminders::audience(m, &p);
    if m.parent.is_some() {
        // The student is told of a meeting about them, without its topic.
        audience.push((p.student.clone(), Standing::Subject));
    }
    // The reminders follow the meeting: planned anew, or dropped.
    let planned = match change {
        Change::Cancelled { .. } => {
            super::reminders::unplan(&env.work, m.id, now).await?;
            None
        }
        Change::Booked | Change::Moved { .. } => {
            Some(super::reminders::plan(&env.work, &env.config, m, now).await?)
        }
    };
    for (user, standing) in audience {
        let lang = if user.id == me { env.lang } else { lang_of(&user) };
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
            text.push_str(&super::reminders::planned_line(lang, planned));
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
        let cancelled = matches!(change, Change::Cancelled { .. });
        env.work.push(ics_item(user.id, lang, m, &p, cancelled, now, priority, env.me.username()));
    }
    match change {
        Change::Cancelled { .. } => {
            env.work.db().await?.cancel_outbox(&end_key(m.id), now).await?;
        }
        Change::Booked | Change::Moved { .. } => end_question(env, m, &p),
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
    let lang = lang_of(&p.mentor);
    let text = t!(
        lang,
        "sched-end-question",
        when = span_text(lang, env.config.tz, m.starts_at, m.ends_at),
        name = p.parent.as_ref().unwrap_or(&p.student).display_name(lang)
    );
    let keyboard = InlineKeyboardMarkup::new([
        vec![
            button(t!(lang, "sched-btn-held"), Callback::Meeting(MeetingCb::Held(m.id))),
            button(t!(lang, "sched-btn-no-show"), Callback::Meeting(MeetingCb::NoShow(m.id))),
        ],
        vec![button(t!(lang, "sched-btn-note"), Callback::Meeting(MeetingCb::Note(m.id)))],
    ]);
    let mut item = message_item(m.mentor, text, Priority::Notice, Some(keyboard));
    item.key = Some(end_key(m.id));
    item.due_at = Some(m.ends_at);
    env.work.push(item);
}

/// Meetings a person may see: a student's own, a parent's children's and
/// their own parent meetings, a mentor's.
async fn visible_upcoming(env: &Env) -> Result<Vec<Meeting>, Error> {
    let now = env.clock.now();
    let me = env.ctx.user.id;
    Ok(match env.ctx.user.role {
        Some(Role::Mentor) => env.work.db().await?.upcoming_of_mentor(me, now).await?,
        Some(Role::Student) => {
            let all = env.work.db().await?.upcoming_of_student(me, now).await?;
            all.into_iter().filter(|m| m.parent.is_none()).collect()
        }
        Some(Role::Parent) => {
            let children = env.work.db().await?.children_of(me).await?;
            let mut all = Vec::new();
            for child in children {
                all.extend(env.work.db().await?.upcoming_of_student(child.id, now).await?);
            }
            all.sort_by_key(|m| (m.starts_at, m.id));
            all
        }
        _ => Vec::new(),
    })
}

/// `/meetings`.
pub async fn command(env: Env) -> HandlerResult {
    if !matches!(env.ctx.user.role, Some(Role::Mentor | Role::Student | Role::Parent)) {
        env.tell("sched-meetings-not-available");
        return Ok(());
    }
    let meetings = visible_upcoming(&env).await?;
    if meetings.is_empty() {
        let id = if env.ctx.user.role == Some(Role::Mentor) {
            "sched-meetings-none-mentor"
        } else {
            "sched-meetings-none"
        };
        env.tell(id);
        return Ok(());
    }
    env.work.say(env.chat(), t!(env.lang, "sched-meetings-head", count = meetings.len() as i64));
    for m in meetings.iter().take(SHOWN) {
        let Some(p) = people(&env.work, m).await? else { continue };
        let standing = standing_of(&env, m).await?;
        let keyboard = InlineKeyboardMarkup::new([[
            button(t!(env.lang, "sched-btn-cancel"), Callback::Meeting(MeetingCb::Cancel(m.id))),
            button(t!(env.lang, "sched-btn-reschedule"), Callback::Meeting(MeetingCb::Reschedule(m.id))),
        ]]);
        env.work.say_with(env.chat(), details(env.lang, env.config.tz, m, &p, standing), keyboard);
    }
    Ok(())
}

/// The sender's booked meeting, if they may change it.
async fn changeable(env: &Env, id: MeetingId) -> Result<Option<(Meeting, Standing)>, Error> {
    let Some(m) = env.work.db().await?.meeting(id).await? else { return Ok(None) };
    let standing = standing_of(env, &m).await?;
    Ok((m.is_upcoming(env.clock.now()) && standing.may_change()).then_some((m, standing)))
}

async fn cancel_pressed(env: Env, q: CallbackQuery, id: MeetingId) -> HandlerResult {
    let Some((m, standing)) = changeable(&env, id).await? else { return gone(&env, &q) };
    accept(&env, &q);
    let when = span_text(env.lang, env.config.tz, m.starts_at, m.ends_at);
    if standing == Standing::Mentor {
        env.work.set_state(State::Booking(BookingStep::CancelReason { meeting: id }));
        env.work.say(env.chat(), t!(env.lang, "sched-cancel-ask-reason", when = when));
    } else {
        let keyboard = InlineKeyboardMarkup::new([[
            button(t!(env.lang, "sched-btn-cancel-yes"), Callback::Meeting(MeetingCb::ConfirmCancel(id))),
            button(t!(env.lang, "sched-btn-keep"), Callback::Meeting(MeetingCb::Keep(id))),
        ]]);
        env.work.say_with(env.chat(), t!(env.lang, "sched-cancel-ask", when = when), keyboard);
    }
    Ok(())
}

async fn cancel_confirmed(env: Env, q: CallbackQuery, id: MeetingId) -> HandlerResult {
    let Some((m, standing)) = changeable(&env, id).await? else { return gone(&env, &q) };
    if standing == Standing::Mentor {
        // A mentor gives a reason (typed): the button is not theirs.
        return gone(&env, &q);
    }
    accept(&env, &q);
    cancel(&env, m, None).await
}

async fn keep_pressed(env: Env, q: CallbackQuery, _id: MeetingId) -> HandlerResult {
    accept(&env, &q);
    env.tell("sched-kept");
    Ok(())
}

async fn reason_typed(env: Env, msg: Message, state: State) -> HandlerResult {
    let State::Booking(BookingStep::CancelReason { meeting }) = state else { return Ok(()) };
    let Some(reason) = crate::domain::meetings::clean_text(
        msg.text().unwrap_or_default(),
        crate::domain::meetings::NOTE_MAX,
    ) else {
        env.tell("sched-cancel-reason-empty");
        return Ok(());
    };
    env.work.exit();
    match changeable(&env, meeting).await? {
        Some((m, Standing::Mentor)) => cancel(&env, m, Some(&reason)).await,
        _ => {
            env.tell("sched-gone");
            Ok(())
        }
    }
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

async fn reschedule_pressed(env: Env, q: CallbackQuery, id: MeetingId) -> HandlerResult {
    let Some((m, _)) = changeable(&env, id).await? else { return gone(&env, &q) };
    accept(&env, &q);
    show_move_list(&env, &m, 0, None).await
}

async fn reschedule_page(env: Env, q: CallbackQuery, (id, page): (MeetingId, u32)) -> HandlerResult {
    let Some((m, _)) = changeable(&env, id).await? else { return gone(&env, &q) };
    accept(&env, &q);
    show_move_list(&env, &m, page, None).await
}

/// The mentor's free slots a meeting may move to, paged.
async fn show_move_list(env: &Env, m: &Meeting, page: u32, head: Option<String>) -> HandlerResult {
    let slots = super::booking::bookable(env, m.mentor).await?;
    let lang = env.lang;
    if slots.is_empty() {
        let mut text = head.map(|h| format!("{h}\n")).unwrap_or_default();
        text.push_str(&t!(lang, "sched-move-none"));
        env.work.say(env.chat(), text);
        return Ok(());
    }
    let pages = slots.len().div_ceil(PAGE).max(1);
    let page = (page as usize).min(pages - 1);
    let mut rows: Vec<Vec<_>> = slots
        .iter()
        .skip(page * PAGE)
        .take(PAGE)
        .map(|s| {
            let label = when_text(lang, env.config.tz, s.starts_at);
            vec![button(label, Callback::Meeting(MeetingCb::MoveTo(m.id, s.id)))]
        })
        .collect();
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(button(
            t!(lang, "sched-btn-back"),
            Callback::Meeting(MeetingCb::ReschedulePage(m.id, page as u32 - 1)),
        ));
    }
    if page + 1 < pages {
        nav.push(button(
            t!(lang, "sched-btn-next"),
            Callback::Meeting(MeetingCb::ReschedulePage(m.id, page as u32 + 1)),
        ));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    let mut text = head.map(|h| format!("{h}\n")).unwrap_or_default();
    text.push_str(&t!(
        lang,
        "sched-move-pick",
        when = span_text(lang, env.config.tz, m.starts_at, m.ends_at),
        page = (page + 1) as i64,
        pages = pages as i64
    ));
    env.work.say_with(env.chat(), text, InlineKeyboardMarkup::new(rows));
    Ok(())
}

async fn move_pressed(env: Env, q: CallbackQuery, (id, slot): (MeetingId, SlotId)) -> HandlerResult {
    let Some((m, _)) = changeable(&env, id).await? else { return gone(&env, &q) };
    let Some(target) = env.work.db().await?.slot(slot).await? else { return gone(&env, &q) };
    if target.mentor != m.mentor || target.id == m.slot.unwrap_or(SlotId(0)) {
        return gone(&env, &q);
    }
    let now = env.clock.now();
    if let Err(refusal) = check_time(target.starts_at, now, env.config.booking_lead) {
        accept(&env, &q);
        return show_move_list(&env, &m, 0, Some(refusal_text(&env, refusal))).await;
    }
    let moved = env.work.db().await?.move_meeting(id, slot, now).await?;
    match moved {
        Ok(new) => {
            accept(&env, &q);
            announce(&env, &new, Change::Moved { was: m.starts_at }).await
        }
        Err(Refusal::Taken) => {
            // Someone was faster: the meeting stays where it was.
            accept(&env, &q);
            show_move_list(&env, &m, 0, Some(t!(env.lang, "sched-taken-move"))).await
        }
        Err(_) => gone(&env, &q),
    }
}

/// A refusal as the user reads it.
pub fn refusal_text(env: &Env, refusal: Refusal) -> String {
    let lang = env.lang;
    match refusal {
        Refusal::Gone | Refusal::Taken => t!(lang, "sched-taken"),
        Refusal::InPast => t!(lang, "sched-refused-past"),
        Refusal::TooSoon => {
            t!(lang, "sched-refused-soon", minutes = env.config.booking_lead.num_minutes())
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
