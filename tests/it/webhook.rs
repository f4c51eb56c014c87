//! Webhook mode: Telegram (the fake, as a local Bot API server would)
//! POSTs each update to our route with the secret token; the update is
//! stored before the 200, strangers get 401 and store nothing, an oversized
//! body 413, a database that cannot take it 503 (Telegram delivers again,
//! handled once), and no `getUpdates` while the webhook is set. Two
//! instances behind a round-robin proxy handle every update once, in order
//! per chat.

use crate::cast::programme;
use crate::helpers::{Backend, Shown, TestApp, postgres_url, spawn_bot, wait_until};
use crate::on_both_backends;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use talimger::config::{Config, WebhookConfig};

on_both_backends!(
    updates_come_by_the_webhook,
    strangers_and_oversized_bodies_are_refused,
    a_refused_store_is_delivered_again
);

/// A port nobody listens on now (the bot binds it a moment later).
fn free_port() -> SocketAddr {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    probe.local_addr().expect("its address")
}

/// The bot in webhook mode on `listen`, with `url` given to Telegram.
fn webhook_at(config: &mut Config, url: String, listen: SocketAddr) {
    config.webhook = Some(WebhookConfig { url: url.parse().expect("a URL"), listen, secret: None });
}

async fn webhook_app(backend: Backend) -> (TestApp, SocketAddr) {
    let listen = free_port();
    let app = TestApp::start_with(backend, &[], |c| {
        webhook_at(c, format!("http://{listen}/telegram/updates"), listen);
        // Health and metrics on the webhook's server, as by default.
        c.metrics_listen = Some(listen);
    })
    .await;
    (app, listen)
}

async fn post(addr: SocketAddr, secret: Option<&str>, body: Vec<u8>) -> u16 {
    let mut request = reqwest::Client::new()
        .post(format!("http://{addr}/telegram/updates"))
        .header("content-type", "application/json")
        .body(body);
    if let Some(secret) = secret {
        request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
    }
    request.send().await.expect("the webhook answers").status().as_u16()
}

async fn updates_come_by_the_webhook(backend: Backend) {
    let (app, listen) = webhook_app(backend).await;
    let hook = app.fake.webhook().expect("setWebhook was called");
    assert_eq!(hook.url, format!("http://{listen}/telegram/updates"));
    let secret = hook.secret.clone().expect("a secret token");
    assert!(secret.len() >= 32, "a secret made at start: {secret}");
    assert_eq!(hook.max_connections, 40);
    assert_eq!(app.running.webhook_addr, Some(listen));
    assert_eq!(app.running.metrics_addr, Some(listen), "health and metrics on the same server");

    let cast = programme().mentor("kk").student("ru").join(&app).await;
    app.send(&cast.student, "Добрый день! Можно перенести консультацию?").await;
    app.sees(&cast.mentor).await.says("Можно перенести консультацию?");
    assert!(app.fake.webhook_delivered() >= 3, "the joins and the question came by the webhook");
    assert_eq!(app.fake.get_updates_calls(), 0, "never polled while the webhook is set");
    let health = reqwest::get(format!("http://{listen}/readyz")).await.expect("readyz");
    assert_eq!(health.status().as_u16(), 200);

    // The secret is the programme's: a restart (another instance) uses it.
    let mut app = app;
    app.restart().await;
    assert_eq!(app.fake.webhook().and_then(|h| h.secret), Some(secret), "one secret for every instance");

    // Back to polling: the webhook is removed first, then it polls.
    app.restart_with(|c| {
        c.webhook = None;
        c.metrics_listen = Some("127.0.0.1:0".parse().expect("an address"));
    })
    .await;
    assert!(app.fake.webhook().is_none(), "the webhook is gone");
    app.send(&cast.student, "А по почте можно?").await;
    app.sees(&cast.mentor).await.says("А по почте можно?");
    app.stop().await;
}

async fn strangers_and_oversized_bodies_are_refused(backend: Backend) {
    let (app, listen) = webhook_app(backend).await;
    let secret = app.fake.webhook().and_then(|h| h.secret).expect("a secret");
    let stored = "SELECT COUNT(*) FROM updates";
    let before = app.count(stored).await;
    let update = |id: i64| {
        serde_json::json!({"update_id": id, "message": {"message_id": 1, "date": 1_764_800_000,
            "chat": {"id": 777, "type": "private", "first_name": "X"},
            "from": {"id": 777, "is_bot": false, "first_name": "X"}, "text": "/start"}})
        .to_string()
        .into_bytes()
    };
    assert_eq!(post(listen, None, update(900_001)).await, 401, "no secret");
    assert_eq!(post(listen, Some("not-the-secret"), update(900_002)).await, 401, "a wrong secret");
    let wrong_case = secret.to_uppercase();
    if wrong_case != secret {
        assert_eq!(post(listen, Some(&wrong_case), update(900_003)).await, 401, "the secret exactly");
    }
    let mut huge = update(900_004);
    huge.truncate(huge.len() - 2);
    huge.extend(format!(",\"pad\":\"{}\"}}}}", "я".repeat(200_000)).into_bytes());
    assert_eq!(post(listen, Some(&secret), huge).await, 413, "over the body limit");
    assert_eq!(post(listen, Some(&secret), b"not json".to_vec()).await, 400);
    assert_eq!(app.count(stored).await, before, "nothing stored");
    // Our own secret gets in.
    assert_eq!(post(listen, Some(&secret), update(900_005)).await, 200);
    assert_eq!(app.count("SELECT COUNT(*) FROM updates WHERE update_id = 900005").await, 1);
    app.stop().await;
}

async fn a_refused_store_is_delivered_again(backend: Backend) {
    let (app, _listen) = webhook_app(backend).await;
    let cast = programme().mentor("ru").student("ru").join(&app).await;
    app.catch_up(&cast.mentor);
    let outage = Duration::from_secs(1);
    app.db.simulate_outage(outage);
    let id = app.fake.push_text(&cast.student, "Сообщение во время сбоя базы");
    wait_until("the webhook refused it", || {
        app.fake.webhook_refused().iter().any(|(u, s)| *u == id && *s == 503)
    })
    .await;
    // The test reads the same database: after the outage.
    tokio::time::sleep(outage).await;
    app.update_handled(id).await;
    app.outbox_drained().await;
    let seen = app.sees(&cast.mentor).await;
    seen.says("Сообщение во время сбоя базы");
    let copies =
        app.fake.sent_to(cast.mentor.id).iter().filter(|s| s.text().contains("во время сбоя")).count();
    assert_eq!(copies, 1, "handled once");
    app.stop().await;
}

/// A load balancer: each delivery to the next instance in turn.
async fn round_robin(backends: Vec<SocketAddr>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
    let addr = listener.local_addr().expect("its address");
    let turn = Arc::new(AtomicUsize::new(0));
    let client = reqwest::Client::new();
    let app = axum::Router::new().fallback(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
        let (turn, client, backends) = (turn.clone(), client.clone(), backends.clone());
        async move {
            let to = backends[turn.fetch_add(1, Ordering::Relaxed) % backends.len()];
            let mut request = client.post(format!("http://{to}/telegram/updates")).body(body);
            for (name, value) in &headers {
                if name.as_str().starts_with("x-telegram") || name.as_str() == "content-type" {
                    request = request.header(name.as_str(), value.as_bytes());
                }
            }
            match request.send().await {
                Ok(r) => axum::http::StatusCode::from_u16(r.status().as_u16()).expect("a status"),
                Err(_) => axum::http::StatusCode::BAD_GATEWAY,
            }
        }
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// Two instances on one PostgreSQL behind a round-robin proxy: every
/// update handled once, each chat's in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_behind_a_load_balancer() {
    if postgres_url().is_none() {
        return;
    }
    let (one, two) = (free_port(), free_port());
    let proxy = round_robin(vec![one, two]).await;
    let first = TestApp::start_with(Backend::Postgres, &[], |c| {
        webhook_at(c, format!("http://{proxy}/telegram/updates"), one);
    })
    .await;
    let mut config = first.config().clone();
    webhook_at(&mut config, format!("http://{proxy}/telegram/updates"), two);
    let stop_second = tokio_util::sync::CancellationToken::new();
    let (second, running) = spawn_bot(&config, &first.clock, &stop_second);
    let running = running.await.expect("the second instance starts");
    assert_eq!(running.webhook_addr, Some(two));

    let users: Vec<_> = (1..=10).map(|i| first.user(i, "Оля", Some("ru"))).collect();
    let mut ids = Vec::new();
    for round in 0..3 {
        for user in &users {
            ids.push(first.fake.push_text(user, if round == 1 { "/language" } else { "/help" }));
        }
    }
    for id in &ids {
        first.update_handled(*id).await;
    }
    first.outbox_drained().await;
    for user in &users {
        let got: Vec<String> = first
            .fake
            .sent_to(user.id)
            .iter()
            .filter(|s| s.method == "sendMessage")
            .map(|s| s.text().to_owned())
            .collect();
        assert_eq!(got.len(), 3, "user {}: one answer per message: {got:?}", user.id);
        assert!(got[1].contains("На каком языке"), "a chat's answers keep their order: {got:?}");
    }
    assert_eq!(first.fake.get_updates_calls(), 0, "nobody polls");
    assert!(first.fake.webhook_refused().is_empty(), "{:?}", first.fake.webhook_refused());
    let handled = first.count("SELECT COUNT(*) FROM updates WHERE handled_at IS NOT NULL").await;
    assert!(handled >= 30, "{handled}");
    stop_second.cancel();
    second.await.expect("no panic").expect("stops cleanly");
    first.stop().await;
}
