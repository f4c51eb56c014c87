//! First contact, choosing a language, `/start` with or without an invite,
//! `/help`.

use super::{answer, chat_of, clear_keyboard, say, say_with};
use crate::commands::{Command, help_text, refresh_user_menu, role_name};
use crate::context::Ctx;
use crate::db::{Db, RedeemOutcome};
use crate::dialogue::{Dialogue, State};
use crate::domain::invite::{InviteCode, RedeemError};
use crate::domain::time::SharedClock;
use crate::domain::{Lang, Role};
use crate::error::HandlerResult;
use crate::keyboards;
use crate::t;
use teloxide::prelude::*;
use teloxide::types::Me;
use teloxide::utils::command::BotCommands;

/// Anything from someone whose language we do not know yet: ask, and keep
/// an invite they opened (now or in an earlier message) for after the choice.
pub async fn ask_language(
    bot: Bot,
    msg: Message,
    me: Me,
    ctx: Ctx,
    dialogue: Dialogue,
    state: State,
) -> HandlerResult {
    let earlier = match state {
        State::AwaitLanguage { start_code } => start_code,
        _ => None,
    };
    let start_code = msg
        .text()
        .and_then(|text| Command::parse(text, me.username()).ok())
        .and_then(|cmd| match cmd {
            Command::Start(code) if !code.trim().is_empty() => Some(code.trim().to_owned()),
            _ => None,
        })
        .or(earlier);
    dialogue.update(State::AwaitLanguage { start_code }).await?;
    say_with(&bot, chat_of(&ctx), t!(Lang::Kk, "language-ask"), keyboards::languages()).await?;
    Ok(())
}

/// `/language`: the two buttons.
pub async fn language_menu(bot: Bot, ctx: Ctx, lang: Lang) -> HandlerResult {
    say_with(&bot, chat_of(&ctx), t!(lang, "language-choose"), keyboards::languages()).await?;
    Ok(())
}

/// A language button. Valid at any time; a repeated press changes nothing.
pub async fn language_chosen(
    bot: Bot,
    q: CallbackQuery,
    chosen: Lang,
    ctx: Ctx,
    dialogue: Dialogue,
    state: State,
    db: Db,
    clock: SharedClock,
) -> HandlerResult {
    let pending = match state {
        State::AwaitLanguage { start_code } => Some(start_code),
        _ => None,
    };
    if pending.is_none() && ctx.lang == Some(chosen) {
        return answer(&bot, &q, Some(t!(chosen, "language-set"))).await;
    }
    db.set_language(ctx.user.id, chosen, clock.now()).await?;
    answer(&bot, &q, None).await?;
    clear_keyboard(&bot, &q).await;
    let chat = chat_of(&ctx);
    say(&bot, chat, t!(chosen, "language-set")).await?;
    if pending.is_some() {
        dialogue.exit().await?;
    }
    let ctx = Ctx { lang: Some(chosen), ..ctx };
    match pending.flatten() {
        Some(code) => redeem(&bot, &ctx, chosen, &code, &db, &clock).await,
        None => greet(&bot, &ctx, chosen).await,
    }
}

/// `/start` and `/start <code>`.
pub async fn start(
    bot: Bot,
    ctx: Ctx,
    lang: Lang,
    code: String,
    dialogue: Dialogue,
    db: Db,
    clock: SharedClock,
) -> HandlerResult {
    let code = code.trim();
    if code.is_empty() {
        return greet(&bot, &ctx, lang).await;
    }
    dialogue.exit().await?;
    redeem(&bot, &ctx, lang, code, &db, &clock).await
}

pub async fn help(bot: Bot, ctx: Ctx, lang: Lang) -> HandlerResult {
    say(&bot, chat_of(&ctx), help_text(ctx.user.role, lang)).await?;
    Ok(())
}

/// Hello to a newcomer, or a member's role and commands (their menu is
/// refreshed too: a coordinator named in TALIMGER_ADMINS gets it here).
async fn greet(bot: &Bot, ctx: &Ctx, lang: Lang) -> HandlerResult {
    if ctx.user.role.is_some() {
        refresh_user_menu(bot, chat_of(ctx), ctx.user.role, lang).await;
    }
    let text = match ctx.user.role {
        None => t!(lang, "start-guest"),
        Some(role) => format!(
            "{}\n\n{}",
            t!(lang, "start-known", name = ctx.user.display_name(), role = role_name(role, lang)),
            help_text(Some(role), lang)
        ),
    };
    say(bot, chat_of(ctx), text).await?;
    Ok(())
}

/// Redeems an invite and says who the user now is and what they can do.
async fn redeem(bot: &Bot, ctx: &Ctx, lang: Lang, raw: &str, db: &Db, clock: &SharedClock) -> HandlerResult {
    let chat = chat_of(ctx);
    let Ok(code) = InviteCode::parse(raw) else {
        say(bot, chat, t!(lang, "invite-malformed")).await?;
        return Ok(());
    };
    let joined = match db.redeem_invite(&code, ctx.user.id, clock.now()).await? {
        RedeemOutcome::Joined(joined) => joined,
        RedeemOutcome::Rejected(reason) => {
            let text = match reason {
                RedeemError::Unknown => t!(lang, "invite-unknown"),
                RedeemError::Expired => t!(lang, "invite-expired"),
                RedeemError::UsedUp => t!(lang, "invite-used-up"),
                RedeemError::AlreadyRegistered(role) => {
                    t!(lang, "invite-already-registered", role = role_name(role, lang))
                }
                RedeemError::AlreadyLinked => t!(lang, "invite-already-linked"),
                RedeemError::HasOtherMentor => {
                    let mentor =
                        db.mentor_of(ctx.user.id).await?.map(|m| m.display_name()).unwrap_or_default();
                    t!(lang, "invite-other-mentor", mentor = mentor)
                }
                RedeemError::OwnParentInvite => t!(lang, "invite-own-parent-link"),
            };
            say(bot, chat, text).await?;
            return Ok(());
        }
    };
    let name = |u: &Option<crate::domain::User>| u.as_ref().map(|u| u.display_name()).unwrap_or_default();
    let school = joined.school.clone().unwrap_or_default();
    let district = joined.district.clone().unwrap_or_default();
    let headline = match joined.role {
        Role::Coordinator if district.is_empty() => t!(lang, "joined-coordinator"),
        Role::Coordinator => t!(lang, "joined-coordinator-district", district = district),
        Role::Mentor => t!(lang, "joined-mentor", school = school, district = district),
        Role::Student => t!(lang, "joined-student", mentor = name(&joined.mentor)),
        Role::Parent => {
            let children = db.children_of(ctx.user.id).await?.len() as i64;
            if children > 1 {
                t!(lang, "joined-parent-more", student = name(&joined.student), count = children)
            } else {
                t!(lang, "joined-parent", student = name(&joined.student))
            }
        }
    };
    say(bot, chat, format!("{headline}\n\n{}", help_text(Some(joined.role), lang))).await?;
    refresh_user_menu(bot, chat, Some(joined.role), lang).await;
    Ok(())
}
