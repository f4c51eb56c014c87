//! Every SQL statement of the bot, over SQLite and PostgreSQL.
//!
//! sqlx's concrete drivers, not its `Any` layer: rows decode into typed
//! structs, strictly, and each backend keeps what only it has (row locks,
//! advisory locks, `LISTEN/NOTIFY`). Where the SQL is the same, one
//! implementation is compiled for both by [`on!`], which expands the same
//! code once per backend; where it must differ, the two statements stand
//! side by side in one function. The schemas live in `migrations/sqlite`
//! and `migrations/postgres`.
//!
//! The unit of work is a [`Tx`]: the intake handles each update inside one,
//! and every query is a method on it. [`Db`] opens them, and offers the
//! few reads and writes that happen outside an update (the command line,
//! start-up, the outbox sender) as single-statement calls.

mod invites;
mod jobs;
mod meetings;
mod org;
mod outbox;
mod relay;
mod safeguarding;
mod signals;
mod slots;
mod updates;
mod users;

pub use invites::{Joined, NewInvite, RedeemOutcome};
pub use jobs::{Delivery, DueJob};
pub use meetings::NewMeeting;
pub use outbox::{
    Claimed, ItemState, ItemStatus, NewItem, Outcome, Priority, RetryReason, SentRecord, Upload,
};
pub use relay::{NewQuestion, Question};
pub use safeguarding::Standing;
pub use signals::{Listener, PollLock, Signal};
pub use updates::{Next, PendingUpdate, StoredUpdate};

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::sync::atomic::Ordering;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL must start with sqlite:// or postgres:// (got {0:?})")]
    UnsupportedUrl(String),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    /// PostgreSQL could not be reached or refused the connection: where it
    /// was tried (host and port, or the socket) and why. The cause is
    /// text, not a source, so that an error chain says it once.
    #[error("could not connect to PostgreSQL at {at}: {cause}")]
    Connect { at: String, cause: String, transient: bool },
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value this version does not know (an unknown enum value):
    /// a bug or a newer schema, never silently read as "nothing".
    #[error("unexpected value in the database: {0}")]
    Corrupt(String),
    #[error("the database is unavailable (simulated outage)")]
    Outage,
}

impl DbError {
    /// A failure that may pass by itself (a lost connection, a busy or
    /// restarting server), as opposed to a bug. The intake retries the
    /// first kind and sets the second aside at once.
    pub fn is_transient(&self) -> bool {
        match self {
            DbError::Outage => true,
            DbError::Connect { transient, .. } => *transient,
            DbError::Sql(e) => match e {
                sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
                | sqlx::Error::Protocol(_) => true,
                sqlx::Error::Database(db) => {
                    let code = db.code().unwrap_or_default();
                    // SQLite: 5 SQLITE_BUSY, 6 SQLITE_LOCKED (and their extended codes).
                    // PostgreSQL: 08 connection, 40001 serialization, 40P01 deadlock,
                    // 53 resources, 57P0x shutdown, 55P03 lock not available.
                    let sqlite_busy = code.parse::<i64>().is_ok_and(|c| matches!(c & 0xff, 5 | 6));
                    sqlite_busy
                        || code.starts_with("08")
                        || code.starts_with("53")
                        || code.starts_with("57P0")
                        || matches!(code.as_ref(), "40001" | "40P01" | "55P03")
                }
                _ => false,
            },
            DbError::UnsupportedUrl(_) | DbError::Migrate(_) | DbError::Corrupt(_) => false,
        }
    }

    /// A unique or foreign-key violation: a domain outcome for the caller
    /// to map (someone was faster), never an apology.
    pub fn is_constraint_violation(&self) -> bool {
        match self {
            DbError::Sql(sqlx::Error::Database(db)) => {
                matches!(
                    db.kind(),
                    sqlx::error::ErrorKind::UniqueViolation | sqlx::error::ErrorKind::ForeignKeyViolation
                )
            }
            _ => false,
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The storage handle every part of the bot shares (cheap to clone).
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    url: String,
    /// Rung when contents were erased (handled updates, sent items): on
    /// SQLite the log is then checkpointed (`wal_keeper`).
    erased: std::sync::Arc<tokio::sync::Notify>,
}

/// Simulated outages by database URL (ms since the epoch, wall clock):
/// every handle on that database sees them. Tests only.
static OUTAGES: std::sync::Mutex<Vec<(String, i64)>> = std::sync::Mutex::new(Vec::new());
static ANY_OUTAGE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// One transaction. Dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A `LIKE` pattern for keys that start with `prefix`. Our prefixes hold
/// no wildcards; any that slipped in are dropped.
fn starts_with(prefix: &str) -> String {
    format!("{}%", prefix.replace(['%', '_'], ""))
}

/// Runs the same code on whichever backend a [`Tx`] is on: `$c` is the
/// connection (`&mut SqliteConnection` or `&mut PgConnection`). The body is
/// compiled once per backend, so it must be valid for both.
macro_rules! on {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                let $c: &mut sqlx::SqliteConnection = &mut **t;
                $body
            }
            $crate::db::Tx::Postgres(t) => {
                let $c: &mut sqlx::PgConnection = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use on;

/// Runs one statement on whichever pool a [`Db`] has, outside any
/// transaction (autocommit): for the hot paths that need no more.
macro_rules! on_pool {
    ($db:expr, $p:ident => $body:expr) => {
        match &$db.pool {
            $crate::db::Pool::Sqlite($p) => $body,
            $crate::db::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use on_pool;

/// `Db` methods that run one `Tx` method in a transaction of their own
/// (for the command line, start-up and tests).
macro_rules! autocommit {
    ($($(#[$doc:meta])* fn $name:ident(&self $(, $arg:ident : $ty:ty)*) -> $ret:ty;)*) => {
        impl $crate::db::Db {
            $(
                $(#[$doc])*
                pub async fn $name(&self $(, $arg: $ty)*) -> $crate::db::DbResult<$ret> {
                    let mut tx = self.begin().await?;
                    let result = tx.$name($($arg),*).await?;
                    tx.commit().await?;
                    Ok(result)
                }
            )*
        }
    };
}
pub(crate) use autocommit;

impl Backend {
    pub fn of_url(url: &str) -> Result<Backend, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError::UnsupportedUrl(redact_url(url)))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// A URL without its password, fit for logs and error messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// How long opening a database may take before it is given up.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The file a SQLite URL names (`None` for PostgreSQL, or a URL the
/// driver does not read).
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    match Backend::of_url(url) {
        Ok(Backend::Sqlite) => {
            SqliteConnectOptions::from_str(url).ok().map(|o| o.get_filename().to_path_buf())
        }
        _ => None,
    }
}

/// Where a PostgreSQL connection goes: `host:port`, or the Unix socket.
fn pg_target(options: &PgConnectOptions) -> String {
    let (host, port) = (options.get_host(), options.get_port());
    match options.get_socket() {
        Some(dir) => format!("{}/.s.PGSQL.{port}", dir.display()),
        None if host.starts_with('/') => format!("{host}/.s.PGSQL.{port}"),
        None if host.contains(':') && !host.starts_with('[') => format!("[{host}]:{port}"),
        None => format!("{host}:{port}"),
    }
}

/// A connection failure as [`DbError::Connect`], naming `at`.
fn connect_error(at: &str, e: sqlx::Error) -> DbError {
    let cause = match &e {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::PoolTimedOut => format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()),
        other => other.to_string(),
    };
    let transient = DbError::Sql(e).is_transient();
    DbError::Connect { at: at.to_owned(), cause, transient }
}

impl Db {
    /// Opens the database; a SQLite file is created when missing. An
    /// unreachable server fails within [`CONNECT_TIMEOUT`], naming where it
    /// was tried and why.
    pub async fn connect(url: &str) -> DbResult<Db> {
        let db = Db::open(url, true).await?;
        Ok(db.expect("a database that may be created is opened"))
    }

    /// Opens a database that exists: `None` for a SQLite file that does not
    /// (nothing is created). For `talimger check`.
    pub async fn connect_existing(url: &str) -> DbResult<Option<Db>> {
        Db::open(url, false).await
    }

    async fn open(url: &str, create: bool) -> DbResult<Option<Db>> {
        let pool = match Backend::of_url(url)? {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)?;
                if !create && !options.get_filename().exists() {
                    return Ok(None);
                }
                let options = options
                    .create_if_missing(create)
                    // WAL lets readers work beside the one writer; the busy
                    // timeout makes a second writer wait instead of failing.
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(30))
                    // Deleted content (an update's payload, a sent message's
                    // text) is overwritten, not left readable in the file.
                    .pragma("secure_delete", "ON");
                // One connection: SQLite has one writer anyway, and writers
                // waiting on the pool cost nothing, while writers waiting
                // in SQLite's busy handler spin (measured: 30 % less CPU
                // per update with one connection than with four).
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await?;
                Pool::Sqlite(pool)
            }
            Backend::Postgres => {
                let options = PgConnectOptions::from_str(url)?;
                let at = pg_target(&options);
                Db::reach_postgres(&options, &at).await?;
                let pool = PgPoolOptions::new()
                    .max_connections(10)
                    .acquire_timeout(CONNECT_TIMEOUT)
                    .connect_with(options);
                let pool = match tokio::time::timeout(CONNECT_TIMEOUT, pool).await {
                    Ok(Ok(pool)) => pool,
                    Ok(Err(e)) => return Err(connect_error(&at, e)),
                    Err(_) => return Err(connect_error(&at, sqlx::Error::PoolTimedOut)),
                };
                Pool::Postgres(pool)
            }
        };
        Ok(Some(Db { pool, url: url.to_owned(), erased: Default::default() }))
    }

    /// One connection to the server, tried again while the failure may
    /// pass (a server starting up) until [`CONNECT_TIMEOUT`]: the pool
    /// would only say that it timed out, this says why.
    async fn reach_postgres(options: &PgConnectOptions, at: &str) -> DbResult<()> {
        let deadline = tokio::time::Instant::now() + CONNECT_TIMEOUT;
        let mut pause = Duration::from_millis(100);
        loop {
            match tokio::time::timeout_at(deadline, options.connect()).await {
                Ok(Ok(conn)) => {
                    let _ = conn.close().await;
                    return Ok(());
                }
                Ok(Err(e)) => {
                    let error = connect_error(at, e);
                    if !error.is_transient() || tokio::time::Instant::now() + pause >= deadline {
                        return Err(error);
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(1));
                }
                Err(_) => return Err(connect_error(at, sqlx::Error::PoolTimedOut)),
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The URL this database was opened with (for a second connection).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub(crate) fn pg_pool(&self) -> Option<&PgPool> {
        match &self.pool {
            Pool::Postgres(p) => Some(p),
            Pool::Sqlite(_) => None,
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self.backend() {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applies the migrations not yet applied (safe from several instances
    /// at once on PostgreSQL: sqlx takes an advisory lock), then fills in
    /// what SQL cannot compute (the case-folded keys of place names).
    pub async fn migrate(&self) -> DbResult<()> {
        match &self.pool {
            Pool::Sqlite(p) => self.migrator().run(p).await?,
            Pool::Postgres(p) => self.migrator().run(p).await?,
        }
        let mut tx = self.begin().await?;
        tx.fill_place_keys().await?;
        tx.commit().await
    }

    /// Descriptions of the migrations this binary has and the database lacks.
    pub async fn pending_migrations(&self) -> DbResult<Vec<String>> {
        const APPLIED: &str = "SELECT version FROM _sqlx_migrations WHERE success = TRUE";
        // An error here means the bookkeeping table does not exist yet:
        // nothing has been applied.
        let applied: Vec<i64> = match &self.pool {
            Pool::Sqlite(p) => sqlx::query_scalar(APPLIED).fetch_all(p).await.unwrap_or_default(),
            Pool::Postgres(p) => sqlx::query_scalar(APPLIED).fetch_all(p).await.unwrap_or_default(),
        };
        Ok(self
            .migrator()
            .iter()
            .filter(|m| !applied.contains(&m.version))
            .map(|m| format!("{} {}", m.version, m.description))
            .collect())
    }

    pub fn migration_count(&self) -> usize {
        self.migrator().iter().count()
    }

    /// A transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so that it waits for other writers under the
    /// busy timeout instead of failing with "database is locked" when a
    /// read would later have to be upgraded to a write.
    pub async fn begin(&self) -> DbResult<Tx> {
        self.check_outage()?;
        Ok(match &self.pool {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Makes every new transaction on this database fail for `duration`
    /// (on every handle), as if the server were unreachable. For tests of
    /// the retry paths; never used by the bot.
    #[doc(hidden)]
    pub fn simulate_outage(&self, duration: Duration) {
        let until =
            chrono::Utc::now().timestamp_millis() + i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
        let mut outages = OUTAGES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        outages.retain(|(url, _)| url != &self.url);
        outages.push((self.url.clone(), until));
        ANY_OUTAGE.store(true, Ordering::Relaxed);
    }

    pub(crate) fn check_outage(&self) -> DbResult<()> {
        if ANY_OUTAGE.load(Ordering::Relaxed) && self.in_outage() {
            return Err(DbError::Outage);
        }
        Ok(())
    }

    fn in_outage(&self) -> bool {
        let now = chrono::Utc::now().timestamp_millis();
        let outages = OUTAGES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        outages.iter().any(|(url, until)| url == &self.url && *until > now)
    }

    /// SQLite: moves the write-ahead log into the database file and empties
    /// it, so that erased contents do not linger in the log. `false`: a
    /// reader kept it from finishing (try again).
    pub async fn checkpoint(&self) -> DbResult<bool> {
        if let Pool::Sqlite(p) = &self.pool {
            let (busy, _, _): (i64, i64, i64) =
                sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(p).await?;
            return Ok(busy == 0);
        }
        Ok(true)
    }

    /// Says that contents were erased (see `wal_keeper`).
    pub(crate) fn note_erased(&self) {
        self.erased.notify_one();
    }

    /// SQLite: after contents are erased, the log that still holds them is
    /// emptied within seconds (`secure_delete` wipes the database file
    /// itself), not at the next hourly housekeeping. PostgreSQL: nothing.
    pub async fn wal_keeper(self, stop: tokio_util::sync::CancellationToken) {
        if !matches!(self.pool, Pool::Sqlite(_)) {
            return;
        }
        loop {
            tokio::select! {
                _ = self.erased.notified() => {}
                _ = stop.cancelled() => return,
            }
            // Erasures come in bursts: one checkpoint after each.
            for attempt in 0..10 {
                tokio::select! {
                    _ = tokio::time::sleep(std::time::Duration::from_secs(2)) => {}
                    _ = stop.cancelled() => return,
                }
                match self.checkpoint().await {
                    Ok(true) => break,
                    Ok(false) => tracing::debug!(attempt, "the log is in use; checkpointing again"),
                    Err(e) => tracing::warn!(error = %e, "could not checkpoint the log; trying again"),
                }
            }
        }
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }

    /// A statement without parameters or results (savepoints).
    pub(crate) async fn execute(&mut self, sql: &'static str) -> DbResult<()> {
        on!(self, c => sqlx::query(sql).execute(c).await?
            .rows_affected());
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }
}

/// A stored enum value that must be one this version knows.
pub(crate) fn strict<T: FromStr>(what: &str, raw: &str) -> DbResult<T> {
    raw.parse().map_err(|_| DbError::Corrupt(format!("{what} {raw:?}")))
}

pub(crate) fn strict_opt<T: FromStr>(what: &str, raw: Option<String>) -> DbResult<Option<T>> {
    raw.map(|r| strict(what, &r)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_failure_names_where_it_was_tried() {
        let at = |url: &str| pg_target(&PgConnectOptions::from_str(url).expect("url"));
        assert_eq!(at("postgres://u:secret@db.example.kz:6543/talimger"), "db.example.kz:6543");
        assert_eq!(at("postgres://127.0.0.1/talimger"), "127.0.0.1:5432");
        assert_eq!(at("postgres://[::1]:5433/talimger"), "[::1]:5433");
        assert_eq!(at("postgres:///talimger?host=/run/postgresql"), "/run/postgresql/.s.PGSQL.5432");
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let e = connect_error("127.0.0.1:5432", sqlx::Error::Io(refused));
        assert!(e.to_string().starts_with("could not connect to PostgreSQL at 127.0.0.1:5432: "), "{e}");
        assert!(e.is_transient());
        let e = connect_error("127.0.0.1:5432", sqlx::Error::PoolTimedOut);
        assert_eq!(e.to_string(), "could not connect to PostgreSQL at 127.0.0.1:5432: no answer within 10 s");
        assert!(std::error::Error::source(&e).is_none(), "the cause is said once");
    }

    #[test]
    fn the_file_of_a_sqlite_url() {
        assert_eq!(sqlite_file("sqlite://talimger.db"), Some("talimger.db".into()));
        assert_eq!(sqlite_file("sqlite:///var/lib/t/x.db?mode=rwc"), Some("/var/lib/t/x.db".into()));
        assert_eq!(sqlite_file("postgres://localhost/x"), None);
    }
}
