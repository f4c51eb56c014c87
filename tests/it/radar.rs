//! The unanswered radar (a question waiting too long, in the mentor's
//! working time, is reported once to the district's coordinators) and the
//! SOS ladder's last rung (the regional coordinators, when the district's
//! do not acknowledge).

use crate::cast::{Cast, programme};
use crate::fake_api::{Sent, TgUser};
use crate::helpers::{Backend, Shown, TestApp, postgres_url, spawn_bot, wait_until, with_buttons};
use crate::on_both_backends;
use crate::relay::sos_setup;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::atomic::Ordering;
use talimger::domain::UserId;
use talimger::domain::invite::InviteTarget;
use talimger::domain::relay::SosEvent;
use talimger::domain::time::Clock;

on_both_backends!(
    a_question_waiting_48_working_hours_is_reported_once_to_its_district,
    an_answered_question_is_never_reported,
    the_mentors_card_is_for_the_districts_and_regional_coordinators_only,
    an_sos_the_district_leaves_goes_on_to_the_regional_coordinators,
    an_sos_the_district_takes_never_reaches_the_region,
);

/// Local time in Almaty, September 2026 (the test clock starts on
/// Tuesday the 1st at 09:00).
fn local(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Almaty
        .with_ymd_and_hms(2026, 9, day, hour, minute, 0)
        .single()
        .expect("a valid time")
        .with_timezone(&Utc)
}

/// Moves the clock and waits until the job runner has run what was due
/// and the outbox has sent it.
async fn advance_to(app: &TestApp, to: DateTime<Utc>) {
    let jobs = app.running.jobs.clone();
    let looked = jobs.wakeups.load(Ordering::SeqCst);
    app.clock.advance(to - Clock::now(&*app.clock));
    wait_until("the job runner looks", || jobs.wakeups.load(Ordering::SeqCst) > looked).await;
    let sql =
        format!("SELECT COUNT(*) FROM jobs WHERE done_at IS NULL AND due_at <= {}", to.timestamp_millis());
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while app.count(&sql).await > 0 {
        assert!(tokio::time::Instant::now() < deadline, "due jobs ran in time");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    app.outbox_drained().await;
}

/// Lets the sender and the runner go back to sleep before the clock jumps
/// (a jump while one is busy is seen only at its next wake-up), as the
/// relay's escalation test does. Not a wait for time: the clock is moved.
async fn settle() {
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
}

/// The coordinators around the cast: Гүлнар (30, Kazakh) of the mentor's
/// district, Марат (31, Russian) of the region, and Дана (32, Russian) of
/// another district.
pub(crate) struct Coordinators {
    pub district: TgUser,
    pub regional: TgUser,
    pub other: TgUser,
}

pub(crate) async fn coordinators(app: &TestApp) -> Coordinators {
    let now = Clock::now(&*app.clock);
    let district = app.db.user(UserId(10)).await.expect("query").and_then(|u| u.district_id);
    let other_district = app.db.district_named("Панфилов", now).await.expect("district");
    let mut joined = Vec::new();
    for (id, name, lang, d) in
        [(30, "Гүлнар", "kk", district), (31, "Марат", "ru", None), (32, "Дана", "ru", Some(other_district))]
    {
        let link = app.invite_link(InviteTarget::Coordinator, d, None, 1).await;
        let user = app.user(id, name, Some(lang));
        app.open_link(&user, &link).await;
        app.catch_up(&user);
        joined.push(user);
    }
    let [district, regional, other] = joined.try_into().expect("three");
    Coordinators { district, regional, other }
}

/// The cast and the coordinators; the student asks a question at 09:00.
async fn asked(app: &TestApp, text: &str) -> (Cast, Coordinators) {
    let p = programme().join(app).await;
    let c = coordinators(app).await;
    app.catch_up(&p.mentor);
    app.send(&p.student, text).await;
    (p, c)
}

/// Asked on Tuesday at 09:00, with quiet hours 22:00–07:00 the days give
/// 13, 15 and 15 working hours: 48 are reached on Friday at 12:00 — not
/// on Thursday at 09:00, when 48 hours of the clock have passed.
async fn a_question_waiting_48_working_hours_is_reported_once_to_its_district(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (p, c) = asked(&app, "/anon Менің құпия сұрағым").await;

    advance_to(&app, local(3, 9, 0)).await;
    app.sees(&c.district).await.nothing();
    advance_to(&app, local(4, 11, 59)).await;
    app.sees(&c.district).await.nothing();

    advance_to(&app, local(4, 12, 0)).await;
    let alert = app.waits_to_see(&c.district).await;
    alert
        .says("тәлімгер 48 сағат бойы жауап бермей отыр")
        .says("Тәлімгер: Айгүл")
        .says("Мектеп: №5 мектеп")
        .says("сұрақтар саны: 1")
        .says("Ең ескі сұрақ қойылған уақыт: 1 қыркүйек, сейсенбі, 09:00")
        .never_says("құпия")
        .never_says("Ерлан");
    assert!(with_buttons(&alert).button_texts().contains(&"Тәлімгердің карточкасы".to_owned()));
    app.sees(&c.regional).await.nothing();
    app.sees(&c.other).await.nothing();
    app.sees(&p.mentor).await.never_says("📡");

    // Once: not again the next days, nor after a restart.
    advance_to(&app, local(7, 12, 0)).await;
    app.sees(&c.district).await.nothing();
    assert_eq!(app.count("SELECT COUNT(*) FROM questions WHERE radar_at IS NOT NULL").await, 1);
    app.stop().await;
}

async fn an_answered_question_is_never_reported(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (p, c) = asked(&app, "Ертең келсем бола ма?").await;
    let copy = with_buttons(&app.sees(&p.mentor).await);
    let since = app.fake.last_seq();
    let id = app.fake.push_reply(&p.mentor, copy.message_id.expect("id"), "Иә, келіңіз");
    app.handled(id, since).await;

    advance_to(&app, local(8, 12, 0)).await;
    app.sees(&c.district).await.nothing();
    app.sees(&c.regional).await.nothing();
    assert_eq!(app.count("SELECT COUNT(*) FROM questions WHERE radar_at IS NOT NULL").await, 0);
    app.stop().await;
}

/// The last message the bot sent this user (to press forged data on).
pub(crate) fn last_message(app: &TestApp, user: &TgUser) -> Sent {
    let sent = app.fake.sent_to(user.id).into_iter().rev();
    sent.filter(|s| s.method == "sendMessage").find(|s| s.message_id.is_some()).expect("a message")
}

/// With a one-hour alert: the button opens the mentor's card in `/mentors`
/// for the district's coordinator and a regional one (an alert sent before
/// `/mentors`, with `cr:`, opens it too); a forged press by the mentor,
/// the student, the parent or another district's coordinator is refused
/// and shows nothing.
async fn the_mentors_card_is_for_the_districts_and_regional_coordinators_only(backend: Backend) {
    let app = TestApp::start_with(backend, &[], |c| c.unanswered_alert = Duration::hours(1)).await;
    let (p, c) = asked(&app, "Сәлеметсіз бе").await;
    advance_to(&app, local(1, 10, 0)).await;
    let alert = with_buttons(&app.waits_to_see(&c.district).await);
    alert.text().says("1 сағат бойы");
    let data = alert.button_data("карточкасы").expect("the card's button");
    assert_eq!(data, "cmc:10");

    let card = app.press(&c.district, &alert, &data).await;
    card.says("Тәлімгер: Айгүл").says("Оқушылар саны: 1").says("Жауапсыз сұрақтар саны: 1");
    card.says("Ең ескі сұрақ қойылған уақыт: 1 қыркүйек, сейсенбі, 09:00. Ол 1 сағат күтіп тұр.");
    card.never_says("Сәлеметсіз");
    // The regional coordinator, with a button of an alert sent before `/mentors`.
    let message = last_message(&app, &c.regional);
    app.press(&c.regional, &message, "cr:10")
        .await
        .says("Ментор: Айгүл")
        .says("Ученики: 1 человек")
        .says("Без ответа: 1 вопрос");

    for forged in [data.as_str(), "cr:10"] {
        let refused = app.press(&c.other, &last_message(&app, &c.other), forged).await;
        refused.says("Эта карточка вам недоступна").never_says("Айгүл");
        let refused = app.press(&p.mentor, &last_message(&app, &p.mentor), forged).await;
        refused.says("для координаторов").never_says("Ученики");
        let refused = app.press(&p.student, &last_message(&app, &p.student), forged).await;
        refused.says("үйлестірушілері басады").never_says("Оқушылар саны");
        let refused = app.press(&p.parent, &last_message(&app, &p.parent), forged).await;
        refused.says("для координаторов").never_says("Ученики");
    }
    app.stop().await;
}

/// The district's coordinator is alerted after 15 minutes and does not
/// acknowledge: 15 minutes later the regional coordinator is, and takes
/// it; everyone already alerted learns who.
async fn an_sos_the_district_leaves_goes_on_to_the_regional_coordinators(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student, district, regional) = sos_setup(&app).await;
    app.catch_up(&district);
    app.catch_up(&regional);
    app.send(&student, "/sos Үйде қорқынышты").await;
    let raised = Clock::now(&*app.clock);

    settle().await;
    app.clock.advance(Duration::minutes(15));
    app.waits_to_see(&district).await.says("ШҰҒЫЛ").says("Үйде қорқынышты");
    app.sees(&regional).await.nothing();
    settle().await;
    app.clock.advance(Duration::minutes(14));
    app.outbox_drained().await;
    app.sees(&regional).await.nothing();

    settle().await;
    app.clock.advance(Duration::minutes(1));
    let alert = app.waits_to_see(&regional).await;
    alert
        .says("СРОЧНО")
        .says("Ерлан")
        .says("Үйде қорқынышты")
        .says("Координаторы района тоже пока не ответили")
        .says("Район: Талдықорған");
    let alert = with_buttons(&alert);
    let taken = app.press_button(&regional, &alert, "Вижу, занимаюсь").await;
    taken.says("Спасибо");
    app.sees(&district).await.says("Марат");
    app.sees(&mentor).await.says("Марат");
    app.sees(&student).await.says("үйлестірушісі");

    let q = app.db.open_questions(UserId(10), 10).await.expect("query")[0].id;
    let steps = app.db.sos_steps(q).await.expect("query");
    let regional_due = steps.iter().find(|s| s.0 == SosEvent::RegionalDue).expect("the last rung");
    assert_eq!(regional_due.2, (raised + Duration::minutes(30)).timestamp_millis());
    let ack = steps.iter().find(|s| s.0 == SosEvent::Acknowledged).expect("acknowledged");
    assert_eq!(ack.1, Some(31), "who took it");
    // A second press: already taken.
    app.press(
        &district,
        &with_buttons(&app.fake.sent_to(district.id)),
        &alert.button_data("Вижу").expect("ack"),
    )
    .await
    .says("Марат");
    app.stop().await;
}

async fn an_sos_the_district_takes_never_reaches_the_region(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (_mentor, student, district, regional) = sos_setup(&app).await;
    app.catch_up(&regional);
    app.send(&student, "/sos").await;
    app.send(&student, "Көмектесіңізші").await;
    settle().await;
    app.clock.advance(Duration::minutes(15));
    let alert = with_buttons(&app.waits_to_see(&district).await);
    app.press_button(&district, &alert, "Көрдім").await;
    settle().await;
    app.clock.advance(Duration::minutes(20));
    app.outbox_drained().await;
    app.clock.advance(Duration::hours(2));
    app.outbox_drained().await;
    app.sees(&regional).await.nothing();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE key LIKE 'sos:%:31%' AND state = 'cancelled'").await,
        1,
        "the regional alert was planned, and cancelled by the acknowledgement"
    );
    app.stop().await;
}

/// Two instances on one PostgreSQL: the question is reported once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_report_a_question_once() {
    if postgres_url().is_none() {
        return;
    }
    let app = TestApp::start(Backend::Postgres).await;
    let stop_second = tokio_util::sync::CancellationToken::new();
    let (second, _running) = spawn_bot(app.config(), &app.clock, &stop_second);
    let (_p, c) = asked(&app, "Сәлеметсіз бе").await;
    advance_to(&app, local(4, 12, 0)).await;
    app.waits_to_see(&c.district).await.says("Айгүл");
    advance_to(&app, local(5, 12, 0)).await;
    app.sees(&c.district).await.nothing();
    assert_eq!(app.count("SELECT COUNT(*) FROM questions WHERE radar_at IS NOT NULL").await, 1);
    stop_second.cancel();
    second.await.expect("no panic").expect("stops cleanly");
    app.stop().await;
}
