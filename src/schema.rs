//! The one dptree tree: who the sender is, crisis words first, the
//! language, then the few branches everyone shares (`/cancel`, `/start`,
//! `/help`, `/language`), the list of features — each its own sub-tree
//! with its commands, its steps' typed answers and its buttons — and the
//! fallbacks. Handlers live in `handlers/`.

use crate::commands::Command;
use crate::context::Ctx;
use crate::error::Error;
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
                // The features moved to a `schema()` of their own.
                .branch(invite::schema())
                .branch(sos::schema())
                .branch(stats::schema())
                .branch(messages())
                .branch(edits())
                .branch(buttons()),
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

/// The commands of the features not moved to their own `schema()` yet.
fn commands() -> UpdateHandler<Error> {
    input::command()
        .branch(case![Command::Quiet].endpoint(quiet::command))
        .branch(case![Command::Slots(args)].endpoint(slots::command))
        .branch(case![Command::Book].endpoint(booking::command))
        .branch(case![Command::Meetings].endpoint(meetings::command))
        .branch(case![Command::Today].endpoint(agenda::today))
        .branch(case![Command::Week].endpoint(agenda::week))
        .branch(case![Command::Mentees].endpoint(mentees::command))
        .branch(case![Command::Ask(text)].endpoint(relay::ask))
        .branch(case![Command::Anon(text)].endpoint(relay::anon))
        .branch(case![Command::Questions].endpoint(relay::questions))
}

fn messages() -> UpdateHandler<Error> {
    Update::filter_message()
        .branch(commands())
        .branch(
            dptree::filter(|msg: Message| msg.text().is_some_and(|t| t.starts_with('/')))
                .endpoint(fallback::unknown_command),
        )
        // A flow's typed answers come before the relay: a topic typed while
        // booking is not a question for the mentor.
        .branch(slots::typed_answers())
        .branch(booking::typed_answers())
        .branch(meetings::typed_answers())
        .branch(agenda::typed_answers())
        // Plain text and media of people with someone to write to.
        .branch(mentees::typed_answers())
        .branch(relay::incoming())
        .branch(dptree::filter(|msg: Message| msg.text().is_some()).endpoint(fallback::text_not_understood))
        .endpoint(fallback::unsupported)
}

fn edits() -> UpdateHandler<Error> {
    Update::filter_edited_message().endpoint(relay::edited)
}

/// A press is routed to its feature's sub-tree, which accepts it only for
/// the right role in the right step; everything else — garbage, forged
/// data, a stale button, a button on a deleted message — is answered with
/// a toast and changes nothing.
fn buttons() -> UpdateHandler<Error> {
    Update::filter_callback_query()
        .branch(
            dptree::filter(|q: CallbackQuery| q.regular_message().is_some())
                .filter_map(callback_data)
                .branch(case![Callback::Quiet(cb)].branch(quiet::buttons()))
                .branch(slots::buttons())
                .branch(booking::buttons())
                .branch(meetings::buttons())
                .branch(agenda::buttons())
                .branch(reminders::buttons())
                .branch(case![Callback::Mentees(cb)].branch(mentees::buttons()))
                .branch(case![Callback::Relay(cb)].branch(relay::buttons())),
        )
        .endpoint(fallback::stale_button)
}
