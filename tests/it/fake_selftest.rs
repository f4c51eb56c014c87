//! Self-tests of the fake Telegram API, driven through a real `teloxide::Bot`
//! so that every response shape the fake produces is proven parseable.

use std::io::Cursor;

use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, BotCommandScope, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MediaKind,
    MessageEntityKind, MessageId, MessageKind, ParseMode, Recipient, UpdateKind,
};
use teloxide::{ApiError, RequestError};

use crate::fake_api::{Failure, FakeApi};

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
