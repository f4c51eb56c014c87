//! A broadcast on its way: started in the press's transaction (the
//! ledger, one outbox item per recipient at `Priority::Bulk`, keyed
//! `bc:<broadcast>:<user>`, and the writer's progress message with
//! «Stop»), then looked after by a job of its own (`Job::Broadcast`,
//! every `PROGRESS_EVERY`): each item's outcome — sent, failed with
//! Telegram's error, blocked, cancelled — is copied into the ledger, the
//! progress message is edited in place when what it shows changed (at
//! most once a look, and not while its last edit is still on its way),
//! and once every copy has its outcome the broadcast
//! is done: the final count, in place and as a message. «Stop» cancels
//! the items not sent yet; the next look counts them.

use super::{Env, audience_text, counted, own_broadcast, phase, toast};
use crate::db::{Broadcast, ItemState, NewItem, Priority};
use crate::domain::broadcast::{
    Counts, Fate, PROGRESS_EVERY, Stage, copies_prefix, copy_key, progress_edit_key, progress_key,
    recipient_of,
};
use crate::domain::ids::BroadcastId;
use crate::domain::reminders::{Job, JobOutcome, Skip};
use crate::domain::{Lang, User, UserId};
use crate::error::{Error, HandlerResult};
use crate::jobs::Bodies;
use crate::keyboards::{BroadcastCb, Callback, button};
use crate::t;
use crate::work::Work;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use teloxide::payloads::{EditMessageText, SendMessage, SendMessageSetters};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, MessageId};

/// A running broadcast's looks, for the runner (none planned at start:
/// each broadcast plans its own).
pub fn jobs() -> Bodies {
    Bodies {
        first: None,
        runs: |job| matches!(job, Job::Broadcast { .. }),
        run: |work, _, now, job| {
            Box::pin(async move {
                match job {
                    Job::Broadcast { broadcast, .. } => look(&work, now, broadcast).await,
                    _ => Ok(JobOutcome::Skipped(Skip::UnknownJob)),
                }
            })
        },
    }
}

/// Starts a confirmed draft: `false` (and nothing done) when it was
/// confirmed already.
pub(super) async fn start(env: &Env, b: &Broadcast, recipients: &[User], body: &str) -> Result<bool, Error> {
    let now = env.clock.now();
    let ids: Vec<UserId> = recipients.iter().map(|u| u.id).collect();
    if !env.work.db().await?.start_broadcast(b.id, &ids, now).await? {
        return Ok(false);
    }
    let me = &env.ctx.user;
    for r in recipients {
        let text = super::copy_text(r.lang(), b.writer_role, me, body);
        let copy = NewItem::of(r.id.0, Priority::Bulk, &SendMessage::new(r.id, text));
        env.work.push(copy.keyed(copy_key(b.id, r.id)));
    }
    let counts = Counts { pending: recipients.len() as i64, ..Counts::default() };
    let to = audience_text(&env.work, env.lang, b.audience).await?;
    let text = progress_text(env.lang, "sending", &to, &counts);
    let message = SendMessage::new(env.chat(), text).reply_markup(stop_keyboard(env.lang, b.id));
    env.work.push(NewItem::of(env.chat().0, Priority::Answer, &message).keyed(progress_key(b.id)));
    env.work.db().await?.set_shown(b.id, &shown("sending", &counts)).await?;
    plan_next(&env.work, b.id, now).await?;
    tracing::info!(writer = me.id.0, broadcast = b.id.0, recipients = ids.len(), "broadcast started");
    Ok(true)
}

/// «Stop» on the progress message: what has not gone stays unsent.
pub(super) async fn stop(env: Env, press: CallbackQuery, id: BroadcastId) -> HandlerResult {
    let now = env.clock.now();
    let Some(b) = own_broadcast(&env, &press, id, "button-stale").await? else { return Ok(()) };
    if b.stage != Stage::Sending {
        return toast(&env, &press, "broadcast-stop-late");
    }
    if !env.work.db().await?.stop_broadcast(id, now).await? {
        return toast(&env, &press, "broadcast-stop-again");
    }
    let cancelled = env.work.db().await?.cancel_outbox_prefix(&copies_prefix(id), now).await?;
    env.work.clear_keyboard(&press);
    tracing::info!(writer = b.writer.0, broadcast = id.0, cancelled, "broadcast stopped");
    toast(&env, &press, "broadcast-stopping")
}

/// One look at a running broadcast.
async fn look(work: &Work, now: DateTime<Utc>, id: BroadcastId) -> Result<JobOutcome, Error> {
    let Some(b) = work.db().await?.broadcast(id).await? else {
        return Ok(JobOutcome::Ran("no such broadcast".into()));
    };
    if b.stage != Stage::Sending {
        return Ok(JobOutcome::Ran("the broadcast is over".into()));
    }
    let settled = settle(work, id).await?;
    let counts = work.db().await?.broadcast_counts(id).await?;
    let lang = work.db().await?.user(b.writer).await?.map_or(Lang::Ru, |w| w.lang());
    let to = audience_text(work, lang, b.audience).await?;
    if counts.finished() {
        work.db().await?.finish_broadcast(id, now).await?;
        let phase = if b.stopped_at.is_some() { "stopped" } else { "done" };
        edit_progress(work, &b, progress_text(lang, phase, &to, &counts), None).await?;
        let text = counted(lang, "broadcast-finished", &counts, vec![("phase", phase.into())]);
        work.tell(b.writer, text, Priority::Notice);
        tracing::info!(broadcast = id.0, counts = %counts.code(), "broadcast done");
        return Ok(JobOutcome::Ran(format!("{settled} settled; done {}", counts.code())));
    }
    let phase = phase(&b);
    let now_shown = shown(phase, &counts);
    // Edited when what it shows changed, and never while the last edit
    // is still on its way (the chat takes one message a second).
    if b.shown.as_deref() != Some(now_shown.as_str()) && !edit_waiting(work, id).await? {
        let keyboard = (b.stopped_at.is_none()).then(|| stop_keyboard(lang, id));
        edit_progress(work, &b, progress_text(lang, phase, &to, &counts), keyboard).await?;
        work.db().await?.set_shown(id, &now_shown).await?;
    }
    plan_next(work, id, now).await?;
    Ok(JobOutcome::Ran(format!("{settled} settled; {}", counts.code())))
}

/// Copies the outcomes of the broadcast's finished items into the ledger;
/// how many rows changed.
async fn settle(work: &Work, id: BroadcastId) -> Result<usize, Error> {
    let pending: HashSet<UserId> = work.db().await?.pending_recipients(id).await?.into_iter().collect();
    if pending.is_empty() {
        return Ok(0);
    }
    let finished = work.db().await?.finished_with_prefix(&copies_prefix(id)).await?;
    let mut settled = 0;
    for (key, state, error) in finished {
        let Some(user) = recipient_of(id, &key).filter(|u| pending.contains(u)) else { continue };
        let (fate, error) = match state {
            ItemState::Sent => (Fate::Sent, None),
            ItemState::Failed => (Fate::Failed, error),
            ItemState::Unreachable => (Fate::Blocked, None),
            ItemState::Cancelled => (Fate::Cancelled, None),
            ItemState::Pending => continue,
        };
        if work.db().await?.settle_recipient(id, user, fate, error.as_deref()).await? {
            settled += 1;
        }
    }
    Ok(settled)
}

/// What the progress message shows, as stored to compare.
fn shown(phase: &str, counts: &Counts) -> String {
    format!("{phase}:{}", counts.code())
}

fn progress_text(lang: Lang, phase: &str, audience: &str, counts: &Counts) -> String {
    counted(lang, "broadcast-progress", counts, vec![("phase", phase.into()), ("audience", audience.into())])
}

fn stop_keyboard(lang: Lang, id: BroadcastId) -> InlineKeyboardMarkup {
    let stop = button(t!(lang, "broadcast-btn-stop"), Callback::Broadcast(BroadcastCb::Stop(id)));
    InlineKeyboardMarkup::new([[stop]])
}

/// Edits the progress message in place (once it is sent); a newer edit
/// replaces one that has not gone yet.
async fn edit_progress(
    work: &Work,
    b: &Broadcast,
    text: String,
    keyboard: Option<InlineKeyboardMarkup>,
) -> Result<(), Error> {
    let Some(target) = work.db().await?.item_with_key(&progress_key(b.id)).await? else { return Ok(()) };
    let chat = ChatId(b.writer.0);
    // The message id is the sender's to fill in (`edit_of`).
    let mut edit = EditMessageText::new(chat, MessageId(0), text);
    edit.reply_markup = keyboard;
    let mut item = NewItem::of(chat.0, Priority::Notice, &edit).keyed(progress_edit_key(b.id));
    item.edit_of = Some(target);
    work.push(item);
    Ok(())
}

/// Whether the progress message's last edit has not gone yet.
async fn edit_waiting(work: &Work, id: BroadcastId) -> Result<bool, Error> {
    let Some(edit) = work.db().await?.item_with_key(&progress_edit_key(id)).await? else { return Ok(false) };
    let status = work.db().await?.outbox_status(edit).await?;
    Ok(status.is_some_and(|s| s.state == ItemState::Pending))
}

/// The next look, `PROGRESS_EVERY` from now.
async fn plan_next(work: &Work, id: BroadcastId, now: DateTime<Utc>) -> Result<(), Error> {
    let at = now + PROGRESS_EVERY;
    let job = Job::Broadcast { broadcast: id, at: at.timestamp_millis() };
    work.db().await?.plan_job(&job.key(), at).await?;
    work.planned_jobs();
    Ok(())
}
