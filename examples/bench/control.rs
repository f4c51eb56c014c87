//! The fake Bot API's `getUpdates` and its `/control/...` endpoints.

use crate::fake::{ApiErr, Fake, reply};
use crate::params::Params;
use axum::response::Response;
use serde_json::{Value, json};
use std::time::Duration;

pub fn control(fake: &Fake, what: &str, p: &Params) -> Response {
    let (from, count) = (p.int("from").unwrap_or(0), p.int("count").unwrap_or(0).clamp(0, 1_000_000));
    let result = match what {
        "push" => {
            let text = p.str("text").unwrap_or_else(|| "Привет".to_owned());
            let (first, at) = fake.lock().push(from, count, &text);
            fake.wake.send_modify(|v| *v += 1);
            Ok(json!({"first_update_id": first, "pushed_ms": at}))
        }
        // The next update id (a new fake for a bot whose database saw ids before).
        "first" => {
            fake.lock().next_update_id = from;
            Ok(json!(true))
        }
        "known" => {
            fake.lock().known.push((from, count));
            Ok(json!(true))
        }
        "stats" => Ok(fake.lock().stats()),
        "range" => Ok(fake.lock().range(from, count, p.int("detail") == Some(1))),
        "book" | "press" | "booked" => {
            let r = crate::fake_booking::control(&mut fake.lock(), what, p);
            fake.wake.send_modify(|v| *v += 1);
            r
        }
        _ => Err(ApiErr { code: 404, desc: "Not Found".into(), retry_after: None }),
    };
    reply(result)
}

/// `getUpdates`: confirms what is below `offset`, then returns what is
/// queued (at most `limit`), waiting up to `timeout` seconds for news.
pub async fn get_updates(fake: &Fake, p: &Params) -> Result<Value, ApiErr> {
    let offset = p.int("offset").unwrap_or(0);
    let limit = usize::try_from(p.int("limit").unwrap_or(100).clamp(1, 100)).unwrap_or(100);
    let timeout = Duration::from_secs(u64::try_from(p.int("timeout").unwrap_or(0).clamp(0, 50)).unwrap_or(0));
    let allowed = match p.get("allowed_updates") {
        Some(Value::Array(a)) => Some(a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()),
        Some(Value::String(s)) => serde_json::from_str::<Vec<String>>(s).ok(),
        _ => None,
    };
    let deadline = tokio::time::Instant::now() + timeout;
    let mut wake = fake.wake.subscribe();
    {
        let mut st = fake.lock();
        st.get_updates_calls += 1;
        if let Some(a) = allowed {
            st.allowed = Some(a).filter(|a: &Vec<String>| !a.is_empty());
        }
    }
    loop {
        {
            let mut st = fake.lock();
            while st.queue.front().is_some_and(|(id, _)| *id < offset) {
                st.queue.pop_front();
            }
            // An update of a kind not allowed is not for this bot.
            if let Some(allowed) = st.allowed.take() {
                st.queue.retain(|(_, u)| allowed.iter().any(|k| u.get(k.as_str()).is_some()));
                st.allowed = Some(allowed);
            }
            if !st.queue.is_empty() {
                let batch: Vec<Value> = st.queue.iter().take(limit).map(|(_, u)| u.clone()).collect();
                return Ok(Value::Array(batch));
            }
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() || tokio::time::timeout(left, wake.changed()).await.is_err() {
            return Ok(json!([]));
        }
    }
}
