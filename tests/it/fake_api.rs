//! A strict, in-process fake of the Telegram Bot API server.
//!
//! The fake speaks HTTP on `127.0.0.1:<random port>` so that a real
//! `teloxide::Bot` (pointed at it with `set_api_url`) exercises its own
//! request encoding and response parsing. It validates requests the way
//! Telegram does (unknown chats, blocked users, length limits, inline keyboard
//! rules, HTML/MarkdownV2 entity syntax, "message is not modified", stale
//! callback queries, command rules, flood control) and records everything the
//! bot did so that tests can assert on it.
//!
//! Conventions:
//! * Errors are `{"ok":false,"error_code":N,"description":"..."}` with HTTP
//!   status N, using the exact descriptions teloxide maps to `ApiError`s.
//! * Methods without a chat (getMe, getUpdates, setMyCommands with a non-chat
//!   scope, ...) use chat id `0` as the key for [`FakeApi::fail_next`].
//! * `set_delay` processes the request first and delays only the response,
//!   so a bot killed while waiting has had its request applied.
//! * Flood control is on by default with Telegram's limits ([`Limits`]):
//!   30 messages a second overall and, per chat, a burst of 5 then 1 a
//!   second, for the methods in `FLOOD_METHODS`. Past a limit the answer is
//!   429 with `retry_after` (whole seconds until a token is there, at least
//!   1), the request is not applied, and the chat (or, for the overall
//!   limit, the whole bot) gets 429 for every send until that window ends.
//!   Only applied requests use a token: one refused for another reason
//!   (400, 403) does not count. [`FakeApi::set_limits`] changes the limits
//!   ([`Limits::none`] switches them off).
#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, Uri, header::CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tokio::sync::watch;
use tokio::time::Instant;

const BOT_ID: i64 = 999_000;
const BOT_NAME: &str = "Tälimger";
const FIRST_UPDATE_ID: i64 = 1000;
const CONFLICT: &str =
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";
const NOT_MODIFIED: &str = "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
/// Methods the fake implements (Telegram matches method names case-insensitively).
const KNOWN_METHODS: &str = "getMe getUpdates setWebhook deleteWebhook getWebhookInfo sendMessage sendPhoto \
    sendDocument sendChatAction editMessageText editMessageReplyMarkup deleteMessage answerCallbackQuery \
    setMyCommands deleteMyCommands getMyCommands copyMessage copyMessages setMessageReaction editMessageCaption";
/// Methods subject to flood control (the limits, `rate_limit_for`, 429 windows).
/// The emoji a bot may react with (Telegram's list).
const ALLOWED_REACTIONS: &str = "👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 ❤‍🔥 🌚 🌭 💯 🤣 ⚡ 🍌 🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 👨‍💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 💘 🙉 🦄 😘 💊 🙊 😎 👾 🤷‍♂ 🤷 🤷‍♀ 😡";

const FLOOD_METHODS: &str = "sendMessage sendPhoto sendDocument sendChatAction editMessageText editMessageReplyMarkup deleteMessage \
     copyMessage copyMessages editMessageCaption";
/// Inline keyboard button fields of which exactly one must be present.
const BUTTON_ACTIONS: &str = "callback_data url switch_inline_query switch_inline_query_current_chat \
    switch_inline_query_chosen_chat web_app login_url copy_text callback_game pay";

// ---------------------------------------------------------------- public types

#[derive(Clone, Debug)]
pub struct TgUser {
    pub id: i64,
    pub first_name: String,
    pub language_code: Option<String>,
}

/// Flood control of one fake instance. A rate of 0 switches that limit off.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Messages a second over all chats together: a token bucket that holds
    /// this many and refills this many a second.
    pub global_per_sec: u32,
    /// Messages a second to one chat, sustained (the chat bucket's refill).
    pub chat_per_sec: f64,
    /// Messages to one chat at once (the chat bucket's capacity, at least 1).
    pub chat_burst: u32,
}

impl Limits {
    /// Telegram's: 30 a second overall; per chat a burst of 5, then 1 a second.
    pub const fn telegram() -> Limits {
        Limits { global_per_sec: 30, chat_per_sec: 1.0, chat_burst: 5 }
    }

    /// No flood control at all (benchmarks, tests about something else).
    pub const fn none() -> Limits {
        Limits { global_per_sec: 0, chat_per_sec: 0.0, chat_burst: 0 }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::telegram()
    }
}

#[derive(Clone, Debug)]
pub enum Failure {
    BadRequest(String),
    TooManyRequests { retry_after: u32 },
    Server,
}

/// One successful state-changing call of the bot, in order.
#[derive(Clone, Debug, Default)]
pub struct Sent {
    pub seq: u64,
    /// When the fake applied it, from the fake's start (tokio's clock).
    pub at: Duration,
    pub method: String,
    pub chat_id: i64,
    pub message_id: Option<i64>,
    /// Message text, photo/document caption, or callback answer text (raw, as sent).
    pub text: Option<String>,
    /// Inline keyboard rows (reply-keyboard buttons appear with no data/url).
    pub buttons: Vec<Vec<Button>>,
    pub photo: Option<Vec<u8>>,
    pub document: Option<(String, Vec<u8>)>,
    pub file_name: Option<String>,
    pub callback_query_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Button {
    pub text: String,
    pub data: Option<String>,
    pub url: Option<String>,
}

impl Sent {
    pub fn text(&self) -> &str {
        self.text.as_deref().unwrap_or("")
    }
    pub fn button_texts(&self) -> Vec<String> {
        self.buttons.iter().flatten().map(|b| b.text.clone()).collect()
    }
    /// Callback data of the first button whose text contains `text_contains`.
    pub fn button_data(&self, text_contains: &str) -> Option<String> {
        let mut all = self.buttons.iter().flatten();
        all.find(|b| b.text.contains(text_contains)).and_then(|b| b.data.clone())
    }
}

// ---------------------------------------------------------------- internal state

/// An error answer: HTTP status == `error_code`.
#[derive(Debug)]
struct ApiErr {
    code: u16,
    desc: String,
    retry_after: Option<u32>,
}

fn err(code: u16, desc: impl Into<String>) -> ApiErr {
    ApiErr { code, desc: desc.into(), retry_after: None }
}
fn bad(desc: &str) -> ApiErr {
    err(400, format!("Bad Request: {desc}"))
}
fn too_many(retry_after: u32) -> ApiErr {
    let desc = format!("Too Many Requests: retry after {retry_after}");
    ApiErr { code: 429, desc, retry_after: Some(retry_after) }
}

type R<T> = Result<T, ApiErr>;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Photo,
    Document,
    /// A copy of a voice note, video, sticker…: no file the fake keeps.
    Other,
}

/// A file the bot uploaded (re-sendable by its file_id).
#[derive(Clone)]
struct FileInfo {
    kind: Kind,
    file_id: String,
    unique_id: String,
    name: String,
    bytes: Vec<u8>,
    width: u32,
    height: u32,
}

/// Current state of a message the bot sent.
#[derive(Clone)]
struct BotMsg {
    chat_id: i64,
    message_id: i64,
    date: i64,
    edit_date: Option<i64>,
    kind: Kind,
    raw: Option<String>,      // text/caption as sent
    rendered: Option<String>, // after parse_mode processing
    parse_mode: Option<String>,
    markup: Option<Value>,
    buttons: Vec<Vec<Button>>,
    file: Option<FileInfo>,
    seq: u64,
}

/// A message a user sent (for `copyMessage` and reactions).
#[derive(Clone)]
struct UserMsg {
    /// "text", "photo", "sticker"…: the message's content field.
    kind: String,
    text: Option<String>,
}

struct Callback {
    chat_id: i64,
    message_id: i64,
    answered: bool,
}

/// A token bucket: holds up to `capacity` tokens, refills `rate` a second.
#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn full(capacity: f64, now: Instant) -> Bucket {
        Bucket { tokens: capacity, at: now }
    }

    /// Refills up to `now`; `Err` is the whole seconds until a token is there.
    fn check(&mut self, capacity: f64, rate: f64, now: Instant) -> Result<(), u32> {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate).min(capacity);
        self.at = now;
        // A little slack for float rounding: a client that waited exactly
        // `retry_after` must find its token.
        if self.tokens >= 1.0 - 1e-9 {
            Ok(())
        } else {
            Err(((1.0 - self.tokens) / rate).ceil().max(1.0) as u32)
        }
    }

    fn take(&mut self) {
        self.tokens = (self.tokens - 1.0).max(0.0);
    }
}

#[derive(Default)]
struct St {
    started: Option<Instant>,
    users: HashMap<i64, TgUser>,
    blocked: HashSet<i64>,
    // updates
    next_update_id: i64,
    updates: HashMap<i64, (String, Value)>, // every update ever pushed, with its kind
    pending: BTreeSet<i64>,                 // not yet confirmed
    redeliver: Vec<(i64, bool)>,            // push_duplicate: (id, delivered)
    allowed: Option<Vec<String>>,           // sticky allowed_updates
    acked_offset: i64,
    get_updates_calls: u64,
    poll_gen: u64,
    conflicts: u64,
    /// Set by `setWebhook`: updates are POSTed there, never polled.
    webhook: Option<Webhook>,
    webhook_delivered: u64,
    /// Deliveries the webhook did not answer 2xx: (update id, status).
    webhook_refused: Vec<(i64, u16)>,
    webhook_last_error: Option<String>,
    // messages
    next_message_id: HashMap<i64, i64>,
    /// Messages users sent: what kind, and their text or caption.
    user_messages: HashMap<(i64, i64), UserMsg>,
    messages: HashMap<(i64, i64), BotMsg>,
    files: HashMap<String, FileInfo>,
    next_file: u64,
    callbacks: HashMap<String, Callback>,
    next_callback: u64,
    // records
    sent: Vec<Sent>,
    seq: u64,
    rejected: Vec<(String, u16, String)>,
    commands: HashMap<(String, String), Vec<(String, String)>>,
    violations: Vec<String>,
    // fault injection
    fail_next: HashMap<(i64, String), VecDeque<Failure>>,
    rate_limit: HashMap<i64, u32>,
    flood_until: HashMap<i64, Instant>,
    /// Every sending call fails with 500 until then (`server_errors_for`).
    server_errors_until: Option<Instant>,
    delays: HashMap<String, Duration>,
    // flood control
    limits: Limits,
    global_bucket: Option<Bucket>,
    chat_buckets: HashMap<i64, Bucket>,
    bot_flood_until: Option<Instant>,
    /// The chat whose buckets the current request passed: a token is taken
    /// from them once the request is applied.
    passed_gate: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct Webhook {
    pub url: String,
    pub secret: Option<String>,
    pub max_connections: i64,
}

struct Inner {
    st: Mutex<St>,
    wake: watch::Sender<u64>,
    url: String,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, St> {
        self.st.lock().unwrap_or_else(|e| e.into_inner())
    }
}

// ---------------------------------------------------------------- test-facing API

#[derive(Clone)]
pub struct FakeApi {
    inner: Arc<Inner>,
}

impl FakeApi {
    pub const TOKEN: &'static str = "123456:TEST-token_for-fake";
    pub const BOT_USERNAME: &'static str = "talimger_test_bot";

    pub async fn start() -> FakeApi {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind fake api");
        let addr = listener.local_addr().expect("fake api address");
        let st = St {
            started: Some(Instant::now()),
            next_update_id: FIRST_UPDATE_ID,
            next_file: 1,
            next_callback: 1,
            ..St::default()
        };
        let inner =
            Arc::new(Inner { st: Mutex::new(st), wake: watch::channel(0).0, url: format!("http://{addr}/") });
        let app = Router::new().fallback(handle).layer(DefaultBodyLimit::disable()).with_state(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        tokio::spawn(deliver_to_webhook(inner.clone()));
        FakeApi { inner }
    }

    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// Registers a user who has started the bot (private chat id == user id).
    pub fn add_user(&self, id: i64, first_name: &str, language_code: Option<&str>) -> TgUser {
        let user =
            TgUser { id, first_name: first_name.to_owned(), language_code: language_code.map(str::to_owned) };
        self.inner.lock().users.insert(id, user.clone());
        user
    }

    pub fn block(&self, user_id: i64) {
        self.inner.lock().blocked.insert(user_id);
    }

    /// The user unblocks the bot again.
    pub fn unblock(&self, user_id: i64) {
        self.inner.lock().blocked.remove(&user_id);
    }

    /// The next call of `method` for `chat_id` (0 for chat-less methods) fails.
    /// Calling it several times queues several failures.
    pub fn fail_next(&self, chat_id: i64, method: &str, failure: Failure) {
        let mut st = self.inner.lock();
        st.fail_next.entry((chat_id, method.to_owned())).or_default().push_back(failure);
    }

    /// The next sending call to `chat_id` gets 429 with `retry_after`; further
    /// sends within that window get 429 again (as after any 429).
    pub fn rate_limit_for(&self, chat_id: i64, retry_after: u32) {
        self.inner.lock().rate_limit.insert(chat_id, retry_after);
    }

    /// For `duration` from now every call that sends or changes a message
    /// (any chat; reactions and callback answers too) fails with 500, as
    /// during Telegram's server trouble; `getUpdates` and reads still work.
    pub fn server_errors_for(&self, duration: Duration) {
        self.inner.lock().server_errors_until = Some(Instant::now() + duration);
    }

    /// For `duration` from now the whole bot is under flood control:
    /// every sending call gets 429 with the `retry_after` left (whole
    /// seconds, at least 1), as after a breach of the global limit.
    pub fn flood_control_for(&self, duration: Duration) {
        self.inner.lock().bot_flood_until = Some(Instant::now() + duration);
    }

    /// Replaces the flood-control limits (Telegram's by default); the token
    /// buckets start full again. 429 windows already given stay.
    pub fn set_limits(&self, limits: Limits) {
        let mut st = self.inner.lock();
        st.limits = limits;
        st.global_bucket = None;
        st.chat_buckets.clear();
    }

    pub fn limits(&self) -> Limits {
        self.inner.lock().limits
    }

    pub fn set_delay(&self, method: &str, delay: Duration) {
        self.inner.lock().delays.insert(method.to_owned(), delay);
    }

    pub fn push_text(&self, from: &TgUser, text: &str) -> i64 {
        let extra = json!({"text": text});
        self.push_message(from, "message", None, extra, Some(text))
    }

    pub fn push_sticker(&self, from: &TgUser) -> i64 {
        let sticker = json!({"file_id": "CAACAgIAAxk-fake-sticker", "file_unique_id": "AgADfakesticker",
            "type": "regular", "width": 512, "height": 512, "is_animated": false, "is_video": false,
            "emoji": "👍", "set_name": "FakeStickers", "file_size": 20480});
        self.push_message(from, "message", None, json!({"sticker": sticker}), None)
    }

    pub fn push_location(&self, from: &TgUser) -> i64 {
        let location = json!({"latitude": 43.238949, "longitude": 76.889709});
        self.push_message(from, "message", None, json!({"location": location}), None)
    }

    pub fn push_photo(&self, from: &TgUser, caption: Option<&str>) -> i64 {
        let sizes = json!([
            {"file_id": "AgACAgIAAxk-fake-user-photo-s", "file_unique_id": "AQADfakeS", "width": 90, "height": 67, "file_size": 1200},
            {"file_id": "AgACAgIAAxk-fake-user-photo-m", "file_unique_id": "AQADfakeM", "width": 800, "height": 600, "file_size": 64000},
        ]);
        let mut extra = json!({"photo": sizes});
        if let Some(c) = caption {
            extra["caption"] = json!(c);
            if let Some(entities) = command_entities(c) {
                extra["caption_entities"] = entities;
            }
        }
        self.push_message(from, "message", None, extra, None)
    }

    /// The user shares a contact card (e.g. their own, with its phone number).
    pub fn push_contact(&self, from: &TgUser, phone_number: &str) -> i64 {
        let contact =
            json!({"phone_number": phone_number, "first_name": from.first_name, "user_id": from.id});
        self.push_message(from, "message", None, json!({"contact": contact}), None)
    }

    /// The user sends an album: `count` photos as separate updates sharing a
    /// `media_group_id`, the caption (if any) on the first, as Telegram does.
    pub fn push_album(&self, from: &TgUser, count: usize, caption: Option<&str>) -> Vec<i64> {
        let group = self.new_album_group();
        self.push_album_parts(from, &group, 0..count, caption)
    }

    /// A fresh `media_group_id`.
    pub fn new_album_group(&self) -> String {
        let mut st = self.inner.lock();
        st.next_file += 1;
        format!("{}", 13_500_000_000_000_000u64 + st.next_file)
    }

    /// Parts `parts` of the album `group` (the caption, if any, on part 0),
    /// for albums whose parts arrive apart.
    pub fn push_album_parts(
        &self,
        from: &TgUser,
        group: &str,
        parts: std::ops::Range<usize>,
        caption: Option<&str>,
    ) -> Vec<i64> {
        parts
            .map(|i| {
                let sizes = json!([
                    {"file_id": format!("AgACAgIAAxk-fake-album-{group}-{i}-s"), "file_unique_id": format!("AQADalb{i}s"),
                        "width": 90, "height": 67, "file_size": 1200},
                    {"file_id": format!("AgACAgIAAxk-fake-album-{group}-{i}-m"), "file_unique_id": format!("AQADalb{i}m"),
                        "width": 800, "height": 600, "file_size": 64000},
                ]);
                let mut extra = json!({"photo": sizes, "media_group_id": group});
                if let (0, Some(c)) = (i, caption) {
                    extra["caption"] = json!(c);
                    if let Some(entities) = command_entities(c) {
                        extra["caption_entities"] = entities;
                    }
                }
                self.push_message(from, "message", None, extra, None)
            })
            .collect()
    }

    /// Queues an arbitrary update body as Telegram would send it (for bodies
    /// teloxide cannot parse, or fields it does not know); the fake assigns
    /// `update_id`, replacing any in `body`. Its kind, for `allowed_updates`,
    /// is its first field other than `update_id`.
    pub fn push_raw(&self, body: Value) -> i64 {
        let Value::Object(fields) = body else { panic!("push_raw: an update is a JSON object, not {body}") };
        let kind = fields.keys().find(|k| *k != "update_id").cloned().unwrap_or_default();
        let id = {
            let mut st = self.inner.lock();
            let id = st.next_update_id;
            st.next_update_id += 1;
            let mut update = Value::Object(fields);
            update["update_id"] = json!(id);
            st.updates.insert(id, (kind, update));
            st.pending.insert(id);
            id
        };
        self.inner.wake.send_modify(|v| *v += 1);
        id
    }

    /// The user answers a message of the bot's (`reply_to`) with a text,
    /// by Telegram's Reply.
    pub fn push_reply(&self, from: &TgUser, reply_to: i64, text: &str) -> i64 {
        let replied = {
            let st = self.inner.lock();
            let msg = st
                .messages
                .get(&(from.id, reply_to))
                .unwrap_or_else(|| panic!("push_reply: no bot message {reply_to} in chat {}", from.id));
            st.message_json(msg)
        };
        let extra = json!({"text": text, "reply_to_message": replied});
        self.push_message(from, "message", None, extra, Some(text))
    }

    /// The user sends a voice note, with a caption or not.
    pub fn push_voice(&self, from: &TgUser, caption: Option<&str>) -> i64 {
        let voice = json!({"file_id": "AwACAgIAAxk-fake-voice", "file_unique_id": "AgADfakevoice",
            "duration": 3, "mime_type": "audio/ogg", "file_size": 9000});
        let mut extra = json!({"voice": voice});
        if let Some(c) = caption {
            extra["caption"] = json!(c);
        }
        self.push_message(from, "message", None, extra, None)
    }

    /// The user sends a message with one media field (`video`,
    /// `video_note`, `audio`, …) and an optional caption.
    pub fn push_media(&self, from: &TgUser, field: &str, media: Value, caption: Option<&str>) -> i64 {
        let mut extra = json!({ field: media });
        if let Some(c) = caption {
            extra["caption"] = json!(c);
        }
        self.push_message(from, "message", None, extra, None)
    }

    /// The user sends one part of an album: `field` media in `group`.
    pub fn push_media_in_group(&self, from: &TgUser, field: &str, media: Value, group: &str) -> i64 {
        self.push_message(from, "message", None, json!({ field: media, "media_group_id": group }), None)
    }

    /// The user sends a document with this file name.
    pub fn push_document(&self, from: &TgUser, file_name: &str) -> i64 {
        let document = json!({"file_id": "BQACAgIAAxk-fake-user-doc", "file_unique_id": "AgADfakedoc",
            "file_name": file_name, "mime_type": "application/pdf", "file_size": 12000});
        self.push_message(from, "message", None, json!({"document": document}), None)
    }

    /// The id the next message in `chat` will get (a user's or the bot's).
    pub fn next_message_id(&self, chat: i64) -> i64 {
        self.inner.lock().next_message_id.get(&chat).copied().unwrap_or(1)
    }

    /// The user edits their earlier message `message_id`.
    pub fn push_edited_text(&self, from: &TgUser, message_id: i64, text: &str) -> i64 {
        let extra = json!({"text": text, "edit_date": now()});
        self.push_message(from, "edited_message", Some(message_id), extra, Some(text))
    }

    /// The user presses an inline button of the bot's message `message_id`.
    pub fn push_callback(&self, from: &TgUser, message_id: i64, data: &str) -> i64 {
        self.push(|st, _| {
            let msg = st
                .messages
                .get(&(from.id, message_id))
                .unwrap_or_else(|| panic!("push_callback: no bot message {message_id} in chat {}", from.id));
            let message = st.message_json(msg);
            let id = format!("{}", 4_200_000_000_000u64 + st.next_callback);
            st.next_callback += 1;
            let cb = Callback { chat_id: from.id, message_id, answered: false };
            st.callbacks.insert(id.clone(), cb);
            let query = json!({"id": id, "from": user_json(from), "message": message,
                "chat_instance": format!("-77{}", from.id), "data": data});
            ("callback_query", query)
        })
    }

    /// The user presses an inline button of a message that is no longer
    /// accessible (deleted, or too old): Telegram sends only the chat, the
    /// message id and date 0. The query can be answered as usual.
    pub fn push_callback_inaccessible(&self, from: &TgUser, message_id: i64, data: &str) -> i64 {
        self.push(|st, _| {
            let id = format!("{}", 4_200_000_000_000u64 + st.next_callback);
            st.next_callback += 1;
            let cb = Callback { chat_id: from.id, message_id, answered: false };
            st.callbacks.insert(id.clone(), cb);
            let message = json!({"chat": chat_json(from), "message_id": message_id, "date": 0});
            let query = json!({"id": id, "from": user_json(from), "message": message,
                "chat_instance": format!("-77{}", from.id), "data": data});
            ("callback_query", query)
        })
    }

    /// Telegram re-delivers an update (even one that was already confirmed).
    pub fn push_duplicate(&self, update_id: i64) {
        {
            let mut st = self.inner.lock();
            assert!(st.updates.contains_key(&update_id), "push_duplicate: unknown update {update_id}");
            st.redeliver.push((update_id, false));
        }
        self.inner.wake.send_modify(|v| *v += 1);
    }

    pub fn acked_offset(&self) -> i64 {
        self.inner.lock().acked_offset
    }
    /// The webhook `setWebhook` set, if any.
    pub fn webhook(&self) -> Option<Webhook> {
        self.inner.lock().webhook.clone()
    }
    /// Updates the webhook answered 2xx.
    pub fn webhook_delivered(&self) -> u64 {
        self.inner.lock().webhook_delivered
    }
    /// Deliveries the webhook refused: (update id, HTTP status).
    pub fn webhook_refused(&self) -> Vec<(i64, u16)> {
        self.inner.lock().webhook_refused.clone()
    }
    pub fn get_updates_calls(&self) -> u64 {
        self.inner.lock().get_updates_calls
    }
    /// getUpdates calls answered 409 because a newer getUpdates superseded them.
    pub fn conflicts(&self) -> u64 {
        self.inner.lock().conflicts
    }
    pub fn pending_updates(&self) -> usize {
        let st = self.inner.lock();
        st.pending.len() + st.redeliver.len()
    }
    pub fn sent(&self) -> Vec<Sent> {
        self.inner.lock().sent.clone()
    }
    pub fn sent_to(&self, chat_id: i64) -> Vec<Sent> {
        self.inner.lock().sent.iter().filter(|s| s.chat_id == chat_id).cloned().collect()
    }
    pub fn sent_since(&self, seq: u64) -> Vec<Sent> {
        self.inner.lock().sent.iter().filter(|s| s.seq > seq).cloned().collect()
    }
    pub fn last_seq(&self) -> u64 {
        self.inner.lock().seq
    }
    pub fn rejected(&self) -> Vec<(String, u16, String)> {
        self.inner.lock().rejected.clone()
    }
    /// Commands stored for `scope` ("default", "chat:<id>", "all_private_chats", ...).
    pub fn commands(&self, scope: &str, language_code: Option<&str>) -> Option<Vec<(String, String)>> {
        let key = (scope.to_owned(), language_code.unwrap_or("").to_owned());
        self.inner.lock().commands.get(&key).cloned()
    }
    pub fn violations(&self) -> Vec<String> {
        self.inner.lock().violations.clone()
    }
    /// Current state of a bot message (after edits); `method` is the original
    /// send method and `seq` the last change. None once deleted.
    pub fn message(&self, chat_id: i64, message_id: i64) -> Option<Sent> {
        let st = self.inner.lock();
        let m = st.messages.get(&(chat_id, message_id))?;
        let method = match m.kind {
            Kind::Text => "sendMessage",
            Kind::Photo => "sendPhoto",
            Kind::Document => "sendDocument",
            Kind::Other => "copyMessage",
        };
        let at = st.sent.iter().rev().find(|s| s.seq == m.seq).map_or(Duration::ZERO, |s| s.at);
        Some(Sent { at, ..snapshot(m, method, m.seq) })
    }

    /// Pushes a message-like update from `from` in their private chat.
    fn push_message(
        &self,
        from: &TgUser,
        kind: &'static str,
        id: Option<i64>,
        extra: Value,
        text: Option<&str>,
    ) -> i64 {
        self.push(|st, _| {
            let message_id = id.unwrap_or_else(|| st.new_message_id(from.id));
            let fields = extra.as_object().unwrap();
            let content = [
                "text",
                "photo",
                "video",
                "voice",
                "video_note",
                "audio",
                "document",
                "animation",
                "sticker",
                "location",
                "contact",
                "poll",
                "venue",
                "dice",
            ];
            let content_kind =
                content.iter().find(|k| fields.contains_key(**k)).map_or("other", |k| *k).to_owned();
            let shown = fields
                .get("text")
                .or_else(|| fields.get("caption"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            st.user_messages.insert((from.id, message_id), UserMsg { kind: content_kind, text: shown });
            let mut msg = json!({"message_id": message_id, "from": user_json(from),
                "chat": chat_json(from), "date": now()});
            msg.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            if let Some(entities) = text.and_then(command_entities) {
                msg["entities"] = entities;
            }
            (kind, msg)
        })
    }

    fn push(&self, build: impl FnOnce(&mut St, i64) -> (&'static str, Value)) -> i64 {
        let id = {
            let mut st = self.inner.lock();
            let id = st.next_update_id;
            st.next_update_id += 1;
            let (kind, payload) = build(&mut st, id);
            let mut update = json!({"update_id": id});
            update[kind] = payload;
            st.updates.insert(id, (kind.to_owned(), update));
            st.pending.insert(id);
            id
        };
        self.inner.wake.send_modify(|v| *v += 1);
        id
    }
}

// ---------------------------------------------------------------- HTTP layer

/// Request parameters from JSON, multipart, form or query encoding.
#[derive(Default)]
struct Params {
    fields: Map<String, Value>,
    files: HashMap<String, (String, Vec<u8>)>, // multipart part name -> (file name, bytes)
}

impl Params {
    fn get(&self, k: &str) -> Option<&Value> {
        self.fields.get(k).filter(|v| !v.is_null())
    }
    fn int(&self, k: &str) -> R<Option<i64>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| bad(&format!("invalid {k}"))),
            Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| bad(&format!("invalid {k}"))),
            Some(_) => Err(bad(&format!("invalid {k}"))),
        }
    }
    fn str(&self, k: &str) -> Option<String> {
        match self.get(k)? {
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
    /// A JSON-typed field; multipart/form encodings carry it as a JSON string.
    fn json(&self, k: &str) -> R<Option<Value>> {
        match self.get(k) {
            Some(Value::String(s)) => {
                serde_json::from_str(s).map(Some).map_err(|_| bad(&format!("can't parse {k} JSON object")))
            }
            other => Ok(other.cloned()),
        }
    }
}

async fn handle(State(inner): State<Arc<Inner>>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let segs: Vec<String> = uri.path().split('/').filter(|s| !s.is_empty()).map(pct_decode).collect();
    // Telegram method names are case-insensitive (teloxide sends e.g. "GetMe").
    let raw = segs.get(1).cloned().unwrap_or_else(|| uri.path().to_owned());
    let known = KNOWN_METHODS.split_whitespace().find(|k| k.eq_ignore_ascii_case(&raw));
    let method = known.map_or(raw, str::to_owned);
    let token = segs.first().and_then(|s| s.strip_prefix("bot"));
    let result = match (segs.len(), token, known) {
        (2, Some(FakeApi::TOKEN), Some(m)) => match parse_params(&uri, &headers, &body) {
            Err(e) => Err(e),
            Ok(p) if m == "getUpdates" => get_updates(&inner, &p).await,
            Ok(p) => inner.lock().dispatch(m, &p),
        },
        (2, Some(t), _) if t != FakeApi::TOKEN => Err(err(401, "Unauthorized")),
        _ => Err(err(404, "Not Found")),
    };
    let delay = {
        let mut st = inner.lock();
        // A superseded long poll (409) is only counted: its client is normally gone.
        if let Err(e) = &result
            && e.code != 409
        {
            st.rejected.push((method.clone(), e.code, e.desc.clone()));
        }
        st.delays.get(&method).copied()
    };
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    match result {
        Ok(v) => axum::Json(json!({"ok": true, "result": v})).into_response(),
        Err(e) => {
            let mut body = json!({"ok": false, "error_code": e.code, "description": e.desc});
            if let Some(s) = e.retry_after {
                body["parameters"] = json!({"retry_after": s});
            }
            let status = StatusCode::from_u16(e.code).unwrap_or(StatusCode::BAD_REQUEST);
            (status, axum::Json(body)).into_response()
        }
    }
}

fn parse_params(uri: &Uri, headers: &HeaderMap, body: &[u8]) -> R<Params> {
    let mut p = Params::default();
    let form = |p: &mut Params, s: &[u8]| {
        for (k, v) in url::form_urlencoded::parse(s) {
            p.fields.insert(k.into_owned(), Value::String(v.into_owned()));
        }
    };
    if let Some(q) = uri.query() {
        form(&mut p, q.as_bytes());
    }
    let ctype = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if ctype.starts_with("multipart/form-data") {
        let boundary = header_param(ctype, "boundary").ok_or_else(|| bad("invalid multipart boundary"))?;
        parse_multipart(body, &boundary, &mut p).ok_or_else(|| bad("can't parse multipart body"))?;
    } else if ctype.starts_with("application/x-www-form-urlencoded") {
        form(&mut p, body);
    } else if !body.iter().all(u8::is_ascii_whitespace) {
        match serde_json::from_slice(body) {
            Ok(Value::Object(m)) => p.fields.extend(m),
            Ok(Value::Null) => {}
            _ => return Err(bad("can't parse JSON body")),
        }
    }
    Ok(p)
}

/// Minimal multipart/form-data parser (text parts -> fields, file parts -> files).
fn parse_multipart(body: &[u8], boundary: &str, p: &mut Params) -> Option<()> {
    let delim = format!("--{boundary}");
    let mut pos = find(body, delim.as_bytes(), 0)? + delim.len();
    loop {
        if body[pos..].starts_with(b"--") {
            return Some(());
        }
        pos += 2; // CRLF after the delimiter
        let head_end = find(body, b"\r\n\r\n", pos)?;
        let head = std::str::from_utf8(&body[pos..head_end]).ok()?;
        let content_start = head_end + 4;
        let next = find(body, format!("\r\n{delim}").as_bytes(), content_start)?;
        let content = &body[content_start..next];
        let disposition =
            head.lines().find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
        let name = header_param(disposition, "name")?;
        if let Some(file_name) = header_param(disposition, "filename") {
            p.files.insert(name, (file_name, content.to_vec()));
        } else {
            let text = String::from_utf8_lossy(content).into_owned();
            p.fields.insert(name, Value::String(text));
        }
        pos = next + 2 + delim.len();
    }
}

/// Value of `key=...` (quoted with backslash escapes, or bare) in a header.
fn header_param(header: &str, key: &str) -> Option<String> {
    let mut rest = header;
    while let Some(i) = rest.find(key) {
        let before = rest[..i].trim_end().chars().last();
        let after = &rest[i + key.len()..];
        if matches!(before, Some(';') | Some(' ') | None) && after.starts_with('=') {
            let v = &after[1..];
            if let Some(q) = v.strip_prefix('"') {
                let (mut out, mut chars) = (String::new(), q.chars());
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => out.extend(chars.next()),
                        '"' => return Some(out),
                        c => out.push(c),
                    }
                }
                return None;
            }
            return Some(v.split(';').next().unwrap_or("").trim().to_owned());
        }
        rest = after;
    }
    None
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

fn pct_decode(s: &str) -> String {
    let b = s.as_bytes();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < b.len() {
        let hex = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
        if let (b'%', Some(v)) = (b[i], hex) {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Long-polling getUpdates with Telegram's confirmation-by-offset semantics.
async fn get_updates(inner: &Inner, p: &Params) -> R<Value> {
    let mut wake = inner.wake.subscribe();
    let (deadline, my_gen, limit) = {
        let mut st = inner.lock();
        st.get_updates_calls += 1;
        if st.webhook.is_some() {
            return Err(err(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            ));
        }
        st.gate(0, "getUpdates")?;
        let limit = p.int("limit")?.filter(|l| (1..=100).contains(l)).unwrap_or(100) as usize;
        let timeout = p.int("timeout")?.unwrap_or(0).clamp(0, 3600) as u64;
        if let Some(Value::Array(a)) = p.json("allowed_updates")? {
            st.allowed = Some(a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect());
        }
        if let Some(offset) = p.int("offset")?.filter(|o| *o > 0) {
            st.pending.retain(|id| *id >= offset);
            st.redeliver.retain(|(id, delivered)| !(*delivered && *id < offset));
            st.acked_offset = st.acked_offset.max(offset);
        }
        st.poll_gen += 1;
        (Instant::now() + Duration::from_secs(timeout), st.poll_gen, limit)
    };
    inner.wake.send_modify(|v| *v += 1); // terminates an older concurrent long poll
    loop {
        {
            let mut st = inner.lock();
            if st.poll_gen != my_gen {
                st.conflicts += 1;
                return Err(err(409, CONFLICT));
            }
            let batch = st.collect_updates(limit);
            if !batch.is_empty() || Instant::now() >= deadline {
                return Ok(Value::Array(batch));
            }
        }
        tokio::select! {
            Ok(()) = wake.changed() => {}
            _ = tokio::time::sleep_until(deadline) => {}
        }
    }
}

/// What Telegram does with a webhook set: each pending update, oldest
/// first, POSTed with the secret token until the server answers 2xx
/// (anything else is retried shortly, and remembered as the last error).
async fn deliver_to_webhook(inner: Arc<Inner>) {
    let client = reqwest::Client::new();
    let mut wake = inner.wake.subscribe();
    loop {
        let next = {
            let mut st = inner.lock();
            match st.webhook.clone() {
                Some(hook) => st.next_for_webhook().map(|(id, body)| (hook, id, body)),
                None => None,
            }
        };
        let Some((hook, id, body)) = next else {
            tokio::select! {
                _ = wake.changed() => {}
                _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
            continue;
        };
        let mut request = client.post(&hook.url).json(&body).timeout(Duration::from_secs(20));
        if let Some(secret) = &hook.secret {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        let answer = request.send().await;
        let refused = {
            let mut st = inner.lock();
            match answer {
                Ok(r) if r.status().is_success() => {
                    st.pending.remove(&id);
                    st.webhook_delivered += 1;
                    false
                }
                Ok(r) => {
                    let status = r.status().as_u16();
                    st.webhook_refused.push((id, status));
                    st.webhook_last_error = Some(format!("Wrong response from the webhook: {}", r.status()));
                    true
                }
                Err(e) => {
                    st.webhook_refused.push((id, 0));
                    st.webhook_last_error = Some(format!("Connection failed: {e}"));
                    true
                }
            }
        };
        if refused {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

// ---------------------------------------------------------------- method implementations

impl St {
    /// `setWebhook`, as strict as Telegram about the secret token.
    fn set_webhook(&mut self, p: &Params) -> R<Value> {
        self.gate(0, "setWebhook")?;
        let url = p
            .str("url")
            .filter(|u| !u.is_empty())
            .ok_or_else(|| bad("Bad Request: bad webhook: URL is empty"))?;
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(bad("Bad Request: bad webhook: unsupported URL protocol"));
        }
        let secret = p.str("secret_token");
        if let Some(s) = &secret
            && (s.is_empty()
                || s.len() > 256
                || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
        {
            return Err(bad("Bad Request: secret token contains unallowed characters"));
        }
        let max_connections = p.int("max_connections")?.unwrap_or(40);
        if !(1..=100).contains(&max_connections) {
            return Err(bad("Bad Request: bad max_connections"));
        }
        if let Some(Value::Array(a)) = p.json("allowed_updates")? {
            self.allowed = Some(a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect());
        }
        self.webhook = Some(Webhook { url, secret, max_connections });
        Ok(json!(true))
    }

    /// The oldest pending update the webhook takes (others are dropped, as
    /// `allowed_updates` says).
    fn next_for_webhook(&mut self) -> Option<(i64, Value)> {
        let allowed = self.allowed.clone().filter(|a| !a.is_empty());
        let ok =
            |st: &St, id: &i64| allowed.as_ref().is_none_or(|a| a.iter().any(|k| *k == st.updates[id].0));
        let keep: BTreeSet<i64> = self.pending.iter().filter(|id| ok(self, id)).copied().collect();
        self.pending = keep;
        let id = *self.pending.iter().next()?;
        Some((id, self.updates[&id].1.clone()))
    }

    fn dispatch(&mut self, m: &str, p: &Params) -> R<Value> {
        self.passed_gate = None;
        let result = self.apply(m, p);
        // An applied send uses a token of the overall and the chat bucket.
        if let (Ok(_), Some(chat)) = (&result, self.passed_gate.take()) {
            if let Some(b) = &mut self.global_bucket {
                b.take();
            }
            if let Some(b) = self.chat_buckets.get_mut(&chat) {
                b.take();
            }
        }
        result
    }

    fn apply(&mut self, m: &str, p: &Params) -> R<Value> {
        match m {
            "getMe" => self.gate(0, m).map(|_| me_json()),
            "deleteWebhook" => {
                self.gate(0, m)?;
                self.webhook = None;
                if p.str("drop_pending_updates").as_deref() == Some("true") {
                    self.pending.clear();
                    self.redeliver.clear();
                }
                Ok(json!(true))
            }
            "getWebhookInfo" => {
                let mut info = json!({
                    "url": self.webhook.as_ref().map_or("", |h| h.url.as_str()),
                    "has_custom_certificate": false,
                    "pending_update_count": self.pending.len() + self.redeliver.len(),
                });
                if let Some(e) = &self.webhook_last_error {
                    info["last_error_date"] = json!(1_764_800_000);
                    info["last_error_message"] = json!(e);
                }
                Ok(info)
            }
            "setWebhook" => self.set_webhook(p),
            "sendMessage" | "sendPhoto" | "sendDocument" => self.send(m, p),
            "sendChatAction" => self.target_chat(m, p, true).map(|_| json!(true)),
            "editMessageText" | "editMessageReplyMarkup" | "editMessageCaption" => self.edit(m, p),
            "copyMessage" => self.copy_message(p),
            "copyMessages" => self.copy_messages(p),
            "setMessageReaction" => self.set_reaction(p),
            "deleteMessage" => self.delete_message(p),
            "answerCallbackQuery" => self.answer_callback(p),
            _ => self.my_commands(m, p),
        }
    }

    /// Injected failures and flood control for one call of `m` in `chat`.
    fn gate(&mut self, chat: i64, m: &str) -> R<()> {
        let now = Instant::now();
        let queued = self.fail_next.get_mut(&(chat, m.to_owned())).and_then(VecDeque::pop_front);
        let mut retry = match queued {
            Some(Failure::BadRequest(d)) => return Err(err(400, d)),
            Some(Failure::Server) => return Err(err(500, "Internal Server Error")),
            Some(Failure::TooManyRequests { retry_after }) => Some(retry_after),
            None => None,
        };
        let flood = FLOOD_METHODS.split(' ').any(|f| f == m);
        let left = |until: Instant| (until - now).as_secs_f64().ceil().max(1.0) as u32;
        let writes = flood || m == "setMessageReaction" || m == "answerCallbackQuery";
        if writes && self.server_errors_until.is_some_and(|u| u > now) {
            return Err(err(500, "Internal Server Error"));
        }
        if flood {
            if let Some(&until) = self.flood_until.get(&chat).filter(|u| **u > now) {
                return Err(too_many(left(until)));
            }
            if let Some(until) = self.bot_flood_until.filter(|u| *u > now) {
                return Err(too_many(left(until)));
            }
            retry = retry.or_else(|| self.rate_limit.remove(&chat));
        }
        if let Some(s) = retry {
            self.flood_until.insert(chat, now + Duration::from_secs(s.into()));
            return Err(too_many(s));
        }
        if flood {
            self.limit(chat, now)?;
        }
        Ok(())
    }

    /// The token buckets: the overall one first (its 429 stops the whole
    /// bot), then the chat's. Nothing is taken here (see `dispatch`).
    fn limit(&mut self, chat: i64, now: Instant) -> R<()> {
        let Limits { global_per_sec, chat_per_sec, chat_burst } = self.limits;
        if global_per_sec > 0 {
            let (capacity, rate) = (f64::from(global_per_sec), f64::from(global_per_sec));
            let bucket = self.global_bucket.get_or_insert_with(|| Bucket::full(capacity, now));
            if let Err(s) = bucket.check(capacity, rate, now) {
                self.bot_flood_until = Some(now + Duration::from_secs(s.into()));
                return Err(too_many(s));
            }
        }
        if chat_per_sec > 0.0 {
            let capacity = f64::from(chat_burst.max(1));
            let bucket = self.chat_buckets.entry(chat).or_insert_with(|| Bucket::full(capacity, now));
            if let Err(s) = bucket.check(capacity, chat_per_sec, now) {
                self.flood_until.insert(chat, now + Duration::from_secs(s.into()));
                return Err(too_many(s));
            }
        }
        self.passed_gate = Some(chat);
        Ok(())
    }

    /// Resolves `chat_id`, runs the gate and checks that the bot may write there.
    fn target_chat(&mut self, m: &str, p: &Params, sending: bool) -> R<i64> {
        let chat = match p.int("chat_id") {
            Ok(Some(c)) => c,
            Ok(None) => return Err(bad("chat_id is empty")),
            Err(_) => return Err(bad("chat not found")), // e.g. "@username"
        };
        self.gate(chat, m)?;
        if !self.users.contains_key(&chat) {
            return Err(bad("chat not found"));
        }
        if sending && self.blocked.contains(&chat) {
            return Err(err(403, "Forbidden: bot was blocked by the user"));
        }
        Ok(chat)
    }

    fn send(&mut self, m: &str, p: &Params) -> R<Value> {
        let chat = self.target_chat(m, p, true)?;
        let kind = match m {
            "sendMessage" => Kind::Text,
            "sendPhoto" => Kind::Photo,
            _ => Kind::Document,
        };
        let parse_mode = p.str("parse_mode");
        let (raw, rendered) = if kind == Kind::Text {
            let text = p.str("text").unwrap_or_default();
            self.scan(m, chat, "text", &text);
            let r = check_text(
                &text,
                parse_mode.as_deref(),
                4096,
                "message text is empty",
                "message is too long",
            )?;
            (Some(text), Some(r))
        } else if let Some(c) = p.str("caption") {
            self.scan(m, chat, "caption", &c);
            let r = check_text(&c, parse_mode.as_deref(), 1024, "", "message caption is too long")?;
            (Some(c), Some(r))
        } else {
            (None, None)
        };
        let (markup, buttons) = self.markup(m, chat, p, false)?;
        if let Some(reply) = p.json("reply_parameters")? {
            let id = reply["message_id"].as_i64().unwrap_or(0);
            let exists =
                self.user_messages.contains_key(&(chat, id)) || self.messages.contains_key(&(chat, id));
            if !exists && reply["allow_sending_without_reply"] != json!(true) {
                return Err(bad("message to be replied not found"));
            }
        }
        let file = match kind {
            Kind::Text => None,
            _ => Some(self.upload(kind, p)?),
        };
        let message_id = self.new_message_id(chat);
        self.seq += 1;
        let msg = BotMsg {
            chat_id: chat,
            message_id,
            date: now(),
            edit_date: None,
            kind,
            raw,
            rendered,
            parse_mode,
            markup,
            buttons,
            file,
            seq: self.seq,
        };
        self.push_sent(snapshot(&msg, m, self.seq));
        let json = self.message_json(&msg);
        self.messages.insert((chat, message_id), msg);
        Ok(json)
    }

    /// Validates and stores an uploaded photo/document (or a re-sent file_id).
    fn upload(&mut self, kind: Kind, p: &Params) -> R<FileInfo> {
        let field = if kind == Kind::Photo { "photo" } else { "document" };
        let (name, bytes) = match (p.str(field), p.files.get(field)) {
            (Some(v), _) if v.starts_with("attach://") => p
                .files
                .get(&v["attach://".len()..])
                .cloned()
                .ok_or_else(|| bad(&format!("there is no {field} in the request")))?,
            (_, Some(f)) => f.clone(),
            (Some(file_id), None) => match self.files.get(&file_id) {
                Some(f) if f.kind == kind => return Ok(f.clone()),
                _ => return Err(bad("wrong file identifier/HTTP URL specified")),
            },
            (None, None) => return Err(bad(&format!("there is no {field} in the request"))),
        };
        let (mut width, mut height) = (0, 0);
        if kind == Kind::Photo {
            if bytes.len() > 10 << 20 {
                return Err(bad("PHOTO_SAVE_FILE_INVALID"));
            }
            let img = image::load_from_memory(&bytes).map_err(|_| bad("IMAGE_PROCESS_FAILED"))?;
            (width, height) = (img.width(), img.height());
            if width + height > 10_000 || width.max(height) > 20 * width.min(height) {
                return Err(bad("PHOTO_INVALID_DIMENSIONS"));
            }
        } else if bytes.is_empty() {
            return Err(bad("file must be non-empty"));
        } else if bytes.len() > 50 << 20 {
            return Err(err(413, "Request Entity Too Large"));
        }
        let n = self.next_file;
        self.next_file += 1;
        let prefix = if kind == Kind::Photo { "AgACAgIAAxk" } else { "BQACAgIAAxk" };
        let f = FileInfo {
            kind,
            file_id: format!("{prefix}-fake-{n}"),
            unique_id: format!("AQADfake{n}"),
            name,
            bytes,
            width,
            height,
        };
        self.files.insert(f.file_id.clone(), f.clone());
        Ok(f)
    }

    fn edit(&mut self, m: &str, p: &Params) -> R<Value> {
        let chat = self.target_chat(m, p, false)?;
        let id = p.int("message_id")?.ok_or_else(|| bad("message identifier is not specified"))?;
        let mut msg =
            self.messages.get(&(chat, id)).cloned().ok_or_else(|| bad("message to edit not found"))?;
        if m == "editMessageText" {
            if msg.kind != Kind::Text {
                return Err(bad("there is no text in the message to edit"));
            }
            let text = p.str("text").unwrap_or_default();
            self.scan(m, chat, "text", &text);
            let parse_mode = p.str("parse_mode");
            let rendered =
                check_text(&text, parse_mode.as_deref(), 4096, "message text is empty", "MESSAGE_TOO_LONG")?;
            (msg.raw, msg.rendered, msg.parse_mode) = (Some(text), Some(rendered), parse_mode);
        }
        if m == "editMessageCaption" {
            if msg.kind == Kind::Text {
                return Err(bad("there is no caption in the message to edit"));
            }
            let caption = p.str("caption").unwrap_or_default();
            self.scan(m, chat, "caption", &caption);
            let parse_mode = p.str("parse_mode");
            let rendered = check_text(&caption, parse_mode.as_deref(), 1024, "", "MESSAGE_CAPTION_TOO_LONG")?;
            (msg.raw, msg.rendered, msg.parse_mode) = (Some(caption), Some(rendered), parse_mode);
        }
        let (markup, buttons) = self.markup(m, chat, p, true)?;
        let old = &self.messages[&(chat, id)];
        if (&msg.raw, &msg.parse_mode, &buttons) == (&old.raw, &old.parse_mode, &old.buttons) {
            return Err(err(400, NOT_MODIFIED));
        }
        self.seq += 1;
        (msg.markup, msg.buttons, msg.edit_date, msg.seq) = (markup, buttons, Some(now()), self.seq);
        self.push_sent(snapshot(&msg, m, self.seq));
        let json = self.message_json(&msg);
        self.messages.insert((chat, id), msg);
        Ok(json)
    }

    /// The kind and the text (or caption) of a message to copy, a user's
    /// or the bot's.
    fn source(&self, from: i64, id: i64) -> Option<(String, Option<String>)> {
        match (self.user_messages.get(&(from, id)), self.messages.get(&(from, id))) {
            (Some(u), _) => Some((u.kind.clone(), u.text.clone())),
            (None, Some(b)) => {
                let kind = match b.kind {
                    Kind::Text => "text",
                    Kind::Photo => "photo",
                    Kind::Document => "document",
                    Kind::Other => "other",
                };
                Some((kind.to_owned(), b.raw.clone()))
            }
            (None, None) => None,
        }
    }

    /// copyMessages: 1–100 message ids of `from_chat_id` in strictly
    /// increasing order, copied as they are (captions kept; an album stays
    /// an album); no caption, keyboard or reply of the bot's own. Ids that
    /// cannot be found are skipped, as Telegram does; none at all is a 400.
    /// Each copy is recorded as a sent `copyMessages` message.
    fn copy_messages(&mut self, p: &Params) -> R<Value> {
        let m = "copyMessages";
        let chat = self.target_chat(m, p, true)?;
        let from = p.int("from_chat_id")?.ok_or_else(|| bad("from_chat_id is empty"))?;
        let ids = match p.json("message_ids")? {
            Some(Value::Array(ids)) => ids.iter().map(Value::as_i64).collect::<Option<Vec<i64>>>(),
            _ => None,
        };
        let ids = ids.ok_or_else(|| bad("message_ids must be an array of message identifiers"))?;
        if ids.is_empty() || ids.len() > 100 {
            return Err(bad("too many or too few messages to copy"));
        }
        if ids.windows(2).any(|w| w[0] >= w[1]) {
            return Err(bad("message identifiers must be in strictly increasing order"));
        }
        for field in ["caption", "reply_markup", "reply_parameters"] {
            if p.get(field).is_some() {
                return Err(bad(&format!("copyMessages has no parameter {field}")));
            }
        }
        let mut copied = Vec::new();
        for id in ids {
            let Some((kind, text)) = self.source(from, id) else { continue };
            let message_id = self.store_copy(m, chat, &kind, text, None, (None, Vec::new()));
            copied.push(json!({ "message_id": message_id }));
        }
        if copied.is_empty() {
            return Err(bad("there are no messages to copy"));
        }
        Ok(Value::Array(copied))
    }

    /// copyMessage: the source must exist in `from_chat_id` (a user's
    /// message or the bot's); a new caption replaces the old one (media
    /// only); the copy is a message of the bot's with no link to the source.
    fn copy_message(&mut self, p: &Params) -> R<Value> {
        let m = "copyMessage";
        let chat = self.target_chat(m, p, true)?;
        let from = p.int("from_chat_id")?.ok_or_else(|| bad("from_chat_id is empty"))?;
        let id = p.int("message_id")?.ok_or_else(|| bad("message identifier is not specified"))?;
        let Some((kind, text)) = self.source(from, id) else { return Err(bad("message to copy not found")) };
        if matches!(kind.as_str(), "poll" | "dice") {
            return Err(bad("message can't be copied"));
        }
        let caption = p.str("caption");
        if caption.is_some() && kind == "text" {
            return Err(bad("can't use caption for a text message"));
        }
        let shown = caption.clone().or(text);
        if let Some(c) = &shown {
            self.scan(m, chat, if kind == "text" { "text" } else { "caption" }, c);
            let limit = if kind == "text" { 4096 } else { 1024 };
            check_text(c, p.str("parse_mode").as_deref(), limit, "", "message caption is too long")?;
        }
        let (markup, buttons) = self.markup(m, chat, p, false)?;
        if let Some(reply) = p.json("reply_parameters")? {
            let rid = reply["message_id"].as_i64().unwrap_or(0);
            let exists =
                self.user_messages.contains_key(&(chat, rid)) || self.messages.contains_key(&(chat, rid));
            if !exists && reply["allow_sending_without_reply"] != json!(true) {
                return Err(bad("message to be replied not found"));
            }
        }
        let message_id = self.store_copy(m, chat, &kind, shown, p.str("parse_mode"), (markup, buttons));
        Ok(json!({ "message_id": message_id }))
    }

    /// A copy made by `m` in `chat`: a message of the bot's, recorded as sent.
    fn store_copy(
        &mut self,
        m: &str,
        chat: i64,
        kind: &str,
        shown: Option<String>,
        parse_mode: Option<String>,
        (markup, buttons): (Option<Value>, Vec<Vec<Button>>),
    ) -> i64 {
        let message_id = self.new_message_id(chat);
        self.seq += 1;
        let kind = match kind {
            "text" => Kind::Text,
            "photo" => Kind::Photo,
            "document" => Kind::Document,
            _ => Kind::Other,
        };
        let msg = BotMsg {
            chat_id: chat,
            message_id,
            date: now(),
            edit_date: None,
            kind,
            raw: shown.clone(),
            rendered: shown,
            parse_mode,
            markup,
            buttons,
            file: None,
            seq: self.seq,
        };
        self.push_sent(snapshot(&msg, m, self.seq));
        self.messages.insert((chat, message_id), msg);
        message_id
    }

    /// setMessageReaction: only on a message in that chat, only with an
    /// emoji Telegram allows.
    fn set_reaction(&mut self, p: &Params) -> R<Value> {
        let m = "setMessageReaction";
        let chat = self.target_chat(m, p, false)?;
        let id = p.int("message_id")?.ok_or_else(|| bad("message identifier is not specified"))?;
        if !self.user_messages.contains_key(&(chat, id)) && !self.messages.contains_key(&(chat, id)) {
            return Err(bad("message to react not found"));
        }
        let reaction = p.json("reaction")?.unwrap_or_else(|| json!([]));
        let list = reaction.as_array().ok_or_else(|| bad("can't parse reaction types JSON object"))?;
        if list.len() > 1 {
            return Err(bad("REACTIONS_TOO_MANY"));
        }
        let mut emoji = None;
        for r in list {
            let e = r["emoji"].as_str().unwrap_or_default();
            if r["type"] != json!("emoji") || !ALLOWED_REACTIONS.split(' ').any(|a| a == e) {
                return Err(bad("REACTION_INVALID"));
            }
            emoji = Some(e.to_owned());
        }
        self.record(Sent {
            method: m.into(),
            chat_id: chat,
            message_id: Some(id),
            text: emoji,
            ..Sent::default()
        });
        Ok(json!(true))
    }

    fn delete_message(&mut self, p: &Params) -> R<Value> {
        let chat = self.target_chat("deleteMessage", p, false)?;
        let id = p.int("message_id")?.ok_or_else(|| bad("message identifier is not specified"))?;
        let was_bot = self.messages.remove(&(chat, id)).is_some();
        if !was_bot && self.user_messages.remove(&(chat, id)).is_none() {
            return Err(bad("message to delete not found"));
        }
        self.record(Sent {
            method: "deleteMessage".into(),
            chat_id: chat,
            message_id: Some(id),
            ..Sent::default()
        });
        Ok(json!(true))
    }

    fn answer_callback(&mut self, p: &Params) -> R<Value> {
        let m = "answerCallbackQuery";
        let id = p.str("callback_query_id").unwrap_or_default();
        let (chat, message_id) = match self.callbacks.get(&id) {
            Some(cb) if !cb.answered => (cb.chat_id, cb.message_id),
            _ => return Err(bad("query is too old and response timeout expired or query id is invalid")),
        };
        self.gate(chat, m)?;
        let text = p.str("text");
        if let Some(t) = &text {
            self.scan(m, chat, "text", t);
            if t.chars().count() > 200 {
                return Err(bad("MESSAGE_TOO_LONG"));
            }
        }
        self.callbacks.get_mut(&id).unwrap().answered = true;
        let sent = Sent {
            method: m.into(),
            chat_id: chat,
            message_id: Some(message_id),
            text,
            callback_query_id: Some(id),
            ..Sent::default()
        };
        self.record(sent);
        Ok(json!(true))
    }

    /// setMyCommands / deleteMyCommands / getMyCommands.
    fn my_commands(&mut self, m: &str, p: &Params) -> R<Value> {
        let scope = p.json("scope")?.unwrap_or_else(|| json!({"type": "default"}));
        let ty = scope["type"].as_str().unwrap_or("");
        let chat =
            scope["chat_id"].as_i64().or_else(|| scope["chat_id"].as_str().and_then(|s| s.parse().ok()));
        self.gate(chat.unwrap_or(0), m)?;
        let key = match (ty, chat) {
            ("default" | "all_private_chats" | "all_group_chats" | "all_chat_administrators", _) => {
                ty.to_owned()
            }
            ("chat" | "chat_administrators", Some(c)) => format!("{ty}:{c}"),
            ("chat_member", Some(c)) => format!("chat_member:{c}:{}", scope["user_id"]),
            _ => return Err(bad("invalid scope")),
        };
        if chat.is_some_and(|c| !self.users.contains_key(&c)) {
            return Err(bad("chat not found"));
        }
        let lang = p.str("language_code").unwrap_or_default();
        if !(lang.is_empty() || lang.len() == 2 && lang.bytes().all(|b| b.is_ascii_lowercase())) {
            return Err(bad("LANG_CODE_INVALID"));
        }
        let key = (key, lang);
        match m {
            "getMyCommands" => {
                let list = self.commands.get(&key).cloned().unwrap_or_default();
                let list = list.iter().map(|(c, d)| json!({"command": c, "description": d}));
                Ok(Value::Array(list.collect()))
            }
            "deleteMyCommands" => {
                self.commands.remove(&key);
                Ok(json!(true))
            }
            _ => {
                let commands = p.json("commands")?.ok_or_else(|| bad("commands is empty"))?;
                let commands = commands.as_array().ok_or_else(|| bad("can't parse commands JSON object"))?;
                if commands.len() > 100 {
                    return Err(bad("BOT_COMMANDS_TOO_MUCH"));
                }
                let mut list = Vec::new();
                for c in commands {
                    let (cmd, desc) =
                        (c["command"].as_str().unwrap_or(""), c["description"].as_str().unwrap_or(""));
                    self.scan(m, chat.unwrap_or(0), &format!("description of /{cmd}"), desc);
                    let cmd_ok = (1..=32).contains(&cmd.len())
                        && cmd.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                    if !cmd_ok {
                        return Err(bad("BOT_COMMAND_INVALID"));
                    }
                    if !(1..=256).contains(&desc.chars().count()) {
                        return Err(bad("BOT_COMMAND_DESCRIPTION_INVALID"));
                    }
                    list.push((cmd.to_owned(), desc.to_owned()));
                }
                if list.is_empty() {
                    self.commands.remove(&key);
                } else {
                    self.commands.insert(key, list);
                }
                Ok(json!(true))
            }
        }
    }

    /// Parses and validates `reply_markup`, returning it with its buttons.
    fn markup(&mut self, m: &str, chat: i64, p: &Params, edit: bool) -> R<(Option<Value>, Vec<Vec<Button>>)> {
        let Some(mk) = p.json("reply_markup")? else {
            return Ok((None, Vec::new()));
        };
        let malformed = || bad("can't parse reply keyboard markup JSON object");
        let mut rows_out = Vec::new();
        if let Some(rows) = mk.get("inline_keyboard") {
            let rows = rows.as_array().ok_or_else(malformed)?;
            let mut total = 0;
            for row in rows {
                let row = row.as_array().ok_or_else(malformed)?;
                total += row.len();
                if row.len() > 8 || total > 100 {
                    return Err(bad("BUTTONS_TOO_MUCH"));
                }
                let mut out = Vec::new();
                for b in row {
                    let text = b["text"].as_str().ok_or_else(malformed)?.to_owned();
                    self.scan(m, chat, "button text", &text);
                    if text.trim().is_empty() {
                        return Err(bad("BUTTON_TEXT_INVALID"));
                    }
                    let data = b["callback_data"].as_str().map(str::to_owned);
                    let url = b["url"].as_str().map(str::to_owned);
                    let present = |a: &&str| b.get(*a).is_some_and(|v| !v.is_null() && v != "");
                    let n = BUTTON_ACTIONS.split_whitespace().filter(present).count();
                    if n == 0 {
                        return Err(bad(
                            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
                        ));
                    }
                    if n > 1 {
                        return Err(bad(
                            "can't parse inline keyboard button: exactly one of the optional fields must be used",
                        ));
                    }
                    if data.as_ref().is_some_and(|d| d.len() > 64) {
                        return Err(bad("BUTTON_DATA_INVALID"));
                    }
                    if url.as_deref().is_some_and(|u| !valid_button_url(u)) {
                        return Err(bad("BUTTON_URL_INVALID"));
                    }
                    out.push(Button { text, data, url });
                }
                rows_out.push(out);
            }
            rows_out.retain(|r| !r.is_empty());
        } else if edit {
            return Err(bad("inline keyboard expected"));
        } else if let Some(rows) = mk.get("keyboard") {
            for row in rows.as_array().ok_or_else(malformed)? {
                let mut out = Vec::new();
                for b in row.as_array().ok_or_else(malformed)? {
                    let text = b.as_str().or(b["text"].as_str()).ok_or_else(malformed)?.to_owned();
                    self.scan(m, chat, "button text", &text);
                    if text.trim().is_empty() {
                        return Err(bad("BUTTON_TEXT_INVALID"));
                    }
                    out.push(Button { text, data: None, url: None });
                }
                rows_out.push(out);
            }
        } else if mk.get("remove_keyboard").is_none() && mk.get("force_reply").is_none() {
            return Err(malformed());
        }
        Ok((Some(mk), rows_out))
    }

    /// Records a bidi-isolation violation (the request itself is not rejected).
    fn scan(&mut self, m: &str, chat: i64, what: &str, text: &str) {
        if let Some(c) = text.chars().find(|c| ('\u{2066}'..='\u{2069}').contains(c)) {
            let v = format!("{m} to chat {chat}: {what} contains U+{:04X}: {text:?}", c as u32);
            self.violations.push(v);
        }
    }

    fn record(&mut self, mut s: Sent) {
        self.seq += 1;
        s.seq = self.seq;
        self.push_sent(s);
    }

    fn push_sent(&mut self, mut s: Sent) {
        s.at = self.started.map_or(Duration::ZERO, |t| t.elapsed());
        self.sent.push(s);
    }

    fn new_message_id(&mut self, chat: i64) -> i64 {
        let next = self.next_message_id.entry(chat).or_insert(1);
        *next += 1;
        *next - 1
    }

    /// Pending updates to deliver now (duplicates first, by id), applying the
    /// sticky allowed_updates filter (filtered-out updates are dropped).
    fn collect_updates(&mut self, limit: usize) -> Vec<Value> {
        let allowed = self.allowed.clone().filter(|a| !a.is_empty());
        let ok =
            |st: &St, id: &i64| allowed.as_ref().is_none_or(|a| a.iter().any(|k| *k == st.updates[id].0));
        let keep: BTreeSet<i64> = self.pending.iter().filter(|id| ok(self, id)).copied().collect();
        self.pending = keep;
        let redeliver = std::mem::take(&mut self.redeliver);
        self.redeliver = redeliver.into_iter().filter(|(id, _)| ok(self, id)).collect();
        let mut ids: Vec<(i64, Option<usize>)> = self.pending.iter().map(|id| (*id, None)).collect();
        for (i, (id, delivered)) in self.redeliver.iter().enumerate() {
            if !delivered && !self.pending.contains(id) {
                ids.push((*id, Some(i)));
            }
        }
        ids.sort();
        ids.truncate(limit);
        ids.iter()
            .map(|(id, dup)| {
                if let Some(i) = dup {
                    self.redeliver[*i].1 = true;
                }
                self.updates[id].1.clone()
            })
            .collect()
    }

    fn message_json(&self, m: &BotMsg) -> Value {
        let user = &self.users[&m.chat_id];
        let mut v = json!({"message_id": m.message_id, "from": bot_user_json(), "chat": chat_json(user), "date": m.date});
        if let Some(e) = m.edit_date {
            v["edit_date"] = json!(e);
        }
        let text_key = if m.kind == Kind::Text { "text" } else { "caption" };
        if let Some(t) = &m.rendered {
            v[text_key] = json!(t);
        }
        if let Some(f) = &m.file {
            if m.kind == Kind::Photo {
                let (tw, th) = if f.width >= f.height {
                    (90.min(f.width), (f.height * 90 / f.width).max(1).min(f.height))
                } else {
                    ((f.width * 90 / f.height).max(1).min(f.width), 90.min(f.height))
                };
                v["photo"] = json!([
                    {"file_id": format!("{}-s", f.file_id), "file_unique_id": format!("{}s", f.unique_id), "width": tw, "height": th, "file_size": 1000},
                    {"file_id": f.file_id, "file_unique_id": f.unique_id, "width": f.width, "height": f.height, "file_size": f.bytes.len()},
                ]);
            } else {
                v["document"] = json!({"file_id": f.file_id, "file_unique_id": f.unique_id,
                    "file_name": f.name, "file_size": f.bytes.len()});
            }
        }
        if m.markup.as_ref().is_some_and(|mk| mk.get("inline_keyboard").is_some()) && !m.buttons.is_empty() {
            v["reply_markup"] = m.markup.clone().unwrap();
        }
        v
    }
}

// ---------------------------------------------------------------- helpers

fn snapshot(m: &BotMsg, method: &str, seq: u64) -> Sent {
    let file = m.file.as_ref();
    Sent {
        seq,
        at: Duration::ZERO,
        method: method.to_owned(),
        chat_id: m.chat_id,
        message_id: Some(m.message_id),
        text: m.raw.clone(),
        buttons: m.buttons.clone(),
        photo: file.filter(|f| f.kind == Kind::Photo).map(|f| f.bytes.clone()),
        document: file.filter(|f| f.kind == Kind::Document).map(|f| (f.name.clone(), f.bytes.clone())),
        file_name: file.map(|f| f.name.clone()),
        callback_query_id: None,
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The `bot_command` entity Telegram marks at the start of a text or caption.
fn command_entities(text: &str) -> Option<Value> {
    let rest = text.strip_prefix('/')?;
    if rest.is_empty() || rest.starts_with(char::is_whitespace) {
        return None;
    }
    let word = text.split_whitespace().next()?;
    Some(json!([{"type": "bot_command", "offset": 0, "length": utf16_len(word)}]))
}

fn me_json() -> Value {
    let mut me = bot_user_json();
    let extra = json!({"can_join_groups": false, "can_read_all_group_messages": false,
        "supports_inline_queries": false, "can_connect_to_business": false, "has_main_web_app": false});
    me.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    me
}

fn bot_user_json() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": BOT_NAME, "username": FakeApi::BOT_USERNAME})
}

fn user_json(u: &TgUser) -> Value {
    let mut v = json!({"id": u.id, "is_bot": false, "first_name": u.first_name});
    if let Some(l) = &u.language_code {
        v["language_code"] = json!(l);
    }
    v
}

fn chat_json(u: &TgUser) -> Value {
    json!({"id": u.id, "type": "private", "first_name": u.first_name})
}

fn valid_button_url(u: &str) -> bool {
    match url::Url::parse(u) {
        Ok(url) if url.scheme() == "tg" => true,
        Ok(url) => matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()),
        Err(_) => false,
    }
}

/// Applies `parse_mode`, then checks emptiness and the UTF-16 length limit.
/// An empty `empty_err` means empty text is allowed (captions).
fn check_text(
    text: &str,
    parse_mode: Option<&str>,
    limit: usize,
    empty_err: &str,
    long_err: &str,
) -> R<String> {
    let rendered = match parse_mode {
        None | Some("") => Ok(text.to_owned()),
        Some("Markdown") => render_markdown(text),
        Some("HTML") => render_html(text),
        Some("MarkdownV2") => render_markdown_v2(text),
        Some(other) => return Err(bad(&format!("unsupported parse_mode \"{other}\""))),
    }
    .map_err(|e| bad(&format!("can't parse entities: {e}")))?;
    if !empty_err.is_empty() && rendered.trim().is_empty() {
        return Err(bad(empty_err));
    }
    if utf16_len(&rendered) > limit {
        return Err(bad(long_err));
    }
    Ok(rendered)
}

/// Telegram's HTML subset: supported tags must nest properly; `<` must start a tag.
fn render_html(s: &str) -> Result<String, String> {
    const TAGS: &str = "b strong i em u ins s strike del span tg-spoiler a code pre blockquote tg-emoji";
    let (mut out, mut stack, mut i) = (String::new(), Vec::<String>::new(), 0);
    while let Some(j) = s[i..].find(['<', '&']).map(|j| j + i) {
        out.push_str(&s[i..j]);
        if s[j..].starts_with('&') {
            let ent = s[j + 1..].find(';').filter(|k| *k <= 8).map(|k| &s[j + 1..j + 1 + k]);
            let num = |e: &str| match e.strip_prefix("#x").or(e.strip_prefix("#X")) {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None => e.strip_prefix('#').and_then(|d| d.parse().ok()),
            };
            let decoded = ent.and_then(|e| match e {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                _ => num(e).and_then(char::from_u32),
            });
            if let (Some(c), Some(e)) = (decoded, ent) {
                out.push(c);
                i = j + e.len() + 2;
            } else {
                out.push('&'); // a bare '&' is tolerated by Telegram
                i = j + 1;
            }
            continue;
        }
        let end = s[j..].find('>').ok_or(format!("Unclosed start tag at byte offset {j}"))? + j;
        let tag = &s[j + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if stack.pop().as_deref() != Some(name.as_str()) {
                return Err(format!("Unmatched end tag at byte offset {j}, expected \"</{name}>\""));
            }
        } else {
            let name = tag.split(char::is_whitespace).next().unwrap_or("").to_ascii_lowercase();
            if !TAGS.split(' ').any(|t| t == name) {
                return Err(format!("Unsupported start tag \"{name}\" at byte offset {j}"));
            }
            stack.push(name);
        }
        i = end + 1;
    }
    out.push_str(&s[i..]);
    match stack.pop() {
        Some(open) => Err(format!("Can't find end tag corresponding to start tag \"{open}\"")),
        None => Ok(out),
    }
}

/// Legacy Markdown: `*`, `_` and backquote entities must be closed (no nesting).
fn render_markdown(s: &str) -> Result<String, String> {
    let (mut out, mut open, mut chars) = (String::new(), None::<char>, s.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, open) {
            ('\\', None) if matches!(chars.peek(), Some('*' | '_' | '`' | '[')) => out.extend(chars.next()),
            ('*' | '_' | '`', None) => open = Some(c),
            (c, Some(o)) if c == o => open = None,
            (c, _) => out.push(c),
        }
    }
    match open {
        Some(o) => Err(format!("Can't find end of the entity starting with '{o}'")),
        None => Ok(out),
    }
}

/// Approximate MarkdownV2: reserved characters must be escaped, entity
/// markers must be balanced, `[text](url)` links are recognised.
fn render_markdown_v2(s: &str) -> Result<String, String> {
    let chars: Vec<char> = s.chars().collect();
    let (mut out, mut i, mut code, mut open_links) = (String::new(), 0, false, 0);
    let mut open: HashMap<char, usize> = HashMap::new();
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c == '\\' {
            match chars.get(i) {
                Some(n) if (*n as u32) < 127 => out.push(*n),
                _ => {
                    return Err(
                        "Character '\\' is reserved and must be escaped with the preceding '\\'".into()
                    );
                }
            }
            i += 1;
            continue;
        }
        if code {
            if c == '`' {
                code = false;
            } else {
                out.push(c);
            }
            continue;
        }
        let line_start = i == 1 || chars[i - 2] == '\n';
        match c {
            '`' => code = true,
            '*' | '_' | '~' => *open.entry(c).or_default() += 1,
            '|' if chars.get(i) == Some(&'|') => {
                *open.entry('|').or_default() += 1;
                i += 1;
            }
            '[' => open_links += 1,
            ']' if open_links > 0 && chars.get(i) == Some(&'(') => {
                open_links -= 1;
                let close = chars[i..].iter().position(|c| *c == ')').ok_or("Can't find end of a URL")?;
                i += close + 1;
            }
            '>' if line_start => {}
            '!' if chars.get(i) == Some(&'[') => {}
            ']' | '(' | ')' | '>' | '#' | '+' | '-' | '=' | '|' | '{' | '}' | '.' | '!' => {
                return Err(format!(
                    "Character '{c}' is reserved and must be escaped with the preceding '\\'"
                ));
            }
            c => out.push(c),
        }
    }
    if code || open_links > 0 || open.values().any(|n| n % 2 == 1) {
        return Err("Can't find end of the entity".into());
    }
    Ok(out)
}
