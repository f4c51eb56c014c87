//! `/mentors`: a coordinator's mentors, a page at a time, each with their
//! load — students, unanswered questions and how long the oldest has
//! waited, meetings in the next 7 days, SOS alerts in the last 30 days. A
//! mentor's card (the radar's alerts open it too) takes the mentor out of
//! the programme with a hand-over to a mentor of the same district, or
//! brings them back (`leave`), or moves one student (`moving`); what a
//! hand-over does to students, parents, questions and meetings is
//! `handover`'s.
//!
//! Only coordinators run it or press its buttons; anyone else is refused
//! and nothing changes. A district's coordinator sees and acts on the
//! mentors of that district, a regional one (no district) on all. Every
//! press is checked again against the database — the mentor in scope,
//! still in (or out of) the programme, the student still theirs, the
//! successor still a mentor of that district in the programme —; a press
//! on a screen that has gone stale redraws the card as it stands now.
//!
//! A mentor taken out of the programme keeps the role, but nothing of a
//! mentor's works for them: `paused()`, ahead of the features in the root,
//! answers everything they send (`kit::paused`).

mod handover;
mod leave;
mod moving;

use super::Env;
use crate::commands::Command;
use crate::db::{LoadWindow, MentorLoad};
use crate::domain::calendar::{date_text, local_date, when_text};
use crate::domain::{Lang, Role, User, UserId};
use crate::error::{Error, HandlerResult};
use crate::input::{self, Input};
use crate::keyboards::{Callback, MentorsCb, button};
use crate::kit::env::role_is;
use crate::kit::paused;
use crate::kit::words::waited;
use crate::t;
use chrono::Duration;
use dptree::case;
use teloxide::dispatching::{UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

/// Mentors (or students, or successors) on one page.
pub const PAGE: u32 = 8;
/// The load counts booked meetings this far ahead…
const MEETINGS_AHEAD: Duration = Duration::days(7);
/// …and SOS alerts this far back.
const SOS_BEHIND: Duration = Duration::days(30);

/// The feature's sub-tree: `/mentors` and its buttons.
pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(input::command().branch(case![Command::Mentors].endpoint(command)))
        .branch(input::press().branch(case![Callback::Mentors(cb)].branch(buttons())))
}

/// A mentor taken out of the programme: every message, edit and press
/// gets the same answer, and changes nothing — except `/language` (and
/// `/cancel`, before this in the root). Ahead of every feature.
pub fn paused() -> UpdateHandler<Error> {
    dptree::filter(|env: Env, input: Input| {
        // Their language, and their privacy (what is kept, erasure) stay theirs.
        env.ctx.user.is_paused_mentor()
            && !matches!(
                input,
                Input::Command(Command::Language | Command::Privacy | Command::Deleteme)
                    | Input::Press(Callback::Privacy(_))
            )
    })
    .branch(Update::filter_callback_query().endpoint(paused_press))
    .branch(
        Update::filter_message()
            .filter(|input: Input| matches!(input, Input::Command(Command::Start(_))))
            .endpoint(paused_start),
    )
    .branch(Update::filter_message().endpoint(paused_message))
    .branch(Update::filter_edited_message().endpoint(paused_message))
}

async fn paused_press(env: Env, press: CallbackQuery) -> HandlerResult {
    paused::toast(&env, &press);
    Ok(())
}

/// `/start`: the answer, and the menu set again.
async fn paused_start(env: Env) -> HandlerResult {
    paused::greet(&env);
    Ok(())
}

async fn paused_message(env: Env) -> HandlerResult {
    paused::tell(&env);
    Ok(())
}

fn buttons() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(
            dptree::filter(role_is(Role::Coordinator))
                .branch(case![MentorsCb::Page(page)].endpoint(page_pressed))
                .branch(case![MentorsCb::Card(mentor)].endpoint(card_pressed))
                .branch(case![MentorsCb::Deactivate { mentor, page }].endpoint(leave::successors_pressed))
                .branch(case![MentorsCb::Successor { mentor, successor }].endpoint(leave::successor_pressed))
                .branch(case![MentorsCb::ConfirmDeactivate { mentor, successor }].endpoint(leave::confirmed))
                .branch(case![MentorsCb::Reactivate(mentor)].endpoint(leave::reactivate_pressed))
                .branch(case![MentorsCb::Students { mentor, page }].endpoint(moving::students_pressed))
                .branch(case![MentorsCb::Student { student, from, page }].endpoint(moving::student_pressed))
                .branch(case![MentorsCb::Target { student, from, to }].endpoint(moving::target_pressed))
                .branch(case![MentorsCb::ConfirmMove { student, from, to }].endpoint(moving::confirmed)),
        )
        .endpoint(refused)
}

/// `/mentors`: the first page.
async fn command(env: Env) -> HandlerResult {
    if env.ctx.user.role != Some(Role::Coordinator) {
        env.tell("mentors-not-available");
        return Ok(());
    }
    match list(&env, 0).await? {
        Some((text, keyboard)) => env.work.say_with(env.chat(), text, keyboard),
        None => env.tell("mentors-none"),
    }
    Ok(())
}

/// A press on a coordinator's screen by someone else: a toast, nothing else.
async fn refused(env: Env, press: CallbackQuery) -> HandlerResult {
    env.work.answer(&press, Some(t!(env.lang, "mentors-refused")));
    Ok(())
}

/// The windows the load is counted in, from now.
fn window(env: &Env) -> LoadWindow {
    let now = env.clock.now();
    LoadWindow { now, meetings_until: now + MEETINGS_AHEAD, sos_since: now - SOS_BEHIND }
}

/// How many pages `total` things fill, and `page` kept within them.
fn pages_of(total: i64, page: u32) -> (u32, u32) {
    let pages = u32::try_from((total + i64::from(PAGE) - 1) / i64::from(PAGE)).unwrap_or(u32::MAX).max(1);
    (pages, page.min(pages - 1))
}

fn offset_of(page: u32) -> i64 {
    i64::from(page) * i64::from(PAGE)
}

/// «Back» and «Next» around a page, if there is anywhere to go.
fn nav(
    lang: Lang,
    page: u32,
    pages: u32,
    to: impl Fn(u32) -> MentorsCb,
) -> Option<Vec<InlineKeyboardButton>> {
    let mut row = Vec::new();
    if page > 0 {
        row.push(button(t!(lang, "mentors-btn-back"), Callback::Mentors(to(page - 1))));
    }
    if page + 1 < pages {
        row.push(button(t!(lang, "mentors-btn-next"), Callback::Mentors(to(page + 1))));
    }
    (!row.is_empty()).then_some(row)
}

/// A page of the list (`None`: no mentors at all).
async fn list(env: &Env, page: u32) -> Result<Option<(String, InlineKeyboardMarkup)>, Error> {
    let (lang, district) = (env.lang, env.ctx.user.district_id);
    let total = env.work.db().await?.mentor_count(district).await?;
    if total == 0 {
        return Ok(None);
    }
    let (pages, page) = pages_of(total, page);
    let window = window(env);
    let mentors =
        env.work.db().await?.mentors_with_load(district, &window, offset_of(page), i64::from(PAGE)).await?;
    let mut text = match district {
        Some(d) => {
            let name = env.work.db().await?.district_name(d).await?.unwrap_or_default();
            t!(lang, "mentors-title-district", district = name, count = total)
        }
        None => t!(lang, "mentors-title-all", count = total),
    };
    if pages > 1 {
        text = format!("{text}\n{}", t!(lang, "mentors-page", page = page + 1, pages = pages));
    }
    text = format!("{text}\n{}", t!(lang, "mentors-how-counted"));
    let mut rows = Vec::new();
    for (n, load) in mentors.iter().enumerate() {
        let number = offset_of(page) + n as i64 + 1;
        text = format!("{text}\n\n{}", line(env, number, load, district.is_none()));
        let name = load.mentor.display_name(lang);
        let label = match load.mentor.deactivated_at {
            Some(_) => format!("{number}. ⏸ {name}"),
            None => format!("{number}. {name}"),
        };
        rows.push(vec![button(label, Callback::Mentors(MentorsCb::Card(load.mentor.id)))]);
    }
    rows.extend(nav(lang, page, pages, MentorsCb::Page));
    Ok(Some((text, InlineKeyboardMarkup::new(rows))))
}

/// Where a mentor works: the school, and for a regional coordinator the
/// district too (names, joined as data).
fn place(load: &MentorLoad, with_district: bool) -> String {
    let names = [load.school.clone(), load.district.clone().filter(|_| with_district)];
    names.into_iter().flatten().collect::<Vec<_>>().join(", ")
}

/// One mentor of the list: who and where (names, as data), then the load
/// — or since when they are out of the programme.
fn line(env: &Env, n: i64, load: &MentorLoad, with_district: bool) -> String {
    let (lang, now) = (env.lang, env.clock.now());
    let name = load.mentor.display_name(lang);
    let place = place(load, with_district);
    let who = if place.is_empty() { format!("{n}. {name}") } else { format!("{n}. {name} — {place}") };
    if let Some(since) = load.mentor.deactivated_at {
        let since = date_text(lang, local_date(env.config.tz, since));
        return format!("{who}\n{}", t!(lang, "mentors-line-paused", since = since));
    }
    let mut text = format!("{who}\n{}", load_text(lang, "mentors-load", load));
    if let Some(oldest) = load.oldest {
        text = format!("{text}\n{}", t!(lang, "mentors-line-oldest", waited = waited(lang, oldest, now)));
    }
    text
}

/// Students, unanswered questions, meetings ahead, SOS alerts behind, as
/// the message `id` words them (a line of the list, the card's lines).
fn load_text(lang: Lang, id: &str, load: &MentorLoad) -> String {
    t!(lang, id, students = load.students, questions = load.open, meetings = load.meetings, sos = load.sos)
}

async fn page_pressed(env: Env, press: CallbackQuery, page: u32) -> HandlerResult {
    env.work.answer(&press, None);
    match list(&env, page).await? {
        Some((text, keyboard)) => env.work.redraw(&press, text, keyboard),
        None => env.tell("mentors-none"),
    }
    Ok(())
}

/// The mentor behind a press, if the presser may see them: a mentor of
/// the coordinator's district, or any mentor for a regional coordinator.
async fn in_scope(env: &Env, mentor: UserId) -> Result<Option<User>, Error> {
    let Some(m) = env.work.db().await?.user(mentor).await? else { return Ok(None) };
    let scope = env.ctx.user.district_id;
    Ok((m.role == Some(Role::Mentor) && (scope.is_none() || scope == m.district_id)).then_some(m))
}

/// A press about a mentor the coordinator may not see (or none at all):
/// the same toast either way, so it tells nothing about who exists.
fn out_of_scope(env: &Env, press: &CallbackQuery) -> HandlerResult {
    env.work.answer(press, Some(t!(env.lang, "mentors-out-of-scope")));
    Ok(())
}

/// A press on a screen that no longer matches the mentor (someone acted
/// meanwhile): a toast, and the card as it stands now.
async fn changed(env: &Env, press: &CallbackQuery, mentor: &User) -> HandlerResult {
    env.work.answer(press, Some(t!(env.lang, "mentors-changed")));
    show_card(env, press, mentor, None).await
}

/// The same press again, once it was done (a double press of a
/// confirmation): nothing is done twice; the card as it stands now.
async fn already_done(env: &Env, press: &CallbackQuery, mentor: &User) -> HandlerResult {
    env.work.answer(press, Some(t!(env.lang, "mentors-already-done")));
    show_card(env, press, mentor, None).await
}

/// The mentor a press names to take over from `mentor` (all of their
/// students, or one), if they may: a mentor in the programme, of the same
/// district, not `mentor`.
async fn successor_of(env: &Env, mentor: &User, successor: UserId) -> Result<Option<User>, Error> {
    let Some(s) = env.work.db().await?.user(successor).await? else { return Ok(None) };
    let ok = s.role == Some(Role::Mentor)
        && s.deactivated_at.is_none()
        && s.id != mentor.id
        && s.district_id == mentor.district_id;
    Ok(ok.then_some(s))
}

/// A page of the mentors who could take over from `mentor` (`None`:
/// there are none): each a button, with how many students they have.
async fn successor_rows(
    env: &Env,
    mentor: &User,
    page: u32,
    pick: impl Fn(UserId) -> MentorsCb,
    turn: impl Fn(u32) -> MentorsCb,
) -> Result<Option<(Vec<Vec<InlineKeyboardButton>>, Option<String>)>, Error> {
    let lang = env.lang;
    let total = env.work.db().await?.successor_count(mentor).await?;
    if total == 0 {
        return Ok(None);
    }
    let (pages, page) = pages_of(total, page);
    let successors = env.work.db().await?.successors(mentor, offset_of(page), i64::from(PAGE)).await?;
    let mut rows: Vec<Vec<_>> = successors
        .iter()
        .map(|(s, students)| {
            let label =
                t!(lang, "mentors-btn-successor", mentor = s.display_name(lang), students = *students);
            vec![button(label, Callback::Mentors(pick(s.id)))]
        })
        .collect();
    rows.extend(nav(lang, page, pages, turn));
    let page_line = (pages > 1).then(|| t!(lang, "mentors-page", page = page + 1, pages = pages));
    Ok(Some((rows, page_line)))
}

/// A button back to a mentor's card.
fn back_to_card(lang: Lang, mentor: UserId) -> Vec<InlineKeyboardButton> {
    vec![button(t!(lang, "mentors-btn-card"), Callback::Mentors(MentorsCb::Card(mentor)))]
}

async fn card_pressed(env: Env, press: CallbackQuery, mentor: UserId) -> HandlerResult {
    let Some(m) = in_scope(&env, mentor).await? else { return out_of_scope(&env, &press) };
    env.work.answer(&press, None);
    show_card(&env, &press, &m, None).await
}

/// Redraws the pressed message as the mentor's card, headed with what was
/// just done (`done`).
async fn show_card(env: &Env, press: &CallbackQuery, mentor: &User, done: Option<String>) -> HandlerResult {
    let Some((text, keyboard)) = card(env, mentor.id).await? else { return Ok(()) };
    let text = match done {
        Some(done) => format!("{done}\n\n{text}"),
        None => text,
    };
    env.work.redraw(press, text, keyboard);
    Ok(())
}

/// A mentor's card: who and where, the load with the oldest question's
/// time, and what the coordinator can do.
async fn card(env: &Env, mentor: UserId) -> Result<Option<(String, InlineKeyboardMarkup)>, Error> {
    let (lang, tz, now) = (env.lang, env.config.tz, env.clock.now());
    let Some(load) = env.work.db().await?.mentor_with_load(mentor, &window(env)).await? else {
        return Ok(None);
    };
    let m = &load.mentor;
    let mut text = t!(lang, "mentors-card", mentor = m.display_name(lang));
    if let Some(school) = &load.school {
        text = format!("{text}\n{}", t!(lang, "mentors-card-school", school = school.as_str()));
    }
    if let Some(district) = &load.district {
        text = format!("{text}\n{}", t!(lang, "mentors-card-district", district = district.as_str()));
    }
    if let Some(since) = m.deactivated_at {
        let since = date_text(lang, local_date(tz, since));
        text = format!("{text}\n{}", t!(lang, "mentors-card-paused", since = since));
    }
    text = format!("{text}\n{}", load_text(lang, "mentors-card-load", &load));
    if let Some(oldest) = load.oldest {
        let line = t!(
            lang,
            "mentors-card-oldest",
            asked = when_text(lang, tz, oldest),
            waited = waited(lang, oldest, now)
        );
        text = format!("{text}\n{line}");
    }
    let cb = |cb| Callback::Mentors(cb);
    let mut rows = Vec::new();
    if load.students > 0 {
        let label = t!(lang, "mentors-btn-move");
        rows.push(vec![button(label, cb(MentorsCb::Students { mentor: m.id, page: 0 }))]);
    }
    if m.deactivated_at.is_some() {
        rows.push(vec![button(t!(lang, "mentors-btn-reactivate"), cb(MentorsCb::Reactivate(m.id)))]);
    } else {
        let deactivate = MentorsCb::Deactivate { mentor: m.id, page: 0 };
        rows.push(vec![button(t!(lang, "mentors-btn-deactivate"), cb(deactivate))]);
    }
    rows.push(vec![button(t!(lang, "mentors-btn-list"), cb(MentorsCb::Page(0)))]);
    Ok(Some((text, InlineKeyboardMarkup::new(rows))))
}
