//! Fault stories: the bot killed in a relay burst, Telegram failing and
//! then refusing during one, the database going away during a burst of
//! reminders, two instances sharing a broadcast, and an instance cut off
//! for longer than an outbox lease while another takes over. The other
//! fault stories live beside the features they concern (ARCHITECTURE.md,
//! Testing, lists them all).

use crate::broadcast::{copies, ledger, press_now, preview, students, until_final};
use crate::cast::programme;
use crate::fake_api::{Failure, FakeApi, Limits, Sent, TgUser};
use crate::helpers::*;
use crate::on_both_backends;
use crate::process::{all_handled, talimger, with_fake};
use crate::reminders::{at, book, reminders_to};
use std::process::Stdio;
use std::time::Duration;
use talimger::db::{ItemState, NewItem, Priority};
use talimger::domain::UserId;
use talimger::domain::invite::InviteTarget;
use talimger::domain::time::Clock;
use teloxide::payloads::SendMessage;
use teloxide::types::ChatId;
use tokio::time::Instant;

on_both_backends!(
    kill_9_during_a_relay_burst_loses_no_message_and_no_mark,
    server_errors_then_flood_control_during_a_relay_burst_lose_nothing_and_repeat_nothing,
    a_database_outage_during_a_reminder_burst_sends_each_reminder_once,
);

/// The mentor switches their quiet hours off: the relay goes through at
/// any hour (a test on the real clock must not depend on the time of day).
async fn quiet_hours_off(app: &TestApp, mentor: &TgUser) {
    let screen = with_buttons(&app.send(mentor, "/quiet").await);
    app.press_button(mentor, &screen, "Выключить").await;
}

/// Each student writes `rounds` messages; returns (student, their message
/// id, the text) for each, in the order they were written.
fn burst(fake: &FakeApi, students: &[TgUser], rounds: usize) -> (Vec<i64>, Vec<(i64, i64, String)>) {
    let (mut updates, mut written) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        for s in students {
            let text = format!("Сұрақ {round} от {}", s.id);
            written.push((s.id, fake.next_message_id(s.id), text.clone()));
            updates.push(fake.push_text(s, &text));
        }
    }
    (updates, written)
}

/// How many copies of `text` reached the mentor.
fn copies_of(fake: &FakeApi, mentor: i64, text: &str) -> usize {
    fake.sent_to(mentor).iter().filter(|s| s.method == "sendMessage" && s.text().ends_with(text)).count()
}

/// How many 👌 were set on the student's message.
fn marks(fake: &FakeApi, student: i64, message: i64) -> usize {
    let is_mark = |s: &Sent| s.method == "setMessageReaction" && s.message_id == Some(message);
    fake.sent_to(student).iter().filter(|s| is_mark(s) && s.text() == "👌").count()
}

/// The bot as a process on the test's database, with per-chat pacing
/// raised (one mentor receives the whole burst); a bot that stopped a
/// moment ago may still hold SQLite's lock, so it is tried again.
async fn spawn_process(dir: &std::path::Path, fake: &FakeApi, url: &str) -> std::process::Child {
    for _ in 0..20 {
        let mut cmd = talimger(dir);
        with_fake(&mut cmd, fake, url);
        cmd.env("TALIMGER_CHAT_RATE", "20").env("TALIMGER_CHAT_BURST", "20");
        let mut bot = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("starts");
        tokio::time::sleep(Duration::from_millis(500)).await;
        if bot.try_wait().expect("status").is_none() {
            return bot;
        }
    }
    panic!("the bot process did not start");
}

/// Eight students write three messages each to their mentor; the bot (a
/// process) is killed with SIGKILL while the copies go out, and started
/// again. Every message reaches the mentor and every student's message
/// gets its 👌; only a copy in flight at the kill (sent, its item not yet
/// recorded as sent) may reach the mentor twice, and a 👌 at most twice.
async fn kill_9_during_a_relay_burst_loses_no_message_and_no_mark(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().join(&app).await;
    quiet_hours_off(&app, &p.mentor).await;
    let many = students(&app, p.mentor.id, 1000..1008).await;
    // From here on the bot runs as a process of its own.
    app.shutdown_token().cancel();
    app.fake.set_limits(Limits::none());
    let dir = tempfile::tempdir().expect("dir");
    let mut bot = spawn_process(dir.path(), &app.fake, &app.test_db.url).await;
    // Slow answers, so that the kill lands in the middle of the burst.
    app.fake.set_delay("sendMessage", Duration::from_millis(100));
    let (updates, written) = burst(&app.fake, &many, 3);
    wait_until("some copies are out", || {
        written.iter().filter(|(_, _, t)| copies_of(&app.fake, p.mentor.id, t) > 0).count() >= 4
    })
    .await;
    bot.kill().expect("SIGKILL");
    let _ = bot.wait();
    let before = written.iter().filter(|(_, _, t)| copies_of(&app.fake, p.mentor.id, t) > 0).count();
    assert!(before < written.len(), "killed mid-burst ({before} of {})", written.len());
    // In flight at the kill: copies the mentor has whose items are not yet
    // recorded as sent (sends are recorded in batches, just after).
    let mut in_flight = Vec::new();
    for (_, _, text) in &written {
        let pending = format!(
            "SELECT COUNT(*) FROM outbox WHERE chat_id = {} AND state = 'pending' AND payload LIKE '%{text}%'",
            p.mentor.id
        );
        if copies_of(&app.fake, p.mentor.id, text) > 0 && app.count(&pending).await > 0 {
            in_flight.push(text.clone());
        }
    }

    app.fake.set_delay("sendMessage", Duration::ZERO);
    let mut bot = spawn_process(dir.path(), &app.fake, &app.test_db.url).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while !all_handled(&app.db, &updates).await
        || app.db.outbox_backlog(chrono::Utc::now()).await.expect("q") > 0
    {
        assert!(Instant::now() < deadline, "every message is handled and relayed after the restart");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bot.kill().expect("stop");
    let _ = bot.wait();
    for (student, message, text) in &written {
        let n = copies_of(&app.fake, p.mentor.id, text);
        let allowed = if in_flight.contains(text) { 1..=2 } else { 1..=1 };
        assert!(allowed.contains(&n), "{text:?} reached the mentor {n} time(s); in flight: {in_flight:?}");
        let m = marks(&app.fake, *student, *message);
        assert!((1..=2).contains(&m), "{text:?}: {m} 👌");
    }
    let relayed = app.count("SELECT COUNT(*) FROM questions").await;
    assert_eq!(relayed, 24, "each message is stored once as the mentor's to answer");
    app.stop().await;
}

/// Six students write twice each while Telegram answers 500 to every send
/// for two seconds, then puts the whole bot under flood control for three.
/// Every message reaches the mentor once, every 👌 is set once, the bot
/// waits out the 429s instead of hammering, and nothing is given up.
async fn server_errors_then_flood_control_during_a_relay_burst_lose_nothing_and_repeat_nothing(
    backend: Backend,
) {
    let app = quick(backend).await;
    let p = programme().join(&app).await;
    let many = students(&app, p.mentor.id, 1000..1006).await;
    let started = Instant::now();
    app.fake.server_errors_for(Duration::from_secs(2));
    let fake = app.fake.clone();
    let flood = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(2)).await;
        fake.flood_control_for(Duration::from_secs(3));
    });
    let (updates, written) = burst(&app.fake, &many, 2);
    for id in &updates {
        app.update_handled(*id).await;
    }
    flood.await.expect("no panic");
    wait_until("every copy and every 👌 is out", || {
        written
            .iter()
            .all(|(s, m, t)| copies_of(&app.fake, p.mentor.id, t) > 0 && marks(&app.fake, *s, *m) > 0)
    })
    .await;
    app.outbox_drained().await;
    for (student, message, text) in &written {
        assert_eq!(copies_of(&app.fake, p.mentor.id, text), 1, "{text:?} reached the mentor once");
        assert_eq!(marks(&app.fake, *student, *message), 1, "{text:?}: one 👌");
    }
    let rejected = app.fake.rejected();
    let (errors, refusals) =
        (rejected.iter().filter(|r| r.1 == 500).count(), rejected.iter().filter(|r| r.1 == 429).count());
    assert!(errors > 0 && refusals > 0, "both faults were met: {rejected:?}");
    // One request per chat is in flight at a time (16 at most): a 429 for
    // several chats pauses the whole bot until the window ends.
    assert!(refusals <= 16, "the 429s were waited out, not hammered at: {refusals}");
    assert!(started.elapsed() >= Duration::from_secs(5), "the copies came after the windows");
    let failed = app.count("SELECT COUNT(*) FROM outbox WHERE state IN ('failed', 'pending')").await;
    assert_eq!(failed, 0, "nothing given up or left behind");
    app.stop().await;
}

/// Six meetings on Thursday; while their 24-hour reminders fall due, the
/// database goes away for three seconds (on PostgreSQL the server also
/// drops every connection of the bot, as a restart does). Once it is
/// back, each reminder reaches the mentor and each student once.
async fn a_database_outage_during_a_reminder_burst_sends_each_reminder_once(backend: Backend) {
    let app = quick(backend).await;
    let mentor = app.mentor(10, "Айгүл", "ru", "№5 мектеп").await;
    app.send(&mentor, "/slots add 2026-09-03 15:00 30 6").await;
    let link = app.invite_link(InviteTarget::Student { mentor: UserId(mentor.id) }, None, None, 6).await;
    let times = ["15:00", "15:30", "16:00", "16:30", "17:00", "17:30"];
    for (i, time) in times.iter().enumerate() {
        let student = app.user(100 + i as i64, "Оқушы", Some("kk"));
        app.open_link(&student, &link).await;
        book(&app, &student, time).await;
    }
    let outage = Duration::from_secs(3);
    let started = Instant::now();
    app.db.simulate_outage(outage);
    if backend == Backend::Postgres {
        drop_connections(&app.test_db.url).await;
    }
    app.clock.advance(at(2026, 9, 2, 13, 0) - app.clock.now());
    // The database is the bot's again only after the outage.
    tokio::time::sleep(outage.saturating_sub(started.elapsed())).await;
    wait_until("every 24-hour reminder arrives", || {
        reminders_to(&app, mentor.id).len() >= 6 && (0..6).all(|i| !reminders_to(&app, 100 + i).is_empty())
    })
    .await;
    app.outbox_drained().await;
    assert_eq!(reminders_to(&app, mentor.id).len(), 6, "the mentor: one per meeting");
    for i in 0..6 {
        assert_eq!(reminders_to(&app, 100 + i).len(), 1, "student {i}: once");
    }
    let open = "SELECT COUNT(*) FROM jobs WHERE key LIKE 'remind:%:1440' AND done_at IS NULL";
    assert_eq!(app.count(open).await, 0, "every due job ran");
    assert_eq!(app.count("SELECT COUNT(*) FROM reminders").await, 12);
    app.stop().await;
}

/// A bot paced for the test rather than for Telegram (the fake's limits
/// off): the setup's many notices to one mentor go at once.
async fn quick(backend: Backend) -> TestApp {
    let app = TestApp::start_with(backend, &[], |c| {
        c.chat_rate = 20.0;
        c.chat_burst = 20;
    })
    .await;
    app.fake.set_limits(Limits::none());
    app
}

/// Ends every connection to the test's database but the caller's: what a
/// PostgreSQL restart does to the bot's pool and its listener.
async fn drop_connections(url: &str) {
    let name = url::Url::parse(url).expect("a URL").path().trim_start_matches('/').to_owned();
    let sql = format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    );
    let pool = sqlx::PgPool::connect(url).await.expect("connect");
    let ended: Vec<bool> = sqlx::query_scalar(&sql).fetch_all(&pool).await.expect("terminate");
    assert!(!ended.is_empty(), "the bot had connections to end");
    pool.close().await;
}

/// A second instance for `app`'s PostgreSQL database, through a URL that
/// differs only in a parameter: a simulated outage of the first instance
/// (which goes by its URL) does not reach it.
fn second_instance(
    app: &TestApp,
) -> (tokio::task::JoinHandle<anyhow::Result<()>>, tokio_util::sync::CancellationToken) {
    let mut config = app.config().clone();
    config.database_url = format!("{}?application_name=second", app.test_db.url);
    let stop = tokio_util::sync::CancellationToken::new();
    let (task, _running) = spawn_bot(&config, &app.clock, &stop);
    (task, stop)
}

/// Two instances on one PostgreSQL while a mentor's broadcast to 61
/// people goes out; half way the first instance stops (its leases given
/// back) and the second finishes. Every recipient gets the notice once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgres_send_each_broadcast_copy_once() {
    if postgres_url().is_none() {
        return;
    }
    let app = TestApp::start(Backend::Postgres).await;
    let p = programme().join(&app).await;
    let many = students(&app, p.mentor.id, 1000..1060).await;
    let (second, stop_second) = second_instance(&app);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let shown = preview(&app, &p.mentor, &["Моим ученикам"], "Завтра уроки до 13:00").await;
    shown.says("Получат: 61");
    press_now(&app, &p.mentor, &with_buttons(&shown), "Отправить").await;
    wait_until("the broadcast is under way", || {
        many.iter().filter(|s| !copies(&app, s).is_empty()).count() >= 10
    })
    .await;
    app.shutdown_token().cancel();
    let reached = many.iter().filter(|s| !copies(&app, s).is_empty()).count();
    assert!(reached < many.len(), "the first instance stopped half way ({reached} reached)");
    until_final(&app, &p.mentor).await.says("Доставлено: 61 из 61");
    for who in many.iter().chain([&p.student]) {
        assert_eq!(copies(&app, who).len(), 1, "{} got the notice once", who.id);
    }
    assert_eq!(ledger(&app, "sent").await, 61);
    stop_second.cancel();
    second.await.expect("no panic").expect("stops cleanly");
    app.stop().await;
}

/// Instance A holds two items for one chat — a keyed one (a reminder's
/// kind, checked just before its send) and an unkeyed one — when it is cut
/// off from the database for longer than its lease; instance B takes them
/// over and sends them. When A is back, its leases have lapsed by its own
/// reckoning, so it checks both before sending, keyed or not, finds them
/// taken over or sent, and leaves them alone: each arrives once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_cut_off_past_its_lease_sends_nothing_again() {
    if postgres_url().is_none() {
        return;
    }
    let app = TestApp::start(Backend::Postgres).await;
    app.user(1, "Оля", Some("ru"));
    // A's first send to the chat is refused for two seconds: A holds both.
    app.fake.rate_limit_for(1, 2);
    let now = app.clock.now();
    let item = |text: &str| NewItem::of(1, Priority::Reminder, &SendMessage::new(ChatId(1), text));
    let mut tx = app.db.begin().await.expect("begin");
    let items = [item("⏰ ключевое").keyed("test:keyed"), item("обычное")];
    tx.enqueue(&items, "test", chrono::Duration::seconds(-1), now).await.expect("enqueue");
    tx.commit().await.expect("commit");
    app.clock.advance(chrono::Duration::zero());
    wait_until("A met the 429", || app.fake.rejected().iter().any(|r| r.1 == 429)).await;
    let held = "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND lease_owner <> 'test'";
    assert_eq!(app.count(held).await, 2, "A holds both items");
    // A is cut off; its leases lapse; B starts and takes the items over.
    let outage = Duration::from_secs(4);
    let cut = Instant::now();
    app.db.simulate_outage(outage);
    app.clock.advance(chrono::Duration::seconds(60));
    let (second, stop_second) = second_instance(&app);
    let url = app.test_db.url.clone();
    let sent = "SELECT COUNT(*) FROM outbox WHERE state = 'sent'";
    let deadline = Instant::now() + Duration::from_secs(20);
    while count_in(&url, sent).await < 2 {
        assert!(Instant::now() < deadline, "B sent both items");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A is back, and tries what it held.
    // (its retries back off 0.5 s, 1 s, 2 s… past the outage: bounded)
    tokio::time::sleep(outage.saturating_sub(cut.elapsed()) + Duration::from_secs(5)).await;
    app.outbox_drained().await;
    let got = |text: &str| app.fake.sent_to(1).iter().filter(|s| s.text() == text).count();
    assert_eq!(got("⏰ ключевое"), 1, "the keyed item: once, by B");
    // A's lease lapsed while it was cut off: it checks before sending, keyed or not.
    assert_eq!(got("обычное"), 1, "the unkeyed item: once, by B");
    assert_eq!(app.db.outbox_items(ItemState::Failed).await.expect("q"), vec![], "nothing marked failed");
    stop_second.cancel();
    second.await.expect("no panic").expect("stops cleanly");
    app.stop().await;
}

/// The race the confirmation before a keyed item's send must get right:
/// instance A meets a 500 for a reminder's kind of item and is then cut
/// off past its lease; instance B takes the item over, and Telegram makes
/// B wait 12 s (429). A comes back meanwhile and finds the item pending
/// but B's: it leaves it alone. (Read as «cancelled», A would mark it
/// failed, and B, confirming again after its wait, would never send it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyed_item_taken_over_while_its_holder_was_cut_off_is_sent_once() {
    if postgres_url().is_none() {
        return;
    }
    let app = TestApp::start(Backend::Postgres).await;
    app.user(1, "Оля", Some("ru"));
    app.fake.fail_next(1, "sendMessage", Failure::Server);
    app.fake.fail_next(1, "sendMessage", Failure::TooManyRequests { retry_after: 12 });
    let now = app.clock.now();
    let item = NewItem::of(1, Priority::Reminder, &SendMessage::new(ChatId(1), "⏰ через час"));
    let mut tx = app.db.begin().await.expect("begin");
    tx.enqueue(&[item.keyed("test:keyed")], "test", chrono::Duration::seconds(-1), now)
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
    app.clock.advance(chrono::Duration::zero());
    wait_until("A met the 500", || app.fake.rejected().iter().any(|r| r.1 == 500)).await;
    // A is cut off for 4 s (its retries back off past it, within 8 s).
    app.db.simulate_outage(Duration::from_secs(4));
    app.clock.advance(chrono::Duration::seconds(60));
    let (second, stop_second) = second_instance(&app);
    wait_until("B met the 429", || app.fake.rejected().iter().any(|r| r.1 == 429)).await;
    let got = || app.fake.sent_to(1).iter().filter(|s| s.text() == "⏰ через час").count();
    wait_until("the reminder arrives after B's wait", || got() > 0).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.outbox_drained().await;
    assert_eq!(got(), 1, "sent once, by B");
    let status = "SELECT COUNT(*) FROM outbox WHERE key = 'test:keyed' AND state = 'sent'";
    assert_eq!(app.count(status).await, 1, "recorded as sent");
    stop_second.cancel();
    second.await.expect("no panic").expect("stops cleanly");
    app.stop().await;
}
