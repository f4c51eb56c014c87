//! Conversations: a student or parent writes, the mentor receives a copy
//! (never a forward) headed with who wrote; the mentor answers by replying
//! to the copy in Telegram, or with its «Reply» button, and the answer
//! arrives in the sender's chat as a reply to their own message.
//!
//! Copies are outbox items keyed `q:<question>:<part>` (`domain::relay`):
//! once sent, the outbox row holds Telegram's message id, which is how a
//! mentor's reply leads back to its question — only in the mentor's own
//! chat, and only for a question of theirs.

use super::Env;
use crate::db::{NewItem, NewQuestion, Priority, Question};
use crate::dialogue::{RelayStep, State};
use crate::domain::quiet::QuietHours;
use crate::domain::relay::{QuestionKind, copy_key};
use crate::domain::safety::EMERGENCY;
use crate::domain::{Lang, QuestionId, Role, User, UserId};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, RelayCb, button};
use crate::t;
use crate::work::{MAX_CAPTION_LEN, MAX_MESSAGE_LEN, split_for_telegram};
use chrono::{DateTime, Utc};
use dptree::case;
use serde_json::{Value, json};
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, MessageId};

/// The reaction that tells a sender their message was delivered.
pub const DELIVERED: &str = "👌";

pub(crate) fn role_is(role: Role) -> impl Fn(Env) -> bool + Send + Sync + Clone + 'static {
    move |env: Env| env.ctx.user.role == Some(role)
}

/// Plain messages (text or media) of people who have someone to write to.
/// (Crisis words were answered before, by `handlers::crisis`.)
pub fn incoming() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(dptree::filter(role_is(Role::Student)).endpoint(student_message))
        .branch(dptree::filter(role_is(Role::Parent)).endpoint(parent_message))
        .branch(dptree::filter(role_is(Role::Mentor)).endpoint(mentor_message))
}

/// The buttons of conversations, each checked against who presses it.
pub fn buttons() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(
            dptree::filter(role_is(Role::Mentor))
                .branch(case![RelayCb::Reply(q)].endpoint(reply_pressed))
                .branch(case![RelayCb::Answered(q)].endpoint(answered_pressed))
                .branch(case![RelayCb::Block(q)].endpoint(block_pressed))
                .branch(case![RelayCb::Unblock(q)].endpoint(unblock_pressed)),
        )
        .branch(
            dptree::filter(role_is(Role::Parent))
                .branch(case![RelayCb::Child(student)].endpoint(child_picked)),
        )
}

// ------------------------------------------------------------------ content

/// What a message carries, as the relay sees it.
#[derive(Clone, Debug)]
pub(crate) enum Content {
    /// Text (the message's, or a command's argument).
    Text(String),
    /// Media Telegram can copy. `caption`: the text to show with it.
    Media { caption: Option<String>, captionable: bool, named_file: bool },
    /// Stickers, locations, contacts, polls…: not relayed.
    Unsupported,
}

pub(crate) fn content_of(msg: &Message) -> Content {
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

/// A request of the relay for the outbox.
pub(crate) fn item(
    chat: i64,
    priority: Priority,
    method: &str,
    payload: Value,
    key: Option<String>,
) -> NewItem {
    NewItem {
        chat_id: chat,
        priority,
        method: method.to_owned(),
        payload,
        file: None,
        edit_of: None,
        key,
        due_at: None,
    }
}

fn lang_of(user: &User) -> Lang {
    user.language.unwrap_or(Lang::Ru)
}

fn helplines(env: &Env) -> String {
    env.config.helplines.join(", ")
}

/// 👌 on the sender's message; if Telegram refuses the reaction, one short
/// line says the message was delivered instead.
pub(crate) fn mark_delivered(env: &Env, message_id: MessageId) {
    let chat = env.chat().0;
    let fallback = json!({ "chat_id": chat, "text": t!(env.lang, "relay-delivered"),
        "reply_parameters": { "message_id": message_id.0, "allow_sending_without_reply": true } });
    env.work.push(item(
        chat,
        Priority::Answer,
        "setMessageReaction",
        json!({ "chat_id": chat, "message_id": message_id.0,
            "reaction": [{ "type": "emoji", "emoji": DELIVERED }],
            crate::outbox::FALLBACK: { "method": "sendMessage", "params": fallback } }),
        None,
    ));
}

fn mentor_keyboard(lang: Lang, q: QuestionId) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([
        vec![
            button(t!(lang, "relay-btn-reply"), Callback::Relay(RelayCb::Reply(q))),
            button(t!(lang, "relay-btn-answered"), Callback::Relay(RelayCb::Answered(q))),
        ],
        vec![button(t!(lang, "relay-btn-block"), Callback::Relay(RelayCb::Block(q)))],
    ])
}

fn fits(text: &str, limit: usize) -> bool {
    text.encode_utf16().count() <= limit
}

/// Queues the copy of a sender's message for the mentor (or a reply's copy
/// for the sender): text in one message with its header when it fits,
/// otherwise the header first and the text in pieces; media copied with
/// the header as caption, or after a header of its own.
pub(crate) struct Copy<'a> {
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
    /// the bot (`outbox::UNREACHABLE_NOTICE`; told once each time).
    pub unreachable: Option<String>,
    /// `Notice`, or `Urgent` for an SOS (ahead of the chat's waiting copies).
    pub priority: Priority,
}

impl<'a> Copy<'a> {
    /// A mentor's message (an answer, or one from `/mentees`) to `to`, in
    /// reply to nothing yet; the mentor is told once if `to` blocked the bot.
    pub(crate) fn from_mentor(
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
pub(crate) fn unreachable_notice(env: &Env, to: &User, anonymous: bool) -> String {
    if anonymous {
        t!(env.lang, "relay-recipient-unreachable-anonymous")
    } else {
        t!(env.lang, "relay-recipient-unreachable", name = to.display_name(env.lang))
    }
}

pub(crate) fn queue_copy(env: &Env, c: Copy<'_>) {
    let mut items = Vec::new();
    let reply = c.reply_to.map(|id| json!({ "message_id": id, "allow_sending_without_reply": true }));
    let with_extras = |mut payload: Value, last: bool, first: bool| {
        if first && let Some(r) = &reply {
            payload["reply_parameters"] = r.clone();
        }
        if last && let Some(k) = &c.keyboard {
            payload["reply_markup"] = json!(k);
        }
        payload
    };
    let key = |part: String| c.q.map(|q| copy_key(q, part));
    let main_key = key(c.part.clone());
    // The header as a message of its own, when it does not fit with the content.
    let header_apart = || {
        let header = with_extras(json!({ "chat_id": c.to, "text": c.header }), false, true);
        item(c.to, c.priority, "sendMessage", header, key(format!("{}h", c.part)))
    };
    match c.content {
        Content::Text(body) => {
            let full = format!("{}\n\n{body}", c.header);
            if fits(&full, MAX_MESSAGE_LEN) {
                let payload = with_extras(json!({ "chat_id": c.to, "text": full }), true, true);
                items.push(item(c.to, c.priority, "sendMessage", payload, main_key));
            } else {
                items.push(header_apart());
                let parts = split_for_telegram(body, MAX_MESSAGE_LEN);
                let n = parts.len();
                for (i, part) in parts.into_iter().enumerate() {
                    let last = i + 1 == n;
                    let payload = with_extras(json!({ "chat_id": c.to, "text": part }), last, false);
                    let key = if last { main_key.clone() } else { key(format!("{}{i}", c.part)) };
                    items.push(item(c.to, c.priority, "sendMessage", payload, key));
                }
            }
        }
        Content::Media { caption, captionable, .. } => {
            let full = match caption {
                Some(cap) if !cap.is_empty() => format!("{}\n\n{cap}", c.header),
                _ => c.header.clone(),
            };
            let mut copy =
                json!({ "chat_id": c.to, "from_chat_id": c.from_chat, "message_id": c.message_id.0 });
            let together = *captionable && fits(&full, MAX_CAPTION_LEN);
            if together {
                copy["caption"] = json!(full);
                items.push(item(c.to, c.priority, "copyMessage", with_extras(copy, true, true), main_key));
            } else {
                items.push(header_apart());
                if let Some(cap) = caption.as_ref().filter(|_| *captionable) {
                    // The caption as the sender wrote it, within Telegram's limit.
                    let first =
                        split_for_telegram(cap, MAX_CAPTION_LEN).into_iter().next().unwrap_or_default();
                    copy["caption"] = json!(first);
                }
                items.push(item(c.to, c.priority, "copyMessage", with_extras(copy, true, false), main_key));
            }
        }
        Content::Unsupported => {}
    }
    for mut i in items {
        i.due_at = c.due_at;
        if let Some(text) = &c.unreachable {
            i.payload[crate::outbox::UNREACHABLE_NOTICE] = json!({ "chat_id": env.chat().0, "text": text });
        }
        env.work.push(i);
    }
}

// ------------------------------------------------------------------ senders

/// A student's plain message: to their mentor.
async fn student_message(env: Env, msg: Message, state: State) -> HandlerResult {
    let kind = if state == State::Relay(RelayStep::Anonymous) {
        env.work.exit();
        QuestionKind::Anonymous
    } else {
        QuestionKind::Ordinary
    };
    let content = content_of(&msg);
    from_student(&env, &msg, content, kind).await
}

/// `/ask [text]`.
pub async fn ask(env: Env, msg: Message, text: String) -> HandlerResult {
    match env.ctx.user.role {
        Some(Role::Student) | Some(Role::Parent) => {}
        _ => {
            env.tell("relay-ask-not-available");
            return Ok(());
        }
    }
    let content = override_text(&msg, &text);
    if matches!(content, Content::Text(ref t) if t.trim().is_empty()) {
        env.tell(if env.ctx.user.role == Some(Role::Student) {
            "relay-ask-prompt"
        } else {
            "relay-ask-prompt-parent"
        });
        return Ok(());
    }
    if env.ctx.user.role == Some(Role::Parent) {
        let state = State::Idle;
        return from_parent(&env, &msg, content, state).await;
    }
    from_student(&env, &msg, content, QuestionKind::Ordinary).await
}

/// `/anon [text]`: this text, or the next message, without the name.
pub async fn anon(env: Env, msg: Message, text: String) -> HandlerResult {
    if env.ctx.user.role != Some(Role::Student) {
        env.tell("relay-anon-not-available");
        return Ok(());
    }
    let content = override_text(&msg, &text);
    if matches!(content, Content::Text(ref t) if t.trim().is_empty()) {
        env.work.set_state(State::Relay(RelayStep::Anonymous));
        env.tell("relay-anon-prompt");
        return Ok(());
    }
    from_student(&env, &msg, content, QuestionKind::Anonymous).await
}

/// A command's words replace the text (or the caption) of its message.
pub(crate) fn override_text(msg: &Message, text: &str) -> Content {
    match content_of(msg) {
        Content::Media { captionable, named_file, .. } => {
            let caption = Some(text.trim().to_owned()).filter(|t| !t.is_empty());
            Content::Media { caption, captionable, named_file }
        }
        _ => Content::Text(text.trim().to_owned()),
    }
}

async fn from_student(env: &Env, msg: &Message, content: Content, kind: QuestionKind) -> HandlerResult {
    let me = env.ctx.user.clone();
    // Crisis words were answered with the helplines (`handlers::crisis`).
    let flagged = env.work.in_crisis();
    if matches!(content, Content::Unsupported) {
        env.tell_fallback("relay-kind-not-delivered");
        return Ok(());
    }
    if kind == QuestionKind::Anonymous && matches!(content, Content::Media { named_file: true, .. }) {
        if msg.media_group_id().is_some() {
            // The album's other files come next: they must not go with the name.
            env.work.set_state(State::Relay(RelayStep::Anonymous));
        }
        env.work.say(env.chat(), t!(env.lang, "relay-anon-no-files", helplines = helplines(env)));
        return Ok(());
    }
    let Some(mentor) = env.work.db().await?.mentor_of(me.id).await? else {
        env.work.say(env.chat(), t!(env.lang, "relay-no-mentor-student", helplines = helplines(env)));
        return Ok(());
    };
    let ml = lang_of(&mentor);
    let header = match kind {
        QuestionKind::Anonymous => t!(ml, "relay-header-anonymous"),
        _ => student_header(env, ml, &me).await?,
    };
    let header = if flagged { format!("{}\n{header}", t!(ml, "relay-flag-crisis")) } else { header };
    relay_to_mentor(env, msg, &content, &mentor, me.id, kind, flagged, header).await
}

/// Everything after the header is known: blocks, quiet hours, the question
/// row, the copy, the delivered mark.
#[allow(clippy::too_many_arguments)]
async fn relay_to_mentor(
    env: &Env,
    msg: &Message,
    content: &Content,
    mentor: &User,
    student: UserId,
    kind: QuestionKind,
    flagged: bool,
    header: String,
) -> HandlerResult {
    let me = env.ctx.user.id;
    let now = env.clock.now();
    let (blocked, first_time) = env.work.db().await?.check_block(mentor.id, me, now).await?;
    if blocked {
        if first_time {
            env.tell_fallback("relay-you-are-blocked");
        } else {
            env.tell_fallback("relay-still-blocked");
        }
        return Ok(());
    }
    let album = msg.media_group_id().map(|g| g.0.clone());
    let opened = match &album {
        Some(group) => env.work.db().await?.album_question(me, group).await?,
        None => None,
    };
    if let Some(q) = opened {
        return add_to_album(env, msg, mentor, &q).await;
    }
    let quiet = env.work.db().await?.quiet_hours(mentor.id).await?;
    let held_until = quiet.ends_after(now, env.config.tz);
    let told_before = match held_until {
        Some(until) => env.work.db().await?.held_count(mentor.id, me, until).await? > 0,
        None => false,
    };
    let question = NewQuestion {
        mentor: mentor.id,
        sender: me,
        student,
        kind,
        chat_message_id: i64::from(msg.id.0),
        flagged,
        held_until,
        media_group: album.clone(),
    };
    let q = env.work.db().await?.insert_question(&question, now).await?;
    let ml = lang_of(mentor);
    let copy = Copy {
        q: Some(q),
        to: mentor.id.0,
        from_chat: env.chat().0,
        message_id: msg.id,
        header,
        content,
        keyboard: Some(mentor_keyboard(ml, q)),
        reply_to: None,
        due_at: held_until,
        part: "m".into(),
        unreachable: Some(mentor_unreachable(env)),
        priority: Priority::Notice,
    };
    if album.is_some() {
        queue_album(env, copy);
    } else {
        queue_copy(env, copy);
    }
    mark_delivered(env, msg.id);
    if flagged && held_until.is_some() {
        night_button(env, q);
    }
    if let Some(until) = held_until {
        digest_notice(env, mentor, until).await?;
        if !told_before {
            let at = QuietHours::clock_of(until, env.config.tz);
            env.work.say(env.chat(), t!(env.lang, "relay-held-quiet", time = at));
        }
    }
    tracing::info!(
        question = q.0,
        kind = kind.as_str(),
        held = held_until.is_some(),
        "relayed to the mentor"
    );
    Ok(())
}

/// Crisis words held by quiet hours: the helplines' answer offers to send
/// the message to the mentor at once, as an SOS (`sos::night_pressed`).
fn night_button(env: &Env, q: QuestionId) {
    let id = if env.ctx.user.role == Some(Role::Parent) {
        "crisis-parent-night"
    } else {
        "crisis-helplines-night"
    };
    let keyboard = InlineKeyboardMarkup::new([[button(
        t!(env.lang, "crisis-btn-send-now"),
        Callback::Relay(RelayCb::SosNight(q)),
    )]]);
    env.work
        .crisis_with_button(t!(env.lang, id, helplines = helplines(env), emergency = EMERGENCY), keyboard);
}

/// What the writer is told if their mentor turns out to have blocked the bot.
fn mentor_unreachable(env: &Env) -> String {
    if env.ctx.user.role == Some(Role::Student) {
        t!(env.lang, "relay-mentor-unreachable-student", helplines = helplines(env))
    } else {
        t!(env.lang, "relay-mentor-unreachable")
    }
}

/// The first part of an album: its header (with the buttons) as a message
/// of its own, then the parts as one group (`copyMessages` keeps an album
/// an album; it takes no caption or buttons of ours). The group's item
/// waits `album_wait()` (or until quiet hours end) and grows as the other
/// parts arrive (`add_to_album`).
fn queue_album(env: &Env, c: Copy<'_>) {
    let Some(q) = c.q else { return };
    let now = env.clock.now();
    let header_text = split_for_telegram(&c.header, MAX_MESSAGE_LEN).into_iter().next().unwrap_or_default();
    let mut header = json!({ "chat_id": c.to, "text": header_text });
    if let Some(k) = &c.keyboard {
        header["reply_markup"] = json!(k);
    }
    let group = json!({ "chat_id": c.to, "from_chat_id": c.from_chat, "message_ids": [c.message_id.0] });
    let group_due = c.due_at.unwrap_or(now).max(now + crate::domain::relay::album_wait());
    for (part, method, payload, due) in
        [("mh", "sendMessage", header, c.due_at), ("m", "copyMessages", group, Some(group_due))]
    {
        let mut i = item(c.to, Priority::Notice, method, payload, Some(copy_key(q, part)));
        i.due_at = due;
        if let Some(text) = &c.unreachable {
            i.payload[crate::outbox::UNREACHABLE_NOTICE] = json!({ "chat_id": env.chat().0, "text": text });
        }
        env.work.push(i);
    }
}

/// A later part of an album: it joins the group's item while that still
/// waits; if the group has gone out already, it follows on its own (under
/// the same header). The question stays the one the first part made.
async fn add_to_album(env: &Env, msg: &Message, mentor: &User, q: &Question) -> HandlerResult {
    let now = env.clock.now();
    let key = copy_key(q.id, "m");
    let waiting = env.work.db().await?.waiting_item(&key).await?;
    let grown = waiting.and_then(|(payload, due)| {
        let mut payload: Value = serde_json::from_str(&payload).ok()?;
        let ids = payload.get_mut("message_ids")?.as_array_mut()?;
        ids.push(json!(msg.id.0));
        ids.sort_by_key(|v| v.as_i64());
        ids.dedup();
        Some((payload, due))
    });
    let (payload, key, due) = match grown {
        Some((payload, due)) => (payload, key, Some(due)),
        None => {
            let alone =
                json!({ "chat_id": mentor.id.0, "from_chat_id": env.chat().0, "message_ids": [msg.id.0] });
            (alone, copy_key(q.id, format!("g{}", msg.id.0)), q.held_until.filter(|t| *t > now))
        }
    };
    let mut part = item(mentor.id.0, Priority::Notice, "copyMessages", payload, Some(key));
    part.due_at = due;
    part.payload[crate::outbox::UNREACHABLE_NOTICE] =
        json!({ "chat_id": env.chat().0, "text": mentor_unreachable(env) });
    env.work.push(part);
    mark_delivered(env, msg.id);
    if let Some(until) = q.held_until.filter(|t| *t > now) {
        // Queued again, so that the digest line stays after the album.
        digest_notice(env, mentor, until).await?;
    }
    tracing::info!(question = q.id.0, "album part added");
    Ok(())
}

/// One line after the messages held in quiet hours (the sender keeps a
/// chat's items in the order they were queued), replaced as they add up.
async fn digest_notice(env: &Env, mentor: &User, until: DateTime<Utc>) -> HandlerResult {
    let count = env.work.db().await?.held_for(mentor.id, until).await?;
    let ml = lang_of(mentor);
    let mut notice = item(
        mentor.id.0,
        Priority::Notice,
        "sendMessage",
        json!({ "chat_id": mentor.id.0, "text": t!(ml, "relay-digest", count = count) }),
        Some(format!("quiet:{}:{}", mentor.id, until.timestamp_millis())),
    );
    notice.due_at = Some(until);
    env.work.push(notice);
    Ok(())
}

/// A parent's plain message: to the mentor of the child they write about.
async fn parent_message(env: Env, msg: Message, state: State) -> HandlerResult {
    let content = content_of(&msg);
    from_parent(&env, &msg, content, state).await
}

async fn from_parent(env: &Env, msg: &Message, content: Content, state: State) -> HandlerResult {
    if matches!(content, Content::Unsupported) {
        env.tell("relay-kind-not-delivered");
        return Ok(());
    }
    let me = env.ctx.user.clone();
    let children = env.work.db().await?.children_of(me.id).await?;
    let picked = match (&env.ctx.user.role, state) {
        (_, State::Relay(RelayStep::Child { student })) => children.iter().find(|c| c.id == student).cloned(),
        _ => None,
    };
    let picked = picked.or_else(|| (children.len() == 1).then(|| children[0].clone()));
    let Some(child) = picked else {
        if children.is_empty() {
            env.tell("relay-parent-no-children");
        } else {
            ask_child(env, &children);
        }
        return Ok(());
    };
    let Some(mentor) = env.work.db().await?.mentor_of(child.id).await? else {
        env.work
            .say(env.chat(), t!(env.lang, "relay-no-mentor-parent", student = child.display_name(env.lang)));
        return Ok(());
    };
    let ml = lang_of(&mentor);
    let header = t!(ml, "relay-header-parent", name = me.display_name(ml), student = child.display_name(ml));
    // A parent's crisis words: a child may be in danger.
    let flagged = env.work.in_crisis();
    let flag = t!(ml, "relay-flag-crisis-parent", emergency = EMERGENCY);
    let header = if flagged { format!("{flag}\n{header}") } else { header };
    relay_to_mentor(env, msg, &content, &mentor, child.id, QuestionKind::Ordinary, flagged, header).await
}

fn ask_child(env: &Env, children: &[User]) {
    let rows = children
        .iter()
        .take(20)
        .map(|c| vec![button(c.display_name(env.lang), Callback::Relay(RelayCb::Child(c.id)))])
        .collect::<Vec<_>>();
    env.work.say_with(env.chat(), t!(env.lang, "relay-parent-pick"), InlineKeyboardMarkup::new(rows));
}

async fn child_picked(env: Env, q: CallbackQuery, student: UserId) -> HandlerResult {
    let children = env.work.db().await?.children_of(env.ctx.user.id).await?;
    let Some(child) = children.into_iter().find(|c| c.id == student) else { return stale(&env, &q) };
    env.work.answer(&q, None);
    env.work.clear_keyboard(&q);
    env.work.set_state(State::Relay(RelayStep::Child { student }));
    env.work.say(env.chat(), t!(env.lang, "relay-parent-picked", student = child.display_name(env.lang)));
    Ok(())
}

/// «Сообщение ученика: <name>» (the role first, so that no name passes
/// for a mentor or the bot), with the class when the mentor has set it.
async fn student_header(env: &Env, ml: Lang, student: &User) -> Result<String, Error> {
    let name = student.display_name(ml);
    Ok(match env.work.db().await?.class_of(student.id).await? {
        Some(class) => t!(ml, "relay-header-student-class", name = name, class = class),
        None => t!(ml, "relay-header-student", name = name),
    })
}

// ------------------------------------------------------------------ mentors

/// A mentor's plain message: an answer (a Telegram reply to a copy, or
/// after «Reply»), or a word on how to answer.
async fn mentor_message(env: Env, msg: Message, state: State) -> HandlerResult {
    let me = env.ctx.user.id;
    if let Some(replied) = msg.reply_to_message() {
        let found = env.work.db().await?.question_of_copy(env.chat().0, i64::from(replied.id.0)).await?;
        let question = match found {
            Some(id) => env.work.db().await?.question(id).await?,
            None => None,
        };
        match question {
            Some(q) if q.mentor == me => {
                if matches!(state, State::Relay(RelayStep::Replying { .. } | RelayStep::Writing { .. })) {
                    env.work.exit();
                }
                return answer(&env, &msg, &q).await;
            }
            _ => {
                env.tell("relay-reply-not-a-question");
                return Ok(());
            }
        }
    }
    if let State::Relay(RelayStep::Writing { student, to }) = state {
        env.work.exit();
        return super::mentees::write(&env, &msg, student, to).await;
    }
    if let State::Relay(RelayStep::Class { student }) = state {
        env.work.exit();
        return super::mentees::class_typed(&env, &msg, student).await;
    }
    if let State::Relay(RelayStep::Replying { question }) = state {
        env.work.exit();
        let q = env.work.db().await?.question(question).await?;
        if let Some(q) = q.filter(|q| q.mentor == me) {
            return answer(&env, &msg, &q).await;
        }
    }
    env.tell("relay-mentor-how-to-answer");
    Ok(())
}

/// The mentor's answer, copied to the sender as a reply to their message.
async fn answer(env: &Env, msg: &Message, q: &Question) -> HandlerResult {
    let content = content_of(msg);
    if matches!(content, Content::Unsupported) {
        env.tell("relay-kind-not-delivered");
        return Ok(());
    }
    let Some(sender) = env.work.db().await?.user(q.sender).await? else { return Ok(()) };
    let sl = lang_of(&sender);
    let header = t!(sl, "relay-answer-header", mentor = env.ctx.user.display_name(sl));
    let anonymous = q.kind == QuestionKind::Anonymous;
    queue_copy(
        env,
        Copy {
            q: Some(q.id),
            reply_to: Some(q.chat_message_id),
            part: format!("a{}", msg.id.0),
            ..Copy::from_mentor(env, msg, &sender, header, &content, anonymous)
        },
    );
    env.work.db().await?.mark_answered(q.id, env.clock.now()).await?;
    mark_delivered(env, msg.id);
    tracing::info!(question = q.id.0, "answer relayed");
    Ok(())
}

/// The question behind a press, if it is the presser's.
async fn own_question(env: &Env, id: QuestionId) -> Result<Option<Question>, Error> {
    let q = env.work.db().await?.question(id).await?;
    Ok(q.filter(|q| q.mentor == env.ctx.user.id))
}

pub(crate) fn stale(env: &Env, q: &CallbackQuery) -> HandlerResult {
    env.work.answer(q, Some(t!(env.lang, "button-stale")));
    Ok(())
}

async fn reply_pressed(env: Env, press: CallbackQuery, id: QuestionId) -> HandlerResult {
    let Some(q) = own_question(&env, id).await? else { return stale(&env, &press) };
    env.work.answer(&press, None);
    env.work.set_state(State::Relay(RelayStep::Replying { question: q.id }));
    let text = match q.kind {
        QuestionKind::Anonymous => t!(env.lang, "relay-reply-prompt-anonymous"),
        _ => {
            let name = env
                .work
                .db()
                .await?
                .user(q.sender)
                .await?
                .map(|u| u.display_name(env.lang))
                .unwrap_or_default();
            t!(env.lang, "relay-reply-prompt", name = name)
        }
    };
    env.work.say(env.chat(), text);
    Ok(())
}

async fn answered_pressed(env: Env, press: CallbackQuery, id: QuestionId) -> HandlerResult {
    let Some(q) = own_question(&env, id).await? else { return stale(&env, &press) };
    let newly = env.work.db().await?.mark_answered(q.id, env.clock.now()).await?;
    let toast = if newly { "relay-marked-answered" } else { "relay-already-answered" };
    env.work.answer(&press, Some(t!(env.lang, toast)));
    Ok(())
}

/// Blocks the question's sender. An anonymous writer's block is kept apart
/// (by question), so that no student's card ever shows it.
async fn block_pressed(env: Env, press: CallbackQuery, id: QuestionId) -> HandlerResult {
    let Some(q) = own_question(&env, id).await? else { return stale(&env, &press) };
    let (mentor, now) = (env.ctx.user.id, env.clock.now());
    if q.kind == QuestionKind::Anonymous {
        env.work.db().await?.block_anonymous(mentor, q.id, q.sender, now).await?;
    } else {
        env.work.db().await?.set_blocked(mentor, q.sender, true, now).await?;
    }
    env.work.answer(&press, None);
    let keyboard = InlineKeyboardMarkup::new([[button(
        t!(env.lang, "relay-btn-unblock"),
        Callback::Relay(RelayCb::Unblock(q.id)),
    )]]);
    env.work.say_with(env.chat(), t!(env.lang, "relay-block-done"), keyboard);
    Ok(())
}

async fn unblock_pressed(env: Env, press: CallbackQuery, id: QuestionId) -> HandlerResult {
    let Some(q) = own_question(&env, id).await? else { return stale(&env, &press) };
    if q.kind == QuestionKind::Anonymous {
        env.work.db().await?.unblock_anonymous(env.ctx.user.id, q.id).await?;
    } else {
        env.work.db().await?.set_blocked(env.ctx.user.id, q.sender, false, env.clock.now()).await?;
    }
    env.work.answer(&press, None);
    env.work.clear_keyboard(&press);
    env.tell("relay-unblock-done");
    Ok(())
}

/// `/questions`: the unanswered ones, oldest first, with how long each has
/// waited, and buttons to answer them or mark them answered.
pub async fn questions(env: Env) -> HandlerResult {
    if env.ctx.user.role != Some(Role::Mentor) {
        env.tell("relay-questions-not-available");
        return Ok(());
    }
    let open = env.work.db().await?.open_questions(env.ctx.user.id, 10).await?;
    let total = env.work.db().await?.open_question_count(env.ctx.user.id).await?;
    if open.is_empty() {
        env.tell("relay-questions-none");
        return Ok(());
    }
    let now = env.clock.now();
    let mut lines = vec![t!(env.lang, "relay-questions-title", count = total)];
    let mut rows = Vec::new();
    for (i, q) in open.iter().enumerate() {
        let n = i + 1;
        let who = match q.kind {
            QuestionKind::Anonymous => t!(env.lang, "relay-questions-anonymous"),
            _ => env
                .work
                .db()
                .await?
                .user(q.sender)
                .await?
                .map(|u| u.display_name(env.lang))
                .unwrap_or_default(),
        };
        let minutes = crate::domain::quiet::waited_minutes(q.created_at, now);
        let waited = if minutes < 60 {
            t!(env.lang, "relay-waited-minutes", minutes = minutes)
        } else if minutes < 48 * 60 {
            t!(env.lang, "relay-waited-hours", hours = minutes / 60)
        } else {
            t!(env.lang, "relay-waited-days", days = minutes / (24 * 60))
        };
        let urgent = if q.kind == QuestionKind::Urgent {
            format!("{} ", t!(env.lang, "relay-questions-urgent"))
        } else {
            String::new()
        };
        lines.push(format!("{n}. {urgent}{who} — {waited}"));
        rows.push(vec![
            button(
                format!("{n}. {}", t!(env.lang, "relay-btn-reply")),
                Callback::Relay(RelayCb::Reply(q.id)),
            ),
            button(
                format!("{n}. {}", t!(env.lang, "relay-btn-answered")),
                Callback::Relay(RelayCb::Answered(q.id)),
            ),
        ]);
    }
    env.work.say_with(env.chat(), lines.join("\n"), InlineKeyboardMarkup::new(rows));
    Ok(())
}

// ------------------------------------------------------------------ edits

/// An edited message: a student's or parent's relayed message is edited in
/// the mentor's chat too (or, where it cannot be, sent again marked as an
/// edit); anything else gets the usual answer.
pub async fn edited(env: Env, msg: Message) -> HandlerResult {
    let me = env.ctx.user.id;
    let found = match env.ctx.user.role {
        Some(Role::Student) | Some(Role::Parent) => {
            env.work.db().await?.question_from_message(me, i64::from(msg.id.0)).await?
        }
        _ => None,
    };
    let Some(q) = found else {
        env.tell_fallback("edited-message");
        return Ok(());
    };
    let Some(mentor) = env.work.db().await?.user(q.mentor).await? else { return Ok(()) };
    let ml = lang_of(&mentor);
    let flagged = env.work.in_crisis();
    if flagged && !q.flagged {
        env.work.db().await?.flag_question(q.id).await?;
    }
    if flagged && q.kind != QuestionKind::Urgent && q.held_until.is_some_and(|t| t > env.clock.now()) {
        night_button(&env, q.id);
    }
    let header = match (q.kind, env.ctx.user.role) {
        (QuestionKind::Anonymous, _) => t!(ml, "relay-header-anonymous"),
        (_, Some(Role::Parent)) => {
            let child =
                env.work.db().await?.user(q.student).await?.map(|u| u.display_name(ml)).unwrap_or_default();
            t!(ml, "relay-header-parent", name = env.ctx.user.display_name(ml), student = child)
        }
        _ => student_header(&env, ml, &env.ctx.user).await?,
    };
    let flag = if env.ctx.user.role == Some(Role::Parent) {
        "relay-flag-crisis-parent"
    } else {
        "relay-flag-crisis"
    };
    let header = if q.flagged || flagged {
        format!("{}\n{header}", t!(ml, flag, emergency = EMERGENCY))
    } else {
        header
    };
    let header = format!("{header}\n{}", t!(ml, "relay-edited-mark"));
    edit_copy(&env, &msg, &q, &mentor, header, mentor_keyboard(ml, q.id), Priority::Notice).await
}

/// The mentor's copy of an edited message, edited in place (or, where it
/// cannot be — split, or too long now — sent again marked as an edit).
pub(crate) async fn edit_copy(
    env: &Env,
    msg: &Message,
    q: &Question,
    mentor: &User,
    header: String,
    keyboard: InlineKeyboardMarkup,
    priority: Priority,
) -> HandlerResult {
    let content = content_of(msg);
    let mut main = env.work.db().await?.copy_item(&copy_key(q.id, "m")).await?;
    if main.is_none() {
        // An SOS sent from a held message (the night button).
        main = env.work.db().await?.copy_item(&copy_key(q.id, "s")).await?;
    }
    let mut split = false;
    for header_apart in ["mh", "sh"] {
        split |= env.work.db().await?.copy_item(&copy_key(q.id, header_apart)).await?.is_some();
    }
    let edit = match (&content, main) {
        (Content::Text(body), Some(target)) if !split => {
            let full = format!("{header}\n\n{body}");
            fits(&full, MAX_MESSAGE_LEN).then(|| {
                (
                    target,
                    "editMessageText",
                    json!({ "chat_id": mentor.id.0, "text": full, "reply_markup": keyboard }),
                )
            })
        }
        (Content::Media { caption, captionable: true, .. }, Some(target)) if !split => {
            let full = match caption {
                Some(c) if !c.is_empty() => format!("{header}\n\n{c}"),
                _ => header.clone(),
            };
            fits(&full, MAX_CAPTION_LEN).then(|| {
                (
                    target,
                    "editMessageCaption",
                    json!({ "chat_id": mentor.id.0, "caption": full, "reply_markup": keyboard }),
                )
            })
        }
        _ => None,
    };
    match edit {
        Some((target, method, payload)) => {
            let mut i = item(mentor.id.0, priority, method, payload, None);
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
                due_at: None,
                part: format!("e{}", env.clock.now().timestamp_millis()),
                unreachable: None,
                priority,
            },
        ),
    }
    mark_delivered(env, msg.id);
    Ok(())
}
