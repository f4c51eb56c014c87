//! The unanswered radar: when a question has waited long enough, counted
//! in the mentor's working time (`domain::working`: quiet hours do not
//! count), and when the radar looks next. No I/O.

use super::quiet::QuietHours;
use super::working::working_time;
use chrono::{DateTime, Duration, DurationRound, Utc};
use chrono_tz::Tz;

/// The default `TALIMGER_UNANSWERED_ALERT`: two working days.
pub const DEFAULT_ALERT_AFTER: &str = "48h";

/// How often the radar looks at least (new questions, quiet hours changed).
pub const LOOK_EVERY: Duration = Duration::hours(1);

/// The first instant at which a question asked at `from` has waited `need`
/// of working time: quiet hours do not count. `need` of zero is `from`.
pub fn due_after(from: DateTime<Utc>, need: Duration, quiet: QuietHours, tz: Tz) -> DateTime<Utc> {
    if need <= Duration::zero() {
        return from;
    }
    // An end by which it has surely waited that long: quiet hours leave at
    // least an hour of every day (a day at most 25 h with a clock change).
    let mut hi = from + need;
    let mut step = need;
    while working_time(from, hi, quiet, tz) < need {
        hi += step;
        step += step;
    }
    // The first millisecond at which the working time reaches `need`.
    let (mut lo, mut hi) = (from.timestamp_millis(), hi.timestamp_millis());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let at = DateTime::from_timestamp_millis(mid).unwrap_or(from);
        if working_time(from, at, quiet, tz) >= need {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    DateTime::from_timestamp_millis(hi).unwrap_or(from)
}

/// When the radar looks next after `now`: at the next whole hour (UTC),
/// or earlier when a question becomes due before it (`due`: when each
/// question still waiting becomes due). Every instance's chain of looks
/// meets at the whole hours, so that their jobs share one key.
pub fn next_look(now: DateTime<Utc>, due: impl IntoIterator<Item = DateTime<Utc>>) -> DateTime<Utc> {
    let hour = now.duration_trunc(LOOK_EVERY).unwrap_or(now) + LOOK_EVERY;
    due.into_iter().filter(|d| *d > now).fold(hour, DateTime::min)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const TZ: Tz = chrono_tz::Asia::Almaty;

    fn local(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        TZ.with_ymd_and_hms(2026, 9, d, h, m, 0).single().expect("valid").with_timezone(&Utc)
    }

    #[test]
    fn due_after_48_working_hours_leaves_the_nights_out() {
        let q = QuietHours::default();
        // Asked Tuesday 09:00: the days give 15 h each (07:00–22:00), so
        // 48 h are 13 h on the first day, 15 + 15 on the next two, and 5 h
        // on the fourth: Friday 12:00.
        let asked = local(1, 9, 0);
        let due = due_after(asked, Duration::hours(48), q, TZ);
        assert_eq!(due, local(4, 12, 0));
        assert_eq!(working_time(asked, due, q, TZ), Duration::hours(48));
        assert!(working_time(asked, due - Duration::milliseconds(1), q, TZ) < Duration::hours(48));
        // Asked in the night: the count starts at 07:00.
        assert_eq!(due_after(local(1, 23, 30), Duration::hours(1), q, TZ), local(2, 8, 0));
        // Ending exactly as the quiet hours begin: 22:00, not the morning.
        assert_eq!(due_after(local(1, 21, 0), Duration::hours(1), q, TZ), local(1, 22, 0));
        // One minute more goes on after the night.
        assert_eq!(due_after(local(1, 21, 0), Duration::minutes(61), q, TZ), local(2, 7, 1));
        // Without quiet hours, clock time.
        let off = QuietHours { enabled: false, ..q };
        assert_eq!(due_after(asked, Duration::hours(48), off, TZ), asked + Duration::hours(48));
        // The longest quiet hours (20:00–09:00) still end.
        let long = QuietHours { enabled: true, start_min: 20 * 60, end_min: 9 * 60 };
        assert_eq!(due_after(local(1, 9, 0), Duration::hours(22), long, TZ), local(2, 20, 0));
        assert_eq!(due_after(asked, Duration::zero(), q, TZ), asked);
    }

    #[test]
    fn the_radar_looks_hourly_or_when_a_question_is_due() {
        let now = Utc.with_ymd_and_hms(2026, 9, 1, 4, 20, 0).single().expect("valid");
        let hour = Utc.with_ymd_and_hms(2026, 9, 1, 5, 0, 0).single().expect("valid");
        assert_eq!(next_look(now, []), hour);
        assert_eq!(next_look(hour, []), hour + LOOK_EVERY, "strictly after now");
        let soon = now + Duration::minutes(7);
        assert_eq!(next_look(now, [hour + Duration::hours(3), soon]), soon);
        // A question already due (no coordinator to tell yet) does not
        // make the radar spin.
        assert_eq!(next_look(now, [now - Duration::hours(1), now]), hour);
    }
}
