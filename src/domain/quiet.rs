//! A mentor's quiet hours: ordinary messages wait until they end; urgent
//! ones never wait. Hours are local to the programme's time zone.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// Quiet hours as minutes after local midnight; `start > end` spans midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuietHours {
    pub enabled: bool,
    pub start_min: u32,
    pub end_min: u32,
}

impl Default for QuietHours {
    /// On, 22:00–07:00.
    fn default() -> QuietHours {
        QuietHours { enabled: true, start_min: 22 * 60, end_min: 7 * 60 }
    }
}

/// The starts and ends a mentor picks from with buttons.
pub const START_CHOICES: &[u32] = &[20 * 60, 21 * 60, 22 * 60, 23 * 60];
pub const END_CHOICES: &[u32] = &[6 * 60, 7 * 60, 8 * 60, 9 * 60];

impl QuietHours {
    /// A mentor's hours as a query joins them (`quiet_hours` columns, all
    /// `None` when the mentor has no row: the default hours).
    pub fn stored(enabled: Option<i64>, start: Option<i64>, end: Option<i64>) -> QuietHours {
        match (enabled, start, end) {
            (Some(enabled), Some(start), Some(end)) => QuietHours {
                enabled: enabled != 0,
                start_min: u32::try_from(start).unwrap_or(0),
                end_min: u32::try_from(end).unwrap_or(0),
            },
            _ => QuietHours::default(),
        }
    }

    /// When the quiet hours `now` falls in end, if it falls in some.
    pub fn ends_after(&self, now: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        if !self.enabled || self.start_min == self.end_min {
            return None;
        }
        let local = now.with_timezone(&tz);
        let minute = local.hour() * 60 + local.minute();
        let inside = if self.start_min < self.end_min {
            (self.start_min..self.end_min).contains(&minute)
        } else {
            minute >= self.start_min || minute < self.end_min
        };
        if !inside {
            return None;
        }
        let mut day = local.date_naive();
        if minute >= self.end_min {
            day = day.succ_opt()?;
        }
        let end = NaiveTime::from_hms_opt(self.end_min / 60, self.end_min % 60, 0)?;
        let at = tz.from_local_datetime(&day.and_time(end)).earliest()?;
        Some(at.with_timezone(&Utc))
    }

    /// `HH:MM` of a minute of the day.
    pub fn clock(minute: u32) -> String {
        format!("{:02}:{:02}", minute / 60, minute % 60)
    }

    /// `HH:MM` of an instant in the programme's time zone.
    pub fn clock_of(at: DateTime<Utc>, tz: Tz) -> String {
        at.with_timezone(&tz).format("%H:%M").to_string()
    }

    pub fn valid_minute(minute: u32) -> bool {
        minute < 24 * 60
    }
}

/// How long a question has waited, in whole minutes (never negative).
pub fn waited_minutes(since: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - since).max(Duration::zero()).num_minutes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        // Almaty is UTC+5.
        chrono_tz::Asia::Almaty
            .with_ymd_and_hms(2026, 9, 1, h, m, 0)
            .single()
            .expect("valid")
            .with_timezone(&Utc)
    }

    #[test]
    fn quiet_hours_span_midnight() {
        let q = QuietHours::default();
        let tz = chrono_tz::Asia::Almaty;
        assert_eq!(q.ends_after(at(21, 59), tz), None);
        assert_eq!(q.ends_after(at(7, 0), tz), None);
        assert_eq!(q.ends_after(at(12, 0), tz), None);
        let next_morning = at(7, 0) + Duration::days(1);
        assert_eq!(q.ends_after(at(22, 0), tz), Some(next_morning));
        assert_eq!(q.ends_after(at(23, 30), tz), Some(next_morning));
        assert_eq!(q.ends_after(at(3, 0), tz), Some(at(7, 0)));
        assert_eq!(QuietHours { enabled: false, ..q }.ends_after(at(23, 0), tz), None);
        let day = QuietHours { enabled: true, start_min: 13 * 60, end_min: 14 * 60 };
        assert_eq!(day.ends_after(at(13, 30), tz), Some(at(14, 0)));
        assert_eq!(day.ends_after(at(14, 0), tz), None);
        assert_eq!(QuietHours::clock(7 * 60 + 5), "07:05");
    }
}
