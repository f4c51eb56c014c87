//! «History»: the writer's last broadcasts (their own, not a colleague's),
//! newest first, each with when, to whom, and its ledger counted —
//! delivered, not delivered, blocked the bot, cancelled.

use super::{Env, audience_text, counted, phase};
use crate::domain::broadcast::HISTORY;
use crate::domain::calendar::when_text;
use crate::error::HandlerResult;
use crate::t;
use teloxide::prelude::*;

pub(super) async fn show(env: Env, press: CallbackQuery) -> HandlerResult {
    env.work.answer(&press, None);
    let list = env.work.db().await?.broadcast_history(env.ctx.user.id, HISTORY).await?;
    if list.is_empty() {
        env.tell("broadcast-history-none");
        return Ok(());
    }
    let lang = env.lang;
    let mut parts = vec![t!(lang, "broadcast-history-title")];
    for (b, counts) in list {
        let when = when_text(lang, env.config.tz, b.sent_at.unwrap_or(b.created_at));
        let to = audience_text(&env.work, lang, b.audience).await?;
        let more = vec![("when", when.into()), ("phase", phase(&b).into()), ("audience", to.into())];
        parts.push(counted(lang, "broadcast-history-item", &counts, more));
    }
    env.work.say(env.chat(), parts.join("\n\n"));
    Ok(())
}
