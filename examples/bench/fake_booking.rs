//! The fake Bot API's side of the booking part: students who press.
//!
//! `/control/book` registers students `[from, from + count)` as bookers
//! (their chats exist) with the texts that end a booking: the confirmation
//! (`done`) and the refusal of a slot someone else took (`taken`).
//! `/control/press` queues, for each of them, a `callback_query` on a slot
//! button (`bs:<slot>`, the encoding of `BookingCb::Slot { slot, child:
//! None }` in src/keyboards/mod.rs, mirrored here: the example does not
//! link the library). Then the fake presses as a student would: a message
//! the bot sends a booker with a `b:k` (no topic) or `b:o` (confirm) button
//! gets that button pressed at once. `/control/booked` reads, per student,
//! `[first press, confirm press, confirmation, refusal]` (ms, fake's clock).
//!
//! Strict like Telegram: a button's callback data is 1–64 bytes, a
//! callback query is answered once and only if the fake issued it, a
//! toast is at most 200 characters.

use crate::fake::{ApiErr, Fake, St, bad};
use crate::params::Params;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

#[derive(Default)]
pub struct Bookers {
    /// Booking students: from, count.
    ranges: Vec<(i64, i64)>,
    done_text: String,
    taken_text: String,
    /// Per student: first press, confirm press, confirmation, refusal.
    times: HashMap<i64, [Option<u64>; 4]>,
    open_queries: HashSet<String>,
    next_query: u64,
}

impl Bookers {
    pub fn is_booker(&self, chat: i64) -> bool {
        self.ranges.iter().any(|&(from, n)| chat >= from && chat < from + n)
    }
}

/// A Bot API call; a press it queued (a booker's) wakes the long poll.
pub fn call(fake: &Fake, method: &str, p: &Params) -> Result<Value, ApiErr> {
    let (r, queued) = {
        let mut st = fake.lock();
        let before = st.next_update_id;
        (st.call(method, p), st.next_update_id != before)
    };
    if queued {
        fake.wake.send_modify(|v| *v += 1);
    }
    r
}

/// `/control/book`, `/control/press`, `/control/booked`.
pub fn control(st: &mut St, what: &str, p: &Params) -> Result<Value, ApiErr> {
    let (from, count) = (p.int("from").unwrap_or(0), p.int("count").unwrap_or(0).clamp(0, 1_000_000));
    match what {
        "book" => {
            st.bookers.ranges.push((from, count));
            st.known.push((from, count));
            st.bookers.done_text = p.str("done").filter(|t| !t.is_empty()).ok_or_else(|| bad("no done"))?;
            st.bookers.taken_text =
                p.str("taken").filter(|t| !t.is_empty()).ok_or_else(|| bad("no taken"))?;
            Ok(json!(true))
        }
        "press" => {
            let (slot, step) = (p.int("slot").unwrap_or(1), p.int("step").unwrap_or(1));
            let now = st.ms();
            for (i, user) in (from..from + count).enumerate() {
                let data = format!("bs:{}", slot + step * i as i64);
                let message = st.message(
                    user,
                    json!({"text": "Свободное время:",
                    "reply_markup": {"inline_keyboard": [[{"text": "15:00", "callback_data": data}]]}}),
                );
                press(st, user, &data, message);
                st.bookers.times.entry(user).or_default()[0] = Some(now);
            }
            Ok(json!({"pushed_ms": now}))
        }
        "booked" => {
            let each: Vec<Value> = (from..from + count)
                .map(|u| json!(st.bookers.times.get(&u).copied().unwrap_or_default()))
                .collect();
            Ok(json!(each))
        }
        _ => Err(ApiErr { code: 404, desc: "Not Found".into(), retry_after: None }),
    }
}

/// Queues the press of the button `data` on `message` by `user`.
fn press(st: &mut St, user: i64, data: &str, message: Value) {
    let id = st.next_update_id;
    st.next_update_id += 1;
    let query = format!("bq{}", st.bookers.next_query);
    st.bookers.next_query += 1;
    st.bookers.open_queries.insert(query.clone());
    let q = json!({
        "id": query,
        "from": {"id": user, "is_bot": false, "first_name": format!("U{user}"), "language_code": "ru"},
        "message": message,
        "chat_instance": format!("ci{user}"),
        "data": data,
    });
    st.queue.push_back((id, json!({"update_id": id, "callback_query": q})));
}

/// Telegram's checks of an inline keyboard: callback data of 1–64 bytes.
pub fn check_markup(p: &Params) -> Result<(), ApiErr> {
    let markup = match p.get("reply_markup") {
        Some(Value::String(s)) => {
            serde_json::from_str(s).map_err(|_| bad("can't parse reply keyboard markup"))?
        }
        Some(v) => v.clone(),
        None => return Ok(()),
    };
    let rows = markup["inline_keyboard"].as_array().cloned().unwrap_or_default();
    for button in rows.iter().flat_map(|r| r.as_array().cloned().unwrap_or_default()) {
        if let Some(data) = button.get("callback_data") {
            let len = data.as_str().map_or(0, str::len);
            if !(1..=64).contains(&len) {
                return Err(bad("BUTTON_DATA_INVALID"));
            }
        }
    }
    Ok(())
}

/// `answerCallbackQuery`: once, for a query the fake issued.
pub fn answer(st: &mut St, p: &Params) -> Result<Value, ApiErr> {
    let id =
        p.str("callback_query_id").ok_or_else(|| bad("query is too old and response timeout expired"))?;
    if !st.bookers.open_queries.remove(&id) {
        return Err(bad("query is too old and response timeout expired or query ID is invalid"));
    }
    if p.str("text").is_some_and(|t| t.chars().count() > 200) {
        return Err(bad("MESSAGE_TOO_LONG"));
    }
    Ok(json!(true))
}

/// A message the bot sent to `chat`: a booker presses its no-topic or
/// confirm button at once; the confirmation or the refusal is recorded.
pub fn on_sent(st: &mut St, chat: i64, p: &Params, sent: &Value) {
    if !st.bookers.is_booker(chat) {
        return;
    }
    let mut message = sent.clone();
    message["reply_markup"] = match p.get("reply_markup") {
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::Null),
        Some(v) => v.clone(),
        None => Value::Null,
    };
    let now = st.ms();
    let text = message["text"].as_str().unwrap_or_default();
    let slot = if text.starts_with(st.bookers.done_text.as_str()) {
        Some(2)
    } else if text.starts_with(st.bookers.taken_text.as_str()) {
        Some(3)
    } else {
        None
    };
    if let Some(i) = slot {
        st.bookers.times.entry(chat).or_default()[i].get_or_insert(now);
        return;
    }
    let rows = message["reply_markup"]["inline_keyboard"].as_array().cloned().unwrap_or_default();
    let data = rows
        .iter()
        .flat_map(|r| r.as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["callback_data"].as_str().map(str::to_owned))
        .find(|d| d == "b:k" || d == "b:o");
    if let Some(data) = data {
        if data == "b:o" {
            st.bookers.times.entry(chat).or_default()[1] = Some(now);
        }
        press(st, chat, &data, message);
    }
}
