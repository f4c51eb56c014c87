//! The one dptree tree: who the sender is, crisis words first, the
//! language, then the few branches everyone shares (`/cancel`, `/start`,
//! `/help`, `/language`), the list of features — each its own sub-tree
//! with its commands, its steps' typed answers and its buttons — and the
//! fallbacks. Handlers live in `handlers/`.

use crate::commands::Command;
use crate::context::Ctx;
use crate::error::Error;
use crate::handlers::radar;
use crate::handlers::{
    Env, agenda, booking, crisis, fallback, invite, meetings, mentees, onboarding, quiet, relay, reminders,
    slots, sos, stats,
};
use crate::input::{self, Input};
use crate::keyboards::Callback;
use dptree::case;
use teloxide::dispatching::{UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;

pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        // The intake loads the sender before dispatching (`Option<Ctx>`);
        // updates without one (channels, groups, bots) stop here.
        .filter_map(|ctx: Option<Ctx>| ctx)
        // Crisis words first, before anything else reads the message.
        .branch(crisis::first())
        .branch(language_buttons())
        .branch(dptree::filter(|ctx: Ctx| ctx.lang.is_none()).branch(language_unknown()))
        .branch(
            dptree::filter_map(|ctx: Ctx| ctx.lang)
                .map(Env::new)
                // What the update is, once: a command, a typed answer, a
                // press (`input`). A command is never a step's typed answer.
                .map(Input::of)
                .branch(everyones_commands())
                // The features. A step's typed answer is its feature's, so
                // the order among them decides nothing — but the relay's
                // plain messages take whatever no step took: it stays last.
                .branch(invite::schema())
                .branch(sos::schema())
                .branch(quiet::schema())
                .branch(slots::schema())
                .branch(booking::schema())
                .branch(meetings::schema())
                .branch(agenda::schema())
                .branch(reminders::schema())
                .branch(stats::schema())
                .branch(input::press().branch(radar::buttons()))
                .branch(mentees::schema())
                .branch(relay::schema())
                .branch(fallbacks()),
        )
}

fn callback_data(q: CallbackQuery) -> Option<Callback> {
    q.data.as_deref().and_then(Callback::parse)
}

/// «Қазақша» / «Русский»: valid whatever else is going on. The chosen
/// language is injected as `Lang` (the user's own is not known here yet).
fn language_buttons() -> UpdateHandler<Error> {
    Update::filter_callback_query().filter_map(callback_data).branch(onboarding::language_buttons())
}

/// Before the language is known, everything leads to the language question.
fn language_unknown() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(onboarding::ask_language))
        .branch(Update::filter_edited_message().endpoint(onboarding::ask_language))
        .branch(Update::filter_callback_query().endpoint(fallback::stale_button))
}

/// `/cancel` (it leaves any flow, whatever the state), `/start`, `/help`
/// and `/language`: everyone's, in any step.
fn everyones_commands() -> UpdateHandler<Error> {
    input::command()
        .branch(case![Command::Cancel].endpoint(fallback::cancel))
        .branch(case![Command::Start(code)].endpoint(onboarding::start))
        .branch(case![Command::Help].endpoint(onboarding::help))
        .branch(case![Command::Language].endpoint(onboarding::language_menu))
}

/// What no feature took: an unknown command, text outside any flow,
/// stickers and the like; a press that is garbage, forged, stale, or on a
/// deleted message gets a toast and changes nothing.
fn fallbacks() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(
            Update::filter_message()
                .branch(
                    dptree::filter(|input: Input| matches!(input, Input::Command(_) | Input::UnknownCommand))
                        .endpoint(fallback::unknown_command),
                )
                .branch(
                    dptree::filter(|msg: Message| msg.text().is_some())
                        .endpoint(fallback::text_not_understood),
                )
                .endpoint(fallback::unsupported),
        )
        .branch(Update::filter_callback_query().endpoint(fallback::stale_button))
}
