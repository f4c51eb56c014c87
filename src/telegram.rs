//! Sending to Telegram: every request the bot makes while handling an
//! update goes through [`send`], which honours flood control.

use std::time::Duration;
use teloxide::RequestError;
use teloxide::requests::{Payload, Request};

/// How often a request is retried after a 429, and the longest wait taken.
const RETRIES: u32 = 3;
const LONGEST_WAIT: Duration = Duration::from_secs(60);

/// Sends a request; on `429 Too Many Requests` waits the `retry_after`
/// Telegram asked for and tries again (a few times at most).
pub async fn send<R>(request: R) -> Result<<R::Payload as Payload>::Output, RequestError>
where
    R: Request<Err = RequestError> + Clone,
{
    let mut retries = 0;
    loop {
        match request.clone().send().await {
            Err(RequestError::RetryAfter(after)) if retries < RETRIES => {
                retries += 1;
                let wait = after.duration().min(LONGEST_WAIT);
                tracing::warn!(wait_secs = wait.as_secs(), "flood control: waiting before a retry");
                tokio::time::sleep(wait).await;
            }
            other => return other,
        }
    }
}
