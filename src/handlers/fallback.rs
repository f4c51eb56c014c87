//! `/cancel`, and the answers to what the bot does not understand.

use super::{answer, chat_of, say};
use crate::context::Ctx;
use crate::dialogue::{Dialogue, State};
use crate::domain::Lang;
use crate::error::HandlerResult;
use crate::t;
use teloxide::prelude::*;

pub async fn cancel(bot: Bot, ctx: Ctx, lang: Lang, dialogue: Dialogue, state: State) -> HandlerResult {
    let text = if state == State::Idle { "cancel-nothing" } else { "cancel-done" };
    dialogue.exit().await?;
    say(&bot, chat_of(&ctx), t!(lang, text)).await?;
    Ok(())
}

pub async fn unknown_command(bot: Bot, ctx: Ctx, lang: Lang) -> HandlerResult {
    say(&bot, chat_of(&ctx), t!(lang, "unknown-command")).await?;
    Ok(())
}

/// Stickers, locations, contacts, files… (until a feature takes them).
pub async fn unsupported(bot: Bot, ctx: Ctx, lang: Lang) -> HandlerResult {
    say(&bot, chat_of(&ctx), t!(lang, "unsupported-message")).await?;
    Ok(())
}

/// Plain text outside any flow: a newcomer is told how to join, a member
/// where to find their commands.
pub async fn text_not_understood(bot: Bot, ctx: Ctx, lang: Lang) -> HandlerResult {
    let id = if ctx.user.role.is_none() { "not-in-programme" } else { "text-not-understood" };
    say(&bot, chat_of(&ctx), t!(lang, id)).await?;
    Ok(())
}

/// An edit of an earlier message: nothing is re-done, the user is told.
pub async fn edited(bot: Bot, ctx: Ctx, lang: Lang) -> HandlerResult {
    say(&bot, chat_of(&ctx), t!(lang, "edited-message")).await?;
    Ok(())
}

/// A button whose data we do not recognise, or that is no longer valid.
pub async fn stale_button(bot: Bot, q: CallbackQuery, ctx: Ctx) -> HandlerResult {
    let lang = ctx.lang.unwrap_or(Lang::Ru);
    answer(&bot, &q, Some(t!(lang, "button-stale"))).await
}

pub fn is_command(msg: &Message) -> bool {
    msg.text().is_some_and(|t| t.starts_with('/'))
}
