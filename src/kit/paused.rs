//! A mentor whom a coordinator took out of the programme (`/mentors`):
//! what they are told instead of any mentor's answer, and the menu they
//! are left with (`/help`, `/language`, `/privacy`, `/deleteme`). `/mentors` answers everything
//! such a mentor sends with it, and tells them when it happens;
//! onboarding greets them with it after a change of language.

use crate::domain::Lang;
use crate::kit::env::Env;
use crate::t;
use crate::work::Work;
use teloxide::types::{BotCommand, CallbackQuery, ChatId};

/// The commands left to them.
const MENU: [(&str, &str); 4] = [
    ("help", "cmd-help"),
    ("language", "cmd-language"),
    ("privacy", "cmd-privacy"),
    ("deleteme", "cmd-deleteme"),
];

/// Their menu, in their language (through the outbox).
pub fn refresh_menu(work: &Work, chat: ChatId, lang: Lang) {
    let menu = MENU.iter().map(|(cmd, desc)| BotCommand::new(*cmd, t!(lang, desc))).collect();
    work.set_commands(chat, menu);
}

/// Why a mentor's command, message or button does nothing now, and what
/// is left.
pub fn text(lang: Lang) -> String {
    let lines = MENU.iter().map(|(cmd, desc)| format!("/{cmd} — {}", t!(lang, desc))).collect::<Vec<_>>();
    format!("{}\n{}", t!(lang, "mentors-paused"), lines.join("\n"))
}

/// The answer to anything they send.
pub fn tell(env: &Env) {
    env.work.say(env.chat(), text(env.lang));
}

/// Their greeting (after `/start`, or a change of language): the answer,
/// and their menu set again in their language.
pub fn greet(env: &Env) {
    tell(env);
    refresh_menu(&env.work, env.chat(), env.lang);
}

/// The answer to a press: a toast, and nothing changes.
pub fn toast(env: &Env, q: &CallbackQuery) {
    env.work.answer(q, Some(t!(env.lang, "mentors-paused-toast")));
}
