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
//!
//! This file holds that core — [`Db`], [`Tx`], [`DbError`] and its retry
//! policy, the macros that run one body on either backend, strict decoding
//! of stored values, the SQLite log kept empty of erased contents — and
//! `connect` how a database is reached: URLs, backends, pools, migrations.

mod broadcast;
mod connect;
mod export;
mod invites;
mod jobs;
mod meetings;
mod mentors;
mod ops;
mod org;
mod outbox;
mod privacy;
mod radar;
mod relay;
mod safeguarding;
mod signals;
mod slots;
mod stats;
mod updates;
mod users;

pub use broadcast::Broadcast;
pub use connect::{Backend, CONNECT_TIMEOUT, redact_url, sqlite_file};
pub use invites::{Joined, NewInvite, RedeemOutcome};
pub use jobs::{Delivery, DueJob};
pub use meetings::NewMeeting;
pub use mentors::{LoadWindow, MentorLoad, Stake};
pub use ops::{Backlog, Erased, QueueHealth};
pub use outbox::{
    Claimed, Confirmed, ItemState, ItemStatus, NewItem, Notice, Outcome, Priority, Request, RetryReason,
    SentRecord, Upload,
};
pub use privacy::LINKS;
pub use radar::Waiting;
pub use relay::{NewQuestion, Question, RelayTarget};
pub use safeguarding::Standing;
pub use signals::{Listener, PollLock, Signal};
pub use updates::{Next, PendingUpdate, StoredUpdate};

use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::str::FromStr;

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
    /// Asked of a backend that does not do it (a backup of PostgreSQL).
    #[error("{0}")]
    Unsupported(&'static str),
}

impl DbError {
    /// A failure that may pass by itself (a lost connection, a busy or
    /// restarting server), as opposed to a bug. The intake retries the
    /// first kind and sets the second aside at once. A unique or
    /// foreign-key violation counts as passing: someone was faster (two
    /// students' messages to one mentor at night writing the same keyed
    /// line, two people joining at once), and the retry, reading what they
    /// committed, takes the path the user expects ("taken", "already
    /// joined", the line replaced) instead of an apology.
    pub fn is_transient(&self) -> bool {
        if self.is_constraint_violation() {
            return true;
        }
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
            DbError::UnsupportedUrl(_)
            | DbError::Migrate(_)
            | DbError::Corrupt(_)
            | DbError::Unsupported(_) => false,
        }
    }

    /// A unique or foreign-key violation (someone was faster): retried as
    /// passing (see `is_transient`), never an apology.
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

impl Db {
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
    /// itself), not at the next hourly housekeeping. PostgreSQL: nothing
    /// to do, but it waits for `stop` all the same (a worker that returns
    /// is taken for a dead one and started again).
    pub async fn wal_keeper(self, stop: tokio_util::sync::CancellationToken) {
        if !matches!(self.pool, Pool::Sqlite(_)) {
            stop.cancelled().await;
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

    /// Statements of our own, separated by `;`, in one round trip (no
    /// parameters: PostgreSQL's simple protocol).
    pub(crate) async fn execute_script(&mut self, sql: &'static str) -> DbResult<()> {
        on!(self, c => sqlx::Executor::execute(c, sql).await?
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
