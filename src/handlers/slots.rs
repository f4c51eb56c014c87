//! `/slots`: a mentor's free time, from a phone. Buttons — day (the next
//! 14 days) → start → length → how many in a row, then the same times on
//! another day in one tap — or one typed line
//! (`/slots add YYYY-MM-DD HH:MM [minutes] [count] [place]`); weekly
//! availability (`/slots weekly D HH:MM HH:MM [minutes]`, or buttons);
//! the list of coming slots with removal; the default place.
//!
//! The steps are `State::Slots(SlotsStep)`; the flow's buttons are
//! accepted only in their step, list and removal buttons in any (each is
//! checked against the database: the slot must be the sender's).

use crate::dialogue::{SlotsStep, State};
use crate::domain::calendar::{
    Minute, coming_days, date_code, date_of_code, date_text_from, hm, local_date, span_text_from, time_of,
    weekday_name, when_text_from,
};
use crate::domain::slots::{
    COUNTS, Clash, DAYS_AHEAD, Expected, LENGTHS, Rule, SlotError, TopUp, TypedError, clean_place, parse_add,
    parse_weekly, plan, start_choices,
};
use crate::domain::user::PlaceNameError;
use crate::domain::{Role, RuleId, SlotId};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, SlotsCb, button, grid};
use crate::kit::env::Env;
use crate::kit::meeting::{PAGE, accept, gone, window};
use crate::t;
use chrono::{DateTime, NaiveDate, Utc};
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

fn mentor(env: Env) -> bool {
    env.ctx.user.role == Some(Role::Mentor)
}

fn at_step(pred: fn(&SlotsStep) -> bool) -> impl Fn(State) -> bool + Send + Sync + Clone + 'static {
    move |state: State| matches!(&state, State::Slots(step) if pred(step))
}

pub fn buttons() -> UpdateHandler<Error> {
    dptree::filter(mentor)
        .branch(case![SlotsCb::Add].endpoint(add_pressed))
        .branch(case![SlotsCb::Weekly].endpoint(weekly_pressed))
        .branch(case![SlotsCb::List].endpoint(list_pressed))
        .branch(case![SlotsCb::Page(page)].endpoint(page_pressed))
        .branch(case![SlotsCb::Place].endpoint(place_pressed))
        .branch(case![SlotsCb::Rules].endpoint(rules_pressed))
        .branch(case![SlotsCb::Done].endpoint(done_pressed))
        .branch(case![SlotsCb::Remove(id)].endpoint(remove_pressed))
        .branch(case![SlotsCb::RemoveBooked(id)].endpoint(remove_booked_pressed))
        .branch(case![SlotsCb::RemoveRule(id)].endpoint(remove_rule_pressed))
        .branch(
            dptree::filter(at_step(|s| *s == SlotsStep::Day))
                .branch(case![SlotsCb::Day(day)].endpoint(day_chosen)),
        )
        .branch(
            dptree::filter(at_step(|s| matches!(s, SlotsStep::Repeat { .. })))
                .branch(case![SlotsCb::Repeat(day)].endpoint(repeat_chosen)),
        )
        .branch(
            dptree::filter(at_step(|s| matches!(s, SlotsStep::Start { .. } | SlotsStep::WeeklyStart { .. })))
                .branch(case![SlotsCb::Start(minute)].endpoint(start_chosen)),
        )
        .branch(
            dptree::filter(at_step(|s| {
                matches!(s, SlotsStep::Length { .. } | SlotsStep::WeeklyLength { .. })
            }))
            .branch(case![SlotsCb::Length(length)].endpoint(length_chosen)),
        )
        .branch(
            dptree::filter(at_step(|s| matches!(s, SlotsStep::Count { .. })))
                .branch(case![SlotsCb::Count(count)].endpoint(count_chosen)),
        )
        .branch(
            dptree::filter(at_step(|s| *s == SlotsStep::WeeklyDay))
                .branch(case![SlotsCb::Weekday(day)].endpoint(weekday_chosen)),
        )
        .branch(
            dptree::filter(at_step(|s| matches!(s, SlotsStep::WeeklyEnd { .. })))
                .branch(case![SlotsCb::End(minute)].endpoint(end_chosen)),
        )
}

/// Typed times (in the start and end steps) and the typed place.
pub fn typed_answers() -> UpdateHandler<Error> {
    dptree::filter(|msg: Message| msg.text().is_some())
        .filter(mentor)
        .branch(dptree::filter(at_step(|s| *s == SlotsStep::Place)).endpoint(place_typed))
        .branch(
            dptree::filter(at_step(|s| {
                matches!(
                    s,
                    SlotsStep::Start { .. } | SlotsStep::WeeklyStart { .. } | SlotsStep::WeeklyEnd { .. }
                )
            }))
            .endpoint(time_typed),
        )
}

/// `/slots [add … | weekly … | list | place …]`.
pub async fn command(env: Env, args: String) -> HandlerResult {
    if env.ctx.user.role != Some(Role::Mentor) {
        env.tell("sched-slots-mentors-only");
        return Ok(());
    }
    let args = args.trim();
    let (word, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    match word.to_lowercase().as_str() {
        "" => menu(&env).await,
        "add" if rest.trim().is_empty() => ask_day(&env),
        "add" => {
            env.work.exit();
            typed_add(&env, rest).await
        }
        "weekly" if rest.trim().is_empty() => ask_weekday(&env),
        "weekly" => {
            env.work.exit();
            typed_weekly(&env, rest).await
        }
        "list" => {
            env.work.exit();
            show_list(&env, 0).await
        }
        "place" if rest.trim().is_empty() => ask_place(&env).await,
        "place" => {
            env.work.exit();
            save_place(&env, rest).await
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
fn date_text(env: &Env, date: NaiveDate) -> String {
    date_text_from(env.lang, date, local_date(env.config.tz, env.clock.now()))
}

/// A slot's day and times as the mentor reads them now.
fn span_text(env: &Env, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    span_text_from(env.lang, env.config.tz, start, end, env.clock.now())
}

fn day_buttons(env: &Env, cb: fn(u32) -> SlotsCb) -> Vec<InlineKeyboardButton> {
    coming_days(env.config.tz, env.clock.now(), DAYS_AHEAD)
        .into_iter()
        .map(|d| button(date_text(env, d), Callback::Slots(cb(date_code(d)))))
        .collect()
}

fn ask_day(env: &Env) -> HandlerResult {
    env.work.set_state(State::Slots(SlotsStep::Day));
    env.work.say_with(env.chat(), t!(env.lang, "sched-ask-day"), grid(day_buttons(env, SlotsCb::Day), 2));
    Ok(())
}

fn start_buttons() -> InlineKeyboardMarkup {
    grid(start_choices().into_iter().map(|m| button(hm(m), Callback::Slots(SlotsCb::Start(m)))).collect(), 4)
}

fn ask_start(env: &Env, day: NaiveDate) {
    env.work.set_state(State::Slots(SlotsStep::Start { day: date_code(day) }));
    env.work.say_with(
        env.chat(),
        t!(env.lang, "sched-ask-start", date = date_text(env, day)),
        start_buttons(),
    );
}

fn length_buttons(env: &Env) -> InlineKeyboardMarkup {
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

fn ask_weekday(env: &Env) -> HandlerResult {
    env.work.set_state(State::Slots(SlotsStep::WeeklyDay));
    let buttons =
        (1..=7u8).map(|d| button(weekday_name(env.lang, d), Callback::Slots(SlotsCb::Weekday(d)))).collect();
    env.work.say_with(env.chat(), t!(env.lang, "sched-ask-weekday"), grid(buttons, 2));
    Ok(())
}

async fn ask_place(env: &Env) -> HandlerResult {
    env.work.set_state(State::Slots(SlotsStep::Place));
    env.tell("sched-ask-place");
    Ok(())
}

/// A day of the buttons: one of the coming [`DAYS_AHEAD`] days.
fn coming_day(env: &Env, code: u32) -> Option<NaiveDate> {
    let day = date_of_code(code)?;
    coming_days(env.config.tz, env.clock.now(), DAYS_AHEAD).contains(&day).then_some(day)
}

async fn add_pressed(env: Env, q: CallbackQuery) -> HandlerResult {
    accept(&env, &q);
    ask_day(&env)
}

async fn weekly_pressed(env: Env, q: CallbackQuery) -> HandlerResult {
    accept(&env, &q);
    ask_weekday(&env)
}

async fn list_pressed(env: Env, q: CallbackQuery) -> HandlerResult {
    accept(&env, &q);
    show_list(&env, 0).await
}

async fn page_pressed(env: Env, q: CallbackQuery, page: u32) -> HandlerResult {
    accept(&env, &q);
    show_list(&env, page).await
}

async fn place_pressed(env: Env, q: CallbackQuery) -> HandlerResult {
    accept(&env, &q);
    ask_place(&env).await
}

async fn done_pressed(env: Env, q: CallbackQuery) -> HandlerResult {
    accept(&env, &q);
    env.work.exit();
    env.tell("sched-slots-done");
    Ok(())
}

async fn weekday_chosen(env: Env, q: CallbackQuery, day: u8) -> HandlerResult {
    if !(1..=7).contains(&day) {
        return gone(&env, &q);
    }
    accept(&env, &q);
    env.work.set_state(State::Slots(SlotsStep::WeeklyStart { weekday: day }));
    let text = t!(env.lang, "sched-ask-weekly-start", weekday = weekday_name(env.lang, day));
    env.work.say_with(env.chat(), text, start_buttons());
    Ok(())
}

async fn day_chosen(env: Env, q: CallbackQuery, day: u32) -> HandlerResult {
    let Some(day) = coming_day(&env, day) else { return gone(&env, &q) };
    accept(&env, &q);
    ask_start(&env, day);
    Ok(())
}

async fn start_chosen(env: Env, q: CallbackQuery, minute: u16, state: State) -> HandlerResult {
    if minute >= 24 * 60 {
        return gone(&env, &q);
    }
    accept(&env, &q);
    start_given(&env, minute, state);
    Ok(())
}

fn start_given(env: &Env, start: Minute, state: State) {
    match state {
        State::Slots(SlotsStep::Start { day }) => {
            env.work.set_state(State::Slots(SlotsStep::Length { day, start }));
            env.work.say_with(
                env.chat(),
                t!(env.lang, "sched-ask-length", time = hm(start)),
                length_buttons(env),
            );
        }
        State::Slots(SlotsStep::WeeklyStart { weekday }) => {
            env.work.set_state(State::Slots(SlotsStep::WeeklyEnd { weekday, start }));
            let ends = (1..=16u16)
                .map(|h| start + h * 30)
                .filter(|m| *m <= 24 * 60)
                .map(|m| button(hm(m), Callback::Slots(SlotsCb::End(m))))
                .collect();
            env.work.say_with(env.chat(), t!(env.lang, "sched-ask-end", time = hm(start)), grid(ends, 4));
        }
        _ => {}
    }
}

async fn time_typed(env: Env, msg: Message, state: State) -> HandlerResult {
    let typed = msg.text().unwrap_or_default();
    let minute = crate::domain::calendar::parse_time(typed).or_else(|| {
        (typed.trim() == "24:00" && matches!(state, State::Slots(SlotsStep::WeeklyEnd { .. })))
            .then_some(24 * 60)
    });
    let Some(minute) = minute else {
        env.tell("sched-time-invalid");
        return Ok(());
    };
    match state {
        State::Slots(SlotsStep::WeeklyEnd { weekday, start }) => end_given(&env, weekday, start, minute),
        other => start_given(&env, minute, other),
    }
    Ok(())
}

async fn end_chosen(env: Env, q: CallbackQuery, minute: u16, state: State) -> HandlerResult {
    let State::Slots(SlotsStep::WeeklyEnd { weekday, start }) = state else { return gone(&env, &q) };
    if minute > 24 * 60 || minute <= start {
        return gone(&env, &q);
    }
    accept(&env, &q);
    end_given(&env, weekday, start, minute);
    Ok(())
}

fn end_given(env: &Env, weekday: u8, start: Minute, end: Minute) {
    if end <= start {
        env.tell("sched-end-before-start");
        return;
    }
    env.work.set_state(State::Slots(SlotsStep::WeeklyLength { weekday, start, end }));
    let span = format!("{}–{}", hm(start), hm(end));
    env.work.say_with(env.chat(), t!(env.lang, "sched-ask-rule-length", span = span), length_buttons(env));
}

async fn length_chosen(env: Env, q: CallbackQuery, length: u16, state: State) -> HandlerResult {
    if !LENGTHS.contains(&length) {
        return gone(&env, &q);
    }
    match state {
        State::Slots(SlotsStep::Length { day, start }) => {
            accept(&env, &q);
            env.work.set_state(State::Slots(SlotsStep::Count { day, start, length }));
            let counts = COUNTS
                .iter()
                .map(|&n| {
                    let end = u32::from(start) + u32::from(length) * u32::from(n);
                    let label =
                        format!("{n} ({}–{})", hm(start), hm(u16::try_from(end.min(1440)).unwrap_or(1440)));
                    button(label, Callback::Slots(SlotsCb::Count(n)))
                })
                .collect();
            env.work.say_with(
                env.chat(),
                t!(env.lang, "sched-ask-count", len = i64::from(length)),
                grid(counts, 2),
            );
            Ok(())
        }
        State::Slots(SlotsStep::WeeklyLength { weekday, start, end }) => {
            accept(&env, &q);
            env.work.exit();
            add_rule(&env, weekday, start, end, length).await
        }
        _ => gone(&env, &q),
    }
}

async fn count_chosen(env: Env, q: CallbackQuery, count: u16, state: State) -> HandlerResult {
    let State::Slots(SlotsStep::Count { day, start, length }) = state else { return gone(&env, &q) };
    let Some(date) = coming_day(&env, day) else { return gone(&env, &q) };
    if !COUNTS.contains(&count) {
        return gone(&env, &q);
    }
    accept(&env, &q);
    add_and_offer_more(&env, date, start, length, count).await
}

async fn repeat_chosen(env: Env, q: CallbackQuery, day: u32, state: State) -> HandlerResult {
    let State::Slots(SlotsStep::Repeat { start, length, count }) = state else { return gone(&env, &q) };
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

async fn typed_add(env: &Env, args: &str) -> HandlerResult {
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

/// `/slots weekly D HH:MM HH:MM [minutes]`, `/slots weekly change ID D …`,
/// `/slots weekly remove ID`.
async fn typed_weekly(env: &Env, args: &str) -> HandlerResult {
    let (word, rest) = args.trim().split_once(char::is_whitespace).unwrap_or((args.trim(), ""));
    let id_of = |w: &str| w.parse::<i64>().ok().filter(|n| *n > 0).map(RuleId);
    match word.to_lowercase().as_str() {
        "remove" => match id_of(rest.trim()) {
            Some(id) => remove_rule(env, id).await,
            None => {
                env.tell("sched-weekly-usage");
                Ok(())
            }
        },
        "change" => {
            let (id, spec) = rest.trim().split_once(char::is_whitespace).unwrap_or((rest.trim(), ""));
            match (id_of(id), parse_weekly(spec)) {
                (Some(id), Some((weekday, start, end, length))) => {
                    let rule = Rule { id, mentor: env.ctx.user.id, weekday, start, end, length, place: None };
                    let changed =
                        env.work.db().await?.change_rule(&rule, env.config.tz, env.clock.now()).await?;
                    match changed {
                        Some(done) => {
                            let text = t!(
                                env.lang,
                                "sched-rule-changed",
                                text = rule_text(env, &rule),
                                count = done.made as i64
                            );
                            env.work.say(env.chat(), with_clashes(env, text, &done));
                        }
                        None => env.tell("sched-gone"),
                    }
                    Ok(())
                }
                _ => {
                    env.tell("sched-weekly-usage");
                    Ok(())
                }
            }
        }
        _ => match parse_weekly(args) {
            Some((weekday, start, end, length)) => add_rule(env, weekday, start, end, length).await,
            None => {
                env.tell("sched-weekly-usage");
                Ok(())
            }
        },
    }
}

fn rule_text(env: &Env, rule: &Rule) -> String {
    t!(
        env.lang,
        "sched-rule",
        weekday = weekday_name(env.lang, rule.weekday),
        span = format!("{}–{}", hm(rule.start), hm(rule.end)),
        len = i64::from(rule.length)
    )
}

async fn add_rule(env: &Env, weekday: u8, start: Minute, end: Minute, length: u16) -> HandlerResult {
    let rule = Rule { id: RuleId(0), mentor: env.ctx.user.id, weekday, start, end, length, place: None };
    let (_, done) = env.work.db().await?.add_rule(&rule, env.config.tz, env.clock.now()).await?;
    let text = t!(env.lang, "sched-rule-added", text = rule_text(env, &rule), count = done.made as i64);
    env.work.say(env.chat(), with_clashes(env, text, &done));
    Ok(())
}

/// At most this many skipped times are listed one by one.
const CLASHES_LISTED: usize = 8;

/// The answer about a rule, followed by the times it skipped and why: each
/// overlaps a slot already there, free or with a meeting booked.
fn with_clashes(env: &Env, mut text: String, done: &TopUp) -> String {
    if done.clashes.is_empty() {
        return text;
    }
    let (lang, tz) = (env.lang, env.config.tz);
    text.push_str("\n\n");
    text.push_str(&t!(lang, "sched-rule-skipped-head"));
    for Clash { span, with } in done.clashes.iter().take(CLASHES_LISTED) {
        let other = if local_date(tz, with.starts_at) == local_date(tz, span.0) {
            format!("{}–{}", time_of(tz, with.starts_at), time_of(tz, with.ends_at))
        } else {
            span_text(env, with.starts_at, with.ends_at)
        };
        let id = if with.booked { "sched-rule-skipped-booked" } else { "sched-rule-skipped-free" };
        text.push('\n');
        text.push_str(&t!(lang, id, span = span_text(env, span.0, span.1), other = other));
    }
    let more = done.clashes.len().saturating_sub(CLASHES_LISTED);
    if more > 0 {
        text.push('\n');
        text.push_str(&t!(lang, "sched-rule-skipped-more", count = more as i64));
    }
    text
}

async fn rules_pressed(env: Env, q: CallbackQuery) -> HandlerResult {
    accept(&env, &q);
    let rules = env.work.db().await?.rules_of(env.ctx.user.id).await?;
    if rules.is_empty() {
        env.tell("sched-rules-none");
        return Ok(());
    }
    let lines: Vec<String> = rules.iter().map(|r| rule_text(&env, r)).collect();
    let buttons = rules
        .iter()
        .map(|r| {
            vec![button(
                t!(env.lang, "sched-btn-remove-rule", text = rule_text(&env, r)),
                Callback::Slots(SlotsCb::RemoveRule(r.id)),
            )]
        })
        .collect::<Vec<_>>();
    let text = format!("{}\n{}", t!(env.lang, "sched-rules-head"), lines.join("\n"));
    env.work.say_with(env.chat(), text, InlineKeyboardMarkup::new(buttons));
    Ok(())
}

async fn remove_rule_pressed(env: Env, q: CallbackQuery, id: RuleId) -> HandlerResult {
    let rule = env.work.db().await?.rule(id).await?;
    match rule {
        Some(rule) if rule.mentor == env.ctx.user.id => {
            accept(&env, &q);
            remove_rule(&env, id).await
        }
        _ => gone(&env, &q),
    }
}

async fn remove_rule(env: &Env, id: RuleId) -> HandlerResult {
    let rule = env.work.db().await?.rule(id).await?;
    let removed = env.work.db().await?.delete_rule(id, env.ctx.user.id, env.clock.now()).await?;
    match rule.filter(|_| removed) {
        Some(rule) => {
            env.work.say(env.chat(), t!(env.lang, "sched-rule-removed", text = rule_text(env, &rule)))
        }
        None => env.tell("sched-gone"),
    }
    Ok(())
}

async fn place_typed(env: Env, msg: Message) -> HandlerResult {
    save_place(&env, msg.text().unwrap_or_default()).await
}

async fn save_place(env: &Env, raw: &str) -> HandlerResult {
    match clean_place(raw) {
        Ok(place) => {
            env.work.db().await?.set_default_place(env.ctx.user.id, &place, env.clock.now()).await?;
            env.work.exit();
            env.work.say(env.chat(), t!(env.lang, "sched-place-saved", place = place));
        }
        Err(PlaceNameError::Bidi) => env.tell("sched-place-bidi"),
        Err(PlaceNameError::Invisible) => env.tell("sched-place-invisible"),
        Err(PlaceNameError::Empty | PlaceNameError::TooLong { .. }) => env.tell("sched-place-invalid"),
    }
    Ok(())
}

/// The coming slots of the next 14 days, by day, a page at a time, with a
/// removal button for each.
async fn show_list(env: &Env, page: u32) -> HandlerResult {
    let (lang, tz) = (env.lang, env.config.tz);
    let me = env.ctx.user.id;
    let (now, to) = window(env);
    env.work.db().await?.top_up_rules(me, tz, now).await?;
    let slots = env.work.db().await?.slots_between(me, now, to).await?;
    if slots.is_empty() {
        env.tell("sched-list-empty");
        return Ok(());
    }
    let pages = slots.len().div_ceil(PAGE).max(1);
    let page = (page as usize).min(pages - 1);
    let mut text = t!(lang, "sched-list-head", page = (page + 1) as i64, pages = pages as i64);
    let mut day = None;
    let mut rows = Vec::new();
    for s in slots.iter().skip(page * PAGE).take(PAGE) {
        let d = local_date(tz, s.starts_at);
        if day != Some(d) {
            text.push_str(&format!("\n\n{}", date_text(env, d)));
            day = Some(d);
        }
        let span = format!("{}–{}", time_of(tz, s.starts_at), time_of(tz, s.ends_at));
        let line = if s.booked {
            t!(lang, "sched-list-booked", span = span.as_str())
        } else {
            t!(lang, "sched-list-free", span = span.as_str())
        };
        text.push('\n');
        text.push_str(&line);
        let label = t!(lang, "sched-btn-remove", when = when_text_from(lang, tz, s.starts_at, now));
        rows.push(vec![button(label, Callback::Slots(SlotsCb::Remove(s.id)))]);
    }
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(button(t!(lang, "sched-btn-back"), Callback::Slots(SlotsCb::Page(page as u32 - 1))));
    }
    if page + 1 < pages {
        nav.push(button(t!(lang, "sched-btn-next"), Callback::Slots(SlotsCb::Page(page as u32 + 1))));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    env.work.say_with(env.chat(), text, InlineKeyboardMarkup::new(rows));
    Ok(())
}

async fn remove_pressed(env: Env, q: CallbackQuery, id: SlotId) -> HandlerResult {
    let Some(slot) = env.work.db().await?.slot(id).await? else { return gone(&env, &q) };
    if slot.mentor != env.ctx.user.id || slot.ends_at <= env.clock.now() {
        return gone(&env, &q);
    }
    let lang = env.lang;
    let span = span_text(&env, slot.starts_at, slot.ends_at);
    if !slot.booked {
        if !env.work.db().await?.delete_free_slot(id, env.ctx.user.id).await? {
            return gone(&env, &q);
        }
        env.work.answer(&q, Some(t!(lang, "sched-removed-toast")));
        env.work.say(env.chat(), t!(lang, "sched-removed", span = span));
        return Ok(());
    }
    accept(&env, &q);
    let meeting = env.work.db().await?.meeting_in_slot(id).await?;
    let who = match meeting {
        Some(m) => {
            let person = m.parent.unwrap_or(m.student);
            env.work.db().await?.user(person).await?.map(|u| u.display_name(lang)).unwrap_or_default()
        }
        None => String::new(),
    };
    let keyboard = InlineKeyboardMarkup::new([[button(
        t!(lang, "sched-btn-remove-booked"),
        Callback::Slots(SlotsCb::RemoveBooked(id)),
    )]]);
    env.work.say_with(env.chat(), t!(lang, "sched-remove-booked-ask", span = span, name = who), keyboard);
    Ok(())
}

async fn remove_booked_pressed(env: Env, q: CallbackQuery, id: SlotId) -> HandlerResult {
    let Some(slot) = env.work.db().await?.slot(id).await? else { return gone(&env, &q) };
    if slot.mentor != env.ctx.user.id || slot.ends_at <= env.clock.now() {
        return gone(&env, &q);
    }
    accept(&env, &q);
    let meeting = env.work.db().await?.meeting_in_slot(id).await?;
    if let Some(m) = meeting {
        crate::kit::meeting::cancel(&env, m, None).await?;
    }
    env.work.db().await?.delete_slot(id).await?;
    let span = span_text(&env, slot.starts_at, slot.ends_at);
    env.work.say(env.chat(), t!(env.lang, "sched-removed", span = span));
    Ok(())
}
