//! Reminders and digests, with the test clock: exact times for each lead
//! and recipient, cancel and move (also once queued), catch-up after
//! downtime on both sides of the start, the morning agenda, time-zone
//! edges, two instances on one PostgreSQL, and a crash mid-job. The bot's
//! clock starts on Tuesday 1 September 2026, 09:00 in Almaty (04:00 UTC).

use crate::cast::programme;
use crate::fake_api::{Sent, TgUser};
use crate::helpers::*;
use crate::on_both_backends;
use chrono::{Duration, TimeZone, Utc};
use std::sync::atomic::Ordering;
use talimger::domain::UserId;
use talimger::domain::invite::InviteTarget;
use talimger::domain::quiet::QuietHours;

on_both_backends!(
    each_lead_reaches_everyone_once_in_their_own_language,
    cancelling_or_moving_drops_the_old_reminders_even_once_queued,
    after_downtime_a_late_reminder_says_how_soon_and_a_begun_meeting_gets_none,
    a_lead_already_past_at_booking_is_skipped_and_the_confirmation_says_so,
    the_morning_agenda_and_the_unanswered_questions_respect_quiet_hours,
    time_zone_edges_of_reminders_and_the_agenda,
    weekly_slots_are_kept_ahead_by_the_days_job,
    a_meeting_moved_after_its_first_reminder_is_reminded_again,
);

pub(crate) fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("valid")
}

/// The last message with buttons among those `sent` to `user`.
fn buttons_for(sent: &[Sent], user: &TgUser) -> Sent {
    with_buttons(&sent.iter().filter(|s| s.chat_id == user.id).cloned().collect::<Vec<_>>())
}

/// The student books the slot whose button shows `time` (three taps).
pub(crate) async fn book(app: &TestApp, student: &TgUser, time: &str) -> Vec<Sent> {
    let list = app.send(student, "/book").await;
    let topic = app.press_button(student, &buttons_for(&list, student), time).await;
    let check = app.press_button(student, &buttons_for(&topic, student), "Тақырыпсыз").await;
    app.press_button(student, &buttons_for(&check, student), "Растау").await
}

async fn meeting_id(app: &TestApp) -> i64 {
    app.count("SELECT MAX(id) FROM meetings").await
}

/// The reminders one chat has received.
pub(crate) fn reminders_to(app: &TestApp, chat: i64) -> Vec<Sent> {
    app.fake
        .sent_to(chat)
        .into_iter()
        .filter(|s| s.method == "sendMessage" && s.text().starts_with("⏰"))
        .collect()
}

/// Moves the clock and waits until the job runner has looked (and run
/// what was due, and the outbox sent it).
async fn advance_to(app: &TestApp, to: chrono::DateTime<Utc>) {
    let now = talimger::domain::time::Clock::now(&*app.clock);
    let jobs = app.running.jobs.clone();
    let looked = jobs.wakeups.load(Ordering::SeqCst);
    app.clock.advance(to - now);
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

async fn each_lead_reaches_everyone_once_in_their_own_language(backend: Backend) {
    let mut app = TestApp::start(backend).await;
    let p = programme().parents(&["ru", "kk"]).join(&app).await;
    // The second parent has blocked the bot: the booking notice finds out.
    app.fake.block(p.parents[1].id);
    app.send(&p.mentor, "/slots place каб. 12").await;
    app.send(&p.mentor, "/slots add 2026-09-03 15:00 30 2").await;
    let done = book(&app, &p.student, "15:00").await;
    done.says("Кездесуге 24 сағат және 1 сағат қалғанда еске саламын.");
    let id = meeting_id(&app).await;
    assert_eq!(
        app.db.planned_jobs("remind:").await.expect("q"),
        vec![
            (format!("remind:{id}:1440"), at(2026, 9, 2, 10, 0)),
            (format!("remind:{id}:60"), at(2026, 9, 3, 9, 0))
        ],
        "15:00 local is 10:00 UTC: 24 h and 1 h before"
    );

    // A minute before: nothing.
    advance_to(&app, at(2026, 9, 2, 9, 59)).await;
    for chat in [&p.mentor, &p.student, &p.parents[0], &p.parents[1]].map(|u| u.id) {
        assert!(reminders_to(&app, chat).is_empty(), "nothing to {chat} yet");
    }
    // On the minute: the student, the reachable parent and the mentor, each
    // in their own language, each with their own buttons.
    advance_to(&app, at(2026, 9, 2, 10, 0)).await;
    let student = reminders_to(&app, p.student.id);
    assert_eq!(student.len(), 1, "{student:?}");
    assert!(
        student[0].text().starts_with("⏰ Еске салу: кездесуге 24 сағат қалды."),
        "{}",
        student[0].text()
    );
    assert!(student[0].text().contains("Уақыты: 3 қыркүйек, бейсенбі, 15:00–15:30"), "{}", student[0].text());
    assert!(student[0].text().contains("Орны: каб. 12"), "{}", student[0].text());
    assert_eq!(student[0].button_texts(), ["Болдырмау", "Уақытын ауыстыру"]);
    let mentor = reminders_to(&app, p.mentor.id);
    assert_eq!(mentor.len(), 1);
    assert!(mentor[0].text().starts_with("⏰ Напоминание: встреча через 24 часа."), "{}", mentor[0].text());
    assert!(mentor[0].text().contains("Ученик: Ерлан"), "{}", mentor[0].text());
    let parent = reminders_to(&app, p.parent.id);
    assert_eq!(parent.len(), 1);
    assert!(parent[0].text().contains("Когда: четверг, 3 сентября, 15:00–15:30"), "{}", parent[0].text());
    assert_eq!(parent[0].button_texts(), ["Отменить", "Перенести", "Понятно"]);
    assert!(reminders_to(&app, p.parents[1].id).is_empty(), "a parent who blocked the bot is skipped");
    let recorded = app.db.reminders_of(talimger::domain::MeetingId(id)).await.expect("q");
    assert_eq!(
        recorded,
        vec![
            (1440, UserId(p.mentor.id), false),
            (1440, UserId(p.student.id), false),
            (1440, UserId(p.parents[0].id), false),
            (1440, UserId(p.parents[1].id), true)
        ]
    );
    let sent_at = app.count(&format!("SELECT MIN(at) FROM reminders WHERE meeting_id = {id}")).await;
    assert_eq!(sent_at, at(2026, 9, 2, 10, 0).timestamp_millis(), "queued at the exact time");

    // The parent says «Got it»: the button goes, the others stay; a second
    // press changes nothing; the mentor sees it, and who will not be reminded.
    let answer = app.press_button(&p.parent, &parent[0], "Понятно").await;
    answer.says("Спасибо!");
    let edit = answer.iter().find(|s| s.method == "editMessageReplyMarkup").expect("the keyboard is edited");
    assert_eq!(edit.button_texts(), ["Отменить", "Перенести"]);
    let again = app.press(&p.parent, &parent[0], &parent[0].button_data("Понятно").expect("data")).await;
    again.says("Вы уже отметили");
    assert_eq!(app.count("SELECT COUNT(*) FROM reminder_acks").await, 1);
    let forged = app.press(&p.student, &student[0], &format!("mg:{id}")).await;
    forged.says("Бұл енді қолжетімді емес");
    assert_eq!(app.count("SELECT COUNT(*) FROM reminder_acks").await, 1, "a student cannot say «Got it»");
    let week = app.send(&p.mentor, "/week").await;
    week.says("✓ Напоминание подтверждено: Сәуле");
    week.says("⚠️ Напоминание не будет доставлено (бот заблокирован): Мұрат");

    // The hour before: once more, "in 1 hour".
    advance_to(&app, at(2026, 9, 3, 9, 0)).await;
    assert!(reminders_to(&app, p.student.id)[1].text().starts_with("⏰ Еске салу: кездесуге 1 сағат қалды."));
    assert!(reminders_to(&app, p.mentor.id)[1].text().starts_with("⏰ Напоминание: встреча через 1 час."));
    let today = app.send(&p.mentor, "/today").await;
    today.says("✓ Напоминание подтверждено: Сәуле");

    // Exactly once, also across a restart.
    app.restart().await;
    advance_to(&app, at(2026, 9, 3, 9, 30)).await;
    for (chat, n) in
        [(&p.mentor, 2), (&p.student, 2), (&p.parents[0], 2), (&p.parents[1], 0)].map(|(u, n)| (u.id, n))
    {
        assert_eq!(reminders_to(&app, chat).len(), n, "chat {chat}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM jobs WHERE key LIKE 'remind:%' AND done_at IS NULL").await, 0);
    app.stop().await;
}

async fn cancelling_or_moving_drops_the_old_reminders_even_once_queued(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().parents(&["ru", "kk"]).join(&app).await;
    app.send(&p.mentor, "/slots add 2026-09-03 15:00 30 4").await;

    // Cancelled: its reminders go with it.
    book(&app, &p.student, "15:00").await;
    let list = app.send(&p.student, "/meetings").await;
    let ask = app.press_button(&p.student, &buttons_for(&list, &p.student), "Болдырмау").await;
    app.press_button(&p.student, &buttons_for(&ask, &p.student), "Иә, болдырмау").await;
    assert!(app.db.planned_jobs("remind:").await.expect("q").is_empty());

    // Moved: the old times are dropped, the new ones planned.
    book(&app, &p.student, "15:00").await;
    let id = meeting_id(&app).await;
    let list = app.send(&p.student, "/meetings").await;
    let slots = app.press_button(&p.student, &buttons_for(&list, &p.student), "Уақытын ауыстыру").await;
    let moved = app.press_button(&p.student, &buttons_for(&slots, &p.student), "16:00").await;
    moved.says("еске саламын");
    assert_eq!(
        app.db.planned_jobs("remind:").await.expect("q"),
        vec![
            (format!("remind:{id}:1440"), at(2026, 9, 2, 11, 0)),
            (format!("remind:{id}:60"), at(2026, 9, 3, 10, 0))
        ]
    );
    // The old 24-hour time passes: nothing.
    advance_to(&app, at(2026, 9, 2, 10, 30)).await;
    assert!(reminders_to(&app, p.student.id).is_empty() && reminders_to(&app, p.mentor.id).is_empty());

    // Queued but not yet sent (the student's chat is held by flood
    // control), then the mentor cancels: it is never sent.
    app.fake.rate_limit_for(20, 8);
    app.fake.rate_limit_for(40, 8);
    let now = talimger::domain::time::Clock::now(&*app.clock);
    app.clock.advance(at(2026, 9, 2, 11, 0) - now);
    wait_until("the mentor's reminder is sent", || !reminders_to(&app, p.mentor.id).is_empty()).await;
    assert!(reminders_to(&app, p.student.id).is_empty(), "held by flood control");
    // (Only the updates are awaited here: the outbox holds the student's
    // chat back for the whole window.)
    let since = app.fake.last_seq();
    app.update_handled(app.fake.push_text(&p.mentor, "/meetings")).await;
    let listed = || {
        app.fake
            .sent_since(since)
            .into_iter()
            .find(|s| s.chat_id == p.mentor.id && s.button_data("Отменить").is_some())
    };
    wait_until("the list", || listed().is_some()).await;
    let list = listed().expect("list");
    let data = list.button_data("Отменить").expect("cancel");
    app.update_handled(app.fake.push_callback(&p.mentor, list.message_id.expect("id"), &data)).await;
    wait_until("the question", || {
        app.fake.sent_to(p.mentor.id).last().is_some_and(|s| s.text().contains("причину"))
    })
    .await;
    app.update_handled(app.fake.push_text(&p.mentor, "Заболела")).await;
    assert!(reminders_to(&app, p.student.id).is_empty(), "cancelled within the flood-control window");
    let sql =
        format!("SELECT COUNT(*) FROM outbox WHERE key LIKE 'reminder:{id}:1440:%' AND state = 'cancelled'");
    assert_eq!(app.count(&sql).await, 2, "the held student's and parent's reminders");
    tokio::time::sleep(std::time::Duration::from_millis(8500)).await;
    app.outbox_drained().await;
    assert!(
        reminders_to(&app, p.student.id).is_empty(),
        "a cancelled meeting's queued reminder is never sent"
    );
    assert!(reminders_to(&app, p.parent.id).is_empty());
    // The cancellation itself arrives once the chat may be written to again.
    app.sees(&p.student).await.says("Заболела");
    let cancelled = app
        .count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE key = 'reminder:{id}:1440:20' AND state = 'cancelled'"
        ))
        .await;
    assert_eq!(cancelled, 1);
    advance_to(&app, at(2026, 9, 3, 10, 0)).await;
    assert!(reminders_to(&app, p.student.id).is_empty(), "and no 1-hour reminder either");
    assert_eq!(reminders_to(&app, p.mentor.id).len(), 1);
    app.stop().await;
}

async fn after_downtime_a_late_reminder_says_how_soon_and_a_begun_meeting_gets_none(backend: Backend) {
    let mut app = TestApp::start(backend).await;
    let p = programme().parents(&["ru", "kk"]).join(&app).await;
    app.send(&p.mentor, "/slots add 2026-09-03 15:00 30 1").await;
    book(&app, &p.student, "15:00").await;
    let id = meeting_id(&app).await;
    advance_to(&app, at(2026, 9, 2, 9, 0)).await;
    // Down from 14:00 on Wednesday to 12:00 on Thursday (local): the
    // 24-hour reminder comes late and says three hours, not a day.
    app.restart_after(Duration::hours(22)).await;
    advance_to(&app, at(2026, 9, 3, 7, 0)).await;
    let student = reminders_to(&app, p.student.id);
    assert_eq!(student.len(), 1);
    assert!(student[0].text().starts_with("⏰ Еске салу: кездесуге 3 сағат қалды."), "{}", student[0].text());
    assert!(reminders_to(&app, p.parent.id)[0].text().starts_with("⏰ Напоминание: встреча через 3 часа."));
    // Down again across the start: the 1-hour reminder is not sent.
    app.restart_after(Duration::minutes(190)).await;
    advance_to(&app, at(2026, 9, 3, 10, 10)).await;
    for chat in [&p.mentor, &p.student, &p.parents[0], &p.parents[1]].map(|u| u.id) {
        assert_eq!(reminders_to(&app, chat).len(), 1, "chat {chat}: nothing after the start");
    }
    let outcome = app
        .count(&format!(
            "SELECT COUNT(*) FROM jobs WHERE key = 'remind:{id}:60' AND outcome = 'skipped: meeting has begun'"
        ))
        .await;
    assert_eq!(outcome, 1);
    app.stop().await;
}

async fn a_lead_already_past_at_booking_is_skipped_and_the_confirmation_says_so(backend: Backend) {
    let app = TestApp::start_with(backend, &[], |c| c.booking_lead = Duration::zero()).await;
    let p = programme().parents(&["ru", "kk"]).join(&app).await;
    app.send(&p.mentor, "/slots add 2026-09-01 09:40 30 1").await;
    app.send(&p.mentor, "/slots add 2026-09-01 11:00 30 1").await;
    let soon = book(&app, &p.student, "09:40").await;
    soon.says("Кездесуге аз уақыт қалды, сондықтан бөлек еске салу болмайды.");
    assert!(
        app.db.planned_jobs("remind:").await.expect("q").is_empty(),
        "40 minutes ahead: no 1-hour reminder"
    );
    let later = book(&app, &p.student, "11:00").await;
    later.says("Кездесуге 1 сағат қалғанда еске саламын.");
    let id = meeting_id(&app).await;
    assert_eq!(
        app.db.planned_jobs("remind:").await.expect("q"),
        vec![(format!("remind:{id}:60"), at(2026, 9, 1, 5, 0))]
    );
    app.stop().await;
}

async fn the_morning_agenda_and_the_unanswered_questions_respect_quiet_hours(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().parents(&["ru", "kk"]).join(&app).await;
    let idle = app.mentor(11, "Бақыт", "kk", "№7 мектеп").await;
    // 09:00 is past today's 08:00: the first agenda is tomorrow's.
    assert_eq!(
        app.db.planned_jobs("daily:").await.expect("q"),
        vec![("daily:2026-09-02".to_owned(), at(2026, 9, 2, 3, 0))]
    );
    app.send(&p.student, "Сәлеметсіз бе, сұрағым бар").await;
    app.send(&p.mentor, "/slots add 2026-09-02 15:00 30 1").await;
    book(&app, &p.student, "15:00").await;
    app.sees(&p.mentor).await.says("Сәлеметсіз бе"); // the question reached the mentor

    // Wednesday 08:00: the agenda of the day with a meeting; none for the
    // mentor without; the question is 23 hours old, not yet named.
    advance_to(&app, at(2026, 9, 2, 3, 0)).await;
    // (The meeting's 24-hour reminder comes too, late: the clock jumped.)
    let morning: Vec<Sent> =
        app.sees(&p.mentor).await.iter().filter(|s| !s.text().starts_with("⏰")).cloned().collect();
    assert_eq!(morning.len(), 1, "{morning:?}");
    assert!(
        morning[0]
            .text()
            .starts_with("Доброе утро! Сегодня (среда, 2 сентября) у вас 1 встреча:\n\n15:00–15:30 — Ерлан"),
        "{}",
        morning[0].text()
    );
    app.sees(&idle).await.never_says("Қайырлы таң"); // no meetings, no agenda
    assert_eq!(
        app.db.planned_jobs("daily:").await.expect("q"),
        vec![("daily:2026-09-03".to_owned(), at(2026, 9, 3, 3, 0))],
        "the next day is planned"
    );

    // Thursday, with quiet hours until 09:00: the nudge waits for them to
    // end; no agenda (no meetings that day).
    let mut tx = app.db.begin().await.expect("begin");
    tx.set_quiet_hours(
        UserId(p.mentor.id),
        QuietHours { enabled: true, start_min: 22 * 60, end_min: 9 * 60 },
    )
    .await
    .expect("quiet");
    tx.commit().await.expect("commit");
    // (Past the meeting and its held/no-show question.)
    advance_to(&app, at(2026, 9, 2, 12, 0)).await;
    app.catch_up(&p.mentor);
    advance_to(&app, at(2026, 9, 3, 3, 0)).await;
    app.sees(&p.mentor).await.nothing(); // nothing in quiet hours
    let held = app
        .count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE chat_id = 10 AND state = 'pending' AND due_at = {}",
            at(2026, 9, 3, 4, 0).timestamp_millis()
        ))
        .await;
    assert_eq!(held, 1, "held until 09:00");
    advance_to(&app, at(2026, 9, 3, 4, 0)).await;
    let nudge = app.sees(&p.mentor).await;
    assert_eq!(nudge.len(), 1, "{nudge:?}");
    assert!(
        nudge[0].text().starts_with("1 вопрос ждёт ответа больше суток:\n1. Ерлан — ждёт 47 часов"),
        "{}",
        nudge[0].text()
    );
    assert!(nudge[0].text().ends_with("Ответить можно в /questions."), "{}", nudge[0].text());
    app.stop().await;
}

async fn time_zone_edges_of_reminders_and_the_agenda(backend: Backend) {
    let app = TestApp::start_with(backend, &[], |c| c.agenda_at = 7 * 60 + 30).await;
    let p = programme().parents(&["ru", "kk"]).join(&app).await;
    // Just after midnight on Friday 4 September, local: its 24-hour
    // reminder falls on Thursday, local, which is Wednesday in UTC.
    app.send(&p.mentor, "/slots add 2026-09-04 00:30 30 1").await;
    let done = book(&app, &p.student, "00:30").await;
    done.says("4 қыркүйек, жұма, 00:30–01:00");
    let id = meeting_id(&app).await;
    assert_eq!(
        app.db.planned_jobs("remind:").await.expect("q"),
        vec![
            (format!("remind:{id}:1440"), at(2026, 9, 2, 19, 30)),
            (format!("remind:{id}:60"), at(2026, 9, 3, 18, 30))
        ]
    );
    assert_eq!(
        app.db.planned_jobs("daily:").await.expect("q"),
        vec![("daily:2026-09-02".to_owned(), at(2026, 9, 2, 2, 30))],
        "07:30 local is 02:30 UTC"
    );
    advance_to(&app, at(2026, 9, 2, 19, 30)).await;
    let student = reminders_to(&app, p.student.id);
    assert_eq!(student.len(), 1);
    assert!(student[0].text().contains("4 қыркүйек, жұма, 00:30–01:00"), "{}", student[0].text());
    // Friday's agenda at 07:30 local lists nothing: the meeting was at 00:30
    // and has begun.
    app.catch_up(&p.mentor);
    advance_to(&app, at(2026, 9, 4, 2, 30)).await;
    assert!(app.sees(&p.mentor).await.iter().all(|s| !s.text().starts_with("Доброе утро")));
    app.stop().await;
}

/// Two instances on one PostgreSQL: every reminder is sent once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_send_each_reminder_once() {
    if postgres_url().is_none() {
        return;
    }
    let app = TestApp::start(Backend::Postgres).await;
    let stop_second = tokio_util::sync::CancellationToken::new();
    let (second, _running) = spawn_bot(app.config(), &app.clock, &stop_second);
    let mentor = app.mentor(10, "Айгүл", "ru", "№5 мектеп").await;
    app.send(&mentor, "/slots add 2026-09-03 15:00 30 6").await;
    let link = app.invite_link(InviteTarget::Student { mentor: UserId(mentor.id) }, None, None, 6).await;
    let times = ["15:00", "15:30", "16:00", "16:30", "17:00", "17:30"];
    for (i, time) in times.iter().enumerate() {
        let student = app.user(100 + i as i64, "Оқушы", Some("kk"));
        app.open_link(&student, &link).await;
        book(&app, &student, time).await;
    }
    let now = talimger::domain::time::Clock::now(&*app.clock);
    app.clock.advance(at(2026, 9, 2, 13, 0) - now);
    wait_until("every 24-hour reminder arrives", || {
        reminders_to(&app, mentor.id).len() >= 6 && (0..6).all(|i| !reminders_to(&app, 100 + i).is_empty())
    })
    .await;
    // Both instances have looked and there is nothing left to run or send.
    wait_until("both runners woke", || app.running.jobs.wakeups.load(Ordering::SeqCst) > 1).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM jobs WHERE key LIKE 'remind:%:1440' AND done_at IS NULL").await,
        0
    );
    app.outbox_drained().await;
    assert_eq!(reminders_to(&app, mentor.id).len(), 6, "the mentor: one per meeting");
    for i in 0..6 {
        assert_eq!(reminders_to(&app, 100 + i).len(), 1, "student {i}: once");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM reminders").await, 12);
    stop_second.cancel();
    second.await.expect("no panic").expect("stops cleanly");
    app.stop().await;
}

/// Nobody lists or books for three weeks: the day's job keeps a weekly
/// rule's slots four weeks ahead all the same.
async fn weekly_slots_are_kept_ahead_by_the_days_job(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().parents(&["ru", "kk"]).join(&app).await;
    let menu = app.send(&p.mentor, "/slots").await;
    let days = app.press_button(&p.mentor, &buttons_for(&menu, &p.mentor), "Каждую неделю").await;
    let start = app.press_button(&p.mentor, &buttons_for(&days, &p.mentor), "четверг").await;
    let end = app.press_button(&p.mentor, &buttons_for(&start, &p.mentor), "15:00").await;
    let length = app.press_button(&p.mentor, &buttons_for(&end, &p.mentor), "17:00").await;
    app.press_button(&p.mentor, &buttons_for(&length, &p.mentor), "30 мин").await;
    let on = |d: u32| {
        format!(
            "SELECT COUNT(*) FROM slots WHERE starts_at >= {} AND starts_at < {}",
            at(2026, 9, d, 0, 0).timestamp_millis(),
            at(2026, 9, d + 1, 0, 0).timestamp_millis()
        )
    };
    assert_eq!(app.count(&on(24)).await, 4, "four Thursdays ahead");
    let first_october = format!(
        "SELECT COUNT(*) FROM slots WHERE starts_at >= {} AND starts_at < {}",
        at(2026, 10, 1, 0, 0).timestamp_millis(),
        at(2026, 10, 2, 0, 0).timestamp_millis()
    );
    assert_eq!(app.count(&first_october).await, 0);
    for day in 2..=8 {
        advance_to(&app, at(2026, 9, day, 3, 0)).await;
    }
    assert_eq!(app.count(&first_october).await, 4, "a week on, one more Thursday");
    app.stop().await;
}

/// The 24-hour reminder has gone; the meeting moves a week on: it is
/// reminded again for the new time, and not again for the old one.
async fn a_meeting_moved_after_its_first_reminder_is_reminded_again(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().parents(&["ru", "kk"]).join(&app).await;
    app.send(&p.mentor, "/slots add 2026-09-03 15:00 30 1").await;
    app.send(&p.mentor, "/slots add 2026-09-10 15:00 30 1").await;
    book(&app, &p.student, "15:00").await;
    let id = meeting_id(&app).await;
    advance_to(&app, at(2026, 9, 2, 10, 0)).await;
    assert_eq!(reminders_to(&app, p.student.id).len(), 1);
    let list = app.send(&p.student, "/meetings").await;
    let slots = app.press_button(&p.student, &buttons_for(&list, &p.student), "Уақытын ауыстыру").await;
    app.press_button(&p.student, &buttons_for(&slots, &p.student), "10 қыркүйек").await;
    assert_eq!(
        app.db.planned_jobs("remind:").await.expect("q"),
        vec![
            (format!("remind:{id}:1440"), at(2026, 9, 9, 10, 0)),
            (format!("remind:{id}:60"), at(2026, 9, 10, 9, 0))
        ]
    );
    advance_to(&app, at(2026, 9, 3, 9, 30)).await;
    assert_eq!(reminders_to(&app, p.student.id).len(), 1, "nothing for the old time");
    advance_to(&app, at(2026, 9, 9, 10, 0)).await;
    let student = reminders_to(&app, p.student.id);
    assert_eq!(student.len(), 2);
    assert!(student[1].text().contains("10 қыркүйек, бейсенбі, 15:00–15:30"), "{}", student[1].text());
    app.stop().await;
}
