//! The unit of work of one update: its transaction, the messages it wants
//! sent, its dialogue change and its button answer. Handlers get a `Work`
//! injected; nothing they do reaches Telegram or becomes visible to
//! anyone until the intake commits it all at once.

use crate::db::{NewItem, Priority, Request, Signal, Tx};
use crate::dialogue::State;
use crate::error::Error;
use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};
use teloxide::payloads::{
    EditMessageReplyMarkup, EditMessageReplyMarkupSetters, EditMessageText, EditMessageTextSetters,
    SendMessage, SendMessageSetters, SendPhoto, SendPhotoSetters, SetMyCommands, SetMyCommandsSetters,
};
use teloxide::types::{BotCommand, BotCommandScope, CallbackQuery, ChatId, InlineKeyboardMarkup, Recipient};
use tokio::sync::{MappedMutexGuard, Notify};

/// Telegram's limit on a message's text, in UTF-16 code units.
pub const MAX_MESSAGE_LEN: usize = 4096;
/// …and on a caption.
pub const MAX_CAPTION_LEN: usize = 1024;

#[derive(Clone)]
pub struct Work(Arc<Inner>);

/// The bell a unit of work rings after its commit when it planned jobs
/// (`Work::planned_jobs`); the job runner waits on it.
#[derive(Clone, Default)]
pub struct Bell(Arc<Notify>);

impl Bell {
    pub fn ring(&self) {
        self.0.notify_one();
    }

    /// Resolves once the bell rings (or has rung since the last wait).
    pub async fn rung(&self) {
        self.0.notified().await;
    }
}

struct Inner {
    tx: tokio::sync::Mutex<Option<Tx>>,
    out: Mutex<Out>,
}

/// What a handler asked for, besides its database writes.
#[derive(Default)]
pub struct Out {
    pub items: Vec<NewItem>,
    /// The answer to the button press being handled (sent right after the
    /// commit, not through the outbox: Telegram expects it within seconds).
    pub callback: Option<CallbackAnswer>,
    /// The new dialogue state, if it changed.
    pub state: Option<State>,
    /// Jobs were planned: the job runner looks at its table again.
    pub jobs_planned: bool,
    /// The helplines for an update with crisis words (`handlers::crisis`),
    /// sent ahead of everything else in the sender's chat.
    pub crisis: Option<CrisisAnswer>,
}

/// The answer to crisis words: one per update, urgent. A later handler may
/// add a button to it (the night's «send to the mentor now») or drop it
/// for an answer of its own that carries the helplines (an SOS).
#[derive(Clone, Debug)]
pub struct CrisisAnswer {
    pub chat: ChatId,
    pub text: String,
    pub keyboard: Option<InlineKeyboardMarkup>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallbackAnswer {
    pub id: String,
    pub text: Option<String>,
}

impl Work {
    pub fn new(tx: Tx) -> Work {
        Work(Arc::new(Inner { tx: tokio::sync::Mutex::new(Some(tx)), out: Mutex::new(Out::default()) }))
    }

    /// The update's transaction. Hold the guard for one statement at a time
    /// (`work.db().await?.user(id).await?`): a second `db()` while one is
    /// held would wait for ever.
    pub async fn db(&self) -> Result<MappedMutexGuard<'_, Tx>, Error> {
        let guard = self.0.tx.lock().await;
        tokio::sync::MutexGuard::try_map(guard, Option::as_mut).map_err(|_| Error::WorkFinished)
    }

    fn out(&self) -> std::sync::MutexGuard<'_, Out> {
        // A handler that panicked while holding the lock leaves nothing
        // worth keeping: the intake discards the whole unit of work then.
        self.0.out.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues any request for the outbox.
    pub fn push(&self, item: NewItem) {
        self.out().items.push(item);
    }

    /// A plain text (names and user input need no escaping), in several
    /// messages if it is longer than Telegram allows.
    pub fn say(&self, chat: ChatId, text: String) {
        for part in split_for_telegram(&text, MAX_MESSAGE_LEN) {
            self.push(NewItem::of(chat.0, Priority::Answer, &SendMessage::new(chat, part)));
        }
    }

    /// A text that goes ahead of everything else waiting for this chat
    /// (an SOS's answer, the helplines).
    pub fn say_urgent(&self, chat: ChatId, text: String) {
        self.tell(chat, text, Priority::Urgent);
    }

    /// A text for someone else than the sender (a notice of the sender's
    /// action, an alert), at its place in that chat's queue; in several
    /// messages if it is longer than Telegram allows.
    pub fn tell(&self, chat: impl Into<ChatId>, text: String, priority: Priority) {
        let chat = chat.into();
        for part in split_for_telegram(&text, MAX_MESSAGE_LEN) {
            self.push(NewItem::of(chat.0, priority, &SendMessage::new(chat, part)));
        }
    }

    /// The helplines for crisis words in this update (see `CrisisAnswer`).
    pub fn set_crisis_answer(&self, chat: ChatId, text: String) {
        self.out().crisis = Some(CrisisAnswer { chat, text, keyboard: None });
    }

    /// Whether this update carried crisis words (its answer is set).
    pub fn in_crisis(&self) -> bool {
        self.out().crisis.is_some()
    }

    /// Replaces the crisis answer's text and gives it a button.
    pub fn crisis_with_button(&self, text: String, keyboard: InlineKeyboardMarkup) {
        if let Some(c) = self.out().crisis.as_mut() {
            c.text = text;
            c.keyboard = Some(keyboard);
        }
    }

    /// Drops the crisis answer: the handler's own answer gives the helplines.
    pub fn drop_crisis_answer(&self) {
        self.out().crisis = None;
    }

    /// A short text with inline buttons.
    pub fn say_with(&self, chat: ChatId, text: String, keyboard: InlineKeyboardMarkup) {
        let mut parts = split_for_telegram(&text, MAX_MESSAGE_LEN);
        let last = parts.pop().unwrap_or_default();
        for part in parts {
            self.push(NewItem::of(chat.0, Priority::Answer, &SendMessage::new(chat, part)));
        }
        self.push(NewItem::of(
            chat.0,
            Priority::Answer,
            &SendMessage::new(chat, last).reply_markup(keyboard),
        ));
    }

    /// A picture (PNG bytes) with a caption.
    /// A caption too long for a photo goes on in messages after it: never cut.
    pub fn photo(&self, chat: ChatId, png: Vec<u8>, file_name: String, caption: String) {
        let mut pieces = split_for_telegram(&caption, MAX_CAPTION_LEN).into_iter();
        let first = pieces.next().unwrap_or_default();
        let rest: String = pieces.collect();
        let photo = Request::upload(&file_name, png, |file| SendPhoto::new(chat, file).caption(first));
        self.push(NewItem::new(chat.0, Priority::Answer, photo));
        if !rest.is_empty() {
            self.say(chat, rest);
        }
    }

    /// Removes the buttons of the message whose button was pressed, so that
    /// they cannot be pressed again. Only for a message we can still see
    /// (a deleted one cannot be edited) that has buttons (Telegram refuses
    /// an edit that changes nothing).
    pub fn clear_keyboard(&self, q: &CallbackQuery) {
        let Some(msg) = q.regular_message() else { return };
        if msg.reply_markup().is_none_or(|k| k.inline_keyboard.is_empty()) {
            return;
        }
        self.push(NewItem::of(
            msg.chat.id.0,
            Priority::Answer,
            &EditMessageReplyMarkup::new(msg.chat.id, msg.id),
        ));
    }

    /// Removes just the pressed button (by its data) from the message,
    /// leaving the others to be pressed.
    pub fn drop_button(&self, q: &CallbackQuery, data: &str) {
        use teloxide::types::InlineKeyboardButtonKind;
        let Some(msg) = q.regular_message() else { return };
        let Some(markup) = msg.reply_markup() else { return };
        let rows: Vec<Vec<_>> = markup
            .inline_keyboard
            .iter()
            .map(|row| {
                row.iter()
                    .filter(|b| !matches!(&b.kind, InlineKeyboardButtonKind::CallbackData(d) if d == data))
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .filter(|row| !row.is_empty())
            .collect();
        if rows.iter().map(Vec::len).sum::<usize>()
            == markup.inline_keyboard.iter().map(Vec::len).sum::<usize>()
        {
            return;
        }
        let edit =
            EditMessageReplyMarkup::new(msg.chat.id, msg.id).reply_markup(InlineKeyboardMarkup::new(rows));
        self.push(NewItem::of(msg.chat.id.0, Priority::Answer, &edit));
    }

    /// Replaces the text and buttons of the message whose button was
    /// pressed (a settings screen redrawn in place). Presses on messages
    /// we cannot see any more never reach a handler (see `schema`).
    pub fn redraw(&self, q: &CallbackQuery, text: String, keyboard: InlineKeyboardMarkup) {
        let Some(msg) = q.regular_message() else { return };
        let text = fit_with_ellipsis(&text, MAX_MESSAGE_LEN);
        let edit = EditMessageText::new(msg.chat.id, msg.id, text).reply_markup(keyboard);
        self.push(NewItem::of(msg.chat.id.0, Priority::Answer, &edit));
    }

    /// Answers the button press (stops the client's spinner), with a toast.
    pub fn answer(&self, q: &CallbackQuery, toast: Option<String>) {
        self.out().callback = Some(CallbackAnswer { id: q.id.0.clone(), text: toast });
    }

    /// The command menu of one chat.
    pub fn set_commands(&self, chat: ChatId, commands: Vec<BotCommand>) {
        let scope = BotCommandScope::Chat { chat_id: Recipient::Id(chat) };
        self.push(NewItem::of(chat.0, Priority::Answer, &SetMyCommands::new(commands).scope(scope)));
    }

    /// Moves the sender's dialogue to `state` (`State::Idle` ends it).
    pub fn set_state(&self, state: State) {
        self.out().state = Some(state);
    }

    /// Says that jobs were planned (the runner wakes after the commit).
    pub fn planned_jobs(&self) {
        self.out().jobs_planned = true;
    }

    pub fn exit(&self) {
        self.set_state(State::Idle);
    }

    /// For the intake: the transaction and what the handlers asked for.
    pub(crate) async fn finish(&self) -> (Option<Tx>, Out) {
        let tx = self.0.tx.lock().await.take();
        let mut out = std::mem::take(&mut *self.out());
        if let Some(c) = out.crisis.take() {
            let pieces = split_for_telegram(&c.text, MAX_MESSAGE_LEN);
            let count = pieces.len();
            let mut urgent: Vec<NewItem> = pieces
                .into_iter()
                .enumerate()
                .map(|(n, text)| {
                    let mut line = SendMessage::new(c.chat, text);
                    if n + 1 == count {
                        line.reply_markup = c.keyboard.clone().map(Into::into);
                    }
                    NewItem::of(c.chat.0, Priority::Urgent, &line)
                })
                .collect();
            urgent.append(&mut out.items);
            out.items = urgent;
        }
        (tx, out)
    }
}

/// What a unit of work queued, once written in its transaction.
pub struct Queued {
    claimed: Vec<crate::db::Claimed>,
    later: bool,
    jobs: bool,
}

impl Out {
    /// Writes the outbox rows (those due now leased to this instance) and
    /// tells the other instances what to look at when `tx` commits.
    pub(crate) async fn queue(
        &self,
        tx: &mut Tx,
        owner: &str,
        now: DateTime<Utc>,
    ) -> crate::db::DbResult<Queued> {
        let claimed = tx.enqueue(&self.items, owner, crate::outbox::lease(), now).await?;
        let later = self.items.iter().any(|i| i.due_at.is_some_and(|d| d > now));
        if later {
            tx.notify(Signal::Outbox, owner).await?;
        }
        if self.jobs_planned {
            tx.notify(Signal::Jobs, owner).await?;
        }
        Ok(Queued { claimed, later, jobs: self.jobs_planned })
    }
}

impl Queued {
    /// After the commit: the items due now to this instance's sender, and
    /// a wake-up for whoever has something new to look at.
    pub(crate) fn hand_over(self, outbox: &crate::outbox::Outbox, jobs: &Bell) {
        outbox.hand_over(self.claimed);
        if self.later {
            outbox.poke();
        }
        if self.jobs {
            jobs.ring();
        }
    }
}

/// One message's worth of `text` where it cannot be split (an edit in
/// place): cut at `limit`, ending with a visible «…» so that nothing is
/// cut silently.
pub fn fit_with_ellipsis(text: &str, limit: usize) -> String {
    if text.encode_utf16().count() <= limit {
        return text.to_owned();
    }
    let mut kept = split_for_telegram(text, limit - 1).into_iter().next().unwrap_or_default();
    kept.push('…');
    kept
}

/// Splits text into pieces of at most `limit` UTF-16 units, at line ends
/// where possible.
pub fn split_for_telegram(text: &str, limit: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for ch in text.chars() {
        let len = ch.len_utf16();
        if current_len + len > limit {
            // Prefer to break after the last newline of the piece.
            let cut = current.rfind('\n').map(|i| i + 1).filter(|&i| i > 0 && i < current.len());
            let rest = match cut {
                Some(i) => current.split_off(i),
                None => String::new(),
            };
            parts.push(std::mem::replace(&mut current, rest));
            current_len = current.encode_utf16().count();
        }
        current.push(ch);
        current_len += len;
    }
    if !current.is_empty() || parts.is_empty() {
        parts.push(current);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_split_within_the_limit() {
        let line = "ы".repeat(100) + "\n";
        let text = line.repeat(100);
        let parts = split_for_telegram(&text, MAX_MESSAGE_LEN);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| p.encode_utf16().count() <= MAX_MESSAGE_LEN));
        assert_eq!(parts.concat(), text);
        assert!(parts[0].ends_with('\n'), "breaks at a line end");
        let no_newlines = "😀".repeat(3000);
        let parts = split_for_telegram(&no_newlines, MAX_MESSAGE_LEN);
        assert!(parts.iter().all(|p| p.encode_utf16().count() <= MAX_MESSAGE_LEN));
        assert_eq!(parts.concat(), no_newlines);
        assert_eq!(split_for_telegram("hi", MAX_MESSAGE_LEN), vec!["hi".to_owned()]);
        assert!(split_for_telegram(&"a".repeat(2000), MAX_CAPTION_LEN)[0].len() <= MAX_CAPTION_LEN);
    }

    #[test]
    fn an_edit_too_long_ends_with_a_visible_ellipsis() {
        assert_eq!(fit_with_ellipsis("short", MAX_MESSAGE_LEN), "short");
        let long = "ы".repeat(5000);
        let fitted = fit_with_ellipsis(&long, MAX_MESSAGE_LEN);
        assert_eq!(fitted.encode_utf16().count(), MAX_MESSAGE_LEN);
        assert!(fitted.ends_with('…'), "never cut silently");
    }
}
