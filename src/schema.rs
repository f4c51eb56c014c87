//! The one dptree tree: who the sender is, their dialogue, then a branch
//! per kind of input. Handlers live in `handlers/`, one file per feature.

use crate::commands::Command;
use crate::context::Ctx;
use crate::dialogue::{DialogueStorage, State};
use crate::error::Error;
use crate::handlers::{fallback, invite, onboarding};
use crate::keyboards::Callback;
use dptree::case;
use teloxide::dispatching::{HandlerExt, UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;

pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        // The intake loads the sender before dispatching (`Option<Ctx>`);
        // updates without one (channels, groups, bots) stop here.
        .filter_map(|ctx: Option<Ctx>| ctx)
        .enter_dialogue::<Update, DialogueStorage, State>()
        .branch(language_buttons())
        .branch(dptree::filter(|ctx: Ctx| ctx.lang.is_none()).branch(language_unknown()))
        .branch(dptree::filter_map(|ctx: Ctx| ctx.lang).branch(messages()).branch(edits()).branch(buttons()))
}

fn callback_data(q: CallbackQuery) -> Option<Callback> {
    q.data.as_deref().and_then(Callback::parse)
}

/// «Қазақша» / «Русский»: valid whatever else is going on. The chosen
/// language is injected as `Lang` (the user's own is not known here yet).
fn language_buttons() -> UpdateHandler<Error> {
    Update::filter_callback_query()
        .filter_map(callback_data)
        .branch(case![Callback::Lang(chosen)].endpoint(onboarding::language_chosen))
}

/// Before the language is known, everything leads to the language question.
fn language_unknown() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(onboarding::ask_language))
        .branch(Update::filter_edited_message().endpoint(onboarding::ask_language))
        .branch(Update::filter_callback_query().endpoint(fallback::stale_button))
}

fn commands() -> UpdateHandler<Error> {
    teloxide::filter_command::<Command, _>()
        // `/cancel` first: it leaves any flow, whatever the state.
        .branch(case![Command::Cancel].endpoint(fallback::cancel))
        .branch(case![Command::Start(code)].endpoint(onboarding::start))
        .branch(case![Command::Help].endpoint(onboarding::help))
        .branch(case![Command::Language].endpoint(onboarding::language_menu))
        .branch(case![Command::Invite(args)].map(invite::Env::new).endpoint(invite::command))
}

fn messages() -> UpdateHandler<Error> {
    Update::filter_message()
        .branch(commands())
        .branch(dptree::filter(|msg: Message| fallback::is_command(&msg)).endpoint(fallback::unknown_command))
        .branch(dptree::filter(invite::awaits_text).map(invite::Env::new).endpoint(invite::text_answer))
        .branch(dptree::filter(|msg: Message| msg.text().is_some()).endpoint(fallback::text_not_understood))
        .endpoint(fallback::unsupported)
}

fn edits() -> UpdateHandler<Error> {
    Update::filter_edited_message().endpoint(fallback::edited)
}

fn buttons() -> UpdateHandler<Error> {
    Update::filter_callback_query()
        .branch(dptree::filter_map(callback_data).map(invite::Env::new).endpoint(invite::button_pressed))
        // Garbage or forged data: answered, nothing changes.
        .endpoint(fallback::stale_button)
}
