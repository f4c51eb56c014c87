//! Running it: `talimger backup` copies a running SQLite database into a
//! new file that opens with everything in it; PostgreSQL is pointed at
//! `pg_dump`.

use crate::cast::programme;
use crate::helpers::{Backend, TestApp, count_in};
use crate::on_both_backends;

on_both_backends!(backup_copies_the_running_database);

async fn backup_copies_the_running_database(backend: Backend) {
    let app = TestApp::start(backend).await;
    let cast = programme().mentor("kk").student("ru").parents(&["kk"]).join(&app).await;
    app.send(&cast.student, "Здравствуйте, можно вопрос про олимпиаду?").await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("backup.db");
    let result = talimger::cli::backup(app.config(), &file).await;
    if backend == Backend::Postgres {
        let err = result.expect_err("PostgreSQL is backed up with pg_dump");
        assert!(format!("{err:#}").contains("pg_dump"), "{err:#}");
        assert!(!file.exists(), "nothing written");
        app.stop().await;
        return;
    }
    result.expect("the backup, while the bot runs");
    let copy = format!("sqlite://{}", file.display());
    let users = "SELECT COUNT(*) FROM users";
    let questions = "SELECT COUNT(*) FROM questions";
    assert_eq!(count_in(&copy, users).await, app.count(users).await);
    assert_eq!(count_in(&copy, users).await, 3, "the mentor, the student, the parent");
    assert_eq!(count_in(&copy, questions).await, 1, "the student's question");
    // A file that exists is never overwritten.
    let before = std::fs::read(&file).expect("the backup");
    let err = talimger::cli::backup(app.config(), &file).await.expect_err("the file exists");
    assert!(format!("{err:#}").contains("exists already"), "{err:#}");
    assert_eq!(std::fs::read(&file).expect("the backup"), before, "untouched");
    app.stop().await;
}

/// `GET http://addr/path`: the status and the body.
async fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let response = reqwest::get(format!("http://{addr}{path}")).await.expect("the server answers");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a text body"))
}

/// Prometheus' text format, read strictly: every sample's family has its
/// `# TYPE`, every value is a number. The samples by name with labels.
fn parse_metrics(text: &str) -> std::collections::HashMap<String, f64> {
    let mut typed = std::collections::HashSet::new();
    let mut samples = std::collections::HashMap::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("# TYPE name kind");
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            typed.insert(name.to_owned());
            continue;
        }
        if line.starts_with("# HELP ") || line == "# EOF" {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("a sample: {line}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("a number: {line}"));
        let name = series.split('{').next().expect("a name");
        let family = ["_total", "_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s).filter(|f| typed.contains(*f)))
            .unwrap_or(name);
        assert!(typed.contains(family), "{name} has no # TYPE");
        assert!(samples.insert(series.to_owned(), value).is_none(), "{series} twice");
    }
    samples
}

on_both_backends!(health_and_metrics);

async fn health_and_metrics(backend: Backend) {
    let app = TestApp::start(backend).await;
    let addr = app.running.metrics_addr.expect("health and metrics are served");
    assert_eq!(get(addr, "/healthz").await, (200, "ok\n".to_owned()));
    assert_eq!(get(addr, "/readyz").await, (200, "ready\n".to_owned()));
    let cast = programme().mentor("kk").student("ru").join(&app).await;
    app.send(&cast.student, "Здравствуйте! Когда консультация?").await;
    app.outbox_drained().await;

    let (status, text) = get(addr, "/metrics").await;
    assert_eq!(status, 200);
    let m = parse_metrics(&text);
    let value = |series: &str| *m.get(series).unwrap_or_else(|| panic!("{series} in\n{text}"));
    assert!(
        value(r#"talimger_updates_total{kind="message",outcome="handled"}"#) >= 3.0,
        "joins and the question"
    );
    assert!(value(r#"talimger_sends_total{result="ok"}"#) >= 3.0);
    assert!(value("talimger_handler_seconds_count") >= 3.0);
    assert_eq!(
        value(r#"talimger_handler_seconds_bucket{le="+Inf"}"#),
        value("talimger_handler_seconds_count")
    );
    assert_eq!(value("talimger_poller"), 1.0, "the only instance polls");
    for priority in ["urgent", "answer", "notice", "reminder", "bulk"] {
        assert_eq!(value(&format!(r#"talimger_outbox_depth{{priority="{priority}"}}"#)), 0.0, "drained");
        assert_eq!(value(&format!(r#"talimger_outbox_oldest_seconds{{priority="{priority}"}}"#)), 0.0);
    }
    assert_eq!(value("talimger_jobs_late"), 0.0);
    assert!(m.contains_key("talimger_jobs_due") && m.contains_key("talimger_flood_drops_total"));
    assert!(!text.contains("консультация") && !text.contains(&cast.student.first_name), "no text, no names");

    // The database stops answering: not ready, and ready again after.
    app.db.simulate_outage(std::time::Duration::from_secs(2));
    let (status, body) = get(addr, "/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("database"), "{body}");
    assert_eq!(get(addr, "/healthz").await.0, 200, "the process is still up");
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while get(addr, "/readyz").await.0 != 200 {
        assert!(tokio::time::Instant::now() < deadline, "ready again once the database answers");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.stop().await;
}

on_both_backends!(retention_erases_old_contents_and_keeps_the_counts);

/// With the test clock moved to the next night, the day's job erases a
/// meeting's topic, note and reason once it is older than the retention
/// period (365 days by default), and cancels a message never delivered in
/// that time; a recent meeting keeps its words, and every row stays.
async fn retention_erases_old_contents_and_keeps_the_counts(backend: Backend) {
    let app = TestApp::start(backend).await;
    let cast = programme().mentor("ru").student("ru").join(&app).await;
    let (mentor, student) = (cast.mentor.id, cast.student.id);
    let now = crate::helpers::start_time().timestamp_millis();
    let day = 86_400_000_i64;
    let meeting = |uid: &str, days_ago: i64| {
        format!(
            "INSERT INTO meetings (uid, mentor_id, student_id, booked_by, starts_at, ends_at, topic, status,
                 cancelled_by, cancel_reason, note, created_at, updated_at)
             VALUES ('{uid}', {mentor}, {student}, {student}, {s}, {e}, 'ТЕМА {uid}', 'held', NULL,
                 'ПРИЧИНА {uid}', 'ЗАМЕТКА {uid}', {s}, {s})",
            s = now - days_ago * day,
            e = now - days_ago * day + 1_800_000,
        )
    };
    crate::helpers::exec(
        &app,
        &[
            meeting("old", 400),
            meeting("recent", 30),
            format!(
                "INSERT INTO outbox (chat_id, priority, method, payload, due_at, created_at)
                 VALUES ({student}, 1, 'sendMessage', '{{\"chat_id\":{student},\"text\":\"СТАРОЕ\"}}', {due}, {made})",
                due = now + 400 * day,
                made = now - 370 * day,
            ),
        ],
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    app.clock.advance(chrono::Duration::days(1));
    let erased = "SELECT COUNT(*) FROM meetings WHERE uid = 'old' AND topic IS NULL AND note IS NULL AND cancel_reason IS NULL";
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while app.count(erased).await != 1 {
        assert!(tokio::time::Instant::now() < deadline, "the night's job erased the old meeting's words");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let kept = "SELECT COUNT(*) FROM meetings WHERE uid = 'recent' AND topic = 'ТЕМА recent' AND note = 'ЗАМЕТКА recent'";
    assert_eq!(app.count(kept).await, 1, "a recent meeting keeps its words");
    assert_eq!(app.count("SELECT COUNT(*) FROM meetings").await, 2, "the meetings stay, for the counts");
    let old_item =
        "SELECT COUNT(*) FROM outbox WHERE state = 'cancelled' AND payload IS NULL AND error = 'retention'";
    assert_eq!(app.count(old_item).await, 1, "an undelivered year-old message is cancelled, its text gone");
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE payload LIKE '%СТАРОЕ%'").await, 0);
    app.stop().await;
}
