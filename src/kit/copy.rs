//! Copying a message to someone else (never forwarding: no forward
//! header, no trace of the sender's account): the relay's copies to the
//! mentor, a mentor's answers and messages from `/mentees`, an SOS. Text
//! goes with its header in one message when it fits Telegram's limits,
//! otherwise the header apart and the text in pieces; media by
//! `copyMessage`, the header as caption or apart. Each copy of a question
//! is an outbox item keyed `q:<question>:<part>` (`domain::relay`), which
//! is how replies find their question and edits their copy.

use crate::db::{NewItem, Priority, Question, Request};
use crate::domain::relay::{QuestionKind, copy_key, delivered_key};
use crate::domain::{QuestionId, User};
use crate::error::HandlerResult;
use crate::kit::env::Env;
use crate::t;
use crate::work::{MAX_CAPTION_LEN, MAX_MESSAGE_LEN, split_for_telegram};
use chrono::{DateTime, Utc};
use teloxide::payloads::{
    CopyMessage, CopyMessageSetters, EditMessageCaption, EditMessageCaptionSetters, EditMessageText,
    EditMessageTextSetters, SendMessage, SendMessageSetters, SetMessageReaction, SetMessageReactionSetters,
};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, MessageId, ReactionType, ReplyParameters};

/// The reaction that tells a sender their message was delivered.
pub const DELIVERED: &str = "👌";
/// The reaction on a message held by quiet hours while it waits (one of
/// the reactions Telegram allows); replaced by 👌 once it is delivered.
pub const WAITING: &str = "😴";

/// What a message carries, as the relay sees it.
#[derive(Clone, Debug)]
pub enum Content {
    /// Text (the message's, or a command's argument).
    Text(String),
    /// Media Telegram can copy. `caption`: the text to show with it.
    Media { caption: Option<String>, captionable: bool, named_file: bool },
    /// Stickers, locations, contacts, polls…: not relayed.
    Unsupported,
}

pub fn content_of(msg: &Message) -> Content {
    if let Some(text) = msg.text() {
        return Content::Text(text.to_owned());
    }
    let caption = msg.caption().map(str::to_owned);
    // A file name travels with a copy and can name its author
    // («Даниял_Серикбаев.mp4»): such files are refused after `/anon`.
    let named = |name: Option<&String>| name.is_some_and(|n| !n.trim().is_empty());
    if let Some(video) = msg.video() {
        return Content::Media { caption, captionable: true, named_file: named(video.file_name.as_ref()) };
    }
    if let Some(animation) = msg.animation() {
        return Content::Media {
            caption,
            captionable: true,
            named_file: named(animation.file_name.as_ref()),
        };
    }
    if msg.photo().is_some() || msg.voice().is_some() {
        return Content::Media { caption, captionable: true, named_file: false };
    }
    if msg.document().is_some() || msg.audio().is_some() {
        // Always refused after `/anon`: a document's or a song's name and
        // tags are the sender's.
        return Content::Media { caption, captionable: true, named_file: true };
    }
    if msg.video_note().is_some() {
        return Content::Media { caption: None, captionable: false, named_file: false };
    }
    Content::Unsupported
}

/// A command's words replace the text (or the caption) of its message.
pub fn override_text(msg: &Message, text: &str) -> Content {
    match content_of(msg) {
        Content::Media { captionable, named_file, .. } => {
            let caption = Some(text.trim().to_owned()).filter(|t| !t.is_empty());
            Content::Media { caption, captionable, named_file }
        }
        _ => Content::Text(text.trim().to_owned()),
    }
}

/// 👌 on the sender's message; if Telegram refuses the reaction, one short
/// line says the message was delivered instead.
pub fn mark_delivered(env: &Env, message_id: MessageId) {
    env.work.push(mark(env, message_id, DELIVERED, "relay-delivered"));
}

/// A message held by quiet hours: 😴 on it now (or, if Telegram refuses
/// the reaction, a line saying it waits for the morning), and 👌 only once
/// the mentor's copy keyed `copy` is sent — none if it never is (the
/// mentor blocked the bot meanwhile: the writer gets the not-delivered
/// line instead).
pub fn mark_held(env: &Env, message_id: MessageId, q: QuestionId, copy: String, until: DateTime<Utc>) {
    env.work.push(mark(env, message_id, WAITING, "relay-held-mark"));
    mark_when_sent(env, message_id, q, copy, Some(until));
}

/// 👌 on the sender's message once the copy keyed `copy` is sent (not
/// before `due`), replacing the one planned for this message before.
pub fn mark_when_sent(
    env: &Env,
    message_id: MessageId,
    q: QuestionId,
    copy: String,
    due: Option<DateTime<Utc>>,
) {
    let key = delivered_key(q, i64::from(message_id.0));
    env.work.push(mark(env, message_id, DELIVERED, "relay-delivered").after(copy).keyed(key).due(due));
}

/// No mark on the sender's message any more (a held message that will not
/// be delivered as it was); the 👌 planned for it is cancelled.
pub fn unmark(env: &Env, message_id: MessageId, q: QuestionId) {
    let chat = env.chat();
    let none = SetMessageReaction::new(chat, message_id).reaction(Vec::<ReactionType>::new());
    let key = delivered_key(q, i64::from(message_id.0));
    env.work.push(NewItem::of(chat.0, Priority::Answer, &none).keyed(key));
}

/// `emoji` on the sender's message, or the line `fallback` in reply to it.
fn mark(env: &Env, message_id: MessageId, emoji: &str, fallback: &str) -> NewItem {
    let chat = env.chat();
    let line = SendMessage::new(chat, t!(env.lang, fallback)).reply_parameters(reply_to(message_id));
    let reaction =
        SetMessageReaction::new(chat, message_id).reaction([ReactionType::Emoji { emoji: emoji.to_owned() }]);
    NewItem::of(chat.0, Priority::Answer, &reaction).or_else(Request::of(&line))
}

/// A reply to `message_id` that is sent even if that message is gone.
pub fn reply_to(message_id: MessageId) -> ReplyParameters {
    ReplyParameters::new(message_id).allow_sending_without_reply()
}

/// A text for `chat` (an `i64`, as the relay's copies name their recipients).
/// The one line after the messages held for `mentor` until `until`
/// (quiet hours; the sender keeps a chat's items in the order they were
/// queued), replaced as they add up — and dropped when none is left (they
/// went to another mentor).
pub async fn held_digest(env: &Env, mentor: &User, until: DateTime<Utc>) -> HandlerResult {
    let count = env.work.db().await?.held_for(mentor.id, until).await?;
    let key = format!("quiet:{}:{}", mentor.id, until.timestamp_millis());
    if count == 0 {
        env.work.db().await?.cancel_outbox(&key, env.clock.now()).await?;
        return Ok(());
    }
    let ml = mentor.lang();
    let line = text_to(mentor.id.0, t!(ml, "relay-digest", count = count));
    env.work.push(NewItem::of(mentor.id.0, Priority::Notice, &line).keyed(key).due(Some(until)));
    Ok(())
}

pub fn text_to(chat: i64, text: String) -> SendMessage {
    SendMessage::new(ChatId(chat), text)
}

fn fits(text: &str, limit: usize) -> bool {
    text.encode_utf16().count() <= limit
}

/// Queues the copy of a sender's message for the mentor (or a reply's copy
/// for the sender): text in one message with its header when it fits,
/// otherwise the header first and the text in pieces; media copied with
/// the header as caption, or after a header of its own.
pub struct Copy<'a> {
    /// The question it belongs to (its items are keyed for threading);
    /// `None` for a mentor's own message from `/mentees`.
    pub q: Option<QuestionId>,
    pub to: i64,
    pub from_chat: i64,
    pub message_id: MessageId,
    pub header: String,
    pub content: &'a Content,
    pub keyboard: Option<InlineKeyboardMarkup>,
    pub reply_to: Option<i64>,
    pub due_at: Option<DateTime<Utc>>,
    /// The part names of the keys (`m`, or `a<id>` for an answer).
    pub part: String,
    /// A line for the writer should Telegram say the recipient blocked
    /// the bot (`NewItem::on_unreachable`; told once each time).
    pub unreachable: Option<String>,
    /// `Notice`, or `Urgent` for an SOS (ahead of the chat's waiting copies).
    pub priority: Priority,
}

impl<'a> Copy<'a> {
    /// A mentor's message (an answer, or one from `/mentees`) to `to`, in
    /// reply to nothing yet; the mentor is told once if `to` blocked the bot.
    pub fn from_mentor(
        env: &Env,
        msg: &Message,
        to: &User,
        header: String,
        content: &'a Content,
        anonymous: bool,
    ) -> Copy<'a> {
        Copy {
            q: None,
            to: to.id.0,
            from_chat: env.chat().0,
            message_id: msg.id,
            header,
            content,
            keyboard: None,
            reply_to: None,
            due_at: None,
            part: String::new(),
            unreachable: Some(unreachable_notice(env, to, anonymous)),
            priority: Priority::Notice,
        }
    }
}

/// The line a mentor gets when the person they wrote to has blocked the bot.
pub fn unreachable_notice(env: &Env, to: &User, anonymous: bool) -> String {
    if anonymous {
        t!(env.lang, "relay-recipient-unreachable-anonymous")
    } else {
        t!(env.lang, "relay-recipient-unreachable", name = to.display_name(env.lang))
    }
}

pub fn queue_copy(env: &Env, c: Copy<'_>) {
    let mut items = Vec::new();
    let reply = c.reply_to.map(|id| reply_to(MessageId(id as i32)));
    let text = |text: String, last: bool, first: bool| {
        let mut line = text_to(c.to, text);
        line.reply_parameters = reply.clone().filter(|_| first);
        line.reply_markup = c.keyboard.clone().filter(|_| last).map(Into::into);
        line
    };
    let key = |part: String| c.q.map(|q| copy_key(q, part));
    let keyed = |item: NewItem, key: Option<String>| match key {
        Some(k) => item.keyed(k),
        None => item,
    };
    let main_key = key(c.part.clone());
    // The header as a message of its own, when it does not fit with the content.
    let header_apart = || {
        let header = NewItem::of(c.to, c.priority, &text(c.header.clone(), false, true));
        keyed(header, key(format!("{}h", c.part)))
    };
    match c.content {
        Content::Text(body) => {
            let full = format!("{}\n\n{body}", c.header);
            if fits(&full, MAX_MESSAGE_LEN) {
                items.push(keyed(NewItem::of(c.to, c.priority, &text(full, true, true)), main_key));
            } else {
                items.push(header_apart());
                let parts = split_for_telegram(body, MAX_MESSAGE_LEN);
                let n = parts.len();
                for (i, part) in parts.into_iter().enumerate() {
                    let last = i + 1 == n;
                    let key = if last { main_key.clone() } else { key(format!("{}{i}", c.part)) };
                    items.push(keyed(NewItem::of(c.to, c.priority, &text(part, last, false)), key));
                }
            }
        }
        Content::Media { caption, captionable, .. } => {
            let full = match caption {
                Some(cap) if !cap.is_empty() => format!("{}\n\n{cap}", c.header),
                _ => c.header.clone(),
            };
            let mut copy = CopyMessage::new(ChatId(c.to), ChatId(c.from_chat), c.message_id);
            copy.reply_markup = c.keyboard.clone().map(Into::into);
            let together = *captionable && fits(&full, MAX_CAPTION_LEN);
            if together {
                copy.reply_parameters = reply.clone();
                items.push(keyed(NewItem::of(c.to, c.priority, &copy.caption(full)), main_key));
            } else {
                items.push(header_apart());
                // The caption as the sender wrote it, within Telegram's limit;
                // what is over it (a long caption of a Premium account) follows
                // as text, never cut.
                let mut rest = Vec::new();
                if let Some(cap) = caption.as_ref().filter(|_| *captionable) {
                    let mut pieces = split_for_telegram(cap, MAX_CAPTION_LEN).into_iter();
                    copy.caption = Some(pieces.next().unwrap_or_default());
                    let more: String = pieces.collect();
                    if !more.is_empty() {
                        rest = split_for_telegram(&more, MAX_MESSAGE_LEN);
                    }
                }
                items.push(keyed(NewItem::of(c.to, c.priority, &copy), main_key));
                for (i, line) in rest.into_iter().enumerate() {
                    let line = NewItem::of(c.to, c.priority, &text_to(c.to, line));
                    items.push(keyed(line, key(format!("{}c{i}", c.part))));
                }
            }
        }
        Content::Unsupported => {}
    }
    for i in items {
        let i = i.due(c.due_at);
        env.work.push(match &c.unreachable {
            Some(text) => i.on_unreachable(env.chat().0, text.clone()),
            None => i,
        });
    }
}

/// The mentor's copy of an edited message, edited in place (or, where it
/// cannot be — split, or too long now — sent again marked as an edit).
pub async fn edit_copy(
    env: &Env,
    msg: &Message,
    q: &Question,
    mentor: &User,
    header: String,
    keyboard: InlineKeyboardMarkup,
    priority: Priority,
) -> HandlerResult {
    let content = content_of(msg);
    // Still held by quiet hours (an SOS never is).
    let held_until = q.held_until.filter(|t| *t > env.clock.now() && q.kind != QuestionKind::Urgent);
    let mut main = env.work.db().await?.copy_item(&copy_key(q.id, "m")).await?;
    if main.is_none() {
        // An SOS sent from a held message (the night button).
        main = env.work.db().await?.copy_item(&copy_key(q.id, "s")).await?;
    }
    let mut split = false;
    for header_apart in ["mh", "sh"] {
        split |= env.work.db().await?.copy_item(&copy_key(q.id, header_apart)).await?.is_some();
    }
    // The message id of an edit is the sender's to fill in (`edit_of`).
    let unsent = MessageId(0);
    let edit = match (&content, main) {
        (Content::Text(body), Some(target)) if !split => {
            let full = format!("{header}\n\n{body}");
            fits(&full, MAX_MESSAGE_LEN).then(|| {
                let edit =
                    EditMessageText::new(ChatId(mentor.id.0), unsent, full).reply_markup(keyboard.clone());
                (target, Request::of(&edit))
            })
        }
        (Content::Media { caption, captionable: true, .. }, Some(target)) if !split => {
            let full = match caption {
                Some(c) if !c.is_empty() => format!("{header}\n\n{c}"),
                _ => header.clone(),
            };
            fits(&full, MAX_CAPTION_LEN).then(|| {
                let edit = EditMessageCaption::new(ChatId(mentor.id.0), unsent)
                    .caption(full)
                    .reply_markup(keyboard.clone());
                (target, Request::of(&edit))
            })
        }
        _ => None,
    };
    match edit {
        Some((target, request)) => {
            // A held copy's edit waits in the table until the copy is due,
            // rather than asking every second all night.
            let mut i = NewItem::new(mentor.id.0, priority, request).due(held_until);
            i.edit_of = Some(target);
            env.work.push(i);
        }
        None => queue_copy(
            env,
            Copy {
                q: Some(q.id),
                to: mentor.id.0,
                from_chat: env.chat().0,
                message_id: msg.id,
                header,
                content: &content,
                keyboard: Some(keyboard),
                reply_to: None,
                part: format!("e{}", env.clock.now().timestamp_millis()),
                unreachable: None,
                priority,
                // Held with the copy it edits.
                due_at: held_until,
            },
        ),
    }
    match held_until {
        Some(until) => mark_held(env, msg.id, q.id, copy_key(q.id, "m"), until),
        None => mark_delivered(env, msg.id),
    }
    Ok(())
}
