//! Updates are handled once, in order per chat.

use crate::helpers::*;
use crate::on_both_backends;
use serde_json::json;

on_both_backends!(
    a_repeated_update_is_handled_once,
    a_chat_is_answered_in_order,
    many_chats_at_once_share_transactions_and_a_bad_update_fails_alone
);

async fn a_repeated_update_is_handled_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let user = app.user(1, "Оля", Some("ru"));
    let since = app.fake.last_seq();
    let id = app.fake.push_text(&user, "/help");
    app.handled(id, since).await;

    // Telegram delivers the same update again.
    app.fake.push_duplicate(id);
    wait_until("the repeat is confirmed", || app.fake.pending_updates() == 0).await;
    let next = app.send(&user, "/language").await;
    assert!(texts(&next).contains("На каком языке"), "{}", texts(&next));

    let answers: Vec<_> = app.fake.sent_to(1).into_iter().filter(|s| s.method == "sendMessage").collect();
    assert_eq!(answers.len(), 2, "one answer per distinct update: {answers:?}");
    assert!(answers[0].text().contains("Что я умею"));
    app.stop().await;
}

async fn a_chat_is_answered_in_order(backend: Backend) {
    let app = TestApp::start(backend).await;
    let user = app.user(1, "Оля", Some("ru"));
    let since = app.fake.last_seq();
    let ids: Vec<i64> = ["/help", "/language", "/cancel", "/frobnicate"]
        .iter()
        .map(|text| app.fake.push_text(&user, text))
        .collect();
    app.handled(*ids.last().expect("ids"), since).await;
    for id in &ids {
        app.handled(*id, since).await;
    }
    let answers: Vec<String> = app
        .fake
        .sent_to(1)
        .iter()
        .filter(|s| s.method == "sendMessage")
        .map(|s| s.text().to_owned())
        .collect();
    assert_eq!(answers.len(), 4);
    assert!(answers[0].contains("Что я умею"));
    assert!(answers[1].contains("На каком языке"));
    assert_eq!(answers[2], "Отменять нечего.");
    assert!(answers[3].contains("Такой команды нет"));
    app.stop().await;
}

/// Forty chats write at once: their updates are handled in shared
/// transactions (a savepoint each), and the updates that cannot be read,
/// among them, are set aside alone — nobody else loses an answer.
async fn many_chats_at_once_share_transactions_and_a_bad_update_fails_alone(backend: Backend) {
    let app = TestApp::start(backend).await;
    let users: Vec<_> = (0..40).map(|i| app.user(100 + i, &format!("Оля {i}"), Some("ru"))).collect();
    let strangers: Vec<_> = (0..3).map(|i| app.user(200 + i, "Ерлан", Some("ru"))).collect();
    let since = app.fake.last_seq();
    let mut ids = Vec::new();
    let mut bad = Vec::new();
    for (i, user) in users.iter().enumerate() {
        ids.push(app.fake.push_text(user, "/help"));
        if i % 13 == 6 {
            let s = &strangers[i / 13];
            // A date that is not a number: teloxide cannot read it.
            bad.push(app.fake.push_raw(json!({"message": {
                "message_id": 77, "date": "yesterday", "text": "привет",
                "chat": {"id": s.id, "type": "private", "first_name": "Ерлан"},
                "from": {"id": s.id, "is_bot": false, "first_name": "Ерлан", "language_code": "ru"}
            }})));
        }
    }
    for id in ids.iter().chain(&bad) {
        app.handled(*id, since).await;
    }
    for user in &users {
        let answers: Vec<_> =
            app.fake.sent_to(user.id).into_iter().filter(|s| s.method == "sendMessage").collect();
        assert_eq!(answers.len(), 1, "one answer each: {answers:?}");
        assert!(answers[0].text().contains("Что я умею"), "{}", answers[0].text());
    }
    for (s, id) in strangers.iter().zip(&bad) {
        assert_eq!(app.db.update_failure(*id).await.expect("q").as_deref(), Some("unparseable"));
        let answers = app.fake.sent_to(s.id);
        assert_eq!(answers.len(), 1, "one apology: {answers:?}");
        assert!(answers[0].text().contains("Извините"), "{}", answers[0].text());
    }
    let largest = app.running.intake.largest_batch.load(std::sync::atomic::Ordering::Relaxed);
    assert!(largest > 1, "forty chats at once share transactions (largest batch {largest})");
    app.stop().await;
}

/// On PostgreSQL the intake hears of updates another instance stored; of
/// its own it knows already, and a note of them would cost a look at the
/// table (and a claim that finds nothing) per update.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_looks_only_at_other_instances_updates() {
    if postgres_url().is_none() {
        return;
    }
    use std::sync::atomic::Ordering::Relaxed;
    let app = TestApp::start(Backend::Postgres).await;
    let scans = || app.running.intake.scans.load(Relaxed);
    let users: Vec<_> = (0..5).map(|i| app.user(300 + i, "Оля", Some("ru"))).collect();
    // Two looks at start: the intake's own, and the listener's once it listens.
    wait_until("the looks at start", || scans() >= 2).await;
    let before = scans();
    let since = app.fake.last_seq();
    let ids: Vec<i64> = users.iter().map(|u| app.fake.push_text(u, "/help")).collect();
    for id in &ids {
        app.handled(*id, since).await;
    }
    // Another instance's note comes after ours on the same channel: once it
    // is heard, ours would have been too.
    let sent = app
        .count("SELECT COUNT(*) FROM (SELECT pg_notify('talimger_updates', 'another-instance')) AS n")
        .await;
    assert_eq!(sent, 1);
    wait_until("the other instance's note is heard", || scans() > before).await;
    assert_eq!(scans(), before + 1, "one look, for the other instance's note only");
    for user in &users {
        app.sees(user).await.says("Что я умею");
    }
    app.stop().await;
}
