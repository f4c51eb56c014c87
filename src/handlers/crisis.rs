//! The safety net's first look at every message and edit: crisis words in
//! a text or a caption get the helplines at once — before the language
//! question, before an invite code is read (`/start не хочу жить`),
//! before any flow, for members and strangers alike. The intake has
//! already let such an update past the flood limit and ahead of its
//! chat's other updates (`intake::flood`).
//!
//! The answer is the unit of work's crisis answer (`Work::set_crisis_answer`),
//! urgent in the outbox; the rest of the tree still runs for members (the
//! relay flags the mentor's copy, and at night adds a button to the
//! answer), and for a stranger whose language is not known yet (the
//! language question follows). A stranger's answer is complete: nothing
//! else is said. Mentors and coordinators are not answered: they quote
//! their students' words.

use crate::config::Config;
use crate::context::Ctx;
use crate::domain::safety::{EMERGENCY, has_crisis_words, is_sos_command};
use crate::domain::{Lang, Role};
use crate::error::{Error, HandlerResult};
use crate::t;
use crate::work::Work;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::UpdateKind;

/// Crisis words in the update's text or caption (an SOS answers for itself).
fn crisis_words(update: Update) -> Option<()> {
    let msg = match &update.kind {
        UpdateKind::Message(m) | UpdateKind::EditedMessage(m) => m,
        _ => return None,
    };
    let text = msg.text().or_else(|| msg.caption())?;
    (!is_sos_command(text) && has_crisis_words(text)).then_some(())
}

/// Answers crisis words, then lets the rest of the tree run — except for
/// a stranger whose language is known: the answer is all they get.
pub fn first() -> UpdateHandler<Error> {
    dptree::filter_map(crisis_words)
        .filter(|ctx: Ctx| !matches!(ctx.user.role, Some(Role::Mentor | Role::Coordinator)))
        .inspect(answer)
        .filter(|ctx: Ctx| ctx.user.role.is_none() && ctx.lang.is_some())
        .endpoint(|| async { Ok(()) as HandlerResult })
}

fn answer(work: Work, ctx: Ctx, config: Config) {
    let id = match ctx.user.role {
        Some(Role::Student) => "crisis-helplines",
        Some(Role::Parent) => "crisis-parent",
        _ => "crisis-guest",
    };
    let text = match ctx.lang {
        Some(lang) => t!(lang, id, helplines = config.helplines.text(lang), emergency = EMERGENCY),
        // Not known yet: both, before the language question.
        None => {
            let [kk, ru] =
                Lang::ALL.map(|l| t!(l, id, helplines = config.helplines.text(l), emergency = EMERGENCY));
            format!("{kk}\n\n{ru}")
        }
    };
    work.set_crisis_answer(crate::handlers::chat_of(&ctx), text);
}
