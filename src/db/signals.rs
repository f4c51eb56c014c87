//! What only PostgreSQL has, for several instances on one database: the
//! notifications between them (`NOTIFY`/`LISTEN`) and the polling lock.
//! On SQLite (one instance) each is a no-op.

use super::{Db, DbResult, Tx};
use std::time::Duration;

/// The channels the instances tell each other on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// Updates were stored: handle them.
    Updates,
    /// Outbox items due later were queued: look at the table again.
    Outbox,
    /// Jobs were planned: the job runner looks at its table again.
    Jobs,
}

impl Signal {
    fn channel(self) -> &'static str {
        match self {
            Signal::Updates => "talimger_updates",
            Signal::Outbox => "talimger_outbox",
            Signal::Jobs => "talimger_jobs",
        }
    }
}

impl Tx {
    /// Tells the other instances, when this transaction commits. `from`
    /// names this instance (its outbox owner): an instance ignores its own
    /// signals, having woken what they concern itself.
    pub async fn notify(&mut self, signal: Signal, from: &str) -> DbResult<()> {
        if let Tx::Postgres(t) = self {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(signal.channel())
                .bind(from)
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }
}

/// A connection listening to the other instances' signals.
pub struct Listener {
    conn: sqlx::postgres::PgListener,
    me: String,
}

impl Listener {
    /// The next signal of another instance; an error means the connection
    /// is gone. Our own are skipped: each would cost a look at the table
    /// (on the intake's side a claim that finds nothing) per update.
    pub async fn recv(&mut self) -> DbResult<Signal> {
        loop {
            let note = self.conn.recv().await?;
            if note.payload() == self.me {
                continue;
            }
            return Ok([Signal::Updates, Signal::Jobs]
                .into_iter()
                .find(|s| s.channel() == note.channel())
                .unwrap_or(Signal::Outbox));
        }
    }
}

/// The advisory lock that makes one instance the poller (two 32-bit
/// halves: a key space of its own, apart from the per-chat locks).
const POLL_LOCK: (i32, i32) = (0x7461_6c69, 1);

/// Holds the polling lock on a connection of its own: when the holder
/// dies, its connection closes and the lock is free for another instance.
#[derive(Default)]
pub struct PollLock {
    conn: Option<sqlx::PgConnection>,
}

impl Db {
    /// Listens to the instances other than `me` (the name [`Tx::notify`]
    /// gets). `None` on SQLite, where there is nobody else to listen to.
    pub async fn listen(&self, me: &str) -> DbResult<Option<Listener>> {
        let Some(pool) = self.pg_pool() else { return Ok(None) };
        let mut conn = sqlx::postgres::PgListener::connect_with(pool).await?;
        conn.listen_all([Signal::Updates, Signal::Outbox, Signal::Jobs].map(Signal::channel)).await?;
        Ok(Some(Listener { conn, me: me.to_owned() }))
    }
}

impl PollLock {
    /// Whether this instance holds the lock (taking it when free). SQLite
    /// has one instance, which always holds it.
    pub async fn hold(&mut self, db: &Db) -> bool {
        use sqlx::Connection;
        if db.pg_pool().is_none() {
            return true;
        }
        if let Some(conn) = &mut self.conn {
            if conn.ping().await.is_ok() {
                return true;
            }
            tracing::warn!("lost the polling lock's connection");
            self.conn = None;
        }
        let Ok(Ok(mut conn)) =
            tokio::time::timeout(Duration::from_secs(10), sqlx::PgConnection::connect(db.url())).await
        else {
            return false;
        };
        let got: Result<bool, _> = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
            .bind(POLL_LOCK.0)
            .bind(POLL_LOCK.1)
            .fetch_one(&mut conn)
            .await;
        if got.unwrap_or(false) {
            tracing::info!("this instance polls Telegram");
            self.conn = Some(conn);
            true
        } else {
            false
        }
    }
}
