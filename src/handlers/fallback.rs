//! `/cancel`, and the answers to what the bot does not understand.

use super::Env;
use crate::dialogue::State;
use crate::error::HandlerResult;

pub async fn cancel(env: Env, state: State) -> HandlerResult {
    let text = if state == State::Idle { "cancel-nothing" } else { "cancel-done" };
    env.work.exit();
    env.tell(text);
    Ok(())
}

pub async fn unknown_command(env: Env) -> HandlerResult {
    env.tell_fallback("unknown-command");
    Ok(())
}

/// Stickers, locations, contacts, files… (until a feature takes them).
pub async fn unsupported(env: Env) -> HandlerResult {
    env.tell_fallback("unsupported-message");
    Ok(())
}

/// Plain text outside any flow: a newcomer is told how to join, a member
/// where to find their commands.
pub async fn text_not_understood(env: Env) -> HandlerResult {
    if env.ctx.user.role.is_none() {
        env.tell("not-in-programme");
    } else {
        env.tell_fallback("text-not-understood");
    }
    Ok(())
}
