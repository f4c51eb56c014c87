//! The safety net: nothing a child in danger sends is dropped, delayed or
//! missed, and nothing anonymous can be traced.

use crate::cast::programme;
use crate::fake_api::{Sent, TgUser};
use crate::helpers::{Backend, Shown, TestApp, texts, wait_until, with_buttons};
use crate::on_both_backends;
use crate::relay::{
    HELPLINES_KK, HELPLINES_RU, marks_on, mentor_and_student, morning, night, sos_setup, student_of, to,
};
use serde_json::json;
use talimger::domain::UserId;

on_both_backends!(
    a_burst_then_sos_loses_nothing_and_the_sos_goes_first,
    crisis_words_reach_strangers_in_any_language,
    start_with_crisis_words_is_not_an_invite,
    a_parent_quoting_the_child_gets_helplines_and_the_mentor_a_flag,
    a_parent_raises_an_sos_for_their_child,
    anonymous_media_never_carries_a_file_name,
    blocking_an_anonymous_writer_marks_no_card,
    at_night_crisis_words_offer_to_send_at_once,
    held_crisis_words_reach_the_mentor_flagged_in_the_morning,
    an_edited_sos_stays_an_sos,
    a_blocked_flooder_is_dropped_but_crisis_words_still_answered,
    configured_helplines_say_what_each_is_in_the_readers_language,
    a_student_without_a_mentor_is_sent_to_the_school_sos_and_helplines,
    crisis_words_in_quiet_hours_claim_no_delivery_until_the_copy_goes,
    the_night_button_turns_the_waiting_mark_into_delivered,
);

/// Each number with what it is, in either language.
fn has_helplines(sent: &[Sent], chat: i64) -> bool {
    let text = texts(&to(sent, chat));
    text.contains("111 — ") && text.contains(", 112 — ")
}

/// A student writes 25 short messages in a row, then `/sos`: the SOS
/// reaches the mentor ahead of the waiting copies, every line arrives (the
/// excess slowed, never dropped), and the student is told they will.
async fn a_burst_then_sos_loses_nothing_and_the_sos_goes_first(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    let since = app.fake.last_seq();
    for i in 0..25 {
        app.fake.push_text(&student, &format!("жол {i}"));
    }
    app.fake.push_text(&student, "/sos маған қорқынышты");
    wait_until("the SOS reaches the mentor", || {
        to(&app.fake.sent_since(since), 10).iter().any(|s| s.text().contains("СРОЧНО"))
    })
    .await;
    let before_sos: Vec<Sent> = to(&app.fake.sent_since(since), 10)
        .into_iter()
        .take_while(|s| !s.text().contains("СРОЧНО"))
        .collect();
    assert!(
        before_sos.len() < 20,
        "the SOS went ahead of the waiting copies: {} before it",
        before_sos.len()
    );
    wait_until("the student is told the lines will arrive", || {
        texts(&to(&app.fake.sent_since(since), 20)).contains("ретімен жетеді")
    })
    .await;
    let student_sees = texts(&to(&app.fake.sent_since(since), 20));
    assert!(!student_sees.contains("жеткізілген жоқ"), "never told they were lost: {student_sees}");
    // The slowed lines are handled at the limit's pace (20 a minute).
    app.clock.advance(chrono::Duration::minutes(1));
    let all_lines = || {
        let sent = to(&app.fake.sent_since(since), 10);
        (0..25).all(|i| sent.iter().any(|s| s.text().ends_with(&format!("жол {i}"))))
    };
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while !all_lines() {
        assert!(tokio::time::Instant::now() < deadline, "every line reaches the mentor");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM updates WHERE failure = 'flood'").await, 0, "nothing dropped");
    let order: Vec<usize> = to(&app.fake.sent_since(since), 10)
        .iter()
        .filter_map(|s| s.text().rsplit("жол ").next().and_then(|n| n.parse().ok()))
        .collect();
    assert_eq!(order, (0..25).collect::<Vec<_>>(), "in order");
    app.stop().await;
}

/// A stranger whose Telegram speaks neither Kazakh nor Russian gets the
/// helplines in both, then the language question.
async fn crisis_words_reach_strangers_in_any_language(backend: Backend) {
    let app = TestApp::start(backend).await;
    for (id, lang) in [(51, Some("en")), (52, Some("de")), (53, None)] {
        let stranger = app.user(id, "Guest", lang);
        let sent = app.send(&stranger, "я не хочу жить").await;
        let mine = to(&sent, id);
        assert!(mine.len() >= 2, "{lang:?}: {mine:?}");
        assert!(
            mine[0].text().contains(HELPLINES_KK) && mine[0].text().contains(HELPLINES_RU),
            "{lang:?}: helplines first: {}",
            mine[0].text()
        );
        assert!(
            mine[0].text().contains("жалғыз емессіз") && mine[0].text().contains("Вы не одни"),
            "both languages: {}",
            mine[0].text()
        );
        assert!(mine.last().expect("one").text().contains("Выберите язык"), "then the question");
    }
    // A stranger whose language is known gets the answer alone.
    let guest = app.user(54, "Гость", Some("ru"));
    let out = to(&app.send(&guest, "меня бьют дома").await, 54);
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(out[0].text().contains(HELPLINES_RU) && out[0].text().contains("никому не доставлено"));
    app.stop().await;
}

async fn start_with_crisis_words_is_not_an_invite(backend: Backend) {
    let app = TestApp::start(backend).await;
    let stranger = app.user(55, "Аян", Some("kk"));
    let out = to(&app.send(&stranger, "/start не хочу жить").await, 55);
    assert_eq!(out.len(), 1, "the helplines, and nothing about an invite: {out:?}");
    assert!(out[0].text().contains(HELPLINES_KK), "{}", out[0].text());
    assert!(!out[0].text().contains("шақыру"), "{}", out[0].text());
    app.stop().await;
}

/// Mentor 10 and student 20, and the student's parent 40 (ru).
async fn with_parent(app: &TestApp) -> (TgUser, TgUser, TgUser) {
    let (mentor, student) = mentor_and_student(app).await;
    let parent = app.user(40, "Сәуле", Some("ru"));
    let issued = app.send(&student, "/invite").await;
    app.open_link(&parent, &crate::helpers::link_in(&issued)).await;
    (mentor, student, parent)
}

async fn a_parent_quoting_the_child_gets_helplines_and_the_mentor_a_flag(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, _student, parent) = with_parent(&app).await;
    let sent = app.send(&parent, "Сын говорит, что не хочет жить").await;
    let answer = texts(&to(&sent, 40));
    assert!(answer.contains(HELPLINES_RU) && answer.contains("звоните 112"), "{answer}");
    let copy = to(&sent, 10).remove(0);
    assert!(copy.text().starts_with("⚠️ СРОЧНО"), "flagged as urgent: {}", copy.text());
    assert!(copy.text().contains("Родителю уже отправлены"), "{}", copy.text());
    assert!(copy.text().ends_with("Сын говорит, что не хочет жить"), "still relayed");
    app.stop().await;
}

async fn a_parent_raises_an_sos_for_their_child(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student, _coordinator, _regional) = sos_setup(&app).await;
    let parent = app.user(40, "Сәуле", Some("ru"));
    let issued = app.send(&student, "/invite").await;
    app.open_link(&parent, &crate::helpers::link_in(&issued)).await;
    // At night too: an SOS is never held.
    app.clock.advance(chrono::Duration::hours(14));
    let sent = app.send(&parent, "/sos Сын не пришёл домой").await;
    assert!(has_helplines(&sent, 40), "{}", texts(&sent));
    let alert = to(&sent, 10).remove(0);
    assert!(alert.text().contains("Сигнал родителя: Сәуле"), "{}", alert.text());
    assert!(alert.text().contains("Сын не пришёл домой"));
    assert!(alert.button_texts().contains(&"Вижу, занимаюсь".to_owned()));
    // Nobody acknowledges: the district's coordinators are alerted.
    let since = app.fake.last_seq();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.clock.advance(chrono::Duration::minutes(16));
    wait_until("the escalation", || app.fake.sent_since(since).iter().any(|s| s.chat_id == 30)).await;
    let escalation = to(&app.fake.sent_since(since), 30).remove(0);
    assert!(escalation.text().contains("Сәуле") && escalation.text().contains("Сын не пришёл домой"));
    app.stop().await;
}

async fn anonymous_media_never_carries_a_file_name(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    let named = |kind: &str| {
        json!({"file_id": format!("fake-{kind}"), "file_unique_id": format!("u-{kind}"), "duration": 5,
            "width": 640, "height": 360, "file_size": 4000, "mime_type": "video/mp4",
            "file_name": "Даниял_Серикбаев.mp4"})
    };
    for field in ["video", "animation", "audio", "document"] {
        app.send(&student, "/anon").await;
        let since = app.fake.last_seq();
        let id = app.fake.push_media(&student, field, named(field), None);
        let sent = app.handled(id, since).await;
        assert!(to(&sent, 10).is_empty(), "{field}: nothing reaches the mentor: {sent:?}");
        assert!(texts(&to(&sent, 20)).contains("атауын"), "{field}: explained: {}", texts(&sent));
    }
    // An album of named videos: every part refused, nothing reaches the mentor.
    app.send(&student, "/anon").await;
    let group = app.fake.new_album_group();
    let since = app.fake.last_seq();
    let ids: Vec<i64> =
        (0..2).map(|_| app.fake.push_media_in_group(&student, "video", named("video"), &group)).collect();
    for id in ids {
        app.handled(id, since).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.clock.advance(chrono::Duration::seconds(5));
    app.outbox_drained().await;
    assert!(to(&app.fake.sent_since(since), 10).is_empty(), "{:?}", app.fake.sent_since(since));
    to(&app.fake.sent_since(since), 20).says("атауын");
    // A video without a name goes, under the anonymous header only.
    app.send(&student, "/anon").await;
    let mut unnamed = named("video");
    unnamed.as_object_mut().expect("object").remove("file_name");
    let since = app.fake.last_seq();
    let id = app.fake.push_media(&student, "video", unnamed, Some("сұрақ"));
    let copy = to(&app.handled(id, since).await, 10).remove(0);
    assert!(copy.text().starts_with("Анонимный вопрос"), "{}", copy.text());
    assert!(!copy.text().contains("Ерлан"));
    app.stop().await;
}

async fn blocking_an_anonymous_writer_marks_no_card(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student) = mentor_and_student(&app).await;
    let _other = student_of(&app, 10, 21, "Дана").await;
    let copy = to(&app.send(&student, "/anon Сұрақ бар").await, 10).remove(0);
    app.press_button(&mentor, &copy, "Заблокировать").await;
    // The writer is stopped…
    let blocked = app.send(&student, "тағы").await;
    assert!(to(&blocked, 10).is_empty(), "{blocked:?}");
    // …but no student's card says so; the anonymous blocks stand apart.
    let list = with_buttons(&app.send(&mentor, "/mentees").await);
    let card = app.press_button(&mentor, &list, "Ерлан").await;
    card.never_says("заблокирован");
    let list = with_buttons(&app.send(&mentor, "/mentees").await);
    let apart = app.press_button(&mentor, &list, "анонимные").await;
    let screen =
        app.fake.sent_to(mentor.id).into_iter().rev().find(|s| s.text().contains("анонимного автора"));
    let screen = screen.unwrap_or_else(|| panic!("the anonymous blocks: {apart:?}"));
    assert!(!screen.text().contains("Ерлан"));
    app.press_button(&mentor, &screen, "Разблокировать").await;
    let again = app.send(&student, "енді жетеді ме?").await;
    assert_eq!(to(&again, 10).len(), 1, "unblocked: {again:?}");
    app.stop().await;
}

async fn at_night_crisis_words_offer_to_send_at_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student) = mentor_and_student(&app).await;
    app.clock.advance(chrono::Duration::hours(14));
    let sent = app.send(&student, "Өлгім келеді").await;
    assert!(to(&sent, 10).is_empty(), "held: {sent:?}");
    let answer = with_buttons(&to(&sent, 20));
    assert!(answer.text().contains(HELPLINES_KK), "{}", answer.text());
    assert!(!answer.text().contains("жеткізілді"), "no delivery claimed: {}", answer.text());
    let pressed = app.press_button(&student, &answer, "қазір").await;
    let alert = texts(&to(&pressed, 10));
    assert!(alert.contains("ШҰҒЫЛ") || alert.contains("СРОЧНО"), "{alert}");
    assert!(alert.contains("Өлгім келеді"), "the message itself: {alert}");
    let q = app.db.open_questions(UserId(10), 10).await.expect("query")[0].clone();
    assert_eq!(q.kind, talimger::domain::relay::QuestionKind::Urgent);
    // A second press changes nothing; the morning brings no second copy.
    let again = app.press(&student, &answer, &format!("rsn:{}", q.id)).await;
    assert!(to(&again, 10).is_empty(), "{again:?}");
    let since = app.fake.last_seq();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.clock.advance(chrono::Duration::hours(9));
    app.outbox_drained().await;
    assert!(
        !to(&app.fake.sent_since(since), 10).iter().any(|s| s.text().contains("Өлгім келеді")),
        "not again in the morning"
    );
    let _ = mentor;
    app.stop().await;
}

/// Crisis words held by quiet hours (nobody pressed the button), and a
/// held message edited into them, reach the mentor flagged in the morning.
async fn held_crisis_words_reach_the_mentor_flagged_in_the_morning(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    app.clock.advance(chrono::Duration::hours(14));
    let held = app.send(&student, "Өлгім келеді").await;
    assert!(to(&held, 10).is_empty(), "held: {held:?}");
    let message = app.fake.next_message_id(20);
    app.send(&student, "Сәлеметсіз бе").await;
    let since = app.fake.last_seq();
    // (The edit of a held copy waits for it: the outbox keeps it until morning.)
    app.fake.push_edited_text(&student, message, "мені үйде ұрады");
    wait_until("the edit gets the helplines", || has_helplines(&app.fake.sent_since(since), 20)).await;
    let since = app.fake.last_seq();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.clock.advance(chrono::Duration::hours(9));
    wait_until("the morning's copies and the edit", || {
        let sent = to(&app.fake.sent_since(since), 10);
        sent.iter().any(|s| s.text().contains("Өлгім келеді"))
            && sent.iter().any(|s| s.text().contains("мені үйде ұрады"))
    })
    .await;
    let sent = to(&app.fake.sent_since(since), 10);
    let first = sent.iter().find(|s| s.text().contains("Өлгім келеді")).expect("copy");
    assert!(first.text().starts_with("⚠️"), "flagged: {}", first.text());
    let edit = sent.iter().find(|s| s.text().contains("мені үйде ұрады")).expect("edit");
    assert!(edit.text().starts_with("⚠️"), "the edit flagged: {}", edit.text());
    app.stop().await;
}

async fn an_edited_sos_stays_an_sos(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    let message = app.fake.next_message_id(20);
    app.send(&student, "/sos көмек керек").await;
    let since = app.fake.last_seq();
    let id = app.fake.push_edited_text(&student, message, "/sos үйде ұрып жатыр");
    let sent = app.handled(id, since).await;
    let edit =
        to(&sent, 10).into_iter().find(|s| s.text().contains("үйде ұрып жатыр")).expect("the alert edited");
    assert!(edit.text().starts_with("🆘"), "{}", edit.text());
    assert!(edit.button_texts().contains(&"Вижу, занимаюсь".to_owned()), "{:?}", edit.button_texts());
    assert!(edit.text().contains("(исправлено)"));
    app.stop().await;
}

/// Someone a mentor blocked who floods has the excess dropped, but crisis
/// words still get the helplines.
async fn a_blocked_flooder_is_dropped_but_crisis_words_still_answered(backend: Backend) {
    let app = TestApp::start_with(backend, &[], |c| c.flood_per_minute = 3).await;
    let stranger = app.user(56, "Оля", Some("ru"));
    let since = app.fake.last_seq();
    for _ in 0..8 {
        app.fake.push_text(&stranger, "привет");
    }
    let last = app.fake.push_text(&stranger, "не хочу жить");
    app.handled(last, since).await;
    assert!(
        app.count("SELECT COUNT(*) FROM updates WHERE failure = 'flood'").await >= 4,
        "the excess dropped"
    );
    assert!(has_helplines(&app.fake.sent_since(since), 56), "{}", texts(&app.fake.sent_since(since)));
    app.stop().await;
}

/// A relayed message's text is gone from the SQLite files — the database
/// and its `-wal` log — within a minute of its delivery, while the bot
/// keeps running.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivered_text_leaves_the_log_within_a_minute() {
    let app = TestApp::start(Backend::Sqlite).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    let marker = "маркер-7f3a9c-сообщение";
    let sent = app.send(&student, marker).await;
    assert!(to(&sent, 10).iter().any(|s| s.text().ends_with(marker)), "delivered");
    let path = app.test_db.url.trim_start_matches("sqlite://").to_owned();
    let lingers = || {
        [path.clone(), format!("{path}-wal")].iter().any(|file| {
            std::fs::read(file).is_ok_and(|bytes| bytes.windows(marker.len()).any(|w| w == marker.as_bytes()))
        })
    };
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while lingers() {
        assert!(tokio::time::Instant::now() < deadline, "the text still lingers in {path} or its log");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    app.stop().await;
}

/// `TALIMGER_HELPLINES` with a label of its own for 150 and none for 111:
/// each reader gets every number with what it is, in their own language
/// (111 keeps the built-in label), in the crisis answer and a fallback.
async fn configured_helplines_say_what_each_is_in_the_readers_language(backend: Backend) {
    let raw = "150 = линия для детей и подростков | балалар мен жасөспірімдерге арналған желі ; 111";
    let app = TestApp::start_with(backend, &[], |c| {
        let settings = talimger::config::Settings { helplines: Some(raw.into()), ..Default::default() };
        c.helplines = talimger::config::Config::from_settings(&settings).expect("valid").helplines;
    })
    .await;
    let (_mentor, student) = mentor_and_student(&app).await;
    let kk = "150 — балалар мен жасөспірімдерге арналған желі, 111 — балалар мен отбасыларға арналған сенім телефоны";
    let answer = texts(&to(&app.send(&student, "Өлгім келеді").await, 20));
    assert!(answer.contains(&format!("қоңырау шалыңыз: {kk}.")), "{answer}");
    let fallback = texts(&to(&app.send(&student, "/nonsense").await, 20));
    assert!(fallback.ends_with(&format!("Шұғыл көмек керек болса, қоңырау шалыңыз: {kk}.")), "{fallback}");
    let guest = app.user(57, "Гость", Some("ru"));
    let out = texts(&to(&app.send(&guest, "не хочу жить").await, 57));
    let ru = "150 — линия для детей и подростков, 111 — телефон доверия для детей и семей";
    assert!(out.contains(&format!("позвоните: {ru}.")), "{out}");
    app.stop().await;
}

/// A student whose mentor is gone cannot book: they are sent to the class
/// teacher or the school, told that /sos still works, and given the
/// helplines (issue 14, §1.4).
async fn a_student_without_a_mentor_is_sent_to_the_school_sos_and_helplines(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    // The mentor's link gone, as when a mentor leaves the programme.
    let unlinked = app.count("DELETE FROM mentor_students WHERE student_id = 20 RETURNING student_id").await;
    assert_eq!(unlinked, 20);
    let out = texts(&to(&app.send(&student, "/book").await, 20));
    assert!(out.starts_with("Сізде әзірге тәлімгер жоқ, сондықтан кездесуге жазылу мүмкін емес."), "{out}");
    out.says("сынып жетекшісіне немесе мектепке хабарласыңыз");
    out.says("/sos тәлімгерсіз де жұмыс істейді");
    assert!(out.ends_with(&format!("{HELPLINES_KK}.")), "{out}");
    app.stop().await;
}

/// Crisis words in quiet hours: the helplines at once, but no claim that
/// the message reached the mentor — 😴 on it while it waits, 👌 only once
/// the flagged copy has gone in the morning.
async fn crisis_words_in_quiet_hours_claim_no_delivery_until_the_copy_goes(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().join(&app).await;
    night(&app);
    app.catch_up(&p.mentor);
    app.catch_up(&p.student);
    let message = app.fake.next_message_id(p.student.id);
    app.send(&p.student, "Өлгім келеді").await;
    let answer = app.sees(&p.student).await;
    answer.says(HELPLINES_KK).says("таңертең").never_says("жеткізілді").never_says("👌");
    assert_eq!(marks_on(&answer, message), ["😴"], "waiting: {answer:?}");
    app.sees(&p.mentor).await.nothing();

    morning(&app);
    let copy = app.waits_to_see(&p.mentor).await;
    copy.says("⚠️").says("Өлгім келеді");
    let delivered = app.sees(&p.student).await;
    assert_eq!(marks_on(&delivered, message), ["👌"], "delivered once the copy went: {delivered:?}");
    app.stop().await;
}

/// The night button sends the held message as an SOS at once: its 😴
/// becomes 👌 once the alert reaches the mentor, and the morning brings
/// no other mark.
async fn the_night_button_turns_the_waiting_mark_into_delivered(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().join(&app).await;
    night(&app);
    app.catch_up(&p.student);
    let message = app.fake.next_message_id(p.student.id);
    let sent = app.send(&p.student, "Өлгім келеді").await;
    let answer = with_buttons(&to(&sent, p.student.id));
    assert_eq!(marks_on(&app.sees(&p.student).await, message), ["😴"]);
    let pressed = app.press_button(&p.student, &answer, "қазір").await;
    let alert = to(&pressed, p.mentor.id);
    assert!(texts(&alert).contains("Өлгім келеді"), "the alert: {}", texts(&alert));
    let delivered = app.sees(&p.student).await;
    assert_eq!(marks_on(&delivered, message), ["👌"], "{delivered:?}");
    let alert_at = alert.iter().map(|s| s.seq).max().expect("the alert");
    assert!(delivered.iter().filter(|s| s.method == "setMessageReaction").all(|r| r.seq > alert_at));

    morning(&app);
    app.outbox_drained().await;
    assert!(marks_on(&app.sees(&p.student).await, message).is_empty(), "no second mark");
    app.stop().await;
}
