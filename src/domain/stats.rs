//! The coordinator's figures (`/stats`, `talimger stats`), counted from
//! the facts `db::stats` reads for a period and a scope. Each fact carries
//! the school of the mentor it concerns; nothing names a student or holds
//! what anyone wrote. The same facts can be bucketed by week for charts or
//! written out for exports.

use super::period::Period;
use super::quiet::QuietHours;
use super::working::working_time;
use super::{DistrictId, SchoolId, UserId};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::HashSet;

/// Below this many students, a school (or any group) shows no per-student
/// rates: with so few, a rate could point at one child.
pub const MIN_STUDENTS_FOR_RATES: usize = 5;

/// A question still unanswered after this much working time is counted
/// apart ("waited over 48 h", as the unanswered radar counts).
pub fn long_wait() -> Duration {
    Duration::hours(48)
}

/// A school of the scope, with its district.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub school: SchoolId,
    pub school_name: String,
    pub district: DistrictId,
    pub district_name: String,
}

/// A question (not an SOS) asked in the period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuestionFact {
    pub school: SchoolId,
    /// The mentor's quiet hours, which do not count as waiting.
    pub quiet: QuietHours,
    pub asked_at: DateTime<Utc>,
    /// The mentor's first answer (or «answered» pressed).
    pub answered_at: Option<DateTime<Utc>>,
}

/// An SOS raised in the period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SosFact {
    pub school: SchoolId,
    pub raised_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// When the coordinators' alert was due, if one was planned.
    pub escalation_at: Option<DateTime<Utc>>,
}

/// Who cancelled a meeting, as they stand to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Canceller {
    Student,
    Parent,
    Mentor,
    /// Anyone else (a coordinator), or someone since erased.
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeetingState {
    /// Booked and not (yet) marked held or no-show.
    Booked,
    Held,
    NoShow,
    Cancelled(Canceller),
}

/// A meeting whose start falls in the period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeetingFact {
    pub school: SchoolId,
    pub starts_at: DateTime<Utc>,
    pub state: MeetingState,
}

/// Everything the figures are counted from, for one scope and period.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub places: Vec<Place>,
    /// The mentors in the programme (by school).
    pub mentors: Vec<(SchoolId, UserId)>,
    /// Students linked to a mentor by the period's end: (mentor's school, student).
    pub students: Vec<(SchoolId, UserId)>,
    /// Parents linked to such a student by then: (mentor's school, parent).
    pub parents: Vec<(SchoolId, UserId)>,
    pub questions: Vec<QuestionFact>,
    pub sos: Vec<SosFact>,
    pub meetings: Vec<MeetingFact>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QuestionFigures {
    pub asked: usize,
    pub answered: usize,
    pub waiting: usize,
    /// Of those waiting, how many have waited over 48 working hours.
    pub waiting_over_48h: usize,
    /// Time to the mentor's first answer, in working minutes.
    pub first_answer_median_min: Option<i64>,
    pub first_answer_p90_min: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SosFigures {
    pub alerts: usize,
    pub acknowledged: usize,
    /// Time to «I'm on it», in minutes of clock time (an SOS ignores
    /// quiet hours).
    pub ack_median_min: Option<i64>,
    /// Alerts that went on to the coordinators.
    pub escalated: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MeetingFigures {
    /// All meetings that start in the period, whatever became of them.
    pub booked: usize,
    pub held: usize,
    pub no_show: usize,
    pub cancelled: usize,
    pub cancelled_by_student: usize,
    pub cancelled_by_parent: usize,
    pub cancelled_by_mentor: usize,
    pub cancelled_by_other: usize,
    /// Booked and not marked yet (coming, or the mark is missing).
    pub not_marked: usize,
}

/// Rates per linked student, shown only from `MIN_STUDENTS_FOR_RATES`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PerStudent {
    pub questions: f64,
    pub meetings_held: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Figures {
    pub mentors: usize,
    pub students: usize,
    pub parents: usize,
    pub questions: QuestionFigures,
    pub sos: SosFigures,
    pub meetings: MeetingFigures,
    /// `None` when there are fewer than 5 students.
    pub per_student: Option<PerStudent>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SchoolReport {
    pub id: i64,
    pub name: String,
    pub figures: Figures,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DistrictReport {
    pub id: i64,
    pub name: String,
    pub figures: Figures,
    pub schools: Vec<SchoolReport>,
}

/// The figures of a scope: each district with its schools, and the total.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub districts: Vec<DistrictReport>,
    pub total: Figures,
}

impl Report {
    /// Counts `facts` as they stand at `now`, in zone `tz`.
    pub fn build(facts: &Facts, period: &Period, now: DateTime<Utc>, tz: Tz) -> Report {
        let mut districts: Vec<DistrictReport> = Vec::new();
        for place in &facts.places {
            let school = SchoolReport {
                id: place.school.0,
                name: place.school_name.clone(),
                figures: figures(facts, |s| s == place.school, now, tz),
            };
            match districts.iter_mut().find(|d| d.id == place.district.0) {
                Some(d) => d.schools.push(school),
                None => districts.push(DistrictReport {
                    id: place.district.0,
                    name: place.district_name.clone(),
                    figures: Figures::default(),
                    schools: vec![school],
                }),
            }
        }
        for d in &mut districts {
            let ids: HashSet<SchoolId> =
                facts.places.iter().filter(|p| p.district.0 == d.id).map(|p| p.school).collect();
            d.figures = figures(facts, |s| ids.contains(&s), now, tz);
        }
        let total = figures(facts, |_| true, now, tz);
        Report { from: period.from, to: period.to, districts, total }
    }
}

/// The figures of the facts whose school `keep` accepts.
pub fn figures(facts: &Facts, keep: impl Fn(SchoolId) -> bool, now: DateTime<Utc>, tz: Tz) -> Figures {
    let distinct = |pairs: &[(SchoolId, UserId)]| {
        pairs.iter().filter(|(s, _)| keep(*s)).map(|(_, u)| *u).collect::<HashSet<_>>().len()
    };
    let students = distinct(&facts.students);
    let questions = question_figures(facts.questions.iter().filter(|q| keep(q.school)), now, tz);
    let sos = sos_figures(facts.sos.iter().filter(|s| keep(s.school)), now);
    let meetings = meeting_figures(facts.meetings.iter().filter(|m| keep(m.school)));
    let per_student = (students >= MIN_STUDENTS_FOR_RATES).then(|| PerStudent {
        questions: rate(questions.asked, students),
        meetings_held: rate(meetings.held, students),
    });
    Figures {
        mentors: distinct(&facts.mentors),
        students,
        parents: distinct(&facts.parents),
        questions,
        sos,
        meetings,
        per_student,
    }
}

/// `count / students`, to one decimal.
fn rate(count: usize, students: usize) -> f64 {
    let r = count as f64 / students.max(1) as f64;
    (r * 10.0).round() / 10.0
}

/// The figures of these questions (asked in the period), as they stand at
/// `now`: first answers in working time, in zone `tz`.
pub fn question_figures<'a>(
    questions: impl Iterator<Item = &'a QuestionFact>,
    now: DateTime<Utc>,
    tz: Tz,
) -> QuestionFigures {
    let mut f = QuestionFigures::default();
    let mut waits = Vec::new();
    for q in questions {
        f.asked += 1;
        match q.answered_at {
            Some(at) => {
                f.answered += 1;
                waits.push(working_time(q.asked_at, at, q.quiet, tz).num_seconds());
            }
            None => {
                f.waiting += 1;
                if working_time(q.asked_at, now, q.quiet, tz) > long_wait() {
                    f.waiting_over_48h += 1;
                }
            }
        }
    }
    waits.sort_unstable();
    f.first_answer_median_min = median(&waits).map(minutes);
    f.first_answer_p90_min = percentile(&waits, 90).map(minutes);
    f
}

fn sos_figures<'a>(alerts: impl Iterator<Item = &'a SosFact>, now: DateTime<Utc>) -> SosFigures {
    let mut f = SosFigures::default();
    let mut waits = Vec::new();
    for s in alerts {
        f.alerts += 1;
        if let Some(at) = s.acknowledged_at {
            f.acknowledged += 1;
            waits.push((at - s.raised_at).num_seconds().max(0));
        }
        // Escalated: the alert was due and nobody had said «I'm on it» by then.
        if let Some(due) = s.escalation_at
            && due <= now
            && s.acknowledged_at.is_none_or(|at| at > due)
        {
            f.escalated += 1;
        }
    }
    waits.sort_unstable();
    f.ack_median_min = median(&waits).map(minutes);
    f
}

fn meeting_figures<'a>(meetings: impl Iterator<Item = &'a MeetingFact>) -> MeetingFigures {
    let mut f = MeetingFigures::default();
    for m in meetings {
        f.booked += 1;
        match m.state {
            MeetingState::Booked => f.not_marked += 1,
            MeetingState::Held => f.held += 1,
            MeetingState::NoShow => f.no_show += 1,
            MeetingState::Cancelled(by) => {
                f.cancelled += 1;
                match by {
                    Canceller::Student => f.cancelled_by_student += 1,
                    Canceller::Parent => f.cancelled_by_parent += 1,
                    Canceller::Mentor => f.cancelled_by_mentor += 1,
                    Canceller::Other => f.cancelled_by_other += 1,
                }
            }
        }
    }
    f
}

/// Seconds as whole minutes, rounded to the nearest.
fn minutes(seconds: i64) -> i64 {
    (seconds + 30).div_euclid(60)
}

/// The median of sorted values: the middle one, or the mean of the two
/// middle ones (rounded down); `None` for no values.
pub fn median(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]).div_euclid(2)),
    }
}

/// The `p`-th percentile of sorted values by the nearest rank: the
/// smallest value with at least `p`% of the values at or below it.
pub fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::period::Period;
    use chrono::TimeZone;

    #[test]
    fn medians_and_percentiles() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[7]), Some(7));
        assert_eq!(median(&[1, 3, 10]), Some(3));
        assert_eq!(median(&[1, 2, 4, 10]), Some(3));
        assert_eq!(percentile(&[], 90), None);
        assert_eq!(percentile(&[5], 90), Some(5));
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&ten, 90), Some(9));
        let eleven: Vec<i64> = (1..=11).collect();
        assert_eq!(percentile(&eleven, 90), Some(10));
        assert_eq!(percentile(&[1, 2, 3], 90), Some(3));
        assert_eq!(minutes(89), 1);
        assert_eq!(minutes(90), 2);
    }

    const TZ: Tz = chrono_tz::Asia::Almaty;

    fn local(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        TZ.with_ymd_and_hms(2026, 9, d, h, m, 0).single().expect("valid").with_timezone(&Utc)
    }

    #[test]
    fn figures_by_school_district_and_total() {
        let (a, b, c) = (SchoolId(1), SchoolId(2), SchoolId(3));
        let place = |s: SchoolId, d: i64| Place {
            school: s,
            school_name: format!("school {}", s.0),
            district: DistrictId(d),
            district_name: format!("district {d}"),
        };
        let q = |school, asked_at, answered_at| QuestionFact {
            school,
            quiet: QuietHours::default(),
            asked_at,
            answered_at,
        };
        let facts = Facts {
            places: vec![place(a, 1), place(b, 1), place(c, 2)],
            mentors: vec![(a, UserId(10)), (b, UserId(11)), (c, UserId(12))],
            students: (0..6).map(|i| (a, UserId(100 + i))).chain([(c, UserId(200))]).collect(),
            // One parent of two children counts once.
            parents: vec![(a, UserId(300)), (a, UserId(300)), (c, UserId(301))],
            questions: vec![
                q(a, local(1, 21, 0), Some(local(2, 8, 0))),   // 2 h
                q(a, local(2, 10, 0), Some(local(2, 10, 30))), // 30 min
                q(a, local(2, 12, 0), Some(local(2, 13, 0))),  // 1 h
                q(c, local(2, 12, 0), None),                   // waiting, 45 working hours
                q(c, local(1, 9, 0), None),                    // waiting, > 48 working hours
            ],
            sos: vec![
                SosFact {
                    school: a,
                    raised_at: local(2, 1, 0),
                    acknowledged_at: Some(local(2, 1, 5)),
                    escalation_at: Some(local(2, 1, 15)),
                },
                SosFact {
                    school: a,
                    raised_at: local(2, 2, 0),
                    acknowledged_at: Some(local(2, 2, 20)),
                    escalation_at: Some(local(2, 2, 15)),
                },
                SosFact {
                    school: c,
                    raised_at: local(2, 3, 0),
                    acknowledged_at: None,
                    escalation_at: Some(local(2, 3, 15)),
                },
            ],
            meetings: vec![
                MeetingFact { school: a, starts_at: local(3, 15, 0), state: MeetingState::Held },
                MeetingFact { school: a, starts_at: local(3, 15, 0), state: MeetingState::NoShow },
                MeetingFact {
                    school: a,
                    starts_at: local(3, 15, 0),
                    state: MeetingState::Cancelled(Canceller::Parent),
                },
                MeetingFact {
                    school: c,
                    starts_at: local(3, 15, 0),
                    state: MeetingState::Cancelled(Canceller::Mentor),
                },
                MeetingFact { school: c, starts_at: local(3, 15, 0), state: MeetingState::Booked },
            ],
        };
        let now = local(5, 12, 0);
        let period = Period::days(TZ, local(1, 0, 0).date_naive(), local(4, 0, 0).date_naive());
        let r = Report::build(&facts, &period, now, TZ);
        assert_eq!(r.districts.len(), 2);
        let school_a = &r.districts[0].schools[0].figures;
        assert_eq!((school_a.mentors, school_a.students, school_a.parents), (1, 6, 1));
        assert_eq!(school_a.questions.first_answer_median_min, Some(60));
        assert_eq!(school_a.questions.first_answer_p90_min, Some(120));
        assert_eq!(school_a.sos.ack_median_min, Some(13)); // 5 and 20 min: 12.5, rounded
        assert_eq!(school_a.sos.escalated, 1);
        assert_eq!(school_a.per_student, Some(PerStudent { questions: 0.5, meetings_held: 0.2 }));
        let school_b = &r.districts[0].schools[1].figures;
        assert_eq!(school_b, &Figures { mentors: 1, ..Figures::default() });
        assert_eq!(r.districts[0].figures.mentors, 2);
        let district_2 = &r.districts[1].figures;
        assert_eq!((district_2.questions.waiting, district_2.questions.waiting_over_48h), (2, 1));
        assert_eq!(district_2.per_student, None);
        assert_eq!(district_2.meetings.cancelled_by_mentor, 1);
        assert_eq!(district_2.meetings.not_marked, 1);
        let t = &r.total;
        assert_eq!((t.mentors, t.students, t.parents), (3, 7, 2));
        assert_eq!((t.questions.asked, t.questions.answered, t.questions.waiting), (5, 3, 2));
        assert_eq!((t.sos.alerts, t.sos.acknowledged, t.sos.escalated), (3, 2, 2));
        assert_eq!(
            (t.meetings.booked, t.meetings.held, t.meetings.no_show, t.meetings.cancelled),
            (5, 1, 1, 2)
        );
        assert_eq!(t.meetings.cancelled_by_parent, 1);
    }
}
