//! The fake Telegram Bot API the benchmark runs as a separate process
//! (`bench --serve-fake PORT [--limits]`), on 127.0.0.1 only.
//!
//! Bot API side: `getMe`, `getUpdates` (long poll: `offset` confirms,
//! `limit` ≤ 100, `timeout`, sticky `allowed_updates`), `deleteWebhook`,
//! `setMyCommands`, `sendMessage`, `sendPhoto`, `sendDocument`,
//! `editMessageText`, `editMessageReplyMarkup`, `answerCallbackQuery`,
//! `copyMessage`, `copyMessages`, `setMessageReaction` (a copy must name a
//! message of its `from_chat_id`, a reaction a message of its chat), a few
//! no-ops, and bookers' `callback_query` presses (`fake_booking.rs`); JSON,
//! form or multipart bodies (`params.rs`). With `--limits` it enforces
//! Telegram's limits on messages: 30 a second overall and, per chat, a
//! bucket of 5 refilled at 1 a second; the excess gets a 429 with
//! `parameters.retry_after`.
//!
//! Control side, for the benchmark process: `/control/push` queues text
//! updates from new users, `/control/known` makes chats exist,
//! `/control/stats` and `/control/range` read the counters. All times are
//! milliseconds on the fake's own clock, so push-to-answer latencies need no
//! clock shared between processes.

use crate::control::{control, get_updates};
pub use crate::params::{ApiErr, Params, bad};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::watch;

pub const TOKEN: &str = "123456:TEST-token-for-bench";
const BOT_ID: i64 = 123_456;
/// The fake stops by itself after this long, whatever happens to the bench.
const MAX_LIFETIME: Duration = Duration::from_secs(3600);
const GLOBAL_PER_SEC: f64 = 30.0;
const CHAT_BURST: f64 = 5.0;
const CHAT_PER_SEC: f64 = 1.0;

/// Runs the fake until its standard input closes (the bench process ended)
/// or [`MAX_LIFETIME`] passes. Prints `PORT <n>` once it listens.
pub fn serve(port: u16, limits: bool) -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fake: no runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    std::thread::spawn(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
        std::process::exit(0);
    });
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("fake: cannot listen on 127.0.0.1:{port}: {e}");
                return std::process::ExitCode::FAILURE;
            }
        };
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
        println!("PORT {port}");
        let _ = std::io::stdout().flush();
        let (wake, _) = watch::channel(0u64);
        let fake = Arc::new(Fake { st: Mutex::new(St::new(limits)), wake });
        let app = Router::new().fallback(handle).layer(DefaultBodyLimit::max(20 << 20)).with_state(fake);
        tokio::select! {
            r = axum::serve(listener, app) => if let Err(e) = r { eprintln!("fake: server failed: {e}") },
            _ = tokio::time::sleep(MAX_LIFETIME) => eprintln!("fake: lifetime over; stopping"),
        }
        std::process::ExitCode::SUCCESS
    })
}

pub struct Fake {
    pub st: Mutex<St>,
    pub wake: watch::Sender<u64>,
}

impl Fake {
    pub fn lock(&self) -> MutexGuard<'_, St> {
        self.st.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[derive(Default, Clone, Copy)]
pub struct Answers {
    count: u64,
    first_ms: u64,
    last_ms: u64,
}

pub struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    pub fn full(cap: f64) -> Bucket {
        Bucket { tokens: cap, at: Instant::now() }
    }
    /// Seconds until one token is there (0 if now); refills first.
    pub fn wait(&mut self, cap: f64, rate: f64, now: Instant) -> f64 {
        self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * rate).min(cap);
        self.at = now;
        if self.tokens >= 1.0 { 0.0 } else { (1.0 - self.tokens) / rate }
    }
}

pub struct St {
    pub start: Instant,
    pub limits: bool,
    pub next_update_id: i64,
    pub queue: VecDeque<(i64, Value)>,
    pub allowed: Option<Vec<String>>,
    pub get_updates_calls: u64,
    /// Chats that exist besides the pushed users: ranges `[from, from + count)`.
    pub known: Vec<(i64, i64)>,
    /// Users that wrote (chat id = user id): when they first wrote.
    pub pushed: HashMap<i64, u64>,
    pub answers: HashMap<i64, Answers>,
    /// Pushed messages: message id → chat.
    pub messages: HashMap<i64, i64>,
    /// Relayed copies: the user whose `bench-<user>` text a message to
    /// another chat carried → when it first arrived.
    pub copies: HashMap<i64, u64>,
    pub next_message_id: i64,
    pub sent_total: u64,
    pub sent_to_pushed: u64,
    pub sent_to_others: u64,
    pub by_method: HashMap<String, u64>,
    pub too_many: u64,
    /// Each 429: when (ms), the chat, and the global and the chat's tokens then.
    pub refusals: Vec<Value>,
    pub errors: u64,
    pub unknown_methods: HashMap<String, u64>,
    pub global: Bucket,
    pub chats: HashMap<i64, Bucket>,
    pub bookers: crate::fake_booking::Bookers,
}

impl St {
    pub fn new(limits: bool) -> St {
        St {
            start: Instant::now(),
            limits,
            next_update_id: 1000,
            queue: VecDeque::new(),
            allowed: None,
            get_updates_calls: 0,
            known: Vec::new(),
            pushed: HashMap::new(),
            answers: HashMap::new(),
            messages: HashMap::new(),
            copies: HashMap::new(),
            next_message_id: 1,
            sent_total: 0,
            sent_to_pushed: 0,
            sent_to_others: 0,
            by_method: HashMap::new(),
            too_many: 0,
            refusals: Vec::new(),
            errors: 0,
            unknown_methods: HashMap::new(),
            global: Bucket::full(GLOBAL_PER_SEC),
            chats: HashMap::new(),
            bookers: Default::default(),
        }
    }

    pub fn ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    pub fn chat_exists(&self, chat: i64) -> bool {
        self.pushed.contains_key(&chat) || self.known.iter().any(|&(from, n)| chat >= from && chat < from + n)
    }

    /// Telegram's limits on a message to `chat`: `Err(retry_after)` if over.
    pub fn admit(&mut self, chat: i64) -> Result<(), u64> {
        if !self.limits {
            return Ok(());
        }
        let now = Instant::now();
        let global = self.global.wait(GLOBAL_PER_SEC, GLOBAL_PER_SEC, now);
        let bucket = self.chats.entry(chat).or_insert_with(|| Bucket::full(CHAT_BURST));
        let per_chat = bucket.wait(CHAT_BURST, CHAT_PER_SEC, now);
        let wait = global.max(per_chat);
        if wait > 0.0 {
            let (global_tokens, chat_tokens) = (self.global.tokens, bucket.tokens);
            let at = self.ms();
            self.refusals.push(json!({"ms": at, "chat": chat, "global_tokens": global_tokens,
                "chat_tokens": chat_tokens, "sent_before": self.sent_total}));
            // Telegram says whole seconds, at least one.
            return Err((wait.ceil() as u64).max(1));
        }
        self.global.tokens -= 1.0;
        bucket.tokens -= 1.0;
        Ok(())
    }

    pub fn message(&mut self, chat: i64, extra: Value) -> Value {
        let id = self.next_message_id;
        self.next_message_id += 1;
        let mut m = json!({
            "message_id": id,
            "date": unix_now(),
            "chat": {"id": chat, "type": "private", "first_name": format!("U{chat}")},
            "from": bot_user(),
        });
        if let (Some(m), Value::Object(extra)) = (m.as_object_mut(), extra) {
            m.extend(extra);
        }
        m
    }

    pub fn record_answer(&mut self, chat: i64, method: &str) {
        let now = self.ms();
        let a = self.answers.entry(chat).or_insert(Answers { count: 0, first_ms: now, last_ms: now });
        a.count += 1;
        a.last_ms = now;
        self.sent_total += 1;
        if self.pushed.contains_key(&chat) {
            self.sent_to_pushed += 1;
        } else {
            self.sent_to_others += 1;
        }
        *self.by_method.entry(method.to_owned()).or_default() += 1;
    }

    pub fn push(&mut self, from: i64, count: i64, text: &str) -> (i64, u64) {
        let now = self.ms();
        let first = self.next_update_id;
        for user in from..from + count {
            let id = self.next_update_id;
            self.next_update_id += 1;
            self.pushed.entry(user).or_insert(now);
            self.messages.insert(id, user);
            let message = json!({
                "message_id": id,
                "date": unix_now(),
                "chat": {"id": user, "type": "private", "first_name": format!("U{user}")},
                "from": {"id": user, "is_bot": false, "first_name": format!("U{user}"), "language_code": "ru"},
                "text": text.replace("{u}", &user.to_string()),
            });
            self.queue.push_back((id, json!({"update_id": id, "message": message})));
        }
        (first, now)
    }

    pub fn stats(&self) -> Value {
        json!({
            "now_ms": self.ms(),
            "get_updates_calls": self.get_updates_calls,
            "queued": self.queue.len(),
            "sent_total": self.sent_total,
            "sent_to_pushed": self.sent_to_pushed,
            "sent_to_others": self.sent_to_others,
            "by_method": self.by_method,
            "too_many_requests": self.too_many,
            "refusals": self.refusals,
            "errors": self.errors,
            "unknown_methods": self.unknown_methods,
        })
    }

    /// Answers to the users `[from, from + count)`: how many were answered,
    /// the answers in all, the last first answer; with `detail`, each
    /// user's `[pushed_ms, first_answer_ms or null]`.
    pub fn range(&self, from: i64, count: i64, detail: bool) -> Value {
        let (mut answered, mut answers, mut last_first, mut first_push) = (0u64, 0u64, 0u64, u64::MAX);
        let (mut relayed, mut last_relayed) = (0u64, 0u64);
        let mut each = Vec::new();
        for user in from..from + count {
            let pushed = self.pushed.get(&user).copied();
            if let Some(p) = pushed {
                first_push = first_push.min(p);
            }
            let a = self.answers.get(&user);
            if let Some(a) = a {
                answered += 1;
                answers += a.count;
                last_first = last_first.max(a.first_ms);
            }
            // Relayed: the copy arrived somewhere else and the user got an answer (the 👌).
            let copy = self.copies.get(&user).copied();
            let done = match (a, copy) {
                (Some(a), Some(c)) => Some(a.first_ms.max(c)),
                _ => None,
            };
            if let Some(d) = done {
                relayed += 1;
                last_relayed = last_relayed.max(d);
            }
            if detail {
                each.push(json!([pushed, a.map(|a| a.first_ms), done]));
            }
        }
        let first_push = (first_push != u64::MAX).then_some(first_push);
        json!({"answered": answered, "answers": answers, "last_first_answer_ms": last_first,
            "first_push_ms": first_push, "relayed": relayed, "last_relayed_ms": last_relayed, "each": each})
    }

    pub fn call(&mut self, method: &str, p: &Params) -> Result<Value, ApiErr> {
        match method {
            "getme" => {
                let mut me = bot_user();
                for flag in [
                    "can_join_groups",
                    "can_read_all_group_messages",
                    "supports_inline_queries",
                    "can_connect_to_business",
                    "has_main_web_app",
                ] {
                    me[flag] = json!(false);
                }
                Ok(me)
            }
            "deletewebhook" | "setmycommands" | "deletemycommands" | "sendchataction" | "deletemessage" => {
                Ok(json!(true))
            }
            "getmycommands" => Ok(json!([])),
            "getwebhookinfo" => {
                Ok(json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0}))
            }
            "answercallbackquery" => crate::fake_booking::answer(self, p),
            "sendmessage" | "sendphoto" | "senddocument" => {
                let chat = self.chat(p)?;
                let extra = match method {
                    "sendmessage" => {
                        let text = p.str("text").filter(|t| !t.trim().is_empty());
                        let text = text.ok_or_else(|| bad("message text is empty"))?;
                        if text.chars().count() > 4096 {
                            return Err(bad("message is too long"));
                        }
                        json!({"text": text})
                    }
                    "sendphoto" => json!({"caption": p.str("caption"), "photo": [
                        {"file_id": "photo-id", "file_unique_id": "photo-u", "width": 300, "height": 300}]}),
                    _ => json!({"caption": p.str("caption"), "document":
                        {"file_id": "doc-id", "file_unique_id": "doc-u", "file_name": "file"}}),
                };
                crate::fake_booking::check_markup(p)?;
                self.admit(chat).map_err(too_many)?;
                self.record_answer(chat, method);
                self.record_copy(chat, p.str("text").or_else(|| p.str("caption")).as_deref());
                let m = self.message(chat, extra);
                crate::fake_booking::on_sent(self, chat, p, &m);
                Ok(m)
            }
            "copymessage" | "copymessages" => {
                let chat = self.chat(p)?;
                let from = p.int("from_chat_id").ok_or_else(|| bad("chat not found"))?;
                if !self.chat_exists(from) {
                    return Err(bad("chat not found"));
                }
                let ids: Vec<i64> = if method == "copymessage" {
                    vec![p.int("message_id").ok_or_else(|| bad("message to copy not found"))?]
                } else {
                    p.ints("message_ids")
                        .filter(|v| !v.is_empty() && v.len() <= 100)
                        .ok_or_else(|| bad("message identifiers are not specified"))?
                };
                if ids.iter().any(|id| self.messages.get(id) != Some(&from)) {
                    return Err(bad("message to copy not found"));
                }
                self.admit(chat).map_err(too_many)?;
                self.record_answer(chat, method);
                let mut copied = Vec::new();
                for id in &ids {
                    let _ = id;
                    copied.push(json!({"message_id": self.next_message_id}));
                    self.next_message_id += 1;
                }
                self.record_copy(chat, p.str("caption").as_deref());
                Ok(if method == "copymessage" { copied[0].clone() } else { Value::Array(copied) })
            }
            "setmessagereaction" => {
                let chat = self.chat(p)?;
                let id = p.int("message_id").ok_or_else(|| bad("message to react not found"))?;
                if self.messages.get(&id) != Some(&chat) {
                    return Err(bad("message to react not found"));
                }
                let reaction = match p.get("reaction") {
                    Some(Value::String(s)) => {
                        serde_json::from_str(s).map_err(|_| bad("can't parse reaction types"))?
                    }
                    Some(v) => v.clone(),
                    None => json!([]),
                };
                let ok = reaction.as_array().is_some_and(|a| {
                    a.iter()
                        .all(|r| r["type"] == "emoji" && r["emoji"].as_str().is_some_and(|e| !e.is_empty()))
                });
                if !ok {
                    return Err(bad("REACTION_INVALID"));
                }
                self.record_answer(chat, method);
                Ok(json!(true))
            }
            "editmessagetext" | "editmessagereplymarkup" => {
                if p.str("inline_message_id").is_some() {
                    return Ok(json!(true));
                }
                let chat = self.chat(p)?;
                let id = p.int("message_id").ok_or_else(|| bad("message to edit not found"))?;
                crate::fake_booking::check_markup(p)?;
                self.admit(chat).map_err(too_many)?;
                *self.by_method.entry(method.to_owned()).or_default() += 1;
                let text = p.str("text").unwrap_or_else(|| "edited".to_owned());
                let mut m = self.message(chat, json!({"text": text, "edit_date": unix_now()}));
                m["message_id"] = json!(id);
                Ok(m)
            }
            other => {
                *self.unknown_methods.entry(other.to_owned()).or_default() += 1;
                Err(ApiErr { code: 404, desc: "Not Found".into(), retry_after: None })
            }
        }
    }

    /// A message to a chat that carries `bench-<user>`: that user's relayed copy.
    pub fn record_copy(&mut self, chat: i64, text: Option<&str>) {
        let Some(text) = text else { return };
        let Some((_, rest)) = text.split_once("bench-") else { return };
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(user) = digits.parse::<i64>()
            && user != chat
        {
            let now = self.ms();
            self.copies.entry(user).or_insert(now);
        }
    }

    pub fn chat(&self, p: &Params) -> Result<i64, ApiErr> {
        let chat = p.int("chat_id").ok_or_else(|| bad("chat not found"))?;
        if self.chat_exists(chat) { Ok(chat) } else { Err(bad("chat not found")) }
    }
}

fn too_many(after: u64) -> ApiErr {
    ApiErr { code: 429, desc: format!("Too Many Requests: retry after {after}"), retry_after: Some(after) }
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "Bench", "username": "bench_bot"})
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

async fn handle(State(fake): State<Arc<Fake>>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let p = match Params::parse(&uri, &headers, &body) {
        Ok(p) => p,
        Err(e) => return reply(Err(e)),
    };
    let path = uri.path();
    if let Some(what) = path.strip_prefix("/control/") {
        return control(&fake, what, &p);
    }
    let mut segs = path.split('/').filter(|s| !s.is_empty());
    let (token, method) = (segs.next(), segs.next());
    let result = match (token.and_then(|t| t.strip_prefix("bot")), method, segs.next()) {
        (Some(TOKEN), Some(m), None) => {
            let m = m.to_ascii_lowercase();
            if m == "getupdates" {
                get_updates(&fake, &p).await
            } else {
                crate::fake_booking::call(&fake, &m, &p)
            }
        }
        (Some(_), Some(_), None) => Err(ApiErr { code: 401, desc: "Unauthorized".into(), retry_after: None }),
        _ => Err(ApiErr { code: 404, desc: "Not Found".into(), retry_after: None }),
    };
    if let Err(e) = &result {
        let mut st = fake.lock();
        if e.code == 429 { st.too_many += 1 } else { st.errors += 1 }
    }
    reply(result)
}

pub fn reply(result: Result<Value, ApiErr>) -> Response {
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
