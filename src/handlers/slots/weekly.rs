//! Weekly availability: rules (weekday, from, to, length) by buttons or
//! typed (`/slots weekly …`), each generating slots ahead; their list with
//! removal.

use super::{length_buttons, span_text, start_buttons};
use crate::dialogue::{SlotsStep, State};
use crate::domain::RuleId;
use crate::domain::calendar::{Minute, hm, local_date, parse_time, time_of, weekday_name};
use crate::domain::slots::{Clash, LENGTHS, Rule, TopUp, parse_weekly};
use crate::error::HandlerResult;
use crate::keyboards::{Callback, SlotsCb, button, grid};
use crate::kit::env::Env;
use crate::kit::meeting::{accept, gone};
use crate::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

pub(super) fn ask_weekday(env: &Env) -> HandlerResult {
    env.work.set_state(State::Slots(SlotsStep::WeeklyDay));
    let buttons =
        (1..=7u8).map(|d| button(weekday_name(env.lang, d), Callback::Slots(SlotsCb::Weekday(d)))).collect();
    env.work.say_with(env.chat(), t!(env.lang, "sched-ask-weekday"), grid(buttons, 2));
    Ok(())
}

pub(super) async fn weekly_pressed(env: Env, q: CallbackQuery) -> HandlerResult {
    accept(&env, &q);
    ask_weekday(&env)
}

pub(super) async fn weekday_chosen(env: Env, q: CallbackQuery, day: u8) -> HandlerResult {
    if !(1..=7).contains(&day) {
        return gone(&env, &q);
    }
    accept(&env, &q);
    env.work.set_state(State::Slots(SlotsStep::WeeklyStart { weekday: day }));
    let text = t!(env.lang, "sched-ask-weekly-start", weekday = weekday_name(env.lang, day));
    env.work.say_with(env.chat(), text, start_buttons());
    Ok(())
}

pub(super) async fn start_chosen(env: Env, q: CallbackQuery, weekday: u8, minute: u16) -> HandlerResult {
    if minute >= 24 * 60 {
        return gone(&env, &q);
    }
    accept(&env, &q);
    ask_end(&env, weekday, minute);
    Ok(())
}

pub(super) async fn start_typed(env: Env, msg: Message, weekday: u8) -> HandlerResult {
    let Some(minute) = parse_time(msg.text().unwrap_or_default()) else {
        env.tell("sched-time-invalid");
        return Ok(());
    };
    ask_end(&env, weekday, minute);
    Ok(())
}

fn ask_end(env: &Env, weekday: u8, start: Minute) {
    env.work.set_state(State::Slots(SlotsStep::WeeklyEnd { weekday, start }));
    let ends = (1..=16u16)
        .map(|h| start + h * 30)
        .filter(|m| *m <= 24 * 60)
        .map(|m| button(hm(m), Callback::Slots(SlotsCb::End(m))))
        .collect();
    env.work.say_with(env.chat(), t!(env.lang, "sched-ask-end", time = hm(start)), grid(ends, 4));
}

pub(super) async fn end_chosen(
    env: Env,
    q: CallbackQuery,
    (weekday, start): (u8, u16),
    minute: u16,
) -> HandlerResult {
    if minute > 24 * 60 || minute <= start {
        return gone(&env, &q);
    }
    accept(&env, &q);
    end_given(&env, weekday, start, minute);
    Ok(())
}

/// A typed end: a time of the day, or «24:00».
pub(super) async fn end_typed(env: Env, msg: Message, (weekday, start): (u8, u16)) -> HandlerResult {
    let typed = msg.text().unwrap_or_default();
    let minute = parse_time(typed).or_else(|| (typed.trim() == "24:00").then_some(24 * 60));
    let Some(minute) = minute else {
        env.tell("sched-time-invalid");
        return Ok(());
    };
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

pub(super) async fn length_chosen(
    env: Env,
    q: CallbackQuery,
    (weekday, start, end): (u8, u16, u16),
    length: u16,
) -> HandlerResult {
    if !LENGTHS.contains(&length) {
        return gone(&env, &q);
    }
    accept(&env, &q);
    env.work.exit();
    add_rule(&env, weekday, start, end, length).await
}

/// `/slots weekly D HH:MM HH:MM [minutes]`, `/slots weekly change ID D …`,
/// `/slots weekly remove ID`.
pub(super) async fn typed_weekly(env: &Env, args: &str) -> HandlerResult {
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

pub(super) async fn rules_pressed(env: Env, q: CallbackQuery) -> HandlerResult {
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

pub(super) async fn remove_rule_pressed(env: Env, q: CallbackQuery, id: RuleId) -> HandlerResult {
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
