//! The one dptree tree: who the sender is, then a branch per kind of
//! input, and a sub-tree per feature. Handlers live in `handlers/`.

use crate::commands::Command;
use crate::context::Ctx;
use crate::error::Error;
use crate::handlers::{
    Env, agenda, booking, crisis, fallback, invite, meetings, mentees, onboarding, quiet, relay, reminders,
    slots, sos,
};
use crate::keyboards::Callback;
use dptree::case;
use teloxide::dispatching::{UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::Me;

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

/// Commands, in text or in a caption, in any letter case (`commands::parse`).
fn commands() -> UpdateHandler<Error> {
    dptree::filter_map(|msg: Message, me: Me| crate::commands::parse(&msg, &me))
        // `/cancel` first: it leaves any flow, whatever the state.
        .branch(case![Command::Cancel].endpoint(fallback::cancel))
        .branch(case![Command::Start(code)].endpoint(onboarding::start))
        .branch(case![Command::Help].endpoint(onboarding::help))
        .branch(case![Command::Language].endpoint(onboarding::language_menu))
        .branch(case![Command::Invite(args)].endpoint(invite::command))
        .branch(case![Command::Ask(text)].endpoint(relay::ask))
        .branch(case![Command::Anon(text)].endpoint(relay::anon))
        .branch(case![Command::Sos(text)].endpoint(sos::command))
        .branch(case![Command::Questions].endpoint(relay::questions))
        .branch(case![Command::Mentees].endpoint(mentees::command))
        .branch(case![Command::Quiet].endpoint(quiet::command))
        .branch(case![Command::Slots(args)].endpoint(slots::command))
        .branch(case![Command::Book].endpoint(booking::command))
        .branch(case![Command::Meetings].endpoint(meetings::command))
        .branch(case![Command::Today].endpoint(agenda::today))
        .branch(case![Command::Week].endpoint(agenda::week))
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
        .branch(invite::typed_answers())
        .branch(sos::typed_answers())
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
    Update::filter_edited_message().branch(sos::edits()).endpoint(relay::edited)
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
                .branch(invite::buttons())
                .branch(case![Callback::Relay(cb)].branch(relay::buttons()))
                .branch(case![Callback::Sos(cb)].branch(sos::buttons()))
                .branch(case![Callback::Quiet(cb)].branch(quiet::buttons()))
                .branch(case![Callback::Mentees(cb)].branch(mentees::buttons()))
                .branch(slots::buttons())
                .branch(booking::buttons())
                .branch(meetings::buttons())
                .branch(agenda::buttons())
                .branch(reminders::buttons()),
        )
        .endpoint(fallback::stale_button)
}
