//! The mentor's side: answers (a Telegram reply, or after «Reply»), and
//! the buttons on a copy.

use super::lang_of;
use crate::db::Question;
use crate::dialogue::{MenteesStep, RelayStep, State};
use crate::domain::QuestionId;
use crate::domain::relay::QuestionKind;
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, RelayCb, button};
use crate::kit::copy::{Content, Copy, content_of, mark_delivered, queue_copy};
use crate::kit::env::{Env, stale};
use crate::t;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

/// A mentor's plain message: an answer (a Telegram reply to a copy, or
/// after «Reply»), or a word on how to answer.
pub(super) async fn mentor_message(env: Env, msg: Message, state: State) -> HandlerResult {
    let me = env.ctx.user.id;
    if let Some(replied) = msg.reply_to_message() {
        let found = env.work.db().await?.question_of_copy(env.chat().0, i64::from(replied.id.0)).await?;
        let question = match found {
            Some(id) => env.work.db().await?.question(id).await?,
            None => None,
        };
        match question {
            Some(q) if q.mentor == me => {
                if matches!(
                    state,
                    State::Relay(RelayStep::Replying { .. }) | State::Mentees(MenteesStep::Writing { .. })
                ) {
                    env.work.exit();
                }
                return answer(&env, &msg, &q).await;
            }
            _ => {
                env.tell("relay-reply-not-a-question");
                return Ok(());
            }
        }
    }
    env.tell("relay-mentor-how-to-answer");
    Ok(())
}

/// After «Reply»: the mentor's next message (not a Telegram reply, which
/// `mentor_message` takes) answers this question.
pub(super) async fn replying(env: Env, msg: Message, question: QuestionId) -> HandlerResult {
    env.work.exit();
    let q = env.work.db().await?.question(question).await?;
    match q.filter(|q| q.mentor == env.ctx.user.id) {
        Some(q) => answer(&env, &msg, &q).await,
        None => {
            env.tell("relay-mentor-how-to-answer");
            Ok(())
        }
    }
}

/// The mentor's answer, copied to the sender as a reply to their message.
pub(super) async fn answer(env: &Env, msg: &Message, q: &Question) -> HandlerResult {
    let content = content_of(msg);
    if matches!(content, Content::Unsupported) {
        env.tell("relay-kind-not-delivered");
        return Ok(());
    }
    let Some(sender) = env.work.db().await?.user(q.sender).await? else {
        // The writer has left and was forgotten (`/deleteme`).
        env.tell("relay-sender-gone");
        return Ok(());
    };
    let sl = lang_of(&sender);
    let header = t!(sl, "relay-answer-header", mentor = env.ctx.user.display_name(sl));
    let anonymous = q.kind == QuestionKind::Anonymous;
    queue_copy(
        env,
        Copy {
            q: Some(q.id),
            reply_to: Some(q.chat_message_id),
            part: format!("a{}", msg.id.0),
            ..Copy::from_mentor(env, msg, &sender, header, &content, anonymous)
        },
    );
    env.work.db().await?.mark_answered(q.id, env.clock.now()).await?;
    mark_delivered(env, msg.id);
    tracing::info!(question = q.id.0, "answer relayed");
    Ok(())
}

/// The question behind a press, if it is the presser's (and its writer
/// has not been forgotten since).
pub(super) async fn own_question(env: &Env, id: QuestionId) -> Result<Option<Question>, Error> {
    let q = env.work.db().await?.question(id).await?;
    Ok(q.filter(|q| q.mentor == env.ctx.user.id && !q.sender.is_forgotten()))
}

pub(super) async fn reply_pressed(env: Env, press: CallbackQuery, id: QuestionId) -> HandlerResult {
    let Some(q) = own_question(&env, id).await? else { return stale(&env, &press) };
    env.work.answer(&press, None);
    env.work.set_state(State::Relay(RelayStep::Replying { question: q.id }));
    let text = match q.kind {
        QuestionKind::Anonymous => t!(env.lang, "relay-reply-prompt-anonymous"),
        _ => {
            let name = crate::kit::env::name_of(&env.work, q.sender, env.lang).await?;
            t!(env.lang, "relay-reply-prompt", name = name)
        }
    };
    env.work.say(env.chat(), text);
    Ok(())
}

pub(super) async fn answered_pressed(env: Env, press: CallbackQuery, id: QuestionId) -> HandlerResult {
    let Some(q) = own_question(&env, id).await? else { return stale(&env, &press) };
    let newly = env.work.db().await?.mark_answered(q.id, env.clock.now()).await?;
    let toast = if newly { "relay-marked-answered" } else { "relay-already-answered" };
    env.work.answer(&press, Some(t!(env.lang, toast)));
    Ok(())
}

/// Blocks the question's sender. An anonymous writer's block is kept apart
/// (by question), so that no student's card ever shows it.
pub(super) async fn block_pressed(env: Env, press: CallbackQuery, id: QuestionId) -> HandlerResult {
    let Some(q) = own_question(&env, id).await? else { return stale(&env, &press) };
    let (mentor, now) = (env.ctx.user.id, env.clock.now());
    if q.kind == QuestionKind::Anonymous {
        env.work.db().await?.block_anonymous(mentor, q.id, q.sender, now).await?;
    } else {
        env.work.db().await?.set_blocked(mentor, q.sender, true, now).await?;
    }
    env.work.answer(&press, None);
    let keyboard = InlineKeyboardMarkup::new([[button(
        t!(env.lang, "relay-btn-unblock"),
        Callback::Relay(RelayCb::Unblock(q.id)),
    )]]);
    env.work.say_with(env.chat(), t!(env.lang, "relay-block-done"), keyboard);
    Ok(())
}

pub(super) async fn unblock_pressed(env: Env, press: CallbackQuery, id: QuestionId) -> HandlerResult {
    let Some(q) = own_question(&env, id).await? else { return stale(&env, &press) };
    if q.kind == QuestionKind::Anonymous {
        env.work.db().await?.unblock_anonymous(env.ctx.user.id, q.id).await?;
    } else {
        env.work.db().await?.set_blocked(env.ctx.user.id, q.sender, false, env.clock.now()).await?;
    }
    env.work.answer(&press, None);
    env.work.clear_keyboard(&press);
    env.tell("relay-unblock-done");
    Ok(())
}
