//! `/broadcast`: a coordinator's notice to a school's parents and a
//! mentor's to their mentees' people, exactly as written under a header
//! in each recipient's language; who may address whom (forged presses
//! included); 200 recipients under Telegram's limits while answers still
//! come at once; «Stop» half-way; the progress message edited in place;
//! the history; texts too long or not text; a double «Send».

use crate::cast::{Cast, programme};
use crate::fake_api::{Failure, Sent, TgUser};
use crate::helpers::*;
use crate::on_both_backends;
use std::time::Duration;
use talimger::domain::UserId;
use talimger::domain::invite::InviteTarget;
use talimger::domain::time::Clock;
use tokio::time::Instant;

on_both_backends!(
    a_coordinator_sends_a_notice_to_the_parents_of_a_school,
    a_mentor_reaches_only_their_own_mentees_people,
    students_and_parents_cannot_broadcast,
    nobody_presses_another_writers_buttons,
    a_district_coordinator_never_reaches_another_district,
    two_hundred_recipients_within_telegrams_limits_while_answers_come_at_once,
    stopping_half_way_sends_nothing_more,
    the_progress_message_is_edited_in_place_and_at_most_once_a_look,
    the_history_counts_each_broadcast,
    a_text_too_long_or_not_text_is_refused,
    a_double_press_of_send_sends_once,
);

const NOTICE: &str =
    "Родительское собрание в четверг в 18:00, кабинет 12.\n*Не* опаздывайте <b>пожалуйста</b> 🙂";

/// Who plays: the cast (Айгүл, 10, the mentor at «№5 мектеп» in
/// Талдықорған; Ерлан, 20; his parents Сәуле, 40, Russian, and Мұрат, 41,
/// Kazakh); Бауыржан (11), a mentor in Панфилов ауданы, his student Дана
/// (21) and her parent Әсел (42); the coordinators Гүлнар (60) of
/// Талдықорған, Дина (61) of Панфилов ауданы and Асқар (62), regional.
struct World {
    cast: Cast,
    other_mentor: TgUser,
    other_student: TgUser,
    other_parent: TgUser,
    district: TgUser,
    other_district: TgUser,
    regional: TgUser,
}

async fn world(app: &TestApp) -> World {
    let cast = programme().mentor("ru").student("kk").parents(&["ru", "kk"]).join(app).await;
    let now = app.clock.now();
    let here = app.db.district_named("Талдықорған", now).await.expect("district");
    let there = app.db.district_named("Панфилов ауданы", now).await.expect("district");
    let school = app.db.school_named(there, "Жаркент №1 мектебі", now).await.expect("school");
    let other_mentor =
        app.joins((11, "Бауыржан", "ru"), InviteTarget::Mentor, Some(there), Some(school)).await;
    let other_student =
        app.joins((21, "Дана", "ru"), InviteTarget::Student { mentor: UserId(11) }, None, None).await;
    let other_parent =
        app.joins((42, "Әсел", "ru"), InviteTarget::Parent { student: UserId(21) }, None, None).await;
    let coordinator =
        |id, name, district| app.joins((id, name, "ru"), InviteTarget::Coordinator, district, None);
    let district = coordinator(60, "Гүлнар", Some(here)).await;
    let other_district = coordinator(61, "Дина", Some(there)).await;
    let regional = coordinator(62, "Асқар", None).await;
    let w = World { cast, other_mentor, other_student, other_parent, district, other_district, regional };
    for who in w.everyone() {
        app.catch_up(who);
    }
    w
}

impl World {
    fn everyone(&self) -> Vec<&TgUser> {
        let c = &self.cast;
        vec![
            &c.mentor,
            &c.student,
            &c.parents[0],
            &c.parents[1],
            &self.other_mentor,
            &self.other_student,
            &self.other_parent,
            &self.district,
            &self.other_district,
            &self.regional,
        ]
    }
}

/// `/broadcast`, then the buttons labelled `path` one after another (the
/// screen is redrawn in place); returns the answers to the last press.
async fn choose(app: &TestApp, who: &TgUser, path: &[&str]) -> Vec<Sent> {
    let mut screen = with_buttons(&app.send(who, "/broadcast").await);
    let mut answers = Vec::new();
    for label in path {
        answers = app.press_button(who, &screen, label).await;
        screen = app.fake.message(who.id, screen.message_id.expect("a message")).expect("still there");
    }
    answers
}

/// The text to `path`'s audience, previewed; returns the preview.
pub(crate) async fn preview(app: &TestApp, who: &TgUser, path: &[&str], text: &str) -> Vec<Sent> {
    choose(app, who, path).await.says("Напишите текст рассылки");
    app.send(who, text).await
}

/// A press handled without waiting for the outbox to send everything due
/// (a broadcast's copies take their time); returns the toast.
pub(crate) async fn press_now(app: &TestApp, who: &TgUser, message: &Sent, label: &str) -> String {
    let data = message.button_data(label).unwrap_or_else(|| panic!("no {label:?} in {message:?}"));
    let since = app.fake.last_seq();
    let id = app.fake.push_callback(who, message.message_id.expect("a message"), &data);
    app.update_handled(id).await;
    wait_until("the press is answered", || {
        app.fake.sent_since(since).iter().any(|s| s.method == "answerCallbackQuery")
    })
    .await;
    let answers = app.fake.sent_since(since);
    answers
        .iter()
        .find(|s| s.method == "answerCallbackQuery")
        .map(|s| s.text().to_owned())
        .unwrap_or_default()
}

/// The broadcast's looks run, the test clock moving a look at a time,
/// until the writer gets the final count; what the writer saw meanwhile.
pub(crate) async fn until_final(app: &TestApp, writer: &TgUser) -> Seen {
    let is_final = |s: &Sent| {
        s.method == "sendMessage"
            && (s.text().starts_with("Рассылка закончена") || s.text().starts_with("Рассылка остановлена"))
    };
    let from = app.fake.last_seq();
    for _ in 0..300 {
        app.clock.advance(chrono::Duration::seconds(3));
        tokio::time::sleep(Duration::from_millis(100)).await;
        if app.fake.sent_to(writer.id).iter().any(|s| s.seq > from && is_final(s)) {
            return app.sees(writer).await;
        }
    }
    panic!("no final count reached {}", writer.first_name);
}

/// The copies a recipient got (their broadcasts: messages headed 📣).
pub(crate) fn copies(app: &TestApp, who: &TgUser) -> Vec<String> {
    app.fake
        .sent_to(who.id)
        .iter()
        .filter(|s| s.method == "sendMessage" && s.text().starts_with("📣"))
        .map(|s| s.text().to_owned())
        .collect()
}

pub(crate) async fn ledger(app: &TestApp, state: &str) -> i64 {
    app.count(&format!("SELECT COUNT(*) FROM broadcast_recipients WHERE state = '{state}'")).await
}

/// Students of `mentor` made directly in storage (and known to the fake).
pub(crate) async fn students(app: &TestApp, mentor: i64, ids: std::ops::Range<i64>) -> Vec<TgUser> {
    let mut people = Vec::new();
    let (mut users, mut links) = (Vec::new(), Vec::new());
    for id in ids {
        let lang = if id % 3 == 0 { "kk" } else { "ru" };
        people.push(app.user(id, &format!("Оқушы {id}"), Some(lang)));
        users.push(format!("({id}, 'Оқушы {id}', '{lang}', 'student', 0, 0)"));
        links.push(format!("({id}, {mentor}, 0)"));
    }
    exec(
        app,
        &[
            format!(
                "INSERT INTO users (id, first_name, language, role, created_at, updated_at) VALUES {}",
                users.join(", ")
            ),
            format!(
                "INSERT INTO mentor_students (student_id, mentor_id, linked_at) VALUES {}",
                links.join(", ")
            ),
        ],
    )
    .await;
    people
}

async fn a_coordinator_sends_a_notice_to_the_parents_of_a_school(backend: Backend) {
    let app = TestApp::start(backend).await;
    let w = world(&app).await;
    let (c, p) = (&w.district, &w.cast);
    choose(&app, c, &["Родителям", "№5 мектеп"])
        .await
        .says("Кому: родителям, школа: №5 мектеп (Талдықорған).")
        .says("Напишите текст рассылки одним сообщением");
    let ru = format!("📣 Координатор: Гүлнар\n\n{NOTICE}");
    let kk = format!("📣 Үйлестіруші: Гүлнар\n\n{NOTICE}");
    // The preview: each language's copy exactly as it arrives, then who and how many.
    let shown = app.send(c, NOTICE).await;
    let texts: Vec<&str> = shown.iter().map(Sent::text).collect();
    assert_eq!(texts[..2], [ru.as_str(), kk.as_str()], "{texts:?}");
    shown.says("строку «кто отправил» каждый увидит на своём языке").says("Получат: 2 человека.");
    for who in w.everyone().into_iter().filter(|u| u.id != c.id) {
        app.sees(who).await.nothing();
    }

    let summary = with_buttons(&shown);
    app.press_button(c, &summary, "Отправить").await.says("Отправляю.").says("📣 Рассылка идёт.");
    assert_eq!(copies(&app, &p.parents[0]), [ru]);
    assert_eq!(copies(&app, &p.parents[1]), [kk]);
    for who in [&p.mentor, &p.student, &w.other_parent, &w.other_mentor, &w.other_student] {
        app.sees(who).await.nothing();
    }
    until_final(&app, c).await.says("Рассылка закончена. Доставлено: 2 из 2, не доставлено: 0");
    assert_eq!(ledger(&app, "sent").await, 2);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM broadcasts WHERE body IS NOT NULL").await,
        0,
        "the text is erased"
    );
    app.stop().await;
}

async fn a_mentor_reaches_only_their_own_mentees_people(backend: Backend) {
    let app = TestApp::start(backend).await;
    let w = world(&app).await;
    let (m, p) = (&w.cast.mentor, &w.cast);
    let shown = app.send(m, "/broadcast").await;
    let menu = with_buttons(&shown);
    assert_eq!(menu.button_texts(), ["Родителям моих учеников", "Моим ученикам", "История рассылок"]);
    // A coordinator's buttons, forged by the mentor: refused, no step.
    let now = app.clock.now();
    let here = app.db.district_named("Талдықорған", now).await.expect("district");
    let school = app.db.school_named(here, "№5 мектеп", now).await.expect("school");
    for data in
        ["cbt:m", "cbe:p", &format!("cbd:p:{here}"), &format!("cbs:s:{school}"), &format!("cbo:p:{here}")]
    {
        app.press(m, &menu, data).await.says("Эта рассылка вам недоступна. Ничего не изменилось.");
    }
    app.send(m, "Не рассылка").await.never_says("Получат");

    let shown = preview(&app, m, &["Родителям моих учеников"], NOTICE).await;
    shown.says(&format!("📣 Ментор: Айгүл\n\n{NOTICE}")).says(&format!("📣 Тәлімгер: Айгүл\n\n{NOTICE}"));
    shown.says("Кому: родителям ваших учеников.").says("Получат: 2 человека.");
    app.fake.block(41);
    app.press_button(m, &with_buttons(&shown), "Отправить").await;
    until_final(&app, m).await.says("Доставлено: 1 из 2, не доставлено: 0, заблокировали бота: 1");
    assert_eq!(copies(&app, &p.parents[0]).len(), 1);
    assert!(copies(&app, &w.other_parent).is_empty(), "another mentor's parent");
    assert_eq!(ledger(&app, "blocked").await, 1);

    let shown = preview(&app, m, &["Моим ученикам"], "Завтра классный час").await;
    shown.says("Кому: вашим ученикам.").says("Получат: 1 человек.");
    app.press_button(m, &with_buttons(&shown), "Отправить").await;
    assert_eq!(copies(&app, &p.student), ["📣 Тәлімгер: Айгүл\n\nЗавтра классный час"]);
    assert!(copies(&app, &w.other_student).is_empty(), "another mentor's student");
    until_final(&app, m).await.says("Доставлено: 1 из 1");
    app.stop().await;
}

async fn students_and_parents_cannot_broadcast(backend: Backend) {
    let app = TestApp::start(backend).await;
    let w = world(&app).await;
    let (student, parent) = (&w.cast.student, &w.cast.parents[0]);
    app.send(student, "/broadcast").await.says("Жаппай хабарламаны үйлестірушілер мен тәлімгерлер жібереді");
    app.send(parent, "/broadcast").await.says("Рассылки делают координаторы и менторы");
    // The coordinator's real buttons, up to a preview, pressed by them.
    let menu = with_buttons(&app.send(&w.regional, "/broadcast").await);
    let shown = preview(&app, &w.regional, &["Родителям", "Во все районы"], NOTICE).await;
    shown.says("Кому: родителям всех районов.").says("Получат: 3 человека.");
    let summary = with_buttons(&shown);
    let mut all: Vec<String> = menu.buttons.iter().flatten().filter_map(|b| b.data.clone()).collect();
    all.extend(summary.buttons.iter().flatten().filter_map(|b| b.data.clone()));
    for (who, refusal) in
        [(student, "Бұл жаппай хабарлама сізге қолжетімсіз"), (parent, "Эта рассылка вам недоступна")]
    {
        let own = app.send(who, "/help").await;
        let message = own.iter().find(|s| s.message_id.is_some()).expect("a message of theirs").clone();
        for data in &all {
            let answers = app.press(who, &message, data).await;
            answers.says(refusal);
            assert!(answers.iter().all(|s| s.method == "answerCallbackQuery"), "{answers:?}");
        }
        let sql = format!("SELECT COUNT(*) FROM users WHERE id = {} AND dialogue IS NOT NULL", who.id);
        assert_eq!(app.count(&sql).await, 0, "no step");
    }
    for who in [&w.cast.parents[0], &w.cast.parents[1], &w.other_parent] {
        assert!(copies(&app, who).is_empty());
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM broadcasts WHERE stage = 'draft'").await, 1);
    app.stop().await;
}

async fn nobody_presses_another_writers_buttons(backend: Backend) {
    let app = TestApp::start(backend).await;
    let w = world(&app).await;
    let c = &w.district;
    let summary = with_buttons(&preview(&app, c, &["Менторам", "Всему району"], "Совещание в пятницу").await);
    let send = summary.button_data("Отправить").expect("send");
    let drop = summary.button_data("Не отправлять").expect("drop");
    for who in [&w.other_district, &w.regional, &w.cast.mentor] {
        let own = app.send(who, "/help").await;
        let message = own.iter().find(|s| s.message_id.is_some()).expect("a message").clone();
        for data in [&send, &drop] {
            app.press(who, &message, data).await.says("Это кнопка чужой рассылки. Ничего не изменилось.");
        }
    }
    assert!(copies(&app, &w.cast.mentor).is_empty(), "nothing sent");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM broadcasts WHERE stage = 'draft'").await,
        1,
        "nothing dropped"
    );
    // The writer's own press sends; then «Stop» is theirs alone too.
    let sent = app.press_button(c, &summary, "Отправить").await;
    let progress = with_buttons(&sent);
    let stop = progress.button_data("Остановить").expect("stop");
    let own = app.send(&w.regional, "/help").await;
    let message = own.iter().find(|s| s.message_id.is_some()).expect("a message").clone();
    app.press(&w.regional, &message, &stop).await.says("Это кнопка чужой рассылки");
    until_final(&app, c).await.says("Рассылка закончена. Доставлено: 1 из 1");
    assert_eq!(copies(&app, &w.cast.mentor), ["📣 Координатор: Гүлнар\n\nСовещание в пятницу"]);
    assert!(copies(&app, &w.other_mentor).is_empty(), "another district's mentor");
    app.stop().await;
}

async fn a_district_coordinator_never_reaches_another_district(backend: Backend) {
    let app = TestApp::start(backend).await;
    let w = world(&app).await;
    let c = &w.district;
    let now = app.clock.now();
    let there = app.db.district_named("Панфилов ауданы", now).await.expect("district");
    let school = app.db.school_named(there, "Жаркент №1 мектебі", now).await.expect("school");
    // The district's screen lists its own schools only.
    let screen = choose(&app, c, &["Родителям"]).await;
    let screen = app.fake.message(c.id, with_buttons(&screen).message_id.expect("id")).expect("the screen");
    assert_eq!(screen.button_texts(), ["Всему району", "№5 мектеп"]);
    // Forged presses towards the other district: refused, no step, nothing sent.
    for data in [
        format!("cbd:p:{there}"),
        format!("cbs:p:{school}"),
        format!("cbo:p:{there}"),
        "cbe:p".to_owned(),
        format!("cbs:m:{school}"),
    ] {
        let answers = app.press(c, &screen, &data).await;
        answers.says("Эта рассылка вам недоступна. Ничего не изменилось.");
        assert!(answers.iter().all(|s| s.method == "answerCallbackQuery"), "{answers:?}");
    }
    app.send(c, "Не рассылка").await.never_says("Получат");
    assert_eq!(app.count("SELECT COUNT(*) FROM broadcasts").await, 0);
    // Their whole district: the mentor of Талдықорған, not Панфилов's.
    let shown = preview(&app, c, &["Менторам", "Всему району"], "Совещание").await;
    shown.says("Кому: менторам, район: Талдықорған.").says("Получат: 1 человек.");
    app.press_button(c, &with_buttons(&shown), "Отправить").await;
    until_final(&app, c).await.says("Доставлено: 1 из 1");
    assert_eq!(copies(&app, &w.cast.mentor).len(), 1);
    assert!(copies(&app, &w.other_mentor).is_empty());
    // The regional coordinator reaches both districts, a district when chosen.
    let shown = preview(&app, &w.regional, &["Менторам", "Во все районы"], "Всем менторам").await;
    shown.says("Кому: менторам всех районов.").says("Получат: 2 человека.");
    app.press_button(&w.regional, &with_buttons(&shown), "Отправить").await;
    until_final(&app, &w.regional).await.says("Доставлено: 2 из 2");
    assert_eq!(copies(&app, &w.other_mentor), ["📣 Координатор: Асқар\n\nВсем менторам"]);
    let shown =
        preview(&app, &w.regional, &["Ученикам", "Панфилов ауданы", "Жаркент №1 мектебі"], "Ученикам").await;
    shown.says("Кому: ученикам, школа: Жаркент №1 мектебі (Панфилов ауданы).").says("Получат: 1 человек.");
    app.stop().await;
}

async fn two_hundred_recipients_within_telegrams_limits_while_answers_come_at_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().join(&app).await;
    let many = students(&app, p.mentor.id, 1000..1199).await;
    // Two of them are under flood control when their turn comes.
    app.fake.rate_limit_for(1010, 2);
    app.fake.rate_limit_for(1150, 2);
    let shown = preview(&app, &p.mentor, &["Моим ученикам"], "Завтра уроки до 13:00").await;
    shown.says("Получат: 200 человек.");
    press_now(&app, &p.mentor, &with_buttons(&shown), "Отправить").await;
    wait_until("the broadcast is under way", || {
        many.iter().filter(|s| !copies(&app, s).is_empty()).count() >= 40
    })
    .await;
    // A parent's command in the middle of it is answered at once.
    let started = Instant::now();
    let since = app.fake.last_seq();
    app.fake.push_text(&p.parent, "/help");
    wait_until("the parent is answered", || {
        app.fake.sent_since(since).iter().any(|s| s.chat_id == p.parent.id)
    })
    .await;
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(2), "answered in {waited:?}");
    let under_way = many.iter().filter(|s| !copies(&app, s).is_empty()).count();
    assert!(under_way < 199, "the answer came during the broadcast ({under_way} sent)");

    until_final(&app, &p.mentor).await.says("Рассылка закончена. Доставлено: 200 из 200, не доставлено: 0");
    for who in many.iter().chain([&p.student]) {
        let header =
            if who.language_code.as_deref() == Some("kk") { "Тәлімгер" } else { "Ментор" };
        assert_eq!(copies(&app, who), [format!("📣 {header}: Айгүл\n\nЗавтра уроки до 13:00")], "{}", who.id);
    }
    let refused: Vec<_> = app.fake.rejected().into_iter().filter(|r| r.1 == 429).collect();
    assert_eq!(refused.len(), 2, "only the two injected 429s: paced within the limits {refused:?}");
    assert_eq!(ledger(&app, "sent").await, 200);
    app.stop().await;
}

async fn stopping_half_way_sends_nothing_more(backend: Backend) {
    // Three messages a second for the bot: two for broadcasts.
    let app = TestApp::start_with(backend, &[], |c| c.send_rate = 3).await;
    let p = programme().join(&app).await;
    let many = students(&app, p.mentor.id, 1000..1019).await;
    let shown = preview(&app, &p.mentor, &["Моим ученикам"], "Экскурсия отменяется").await;
    press_now(&app, &p.mentor, &with_buttons(&shown), "Отправить").await;
    wait_until("a few are sent", || many.iter().filter(|s| !copies(&app, s).is_empty()).count() >= 3).await;
    let progress = app
        .fake
        .sent_to(p.mentor.id)
        .into_iter()
        .find(|s| s.button_data("Остановить").is_some())
        .expect("the progress message");
    assert_eq!(
        press_now(&app, &p.mentor, &progress, "Остановить").await,
        "Останавливаю: что ещё не ушло, уже не уйдёт."
    );
    let last = until_final(&app, &p.mentor).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got = many.iter().chain([&p.student]).filter(|s| !copies(&app, s).is_empty()).count() as i64;
    assert!((3..15).contains(&got), "stopped half-way: {got} of 20 sent");
    assert_eq!(ledger(&app, "sent").await, got);
    assert_eq!(ledger(&app, "cancelled").await, 20 - got, "the rest is cancelled");
    last.says(&format!("Рассылка остановлена. Доставлено: {got} из 20, не доставлено: 0, заблокировали бота: 0, отменено: {}.", 20 - got));
    let history = choose(&app, &p.mentor, &["История рассылок"]).await;
    history.says("Остановлена.").says(&format!("отменено: {}", 20 - got));
    app.stop().await;
}

async fn the_progress_message_is_edited_in_place_and_at_most_once_a_look(backend: Backend) {
    let app = TestApp::start_with(backend, &[], |c| c.send_rate = 3).await;
    let p = programme().join(&app).await;
    students(&app, p.mentor.id, 1000..1007).await;
    let shown = preview(&app, &p.mentor, &["Моим ученикам"], "Родительский чат обновлён").await;
    let since = app.fake.last_seq();
    press_now(&app, &p.mentor, &with_buttons(&shown), "Отправить").await;
    // Copies go out; without a look the progress message stays as it is.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let edits = |app: &TestApp| -> Vec<Sent> {
        app.fake
            .sent_since(since)
            .into_iter()
            .filter(|s| s.chat_id == p.mentor.id && s.method == "editMessageText")
            .collect()
    };
    assert!(edits(&app).is_empty(), "{:?}", edits(&app));
    // A look every 3 s of the clock, one a second of real time.
    let mut looks = 0;
    while !app.fake.sent_to(p.mentor.id).iter().any(|s| s.text().starts_with("Рассылка закончена"))
    {
        assert!(looks < 30, "the broadcast ends");
        app.clock.advance(chrono::Duration::seconds(3));
        looks += 1;
        tokio::time::sleep(Duration::from_millis(1000)).await;
    }
    app.outbox_drained().await;
    let mine: Vec<Sent> =
        app.fake.sent_since(since).into_iter().filter(|s| s.chat_id == p.mentor.id).collect();
    let progress =
        mine.iter().find(|s| s.text().starts_with("📣 Рассылка идёт")).expect("the progress message");
    let edits = edits(&app);
    assert!(edits.len() >= 2, "the counts as they change, then the final count: {edits:?}");
    assert!(edits.len() <= looks, "at most one edit a look: {} edits, {looks} looks", edits.len());
    assert!(edits.iter().all(|e| e.message_id == progress.message_id), "in place: {edits:?}");
    let news: Vec<&Sent> =
        mine.iter().filter(|s| s.method == "sendMessage" && s.seq > progress.seq).collect();
    assert_eq!(news.len(), 1, "no new progress messages, one final count: {news:?}");
    let last = edits.last().expect("edits");
    last.text().says("📣 Рассылка закончена.").says("Доставлено: 8 из 8");
    assert!(last.buttons.is_empty(), "no «Stop» once done");
    edits[0].text().says("📣 Рассылка идёт.");
    app.stop().await;
}

async fn the_history_counts_each_broadcast(backend: Backend) {
    let app = TestApp::start(backend).await;
    let w = world(&app).await;
    let c = &w.district;
    choose(&app, c, &["История рассылок"]).await.says("Вы ещё не отправляли рассылок.");
    // One parent blocked the bot, Telegram refuses the other's copy.
    app.fake.block(41);
    app.fake.fail_next(40, "sendMessage", Failure::BadRequest("Bad Request: chat not found".into()));
    let shown = preview(&app, c, &["Родителям", "№5 мектеп"], NOTICE).await;
    app.press_button(c, &with_buttons(&shown), "Отправить").await;
    until_final(&app, c).await.says("Доставлено: 0 из 2, не доставлено: 1, заблокировали бота: 1");
    let sql = "SELECT COUNT(*) FROM broadcast_recipients WHERE state = 'failed' AND error = 'Bad Request: chat not found'";
    assert_eq!(app.count(sql).await, 1, "Telegram's error in the ledger");
    let shown = preview(&app, c, &["Менторам", "Всему району"], "Совещание").await;
    app.press_button(c, &with_buttons(&shown), "Отправить").await;
    until_final(&app, c).await;

    let history = choose(&app, c, &["История рассылок"]).await;
    let text = history.iter().map(Sent::text).collect::<Vec<_>>().join("\n");
    text.says("Ваши последние рассылки:")
        .says("Когда: вторник, 1 сентября, 09:")
        .says("Закончена.\nКому: менторам, район: Талдықорған.\nДоставлено: 1 из 1, не доставлено: 0, заблокировали бота: 0, отменено: 0.")
        .says("Кому: родителям, школа: №5 мектеп (Талдықорған).\nДоставлено: 0 из 2, не доставлено: 1, заблокировали бота: 1, отменено: 0.");
    assert!(
        text.find("менторам").expect("mentors") < text.find("родителям").expect("parents"),
        "newest first"
    );
    // Another coordinator's history is their own.
    choose(&app, &w.other_district, &["История рассылок"]).await.says("Вы ещё не отправляли рассылок.");
    app.stop().await;
}

async fn a_text_too_long_or_not_text_is_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let w = world(&app).await;
    let c = &w.district;
    choose(&app, c, &["Родителям", "№5 мектеп"]).await;
    let since = app.fake.last_seq();
    let id = app.fake.push_sticker(c);
    app.handled(id, since).await.says("Это я не разошлю: рассылка уходит только текстом");
    let since = app.fake.last_seq();
    let id = app.fake.push_photo(c, Some("Фото с собрания"));
    app.handled(id, since)
        .await
        .says("Это я не разошлю: рассылка уходит только текстом")
        .never_says("Получат");
    // «📣 Координатор: Гүлнар» and a blank line leave 4072 of Telegram's 4096.
    let too_long = "ж".repeat(4073);
    app.send(c, &too_long)
        .await
        .says("Текст слишком длинный: 4073 знака")
        .says("не больше 4072")
        .never_says("Получат");
    assert_eq!(app.count("SELECT COUNT(*) FROM broadcasts").await, 0);
    // Still in the step: the longest that fits goes, as one message.
    let longest = "ж".repeat(4072);
    let shown = app.send(c, &longest).await;
    shown.says("Получат: 2 человека.");
    app.press_button(c, &with_buttons(&shown), "Отправить").await;
    let got = copies(&app, &w.cast.parents[1]);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].encode_utf16().count(), 4096);
    until_final(&app, c).await.says("Доставлено: 2 из 2");
    app.stop().await;
}

async fn a_double_press_of_send_sends_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let w = world(&app).await;
    let c = &w.district;
    let summary = with_buttons(&preview(&app, c, &["Родителям", "№5 мектеп"], NOTICE).await);
    let data = summary.button_data("Отправить").expect("send");
    let since = app.fake.last_seq();
    let first = app.fake.push_callback(c, summary.message_id.expect("id"), &data);
    let second = app.fake.push_callback(c, summary.message_id.expect("id"), &data);
    app.handled(first, since).await;
    app.handled(second, since).await;
    wait_until("both presses are answered", || {
        app.fake.sent_since(since).iter().filter(|s| s.method == "answerCallbackQuery").count() == 2
    })
    .await;
    let toasts: Vec<String> = app
        .fake
        .sent_since(since)
        .iter()
        .filter(|s| s.method == "answerCallbackQuery")
        .map(|s| s.text().to_owned())
        .collect();
    assert_eq!(toasts, ["Отправляю.", "Эта рассылка уже отправлена: второй раз она не уйдёт."]);
    until_final(&app, c).await.says("Доставлено: 2 из 2");
    for parent in &w.cast.parents {
        assert_eq!(copies(&app, parent).len(), 1, "once");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM broadcast_recipients").await, 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE key LIKE 'bc:%'").await, 2);
    app.stop().await;
}
