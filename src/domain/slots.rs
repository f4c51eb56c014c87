//! A mentor's free time: slots added by hand or by a weekly rule, and the
//! rules they keep. No I/O.

use super::calendar::{Minute, clocks_change_between, to_utc};
use super::user::{PlaceNameError, check_place_text};
use super::{RuleId, SlotId, UserId};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

/// The lengths offered on buttons, in minutes.
pub const LENGTHS: [u16; 5] = [15, 20, 30, 45, 60];
/// The length a typed slot gets when none is given.
pub const DEFAULT_LENGTH: u16 = 30;
/// How many slots in a row the buttons offer.
pub const COUNTS: [u16; 6] = [1, 2, 3, 4, 6, 8];
/// At most this many in a row (typed).
pub const MAX_COUNT: u16 = 16;
/// Typed lengths: 5 minutes to 4 hours.
pub const MIN_LENGTH: u16 = 5;
pub const MAX_LENGTH: u16 = 240;
/// The days the day buttons offer, and how far ahead students may book.
pub const DAYS_AHEAD: u32 = 14;
/// How many weeks ahead a weekly rule keeps its slots generated.
pub const RULE_WEEKS: i64 = 4;
/// The start times the buttons offer: 08:00 to 19:30 every half hour.
pub fn start_choices() -> Vec<Minute> {
    (16..40).map(|half| half * 30).collect()
}
/// The longest place text (a room, or an online link).
pub const PLACE_MAX: usize = 200;

/// A start and an end, UTC.
pub type Span = (DateTime<Utc>, DateTime<Utc>);

/// A slot as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub id: SlotId,
    pub mentor: UserId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// `None`: the mentor's default place.
    pub place: Option<String>,
    pub rule: Option<RuleId>,
    pub booked: bool,
}

/// Weekly availability: every `weekday` (1 Monday … 7 Sunday), from
/// `start` to `end` local time, in slots of `length` minutes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: RuleId,
    pub mentor: UserId,
    pub weekday: u8,
    pub start: Minute,
    pub end: Minute,
    pub length: u16,
    pub place: Option<String>,
}

/// An occurrence of a weekly rule that was not made: it overlaps `with`,
/// a slot already there (free or booked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clash {
    pub span: Span,
    pub with: Slot,
}

/// What generating a rule's slots did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TopUp {
    /// Slots made.
    pub made: usize,
    /// Occurrences skipped, in time order.
    pub clashes: Vec<Clash>,
}

/// Why slots could not be added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SlotError {
    /// The start is in the past.
    InPast,
    /// The clocks skip that local time.
    NoSuchTime,
    /// The clocks are changed during one of the slots: its end would read
    /// before its start («02:30–02:00») or too late («01:45–03:15»).
    ClockChange,
    /// The slots would run past midnight.
    PastMidnight,
    BadLength,
    BadCount,
    /// One of the new slots overlaps one already there (its start and end).
    Overlap {
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    },
}

/// `count` slots of `length` minutes from `start` on `date`, local time.
pub fn plan(
    tz: Tz,
    date: NaiveDate,
    start: Minute,
    length: u16,
    count: u16,
    now: DateTime<Utc>,
) -> Result<Vec<Span>, SlotError> {
    if !(MIN_LENGTH..=MAX_LENGTH).contains(&length) {
        return Err(SlotError::BadLength);
    }
    if !(1..=MAX_COUNT).contains(&count) {
        return Err(SlotError::BadCount);
    }
    if u32::from(start) + u32::from(length) * u32::from(count) > 24 * 60 {
        return Err(SlotError::PastMidnight);
    }
    let first = to_utc(tz, date, start).ok_or(SlotError::NoSuchTime)?;
    if first <= now {
        return Err(SlotError::InPast);
    }
    let spans: Vec<Span> = (0..count)
        .map(|i| {
            let s = first + Duration::minutes(i64::from(i) * i64::from(length));
            (s, s + Duration::minutes(i64::from(length)))
        })
        .collect();
    if spans.iter().any(|&(s, e)| clocks_change_between(tz, s, e)) {
        return Err(SlotError::ClockChange);
    }
    Ok(spans)
}

/// The slots a rule has from `from` for [`RULE_WEEKS`] weeks (those
/// starting after `from`). A time the clocks skip, and a slot during
/// which they are changed, are left out, as [`plan`] refuses them.
pub fn occurrences(tz: Tz, rule: &Rule, from: DateTime<Utc>) -> Vec<Span> {
    let today = super::calendar::local_date(tz, from);
    let mut out = Vec::new();
    for d in 0..RULE_WEEKS * 7 + 1 {
        let Some(date) = today.checked_add_signed(Duration::days(d)) else { continue };
        if date.weekday().number_from_monday() != u32::from(rule.weekday) {
            continue;
        }
        let mut m = rule.start;
        while m + rule.length <= rule.end {
            if let Some(s) = to_utc(tz, date, m)
                && s > from
            {
                let e = s + Duration::minutes(i64::from(rule.length));
                if !clocks_change_between(tz, s, e) {
                    out.push((s, e));
                }
            }
            m += rule.length;
        }
    }
    out
}

/// A typed `/slots add YYYY-MM-DD HH:MM [minutes] [count] [place]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedAdd {
    pub date: NaiveDate,
    pub start: Minute,
    pub length: u16,
    pub count: u16,
    pub place: Option<String>,
}

/// The numbers of a typed `/slots add`, after the date and the time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// How long one meeting is.
    Minutes,
    /// How many slots in a row.
    Count,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypedError {
    /// Not the shape of the line at all.
    Malformed,
    BadDate,
    BadTime,
    BadLength,
    BadCount,
    /// A word where a number is expected that looks like a number but is
    /// not one we read (a sign, a fraction, digits of another script).
    NotANumber {
        word: String,
        expected: Expected,
    },
    BadPlace(PlaceNameError),
}

/// A word that means to be a number and is not a plain one: it starts with
/// a sign before a digit (`-30`, `+4`, `−5`), or it has a digit of any
/// script and nothing but digits and number punctuation (`３０`, `٣٠`,
/// `३०`, `1.5`, `16:00`, `2,5`, `1/2`). A word with a letter or another
/// symbol in it (`12-кабинет`, `№5`, `каб.12`) is the start of a place.
pub fn looks_like_number(word: &str) -> bool {
    const SIGNS: &[char] = &['+', '-', '\u{2212}', '\u{2013}', '\u{2014}', '\u{FF0B}', '\u{FF0D}'];
    const PUNCTUATION: &[char] =
        &['.', ',', ':', '/', '\'', '_', '\u{066B}', '\u{066C}', '\u{FF0E}', '\u{FF0C}'];
    let mut chars = word.chars();
    let signed =
        chars.next().is_some_and(|c| SIGNS.contains(&c)) && chars.next().is_some_and(char::is_numeric);
    let numeric = word.chars().any(char::is_numeric)
        && word.chars().all(|c| c.is_numeric() || SIGNS.contains(&c) || PUNCTUATION.contains(&c));
    signed || numeric
}

pub fn parse_add(args: &str) -> Result<TypedAdd, TypedError> {
    let mut words = args.split_whitespace();
    let date = words.next().ok_or(TypedError::Malformed)?;
    let time = words.next().ok_or(TypedError::Malformed)?;
    let date = super::calendar::parse_date(date).ok_or(TypedError::BadDate)?;
    let start = super::calendar::parse_time(time).ok_or(TypedError::BadTime)?;
    let rest: Vec<&str> = words.collect();
    let plain = |w: &&&str| w.bytes().all(|b| b.is_ascii_digit());
    let not_a_number = |w: &str, expected| {
        looks_like_number(w).then(|| TypedError::NotANumber { word: w.to_owned(), expected })
    };
    let mut i = 0;
    let mut length = DEFAULT_LENGTH;
    let mut count = 1;
    if let Some(w) = rest.first() {
        if plain(&w) {
            length = w
                .parse()
                .ok()
                .filter(|n| (MIN_LENGTH..=MAX_LENGTH).contains(n))
                .ok_or(TypedError::BadLength)?;
            i = 1;
            if let Some(w) = rest.get(1) {
                if plain(&w) {
                    count =
                        w.parse().ok().filter(|n| (1..=MAX_COUNT).contains(n)).ok_or(TypedError::BadCount)?;
                    i = 2;
                } else if let Some(e) = not_a_number(w, Expected::Count) {
                    return Err(e);
                }
            }
        } else if let Some(e) = not_a_number(w, Expected::Minutes) {
            return Err(e);
        }
    }
    let place = match rest.get(i..).filter(|r| !r.is_empty()) {
        Some(words) => Some(clean_place(&words.join(" ")).map_err(TypedError::BadPlace)?),
        None => None,
    };
    Ok(TypedAdd { date, start, length, count, place })
}

/// A typed `/slots weekly D HH:MM HH:MM [minutes]` (D: 1 Monday … 7 Sunday).
pub fn parse_weekly(args: &str) -> Option<(u8, Minute, Minute, u16)> {
    let words: Vec<&str> = args.split_whitespace().collect();
    let (day, start, end, length) = match words.as_slice() {
        [d, s, e] => (*d, *s, *e, DEFAULT_LENGTH.to_string()),
        [d, s, e, l] => (*d, *s, *e, (*l).to_owned()),
        _ => return None,
    };
    let day = day.parse::<u8>().ok().filter(|d| (1..=7).contains(d))?;
    let start = super::calendar::parse_time(start)?;
    let end = super::calendar::parse_time(end).or_else(|| (end == "24:00").then_some(24 * 60))?;
    let length = length.parse::<u16>().ok().filter(|n| (MIN_LENGTH..=MAX_LENGTH).contains(n))?;
    (start + length <= end).then_some((day, start, end, length))
}

/// A place as typed, cleaned as district and school names are
/// ([`check_place_text`]): a character that reorders text is refused,
/// zero-width characters go, spaces are collapsed; at most [`PLACE_MAX`]
/// characters.
pub fn clean_place(raw: &str) -> Result<String, PlaceNameError> {
    check_place_text(raw, PLACE_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Asia::Almaty;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 9, 1, 4, 0, 0).single().expect("valid")
    }

    #[test]
    fn slots_in_a_row_and_their_limits() {
        let date = NaiveDate::from_ymd_opt(2026, 9, 3).expect("date");
        let planned = plan(Almaty, date, 15 * 60, 30, 4, now()).expect("ok");
        assert_eq!(planned.len(), 4);
        assert_eq!(planned[0].0, Utc.with_ymd_and_hms(2026, 9, 3, 10, 0, 0).single().expect("t"));
        assert_eq!(planned[3].1, Utc.with_ymd_and_hms(2026, 9, 3, 12, 0, 0).single().expect("t"));
        let yesterday = NaiveDate::from_ymd_opt(2026, 8, 31).expect("date");
        assert_eq!(plan(Almaty, yesterday, 600, 30, 1, now()), Err(SlotError::InPast));
        assert_eq!(plan(Almaty, date, 23 * 60, 60, 2, now()), Err(SlotError::PastMidnight));
        assert_eq!(plan(Almaty, date, 600, 2, 1, now()), Err(SlotError::BadLength));
        assert_eq!(plan(Almaty, date, 600, 30, 0, now()), Err(SlotError::BadCount));
    }

    #[test]
    fn no_slot_across_a_clock_change() {
        use crate::domain::calendar::{local_date, time_of};
        use chrono_tz::Europe::Berlin;
        // Berlin: on Sunday 25 October 2026 the clocks go back from 03:00 to
        // 02:00; on Sunday 28 March 2027 forward from 02:00 to 03:00.
        let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).expect("date");
        assert_eq!(plan(Berlin, autumn, 2 * 60 + 30, 30, 1, now()), Err(SlotError::ClockChange));
        assert_eq!(plan(Berlin, autumn, 60, 30, 4, now()), Err(SlotError::ClockChange), "the fourth");
        assert_eq!(plan(Berlin, autumn, 60, 30, 3, now()).expect("before").len(), 3);
        assert_eq!(plan(Berlin, autumn, 3 * 60, 30, 2, now()).expect("after").len(), 2);
        let spring = NaiveDate::from_ymd_opt(2027, 3, 28).expect("date");
        assert_eq!(plan(Berlin, spring, 60 + 45, 30, 1, now()), Err(SlotError::ClockChange));
        assert_eq!(plan(Berlin, spring, 2 * 60 + 30, 30, 1, now()), Err(SlotError::NoSuchTime));
        // A weekly rule on Sundays 01:00–04:00 leaves those out.
        let rule = Rule {
            id: RuleId(1),
            mentor: UserId(10),
            weekday: 7,
            start: 60,
            end: 4 * 60,
            length: 30,
            place: None,
        };
        let from = Utc.with_ymd_and_hms(2026, 10, 20, 0, 0, 0).single().expect("t");
        let sunday: Vec<String> = occurrences(Berlin, &rule, from)
            .iter()
            .filter(|(s, _)| local_date(Berlin, *s) == autumn)
            .map(|(s, e)| format!("{}–{}", time_of(Berlin, *s), time_of(Berlin, *e)))
            .collect();
        // 02:00–03:00 happens twice; the first is taken, and its 02:30 slot
        // would end at 02:00 of the second: left out.
        assert_eq!(sunday, ["01:00–01:30", "01:30–02:00", "02:00–02:30", "03:00–03:30", "03:30–04:00"]);
    }

    #[test]
    fn typed_lines() {
        let a = parse_add("2026-09-03 15:00").expect("ok");
        assert_eq!((a.start, a.length, a.count, a.place), (900, 30, 1, None));
        let a = parse_add("2026-09-03 15:00 20 3 каб. 12").expect("ok");
        assert_eq!((a.length, a.count, a.place.as_deref()), (20, 3, Some("каб. 12")));
        let a = parse_add("2026-09-03 15:00 https://meet.example/x").expect("ok");
        assert_eq!((a.length, a.place.as_deref()), (30, Some("https://meet.example/x")));
        assert_eq!(parse_add(""), Err(TypedError::Malformed));
        assert_eq!(parse_add("2026-09-03"), Err(TypedError::Malformed));
        assert_eq!(parse_add("03.09.2026 15:00"), Err(TypedError::BadDate));
        assert_eq!(parse_add("2026-09-03 25:00"), Err(TypedError::BadTime));
        assert_eq!(parse_add("2026-09-03 15:00 1000"), Err(TypedError::BadLength));
        assert_eq!(parse_add("2026-09-03 15:00 30 99"), Err(TypedError::BadCount));
        // A malformed number where a number is expected is named, not
        // taken for the start of a place.
        let not_a_number = |word: &str, expected| Err(TypedError::NotANumber { word: word.into(), expected });
        for (line, word, expected) in [
            ("2026-09-03 10:00 -30 4", "-30", Expected::Minutes),
            ("2026-09-03 10:00 +30", "+30", Expected::Minutes),
            ("2026-09-03 10:00 \u{2212}30", "\u{2212}30", Expected::Minutes),
            ("2026-09-03 10:00 ३० 4", "३०", Expected::Minutes),
            ("2026-09-03 10:00 ٣٠", "٣٠", Expected::Minutes),
            ("2026-09-03 10:00 ３０ ４", "３０", Expected::Minutes),
            ("2026-09-03 10:00 1.5 каб. 12", "1.5", Expected::Minutes),
            ("2026-09-03 10:00 16:00", "16:00", Expected::Minutes),
            ("2026-09-03 10:00 30 -4", "-4", Expected::Count),
            ("2026-09-03 10:00 30 ４", "４", Expected::Count),
            ("2026-09-03 10:00 30 2,5 каб. 12", "2,5", Expected::Count),
        ] {
            assert_eq!(parse_add(line), not_a_number(word, expected), "{line}");
        }
        // Places that start with a number-like word but are not numbers.
        for (line, place) in [
            ("2026-09-03 10:00 30 4 12-кабинет", "12-кабинет"),
            ("2026-09-03 10:00 №5 мектеп", "№5 мектеп"),
            ("2026-09-03 10:00 30 каб.12", "каб.12"),
            ("2026-09-03 10:00 30 4 -1 этаж", "-1 этаж"),
        ] {
            assert_eq!(parse_add(line).expect(line).place.as_deref(), Some(place), "{line}");
        }
        assert_eq!(
            parse_add("2026-09-03 10:00 каб.\u{202E}12"),
            Err(TypedError::BadPlace(PlaceNameError::Bidi))
        );
        assert_eq!(
            parse_add("2026-09-03 10:00 30 \u{200B}"),
            Err(TypedError::BadPlace(PlaceNameError::Invisible))
        );
        assert_eq!(parse_weekly("2 15:00 17:00 30"), Some((2, 900, 1020, 30)));
        assert_eq!(parse_weekly("2 15:00 17:00"), Some((2, 900, 1020, 30)));
        assert_eq!(parse_weekly("8 15:00 17:00"), None);
        assert_eq!(parse_weekly("2 17:00 15:00"), None);
    }

    #[test]
    fn a_rule_fills_its_weekdays_ahead() {
        let rule = Rule {
            id: RuleId(1),
            mentor: UserId(1),
            weekday: 2,
            start: 900,
            end: 1020,
            length: 30,
            place: None,
        };
        let all = occurrences(Almaty, &rule, now());
        // 1 September 2026 is a Tuesday; 10:00 local has passed, 15:00 not.
        assert_eq!(all.len(), 4 * 5);
        assert_eq!(all[0].0, Utc.with_ymd_and_hms(2026, 9, 1, 10, 0, 0).single().expect("t"));
        assert_eq!(clean_place(" каб.\u{202E} 12"), Err(PlaceNameError::Bidi));
        assert_eq!(clean_place("\u{200B}\u{FEFF}"), Err(PlaceNameError::Invisible));
        assert_eq!(clean_place("  каб.   12 ").as_deref(), Ok("каб. 12"));
        assert_eq!(clean_place("каб.\u{200B} 12").as_deref(), Ok("каб. 12"));
        assert_eq!(clean_place(&"ы".repeat(201)), Err(PlaceNameError::TooLong { max: PLACE_MAX }));
    }
}
