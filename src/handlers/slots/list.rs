//! The coming slots, by day and a page at a time, with removal (a booked
//! one only after a second press, cancelling its meeting).

use super::{date_text, span_text};
use crate::domain::SlotId;
use crate::domain::calendar::{local_date, time_of, when_text_from};
use crate::error::HandlerResult;
use crate::keyboards::{Callback, SlotsCb, button};
use crate::kit::env::Env;
use crate::kit::meeting::{PAGE, accept, cancel, gone, window};
use crate::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

pub(super) async fn list_pressed(env: Env, q: CallbackQuery) -> HandlerResult {
    accept(&env, &q);
    show_list(&env, 0).await
}

pub(super) async fn page_pressed(env: Env, q: CallbackQuery, page: u32) -> HandlerResult {
    accept(&env, &q);
    show_list(&env, page).await
}

/// The coming slots of the next 14 days, by day, a page at a time, with a
/// removal button for each.
pub(super) async fn show_list(env: &Env, page: u32) -> HandlerResult {
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
            text.push_str(&format!("\n\n{}", t!(lang, "sched-day-head", date = date_text(env, d))));
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

pub(super) async fn remove_pressed(env: Env, q: CallbackQuery, id: SlotId) -> HandlerResult {
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
            crate::kit::env::name_of(&env.work, person, lang).await?
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

pub(super) async fn remove_booked_pressed(env: Env, q: CallbackQuery, id: SlotId) -> HandlerResult {
    let Some(slot) = env.work.db().await?.slot(id).await? else { return gone(&env, &q) };
    if slot.mentor != env.ctx.user.id || slot.ends_at <= env.clock.now() {
        return gone(&env, &q);
    }
    accept(&env, &q);
    let meeting = env.work.db().await?.meeting_in_slot(id).await?;
    if let Some(m) = meeting {
        cancel(&env, m, None).await?;
    }
    env.work.db().await?.delete_slot(id).await?;
    let span = span_text(&env, slot.starts_at, slot.ends_at);
    env.work.say(env.chat(), t!(env.lang, "sched-removed", span = span));
    Ok(())
}
