//! Conversations: a student or parent writes, the mentor receives a copy
//! (never a forward) headed with who wrote; the mentor answers by replying
//! to the copy in Telegram, or with its «Reply» button, and the answer
//! arrives in the sender's chat as a reply to their own message.
//!
//! Copies are outbox items keyed `q:<question>:<part>` (`domain::relay`):
//! once sent, the outbox row holds Telegram's message id, which is how a
//! mentor's reply leads back to its question — only in the mentor's own
//! chat, and only for a question of theirs.

mod edits;
mod mentor;
mod questions;
mod send;

use crate::commands::Command;
use crate::dialogue::{RelayStep, State};
use crate::domain::{Lang, QuestionId, Role, User};
use crate::error::Error;
use crate::keyboards::{Callback, RelayCb, button};
use crate::kit::env::role_is;
use crate::{input, t};
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

/// The feature's sub-tree: `/ask`, `/anon`, `/questions`; plain messages to the mentor and
/// the mentor's answers; the buttons on a copy; edits of relayed messages.
/// Last of the features in the root: its plain messages take any
/// student's, parent's or mentor's message that no step took before.
pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(
            input::command()
                .branch(case![Command::Ask(text)].endpoint(send::ask))
                .branch(case![Command::Anon(text)].endpoint(send::anon))
                .branch(case![Command::Questions].endpoint(questions::questions)),
        )
        .branch(input::typed().branch(incoming()))
        .branch(input::press().branch(case![Callback::Relay(cb)].branch(buttons())))
        .branch(input::edit().endpoint(edits::edited))
}

/// Plain messages (text or media) of people who have someone to write to.
/// (Crisis words were answered before, by `handlers::crisis`.)
fn incoming() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(dptree::filter(role_is(Role::Student)).endpoint(send::student_message))
        .branch(dptree::filter(role_is(Role::Parent)).endpoint(send::parent_message))
        .branch(
            dptree::filter(role_is(Role::Mentor))
                .filter(|msg: Message| msg.reply_to_message().is_none())
                .branch(
                    case![State::Relay(step)]
                        .branch(case![RelayStep::Replying { question }].endpoint(mentor::replying)),
                ),
        )
        .branch(dptree::filter(role_is(Role::Mentor)).endpoint(mentor::mentor_message))
}

/// The buttons of conversations, each checked against who presses it.
fn buttons() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(
            dptree::filter(role_is(Role::Mentor))
                .branch(case![RelayCb::Reply(q)].endpoint(mentor::reply_pressed))
                .branch(case![RelayCb::Answered(q)].endpoint(mentor::answered_pressed))
                .branch(case![RelayCb::Block(q)].endpoint(mentor::block_pressed))
                .branch(case![RelayCb::Unblock(q)].endpoint(mentor::unblock_pressed)),
        )
        .branch(
            dptree::filter(role_is(Role::Parent))
                .branch(case![RelayCb::Child(student)].endpoint(send::child_picked)),
        )
}

pub(super) fn lang_of(user: &User) -> Lang {
    user.lang()
}

pub(super) fn mentor_keyboard(lang: Lang, q: QuestionId) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([
        vec![
            button(t!(lang, "relay-btn-reply"), Callback::Relay(RelayCb::Reply(q))),
            button(t!(lang, "relay-btn-answered"), Callback::Relay(RelayCb::Answered(q))),
        ],
        vec![button(t!(lang, "relay-btn-block"), Callback::Relay(RelayCb::Block(q)))],
    ])
}
