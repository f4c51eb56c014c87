//! The periods a coordinator looks at (`/stats`, `talimger stats`): this
//! week, the last 30 days, this school term, or days typed as dates. A
//! period is a half-open span of instants `[from, to)` with the local days
//! it covers, for the heading.

use super::calendar::{day_start, local_date, parse_date};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;

/// Which period: the buttons of `/stats`, and the typed range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodKind {
    Week,
    Last30,
    Term,
    Range,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub kind: PeriodKind,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The first and the last local day it covers (inclusive).
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

/// The longest typed range, in days (a school year and a bit).
pub const MAX_RANGE_DAYS: i64 = 400;

/// The days of the school quarters' starts (month, day): 1 September,
/// 1 November, 1 January and 1 April. The holidays go with the quarter
/// they follow or lead into, and the summer with the fourth quarter.
pub const TERM_STARTS: [(u32, u32); 4] = [(9, 1), (11, 1), (1, 1), (4, 1)];

impl Period {
    /// From Monday 00:00 (local) of this week to now.
    pub fn this_week(tz: Tz, now: DateTime<Utc>) -> Period {
        let today = local_date(tz, now);
        let monday = today.week(Weekday::Mon).first_day();
        Period {
            kind: PeriodKind::Week,
            from: day_start(tz, monday),
            to: now,
            first_day: monday,
            last_day: today,
        }
    }

    /// The 30 days up to now (the default).
    pub fn last_30_days(tz: Tz, now: DateTime<Utc>) -> Period {
        let from = now - Duration::days(30);
        Period {
            kind: PeriodKind::Last30,
            from,
            to: now,
            first_day: local_date(tz, from),
            last_day: local_date(tz, now),
        }
    }

    /// From the start of the current school quarter (`TERM_STARTS`) to now.
    pub fn this_term(tz: Tz, now: DateTime<Utc>) -> Period {
        let today = local_date(tz, now);
        let start = term_start(today);
        Period {
            kind: PeriodKind::Term,
            from: day_start(tz, start),
            to: now,
            first_day: start,
            last_day: today,
        }
    }

    /// Whole local days, `first` to `last` inclusive.
    pub fn days(tz: Tz, first: NaiveDate, last: NaiveDate) -> Period {
        let after = last.succ_opt().unwrap_or(last);
        Period {
            kind: PeriodKind::Range,
            from: day_start(tz, first),
            to: day_start(tz, after),
            first_day: first,
            last_day: last,
        }
    }

    pub fn of(kind: PeriodKind, tz: Tz, now: DateTime<Utc>) -> Option<Period> {
        match kind {
            PeriodKind::Week => Some(Period::this_week(tz, now)),
            PeriodKind::Last30 => Some(Period::last_30_days(tz, now)),
            PeriodKind::Term => Some(Period::this_term(tz, now)),
            PeriodKind::Range => None,
        }
    }
}

/// The first day of the school quarter `day` falls in.
pub fn term_start(day: NaiveDate) -> NaiveDate {
    let year = day.year();
    let candidates = TERM_STARTS.iter().flat_map(|&(m, d)| {
        [year - 1, year].into_iter().filter_map(move |y| NaiveDate::from_ymd_opt(y, m, d))
    });
    candidates.filter(|start| *start <= day).max().unwrap_or(day)
}

/// Why a typed range is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RangeError {
    /// Not one or two dates.
    Shape,
    /// This word is not a date (as typed).
    NotADate(String),
    /// The first date is after the last.
    Reversed,
    /// It starts after today.
    Future,
    /// Longer than `MAX_RANGE_DAYS`.
    TooLong,
}

/// A date as people type it: `2026-09-01`, `01.09.2026` or `1.9.2026`.
pub fn parse_day(raw: &str) -> Option<NaiveDate> {
    if let Some(d) = parse_date(raw) {
        return Some(d);
    }
    let mut parts = raw.trim().split(['.', '/']);
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || d.len() > 2 || m.len() > 2 {
        return None;
    }
    let number = |s: &str| s.chars().all(|c| c.is_ascii_digit()).then(|| s.parse::<u32>().ok()).flatten();
    NaiveDate::from_ymd_opt(i32::try_from(number(y)?).ok()?, number(m)?, number(d)?)
}

/// One date (that day) or two (from, to; inclusive), separated by spaces,
/// a dash or «–»; the range ends today at the latest.
pub fn parse_range(raw: &str, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), RangeError> {
    let spaced = raw.replace(['–', '—'], " ");
    let words: Vec<&str> = spaced.split_whitespace().filter(|w| *w != "-").collect();
    let words: Vec<&str> = match words.as_slice() {
        // «2026-09-01-2026-09-30» has no spaces: split at the middle dash.
        [one] if one.len() == 21 && one.as_bytes()[10] == b'-' => vec![&one[..10], &one[11..]],
        _ => words,
    };
    let day = |w: &str| parse_day(w).ok_or_else(|| RangeError::NotADate(w.to_owned()));
    let (first, last) = match words.as_slice() {
        [one] => {
            let d = day(one)?;
            (d, d)
        }
        [a, b] => (day(a)?, day(b)?),
        _ => return Err(RangeError::Shape),
    };
    if first > last {
        return Err(RangeError::Reversed);
    }
    if first > today {
        return Err(RangeError::Future);
    }
    let last = last.min(today);
    if (last - first).num_days() >= MAX_RANGE_DAYS {
        return Err(RangeError::TooLong);
    }
    Ok((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    const TZ: Tz = chrono_tz::Asia::Almaty;

    #[test]
    fn periods_cover_whole_local_days() {
        // Thursday 3 September 2026, 14:00 in Almaty (UTC+5).
        let now = TZ.with_ymd_and_hms(2026, 9, 3, 14, 0, 0).single().expect("valid").with_timezone(&Utc);
        let week = Period::this_week(TZ, now);
        assert_eq!(week.first_day, date(2026, 8, 31));
        assert_eq!(week.from, Utc.with_ymd_and_hms(2026, 8, 30, 19, 0, 0).single().expect("valid"));
        assert_eq!(week.to, now);
        let term = Period::this_term(TZ, now);
        assert_eq!((term.first_day, term.last_day), (date(2026, 9, 1), date(2026, 9, 3)));
        let month = Period::last_30_days(TZ, now);
        assert_eq!(month.first_day, date(2026, 8, 4));
        let days = Period::days(TZ, date(2026, 9, 1), date(2026, 9, 2));
        assert_eq!(days.to - days.from, Duration::days(2));
    }

    #[test]
    fn terms_start_on_the_quarters_days() {
        assert_eq!(term_start(date(2026, 10, 31)), date(2026, 9, 1));
        assert_eq!(term_start(date(2026, 11, 1)), date(2026, 11, 1));
        assert_eq!(term_start(date(2027, 1, 10)), date(2027, 1, 1));
        assert_eq!(term_start(date(2027, 3, 31)), date(2027, 1, 1));
        assert_eq!(term_start(date(2027, 7, 15)), date(2027, 4, 1));
        assert_eq!(term_start(date(2027, 8, 31)), date(2027, 4, 1));
    }

    #[test]
    fn typed_ranges() {
        let today = date(2026, 10, 15);
        assert_eq!(parse_range("2026-09-01 2026-09-30", today), Ok((date(2026, 9, 1), date(2026, 9, 30))));
        assert_eq!(parse_range("01.09.2026 – 30.09.2026", today), Ok((date(2026, 9, 1), date(2026, 9, 30))));
        assert_eq!(
            parse_range("1.9.2026-30.9.2026", today),
            Err(RangeError::NotADate("1.9.2026-30.9.2026".into()))
        );
        assert_eq!(parse_range("2026-09-01-2026-09-30", today), Ok((date(2026, 9, 1), date(2026, 9, 30))));
        assert_eq!(parse_range("1.9.2026 - 30.9.2026", today), Ok((date(2026, 9, 1), date(2026, 9, 30))));
        assert_eq!(parse_range("05.10.2026", today), Ok((date(2026, 10, 5), date(2026, 10, 5))));
        assert_eq!(parse_range("2026-10-01 2026-12-31", today), Ok((date(2026, 10, 1), today)));
        assert_eq!(parse_range("31.02.2026", today), Err(RangeError::NotADate("31.02.2026".into())));
        assert_eq!(parse_range("вчера", today), Err(RangeError::NotADate("вчера".into())));
        assert_eq!(parse_range("", today), Err(RangeError::Shape));
        assert_eq!(parse_range("2026-09-01 2026-09-02 2026-09-03", today), Err(RangeError::Shape));
        assert_eq!(parse_range("2026-09-30 2026-09-01", today), Err(RangeError::Reversed));
        assert_eq!(parse_range("2026-11-01", today), Err(RangeError::Future));
        assert_eq!(parse_range("2025-01-01 2026-10-01", today), Err(RangeError::TooLong));
        assert_eq!(parse_day("+1.09.2026"), None);
    }
}
