//! Commands, and the per-role, per-language menus Telegram shows.

use crate::domain::{Lang, Role};
use crate::t;
use crate::telegram::send;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Recipient};
use teloxide::utils::command::BotCommands;

#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    /// Joins with an invite code, or says hello.
    Start(String),
    Help,
    Language,
    Cancel,
    /// Optional one-line form, e.g. `/invite class 30 7`.
    Invite(String),
}

/// The commands a role sees, with the message id of each description.
pub fn menu(role: Option<Role>) -> Vec<(&'static str, &'static str)> {
    let invite = match role {
        Some(Role::Coordinator) => Some("cmd-invite-coordinator"),
        Some(Role::Mentor) => Some("cmd-invite-mentor"),
        Some(Role::Student) => Some("cmd-invite-student"),
        Some(Role::Parent) | None => None,
    };
    let mut items = Vec::new();
    if role.is_none() {
        items.push(("start", "cmd-start"));
    }
    if let Some(desc) = invite {
        items.push(("invite", desc));
    }
    items.push(("help", "cmd-help"));
    items.push(("language", "cmd-language"));
    if role.is_some() {
        items.push(("cancel", "cmd-cancel"));
    }
    items
}

pub fn bot_commands(role: Option<Role>, lang: Lang) -> Vec<BotCommand> {
    menu(role).into_iter().map(|(cmd, desc)| BotCommand::new(cmd, t!(lang, desc))).collect()
}

/// The menu of people who have not joined: one per language, and a
/// bilingual one for clients in any other language.
pub async fn set_default_menus(bot: &Bot) -> Result<(), teloxide::RequestError> {
    for lang in Lang::ALL {
        send(
            bot.set_my_commands(bot_commands(None, lang))
                .scope(BotCommandScope::Default)
                .language_code(lang.code()),
        )
        .await?;
    }
    let both = menu(None)
        .into_iter()
        .map(|(cmd, desc)| BotCommand::new(cmd, format!("{} / {}", t!(Lang::Kk, desc), t!(Lang::Ru, desc))))
        .collect::<Vec<_>>();
    send(bot.set_my_commands(both).scope(BotCommandScope::Default)).await?;
    Ok(())
}

/// The menu of one user: their role's commands in their language. A
/// failure only costs a stale menu, so it is logged, not raised.
pub async fn refresh_user_menu(bot: &Bot, chat: ChatId, role: Option<Role>, lang: Lang) {
    let request = bot
        .set_my_commands(bot_commands(role, lang))
        .scope(BotCommandScope::Chat { chat_id: Recipient::Id(chat) });
    if let Err(e) = send(request).await {
        tracing::warn!(chat = chat.0, error = %e, "could not set a user's command menu");
    }
}

/// `/help`: the role's introduction and its commands.
pub fn help_text(role: Option<Role>, lang: Lang) -> String {
    let intro = match role {
        None => t!(lang, "help-guest"),
        Some(Role::Coordinator) => t!(lang, "help-coordinator"),
        Some(Role::Mentor) => t!(lang, "help-mentor"),
        Some(Role::Student) => t!(lang, "help-student"),
        Some(Role::Parent) => t!(lang, "help-parent"),
    };
    let lines =
        menu(role).into_iter().map(|(cmd, desc)| format!("/{cmd} — {}", t!(lang, desc))).collect::<Vec<_>>();
    format!("{intro}\n{}", lines.join("\n"))
}

pub fn role_name(role: Role, lang: Lang) -> String {
    match role {
        Role::Coordinator => t!(lang, "role-coordinator"),
        Role::Mentor => t!(lang, "role-mentor"),
        Role::Student => t!(lang, "role-student"),
        Role::Parent => t!(lang, "role-parent"),
    }
}
