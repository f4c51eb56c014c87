//! Updates are handled once, in order per chat.

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(a_repeated_update_is_handled_once, a_chat_is_answered_in_order);

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
