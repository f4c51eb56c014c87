//! Reaching a database: which backend a URL names (and the URL without its
//! password, for logs), opening the pool — a SQLite file with its pragmas,
//! or a PostgreSQL server tried until [`CONNECT_TIMEOUT`], saying where and
//! why it could not be reached — the migrations of each backend, closing,
//! and the simulated outages of the tests.

use super::{Db, DbError, DbResult, Pool};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};
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

/// Simulated outages by database URL (ms since the epoch, wall clock):
/// every handle on that database sees them. Tests only.
static OUTAGES: std::sync::Mutex<Vec<(String, i64)>> = std::sync::Mutex::new(Vec::new());
static ANY_OUTAGE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

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

    /// SQLite: a consistent copy of the database, taken while the bot runs
    /// (`VACUUM INTO` reads one snapshot and writes a compact file). The
    /// file must not exist yet. PostgreSQL has `pg_dump` for this.
    pub async fn backup_into(&self, file: &std::path::Path) -> DbResult<()> {
        let Pool::Sqlite(p) = &self.pool else {
            return Err(DbError::Unsupported("a backup of PostgreSQL is made with pg_dump"));
        };
        let name = file.to_str().ok_or(DbError::Unsupported("the backup file's name is not UTF-8"))?;
        sqlx::query("VACUUM INTO ?").bind(name).execute(p).await?;
        Ok(())
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
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
