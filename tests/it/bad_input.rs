//! Bad input gets a clear, localised answer and changes nothing.

use crate::fake_api::Failure;
use crate::helpers::*;
use crate::on_both_backends;
use talimger::db::ItemState;
use talimger::domain::Role;

on_both_backends!(
    unsupported_messages_are_answered,
    forged_and_stale_buttons_change_nothing,
    cancel_leaves_any_flow,
    a_message_telegram_refuses_is_recorded_not_retried,
    flood_control_is_waited_out,
);

async fn unsupported_messages_are_answered(backend: Backend) {
    let app = TestApp::start(backend).await;
    let user = app.user(1, "Оля", Some("ru"));
    let unknown = app.send(&user, "/frobnicate").await;
    assert_eq!(
        texts(&unknown),
        "Такой команды нет, поэтому сообщение никому не доставлено. Что я умею — в /help."
    );

    let since = app.fake.last_seq();
    let sticker = app.fake.push_sticker(&user);
    assert!(
        texts(&app.handled(sticker, since).await)
            .contains("пока не принимаю, поэтому это сообщение никому не доставлено")
    );
    let since = app.fake.last_seq();
    let location = app.fake.push_location(&user);
    assert!(
        texts(&app.handled(location, since).await)
            .contains("пока не принимаю, поэтому это сообщение никому не доставлено")
    );

    let since = app.fake.last_seq();
    let first = app.fake.push_text(&user, "привет");
    let replies = app.handled(first, since).await;
    replies.says("Вы ещё не в программе"); // a newcomer is told how to join
    let since = app.fake.last_seq();
    let edit = app.fake.push_edited_text(&user, 1, "привет!!!");
    app.handled(edit, since).await.says("Отправьте исправленный текст новым сообщением");

    let long = "ы".repeat(5000);
    let replies = app.send(&user, &long).await;
    replies.says("Вы ещё не в программе"); // an overlong text is answered, not fatal
    let mentor = app.mentor(10, "Айгүл", "ru", "№5 мектеп").await;
    // A mentor's stray text: how to answer, and that it went nowhere.
    let replies = app.send(&mentor, "привет").await;
    let text = texts(&replies);
    text.says("никому не доставлено").says("/questions");
    assert_eq!(app.role_of(1).await, None);
    assert!(app.fake.rejected().is_empty(), "nothing the bot sent was refused: {:?}", app.fake.rejected());
    app.stop().await;
}

const STALE: &str =
    "Эта кнопка больше не действует, ничего не изменилось. Если нужно, отправьте команду ещё раз.";

async fn forged_and_stale_buttons_change_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mentor = app.mentor(10, "Айгүл", "ru", "№5 мектеп").await;
    let hello = app.send(&mentor, "/help").await;
    let message = hello.last().expect("a message").clone();
    for data in ["i:s", "u:30", "d:7", "S:1", "D:1", "garbage", "i:c", "i:m"] {
        let replies = app.press(&mentor, &message, data).await;
        assert_eq!(texts(&replies), STALE, "{data}");
    }
    let invites = app.count("SELECT COUNT(*) FROM invites").await;
    assert_eq!(invites, 1, "only the mentor's own invite exists");

    // A student pressing a mentor's button is refused as well.
    let link = app
        .invite_link(
            talimger::domain::invite::InviteTarget::Student { mentor: talimger::domain::UserId(10) },
            None,
            None,
            1,
        )
        .await;
    let student = app.user(20, "Ерлан", Some("ru"));
    let joined = app.open_link(&student, &link).await;
    let forged = app.press(&student, joined.last().expect("message"), "i:k").await;
    assert_eq!(texts(&forged), STALE);
    assert_eq!(app.role_of(20).await, Some(Role::Student));
    app.stop().await;
}

async fn cancel_leaves_any_flow(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mentor = app.mentor(10, "Айгүл", "ru", "№5 мектеп").await;
    let nothing = app.send(&mentor, "/cancel").await;
    assert_eq!(texts(&nothing), "Отменять нечего.");

    let menu = with_buttons(&app.send(&mentor, "/invite").await);
    let ask = with_buttons(&app.press_button(&mentor, &menu, "Весь класс").await);
    let cancelled = app.send(&mentor, "/cancel").await;
    assert_eq!(texts(&cancelled), "Отменено.");
    // The flow is gone: a number is no longer an answer, its buttons are stale.
    let after = app.send(&mentor, "30").await;
    after.says("никому не доставлено");
    let stale = app.press_button(&mentor, &ask, "30").await;
    assert_eq!(texts(&stale), STALE);
    app.stop().await;
}

async fn a_message_telegram_refuses_is_recorded_not_retried(backend: Backend) {
    let app = TestApp::start(backend).await;
    let user = app.user(1, "Оля", Some("ru"));
    app.fake.fail_next(1, "sendMessage", Failure::BadRequest("Bad Request: something internal broke".into()));
    let replies = app.send(&user, "/help").await;
    assert!(messages(&replies).is_empty(), "nothing arrived: {replies:?}");
    let failed = app.db.outbox_items(ItemState::Failed).await.expect("q");
    assert_eq!(failed.len(), 1, "{failed:?}");
    let status = app.db.outbox_status(failed[0].0).await.expect("q").expect("the item");
    assert_eq!(status.error.as_deref(), Some("Bad Request: something internal broke"));
    assert_eq!(status.attempts, 1, "a 400 is not retried");
    // The next message works as usual.
    let help = app.send(&user, "/help").await;
    help.says("Команды:");
    app.stop().await;
}

async fn flood_control_is_waited_out(backend: Backend) {
    let app = TestApp::start(backend).await;
    let user = app.user(1, "Оля", Some("ru"));
    app.fake.fail_next(1, "sendMessage", Failure::TooManyRequests { retry_after: 1 });
    let replies = app.send(&user, "/help").await;
    replies.says("Что я умею"); // answered after the wait
    replies.never_says("Извините"); // no apology
    let refused = app.fake.rejected();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].1, 429);
    app.stop().await;
}
