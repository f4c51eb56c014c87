//! Commands, and the per-role, per-language menus Telegram shows.

use crate::domain::{Lang, Role};
use crate::t;
use crate::telegram::{Api, CallError};
use crate::work::Work;
use teloxide::payloads::{SetMyCommands, SetMyCommandsSetters};
use teloxide::types::{BotCommand, BotCommandScope, ChatId, Me, Message};
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
    /// A student or parent writes to the mentor (the text may follow).
    Ask(String),
    /// A student's next message (or this text) without their name.
    Anon(String),
    /// An urgent message (the text may follow).
    Sos(String),
    Mentees,
    /// A coordinator's mentors, their load, hand-overs.
    Mentors,
    Questions,
    Quiet,
    /// Optional one-line forms: `/slots add 2026-09-03 15:00 30 4`, `/slots weekly 2 15:00 17:00 30`.
    Slots(String),
    Book,
    Meetings,
    Today,
    Week,
    Stats,
    Export,
    Broadcast,
    /// What is stored about the sender, why, how long, who sees it.
    Privacy,
    /// Erases the sender's data, after a confirmation.
    Deleteme,
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
    match role {
        Some(Role::Student) => {
            items.push(("ask", "cmd-ask"));
            items.push(("anon", "cmd-anon"));
            items.push(("sos", "cmd-sos"));
        }
        Some(Role::Parent) => items.push(("ask", "cmd-ask-parent")),
        Some(Role::Mentor) => {
            items.push(("mentees", "cmd-mentees"));
            items.push(("questions", "cmd-questions"));
            items.push(("quiet", "cmd-quiet"));
        }
        Some(Role::Coordinator) | None => {}
    }
    if let Some(desc) = invite {
        items.push(("invite", desc));
    }
    match role {
        Some(Role::Mentor) => {
            items.push(("slots", "cmd-slots"));
            items.push(("today", "cmd-today"));
            items.push(("week", "cmd-week"));
            items.push(("meetings", "cmd-meetings"));
        }
        Some(Role::Student | Role::Parent) => {
            items.push(("book", "cmd-book"));
            items.push(("meetings", "cmd-meetings"));
        }
        Some(Role::Coordinator) => {
            items.push(("mentors", "cmd-mentors"));
            items.push(("stats", "cmd-stats"));
            items.push(("export", "cmd-export"));
        }
        None => {}
    }
    match role {
        Some(Role::Coordinator) => items.push(("broadcast", "cmd-broadcast")),
        Some(Role::Mentor) => items.push(("broadcast", "cmd-broadcast-mentor")),
        _ => {}
    }
    items.push(("privacy", "cmd-privacy"));
    items.push(("deleteme", "cmd-deleteme"));
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

/// The command a message carries, if any. One rule for text and captions
/// (a deep link pasted under a photo counts), and the command word in any
/// letter case (`/START CODE` is `/start CODE`).
pub fn parse(msg: &Message, me: &Me) -> Option<Command> {
    let text = msg.text().or_else(|| msg.caption())?.trim_start();
    if !text.starts_with('/') {
        return None;
    }
    let (word, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let normalised = match word.split_once('@') {
        Some((cmd, bot)) => format!("{}@{bot}", cmd.to_lowercase()),
        None => word.to_lowercase(),
    };
    let line = if rest.is_empty() { normalised } else { format!("{normalised} {rest}") };
    Command::parse(&line, me.username()).ok()
}

/// The menu of people who have not joined: one per language, and a
/// bilingual one for clients in any other language. Set at start, directly.
pub async fn set_default_menus(api: &Api) -> Result<(), CallError> {
    for lang in Lang::ALL {
        let menu = SetMyCommands::new(bot_commands(None, lang))
            .scope(BotCommandScope::Default)
            .language_code(lang.code());
        api.send(&menu).await?;
    }
    let both = menu(None)
        .into_iter()
        .map(|(cmd, desc)| BotCommand::new(cmd, format!("{} / {}", t!(Lang::Kk, desc), t!(Lang::Ru, desc))))
        .collect::<Vec<_>>();
    api.send(&SetMyCommands::new(both).scope(BotCommandScope::Default)).await?;
    Ok(())
}

/// The menu of one user: their role's commands in their language (through
/// the outbox, with the update's other answers).
pub fn refresh_user_menu(work: &Work, chat: ChatId, role: Option<Role>, lang: Lang) {
    work.set_commands(chat, bot_commands(role, lang));
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
