//! The engine's guarantees, seen from outside: nothing lost, nothing
//! twice, chats independent, every outcome of a send handled.

use crate::fake_api::{Failure, FakeApi};
use crate::helpers::*;
use crate::on_both_backends;
use serde_json::json;
use std::sync::atomic::Ordering;
use std::time::Duration;
use talimger::db::{ItemState, NewItem, Priority};
use talimger::domain::UserId;
use talimger::domain::time::Clock;
use teloxide::payloads::{EditMessageText, SendMessage};
use teloxide::types::{ChatId, MessageId};
use tokio::time::Instant;

on_both_backends!(
    a_chat_under_flood_control_does_not_delay_another,
    a_burst_of_server_errors_loses_nothing,
    a_database_outage_loses_nothing_and_apologises_for_nothing,
    a_user_who_blocked_the_bot_is_marked_until_they_write_again,
    an_update_that_cannot_be_parsed_is_set_aside_with_an_apology,
    a_flooding_user_is_answered_once_and_slows_nobody,
    sends_keep_within_telegrams_limits,
    an_item_due_later_waits_for_its_time_and_can_be_cancelled,
    an_edit_waits_for_the_message_it_edits,
    the_idle_bot_makes_no_wake_ups,
    a_press_on_a_deleted_message_is_answered,
    commands_in_any_case_and_in_captions_follow_one_rule,
);

fn answers(fake: &FakeApi, chat: i64) -> Vec<String> {
    fake.sent_to(chat).iter().filter(|s| s.method == "sendMessage").map(|s| s.text().to_owned()).collect()
}

async fn a_chat_under_flood_control_does_not_delay_another(backend: Backend) {
    let app = TestApp::start(backend).await;
    let slow = app.user(1, "Оля", Some("ru"));
    let other = app.user(2, "Ерлан", Some("ru"));
    app.fake.rate_limit_for(1, 3);
    let started = Instant::now();
    app.fake.push_text(&slow, "/help");
    app.fake.push_text(&other, "/help");
    wait_until("the other user is answered", || !answers(&app.fake, 2).is_empty()).await;
    assert!(started.elapsed() < Duration::from_secs(2), "answered in {:?}", started.elapsed());
    assert!(answers(&app.fake, 1).is_empty(), "the first chat still waits out its retry_after");
    wait_until("the first user is answered after the wait", || !answers(&app.fake, 1).is_empty()).await;
    assert!(started.elapsed() >= Duration::from_secs(3), "retry_after honoured: {:?}", started.elapsed());
    assert_eq!(app.fake.rejected().iter().filter(|r| r.1 == 429).count(), 1);
    app.stop().await;
}

async fn a_burst_of_server_errors_loses_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let user = app.user(1, "Оля", Some("ru"));
    for _ in 0..3 {
        app.fake.fail_next(1, "sendMessage", Failure::Server);
    }
    let replies = app.send(&user, "/help").await;
    assert_eq!(messages(&replies).len(), 1, "one answer, after the retries: {replies:?}");
    assert!(texts(&replies).contains("Команды:"), "{}", texts(&replies));
    let sent = app.db.outbox_items(ItemState::Sent).await.expect("q");
    let status = app.db.outbox_status(sent[0].0).await.expect("q").expect("item");
    assert_eq!(status.attempts, 4, "three failures, then the send");
    app.stop().await;
}

async fn a_database_outage_loses_nothing_and_apologises_for_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let users: Vec<_> = (1..=3).map(|i| app.user(i, "Оля", Some("ru"))).collect();
    app.db.simulate_outage(Duration::from_secs(3));
    let ids: Vec<i64> = users.iter().map(|u| app.fake.push_text(u, "/help")).collect();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let since = 0;
    for id in &ids {
        app.handled(*id, since).await;
    }
    for user in &users {
        let got = answers(&app.fake, user.id);
        assert_eq!(got.len(), 1, "user {}: {got:?}", user.id);
        assert!(got[0].contains("Команды:"), "the answer, not an apology: {got:?}");
    }
    app.stop().await;
}

async fn a_user_who_blocked_the_bot_is_marked_until_they_write_again(backend: Backend) {
    let app = TestApp::start(backend).await;
    let user = app.user(1, "Оля", Some("ru"));
    app.fake.block(1);
    app.send(&user, "/help").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !app.db.is_unreachable(UserId(1)).await.expect("q") {
        assert!(Instant::now() < deadline, "a 403 marks the user");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let gone = app.db.outbox_items(ItemState::Unreachable).await.expect("q");
    assert_eq!(gone.len(), 1, "recorded, not retried: {gone:?}");
    assert_eq!(app.fake.rejected().iter().filter(|r| r.1 == 403).count(), 1, "asked once");

    app.fake.unblock(1);
    let replies = app.send(&user, "/help").await;
    assert!(texts(&replies).contains("Команды:"), "{}", texts(&replies));
    assert!(!app.db.is_unreachable(UserId(1)).await.expect("q"), "writing again clears the mark");
    app.stop().await;
}

async fn an_update_that_cannot_be_parsed_is_set_aside_with_an_apology(backend: Backend) {
    let app = TestApp::start(backend).await;
    let user = app.user(1, "Оля", Some("ru"));
    let since = app.fake.last_seq();
    // A message whose date is not a number: teloxide cannot read it.
    let id = app.fake.push_raw(json!({"message": {
        "message_id": 77, "date": "yesterday", "text": "привет",
        "chat": {"id": 1, "type": "private", "first_name": "Оля"},
        "from": {"id": 1, "is_bot": false, "first_name": "Оля", "language_code": "ru"}
    }}));
    let replies = app.handled(id, since).await;
    assert!(texts(&replies).contains("Извините"), "the user hears something: {}", texts(&replies));
    assert_eq!(app.db.update_failure(id).await.expect("q").as_deref(), Some("unparseable"));
    // The chat is not blocked behind it.
    let next = app.send(&user, "/help").await;
    assert!(texts(&next).contains("Команды:"), "{}", texts(&next));
    app.stop().await;
}

async fn a_flooding_user_is_answered_once_and_slows_nobody(backend: Backend) {
    let app = TestApp::start_with(backend, &[], |c| c.flood_per_minute = 3).await;
    let flooder = app.user(1, "Оля", Some("ru"));
    let other = app.user(2, "Ерлан", Some("ru"));
    let ids: Vec<i64> = (0..8).map(|_| app.fake.push_text(&flooder, "/help")).collect();
    let replies = app.send(&other, "/help").await;
    assert!(texts(&replies).contains("Команды:"));
    for id in &ids {
        app.handled(*id, 0).await;
    }
    let got = answers(&app.fake, 1);
    assert_eq!(got.len(), 4, "three answers and one warning: {got:?}");
    assert_eq!(got.iter().filter(|t| t.contains("слишком часто")).count(), 1, "{got:?}");
    let dropped = app.count("SELECT COUNT(*) FROM updates WHERE failure = 'flood'").await;
    assert_eq!(dropped, 5, "the excess is stored as dropped, nothing else");
    app.stop().await;
}

async fn sends_keep_within_telegrams_limits(backend: Backend) {
    let app = TestApp::start(backend).await;
    let user = app.user(1, "Оля", Some("ru"));
    // Eight notices queued for one chat at once: the burst goes, then 1 a second.
    let now = app.clock.now();
    let since = app.fake.last_seq();
    let mut tx = app.db.begin().await.expect("begin");
    let items: Vec<NewItem> =
        (0..8).map(|i| text_item(1, &format!("сообщение {i}"), Priority::Notice)).collect();
    tx.enqueue(&items, "test", UNLEASED, now).await.expect("enqueue");
    tx.commit().await.expect("commit");
    poke(&app);
    wait_until("the burst is out", || app.fake.sent_since(since).len() >= 3).await;
    // The user's own answer overtakes the notices still waiting.
    app.send(&user, "/help").await;
    let replies = app.fake.sent_since(since);
    let texts: Vec<String> = messages(&replies).iter().map(|s| s.text().to_owned()).collect();
    assert_eq!(texts.len(), 9, "{texts:?}");
    let answer = texts.iter().position(|t| t.contains("Команды:")).expect("the answer");
    assert!(answer <= 4, "an answer to the user goes before waiting notices: {texts:?}");
    let numbered: Vec<&String> = texts.iter().filter(|t| t.starts_with("сообщение")).collect();
    for (i, t) in numbered.iter().enumerate() {
        assert_eq!(**t, format!("сообщение {i}"), "a chat's messages keep their order");
    }
    assert!(
        app.fake.rejected().iter().all(|r| r.1 != 429),
        "paced, never refused: {:?}",
        app.fake.rejected()
    );
    let at: Vec<Duration> = messages(&replies).iter().map(|s| s.at).collect();
    assert!(at[8] - at[0] >= Duration::from_secs(5), "1 a second after the burst: {at:?}");
    app.stop().await;
}

/// Items a test queues directly are nobody's: any sender may claim them.
const UNLEASED: chrono::Duration = chrono::Duration::seconds(-1);

/// Items queued behind the bot's back: tell its sender to look.
fn poke(app: &TestApp) {
    app.clock.advance(chrono::Duration::zero());
}

fn text_item(chat: i64, text: &str, priority: Priority) -> NewItem {
    NewItem::of(chat, priority, &SendMessage::new(ChatId(chat), text))
}

async fn an_item_due_later_waits_for_its_time_and_can_be_cancelled(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.user(1, "Оля", Some("ru"));
    let now = app.clock.now();
    let later = |key: &str, text: &str| NewItem {
        key: Some(key.into()),
        due_at: Some(now + chrono::Duration::hours(1)),
        ..text_item(1, text, Priority::Reminder)
    };
    let mut tx = app.db.begin().await.expect("begin");
    tx.enqueue(&[later("r:1", "старое"), later("r:2", "отменённое")], "test", UNLEASED, now)
        .await
        .expect("enqueue");
    // Replacing an item by its key cancels the old one.
    tx.enqueue(&[later("r:1", "новое")], "test", UNLEASED, now).await.expect("replace");
    tx.commit().await.expect("commit");
    assert!(app.db.cancel_outbox("r:2", now).await.expect("cancel"));
    poke(&app);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(answers(&app.fake, 1).is_empty(), "nothing before its time");
    app.clock.advance(chrono::Duration::minutes(61));
    wait_until("the item is sent at its time", || !answers(&app.fake, 1).is_empty()).await;
    app.outbox_drained().await;
    assert_eq!(answers(&app.fake, 1), vec!["новое".to_owned()], "only the live item, once");
    app.stop().await;
}

async fn an_edit_waits_for_the_message_it_edits(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.user(1, "Оля", Some("ru"));
    app.fake.rate_limit_for(1, 1);
    let now = app.clock.now();
    // The message and its edit, queued together; the edit knows only the item.
    let mut tx = app.db.begin().await.expect("begin");
    tx.enqueue(
        &[NewItem { due_at: Some(now), ..text_item(1, "0 из 10", Priority::Bulk) }],
        "test",
        UNLEASED,
        now,
    )
    .await
    .expect("enqueue");
    tx.commit().await.expect("commit");
    let message_item = app.db.outbox_items(ItemState::Pending).await.expect("q")[0].0;
    // The message id is the sender's to fill in, from the item it edits.
    let edit = NewItem {
        edit_of: Some(message_item),
        ..NewItem::of(1, Priority::Answer, &EditMessageText::new(ChatId(1), MessageId(0), "10 из 10"))
    };
    let mut tx = app.db.begin().await.expect("begin");
    tx.enqueue(&[edit], "test", UNLEASED, now).await.expect("enqueue");
    tx.commit().await.expect("commit");
    poke(&app);
    wait_until("the edit is applied", || {
        app.fake.sent_to(1).iter().any(|s| s.method == "editMessageText" && s.text() == "10 из 10")
    })
    .await;
    let sent = app.fake.sent_to(1);
    let send_at = sent.iter().position(|s| s.method == "sendMessage").expect("the message");
    let edit_at = sent.iter().position(|s| s.method == "editMessageText").expect("the edit");
    assert!(send_at < edit_at, "the edit came after its message: {sent:?}");
    app.stop().await;
}

async fn the_idle_bot_makes_no_wake_ups(backend: Backend) {
    let app = TestApp::start(backend).await;
    let user = app.user(1, "Оля", Some("ru"));
    app.send(&user, "/help").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let wakeups = app.running.outbox.wakeups.load(Ordering::Relaxed);
    let claims = app.running.outbox.claims.load(Ordering::Relaxed);
    let timers = app.running.intake.timers.load(Ordering::Relaxed);
    let jobs = app.running.jobs.wakeups.load(Ordering::Relaxed);
    let polls = app.fake.get_updates_calls();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        app.running.jobs.wakeups.load(Ordering::Relaxed),
        jobs,
        "the job runner sleeps till its next job"
    );
    assert_eq!(app.running.outbox.wakeups.load(Ordering::Relaxed), wakeups, "the sender sleeps");
    assert_eq!(app.running.outbox.claims.load(Ordering::Relaxed), claims, "no polling of the outbox");
    assert_eq!(app.running.intake.timers.load(Ordering::Relaxed), timers, "no timers in the intake");
    assert_eq!(app.fake.get_updates_calls(), polls, "one long poll waiting, no more");
    app.stop().await;
}

async fn a_press_on_a_deleted_message_is_answered(backend: Backend) {
    let app = TestApp::start(backend).await;
    let user = app.user(1, "Оля", Some("ru"));
    let hello = app.send(&user, "/language").await;
    let message = with_buttons(&hello);
    let since = app.fake.last_seq();
    let id = app.fake.push_callback_inaccessible(&user, message.message_id.expect("id"), "i:s");
    app.handled(id, since).await;
    wait_until("the press is answered", || {
        app.fake.sent_since(since).iter().any(|s| s.method == "answerCallbackQuery")
    })
    .await;
    let replies = app.fake.sent_since(since);
    assert!(messages(&replies).is_empty(), "a toast, never a chat message: {replies:?}");
    let answer = replies.iter().find(|s| s.method == "answerCallbackQuery").expect("answered");
    assert!(answer.text().starts_with("Эта кнопка больше не действует"), "{}", answer.text());
    assert!(app.fake.rejected().is_empty(), "no edit of a message that is gone: {:?}", app.fake.rejected());
    app.stop().await;
}

async fn commands_in_any_case_and_in_captions_follow_one_rule(backend: Backend) {
    let app = TestApp::start(backend).await;
    let _mentor = app.mentor(10, "Айгүл", "ru", "№5 мектеп").await;
    let link = app
        .invite_link(talimger::domain::invite::InviteTarget::Student { mentor: UserId(10) }, None, None, 2)
        .await;
    let code = link.rsplit("?start=").next().expect("code");
    let shouting = app.user(21, "Ерлан", Some("ru"));
    let joined = app.send(&shouting, &format!("/START {code}")).await;
    assert!(texts(&joined).contains("Готово"), "{}", texts(&joined));
    let photographer = app.user(22, "Дана", Some("ru"));
    let since = app.fake.last_seq();
    let id = app.fake.push_photo(&photographer, Some(&format!("/start {code}")));
    let joined = app.handled(id, since).await;
    assert!(texts(&joined).contains("Готово"), "{}", texts(&joined));
    assert_eq!(app.db.mentee_count(UserId(10)).await.expect("q"), 2);
    app.stop().await;
}

/// Two bot instances on one PostgreSQL database: one polls, both handle and
/// send, and nothing is handled or sent twice; when the poller stops, the
/// other takes over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgres_share_the_work_and_never_repeat() {
    if postgres_url().is_none() {
        return;
    }
    let first = TestApp::start(Backend::Postgres).await;
    let stop_second = tokio_util::sync::CancellationToken::new();
    let (second, _running) = spawn_bot(first.config(), &first.clock, &stop_second);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let users: Vec<_> = (1..=12).map(|i| first.user(i, "Оля", Some("ru"))).collect();
    let mut ids = Vec::new();
    for round in 0..3 {
        for user in &users {
            ids.push(first.fake.push_text(user, if round == 1 { "/language" } else { "/help" }));
        }
    }
    for id in &ids {
        first.handled(*id, 0).await;
    }
    for user in &users {
        let got = answers(&first.fake, user.id);
        assert_eq!(got.len(), 3, "user {}: one answer per message, in order: {got:?}", user.id);
        assert!(got[1].contains("На каком языке"), "a chat's answers keep their order: {got:?}");
    }
    assert_eq!(first.fake.conflicts(), 0, "never two pollers at once");

    // The first instance stops; the second polls in its place.
    let shutdown = first.shutdown_token();
    shutdown.cancel();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let since = first.fake.last_seq();
    let id = first.fake.push_text(&users[0], "/help");
    let replies = first.handled(id, since).await;
    assert!(texts(&replies).contains("Команды:"), "the other instance answers: {replies:?}");
    stop_second.cancel();
    second.await.expect("no panic").expect("stops cleanly");
}
