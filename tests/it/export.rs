//! Exports (`talimger export`, `/export`): CSV that round-trips names with
//! commas, quotes, new lines and Kazakh letters, a header row in the
//! reader's language, a district's coordinator getting their district
//! only, nobody else running `/export` or pressing its buttons, and no
//! message, topic or note ever in a file.

use crate::cast::{Cast, programme};
use crate::fake_api::{Sent, TgUser};
use crate::helpers::{Backend, Shown, TestApp, exec};
use crate::on_both_backends;
use talimger::config::{ExportArgs, ExportLang, ExportWhat};
use talimger::domain::invite::InviteTarget;
use talimger::domain::time::Clock;

on_both_backends!(
    csv_round_trips_hard_names,
    district_export_holds_its_district,
    coordinator_gets_the_file_in_the_bot,
    only_coordinators_export,
);

/// What a message, a topic, a note or a cancel reason says: never in a file.
const MARKER: &str = "MARKER-9f3c";

/// A mentor's name that CSV must quote: a comma, quotes, a new line, and
/// Kazakh letters.
const HARD_NAME: &str = "Әсел \"Ақ құс\", Құлпынай\nҮмбетова";
const HARD_SCHOOL: &str = "«Өрлеу», №5 \"мектеп\"";

/// The cast (Айгүл (10) renamed `HARD_NAME`, her school `HARD_SCHOOL`, in
/// Талдықорған), Бауыржан (11) in Панфилов ауданы, and the coordinators
/// Гүлнар (60) of Талдықорған, Дина (61) of Панфилов ауданы and Асқар (62),
/// the regional one. Each mentor has a question and an SOS from a student
/// (their words carry `MARKER`), and a meeting with a topic, a note and a
/// cancel reason carrying it too.
struct Scene {
    cast: Cast,
    other_mentor: TgUser,
    district: TgUser,
    other_district: TgUser,
    regional: TgUser,
}

async fn scene(app: &TestApp) -> Scene {
    let cast = programme().mentor("ru").student("kk").join(app).await;
    let now = app.clock.now();
    let here = app.db.district_named("Талдықорған", now).await.expect("district");
    let there = app.db.district_named("Панфилов ауданы", now).await.expect("district");
    let school = app.db.school_named(there, "Жаркент №1 мектебі", now).await.expect("school");
    let link = app.invite_link(InviteTarget::Mentor, Some(there), Some(school), 1).await;
    let other_mentor = app.user(11, "Бауыржан", Some("ru"));
    app.open_link(&other_mentor, &link).await;
    let link =
        app.invite_link(InviteTarget::Student { mentor: talimger::domain::UserId(11) }, None, None, 1).await;
    let other_student = app.user(21, "Дәулет", Some("kk"));
    app.open_link(&other_student, &link).await;
    let mut coordinators = Vec::new();
    for (id, name, district) in [(60, "Гүлнар", Some(here)), (61, "Дина", Some(there)), (62, "Асқар", None)]
    {
        let link = app.invite_link(InviteTarget::Coordinator, district, None, 1).await;
        let user = app.user(id, name, Some("ru"));
        app.open_link(&user, &link).await;
        coordinators.push(user);
    }
    for student in [&cast.student, &other_student] {
        app.send(student, &format!("{MARKER} менің сұрағым, with a comma")).await;
        app.send(student, &format!("/sos {MARKER} шұғыл")).await;
    }
    app.clock.advance(chrono::Duration::minutes(30));
    let at = app.clock.now().timestamp_millis();
    let day = 86_400_000;
    let mut statements = vec![
        format!(
            "UPDATE users SET first_name = '{}', last_name = NULL WHERE id = 10",
            HARD_NAME.replace('\'', "''")
        ),
        format!(
            "UPDATE schools SET name = '{}' WHERE id = (SELECT school_id FROM users WHERE id = 10)",
            HARD_SCHOOL.replace('\'', "''")
        ),
        format!("UPDATE questions SET answered_at = {at} WHERE kind <> 'urgent' AND mentor_id = 10"),
    ];
    for (n, (mentor, student)) in [(10, 20), (11, 21)].into_iter().enumerate() {
        statements.push(format!(
            "INSERT INTO meetings (uid, mentor_id, student_id, booked_by, starts_at, ends_at, place, topic, status,
                 cancelled_by, cancel_reason, note, created_at, updated_at)
             VALUES ('export-{n}', {mentor}, {student}, {student}, {s}, {e}, 'Кабинет 12', '{MARKER} topic',
                 'cancelled', {student}, '{MARKER} reason', '{MARKER} note', {at}, {at})",
            s = at - day,
            e = at - day + 1_800_000,
        ));
    }
    exec(app, &statements).await;
    let regional = coordinators.pop().expect("three");
    let other_district = coordinators.pop().expect("three");
    let district = coordinators.pop().expect("three");
    Scene { cast, other_mentor, district, other_district, regional }
}

/// `talimger export WHAT` over the last 30 days: the file's bytes.
async fn cli_export(app: &TestApp, what: ExportWhat, district: Option<&str>, lang: ExportLang) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("export.csv");
    let args = ExportArgs {
        what,
        from: None,
        to: None,
        district: district.map(str::to_owned),
        out: Some(out.clone()),
        lang,
    };
    talimger::cli::export(app.config(), &args, app.clock.clone()).await.expect("the export");
    std::fs::read(&out).expect("the file")
}

/// The rows of a CSV file (the header first), read back with the `csv`
/// crate after its byte-order mark, as Excel and LibreOffice read it.
fn rows_of(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a UTF-8 byte-order mark");
    assert!(std::str::from_utf8(body).is_ok(), "UTF-8");
    assert!(
        !String::from_utf8_lossy(body).contains(MARKER),
        "contents leaked: {}",
        String::from_utf8_lossy(body)
    );
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(body);
    let rows: Vec<Vec<String>> =
        reader.records().map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect()).collect();
    let width = rows[0].len();
    assert!(rows.iter().all(|r| r.len() == width), "every row as wide as the header: {rows:?}");
    rows
}

/// The cells LibreOffice reads in `bytes`, opened as UTF-8 CSV and saved
/// again as CSV by `soffice --headless`; `None` (said on stderr) when
/// LibreOffice is not installed (`.ci/run` installs it).
fn libreoffice_reads(bytes: &[u8]) -> Option<Vec<Vec<String>>> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let input = dir.path().join("export.csv");
    std::fs::write(&input, bytes).expect("write");
    let out = dir.path().join("out");
    // Every column read as text, as the file says it (no date guessing).
    let every_column_text = (1..=12).map(|c| format!("{c}/2")).collect::<Vec<_>>().join("/");
    let profile = format!("-env:UserInstallation=file://{}", dir.path().join("profile").display());
    let run = std::process::Command::new("soffice")
        .args([profile.as_str(), "--headless", &format!("--infilter=CSV:44,34,76,1,{every_column_text}")])
        .args(["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir"])
        .arg(&out)
        .arg(&input)
        .output();
    let Ok(run) = run else {
        eprintln!("LibreOffice (soffice) is not installed: the CSV is checked by the parser only");
        return None;
    };
    assert!(run.status.success(), "soffice: {}", String::from_utf8_lossy(&run.stderr));
    let again = std::fs::read(out.join("export.csv")).expect("LibreOffice's file");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(again.as_slice());
    Some(reader.records().map(|r| r.expect("a record").iter().map(str::to_owned).collect()).collect())
}

const KINDS: [ExportWhat; 4] =
    [ExportWhat::Meetings, ExportWhat::Questions, ExportWhat::Sos, ExportWhat::Users];

async fn csv_round_trips_hard_names(backend: Backend) {
    let app = TestApp::start(backend).await;
    let _scene = scene(&app).await;
    for what in KINDS {
        let bytes = cli_export(&app, what, None, ExportLang::Ru).await;
        let rows = rows_of(&bytes);
        // RFC 4180: CRLF between records, quotes doubled inside a quoted cell.
        assert!(bytes.windows(2).any(|w| w == b"\r\n"), "CRLF");
        assert!(String::from_utf8_lossy(&bytes).contains("\"\"Ақ құс\"\""), "quotes doubled");
        let mentor_col =
            rows[0].iter().position(|h| h == "Ментор" || h.starts_with("Имя")).expect("a name column");
        assert!(rows.iter().any(|r| r[mentor_col] == HARD_NAME), "{what:?}: {rows:?}");
        assert!(rows.iter().any(|r| r.contains(&HARD_SCHOOL.to_owned())), "{what:?}: {rows:?}");
        assert!(rows.iter().any(|r| r.contains(&"Панфилов ауданы".to_owned())), "{what:?}: all districts");
        // Nobody's Telegram id: students and parents are pseudonyms.
        for row in &rows[1..] {
            for id in ["20", "21", "40"] {
                assert!(!row.contains(&id.to_owned()), "{what:?}: a Telegram id in {row:?}");
            }
        }
    }
    // The header row in the operator's language.
    let ru = rows_of(&cli_export(&app, ExportWhat::Questions, None, ExportLang::Ru).await);
    assert_eq!(&ru[0][..4], ["Номер", "Район", "Школа", "Ментор"]);
    assert!(ru[0].contains(&"Ждал ответа, минут (без тихих часов)".to_owned()), "{:?}", ru[0]);
    let kk = rows_of(&cli_export(&app, ExportWhat::Questions, None, ExportLang::Kk).await);
    assert_eq!(&kk[0][..4], ["Нөмір", "Аудан", "Мектеп", "Тәлімгер"]);
    // A question's row: who asked (a pseudonym), when, when answered, how
    // long it waited — 30 minutes for Айгүл's, the other still waiting.
    let asker = ru[0].iter().position(|h| h == "Кто спросил (номер)").expect("asker");
    let waited = ru[0].len() - 1;
    let mine = ru.iter().find(|r| r[3] == HARD_NAME).expect("Айгүл's question");
    assert!(mine[asker].starts_with("P-") && mine[asker].len() == 14, "{mine:?}");
    assert_eq!(mine[waited], "30");
    // The same student has the same pseudonym in every export.
    let users = rows_of(&cli_export(&app, ExportWhat::Users, None, ExportLang::Ru).await);
    assert!(users.iter().any(|r| r[0] == mine[asker] && r[1] == "ученик"), "{users:?}");
    // LibreOffice reads the same cells (the mark taken as UTF-8's, no
    // stray character before the first header).
    let bytes = cli_export(&app, ExportWhat::Questions, None, ExportLang::Kk).await;
    if let Some(office) = libreoffice_reads(&bytes) {
        assert_eq!(office, rows_of(&bytes));
    }
    app.stop().await;
}

async fn district_export_holds_its_district(backend: Backend) {
    let app = TestApp::start(backend).await;
    let _scene = scene(&app).await;
    for what in KINDS {
        let rows = rows_of(&cli_export(&app, what, Some("Панфилов ауданы"), ExportLang::Ru).await);
        assert!(rows.len() > 1, "{what:?}: rows of the district");
        let text = format!("{rows:?}");
        assert!(!text.contains("Талдықорған") && !text.contains("Әсел"), "{what:?}: {text}");
    }
    let err = talimger::cli::export(
        app.config(),
        &ExportArgs {
            what: ExportWhat::Sos,
            from: None,
            to: None,
            district: Some("Нет такого".into()),
            out: None,
            lang: ExportLang::Ru,
        },
        app.clock.clone(),
    )
    .await
    .expect_err("an unknown district");
    assert!(err.to_string().contains("Панфилов ауданы"), "{err}");
    app.stop().await;
}

/// The `/export` screen's message: the one with a button `label`.
fn screen(sent: &[Sent], label: &str) -> Sent {
    sent.iter()
        .find(|s| s.button_data(label).is_some())
        .cloned()
        .unwrap_or_else(|| panic!("a screen with {label:?} in {sent:?}"))
}

/// `/export` → what → period by `who`: the document sent.
async fn bot_export(app: &TestApp, who: &TgUser, what: &str) -> (String, Vec<u8>) {
    let first = screen(&app.send(who, "/export").await, what);
    let second = screen(&app.press_button(who, &first, what).await, "Последние 30 дней");
    let sent = app.press_button(who, &second, "Последние 30 дней").await;
    sent.iter().find_map(|s| s.document.clone()).unwrap_or_else(|| panic!("a document in {sent:?}"))
}

async fn coordinator_gets_the_file_in_the_bot(backend: Backend) {
    let app = TestApp::start(backend).await;
    let scene = scene(&app).await;
    let (name, bytes) = bot_export(&app, &scene.district, "Вопросы").await;
    assert!(name.starts_with("questions_") && name.ends_with(".csv"), "{name}");
    let rows = rows_of(&bytes);
    assert_eq!(&rows[0][..4], ["Номер", "Район", "Школа", "Ментор"]);
    assert_eq!(rows.len(), 2, "Талдықорған's one question: {rows:?}");
    assert_eq!(rows[1][3], HARD_NAME);
    // The same file as the operator's.
    let cli = cli_export(&app, ExportWhat::Questions, Some("Талдықорған"), ExportLang::Ru).await;
    assert_eq!(bytes, cli);
    // The other district's coordinator: their district only.
    let (_, bytes) = bot_export(&app, &scene.other_district, "Встречи").await;
    let text = format!("{:?}", rows_of(&bytes));
    assert!(text.contains("Жаркент №1 мектебі") && !text.contains("Әсел"), "{text}");
    // The regional one: both.
    let (_, bytes) = bot_export(&app, &scene.regional, "Сигналы").await;
    assert_eq!(rows_of(&bytes).len(), 3);
    // Typed dates: a wrong one is said so, a right one brings the file.
    let first = screen(&app.send(&scene.regional, "/export").await, "Участники");
    let second = screen(&app.press_button(&scene.regional, &first, "Участники").await, "Ввести даты");
    app.press_button(&scene.regional, &second, "Ввести даты").await.says("Напишите первый и последний день");
    app.send(&scene.regional, "завтра").await.says("«завтра» — не дата");
    let sent = app.send(&scene.regional, "01.09.2026").await;
    app.outbox_drained().await;
    let sent: Vec<Sent> = sent.into_iter().chain(app.sees(&scene.regional).await.iter().cloned()).collect();
    let (name, bytes) = sent.iter().find_map(|s| s.document.clone()).expect("the file");
    assert_eq!(name, "users_2026-09-01_2026-09-01.csv");
    assert!(rows_of(&bytes).iter().any(|r| r[1] == "ученик"));
    app.stop().await;
}

async fn only_coordinators_export(backend: Backend) {
    let app = TestApp::start(backend).await;
    let scene = scene(&app).await;
    let Cast { mentor, student, parent, .. } = &scene.cast;
    app.send(mentor, "/export").await.says("Выгрузку таблиц делают координаторы").never_says("Что выгрузить");
    app.send(student, "/export").await.says("Кестелерді үйлестірушілер жүктеп алады");
    app.send(parent, "/export").await.says("Выгрузку таблиц делают координаторы");
    // Every button of the coordinator's two screens, pressed by the others:
    // a toast, nothing sent, no step, no file.
    let first = screen(&app.send(&scene.district, "/export").await, "Встречи");
    let second = screen(&app.press_button(&scene.district, &first, "Встречи").await, "Эта неделя");
    let all: Vec<String> = [&first, &second]
        .iter()
        .flat_map(|s| s.buttons.iter().flatten().filter_map(|b| b.data.clone()))
        .collect();
    assert_eq!(all.len(), 8, "{all:?}");
    let files_before = app.count("SELECT COUNT(*) FROM outbox WHERE method = 'sendDocument'").await;
    for (who, refusal) in [
        (mentor, "Эта кнопка — для координаторов программы"),
        (student, "Бұл батырманы бағдарлама үйлестірушілері басады"),
        (parent, "Эта кнопка — для координаторов программы"),
        (&scene.other_mentor, "Эта кнопка — для координаторов программы"),
    ] {
        let own = app.send(who, "/help").await;
        let message = own.iter().find(|s| s.message_id.is_some()).expect("a message of theirs").clone();
        for data in &all {
            let answers = app.press(who, &message, data).await;
            answers.says(refusal).never_says("За какой период").never_says("Таблица");
            assert!(answers.iter().all(|s| s.method == "answerCallbackQuery"), "{answers:?}");
        }
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM users WHERE id = {} AND dialogue IS NOT NULL", who.id))
                .await,
            0
        );
    }
    app.outbox_drained().await;
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE method = 'sendDocument'").await, files_before);
    app.stop().await;
}
