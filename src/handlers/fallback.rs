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
    tell(&bot, &ctx, lang, text).await
}

pub async fn unknown_command(bot: Bot, ctx: Ctx, lang: Lang) -> HandlerResult {
    tell(&bot, &ctx, lang, "unknown-command").await
}

/// Stickers, locations, contacts, files… (until a feature takes them).
pub async fn unsupported(bot: Bot, ctx: Ctx, lang: Lang) -> HandlerResult {
    tell(&bot, &ctx, lang, "unsupported-message").await
}

/// Plain text outside any flow: a newcomer is told how to join, a member
/// where to find their commands.
pub async fn text_not_understood(bot: Bot, ctx: Ctx, lang: Lang) -> HandlerResult {
    let id = if ctx.user.role.is_none() { "not-in-programme" } else { "text-not-understood" };
    tell(&bot, &ctx, lang, id).await
}

/// An edit of an earlier message: nothing is re-done, the user is told.
pub async fn edited(bot: Bot, ctx: Ctx, lang: Lang) -> HandlerResult {
    tell(&bot, &ctx, lang, "edited-message").await
}

/// A button whose data we do not recognise, or that is no longer valid.
pub async fn stale_button(bot: Bot, q: CallbackQuery, ctx: Ctx) -> HandlerResult {
    let lang = ctx.lang.unwrap_or(Lang::Ru);
    answer(&bot, &q, Some(t!(lang, "button-stale"))).await
}

/// One localised message to the sender.
async fn tell(bot: &Bot, ctx: &Ctx, lang: Lang, id: &str) -> HandlerResult {
    say(bot, chat_of(ctx), t!(lang, id)).await?;
    Ok(())
}

pub fn is_command(msg: &Message) -> bool {
    msg.text().is_some_and(|t| t.starts_with('/'))
}
