//! `/slots`: a mentor's free time, from a phone. Buttons — day (the next
//! 14 days) → start → length → how many in a row, then the same times on
//! another day in one tap — or one typed line
//! (`/slots add YYYY-MM-DD HH:MM [minutes] [count] [place]`: `add`); weekly
//! availability (`/slots weekly D HH:MM HH:MM [minutes]`, or buttons:
//! `weekly`); the list of coming slots with removal (`list`); the default
//! place (`place`).
//!
//! The steps are `State::Slots(SlotsStep)`, routed here with nested
//! `case!` so that each handler gets its step's data; the flow's buttons
//! are accepted only in their step, list and removal buttons in any (each
//! is checked against the database: the slot must be the sender's).

mod add;
mod list;
mod place;
mod weekly;

use crate::commands::Command;
use crate::dialogue::{SlotsStep, State};
use crate::domain::Role;
use crate::domain::calendar::{coming_days, date_code, date_text_from, hm, local_date, span_text_from};
use crate::domain::slots::{DAYS_AHEAD, LENGTHS, start_choices};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, SlotsCb, button, grid};
use crate::kit::env::Env;
use crate::kit::meeting::window;
use crate::{input, t};
use chrono::{DateTime, NaiveDate, Utc};
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

fn mentor(env: Env) -> bool {
    env.ctx.user.role == Some(Role::Mentor)
}

/// The feature's buttons (`Callback::Slots`), a mentor's only.
/// The feature's sub-tree: `/slots`, its steps' typed times and place, its buttons.
pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(input::command().branch(case![Command::Slots(args)].endpoint(command)))
        .branch(input::typed().branch(typed_answers()))
        .branch(input::press().branch(buttons()))
}

fn buttons() -> UpdateHandler<Error> {
    case![Callback::Slots(cb)]
        .filter(mentor)
        .branch(case![SlotsCb::Add].endpoint(add::add_pressed))
        .branch(case![SlotsCb::Weekly].endpoint(weekly::weekly_pressed))
        .branch(case![SlotsCb::List].endpoint(list::list_pressed))
        .branch(case![SlotsCb::Page(page)].endpoint(list::page_pressed))
        .branch(case![SlotsCb::Place].endpoint(place::place_pressed))
        .branch(case![SlotsCb::Rules].endpoint(weekly::rules_pressed))
        .branch(case![SlotsCb::Done].endpoint(add::done_pressed))
        .branch(case![SlotsCb::Remove(id)].endpoint(list::remove_pressed))
        .branch(case![SlotsCb::RemoveBooked(id)].endpoint(list::remove_booked_pressed))
        .branch(case![SlotsCb::RemoveRule(id)].endpoint(weekly::remove_rule_pressed))
        .branch(
            case![State::Slots(step)]
                .branch(case![SlotsStep::Day].branch(case![SlotsCb::Day(day)].endpoint(add::day_chosen)))
                .branch(
                    case![SlotsStep::Start { day }]
                        .branch(case![SlotsCb::Start(minute)].endpoint(add::start_chosen)),
                )
                .branch(
                    case![SlotsStep::Length { day, start }]
                        .branch(case![SlotsCb::Length(length)].endpoint(add::length_chosen)),
                )
                .branch(
                    case![SlotsStep::Count { day, start, length }]
                        .branch(case![SlotsCb::Count(count)].endpoint(add::count_chosen)),
                )
                .branch(
                    case![SlotsStep::Repeat { start, length, count }]
                        .branch(case![SlotsCb::Repeat(day)].endpoint(add::repeat_chosen)),
                )
                .branch(
                    case![SlotsStep::WeeklyDay]
                        .branch(case![SlotsCb::Weekday(day)].endpoint(weekly::weekday_chosen)),
                )
                .branch(
                    case![SlotsStep::WeeklyStart { weekday }]
                        .branch(case![SlotsCb::Start(minute)].endpoint(weekly::start_chosen)),
                )
                .branch(
                    case![SlotsStep::WeeklyEnd { weekday, start }]
                        .branch(case![SlotsCb::End(minute)].endpoint(weekly::end_chosen)),
                )
                .branch(
                    case![SlotsStep::WeeklyLength { weekday, start, end }]
                        .branch(case![SlotsCb::Length(length)].endpoint(weekly::length_chosen)),
                ),
        )
}

/// Typed times (in the start and end steps) and the typed place.
fn typed_answers() -> UpdateHandler<Error> {
    dptree::filter(|msg: Message| msg.text().is_some()).filter(mentor).branch(
        case![State::Slots(step)]
            .branch(case![SlotsStep::Place].endpoint(place::place_typed))
            .branch(case![SlotsStep::Start { day }].endpoint(add::start_typed))
            .branch(case![SlotsStep::WeeklyStart { weekday }].endpoint(weekly::start_typed))
            .branch(case![SlotsStep::WeeklyEnd { weekday, start }].endpoint(weekly::end_typed)),
    )
}

/// `/slots [add … | weekly … | list | place …]`.
async fn command(env: Env, args: String) -> HandlerResult {
    if env.ctx.user.role != Some(Role::Mentor) {
        env.tell("sched-slots-mentors-only");
        return Ok(());
    }
    let args = args.trim();
    let (word, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    match word.to_lowercase().as_str() {
        "" => menu(&env).await,
        "add" if rest.trim().is_empty() => add::ask_day(&env),
        "add" => {
            env.work.exit();
            add::typed_add(&env, rest).await
        }
        "weekly" if rest.trim().is_empty() => weekly::ask_weekday(&env),
        "weekly" => {
            env.work.exit();
            weekly::typed_weekly(&env, rest).await
        }
        "list" => {
            env.work.exit();
            list::show_list(&env, 0).await
        }
        "place" if rest.trim().is_empty() => place::ask_place(&env).await,
        "place" => {
            env.work.exit();
            place::save_place(&env, rest).await
        }
        _ => {
            env.tell("sched-slots-usage");
            Ok(())
        }
    }
}

async fn menu(env: &Env) -> HandlerResult {
    env.work.set_state(State::Slots(SlotsStep::Menu));
    let now = env.clock.now();
    env.work.db().await?.top_up_rules(env.ctx.user.id, env.config.tz, now).await?;
    let (from, to) = window(env);
    let slots = env.work.db().await?.slots_between(env.ctx.user.id, from, to).await?;
    let free = slots.iter().filter(|s| !s.booked).count() as i64;
    let booked = slots.len() as i64 - free;
    let place = env.work.db().await?.default_place(env.ctx.user.id).await?;
    let lang = env.lang;
    let mut text = t!(lang, "sched-slots-menu", free = free, booked = booked);
    text.push('\n');
    text.push_str(&match place {
        Some(p) => t!(lang, "sched-slots-place-is", place = p),
        None => t!(lang, "sched-slots-place-unset"),
    });
    let keyboard = InlineKeyboardMarkup::new([
        vec![
            button(t!(lang, "sched-btn-add"), Callback::Slots(SlotsCb::Add)),
            button(t!(lang, "sched-btn-weekly"), Callback::Slots(SlotsCb::Weekly)),
        ],
        vec![
            button(t!(lang, "sched-btn-list"), Callback::Slots(SlotsCb::List)),
            button(t!(lang, "sched-btn-rules"), Callback::Slots(SlotsCb::Rules)),
        ],
        vec![button(t!(lang, "sched-btn-place"), Callback::Slots(SlotsCb::Place))],
    ]);
    env.work.say_with(env.chat(), text, keyboard);
    Ok(())
}

/// A local date as the mentor reads it today: with its year when far.
pub(super) fn date_text(env: &Env, date: NaiveDate) -> String {
    date_text_from(env.lang, date, local_date(env.config.tz, env.clock.now()))
}

/// A slot's day and times as the mentor reads them now.
pub(super) fn span_text(env: &Env, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    span_text_from(env.lang, env.config.tz, start, end, env.clock.now())
}

pub(super) fn day_buttons(env: &Env, cb: fn(u32) -> SlotsCb) -> Vec<InlineKeyboardButton> {
    coming_days(env.config.tz, env.clock.now(), DAYS_AHEAD)
        .into_iter()
        .map(|d| button(date_text(env, d), Callback::Slots(cb(date_code(d)))))
        .collect()
}

pub(super) fn start_buttons() -> InlineKeyboardMarkup {
    grid(start_choices().into_iter().map(|m| button(hm(m), Callback::Slots(SlotsCb::Start(m)))).collect(), 4)
}

pub(super) fn length_buttons(env: &Env) -> InlineKeyboardMarkup {
    let lengths = LENGTHS
        .iter()
        .map(|&l| {
            button(
                t!(env.lang, "sched-length-button", len = i64::from(l)),
                Callback::Slots(SlotsCb::Length(l)),
            )
        })
        .collect();
    grid(lengths, 5)
}
