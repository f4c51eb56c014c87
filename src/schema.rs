//! The one dptree tree: who the sender is, crisis words first, the
//! language, `/cancel`, then the list of features — each its own sub-tree
//! with its commands, its steps' typed answers and its buttons — and the
//! fallbacks. Handlers live in `handlers/`.

use crate::commands::Command;
use crate::context::Ctx;
use crate::error::Error;
use crate::handlers::{
    Env, agenda, booking, broadcast, crisis, export, fallback, invite, meetings, mentees, mentors,
    onboarding, privacy, quiet, relay, reminders, slots, sos, stats,
};
use crate::input::{self, Input};
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
        .branch(onboarding::language())
        .branch(
            dptree::filter_map(|ctx: Ctx| ctx.lang)
                .map(Env::new)
                // What the update is, once: a command, a typed answer, a
                // press (`input`). A command is never a step's typed answer.
                .map(Input::of)
                // `/cancel` leaves any flow, whatever the state.
                .branch(input::command().branch(case![Command::Cancel].endpoint(fallback::cancel)))
                // A mentor the coordinator took out of the programme: only
                // `/language` (and `/cancel`) get past this.
                .branch(mentors::paused())
                .branch(onboarding::schema())
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
                .branch(export::schema())
                .branch(mentors::schema())
                .branch(broadcast::schema())
                .branch(mentees::schema())
                .branch(privacy::schema())
                .branch(relay::schema())
                .branch(fallbacks()),
        )
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
        .branch(Update::filter_callback_query().endpoint(crate::kit::env::stale_button))
}
