//! Reminders and digests: the leads before a meeting, the jobs the bot
//! runs at a time, and how long is left as people read it. No I/O.

use super::MeetingId;
use super::ids::BroadcastId;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The default reminder leads: a day and an hour before.
pub const DEFAULT_LEADS: &str = "24h,1h";
/// The most leads one may set.
pub const MAX_LEADS: usize = 10;
/// The longest lead: thirty days.
pub const LONGEST_LEAD: Duration = Duration::days(30);

/// The leads before a meeting, longest first, each a whole number of
/// minutes, none twice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leads(Vec<Duration>);

impl Leads {
    /// `24h,1h`, `2d,3h,30m`: whole minutes (`m`), hours (`h`) or days
    /// (`d`) — or seconds (`s`) that make whole minutes — separated by
    /// commas; from 1 minute to 30 days, at most ten.
    pub fn parse(raw: &str) -> Option<Leads> {
        let mut leads = Vec::new();
        for part in raw.split(',') {
            // Whole minutes: a lead names its job, `remind:<meeting>:<minutes>`.
            let secs = super::time::parse_duration(part)?.as_secs();
            let lead = Duration::minutes(i64::try_from(secs / 60).ok()?);
            if secs % 60 != 0 || lead < Duration::minutes(1) || lead > LONGEST_LEAD {
                return None;
            }
            if !leads.contains(&lead) {
                leads.push(lead);
            }
        }
        if leads.is_empty() || leads.len() > MAX_LEADS {
            return None;
        }
        leads.sort_by(|a, b| b.cmp(a));
        Some(Leads(leads))
    }

    pub fn all(&self) -> &[Duration] {
        &self.0
    }

    /// The reminders of a meeting starting at `starts_at`, planned at
    /// `now`: `(lead, due)` for each lead not already past (a meeting
    /// booked 30 minutes ahead gets no 1-hour reminder).
    pub fn plan(&self, starts_at: DateTime<Utc>, now: DateTime<Utc>) -> Vec<(Duration, DateTime<Utc>)> {
        self.0.iter().map(|&lead| (lead, starts_at - lead)).filter(|&(_, due)| due >= now).collect()
    }
}

impl Default for Leads {
    fn default() -> Leads {
        Leads::parse(DEFAULT_LEADS).expect("the default leads parse")
    }
}

/// How long is left before a meeting, as a reminder says it: minutes
/// under an hour, hours under a day and a half, days beyond.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Left {
    Minutes(i64),
    Hours(i64),
    Days(i64),
}

impl Left {
    /// Rounded to the nearest unit; at least one minute.
    pub fn of(remaining: Duration) -> Left {
        let minutes = ((remaining.num_seconds() + 30) / 60).max(1);
        if minutes < 60 {
            Left::Minutes(minutes)
        } else if minutes < 36 * 60 {
            Left::Hours((minutes + 30) / 60)
        } else {
            Left::Days((minutes + 12 * 60) / (24 * 60))
        }
    }

    /// A lead as it is named (`24h` is 24 hours, not one day).
    pub fn of_lead(lead: Duration) -> Left {
        let minutes = lead.num_minutes();
        if minutes % (24 * 60) == 0 && minutes >= 48 * 60 {
            Left::Days(minutes / (24 * 60))
        } else if minutes % 60 == 0 {
            Left::Hours(minutes / 60)
        } else {
            Left::Minutes(minutes)
        }
    }
}

/// A job the bot runs at its due time, in a transaction of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// One reminder of a meeting, to everyone concerned.
    Remind { meeting: MeetingId, lead_minutes: i64 },
    /// The day's work for mentors: the morning agenda, the unanswered
    /// questions, the weekly slots kept ahead.
    Daily { day: NaiveDate },
    /// The unanswered radar's look at this instant (milliseconds): the
    /// questions waiting too long, each alerted once (`handlers::radar`).
    Radar { at: i64 },
    /// The day's erasure of contents older than the retention period
    /// (`retention`).
    Retention { day: NaiveDate },
    /// A running broadcast's look at its ledger at this instant
    /// (milliseconds): outcomes copied in, the progress message edited
    /// (`handlers::broadcast`).
    Broadcast { broadcast: BroadcastId, at: i64 },
}

impl Job {
    /// The job's unique key: a job is planned once.
    pub fn key(&self) -> String {
        match self {
            Job::Remind { meeting, lead_minutes } => format!("remind:{}:{lead_minutes}", meeting.0),
            Job::Daily { day } => format!("daily:{}", day.format("%Y-%m-%d")),
            Job::Radar { at } => format!("radar:{at}"),
            Job::Retention { day } => format!("retention:{}", day.format("%Y-%m-%d")),
            Job::Broadcast { broadcast, at } => format!("broadcast:{broadcast}:{at}"),
        }
    }

    /// The prefix of all of a meeting's reminder jobs.
    pub fn reminders_of(meeting: MeetingId) -> String {
        format!("remind:{}:", meeting.0)
    }

    pub fn parse(key: &str) -> Option<Job> {
        let mut parts = key.split(':');
        let job = match (parts.next()?, parts.next()?, parts.next()) {
            ("remind", meeting, Some(lead)) => {
                Job::Remind { meeting: MeetingId(meeting.parse().ok()?), lead_minutes: lead.parse().ok()? }
            }
            ("daily", day, None) => Job::Daily { day: NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()? },
            ("retention", day, None) => {
                Job::Retention { day: NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()? }
            }
            ("broadcast", id, Some(at)) => Job::Broadcast {
                broadcast: BroadcastId(id.parse().ok().filter(|n: &i64| *n > 0 && id == n.to_string())?),
                at: at.parse().ok().filter(|n: &i64| *n >= 0 && at == n.to_string())?,
            },
            ("radar", at, None) => {
                Job::Radar { at: at.parse().ok().filter(|n: &i64| *n >= 0 && at == n.to_string())? }
            }
            _ => return None,
        };
        parts.next().is_none().then_some(job)
    }
}

/// What became of a job, kept with it (`jobs.outcome`, as `Display`
/// writes it: «ran: 3 queued», «skipped: meeting cancelled»).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    /// It did its work; what it did, counted.
    Ran(String),
    /// There was nothing to do, and why.
    Skipped(Skip),
    /// It kept failing and was set aside: the last error.
    Failed(String),
}

/// Why a job had nothing to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// A job of a later version (its key is not one this version parses).
    UnknownJob,
    NoSuchMeeting,
    /// The meeting is not booked any more (cancelled, held, no-show).
    Meeting(super::meetings::Status),
    /// The bot was down until after the meeting began.
    MeetingBegun,
    /// The mentor or the student is gone.
    PeopleGone,
    /// The bot was down all that day: its agenda is history.
    DayOver,
}

impl Skip {
    pub fn as_str(self) -> &'static str {
        use super::meetings::Status;
        match self {
            Skip::UnknownJob => "not a job this version knows",
            Skip::NoSuchMeeting => "no such meeting",
            Skip::Meeting(Status::Booked) => "meeting booked",
            Skip::Meeting(Status::Cancelled) => "meeting cancelled",
            Skip::Meeting(Status::Held) => "meeting held",
            Skip::Meeting(Status::NoShow) => "meeting no_show",
            Skip::MeetingBegun => "meeting has begun",
            Skip::PeopleGone => "people gone",
            Skip::DayOver => "the day is over",
        }
    }

    const ALL: [Skip; 9] = {
        use super::meetings::Status;
        [
            Skip::UnknownJob,
            Skip::NoSuchMeeting,
            Skip::Meeting(Status::Booked),
            Skip::Meeting(Status::Cancelled),
            Skip::Meeting(Status::Held),
            Skip::Meeting(Status::NoShow),
            Skip::MeetingBegun,
            Skip::PeopleGone,
            Skip::DayOver,
        ]
    };
}

impl std::fmt::Display for JobOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JobOutcome::Ran(what) => write!(f, "ran: {what}"),
            JobOutcome::Skipped(why) => write!(f, "skipped: {}", why.as_str()),
            JobOutcome::Failed(error) => write!(f, "failed: {error}"),
        }
    }
}

impl std::str::FromStr for JobOutcome {
    type Err = ();
    fn from_str(s: &str) -> Result<JobOutcome, ()> {
        if let Some(what) = s.strip_prefix("ran: ") {
            return Ok(JobOutcome::Ran(what.to_owned()));
        }
        if let Some(error) = s.strip_prefix("failed: ") {
            return Ok(JobOutcome::Failed(error.to_owned()));
        }
        let why = s.strip_prefix("skipped: ").ok_or(())?;
        Skip::ALL.into_iter().find(|k| k.as_str() == why).map(JobOutcome::Skipped).ok_or(())
    }
}

/// The outbox key of one recipient's reminder, so that cancelling or
/// moving the meeting drops it even once it is queued.
pub fn outbox_key(meeting: MeetingId, lead_minutes: i64, user: i64) -> String {
    format!("reminder:{}:{lead_minutes}:{user}", meeting.0)
}

/// The prefix of all of a meeting's queued reminders.
pub fn outbox_prefix(meeting: MeetingId) -> String {
    format!("reminder:{}:", meeting.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_outcomes_read_back_as_written() {
        let mut all: Vec<JobOutcome> = Skip::ALL.into_iter().map(JobOutcome::Skipped).collect();
        all.push(JobOutcome::Ran("3 queued".into()));
        all.push(JobOutcome::Failed("database: gone".into()));
        for outcome in all {
            assert_eq!(outcome.to_string().parse::<JobOutcome>(), Ok(outcome.clone()), "{outcome}");
        }
        assert_eq!(
            JobOutcome::Skipped(Skip::Meeting(super::super::meetings::Status::Cancelled)).to_string(),
            "skipped: meeting cancelled"
        );
        assert!("done".parse::<JobOutcome>().is_err());
        assert!("skipped: the moon".parse::<JobOutcome>().is_err());
    }
    use chrono::TimeZone;

    #[test]
    fn leads_parse_sorted_and_checked() {
        let l = Leads::parse("1h, 24h").expect("valid");
        assert_eq!(l.all(), &[Duration::hours(24), Duration::hours(1)]);
        let l = Leads::parse("2d,3h,30m").expect("valid");
        assert_eq!(l.all(), &[Duration::days(2), Duration::hours(3), Duration::minutes(30)]);
        assert_eq!(Leads::parse("1h,60m").expect("valid").all(), &[Duration::hours(1)]);
        for bad in ["", "24", "h", "1x", "0m", "31d", "1h,,2h", "-1h", "1.5h", "1h 2h", "1ч"] {
            assert_eq!(Leads::parse(bad), None, "{bad:?}");
        }
        let eleven: Vec<String> = (1..=11).map(|i| format!("{i}m")).collect();
        assert_eq!(Leads::parse(&eleven.join(",")), None, "at most ten");
        assert_eq!(Leads::default().all(), &[Duration::hours(24), Duration::hours(1)]);
    }

    #[test]
    fn a_past_lead_is_not_planned() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().expect("t");
        let leads = Leads::default();
        let soon = now + Duration::minutes(30);
        assert!(leads.plan(soon, now).is_empty());
        let in_two_hours = now + Duration::hours(2);
        assert_eq!(leads.plan(in_two_hours, now), vec![(Duration::hours(1), now + Duration::hours(1))]);
        let in_two_days = now + Duration::days(2);
        assert_eq!(leads.plan(in_two_days, now).len(), 2);
    }

    #[test]
    fn what_is_left_reads_naturally() {
        assert_eq!(Left::of(Duration::hours(24)), Left::Hours(24));
        assert_eq!(Left::of(Duration::minutes(60)), Left::Hours(1));
        assert_eq!(Left::of(Duration::minutes(59)), Left::Minutes(59));
        assert_eq!(Left::of(Duration::seconds(10)), Left::Minutes(1));
        assert_eq!(Left::of(Duration::minutes(150)), Left::Hours(3));
        assert_eq!(Left::of(Duration::hours(47)), Left::Days(2));
        assert_eq!(Left::of_lead(Duration::hours(24)), Left::Hours(24));
        assert_eq!(Left::of_lead(Duration::days(2)), Left::Days(2));
        assert_eq!(Left::of_lead(Duration::minutes(90)), Left::Minutes(90));
    }

    #[test]
    fn job_keys_round_trip() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 31).expect("date");
        let jobs = [
            Job::Remind { meeting: MeetingId(7), lead_minutes: 1440 },
            Job::Daily { day },
            Job::Radar { at: 1_788_235_200_000 },
            Job::Retention { day },
            Job::Broadcast { broadcast: BroadcastId(3), at: 1_788_235_203_000 },
        ];
        for job in jobs {
            assert_eq!(Job::parse(&job.key()), Some(job));
        }
        assert!(
            Job::key(&Job::Remind { meeting: MeetingId(7), lead_minutes: 60 })
                .starts_with(&Job::reminders_of(MeetingId(7)))
        );
        for bad in [
            "",
            "remind:7",
            "remind:x:60",
            "daily:2026-13-01",
            "daily:2026-12-01:1",
            "other:1:2",
            "radar:",
            "radar:-1",
            "radar:01",
            "radar:1:2",
            "broadcast:3",
            "broadcast:0:1",
            "broadcast:03:1",
            "broadcast:3:x",
            "broadcast:3:1:2",
        ] {
            assert_eq!(Job::parse(bad), None, "{bad:?}");
        }
    }
}
