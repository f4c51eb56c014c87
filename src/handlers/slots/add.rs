//! Adding slots: by buttons (day → start → length → how many in a row,
//! then the same times on another day in one tap) or by one typed line.

use super::{date_text, day_buttons, length_buttons, span_text, start_buttons};
use crate::dialogue::{SlotsStep, State};
use crate::domain::calendar::{Minute, coming_days, date_code, date_of_code, hm, local_date, parse_time};
use crate::domain::slots::{COUNTS, DAYS_AHEAD, Expected, LENGTHS, SlotError, TypedError, parse_add, plan};
use crate::domain::user::PlaceNameError;
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, SlotsCb, button, grid};
use crate::kit::env::Env;
use crate::kit::meeting::{accept, gone};
use crate::t;
use chrono::NaiveDate;
use teloxide::prelude::*;

pub(super) fn ask_day(env: &Env) -> HandlerResult {
    env.work.set_state(State::Slots(SlotsStep::Day));
    env.work.say_with(env.chat(), t!(env.lang, "sched-ask-day"), grid(day_buttons(env, SlotsCb::Day), 2));
    Ok(())
}

fn ask_start(env: &Env, day: NaiveDate) {
    env.work.set_state(State::Slots(SlotsStep::Start { day: date_code(day) }));
    env.work.say_with(
        env.chat(),
        t!(env.lang, "sched-ask-start", date = date_text(env, day)),
        start_buttons(),
    );
}

/// A day of the buttons: one of the coming [`DAYS_AHEAD`] days.
fn coming_day(env: &Env, code: u32) -> Option<NaiveDate> {
    let day = date_of_code(code)?;
    coming_days(env.config.tz, env.clock.now(), DAYS_AHEAD).contains(&day).then_some(day)
}

pub(super) async fn add_pressed(env: Env, q: CallbackQuery) -> HandlerResult {
    accept(&env, &q);
    ask_day(&env)
}

pub(super) async fn done_pressed(env: Env, q: CallbackQuery) -> HandlerResult {
    accept(&env, &q);
    env.work.exit();
    env.tell("sched-slots-done");
    Ok(())
}

pub(super) async fn day_chosen(env: Env, q: CallbackQuery, day: u32) -> HandlerResult {
    let Some(day) = coming_day(&env, day) else { return gone(&env, &q) };
    accept(&env, &q);
    ask_start(&env, day);
    Ok(())
}

pub(super) async fn start_chosen(env: Env, q: CallbackQuery, day: u32, minute: u16) -> HandlerResult {
    if minute >= 24 * 60 {
        return gone(&env, &q);
    }
    accept(&env, &q);
    ask_length(&env, day, minute);
    Ok(())
}

pub(super) async fn start_typed(env: Env, msg: Message, day: u32) -> HandlerResult {
    let Some(minute) = parse_time(msg.text().unwrap_or_default()) else {
        env.tell("sched-time-invalid");
        return Ok(());
    };
    ask_length(&env, day, minute);
    Ok(())
}

fn ask_length(env: &Env, day: u32, start: Minute) {
    env.work.set_state(State::Slots(SlotsStep::Length { day, start }));
    env.work.say_with(env.chat(), t!(env.lang, "sched-ask-length", time = hm(start)), length_buttons(env));
}

pub(super) async fn length_chosen(
    env: Env,
    q: CallbackQuery,
    (day, start): (u32, u16),
    length: u16,
) -> HandlerResult {
    if !LENGTHS.contains(&length) {
        return gone(&env, &q);
    }
    accept(&env, &q);
    env.work.set_state(State::Slots(SlotsStep::Count { day, start, length }));
    let counts = COUNTS
        .iter()
        .map(|&n| {
            let end = u32::from(start) + u32::from(length) * u32::from(n);
            let label = format!("{n} ({}–{})", hm(start), hm(u16::try_from(end.min(1440)).unwrap_or(1440)));
            button(label, Callback::Slots(SlotsCb::Count(n)))
        })
        .collect();
    env.work.say_with(env.chat(), t!(env.lang, "sched-ask-count", len = i64::from(length)), grid(counts, 2));
    Ok(())
}

pub(super) async fn count_chosen(
    env: Env,
    q: CallbackQuery,
    (day, start, length): (u32, u16, u16),
    count: u16,
) -> HandlerResult {
    let Some(date) = coming_day(&env, day) else { return gone(&env, &q) };
    if !COUNTS.contains(&count) {
        return gone(&env, &q);
    }
    accept(&env, &q);
    add_and_offer_more(&env, date, start, length, count).await
}

pub(super) async fn repeat_chosen(
    env: Env,
    q: CallbackQuery,
    (start, length, count): (u16, u16, u16),
    day: u32,
) -> HandlerResult {
    let Some(date) = coming_day(&env, day) else { return gone(&env, &q) };
    accept(&env, &q);
    add_and_offer_more(&env, date, start, length, count).await
}

/// Adds the slots; then offers the same times on another day (one tap).
async fn add_and_offer_more(
    env: &Env,
    date: NaiveDate,
    start: Minute,
    length: u16,
    count: u16,
) -> HandlerResult {
    let added = add(env, date, start, length, count, None).await?;
    let text = match added {
        Ok(text) => text,
        Err(text) => text,
    };
    env.work.set_state(State::Slots(SlotsStep::Repeat { start, length, count }));
    let mut buttons = day_buttons(env, SlotsCb::Repeat);
    buttons.push(button(t!(env.lang, "sched-btn-done"), Callback::Slots(SlotsCb::Done)));
    let text = format!("{text}\n\n{}", t!(env.lang, "sched-ask-repeat"));
    env.work.say_with(env.chat(), text, grid(buttons, 2));
    Ok(())
}

/// Adds `count` slots; the answer to say either way.
async fn add(
    env: &Env,
    date: NaiveDate,
    start: Minute,
    length: u16,
    count: u16,
    place: Option<&str>,
) -> Result<Result<String, String>, Error> {
    let (lang, tz, now) = (env.lang, env.config.tz, env.clock.now());
    let planned = match plan(tz, date, start, length, count, now) {
        Ok(p) => p,
        Err(e) => return Ok(Err(slot_error(env, &e, date))),
    };
    let result = env.work.db().await?.add_slots(env.ctx.user.id, &planned, place, now).await?;
    Ok(match result {
        Ok(ids) => {
            let (first, last) = (planned[0].0, planned[planned.len() - 1].1);
            Ok(t!(
                lang,
                "sched-added",
                count = ids.len() as i64,
                span = span_text(env, first, last),
                len = i64::from(length)
            ))
        }
        Err(e) => Err(slot_error(env, &e, date)),
    })
}

fn slot_error(env: &Env, e: &SlotError, date: NaiveDate) -> String {
    let lang = env.lang;
    match e {
        SlotError::InPast => t!(lang, "sched-add-past", example = example(env)),
        SlotError::NoSuchTime => t!(lang, "sched-add-no-such-time", date = date_text(env, date)),
        SlotError::ClockChange => t!(lang, "sched-add-clock-change", date = date_text(env, date)),
        SlotError::PastMidnight => t!(lang, "sched-add-past-midnight"),
        SlotError::BadLength => t!(lang, "sched-add-bad-length", example = example(env)),
        SlotError::BadCount => t!(lang, "sched-add-bad-count", example = example(env)),
        SlotError::Overlap { starts_at, ends_at } => {
            t!(lang, "sched-add-overlap", span = span_text(env, *starts_at, *ends_at))
        }
    }
}

/// A typed example for tomorrow, so that it works as given.
fn example(env: &Env) -> String {
    let tomorrow = local_date(env.config.tz, env.clock.now()) + chrono::Duration::days(1);
    format!("/slots add {} 15:00 30 4", tomorrow.format("%Y-%m-%d"))
}

/// The longest part of a word not understood that the answer repeats.
const WORD_SHOWN: usize = 24;

pub(super) async fn typed_add(env: &Env, args: &str) -> HandlerResult {
    let lang = env.lang;
    let text = match parse_add(args) {
        Ok(add_req) => {
            match add(
                env,
                add_req.date,
                add_req.start,
                add_req.length,
                add_req.count,
                add_req.place.as_deref(),
            )
            .await?
            {
                Ok(t) | Err(t) => t,
            }
        }
        Err(e) => {
            let id = match &e {
                TypedError::Malformed => "sched-add-malformed",
                TypedError::BadDate => "sched-add-bad-date",
                TypedError::BadTime => "sched-add-bad-time",
                TypedError::BadLength => "sched-add-bad-length",
                TypedError::BadCount => "sched-add-bad-count",
                TypedError::NotANumber { expected: Expected::Minutes, .. } => "sched-add-not-minutes",
                TypedError::NotANumber { expected: Expected::Count, .. } => "sched-add-not-count",
                TypedError::BadPlace(PlaceNameError::Bidi) => "sched-add-place-bidi",
                TypedError::BadPlace(PlaceNameError::Invisible) => "sched-add-place-invisible",
                TypedError::BadPlace(PlaceNameError::Empty | PlaceNameError::TooLong { .. }) => {
                    "sched-add-bad-place"
                }
            };
            match e {
                TypedError::NotANumber { word, .. } => {
                    // Shown as typed, cut short: it holds only digits and signs.
                    let shown = match word.char_indices().nth(WORD_SHOWN) {
                        Some((cut, _)) => format!("{}…", &word[..cut]),
                        None => word,
                    };
                    t!(lang, id, word = shown, example = example(env))
                }
                _ => t!(lang, id, example = example(env)),
            }
        }
    };
    env.work.say(env.chat(), text);
    Ok(())
}
