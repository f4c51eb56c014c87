//! `/mentors`: the coordinator's mentors with their load; a mentor taken
//! out of the programme with everything handed over once, in everyone's
//! language; brought back; one student moved; nobody else running it or
//! pressing its buttons, no coordinator acting outside their district; a
//! double press done once; a stale screen redrawn as it stands.

use crate::cast::{Cast, programme};
use crate::fake_api::{Sent, TgUser};
use crate::helpers::{Backend, Shown, TestApp, with_buttons};
use crate::on_both_backends;
use crate::radar::{Coordinators, coordinators, last_message};
use crate::relay::{morning, night};
use crate::scheduling::{book_first, publish};
use talimger::domain::UserId;
use talimger::domain::invite::InviteTarget;
use talimger::domain::time::Clock;

on_both_backends!(
    a_mentor_leaves_and_everything_is_handed_over_once,
    a_mentor_without_students_leaves_and_comes_back,
    one_student_moves_to_another_mentor,
    only_coordinators_run_mentors_or_press_its_buttons,
    a_coordinator_sees_and_acts_on_their_district_only,
    a_stale_screen_is_redrawn_and_changes_nothing,
);

/// Бауыржан (11, Russian), a second mentor of the cast's district, at
/// «№7 мектеп».
async fn second_mentor(app: &TestApp) -> TgUser {
    app.mentor(11, "Бауыржан", "ru", "№7 мектеп").await
}

/// Ерлан (20) speaks Kazakh; his parents Сәуле (40) Russian and Мұрат (41)
/// Kazakh; Айгүл (10) Russian.
async fn cast_with_a_successor(app: &TestApp) -> (Cast, TgUser, Coordinators) {
    let p = programme().student("kk").parents(&["ru", "kk"]).join(app).await;
    let successor = second_mentor(app).await;
    let c = coordinators(app).await;
    (p, successor, c)
}

/// Presses the button whose label contains `label` on the last screen
/// with buttons; returns what the bot sent.
async fn tap(app: &TestApp, who: &TgUser, screen: &[Sent], label: &str) -> Vec<Sent> {
    app.press_button(who, &with_buttons(screen), label).await
}

/// Presses «Yes» (`label`) on a confirmation; returns the screen and the
/// button's data too, to press them again.
async fn confirm(app: &TestApp, who: &TgUser, screen: &[Sent], label: &str) -> (Sent, String, Vec<Sent>) {
    let yes = with_buttons(screen);
    let data = yes.button_data(label).unwrap_or_else(|| panic!("no {label:?} in {:?}", yes.button_texts()));
    let done = app.press(who, &yes, &data).await;
    (yes, data, done)
}

/// How many times `text` reached the user's chat in what they saw.
fn times(seen: &[Sent], text: &str) -> usize {
    seen.iter().filter(|s| s.text().contains(text)).count()
}

/// The menu Telegram shows this user.
fn menu(app: &TestApp, user: &TgUser) -> Vec<String> {
    let scope = format!("chat:{}", user.id);
    app.fake.commands(&scope, None).expect("a menu").into_iter().map(|(c, _)| c).collect()
}

/// Айгүл leaves at 23:00: her student Ерлан (who asked in the morning), his
/// parents (Сәуле asked in the night, held for Айгүл's morning) and their
/// meeting are handed over to Бауыржан. Each student and parent is told
/// once, in their own language; the meeting is cancelled with the usual
/// notices; Бауыржан gets a summary (who and when, never what) when his
/// quiet hours end; Айгүл never gets the held question, is told, and
/// nothing of a mentor's works for her; a second press does nothing.
async fn a_mentor_leaves_and_everything_is_handed_over_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (p, successor, c) = cast_with_a_successor(&app).await;
    publish(&app, &p).await;
    book_first(&app, &p).await;
    app.send(&p.student, "Менің құпия сұрағым").await;
    let copy = with_buttons(&app.sees(&p.mentor).await);
    night(&app);
    app.send(&p.parent, "Вопрос мамы про экзамен").await;
    for u in [&p.mentor, &p.student, &p.parents[0], &p.parents[1], &successor, &c.district] {
        app.catch_up(u);
    }

    let list = app.send(&c.district, "/mentors").await;
    list.says("Аудан: Талдықорған. Тәлімгерлер саны: 2.")
        .says("1. Айгүл — №5 мектеп")
        .says("1 оқушы · жауапсыз 2 сұрақ · 1 кездесу · 0 шұғыл хабарлама")
        .says("Ең ескі сұрақ 14 сағат күтіп тұр.")
        .says("2. Бауыржан — №7 мектеп")
        .never_says("құпия")
        .never_says("экзамен");
    let card = tap(&app, &c.district, &list, "Айгүл").await;
    card.says("Тәлімгер: Айгүл").says("Мектеп: №5 мектеп").says("Алдағы 7 күндегі кездесулер: 1");
    let choice = tap(&app, &c.district, &card, "Бағдарламадан шығару").await;
    choice.says("кімге беру керек?");
    assert!(!with_buttons(&choice).button_texts().iter().any(|b| b.contains("Айгүл")), "not herself");
    let asked = tap(&app, &c.district, &choice, "Бауыржан — 0 оқушы").await;
    asked
        .says("Тәлімгерді бағдарламадан шығару керек пе?")
        .says("Оқушылардың жаңа тәлімгері: Бауыржан")
        .says("• 1 оқушы жаңа тәлімгерге ауысады")
        .says("• 2 ата-ана да")
        .says("• Жауапсыз 2 сұрақ жаңа тәлімгерге өтеді")
        .says("• Алдағы 1 кездесу өтпейді");
    let (yes, data, done) = confirm(&app, &c.district, &asked, "Иә, бағдарламадан шығару").await;
    done.says("Дайын. Бағдарламадан шығарылған тәлімгер: Айгүл")
        .says("• 1 оқушы енді жаңа тәлімгерде.")
        .says("• 2 ата-ана жаңа тәлімгер туралы хабарлама алады.")
        .says("• 1 кездесу өтпейді")
        .says("⏸ Тәлімгерлік бағдарламасынан шығарылған.");
    assert!(with_buttons(&done).button_data("Бағдарламаға қайтару").is_some());

    // Each student and parent once, in their language; the meeting's usual notices.
    let student = app.sees(&p.student).await;
    assert_eq!(times(&student, "Жаңа тәлімгеріңіз: Бауыржан"), 1, "{}", student.shown());
    student.says("Жауап берілмеген сұрақтарыңыз жаңа тәлімгерге мәтінсіз берілді");
    student.says("Кездесу өтпейді, себебі тәлімгер ауысты.");
    let mum = app.sees(&p.parents[0]).await;
    assert_eq!(times(&mum, "У ребёнка новый ментор."), 1, "{}", mum.shown());
    mum.says("Ребёнок: Ерлан\nНовый ментор: Бауыржан")
        .says("Ваши вопросы без ответа переданы новому ментору");
    mum.says("Встреча отменена, потому что сменился ментор.");
    let dad = app.sees(&p.parents[1]).await;
    assert_eq!(times(&dad, "Балаңыздың тәлімгері ауысты."), 1, "{}", dad.shown());
    dad.says("Жаңа тәлімгер: Бауыржан").never_says("сұрақтарыңыз");
    // Айгүл is told at once; her menu is what is left; Бауыржан sleeps.
    let aigul = app.sees(&p.mentor).await;
    aigul.says("Вы выведены из программы наставничества координатором.").says("Новый ментор: Бауыржан");
    aigul.says("Встреча отменена, потому что сменился ментор.");
    assert_eq!(menu(&app, &p.mentor), ["help", "language", "privacy", "deleteme"]);
    app.sees(&successor).await.nothing();

    // A second press of «Yes» does nothing twice.
    app.press(&c.district, &yes, &data).await.says("орындалып қойған");
    for u in [&p.student, &p.parents[0], &p.parents[1], &p.mentor] {
        app.sees(u).await.nothing();
    }

    // The morning: Бауыржан's summary; Айгүл never gets the held question.
    morning(&app);
    let summary = app.waits_to_see(&successor).await;
    summary
        .says("Вам передан 1 ученик другого ментора.")
        .says("Прежний ментор: Айгүл")
        .says("К вам перешли 2 вопроса без ответа.")
        .says("1. Ученик: Ерлан. Когда: вторник, 1 сентября, 09:00")
        .says("2. Родитель: Сәуле, ребёнок: Ерлан. Когда: вторник, 1 сентября, 23:00")
        .never_says("құпия")
        .never_says("экзамен");
    app.sees(&p.mentor).await.nothing();
    let held = "SELECT COUNT(*) FROM outbox WHERE chat_id = 10 AND key LIKE 'q:%' AND state = 'cancelled'";
    assert_eq!(app.count(held).await, 1, "the held copy for Айгүл");

    // Nothing of a mentor's works for Айгүл; a student who writes again
    // reaches Бауыржан, who can answer the old questions from /questions.
    app.send(&p.mentor, "/mentees").await.says("Вы выведены из программы").says("/language — ");
    app.send(&p.mentor, "Ерлан, жду вас завтра").await.says("никому не доставлено");
    let refused = app.press(&p.mentor, &copy, &copy.button_data("Ответить").expect("reply")).await;
    refused.says("кнопки ментора не работают");
    let sent = app.send(&p.student, "Сәлеметсіз бе, мен қайта жазып отырмын").await;
    assert!(sent.iter().any(|s| s.chat_id == 11 && s.text().contains("қайта жазып")), "{}", sent.shown());
    assert!(!sent.iter().any(|s| s.chat_id == 10), "{}", sent.shown());
    app.send(&successor, "/questions").await.says("Без ответа 3 вопроса");
    assert_eq!(app.count("SELECT COUNT(*) FROM mentor_students WHERE mentor_id = 11").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM questions WHERE mentor_id = 10 AND answered_at IS NULL").await,
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM meetings WHERE status = 'cancelled'").await, 1);
    app.stop().await;
}

/// Бауыржан has no students: he leaves with nothing to hand over, and his
/// class link stops working. Nothing of a mentor's works for him — his
/// menu, /start and a change of language say so —; brought back, he has
/// the mentor's commands again and no students, and the old link stays
/// closed.
async fn a_mentor_without_students_leaves_and_comes_back(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_p, bauyrzhan, c) = cast_with_a_successor(&app).await;
    let link = app.invite_link(InviteTarget::Student { mentor: UserId(11) }, None, None, 30).await;
    let list = app.send(&c.regional, "/mentors").await;
    list.says("Все районы области: 2 ментора.").says("Бауыржан — №7 мектеп, Талдықорған");
    let card = tap(&app, &c.regional, &list, "Бауыржан").await;
    let asked = tap(&app, &c.regional, &card, "Вывести из программы").await;
    asked.says("Учеников, вопросов без ответа и будущих встреч у этого ментора нет — передавать нечего.");
    let done = tap(&app, &c.regional, &asked, "Да, вывести").await;
    done.says("Готово. Ментор вне программы: Бауыржан").says("⏸ Вне программы наставничества.");
    app.sees(&bauyrzhan).await.says("Вы выведены из программы наставничества координатором.");
    assert_eq!(menu(&app, &bauyrzhan), ["help", "language", "privacy", "deleteme"]);

    let newcomer = app.user(25, "Аружан", Some("kk"));
    app.open_link(&newcomer, &link).await.says("мерзімі");
    assert_eq!(app.role_of(25).await, None, "nobody joins a mentor who left");
    app.send(&bauyrzhan, "/today").await.says("Вы выведены из программы");
    app.send(&bauyrzhan, "/start").await.says("Вы выведены из программы");
    // What is kept about them, and erasing it, stay theirs.
    app.send(&bauyrzhan, "/privacy").await.says("Что я храню о вас").never_says("Вы выведены");
    let choose = app.send(&bauyrzhan, "/language").await;
    let kazakh = tap(&app, &bauyrzhan, &choose, "Қазақша").await;
    kazakh.says("Үйлестіруші сізді тәлімгерлік бағдарламасынан шығарды");
    assert_eq!(menu(&app, &bauyrzhan), ["help", "language", "privacy", "deleteme"]);

    let card = with_buttons(&done);
    let back = app.press_button(&c.regional, &card, "Вернуть в программу").await;
    back.says("Готово. Ментор снова в программе: Бауыржан");
    app.sees(&bauyrzhan).await.says("Сіз тәлімгерлік бағдарламасына қайта қосылдыңыз");
    assert!(menu(&app, &bauyrzhan).contains(&"mentees".to_owned()), "{:?}", menu(&app, &bauyrzhan));
    app.send(&bauyrzhan, "/mentees").await.says("Сізде әзірге оқушы жоқ");
    // The same press again: already done.
    app.catch_up(&bauyrzhan);
    let data = card.button_data("Вернуть в программу").expect("reactivate");
    app.press(&c.regional, &card, &data).await.says("Это уже сделано");
    app.sees(&bauyrzhan).await.nothing();
    let other = app.user(26, "Әсел", Some("kk"));
    app.open_link(&other, &link).await.says("мерзімі");
    app.stop().await;
}

/// The regional coordinator moves Ерлан from Айгүл to Бауыржан: Ерлан and
/// his parents learn who, each in their language, his question moves with
/// him, his meeting with Айгүл is cancelled, both mentors are told; a
/// second press does nothing; Айгүл stays a mentor.
async fn one_student_moves_to_another_mentor(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (p, bauyrzhan, c) = cast_with_a_successor(&app).await;
    publish(&app, &p).await;
    book_first(&app, &p).await;
    app.send(&p.student, "Менің құпия сұрағым").await;
    for u in [&p.mentor, &p.student, &p.parents[0], &p.parents[1], &bauyrzhan] {
        app.catch_up(u);
    }
    let list = app.send(&c.regional, "/mentors").await;
    let card = tap(&app, &c.regional, &list, "Айгүл").await;
    let students = tap(&app, &c.regional, &card, "Передать ученика").await;
    let mentors = tap(&app, &c.regional, &students, "Ерлан").await;
    mentors.says("Ученик: Ерлан").says("Сейчас ментор: Айгүл");
    let asked = tap(&app, &c.regional, &mentors, "Бауыржан").await;
    asked
        .says("Передать ученика другому ментору?")
        .says("Новый ментор: Бауыржан")
        .says("• 1 вопрос без ответа перейдёт к новому ментору")
        .says("• 1 будущая встреча будет отменена");
    let (yes, data, done) = confirm(&app, &c.regional, &asked, "Да, передать").await;
    done.says("Готово. Ученик: Ерлан\nНовый ментор: Бауыржан")
        .says("• 2 родителя получат сообщение о новом менторе.")
        .says("• 1 вопрос без ответа теперь у нового ментора.")
        .never_says("• 1 ученик");

    let student = app.sees(&p.student).await;
    assert_eq!(times(&student, "Жаңа тәлімгеріңіз: Бауыржан"), 1, "{}", student.shown());
    student.says("Кездесу өтпейді, себебі тәлімгер ауысты.");
    assert_eq!(times(&app.sees(&p.parents[0]).await, "У ребёнка новый ментор."), 1);
    assert_eq!(times(&app.sees(&p.parents[1]).await, "Балаңыздың тәлімгері ауысты."), 1);
    let aigul = app.sees(&p.mentor).await;
    aigul.says("По решению координатора ученик передан другому ментору.").says("Ученик: Ерлан");
    let new = app.sees(&bauyrzhan).await;
    new.says("Вам передан ученик другого ментора.").says("1. Ученик: Ерлан.").never_says("құпия");

    app.press(&c.regional, &yes, &data).await.says("Это уже сделано");
    for u in [&p.student, &p.parents[0], &p.parents[1], &p.mentor, &bauyrzhan] {
        app.sees(u).await.nothing();
    }
    app.send(&p.mentor, "/mentees").await.says("У вас пока нет учеников");
    app.send(&bauyrzhan, "/mentees").await.says("У вас 1 ученик");
    app.stop().await;
}

/// Every button of a coordinator's screens — the list, the card, the
/// choice of a successor, the confirmations — as the coordinator got it.
async fn coordinator_buttons(app: &TestApp, c: &TgUser) -> Vec<String> {
    let mut all = Vec::new();
    let mut keep = |screen: &[Sent]| {
        let shown = with_buttons(screen);
        all.extend(shown.buttons.iter().flatten().filter_map(|b| b.data.clone()));
    };
    let list = app.send(c, "/mentors").await;
    keep(&list);
    let card = tap(app, c, &list, "Айгүл").await;
    keep(&card);
    let choice = tap(app, c, &card, "Вывести из программы").await;
    keep(&choice);
    let asked = tap(app, c, &choice, "Бауыржан").await;
    keep(&asked);
    let card = tap(app, c, &list, "Айгүл").await;
    let students = tap(app, c, &card, "Передать ученика").await;
    keep(&students);
    let mentors = tap(app, c, &students, "Ерлан").await;
    keep(&mentors);
    let asked = tap(app, c, &mentors, "Бауыржан").await;
    keep(&asked);
    all.sort();
    all.dedup();
    all
}

/// Nothing changed: Айгүл in the programme with her student.
async fn nothing_changed(app: &TestApp) {
    let out = "SELECT COUNT(*) FROM users WHERE id = 10 AND deactivated_at IS NOT NULL";
    assert_eq!(app.count(out).await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM mentor_students WHERE mentor_id = 10").await, 1);
}

async fn only_coordinators_run_mentors_or_press_its_buttons(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (p, bauyrzhan, c) = cast_with_a_successor(&app).await;
    app.send(&p.mentor, "/mentors").await.says("Список менторов видят координаторы").never_says("Бауыржан");
    app.send(&p.student, "/mentors").await.says("Тәлімгерлер тізімін бағдарлама үйлестірушілері көреді");
    app.send(&p.parent, "/mentors").await.says("Список менторов видят координаторы");
    let all = coordinator_buttons(&app, &c.regional).await;
    assert!(all.iter().any(|d| d.starts_with("cmy:10:11")), "{all:?}");
    assert!(all.iter().any(|d| d.starts_with("cmv:20:10:11")), "{all:?}");
    for (who, refusal) in [
        (&p.mentor, "Эта кнопка — для координаторов программы"),
        (&bauyrzhan, "Эта кнопка — для координаторов программы"),
        (&p.student, "Бұл батырманы бағдарлама үйлестірушілері басады"),
        (&p.parent, "Эта кнопка — для координаторов программы"),
    ] {
        app.catch_up(who);
        let own = last_message(&app, who);
        for data in &all {
            let answers = app.press(who, &own, data).await;
            answers.says(refusal).never_says("Айгүл").never_says("Ерлан");
            assert!(answers.iter().all(|s| s.method == "answerCallbackQuery"), "{data}: {answers:?}");
        }
        assert!(app.sees(who).await.iter().all(|s| s.method == "answerCallbackQuery"), "toasts only");
    }
    nothing_changed(&app).await;
    app.stop().await;
}

/// Дана coordinates another district, with a mentor of her own: she sees
/// only him; the cast's district coordinator sees Айгүл and Бауыржан, not
/// him; the regional one all three. Дана's forged presses of the other
/// district's real buttons are refused and change nothing.
async fn a_coordinator_sees_and_acts_on_their_district_only(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (p, _bauyrzhan, c) = cast_with_a_successor(&app).await;
    let now = Clock::now(&*app.clock);
    let there = app.db.district_named("Панфилов", now).await.expect("district");
    let school = app.db.school_named(there, "Жаркент №1 мектебі", now).await.expect("school");
    let link = app.invite_link(InviteTarget::Mentor, Some(there), Some(school), 1).await;
    let daulet = app.user(12, "Дәулет", Some("ru"));
    app.open_link(&daulet, &link).await;

    let own = app.send(&c.other, "/mentors").await;
    own.says("Район: Панфилов. В нём 1 ментор.").says("Дәулет").never_says("Айгүл").never_says("Бауыржан");
    let district = app.send(&c.district, "/mentors").await;
    district.says("Айгүл").says("Бауыржан").never_says("Дәулет");
    let all = app.send(&c.regional, "/mentors").await;
    all.says("Все районы области: 3 ментора.")
        .says("Айгүл")
        .says("Бауыржан")
        .says("Дәулет — Жаркент №1 мектебі, Панфилов");
    // Дәулет cannot take over from Айгүл: another district.
    let card = tap(&app, &c.regional, &all, "Айгүл").await;
    let choice = tap(&app, &c.regional, &card, "Вывести из программы").await;
    let successors = with_buttons(&choice).button_texts();
    assert!(successors.iter().any(|b| b.contains("Бауыржан")), "{successors:?}");
    assert!(!successors.iter().any(|b| b.contains("Дәулет")), "{successors:?}");

    app.catch_up(&p.student);
    let buttons = coordinator_buttons(&app, &c.regional).await;
    let message = last_message(&app, &c.other);
    // A page of the list is any coordinator's own list, and Дәулет's card
    // hers to open: not forgeries.
    for data in buttons.iter().filter(|d| !d.starts_with("cml:") && *d != "cmc:12") {
        let answers = app.press(&c.other, &message, data).await;
        answers.says("Эта карточка вам недоступна").never_says("Айгүл").never_says("Ерлан");
    }
    // Forged ids naming Дәулет as the successor do no better.
    for data in ["cmy:10:12", "cmv:20:10:12"] {
        app.press(&c.district, &last_message(&app, &c.district), data).await.says("жағдай өзгерді");
    }
    nothing_changed(&app).await;
    app.sees(&p.student).await.nothing();
    app.stop().await;
}

/// The district's coordinator has Айгүл's confirmation open, naming
/// Бауыржан; meanwhile the regional coordinator takes Бауыржан out. The
/// confirmation, pressed, changes nothing and shows Айгүл's card as it is;
/// the regional coordinator's old card of Бауыржан, pressed, shows him out.
async fn a_stale_screen_is_redrawn_and_changes_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (p, _bauyrzhan, c) = cast_with_a_successor(&app).await;
    let list = app.send(&c.district, "/mentors").await;
    let card = tap(&app, &c.district, &list, "Айгүл").await;
    let choice = tap(&app, &c.district, &card, "Бағдарламадан шығару").await;
    let asked = tap(&app, &c.district, &choice, "Бауыржан").await;

    let list = app.send(&c.regional, "/mentors").await;
    let his = tap(&app, &c.regional, &list, "Бауыржан").await;
    let out = tap(&app, &c.regional, &his, "Вывести из программы").await;
    tap(&app, &c.regional, &out, "Да, вывести").await.says("Ментор вне программы: Бауыржан");
    app.catch_up(&p.student);

    let stale = tap(&app, &c.district, &asked, "Иә, бағдарламадан шығару").await;
    stale.says("Экран ашық тұрғанда жағдай өзгерді").says("Тәлімгер: Айгүл").says("Оқушылар саны: 1");
    nothing_changed(&app).await;
    app.sees(&p.student).await.nothing();
    let again = tap(&app, &c.regional, &his, "Вывести из программы").await;
    again.says("Пока экран был открыт, всё изменилось").says("⏸ Вне программы наставничества.");
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE deactivated_at IS NOT NULL").await, 1);
    app.stop().await;
}
