//! Shared test machinery: a database per test on each backend, the bot
//! running in-process against the fake Bot API, and a scripted user.

use crate::fake_api::{FakeApi, Sent, TgUser};
use chrono::{TimeZone, Utc};
use sqlx::Connection;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use talimger::config::{Config, Settings};
use talimger::db::{Db, NewInvite};
use talimger::domain::invite::InviteTarget;
use talimger::domain::time::ManualClock;
use talimger::domain::{DistrictId, SchoolId, UserId};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs an `async fn(Backend)` scenario on SQLite, and on PostgreSQL when
/// `TEST_DATABASE_URL` is set (saying loudly when it is not).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::helpers::postgres_url().is_some() {
                    super::$name($crate::helpers::Backend::Postgres).await;
                }
            }
        }
    )*};
}

/// `TEST_DATABASE_URL`, or a loud note that the PostgreSQL run is skipped.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("SKIPPED on PostgreSQL: TEST_DATABASE_URL is not set (this test ran on SQLite only)");
            None
        }
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh, empty database that disappears with the value.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("talimger.db").display());
                TestDb { url, _dir: Some(dir), pg: None }
            }
            Backend::Postgres => {
                let admin_url = postgres_url().expect("TEST_DATABASE_URL");
                let name = format!(
                    "talimger_t_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    Utc::now().timestamp_subsec_nanos()
                );
                let mut conn =
                    sqlx::PgConnection::connect(&admin_url).await.expect("connect to TEST_DATABASE_URL");
                sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut conn)
                    .await
                    .expect("create database");
                let mut url = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
                url.set_path(&format!("/{name}"));
                TestDb { url: url.to_string(), _dir: None, pg: Some((admin_url, name)) }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg.take() {
            // Async work in Drop: a thread of its own with its own runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async {
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                            .execute(&mut conn)
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

/// A migrated database for storage-level tests.
pub async fn storage(backend: Backend) -> (Db, TestDb) {
    let test_db = TestDb::new(backend).await;
    let db = Db::connect(&test_db.url).await.expect("connect");
    db.migrate().await.expect("migrate");
    (db, test_db)
}

pub fn start_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 1, 4, 0, 0).single().expect("valid date")
}

pub fn config_for(fake: &FakeApi, database_url: &str, admins: &[i64]) -> Config {
    let settings = Settings {
        token: Some(FakeApi::TOKEN.to_owned()),
        api_url: Some(fake.url()),
        database_url: Some(database_url.to_owned()),
        admins: Some(admins.iter().map(i64::to_string).collect::<Vec<_>>().join(",")),
        // Many bots run at once here: each on a port of its own.
        metrics_listen: Some("127.0.0.1:0".to_owned()),
        ..Settings::default()
    };
    Config::from_settings(&settings).expect("test configuration is valid")
}

/// The bot running in-process against a fake Bot API, on a fresh database,
/// with a clock that only the test moves.
pub struct TestApp {
    pub fake: FakeApi,
    pub db: Db,
    pub clock: Arc<ManualClock>,
    pub test_db: TestDb,
    config: Config,
    shutdown: CancellationToken,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    /// The running bot's counters.
    pub running: talimger::app::Running,
    /// How far each chat has been read by `sees`: the fake's sequence
    /// number of the last thing looked at.
    read: Mutex<HashMap<i64, u64>>,
}

impl TestApp {
    pub async fn start(backend: Backend) -> TestApp {
        TestApp::start_with_admins(backend, &[]).await
    }

    pub async fn start_with_admins(backend: Backend, admins: &[i64]) -> TestApp {
        TestApp::start_with(backend, admins, |_| {}).await
    }

    /// A bot whose settings the test adjusts.
    pub async fn start_with(backend: Backend, admins: &[i64], adjust: impl FnOnce(&mut Config)) -> TestApp {
        // Silent unless asked: TEST_LOG=talimger=debug cargo test …
        if let Ok(filter) = std::env::var("TEST_LOG") {
            let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
        }
        let fake = FakeApi::start().await;
        let test_db = TestDb::new(backend).await;
        let clock = ManualClock::new(start_time());
        let mut config = config_for(&fake, &test_db.url, admins);
        adjust(&mut config);
        let shutdown = CancellationToken::new();
        let (task, running) = spawn_bot(&config, &clock, &shutdown);
        let Ok(running) = running.await else {
            panic!("the bot did not start: {:?}", task.await.expect("no panic").err());
        };
        // The bot is up once it polls, or Telegram delivers to its webhook.
        wait_until("the bot polls", || fake.get_updates_calls() > 0 || fake.webhook().is_some()).await;
        let db = Db::connect(&test_db.url).await.expect("connect");
        let read = Mutex::default();
        TestApp { fake, db, clock, test_db, config, shutdown, task: Some(task), running, read }
    }

    /// Stops the bot and starts it again on the same database.
    pub async fn restart(&mut self) {
        self.restart_after(chrono::Duration::zero()).await;
    }

    /// Stops the bot and starts it again with settings the test changes.
    pub async fn restart_with(&mut self, adjust: impl FnOnce(&mut Config)) {
        adjust(&mut self.config);
        self.restart().await;
    }

    /// Stops the bot, lets `downtime` pass on its clock, and starts it again.
    pub async fn restart_after(&mut self, downtime: chrono::Duration) {
        self.shutdown.cancel();
        if let Some(task) = self.task.take() {
            task.await.expect("no panic").expect("runs without error");
        }
        self.clock.advance(downtime);
        let polls = self.fake.get_updates_calls();
        self.shutdown = CancellationToken::new();
        let (task, running) = spawn_bot(&self.config, &self.clock, &self.shutdown);
        self.task = Some(task);
        self.running = running.await.expect("the bot starts again");
        // In webhook mode it is up once it runs: `setWebhook` came before.
        if self.config.webhook.is_none() {
            wait_until("the restarted bot polls", || self.fake.get_updates_calls() > polls).await;
        }
    }

    pub fn user(&self, id: i64, name: &str, lang: Option<&str>) -> TgUser {
        self.fake.add_user(id, name, lang)
    }

    /// Waits until the bot has handled this update and the outbox has sent
    /// what is due; returns what the bot sent meanwhile.
    pub async fn handled(&self, update_id: i64, since: u64) -> Vec<Sent> {
        self.update_handled(update_id).await;
        self.outbox_drained().await;
        self.fake.sent_since(since)
    }

    /// Waits until the bot has handled this update, not for what it sends
    /// (for a test whose outbox is held back on purpose).
    pub async fn update_handled(&self, update_id: i64) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while self.db.update_handled(update_id).await.expect("query") != Some(true) {
            assert!(tokio::time::Instant::now() < deadline, "update {update_id} was not handled in time");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits until the outbox has sent everything that is due.
    pub async fn outbox_drained(&self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let now = talimger::domain::time::Clock::now(&*self.clock);
            if self.db.outbox_backlog(now).await.expect("query") == 0 {
                return;
            }
            assert!(tokio::time::Instant::now() < deadline, "the outbox did not drain in time");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Counts rows with a query of the test's own (`SELECT COUNT(*) …`).
    pub async fn count(&self, sql: &str) -> i64 {
        count_in(&self.test_db.url, sql).await
    }

    /// What reached `user` since the test last looked at their chat (with
    /// `sees` or `catch_up`), once the outbox has sent what is due; from
    /// then on that is read.
    pub async fn sees(&self, user: &TgUser) -> Seen {
        self.outbox_drained().await;
        self.unread(user)
    }

    /// Waits until something new reaches `user` (due later, say), then
    /// shows it as `sees` does.
    pub async fn waits_to_see(&self, user: &TgUser) -> Seen {
        let from = self.cursor(user);
        let who = name_and_id(user);
        wait_until(&format!("something reaches {who}"), || {
            self.fake.sent_to(user.id).iter().any(|s| s.seq > from)
        })
        .await;
        self.sees(user).await
    }

    /// Everything `user` has been sent so far counts as read: `sees` shows
    /// only what comes after this.
    pub fn catch_up(&self, user: &TgUser) {
        self.unread(user);
    }

    fn cursor(&self, user: &TgUser) -> u64 {
        self.read.lock().expect("the read marks").get(&user.id).copied().unwrap_or(0)
    }

    fn unread(&self, user: &TgUser) -> Seen {
        let upto = self.fake.last_seq();
        let from = self.read.lock().expect("the read marks").insert(user.id, upto).unwrap_or(0);
        let sent = self.fake.sent_to(user.id).into_iter().filter(|s| s.seq > from && s.seq <= upto).collect();
        Seen { who: name_and_id(user), sent }
    }

    /// The user writes a text (or a command); returns the bot's answers.
    pub async fn send(&self, user: &TgUser, text: &str) -> Vec<Sent> {
        let since = self.fake.last_seq();
        let id = self.fake.push_text(user, text);
        self.handled(id, since).await
    }

    /// The user presses a button of a message the bot sent them.
    pub async fn press(&self, user: &TgUser, message: &Sent, data: &str) -> Vec<Sent> {
        let since = self.fake.last_seq();
        let id = self.fake.push_callback(user, message.message_id.expect("a message"), data);
        self.handled(id, since).await;
        // The press is answered right after the commit, beside the outbox.
        wait_until("the press is answered", || {
            self.fake.sent_since(since).iter().any(|s| s.method == "answerCallbackQuery")
        })
        .await;
        self.outbox_drained().await;
        self.fake.sent_since(since)
    }

    /// Presses the button whose label contains `label`.
    pub async fn press_button(&self, user: &TgUser, message: &Sent, label: &str) -> Vec<Sent> {
        let data = message
            .button_data(label)
            .unwrap_or_else(|| panic!("no button {label:?} in {:?}", message.button_texts()));
        self.press(user, message, &data).await
    }

    /// The user opens an invite link.
    pub async fn open_link(&self, user: &TgUser, link: &str) -> Vec<Sent> {
        let code = link.rsplit("?start=").next().expect("a deep link");
        self.send(user, &format!("/start {code}")).await
    }

    /// A district, a school and an invite for a mentor there, issued the
    /// way the command line does it; the person joins through the bot.
    pub async fn mentor(&self, id: i64, name: &str, lang: &str, school: &str) -> TgUser {
        let now = talimger::domain::time::Clock::now(&*self.clock);
        let district = self.db.district_named("Талдықорған", now).await.expect("district");
        let school = self.db.school_named(district, school, now).await.expect("school");
        let link = self.invite_link(InviteTarget::Mentor, Some(district), Some(school), 1).await;
        let user = self.user(id, name, Some(lang));
        let replies = self.open_link(&user, &link).await;
        assert!(texts(&replies).contains(name_of_role_mentor(lang)), "joined as mentor: {replies:?}");
        user
    }

    /// An invite made directly in storage; returns its deep link.
    pub async fn invite_link(
        &self,
        target: InviteTarget,
        district: Option<DistrictId>,
        school: Option<SchoolId>,
        max_uses: u32,
    ) -> String {
        let now = talimger::domain::time::Clock::now(&*self.clock);
        let new = NewInvite {
            target,
            created_by: None,
            district,
            school,
            max_uses,
            expires_at: now + chrono::Duration::days(7),
        };
        let (_, code) = self.db.create_invite(&new, now).await.expect("invite");
        code.deep_link(FakeApi::BOT_USERNAME)
    }

    /// Someone joins through the bot by an invite made in storage (with
    /// the district and the school of a coordinator's or a mentor's).
    pub async fn joins(
        &self,
        (id, name, lang): (i64, &str, &str),
        target: InviteTarget,
        district: Option<DistrictId>,
        school: Option<SchoolId>,
    ) -> TgUser {
        let link = self.invite_link(target, district, school, 1).await;
        let user = self.user(id, name, Some(lang));
        self.open_link(&user, &link).await;
        user
    }

    pub async fn role_of(&self, id: i64) -> Option<talimger::domain::Role> {
        self.db.user(UserId(id)).await.expect("query").and_then(|u| u.role)
    }

    /// Stops the bot and checks what every test must hold.
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(task) = self.task.take() {
            let result = tokio::time::timeout(Duration::from_secs(15), task).await.expect("stops in time");
            result.expect("no panic").expect("runs without error");
        }
        assert_eq!(self.fake.violations(), Vec::<String>::new(), "text the bot sent is clean");
    }
}

/// One number from a query of the test's own (`SELECT COUNT(*) …`) on the
/// database at `url`, waiting for the bot's writer on SQLite instead of
/// failing.
pub async fn count_in(url: &str, sql: &str) -> i64 {
    if url.starts_with("sqlite:") {
        use std::str::FromStr;
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
            .expect("a SQLite URL")
            .busy_timeout(Duration::from_secs(30));
        let pool = sqlx::SqlitePool::connect_with(options).await.expect("connect");
        let n = sqlx::query_scalar(sql).fetch_one(&pool).await.expect("count");
        pool.close().await;
        n
    } else {
        let pool = sqlx::PgPool::connect(url).await.expect("connect");
        let n = sqlx::query_scalar(sql).fetch_one(&pool).await.expect("count");
        pool.close().await;
        n
    }
}

pub fn spawn_bot(
    config: &Config,
    clock: &Arc<ManualClock>,
    shutdown: &CancellationToken,
) -> (JoinHandle<anyhow::Result<()>>, tokio::sync::oneshot::Receiver<talimger::app::Running>) {
    let (config, clock, shutdown) = (config.clone(), clock.clone(), shutdown.clone());
    let (tx, rx) = tokio::sync::oneshot::channel();
    (tokio::spawn(async move { talimger::app::run_observed(&config, clock, shutdown, Some(tx)).await }), rx)
}

impl TestApp {
    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }
}

fn name_of_role_mentor(lang: &str) -> &'static str {
    if lang == "kk" { "тәлімгер" } else { "ментор" }
}

pub async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !cond() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn name_and_id(user: &TgUser) -> String {
    format!("{} ({})", user.first_name, user.id)
}

/// What one user saw in their chat (see `TestApp::sees`); it reads as the
/// messages themselves.
#[derive(Debug)]
pub struct Seen {
    who: String,
    pub sent: Vec<Sent>,
}

impl std::ops::Deref for Seen {
    type Target = [Sent];
    fn deref(&self) -> &[Sent] {
        &self.sent
    }
}

/// Assertions on what was shown — the bot's answers to one step, what one
/// user saw, or a text — that fail listing all of it.
pub trait Shown {
    /// All the texts, one after another.
    fn shown(&self) -> String;

    /// Who saw it, for the failure message.
    fn viewer(&self) -> String {
        "the bot".to_owned()
    }

    /// `text` is there (in any message, or across two).
    #[track_caller]
    fn says(&self, text: &str) -> &Self {
        let shown = self.shown();
        assert!(shown.contains(text), "{} was to show {text:?}; it showed:\n{shown}", self.viewer());
        self
    }

    /// `text` is nowhere.
    #[track_caller]
    fn never_says(&self, text: &str) -> &Self {
        let shown = self.shown();
        assert!(!shown.contains(text), "{} was not to show {text:?}; it showed:\n{shown}", self.viewer());
        self
    }
}

impl Shown for [Sent] {
    fn shown(&self) -> String {
        texts(self)
    }
}

impl Shown for Vec<Sent> {
    fn shown(&self) -> String {
        texts(self)
    }
}

impl Shown for Seen {
    fn shown(&self) -> String {
        texts(&self.sent)
    }
    fn viewer(&self) -> String {
        self.who.clone()
    }
}

impl Shown for str {
    fn shown(&self) -> String {
        self.to_owned()
    }
}

impl Shown for String {
    fn shown(&self) -> String {
        self.clone()
    }
}

impl Seen {
    /// Nothing at all reached this user.
    #[track_caller]
    pub fn nothing(&self) {
        assert!(self.sent.is_empty(), "{} was to see nothing; they saw:\n{}", self.who, texts(&self.sent));
    }
}

/// All texts, one after another.
pub fn texts(sent: &[Sent]) -> String {
    sent.iter().map(|s| s.text()).collect::<Vec<_>>().join("\n---\n")
}

/// The messages (not edits or callback answers) among what was sent.
pub fn messages(sent: &[Sent]) -> Vec<Sent> {
    sent.iter().filter(|s| s.method == "sendMessage" || s.method == "sendPhoto").cloned().collect()
}

/// The last message that has buttons.
pub fn with_buttons(sent: &[Sent]) -> Sent {
    sent.iter()
        .rev()
        .find(|s| !s.buttons.is_empty())
        .cloned()
        .unwrap_or_else(|| panic!("no buttons in {sent:?}"))
}

/// The first invite deep link in what was sent.
pub fn link_in(sent: &[Sent]) -> String {
    let prefix = format!("https://t.me/{}?start=", FakeApi::BOT_USERNAME);
    let text = texts(sent);
    let start = text.find(&prefix).unwrap_or_else(|| panic!("no invite link in {text:?}"));
    text[start..].split_whitespace().next().expect("link").to_owned()
}

/// Decodes the QR code of a sent photo.
pub fn qr_of(sent: &[Sent]) -> String {
    let photo = sent.iter().find_map(|s| s.photo.clone()).expect("a photo");
    let img = image::load_from_memory(&photo).expect("a PNG").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the picture");
    grids[0].decode().expect("a readable QR code").1
}

/// Runs statements of the test's own on the bot's database.
pub async fn exec(app: &TestApp, statements: &[String]) {
    exec_in(&app.test_db.url, statements).await;
}

/// Statements of a test's own on the database at `url`.
pub async fn exec_in(url: &str, statements: &[String]) {
    if url.starts_with("sqlite:") {
        use std::str::FromStr;
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
            .expect("a SQLite URL")
            .busy_timeout(std::time::Duration::from_secs(30));
        let pool = sqlx::SqlitePool::connect_with(options).await.expect("connect");
        for s in statements {
            sqlx::query(s).execute(&pool).await.unwrap_or_else(|e| panic!("{s}: {e}"));
        }
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.expect("connect");
        for s in statements {
            sqlx::query(s).execute(&pool).await.unwrap_or_else(|e| panic!("{s}: {e}"));
        }
        pool.close().await;
    }
}
