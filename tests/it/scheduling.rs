//! Scheduling: a mentor's free time from a phone, booking in three taps,
//! notices with calendar files, cancelling and moving, the mentor's day,
//! and the race for one slot. The bot's clock starts on Tuesday
//! 1 September 2026, 09:00 in Almaty (04:00 UTC).

use crate::cast::{Cast, programme};
use crate::fake_api::{Sent, TgUser};
use crate::helpers::*;
use crate::on_both_backends;
use chrono::{Duration, TimeZone, Utc};
use talimger::db::NewMeeting;
use talimger::domain::invite::InviteTarget;
use talimger::domain::meetings::Refusal;
use talimger::domain::{SlotId, UserId};

on_both_backends!(
    a_mentor_publishes_a_week_of_slots_in_a_few_taps,
    typed_slots_and_what_is_refused,
    a_student_books_in_three_taps_and_everyone_is_told,
    a_parent_books_a_parent_meeting_and_the_topic_stays_private,
    a_parent_of_two_children_with_two_mentors_books_with_the_right_one,
    lead_time_and_the_upcoming_limit,
    a_meeting_is_moved_and_then_cancelled,
    a_mentor_cancels_with_a_reason_and_removes_a_booked_slot,
    weekly_availability_generates_and_changes_only_free_slots,
    after_the_meeting_the_mentor_records_it_and_a_private_note,
    presses_on_someone_elses_meeting_change_nothing,
    the_mentors_day_and_week,
    times_around_1_march_2024_and_the_turn_of_the_year,
    fifty_people_press_one_slot_and_one_books_it,
    bookings_for_one_student_at_one_instant_stay_within_the_limit,
    a_reschedule_that_loses_its_race_keeps_the_old_meeting,
    a_malformed_number_is_named_not_taken_for_a_place,
    a_slot_far_ahead_shows_its_year,
    places_with_invisible_or_direction_characters_are_refused_for_that,
    a_weekly_rule_names_the_times_it_skips_and_why,
    a_booking_too_soon_names_the_lead_in_days,
    each_day_of_a_list_is_labelled,
    a_slot_across_a_clock_change_is_refused,
);

fn ms(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("valid").timestamp_millis()
}

/// The files sent to one chat among `sent`.
fn documents(sent: &[Sent], chat: i64) -> Vec<(String, String)> {
    sent.iter()
        .filter(|s| s.chat_id == chat)
        .filter_map(|s| s.document.clone())
        .map(|(name, bytes)| (name, String::from_utf8(bytes).expect("UTF-8")))
        .collect()
}

/// Presses the button with this label on the last message with buttons.
async fn tap(app: &TestApp, user: &TgUser, on: &[Sent], label: &str, taps: &mut u32) -> Vec<Sent> {
    *taps += 1;
    app.press_button(user, &with_buttons(on), label).await
}

async fn a_mentor_publishes_a_week_of_slots_in_a_few_taps(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("kk").student("kk").join(&app).await;
    let mut taps = 0;
    let menu = app.send(&p.mentor, "/slots").await;
    menu.says("Әдетте кездесетін орын әлі көрсетілмеген");
    let days = tap(&app, &p.mentor, &menu, "Бос уақыт қосу", &mut taps).await;
    let day_labels = with_buttons(&days).button_texts();
    assert_eq!(day_labels.len(), 14, "the next 14 days");
    assert_eq!(day_labels[0], "1 қыркүйек, сейсенбі");
    assert_eq!(day_labels[1], "2 қыркүйек, сәрсенбі");
    let starts = tap(&app, &p.mentor, &days, "2 қыркүйек", &mut taps).await;
    let lengths = tap(&app, &p.mentor, &starts, "15:00", &mut taps).await;
    assert_eq!(with_buttons(&lengths).button_texts(), ["15 мин", "20 мин", "30 мин", "45 мин", "60 мин"]);
    let counts = tap(&app, &p.mentor, &lengths, "30 мин", &mut taps).await;
    let added = tap(&app, &p.mentor, &counts, "4 (15:00–17:00)", &mut taps).await;
    added.says("Бос уақыт қосылды: 2 қыркүйек, сәрсенбі, 15:00–17:00, 30 минуттан 4 кездесуге орын.");
    // The same times on the other days of the week: one tap each.
    let mut last = added;
    for day in ["3 қыркүйек", "4 қыркүйек", "7 қыркүйек", "8 қыркүйек"] {
        last = tap(&app, &p.mentor, &last, day, &mut taps).await;
        last.says("Бос уақыт қосылды");
    }
    tap(&app, &p.mentor, &last, "Болды", &mut taps).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM slots WHERE mentor_id = 10 AND status = 'free'").await, 20);
    // Ten taps at two seconds each: well under a minute.
    assert!(taps <= 10, "a week of slots took {taps} taps");

    let list = app.send(&p.mentor, "/slots list").await;
    list.says("2 қыркүйек, сәрсенбі\n15:00–15:30 — бос");
    // Removing a free slot.
    let removed =
        app.press_button(&p.mentor, &with_buttons(&list), "Өшіру: 2 қыркүйек, сәрсенбі, 15:00").await;
    removed.says("Бос уақыт өшірілді: 2 қыркүйек, сәрсенбі, 15:00–15:30");
    assert_eq!(app.count("SELECT COUNT(*) FROM slots WHERE mentor_id = 10").await, 19);
    // The same button again: gone.
    let again = app.press_button(&p.mentor, &with_buttons(&list), "Өшіру: 2 қыркүйек, сәрсенбі, 15:00").await;
    again.says("қолжетімді емес");
    app.stop().await;
}

async fn typed_slots_and_what_is_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("kk").join(&app).await;
    let ok = app.send(&p.mentor, "/slots add 2026-09-03 15:00 20 3 кабинет 12").await;
    ok.says("Свободное время добавлено: четверг, 3 сентября, 15:00–16:00, на 3 встречи по 20 мин.");
    assert_eq!(app.count("SELECT COUNT(*) FROM slots WHERE place = 'кабинет 12'").await, 3);
    let cases = [
        ("/slots add", "Например: /slots add 2026-09-02 15:00 30 4"),
        ("/slots add 2026-09-03", "Напишите строку так"),
        ("/slots add 03.09.2026 15:00", "Неверная дата"),
        ("/slots add 2026-02-30 15:00", "Неверная дата"),
        ("/slots add 2026-09-03 25:00", "Неверное время"),
        ("/slots add 2026-09-03 15:00 999", "от 5 до 240 минут"),
        ("/slots add 2026-09-03 15:00 30 40", "Подряд можно добавить время для 1–16 встреч"),
        ("/slots add 2026-08-31 15:00", "Это время уже прошло, ничего не добавлено"),
        ("/slots add 2026-09-03 23:30 60", "заходит за полночь"),
        (
            "/slots add 2026-09-03 15:30 30",
            "пересекается с уже добавленным (четверг, 3 сентября, 15:20–15:40)",
        ),
    ];
    for (line, expected) in cases {
        let reply = app.send(&p.mentor, line).await;
        if line == "/slots add" {
            // Without arguments the buttons start.
            reply.says("В какой день?");
            app.send(&p.mentor, "/cancel").await;
            continue;
        }
        assert!(texts(&reply).contains(expected), "{line}: {}", texts(&reply));
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM slots").await, 3, "nothing else was added");
    let example = app.send(&p.mentor, "/slots add x").await;
    example.says("Например: /slots add 2026-09-02 15:00 30 4");
    // Only mentors have slots.
    let no = app.send(&p.student, "/slots").await;
    no.says("тәлімгерге арналған команда");
    // The default place, typed.
    let asked = app.send(&p.mentor, "/slots place").await;
    asked.says("кабинет или ссылка");
    let saved = app.send(&p.mentor, "https://meet.example/aigul").await;
    saved.says("Обычное место встреч сохранено: https://meet.example/aigul");
    app.stop().await;
}

/// Slots on Thursday 3 September 15:00 (kk mentor: four of 30 minutes).
pub(crate) async fn publish(app: &TestApp, p: &Cast) {
    let reply = app.send(&p.mentor, "/slots add 2026-09-03 15:00 30 4").await;
    reply.never_says("Ничего").never_says("Ештеңе");
}

async fn a_student_books_in_three_taps_and_everyone_is_told(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("kk").join(&app).await;
    app.send(&p.mentor, "/slots place каб. 12").await;
    publish(&app, &p).await;
    app.catch_up(&p.mentor);
    app.catch_up(&p.parent);

    let mut taps = 0;
    let list = app.send(&p.student, "/book").await;
    list.says("Тәлімгер: Айгүл. Бос уақытты таңдаңыз (1/1 бет)");
    list.says("Күні: 3 қыркүйек, бейсенбі\n15:00 15:30 16:00 16:30");
    let topic = tap(&app, &p.student, &list, "3 қыркүйек, бейсенбі, 15:00", &mut taps).await;
    topic.says("тақырыбын");
    let check = tap(&app, &p.student, &topic, "Тақырыпсыз", &mut taps).await;
    check.says("Орны: каб. 12");
    let done = tap(&app, &p.student, &check, "Растау", &mut taps).await;
    assert_eq!(taps, 3, "booked in three taps");
    done.says("Сіз кездесуге жазылдыңыз");
    done.says("Уақыты: 3 қыркүйек, бейсенбі, 15:00–15:30");
    let files = documents(&done, p.student.id);
    assert_eq!(files.len(), 1, "{done:?}");
    let (name, ics) = &files[0];
    assert_eq!(name, "кездесу.ics");
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains("DTSTART:20260903T100000Z\r\n"), "{ics}");
    assert!(unfolded.contains("DTEND:20260903T103000Z\r\n"), "{ics}");
    assert!(unfolded.contains("LOCATION:каб. 12\r\n") && unfolded.contains("METHOD:PUBLISH"), "{ics}");
    assert!(unfolded.contains("ORGANIZER;CN=\"Айгүл\":https://t.me/"), "{ics}");
    assert!(ics.lines().all(|l| l.len() <= 76), "folded");

    // The mentor in Russian, the parent in Russian without the topic.
    let mentor = app.sees(&p.mentor).await;
    mentor.says("Новая встреча.\nКогда: четверг, 3 сентября, 15:00–15:30\nУченик: Ерлан");
    assert_eq!(documents(&mentor, p.mentor.id)[0].0, "встреча.ics");
    app.sees(&p.parent).await.says("Ваш ребёнок записался на встречу с ментором.").says("Где: каб. 12");
    assert_eq!(app.count("SELECT COUNT(*) FROM meetings WHERE status = 'booked'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM slots WHERE status = 'booked'").await, 1);

    // With a topic: the mentor sees it, the parent does not.
    let list = app.send(&p.student, "/book").await;
    list.never_says("15:00 15:30"); // the booked slot is gone
    let topic = app.press_button(&p.student, &with_buttons(&list), "16:00").await;
    topic.says("тақырыбын");
    let check = app.send(&p.student, "Емтиханға дайындық").await;
    check.says("Тақырыбы: Емтиханға дайындық");
    app.catch_up(&p.parent);
    app.catch_up(&p.mentor);
    app.press_button(&p.student, &with_buttons(&check), "Растау").await;
    app.sees(&p.mentor).await.says("Тема: Емтиханға дайындық");
    app.sees(&p.parent).await.says("16:00–16:30").never_says("Емтихан");
    app.stop().await;
}

/// A parent of two children whose mentors differ picks the child, sees
/// that child's mentor's time only, and the right mentor is told; a forged
/// press for a child who is not theirs changes nothing.
async fn a_parent_of_two_children_with_two_mentors_books_with_the_right_one(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("kk").join(&app).await;
    let other = app.mentor(11, "Бақыт", "kk", "№7 мектеп").await;
    let link = app.invite_link(InviteTarget::Student { mentor: UserId(11) }, None, None, 1).await;
    let second = app.user(21, "Дана", Some("ru"));
    app.open_link(&second, &link).await;
    let link = app.invite_link(InviteTarget::Parent { student: UserId(21) }, None, None, 1).await;
    app.open_link(&p.parent, &link).await;
    let stranger = app.user(22, "Әлия", Some("kk"));
    app.open_link(
        &stranger,
        &app.invite_link(InviteTarget::Student { mentor: UserId(11) }, None, None, 1).await,
    )
    .await;
    publish(&app, &p).await;
    app.send(&other, "/slots add 2026-09-04 10:00 30 1").await;

    let ask = app.send(&p.parent, "/book").await;
    ask.says("С ментором какого ребёнка");
    assert_eq!(with_buttons(&ask).button_texts(), ["Ерлан", "Дана"]);
    // A forged press for someone else's child.
    let forged = app.press(&p.parent, &with_buttons(&ask), "bc:22").await;
    forged.says("больше недоступно");
    let list = app.press_button(&p.parent, &with_buttons(&ask), "Дана").await;
    list.says("Ментор: Бақыт");
    list.never_says("15:00"); // not the other child's mentor's time
    let topic = app.press_button(&p.parent, &with_buttons(&list), "10:00").await;
    let check = app.press_button(&p.parent, &with_buttons(&topic), "Без темы").await;
    app.catch_up(&other);
    app.catch_up(&p.mentor);
    app.press_button(&p.parent, &with_buttons(&check), "Подтвердить").await;
    app.sees(&other).await.says("Ата-анасы: Сәуле").says("Оқушы: Дана");
    app.sees(&p.mentor).await.nothing(); // the other mentor is not told
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM meetings WHERE parent_id = 40 AND student_id = 21 AND mentor_id = 11"
        )
        .await,
        1
    );
    // Their meetings, for both children, in one list.
    book_first(&app, &p).await;
    let meetings = app.send(&p.parent, "/meetings").await;
    meetings.says("Ученик: Дана").says("Ученик: Ерлан");
    app.stop().await;
}

async fn a_parent_books_a_parent_meeting_and_the_topic_stays_private(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("kk").student("kk").join(&app).await;
    publish(&app, &p).await;
    let list = app.send(&p.parent, "/book").await;
    list.says("Ментор: Айгүл. Выберите время");
    let topic = app.press_button(&p.parent, &with_buttons(&list), "четверг, 3 сентября, 15:30").await;
    let check = app.send(&p.parent, "Оценки за четверть").await;
    app.catch_up(&p.student);
    let done = app.press_button(&p.parent, &with_buttons(&check), "Подтвердить").await;
    done.says("Вы записались на встречу");
    assert_eq!(documents(&done, p.parent.id)[0].0, "встреча.ics");
    let mentor = app.sees(&p.mentor).await;
    mentor.says("Жаңа кездесу.").says("Ата-анасы: Сәуле");
    mentor.says("Тақырыбы: Оценки за четверть");
    // The student is told, without the topic, and gets no calendar file.
    let student = app.sees(&p.student).await;
    assert_eq!(student.len(), 1, "{student:?}");
    assert!(
        student[0].text().starts_with("Тәлімгермен ата-ана кездесуі белгіленді."),
        "{}",
        student[0].text()
    );
    assert!(student[0].text().contains("Ата-анасы: Сәуле"), "{}", student[0].text());
    assert!(
        !student[0].text().contains("Оценки") && !student[0].text().contains("Оқушы:"),
        "{}",
        student[0].text()
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM meetings WHERE parent_id = 40").await, 1);
    drop(topic);
    app.stop().await;
}

async fn lead_time_and_the_upcoming_limit(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("ru").join(&app).await;
    // Today 09:00 now: 09:30 is too close (lead 1 h), 11:00 is fine.
    app.send(&p.mentor, "/slots add 2026-09-01 09:30 30").await;
    app.send(&p.mentor, "/slots add 2026-09-01 11:00 30 3").await;
    let list = app.send(&p.student, "/book").await;
    list.never_says("09:30").says("11:00");
    let topic = app.press_button(&p.student, &with_buttons(&list), "11:00").await;
    let check = app.press_button(&p.student, &with_buttons(&topic), "Без темы").await;
    // Time passes: the slot is now closer than the lead time.
    app.clock.advance(Duration::minutes(75));
    let late = app.press_button(&p.student, &with_buttons(&check), "Подтвердить").await;
    late.says("не позже чем за 1 час до встречи");
    assert_eq!(app.count("SELECT COUNT(*) FROM meetings").await, 0);
    // Two upcoming meetings at most.
    for time in ["11:30", "12:00"] {
        let list = app.send(&p.student, "/book").await;
        let topic = app.press_button(&p.student, &with_buttons(&list), time).await;
        let check = app.press_button(&p.student, &with_buttons(&topic), "Без темы").await;
        let done = app.press_button(&p.student, &with_buttons(&check), "Подтвердить").await;
        done.says("Вы записались");
    }
    let third = app.send(&p.student, "/book").await;
    third.says("У вас уже 2 предстоящие встречи — это предел");
    assert_eq!(app.count("SELECT COUNT(*) FROM meetings").await, 2);
    app.stop().await;
}

async fn a_meeting_is_moved_and_then_cancelled(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("kk").join(&app).await;
    publish(&app, &p).await;
    let list = app.send(&p.student, "/book").await;
    let topic = app.press_button(&p.student, &with_buttons(&list), "15:00").await;
    let check = app.press_button(&p.student, &with_buttons(&topic), "Тақырыпсыз").await;
    let booked = app.press_button(&p.student, &with_buttons(&check), "Растау").await;
    let uid = documents(&booked, p.student.id)[0]
        .1
        .replace("\r\n ", "")
        .lines()
        .find(|l| l.starts_with("UID:"))
        .expect("uid")
        .to_owned();

    let meetings = app.send(&p.student, "/meetings").await;
    meetings.says("Уақыты: 3 қыркүйек, бейсенбі, 15:00–15:30");
    let card = with_buttons(&meetings);
    assert_eq!(card.button_texts(), ["Болдырмау", "Уақытын ауыстыру"]);
    let choices = app.press_button(&p.student, &card, "Уақытын ауыстыру").await;
    app.catch_up(&p.parent);
    let moved = app.press_button(&p.student, &with_buttons(&choices), "16:30").await;
    moved.says("Кездесудің уақыты ауыстырылды");
    moved.says("Бұрынғы уақыты: 3 қыркүйек, бейсенбі, 15:00");
    let ics = documents(&moved, p.student.id)[0].1.replace("\r\n ", "");
    assert!(
        ics.contains(&uid) && ics.contains("SEQUENCE:1") && ics.contains("DTSTART:20260903T113000Z"),
        "{ics}"
    );
    let parent = app.sees(&p.parent).await;
    parent.says("Встреча перенесена. Кто перенёс: Ерлан");
    parent.says("Было: четверг, 3 сентября, 15:00");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM slots WHERE status = 'free' AND starts_at = {}",
            ms(2026, 9, 3, 10, 0)
        ))
        .await,
        1,
        "the old slot is free again"
    );
    // The held/no-show question moved with it.
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM outbox WHERE key LIKE 'meeting-end:%' AND state = 'pending' AND due_at = {}", ms(2026, 9, 3, 12, 0))).await, 1);

    // The old card's buttons still work on the same meeting; cancel asks first.
    let ask = app.press_button(&p.student, &card, "Болдырмау").await;
    app.catch_up(&p.mentor);
    let cancelled = app.press_button(&p.student, &with_buttons(&ask), "Иә, болдырмау").await;
    cancelled.says("Кездесу өтпейді");
    let ics = documents(&cancelled, p.student.id)[0].1.replace("\r\n ", "");
    assert!(ics.contains("METHOD:CANCEL") && ics.contains(&uid) && ics.contains("STATUS:CANCELLED"), "{ics}");
    let mentor = app.sees(&p.mentor).await;
    mentor.says("Встреча отменена. Кто отменил: Ерлан");
    assert!(documents(&mentor, p.mentor.id)[0].1.contains("METHOD:CANCEL"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE key LIKE 'meeting-end:%' AND state = 'pending'").await,
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM slots WHERE status = 'booked'").await, 0);
    // Cancelled twice? No longer available.
    let twice = app.press_button(&p.student, &with_buttons(&ask), "Иә, болдырмау").await;
    twice.says("қолжетімді емес");
    app.stop().await;
}

pub(crate) async fn book_first(app: &TestApp, p: &Cast) {
    let list = app.send(&p.student, "/book").await;
    let topic = app.press_button(&p.student, &with_buttons(&list), "15:00").await;
    let check = app.send(&p.student, "Мектеп").await;
    let done = app.press_button(&p.student, &with_buttons(&check), "Растау").await;
    done.says("жазылдыңыз");
    drop(topic);
}

async fn a_mentor_cancels_with_a_reason_and_removes_a_booked_slot(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("kk").join(&app).await;
    publish(&app, &p).await;
    book_first(&app, &p).await;
    let meetings = app.send(&p.mentor, "/meetings").await;
    meetings.says("Ученик: Ерлан").says("Тема: Мектеп");
    let ask = app.press_button(&p.mentor, &with_buttons(&meetings), "Отменить").await;
    ask.says("причину отмены");
    app.catch_up(&p.student);
    let done = app.send(&p.mentor, "Заболела").await;
    done.says("Встреча отменена").says("Причина: Заболела");
    let student = app.sees(&p.student).await;
    student.says("Кездесу өтпейді: Айгүл оны болдырмау туралы хабарлады.\n");
    student.says("Себебі: Заболела");

    // The slot is free again; booked once more, then the mentor removes it.
    book_first(&app, &p).await;
    let list = app.send(&p.mentor, "/slots list").await;
    list.says("15:00–15:30 — есть запись");
    let ask = app.press_button(&p.mentor, &with_buttons(&list), "Удалить: четверг, 3 сентября, 15:00").await;
    ask.says("Кто записан: Ерлан");
    assert_eq!(app.count("SELECT COUNT(*) FROM meetings WHERE status = 'booked'").await, 1, "asked first");
    app.catch_up(&p.student);
    let removed = app.press_button(&p.mentor, &with_buttons(&ask), "Удалить и отменить встречу").await;
    removed.says("Свободное время удалено");
    app.sees(&p.student).await.says("Кездесу өтпейді");
    assert_eq!(app.count("SELECT COUNT(*) FROM meetings WHERE status = 'booked'").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM slots").await, 3);
    app.stop().await;
}

async fn weekly_availability_generates_and_changes_only_free_slots(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("kk").join(&app).await;
    // By buttons: every Thursday 15:00–17:00 in 30 minutes.
    let mut taps = 0;
    let menu = app.send(&p.mentor, "/slots").await;
    let days = tap(&app, &p.mentor, &menu, "Каждую неделю", &mut taps).await;
    let start = tap(&app, &p.mentor, &days, "четверг", &mut taps).await;
    let end = tap(&app, &p.mentor, &start, "15:00", &mut taps).await;
    let length = tap(&app, &p.mentor, &end, "17:00", &mut taps).await;
    let added = tap(&app, &p.mentor, &length, "30 мин", &mut taps).await;
    added.says("Недельное расписание добавлено: четверг, каждую неделю, 15:00–17:00, по 30 мин");
    added.says("добавлено свободное время для 16 встреч");
    assert_eq!(app.count("SELECT COUNT(*) FROM slots WHERE rule_id IS NOT NULL").await, 16);
    // A slot removed by hand is not made again.
    let list = app.send(&p.mentor, "/slots list").await;
    app.press_button(&p.mentor, &with_buttons(&list), "Удалить: четверг, 3 сентября, 16:30").await;
    app.send(&p.mentor, "/slots list").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM slots").await, 15);
    // A student books one; the rule changes to 16:00–18:00: the booking stays.
    book_first(&app, &p).await;
    let rule: i64 = app.count("SELECT MAX(id) FROM availability_rules").await;
    let changed = app.send(&p.mentor, &format!("/slots weekly change {rule} 4 16:00 18:00 30")).await;
    changed.says("Недельное расписание изменено");
    assert_eq!(app.count("SELECT COUNT(*) FROM slots WHERE status = 'booked'").await, 1);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM slots WHERE starts_at = {}", ms(2026, 9, 3, 10, 0))).await,
        1,
        "the booked 15:00 stays"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM slots WHERE starts_at = {} AND status = 'free'",
            ms(2026, 9, 10, 12, 30)
        ))
        .await,
        1,
        "17:30 is new"
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM slots WHERE starts_at = {}", ms(2026, 9, 10, 10, 0))).await,
        0,
        "free 15:00 is gone"
    );
    // Removed: the free ones go, the booked one stays.
    let removed = app.send(&p.mentor, &format!("/slots weekly remove {rule}")).await;
    removed.says("Недельное расписание удалено");
    assert_eq!(app.count("SELECT COUNT(*) FROM slots").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM meetings WHERE status = 'booked'").await, 1);
    // Typed, in one line.
    let typed = app.send(&p.mentor, "/slots weekly 2 15:00 17:00 30").await;
    typed.says("вторник, каждую неделю, 15:00–17:00");
    let bad = app.send(&p.mentor, "/slots weekly 9 15:00 17:00").await;
    bad.says("Еженедельное свободное время пишется так");
    app.stop().await;
}

async fn after_the_meeting_the_mentor_records_it_and_a_private_note(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("kk").student("kk").join(&app).await;
    publish(&app, &p).await;
    book_first(&app, &p).await;
    app.catch_up(&p.mentor);
    // 3 September 15:30 local is 10:30 UTC: 2 days 6.5 hours after the start.
    app.clock.advance(Duration::hours(54) + Duration::minutes(31));
    let question = app.waits_to_see(&p.mentor).await;
    question.says("Кездесу өтті ме? Уақыты: 3 қыркүйек, бейсенбі, 15:00–15:30. Кіммен: Ерлан");
    let card = with_buttons(&question);
    assert_eq!(card.button_texts(), ["Өтті", "Келмеді", "Жазба қосу"]);
    let held = app.press_button(&p.mentor, &card, "Өтті").await;
    held.says("Белгіленді: кездесу өтті.");
    assert_eq!(app.count("SELECT COUNT(*) FROM meetings WHERE status = 'held'").await, 1);
    let again = app.press_button(&p.mentor, &card, "Келмеді").await;
    again.says("қолжетімді емес"); // recorded once
    let ask = app.press_button(&p.mentor, &with_buttons(&held), "Жазба қосу").await;
    ask.says("Оны тек сіз көресіз");
    let saved = app.send(&p.mentor, "Сабаққа қызығушылығы артты").await;
    saved.says("Жазба сақталды");
    assert_eq!(app.db.note_count(UserId(p.mentor.id)).await.expect("count"), 1);
    // The student cannot press the mentor's buttons.
    let forged = app.press(&p.student, &card, &card.button_data("Жазба").expect("data")).await;
    forged.says("қолжетімді емес");
    let week = app.send(&p.mentor, "/week").await;
    week.never_says("қызығушылығы"); // the note is not in the agenda
    app.stop().await;
}

async fn presses_on_someone_elses_meeting_change_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("kk").join(&app).await;
    publish(&app, &p).await;
    book_first(&app, &p).await;
    // Another student of the same mentor, and a stranger parent.
    let link = app.invite_link(InviteTarget::Student { mentor: UserId(p.mentor.id) }, None, None, 1).await;
    let other = app.user(21, "Дана", Some("ru"));
    app.open_link(&other, &link).await;
    let stranger = app.user(41, "Гүлнар", Some("ru"));
    let link = app.invite_link(InviteTarget::Parent { student: UserId(21) }, None, None, 1).await;
    app.open_link(&stranger, &link).await;
    let meeting: i64 = app.count("SELECT MAX(id) FROM meetings").await;
    let slot: i64 = app.count("SELECT MIN(id) FROM slots WHERE status = 'free'").await;
    let menu = with_buttons(&app.send(&other, "/book").await);
    let stranger_menu = with_buttons(&app.send(&stranger, "/book").await);
    for (who, data) in [
        (&other, format!("mc:{meeting}")),
        (&other, format!("my:{meeting}")),
        (&other, format!("mr:{meeting}")),
        (&other, format!("mm:{meeting}:{slot}")),
        (&stranger, format!("my:{meeting}")),
        (&stranger, format!("bs:{slot}:20")),
        (&other, format!("mh:{meeting}")),
        (&other, format!("sx:{slot}")),
        (&other, "bs:999999".to_owned()),
        (&other, "b:o".to_owned()),
        (&other, "mm:1:2:3".to_owned()),
    ] {
        let on = if who.id == stranger.id { &stranger_menu } else { &menu };
        let out = app.press(who, on, &data).await;
        let toast = out.iter().find(|s| s.method == "answerCallbackQuery").map(|s| s.text().to_owned());
        assert!(toast.as_deref().is_some_and(|t| t.contains("больше не")), "{data}: {toast:?}");
        assert!(messages(&out).is_empty(), "{data}: {out:?}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM meetings WHERE status = 'booked'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM slots WHERE status = 'booked'").await, 1);
    // The other student sees only their own meetings.
    let theirs = app.send(&other, "/meetings").await;
    theirs.says("Предстоящих встреч нет");
    app.stop().await;
}

async fn the_mentors_day_and_week(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("kk").join(&app).await;
    app.send(&p.mentor, "/slots add 2026-09-01 14:00 30").await;
    publish(&app, &p).await;
    let list = app.send(&p.student, "/book").await;
    let topic = app.press_button(&p.student, &with_buttons(&list), "14:00").await;
    let check = app.send(&p.student, "Сынып").await;
    app.press_button(&p.student, &with_buttons(&check), "Растау").await;
    let parent_list = app.send(&p.parent, "/book").await;
    let topic2 = app.press_button(&p.parent, &with_buttons(&parent_list), "15:30").await;
    let check = app.press_button(&p.parent, &with_buttons(&topic2), "Без темы").await;
    app.press_button(&p.parent, &with_buttons(&check), "Подтвердить").await;
    let today = app.send(&p.mentor, "/today").await;
    today.says("Сегодня, вторник, 1 сентября:");
    today.says("14:00–14:30 — Ерлан\nТема: Сынып\nГде: ментор сообщит позже");
    today.never_says("15:30");
    let week = app.send(&p.mentor, "/week").await;
    week.says("четверг, 3 сентября\n15:30–16:00 — Ерлан\nРодитель: Сәуле");
    let none = app.send(&p.student, "/today").await;
    none.says("/meetings");
    drop(topic);
    app.stop().await;
}

async fn times_around_1_march_2024_and_the_turn_of_the_year(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("kk").student("ru").join(&app).await;
    // Back to 27 February 2024, 09:00 in Almaty (UTC+6 then).
    let now = talimger::domain::time::Clock::now(&*app.clock);
    app.clock.advance(Utc.with_ymd_and_hms(2024, 2, 27, 3, 0, 0).single().expect("t") - now);
    app.send(&p.mentor, "/slots add 2024-02-29 15:00 30").await;
    app.send(&p.mentor, "/slots add 2024-03-01 15:00 30").await;
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM slots WHERE starts_at = {}", ms(2024, 2, 29, 9, 0))).await,
        1,
        "UTC+6"
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM slots WHERE starts_at = {}", ms(2024, 3, 1, 10, 0))).await,
        1,
        "UTC+5"
    );
    let list = app.send(&p.student, "/book").await;
    list.says("День: четверг, 29 февраля\n15:00");
    list.says("День: пятница, 1 марта\n15:00");
    let mentor_list = app.send(&p.mentor, "/slots list").await;
    mentor_list.says("29 ақпан, бейсенбі\n15:00–15:30");
    mentor_list.says("1 наурыз, жұма\n15:00–15:30");
    // The mentor (Kazakh) and the student (Russian) see the same meeting.
    let topic = app.press_button(&p.student, &with_buttons(&list), "1 марта").await;
    let check = app.press_button(&p.student, &with_buttons(&topic), "Без темы").await;
    app.catch_up(&p.mentor);
    let done = app.press_button(&p.student, &with_buttons(&check), "Подтвердить").await;
    done.says("Когда: пятница, 1 марта, 15:00–15:30");
    app.sees(&p.mentor).await.says("Уақыты: 1 наурыз, жұма, 15:00–15:30");
    assert!(documents(&done, p.student.id)[0].1.contains("DTSTART:20240301T100000Z"));

    // The turn of the year: 30 December 2026.
    let now = talimger::domain::time::Clock::now(&*app.clock);
    app.clock.advance(Utc.with_ymd_and_hms(2026, 12, 30, 4, 0, 0).single().expect("t") - now);
    let days = app
        .press_button(&p.mentor, &with_buttons(&app.send(&p.mentor, "/slots").await), "Бос уақыт қосу")
        .await;
    let labels = with_buttons(&days).button_texts();
    assert_eq!(&labels[..3], ["30 желтоқсан, сәрсенбі", "31 желтоқсан, бейсенбі", "1 қаңтар, жұма"]);
    let starts = app.press_button(&p.mentor, &with_buttons(&days), "1 қаңтар").await;
    let lengths = app.send(&p.mentor, "00:30").await;
    let counts = app.press_button(&p.mentor, &with_buttons(&lengths), "30 мин").await;
    app.press_button(&p.mentor, &with_buttons(&counts), "1 (").await;
    // 1 January 00:30 in Almaty is 31 December 19:30 UTC.
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM slots WHERE starts_at = {}", ms(2026, 12, 31, 19, 30)))
            .await,
        1
    );
    let list = app.send(&p.student, "/book").await;
    list.says("День: пятница, 1 января\n00:30");
    drop(starts);
    app.stop().await;
}

/// 50 transactions at once on one slot: exactly one booking.
async fn fifty_people_press_one_slot_and_one_books_it(backend: Backend) {
    let (db, _guard) = storage(backend).await;
    let now = start_time();
    let (mentor, slot) = seed(&db).await;
    let mut tasks = Vec::new();
    for i in 0..50i64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = db.begin().await.expect("begin");
            let uid = format!("race-{i}");
            let new = NewMeeting {
                slot,
                student: UserId(1000 + i),
                parent: None,
                booked_by: UserId(1000 + i),
                topic: None,
                uid: &uid,
                max_upcoming: 2,
            };
            let outcome = tx.book(&new, now).await.expect("book");
            tx.commit().await.expect("commit");
            outcome.is_ok()
        }));
    }
    let mut won = 0;
    let mut lost = 0;
    for t in tasks {
        if t.await.expect("task") { won += 1 } else { lost += 1 }
    }
    assert_eq!((won, lost), (1, 49));
    let mut tx = db.begin().await.expect("begin");
    let upcoming: usize = {
        let mut n = 0;
        for i in 0..50 {
            n += tx.upcoming_of_student(UserId(1000 + i), now).await.expect("q").len();
        }
        n
    };
    assert_eq!(upcoming, 1);
    assert!(tx.slot(slot).await.expect("q").expect("slot").booked);
    drop(tx);
    let _ = mentor;
}

/// Ten bookings for one student at once (the student and a parent, on
/// different slots) with a limit of two: exactly two are made.
async fn bookings_for_one_student_at_one_instant_stay_within_the_limit(backend: Backend) {
    let (db, _guard) = storage(backend).await;
    let now = start_time();
    seed(&db).await;
    let start = now + Duration::days(5);
    let times: Vec<_> = (0..10)
        .map(|i| (start + Duration::hours(i), start + Duration::hours(i) + Duration::minutes(30)))
        .collect();
    let mut tx = db.begin().await.expect("begin");
    let slots = tx.add_slots(UserId(1), &times, None, now).await.expect("add").expect("no overlap");
    tx.commit().await.expect("commit");
    let tasks: Vec<_> = slots
        .into_iter()
        .enumerate()
        .map(|(i, slot)| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut tx = db.begin().await.expect("begin");
                let uid = format!("limit-{i}");
                let by = if i % 2 == 0 { UserId(1000) } else { UserId(1001) };
                let new = NewMeeting {
                    slot,
                    student: UserId(1000),
                    parent: (i % 2 == 1).then_some(UserId(1001)),
                    booked_by: by,
                    topic: None,
                    uid: &uid,
                    max_upcoming: 2,
                };
                let outcome = tx.book(&new, now).await.expect("book");
                tx.commit().await.expect("commit");
                outcome.map(|_| ())
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.expect("task"));
    }
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 2, "{outcomes:?}");
    assert!(outcomes.iter().all(|o| matches!(o, Ok(()) | Err(Refusal::TooMany))), "{outcomes:?}");
    assert_eq!(db.upcoming_of_student(UserId(1000), now).await.expect("q").len(), 2);
}

/// A mentor (1) with a slot, and 60 students (1000…) of theirs.
async fn seed(db: &talimger::db::Db) -> (UserId, SlotId) {
    let now = start_time();
    let profile = |id: i64| talimger::domain::Profile {
        id: UserId(id),
        first_name: format!("U{id}"),
        last_name: None,
        username: None,
    };
    db.upsert_sender(&profile(1), now).await.expect("mentor");
    for i in 0..60 {
        db.upsert_sender(&profile(1000 + i), now).await.expect("student");
    }
    let start = now + Duration::days(2);
    let mut tx = db.begin().await.expect("begin");
    let ids = tx
        .add_slots(
            UserId(1),
            &[
                (start, start + Duration::minutes(30)),
                (start + Duration::hours(1), start + Duration::minutes(90)),
            ],
            None,
            now,
        )
        .await
        .expect("add")
        .expect("no overlap");
    tx.commit().await.expect("commit");
    (UserId(1), ids[0])
}

async fn a_reschedule_that_loses_its_race_keeps_the_old_meeting(backend: Backend) {
    let (db, _guard) = storage(backend).await;
    let now = start_time();
    let (_, first) = seed(&db).await;
    let second = SlotId(first.0 + 1);
    let mut tx = db.begin().await.expect("begin");
    let new = NewMeeting {
        slot: first,
        student: UserId(1000),
        parent: None,
        booked_by: UserId(1000),
        topic: None,
        uid: "a",
        max_upcoming: 2,
    };
    let meeting = tx.book(&new, now).await.expect("q").expect("booked");
    tx.commit().await.expect("commit");
    // Someone else takes the second slot first.
    let mut tx = db.begin().await.expect("begin");
    let other = NewMeeting {
        slot: second,
        student: UserId(1001),
        parent: None,
        booked_by: UserId(1001),
        topic: None,
        uid: "b",
        max_upcoming: 2,
    };
    tx.book(&other, now).await.expect("q").expect("booked");
    tx.commit().await.expect("commit");
    let mut tx = db.begin().await.expect("begin");
    assert_eq!(tx.move_meeting(meeting.id, second, now).await.expect("q"), Err(Refusal::Taken));
    tx.commit().await.expect("commit");
    let kept = db.meeting(meeting.id).await.expect("q").expect("meeting");
    assert_eq!((kept.slot, kept.starts_at, kept.sequence), (Some(first), meeting.starts_at, 0));
    assert!(db.slot(first).await.expect("q").expect("slot").booked, "the old slot stays held");
    // Many moves at once onto one free slot: one wins, the others keep theirs.
    let mut tx = db.begin().await.expect("begin");
    let start = now + Duration::days(3);
    let ids = tx
        .add_slots(UserId(1), &[(start, start + Duration::minutes(30))], None, now)
        .await
        .expect("q")
        .expect("ok");
    let mut meetings = Vec::new();
    for i in 0..10i64 {
        let s = now + Duration::days(4) + Duration::hours(i);
        let slot = tx
            .add_slots(UserId(1), &[(s, s + Duration::minutes(30))], None, now)
            .await
            .expect("q")
            .expect("ok")[0];
        let uid = format!("m{i}");
        let new = NewMeeting {
            slot,
            student: UserId(1010 + i),
            parent: None,
            booked_by: UserId(1010 + i),
            topic: None,
            uid: &uid,
            max_upcoming: 2,
        };
        meetings.push((tx.book(&new, now).await.expect("q").expect("booked"), slot));
    }
    tx.commit().await.expect("commit");
    let target = ids[0];
    let tasks: Vec<_> = meetings
        .iter()
        .map(|(m, _)| {
            let (db, id) = (db.clone(), m.id);
            tokio::spawn(async move {
                let mut tx = db.begin().await.expect("begin");
                let r = tx.move_meeting(id, target, now).await.expect("move");
                tx.commit().await.expect("commit");
                r.is_ok()
            })
        })
        .collect();
    let mut won = 0;
    for t in tasks {
        won += i32::from(t.await.expect("task"));
    }
    assert_eq!(won, 1);
    for (m, slot) in &meetings {
        let now_m = db.meeting(m.id).await.expect("q").expect("m");
        if now_m.slot == Some(target) {
            assert!(!db.slot(*slot).await.expect("q").expect("slot").booked, "the winner's old slot is free");
        } else {
            assert_eq!(now_m.slot, Some(*slot), "a loser keeps its slot");
            assert!(db.slot(*slot).await.expect("q").expect("slot").booked);
        }
    }
}

/// `-30`, `३०`, `٣٠`, `３０` where the minutes or the count go are named as
/// not understood, with what was expected, in both languages; nothing is
/// added, and no place «-30 4» is made.
async fn a_malformed_number_is_named_not_taken_for_a_place(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("kk").join(&app).await;
    let kk = app.mentor(11, "Бақыт", "kk", "№7 мектеп").await;
    let minutes_ru =
        "После времени начала пишется длительность одной встречи: число минут от 5 до 240, цифрами 0–9.";
    let count_ru = "После длительности пишется, для скольких встреч подряд добавить время: число от 1 до 16, цифрами 0–9.";
    for (line, word, expected) in [
        ("/slots add 2026-09-03 10:00 -30 4", "-30", minutes_ru),
        ("/slots add 2026-09-03 10:00 \u{2212}30", "\u{2212}30", minutes_ru),
        ("/slots add 2026-09-03 10:00 ३० 4", "३०", minutes_ru),
        ("/slots add 2026-09-03 10:00 ٣٠ 4", "٣٠", minutes_ru),
        ("/slots add 2026-09-03 10:00 ３０ 4", "３０", minutes_ru),
        ("/slots add 2026-09-03 10:00 11:00", "11:00", minutes_ru),
        ("/slots add 2026-09-03 10:00 30 -4 каб. 12", "-4", count_ru),
        ("/slots add 2026-09-03 10:00 30 ٤", "٤", count_ru),
    ] {
        let reply = texts(&app.send(&p.mentor, line).await);
        assert!(reply.contains(&format!("Не могу разобрать «{word}». {expected}")), "{line}: {reply}");
        assert!(reply.contains("Например: /slots add 2026-09-02 15:00 30 4"), "{line}: {reply}");
    }
    let minutes_kk = "Басталу уақытынан кейін бір кездесудің ұзақтығы жазылады: 5 пен 240 аралығындағы минут саны, 0–9 цифрларымен.";
    let reply = texts(&app.send(&kk, "/slots add 2026-09-03 10:00 -30 4").await);
    assert!(reply.contains(&format!("«-30» деген сөзді түсінбедім. {minutes_kk}")), "{reply}");
    let reply = texts(&app.send(&kk, "/slots add 2026-09-03 10:00 30 ４").await);
    reply.says("«４» деген сөзді түсінбедім. Ұзақтығынан кейін қатарынан неше");
    reply.says("Мысалы: /slots add 2026-09-02 15:00 30 4");
    assert_eq!(app.count("SELECT COUNT(*) FROM slots").await, 0, "nothing was added");
    // Words with letters or other signs are places.
    let ok = texts(&app.send(&p.mentor, "/slots add 2026-09-03 10:00 30 2 12-кабинет").await);
    ok.says("Свободное время добавлено");
    let ok = texts(&app.send(&kk, "/slots add 2026-09-03 10:00 №5 мектеп").await);
    ok.says("Бос уақыт қосылды");
    assert_eq!(app.count("SELECT COUNT(*) FROM slots WHERE place = '12-кабинет'").await, 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM slots WHERE place = '№5 мектеп'").await, 1);
    app.stop().await;
}

/// A date more than half a year away is shown with its year, in both
/// languages; a near one (the turn of the year included) without it.
async fn a_slot_far_ahead_shows_its_year(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("kk").join(&app).await;
    let kk = app.mentor(11, "Бақыт", "kk", "№7 мектеп").await;
    let ru = texts(&app.send(&p.mentor, "/slots add 2099-01-01 15:00 30").await);
    assert!(
        ru.contains(
            "Свободное время добавлено: четверг, 1 января 2099, 15:00–15:30, на 1 встречу по 30 мин."
        ),
        "{ru}"
    );
    let clash = texts(&app.send(&p.mentor, "/slots add 2099-01-01 15:15 30").await);
    clash.says("(четверг, 1 января 2099, 15:00–15:30)");
    let kk_added = texts(&app.send(&kk, "/slots add 2099-01-01 15:00 30 2").await);
    assert!(
        kk_added.contains(
            "Бос уақыт қосылды: 2099 жылғы 1 қаңтар, бейсенбі, 15:00–16:00, 30 минуттан 2 кездесуге орын."
        ),
        "{kk_added}"
    );
    // From 1 September 2026, 28 February 2027 is 180 days ahead, 5 March 185.
    let near = texts(&app.send(&p.mentor, "/slots add 2027-02-28 15:00 30").await);
    near.says("воскресенье, 28 февраля, 15:00–15:30");
    let far = texts(&app.send(&kk, "/slots add 2027-03-05 15:00 30").await);
    far.says("2027 жылғы 5 наурыз, жұма, 15:00–15:30");
    app.stop().await;
}

/// A place, a district or a school refused for a character that reorders
/// text, or for having nothing but invisible characters, is refused for
/// that — not for its length.
async fn places_with_invisible_or_direction_characters_are_refused_for_that(backend: Backend) {
    let app = TestApp::start_with_admins(backend, &[5]).await;
    let p = programme().mentor("ru").student("kk").join(&app).await;
    let kk = app.mentor(11, "Бақыт", "kk", "№7 мектеп").await;
    let bidi_ru = "названии места есть невидимые символы, которые меняют направление текста.";
    let invisible_ru = "есто состоит только из невидимых символов.";
    for (line, expected) in [
        ("/slots place каб.\u{202E}12", bidi_ru),
        ("/slots place \u{200B}\u{200D}", invisible_ru),
        ("/slots add 2026-09-03 15:00 30 каб.\u{2067}12", bidi_ru),
        ("/slots add 2026-09-03 15:00 30 2 \u{FEFF}", invisible_ru),
    ] {
        let reply = texts(&app.send(&p.mentor, line).await);
        assert!(reply.contains(expected), "{line:?}: {reply}");
        assert!(!reply.contains("200 знаков"), "{line:?}: not about the length: {reply}");
    }
    // Typed in the dialogue.
    app.send(&kk, "/slots place").await;
    let reply = texts(&app.send(&kk, "12\u{200F} кабинет").await);
    reply.says("Орынның атауында мәтін бағытын өзгертетін көрінбейтін таңбалар бар.");
    let reply = texts(&app.send(&kk, "\u{2060}").await);
    reply.says("Орынның атауы тек көрінбейтін таңбалардан тұрады.");
    let reply = texts(&app.send(&kk, "12 кабинет").await);
    reply.says("Әдетте кездесетін орын сақталды: 12 кабинет");
    let reply = texts(&app.send(&kk, "/slots add 2026-09-03 15:00 \u{202B}").await);
    reply.says("Ештеңе қосылмады: орынның атауында мәтін бағытын");
    assert_eq!(app.count("SELECT COUNT(*) FROM slots").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM mentor_places").await, 1);
    // A district and a school typed for a mentor's invite (handlers::invite).
    let coordinator = app.user(5, "Гүлнар", Some("kk"));
    app.send(&coordinator, "/start").await;
    let menu = with_buttons(&app.send(&coordinator, "/invite").await);
    app.press_button(&coordinator, &menu, "Тәлімгерді").await;
    let reply = texts(&app.send(&coordinator, "Талдықорған\u{202E}").await);
    reply.says("Атауда мәтін бағытын өзгертетін көрінбейтін таңбалар бар.");
    let reply = texts(&app.send(&coordinator, "\u{200B}\u{200C}").await);
    reply.says("Атау тек көрінбейтін таңбалардан тұрады.");
    let reply = texts(&app.send(&coordinator, "Талдықорған").await);
    reply.says("Талдықорған: мектептің атауын жазыңыз");
    let reply = texts(&app.send(&coordinator, "\u{2066}№5 мектеп").await);
    reply.says("Атауда мәтін бағытын өзгертетін");
    assert!(!reply.contains("100"), "not about the length: {reply}");
    let coordinator_ru = app.user(6, "Ольга", Some("ru"));
    let link = app.invite_link(talimger::domain::invite::InviteTarget::Coordinator, None, None, 1).await;
    app.open_link(&coordinator_ru, &link).await;
    let menu = with_buttons(&app.send(&coordinator_ru, "/invite").await);
    app.press_button(&coordinator_ru, &menu, "Ментора").await;
    let reply = texts(&app.send(&coordinator_ru, "Алматы\u{200E}").await);
    reply.says("В названии есть невидимые символы, которые меняют направление текста.");
    let reply = texts(&app.send(&coordinator_ru, "\u{FEFF}").await);
    reply.says("Название состоит только из невидимых символов.");
    app.stop().await;
}

/// A weekly rule skips the times that overlap slots already there, and
/// its answer names each (free time or a booking), then counts the rest.
async fn a_weekly_rule_names_the_times_it_skips_and_why(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme().mentor("ru").student("kk").join(&app).await;
    app.send(&p.mentor, "/slots add 2026-09-10 15:00 30").await;
    book_first(&app, &p).await;
    app.send(&p.mentor, "/slots add 2026-09-03 15:20 30").await;
    // Thursdays 15:00–16:00: 3, 10, 17 and 24 September, two slots each.
    let added = texts(&app.send(&p.mentor, "/slots weekly 4 15:00 16:00 30").await);
    added.says("добавлено свободное время для 5 встреч.");
    assert!(
        added.contains(concat!(
            "Пропущено время, которое пересекается с уже добавленным:\n",
            "четверг, 3 сентября, 15:00–15:30 — уже есть свободное время 15:20–15:50\n",
            "четверг, 3 сентября, 15:30–16:00 — уже есть свободное время 15:20–15:50\n",
            "четверг, 10 сентября, 15:00–15:30 — уже есть запись на встречу 15:00–15:30"
        )),
        "{added}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM slots WHERE rule_id IS NOT NULL").await, 5);
    // Changed, the rule names what it skips again.
    let rule: i64 = app.count("SELECT MAX(id) FROM availability_rules").await;
    let changed = texts(&app.send(&p.mentor, &format!("/slots weekly change {rule} 4 15:30 16:00 30")).await);
    changed.says("заново добавлено свободное время для 3 встреч.");
    changed.says("четверг, 3 сентября, 15:30–16:00 — уже есть свободное время 15:20–15:50");
    // Many: eight named, the rest counted (Kazakh).
    let kk = app.mentor(11, "Бақыт", "kk", "№7 мектеп").await;
    for day in ["03", "10", "17"] {
        app.send(&kk, &format!("/slots add 2026-09-{day} 15:00 30 4")).await;
    }
    let added = texts(&app.send(&kk, "/slots weekly 4 15:00 17:00 30").await);
    added.says("Алдағы төрт аптаға 4 кездесуге бос уақыт қосылды.");
    assert!(
        added.contains(concat!(
            "Мына уақыт бұрыннан бар уақытпен қабаттасатындықтан жасалмады:\n",
            "3 қыркүйек, бейсенбі, 15:00–15:30 — бұрыннан бар бос уақытпен қабаттасады: 15:00–15:30\n"
        )),
        "{added}"
    );
    assert!(added.ends_with("Тағы 4 кездесуге арналған уақыт осы себеппен жасалмады."), "{added}");
    assert_eq!(added.matches("қабаттасады:").count(), 8, "{added}");
    app.stop().await;
}

/// Mentor 10 and student 20, both in Russian (set up without the shared
/// fixture, for the wording tests below).
async fn ru_mentor_and_student(app: &TestApp) -> (TgUser, TgUser) {
    let mentor = app.mentor(10, "Айгүл", "ru", "№5 мектеп").await;
    let link = app.invite_link(InviteTarget::Student { mentor: UserId(10) }, None, None, 1).await;
    let student = app.user(20, "Ерлан", Some("ru"));
    app.open_link(&student, &link).await;
    (mentor, student)
}

/// No line of a text starts with a lower-case Russian weekday (GLOSSARY.md).
fn no_line_starts_with_a_weekday(text: &str) {
    const WEEKDAYS: [&str; 7] =
        ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"];
    for line in text.lines() {
        assert!(
            !WEEKDAYS.iter().any(|w| line.starts_with(w)),
            "a line starts with a weekday: {line:?} in {text}"
        );
    }
}

/// The lead time is said the way the reminders say a lead: «2 дня», not
/// «2880 минут».
async fn a_booking_too_soon_names_the_lead_in_days(backend: Backend) {
    let app = TestApp::start_with(backend, &[], |c| c.booking_lead = Duration::days(2)).await;
    let (mentor, student) = ru_mentor_and_student(&app).await;
    // Tuesday 09:00 now; Friday 11:00 is 74 hours away.
    app.send(&mentor, "/slots add 2026-09-04 11:00 30").await;
    let list = app.send(&student, "/book").await;
    let topic = app.press_button(&student, &with_buttons(&list), "11:00").await;
    let check = app.press_button(&student, &with_buttons(&topic), "Без темы").await;
    // A day later the slot is 50 hours away; at the press, 47.
    app.clock.advance(Duration::hours(27));
    let late = texts(&app.press_button(&student, &with_buttons(&check), "Подтвердить").await);
    assert!(late.contains("Записаться можно не позже чем за 2 дня до встречи."), "{late}");
    assert!(!late.contains("минут"), "{late}");
    app.stop().await;
}

/// /slots list, /book and /week head each day with a label, never with a
/// bare lower-case weekday.
async fn each_day_of_a_list_is_labelled(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (mentor, student) = ru_mentor_and_student(&app).await;
    app.send(&mentor, "/slots add 2026-09-03 15:00 30 2").await;
    app.send(&mentor, "/slots add 2026-09-04 10:00 30").await;
    let slots = texts(&app.send(&mentor, "/slots list").await);
    assert!(
        slots.contains("\n\nДень: четверг, 3 сентября\n15:00–15:30 — свободно\n15:30–16:00 — свободно"),
        "{slots}"
    );
    assert!(slots.contains("\n\nДень: пятница, 4 сентября\n10:00–10:30 — свободно"), "{slots}");
    no_line_starts_with_a_weekday(&slots);
    let book = app.send(&student, "/book").await;
    let list = texts(&book);
    assert!(
        list.contains("\n\nДень: четверг, 3 сентября\n15:00 15:30\n\nДень: пятница, 4 сентября\n10:00"),
        "{list}"
    );
    no_line_starts_with_a_weekday(&list);
    let topic = app.press_button(&student, &with_buttons(&book), "15:00").await;
    let check = app.press_button(&student, &with_buttons(&topic), "Без темы").await;
    app.press_button(&student, &with_buttons(&check), "Подтвердить").await;
    let week = texts(&app.send(&mentor, "/week").await);
    assert!(week.contains("\n\nДень: четверг, 3 сентября\n15:00–15:30 — Ерлан"), "{week}");
    no_line_starts_with_a_weekday(&week);
    app.stop().await;
}

/// Berlin puts its clocks back from 03:00 to 02:00 on Sunday 25 October
/// 2026: a slot during the change would read «02:30–02:00», so it is
/// refused, saying why; slots before or after it are added.
async fn a_slot_across_a_clock_change_is_refused(backend: Backend) {
    let app = TestApp::start_with(backend, &[], |c| c.tz = chrono_tz::Europe::Berlin).await;
    let (mentor, _student) = ru_mentor_and_student(&app).await;
    for line in ["/slots add 2026-10-25 02:30 30", "/slots add 2026-10-25 01:00 30 4"] {
        let refused = texts(&app.send(&mentor, line).await);
        assert!(
            refused.starts_with("Ничего не добавлено: во время встречи переводят часы")
                && refused.contains("День: воскресенье, 25 октября."),
            "{line}: {refused}"
        );
        assert!(!refused.contains("02:30–02:00"), "{refused}");
    }
    let before = texts(&app.send(&mentor, "/slots add 2026-10-25 01:00 30 3").await);
    assert!(before.contains("Свободное время добавлено: воскресенье, 25 октября, 01:00–02:30"), "{before}");
    let after = texts(&app.send(&mentor, "/slots add 2026-10-25 03:00 30 2").await);
    assert!(after.contains("Свободное время добавлено: воскресенье, 25 октября, 03:00–04:00"), "{after}");
    // Kazakh says it in its own words.
    let kk = app.mentor(11, "Бақыт", "kk", "№7 мектеп").await;
    let refused = texts(&app.send(&kk, "/slots add 2026-10-25 02:30 30").await);
    assert!(
        refused.starts_with("Ештеңе қосылмады: кездесу кезінде сағат тілі ауысады")
            && refused.contains("Күні: 25 қазан, жексенбі."),
        "{refused}"
    );
    app.stop().await;
}
