//! Small texts every feature words the same way.

use crate::domain::Lang;
use crate::t;
use chrono::{DateTime, Utc};

/// How long something has waited since `since`: minutes under an hour,
/// hours under two days, then days («5 мин», «3 ч», «2 дня»).
pub fn waited(lang: Lang, since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = crate::domain::quiet::waited_minutes(since, now);
    if minutes < 60 {
        t!(lang, "relay-waited-minutes", minutes = minutes)
    } else if minutes < 48 * 60 {
        t!(lang, "relay-waited-hours", hours = minutes / 60)
    } else {
        t!(lang, "relay-waited-days", days = minutes / (24 * 60))
    }
}
