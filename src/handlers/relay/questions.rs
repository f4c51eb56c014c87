//! `/questions`: the unanswered ones.

use crate::domain::Role;
use crate::domain::relay::QuestionKind;
use crate::error::HandlerResult;
use crate::keyboards::{Callback, RelayCb, button};
use crate::kit::env::Env;
use crate::t;
use teloxide::types::InlineKeyboardMarkup;

/// `/questions`: the unanswered ones, oldest first, with how long each has
/// waited, and buttons to answer them or mark them answered.
pub async fn questions(env: Env) -> HandlerResult {
    if env.ctx.user.role != Some(Role::Mentor) {
        env.tell("relay-questions-not-available");
        return Ok(());
    }
    let open = env.work.db().await?.open_questions(env.ctx.user.id, 10).await?;
    let total = env.work.db().await?.open_question_count(env.ctx.user.id).await?;
    if open.is_empty() {
        env.tell("relay-questions-none");
        return Ok(());
    }
    let now = env.clock.now();
    let mut lines = vec![t!(env.lang, "relay-questions-title", count = total)];
    let mut rows = Vec::new();
    for (i, q) in open.iter().enumerate() {
        let n = i + 1;
        let who = match q.kind {
            QuestionKind::Anonymous => t!(env.lang, "relay-questions-anonymous"),
            _ => crate::kit::env::name_of(&env.work, q.sender, env.lang).await?,
        };
        let waited = crate::kit::words::waited(env.lang, q.created_at, now);
        let urgent = if q.kind == QuestionKind::Urgent {
            format!("{} ", t!(env.lang, "relay-questions-urgent"))
        } else {
            String::new()
        };
        lines.push(format!("{n}. {urgent}{who} — {waited}"));
        rows.push(vec![
            button(
                format!("{n}. {}", t!(env.lang, "relay-btn-reply")),
                Callback::Relay(RelayCb::Reply(q.id)),
            ),
            button(
                format!("{n}. {}", t!(env.lang, "relay-btn-answered")),
                Callback::Relay(RelayCb::Answered(q.id)),
            ),
        ]);
    }
    env.work.say_with(env.chat(), lines.join("\n"), InlineKeyboardMarkup::new(rows));
    Ok(())
}
