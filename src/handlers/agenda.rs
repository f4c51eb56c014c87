//! The mentor's day: `/today` and `/week` (time, who, topic, place, and
//! the parent of a parent meeting); after a meeting, held or no-show and
//! a private note (only the mentor sees it). It routes its own buttons
//! (held, no-show, note: `Callback::Meeting`, valid in any step).

use crate::commands::Command;
use crate::dialogue::{AgendaStep, State};
use crate::domain::calendar::{date_text, day_start, local_date};
use crate::domain::meetings::{NOTE_MAX, Status, clean_text};
use crate::domain::{MeetingId, Role};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{AgendaCb, Callback, button};
use crate::kit::env::Env;
use crate::kit::meeting::{accept, agenda_lines, gone};
use crate::{input, t};
use chrono::Duration;
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

/// Held, no-show and the note's button of a meeting (`Callback::Meeting`,
/// valid in any step).
/// The feature's sub-tree: `/today` and `/week`, the typed note, the held/no-show and note buttons.
pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(
            input::command()
                .branch(case![Command::Today].endpoint(today))
                .branch(case![Command::Week].endpoint(week)),
        )
        .branch(input::typed().branch(typed_answers()))
        .branch(input::press().branch(buttons()))
}

fn buttons() -> UpdateHandler<Error> {
    case![Callback::Agenda(cb)]
        .branch(case![AgendaCb::Held(id)].endpoint(held_pressed))
        .branch(case![AgendaCb::NoShow(id)].endpoint(no_show_pressed))
        .branch(case![AgendaCb::Note(id)].endpoint(note_pressed))
}

/// The mentor's typed note.
fn typed_answers() -> UpdateHandler<Error> {
    dptree::filter(|msg: Message, env: Env| msg.text().is_some() && env.ctx.user.role == Some(Role::Mentor))
        .branch(case![State::Agenda(step)].branch(case![AgendaStep::Note { meeting }].endpoint(note_typed)))
}

async fn today(env: Env) -> HandlerResult {
    agenda(&env, 1).await
}

async fn week(env: Env) -> HandlerResult {
    agenda(&env, 7).await
}

async fn agenda(env: &Env, days: i64) -> HandlerResult {
    if env.ctx.user.role != Some(Role::Mentor) {
        env.tell("sched-agenda-mentors-only");
        return Ok(());
    }
    let (lang, tz) = (env.lang, env.config.tz);
    let today = local_date(tz, env.clock.now());
    let (from, to) = (day_start(tz, today), day_start(tz, today + Duration::days(days)));
    let meetings = env.work.db().await?.agenda(env.ctx.user.id, from, to).await?;
    let head = if days == 1 {
        t!(lang, "sched-today-head", date = date_text(lang, today))
    } else {
        t!(lang, "sched-week-head")
    };
    if meetings.is_empty() {
        let none = if days == 1 { t!(lang, "sched-today-none") } else { t!(lang, "sched-week-none") };
        env.work.say(env.chat(), format!("{head}\n{none}"));
        return Ok(());
    }
    let mut text = head;
    if days == 1 {
        text.push_str(&agenda_lines(&env.work, tz, lang, &meetings).await?);
    } else {
        let mut rest = meetings.as_slice();
        while let Some(first) = rest.first() {
            let d = local_date(tz, first.starts_at);
            let n = rest.iter().take_while(|m| local_date(tz, m.starts_at) == d).count();
            let lines = agenda_lines(&env.work, tz, lang, &rest[..n]).await?;
            text.push_str(&format!(
                "\n\n{}{}",
                t!(lang, "sched-day-head", date = date_text(lang, d)),
                lines.strip_prefix('\n').unwrap_or(&lines)
            ));
            rest = &rest[n..];
        }
    }
    text.push_str(&format!("\n\n{}", t!(lang, "sched-agenda-hint")));
    env.work.say(env.chat(), text);
    Ok(())
}

/// The mentor's meeting that has started, if the press is theirs.
async fn own_started(env: &Env, id: MeetingId) -> Result<Option<crate::domain::meetings::Meeting>, Error> {
    let Some(m) = env.work.db().await?.meeting(id).await? else { return Ok(None) };
    let ok = env.ctx.user.role == Some(Role::Mentor)
        && m.mentor == env.ctx.user.id
        && m.starts_at <= env.clock.now();
    Ok(ok.then_some(m))
}

async fn held_pressed(env: Env, q: CallbackQuery, id: MeetingId) -> HandlerResult {
    outcome(env, q, id, Status::Held).await
}

async fn no_show_pressed(env: Env, q: CallbackQuery, id: MeetingId) -> HandlerResult {
    outcome(env, q, id, Status::NoShow).await
}

async fn outcome(env: Env, q: CallbackQuery, id: MeetingId, status: Status) -> HandlerResult {
    let Some(m) = own_started(&env, id).await? else { return gone(&env, &q) };
    if !env.work.db().await?.record_outcome(m.id, env.ctx.user.id, status, env.clock.now()).await? {
        return gone(&env, &q);
    }
    accept(&env, &q);
    let id_text = if status == Status::Held { "sched-recorded-held" } else { "sched-recorded-no-show" };
    let keyboard = InlineKeyboardMarkup::new([[button(
        t!(env.lang, "sched-btn-note"),
        Callback::Agenda(AgendaCb::Note(m.id)),
    )]]);
    env.work.say_with(env.chat(), t!(env.lang, id_text), keyboard);
    Ok(())
}

async fn note_pressed(env: Env, q: CallbackQuery, id: MeetingId) -> HandlerResult {
    let Some(m) = own_started(&env, id).await? else { return gone(&env, &q) };
    if m.status == Status::Cancelled {
        return gone(&env, &q);
    }
    env.work.answer(&q, None);
    env.work.set_state(State::Agenda(AgendaStep::Note { meeting: m.id }));
    env.tell("sched-note-ask");
    Ok(())
}

async fn note_typed(env: Env, msg: Message, meeting: MeetingId) -> HandlerResult {
    let Some(note) = clean_text(msg.text().unwrap_or_default(), NOTE_MAX) else {
        env.tell("sched-note-empty");
        return Ok(());
    };
    env.work.exit();
    if env.work.db().await?.set_note(meeting, env.ctx.user.id, &note, env.clock.now()).await? {
        env.tell("sched-note-saved");
    } else {
        env.tell("sched-gone");
    }
    Ok(())
}
