//! `/book`: a student books a meeting with their mentor, a parent a parent
//! meeting for the chosen child. The mentor's free slots of the next two
//! weeks, grouped by day and paged; a slot, an optional topic, confirm —
//! three taps. The slot is taken by the database (`Tx::book`); whoever
//! lost the race is told so and sees the fresh list.
//!
//! Slot buttons carry the slot's id (and the child's for a parent) and are
//! valid in any step; the topic and confirm steps are
//! `State::Booking(BookingStep::…)`.

use crate::commands::Command;
use crate::db::NewMeeting;
use crate::dialogue::{BookingStep, State};
use crate::domain::calendar::{date_text, local_date, span_text, time_of, when_text};
use crate::domain::meetings::{Refusal, TOPIC_MAX, check_time, clean_text};
use crate::domain::slots::Slot;
use crate::domain::{Role, SlotId, User, UserId};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{BookingCb, Callback, button};
use crate::kit::env::Env;
use crate::kit::meeting::{Change, PAGE, accept, announce, bookable, gone, refusal_text};
use crate::{input, t};
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

fn books(env: Env) -> bool {
    matches!(env.ctx.user.role, Some(Role::Student | Role::Parent))
}

/// The feature's buttons (`Callback::Booking`), a student's or a parent's.
/// The feature's sub-tree: `/book`, the typed topic, its buttons.
pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(input::command().branch(case![Command::Book].endpoint(command)))
        .branch(input::typed().branch(typed_answers()))
        .branch(input::press().branch(buttons()))
}

fn buttons() -> UpdateHandler<Error> {
    case![Callback::Booking(cb)]
        .filter(books)
        .branch(case![BookingCb::Child(child)].endpoint(child_chosen))
        .branch(case![BookingCb::Page { page, child }].endpoint(page_pressed))
        .branch(case![BookingCb::Slot { slot, child }].endpoint(slot_chosen))
        .branch(
            case![State::Booking(step)]
                .branch(
                    case![BookingStep::Topic { slot, child }]
                        .branch(case![BookingCb::SkipTopic].endpoint(topic_skipped)),
                )
                .branch(
                    case![BookingStep::Confirm { slot, child, topic }]
                        .branch(case![BookingCb::Confirm].endpoint(confirmed)),
                ),
        )
}

fn typed_answers() -> UpdateHandler<Error> {
    dptree::filter(|msg: Message| msg.text().is_some()).filter(books).branch(
        case![State::Booking(step)].branch(case![BookingStep::Topic { slot, child }].endpoint(topic_typed)),
    )
}

/// `/book`.
async fn command(env: Env) -> HandlerResult {
    match env.ctx.user.role {
        Some(Role::Student) => {
            env.work.exit();
            start_for(&env, None).await
        }
        Some(Role::Parent) => {
            let children = env.work.db().await?.children_of(env.ctx.user.id).await?;
            match children.as_slice() {
                [] => env.tell("sched-no-children"),
                [only] => {
                    env.work.exit();
                    start_for(&env, Some(only.id)).await?;
                }
                many => {
                    env.work.set_state(State::Booking(BookingStep::Child));
                    let buttons = many
                        .iter()
                        .map(|c| {
                            vec![button(c.display_name(env.lang), Callback::Booking(BookingCb::Child(c.id)))]
                        })
                        .collect::<Vec<_>>();
                    env.work.say_with(
                        env.chat(),
                        t!(env.lang, "sched-book-which-child"),
                        InlineKeyboardMarkup::new(buttons),
                    );
                }
            }
            Ok(())
        }
        _ => {
            env.tell("sched-book-not-available");
            Ok(())
        }
    }
}

/// The student the booking is about, if the sender may book for them.
async fn subject(env: &Env, child: Option<UserId>) -> Result<Option<UserId>, Error> {
    Ok(match (env.ctx.user.role, child) {
        (Some(Role::Student), None) => Some(env.ctx.user.id),
        (Some(Role::Parent), Some(child)) => {
            let parents = env.work.db().await?.parents_of(child).await?;
            parents.contains(&env.ctx.user.id).then_some(child)
        }
        _ => None,
    })
}

async fn mentor_of(env: &Env, student: UserId) -> Result<Option<User>, Error> {
    Ok(env.work.db().await?.mentor_of(student).await?)
}

async fn start_for(env: &Env, child: Option<UserId>) -> HandlerResult {
    let Some(student) = subject(env, child).await? else {
        env.tell("sched-gone");
        return Ok(());
    };
    if mentor_of(env, student).await?.is_none() {
        // A student's answer carries the helplines and points to /sos.
        env.tell_fallback("sched-no-mentor");
        return Ok(());
    }
    if too_many(env, student).await? {
        env.work.say(env.chat(), refusal_text(env, Refusal::TooMany));
        return Ok(());
    }
    show_list(env, child, 0, None).await
}

async fn too_many(env: &Env, student: UserId) -> Result<bool, Error> {
    let upcoming = env.work.db().await?.upcoming_of_student(student, env.clock.now()).await?;
    Ok(upcoming.len() >= env.config.max_upcoming as usize)
}

/// The free slots, grouped by day, a page at a time; `head` is said first
/// (why the list is shown again).
async fn show_list(env: &Env, child: Option<UserId>, page: u32, head: Option<String>) -> HandlerResult {
    let lang = env.lang;
    let Some(student) = subject(env, child).await? else { return Ok(()) };
    let Some(mentor) = mentor_of(env, student).await? else { return Ok(()) };
    let slots = bookable(env, mentor.id).await?;
    let mut text = head.map(|h| format!("{h}\n\n")).unwrap_or_default();
    if slots.is_empty() {
        text.push_str(&t!(lang, "sched-book-none", mentor = mentor.display_name(lang)));
        env.work.say(env.chat(), text);
        return Ok(());
    }
    let pages = slots.len().div_ceil(PAGE).max(1);
    let page = (page as usize).min(pages - 1);
    let shown: Vec<&Slot> = slots.iter().skip(page * PAGE).take(PAGE).collect();
    text.push_str(&t!(
        lang,
        "sched-book-pick",
        mentor = mentor.display_name(lang),
        page = (page + 1) as i64,
        pages = pages as i64
    ));
    let tz = env.config.tz;
    let mut rows = Vec::new();
    let mut day = None;
    let mut row = Vec::new();
    for s in shown {
        let d = local_date(tz, s.starts_at);
        if day != Some(d) {
            if !row.is_empty() {
                rows.push(std::mem::take(&mut row));
            }
            text.push_str(&format!("\n\n{}\n", t!(lang, "sched-day-head", date = date_text(lang, d))));
            day = Some(d);
        } else {
            text.push(' ');
        }
        text.push_str(&time_of(tz, s.starts_at));
        let label = when_text(lang, tz, s.starts_at);
        row.push(button(label, Callback::Booking(BookingCb::Slot { slot: s.id, child })));
        rows.push(std::mem::take(&mut row));
    }
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(button(
            t!(lang, "sched-btn-back"),
            Callback::Booking(BookingCb::Page { page: page as u32 - 1, child }),
        ));
    }
    if page + 1 < pages {
        nav.push(button(
            t!(lang, "sched-btn-next"),
            Callback::Booking(BookingCb::Page { page: page as u32 + 1, child }),
        ));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    env.work.say_with(env.chat(), text, InlineKeyboardMarkup::new(rows));
    Ok(())
}

async fn child_chosen(env: Env, q: CallbackQuery, child: UserId) -> HandlerResult {
    if subject(&env, Some(child)).await?.is_none() {
        return gone(&env, &q);
    }
    accept(&env, &q);
    env.work.exit();
    start_for(&env, Some(child)).await
}

async fn page_pressed(env: Env, q: CallbackQuery, (page, child): (u32, Option<UserId>)) -> HandlerResult {
    if subject(&env, child).await?.is_none() {
        return gone(&env, &q);
    }
    accept(&env, &q);
    show_list(&env, child, page, None).await
}

/// Whether the sender may book this slot now: `Err` says why not.
async fn check_slot(env: &Env, slot: SlotId, child: Option<UserId>) -> Result<Result<Slot, Refusal>, Error> {
    let Some(student) = subject(env, child).await? else { return Ok(Err(Refusal::Gone)) };
    let Some(mentor) = mentor_of(env, student).await? else { return Ok(Err(Refusal::Gone)) };
    let Some(s) = env.work.db().await?.slot(slot).await? else { return Ok(Err(Refusal::Gone)) };
    if s.mentor != mentor.id {
        return Ok(Err(Refusal::Gone));
    }
    if s.booked {
        return Ok(Err(Refusal::Taken));
    }
    if let Err(r) = check_time(s.starts_at, env.clock.now(), env.config.booking_lead) {
        return Ok(Err(r));
    }
    if too_many(env, student).await? {
        return Ok(Err(Refusal::TooMany));
    }
    Ok(Ok(s))
}

async fn slot_chosen(env: Env, q: CallbackQuery, (slot, child): (SlotId, Option<UserId>)) -> HandlerResult {
    match check_slot(&env, slot, child).await? {
        Ok(s) => {
            accept(&env, &q);
            env.work.set_state(State::Booking(BookingStep::Topic { slot, child }));
            let when = span_text(env.lang, env.config.tz, s.starts_at, s.ends_at);
            let keyboard = InlineKeyboardMarkup::new([[button(
                t!(env.lang, "sched-btn-no-topic"),
                Callback::Booking(BookingCb::SkipTopic),
            )]]);
            env.work.say_with(env.chat(), t!(env.lang, "sched-book-ask-topic", when = when), keyboard);
            Ok(())
        }
        Err(Refusal::Gone) => gone(&env, &q),
        Err(refusal) => refused(&env, &q, child, refusal).await,
    }
}

/// A refusal: the toast says it, the chat says it, and the fresh list follows.
async fn refused(env: &Env, q: &CallbackQuery, child: Option<UserId>, refusal: Refusal) -> HandlerResult {
    let text = refusal_text(env, refusal);
    env.work.answer(q, Some(text.clone()));
    env.work.clear_keyboard(q);
    env.work.exit();
    if refusal == Refusal::TooMany {
        env.work.say(env.chat(), text);
        return Ok(());
    }
    show_list(env, child, 0, Some(text)).await
}

async fn topic_skipped(env: Env, q: CallbackQuery, (slot, child): (SlotId, Option<UserId>)) -> HandlerResult {
    accept(&env, &q);
    ask_confirm(&env, slot, child, None).await
}

async fn topic_typed(env: Env, msg: Message, (slot, child): (SlotId, Option<UserId>)) -> HandlerResult {
    match clean_text(msg.text().unwrap_or_default(), TOPIC_MAX) {
        Some(topic) => ask_confirm(&env, slot, child, Some(topic)).await,
        None => {
            env.tell("sched-topic-empty");
            Ok(())
        }
    }
}

async fn ask_confirm(env: &Env, slot: SlotId, child: Option<UserId>, topic: Option<String>) -> HandlerResult {
    let Some(s) = env.work.db().await?.slot(slot).await? else {
        env.work.exit();
        env.tell("sched-taken");
        return Ok(());
    };
    let place = match &s.place {
        Some(p) => Some(p.clone()),
        None => env.work.db().await?.default_place(s.mentor).await?,
    };
    let lang = env.lang;
    let mut lines = vec![
        t!(lang, "sched-book-check"),
        t!(lang, "sched-line-when", when = span_text(lang, env.config.tz, s.starts_at, s.ends_at)),
    ];
    lines.push(match &place {
        Some(p) => t!(lang, "sched-line-place", place = p.as_str()),
        None => t!(lang, "sched-line-place-none"),
    });
    if let Some(topic) = &topic {
        lines.push(t!(lang, "sched-line-topic", topic = topic.as_str()));
    }
    env.work.set_state(State::Booking(BookingStep::Confirm { slot, child, topic }));
    let keyboard = InlineKeyboardMarkup::new([[button(
        t!(lang, "sched-btn-confirm"),
        Callback::Booking(BookingCb::Confirm),
    )]]);
    env.work.say_with(env.chat(), lines.join("\n"), keyboard);
    Ok(())
}

async fn confirmed(
    env: Env,
    q: CallbackQuery,
    (slot, child, topic): (SlotId, Option<UserId>, Option<String>),
) -> HandlerResult {
    if let Err(refusal) = check_slot(&env, slot, child).await? {
        return match refusal {
            Refusal::Gone => gone(&env, &q),
            r => refused(&env, &q, child, r).await,
        };
    }
    let Some(student) = subject(&env, child).await? else { return gone(&env, &q) };
    let uid = format!("{}@talimger", hex::encode(rand::random::<[u8; 16]>()));
    let new = NewMeeting {
        slot,
        student,
        parent: child.map(|_| env.ctx.user.id),
        booked_by: env.ctx.user.id,
        topic: topic.as_deref(),
        uid: &uid,
        max_upcoming: env.config.max_upcoming,
    };
    let booked = env.work.db().await?.book(&new, env.clock.now()).await?;
    match booked {
        Ok(meeting) => {
            accept(&env, &q);
            env.work.exit();
            tracing::info!(meeting = meeting.id.0, slot = slot.0, "meeting booked");
            announce(&env, &meeting, Change::Booked).await
        }
        Err(Refusal::Gone) => gone(&env, &q),
        Err(refusal) => refused(&env, &q, child, refusal).await,
    }
}
