//! `/quiet`: a mentor's quiet hours — on or off, the start and the end, in
//! the programme's time zone, with buttons that redraw the same message.
//! The relay reads the mentor's own setting (`Tx::quiet_hours`) for every
//! ordinary message: held until the end, with one morning digest line.

use super::Env;
use crate::commands::Command;
use crate::domain::Role;
use crate::domain::quiet::{END_CHOICES, QuietHours, START_CHOICES};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, QuietCb, button};
use crate::kit::env::{role_is, stale};
use crate::{input, t};
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

/// The feature's sub-tree: `/quiet` and the buttons of its screen.
pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(input::command().branch(case![Command::Quiet].endpoint(command)))
        .branch(input::press().branch(case![Callback::Quiet(cb)].branch(buttons())))
}

/// The buttons of the `/quiet` screen, for mentors only (any step: the
/// screen stands on its own).
fn buttons() -> UpdateHandler<Error> {
    dptree::filter(role_is(Role::Mentor))
        .branch(case![QuietCb::On(on)].endpoint(switched))
        .branch(case![QuietCb::Start(minute)].endpoint(start_picked))
        .branch(case![QuietCb::End(minute)].endpoint(end_picked))
}

/// `/quiet`.
async fn command(env: Env) -> HandlerResult {
    if env.ctx.user.role != Some(Role::Mentor) {
        env.tell("quiet-not-available");
        return Ok(());
    }
    let quiet = env.work.db().await?.quiet_hours(env.ctx.user.id).await?;
    let (text, keyboard) = screen(&env, quiet);
    env.work.say_with(env.chat(), text, keyboard);
    Ok(())
}

fn screen(env: &Env, q: QuietHours) -> (String, InlineKeyboardMarkup) {
    let lang = env.lang;
    let (start, end) = (QuietHours::clock(q.start_min), QuietHours::clock(q.end_min));
    let zone = env.config.tz.name();
    let text = if q.enabled {
        t!(lang, "quiet-status-on", start = start.as_str(), end = end.as_str(), zone = zone)
    } else {
        t!(lang, "quiet-status-off", start = start.as_str(), end = end.as_str(), zone = zone)
    };
    let switch = if q.enabled {
        button(t!(lang, "quiet-btn-off"), Callback::Quiet(QuietCb::On(false)))
    } else {
        button(t!(lang, "quiet-btn-on"), Callback::Quiet(QuietCb::On(true)))
    };
    let row = |choices: &[u32], current: u32, cb: fn(u32) -> QuietCb| {
        choices.iter().map(|&m| button(mark(m, m == current), Callback::Quiet(cb(m)))).collect::<Vec<_>>()
    };
    let keyboard = InlineKeyboardMarkup::new([
        vec![switch],
        row(START_CHOICES, q.start_min, QuietCb::Start),
        row(END_CHOICES, q.end_min, QuietCb::End),
    ]);
    (format!("{text}\n{}", t!(lang, "quiet-how")), keyboard)
}

/// A start or end button: the hour, marked when it is the current one.
fn mark(minute: u32, current: bool) -> String {
    let clock = QuietHours::clock(minute);
    if current { format!("✓ {clock}") } else { clock }
}

/// Saves the change and redraws the screen; a press that changes nothing
/// (the current choice again) only gets its toast.
async fn save(env: &Env, press: &CallbackQuery, before: QuietHours, after: QuietHours) -> HandlerResult {
    if after != before {
        env.work.db().await?.set_quiet_hours(env.ctx.user.id, after).await?;
        let (text, keyboard) = screen(env, after);
        env.work.redraw(press, text, keyboard);
    }
    env.work.answer(press, Some(t!(env.lang, "quiet-saved")));
    tracing::info!(mentor = env.ctx.user.id.0, enabled = after.enabled, "quiet hours set");
    Ok(())
}

async fn switched(env: Env, press: CallbackQuery, on: bool) -> HandlerResult {
    let before = env.work.db().await?.quiet_hours(env.ctx.user.id).await?;
    save(&env, &press, before, QuietHours { enabled: on, ..before }).await
}

async fn start_picked(env: Env, press: CallbackQuery, minute: u32) -> HandlerResult {
    if !START_CHOICES.contains(&minute) {
        return stale(&env, &press);
    }
    let before = env.work.db().await?.quiet_hours(env.ctx.user.id).await?;
    save(&env, &press, before, QuietHours { start_min: minute, ..before }).await
}

async fn end_picked(env: Env, press: CallbackQuery, minute: u32) -> HandlerResult {
    if !END_CHOICES.contains(&minute) {
        return stale(&env, &press);
    }
    let before = env.work.db().await?.quiet_hours(env.ctx.user.id).await?;
    save(&env, &press, before, QuietHours { end_min: minute, ..before }).await
}
