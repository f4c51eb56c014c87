//! Dates and times as people read and type them: instants are UTC, shown
//! in the programme's time zone with Kazakh or Russian weekday and month
//! names (GLOSSARY.md: «3 желтоқсан, сейсенбі, 15:00», «вторник,
//! 3 декабря, 15:00»). The names come from the locales; nothing here does I/O.

use super::Lang;
use crate::t;
use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// Minutes after local midnight.
pub type Minute = u16;

/// The local date of an instant.
pub fn local_date(tz: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// The local wall-clock minute of an instant.
pub fn local_minute(tz: Tz, at: DateTime<Utc>) -> Minute {
    let local = at.with_timezone(&tz);
    u16::try_from(local.hour() * 60 + local.minute()).unwrap_or(0)
}

/// The instant of a local date and time. A time the clocks skipped does
/// not exist (`None`); one they passed twice is taken the first time.
pub fn to_utc(tz: Tz, date: NaiveDate, minute: Minute) -> Option<DateTime<Utc>> {
    let time = NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)?;
    match tz.from_local_datetime(&date.and_time(time)) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// Whether the clocks are changed between two instants (the zone's
/// offset from UTC differs): a span across the change would read
/// «02:30–02:00» or «01:45–03:15».
pub fn clocks_change_between(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    use chrono::Offset;
    start.with_timezone(&tz).offset().fix() != end.with_timezone(&tz).offset().fix()
}

/// The first instant of a local date.
pub fn day_start(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    (0..24 * 60)
        .step_by(15)
        .find_map(|m| to_utc(tz, date, m))
        .unwrap_or_else(|| date.and_time(NaiveTime::MIN).and_utc())
}

/// `YYYY-MM-DD`.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    let ok_shape = raw.len() == 10 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-';
    ok_shape.then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()).flatten()
}

/// `HH:MM` (or `H:MM`, or with a dot), 00:00 to 23:59.
pub fn parse_time(raw: &str) -> Option<Minute> {
    let (h, m) = raw.trim().split_once([':', '.'])?;
    let digits =
        |s: &str, max: usize| !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h, 2) || !digits(m, 2) || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// `15:00`.
pub fn hm(minute: Minute) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// The local time of an instant, `15:00`.
pub fn time_of(tz: Tz, at: DateTime<Utc>) -> String {
    hm(local_minute(tz, at))
}

/// A weekday's name: 1 Monday … 7 Sunday.
pub fn weekday_name(lang: Lang, weekday: u8) -> String {
    t!(lang, &format!("weekday-{}", weekday.clamp(1, 7)))
}

/// Dates further than this from today, either way, are shown with their
/// year. Within half a year a date is read unambiguously without it — the
/// turn of the year included: on 30 December, «1 января» is the coming one
/// — and most dates the bot shows (bookings, meetings, reminders: the next
/// 14 days) are that near; a slot typed for a date a year ahead is not.
pub const YEAR_SHOWN_BEYOND_DAYS: i64 = 183;

/// Whether `date` is shown with its year, seen on local date `today`.
pub fn shows_year(date: NaiveDate, today: NaiveDate) -> bool {
    (date - today).num_days().abs() > YEAR_SHOWN_BEYOND_DAYS
}

/// «3 желтоқсан, сейсенбі» / «вторник, 3 декабря», without the year: for
/// dates known to be near (the booking window). Dates that may be far use
/// [`date_text_from`].
pub fn date_text(lang: Lang, date: NaiveDate) -> String {
    date_text_from(lang, date, date)
}

/// The date seen on local date `today`: with the year when it is further
/// than [`YEAR_SHOWN_BEYOND_DAYS`] away («2099 жылғы 1 қаңтар, бейсенбі» /
/// «четверг, 1 января 2099»).
pub fn date_text_from(lang: Lang, date: NaiveDate, today: NaiveDate) -> String {
    let weekday = u8::try_from(date.weekday().number_from_monday()).unwrap_or(1);
    let day = date.day().to_string();
    let month = t!(lang, &format!("month-{}", date.month()));
    let weekday = weekday_name(lang, weekday);
    if shows_year(date, today) {
        let year = date.year().to_string();
        t!(lang, "date-long-year", day = day, month = month, weekday = weekday, year = year)
    } else {
        t!(lang, "date-long", day = day, month = month, weekday = weekday)
    }
}

/// «3 желтоқсан, сейсенбі, 15:00» / «вторник, 3 декабря, 15:00».
pub fn when_text(lang: Lang, tz: Tz, at: DateTime<Utc>) -> String {
    when_text_from(lang, tz, at, at)
}

/// [`when_text`] seen at `now`: the year when the date is far.
pub fn when_text_from(lang: Lang, tz: Tz, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let date = date_text_from(lang, local_date(tz, at), local_date(tz, now));
    t!(lang, "date-time", date = date, time = time_of(tz, at))
}

/// «3 желтоқсан, сейсенбі, 15:00–15:30».
pub fn span_text(lang: Lang, tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    span_text_from(lang, tz, start, end, start)
}

/// [`span_text`] seen at `now`: the year when the date is far.
pub fn span_text_from(
    lang: Lang,
    tz: Tz,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> String {
    let time = format!("{}–{}", time_of(tz, start), time_of(tz, end));
    let date = date_text_from(lang, local_date(tz, start), local_date(tz, now));
    t!(lang, "date-time", date = date, time = time)
}

/// The coming `days` local dates, today first.
pub fn coming_days(tz: Tz, now: DateTime<Utc>, days: u32) -> Vec<NaiveDate> {
    let today = local_date(tz, now);
    (0..days).filter_map(|d| today.checked_add_signed(Duration::days(i64::from(d)))).collect()
}

/// `20261203` for a date in callback data, and back.
pub fn date_code(date: NaiveDate) -> u32 {
    u32::try_from(date.year()).unwrap_or(0) * 10_000 + date.month() * 100 + date.day()
}

pub fn date_of_code(code: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::try_from(code / 10_000).ok()?, (code / 100) % 100, code % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Asia::Almaty;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("valid")
    }

    #[test]
    fn kazakhstan_moved_to_utc_plus_5_on_1_march_2024() {
        let before = NaiveDate::from_ymd_opt(2024, 2, 28).expect("date");
        let after = NaiveDate::from_ymd_opt(2024, 3, 2).expect("date");
        assert_eq!(to_utc(Almaty, before, 15 * 60), Some(utc(2024, 2, 28, 9, 0)), "UTC+6 before");
        assert_eq!(to_utc(Almaty, after, 15 * 60), Some(utc(2024, 3, 2, 10, 0)), "UTC+5 after");
        assert_eq!(time_of(Almaty, utc(2024, 2, 28, 9, 0)), "15:00");
        assert_eq!(time_of(Almaty, utc(2024, 3, 2, 10, 0)), "15:00");
        // 23:30 on 29 February happened twice; the first is taken.
        let leap = NaiveDate::from_ymd_opt(2024, 2, 29).expect("date");
        assert_eq!(to_utc(Almaty, leap, 23 * 60 + 30), Some(utc(2024, 2, 29, 17, 30)));
    }

    #[test]
    fn dates_read_as_the_glossary_writes_them() {
        let at = utc(2026, 12, 1, 10, 0); // 15:00 in Almaty, a Tuesday
        assert_eq!(when_text(Lang::Kk, Almaty, at), "1 желтоқсан, сейсенбі, 15:00");
        assert_eq!(when_text(Lang::Ru, Almaty, at), "вторник, 1 декабря, 15:00");
        let end = at + Duration::minutes(30);
        assert_eq!(span_text(Lang::Ru, Almaty, at, end), "вторник, 1 декабря, 15:00–15:30");
    }

    #[test]
    fn a_far_date_shows_its_year_in_both_languages() {
        let now = utc(2026, 9, 1, 4, 0);
        let far = utc(2099, 1, 1, 10, 0); // 15:00 in Almaty, a Thursday
        assert_eq!(when_text_from(Lang::Kk, Almaty, far, now), "2099 жылғы 1 қаңтар, бейсенбі, 15:00");
        assert_eq!(when_text_from(Lang::Ru, Almaty, far, now), "четверг, 1 января 2099, 15:00");
        let end = far + Duration::minutes(30);
        assert_eq!(span_text_from(Lang::Ru, Almaty, far, end, now), "четверг, 1 января 2099, 15:00–15:30");
        assert_eq!(
            span_text_from(Lang::Kk, Almaty, far, end, now),
            "2099 жылғы 1 қаңтар, бейсенбі, 15:00–15:30"
        );
        // Near dates, the turn of the year included, go without it.
        let today = NaiveDate::from_ymd_opt(2026, 12, 30).expect("date");
        let new_year = NaiveDate::from_ymd_opt(2027, 1, 1).expect("date");
        assert_eq!(date_text_from(Lang::Ru, new_year, today), "пятница, 1 января");
        assert_eq!(date_text_from(Lang::Kk, new_year, today), "1 қаңтар, жұма");
        // Half a year is the edge, either way.
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        let today = day(2026, 9, 1);
        assert!(!shows_year(today + Duration::days(183), today));
        assert!(shows_year(today + Duration::days(184), today));
        assert!(shows_year(today - Duration::days(184), today));
        assert_eq!(date_text_from(Lang::Ru, day(2027, 3, 5), today), "пятница, 5 марта 2027");
        assert_eq!(date_text_from(Lang::Kk, day(2027, 3, 5), today), "2027 жылғы 5 наурыз, жұма");
        assert_eq!(date_text_from(Lang::Kk, day(2026, 2, 27), today), "2026 жылғы 27 ақпан, жұма");
        assert_eq!(date_text_from(Lang::Ru, day(2027, 2, 28), today), "воскресенье, 28 февраля");
        // The year-less forms are the near ones.
        assert_eq!(when_text(Lang::Ru, Almaty, far), "четверг, 1 января, 15:00");
    }

    #[test]
    fn the_turn_of_the_year_is_local() {
        // 31 December 20:00 UTC is already 1 January in Almaty.
        let at = utc(2026, 12, 31, 20, 0);
        assert_eq!(local_date(Almaty, at), NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"));
        assert_eq!(when_text(Lang::Kk, Almaty, at), "1 қаңтар, жұма, 01:00");
        assert_eq!(when_text(Lang::Ru, Almaty, at), "пятница, 1 января, 01:00");
        let days = coming_days(Almaty, utc(2026, 12, 30, 12, 0), 3);
        assert_eq!(days.iter().map(|d| date_code(*d)).collect::<Vec<_>>(), [20261230, 20261231, 20270101]);
    }

    #[test]
    fn typed_dates_and_times_are_strict() {
        assert_eq!(parse_date("2026-09-03"), NaiveDate::from_ymd_opt(2026, 9, 3));
        for bad in ["2026-9-3", "2026-02-30", "03.09.2026", "", "2026-09-03x"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(parse_time("15:00"), Some(900));
        assert_eq!(parse_time("9:30"), Some(570));
        assert_eq!(parse_time("9.30"), Some(570));
        for bad in ["24:00", "15:60", "15", "15:0", "-1:00", "a:bc", "123:00"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(
            date_of_code(date_code(NaiveDate::from_ymd_opt(2027, 1, 1).expect("d"))).map(date_code),
            Some(20270101)
        );
        assert_eq!(date_of_code(20261332), None);
    }
}
