//! `/meetings`: upcoming meetings with Cancel and Reschedule for those
//! allowed; the mentor's typed reason for a cancellation. What a change
//! sends (notices, `.ics`, reminders, the held/no-show question) is the
//! meeting kit's (`kit::meeting::notices`).
//!
//! Meeting buttons (`Callback::Meeting`) are valid in any step: each press
//! is authorised against the database (the meeting is the sender's, still
//! booked, the slot still free), else it gets "no longer available". The
//! agenda routes its own (held, no-show, note), the reminders theirs
//! («Got it»).

use crate::commands::Command;
use crate::dialogue::{MeetingsStep, State};
use crate::domain::calendar::{span_text, when_text};
use crate::domain::meetings::{Meeting, Refusal, Standing, check_time};
use crate::domain::{MeetingId, Role, SlotId};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, MeetingCb, button};
use crate::kit::env::Env;
use crate::kit::meeting::{
    Change, PAGE, accept, announce, bookable, cancel, details, gone, people, refusal_text, standing_of,
};
use crate::{input, t};
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

/// Meetings shown by `/meetings`.
const SHOWN: usize = 10;

/// Cancel and reschedule (`Callback::Meeting`).
/// The feature's sub-tree: `/meetings`, the mentor's typed reason, its buttons.
pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(input::command().branch(case![Command::Meetings].endpoint(command)))
        .branch(input::typed().branch(typed_answers()))
        .branch(input::press().branch(buttons()))
}

fn buttons() -> UpdateHandler<Error> {
    case![Callback::Meeting(cb)]
        .branch(case![MeetingCb::Cancel(id)].endpoint(cancel_pressed))
        .branch(case![MeetingCb::ConfirmCancel(id)].endpoint(cancel_confirmed))
        .branch(case![MeetingCb::Keep(id)].endpoint(keep_pressed))
        .branch(case![MeetingCb::Reschedule(id)].endpoint(reschedule_pressed))
        .branch(case![MeetingCb::ReschedulePage(id, page)].endpoint(reschedule_page))
        .branch(case![MeetingCb::MoveTo(id, slot)].endpoint(move_pressed))
}

/// The mentor's typed reason for a cancellation.
fn typed_answers() -> UpdateHandler<Error> {
    dptree::filter(|msg: Message, env: Env| msg.text().is_some() && env.ctx.user.role == Some(Role::Mentor))
        .branch(
            case![State::Meetings(step)]
                .branch(case![MeetingsStep::CancelReason { meeting }].endpoint(reason_typed)),
        )
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
async fn command(env: Env) -> HandlerResult {
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
        env.work.set_state(State::Meetings(MeetingsStep::CancelReason { meeting: id }));
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

async fn reason_typed(env: Env, msg: Message, meeting: MeetingId) -> HandlerResult {
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
    let slots = bookable(env, m.mentor).await?;
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
