//! Working time: how long something waited for a mentor, leaving out the
//! mentor's quiet hours (`domain::quiet`). A question asked at 21:00 and
//! answered at 08:00 with quiet hours 22:00–07:00 waited two working hours.

use super::calendar::{Minute, local_date, to_utc};
use super::quiet::QuietHours;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

/// The part of `[from, to)` outside `quiet` (zero when `to` is not after
/// `from`). Quiet hours are read in the programme's zone, day by day, so a
/// clock change is followed as it happens.
pub fn working_time(from: DateTime<Utc>, to: DateTime<Utc>, quiet: QuietHours, tz: Tz) -> Duration {
    if to <= from {
        return Duration::zero();
    }
    let total = to - from;
    if !quiet.enabled || quiet.start_min == quiet.end_min {
        return total;
    }
    let mut resting = Duration::zero();
    // The quiet hours that began the evening before `from` may cover it.
    let mut day = local_date(tz, from).pred_opt().unwrap_or(NaiveDate::MIN);
    let last = local_date(tz, to);
    while day <= last {
        let end_day = if quiet.start_min < quiet.end_min { Some(day) } else { day.succ_opt() };
        let (Some(start), Some(end)) =
            (at(tz, day, quiet.start_min), end_day.and_then(|d| at(tz, d, quiet.end_min)))
        else {
            break;
        };
        let (s, e) = (start.max(from), end.min(to));
        if e > s {
            resting += e - s;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    total - resting
}

/// A local time as an instant; a time the clocks skipped is taken at the
/// next whole hour that exists.
fn at(tz: Tz, day: NaiveDate, minute: u32) -> Option<DateTime<Utc>> {
    let minute = Minute::try_from(minute).ok()?;
    to_utc(tz, day, minute).or_else(|| to_utc(tz, day, minute.saturating_add(60)))
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
    fn quiet_hours_do_not_count() {
        let q = QuietHours::default();
        // 21:00 → 08:00 next day: 22:00–07:00 is quiet, 2 h count.
        assert_eq!(working_time(local(1, 21, 0), local(2, 8, 0), q, TZ), Duration::hours(2));
        // Asked in the night, answered at 07:30: half an hour.
        assert_eq!(working_time(local(2, 3, 0), local(2, 7, 30), q, TZ), Duration::minutes(30));
        // Within the day: all of it.
        assert_eq!(working_time(local(2, 9, 0), local(2, 9, 45), q, TZ), Duration::minutes(45));
        // Two whole days: 48 h less two nights of 9 h.
        assert_eq!(working_time(local(1, 12, 0), local(3, 12, 0), q, TZ), Duration::hours(30));
        // Wholly inside the quiet hours: nothing.
        assert_eq!(working_time(local(1, 23, 0), local(2, 6, 0), q, TZ), Duration::zero());
        // Off: the clock time.
        let off = QuietHours { enabled: false, ..q };
        assert_eq!(working_time(local(1, 21, 0), local(2, 8, 0), off, TZ), Duration::hours(11));
        // Hours that do not span midnight (13:00–14:00).
        let lunch = QuietHours { enabled: true, start_min: 13 * 60, end_min: 14 * 60 };
        assert_eq!(working_time(local(1, 12, 30), local(1, 14, 30), lunch, TZ), Duration::hours(1));
        // Backwards or empty: zero.
        assert_eq!(working_time(local(2, 9, 0), local(1, 9, 0), q, TZ), Duration::zero());
    }

    #[test]
    fn a_clock_change_is_followed() {
        // Berlin leaves summer time on 25 October 2026 (03:00 → 02:00).
        let tz = chrono_tz::Europe::Berlin;
        let q = QuietHours::default();
        let from = tz.with_ymd_and_hms(2026, 10, 24, 21, 0, 0).single().expect("valid").with_timezone(&Utc);
        let to = tz.with_ymd_and_hms(2026, 10, 25, 8, 0, 0).single().expect("valid").with_timezone(&Utc);
        // 12 h of clock time, 10 h of them quiet (22:00–07:00 was 10 h long).
        assert_eq!(to - from, Duration::hours(12));
        assert_eq!(working_time(from, to, q, tz), Duration::hours(2));
    }
}
