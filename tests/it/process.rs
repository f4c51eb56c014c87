//! The `talimger` binary as an operator runs it: configuration errors,
//! `check`, `migrate`, `invite`, and the bot process surviving `kill -9`
//! and stopping cleanly on SIGTERM.

use crate::fake_api::{FakeApi, TgUser};
use crate::helpers::*;
use crate::on_both_backends;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use talimger::db::Db;
use talimger::domain::{Role, UserId};

/// The binary in an empty directory with a clean environment (no `.env`).
pub(crate) fn talimger(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_talimger"));
    cmd.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default()).current_dir(dir);
    cmd.stdin(Stdio::null());
    cmd
}

pub(crate) fn with_fake(cmd: &mut Command, fake: &FakeApi, database_url: &str) {
    cmd.env("TELOXIDE_TOKEN", FakeApi::TOKEN)
        .env("TELEGRAM_API_URL", fake.url())
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .env("TALIMGER_METRICS_LISTEN", "127.0.0.1:0");
}

async fn output(mut cmd: Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("runs")).await.expect("joins")
}

#[tokio::test]
async fn without_a_token_it_says_what_to_set() {
    let dir = tempfile::tempdir().expect("dir");
    let out = output(talimger(dir.path())).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("TELOXIDE_TOKEN is not set"), "{stderr}");
    assert!(!dir.path().join("talimger.db").exists(), "nothing is created before the token is there");
}

#[tokio::test]
async fn a_malformed_setting_stops_with_one_line() {
    let dir = tempfile::tempdir().expect("dir");
    for (var, value, expected) in [
        ("TALIMGER_TZ", "Mars/Olympus", "TALIMGER_TZ"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("TALIMGER_ADMINS", "12,abc", "TALIMGER_ADMINS"),
        ("TELEGRAM_API_URL", "not a url", "TELEGRAM_API_URL"),
    ] {
        let mut cmd = talimger(dir.path());
        cmd.env("TELOXIDE_TOKEN", FakeApi::TOKEN).env(var, value);
        let out = output(cmd).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{var}");
        assert_eq!(stderr.trim().lines().count(), 1, "{var}: {stderr}");
        assert!(stderr.contains(expected), "{var}: {stderr}");
    }
    let mut cmd = talimger(dir.path());
    cmd.arg("--no-such-flag");
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).trim().lines().count(), 1);
}

/// Settings that would lose data, migrate a database nobody named, or hide
/// the logs are refused before anything starts, each with one line.
#[tokio::test]
async fn a_setting_that_loses_data_or_cannot_work_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    for (var, value) in [
        ("DATABASE_URL", ""),
        ("DATABASE_URL", "  "),
        ("DATABASE_URL", "sqlite://"),
        ("DATABASE_URL", "sqlite:"),
        ("DATABASE_URL", "sqlite::memory:"),
        ("DATABASE_URL", "sqlite://talimger.db?mode=memory"),
        ("DATABASE_URL", "postgres://"),
        ("DATABASE_URL", "postgres://localhost"),
        ("DATABASE_URL", "postgres:///talimger"),
        ("RUST_LOG", "talimger=loud"),
        ("TALIMGER_TZ", ""),
        ("TALIMGER_FLOOD", "0"),
        ("TALIMGER_FLOOD", "10001"),
        ("TALIMGER_SEND_RATE", "fast"),
        ("TALIMGER_CHAT_RATE", "0"),
        ("TALIMGER_CHAT_RATE", "1,5"),
        ("TALIMGER_CHAT_BURST", "0"),
        ("TALIMGER_HELPLINES", "call us"),
        ("TALIMGER_HELPLINES", ""),
    ] {
        for subcommand in [None, Some("check")] {
            let mut cmd = talimger(dir.path());
            cmd.env("TELOXIDE_TOKEN", FakeApi::TOKEN).env(var, value);
            cmd.args(subcommand);
            let out = output(cmd).await;
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{var}={value:?}: {stderr}");
            assert_eq!(stderr.trim().lines().count(), 1, "{var}={value:?}: {stderr}");
            assert!(stderr.starts_with(&format!("error: {var}")), "{var}={value:?}: {stderr}");
            assert!(out.stdout.is_empty(), "{var}={value:?}: nothing else ran");
        }
    }
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "no database file was created");
    // An empty DATABASE_URL is a mistake, not the default.
    let mut cmd = talimger(dir.path());
    cmd.env("TELOXIDE_TOKEN", FakeApi::TOKEN).env("DATABASE_URL", "");
    let stderr = String::from_utf8_lossy(&output(cmd).await.stderr).into_owned();
    assert!(stderr.starts_with("error: DATABASE_URL is empty: set it to sqlite://FILE"), "{stderr}");

    // The flags are checked the same way.
    for args in [
        ["--flood", "0"],
        ["--chat-rate", "-1"],
        ["--log", "info,[{"],
        ["--database-url", "sqlite://"],
        ["--database-url", ""],
    ] {
        let mut cmd = talimger(dir.path());
        cmd.env("TELOXIDE_TOKEN", FakeApi::TOKEN).args(args);
        let out = output(cmd).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
    }
}

/// A PostgreSQL that refuses connections, or accepts them and never answers,
/// stops `migrate` within `db::CONNECT_TIMEOUT` (10 s) with one line that
/// gives the cause once.
#[tokio::test]
async fn an_unreachable_postgres_fails_within_10_s_with_one_line() {
    // A server that takes the connection and never says a word.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent_port = silent.local_addr().expect("address").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in silent.incoming().flatten() {
            held.push(conn);
        }
    });
    // A port nobody listens on.
    let refused_port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().unwrap().port();
    let dir = tempfile::tempdir().expect("dir");
    for port in [refused_port, silent_port] {
        let mut cmd = talimger(dir.path());
        cmd.env("DATABASE_URL", format!("postgres://talimger:secret@127.0.0.1:{port}/talimger"))
            .arg("migrate");
        let started = Instant::now();
        let out = output(cmd).await;
        let elapsed = started.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(elapsed < Duration::from_secs(13), "port {port}: gave up after {elapsed:?}");
        assert_eq!(out.status.code(), Some(1), "port {port}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "port {port}: {stderr}");
        assert!(stderr.contains("DATABASE_URL") && !stderr.contains("secret"), "port {port}: {stderr}");
        // Where it was tried, and why it failed.
        assert!(
            stderr.contains(&format!("could not connect to PostgreSQL at 127.0.0.1:{port}: ")),
            "port {port}: {stderr}"
        );
        let why = if port == refused_port { "refused" } else { "no answer within 10 s" };
        assert!(stderr.contains(why), "port {port}: {stderr}");
        let parts: Vec<&str> = stderr.trim().split(": ").collect();
        for (i, part) in parts.iter().enumerate() {
            assert!(!parts[i + 1..].contains(part), "port {port}: {part:?} said twice: {stderr}");
        }
    }
}

/// The new settings are accepted by `check` when they are well formed.
#[tokio::test]
async fn engine_settings_are_accepted() {
    let fake = FakeApi::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let mut cmd = talimger(dir.path());
    cmd.env("TELOXIDE_TOKEN", FakeApi::TOKEN).env("TELEGRAM_API_URL", fake.url());
    cmd.env("TALIMGER_FLOOD", "60").env("TALIMGER_SEND_RATE", "20").env("TALIMGER_CHAT_RATE", "0.5");
    cmd.env("TALIMGER_CHAT_BURST", "2").env("TALIMGER_HELPLINES", "150, +7 700 123 45 67");
    cmd.args(["--log", "talimger=debug,warn", "check"]);
    let out = output(cmd).await;
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn help_lists_every_setting() {
    let dir = tempfile::tempdir().expect("dir");
    let mut cmd = talimger(dir.path());
    cmd.arg("--help").env("TELOXIDE_TOKEN", "123:secret-token-value");
    let out = output(cmd).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for var in [
        "TELOXIDE_TOKEN",
        "TELEGRAM_API_URL",
        "DATABASE_URL",
        "TALIMGER_TZ",
        "TALIMGER_ADMINS",
        "RUST_LOG",
        "TALIMGER_FLOOD",
        "TALIMGER_SEND_RATE",
        "TALIMGER_CHAT_RATE",
        "TALIMGER_CHAT_BURST",
        "TALIMGER_HELPLINES",
        "TALIMGER_RETENTION",
        "TALIMGER_WEBHOOK_URL",
        "TALIMGER_LISTEN",
        "TALIMGER_WEBHOOK_SECRET",
        "TALIMGER_METRICS_LISTEN",
    ] {
        assert!(stdout.contains(var), "{var} in --help");
    }
    for flag in ["--flood", "--send-rate", "--chat-rate", "--chat-burst", "--helplines", "--log"] {
        assert!(stdout.contains(flag), "{flag} in --help");
    }
    assert!(!stdout.contains("secret-token-value"), "the token is never printed");
}

on_both_backends!(
    a_crash_between_any_two_steps_loses_nothing_and_repeats_nothing,
    a_crash_while_a_reminder_runs_sends_it_once,
    operator_invites_a_mentor_from_the_cli,
    check_and_migrate,
    kill_9_loses_nothing,
    sigterm_stops_cleanly
);

async fn operator_invites_a_mentor_from_the_cli(backend: Backend) {
    let app = TestApp::start(backend).await;
    let dir = tempfile::tempdir().expect("dir");
    let mut cmd = talimger(dir.path());
    with_fake(&mut cmd, &app.fake, &app.test_db.url);
    cmd.args(["invite", "mentor", "--school", "№5 мектеп-гимназия", "--district", "Талдықорған", "--json"]);
    let out = output(cmd).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["role"], "mentor");
    assert_eq!(json["school"], "№5 мектеп-гимназия");
    let link = json["link"].as_str().expect("link").to_owned();
    assert!(link.starts_with("https://t.me/talimger_test_bot?start="), "{link}");
    let code = link.rsplit('=').next().expect("code");
    assert!(code.len() >= 14 && code.len() <= 64);

    let mentor = app.user(10, "Айгүл", Some("ru"));
    let joined = app.open_link(&mentor, &link).await;
    assert!(
        texts(&joined).contains("Теперь вы ментор. Школа: №5 мектеп-гимназия (Талдықорған)."),
        "{}",
        texts(&joined)
    );
    assert_eq!(app.role_of(10).await, Some(Role::Mentor));

    // A plain link for a coordinator; a mentor needs a school.
    let mut cmd = talimger(dir.path());
    with_fake(&mut cmd, &app.fake, &app.test_db.url);
    cmd.args(["invite", "coordinator", "--district", "Талдықорған"]);
    let out = output(cmd).await;
    let link = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(link.starts_with("https://t.me/talimger_test_bot?start="), "{link}");
    let coordinator = app.user(5, "Гүлнар", Some("kk"));
    let joined = app.open_link(&coordinator, &link).await;
    assert!(texts(&joined).contains("Аудан: Талдықорған"), "{}", texts(&joined));

    let mut cmd = talimger(dir.path());
    with_fake(&mut cmd, &app.fake, &app.test_db.url);
    cmd.args(["invite", "mentor", "--district", "Талдықорған"]);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--school"));
    app.stop().await;
}

async fn check_and_migrate(backend: Backend) {
    let fake = FakeApi::start().await;
    let test_db = TestDb::new(backend).await;
    let dir = tempfile::tempdir().expect("dir");

    let mut cmd = talimger(dir.path());
    with_fake(&mut cmd, &fake, &test_db.url);
    cmd.arg("migrate");
    let out = output(cmd).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let mut cmd = talimger(dir.path());
    with_fake(&mut cmd, &fake, &test_db.url);
    cmd.arg("check");
    let out = output(cmd).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    for part in [
        "configuration",
        "database",
        "locales kk and ru",
        "token (bot @talimger_test_bot)",
        "webhook: none, the bot polls (0 update(s) waiting)",
    ] {
        assert!(stdout.contains(part), "{part}: {stdout}");
    }

    let mut cmd = talimger(dir.path());
    with_fake(&mut cmd, &fake, &test_db.url);
    cmd.env("TELOXIDE_TOKEN", "999:wrong-token").arg("check");
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("FAIL  token: the Bot API rejected TELOXIDE_TOKEN")
    );
}

/// A bot process on a fresh database, against `fake`.
fn spawn_bot(dir: &std::path::Path, fake: &FakeApi, database_url: &str) -> std::process::Child {
    let mut cmd = talimger(dir);
    with_fake(&mut cmd, fake, database_url);
    cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("starts")
}

pub(crate) async fn all_handled(db: &Db, ids: &[i64]) -> bool {
    for id in ids {
        if db.update_handled(*id).await.expect("query") != Some(true) {
            return false;
        }
    }
    true
}

async fn kill_9_loses_nothing(backend: Backend) {
    let fake = FakeApi::start().await;
    let test_db = TestDb::new(backend).await;
    let dir = tempfile::tempdir().expect("dir");
    let users: Vec<TgUser> = (1..=4).map(|i| fake.add_user(i, &format!("User {i}"), Some("ru"))).collect();
    // Slow answers, so that the kill lands in the middle of the batch.
    fake.set_delay("sendMessage", Duration::from_millis(150));
    let mut bot = spawn_bot(dir.path(), &fake, &test_db.url);
    let mut ids = Vec::new();
    for round in 0..5 {
        for user in &users {
            ids.push(fake.push_text(user, if round % 2 == 0 { "/help" } else { "/start" }));
        }
    }
    wait_until("some answers are out", || fake.sent().len() >= 3).await;
    bot.kill().expect("SIGKILL");
    let _ = bot.wait();
    let answered_before = fake.sent().len();
    assert!(answered_before < ids.len(), "killed mid-batch ({answered_before} of {})", ids.len());

    fake.set_delay("sendMessage", Duration::ZERO);
    let mut bot = spawn_bot(dir.path(), &fake, &test_db.url);
    let db = Db::connect(&test_db.url).await.expect("connect");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !all_handled(&db, &ids).await || db.outbox_backlog(chrono::Utc::now()).await.expect("q") > 0 {
        assert!(Instant::now() < deadline, "every update is handled and answered after the restart");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bot.kill().expect("stop");
    let _ = bot.wait();
    // Every user got an answer to every message; at most the one in flight
    // per chat at the kill may have been answered twice.
    for user in &users {
        let answers = fake.sent_to(user.id).iter().filter(|s| s.method == "sendMessage").count();
        assert!((5..=6).contains(&answers), "user {} got {answers} answers for 5 messages", user.id);
    }
    assert_eq!(db.user(UserId(1)).await.expect("q").map(|u| u.first_name), Some("User 1".to_owned()));
}

async fn sigterm_stops_cleanly(backend: Backend) {
    let fake = FakeApi::start().await;
    let test_db = TestDb::new(backend).await;
    let dir = tempfile::tempdir().expect("dir");
    let user = fake.add_user(1, "Оля", Some("ru"));
    let mut bot = spawn_bot(dir.path(), &fake, &test_db.url);
    wait_until("the bot polls", || fake.get_updates_calls() > 0).await;
    // Three updates in hand, answered slowly.
    fake.set_delay("sendMessage", Duration::from_millis(400));
    let ids: Vec<i64> = (0..3).map(|_| fake.push_text(&user, "/help")).collect();
    wait_until("the first answer is on its way", || !fake.sent().is_empty()).await;
    let started = Instant::now();
    let status = Command::new("kill").args(["-TERM", &bot.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || bot.wait().expect("waits")).await.expect("joins");
    assert!(started.elapsed() < Duration::from_secs(10), "stopped within 10 s ({:?})", started.elapsed());
    assert!(exit.success(), "clean exit: {exit:?}");
    let db = Db::connect(&test_db.url).await.expect("connect");
    assert!(all_handled(&db, &ids).await, "the updates in hand were finished");
    assert_eq!(fake.sent_to(1).len(), 3);
}

/// The README's run command on a fresh directory: a new SQLite file, served.
#[tokio::test]
async fn serves_on_a_new_sqlite_file_by_default() {
    let fake = FakeApi::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let user = fake.add_user(1, "Оля", Some("ru"));
    let mut cmd = talimger(dir.path());
    cmd.env("TELOXIDE_TOKEN", FakeApi::TOKEN).env("TELEGRAM_API_URL", fake.url());
    let mut bot = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("starts");
    fake.push_text(&user, "/start");
    wait_until("the bot answers", || !fake.sent_to(1).is_empty()).await;
    assert!(fake.sent_to(1)[0].text().starts_with("Здравствуйте!"));
    assert!(dir.path().join("talimger.db").exists(), "created on first run");
    let _ = Command::new("kill").args(["-TERM", &bot.id().to_string()]).status();
    let exit = tokio::task::spawn_blocking(move || bot.wait().expect("waits")).await.expect("joins");
    assert!(exit.success());
}

/// Settings can come from a `.env` file in the working directory.
#[tokio::test]
async fn a_dot_env_file_is_read() {
    let fake = FakeApi::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let env = format!(
        "TELOXIDE_TOKEN={}\nTELEGRAM_API_URL={}\nDATABASE_URL=sqlite://from-env.db\n",
        FakeApi::TOKEN,
        fake.url()
    );
    std::fs::write(dir.path().join(".env"), env).expect("write .env");
    let mut cmd = talimger(dir.path());
    cmd.arg("check");
    let out = output(cmd).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("token (bot @talimger_test_bot)"), "{stdout}");
    // The database of the `.env` file is the one checked (and not created).
    assert!(stdout.contains("from-env.db does not exist yet"), "{stdout}");
    assert!(!dir.path().join("from-env.db").exists());
}

/// `talimger check` creates nothing: with no database yet it says so, and
/// checks the rest; an existing database is checked as before.
#[tokio::test]
async fn check_creates_no_database_file() {
    let fake = FakeApi::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let mut cmd = talimger(dir.path());
    cmd.env("TELOXIDE_TOKEN", FakeApi::TOKEN).env("TELEGRAM_API_URL", fake.url()).arg("check");
    let out = output(cmd).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains(
            "ok    database SQLite: talimger.db does not exist yet; it is created at the first start (or by talimger migrate)"
        ),
        "{stdout}"
    );
    for part in ["locales kk and ru", "token (bot @talimger_test_bot)"] {
        assert!(stdout.contains(part), "{part}: {stdout}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "no file was created");

    // A directory that is not there: the file could not be made either.
    let mut cmd = talimger(dir.path());
    cmd.env("TELOXIDE_TOKEN", FakeApi::TOKEN).env("TELEGRAM_API_URL", fake.url());
    cmd.env("DATABASE_URL", "sqlite://no-such-dir/talimger.db").arg("check");
    let out = output(cmd).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL  database: no-such-dir/talimger.db cannot be created"), "{stdout}");
    assert!(stdout.contains("token (bot @talimger_test_bot)"), "the rest is checked: {stdout}");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "no file was created");

    // Once migrated, the same check reads it.
    let mut cmd = talimger(dir.path());
    cmd.arg("migrate");
    assert!(output(cmd).await.status.success());
    let mut cmd = talimger(dir.path());
    cmd.env("TELOXIDE_TOKEN", FakeApi::TOKEN).env("TELEGRAM_API_URL", fake.url()).arg("check");
    let stdout = String::from_utf8_lossy(&output(cmd).await.stdout).into_owned();
    assert!(stdout.contains("ok    database SQLite ("), "{stdout}");
}

/// `talimger invite` without a role, or with a wrong one, names `<ROLE>`
/// (and the roles) on its one line.
#[tokio::test]
async fn invite_without_a_role_names_it() {
    let dir = tempfile::tempdir().expect("dir");
    for (args, expected) in [
        (
            &["invite"][..],
            "error: the following required arguments were not provided: <ROLE> (see talimger invite --help)",
        ),
        (
            &["invite", "student"][..],
            "error: invalid value 'student' for '<ROLE>' [possible values: coordinator, mentor]",
        ),
    ] {
        let mut cmd = talimger(dir.path());
        cmd.env("TELOXIDE_TOKEN", FakeApi::TOKEN).args(args);
        let out = output(cmd).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with(expected), "{args:?}: {stderr}");
    }
}

/// A school or district name given on the command line that carries a
/// character reordering text, or nothing but invisible characters, is
/// refused for that, not for its length.
#[tokio::test]
async fn cli_place_names_with_invisible_characters_are_refused_for_that() {
    let dir = tempfile::tempdir().expect("dir");
    for (flag, value, expected) in [
        (
            "--school",
            "№5\u{202E} мектеп",
            "--school contains an invisible character that changes the text direction",
        ),
        (
            "--district",
            "Талдықорған\u{2067}",
            "--district contains an invisible character that changes the text direction",
        ),
        (
            "--school",
            "\u{200B}\u{FEFF}",
            "--school has only invisible characters (zero-width spaces or joiners)",
        ),
        ("--district", "\u{2060}", "--district has only invisible characters"),
    ] {
        let mut cmd = talimger(dir.path());
        let (school, district) =
            if flag == "--school" { (value, "Талдықорған") } else { ("№5 мектеп", value) };
        cmd.env("TELOXIDE_TOKEN", FakeApi::TOKEN);
        cmd.args(["invite", "mentor", "--school", school, "--district", district]);
        let out = output(cmd).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{flag} {value:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{flag} {value:?}: {stderr}");
        assert!(stderr.starts_with(&format!("error: {expected}")), "{flag} {value:?}: {stderr}");
        assert!(!stderr.contains("100 characters"), "{flag} {value:?}: {stderr}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "nothing was created");
}

/// A crash (an abort, as `kill -9` would) between any two steps of an
/// update leaves no duplicate effect and loses nothing: a coordinator's
/// `/invite coordinator` creates exactly one invite and its link arrives —
/// twice at most when the crash came right after the send (the one
/// exception ARCHITECTURE.md states).
async fn a_crash_between_any_two_steps_loses_nothing_and_repeats_nothing(backend: Backend) {
    for point in talimger::faults::POINTS {
        let fake = FakeApi::start().await;
        let test_db = TestDb::new(backend).await;
        let dir = tempfile::tempdir().expect("dir");
        let admin = fake.add_user(5, "Әсел", Some("kk"));
        let mut cmd = talimger(dir.path());
        with_fake(&mut cmd, &fake, &test_db.url);
        cmd.env("TALIMGER_ADMINS", "5").env("TALIMGER_CRASH_AT", point);
        let mut bot = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("starts");
        wait_until("the bot polls", || fake.get_updates_calls() > 0).await;
        let id = fake.push_text(&admin, "/invite coordinator");
        let crashed = tokio::task::spawn_blocking(move || bot.wait().expect("waits")).await.expect("joins");
        assert!(!crashed.success(), "{point}: the bot crashed as asked");

        let mut cmd = talimger(dir.path());
        with_fake(&mut cmd, &fake, &test_db.url);
        cmd.env("TALIMGER_ADMINS", "5");
        let mut bot = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("restarts");
        let db = Db::connect(&test_db.url).await.expect("connect");
        let deadline = Instant::now() + Duration::from_secs(40);
        while !all_handled(&db, &[id]).await || db.outbox_backlog(chrono::Utc::now()).await.expect("q") > 0 {
            assert!(Instant::now() < deadline, "{point}: handled and answered after the restart");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bot.kill().expect("stop");
        let _ = bot.wait();
        let invites: i64 = count_in(&test_db.url, "SELECT COUNT(*) FROM invites").await;
        assert_eq!(invites, 1, "{point}: one invite, whatever the crash");
        let links = fake.sent_to(5).iter().filter(|s| s.text().contains("?start=")).count();
        let allowed = if point == "after-send" { 1..=2 } else { 1..=1 };
        assert!(allowed.contains(&links), "{point}: the link arrived {links} time(s)");
        assert_eq!(
            fake.sent_to(5).iter().filter(|s| s.method == "sendPhoto").count(),
            1,
            "{point}: one QR code"
        );
        db.close().await;
    }
}

/// A meeting in two hours whose 1-hour reminder job is already due (as
/// after a downtime), between a mentor (10) and a student (20).
async fn seed_due_reminder(url: &str) {
    let db = Db::connect(url).await.expect("connect");
    db.migrate().await.expect("migrate");
    let now = chrono::Utc::now();
    for (id, name) in [(10, "Айгүл"), (20, "Ерлан")] {
        let profile = talimger::domain::Profile {
            id: UserId(id),
            first_name: name.into(),
            last_name: None,
            username: None,
        };
        db.upsert_sender(&profile, now).await.expect("user");
    }
    let mut tx = db.begin().await.expect("begin");
    let start = now + chrono::Duration::hours(2);
    let slots = tx
        .add_slots(UserId(10), &[(start, start + chrono::Duration::minutes(30))], None, now)
        .await
        .expect("q")
        .expect("no overlap");
    let new = talimger::db::NewMeeting {
        slot: slots[0],
        student: UserId(20),
        parent: None,
        booked_by: UserId(20),
        topic: None,
        uid: "crash@test",
        max_upcoming: 2,
    };
    let meeting = tx.book(&new, now).await.expect("q").expect("booked");
    tx.plan_job(&format!("remind:{}:60", meeting.id), now - chrono::Duration::seconds(1))
        .await
        .expect("plan");
    tx.commit().await.expect("commit");
    db.close().await;
}

/// A crash while a reminder's job runs (claimed, about to commit) or while
/// its messages are sent: after the restart each recipient has it once —
/// twice at most for the one whose send was in flight at the crash.
async fn a_crash_while_a_reminder_runs_sends_it_once(backend: Backend) {
    for point in talimger::faults::JOB_POINTS.into_iter().chain(["before-send", "after-send"]) {
        let fake = FakeApi::start().await;
        let test_db = TestDb::new(backend).await;
        let dir = tempfile::tempdir().expect("dir");
        fake.add_user(10, "Айгүл", Some("ru"));
        fake.add_user(20, "Ерлан", Some("kk"));
        seed_due_reminder(&test_db.url).await;
        let mut cmd = talimger(dir.path());
        with_fake(&mut cmd, &fake, &test_db.url);
        cmd.env("TALIMGER_CRASH_AT", point);
        let mut bot = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("starts");
        let crashed = tokio::task::spawn_blocking(move || bot.wait().expect("waits")).await.expect("joins");
        assert!(!crashed.success(), "{point}: the bot crashed as asked");

        let mut bot = spawn_bot(dir.path(), &fake, &test_db.url);
        let reminded = |chat: i64| fake.sent_to(chat).iter().filter(|s| s.text().starts_with("⏰")).count();
        let deadline = Instant::now() + Duration::from_secs(40);
        while reminded(10) == 0 || reminded(20) == 0 {
            assert!(Instant::now() < deadline, "{point}: the reminder arrives after the restart");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let db = Db::connect(&test_db.url).await.expect("connect");
        while db.outbox_backlog(chrono::Utc::now()).await.expect("q") > 0 {
            assert!(Instant::now() < deadline, "{point}: everything sent");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bot.kill().expect("stop");
        let _ = bot.wait();
        // Sends to two chats go at once: at `after-send` both may have been
        // in flight, and each of them may come twice.
        let allowed = if point == "after-send" { 1..=2 } else { 1..=1 };
        for chat in [10, 20] {
            assert!(
                allowed.contains(&reminded(chat)),
                "{point}: chat {chat} reminded {} time(s)",
                reminded(chat)
            );
        }
        let done = count_in(
            &test_db.url,
            "SELECT COUNT(*) FROM jobs WHERE key LIKE 'remind:%' AND done_at IS NOT NULL",
        )
        .await;
        assert_eq!(done, 1, "{point}: the job ran once");
        db.close().await;
    }
}

/// SQLite serves one instance: a second one on the same file is refused.
#[tokio::test]
async fn a_second_instance_on_one_sqlite_file_is_refused() {
    let fake = FakeApi::start().await;
    let test_db = TestDb::new(Backend::Sqlite).await;
    let dir = tempfile::tempdir().expect("dir");
    let mut first = spawn_bot(dir.path(), &fake, &test_db.url);
    wait_until("the first bot polls", || fake.get_updates_calls() > 0).await;
    let mut cmd = talimger(dir.path());
    with_fake(&mut cmd, &fake, &test_db.url);
    let out = output(cmd).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("another talimger is already running"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    first.kill().expect("stop");
    let _ = first.wait();
}

/// An update's contents are gone from the disk once it is handled: the
/// bytes of a contact's phone number are not in the database files.
#[tokio::test]
async fn handled_contents_leave_the_sqlite_file() {
    let fake = FakeApi::start().await;
    let test_db = TestDb::new(Backend::Sqlite).await;
    let dir = tempfile::tempdir().expect("dir");
    let user = fake.add_user(1, "Оля", Some("ru"));
    let mut bot = spawn_bot(dir.path(), &fake, &test_db.url);
    wait_until("the bot polls", || fake.get_updates_calls() > 0).await;
    let id = fake.push_contact(&user, "+77015550123");
    let db = Db::connect(&test_db.url).await.expect("connect");
    let deadline = Instant::now() + Duration::from_secs(20);
    // Handled, and its contents erased (right after the burst of handling).
    while !all_handled(&db, &[id]).await
        || count_in(&test_db.url, "SELECT COUNT(*) FROM updates WHERE payload IS NOT NULL").await > 0
    {
        assert!(Instant::now() < deadline, "handled and erased");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bot.kill().expect("stop");
    let _ = bot.wait();
    db.checkpoint().await.expect("checkpoint");
    db.close().await;
    let path = test_db.url.trim_start_matches("sqlite://").to_owned();
    for file in [path.clone(), format!("{path}-wal")] {
        if let Ok(bytes) = std::fs::read(&file) {
            let found = bytes.windows(12).any(|w| w == b"+77015550123" || &w[..11] == b"77015550123");
            assert!(!found, "{file} still holds the phone number");
        }
    }
}

/// At the most talkative level (`RUST_LOG=trace`, every crate), the logs
/// carry ids and outcomes: never what a user wrote, their name, or the
/// token — through polling, handling, crisis words and sending.
#[tokio::test]
async fn logs_at_trace_carry_no_text_and_no_token() {
    let fake = FakeApi::start().await;
    let test_db = TestDb::new(Backend::Sqlite).await;
    let dir = tempfile::tempdir().expect("dir");
    let user = fake.add_user(1, "Жансая", Some("ru"));
    let log = dir.path().join("stderr.log");
    let mut cmd = talimger(dir.path());
    with_fake(&mut cmd, &fake, &test_db.url);
    cmd.env("RUST_LOG", "trace");
    cmd.stdout(Stdio::null()).stderr(std::fs::File::create(&log).expect("a log file"));
    let mut bot = cmd.spawn().expect("starts");
    wait_until("the bot polls", || fake.get_updates_calls() > 0).await;
    let ids = [
        fake.push_text(&user, "/start"),
        fake.push_text(&user, "секретный-маркер-12345 мне плохо"),
        fake.push_text(&user, "хочу умереть секретный-маркер-67890"),
        fake.push_text(&user, "/sos секретный-маркер-24680"),
    ];
    let db = Db::connect(&test_db.url).await.expect("connect");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !all_handled(&db, &ids).await || db.outbox_backlog(chrono::Utc::now()).await.expect("q") > 0 {
        assert!(Instant::now() < deadline, "handled and answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bot.kill().expect("stop");
    let _ = bot.wait();
    let logs = std::fs::read_to_string(&log).expect("the log");
    assert!(logs.lines().count() > 50, "trace logs were written: {} lines", logs.lines().count());
    assert!(logs.contains("TRACE") && logs.contains("update"), "trace lines, about updates");
    let token_secret = FakeApi::TOKEN.split_once(':').expect("a token").1;
    for secret in ["секретный-маркер", "Жансая", token_secret, "умереть"] {
        let hits: Vec<&str> = logs.lines().filter(|l| l.contains(secret)).take(3).collect();
        assert!(hits.is_empty(), "{secret:?} in the logs: {hits:#?}");
    }
}
