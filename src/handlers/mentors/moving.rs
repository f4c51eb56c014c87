//! Moving one student to another mentor of the same district: which
//! student, to whom, what will happen, confirmed. The confirmation names
//! the student, their mentor and the new one, and is checked again when
//! pressed: a second press finds the student with the new mentor already
//! and does nothing; a student who moved elsewhere meanwhile, or a new
//! mentor who left, redraws the card as it stands.

use super::handover::{Why, hand_over, tell_mentor};
use super::{
    PAGE, already_done, back_to_card, changed, in_scope, nav, offset_of, out_of_scope, pages_of, show_card,
    successor_of, successor_rows,
};
use crate::domain::{User, UserId};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, MentorsCb, button};
use crate::kit::env::Env;
use crate::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

/// «Move a student»: the mentor's students, a page of them.
pub(super) async fn students_pressed(
    env: Env,
    press: CallbackQuery,
    (mentor, page): (UserId, u32),
) -> HandlerResult {
    let Some(m) = in_scope(&env, mentor).await? else { return out_of_scope(&env, &press) };
    let total = env.work.db().await?.mentee_count(m.id).await?;
    if total == 0 {
        return changed(&env, &press, &m).await;
    }
    let lang = env.lang;
    let (pages, page) = pages_of(total, page);
    let students = env.work.db().await?.mentees(m.id, offset_of(page), i64::from(PAGE)).await?;
    let mut rows: Vec<Vec<_>> = students
        .iter()
        .map(|s| {
            let pick = MentorsCb::Student { student: s.id, from: m.id, page: 0 };
            vec![button(s.display_name(lang), Callback::Mentors(pick))]
        })
        .collect();
    rows.extend(nav(lang, page, pages, |page| MentorsCb::Students { mentor: m.id, page }));
    rows.push(back_to_card(lang, m.id));
    let mut text = t!(lang, "mentors-move-pick-student", mentor = m.display_name(lang));
    if pages > 1 {
        text = format!("{text}\n{}", t!(lang, "mentors-page", page = page + 1, pages = pages));
    }
    env.work.answer(&press, None);
    env.work.redraw(&press, text, InlineKeyboardMarkup::new(rows));
    Ok(())
}

/// The student behind a press, if they are `from`'s student now.
async fn student_of(env: &Env, student: UserId, from: &User) -> Result<Option<User>, Error> {
    let mentor = env.work.db().await?.mentor_of(student).await?;
    if mentor.is_none_or(|m| m.id != from.id) {
        return Ok(None);
    }
    Ok(env.work.db().await?.user(student).await?)
}

/// The mentor a press names, if in scope, and their student, if still
/// theirs; `None` when the press is answered already (out of scope, or the
/// card redrawn as it stands).
async fn mentor_and_student(
    env: &Env,
    press: &CallbackQuery,
    from: UserId,
    student: UserId,
) -> Result<Option<(User, User)>, Error> {
    let Some(m) = in_scope(env, from).await? else {
        out_of_scope(env, press)?;
        return Ok(None);
    };
    match student_of(env, student, &m).await? {
        Some(s) => Ok(Some((m, s))),
        None => {
            changed(env, press, &m).await?;
            Ok(None)
        }
    }
}

/// A student picked: to which mentor, a page of the choice.
pub(super) async fn student_pressed(
    env: Env,
    press: CallbackQuery,
    (student, from, page): (UserId, UserId, u32),
) -> HandlerResult {
    let Some((m, s)) = mentor_and_student(&env, &press, from, student).await? else { return Ok(()) };
    let lang = env.lang;
    let pick = |to| MentorsCb::Target { student: s.id, from: m.id, to };
    let turn = |page| MentorsCb::Student { student: s.id, from: m.id, page };
    let (s_name, m_name) = (s.display_name(lang), m.display_name(lang));
    let (text, mut rows) = match successor_rows(&env, &m, page, pick, turn).await? {
        Some((rows, page_line)) => {
            let text = t!(lang, "mentors-move-pick-mentor", student = s_name, mentor = m_name);
            (page_line.map_or(text.clone(), |p| format!("{text}\n{p}")), rows)
        }
        None => (t!(lang, "mentors-no-target", mentor = m_name), Vec::new()),
    };
    let back = MentorsCb::Students { mentor: m.id, page: 0 };
    rows.push(vec![button(t!(lang, "mentors-btn-back"), Callback::Mentors(back))]);
    env.work.answer(&press, None);
    env.work.redraw(&press, text, InlineKeyboardMarkup::new(rows));
    Ok(())
}

/// A new mentor picked: what will happen, to confirm.
pub(super) async fn target_pressed(
    env: Env,
    press: CallbackQuery,
    (student, from, to): (UserId, UserId, UserId),
) -> HandlerResult {
    let Some((m, s)) = mentor_and_student(&env, &press, from, student).await? else { return Ok(()) };
    let Some(t) = successor_of(&env, &m, to).await? else { return changed(&env, &press, &m).await };
    let lang = env.lang;
    let stake = env.work.db().await?.stake(m.id, Some(s.id), env.clock.now()).await?;
    let mut lines = vec![t!(
        lang,
        "mentors-confirm-move",
        student = s.display_name(lang),
        mentor = m.display_name(lang),
        successor = t.display_name(lang)
    )];
    if stake.questions > 0 {
        lines.push(t!(lang, "mentors-confirm-questions", questions = stake.questions));
    }
    if stake.meetings > 0 {
        lines.push(t!(lang, "mentors-confirm-meetings", meetings = stake.meetings));
    }
    lines.push(t!(lang, "mentors-confirm-move-told"));
    let yes = MentorsCb::ConfirmMove { student: s.id, from: m.id, to: t.id };
    let back = MentorsCb::Student { student: s.id, from: m.id, page: 0 };
    let keyboard = InlineKeyboardMarkup::new([
        vec![button(t!(lang, "mentors-btn-confirm-move"), Callback::Mentors(yes))],
        vec![button(t!(lang, "mentors-btn-back"), Callback::Mentors(back))],
    ]);
    env.work.answer(&press, None);
    env.work.redraw(&press, lines.join("\n"), keyboard);
    Ok(())
}

/// «Yes, move»: done once, whatever the number of presses.
pub(super) async fn confirmed(
    env: Env,
    press: CallbackQuery,
    (student, from, to): (UserId, UserId, UserId),
) -> HandlerResult {
    let Some(m) = in_scope(&env, from).await? else { return out_of_scope(&env, &press) };
    let now_with = env.work.db().await?.mentor_of(student).await?.map(|u| u.id);
    if now_with == Some(to) {
        return already_done(&env, &press, &m).await;
    }
    let Some(s) = student_of(&env, student, &m).await? else { return changed(&env, &press, &m).await };
    let Some(t) = successor_of(&env, &m, to).await? else { return changed(&env, &press, &m).await };
    if !env.work.db().await?.mentor_takes_students(t.id).await? {
        return changed(&env, &press, &m).await;
    }
    let handed = hand_over(&env, &m, &t, Some(s.id), Why::Moved).await?;
    if handed.students == 0 {
        // Moved elsewhere by a press committed meanwhile: nothing was done.
        return changed(&env, &press, &m).await;
    }
    if m.deactivated_at.is_none() {
        let ml = m.lang();
        let text =
            t!(ml, "mentors-student-left", student = s.display_name(ml), successor = t.display_name(ml));
        tell_mentor(&env, &m, text).await?;
    }
    let lang = env.lang;
    let mut done = vec![t!(
        lang,
        "mentors-done-moved",
        student = s.display_name(lang),
        successor = t.display_name(lang)
    )];
    // The student is named above: the other lines say what came along.
    done.extend(super::handover::Handed { students: 0, ..handed }.lines(lang));
    env.work.answer(&press, None);
    show_card(&env, &press, &m, Some(done.join("\n"))).await
}
