//! Property tests (proptest) of everything that reads untrusted input —
//! callback data, invite codes and deep links, the typed `/slots` lines,
//! durations and reminder leads, place names — and of the slot and time
//! rules: arbitrary input never panics and never reads as something else;
//! what we write reads back as itself.

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc};
use proptest::prelude::*;
use talimger::domain::broadcast::Group;
use talimger::domain::calendar::{hm, local_date};
use talimger::domain::export::ExportKind;
use talimger::domain::ids::BroadcastId;
use talimger::domain::invite::InviteCode;
use talimger::domain::period::PeriodKind;
use talimger::domain::reminders::Leads;
use talimger::domain::slots::{
    MAX_COUNT, MAX_LENGTH, MIN_LENGTH, Rule, occurrences, parse_add, parse_weekly, plan,
};
use talimger::domain::time::parse_duration;
use talimger::domain::user::{PLACE_NAME_MAX, check_place_name};
use talimger::domain::{DistrictId, Lang, MeetingId, QuestionId, RuleId, SchoolId, SlotId, UserId};
use talimger::keyboards::{
    AgendaCb, BookingCb, BroadcastCb, Callback, ExportCb, InviteCb, MeetingCb, MenteesCb, MentorsCb,
    PrivacyCb, QuietCb, RelayCb, RemindersCb, SlotsCb, SosCb, StatsCb,
};

/// Any text, with the characters that break parsers more often than
/// chance would bring them: separators, digits, colons, Cyrillic, the
/// invisible and the reordering ones.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just(':'),
                Just(' '),
                Just(','),
                Just('-'),
                Just('.'),
                Just('0'),
                Just('9'),
                Just('1'),
                Just('ә'),
                Just('і'),
                Just('Ж'),
                Just('\u{200B}'),
                Just('\u{202E}'),
                Just('\n'),
                Just('m'),
                Just('h'),
                Just('d'),
                Just('s'),
                any::<char>(),
            ],
            0..40,
        )
        .prop_map(|cs| cs.into_iter().collect()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Callback data is strict: what parses is exactly the encoding of
    /// what it parsed to (so it can never be read as another feature's
    /// button), and nothing panics; encodings fit Telegram's 64 bytes.
    #[test]
    fn callback_data_reads_only_as_itself(data in prop_oneof![
        text(),
        // Near-misses of real data: a tag, a colon, numbers.
        ("[a-z]{1,4}", ":", "[-0-9a-z:+]{0,24}").prop_map(|(a, b, c)| format!("{a}{b}{c}")),
    ]) {
        if let Some(cb) = Callback::parse(&data) {
            let encoded = cb.encode();
            prop_assert_eq!(Callback::parse(&encoded), Some(cb));
            prop_assert!(encoded.len() <= 64);
            // One old spelling is still read: the radar's alerts sent before
            // `/mentors` open a mentor's card with `cr:`.
            if !data.starts_with("cr:") {
                prop_assert_eq!(&encoded, &data);
            }
        }
    }

    #[test]
    fn invite_codes_round_trip_and_garbage_is_refused(raw in text()) {
        let code = InviteCode::generate();
        prop_assert_eq!(InviteCode::parse(code.as_str()).map(|c| c.hash()), Ok(code.hash()));
        // The deep link's payload is the code itself.
        let link = code.deep_link("talimger_bot");
        let payload = link.rsplit_once("?start=").map(|(_, p)| p).unwrap_or_default();
        prop_assert_eq!(InviteCode::parse(payload).map(|c| c.hash()), Ok(code.hash()));
        prop_assert!(payload.len() <= 64, "Telegram's start parameter limit");
        if let Ok(parsed) = InviteCode::parse(&raw) {
            prop_assert!(!parsed.as_str().is_empty());
            prop_assert!(parsed.as_str().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        }
    }

    #[test]
    fn typed_slot_lines_read_what_was_written(
        days in 0u32..3000, start in 0u16..(24 * 60), length in MIN_LENGTH..=MAX_LENGTH,
        count in 1u16..=MAX_COUNT, place in proptest::option::of("[А-Яа-яәіңғүұқөһ0-9 №]{1,30}"),
        junk in text(),
    ) {
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date") + Duration::days(i64::from(days));
        let mut line = format!("{} {} {length} {count}", date.format("%Y-%m-%d"), hm(start));
        if let Some(p) = &place {
            line.push(' ');
            line.push_str(p);
        }
        let typed = parse_add(&line);
        // A place of digits only would read as numbers: not a place.
        if place.as_ref().is_none_or(|p| p.chars().any(char::is_alphabetic)) {
            let typed = typed.expect("a well-formed line");
            prop_assert_eq!((typed.date, typed.start, typed.length, typed.count), (date, start, length, count));
            let expected = place.as_ref().map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "));
            prop_assert_eq!(typed.place, expected.filter(|p| !p.is_empty()));
        }
        let _ = parse_add(&junk);
        let _ = parse_weekly(&junk);
    }

    #[test]
    fn typed_weekly_rules_read_what_was_written(
        weekday in 1u8..=7, start in 0u16..(23 * 60), span in 1u16..=(24 * 60), length in MIN_LENGTH..=MAX_LENGTH,
    ) {
        let end = (start + span).min(24 * 60);
        let end_text = if end == 24 * 60 { "24:00".to_owned() } else { hm(end) };
        let read = parse_weekly(&format!("{weekday} {} {end_text} {length}", hm(start)));
        if start + length <= end {
            prop_assert_eq!(read, Some((weekday, start, end, length)));
        } else {
            prop_assert_eq!(read, None, "a rule without room for one slot");
        }
    }

    #[test]
    fn durations_and_leads_read_what_was_written(
        minutes in proptest::collection::vec(1i64..=(30 * 24 * 60), 1..=10), junk in text(),
    ) {
        for m in &minutes {
            prop_assert_eq!(parse_duration(&format!("{m}m")), Some(std::time::Duration::from_secs(*m as u64 * 60)));
        }
        let written = minutes.iter().map(|m| format!("{m}m")).collect::<Vec<_>>().join(",");
        let leads = Leads::parse(&written).expect("valid leads");
        let mut expected: Vec<Duration> = minutes.iter().map(|m| Duration::minutes(*m)).collect();
        expected.sort_by(|a, b| b.cmp(a));
        expected.dedup();
        prop_assert_eq!(leads.all(), expected.as_slice());
        let _ = parse_duration(&junk);
        if let Some(leads) = Leads::parse(&junk) {
            prop_assert!(!leads.all().is_empty() && leads.all().len() <= 10);
            prop_assert!(leads.all().iter().all(|l| *l >= Duration::minutes(1) && *l <= Duration::days(30)));
        }
    }

    /// A place name comes out clean, short, and the same when cleaned again.
    #[test]
    fn place_names_come_out_clean(raw in text()) {
        if let Ok(name) = check_place_name(&raw) {
            prop_assert!(!name.is_empty() && name.chars().count() <= PLACE_NAME_MAX);
            let hidden = |c: char| c.is_control() || c == '\u{202E}' || c == '\u{200B}';
            prop_assert!(!name.chars().any(hidden), "{:?}", name);
            prop_assert_eq!(name.trim(), name.as_str());
            prop_assert_eq!(check_place_name(&name), Ok(name.clone()));
        }
    }

    /// Planned slots follow each other and never overlap, in any zone.
    #[test]
    fn planned_slots_never_overlap(
        days in 1i64..400, start in 0u16..(24 * 60), length in MIN_LENGTH..=MAX_LENGTH, count in 1u16..=MAX_COUNT,
        berlin in any::<bool>(),
    ) {
        let tz = if berlin { chrono_tz::Europe::Berlin } else { chrono_tz::Asia::Almaty };
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("a time");
        let date = local_date(tz, now) + Duration::days(days);
        if let Ok(spans) = plan(tz, date, start, length, count, now) {
            prop_assert_eq!(spans.len(), usize::from(count));
            for (s, e) in &spans {
                prop_assert_eq!(*e - *s, Duration::minutes(i64::from(length)));
            }
            for pair in spans.windows(2) {
                prop_assert!(pair[0].1 <= pair[1].0, "{:?}", pair);
            }
        }
    }

    /// A weekly rule over the clock changes of a zone that has them gives
    /// local times as configured: each slot on its weekday, starting on the
    /// rule's grid, inside its hours, none overlapping.
    #[test]
    fn weekly_rules_keep_local_times_over_clock_changes(
        weekday in 1u8..=7, start in 0u16..(20 * 60), hours in 1u16..4, length in MIN_LENGTH..=120u16,
        from_day in 0i64..365,
    ) {
        let tz = chrono_tz::Europe::Berlin;
        let end = (start + hours * 60).min(24 * 60);
        let rule = Rule { id: RuleId(1), mentor: UserId(1), weekday, start, end, length, place: None };
        let from = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).single().expect("a time") + Duration::days(from_day);
        let spans = occurrences(tz, &rule, from);
        for (s, e) in &spans {
            let local = s.with_timezone(&tz);
            prop_assert_eq!(local.weekday().number_from_monday(), u32::from(weekday));
            let minute = local.hour() * 60 + local.minute();
            prop_assert!(minute >= u32::from(start) && minute + u32::from(length) <= u32::from(end));
            prop_assert_eq!((minute - u32::from(start)) % u32::from(length), 0, "on the rule's grid");
            prop_assert_eq!(*e - *s, Duration::minutes(i64::from(length)), "no slot across a change");
        }
        for pair in spans.windows(2) {
            prop_assert!(pair[0].1 <= pair[1].0);
        }
    }
}

/// An id as buttons carry them (rows are numbered from 1).
fn id() -> impl Strategy<Value = i64> {
    prop_oneof![1..1000i64, 1..=i64::MAX, Just(i64::MAX)]
}

fn group() -> impl Strategy<Value = Group> {
    proptest::sample::select(Group::ALL.to_vec())
}

fn period() -> impl Strategy<Value = PeriodKind> {
    proptest::sample::select(vec![PeriodKind::Week, PeriodKind::Last30, PeriodKind::Term, PeriodKind::Range])
}

/// A day as `/slots` buttons carry it: `YYYYMMDD`.
fn day() -> impl Strategy<Value = u32> {
    (0i64..3650).prop_map(|d| {
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date") + Duration::days(d);
        date.year() as u32 * 10_000 + date.month() * 100 + date.day()
    })
}

/// Every button of every feature, with any ids and values it can carry.
fn any_callback() -> impl Strategy<Value = Callback> {
    let user = || id().prop_map(UserId);
    let question = || id().prop_map(QuestionId);
    let meeting = || id().prop_map(MeetingId);
    let slot = || id().prop_map(SlotId);
    let minute = || 0u16..=(24 * 60);
    let invite = prop_oneof![
        Just(InviteCb::Mentor),
        Just(InviteCb::Coordinator),
        Just(InviteCb::Student),
        Just(InviteCb::Class),
        any::<u32>().prop_map(InviteCb::Uses),
        any::<u32>().prop_map(InviteCb::Days),
        id().prop_map(|d| InviteCb::District(DistrictId(d))),
        id().prop_map(|s| InviteCb::School(SchoolId(s))),
    ];
    let relay = prop_oneof![
        question().prop_map(RelayCb::Reply),
        question().prop_map(RelayCb::Answered),
        question().prop_map(RelayCb::Block),
        question().prop_map(RelayCb::Unblock),
        user().prop_map(RelayCb::Child),
    ];
    let sos = prop_oneof![
        question().prop_map(SosCb::Ack),
        Just(SosCb::Now),
        question().prop_map(SosCb::Night),
        user().prop_map(SosCb::Child),
    ];
    let quiet = prop_oneof![
        any::<bool>().prop_map(QuietCb::On),
        (0u32..1440).prop_map(QuietCb::Start),
        (0u32..1440).prop_map(QuietCb::End),
    ];
    let mentees = prop_oneof![
        any::<u32>().prop_map(MenteesCb::Page),
        user().prop_map(MenteesCb::Mentee),
        user().prop_map(MenteesCb::ParentInvite),
        (user(), user()).prop_map(|(student, to)| MenteesCb::Write { student, to }),
        (user(), any::<bool>()).prop_map(|(u, b)| MenteesCb::Block(u, b)),
        user().prop_map(MenteesCb::Class),
        Just(MenteesCb::AnonymousBlocks),
        question().prop_map(MenteesCb::AnonymousUnblock),
    ];
    let slots = prop_oneof![
        Just(SlotsCb::Add),
        Just(SlotsCb::Weekly),
        Just(SlotsCb::List),
        Just(SlotsCb::Place),
        Just(SlotsCb::Rules),
        Just(SlotsCb::Done),
        day().prop_map(SlotsCb::Day),
        (0u16..1440).prop_map(SlotsCb::Start),
        (MIN_LENGTH..=MAX_LENGTH).prop_map(SlotsCb::Length),
        (1u16..=MAX_COUNT).prop_map(SlotsCb::Count),
        day().prop_map(SlotsCb::Repeat),
        (1u8..=7).prop_map(SlotsCb::Weekday),
        minute().prop_map(SlotsCb::End),
        any::<u32>().prop_map(SlotsCb::Page),
        slot().prop_map(SlotsCb::Remove),
        slot().prop_map(SlotsCb::RemoveBooked),
        id().prop_map(|r| SlotsCb::RemoveRule(RuleId(r))),
    ];
    let booking = prop_oneof![
        user().prop_map(BookingCb::Child),
        (any::<u32>(), proptest::option::of(user()))
            .prop_map(|(page, child)| BookingCb::Page { page, child }),
        (slot(), proptest::option::of(user())).prop_map(|(slot, child)| BookingCb::Slot { slot, child }),
        Just(BookingCb::SkipTopic),
        Just(BookingCb::Confirm),
    ];
    let meetings = prop_oneof![
        meeting().prop_map(MeetingCb::Cancel),
        meeting().prop_map(MeetingCb::ConfirmCancel),
        meeting().prop_map(MeetingCb::Keep),
        meeting().prop_map(MeetingCb::Reschedule),
        (meeting(), any::<u32>()).prop_map(|(m, p)| MeetingCb::ReschedulePage(m, p)),
        (meeting(), slot()).prop_map(|(m, s)| MeetingCb::MoveTo(m, s)),
    ];
    let agenda = prop_oneof![
        meeting().prop_map(AgendaCb::Held),
        meeting().prop_map(AgendaCb::NoShow),
        meeting().prop_map(AgendaCb::Note),
    ];
    let successor = || proptest::option::of(user());
    let mentors = prop_oneof![
        any::<u32>().prop_map(MentorsCb::Page),
        user().prop_map(MentorsCb::Card),
        (user(), any::<u32>()).prop_map(|(mentor, page)| MentorsCb::Deactivate { mentor, page }),
        (user(), successor()).prop_map(|(mentor, successor)| MentorsCb::Successor { mentor, successor }),
        (user(), successor())
            .prop_map(|(mentor, successor)| MentorsCb::ConfirmDeactivate { mentor, successor }),
        user().prop_map(MentorsCb::Reactivate),
        (user(), any::<u32>()).prop_map(|(mentor, page)| MentorsCb::Students { mentor, page }),
        (user(), user(), any::<u32>()).prop_map(|(student, from, page)| MentorsCb::Student {
            student,
            from,
            page
        }),
        (user(), user(), user()).prop_map(|(student, from, to)| MentorsCb::Target { student, from, to }),
        (user(), user(), user()).prop_map(|(student, from, to)| MentorsCb::ConfirmMove { student, from, to }),
    ];
    let broadcast_id = || id().prop_map(BroadcastId);
    let broadcast = prop_oneof![
        group().prop_map(BroadcastCb::To),
        (group(), id()).prop_map(|(g, d)| BroadcastCb::Open(g, DistrictId(d))),
        group().prop_map(BroadcastCb::Everyone),
        (group(), id()).prop_map(|(g, d)| BroadcastCb::District(g, DistrictId(d))),
        (group(), id()).prop_map(|(g, s)| BroadcastCb::School(g, SchoolId(s))),
        broadcast_id().prop_map(BroadcastCb::Send),
        broadcast_id().prop_map(BroadcastCb::Drop),
        broadcast_id().prop_map(BroadcastCb::Stop),
        Just(BroadcastCb::History),
    ];
    let kind = || proptest::sample::select(ExportKind::ALL.to_vec());
    let export = prop_oneof![
        kind().prop_map(ExportCb::What),
        (kind(), period()).prop_map(|(k, p)| ExportCb::Period(k, p)),
    ];
    prop_oneof![
        proptest::sample::select(Lang::ALL.to_vec()).prop_map(Callback::Lang),
        invite.prop_map(Callback::Invite),
        relay.prop_map(Callback::Relay),
        sos.prop_map(Callback::Sos),
        quiet.prop_map(Callback::Quiet),
        mentees.prop_map(Callback::Mentees),
        slots.prop_map(Callback::Slots),
        booking.prop_map(Callback::Booking),
        meetings.prop_map(Callback::Meeting),
        agenda.prop_map(Callback::Agenda),
        meeting().prop_map(|m| Callback::Reminders(RemindersCb::GotIt(m))),
        mentors.prop_map(Callback::Mentors),
        period().prop_map(|p| Callback::Stats(StatsCb::Period(p))),
        export.prop_map(Callback::Export),
        broadcast.prop_map(Callback::Broadcast),
        prop_oneof![Just(PrivacyCb::Erase), Just(PrivacyCb::Keep)].prop_map(Callback::Privacy),
    ]
}

/// Which feature a button belongs to. A match without a wildcard: a new
/// feature's buttons do not compile here until the strategy above has them.
fn feature_of(cb: &Callback) -> &'static str {
    match cb {
        Callback::Lang(_) => "lang",
        Callback::Invite(_) => "invite",
        Callback::Relay(_) => "relay",
        Callback::Sos(_) => "sos",
        Callback::Quiet(_) => "quiet",
        Callback::Mentees(_) => "mentees",
        Callback::Slots(_) => "slots",
        Callback::Booking(_) => "booking",
        Callback::Meeting(_) => "meeting",
        Callback::Agenda(_) => "agenda",
        Callback::Reminders(_) => "reminders",
        Callback::Mentors(_) => "mentors",
        Callback::Stats(_) => "stats",
        Callback::Export(_) => "export",
        Callback::Broadcast(_) => "broadcast",
        Callback::Privacy(_) => "privacy",
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// Every button of every feature reads back as itself, within
    /// Telegram's 64 bytes; and a button's data cut short or with a
    /// character more never reads as another feature's button.
    #[test]
    fn every_callback_round_trips(cb in any_callback(), cut in any::<prop::sample::Index>(), extra in any::<char>()) {
        let data = cb.encode();
        prop_assert!(data.len() <= 64, "{} bytes: {}", data.len(), data);
        prop_assert_eq!(Callback::parse(&data), Some(cb));
        let mut ends: Vec<usize> = data.char_indices().map(|(i, _)| i).collect();
        ends.push(data.len());
        let short = &data[..ends[cut.index(ends.len())]];
        let longer = format!("{data}{extra}");
        for mangled in [short, longer.as_str()] {
            if let Some(other) = Callback::parse(mangled) {
                prop_assert_eq!(feature_of(&other), feature_of(&cb), "{:?} read as {:?}", mangled, other);
            }
        }
    }
}
