//! Taking a mentor out of the programme — who takes over, what will
//! happen, confirmed — and bringing them back.
//!
//! The confirmation names its successor, and is checked again when
//! pressed: the mentor still in the programme (a second press finds them
//! out and does nothing), the successor still a mentor of the district in
//! the programme, and with no successor still nothing to hand over. Then,
//! in the press's one transaction: the mentor's row is marked first (so
//! nobody joins them meanwhile), everything is handed over, their student
//! invites end, and they are told, with their menu cut to what is left.

use super::handover::{Why, hand_over};
use super::{
    already_done, back_to_card, changed, in_scope, out_of_scope, show_card, successor_of, successor_rows,
};
use crate::commands::refresh_user_menu;
use crate::db::{Priority, Stake};
use crate::domain::{Role, User, UserId};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, MentorsCb, button};
use crate::kit::env::Env;
use crate::kit::paused;
use crate::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

/// «Take out of the programme»: who takes over, a page of the choice; with
/// nothing to hand over, straight to what will happen.
pub(super) async fn successors_pressed(
    env: Env,
    press: CallbackQuery,
    (mentor, page): (UserId, u32),
) -> HandlerResult {
    let Some(m) = in_scope(&env, mentor).await? else { return out_of_scope(&env, &press) };
    if m.deactivated_at.is_some() {
        return changed(&env, &press, &m).await;
    }
    let lang = env.lang;
    let stake = env.work.db().await?.stake(m.id, None, env.clock.now()).await?;
    env.work.answer(&press, None);
    if stake.is_empty() {
        return confirmation(&env, &press, &m, None, stake);
    }
    let name = m.display_name(lang);
    let pick = |s| MentorsCb::Successor { mentor: m.id, successor: Some(s) };
    let turn = |page| MentorsCb::Deactivate { mentor: m.id, page };
    let (text, mut rows) = match successor_rows(&env, &m, page, pick, turn).await? {
        Some((rows, page_line)) => {
            let text = t!(lang, "mentors-successor-ask", mentor = name);
            (page_line.map_or(text.clone(), |p| format!("{text}\n{p}")), rows)
        }
        None => (t!(lang, "mentors-no-successor", mentor = name), Vec::new()),
    };
    rows.push(back_to_card(lang, m.id));
    env.work.redraw(&press, text, InlineKeyboardMarkup::new(rows));
    Ok(())
}

/// The successor a confirmation names, checked again: `Ok(None)` when
/// none is needed (nothing to hand over), `Err(())` when the screen no
/// longer holds.
async fn checked_successor(
    env: &Env,
    mentor: &User,
    successor: Option<UserId>,
    stake: Stake,
) -> Result<Result<Option<User>, ()>, Error> {
    Ok(match successor {
        Some(id) => successor_of(env, mentor, id).await?.map(Some).ok_or(()),
        None if stake.is_empty() => Ok(None),
        None => Err(()),
    })
}

/// What to say when a press finds the mentor out of the programme already.
#[derive(Clone, Copy)]
enum IfOut {
    /// The screen was stale.
    Changed,
    /// It was this very press, made again.
    AlreadyDone,
}

/// What a press about taking `mentor` out with `successor` stands on,
/// checked again: the mentor (in scope, in the programme), the successor,
/// what would be handed over. `None` when the press is answered already.
async fn standing(
    env: &Env,
    press: &CallbackQuery,
    (mentor, successor): (UserId, Option<UserId>),
    if_out: IfOut,
) -> Result<Option<(User, Option<User>, Stake)>, Error> {
    let Some(m) = in_scope(env, mentor).await? else {
        out_of_scope(env, press)?;
        return Ok(None);
    };
    if m.deactivated_at.is_some() {
        match if_out {
            IfOut::Changed => changed(env, press, &m).await?,
            IfOut::AlreadyDone => already_done(env, press, &m).await?,
        }
        return Ok(None);
    }
    let stake = env.work.db().await?.stake(m.id, None, env.clock.now()).await?;
    let Ok(s) = checked_successor(env, &m, successor, stake).await? else {
        changed(env, press, &m).await?;
        return Ok(None);
    };
    Ok(Some((m, s, stake)))
}

/// A successor picked (or none needed): what will happen, to confirm.
pub(super) async fn successor_pressed(
    env: Env,
    press: CallbackQuery,
    picked: (UserId, Option<UserId>),
) -> HandlerResult {
    let Some((m, s, stake)) = standing(&env, &press, picked, IfOut::Changed).await? else { return Ok(()) };
    env.work.answer(&press, None);
    confirmation(&env, &press, &m, s.as_ref(), stake)
}

/// What taking `mentor` out will do, with «Yes» and «Back».
fn confirmation(
    env: &Env,
    press: &CallbackQuery,
    mentor: &User,
    successor: Option<&User>,
    stake: Stake,
) -> HandlerResult {
    let lang = env.lang;
    let name = mentor.display_name(lang);
    let mut lines = vec![match successor {
        Some(s) => t!(lang, "mentors-confirm-deactivate", mentor = name, successor = s.display_name(lang)),
        None => t!(lang, "mentors-confirm-deactivate-alone", mentor = name),
    }];
    if stake.students > 0 {
        lines.push(t!(lang, "mentors-confirm-students", students = stake.students));
    }
    if stake.parents > 0 {
        lines.push(t!(lang, "mentors-confirm-parents", parents = stake.parents));
    }
    if stake.questions > 0 {
        lines.push(t!(lang, "mentors-confirm-questions", questions = stake.questions));
    }
    if stake.meetings > 0 {
        lines.push(t!(lang, "mentors-confirm-meetings", meetings = stake.meetings));
    }
    lines.push(t!(lang, "mentors-confirm-mentor-told"));
    lines.push(t!(lang, "mentors-confirm-foot"));
    let successor = successor.map(|s| s.id);
    let yes = MentorsCb::ConfirmDeactivate { mentor: mentor.id, successor };
    let back = match successor {
        Some(_) => MentorsCb::Deactivate { mentor: mentor.id, page: 0 },
        None => MentorsCb::Card(mentor.id),
    };
    let keyboard = InlineKeyboardMarkup::new([
        vec![button(t!(lang, "mentors-btn-confirm-deactivate"), Callback::Mentors(yes))],
        vec![button(t!(lang, "mentors-btn-back"), Callback::Mentors(back))],
    ]);
    env.work.redraw(press, lines.join("\n"), keyboard);
    Ok(())
}

/// «Yes, take out»: done once, whatever the number of presses.
pub(super) async fn confirmed(
    env: Env,
    press: CallbackQuery,
    picked: (UserId, Option<UserId>),
) -> HandlerResult {
    let Some((m, s, _)) = standing(&env, &press, picked, IfOut::AlreadyDone).await? else { return Ok(()) };
    let now = env.clock.now();
    // The successor's row is held until the commit: a coordinator taking
    // them out at the same moment waits, and then takes these students too.
    if let Some(s) = &s
        && !env.work.db().await?.mentor_takes_students(s.id).await?
    {
        return changed(&env, &press, &m).await;
    }
    if !env.work.db().await?.set_mentor_out(m.id, true, now).await? {
        return already_done(&env, &press, &m).await;
    }
    let handed = match &s {
        Some(s) => Some(hand_over(&env, &m, s, None, Why::Left).await?),
        None => None,
    };
    env.work.db().await?.expire_student_invites(m.id, now).await?;
    let ml = m.lang();
    let told = match &s {
        Some(s) => t!(ml, "mentors-you-left", successor = s.display_name(ml)),
        None => t!(ml, "mentors-you-left-alone"),
    };
    env.work.tell(m.id, told, Priority::Notice);
    paused::refresh_menu(&env.work, ChatId(m.id.0), ml);
    tracing::info!(coordinator = env.ctx.user.id.0, mentor = m.id.0, "mentor taken out of the programme");
    let lang = env.lang;
    let mut done = vec![t!(lang, "mentors-done-deactivated", mentor = m.display_name(lang))];
    if let Some(s) = &s {
        done.push(t!(lang, "mentors-done-successor", successor = s.display_name(lang)));
    }
    done.extend(handed.iter().flat_map(|h| h.lines(lang)));
    env.work.answer(&press, None);
    show_card(&env, &press, &m, Some(done.join("\n"))).await
}

/// «Bring back»: the role's commands again, without the former students.
pub(super) async fn reactivate_pressed(env: Env, press: CallbackQuery, mentor: UserId) -> HandlerResult {
    let Some(m) = in_scope(&env, mentor).await? else { return out_of_scope(&env, &press) };
    if m.deactivated_at.is_none()
        || !env.work.db().await?.set_mentor_out(m.id, false, env.clock.now()).await?
    {
        return already_done(&env, &press, &m).await;
    }
    let ml = m.lang();
    env.work.tell(m.id, t!(ml, "mentors-you-are-back"), Priority::Notice);
    refresh_user_menu(&env.work, ChatId(m.id.0), Some(Role::Mentor), ml);
    tracing::info!(coordinator = env.ctx.user.id.0, mentor = m.id.0, "mentor back in the programme");
    env.work.answer(&press, None);
    let done = t!(env.lang, "mentors-done-reactivated", mentor = m.display_name(env.lang));
    show_card(&env, &press, &m, Some(done)).await
}
