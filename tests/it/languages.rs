//! Languages: taken from Telegram on first contact, asked when neither
//! Kazakh nor Russian, switched with /language; menus per role and language.

use crate::helpers::*;
use crate::on_both_backends;
use talimger::domain::invite::InviteTarget;
use talimger::domain::{Lang, UserId};

on_both_backends!(
    the_client_language_is_used_on_first_contact,
    another_language_is_asked_and_an_opened_invite_waits,
    language_switches_with_its_menu,
    menus_are_set_per_language_for_newcomers,
);

async fn the_client_language_is_used_on_first_contact(backend: Backend) {
    let app = TestApp::start(backend).await;
    let kk = app.user(1, "Әлия", Some("kk"));
    let ru = app.user(2, "Оля", Some("ru-RU"));
    let hello = app.send(&kk, "/start").await;
    hello.says("Сәлеметсіз бе!");
    let hello = app.send(&ru, "/start").await;
    hello.says("Здравствуйте!");
    hello.says("ссылку-приглашение"); // explains how to join
    let stored = app.db.user(UserId(1)).await.expect("q").and_then(|u| u.language);
    assert_eq!(stored, Some(Lang::Kk));
    app.stop().await;
}

async fn another_language_is_asked_and_an_opened_invite_waits(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.mentor(10, "Айгүл", "kk", "№5 мектеп").await;
    let link = app.invite_link(InviteTarget::Student { mentor: UserId(10) }, None, None, 1).await;
    let student = app.user(20, "Tom", Some("en"));
    let asked = app.open_link(&student, &link).await;
    let question = with_buttons(&asked);
    assert_eq!(question.text(), "Тілді таңдаңыз / Выберите язык:");
    assert_eq!(question.button_texts(), vec!["Қазақша", "Русский"]);
    assert_eq!(app.role_of(20).await, None, "nothing happens before the choice");

    // Any message before the choice gets the question again.
    let again = app.send(&student, "hello").await;
    assert_eq!(with_buttons(&again).text(), "Тілді таңдаңыз / Выберите язык:");

    let chosen = app.press_button(&student, &question, "Русский").await;
    chosen.says("Хорошо, теперь общаемся по-русски.");
    chosen.says("Ваш ментор: Айгүл"); // the invite opened before is redeemed
    assert_eq!(app.db.user(UserId(20)).await.expect("q").and_then(|u| u.language), Some(Lang::Ru));
    app.stop().await;
}

async fn language_switches_with_its_menu(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mentor = app.mentor(10, "Айгүл", "ru", "№5 мектеп").await;
    let ru_menu = app.fake.commands("chat:10", None).expect("menu");
    assert!(ru_menu.iter().any(|(c, d)| c == "invite" && d == "Пригласить учеников"), "{ru_menu:?}");

    let buttons = with_buttons(&app.send(&mentor, "/language").await);
    assert_eq!(buttons.text(), "На каком языке общаемся?");
    let switched = app.press_button(&mentor, &buttons, "Қазақша").await;
    switched.says("Жақсы, енді қазақша сөйлесеміз.");
    let kk_menu = app.fake.commands("chat:10", None).expect("menu");
    assert!(kk_menu.iter().any(|(c, d)| c == "invite" && d == "Оқушы шақыру"), "{kk_menu:?}");
    let help = app.send(&mentor, "/help").await;
    help.says("Тәлімгерге арналған командалар:");
    help.says("/invite — Оқушы шақыру");

    // A second press of the same button changes nothing and sends nothing.
    let repeat = app.press_button(&mentor, &buttons, "Қазақша").await;
    assert!(messages(&repeat).is_empty(), "{repeat:?}");
    app.stop().await;
}

async fn menus_are_set_per_language_for_newcomers(backend: Backend) {
    let app = TestApp::start(backend).await;
    wait_until("menus are set", || app.fake.commands("default", None).is_some()).await;
    let kk = app.fake.commands("default", Some("kk")).expect("Kazakh menu");
    let ru = app.fake.commands("default", Some("ru")).expect("Russian menu");
    let any = app.fake.commands("default", None).expect("menu for other languages");
    let names = |m: &Vec<(String, String)>| m.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>();
    assert_eq!(names(&kk), vec!["start", "privacy", "deleteme", "help", "language"]);
    assert_eq!(names(&ru), names(&kk));
    assert!(ru.contains(&("help".to_owned(), "Что я умею".to_owned())), "{ru:?}");
    assert!(kk.contains(&("language".to_owned(), "Тілді ауыстыру".to_owned())), "{kk:?}");
    assert!(any[0].1.contains(" / "), "both languages for everyone else: {any:?}");
    app.stop().await;
}
