//! What an update is to the features, decided once per update in the root
//! `schema()` (`Input::of`): a known command, an unknown one, any other
//! message (a step's typed answer, plain text, media), a press we can
//! read. Each feature's `schema()` takes its share through `command()`,
//! `typed()`, `press()` and `edit()`: a command is never anyone's typed
//! answer, whatever the step, and a typed answer never a command — so
//! the features' order in the root decides nothing between them.
//!
//! Uses no feature (features and the root schema use it).

use crate::commands::{self, Command};
use crate::error::Error;
use crate::keyboards::Callback;
use dptree::case;
use teloxide::dispatching::{UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{Me, UpdateKind};

#[derive(Clone, Debug)]
pub enum Input {
    /// A command of ours, in a text or a caption, in any letter case
    /// (`commands::parse`).
    Command(Command),
    /// A text that starts with `/` and is no command of ours.
    UnknownCommand,
    /// Any other message: a step's typed answer, plain text, media.
    Typed,
    /// A press on a message, with data we can read (`Callback::parse`).
    Press(Callback),
    /// Anything else: an edit, a press we cannot read or on no message.
    Other,
}

impl Input {
    pub fn of(update: Update, me: Me) -> Input {
        match &update.kind {
            UpdateKind::Message(msg) => match commands::parse(msg, &me) {
                Some(command) => Input::Command(command),
                None if msg.text().is_some_and(|t| t.starts_with('/')) => Input::UnknownCommand,
                None => Input::Typed,
            },
            UpdateKind::CallbackQuery(q) if q.regular_message().is_some() => {
                q.data.as_deref().and_then(Callback::parse).map_or(Input::Other, Input::Press)
            }
            _ => Input::Other,
        }
    }
}

/// A message with a command of ours: its `Command` (and the `Message`)
/// handed on, for `case![Command::X]`.
pub fn command() -> UpdateHandler<Error> {
    Update::filter_message().chain(case![Input::Command(command)])
}

/// A message that is no command, known or not: a step's typed answer, a
/// plain text, media (the `Message` handed on).
pub fn typed() -> UpdateHandler<Error> {
    Update::filter_message().filter(|input: Input| matches!(input, Input::Typed))
}

/// A press on a message, its data read: the `Callback` (and the
/// `CallbackQuery`) handed on, for `case![Callback::X(cb)]`.
pub fn press() -> UpdateHandler<Error> {
    Update::filter_callback_query().chain(case![Input::Press(callback)])
}

/// An edited message (the `Message` handed on).
pub fn edit() -> UpdateHandler<Error> {
    Update::filter_edited_message()
}
