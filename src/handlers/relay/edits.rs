//! Edits of relayed messages.

use super::send::{night_button, student_header};
use super::{lang_of, mentor_keyboard};
use crate::db::Priority;
use crate::domain::Role;
use crate::domain::relay::QuestionKind;
use crate::domain::safety::EMERGENCY;
use crate::error::HandlerResult;
use crate::kit::copy::edit_copy;
use crate::kit::env::Env;
use crate::t;
use teloxide::prelude::*;

/// An edited message: a student's or parent's relayed message is edited in
/// the mentor's chat too (or, where it cannot be, sent again marked as an
/// edit); anything else gets the usual answer.
pub async fn edited(env: Env, msg: Message) -> HandlerResult {
    let me = env.ctx.user.id;
    let found = match env.ctx.user.role {
        Some(Role::Student) | Some(Role::Parent) => {
            env.work.db().await?.question_from_message(me, i64::from(msg.id.0)).await?
        }
        _ => None,
    };
    let Some(q) = found else {
        env.tell_fallback("edited-message");
        return Ok(());
    };
    let Some(mentor) = env.work.db().await?.user(q.mentor).await? else { return Ok(()) };
    let ml = lang_of(&mentor);
    let flagged = env.work.in_crisis();
    if flagged && !q.flagged {
        env.work.db().await?.flag_question(q.id).await?;
    }
    if flagged && q.kind != QuestionKind::Urgent && q.held_until.is_some_and(|t| t > env.clock.now()) {
        night_button(&env, q.id);
    }
    let header = match (q.kind, env.ctx.user.role) {
        (QuestionKind::Anonymous, _) => t!(ml, "relay-header-anonymous"),
        (_, Some(Role::Parent)) => {
            let child = crate::kit::env::name_of(&env.work, q.student, ml).await?;
            t!(ml, "relay-header-parent", name = env.ctx.user.display_name(ml), student = child)
        }
        _ => student_header(&env, ml, &env.ctx.user).await?,
    };
    let flag = if env.ctx.user.role == Some(Role::Parent) {
        "relay-flag-crisis-parent"
    } else {
        "relay-flag-crisis"
    };
    let header = if q.flagged || flagged {
        format!("{}\n{header}", t!(ml, flag, emergency = EMERGENCY))
    } else {
        header
    };
    let header = format!("{header}\n{}", t!(ml, "relay-edited-mark"));
    edit_copy(&env, &msg, &q, &mentor, header, mentor_keyboard(ml, q.id), Priority::Notice).await
}
