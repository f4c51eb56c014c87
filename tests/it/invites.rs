//! Invites and joining: every role's path into the programme, and every
//! way an invite can fail (each changes nothing).

use crate::helpers::*;
use crate::on_both_backends;
use talimger::domain::invite::InviteTarget;
use talimger::domain::{Role, UserId};

on_both_backends!(
    mentor_invites_one_student_who_joins,
    a_class_link_stops_at_its_limit,
    a_student_invites_a_parent_who_joins,
    a_parent_links_two_children,
    bad_invites_change_nothing,
    a_coordinator_invites_a_mentor_in_the_bot,
    a_coordinator_invites_a_coordinator,
    a_flow_survives_a_restart,
);

async fn a_flow_survives_a_restart(backend: Backend) {
    let mut app = TestApp::start(backend).await;
    let mentor = app.mentor(10, "Айгүл", "kk", "№5 мектеп").await;
    let menu = with_buttons(&app.send(&mentor, "/invite").await);
    let ask = app.press_button(&mentor, &menu, "Бүкіл сыныпты").await;
    ask.says("неше оқушы");
    app.restart().await;
    let days = with_buttons(&app.send(&mentor, "12").await);
    assert!(days.text().contains("неше күн"), "the flow goes on after the restart: {}", days.text());
    let issued = app.press_button(&mentor, &days, "3 күн").await;
    issued.says("Сынып сілтемесі: 12 оқушыға дейін, 3 күн жарамды.");
    app.stop().await;
}

async fn mentor_invites_one_student_who_joins(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mentor = app.mentor(10, "Айгүл Сериковна", "ru", "№5 мектеп-гимназия").await;

    let menu = app.send(&mentor, "/invite").await;
    menu.says("Кого пригласить?");
    let menu = with_buttons(&menu);
    assert_eq!(menu.button_texts(), vec!["Одного ученика", "Весь класс"]);

    let issued = app.press_button(&mentor, &menu, "Одного ученика").await;
    let link = link_in(&issued);
    issued.says("Одноразовая, действует 7 дней");
    assert_eq!(qr_of(&issued), link, "the QR code carries the same link");
    let photo = issued.iter().find(|s| s.photo.is_some()).expect("a QR code photo");
    assert_eq!(photo.file_name.as_deref(), Some("приглашение.png"));

    // Pressing the same menu button again issues nothing new.
    let again = app.press_button(&mentor, &menu, "Одного ученика").await;
    again.says("больше не действует");
    assert!(messages(&again).is_empty());

    let student = app.user(20, "Ерлан", Some("kk"));
    let joined = app.open_link(&student, &link).await;
    joined.says("Тәлімгеріңіз: Айгүл Сериковна");
    joined.says("/invite"); // what a student can do
    assert_eq!(app.role_of(20).await, Some(Role::Student));
    let mentor_of = app.db.mentor_of(UserId(20)).await.expect("query").expect("linked");
    assert_eq!(mentor_of.id, UserId(10));
    let menu = app.fake.commands("chat:20", None).expect("a chat menu for the student");
    assert!(menu.iter().any(|(c, d)| c == "invite" && d == "Ата-анаңызды шақыру"), "{menu:?}");

    // The link was for one person.
    let other = app.user(21, "Дана", Some("ru"));
    let refused = app.open_link(&other, &link).await;
    refused.says("Ссылка уже использована");
    assert_eq!(app.role_of(21).await, None);
    assert_eq!(app.db.mentee_count(UserId(10)).await.expect("count"), 1);

    // The same student opening the link again is told all is well.
    let twice = app.open_link(&student, &link).await;
    twice.says("қосылып қойғансыз");
    app.stop().await;
}

async fn a_class_link_stops_at_its_limit(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mentor = app.mentor(10, "Айгүл", "ru", "№5 мектеп").await;
    let menu = with_buttons(&app.send(&mentor, "/invite").await);
    let ask_uses = app.press_button(&mentor, &menu, "Весь класс").await;
    ask_uses.says("Сколько учеников");
    assert_eq!(with_buttons(&ask_uses).button_texts(), vec!["10", "20", "30", "40"]);

    // Typed numbers work too; nonsense is asked again.
    let bad = app.send(&mentor, "сто").await;
    bad.says("число от 1 до 100");
    let ask_days = app.send(&mentor, "3").await;
    let days = with_buttons(&ask_days);
    assert_eq!(days.button_texts(), vec!["1 день", "3 дня", "7 дней", "14 дней"]);
    let issued = app.press_button(&mentor, &days, "7 дней").await;
    issued.says("Ссылка для класса: до 3 учеников, действует 7 дней.");
    let link = link_in(&issued);
    assert_eq!(qr_of(&issued), link);

    for id in 30..33 {
        let student = app.user(id, &format!("Оқушы {id}"), Some("kk"));
        let joined = app.open_link(&student, &link).await;
        joined.says("Тәлімгеріңіз: Айгүл");
    }
    let late = app.user(33, "Кеш", Some("kk"));
    let refused = app.open_link(&late, &link).await;
    refused.says("қолданылып қойған немесе орын қалмаған");
    assert_eq!(app.role_of(33).await, None);
    assert_eq!(app.db.mentee_count(UserId(10)).await.expect("count"), 3);

    // The one-line form makes the same kind of link.
    let quick = app.send(&mentor, "/invite class 25 1").await;
    quick.says("до 25 учеников, действует 1 день");
    let out_of_range = app.send(&mentor, "/invite class 500 1").await;
    out_of_range.says("от 1 до 100");
    app.stop().await;
}

async fn a_student_invites_a_parent_who_joins(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.mentor(10, "Айгүл", "ru", "№5 мектеп").await;
    let link = app.invite_link(InviteTarget::Student { mentor: UserId(10) }, None, None, 1).await;
    let student = app.user(20, "Ерлан", Some("kk"));
    app.open_link(&student, &link).await;

    let issued = app.send(&student, "/invite").await;
    let parent_link = link_in(&issued);
    issued.says("Анаңызға, әкеңізге немесе қамқоршыңызға арналған");
    assert_eq!(qr_of(&issued), parent_link);

    // The student cannot use it themselves.
    let own = app.open_link(&student, &parent_link).await;
    own.says("сізге емес, анаңызға, әкеңізге немесе қамқоршыңызға арналған");
    assert_eq!(app.role_of(20).await, Some(Role::Student));

    let parent = app.user(40, "Сәуле", Some("ru"));
    let joined = app.open_link(&parent, &parent_link).await;
    joined.says("Ваш ребёнок: Ерлан");
    assert_eq!(app.role_of(40).await, Some(Role::Parent));
    assert_eq!(app.db.parents_of(UserId(20)).await.expect("query"), vec![UserId(40)]);
    let menu = app.fake.commands("chat:40", None).expect("parent's menu");
    assert!(!menu.iter().any(|(c, _)| c == "invite"), "a parent invites nobody: {menu:?}");
    let no = app.send(&parent, "/invite").await;
    no.says("Родители не могут отправлять приглашения");
    app.stop().await;
}

async fn a_parent_links_two_children(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.mentor(10, "Айгүл", "ru", "№5 мектеп").await;
    app.mentor(11, "Бауыржан", "ru", "№12 мектеп").await;
    let parent = app.user(40, "Сәуле", Some("ru"));
    for (student_id, name, mentor) in [(20, "Ерлан", 10), (21, "Дана", 11)] {
        let link = app.invite_link(InviteTarget::Student { mentor: UserId(mentor) }, None, None, 1).await;
        let student = app.user(student_id, name, Some("kk"));
        app.open_link(&student, &link).await;
        let parent_link = link_in(&app.send(&student, "/invite").await);
        let joined = app.open_link(&parent, &parent_link).await;
        joined.says(name);
    }
    app.sees(&parent).await.says("Теперь у вас в программе 2 ребёнка");
    let children: Vec<_> =
        app.db.children_of(UserId(parent.id)).await.expect("query").into_iter().map(|u| u.id).collect();
    assert_eq!(children, vec![UserId(20), UserId(21)]);
    app.stop().await;
}

async fn bad_invites_change_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.mentor(10, "Айгүл", "ru", "№5 мектеп").await;
    let guest = app.user(50, "Гость", Some("ru"));
    let cases = [
        ("/start abc$def", "неполная или скопирована с ошибкой"),
        (&format!("/start {}", "a".repeat(65)), "неполная или скопирована с ошибкой"),
        ("/start AAAAAAAAAAAAAAAAAAAAAA", "не найдено"),
    ];
    for (text, expected) in cases {
        let replies = app.send(&guest, text).await;
        replies.says(expected);
        assert_eq!(app.role_of(50).await, None, "{text} changed nothing");
    }

    let link = app.invite_link(InviteTarget::Student { mentor: UserId(10) }, None, None, 1).await;
    app.clock.advance(chrono::Duration::days(8));
    let expired = app.open_link(&guest, &link).await;
    expired.says("Срок действия этого приглашения истёк");
    assert_eq!(app.role_of(50).await, None);

    // Someone in another role cannot become a student.
    let fresh = app.invite_link(InviteTarget::Student { mentor: UserId(10) }, None, None, 1).await;
    let mentor = app.user(10, "Айгүл", Some("ru"));
    let refused = app.open_link(&mentor, &fresh).await;
    refused.says("Вы уже в программе (ваша роль: ментор)");
    assert_eq!(app.role_of(10).await, Some(Role::Mentor));

    // A student of one mentor cannot take another mentor's link.
    app.mentor(11, "Бауыржан", "ru", "№12 мектеп").await;
    let student = app.user(20, "Ерлан", Some("ru"));
    app.open_link(&student, &fresh).await;
    let other = app.invite_link(InviteTarget::Student { mentor: UserId(11) }, None, None, 1).await;
    let refused = app.open_link(&student, &other).await;
    refused.says("У вас уже есть ментор: Айгүл");
    assert_eq!(app.db.mentor_of(UserId(20)).await.expect("q").map(|m| m.id), Some(UserId(10)));
    app.stop().await;
}

async fn a_coordinator_invites_a_mentor_in_the_bot(backend: Backend) {
    let app = TestApp::start_with_admins(backend, &[5]).await;
    let coordinator = app.user(5, "Гүлнар", Some("kk"));
    let hello = app.send(&coordinator, "/start").await;
    hello.says("Рөліңіз: үйлестіруші");
    let menu = app.fake.commands("chat:5", None).expect("an admin gets a coordinator's menu");
    assert!(menu.iter().any(|(c, d)| c == "invite" && d == "Тәлімгер не үйлестіруші шақыру"), "{menu:?}");

    let menu = with_buttons(&app.send(&coordinator, "/invite").await);
    let ask = app.press_button(&coordinator, &menu, "Тәлімгерді").await;
    ask.says("қай ауданда");
    let ask_school = app.send(&coordinator, "  Талдықорған  ").await;
    ask_school.says("Талдықорған: мектептің атауын жазыңыз");
    let issued = app.send(&coordinator, "№5 мектеп-гимназия").await;
    issued.says("Мектеп: №5 мектеп-гимназия (Талдықорған)");
    let link = link_in(&issued);

    let mentor = app.user(10, "Айгүл", Some("ru"));
    let joined = app.open_link(&mentor, &link).await;
    joined.says("Теперь вы ментор. Школа: №5 мектеп-гимназия (Талдықорған).");

    // The next time, the district and the school are buttons.
    let menu = with_buttons(&app.send(&coordinator, "/invite").await);
    let districts = with_buttons(&app.press_button(&coordinator, &menu, "Тәлімгерді").await);
    let schools = with_buttons(&app.press_button(&coordinator, &districts, "Талдықорған").await);
    let issued = app.press_button(&coordinator, &schools, "№5 мектеп-гимназия").await;
    issued.says("Тәлімгерге арналған шақыру сілтемесі");
    // A button from the finished flow is stale now.
    let stale = app.press_button(&coordinator, &schools, "№5 мектеп-гимназия").await;
    stale.says("Бұл батырма енді жұмыс істемейді");
    app.stop().await;
}

async fn a_coordinator_invites_a_coordinator(backend: Backend) {
    let app = TestApp::start_with_admins(backend, &[5]).await;
    let coordinator = app.user(5, "Гүлнар", Some("ru"));
    let issued = app.send(&coordinator, "/invite coordinator").await;
    issued.says("Ссылка-приглашение для координатора");
    let colleague = app.user(6, "Марат", Some("ru"));
    let joined = app.open_link(&colleague, &link_in(&issued)).await;
    joined.says("Теперь вы координатор программы");
    assert_eq!(app.role_of(6).await, Some(Role::Coordinator));
    let menu = app.fake.commands("chat:6", None).expect("a coordinator's menu");
    assert!(
        menu.iter().any(|(c, d)| c == "invite" && d == "Пригласить ментора или координатора"),
        "{menu:?}"
    );
    app.stop().await;
}
