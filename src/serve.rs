//! The HTTP servers (axum): the pages an operator's monitoring reads —
//! `/healthz` (the process is up), `/readyz` (the database answers and, on
//! the instance that polls, Telegram answered recently enough), `/metrics`
//! (Prometheus' text format, `metrics`) — and, in webhook mode, the
//! webhook's route (`intake::webhook_router`), on one server or two.

use crate::db::Db;
use crate::domain::time::SharedClock;
use crate::metrics::Metrics;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How long the database may take to answer `/readyz`.
const DB_ANSWER_WITHIN: Duration = Duration::from_secs(2);

#[derive(Clone)]
struct Shared {
    db: Db,
    metrics: Arc<Metrics>,
    clock: SharedClock,
    /// Ready only if Telegram handed us updates within this (the poller).
    stale_after: chrono::Duration,
    started: chrono::DateTime<chrono::Utc>,
}

/// `/healthz`, `/readyz`, `/metrics`.
pub fn health_routes(
    db: Db,
    metrics: Arc<Metrics>,
    clock: SharedClock,
    stale_after: chrono::Duration,
) -> Router {
    let started = clock.now();
    let shared = Shared { db, metrics, clock, stale_after, started };
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics_text))
        .with_state(shared)
}

/// Binds `listen` and serves `app` until `stop`; returns the bound address
/// (port 0 picks a free one) and the server's task. `setting` names what
/// to change when the address is taken.
pub async fn start(
    listen: SocketAddr,
    app: Router,
    setting: &str,
    stop: CancellationToken,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("could not listen on {listen} ({e}): set {setting}"))?;
    let bound = listener.local_addr()?;
    tracing::info!(address = %bound, "serving HTTP");
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app).with_graceful_shutdown(stop.cancelled_owned()).await;
        if let Err(e) = served {
            tracing::error!(error = %e, "an HTTP server stopped");
        }
    });
    Ok((bound, task))
}

async fn ready(State(s): State<Shared>) -> impl IntoResponse {
    if let Err(e) = s.db.ping(DB_ANSWER_WITHIN).await {
        return (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: the database does not answer ({e})\n"));
    }
    let last = s.metrics.last_intake();
    if let Some(secs) = silence(s.metrics.is_poller(), last, s.started, s.clock.now(), s.stale_after) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: getUpdates has not answered for {secs} s\n"),
        );
    }
    (StatusCode::OK, "ready\n".to_owned())
}

/// How many seconds Telegram has been silent, when that makes the
/// instance unready: only the instance that polls waits for it (a standby
/// instance, or one fed by a webhook, is ready while its database is); a
/// fresh start counts from the start.
fn silence(
    polls: bool,
    last: Option<chrono::DateTime<chrono::Utc>>,
    started: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
    limit: chrono::Duration,
) -> Option<i64> {
    let silent = now - last.unwrap_or(started);
    (polls && silent > limit).then(|| silent.num_seconds())
}

async fn metrics_text(State(s): State<Shared>) -> impl IntoResponse {
    let body = s.metrics.render(&s.db, s.clock.now()).await;
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn only_a_silent_poller_is_unready() {
        let start = Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).single().expect("a time");
        let limit = Duration::seconds(90);
        let at = |s| start + Duration::seconds(s);
        assert_eq!(silence(true, None, start, at(60), limit), None, "just started");
        assert_eq!(silence(true, None, start, at(100), limit), Some(100), "never answered");
        assert_eq!(silence(true, Some(at(50)), start, at(130), limit), None, "answered 80 s ago");
        assert_eq!(silence(true, Some(at(50)), start, at(150), limit), Some(100));
        assert_eq!(silence(false, None, start, at(1000), limit), None, "a standby instance");
    }
}
