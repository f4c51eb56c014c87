//! A mentor's own tools in conversations: `/quiet`, `/mentees` (writing
//! first, parent invites, blocks), the parents' limit and who is told when
//! a parent joins, a recipient who blocked the bot, a blocked student's
//! SOS, and albums.

use crate::fake_api::TgUser;
use crate::helpers::{Backend, Shown, TestApp, link_in, texts, wait_until, with_buttons};
use crate::on_both_backends;
use crate::relay::{mentor_and_student, reactions, sos_setup, student_of, to};
use talimger::domain::UserId;
use talimger::domain::quiet::QuietHours;

on_both_backends!(
    quiet_hours_follow_the_mentors_own_setting,
    mentees_pages_and_a_card_per_student,
    a_mentor_writes_first_to_a_student_and_a_parent,
    a_mentor_invites_a_parent_and_blocks_from_mentees,
    forged_and_stale_mentee_presses_change_nothing,
    a_mentor_sets_a_students_class_and_it_heads_their_messages,
    the_parents_limit_refuses_invites_and_joining,
    a_mentor_is_told_once_when_the_student_blocked_the_bot,
    a_student_is_told_once_when_the_mentor_blocked_the_bot,
    a_blocked_students_sos_reaches_the_coordinators_at_once,
    an_sos_goes_to_the_coordinators_at_once_when_the_mentor_blocked_the_bot,
    an_album_arrives_as_one_group_under_one_header,
    an_album_in_quiet_hours_waits_as_one_group,
    an_anonymous_album_stays_anonymous,
);

async fn quiet_hours_follow_the_mentors_own_setting(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student) = mentor_and_student(&app).await;
    let shown = app.send(&mentor, "/quiet").await;
    let screen = with_buttons(&shown);
    assert!(
        screen.text().starts_with("Тихие часы включены: 22:00–07:00 (по местному времени)."),
        "{}",
        screen.text()
    );
    let labels = screen.button_texts();
    for label in ["Выключить", "20:00", "✓ 22:00", "23:00", "06:00", "✓ 07:00", "08:00"] {
        assert!(labels.contains(&label.to_owned()), "{label}: {labels:?}");
    }
    // Start at 23:00, end at 08:00: the screen is redrawn in place.
    let pressed = app.press_button(&mentor, &screen, "23:00").await;
    let redrawn = pressed.iter().find(|s| s.method == "editMessageText").expect("redrawn").clone();
    assert_eq!(redrawn.message_id, screen.message_id);
    assert!(redrawn.text().contains("23:00–07:00"), "{}", redrawn.text());
    let pressed = app.press_button(&mentor, &redrawn, "08:00").await;
    let redrawn = pressed.iter().find(|s| s.method == "editMessageText").expect("redrawn").clone();
    assert!(redrawn.text().contains("23:00–08:00"), "{}", redrawn.text());
    let stored = app.db.quiet_hours(UserId(10)).await.expect("query");
    assert_eq!(stored, QuietHours { enabled: true, start_min: 23 * 60, end_min: 8 * 60 });
    // A forged hour changes nothing.
    let forged = app.press(&mentor, &redrawn, "rqs:1234").await;
    forged.says("больше не действует");
    assert_eq!(app.db.quiet_hours(UserId(10)).await.expect("query"), stored);

    // 09:00 in Almaty; at 22:30 the mentor's quiet hours have not begun.
    app.clock.advance(chrono::Duration::minutes(13 * 60 + 30));
    let early = app.send(&student, "Жарты он бірде").await;
    assert_eq!(to(&early, 10).len(), 1, "delivered at once: {early:?}");
    // At 23:30 they have: held until 08:00, and the student is told so.
    app.clock.advance(chrono::Duration::hours(1));
    let late = app.send(&student, "Түнгі хабарлама").await;
    assert!(to(&late, 10).is_empty(), "held: {late:?}");
    late.says("08:00");
    // Not at 07:00 (the default end), but at 08:00.
    let since = app.fake.last_seq();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.clock.advance(chrono::Duration::minutes(7 * 60 + 45));
    app.outbox_drained().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(to(&app.fake.sent_since(since), 10).is_empty(), "07:15: still quiet");
    app.clock.advance(chrono::Duration::minutes(45));
    wait_until("the held message arrives at 08:00", || to(&app.fake.sent_since(since), 10).len() >= 2).await;
    let morning = to(&app.fake.sent_since(since), 10);
    assert!(morning[0].text().ends_with("Түнгі хабарлама"), "{morning:?}");

    // Off: a message at night goes at once.
    let pressed = app.press_button(&mentor, &redrawn, "Выключить").await;
    let off = pressed.iter().find(|s| s.method == "editMessageText").expect("redrawn").clone();
    assert!(off.text().starts_with("Тихие часы выключены"), "{}", off.text());
    assert!(off.button_texts().contains(&"Включить".to_owned()));
    app.clock.advance(chrono::Duration::hours(15));
    let night = app.send(&student, "Түнде жазамын").await;
    assert_eq!(to(&night, 10).len(), 1, "quiet hours are off: {night:?}");

    // Only mentors have quiet hours; /help and the menu show the command.
    let refused = app.send(&student, "/quiet").await;
    refused.says("тәлімгерлер баптайды");
    let help = texts(&app.send(&mentor, "/help").await);
    help.says("/quiet — Тихие часы").says("/mentees — Мои ученики");
    let menu: Vec<String> =
        app.fake.commands("chat:10", None).expect("menu").into_iter().map(|c| c.0).collect();
    assert!(menu.contains(&"quiet".to_owned()) && menu.contains(&"mentees".to_owned()), "{menu:?}");
    app.stop().await;
}

/// Mentor 10 with ten students (20…29), named so they sort as numbered.
async fn mentor_with_ten(app: &TestApp) -> TgUser {
    let mentor = app.mentor(10, "Айгүл", "ru", "№5 мектеп").await;
    for i in 0..10 {
        student_of(app, 10, 20 + i, &format!("Оқушы{i:02}")).await;
    }
    mentor
}

async fn mentees_pages_and_a_card_per_student(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mentor = mentor_with_ten(&app).await;
    let list = with_buttons(&app.send(&mentor, "/mentees").await);
    assert!(list.text().starts_with("У вас 10 учеников (страница 1 из 2)"), "{}", list.text());
    let labels = list.button_texts();
    assert_eq!(labels.len(), 9, "eight students and «next»: {labels:?}");
    assert!(labels[0] == "Оқушы00" && labels[7] == "Оқушы07" && labels[8] == "Далее →", "{labels:?}");
    let next = app.press_button(&mentor, &list, "Далее").await;
    let page = next.iter().find(|s| s.method == "editMessageText").expect("redrawn").clone();
    assert_eq!(page.button_texts(), ["Оқушы08", "Оқушы09", "← Назад"]);
    let card = app.press_button(&mentor, &page, "Оқушы09").await;
    let card = card.iter().find(|s| s.method == "editMessageText").expect("a card").clone();
    assert!(card.text().starts_with("Ученик: Оқушы09\nРодители пока не подключены."), "{}", card.text());
    assert_eq!(
        card.button_texts(),
        ["Написать ученику", "Пригласить родителя", "Указать класс", "Заблокировать", "К списку"]
    );
    let back = app.press_button(&mentor, &card, "К списку").await;
    back.says("страница 1 из 2");
    // Someone who is not a mentor is told plainly.
    let student = TgUser { id: 20, first_name: "Оқушы00".into(), language_code: Some("kk".into()) };
    app.send(&student, "/mentees").await.says("тәлімгерлерге арналған");
    app.stop().await;
}

async fn a_parent_of(app: &TestApp, student: &TgUser, id: i64, name: &str) -> TgUser {
    let issued = app.send(student, "/invite").await;
    let parent = app.user(id, name, Some("ru"));
    app.open_link(&parent, &link_in(&issued)).await;
    parent
}

async fn card_of(app: &TestApp, mentor: &TgUser, name: &str) -> crate::fake_api::Sent {
    let list = with_buttons(&app.send(mentor, "/mentees").await);
    let pressed = app.press_button(mentor, &list, name).await;
    pressed.iter().find(|s| s.method == "editMessageText").expect("a card").clone()
}

async fn a_mentor_writes_first_to_a_student_and_a_parent(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student) = mentor_and_student(&app).await;
    let parent = a_parent_of(&app, &student, 40, "Сәуле").await;
    let card = card_of(&app, &mentor, "Ерлан").await;
    assert!(card.text().contains("Родители: Сәуле"), "{}", card.text());

    let prompt = app.press_button(&mentor, &card, "Написать ученику").await;
    prompt.says("Его получит Ерлан");
    let sent = app.send(&mentor, "Ертең сабақтан кейін кездесейік").await;
    let got = to(&sent, 20);
    assert_eq!(got.len(), 1, "{sent:?}");
    assert_eq!(got[0].text(), "Тәлімгеріңізден хабарлама: Айгүл\n\nЕртең сабақтан кейін кездесейік");
    assert_eq!(
        reactions(&sent).iter().filter(|r| r.chat_id == 10).count(),
        1,
        "the mentor sees it delivered"
    );
    // The student answers as usual; the mentor's next message is not sent anywhere.
    let answer = app.send(&student, "Жарайды").await;
    assert!(to(&answer, 10)[0].text().starts_with("Сообщение ученика: Ерлан"), "{answer:?}");
    let stray = app.send(&mentor, "Сәлем").await;
    assert!(to(&stray, 20).is_empty());
    stray.says("никому не доставлено");

    // A parent, with media.
    app.press_button(&mentor, &card, "Написать родителю: Сәуле").await;
    let since = app.fake.last_seq();
    let id = app.fake.push_photo(&mentor, Some("Расписание на неделю"));
    let out = app.handled(id, since).await;
    let copy = to(&out, 40).into_iter().find(|s| s.method == "copyMessage").expect("a copy");
    assert_eq!(copy.text(), "Сообщение от ментора: Айгүл\nРебёнок: Ерлан\n\nРасписание на неделю");
    let reply = app.send(&parent, "Спасибо!").await;
    assert!(to(&reply, 10)[0].text().starts_with("Сообщение от родителя: Сәуле"), "{reply:?}");
    app.stop().await;
}

async fn a_mentor_invites_a_parent_and_blocks_from_mentees(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student) = mentor_and_student(&app).await;
    let card = card_of(&app, &mentor, "Ерлан").await;
    let issued = app.press_button(&mentor, &card, "Пригласить родителя").await;
    let text = texts(&issued);
    text.says("Ссылка-приглашение для мамы, папы или опекуна. Ребёнок: Ерлан.");
    assert!(issued.iter().any(|s| s.photo.is_some()), "with a QR code");
    let parent = app.user(40, "Сәуле", Some("kk"));
    let joined = app.open_link(&parent, &link_in(&issued)).await;
    to(&joined, 40).says("Балаңыз: Ерлан");
    // The student and the mentor are told who joined, each in their language.
    wait_until("both are told", || {
        app.fake
            .sent_to(student.id)
            .iter()
            .any(|s| s.text().contains("ата-анаңыз немесе қамқоршыңыз қосылды: Сәуле"))
            && app
                .fake
                .sent_to(mentor.id)
                .iter()
                .any(|s| s.text().contains("Родитель: Сәуле\nРебёнок: Ерлан"))
    })
    .await;

    // Block and unblock from the card.
    let pressed = app.press_button(&mentor, &card, "Заблокировать").await;
    let blocked = pressed.iter().find(|s| s.method == "editMessageText").expect("redrawn").clone();
    assert!(blocked.text().contains("заблокирован"), "{}", blocked.text());
    assert!(app.db.is_blocked(UserId(10), UserId(20)).await.expect("query"));
    let refused = app.send(&student, "Сәлем").await;
    assert!(to(&refused, 10).is_empty(), "{refused:?}");
    app.press_button(&mentor, &blocked, "Разблокировать").await;
    assert!(!app.db.is_blocked(UserId(10), UserId(20)).await.expect("query"));
    let again = app.send(&student, "Сәлем тағы").await;
    assert_eq!(to(&again, 10).len(), 1, "{again:?}");
    app.stop().await;
}

async fn forged_and_stale_mentee_presses_change_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, _student) = mentor_and_student(&app).await;
    let other = app.mentor(11, "Бота", "ru", "№6 мектеп").await;
    let theirs = app.send(&other, "/mentees").await;
    let message = theirs.iter().find(|s| s.message_id.is_some()).expect("a message").clone();
    let invites_before = app.count("SELECT COUNT(*) FROM invites").await;
    for data in ["rn:20", "rw:20:20", "rp:20", "rB:20", "rm:0", "rw:20:999"] {
        let out = app.press(&other, &message, data).await;
        assert!(texts(&out).contains("больше не действует"), "{data}: {}", texts(&out));
        assert!(to(&out, 20).is_empty(), "{data}: nothing reaches A's student");
    }
    assert!(!app.db.is_blocked(UserId(11), UserId(20)).await.expect("query"));
    assert_eq!(app.count("SELECT COUNT(*) FROM invites").await, invites_before, "no invite made");
    // A's own press naming someone who is not the student's parent.
    let card = card_of(&app, &mentor, "Ерлан").await;
    let out = app.press(&mentor, &card, "rw:20:11").await;
    out.says("больше не действует");
    let after = app.send(&mentor, "Кому это?").await;
    assert!(to(&after, 11).is_empty(), "nothing goes to mentor B");
    app.stop().await;
}

async fn the_parents_limit_refuses_invites_and_joining(backend: Backend) {
    let app = TestApp::start_with(backend, &[], |c| c.max_parents = 2).await;
    let (mentor, student) = mentor_and_student(&app).await;
    // Three links while there is room; two people join, the third is refused.
    let links: Vec<String> = {
        let mut v = Vec::new();
        for _ in 0..3 {
            v.push(link_in(&app.send(&student, "/invite").await));
        }
        v
    };
    for (i, link) in links.iter().take(2).enumerate() {
        let parent = app.user(40 + i as i64, &format!("Ата-ана{i}"), Some("ru"));
        app.open_link(&parent, link).await;
    }
    let late = app.user(42, "Дина", Some("ru"));
    let refused = app.open_link(&late, &links[2]).await;
    let text = texts(&refused);
    text.says("не больше 2 родителей на ученика");
    text.says("вас не подключили");
    assert_eq!(app.db.parents_of(UserId(20)).await.expect("query").len(), 2);
    assert_eq!(app.role_of(42).await, None, "not a parent");
    // No more links, from the student or from the mentor.
    let text = texts(&app.send(&student, "/invite").await);
    text.says("Сізге 2 ата-ана не қамқоршы қосылып қойған");
    text.never_says("https://t.me/");
    let card = card_of(&app, &mentor, "Ерлан").await;
    let text = texts(&app.press_button(&mentor, &card, "Пригласить родителя").await);
    text.says("Ерлан: уже подключено столько родителей");
    text.never_says("https://t.me/");
    app.stop().await;
}

async fn a_mentor_is_told_once_when_the_student_blocked_the_bot(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student) = mentor_and_student(&app).await;
    let sent = app.send(&student, "Сұрағым бар").await;
    let copy = to(&sent, 10).remove(0);
    app.fake.block(20);
    let notice = "Сообщение не доставлено: Ерлан сейчас не получает сообщения от бота";
    let notices = || app.fake.sent_to(mentor.id).iter().filter(|s| s.text().starts_with(notice)).count();
    for answer in ["Бірінші жауап", "Екінші жауап"] {
        let since = app.fake.last_seq();
        let id = app.fake.push_reply(&mentor, copy.message_id.expect("id"), answer);
        app.handled(id, since).await;
        wait_until("the mentor is told", || notices() == 1).await;
    }
    // …and from /mentees too, still once.
    let card = card_of(&app, &mentor, "Ерлан").await;
    app.press_button(&mentor, &card, "Написать ученику").await;
    app.send(&mentor, "Қалайсыз?").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.outbox_drained().await;
    assert_eq!(notices(), 1, "told once");
    assert!(app.db.is_unreachable(UserId(20)).await.expect("query"));
    // The student comes back and blocks the bot again: told again.
    app.fake.unblock(20);
    app.clock.advance(chrono::Duration::hours(1));
    app.send(&student, "Кешіріңіз, қайта жазамын").await;
    assert!(!app.db.is_unreachable(UserId(20)).await.expect("query"), "writing again clears the mark");
    app.clock.advance(chrono::Duration::hours(1));
    app.fake.block(20);
    let since = app.fake.last_seq();
    let id = app.fake.push_reply(&mentor, copy.message_id.expect("id"), "Үшінші жауап");
    app.handled(id, since).await;
    wait_until("told again", || notices() == 2).await;
    app.stop().await;
}

async fn a_student_is_told_once_when_the_mentor_blocked_the_bot(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    app.fake.block(10);
    let notice = "Хабарлама жеткізілмеді: тәлімгер қазір боттан хабарлама қабылдамай тұр";
    let notices = || app.fake.sent_to(20).iter().filter(|s| s.text().starts_with(notice)).count();
    app.send(&student, "Сәлеметсіз бе").await;
    wait_until("the student is told", || notices() == 1).await;
    let told = app.fake.sent_to(20).into_iter().find(|s| s.text().starts_with(notice)).expect("told");
    let helplines = format!("{}.", crate::relay::HELPLINES_KK);
    assert!(told.text().contains("/sos") && told.text().ends_with(&helplines), "{}", told.text());
    app.send(&student, "Тағы жазамын").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.outbox_drained().await;
    assert_eq!(notices(), 1, "told once");
    app.stop().await;
}

async fn a_blocked_students_sos_reaches_the_coordinators_at_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student, coordinator, _regional) = sos_setup(&app).await;
    let sent = app.send(&student, "спам").await;
    let copy = to(&sent, 10).remove(0);
    app.press_button(&mentor, &copy, "Заблокировать").await;
    let sos = app.send(&student, "/sos Үйде қорқынышты").await;
    assert!(to(&sos, 10).is_empty(), "the mentor path is closed: {sos:?}");
    let alert = to(&sos, 30);
    assert_eq!(alert.len(), 1, "the district's coordinator, at once: {sos:?}");
    assert!(alert[0].text().contains("Ерлан") && alert[0].text().contains("Үйде қорқынышты"));
    to(&sos, 20).says("үйлестірушілеріне жіберілді");
    assert!(to(&sos, 31).is_empty(), "the district has its own coordinator");
    let acked = app.press_button(&coordinator, &alert[0], "Көрдім").await;
    assert!(!to(&acked, 20).is_empty(), "the student is told: {acked:?}");
    app.stop().await;
}

async fn an_sos_goes_to_the_coordinators_at_once_when_the_mentor_blocked_the_bot(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student, _coordinator, _regional) = sos_setup(&app).await;
    app.fake.block(10);
    app.send(&student, "Сәлеметсіз бе").await;
    wait_until("the mentor is marked", || {
        app.fake.sent_to(student.id).iter().any(|s| s.text().contains("қабылдамай тұр"))
    })
    .await;
    let sos = app.send(&student, "/sos Көмектесіңіз").await;
    assert_eq!(to(&sos, 30).len(), 1, "the district's coordinator, at once: {sos:?}");
    to(&sos, 20).says("үйлестірушілеріне жіберілді");
    app.stop().await;
}

/// The student sends an album; returns what the bot sent meanwhile.
async fn send_album(
    app: &TestApp,
    student: &TgUser,
    count: usize,
    caption: Option<&str>,
) -> Vec<crate::fake_api::Sent> {
    let since = app.fake.last_seq();
    let ids = app.fake.push_album(student, count, caption);
    app.handled(*ids.last().expect("parts"), since).await
}

fn groups(sent: &[crate::fake_api::Sent], chat: i64) -> Vec<crate::fake_api::Sent> {
    to(sent, chat).into_iter().filter(|s| s.method == "copyMessages").collect()
}

async fn an_album_arrives_as_one_group_under_one_header(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student) = mentor_and_student(&app).await;
    let since = app.fake.last_seq();
    let sent = send_album(&app, &student, 3, Some("Мынаны қараңызшы")).await;
    assert_eq!(reactions(&sent).iter().filter(|r| r.chat_id == 20).count(), 3, "each part delivered");
    let header = to(&sent, 10);
    assert_eq!(header.len(), 1, "the header first, the parts wait for each other: {sent:?}");
    assert_eq!(header[0].text(), "Сообщение ученика: Ерлан");
    assert!(header[0].button_texts().contains(&"Ответить".to_owned()));
    // The parts go together once the album is complete.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.clock.advance(chrono::Duration::seconds(3));
    wait_until("the album arrives", || groups(&app.fake.sent_since(since), 10).len() == 3).await;
    let all = to(&app.fake.sent_since(since), 10);
    assert_eq!(all.len(), 4, "one header and one group of three: {all:?}");
    assert_eq!(all[1].text(), "Мынаны қараңызшы", "the caption stays with the album");
    assert!(all.iter().all(|s| s.method != "copyMessage" && s.method != "forwardMessage"));
    assert_eq!(app.db.open_questions(UserId(10), 10).await.expect("query").len(), 1, "one question");
    // A reply to the album (here its last photo) answers the question, as
    // a reply to the student's first photo.
    let since = app.fake.last_seq();
    let id = app.fake.push_reply(&mentor, all[3].message_id.expect("id"), "Көрдім, рақмет");
    let out = app.handled(id, since).await;
    assert!(to(&out, 20).iter().any(|s| s.text().ends_with("Көрдім, рақмет")), "{out:?}");
    assert!(app.db.open_questions(UserId(10), 10).await.expect("query").is_empty());
    // A part that arrives after the album went out follows on its own,
    // under the same header (no second one).
    let group = app.fake.new_album_group();
    let since = app.fake.last_seq();
    let ids = app.fake.push_album_parts(&student, &group, 0..2, None);
    app.handled(ids[1], since).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.clock.advance(chrono::Duration::seconds(3));
    wait_until("the first two parts", || groups(&app.fake.sent_since(since), 10).len() == 2).await;
    let late = app.fake.push_album_parts(&student, &group, 2..3, None);
    app.handled(late[0], since).await;
    wait_until("the late part", || groups(&app.fake.sent_since(since), 10).len() == 3).await;
    let headers =
        to(&app.fake.sent_since(since), 10).into_iter().filter(|s| s.method == "sendMessage").count();
    assert_eq!(headers, 1, "one header for the whole album");
    assert_eq!(app.db.open_questions(UserId(10), 10).await.expect("query").len(), 1);
    app.stop().await;
}

async fn an_album_in_quiet_hours_waits_as_one_group(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    // 23:00 in Almaty.
    app.clock.advance(chrono::Duration::hours(14));
    let sent = send_album(&app, &student, 2, None).await;
    assert!(to(&sent, 10).is_empty(), "held: {sent:?}");
    let told = to(&sent, 20).into_iter().filter(|s| s.text().contains("07:00")).count();
    assert_eq!(told, 1, "told once: {}", texts(&sent));
    let since = app.fake.last_seq();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.clock.advance(chrono::Duration::hours(8));
    wait_until("the morning", || to(&app.fake.sent_since(since), 10).len() >= 4).await;
    let morning = to(&app.fake.sent_since(since), 10);
    let methods: Vec<&str> = morning.iter().map(|s| s.method.as_str()).collect();
    assert_eq!(methods, ["sendMessage", "copyMessages", "copyMessages", "sendMessage"], "{morning:?}");
    assert_eq!(morning[0].text(), "Сообщение ученика: Ерлан");
    assert!(morning[3].text().contains("тихие часы, пришло 1 сообщение"), "{}", morning[3].text());
    app.stop().await;
}

async fn an_anonymous_album_stays_anonymous(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    app.send(&student, "/anon").await;
    let since = app.fake.last_seq();
    send_album(&app, &student, 3, None).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.clock.advance(chrono::Duration::seconds(3));
    wait_until("the album arrives", || groups(&app.fake.sent_since(since), 10).len() == 3).await;
    let all = to(&app.fake.sent_since(since), 10);
    assert_eq!(all.len(), 4, "{all:?}");
    assert!(all[0].text().starts_with("Анонимный вопрос"), "{}", all[0].text());
    assert!(all.iter().all(|s| !s.text().contains("Ерлан")), "{all:?}");
    app.stop().await;
}

/// The class a mentor writes in `/mentees` heads the student's messages
/// (never an anonymous one's); a wrong line is refused, «-» forgets it.
async fn a_mentor_sets_a_students_class_and_it_heads_their_messages(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student) = mentor_and_student(&app).await;
    let card = card_of(&app, &mentor, "Ерлан").await;
    let ask = app.press_button(&mentor, &card, "Указать класс").await;
    ask.says("Ученик: Ерлан.\nНапишите класс, например 9А");
    let bad = app.send(&mentor, "девятый").await;
    bad.says("Так класс не записать");
    let saved = app.send(&mentor, "9  А").await;
    saved.says("Класс сохранён.").says("Класс: 9 А");
    let copy = to(&app.send(&student, "Сәлеметсіз бе").await, 10);
    copy.says("Сообщение ученика: Ерлан, 9 А класс");
    app.send(&student, "/anon").await;
    let anonymous = to(&app.send(&student, "Жасырын сұрақ").await, 10);
    anonymous.says("Анонимный вопрос").never_says("9 А");
    let card = card_of(&app, &mentor, "Ерлан").await;
    app.press_button(&mentor, &card, "Указать класс").await;
    let cleared = app.send(&mentor, "-").await;
    cleared.says("Класс убран.").never_says("Класс: 9 А");
    let copy = to(&app.send(&student, "Тағы сұрақ").await, 10);
    assert!(
        texts(&copy).contains("Сообщение ученика: Ерлан\n")
            || texts(&copy).ends_with("Сообщение ученика: Ерлан"),
        "{}",
        texts(&copy)
    );
    copy.never_says("класс");
    app.stop().await;
}
