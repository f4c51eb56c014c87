//! Time is injected: production reads the system clock, tests move a
//! manual one. Instants are stored as milliseconds since the Unix epoch, UTC.

use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    /// Told when the clock jumps (a test moved it), so that whoever sleeps
    /// until a time can look again. The system clock never jumps this way.
    fn jumps(&self) -> Option<&tokio::sync::Notify> {
        None
    }
}

/// The clock every handler, worker and storage call gets.
pub type SharedClock = Arc<dyn Clock>;

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to.
pub struct ManualClock {
    millis: AtomicI64,
    jumped: tokio::sync::Notify,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Arc<ManualClock> {
        Arc::new(ManualClock {
            millis: AtomicI64::new(start.timestamp_millis()),
            jumped: tokio::sync::Notify::new(),
        })
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.millis.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
        self.jumped.notify_waiters();
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        from_millis(self.millis.load(Ordering::SeqCst))
    }

    fn jumps(&self) -> Option<&tokio::sync::Notify> {
        Some(&self.jumped)
    }
}

pub fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A duration as operators write it: a whole number and a unit, `s`,
/// `m`, `h` or `d`: `90s`, `15m`, `1h`, `2d`.
pub fn parse_duration(raw: &str) -> Option<std::time::Duration> {
    let t = raw.trim();
    let unit = t.chars().last()?;
    let number = &t[..t.len() - unit.len_utf8()];
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) || number.len() > 6 {
        return None;
    }
    let n: u64 = number.parse().ok()?;
    let secs = match unit {
        's' => n,
        'm' => n.checked_mul(60)?,
        'h' => n.checked_mul(3600)?,
        'd' => n.checked_mul(86_400)?,
        _ => return None,
    };
    Some(std::time::Duration::from_secs(secs))
}
