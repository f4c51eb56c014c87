//! Self-tests of the fake Telegram API, driven through a real `teloxide::Bot`
//! so that every response shape the fake produces is proven parseable.

use std::io::Cursor;

use std::time::Duration;
use teloxide::prelude::*;

use serde_json::json;
use teloxide::types::{
    BotCommand, BotCommandScope, InlineKeyboardButton, InlineKeyboardMarkup, InputFile,
    MaybeInaccessibleMessage, MediaKind, MessageEntityKind, MessageId, MessageKind, ParseMode, Recipient,
    UpdateKind,
};
use teloxide::{ApiError, RequestError};
use tokio::time::Instant;

use crate::fake_api::{Failure, FakeApi, Limits};

fn bot(fake: &FakeApi) -> Bot {
    Bot::new(FakeApi::TOKEN).set_api_url(reqwest::Url::parse(&fake.url()).unwrap())
}

fn api_err<T: std::fmt::Debug>(r: Result<T, RequestError>) -> ApiError {
    match r {
        Err(RequestError::Api(e)) => e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn fake_get_me_and_tokens() {
    let fake = FakeApi::start().await;
    let me = bot(&fake).get_me().await.unwrap();
    assert_eq!(me.id, UserId(999_000));
    assert_eq!(me.username(), FakeApi::BOT_USERNAME);
    assert_eq!(me.first_name, "Tälimger");
    assert!(me.is_bot && !me.can_join_groups);

    let wrong = Bot::new("1:wrong").set_api_url(reqwest::Url::parse(&fake.url()).unwrap());
    assert_eq!(api_err(wrong.get_me().await), ApiError::InvalidToken);
    let resp = reqwest::get(format!("{}bot{}/noSuchMethod", fake.url(), FakeApi::TOKEN)).await.unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error_code"], 404);
    let statuses: Vec<u16> = fake.rejected().iter().map(|r| r.1).collect();
    assert_eq!(statuses, [401, 404]);
}

#[tokio::test]
async fn fake_send_message_checks_chat_and_length() {
    let fake = FakeApi::start().await;
    let bot = bot(&fake);
    let u = fake.add_user(42, "Aigerim", Some("kk"));
    fake.add_user(43, "Blocker", None);
    fake.block(43);

    assert_eq!(api_err(bot.send_message(ChatId(7), "hi").await), ApiError::ChatNotFound);
    assert_eq!(api_err(bot.send_message(ChatId(43), "hi").await), ApiError::BotBlocked);
    assert_eq!(api_err(bot.send_message(ChatId(42), " ").await), ApiError::MessageTextIsEmpty);
    assert_eq!(api_err(bot.send_message(ChatId(42), "a".repeat(4097)).await), ApiError::MessageIsTooLong);
    // 2049 emoji are 4098 UTF-16 code units.
    assert_eq!(api_err(bot.send_message(ChatId(42), "😀".repeat(2049)).await), ApiError::MessageIsTooLong);
    let codes: Vec<u16> = fake.rejected().iter().map(|r| r.1).collect();
    assert_eq!(codes, [400, 403, 400, 400, 400]);

    let m = bot.send_message(ChatId(u.id), "b".repeat(4096)).await.unwrap();
    assert_eq!(m.id, MessageId(1));
    assert_eq!(m.text().map(str::len), Some(4096));
    let html = bot.send_message(ChatId(42), "<b>hi</b> &lt;3").parse_mode(ParseMode::Html).await.unwrap();
    assert_eq!(html.text(), Some("hi <3"));
    let broken = bot.send_message(ChatId(42), "<b>Ali <Veli></b>").parse_mode(ParseMode::Html).await;
    assert!(matches!(api_err(broken), ApiError::CantParseEntities(_)));
    let md = bot.send_message(ChatId(42), "1. item").parse_mode(ParseMode::MarkdownV2).await;
    assert!(matches!(api_err(md), ApiError::CantParseEntities(_)));
    #[allow(deprecated)]
    let legacy = bot.send_message(ChatId(42), "Hi aigerim_k").parse_mode(ParseMode::Markdown).await;
    assert!(matches!(api_err(legacy), ApiError::CantParseEntities(_)));

    let sent = fake.sent_to(42);
    assert_eq!(sent.len(), 2);
    assert_eq!((sent[0].method.as_str(), sent[0].message_id), ("sendMessage", Some(1)));
    assert_eq!(sent[1].text(), "<b>hi</b> &lt;3");
    assert!(fake.violations().is_empty());
    bot.send_message(ChatId(42), "Hello \u{2068}Aigerim\u{2069}").await.unwrap();
    assert_eq!(fake.violations().len(), 1);
}

#[tokio::test]
async fn fake_keyboards_callbacks_edits_and_deletes() {
    let fake = FakeApi::start().await;
    let bot = bot(&fake);
    let u = fake.add_user(42, "Aigerim", None);
    let kb = |data: &str| InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Yes", data)]]);

    let long = bot.send_message(ChatId(42), "q").reply_markup(kb(&"x".repeat(65))).await;
    assert_eq!(api_err(long), ApiError::ButtonDataInvalid);
    let m = bot.send_message(ChatId(42), "q").reply_markup(kb(&"x".repeat(64))).await.unwrap();
    let url_kb =
        InlineKeyboardMarkup::new([[InlineKeyboardButton::url("Site", "ftp://x.kz".parse().unwrap())]]);
    let bad_url = bot.send_message(ChatId(42), "q").reply_markup(url_kb).await;
    assert_eq!(api_err(bad_url), ApiError::ButtonUrlInvalid);

    let sent = fake.sent().pop().unwrap();
    assert_eq!(sent.button_texts(), ["Yes"]);
    assert_eq!(sent.button_data("Ye"), Some("x".repeat(64)));

    // A callback press arrives with the bot's message attached.
    fake.push_callback(&u, m.id.0.into(), "x");
    let updates = bot.get_updates().await.unwrap();
    let UpdateKind::CallbackQuery(q) = &updates[0].kind else { panic!("{updates:?}") };
    assert_eq!(q.regular_message().map(|m| m.id), Some(m.id));
    bot.answer_callback_query(q.id.clone()).text("Saved").await.unwrap();
    let again = bot.answer_callback_query(q.id.clone()).await;
    assert_eq!(api_err(again), ApiError::InvalidQueryId);
    let answer = fake.sent().pop().unwrap();
    assert_eq!((answer.chat_id, answer.text(), answer.message_id), (42, "Saved", Some(m.id.0.into())));

    // Edits: unchanged content is rejected, a real change is stored.
    let same = bot.edit_message_text(ChatId(42), m.id, "q").reply_markup(kb(&"x".repeat(64))).await;
    assert_eq!(api_err(same), ApiError::MessageNotModified);
    let edited = bot.edit_message_text(ChatId(42), m.id, "done").await.unwrap();
    assert_eq!(edited.text(), Some("done"));
    let now = fake.message(42, m.id.0.into()).unwrap();
    assert_eq!((now.text(), now.buttons.len()), ("done", 0));
    let missing = bot.edit_message_reply_markup(ChatId(42), MessageId(99)).await;
    assert_eq!(api_err(missing), ApiError::MessageToEditNotFound);

    bot.delete_message(ChatId(42), m.id).await.unwrap();
    assert_eq!(api_err(bot.delete_message(ChatId(42), m.id).await), ApiError::MessageToDeleteNotFound);
    assert!(fake.message(42, m.id.0.into()).is_none());
    let methods: Vec<String> = fake.sent().into_iter().map(|s| s.method).collect();
    assert_eq!(methods, ["sendMessage", "answerCallbackQuery", "editMessageText", "deleteMessage"]);
}

#[tokio::test]
async fn fake_failure_injection_and_flood_control() {
    let fake = FakeApi::start().await;
    let bot = bot(&fake);
    fake.add_user(42, "Aigerim", None);
    fake.add_user(43, "Dana", None);

    fake.fail_next(42, "sendMessage", Failure::TooManyRequests { retry_after: 30 });
    let r = bot.send_message(ChatId(42), "hi").await;
    assert!(matches!(r, Err(RequestError::RetryAfter(s)) if s.seconds() == 30), "{r:?}");
    // Strict flood control: sending again inside the window is refused again.
    let r = bot.send_message(ChatId(42), "hi").await;
    assert!(matches!(r, Err(RequestError::RetryAfter(s)) if s.seconds() >= 29), "{r:?}");
    // Other chats are unaffected; rate_limit_for applies to any sending method.
    fake.rate_limit_for(43, 5);
    assert!(matches!(bot.send_message(ChatId(43), "x").await, Err(RequestError::RetryAfter(_))));

    fake.fail_next(0, "getMe", Failure::BadRequest("Bad Request: chat not found".into()));
    assert_eq!(api_err(bot.get_me().await), ApiError::ChatNotFound);
    bot.get_me().await.unwrap();
    assert_eq!(fake.rejected().iter().filter(|r| r.1 == 429).count(), 3);
    assert!(fake.sent().is_empty());
}

#[tokio::test]
async fn fake_get_updates_offsets_duplicates_and_long_poll() {
    let fake = FakeApi::start().await;
    let bot = bot(&fake);
    let u = fake.add_user(42, "Aigerim", Some("ru"));
    let first = fake.push_text(&u, "/start abc");
    assert_eq!(first, 1000);
    fake.push_text(&u, "hello");
    fake.push_sticker(&u);
    fake.push_location(&u);
    fake.push_photo(&u, Some("caption"));
    fake.push_edited_text(&u, 2, "hello!");

    let ups = bot.get_updates().limit(2).await.unwrap();
    assert_eq!(ups.len(), 2);
    let UpdateKind::Message(m) = &ups[0].kind else { panic!("{ups:?}") };
    assert_eq!(m.text(), Some("/start abc"));
    assert_eq!(m.from.as_ref().and_then(|f| f.language_code.as_deref()), Some("ru"));
    let e = &m.entities().unwrap()[0];
    assert_eq!((&e.kind, e.offset, e.length), (&MessageEntityKind::BotCommand, 0, 6));
    // Without an offset nothing is confirmed: the same updates come again.
    let all = bot.get_updates().await.unwrap();
    assert_eq!(all.len(), 6);
    assert!(all.iter().all(|u| !matches!(u.kind, UpdateKind::Error(_))), "{all:?}");
    let UpdateKind::Message(sticker) = &all[2].kind else { panic!("{all:?}") };
    let MessageKind::Common(c) = &sticker.kind else { panic!("{sticker:?}") };
    assert!(matches!(c.media_kind, MediaKind::Sticker(_)));
    assert!(matches!(all[5].kind, UpdateKind::EditedMessage(_)));

    let next = all.last().unwrap().id.as_offset();
    assert!(bot.get_updates().offset(next).timeout(0).await.unwrap().is_empty());
    assert_eq!((fake.acked_offset(), fake.pending_updates()), (1006, 0));

    // A confirmed update can be re-delivered by Telegram.
    fake.push_duplicate(first);
    let dup = bot.get_updates().offset(next).await.unwrap();
    assert_eq!(dup.iter().map(|u| u.id.0).collect::<Vec<_>>(), [1000]);
    assert!(bot.get_updates().offset(next).await.unwrap().is_empty());

    // Long poll: a push wakes a waiting getUpdates immediately.
    let calls = fake.get_updates_calls();
    let poll = tokio::spawn(bot.get_updates().offset(next).timeout(10).send());
    while fake.get_updates_calls() == calls {
        tokio::task::yield_now().await;
    }
    let started = std::time::Instant::now();
    fake.push_text(&u, "wake up");
    let woke = poll.await.unwrap().unwrap();
    assert_eq!(woke.len(), 1);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[tokio::test]
async fn fake_photo_document_and_commands() {
    let fake = FakeApi::start().await;
    let bot = bot(&fake);
    fake.add_user(42, "Aigerim", None);

    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 6, y as u8 * 8, 128]));
    let mut png = Vec::new();
    img.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    let m = bot
        .send_photo(ChatId(42), InputFile::memory(png.clone()).file_name("qr.png"))
        .caption("Your QR")
        .reply_markup(InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Done", "done")]]))
        .await
        .unwrap();
    let sizes = m.photo().unwrap();
    assert_eq!((sizes.last().unwrap().width, sizes.last().unwrap().height), (40, 30));
    assert_eq!(m.caption(), Some("Your QR"));
    let s = fake.sent().pop().unwrap();
    assert_eq!((s.photo.as_deref(), s.file_name.as_deref()), (Some(&png[..]), Some("qr.png")));
    assert_eq!((s.text(), s.button_data("Done").as_deref()), ("Your QR", Some("done")));

    let junk = bot.send_photo(ChatId(42), InputFile::memory(&b"not an image"[..])).await;
    assert_eq!(api_err(junk), ApiError::ImageProcessFailed);
    let long = bot.send_photo(ChatId(42), InputFile::memory(png)).caption("c".repeat(1025)).await;
    assert!(matches!(api_err(long), ApiError::Unknown(d) if d.contains("caption is too long")));

    let d = bot
        .send_document(ChatId(42), InputFile::memory(&b"a,b\n1,2\n"[..]).file_name("report.csv"))
        .await
        .unwrap();
    assert_eq!(d.document().unwrap().file_name.as_deref(), Some("report.csv"));
    assert_eq!(fake.sent().pop().unwrap().document, Some(("report.csv".into(), b"a,b\n1,2\n".to_vec())));

    let cmds = [BotCommand::new("start", "Бастау"), BotCommand::new("help", "Көмек")];
    let chat_scope = BotCommandScope::Chat { chat_id: Recipient::Id(ChatId(42)) };
    bot.set_my_commands(cmds.clone()).language_code("kk").await.unwrap();
    bot.set_my_commands(cmds.clone()).scope(chat_scope.clone()).await.unwrap();
    let expected = vec![("start".to_owned(), "Бастау".to_owned()), ("help".to_owned(), "Көмек".to_owned())];
    assert_eq!(fake.commands("default", Some("kk")), Some(expected.clone()));
    assert_eq!(fake.commands("chat:42", None), Some(expected));
    assert_eq!(bot.get_my_commands().scope(chat_scope.clone()).await.unwrap(), cmds);
    bot.delete_my_commands().scope(chat_scope).await.unwrap();
    assert_eq!(fake.commands("chat:42", None), None);
    let bad = bot.set_my_commands([BotCommand::new("Start", "x")]).await;
    assert!(matches!(api_err(bad), ApiError::Unknown(d) if d.ends_with("BOT_COMMAND_INVALID")));
    let unknown_chat = BotCommandScope::Chat { chat_id: Recipient::Id(ChatId(5)) };
    let r = bot.set_my_commands(cmds).scope(unknown_chat).await;
    assert_eq!(api_err(r), ApiError::ChatNotFound);
}

#[tokio::test]
async fn fake_serves_a_real_dispatcher() {
    let fake = FakeApi::start().await;
    let u = fake.add_user(42, "Aigerim", None);
    let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
        bot.send_message(msg.chat.id, format!("echo: {}", msg.text().unwrap_or("?"))).await?;
        respond(())
    });
    let mut dp = Dispatcher::builder(bot(&fake), handler).build();
    let shutdown = dp.shutdown_token();
    let task = tokio::spawn(async move { dp.dispatch().await });
    // The handler only asks for "message" updates, so Telegram drops the edit.
    fake.push_edited_text(&u, 1, "edited");
    fake.push_text(&u, "/start");
    while fake.sent().is_empty() {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let started = std::time::Instant::now();
    while shutdown.shutdown().is_err() {
        tokio::task::yield_now().await; // not yet running
    }
    task.await.unwrap();
    eprintln!("shutdown took {:?}; rejected {:?}", started.elapsed(), fake.rejected());
    assert_eq!(fake.sent().iter().map(|s| s.text().to_owned()).collect::<Vec<_>>(), ["echo: /start"]);
    assert_eq!(fake.pending_updates(), 0);
    assert!(fake.rejected().is_empty(), "{:?}", fake.rejected());
}

/// The seconds of a 429, or a panic naming what came instead.
fn retry_after<T: std::fmt::Debug>(r: Result<T, RequestError>) -> u32 {
    match r {
        Err(RequestError::RetryAfter(s)) => s.seconds(),
        other => panic!("expected 429 Too Many Requests, got {other:?}"),
    }
}

fn count_429(fake: &FakeApi) -> usize {
    fake.rejected().iter().filter(|r| r.1 == 429).count()
}

#[tokio::test]
async fn fake_per_chat_flood_control_allows_a_burst_then_one_a_second() {
    let fake = FakeApi::start().await;
    assert_eq!(fake.limits(), Limits::telegram(), "on by default");
    let bot = bot(&fake);
    fake.add_user(42, "Aigerim", None);
    fake.add_user(43, "Dana", None);

    let started = Instant::now();
    for i in 0..5 {
        bot.send_message(ChatId(42), format!("burst {i}")).await.expect("within the burst");
    }
    // The sixth is refused, in Telegram's words, and not applied.
    let url = format!("{}bot{}/sendMessage", fake.url(), FakeApi::TOKEN);
    let resp =
        reqwest::Client::new().post(&url).json(&json!({"chat_id": 42, "text": "six"})).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1}})
    );
    assert_eq!(fake.sent_to(42).len(), 5);
    assert!(fake.sent_to(42).iter().all(|s| s.text() != "six"));
    // Another chat has its own bucket.
    bot.send_message(ChatId(43), "hello").await.expect("another chat is not limited");

    // Sending again inside the window is refused again, however late in it.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(retry_after(bot.send_message(ChatId(42), "too early").await), 1);
    tokio::time::sleep_until(started + Duration::from_millis(1100)).await;
    bot.send_message(ChatId(42), "after the window").await.expect("a token came back");
    // One a second sustained: the next is refused at once.
    assert_eq!(retry_after(bot.send_message(ChatId(42), "too soon").await), 1);
    // Inside the window edits are refused too, but a button press can
    // still be answered: callback answers are not under flood control.
    let edit = bot.edit_message_text(ChatId(42), MessageId(1), "edited").await;
    assert_eq!(retry_after(edit), 1);
    let u = crate::fake_api::TgUser { id: 42, first_name: "Aigerim".into(), language_code: None };
    fake.push_callback_inaccessible(&u, 1, "x");
    let ups = bot.get_updates().await.unwrap();
    let UpdateKind::CallbackQuery(q) = &ups[0].kind else { panic!("{ups:?}") };
    bot.answer_callback_query(q.id.clone()).await.expect("not flood-controlled");

    let rejected = fake.rejected();
    assert_eq!(count_429(&fake), 4, "{rejected:?}");
    assert!(rejected.iter().all(|r| r.2.starts_with("Too Many Requests: retry after ")), "{rejected:?}");
    let sent = fake.sent_to(42).into_iter().filter(|s| s.method == "sendMessage");
    let texts: Vec<String> = sent.map(|s| s.text().to_owned()).collect();
    assert_eq!(texts, ["burst 0", "burst 1", "burst 2", "burst 3", "burst 4", "after the window"]);
    assert!(fake.sent_to(42)[5].at >= Duration::from_millis(1000), "{:?}", fake.sent_to(42)[5].at);
}

#[tokio::test]
async fn fake_refused_requests_use_no_token() {
    let fake = FakeApi::start().await;
    let bot = bot(&fake);
    fake.add_user(42, "Aigerim", None);
    for _ in 0..10 {
        assert_eq!(api_err(bot.send_message(ChatId(42), " ").await), ApiError::MessageTextIsEmpty);
    }
    for i in 0..5 {
        bot.send_message(ChatId(42), format!("ok {i}")).await.expect("the burst is intact");
    }
    assert_eq!(count_429(&fake), 0);
}

#[tokio::test]
async fn fake_overall_flood_control_stops_the_whole_bot() {
    let fake = FakeApi::start().await;
    let bot = bot(&fake);
    for id in 1..=45 {
        fake.add_user(id, &format!("User {id}"), None);
    }
    // 40 chats at once: one message each is within every chat's limit, but
    // not within 30 a second overall.
    let sends = (1..=40).map(|id| {
        let bot = bot.clone();
        async move { bot.send_message(ChatId(id), "notice").await }
    });
    let results = futures::future::join_all(sends).await;
    let passed = results.iter().filter(|r| r.is_ok()).count();
    assert!((30..=31).contains(&passed), "30 a second overall (and what refilled meanwhile): {passed}");
    for r in results.into_iter().filter(|r| r.is_err()) {
        assert_eq!(retry_after(r), 1);
    }
    // The window holds for every chat, even one that sent nothing yet.
    assert_eq!(retry_after(bot.send_message(ChatId(45), "fresh chat").await), 1);
    assert_eq!(fake.sent().len(), passed, "refused requests are not applied");
    assert_eq!(count_429(&fake), 40 - passed + 1);
    tokio::time::sleep(Duration::from_millis(1050)).await;
    bot.send_message(ChatId(45), "after the window").await.expect("the bot may send again");
    // Methods outside flood control are not held by it.
    bot.get_me().await.expect("getMe is not a send");
}

#[tokio::test]
async fn fake_limits_are_configurable() {
    let fake = FakeApi::start().await;
    let bot = bot(&fake);
    fake.add_user(42, "Aigerim", None);
    fake.add_user(43, "Dana", None);

    // Half a message a second, no burst: the second waits two seconds.
    fake.set_limits(Limits { global_per_sec: 100, chat_per_sec: 0.5, chat_burst: 1 });
    let one = bot.send_message(ChatId(42), "one").await.unwrap();
    assert_eq!(retry_after(bot.send_message(ChatId(42), "two").await), 2);
    // Edits and deletions take tokens too (the buckets start full again).
    fake.set_limits(Limits { global_per_sec: 100, chat_per_sec: 0.5, chat_burst: 2 });
    bot.edit_message_text(ChatId(43), one.id, "x").await.expect_err("not a message in chat 43");
    let m = bot.send_message(ChatId(43), "first").await.unwrap();
    bot.edit_message_text(ChatId(43), m.id, "edited").await.expect("the second token");
    assert_eq!(retry_after(bot.delete_message(ChatId(43), m.id).await), 2);

    // A small overall limit: the fourth message, to any chat, is refused.
    fake.set_limits(Limits { global_per_sec: 3, chat_per_sec: 0.0, chat_burst: 0 });
    // (Chats 42 and 43 are still inside their 429 windows: use another.)
    fake.add_user(44, "Erlan", None);
    for _ in 0..3 {
        bot.send_message(ChatId(44), "x").await.expect("within 3 a second");
    }
    assert_eq!(retry_after(bot.send_message(ChatId(44), "fourth").await), 1);

    // No limits: a hundred messages to one chat at once all pass.
    let fake = FakeApi::start().await;
    let bot = self::bot(&fake);
    fake.add_user(42, "Aigerim", None);
    fake.set_limits(Limits::none());
    for i in 0..100 {
        bot.send_message(ChatId(42), format!("{i}")).await.expect("unlimited");
    }
    assert!(fake.rejected().is_empty(), "{:?}", fake.rejected());
    // The injected failures work with the limits off, too.
    fake.rate_limit_for(42, 7);
    assert_eq!(retry_after(bot.send_message(ChatId(42), "x").await), 7);
    // (Not Failure::Server here: teloxide sleeps 10 s on any 5xx answer.)
    // A queued failure comes first, even inside a 429 window.
    fake.fail_next(42, "sendMessage", Failure::BadRequest("Bad Request: chat not found".into()));
    assert_eq!(api_err(bot.send_message(ChatId(42), "x").await), ApiError::ChatNotFound);
    assert!(retry_after(bot.send_message(ChatId(42), "x").await) >= 6);
    let codes: Vec<u16> = fake.rejected().iter().map(|r| r.1).collect();
    assert_eq!(codes, [429, 400, 429]);
}

#[tokio::test]
async fn fake_raw_updates_and_more_kinds_of_message() {
    let fake = FakeApi::start().await;
    let bot = bot(&fake);
    let u = fake.add_user(42, "Aigerim", Some("kk"));
    // A body teloxide cannot parse still arrives, with the id the fake gave it.
    let broken =
        fake.push_raw(json!({"update_id": 1, "message": {"message_id": "not a number", "chat": 42}}));
    let future = fake.push_raw(json!({"some_future_kind": {"id": 7}}));
    let contact = fake.push_contact(&u, "+77001234567");
    let photo = fake.push_photo(&u, Some("/START ABC123"));
    let album = fake.push_album(&u, 3, Some("our class"));
    let gone = fake.push_callback_inaccessible(&u, 77, "i:s");
    assert_eq!((broken, future, contact, photo), (1000, 1001, 1002, 1003));
    assert_eq!((album, gone), (vec![1004, 1005, 1006], 1007));

    let ups = bot.get_updates().await.unwrap();
    let ids: Vec<i32> = ups.iter().map(|u| u.id.0 as i32).collect();
    assert_eq!(ids, [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007]);
    assert!(matches!(ups[0].kind, UpdateKind::Error(_)), "{:?}", ups[0]);
    assert!(matches!(ups[1].kind, UpdateKind::Error(_)), "{:?}", ups[1]);

    let UpdateKind::Message(m) = &ups[2].kind else { panic!("{:?}", ups[2]) };
    let card = m.contact().expect("a contact");
    assert_eq!((card.phone_number.as_str(), card.user_id.map(|id| id.0)), ("+77001234567", Some(42)));

    let UpdateKind::Message(m) = &ups[3].kind else { panic!("{:?}", ups[3]) };
    assert_eq!(m.caption(), Some("/START ABC123"));
    let e = &m.caption_entities().expect("entities")[0];
    assert_eq!((&e.kind, e.offset, e.length), (&MessageEntityKind::BotCommand, 0, 6));

    let group: Vec<_> = ups[4..7]
        .iter()
        .map(|u| match &u.kind {
            UpdateKind::Message(m) => (m.media_group_id().cloned(), m.caption().map(str::to_owned)),
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(group[0].0.is_some() && group.iter().all(|g| g.0 == group[0].0), "{group:?}");
    let captions: Vec<_> = group.iter().map(|g| g.1.as_deref()).collect();
    assert_eq!(captions, [Some("our class"), None, None]);

    let UpdateKind::CallbackQuery(q) = &ups[7].kind else { panic!("{:?}", ups[7]) };
    let Some(MaybeInaccessibleMessage::Inaccessible(msg)) = &q.message else { panic!("{q:?}") };
    assert_eq!((msg.chat.id, msg.message_id), (ChatId(42), MessageId(77)));
    assert_eq!(q.data.as_deref(), Some("i:s"));
    bot.answer_callback_query(q.id.clone()).await.expect("the press can be answered");
    assert_eq!(
        fake.sent().pop().map(|s| (s.method, s.message_id)),
        Some(("answerCallbackQuery".into(), Some(77)))
    );

    // A kind the bot did not ask for is dropped, as Telegram does.
    let next = ups.last().unwrap().id.as_offset();
    fake.push_raw(json!({"some_future_kind": {"id": 8}}));
    let text = fake.push_text(&u, "hi");
    let later =
        bot.get_updates().offset(next).allowed_updates([teloxide::types::AllowedUpdate::Message]).await;
    assert_eq!(later.unwrap().iter().map(|u| u.id.0 as i64).collect::<Vec<_>>(), [text]);
}
