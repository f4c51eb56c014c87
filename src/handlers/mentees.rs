//! `/mentees`: a mentor's students, a page of buttons at a time. A student
//! opens their card: write to them or to one of their parents (the
//! mentor's next message goes there, headed with the mentor's name, like an
//! answer), a parent invite for them (`invite::issue_parent`), block or
//! unblock them (the relay's blocks).
//!
//! Buttons carry user ids, and every press is checked against the
//! database: the student must be the presser's mentee now, the parent one
//! of that student's parents now. Anything else is "no longer available"
//! and changes nothing.

use super::Env;
use crate::commands::Command;
use crate::dialogue::{MenteesStep, State};
use crate::domain::{Role, User, UserId};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, MenteesCb, button};
use crate::kit::copy::{Content, Copy, content_of, mark_delivered, queue_copy};
use crate::kit::env::{role_is, stale};
use crate::{input, t};
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

/// Students on one page of the list.
pub const PAGE: u32 = 8;

/// The feature's sub-tree: `/mentees`, the typed answers of its steps (writing first, a class), its buttons.
pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(input::command().branch(case![Command::Mentees].endpoint(command)))
        .branch(input::typed().branch(typed_answers()))
        .branch(input::press().branch(case![Callback::Mentees(cb)].branch(buttons())))
}

fn buttons() -> UpdateHandler<Error> {
    dptree::filter(role_is(Role::Mentor))
        .branch(case![MenteesCb::Page(page)].endpoint(page_pressed))
        .branch(case![MenteesCb::Mentee(student)].endpoint(mentee_pressed))
        .branch(case![MenteesCb::Write { student, to }].endpoint(write_pressed))
        .branch(case![MenteesCb::ParentInvite(student)].endpoint(invite_pressed))
        .branch(case![MenteesCb::Block(student, blocked)].endpoint(block_pressed))
        .branch(case![MenteesCb::Class(student)].endpoint(class_pressed))
        .branch(case![MenteesCb::AnonymousBlocks].endpoint(anonymous_blocks_pressed))
        .branch(case![MenteesCb::AnonymousUnblock(q)].endpoint(anonymous_unblock_pressed))
}

/// The mentor's next message in a step of `/mentees` (a Telegram reply to
/// a copy is an answer instead: the relay takes it).
fn typed_answers() -> UpdateHandler<Error> {
    dptree::filter(role_is(Role::Mentor)).filter(|msg: Message| msg.reply_to_message().is_none()).branch(
        case![State::Mentees(step)]
            .branch(case![MenteesStep::Writing { student, to }].endpoint(write_typed))
            .branch(case![MenteesStep::Class { student }].endpoint(class_step)),
    )
}

async fn write_typed(env: Env, msg: Message, (student, to): (UserId, UserId)) -> HandlerResult {
    env.work.exit();
    write(&env, &msg, student, to).await
}

async fn class_step(env: Env, msg: Message, student: UserId) -> HandlerResult {
    env.work.exit();
    class_typed(&env, &msg, student).await
}

/// `/mentees`.
async fn command(env: Env) -> HandlerResult {
    if env.ctx.user.role != Some(Role::Mentor) {
        env.tell("mentees-not-available");
        return Ok(());
    }
    if let Some((text, keyboard)) = list(&env, 0).await? {
        env.work.say_with(env.chat(), text, keyboard);
    } else {
        env.tell("mentees-none");
    }
    Ok(())
}

/// A page of the list (`None`: no mentees at all).
async fn list(env: &Env, page: u32) -> Result<Option<(String, InlineKeyboardMarkup)>, Error> {
    let me = env.ctx.user.id;
    let total = env.work.db().await?.mentee_count(me).await?;
    if total == 0 {
        return Ok(None);
    }
    let pages = u32::try_from((total + i64::from(PAGE) - 1) / i64::from(PAGE)).unwrap_or(u32::MAX);
    let page = page.min(pages - 1);
    let offset = i64::from(page) * i64::from(PAGE);
    let students = env.work.db().await?.mentees(me, offset, i64::from(PAGE)).await?;
    let mut rows: Vec<Vec<_>> = students
        .iter()
        .map(|s| vec![button(s.display_name(env.lang), Callback::Mentees(MenteesCb::Mentee(s.id)))])
        .collect();
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(button(t!(env.lang, "mentees-btn-back"), Callback::Mentees(MenteesCb::Page(page - 1))));
    }
    if page + 1 < pages {
        nav.push(button(t!(env.lang, "mentees-btn-next"), Callback::Mentees(MenteesCb::Page(page + 1))));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    // Anonymous writers the mentor blocked: apart, never on a student's card.
    if !env.work.db().await?.anonymous_blocks(me).await?.is_empty() {
        let label = t!(env.lang, "mentees-btn-anonymous-blocks");
        rows.push(vec![button(label, Callback::Mentees(MenteesCb::AnonymousBlocks))]);
    }
    let text = if pages > 1 {
        t!(env.lang, "mentees-title-paged", count = total, page = page + 1, pages = pages)
    } else {
        t!(env.lang, "mentees-title", count = total)
    };
    Ok(Some((text, InlineKeyboardMarkup::new(rows))))
}

/// The student behind a press, if they are the presser's mentee now.
async fn own_mentee(env: &Env, student: UserId) -> Result<Option<User>, Error> {
    let mentor = env.work.db().await?.mentor_of(student).await?;
    if mentor.is_none_or(|m| m.id != env.ctx.user.id) {
        return Ok(None);
    }
    Ok(env.work.db().await?.user(student).await?)
}

async fn page_pressed(env: Env, press: CallbackQuery, page: u32) -> HandlerResult {
    let Some((text, keyboard)) = list(&env, page).await? else { return stale(&env, &press) };
    env.work.answer(&press, None);
    env.work.redraw(&press, text, keyboard);
    Ok(())
}

/// A student's card.
async fn card(env: &Env, student: &User) -> Result<(String, InlineKeyboardMarkup), Error> {
    let lang = env.lang;
    let parents = env.work.db().await?.parents(student.id).await?;
    let blocked = env.work.db().await?.is_blocked_by_name(env.ctx.user.id, student.id).await?;
    let names = parents.iter().map(|p| p.display_name(lang)).collect::<Vec<_>>().join(", ");
    let mut text = if parents.is_empty() {
        t!(lang, "mentees-card-no-parents", student = student.display_name(lang))
    } else {
        t!(lang, "mentees-card", student = student.display_name(lang), names = names)
    };
    if let Some(class) = env.work.db().await?.class_of(student.id).await? {
        text = format!("{text}\n{}", t!(lang, "mentees-card-class", class = class));
    }
    if blocked {
        text = format!("{text}\n{}", t!(lang, "mentees-card-blocked"));
    }
    let write = |to: UserId| Callback::Mentees(MenteesCb::Write { student: student.id, to });
    let mut rows = vec![vec![button(t!(lang, "mentees-btn-write-student"), write(student.id))]];
    for p in &parents {
        rows.push(vec![button(
            t!(lang, "mentees-btn-write-parent", name = p.display_name(lang)),
            write(p.id),
        )]);
    }
    rows.push(vec![button(
        t!(lang, "mentees-btn-parent-invite"),
        Callback::Mentees(MenteesCb::ParentInvite(student.id)),
    )]);
    rows.push(vec![button(t!(lang, "mentees-btn-class"), Callback::Mentees(MenteesCb::Class(student.id)))]);
    let (label, cb) = if blocked {
        ("relay-btn-unblock", MenteesCb::Block(student.id, false))
    } else {
        ("relay-btn-block", MenteesCb::Block(student.id, true))
    };
    rows.push(vec![button(t!(lang, label), Callback::Mentees(cb))]);
    rows.push(vec![button(t!(lang, "mentees-btn-list"), Callback::Mentees(MenteesCb::Page(0)))]);
    Ok((text, InlineKeyboardMarkup::new(rows)))
}

async fn mentee_pressed(env: Env, press: CallbackQuery, student: UserId) -> HandlerResult {
    let Some(student) = own_mentee(&env, student).await? else { return stale(&env, &press) };
    env.work.answer(&press, None);
    let (text, keyboard) = card(&env, &student).await?;
    env.work.redraw(&press, text, keyboard);
    Ok(())
}

/// Whom a mentor may write to about `student`: the student, or a parent of theirs.
async fn recipient(env: &Env, student: UserId, to: UserId) -> Result<Option<(User, User)>, Error> {
    let Some(student) = own_mentee(env, student).await? else { return Ok(None) };
    if to == student.id {
        return Ok(Some((student.clone(), student)));
    }
    if !env.work.db().await?.parents_of(student.id).await?.contains(&to) {
        return Ok(None);
    }
    let parent = env.work.db().await?.user(to).await?;
    Ok(parent.map(|p| (student, p)))
}

async fn write_pressed(env: Env, press: CallbackQuery, (student, to): (UserId, UserId)) -> HandlerResult {
    let Some((_, person)) = recipient(&env, student, to).await? else { return stale(&env, &press) };
    env.work.answer(&press, None);
    env.work.set_state(State::Mentees(MenteesStep::Writing { student, to }));
    env.work.say(env.chat(), t!(env.lang, "mentees-write-prompt", name = person.display_name(env.lang)));
    Ok(())
}

/// The mentor's message after «Write to…»: copied to the person, headed
/// with the mentor's name (checked again: the link may have gone meanwhile).
async fn write(env: &Env, msg: &Message, student: UserId, to: UserId) -> HandlerResult {
    let content = content_of(msg);
    if matches!(content, Content::Unsupported) {
        env.tell("relay-kind-not-delivered");
        return Ok(());
    }
    let Some((student, person)) = recipient(env, student, to).await? else {
        env.tell("mentees-write-gone");
        return Ok(());
    };
    let pl = person.lang();
    let mentor = env.ctx.user.display_name(pl);
    let header = if person.id == student.id {
        t!(pl, "mentees-header", mentor = mentor)
    } else {
        // A parent may have several children: say which one.
        t!(pl, "mentees-header-parent", mentor = mentor, student = student.display_name(pl))
    };
    let copy = Copy::from_mentor(env, msg, &person, header, &content, false);
    queue_copy(env, copy);
    mark_delivered(env, msg.id);
    tracing::info!(mentor = env.ctx.user.id.0, to = person.id.0, "mentor wrote from /mentees");
    Ok(())
}

async fn invite_pressed(env: Env, press: CallbackQuery, student: UserId) -> HandlerResult {
    let Some(student) = own_mentee(&env, student).await? else { return stale(&env, &press) };
    env.work.answer(&press, None);
    crate::kit::invite::issue_parent(&env, &student).await
}

async fn block_pressed(env: Env, press: CallbackQuery, (student, blocked): (UserId, bool)) -> HandlerResult {
    let Some(student) = own_mentee(&env, student).await? else { return stale(&env, &press) };
    env.work.db().await?.set_blocked(env.ctx.user.id, student.id, blocked, env.clock.now()).await?;
    let toast = if blocked { "relay-block-done" } else { "relay-unblock-done" };
    env.work.answer(&press, None);
    env.tell(toast);
    let (text, keyboard) = card(&env, &student).await?;
    env.work.redraw(&press, text, keyboard);
    Ok(())
}

async fn class_pressed(env: Env, press: CallbackQuery, student: UserId) -> HandlerResult {
    let Some(student) = own_mentee(&env, student).await? else { return stale(&env, &press) };
    env.work.answer(&press, None);
    env.work.set_state(State::Mentees(MenteesStep::Class { student: student.id }));
    env.work.say(env.chat(), t!(env.lang, "mentees-class-prompt", student = student.display_name(env.lang)));
    Ok(())
}

/// The mentor's typed class («-» forgets it); the card follows.
async fn class_typed(env: &Env, msg: &Message, student: UserId) -> HandlerResult {
    let raw = msg.text().unwrap_or_default().trim();
    let class = if raw == "-" {
        None
    } else {
        match crate::domain::user::clean_class(raw) {
            Some(class) => Some(class),
            None => {
                // Stay in the step: the next text is another try.
                env.work.set_state(State::Mentees(MenteesStep::Class { student }));
                env.tell("mentees-class-invalid");
                return Ok(());
            }
        }
    };
    let Some(student) = own_mentee(env, student).await? else {
        env.tell("mentees-write-gone");
        return Ok(());
    };
    env.work.db().await?.set_class(env.ctx.user.id, student.id, class.as_deref()).await?;
    env.tell(if class.is_some() { "mentees-class-saved" } else { "mentees-class-cleared" });
    let (text, keyboard) = card(env, &student).await?;
    env.work.say_with(env.chat(), text, keyboard);
    Ok(())
}

/// The anonymous writers the mentor blocked, by the question each was
/// blocked from (its date, never a name), each with «Unblock».
async fn anonymous_blocks_screen(env: &Env) -> Result<(String, InlineKeyboardMarkup), Error> {
    let blocks = env.work.db().await?.anonymous_blocks(env.ctx.user.id).await?;
    let mut rows: Vec<Vec<_>> = blocks
        .iter()
        .map(|(q, at)| {
            let when = crate::domain::calendar::when_text(env.lang, env.config.tz, *at);
            let label = t!(env.lang, "mentees-btn-anonymous-unblock", when = when);
            vec![button(label, Callback::Mentees(MenteesCb::AnonymousUnblock(*q)))]
        })
        .collect();
    rows.push(vec![button(t!(env.lang, "mentees-btn-list"), Callback::Mentees(MenteesCb::Page(0)))]);
    let text = if blocks.is_empty() {
        t!(env.lang, "mentees-anonymous-blocks-none")
    } else {
        t!(env.lang, "mentees-anonymous-blocks", count = blocks.len() as i64)
    };
    Ok((text, InlineKeyboardMarkup::new(rows)))
}

async fn anonymous_blocks_pressed(env: Env, press: CallbackQuery) -> HandlerResult {
    env.work.answer(&press, None);
    let (text, keyboard) = anonymous_blocks_screen(&env).await?;
    env.work.redraw(&press, text, keyboard);
    Ok(())
}

async fn anonymous_unblock_pressed(
    env: Env,
    press: CallbackQuery,
    q: crate::domain::QuestionId,
) -> HandlerResult {
    if !env.work.db().await?.unblock_anonymous(env.ctx.user.id, q).await? {
        return stale(&env, &press);
    }
    env.work.answer(&press, Some(t!(env.lang, "relay-unblock-done")));
    let (text, keyboard) = anonymous_blocks_screen(&env).await?;
    env.work.redraw(&press, text, keyboard);
    Ok(())
}
