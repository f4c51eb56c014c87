//! The mentor's default place, typed.

use crate::dialogue::{SlotsStep, State};
use crate::domain::slots::clean_place;
use crate::domain::user::PlaceNameError;
use crate::error::HandlerResult;
use crate::kit::env::Env;
use crate::kit::meeting::accept;
use crate::t;
use teloxide::prelude::*;

pub(super) async fn ask_place(env: &Env) -> HandlerResult {
    env.work.set_state(State::Slots(SlotsStep::Place));
    env.tell("sched-ask-place");
    Ok(())
}

pub(super) async fn place_pressed(env: Env, q: CallbackQuery) -> HandlerResult {
    accept(&env, &q);
    ask_place(&env).await
}

pub(super) async fn place_typed(env: Env, msg: Message) -> HandlerResult {
    save_place(&env, msg.text().unwrap_or_default()).await
}

pub(super) async fn save_place(env: &Env, raw: &str) -> HandlerResult {
    match clean_place(raw) {
        Ok(place) => {
            env.work.db().await?.set_default_place(env.ctx.user.id, &place, env.clock.now()).await?;
            env.work.exit();
            env.work.say(env.chat(), t!(env.lang, "sched-place-saved", place = place));
        }
        Err(PlaceNameError::Bidi) => env.tell("sched-place-bidi"),
        Err(PlaceNameError::Invisible) => env.tell("sched-place-invisible"),
        Err(PlaceNameError::Empty | PlaceNameError::TooLong { .. }) => env.tell("sched-place-invalid"),
    }
    Ok(())
}
