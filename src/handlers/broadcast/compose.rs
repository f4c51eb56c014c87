//! The text of a broadcast: text only (anything else is answered, the
//! step stays), short enough to arrive as one message with its header in
//! either language, kept as a draft and previewed exactly as it arrives —
//! one message per language among the recipients — with who it is for and
//! how many; «Send» starts it once (`progress::start`), «Don't send»
//! drops it. A new text in the same step replaces the draft.

use super::{Env, allowed, audience_text, copy_text, own_broadcast, progress, refuse, toast};
use crate::domain::broadcast::{Audience, Stage};
use crate::domain::ids::BroadcastId;
use crate::domain::{Lang, Role};
use crate::error::HandlerResult;
use crate::keyboards::{BroadcastCb, Callback, button};
use crate::t;
use crate::work::MAX_MESSAGE_LEN;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

/// The writer's text in the step `Writing { audience }`.
pub(super) async fn typed(env: Env, msg: Message, audience: Audience) -> HandlerResult {
    let Some(body) = msg.text() else {
        // A sticker, a photo, a file: broadcasts are text only.
        env.tell("broadcast-text-only");
        return Ok(());
    };
    let me = env.ctx.user.clone();
    let role = match me.role {
        Some(role @ (Role::Coordinator | Role::Mentor)) if allowed(&env, audience).await? => role,
        _ => {
            env.work.exit();
            env.tell("broadcast-refused");
            return Ok(());
        }
    };
    // One message with the longer of the two headers.
    let header = Lang::ALL.iter().map(|l| copy_text(*l, role, &me, "").encode_utf16().count()).max();
    let room = MAX_MESSAGE_LEN.saturating_sub(header.unwrap_or(0));
    let length = body.encode_utf16().count();
    if length > room {
        let text = t!(env.lang, "broadcast-too-long", length = length as i64, limit = room as i64);
        env.work.say(env.chat(), text);
        return Ok(());
    }
    let recipients = env.work.db().await?.recipients(me.id, audience).await?;
    if recipients.is_empty() {
        env.work.exit();
        env.tell("broadcast-nobody");
        return Ok(());
    }
    let now = env.clock.now();
    let draft = env.work.db().await?.save_draft(me.id, role, audience, body, now).await?;
    // The copies exactly as they arrive: the writer's language first.
    let mut langs: Vec<Lang> = Vec::new();
    for lang in std::iter::once(env.lang).chain(recipients.iter().map(|r| r.lang())) {
        if !langs.contains(&lang) && recipients.iter().any(|r| r.lang() == lang) {
            langs.push(lang);
        }
    }
    for lang in &langs {
        env.work.say(env.chat(), copy_text(*lang, role, &me, body));
    }
    let to = audience_text(&env.work, env.lang, audience).await?;
    let mix = if langs.len() > 1 { "mixed" } else { "single" };
    let count = recipients.len() as i64;
    let text = t!(env.lang, "broadcast-preview", audience = to, count = count, mix = mix);
    let b = |id: &str, cb| button(t!(env.lang, id), Callback::Broadcast(cb));
    let keyboard = InlineKeyboardMarkup::new([[
        b("broadcast-btn-send", BroadcastCb::Send(draft)),
        b("broadcast-btn-drop", BroadcastCb::Drop(draft)),
    ]]);
    env.work.say_with(env.chat(), text, keyboard);
    tracing::info!(writer = me.id.0, broadcast = draft.0, recipients = count, "broadcast previewed");
    Ok(())
}

/// «Send» under the preview: the writer's own draft starts, once (a
/// second press finds it sending).
pub(super) async fn send(env: Env, press: CallbackQuery, id: BroadcastId) -> HandlerResult {
    let Some(b) = own_broadcast(&env, &press, id, "broadcast-draft-gone").await? else { return Ok(()) };
    if b.stage != Stage::Draft {
        return toast(&env, &press, "broadcast-already-sent");
    }
    let Some(body) = env.work.db().await?.draft_body(id).await? else {
        return toast(&env, &press, "broadcast-draft-gone");
    };
    if !allowed(&env, b.audience).await? {
        return refuse(&env, &press);
    }
    let recipients = env.work.db().await?.recipients(b.writer, b.audience).await?;
    if recipients.is_empty() {
        return toast(&env, &press, "broadcast-nobody");
    }
    if !progress::start(&env, &b, &recipients, &body).await? {
        return toast(&env, &press, "broadcast-already-sent");
    }
    env.work.exit();
    env.work.clear_keyboard(&press);
    toast(&env, &press, "broadcast-sending")
}

/// «Don't send»: the writer's draft goes.
pub(super) async fn drop(env: Env, press: CallbackQuery, id: BroadcastId) -> HandlerResult {
    let Some(b) = own_broadcast(&env, &press, id, "broadcast-draft-gone").await? else { return Ok(()) };
    if b.stage != Stage::Draft || !env.work.db().await?.drop_draft(id).await? {
        return toast(&env, &press, "broadcast-already-sent");
    }
    env.work.exit();
    env.work.answer(&press, None);
    env.work.redraw(&press, t!(env.lang, "broadcast-dropped"), InlineKeyboardMarkup::default());
    Ok(())
}
