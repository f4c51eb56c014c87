//! Conversations: students and parents write to their mentor, the mentor
//! answers; anonymous questions; SOS with escalation; crisis words.

use crate::cast::programme;
use crate::fake_api::{Sent, TgUser};
use crate::helpers::{Backend, Shown, TestApp, texts, wait_until, with_buttons};
use crate::on_both_backends;
use serde_json::json;
use talimger::domain::invite::InviteTarget;
use talimger::domain::{QuestionId, UserId};

on_both_backends!(
    a_student_message_reaches_their_mentor_only,
    the_mentor_answers_by_reply_and_the_answer_comes_back,
    questions_lists_the_open_ones_and_forged_presses_change_nothing,
    media_is_copied_with_the_header_as_caption,
    video_video_notes_and_audio_reach_the_mentor_too,
    a_parent_picks_the_child_and_reaches_that_mentor,
    an_anonymous_question_hides_the_name,
    sos_escalates_to_the_district_coordinators_in_time,
    sos_acknowledged_in_time_never_escalates,
    crisis_words_bring_the_helplines_and_flag_the_message,
    stickers_are_explained_and_long_texts_split,
    a_blocked_student_is_told_once,
    an_edit_reaches_the_mentor_as_an_edit,
    quiet_hours_hold_ordinary_messages_until_morning,
    menus_differ_per_role,
    names_cannot_pass_for_a_mentor_or_vanish,
    students_writing_at_once_at_night_all_arrive,
    a_long_caption_reaches_the_mentor_whole,
    a_held_message_sleeps_until_its_copy_is_sent,
    a_held_message_to_a_mentor_who_blocked_the_bot_is_never_marked_delivered,
    held_edits_albums_and_anonymous_questions_wake_with_their_copy,
);

/// The default helplines (`111,112`) as a Kazakh and a Russian text give them.
pub(crate) const HELPLINES_KK: &str =
    "111 — балалар мен отбасыларға арналған сенім телефоны, 112 — жедел қызмет";
pub(crate) const HELPLINES_RU: &str = "111 — телефон доверия для детей и семей, 112 — экстренная служба";

/// Mentor 10 (Айгүл, ru) with student 20 (Ерлан Сағатов, kk).
pub(crate) async fn mentor_and_student(app: &TestApp) -> (TgUser, TgUser) {
    let mentor = app.mentor(10, "Айгүл", "ru", "№5 мектеп").await;
    let student = student_of(app, 10, 20, "Ерлан").await;
    (mentor, student)
}

pub(crate) async fn student_of(app: &TestApp, mentor: i64, id: i64, name: &str) -> TgUser {
    let link = app.invite_link(InviteTarget::Student { mentor: UserId(mentor) }, None, None, 1).await;
    let student = app.user(id, name, Some("kk"));
    app.open_link(&student, &link).await;
    student
}

pub(crate) fn to(sent: &[Sent], chat: i64) -> Vec<Sent> {
    sent.iter().filter(|s| s.chat_id == chat).cloned().collect()
}

pub(crate) fn reactions(sent: &[Sent]) -> Vec<Sent> {
    sent.iter().filter(|s| s.method == "setMessageReaction").cloned().collect()
}

/// The reactions set on the user's message `message`, in order.
pub(crate) fn marks_on(sent: &[Sent], message: i64) -> Vec<String> {
    reactions(sent).iter().filter(|r| r.message_id == Some(message)).map(|r| r.text().to_owned()).collect()
}

/// Moves the test clock from 09:00 to 23:00 in Almaty: the mentor's
/// default quiet hours (22:00–07:00).
pub(crate) fn night(app: &TestApp) {
    app.clock.advance(chrono::Duration::hours(14));
}

/// From 23:00 to 07:00: the quiet hours end.
pub(crate) fn morning(app: &TestApp) {
    app.clock.advance(chrono::Duration::hours(8));
}

async fn a_student_message_reaches_their_mentor_only(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    let _other = app.mentor(11, "Бота", "ru", "№6 мектеп").await;
    let message_id = app.fake.next_message_id(20);
    let sent = app.send(&student, "Сәлеметсіз бе, ертең кездесе аламыз ба?").await;

    let copies = to(&sent, 10);
    assert_eq!(copies.len(), 1, "{sent:?}");
    let copy = &copies[0];
    assert_eq!(copy.method, "sendMessage");
    assert!(copy.text().starts_with("Сообщение ученика: Ерлан"), "{}", copy.text());
    assert!(copy.text().ends_with("Сәлеметсіз бе, ертең кездесе аламыз ба?"));
    assert!(copy.button_texts().contains(&"Ответить".to_owned()), "{:?}", copy.button_texts());
    assert!(to(&sent, 11).is_empty(), "another mentor gets nothing");
    let marks = reactions(&sent);
    assert_eq!(marks.len(), 1, "{sent:?}");
    assert_eq!((marks[0].chat_id, marks[0].message_id, marks[0].text()), (20, Some(message_id), "👌"));
    to(&sent, 20).never_says("түсінбедім"); // no 'not understood' any more

    // /ask does the same explicitly.
    let asked = app.send(&student, "/ask Кабинетіңіз қай қабатта?").await;
    assert!(to(&asked, 10).iter().any(|s| s.text().ends_with("Кабинетіңіз қай қабатта?")), "{asked:?}");
    assert_eq!(reactions(&asked).len(), 1);
    app.stop().await;
}

async fn the_mentor_answers_by_reply_and_the_answer_comes_back(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student) = mentor_and_student(&app).await;
    let original = app.fake.next_message_id(20);
    let sent = app.send(&student, "Көмек керек").await;
    let copy = to(&sent, 10).remove(0);

    let since = app.fake.last_seq();
    let id = app.fake.push_reply(&mentor, copy.message_id.expect("id"), "Ертең 10:00-де келіңіз");
    let answered = app.handled(id, since).await;
    let back = to(&answered, 20);
    let answer = back.iter().find(|s| s.method == "sendMessage").expect("an answer");
    assert!(answer.text().starts_with("Тәлімгердің жауабы: Айгүл"), "{}", answer.text());
    assert!(answer.text().ends_with("Ертең 10:00-де келіңіз"));
    assert_eq!(
        reactions(&answered).iter().filter(|r| r.chat_id == 10).count(),
        1,
        "the mentor sees it delivered"
    );
    let question = app.db.open_questions(UserId(10), 10).await.expect("query");
    assert!(question.is_empty(), "answered: {question:?}");
    // The answer is a reply to the student's own message.
    let _ = original;

    // The Reply button works too.
    app.send(&student, "Тағы бір сұрақ").await;
    let copy = with_buttons(&app.fake.sent_to(mentor.id));
    app.press_button(&mentor, &copy, "Ответить").await;
    let answered = app.send(&mentor, "Иә, әрине").await;
    assert!(to(&answered, 20).iter().any(|s| s.text().ends_with("Иә, әрине")), "{answered:?}");

    // A mentor's text that answers nothing says how to answer.
    let stray = app.send(&mentor, "Сәлем").await;
    stray.says("никому не доставлено");
    app.stop().await;
}

async fn questions_lists_the_open_ones_and_forged_presses_change_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student) = mentor_and_student(&app).await;
    let other = app.mentor(11, "Бота", "ru", "№6 мектеп").await;
    let other_student = student_of(&app, 11, 21, "Дана").await;
    app.send(&student, "Бірінші сұрақ").await;
    app.clock.advance(chrono::Duration::minutes(90));
    app.send(&student, "Екінші сұрақ").await;
    app.send(&other_student, "Басқа тәлімгерге").await;

    let list = app.send(&mentor, "/questions").await;
    let text = texts(&list);
    text.says("Без ответа 2 вопроса");
    text.says("1. Ерлан — ждёт 1 час");
    text.says("2. Ерлан — ждёт 0 минут");
    assert!(!text.contains("Дана"), "another mentor's question is not listed");

    // Mentor B forges a press on mentor A's question: nothing changes.
    let theirs = app.db.open_questions(UserId(10), 10).await.expect("query");
    let first: QuestionId = theirs[0].id;
    let b_copy = with_buttons(&app.fake.sent_to(other.id));
    let forged = app.press(&other, &b_copy, &format!("ra:{first}")).await;
    forged.says("больше не действует");
    let forged = app.press(&other, &b_copy, &format!("rr:{first}")).await;
    forged.says("больше не действует");
    assert_eq!(app.db.open_questions(UserId(10), 10).await.expect("query").len(), 2);
    // …nor can B reply to a message id of A's copy in B's own chat.
    let a_copy =
        app.fake.sent_to(mentor.id).into_iter().rev().find(|s| s.text().contains("Бірінші")).expect("copy");
    let b_own = app.fake.sent_to(other.id).into_iter().find(|s| s.message_id.is_some()).expect("a message");
    let since = app.fake.last_seq();
    let id = app.fake.push_reply(&other, b_own.message_id.expect("id"), "жауап");
    let out = app.handled(id, since).await;
    assert!(to(&out, 20).is_empty(), "nothing reaches A's student: {out:?}");
    let _ = a_copy;

    // «Answered» for a question settled in person.
    let list = with_buttons(&list);
    let pressed = app.press_button(&mentor, &list, "1. Отметить отвеченным").await;
    pressed.says("Отмечено");
    assert_eq!(app.db.open_questions(UserId(10), 10).await.expect("query").len(), 1);
    app.stop().await;
}

async fn media_is_copied_with_the_header_as_caption(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student) = mentor_and_student(&app).await;
    let since = app.fake.last_seq();
    let id = app.fake.push_photo(&student, Some("Мынаны қараңызшы"));
    let sent = app.handled(id, since).await;
    let copy = to(&sent, 10).into_iter().find(|s| s.method == "copyMessage").expect("a copy");
    assert!(copy.text().starts_with("Сообщение ученика: Ерлан"), "{}", copy.text());
    assert!(copy.text().ends_with("Мынаны қараңызшы"));
    assert!(!sent.iter().any(|s| s.method == "forwardMessage"), "never forwarded");

    let since = app.fake.last_seq();
    let id = app.fake.push_voice(&student, None);
    let sent = app.handled(id, since).await;
    let copy = to(&sent, 10).into_iter().find(|s| s.method == "copyMessage").expect("a copy");
    assert_eq!(copy.text(), "Сообщение ученика: Ерлан");

    // The mentor answers a voice note by reply, with a voice note.
    let since = app.fake.last_seq();
    let id = app.fake.push_reply(&mentor, copy.message_id.expect("id"), "Жарайды");
    let out = app.handled(id, since).await;
    assert!(to(&out, 20).iter().any(|s| s.text().ends_with("Жарайды")), "{out:?}");
    app.stop().await;
}

/// A video (with its caption), a round video note (which takes no caption:
/// the header goes just before it) and an audio file all reach the mentor
/// as copies headed with the student's name.
async fn video_video_notes_and_audio_reach_the_mentor_too(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    let file = |kind: &str| json!({"file_id": format!("fake-{kind}"), "file_unique_id": format!("u-{kind}"), "duration": 5, "file_size": 4000});
    let mut video = file("video");
    video["width"] = json!(640);
    video["height"] = json!(360);
    video["mime_type"] = json!("video/mp4");
    let mut note = file("note");
    note["length"] = json!(240);
    let mut audio = file("audio");
    audio["title"] = json!("Ән");
    audio["mime_type"] = json!("audio/mpeg");
    for (field, media, caption) in
        [("video", video, Some("Бейне")), ("video_note", note, None), ("audio", audio, Some("Тыңдаңызшы"))]
    {
        let since = app.fake.last_seq();
        let id = app.fake.push_media(&student, field, media, caption);
        let everything = app.handled(id, since).await;
        let sent = to(&everything, 10);
        let copy = sent
            .iter()
            .find(|s| s.method == "copyMessage")
            .unwrap_or_else(|| panic!("{field}: a copy: {everything:?} {:?}", app.fake.rejected()));
        let all = texts(&sent);
        assert!(all.contains("Сообщение ученика: Ерлан"), "{field}: {all}");
        if let Some(caption) = caption {
            assert!(copy.text().ends_with(caption), "{field}: {}", copy.text());
        }
        assert!(!sent.iter().any(|s| s.method == "forwardMessage"), "{field}: never forwarded");
    }
    app.stop().await;
}

async fn a_parent_picks_the_child_and_reaches_that_mentor(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, first) = mentor_and_student(&app).await;
    app.mentor(11, "Бота", "kk", "№6 мектеп").await;
    let second = student_of(&app, 11, 21, "Дана").await;
    let parent = app.user(40, "Сәуле", Some("ru"));
    for child in [&first, &second] {
        let issued = app.send(child, "/invite").await;
        app.open_link(&parent, &crate::helpers::link_in(&issued)).await;
    }

    let asked = app.send(&parent, "Здравствуйте!").await;
    assert!(to(&asked, 10).is_empty() && to(&asked, 11).is_empty(), "not delivered before a pick");
    asked.says("О каком ребёнке");
    let pick = with_buttons(&asked);
    app.press_button(&parent, &pick, "Дана").await;
    let sent = app.send(&parent, "Как учится Дана?").await;
    let copy = to(&sent, 11).remove(0);
    assert!(copy.text().starts_with("Ата-анадан хабарлама: Сәуле\nОқушы: Дана"), "{}", copy.text());
    assert!(to(&sent, 10).is_empty(), "the other child's mentor gets nothing");
    // A forged pick of someone else's child changes nothing.
    let forged = app.press(&parent, &pick, "rc:99").await;
    forged.says("больше не действует");
    app.stop().await;
}

async fn an_anonymous_question_hides_the_name(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student) = mentor_and_student(&app).await;
    let prompt = app.send(&student, "/anon").await;
    prompt.says("жасырын");
    let sent = app.send(&student, "Сыныпта мені мазақтайды").await;
    let copy = to(&sent, 10).remove(0);
    assert!(copy.text().starts_with("Анонимный вопрос"), "{}", copy.text());
    assert!(!copy.text().contains("Ерлан"));
    for b in copy.buttons.iter().flatten() {
        let data = b.data.clone().unwrap_or_default();
        assert!(!data.contains("20"), "no student id in buttons: {data}");
    }
    // A file's name would show: refused.
    let since = app.fake.last_seq();
    app.send(&student, "/anon").await;
    let id = app.fake.push_document(&student, "Ерлан_Сағатов.pdf");
    let out = app.handled(id, since).await;
    assert!(to(&out, 10).is_empty(), "{out:?}");
    // The mentor can still answer.
    let since = app.fake.last_seq();
    let id = app.fake.push_reply(&mentor, copy.message_id.expect("id"), "Маған келіңіз, сөйлесейік");
    let out = app.handled(id, since).await;
    assert!(to(&out, 20).iter().any(|s| s.text().ends_with("сөйлесейік")), "{out:?}");
    // The next message is not anonymous any more.
    let sent = app.send(&student, "Рақмет").await;
    assert!(to(&sent, 10)[0].text().contains("Ерлан"));
    app.stop().await;
}

pub(crate) async fn sos_setup(app: &TestApp) -> (TgUser, TgUser, TgUser, TgUser) {
    let (mentor, student) = mentor_and_student(app).await;
    // Coordinators of the student's district, and a regional one.
    let district = app.db.user(UserId(10)).await.expect("query").and_then(|u| u.district_id);
    let link = app.invite_link(InviteTarget::Coordinator, district, None, 1).await;
    let coordinator = app.user(30, "Гүлнар", Some("kk"));
    app.open_link(&coordinator, &link).await;
    let link = app.invite_link(InviteTarget::Coordinator, None, None, 1).await;
    let regional = app.user(31, "Марат", Some("ru"));
    app.open_link(&regional, &link).await;
    (mentor, student, coordinator, regional)
}

async fn sos_escalates_to_the_district_coordinators_in_time(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student, coordinator, _regional) = sos_setup(&app).await;
    let sent = app.send(&student, "/sos Үйде қорқынышты").await;
    assert!(texts(&to(&sent, 20)).contains(HELPLINES_KK), "helplines at once: {}", texts(&sent));
    let alert = to(&sent, 10).remove(0);
    assert!(alert.text().contains("ШҰҒЫЛ") || alert.text().contains("СРОЧНО"), "{}", alert.text());
    assert!(alert.button_texts().contains(&"Вижу, занимаюсь".to_owned()), "{:?}", alert.button_texts());
    assert!(to(&sent, 30).is_empty() && to(&sent, 31).is_empty(), "not yet");

    app.clock.advance(chrono::Duration::minutes(14));
    app.outbox_drained().await;
    assert!(
        app.fake.sent_to(coordinator.id).iter().all(|s| !s.text().contains("ШҰҒЫЛ")),
        "not before 15 minutes"
    );
    let since = app.fake.last_seq();
    // Let the sender look at the table after the first jump (a jump while
    // it is busy claiming is not seen until its next wake-up).
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.clock.advance(chrono::Duration::minutes(1));
    crate::helpers::wait_until("the escalation is sent", || {
        app.fake.sent_since(since).iter().any(|s| s.chat_id == 30)
    })
    .await;
    let escalation = to(&app.fake.sent_since(since), 30).remove(0);
    assert!(
        escalation.text().contains("Ерлан") && escalation.text().contains("№5 мектеп"),
        "{}",
        escalation.text()
    );
    assert!(escalation.text().contains("Үйде қорқынышты"));
    assert!(to(&app.fake.sent_since(since), 31).is_empty(), "the district has its own coordinator");

    // The coordinator acknowledges; the student and the mentor are told.
    let acked = app.press_button(&coordinator, &escalation, "Көрдім").await;
    assert!(!to(&acked, 20).is_empty(), "the student is told: {acked:?}");
    to(&acked, 10).says("Гүлнар"); // the mentor is told who
    let q = app.db.open_questions(UserId(10), 10).await.expect("query")[0].id;
    let steps = app.db.sos_steps(q).await.expect("query");
    let mut names: Vec<&str> = steps.iter().map(|s| s.0.as_str()).collect();
    names.sort_unstable();
    // The regional rung was planned too (the district has its own
    // coordinator), and the acknowledgement cancelled it.
    assert_eq!(names, ["acknowledged", "escalation_due", "mentor_alerted", "raised", "regional_due"]);
    let ack =
        steps.iter().find(|s| s.0 == talimger::domain::relay::SosEvent::Acknowledged).expect("recorded");
    assert_eq!(ack.1, Some(30), "who acknowledged");
    app.stop().await;
}

async fn sos_acknowledged_in_time_never_escalates(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student, _coordinator, _regional) = sos_setup(&app).await;
    let asked = app.send(&student, "/sos").await;
    // Nothing has gone yet, and the student is told so.
    asked.says("әлі жіберілген жоқ");
    let button = with_buttons(&asked);
    let sent = app.press_button(&student, &button, "Сөзсіз").await;
    let alert = to(&sent, 10).remove(0);
    app.clock.advance(chrono::Duration::minutes(5));
    let acked = app.press_button(&mentor, &alert, "Вижу").await;
    to(&acked, 20).says("Тәлімгер шұғыл хабарламаңызды көрді");
    let since = app.fake.last_seq();
    app.clock.advance(chrono::Duration::minutes(30));
    app.outbox_drained().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(to(&app.fake.sent_since(since), 30).is_empty(), "no escalation after an acknowledgement");
    // A second press is told who took it.
    let again = app.press(&mentor, &alert, &alert.button_data("Вижу").unwrap_or_else(|| "rk:1".into())).await;
    assert!(!again.is_empty());
    app.stop().await;
}

async fn crisis_words_bring_the_helplines_and_flag_the_message(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    for text in ["Өмір сүргім келмейді", "я больше не хочу жить", "думаю про cуицид"]
    {
        let sent = app.send(&student, text).await;
        assert!(texts(&to(&sent, 20)).contains(HELPLINES_KK), "{text}: {}", texts(&sent));
        let copy = to(&sent, 10).remove(0);
        assert!(copy.text().starts_with("⚠️"), "{text}: flagged: {}", copy.text());
        assert!(copy.text().ends_with(text), "still relayed");
    }
    let calm = app.send(&student, "Ертең келемін").await;
    assert!(!to(&calm, 10)[0].text().starts_with("⚠️"));
    // Someone outside the programme gets the helplines too.
    let guest = app.user(50, "Қонақ", Some("ru"));
    let out = app.send(&guest, "не хочу жить").await;
    assert!(texts(&out).contains(HELPLINES_RU), "{}", texts(&out));
    app.stop().await;
}

async fn stickers_are_explained_and_long_texts_split(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    let since = app.fake.last_seq();
    let id = app.fake.push_sticker(&student);
    let out = app.handled(id, since).await;
    assert!(to(&out, 10).is_empty());
    let text = texts(&out);
    assert!(text.contains("жеткізілмеді") && text.contains(HELPLINES_KK), "{text}");

    let long = "Сөз ".repeat(1500);
    let sent = app.send(&student, &long).await;
    let copies = to(&sent, 10);
    assert!(copies.len() >= 2, "split: {}", copies.len());
    assert!(copies.iter().all(|c| c.text().encode_utf16().count() <= 4096));
    app.stop().await;
}

async fn a_blocked_student_is_told_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student) = mentor_and_student(&app).await;
    let sent = app.send(&student, "спам").await;
    let copy = to(&sent, 10).remove(0);
    app.press_button(&mentor, &copy, "Заблокировать").await;
    let first = app.send(&student, "тағы").await;
    assert!(to(&first, 10).is_empty());
    first.says("бұғаттаған");
    let second = app.send(&student, "тағы да").await;
    assert!(to(&second, 10).is_empty());
    second.never_says("Маңызды болса"); // told politely once
    // An SOS still goes out (to the coordinators).
    let unblock = with_buttons(&app.fake.sent_to(mentor.id));
    app.press_button(&mentor, &unblock, "Разблокировать").await;
    let again = app.send(&student, "кешіріңіз").await;
    assert_eq!(to(&again, 10).len(), 1);
    app.stop().await;
}

async fn an_edit_reaches_the_mentor_as_an_edit(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    let original = app.fake.next_message_id(20);
    let sent = app.send(&student, "Ертең келемін").await;
    let copy = to(&sent, 10).remove(0);
    let since = app.fake.last_seq();
    let id = app.fake.push_edited_text(&student, original, "Бүгін келемін");
    let out = app.handled(id, since).await;
    let edit = out.iter().find(|s| s.method == "editMessageText").expect("an edit");
    assert_eq!(edit.message_id, copy.message_id);
    assert!(edit.text().ends_with("Бүгін келемін"), "{}", edit.text());
    assert!(edit.text().contains("(исправлено)"));
    app.stop().await;
}

async fn quiet_hours_hold_ordinary_messages_until_morning(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    // 09:00 in Almaty; 23:00 is 14 hours later.
    app.clock.advance(chrono::Duration::hours(14));
    let first = app.send(&student, "Бірінші").await;
    assert!(to(&first, 10).is_empty(), "held: {first:?}");
    first.says("07:00"); // the student is told when
    let marks: Vec<String> = reactions(&first).iter().map(|r| r.text().to_owned()).collect();
    assert_eq!(marks, ["😴"], "stored and waiting, not delivered yet");
    let second = app.send(&student, "Екінші").await;
    second.never_says("07:00"); // told once
    // An SOS is never held.
    let sos = app.send(&student, "/sos көмектесіңіз").await;
    assert_eq!(to(&sos, 10).len(), 1, "urgent goes at once");

    let since = app.fake.last_seq();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.clock.advance(chrono::Duration::hours(8));
    crate::helpers::wait_until("the held messages arrive", || to(&app.fake.sent_since(since), 10).len() >= 3)
        .await;
    let morning: Vec<String> =
        to(&app.fake.sent_since(since), 10).iter().map(|s| s.text().to_owned()).collect();
    assert!(morning[0].ends_with("Бірінші") && morning[1].ends_with("Екінші"), "in order: {morning:?}");
    assert!(morning[2].contains("тихие часы, пришло 2"), "then one digest line: {morning:?}");
    app.stop().await;
}

async fn menus_differ_per_role(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, _student) = mentor_and_student(&app).await;
    let names = |chat: &str| -> Vec<String> {
        app.fake.commands(chat, None).expect("a menu").into_iter().map(|(c, _)| c).collect()
    };
    let student = names("chat:20");
    let mentor = names("chat:10");
    for c in ["ask", "anon", "sos"] {
        assert!(student.contains(&c.to_owned()), "{student:?}");
        assert!(!mentor.contains(&c.to_owned()), "{mentor:?}");
    }
    assert!(mentor.contains(&"questions".to_owned()), "{mentor:?}");
    app.stop().await;
}

/// A student's Telegram name is their own text: one made only of a
/// zero-width space, and one with a right-to-left override that would
/// turn «Админ (ментор)» around, reach the mentor cleaned, under a header
/// that names the role first; a name that shows nothing gets the role and
/// the last four digits of the Telegram id.
async fn names_cannot_pass_for_a_mentor_or_vanish(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, _erlan) = mentor_and_student(&app).await;
    let nameless = student_of(&app, 10, 1_234_567_021, "\u{200B}").await;
    let admin = student_of(&app, 10, 31, "Админ\u{202E} (ментор)").await;

    let sent = app.send(&nameless, "Сәлеметсіз бе").await;
    let copy = to(&sent, 10).into_iter().next().expect("a copy to the mentor");
    assert_eq!(copy.text(), "Сообщение ученика: Ученик 7021\n\nСәлеметсіз бе");
    let sent = app.send(&admin, "Маған жазыңыз").await;
    let copy = to(&sent, 10).into_iter().next().expect("a copy to the mentor");
    assert_eq!(copy.text(), "Сообщение ученика: Админ (ментор)\n\nМаған жазыңыз");

    let invisible = |s: &str| s.chars().any(|c| matches!(c, '\u{200B}' | '\u{202A}'..='\u{202E}'));
    let questions = texts(&app.send(&mentor, "/questions").await);
    questions.says("Ученик 7021 — ").says("Админ (ментор) — ");
    assert!(!invisible(&questions), "{questions:?}");

    let list = with_buttons(&app.send(&mentor, "/mentees").await);
    let mut labels = list.button_texts();
    labels.sort();
    assert_eq!(labels, ["Админ (ментор)", "Ерлан", "Ученик 7021"]);
    let card = app.press_button(&mentor, &list, "Ученик 7021").await;
    let card = card.iter().find(|s| s.method == "editMessageText").expect("a card").clone();
    assert!(card.text().starts_with("Ученик: Ученик 7021\n"), "{}", card.text());
    let everything = texts(&app.fake.sent_to(mentor.id));
    assert!(!invisible(&everything), "nothing invisible reaches the mentor: {everything:?}");
    app.stop().await;
}

/// Eight students of one mentor write at the same instant at night: each
/// message adds to the one keyed line the mentor gets in the morning, so on
/// PostgreSQL their transactions race for that key. The loser is retried
/// (someone was faster), never set aside with an apology.
async fn students_writing_at_once_at_night_all_arrive(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, first) = mentor_and_student(&app).await;
    let mut students = vec![first];
    for id in 21..28 {
        students.push(student_of(&app, 10, id, &format!("Оқушы{id}")).await);
    }
    app.clock.advance(chrono::Duration::hours(14));
    let since = app.fake.last_seq();
    let ids: Vec<i64> =
        students.iter().map(|s| app.fake.push_text(s, &format!("Түнгі хат {}", s.id))).collect();
    // A retry waits a moment on the bot's clock: move it along until all are handled.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let mut done = 0;
        for id in &ids {
            if app.db.update_handled(*id).await.expect("query") == Some(true) {
                done += 1;
            }
        }
        if done == ids.len() {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{done} of {} handled", ids.len());
        app.clock.advance(chrono::Duration::seconds(1));
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM updates WHERE failure IS NOT NULL").await,
        0,
        "none set aside"
    );
    let apologies = texts(&app.fake.sent_since(since));
    apologies.never_says("ақау").never_says("Кешіріңіз");
    app.clock.advance(chrono::Duration::hours(9));
    let arrived = || {
        let sent = to(&app.fake.sent_since(since), 10);
        students.iter().all(|s| sent.iter().any(|m| m.text().ends_with(&format!("Түнгі хат {}", s.id))))
    };
    // (A jump of the clock while the sender is busy may be seen only at
    // its next one: keep the clock moving, a second at a time.)
    while !arrived() {
        assert!(tokio::time::Instant::now() < deadline + std::time::Duration::from_secs(30), "all arrive");
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        app.clock.advance(chrono::Duration::seconds(1));
    }
    app.stop().await;
}

/// A caption longer than a copy may carry (a Premium account's) is never
/// cut: what does not fit follows the copy as text.
async fn a_long_caption_reaches_the_mentor_whole(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student) = mentor_and_student(&app).await;
    let caption: String = (0..300).map(|i| format!("сөз{i} ")).collect();
    assert!(caption.encode_utf16().count() > 1024);
    let since = app.fake.last_seq();
    let id = app.fake.push_photo(&student, Some(&caption));
    let sent = to(&app.handled(id, since).await, 10);
    let copy = sent.iter().find(|s| s.method == "copyMessage").expect("the photo");
    assert!(copy.text().encode_utf16().count() <= 1024, "{}", copy.text().len());
    let all: String = sent
        .iter()
        .filter(|s| s.method != "sendMessage" || !s.text().starts_with("Сообщение ученика"))
        .map(|s| s.text().to_owned())
        .collect();
    assert_eq!(all, caption, "every word arrives, in order");
    app.stop().await;
}

/// In quiet hours a message is not delivered yet: it gets 😴 and the time
/// the mentor will get it, never 👌 or «delivered». The 👌 comes once the
/// copy has actually gone in the morning; by day, at once as before.
async fn a_held_message_sleeps_until_its_copy_is_sent(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().join(&app).await;
    night(&app);
    app.catch_up(&p.mentor);
    app.catch_up(&p.student);
    let message = app.fake.next_message_id(p.student.id);
    app.send(&p.student, "Ертең сабаққа келмеймін").await;
    let waiting = app.sees(&p.student).await;
    waiting.says("07:00").never_says("жеткізілді");
    assert_eq!(marks_on(&waiting, message), ["😴"], "waiting, not delivered");
    app.sees(&p.mentor).await.nothing();

    morning(&app);
    let copy = app.waits_to_see(&p.mentor).await;
    copy.says("Ертең сабаққа келмеймін");
    let delivered = app.sees(&p.student).await;
    assert_eq!(marks_on(&delivered, message), ["👌"], "delivered now");
    let sent_at = copy.iter().find(|s| s.text().contains("Ертең сабаққа")).expect("the copy").seq;
    let marked_at = reactions(&delivered)[0].seq;
    assert!(marked_at > sent_at, "the 👌 after the copy: {sent_at} {marked_at}");

    // By day the copy goes at once, and so does the 👌.
    let message = app.fake.next_message_id(p.student.id);
    app.send(&p.student, "Рақмет").await;
    assert_eq!(marks_on(&app.sees(&p.student).await, message), ["👌"]);
    app.sees(&p.mentor).await.says("Рақмет");
    app.stop().await;
}

/// A held message whose mentor blocks the bot before the morning is never
/// marked delivered: the writer gets the not-delivered line instead. If
/// Telegram refuses the 😴, the line sent instead says the message waits
/// for the morning — not that it was delivered.
async fn a_held_message_to_a_mentor_who_blocked_the_bot_is_never_marked_delivered(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().join(&app).await;
    night(&app);
    app.catch_up(&p.student);
    let refused = crate::fake_api::Failure::BadRequest("Bad Request: REACTION_INVALID".into());
    app.fake.fail_next(p.student.id, "setMessageReaction", refused);
    let message = app.fake.next_message_id(p.student.id);
    app.send(&p.student, "Үй тапсырмасын түсінбедім").await;
    let waiting = app.sees(&p.student).await;
    waiting.says("таңертең жеткізіледі").never_says("жеткізілді");
    assert!(marks_on(&waiting, message).is_empty(), "the reaction was refused: {waiting:?}");

    app.fake.block(p.mentor.id);
    let since = app.fake.last_seq();
    morning(&app);
    wait_until("the student is told it was not delivered", || {
        texts(&to(&app.fake.sent_since(since), p.student.id)).contains("жеткізілмеді")
    })
    .await;
    let told = app.sees(&p.student).await;
    told.says("Хабарлама жеткізілмеді").never_says("жеткізілді");
    assert!(marks_on(&told, message).is_empty(), "no 👌: {told:?}");
    app.stop().await;
}

/// An anonymous question, its edit and an album, all held: each waits
/// with 😴 (an edit does not wake it), and each gets its 👌 once the
/// copies go in the morning.
async fn held_edits_albums_and_anonymous_questions_wake_with_their_copy(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().join(&app).await;
    night(&app);
    app.catch_up(&p.mentor);
    app.catch_up(&p.student);
    app.send(&p.student, "/anon").await;
    let anonymous = app.fake.next_message_id(p.student.id);
    app.send(&p.student, "Сыныпта мені мазалайды").await;
    let since = app.fake.last_seq();
    let id = app.fake.push_edited_text(&p.student, anonymous, "Сыныпта мені үнемі мазалайды");
    app.handled(id, since).await;
    let since = app.fake.last_seq();
    let parts = app.fake.push_album(&p.student, 2, Some("Суреттер"));
    app.handled(*parts.last().expect("parts"), since).await;
    let waiting = app.sees(&p.student).await;
    waiting.never_says("👌").never_says("жеткізілді");
    let sleeping: std::collections::HashSet<Option<i64>> =
        reactions(&waiting).iter().map(|r| r.message_id).collect();
    assert_eq!(sleeping.len(), 3, "the question and both photos: {waiting:?}");
    assert!(reactions(&waiting).iter().all(|r| r.text() == "😴"), "{waiting:?}");
    app.sees(&p.mentor).await.nothing();

    morning(&app);
    wait_until("the copies and the marks", || {
        let marks = reactions(&app.fake.sent_since(since));
        marks.iter().filter(|r| r.text() == "👌").count() == 3
    })
    .await;
    let mentor = app.sees(&p.mentor).await;
    mentor.says("Анонимный вопрос").says("Сыныпта мені үнемі мазалайды");
    let delivered = app.sees(&p.student).await;
    let woke: std::collections::HashSet<Option<i64>> =
        reactions(&delivered).iter().filter(|r| r.text() == "👌").map(|r| r.message_id).collect();
    assert_eq!(woke, sleeping, "each message its 👌: {delivered:?}");
    assert!(reactions(&delivered).iter().all(|r| r.text() == "👌"), "{delivered:?}");
    app.stop().await;
}
