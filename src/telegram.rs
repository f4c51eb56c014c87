//! The Bot API over HTTP, as it is: a method name, JSON parameters (or a
//! multipart form with a file), and Telegram's envelope back. The intake
//! reads raw updates through it (so that each is stored exactly as
//! Telegram sent it) and the outbox sends through it (so that every outcome
//! — 429 with `retry_after`, 400, 403, 5xx — is seen and handled). The
//! token is part of every URL: errors are reported without the URL.

use crate::db::{Request, Upload};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::time::Duration;

/// How a call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// Telegram answered with an error.
    #[error("Bot API error {code}: {description}")]
    Api { code: u16, description: String, retry_after: Option<u32> },
    /// No answer (connection refused, timeout, a body that is not the Bot API's).
    #[error("Bot API unreachable: {0}")]
    Network(String),
}

impl CallError {
    /// A 5xx or a network failure: worth retrying later.
    pub fn is_passing(&self) -> bool {
        match self {
            CallError::Network(_) => true,
            CallError::Api { code, .. } => *code >= 500,
        }
    }
}

#[derive(Deserialize)]
struct Envelope {
    ok: bool,
    result: Option<Box<RawValue>>,
    error_code: Option<u16>,
    description: Option<String>,
    parameters: Option<Parameters>,
}

#[derive(Deserialize)]
struct Parameters {
    retry_after: Option<u32>,
}

#[derive(Clone)]
pub struct Api {
    client: reqwest::Client,
    /// `{api_url}/bot{token}/` — secret.
    base: String,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Api(…)")
    }
}

/// Longest a single request may take (a long poll adds its own timeout).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

impl Api {
    pub fn new(api_url: &url::Url, token: &str) -> Result<Api, CallError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| CallError::Network(e.without_url().to_string()))?;
        let root = api_url.as_str().trim_end_matches('/');
        Ok(Api { client, base: format!("{root}/bot{token}/") })
    }

    /// Calls `method` with JSON parameters; returns the raw `result`.
    pub async fn call(
        &self,
        method: &str,
        params: &str,
        upload: Option<&Upload>,
    ) -> Result<Box<RawValue>, CallError> {
        self.call_with_timeout(method, params, upload, REQUEST_TIMEOUT).await
    }

    /// Makes the request of one of teloxide's payloads.
    pub async fn send<P: teloxide::requests::Payload + serde::Serialize>(
        &self,
        payload: &P,
    ) -> Result<Box<RawValue>, CallError> {
        let r = Request::of(payload);
        self.call(&r.method, &r.body_text(), r.file.as_ref()).await
    }

    pub async fn call_with_timeout(
        &self,
        method: &str,
        params: &str,
        upload: Option<&Upload>,
        timeout: Duration,
    ) -> Result<Box<RawValue>, CallError> {
        let url = format!("{}{method}", self.base);
        let request = self.client.post(url).timeout(timeout);
        let request = match upload {
            None => request.header(reqwest::header::CONTENT_TYPE, "application/json").body(params.to_owned()),
            Some(file) => request.multipart(form(params, file)?),
        };
        let response = request.send().await.map_err(|e| CallError::Network(e.without_url().to_string()))?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| CallError::Network(e.without_url().to_string()))?;
        let envelope: Envelope = serde_json::from_slice(&body)
            .map_err(|_| CallError::Network(format!("HTTP {status} without a Bot API answer")))?;
        if envelope.ok {
            return envelope.result.ok_or_else(|| CallError::Network("an answer without a result".into()));
        }
        Err(CallError::Api {
            code: envelope.error_code.unwrap_or(status),
            description: envelope.description.unwrap_or_default(),
            retry_after: envelope.parameters.and_then(|p| p.retry_after),
        })
    }

    /// `getUpdates`: each update's JSON as Telegram sent it.
    pub async fn get_updates(
        &self,
        offset: i64,
        timeout_secs: u32,
        allowed: &[&str],
    ) -> Result<Vec<Box<RawValue>>, CallError> {
        let params =
            serde_json::json!({ "offset": offset, "timeout": timeout_secs, "allowed_updates": allowed });
        let wait = Duration::from_secs(u64::from(timeout_secs)) + REQUEST_TIMEOUT;
        let raw = self.call_with_timeout("getUpdates", &params.to_string(), None, wait).await?;
        serde_json::from_str(raw.get())
            .map_err(|_| CallError::Network("getUpdates did not return a list".into()))
    }
}

/// A multipart form: every JSON parameter as a text field (strings as they
/// are, anything else as JSON), and the file.
fn form(params: &str, file: &Upload) -> Result<reqwest::multipart::Form, CallError> {
    let fields: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(params).map_err(|e| CallError::Network(format!("bad parameters: {e}")))?;
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in fields {
        let text = match value {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        form = form.text(name, text);
    }
    let part = reqwest::multipart::Part::bytes(file.bytes.clone()).file_name(file.name.clone());
    Ok(form.part(file.field.clone(), part))
}
