//! Privacy of minors: `/privacy` for each role and for a stranger, and
//! `/deleteme` — a student with two parents and a meeting booked (everyone
//! told in their language, the meeting cancelled with the usual notices,
//! the rows checked one by one, the SQLite file searched for the name and
//! the words, the figures still counting), a parent, a busy and a free
//! mentor, a coordinator, «Cancel», stale and double presses, an SOS on
//! its way, the stranger who joins afresh, and `talimger forget` for a
//! request in writing.

use crate::cast::programme;
use crate::fake_api::TgUser;
use crate::helpers::{Backend, Shown, TestApp, count_in, exec, storage, texts, with_buttons};
use crate::on_both_backends;
use std::collections::BTreeSet;
use talimger::config::{ExportArgs, ExportLang, ExportWhat, ForgetArgs};
use talimger::db::NewInvite;
use talimger::domain::export::pseudonym;
use talimger::domain::invite::InviteTarget;
use talimger::domain::time::Clock;
use talimger::domain::{Lang, Role, UserId};

on_both_backends!(
    privacy_says_what_is_kept_and_who_sees_it,
    a_student_with_two_parents_and_a_meeting_is_forgotten,
    a_parent_leaves_and_the_child_and_the_mentor_are_told,
    a_mentor_with_students_waits_and_a_free_one_is_forgotten,
    a_coordinator_is_forgotten_and_their_invites_stop_working,
    cancel_stale_and_double_presses_change_nothing,
    after_deleteme_a_student_is_a_stranger_and_joins_afresh,
    an_sos_on_its_way_holds_the_erasure_until_someone_is_on_it,
    the_operator_forgets_on_a_written_request,
    every_link_to_a_person_is_covered,
);

/// What a topic, a note and the messages say: never left anywhere.
const MARKER: &str = "PRIVACY-MARKER-7d2e";

const ERASE_RU: &str = "Да, удалить мои данные";
const ERASE_KK: &str = "Иә, деректерімді өшіру";

/// A coordinator of Талдықорған (the cast's district), joined through the bot.
async fn coordinator(app: &TestApp, id: i64, name: &str, lang: &str) -> TgUser {
    let district = app.db.district_named("Талдықорған", app.clock.now()).await.expect("district");
    let link = app.invite_link(InviteTarget::Coordinator, Some(district), None, 1).await;
    let user = app.user(id, name, Some(lang));
    app.open_link(&user, &link).await;
    user
}

/// `/deleteme`, then «Yes» on its confirmation: what the person saw.
async fn delete_me(app: &TestApp, user: &TgUser, erase: &str) -> String {
    let asked = app.send(user, "/deleteme").await;
    let done = app.press_button(user, &with_buttons(&asked), erase).await;
    format!("{}\n{}", texts(&asked), texts(&done))
}

/// A CSV export as text, as `talimger export` writes it.
async fn export(app: &TestApp, what: ExportWhat) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("export.csv");
    let (from, to) = (Some("2026-08-01".to_owned()), Some("2026-09-30".to_owned()));
    let args = ExportArgs { what, from, to, district: None, out: Some(out.clone()), lang: ExportLang::Ru };
    talimger::cli::export(app.config(), &args, app.clock.clone()).await.expect("the export");
    String::from_utf8(std::fs::read(&out).expect("the file")).expect("UTF-8")
}

/// `talimger forget USER_ID`, run in the test's process.
async fn forget(app: &TestApp, user_id: i64) -> anyhow::Result<()> {
    talimger::cli::forget(app.config(), &ForgetArgs { user_id }, app.clock.clone()).await
}

/// The one tombstone's id (a forgotten person who left something to count).
async fn tombstone(app: &TestApp) -> i64 {
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE forgotten_at IS NOT NULL").await, 1);
    app.count("SELECT id FROM users WHERE forgotten_at IS NOT NULL").await
}

/// Every role and a stranger hear what is kept, why, how long and who sees
/// it, in their language; the menus offer both commands.
async fn privacy_says_what_is_kept_and_who_sees_it(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("kk").student("ru").parents(&["kk"]).join(&app).await;
    app.send(&p.student, "/privacy")
        .await
        .says("Темы встреч и заметки ментора храню не дольше 365 дней")
        .says("Родители видят время и место ваших встреч, но никогда — ваши сообщения и темы встреч")
        .says("/deleteme");
    app.send(&p.parent, "/privacy")
        .await
        .says("Балаңыздың тәлімгерге жазған хабарламаларын сіз ешқашан көрмейсіз")
        .says("365 күннен артық сақтамаймын");
    app.send(&p.mentor, "/privacy").await.says("Жазбаларыңызды сізден басқа ешкім көрмейді");
    let boss = coordinator(&app, 60, "Гүлнар", "ru").await;
    app.send(&boss, "/privacy").await.says("ваше имя увидят ментор и другие координаторы");
    let stranger = app.user(70, "Оля", Some("ru"));
    app.send(&stranger, "/privacy").await.says("Вы ещё не в программе. Я храню о вас только то");
    // Russian days read right in every form.
    let text = |days| talimger::handlers::privacy::privacy_text(Some(Role::Student), Lang::Ru, days);
    for (days, says) in [(1, "1 дня."), (2, "2 дней."), (5, "5 дней."), (21, "21 дня."), (365, "365 дней.")]
    {
        text(days).says(&format!("не дольше {says}"));
    }
    for chat in ["chat:20", "chat:40", "chat:10", "chat:60"] {
        let menu = app.fake.commands(chat, None).expect("a menu");
        assert!(menu.iter().any(|(c, _)| c == "privacy"), "{chat}: {menu:?}");
        assert!(menu.iter().any(|(c, _)| c == "deleteme"), "{chat}: {menu:?}");
    }
    // A stranger's erasure: the name Telegram sent goes.
    let asked = app.send(&stranger, "/deleteme").await;
    asked.says("Я храню о вас только имя, имя пользователя и язык");
    app.press_button(&stranger, &with_buttons(&asked), ERASE_RU).await.says("Готово: ваше имя");
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE id = 70").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE forgotten_at IS NOT NULL").await, 0);
    app.stop().await;
}

/// The story of the issue: a student with two parents and a meeting
/// booked erases their data. The parents hear it in their languages and
/// lose their link, the mentor hears it, the meeting is cancelled with the
/// usual notices; the rows are checked one by one, the figures still
/// count, the exports name nobody, and the SQLite file holds neither the
/// name nor the words.
async fn a_student_with_two_parents_and_a_meeting_is_forgotten(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("kk").student("ru").parents(&["ru", "kk"]).join(&app).await;
    app.send(&p.mentor, "/slots add 2026-09-03 15:00 30 1 каб. 12").await.says("Бос уақыт қосылды");
    let list = app.send(&p.student, "/book").await;
    app.press_button(&p.student, &with_buttons(&list), "15:00").await;
    let check = app.send(&p.student, &format!("{MARKER} тема")).await;
    app.press_button(&p.student, &with_buttons(&check), "Подтвердить").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM meetings WHERE status = 'booked'").await, 1);
    exec(&app, &[format!("UPDATE meetings SET note = '{MARKER} заметка ментора'")]).await;
    app.send(&p.student, &format!("{MARKER} днём")).await;
    app.clock.advance(chrono::Duration::hours(14));
    app.send(&p.student, &format!("{MARKER} ночью")).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM questions WHERE held_until IS NOT NULL").await, 1);
    let (from, to) =
        (app.clock.now() - chrono::Duration::days(7), app.clock.now() + chrono::Duration::days(7));
    let before = app.db.stats_facts(None, from, to).await.expect("facts");
    for user in [&p.mentor, &p.student, &p.parents[0], &p.parents[1]] {
        app.catch_up(user);
    }

    let asked = app.send(&p.student, "/deleteme").await;
    asked
        .says("Вы хотите удалить свои данные")
        .says("ваш ментор и ваши родители получат сообщение")
        .says("1 запланированная встреча будет отменена")
        .says("Отменить удаление будет нельзя")
        .says("111 — телефон доверия");
    assert_eq!(app.role_of(20).await, Some(Role::Student), "nothing changes before the answer");
    let done = app.press_button(&p.student, &with_buttons(&asked), ERASE_RU).await;
    done.says("Встреча отменена").says("Готово: ваши данные удалены").says("111 — телефон доверия");
    app.sees(&p.mentor)
        .await
        .says("Оқушы бағдарламадан шығып, деректерін өшіруді сұрады.\nОқушы: Ерлан")
        .says("Кездесу өтпейді: Ерлан")
        .never_says("ночью");
    app.sees(&p.parents[0]).await.says("Ваш ребёнок вышел из программы").says("Встреча отменена");
    app.sees(&p.parents[1]).await.says("Балаңыз бағдарламадан шығып").says("Кездесу өтпейді");
    let menu = app.fake.commands("chat:20", None).expect("a menu");
    assert!(menu.iter().any(|(c, _)| c == "start") && !menu.iter().any(|(c, _)| c == "ask"), "{menu:?}");

    // Row by row.
    let tomb = tombstone(&app).await;
    assert!(tomb < 0, "a tombstone is never a Telegram id: {tomb}");
    let rows = [
        ("SELECT COUNT(*) FROM users WHERE id = 20", 0),
        ("SELECT COUNT(*) FROM users WHERE first_name LIKE '%Ерлан%'", 0),
        (
            &format!(
                "SELECT COUNT(*) FROM users WHERE id = {tomb} AND first_name = '' AND last_name IS NULL
                 AND username IS NULL AND language IS NULL AND role IS NULL AND dialogue IS NULL"
            ),
            1,
        ),
        (&format!("SELECT COUNT(*) FROM mentor_students WHERE student_id IN (20, {tomb})"), 0),
        (&format!("SELECT COUNT(*) FROM parent_students WHERE student_id IN (20, {tomb})"), 0),
        (&format!("SELECT COUNT(*) FROM invite_redemptions WHERE user_id IN (20, {tomb})"), 0),
        (&format!("SELECT COUNT(*) FROM reminders WHERE user_id IN (20, {tomb})"), 0),
        ("SELECT COUNT(*) FROM questions WHERE sender_id = 20 OR student_id = 20", 0),
        (&format!("SELECT COUNT(*) FROM questions WHERE sender_id = {tomb} AND student_id = {tomb}"), 2),
        (
            &format!(
                "SELECT COUNT(*) FROM questions WHERE sender_id = {tomb}
                 AND (answered_at IS NULL OR chat_message_id <> 0 OR media_group_id IS NOT NULL)"
            ),
            0,
        ),
        ("SELECT COUNT(*) FROM meetings WHERE student_id = 20 OR booked_by = 20", 0),
        (
            &format!(
                "SELECT COUNT(*) FROM meetings WHERE student_id = {tomb} AND booked_by = {tomb}
                 AND cancelled_by = {tomb} AND status = 'cancelled'
                 AND topic IS NULL AND note IS NULL AND cancel_reason IS NULL"
            ),
            1,
        ),
        ("SELECT COUNT(*) FROM jobs WHERE key LIKE 'remind:%' AND done_at IS NULL", 0),
        ("SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND (chat_id = 20 OR key LIKE 'q:%')", 0),
        ("SELECT COUNT(*) FROM outbox WHERE chat_id = 20 AND (payload IS NOT NULL OR key IS NOT NULL)", 0),
        (&format!("SELECT COUNT(*) FROM outbox WHERE payload LIKE '%{MARKER}%'"), 0),
        (&format!("SELECT COUNT(*) FROM invites WHERE student_id = {tomb} AND expires_at > 0"), 1),
        (
            &format!(
                "SELECT COUNT(*) FROM invites WHERE student_id = {tomb} AND expires_at > {}",
                app.clock.now().timestamp_millis()
            ),
            0,
        ),
    ];
    for (sql, expected) in rows {
        assert_eq!(app.count(sql).await, expected, "{sql}");
    }
    // The other parent rows stay as they were: each parent is still here,
    // linked to nobody.
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE id IN (40, 41) AND role = 'parent'").await, 2);

    // The figures count the same questions and meetings, anonymously.
    let after = app.db.stats_facts(None, from, to).await.expect("facts");
    assert_eq!(after.questions.len(), before.questions.len());
    assert_eq!(after.meetings.len(), before.meetings.len());
    assert_eq!(after.students.len() + 1, before.students.len(), "a student who left is linked no more");
    assert_eq!(after.parents.len(), 0, "the parents are linked to no student");

    // Exports: neither the person's pseudonym nor the tombstone's.
    let salt = app.db.export_salt(app.clock.now()).await.expect("salt");
    for what in [ExportWhat::Users, ExportWhat::Questions, ExportWhat::Meetings] {
        let file = export(&app, what).await;
        assert!(!file.contains(&pseudonym(&salt, UserId(20))), "{what:?}: {file}");
        assert!(!file.contains(&pseudonym(&salt, UserId(tomb))), "{what:?}: {file}");
        assert!(!file.contains("Ерлан") && !file.contains(MARKER), "{what:?}: {file}");
    }
    assert_eq!(export(&app, ExportWhat::Questions).await.lines().count(), 3, "both questions, counted");

    if backend == Backend::Sqlite {
        erased_from_the_file(&app, &["Ерлан", MARKER], "Айгүл").await;
    }
    app.stop().await;
}

/// Once every update is handled and every item sent (their contents
/// erased), and the log checkpointed, neither the database file nor its
/// log holds any of `words` — while the file does hold `kept` (the
/// search would find a word that is there).
async fn erased_from_the_file(app: &TestApp, words: &[&str], kept: &str) {
    let url = &app.test_db.url;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        app.outbox_drained().await;
        let left = count_in(
            url,
            "SELECT COUNT(*) FROM updates WHERE payload IS NOT NULL AND handled_at IS NOT NULL",
        )
        .await
            + count_in(url, "SELECT COUNT(*) FROM outbox WHERE state <> 'pending' AND payload IS NOT NULL")
                .await;
        if left == 0 && app.db.checkpoint().await.expect("checkpoint") {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "contents erased and the log emptied");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let path = url.trim_start_matches("sqlite://").to_owned();
    let holds = |bytes: &[u8], word: &str| bytes.windows(word.len()).any(|w| w == word.as_bytes());
    assert!(holds(&std::fs::read(&path).expect("the database file"), kept), "{path} holds {kept:?}");
    for file in [path.clone(), format!("{path}-wal")] {
        let Ok(bytes) = std::fs::read(&file) else { continue };
        for word in words {
            assert!(!holds(&bytes, word), "{file} still holds {word:?}");
        }
    }
}

/// A parent leaves: their child and the child's mentor are told, the
/// other parent is not; the child keeps everything else.
async fn a_parent_leaves_and_the_child_and_the_mentor_are_told(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("kk").parents(&["ru", "kk"]).join(&app).await;
    app.catch_up(&p.mentor);
    app.send(&p.parent, &format!("{MARKER} вопрос родителя")).await;
    let copy = with_buttons(&app.sees(&p.mentor).await);
    let other = app.send(&p.parent, "ещё вопрос").await;
    assert!(!other.is_empty());
    let second = with_buttons(&app.sees(&p.mentor).await);
    // The mentor is about to answer the second one when the parent leaves.
    app.press_button(&p.mentor, &second, "Ответить").await;
    for user in [&p.mentor, &p.student, &p.parents[1]] {
        app.catch_up(user);
    }
    let asked = app.send(&p.parent, "/deleteme").await;
    asked.says("Ребёнок: Ерлан").says("ваших встреч с ментором не запланировано");
    app.press_button(&p.parent, &with_buttons(&asked), ERASE_RU).await.says("Готово: ваши данные удалены");
    app.sees(&p.student)
        .await
        .says("Ата-анаңыз немесе қамқоршыңыз бағдарламадан шықты: Сәуле")
        .says("тәлімгеріңізге бот арқылы жаза алмайды");
    app.sees(&p.mentor)
        .await
        .says("Родитель или опекун ученика вышел из программы")
        .says("Родитель: Сәуле\nРебёнок: Ерлан");
    app.sees(&p.parents[1]).await.nothing();
    assert_eq!(app.count("SELECT COUNT(*) FROM parent_students WHERE student_id = 20").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE id = 40").await, 0);
    let tomb = tombstone(&app).await;
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM questions WHERE sender_id = {tomb}")).await, 2);
    assert_eq!(app.role_of(20).await, Some(Role::Student), "the child stays");
    let list = app.send(&p.mentor, "/mentees").await;
    app.press_button(&p.mentor, &with_buttons(&list), "Ерлан").await.says("Мұрат").never_says("Сәуле");
    // The mentor's answer reaches nobody, and says so; the buttons on the
    // old copies no longer act.
    app.send(&p.mentor, "ответ")
        .await
        .says("вышел из программы и удалил свои данные, поэтому ответ никому не доставлен");
    app.press_button(&p.mentor, &copy, "Ответить").await.says("Эта кнопка больше не действует");
    app.stop().await;
}

/// A mentor with a student is told to have them handed over first; a
/// mentor with nobody is erased, their free time and place go, and the
/// district's coordinator is told.
async fn a_mentor_with_students_waits_and_a_free_one_is_forgotten(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").join(&app).await;
    let boss = coordinator(&app, 60, "Гүлнар", "ru").await;
    let wait = app.send(&p.mentor, "/deleteme").await;
    wait.says("Сейчас у вас 1 ученик, 0 вопросов без ответа и 0 запланированных встреч").says("/mentors");
    assert!(wait.iter().all(|s| s.buttons.is_empty()), "nothing to confirm: {wait:?}");
    assert_eq!(app.role_of(10).await, Some(Role::Mentor));

    let free = app.mentor(11, "Бақыт", "kk", "№7 мектеп").await;
    app.send(&free, "/slots add 2026-09-03 15:00 30 2").await;
    app.send(&free, "/slots place каб. 7").await;
    app.catch_up(&boss);
    let seen = delete_me(&app, &free, ERASE_KK).await;
    seen.says("ауданыңыздың үйлестірушілеріне бұл туралы хабарлама барады")
        .says("Дайын: деректеріңіз өшірілді");
    app.sees(&boss).await.says("Ментор вышел из программы").says("Ментор: Бақыт\nШкола: №7 мектеп");
    for sql in [
        "SELECT COUNT(*) FROM users WHERE id = 11",
        "SELECT COUNT(*) FROM slots WHERE mentor_id NOT IN (10)",
        "SELECT COUNT(*) FROM mentor_places WHERE mentor_id <> 10",
        "SELECT COUNT(*) FROM users WHERE forgotten_at IS NOT NULL",
    ] {
        assert_eq!(app.count(sql).await, 0, "{sql}");
    }
    app.stop().await;
}

/// A coordinator is erased: the invites they made stop working, the
/// people export lists them no more.
async fn a_coordinator_is_forgotten_and_their_invites_stop_working(backend: Backend) {
    let app = TestApp::start(backend).await;
    let boss = coordinator(&app, 60, "Гүлнар", "ru").await;
    let now = app.clock.now();
    let district = app.db.district_named("Талдықорған", now).await.expect("district");
    let school = app.db.school_named(district, "№5 мектеп", now).await.expect("school");
    let invite = NewInvite {
        target: InviteTarget::Mentor,
        created_by: Some(UserId(60)),
        district: Some(district),
        school: Some(school),
        max_uses: 1,
        expires_at: now + chrono::Duration::days(7),
    };
    let (_, code) = app.db.create_invite(&invite, now).await.expect("invite");
    assert!(export(&app, ExportWhat::Users).await.contains("Гүлнар"));
    let seen = delete_me(&app, &boss, ERASE_RU).await;
    seen.says("перестанут работать").says("Готово: ваши данные удалены");
    let mentor = app.user(12, "Дана", Some("ru"));
    app.open_link(&mentor, &code.deep_link("talimger_test_bot"))
        .await
        .says("Срок действия этого приглашения истёк");
    assert_eq!(app.role_of(12).await, None);
    let tomb = tombstone(&app).await;
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM invites WHERE created_by = {tomb}")).await, 1);
    assert!(!export(&app, ExportWhat::Users).await.contains("Гүлнар"));
    app.stop().await;
}

/// «Cancel» changes nothing; «Yes» after it, after `/cancel`, or with no
/// confirmation at all is stale; a second «Yes» pressed at once finds a
/// stranger and changes nothing more.
async fn cancel_stale_and_double_presses_change_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().student("ru").join(&app).await;
    let asked = app.send(&p.student, "/deleteme").await;
    let confirm = with_buttons(&asked);
    app.press_button(&p.student, &confirm, "Отменить").await.says("Хорошо, ничего не удалено.");
    app.press_button(&p.student, &confirm, ERASE_RU).await.says("Эта кнопка больше не действует");
    let asked = app.send(&p.student, "/deleteme").await;
    app.send(&p.student, "/cancel").await;
    app.press_button(&p.student, &with_buttons(&asked), ERASE_RU)
        .await
        .says("Эта кнопка больше не действует");
    app.press(&p.student, &confirm, "p:y").await.says("Эта кнопка больше не действует");
    assert_eq!(app.role_of(20).await, Some(Role::Student));
    assert_eq!(app.count("SELECT COUNT(*) FROM mentor_students WHERE student_id = 20").await, 1);

    app.catch_up(&p.mentor);
    let asked = app.send(&p.student, "/deleteme").await;
    let confirm = with_buttons(&asked);
    let data = confirm.button_data(ERASE_RU).expect("the button");
    let message = confirm.message_id.expect("a message");
    let since = app.fake.last_seq();
    let first = app.fake.push_callback(&p.student, message, &data);
    let second = app.fake.push_callback(&p.student, message, &data);
    app.handled(first, since).await;
    let both = app.handled(second, since).await;
    assert_eq!(texts(&both).matches("Готово: ваши данные удалены").count(), 1, "{both:?}");
    app.sees(&p.mentor).await.says("Ученик вышел из программы");
    assert_eq!(
        app.fake.sent_to(10).iter().filter(|s| s.text().contains("Ученик вышел из программы")).count(),
        1
    );
    assert_eq!(app.role_of(20).await, None, "a stranger now");
    app.stop().await;
}

/// After `/deleteme` the student is a stranger: `/start` greets a guest,
/// a message reaches nobody, and a new invite joins them afresh.
async fn after_deleteme_a_student_is_a_stranger_and_joins_afresh(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("ru").join(&app).await;
    app.send(&p.student, "до удаления").await;
    delete_me(&app, &p.student, ERASE_RU).await.says("Готово");
    app.send(&p.student, "/start").await.says("Чтобы присоединиться, откройте ссылку-приглашение");
    app.catch_up(&p.mentor);
    app.send(&p.student, "после удаления").await.says("Вы ещё не в программе");
    app.sees(&p.mentor).await.nothing();
    app.send(&p.student, "/privacy").await.says("Вы ещё не в программе");
    let link = app.invite_link(InviteTarget::Student { mentor: UserId(10) }, None, None, 1).await;
    app.open_link(&p.student, &link).await.says("Готово! Вы в программе. Ваш ментор: Айгүл");
    assert_eq!(app.role_of(20).await, Some(Role::Student));
    assert_eq!(app.count("SELECT COUNT(*) FROM mentor_students WHERE student_id = 20").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM questions WHERE sender_id = 20").await,
        0,
        "the past is not theirs"
    );
    let tomb = tombstone(&app).await;
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM questions WHERE sender_id = {tomb}")).await, 1);
    app.send(&p.mentor, "/mentees").await.says("У вас 1 ученик");
    app.stop().await;
}

/// An SOS still on its way to the coordinators holds the erasure (the
/// student is told why, with the helplines); once the mentor is on it,
/// `/deleteme` asks as usual.
async fn an_sos_on_its_way_holds_the_erasure_until_someone_is_on_it(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("ru").join(&app).await;
    coordinator(&app, 60, "Гүлнар", "ru").await;
    app.send(&p.student, "/sos мне страшно").await;
    let wait = app.send(&p.student, "/deleteme").await;
    wait.says("Ваш сигнал ещё в пути").says("111 — телефон доверия");
    assert!(wait.iter().all(|s| s.buttons.is_empty()));
    assert_eq!(app.role_of(20).await, Some(Role::Student));
    let alert = with_buttons(&app.sees(&p.mentor).await);
    app.press_button(&p.mentor, &alert, "Вижу, занимаюсь").await;
    app.send(&p.student, "/deleteme").await.says("Вы хотите удалить свои данные");
    app.stop().await;
}

/// `talimger forget` on a request in writing: the same erasure, the person
/// and those concerned told; a busy mentor and an unknown id are refused.
async fn the_operator_forgets_on_a_written_request(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("ru").parents(&["kk"]).join(&app).await;
    app.send(&p.student, &format!("{MARKER} вопрос")).await;
    for user in [&p.mentor, &p.student, &p.parent] {
        app.catch_up(user);
    }
    forget(&app, 20).await.expect("forgets");
    app.sees(&p.student).await.says("Ваши данные удалены по вашему письменному запросу");
    app.sees(&p.parent).await.says("Балаңыз бағдарламадан шығып");
    app.sees(&p.mentor)
        .await
        .says("Ученик вышел из программы и попросил удалить свои данные.\nУченик: Ерлан");
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE id = 20").await, 0);
    let tomb = tombstone(&app).await;
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM questions WHERE sender_id = {tomb}")).await, 1);
    let again = forget(&app, 20).await.expect_err("erased already");
    assert!(again.to_string().contains("nobody with Telegram id 20"), "{again}");
    assert!(
        !export(&app, ExportWhat::Users)
            .await
            .contains(&pseudonym(&app.db.export_salt(app.clock.now()).await.expect("salt"), UserId(20)))
    );
    let busy = app.user(13, "Асан", Some("ru"));
    let link = app.invite_link(InviteTarget::Student { mentor: UserId(10) }, None, None, 1).await;
    app.open_link(&busy, &link).await;
    let refused = forget(&app, 10).await.expect_err("a mentor with a student");
    assert!(refused.to_string().contains("hands them over"), "{refused}");
    assert_eq!(app.role_of(10).await, Some(Role::Mentor));
    app.stop().await;
}

/// Every foreign key to `users` in the schema is one the erasure moves to
/// the tombstone (`db::LINKS`): a table added later that links to a person
/// fails here until the erasure covers it.
async fn every_link_to_a_person_is_covered(backend: Backend) {
    let (db, test_db) = storage(backend).await;
    db.close().await;
    let url = &test_db.url;
    let found: Vec<(String, String)> = if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.expect("connect");
        let rows = sqlx::query_as(
            "SELECT m.name, f.\"from\" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
             WHERE m.type = 'table' AND f.\"table\" = 'users'",
        )
        .fetch_all(&pool)
        .await
        .expect("foreign keys");
        pool.close().await;
        rows
    } else {
        let pool = sqlx::PgPool::connect(url).await.expect("connect");
        let rows = sqlx::query_as(
            "SELECT CAST(c.conrelid::regclass AS TEXT), CAST(a.attname AS TEXT)
             FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
             WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass",
        )
        .fetch_all(&pool)
        .await
        .expect("foreign keys");
        pool.close().await;
        rows
    };
    let found: BTreeSet<(String, String)> = found.into_iter().collect();
    let covered: BTreeSet<(String, String)> =
        talimger::db::LINKS.iter().map(|(t, c)| ((*t).to_owned(), (*c).to_owned())).collect();
    assert_eq!(found, covered);
}
