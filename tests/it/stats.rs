//! `/stats`: a coordinator's figures against hand-counted fixtures (first
//! answers in working time, quiet hours left out), each coordinator seeing
//! their own district only, nobody else running it or pressing its
//! buttons, and typed dates that are not dates; the weekly chart after the
//! figures (a PNG drawn, the operator's `--chart` the same file, none for
//! a single week, an empty period or fewer than five students).

use crate::cast::{Cast, programme};
use crate::fake_api::Sent;
use crate::fake_api::TgUser;
use crate::helpers::{Backend, Shown, TestApp, exec};
use crate::on_both_backends;
use chrono::{DateTime, TimeZone, Utc};
use talimger::config::{ExportLang, StatsArgs};
use talimger::domain::invite::InviteTarget;
use talimger::domain::time::Clock;

on_both_backends!(
    figures_match_the_hand_count,
    each_coordinator_sees_their_district,
    only_coordinators_get_statistics,
    typed_dates_that_are_not_dates,
    the_figures_come_with_a_chart,
);

/// Milliseconds of a local time in Almaty (UTC+5), 2026.
fn at(month: u32, day: u32, hour: u32, minute: u32) -> i64 {
    local(month, day, hour, minute).timestamp_millis()
}

fn local(month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Almaty
        .with_ymd_and_hms(2026, month, day, hour, minute, 0)
        .single()
        .expect("a valid time")
        .with_timezone(&Utc)
}

/// Who plays here besides the cast: Бауыржан (11), a mentor in another
/// district, and three coordinators — Гүлнар (60) of the cast's district,
/// Дина (61) of the other one, and Асқар (62), the regional one.
struct Programme {
    cast: Cast,
    other_mentor: TgUser,
    district: TgUser,
    other_district: TgUser,
    regional: TgUser,
}

async fn programme_with_coordinators(app: &TestApp, district_lang: &'static str) -> Programme {
    let cast = programme().mentor("ru").student("kk").join(app).await;
    let now = app.clock.now();
    let here = app.db.district_named("Талдықорған", now).await.expect("district");
    let there = app.db.district_named("Панфилов ауданы", now).await.expect("district");
    let school = app.db.school_named(there, "Жаркент №1 мектебі", now).await.expect("school");
    let link = app.invite_link(InviteTarget::Mentor, Some(there), Some(school), 1).await;
    let other_mentor = app.user(11, "Бауыржан", Some("ru"));
    app.open_link(&other_mentor, &link).await;
    let mut coordinators = Vec::new();
    for (id, name, lang, district) in [
        (60, "Гүлнар", district_lang, Some(here)),
        (61, "Дина", "ru", Some(there)),
        (62, "Асқар", "ru", None),
    ] {
        let link = app.invite_link(InviteTarget::Coordinator, district, None, 1).await;
        let user = app.user(id, name, Some(lang));
        app.open_link(&user, &link).await;
        assert_eq!(app.role_of(id).await, Some(talimger::domain::Role::Coordinator));
        coordinators.push(user);
    }
    let regional = coordinators.pop().expect("three");
    let other_district = coordinators.pop().expect("three");
    let district = coordinators.pop().expect("three");
    Programme { cast, other_mentor, district, other_district, regional }
}

/// The hand-counted week of Айгүл (10), whose quiet hours are 21:00–08:00:
///
/// questions (working minutes to the first answer):
/// - 1 Sep 20:00 → 2 Sep 09:00: 20–21 and 08–09, 120 (the clock says 780)
/// - 2 Sep 10:00 → 10:10: 10
/// - 2 Sep 22:30 → 3 Sep 08:20: 20 (the clock says 590)
/// - 3 Sep 12:00 → 15:00: 180
/// - 7 Sep 10:00, waiting: 15 working hours by 8 Sep 12:00
/// - 2 Sep 09:00, waiting: 81 working hours, over 48
/// - 30 Aug (before the period), answered: not counted
///
/// so 6 asked, 4 answered, 2 waiting (1 over 48 h), the median of
/// 10, 20, 120, 180 is 70 minutes and the 90th percentile 180;
///
/// SOS alerts: acknowledged after 4 minutes, before the coordinators'
/// alert; after 30, past it (escalated); never (escalated): 3, 2
/// acknowledged, median 17 minutes, 2 escalated;
///
/// meetings in the period: held, no-show, cancelled by the student, the
/// parent and the mentor, one not marked; one after the period.
///
/// Four more students make five: per-student rates 6/5 and 1/5.
/// Бауыржан (11), in the other district: one student, one question, one SOS.
async fn hand_counted_week(app: &TestApp) {
    let mut sql = vec![
        "INSERT INTO quiet_hours (mentor_id, enabled, start_min, end_min) VALUES (10, 1, 1260, 480)"
            .to_owned(),
    ];
    for id in 21..=24 {
        sql.push(format!(
            "INSERT INTO users (id, first_name, language, role, district_id, school_id, created_at, updated_at)
             SELECT {id}, 'Оқушы', 'kk', 'student', district_id, school_id, 0, 0 FROM users WHERE id = 10"
        ));
        sql.push(format!(
            "INSERT INTO mentor_students (student_id, mentor_id, linked_at) VALUES ({id}, 10, 0)"
        ));
    }
    sql.push(
        "INSERT INTO users (id, first_name, language, role, district_id, school_id, created_at, updated_at)
         SELECT 25, 'Оқушы', 'ru', 'student', district_id, school_id, 0, 0 FROM users WHERE id = 11"
            .to_owned(),
    );
    sql.push("INSERT INTO mentor_students (student_id, mentor_id, linked_at) VALUES (25, 11, 0)".to_owned());
    let question = |mentor: i64, kind: &str, asked: i64, answered: Option<i64>, acked: Option<i64>| {
        let opt = |v: Option<i64>| v.map_or("NULL".to_owned(), |v| v.to_string());
        let student = if mentor == 10 { 20 } else { 25 };
        format!(
            "INSERT INTO questions (mentor_id, sender_id, student_id, kind, chat_message_id, created_at, answered_at, acknowledged_at)
             VALUES ({mentor}, {student}, {student}, '{kind}', 1, {asked}, {}, {})",
            opt(answered),
            opt(acked)
        )
    };
    let q = |asked, answered| question(10, "ordinary", asked, answered, None);
    sql.push(q(at(9, 1, 20, 0), Some(at(9, 2, 9, 0))));
    sql.push(q(at(9, 2, 10, 0), Some(at(9, 2, 10, 10))));
    sql.push(question(10, "anonymous", at(9, 2, 22, 30), Some(at(9, 3, 8, 20)), None));
    sql.push(q(at(9, 3, 12, 0), Some(at(9, 3, 15, 0))));
    sql.push(q(at(9, 7, 10, 0), None));
    sql.push(q(at(9, 2, 9, 0), None));
    sql.push(q(at(8, 30, 12, 0), Some(at(8, 30, 13, 0))));
    for (raised, acked) in [
        (at(9, 4, 23, 0), Some(at(9, 4, 23, 4))),
        (at(9, 5, 10, 0), Some(at(9, 5, 10, 30))),
        (at(9, 6, 10, 0), None),
    ] {
        sql.push(question(10, "urgent", raised, None, acked));
        sql.push(format!(
            "INSERT INTO sos_steps (question_id, step, at)
             SELECT id, 'escalation_due', {} FROM questions WHERE created_at = {raised}",
            raised + 15 * 60_000
        ));
    }
    sql.push(question(11, "ordinary", at(9, 3, 9, 0), Some(at(9, 3, 9, 5)), None));
    sql.push(question(11, "urgent", at(9, 3, 9, 0), Some(at(9, 3, 9, 1)), Some(at(9, 3, 9, 1))));
    let meeting = |n: i64, day: u32, status: &str, cancelled_by: Option<i64>| {
        let start = at(9, day, 15, 0);
        format!(
            "INSERT INTO meetings (uid, mentor_id, student_id, booked_by, starts_at, ends_at, status, cancelled_by, created_at, updated_at)
             VALUES ('m{n}', 10, 20, 20, {start}, {}, '{status}', {}, 0, 0)",
            start + 30 * 60_000,
            cancelled_by.map_or("NULL".to_owned(), |b| b.to_string())
        )
    };
    sql.push(meeting(1, 2, "held", None));
    sql.push(meeting(2, 3, "no_show", None));
    sql.push(meeting(3, 3, "cancelled", Some(20)));
    sql.push(meeting(4, 4, "cancelled", Some(40)));
    sql.push(meeting(5, 4, "cancelled", Some(10)));
    sql.push(meeting(6, 7, "booked", None));
    sql.push(meeting(7, 10, "booked", None));
    exec(app, &sql).await;
    // Now: 8 September, 12:00 in Almaty.
    let now = app.clock.now();
    app.clock.advance(local(9, 8, 12, 0) - now);
}

/// The message with the period buttons (an alert of the unanswered radar
/// may come in the same moment).
fn stats_screen(sent: &[Sent]) -> Sent {
    let period = |s: &&Sent| {
        s.buttons.iter().flatten().any(|b| b.data.as_deref().is_some_and(|d| d.starts_with("cs:")))
    };
    sent.iter().rev().find(period).cloned().unwrap_or_else(|| panic!("no period buttons in {sent:?}"))
}

/// The coordinator asks for 1–7 September by typed dates.
async fn first_week(app: &TestApp, who: &TgUser) -> Vec<Sent> {
    let screen = stats_screen(&app.send(who, "/stats").await);
    let dates =
        screen.buttons.iter().flatten().last().and_then(|b| b.data.clone()).expect("the dates button");
    app.press(who, &screen, &dates).await;
    app.send(who, "01.09.2026 07.09.2026").await
}

async fn figures_match_the_hand_count(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme_with_coordinators(&app, "ru").await;
    hand_counted_week(&app).await;
    let shown = first_week(&app, &p.district).await;
    shown
        .says("Статистика за период: вторник, 1 сентября — понедельник, 7 сентября")
        .says("Район: Талдықорған")
        .says("1 ментор, 5 учеников, 1 родитель")
        .says("Вопросы: задано — 6, с ответом — 4, ждут ответа — 2 (из них дольше 48 часов — 1)")
        .says("медиана — 1 час 10 минут, у 90% вопросов — не дольше чем 3 часа")
        .says("Сигналы: всего — 3, «Вижу, занимаюсь» нажали — 2 (медиана времени до нажатия — 17 минут), переданы координаторам — 2")
        .says("Встречи: записано — 6, состоялись — 1, не пришли на встречу — 1, отменены — 3 (кто отменил: ученик — 1, родитель — 1, ментор — 1), ещё без отметки — 1")
        .says("На одного ученика: вопросов — 1,2, состоявшихся встреч — 0,2")
        .never_says("Ерлан")
        .never_says("Оқушы");
    // The regional coordinator sees both districts, each with its school,
    // and the other district's school has too few students for rates.
    let shown = first_week(&app, &p.regional).await;
    shown
        .says("Все районы области")
        .says("Итого\n2 ментора, 6 учеников, 1 родитель")
        .says("Вопросы: задано — 7, с ответом — 5")
        .says("Район: Панфилов ауданы")
        .says("Школа: Жаркент №1 мектебі")
        .says("Школа: №5 мектеп")
        .says("Учеников меньше пяти, поэтому показатели на одного ученика не показываю");
    // The operator's table and JSON say the same.
    let config = app.config().clone();
    let facts = app.db.stats_facts(None, local(9, 1, 0, 0), local(9, 8, 0, 0)).await.expect("facts");
    let period = talimger::domain::period::Period::days(
        config.tz,
        local(9, 1, 12, 0).date_naive(),
        local(9, 7, 12, 0).date_naive(),
    );
    let report = talimger::domain::stats::Report::build(&facts, &period, app.clock.now(), config.tz);
    let district = report.districts.iter().find(|d| d.name == "Талдықорған").expect("the district");
    let q = &district.figures.questions;
    assert_eq!((q.first_answer_median_min, q.first_answer_p90_min), (Some(70), Some(180)));
    let table = talimger::cli::stats_table(&report);
    assert!(table.contains("1h10"), "{table}");
    app.stop().await;
}

async fn each_coordinator_sees_their_district(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme_with_coordinators(&app, "kk").await;
    hand_counted_week(&app).await;
    let here = first_week(&app, &p.district).await;
    here.says("Аудан: Талдықорған")
        .says("Апта сайынғы графиктер: сұрақтар, кездесулер")
        .says("Тәлімгер саны: 1, оқушы саны: 5, ата-ана саны: 1")
        .says("Сұрақтар: барлығы — 6")
        .says("медианасы — 1 сағат 10 минут")
        .never_says("Панфилов")
        .never_says("Жаркент");
    let there = first_week(&app, &p.other_district).await;
    there
        .says("Район: Панфилов ауданы")
        .says("1 ментор, 1 ученик, 0 родителей")
        .says("Вопросы: задано — 1, с ответом — 1")
        .says("Сигналы: всего — 1")
        .says("Учеников меньше пяти, поэтому графики по неделям не рисую")
        .never_says("Талдықорған")
        .never_says("№5 мектеп");
    assert!(photos(&there).is_empty(), "one student's weeks are not drawn");
    // The Kazakh chart is the operator's in Kazakh, and not the Russian one.
    let kazakh = chart_of(&here);
    assert_eq!(cli_chart(&app, Some("Талдықорған"), ExportLang::Kk).await, kazakh);
    assert_ne!(cli_chart(&app, Some("Талдықорған"), ExportLang::Ru).await, kazakh);
    // The default screen (the last 30 days) is scoped the same way.
    app.send(&p.other_district, "/stats").await.never_says("Талдықорған").says("Панфилов ауданы");
    app.stop().await;
}

async fn only_coordinators_get_statistics(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme_with_coordinators(&app, "ru").await;
    let Cast { mentor, student, parent, .. } = &p.cast;
    // Nothing happened in the last 30 days: the figures say so, no chart.
    let shown = app.send(&p.district, "/stats").await;
    assert!(photos(&shown).is_empty(), "{shown:?}");
    app.send(mentor, "/stats")
        .await
        .says("Статистику программы видят координаторы")
        .never_says("Статистика за период");
    app.send(student, "/stats").await.says("Бағдарлама статистикасын үйлестірушілер көреді");
    app.send(parent, "/stats").await.says("Статистику программы видят координаторы");
    // The coordinator's screen, and its buttons pressed by everyone else:
    // refused with a toast in their language, nothing sent, no step set.
    let screen = stats_screen(&app.send(&p.district, "/stats").await);
    let all: Vec<String> = screen.buttons.iter().flatten().filter_map(|b| b.data.clone()).collect();
    assert_eq!(all.len(), 4);
    for (who, refusal) in [
        (mentor, "Эта кнопка — для координаторов программы"),
        (student, "Бұл батырманы бағдарлама үйлестірушілері басады"),
        (parent, "Эта кнопка — для координаторов программы"),
        (&p.other_mentor, "Эта кнопка — для координаторов программы"),
    ] {
        let own = app.send(who, "/help").await;
        let message = own.iter().find(|s| s.message_id.is_some()).expect("a message of theirs").clone();
        for data in &all {
            let answers = app.press(who, &message, data).await;
            answers.says(refusal).never_says("Статистика").never_says("Напишите первый и последний день");
            assert!(answers.iter().all(|s| s.method == "answerCallbackQuery"), "{answers:?}");
        }
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM users WHERE id = {} AND dialogue IS NOT NULL", who.id))
                .await,
            0
        );
    }
    // The coordinator's own press works.
    let week = screen.button_data("Эта неделя").expect("the week button");
    let shown = app.press(&p.district, &screen, &week).await;
    shown.says("Статистика за период: понедельник, 31 августа — вторник, 1 сентября");
    assert!(photos(&shown).is_empty(), "a single week is its figures");
    app.stop().await;
}

async fn typed_dates_that_are_not_dates(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme_with_coordinators(&app, "kk").await;
    let screen = stats_screen(&app.send(&p.regional, "/stats").await);
    let dates = screen.button_data("Ввести даты").expect("the dates button");
    app.press(&p.regional, &screen, &dates).await.says("Напишите первый и последний день периода");
    app.send(&p.regional, "32.08.2026")
        .await
        .says("«32.08.2026» — не дата. Напишите дату так: 01.09.2026 или 2026-09-01.");
    app.send(&p.regional, "2026-08-30 2026-08-01").await.says("Первая дата позже второй");
    app.send(&p.regional, "01.10.2026").await.says("Этот период ещё не начался");
    app.send(&p.regional, "1 2 3").await.says("Напишите одну или две даты");
    // Still asking; a good range is answered with the figures.
    let shown = app.send(&p.regional, "25.08.2026 – 01.09.2026").await;
    shown.says("Статистика за период: вторник, 25 августа — вторник, 1 сентября").never_says("график");
    assert!(photos(&shown).is_empty(), "nothing to draw, and no error either");
    // In Kazakh.
    let screen = stats_screen(&app.send(&p.district, "/stats").await);
    let dates = screen.button_data("Күндерді жазу").expect("the dates button");
    app.press(&p.district, &screen, &dates).await;
    app.send(&p.district, "ертең")
        .await
        .says("«ертең» күн емес. Күнді былай жазыңыз: 01.09.2026 немесе 2026-09-01.");
    // /cancel leaves the step.
    app.send(&p.district, "/cancel").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE id = 60 AND dialogue IS NOT NULL").await, 0);
    app.stop().await;
}

/// The photos among what was sent.
fn photos(sent: &[Sent]) -> Vec<Sent> {
    sent.iter().filter(|s| s.method == "sendPhoto").cloned().collect()
}

/// The one chart among what was sent, as the PNG's bytes.
fn chart_of(sent: &[Sent]) -> Vec<u8> {
    let photos = photos(sent);
    assert_eq!(photos.len(), 1, "one chart: {sent:?}");
    photos[0].photo.clone().expect("an uploaded picture")
}

/// The chart `talimger stats --chart` writes for 1–7 September.
async fn cli_chart(app: &TestApp, district: Option<&str>, lang: ExportLang) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("chart.png");
    let args = StatsArgs {
        from: Some("01.09.2026".to_owned()),
        to: Some("2026-09-07".to_owned()),
        district: district.map(str::to_owned),
        json: true,
        chart: Some(path.clone()),
        lang,
    };
    talimger::cli::stats(app.config(), &args, app.clock.clone()).await.expect("the figures");
    std::fs::read(&path).expect("the chart is written")
}

/// Decodes a PNG and checks that something is drawn on it: ink on a good
/// part of the picture, in many shades (lines, letters, their smoothing).
fn drawn(png: &[u8]) -> image::RgbImage {
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png).expect("a PNG").to_rgb8();
    let ink = img.pixels().filter(|p| p.0 != [255, 255, 255]).count();
    let shades: std::collections::HashSet<[u8; 3]> = img.pixels().map(|p| p.0).collect();
    let share = ink as f64 / f64::from(img.width() * img.height());
    assert!(share > 0.01, "ink on {:.2}% of the picture", share * 100.0);
    assert!(shades.len() > 50, "{} shades", shades.len());
    img
}

async fn the_figures_come_with_a_chart(backend: Backend) {
    let app = TestApp::start(backend).await;
    let p = programme_with_coordinators(&app, "ru").await;
    hand_counted_week(&app).await;
    let shown = first_week(&app, &p.district).await;
    // The figures, then the chart of the same week: two weeks (Tuesday 1
    // to Sunday 6, and Monday 7), three panels.
    let figures = shown.iter().position(|s| s.text().contains("Статистика за период")).expect("the figures");
    let chart = shown.iter().position(|s| s.method == "sendPhoto").expect("a chart");
    assert!(figures < chart, "the chart follows the figures: {shown:?}");
    let photo = &shown[chart];
    assert_eq!(photo.text(), "Графики по неделям: вопросы, встречи и время до первого ответа ментора.");
    assert_eq!(photo.file_name.as_deref(), Some("stats_2026-09-01_2026-09-07.png"));
    let img = drawn(&chart_of(&shown));
    assert_eq!(img.width(), 1000);
    assert!((1200..2000).contains(&img.height()), "{}×{}", img.width(), img.height());
    // A blank picture of the same size is not a chart.
    let blank = image::RgbImage::from_pixel(img.width(), img.height(), image::Rgb([255, 255, 255]));
    assert_ne!(img, blank);
    // The regional coordinator's chart (both districts) is the file the
    // operator writes for them.
    let regional = chart_of(&first_week(&app, &p.regional).await);
    drawn(&regional);
    assert_eq!(cli_chart(&app, None, ExportLang::Ru).await, regional);
    app.stop().await;
}
