//! Webhook deliveries (`TALIMGER_WEBHOOK_URL`): Telegram POSTs each update
//! to our route; it is stored in the inbox, in its transaction, exactly as
//! a polled batch is (`Intake::store`: the same flood limit, the same
//! handling after), and only then answered 200. A database that cannot
//! take it answers 503, and Telegram delivers it again later; one stored
//! twice is ignored by its `update_id`.
//!
//! A request without our secret token (`X-Telegram-Bot-Api-Secret-Token`,
//! compared in constant time) gets 401 and nothing is stored; a body over
//! [`MAX_BODY`] gets 413 before it is read.

use super::flood::Flood;
use super::{ALLOWED_UPDATES, Intake};
use crate::telegram::{Api, CallError};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The largest body we read: an update is a few kilobytes.
pub const MAX_BODY: usize = 256 * 1024;
/// HTTPS connections Telegram may open to us at once.
pub const MAX_CONNECTIONS: u32 = 40;
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

struct Hook {
    intake: Arc<Intake>,
    secret: String,
    flood: tokio::sync::Mutex<Flood>,
}

/// The route Telegram delivers to: the path of the webhook's URL.
pub fn router(intake: Arc<Intake>, path: &str, secret: String) -> Router {
    let flood = tokio::sync::Mutex::new(Flood::new(intake.flood_per_minute));
    let hook = Arc::new(Hook { intake, secret, flood });
    Router::new().route(path, post(deliver)).layer(DefaultBodyLimit::max(MAX_BODY)).with_state(hook)
}

async fn deliver(State(hook): State<Arc<Hook>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let given = headers.get(SECRET_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
    if !same_secret(given, hook.secret.as_bytes()) {
        tracing::warn!("a webhook request without our secret token; refused");
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(raw) = serde_json::from_slice::<Box<RawValue>>(&body) else {
        tracing::warn!(bytes = body.len(), "a webhook request that is not JSON; refused");
        return StatusCode::BAD_REQUEST;
    };
    let stored = {
        let mut flood = hook.flood.lock().await;
        hook.intake.store(std::slice::from_ref(&raw), &mut flood).await
    };
    match stored {
        Ok(_) => {
            hook.intake.outbox.metrics.intake_alive(hook.intake.clock.now());
            StatusCode::OK
        }
        Err(e) => {
            tracing::error!(error = %e, "could not store a webhook delivery; Telegram will deliver it again");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

/// Equal secrets, in time that does not depend on where they differ.
fn same_secret(given: &[u8], ours: &[u8]) -> bool {
    let (a, b) = (Sha256::digest(given), Sha256::digest(ours));
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Tells Telegram where to deliver, with our secret, the updates we
/// handle and how many connections at once.
pub async fn set_webhook(api: &Api, url: &url::Url, secret: &str) -> Result<(), CallError> {
    let params = serde_json::json!({
        "url": url.as_str(),
        "secret_token": secret,
        "allowed_updates": ALLOWED_UPDATES,
        "max_connections": MAX_CONNECTIONS,
    });
    api.call("setWebhook", &params.to_string(), None).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc-DEF_123", b"abc-DEF_123"));
        assert!(!same_secret(b"abc-DEF_124", b"abc-DEF_123"));
        assert!(!same_secret(b"abc", b"abc-DEF_123"));
        assert!(!same_secret(b"", b"abc"));
    }
}
