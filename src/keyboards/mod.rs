//! Inline keyboards, and callback data as a typed enum <-> compact string.
//! Callback data comes from the client and is never trusted: it is parsed
//! strictly here, and every handler checks the user's right to act on it.

mod broadcast;

pub use broadcast::BroadcastCb;

use crate::domain::export::ExportKind;
use crate::domain::period::PeriodKind;
use crate::domain::{DistrictId, Lang, MeetingId, QuestionId, RuleId, SchoolId, SlotId, UserId};
use crate::t;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

mod privacy;
pub use privacy::PrivacyCb;

/// A button's meaning: one variant per feature, each with its own type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callback {
    Lang(Lang),
    Invite(InviteCb),
    Relay(RelayCb),
    Sos(SosCb),
    Quiet(QuietCb),
    Mentees(MenteesCb),
    Slots(SlotsCb),
    Booking(BookingCb),
    Meeting(MeetingCb),
    Agenda(AgendaCb),
    Reminders(RemindersCb),
    Mentors(MentorsCb),
    Stats(StatsCb),
    Export(ExportCb),
    Broadcast(BroadcastCb),
    Privacy(PrivacyCb),
}

/// The buttons of conversations (`handlers::relay`). Questions are named
/// by their id only, never the sender's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayCb {
    /// On a relayed message: answer it.
    Reply(QuestionId),
    /// …mark it answered (settled in person).
    Answered(QuestionId),
    /// …stop its sender from writing to the mentor, and let them again.
    Block(QuestionId),
    Unblock(QuestionId),
    /// A parent picks the child to write about.
    Child(UserId),
}

/// The buttons of `/sos` (`handlers::sos`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SosCb {
    /// «I'm on it» on an SOS.
    Ack(QuestionId),
    /// `/sos` without words: send the alert now.
    Now,
    /// On the crisis answer in quiet hours: send this held message to the
    /// mentor at once, as an SOS.
    Night(QuestionId),
    /// A parent's `/sos`: the child it is about.
    Child(UserId),
}

/// `/quiet`: on or off, the start and the end (minutes after midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuietCb {
    On(bool),
    Start(u32),
    End(u32),
}

/// `/mentees`: a page, a mentee, a mentee's parent invite…
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenteesCb {
    Page(u32),
    Mentee(UserId),
    ParentInvite(UserId),
    /// …write to this mentee, or to one of their parents (`to`).
    Write {
        student: UserId,
        to: UserId,
    },
    /// …block or unblock this mentee.
    Block(UserId, bool),
    /// …set the student's class.
    Class(UserId),
    /// The anonymous writers the mentor blocked, and unblocking one (named
    /// by the question they were blocked from).
    AnonymousBlocks,
    AnonymousUnblock(QuestionId),
}

/// The buttons of the `/invite` flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteCb {
    Mentor,
    Coordinator,
    Student,
    Class,
    Uses(u32),
    Days(u32),
    District(DistrictId),
    School(SchoolId),
}

/// The mentor's `/slots` buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotsCb {
    Add,
    Weekly,
    List,
    Place,
    Rules,
    Done,
    /// A day, as `calendar::date_code` (20261203).
    Day(u32),
    /// A start, in minutes after midnight.
    Start(u16),
    Length(u16),
    Count(u16),
    /// The same times again on another day.
    Repeat(u32),
    /// 1 Monday … 7 Sunday.
    Weekday(u8),
    End(u16),
    Page(u32),
    Remove(SlotId),
    /// Removing a booked slot, confirmed.
    RemoveBooked(SlotId),
    RemoveRule(RuleId),
}

/// The `/book` buttons of a student or a parent (`child`: for which child).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingCb {
    Child(UserId),
    Page { page: u32, child: Option<UserId> },
    Slot { slot: SlotId, child: Option<UserId> },
    SkipTopic,
    Confirm,
}

/// Buttons on a meeting (in `/meetings`, `/today`, after it ended).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingCb {
    Cancel(MeetingId),
    ConfirmCancel(MeetingId),
    Keep(MeetingId),
    Reschedule(MeetingId),
    ReschedulePage(MeetingId, u32),
    MoveTo(MeetingId, SlotId),
}

/// After a meeting (`handlers::agenda`): held, no-show, a private note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgendaCb {
    Held(MeetingId),
    NoShow(MeetingId),
    Note(MeetingId),
}

/// On a reminder (`handlers::reminders`): a parent's «Got it».
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemindersCb {
    GotIt(MeetingId),
}

/// `/stats` (`handlers::stats`): a coordinator picks the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsCb {
    Period(PeriodKind),
}

/// `/export` (`handlers::export`): a coordinator picks what, then the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportCb {
    What(ExportKind),
    Period(ExportKind, PeriodKind),
}

/// `/mentors` (`handlers::mentors`): its buttons, in a file of their own.
mod mentors;
pub use mentors::MentorsCb;

impl Callback {
    /// At most 64 bytes, as Telegram requires (ours stay under 48).
    pub fn encode(self) -> String {
        match self {
            Callback::Lang(l) => format!("l:{}", l.code()),
            Callback::Invite(cb) => match cb {
                InviteCb::Mentor => "i:m".into(),
                InviteCb::Coordinator => "i:c".into(),
                InviteCb::Student => "i:s".into(),
                InviteCb::Class => "i:k".into(),
                InviteCb::Uses(n) => format!("u:{n}"),
                InviteCb::Days(n) => format!("d:{n}"),
                InviteCb::District(d) => format!("D:{}", d.0),
                InviteCb::School(s) => format!("S:{}", s.0),
            },
            Callback::Relay(cb) => match cb {
                RelayCb::Reply(q) => format!("rr:{q}"),
                RelayCb::Answered(q) => format!("ra:{q}"),
                RelayCb::Block(q) => format!("rb:{q}"),
                RelayCb::Unblock(q) => format!("ru:{q}"),
                RelayCb::Child(u) => format!("rc:{u}"),
            },
            // The wire tags of SOS, quiet hours and mentees keep the `r`
            // they had when these were the relay's.
            Callback::Sos(cb) => match cb {
                SosCb::Ack(q) => format!("rk:{q}"),
                SosCb::Now => "rs:now".into(),
                SosCb::Night(q) => format!("rsn:{q}"),
                SosCb::Child(u) => format!("rsc:{u}"),
            },
            Callback::Quiet(cb) => match cb {
                QuietCb::On(on) => format!("rq:{}", u32::from(on)),
                QuietCb::Start(m) => format!("rqs:{m}"),
                QuietCb::End(m) => format!("rqe:{m}"),
            },
            Callback::Mentees(cb) => match cb {
                MenteesCb::Page(p) => format!("rm:{p}"),
                MenteesCb::ParentInvite(u) => format!("rp:{u}"),
                MenteesCb::Mentee(u) => format!("rn:{u}"),
                MenteesCb::Write { student, to } => format!("rw:{student}:{to}"),
                MenteesCb::Block(u, true) => format!("rB:{u}"),
                MenteesCb::Block(u, false) => format!("rU:{u}"),
                MenteesCb::Class(u) => format!("rl:{u}"),
                MenteesCb::AnonymousBlocks => "rab:all".into(),
                MenteesCb::AnonymousUnblock(q) => format!("rau:{q}"),
            },
            Callback::Slots(cb) => match cb {
                SlotsCb::Add => "s:a".into(),
                SlotsCb::Weekly => "s:w".into(),
                SlotsCb::List => "s:l".into(),
                SlotsCb::Place => "s:p".into(),
                SlotsCb::Rules => "s:r".into(),
                SlotsCb::Done => "s:d".into(),
                SlotsCb::Day(d) => format!("sd:{d}"),
                SlotsCb::Start(m) => format!("st:{m}"),
                SlotsCb::Length(m) => format!("sl:{m}"),
                SlotsCb::Count(n) => format!("sn:{n}"),
                SlotsCb::Repeat(d) => format!("sa:{d}"),
                SlotsCb::Weekday(d) => format!("sw:{d}"),
                SlotsCb::End(m) => format!("se:{m}"),
                SlotsCb::Page(p) => format!("sg:{p}"),
                SlotsCb::Remove(id) => format!("sx:{id}"),
                SlotsCb::RemoveBooked(id) => format!("sX:{id}"),
                SlotsCb::RemoveRule(id) => format!("sy:{id}"),
            },
            Callback::Booking(cb) => match cb {
                BookingCb::Child(c) => format!("bc:{c}"),
                BookingCb::Page { page, child: None } => format!("bp:{page}"),
                BookingCb::Page { page, child: Some(c) } => format!("bp:{page}:{c}"),
                BookingCb::Slot { slot, child: None } => format!("bs:{slot}"),
                BookingCb::Slot { slot, child: Some(c) } => format!("bs:{slot}:{c}"),
                BookingCb::SkipTopic => "b:k".into(),
                BookingCb::Confirm => "b:o".into(),
            },
            Callback::Meeting(cb) => match cb {
                MeetingCb::Cancel(m) => format!("mc:{m}"),
                MeetingCb::ConfirmCancel(m) => format!("my:{m}"),
                MeetingCb::Keep(m) => format!("mk:{m}"),
                MeetingCb::Reschedule(m) => format!("mr:{m}"),
                MeetingCb::ReschedulePage(m, p) => format!("mp:{m}:{p}"),
                MeetingCb::MoveTo(m, s) => format!("mm:{m}:{s}"),
            },
            // Their wire tags keep the `m` of the meetings they came from.
            Callback::Agenda(cb) => match cb {
                AgendaCb::Held(m) => format!("mh:{m}"),
                AgendaCb::NoShow(m) => format!("mn:{m}"),
                AgendaCb::Note(m) => format!("mw:{m}"),
            },
            Callback::Reminders(RemindersCb::GotIt(m)) => format!("mg:{m}"),
            Callback::Mentors(cb) => cb.encode(),
            Callback::Export(ExportCb::What(kind)) => format!("ce:{}", export_kind_tag(kind)),
            Callback::Export(ExportCb::Period(kind, period)) => {
                format!("ce:{}{}", export_kind_tag(kind), period_tag(period))
            }
            Callback::Broadcast(cb) => cb.encode(),
            Callback::Privacy(cb) => cb.encode(),
            Callback::Stats(StatsCb::Period(kind)) => match kind {
                PeriodKind::Week => "cs:w".into(),
                PeriodKind::Last30 => "cs:m".into(),
                PeriodKind::Term => "cs:t".into(),
                PeriodKind::Range => "cs:d".into(),
            },
        }
    }

    pub fn parse(data: &str) -> Option<Callback> {
        let (tag, value) = data.split_once(':')?;
        let number = || value.parse::<u32>().ok().filter(|n| value == n.to_string());
        let id = || value.parse::<i64>().ok().filter(|n| *n > 0 && value == n.to_string());
        let invite = |cb| Some(Callback::Invite(cb));
        let relay = |cb| Some(Callback::Relay(cb));
        let quiet = |cb| Some(Callback::Quiet(cb));
        let mentees = |cb| Some(Callback::Mentees(cb));
        let question = || id().map(QuestionId);
        let user = || id().map(UserId);
        let slots = |cb| Some(Callback::Slots(cb));
        let booking = |cb| Some(Callback::Booking(cb));
        let meeting = |cb| Some(Callback::Meeting(cb));
        let small = || number().and_then(|n| u16::try_from(n).ok());
        // Two ids, `12:34` (the second > 0 as well).
        let pair = || {
            let (a, b) = value.split_once(':')?;
            let strict = |s: &str| s.parse::<i64>().ok().filter(|n| *n > 0 && s == n.to_string());
            Some((strict(a)?, strict(b)?))
        };
        // A number, perhaps followed by `:child`.
        let with_child = || {
            let strict = |s: &str| s.parse::<i64>().ok().filter(|n| *n >= 0 && s == n.to_string());
            match value.split_once(':') {
                None => strict(value).map(|n| (n, None)),
                Some((a, b)) => {
                    let child = strict(b).filter(|c| *c > 0)?;
                    Some((strict(a)?, Some(UserId(child))))
                }
            }
        };
        match (tag, value) {
            ("l", v) => Some(Callback::Lang(v.parse().ok()?)),
            ("i", "m") => invite(InviteCb::Mentor),
            ("i", "c") => invite(InviteCb::Coordinator),
            ("i", "s") => invite(InviteCb::Student),
            ("i", "k") => invite(InviteCb::Class),
            ("u", _) => invite(InviteCb::Uses(number()?)),
            ("d", _) => invite(InviteCb::Days(number()?)),
            ("D", _) => invite(InviteCb::District(DistrictId(id()?))),
            ("S", _) => invite(InviteCb::School(SchoolId(id()?))),
            ("rr", _) => relay(RelayCb::Reply(question()?)),
            ("ra", _) => relay(RelayCb::Answered(question()?)),
            ("rb", _) => relay(RelayCb::Block(question()?)),
            ("ru", _) => relay(RelayCb::Unblock(question()?)),
            ("rc", _) => relay(RelayCb::Child(user()?)),
            ("rk", _) => Some(Callback::Sos(SosCb::Ack(question()?))),
            ("rs", "now") => Some(Callback::Sos(SosCb::Now)),
            ("rsn", _) => Some(Callback::Sos(SosCb::Night(question()?))),
            ("rsc", _) => Some(Callback::Sos(SosCb::Child(user()?))),
            ("rab", "all") => mentees(MenteesCb::AnonymousBlocks),
            ("rau", _) => mentees(MenteesCb::AnonymousUnblock(question()?)),
            ("rq", "1") => quiet(QuietCb::On(true)),
            ("rq", "0") => quiet(QuietCb::On(false)),
            ("rqs", _) => quiet(QuietCb::Start(number()?)),
            ("rqe", _) => quiet(QuietCb::End(number()?)),
            ("rm", _) => mentees(MenteesCb::Page(number()?)),
            ("rp", _) => mentees(MenteesCb::ParentInvite(user()?)),
            ("rn", _) => mentees(MenteesCb::Mentee(user()?)),
            ("rw", _) => {
                let (student, to) = pair()?;
                mentees(MenteesCb::Write { student: UserId(student), to: UserId(to) })
            }
            ("rB", _) => mentees(MenteesCb::Block(user()?, true)),
            ("rU", _) => mentees(MenteesCb::Block(user()?, false)),
            ("rl", _) => mentees(MenteesCb::Class(user()?)),
            ("s", "a") => slots(SlotsCb::Add),
            ("s", "w") => slots(SlotsCb::Weekly),
            ("s", "l") => slots(SlotsCb::List),
            ("s", "p") => slots(SlotsCb::Place),
            ("s", "r") => slots(SlotsCb::Rules),
            ("s", "d") => slots(SlotsCb::Done),
            ("sd", _) => slots(SlotsCb::Day(number()?)),
            ("st", _) => slots(SlotsCb::Start(small()?)),
            ("sl", _) => slots(SlotsCb::Length(small()?)),
            ("sn", _) => slots(SlotsCb::Count(small()?)),
            ("sa", _) => slots(SlotsCb::Repeat(number()?)),
            ("sw", _) => slots(SlotsCb::Weekday(u8::try_from(number()?).ok()?)),
            ("se", _) => slots(SlotsCb::End(small()?)),
            ("sg", _) => slots(SlotsCb::Page(number()?)),
            ("sx", _) => slots(SlotsCb::Remove(SlotId(id()?))),
            ("sX", _) => slots(SlotsCb::RemoveBooked(SlotId(id()?))),
            ("sy", _) => slots(SlotsCb::RemoveRule(RuleId(id()?))),
            ("bc", _) => booking(BookingCb::Child(UserId(id()?))),
            ("bp", _) => {
                let (page, child) = with_child()?;
                booking(BookingCb::Page { page: u32::try_from(page).ok()?, child })
            }
            ("bs", _) => match with_child()? {
                (slot, child) if slot > 0 => booking(BookingCb::Slot { slot: SlotId(slot), child }),
                _ => None,
            },
            ("b", "k") => booking(BookingCb::SkipTopic),
            ("b", "o") => booking(BookingCb::Confirm),
            ("mc", _) => meeting(MeetingCb::Cancel(MeetingId(id()?))),
            ("my", _) => meeting(MeetingCb::ConfirmCancel(MeetingId(id()?))),
            ("mk", _) => meeting(MeetingCb::Keep(MeetingId(id()?))),
            ("mr", _) => meeting(MeetingCb::Reschedule(MeetingId(id()?))),
            ("mp", _) => {
                let (m, p) = value.split_once(':')?;
                let m = m.parse::<i64>().ok().filter(|n| *n > 0 && m == n.to_string())?;
                let p2 = p.parse::<u32>().ok().filter(|n| p == n.to_string())?;
                meeting(MeetingCb::ReschedulePage(MeetingId(m), p2))
            }
            ("mm", _) => {
                let (m, s) = pair()?;
                meeting(MeetingCb::MoveTo(MeetingId(m), SlotId(s)))
            }
            ("mh", _) => Some(Callback::Agenda(AgendaCb::Held(MeetingId(id()?)))),
            ("mn", _) => Some(Callback::Agenda(AgendaCb::NoShow(MeetingId(id()?)))),
            ("mw", _) => Some(Callback::Agenda(AgendaCb::Note(MeetingId(id()?)))),
            ("mg", _) => Some(Callback::Reminders(RemindersCb::GotIt(MeetingId(id()?)))),
            // The radar's alerts sent before `/mentors` open its card.
            ("cr", _) => Some(Callback::Mentors(MentorsCb::Card(user()?))),
            (t, _) if t.starts_with("cm") => MentorsCb::parse(t, value).map(Callback::Mentors),
            ("p", v) => PrivacyCb::parse(v).map(Callback::Privacy),
            ("cs", "w") => Some(Callback::Stats(StatsCb::Period(PeriodKind::Week))),
            ("cs", "m") => Some(Callback::Stats(StatsCb::Period(PeriodKind::Last30))),
            ("cs", "t") => Some(Callback::Stats(StatsCb::Period(PeriodKind::Term))),
            ("cs", "d") => Some(Callback::Stats(StatsCb::Period(PeriodKind::Range))),
            ("ce", _) => {
                let mut tags = value.chars();
                let kind = export_kind_of(tags.next()?)?;
                match (tags.next(), tags.next()) {
                    (None, _) => Some(Callback::Export(ExportCb::What(kind))),
                    (Some(p), None) => Some(Callback::Export(ExportCb::Period(kind, period_of(p)?))),
                    _ => None,
                }
            }
            (t, _) if t.starts_with("cb") => BroadcastCb::parse(t, value).map(Callback::Broadcast),
            _ => None,
        }
    }
}

/// An export's kind on the wire: one letter.
fn export_kind_tag(kind: ExportKind) -> char {
    match kind {
        ExportKind::Meetings => 'm',
        ExportKind::Questions => 'q',
        ExportKind::Sos => 's',
        ExportKind::Users => 'u',
    }
}

fn export_kind_of(tag: char) -> Option<ExportKind> {
    ExportKind::ALL.into_iter().find(|k| export_kind_tag(*k) == tag)
}

/// A period on the wire: one letter, as `/stats` writes it.
fn period_tag(kind: PeriodKind) -> char {
    match kind {
        PeriodKind::Week => 'w',
        PeriodKind::Last30 => 'm',
        PeriodKind::Term => 't',
        PeriodKind::Range => 'd',
    }
}

fn period_of(tag: char) -> Option<PeriodKind> {
    [PeriodKind::Week, PeriodKind::Last30, PeriodKind::Term, PeriodKind::Range]
        .into_iter()
        .find(|k| period_tag(*k) == tag)
}

pub fn button(text: impl Into<String>, cb: Callback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(text, cb.encode())
}

/// «Қазақша» and «Русский», each in its own language.
pub fn languages() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[
        button(t!(Lang::Kk, "lang-name-kk"), Callback::Lang(Lang::Kk)),
        button(t!(Lang::Ru, "lang-name-ru"), Callback::Lang(Lang::Ru)),
    ]])
}

/// Buttons laid out `per_row` to a row.
pub fn grid(buttons: Vec<InlineKeyboardButton>, per_row: usize) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(buttons.chunks(per_row.max(1)).map(<[_]>::to_vec).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callbacks_round_trip_and_fit_telegram() {
        let all = [
            Callback::Lang(Lang::Kk),
            Callback::Lang(Lang::Ru),
            Callback::Invite(InviteCb::Mentor),
            Callback::Invite(InviteCb::Coordinator),
            Callback::Invite(InviteCb::Student),
            Callback::Invite(InviteCb::Class),
            Callback::Invite(InviteCb::Uses(u32::MAX)),
            Callback::Invite(InviteCb::Days(7)),
            Callback::Invite(InviteCb::District(DistrictId(i64::MAX))),
            Callback::Invite(InviteCb::School(SchoolId(5))),
            Callback::Relay(RelayCb::Reply(QuestionId(i64::MAX))),
            Callback::Relay(RelayCb::Answered(QuestionId(1))),
            Callback::Relay(RelayCb::Block(QuestionId(2))),
            Callback::Relay(RelayCb::Unblock(QuestionId(3))),
            Callback::Relay(RelayCb::Child(UserId(i64::MAX))),
            Callback::Sos(SosCb::Ack(QuestionId(4))),
            Callback::Sos(SosCb::Now),
            Callback::Sos(SosCb::Night(QuestionId(i64::MAX))),
            Callback::Sos(SosCb::Child(UserId(8))),
            Callback::Mentees(MenteesCb::AnonymousBlocks),
            Callback::Mentees(MenteesCb::AnonymousUnblock(QuestionId(9))),
            Callback::Quiet(QuietCb::On(true)),
            Callback::Quiet(QuietCb::On(false)),
            Callback::Quiet(QuietCb::Start(1320)),
            Callback::Quiet(QuietCb::End(420)),
            Callback::Mentees(MenteesCb::Page(0)),
            Callback::Mentees(MenteesCb::ParentInvite(UserId(5))),
            Callback::Mentees(MenteesCb::Mentee(UserId(i64::MAX))),
            Callback::Mentees(MenteesCb::Write { student: UserId(i64::MAX), to: UserId(i64::MAX) }),
            Callback::Mentees(MenteesCb::Block(UserId(7), true)),
            Callback::Mentees(MenteesCb::Block(UserId(7), false)),
            Callback::Mentees(MenteesCb::Class(UserId(7))),
            Callback::Slots(SlotsCb::Add),
            Callback::Slots(SlotsCb::Weekly),
            Callback::Slots(SlotsCb::List),
            Callback::Slots(SlotsCb::Place),
            Callback::Slots(SlotsCb::Rules),
            Callback::Slots(SlotsCb::Done),
            Callback::Slots(SlotsCb::Day(20261203)),
            Callback::Slots(SlotsCb::Start(900)),
            Callback::Slots(SlotsCb::Length(30)),
            Callback::Slots(SlotsCb::Count(4)),
            Callback::Slots(SlotsCb::Repeat(20270101)),
            Callback::Slots(SlotsCb::Weekday(7)),
            Callback::Slots(SlotsCb::End(1440)),
            Callback::Slots(SlotsCb::Page(0)),
            Callback::Slots(SlotsCb::Remove(SlotId(i64::MAX))),
            Callback::Slots(SlotsCb::RemoveBooked(SlotId(3))),
            Callback::Slots(SlotsCb::RemoveRule(RuleId(2))),
            Callback::Booking(BookingCb::Child(UserId(i64::MAX))),
            Callback::Booking(BookingCb::Page { page: 0, child: None }),
            Callback::Booking(BookingCb::Page { page: 2, child: Some(UserId(i64::MAX)) }),
            Callback::Booking(BookingCb::Slot { slot: SlotId(i64::MAX), child: None }),
            Callback::Booking(BookingCb::Slot { slot: SlotId(i64::MAX), child: Some(UserId(i64::MAX)) }),
            Callback::Booking(BookingCb::SkipTopic),
            Callback::Booking(BookingCb::Confirm),
            Callback::Meeting(MeetingCb::Cancel(MeetingId(1))),
            Callback::Meeting(MeetingCb::ConfirmCancel(MeetingId(1))),
            Callback::Meeting(MeetingCb::Keep(MeetingId(1))),
            Callback::Meeting(MeetingCb::Reschedule(MeetingId(1))),
            Callback::Meeting(MeetingCb::ReschedulePage(MeetingId(i64::MAX), u32::MAX)),
            Callback::Meeting(MeetingCb::MoveTo(MeetingId(i64::MAX), SlotId(i64::MAX))),
            Callback::Agenda(AgendaCb::Held(MeetingId(1))),
            Callback::Agenda(AgendaCb::NoShow(MeetingId(1))),
            Callback::Agenda(AgendaCb::Note(MeetingId(1))),
            Callback::Reminders(RemindersCb::GotIt(MeetingId(1))),
            Callback::Mentors(MentorsCb::Card(UserId(i64::MAX))),
            Callback::Stats(StatsCb::Period(PeriodKind::Week)),
            Callback::Stats(StatsCb::Period(PeriodKind::Last30)),
            Callback::Stats(StatsCb::Period(PeriodKind::Term)),
            Callback::Stats(StatsCb::Period(PeriodKind::Range)),
        ];
        let mut all = all.to_vec();
        for kind in ExportKind::ALL {
            all.push(Callback::Export(ExportCb::What(kind)));
            for period in [PeriodKind::Week, PeriodKind::Last30, PeriodKind::Term, PeriodKind::Range] {
                all.push(Callback::Export(ExportCb::Period(kind, period)));
            }
        }
        all.extend(PrivacyCb::ALL.map(Callback::Privacy));
        for cb in all {
            assert!(cb.encode().len() <= 64);
            assert_eq!(Callback::parse(&cb.encode()), Some(cb));
        }
    }

    #[test]
    fn garbage_is_rejected() {
        for bad in [
            "", ":", "l:en", "i:x", "u:", "u:-1", "u:01", "u:+3", "D:0", "S:abc", "x:1", "ll:kk", "u:1:2",
            "rr:0", "rr:-1", "rr:x", "rs:", "rs:later", "rq:2", "rc:01", "rk:", "s:x", "sx:0", "sx:-1",
            "st:70000", "sw:300", "bs:0", "bs:1:0", "bs:1:x", "bp:1:2:3", "mm:1", "mm:0:1", "mm:1:0",
            "mp:1:-1", "mc:01", "b:x", "sy:1:2", "rw:1", "rw:0:2", "rw:1:x", "rn:0", "rB:-1", "rsn:0",
            "rsn:", "rsc:-2", "rab:", "rab:1", "rau:x", "cs:", "cs:x", "cs:w:1", "cs:30", "ce:", "ce:x",
            "ce:mx", "ce:mww", "ce:m:w", "ce:M",
        ] {
            assert_eq!(Callback::parse(bad), None, "{bad:?}");
        }
    }
}
