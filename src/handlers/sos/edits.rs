//! An SOS message edited: the alert keeps its header and «I'm on it».

use super::ack_keyboard;
use crate::db::{Priority, Question};
use crate::domain::Role;
use crate::domain::relay::QuestionKind;
use crate::error::HandlerResult;
use crate::kit::copy::edit_copy;
use crate::kit::env::Env;
use crate::t;
use teloxide::prelude::*;

/// The urgent question a student's or parent's edited message belongs to.
pub(super) async fn urgent_question_of_edit(env: Env, msg: Message) -> Option<Question> {
    if !matches!(env.ctx.user.role, Some(Role::Student | Role::Parent)) {
        return None;
    }
    let mut db = env.work.db().await.ok()?;
    let q = db.question_from_message(env.ctx.user.id, i64::from(msg.id.0)).await.ok()??;
    (q.kind == QuestionKind::Urgent).then_some(q)
}

/// The SOS alert's copy edited in place (or, where it cannot be, sent
/// again), keeping its header and «I'm on it».
pub(super) async fn sos_edited(env: Env, msg: Message, q: Question) -> HandlerResult {
    env.work.drop_crisis_answer();
    let Some(mentor) = env.work.db().await?.user(q.mentor).await? else { return Ok(()) };
    if mentor.role != Some(Role::Mentor) {
        // The alert went to the coordinators only: nothing to edit.
        env.tell_fallback("edited-message");
        return Ok(());
    }
    let ml = mentor.lang();
    let me = env.ctx.user.clone();
    let header = if q.student != me.id {
        let student = crate::kit::env::name_of(&env.work, q.student, ml).await?;
        t!(ml, "sos-header-parent", name = me.display_name(ml), student = student)
    } else {
        t!(ml, "sos-header", name = me.display_name(ml))
    };
    let header = format!("{header}\n{}", t!(ml, "relay-edited-mark"));
    edit_copy(&env, &msg, &q, &mentor, header, ack_keyboard(ml, q.id), Priority::Urgent).await
}
