//! The coordinator's figures week by week, for the charts of `/stats` and
//! `talimger stats --chart`: per week, the questions asked and the
//! meetings (held, and all booked) of the scope and of its larger schools,
//! and the median and 90th percentile of the time to a mentor's first
//! answer. Counted from the same facts as the figures (`stats::Facts`),
//! the same way (`stats::question_figures`: working time, nearest rank),
//! and under the same rule: a group of fewer than five students
//! (`MIN_STUDENTS_FOR_RATES`) is never drawn on its own, since its weeks
//! could point at one child.

use super::SchoolId;
use super::calendar::day_start;
use super::period::Period;
use super::stats::{Facts, MIN_STUDENTS_FOR_RATES, MeetingState, question_figures};
use chrono::{DateTime, Duration, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use std::collections::HashSet;

/// At most this many schools have a line of their own; the others are in
/// the scope's line only.
pub const MAX_SCHOOL_LINES: usize = 6;

/// One week of a period: a calendar week, Monday first, in the programme's
/// zone, cut to the period (the first and the last may be shorter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Week {
    /// Its first day in the period (a Monday, except perhaps the first).
    pub first_day: NaiveDate,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// All seven days are in the period (the first and the last week of
    /// one may hold only some: its counts are not a whole week's).
    pub whole: bool,
}

impl Week {
    fn holds(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && at < self.to
    }
}

/// The weeks of `period`, in order.
pub fn weeks(period: &Period, tz: Tz) -> Vec<Week> {
    let mut out = Vec::new();
    let mut day = period.first_day;
    while day <= period.last_day {
        let monday = day.week(Weekday::Mon).first_day();
        let next = monday + Duration::days(7);
        let from = if out.is_empty() { period.from } else { day_start(tz, day) };
        let to = day_start(tz, next).min(period.to);
        let whole = from == day_start(tz, monday) && to == day_start(tz, next);
        out.push(Week { first_day: day, from, to, whole });
        day = next;
    }
    out
}

/// A week's first answers, in working minutes; `None` when no question
/// asked that week has been answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FirstAnswers {
    pub median_min: Option<i64>,
    pub p90_min: Option<i64>,
}

/// A school's line: a count per week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchoolWeeks {
    pub school: SchoolId,
    pub name: String,
    pub questions: Vec<usize>,
    pub held: Vec<usize>,
}

/// The series of a scope over a period, a value per week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Weekly {
    pub weeks: Vec<Week>,
    /// Questions asked (not SOS alerts).
    pub questions: Vec<usize>,
    /// Meetings starting that week, whatever became of them.
    pub booked: Vec<usize>,
    pub held: Vec<usize>,
    pub first_answers: Vec<FirstAnswers>,
    /// The schools with a line of their own: from five students, the most
    /// active first (questions and meetings), at most `MAX_SCHOOL_LINES`;
    /// none when the scope has one school (its line is the scope's).
    pub schools: Vec<SchoolWeeks>,
    /// The scope's other schools, counted in its line only.
    pub schools_apart: usize,
}

/// What can be charted of a scope and period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Charted {
    /// Nothing to draw: no question or meeting, or a single week (the
    /// figures say it all).
    Nothing,
    /// There is something, but the scope has fewer than five students.
    TooFewStudents,
    Weekly(Weekly),
}

/// The weekly series of `facts`, as they stand at `now`.
pub fn weekly(facts: &Facts, period: &Period, now: DateTime<Utc>, tz: Tz) -> Charted {
    let weeks = weeks(period, tz);
    if weeks.len() < 2 || (facts.questions.is_empty() && facts.meetings.is_empty()) {
        return Charted::Nothing;
    }
    let students = |keep: &dyn Fn(SchoolId) -> bool| {
        facts.students.iter().filter(|(s, _)| keep(*s)).map(|(_, u)| *u).collect::<HashSet<_>>().len()
    };
    if students(&|_| true) < MIN_STUDENTS_FOR_RATES {
        return Charted::TooFewStudents;
    }
    let questions = |keep: &dyn Fn(SchoolId) -> bool| {
        count(&weeks, facts.questions.iter().filter(|q| keep(q.school)).map(|q| q.asked_at))
    };
    let meetings = |keep: &dyn Fn(SchoolId) -> bool, held: bool| {
        let starts = facts
            .meetings
            .iter()
            .filter(|m| keep(m.school) && (!held || m.state == MeetingState::Held))
            .map(|m| m.starts_at);
        count(&weeks, starts)
    };
    let first_answers = weeks
        .iter()
        .map(|w| {
            let f = question_figures(facts.questions.iter().filter(|q| w.holds(q.asked_at)), now, tz);
            FirstAnswers { median_min: f.first_answer_median_min, p90_min: f.first_answer_p90_min }
        })
        .collect();
    let mut schools = Vec::new();
    if facts.places.len() > 1 {
        for place in &facts.places {
            let here = |s: SchoolId| s == place.school;
            if students(&here) >= MIN_STUDENTS_FOR_RATES {
                schools.push(SchoolWeeks {
                    school: place.school,
                    name: place.school_name.clone(),
                    questions: questions(&here),
                    held: meetings(&here, true),
                });
            }
        }
        // The most active first; a tie keeps the figures' order.
        let activity = |s: &SchoolWeeks| {
            let here = |x: SchoolId| x == s.school;
            s.questions.iter().sum::<usize>() + meetings(&here, false).iter().sum::<usize>()
        };
        schools.sort_by_key(|s| std::cmp::Reverse(activity(s)));
        schools.truncate(MAX_SCHOOL_LINES);
    }
    let schools_apart = if schools.is_empty() { 0 } else { facts.places.len() - schools.len() };
    Charted::Weekly(Weekly {
        questions: questions(&|_| true),
        booked: meetings(&|_| true, false),
        held: meetings(&|_| true, true),
        first_answers,
        schools,
        schools_apart,
        weeks,
    })
}

/// How many of `instants` fall in each week.
fn count(weeks: &[Week], instants: impl Iterator<Item = DateTime<Utc>>) -> Vec<usize> {
    let mut out = vec![0; weeks.len()];
    for at in instants {
        if let Some(i) = weeks.iter().position(|w| w.holds(at)) {
            out[i] += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::quiet::QuietHours;
    use crate::domain::stats::{Canceller, MeetingFact, Place, QuestionFact};
    use crate::domain::{DistrictId, UserId};
    use chrono::TimeZone;

    const TZ: Tz = chrono_tz::Asia::Almaty;

    fn local(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        TZ.with_ymd_and_hms(2026, m, d, h, min, 0).single().expect("valid").with_timezone(&Utc)
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("valid")
    }

    /// September 2026: Tuesday 1st to Wednesday 30th.
    fn september() -> Period {
        Period::days(TZ, day(9, 1), day(9, 30))
    }

    #[test]
    fn weeks_start_on_monday_and_are_cut_to_the_period() {
        let w = weeks(&september(), TZ);
        let firsts: Vec<_> = w.iter().map(|w| w.first_day).collect();
        assert_eq!(firsts, [day(9, 1), day(9, 7), day(9, 14), day(9, 21), day(9, 28)]);
        assert_eq!((w[0].from, w[0].to), (local(9, 1, 0, 0), local(9, 7, 0, 0)));
        assert_eq!((w[4].from, w[4].to), (local(9, 28, 0, 0), local(10, 1, 0, 0)));
        let whole: Vec<_> = w.iter().map(|w| w.whole).collect();
        assert_eq!(whole, [false, true, true, true, false]);
        // The last 30 days start and end at the clock's minute.
        let now = local(9, 8, 12, 0);
        let w = weeks(&Period::last_30_days(TZ, now), TZ);
        assert_eq!(w.first().map(|w| (w.first_day, w.from)), Some((day(8, 9), local(8, 9, 12, 0))));
        assert_eq!(w.last().map(|w| (w.first_day, w.to)), Some((day(9, 7), now)));
        assert_eq!(w.len(), 6);
        assert_eq!(w.iter().filter(|w| w.whole).count(), 4);
        // One day is one week.
        assert_eq!(weeks(&Period::days(TZ, day(9, 3), day(9, 3)), TZ).len(), 1);
    }

    fn place(school: i64, name: &str) -> Place {
        Place {
            school: SchoolId(school),
            school_name: name.to_owned(),
            district: DistrictId(1),
            district_name: "Талдықорған".to_owned(),
        }
    }

    /// `n` students of `school`, ids from `first`.
    fn students(school: i64, first: i64, n: i64) -> Vec<(SchoolId, UserId)> {
        (first..first + n).map(|u| (SchoolId(school), UserId(u))).collect()
    }

    fn question(school: i64, asked_at: DateTime<Utc>, answered_at: Option<DateTime<Utc>>) -> QuestionFact {
        QuestionFact { school: SchoolId(school), quiet: QuietHours::default(), asked_at, answered_at }
    }

    fn meeting(school: i64, starts_at: DateTime<Utc>, state: MeetingState) -> MeetingFact {
        MeetingFact { school: SchoolId(school), starts_at, state }
    }

    /// Three schools: №1 with 6 students, №2 with 5, №3 with 2 (too few
    /// for a line of its own). Quiet hours 22:00–07:00.
    ///
    /// - week of 1 Sep: №1 asks at 10:00 (answered 10:20: 20 min) and
    ///   21:00 (answered 07:40 next day: 21–22 and 07–07:40, 100 working
    ///   minutes; the clock says 640); №3 asks, waits.
    ///   №1 holds a meeting, №2's is cancelled by the student.
    /// - week of 7 Sep: nothing.
    /// - week of 14 Sep: №2 asks three times (10, 30, 90 min); №1 holds
    ///   two meetings, №3 one.
    /// - weeks of 21 and 28 Sep: №2 asks once on the 30th, unanswered.
    ///
    /// So questions per week 3, 0, 3, 0, 1; booked 2, 0, 3, 0, 0; held 1,
    /// 0, 3, 0, 0; first answers: week 1 median (20+100)/2 = 60, p90 100;
    /// week 3 median 30, p90 90; no answers otherwise.
    fn three_schools() -> Facts {
        Facts {
            places: vec![place(1, "№1 мектеп"), place(2, "№2 мектеп"), place(3, "№3 мектеп")],
            students: [students(1, 100, 6), students(2, 200, 5), students(3, 300, 2)].concat(),
            questions: vec![
                question(1, local(9, 2, 10, 0), Some(local(9, 2, 10, 20))),
                question(1, local(9, 2, 21, 0), Some(local(9, 3, 7, 40))),
                question(3, local(9, 4, 12, 0), None),
                question(2, local(9, 15, 9, 0), Some(local(9, 15, 9, 10))),
                question(2, local(9, 15, 11, 0), Some(local(9, 15, 11, 30))),
                question(2, local(9, 16, 12, 0), Some(local(9, 16, 13, 30))),
                question(2, local(9, 30, 12, 0), None),
            ],
            meetings: vec![
                meeting(1, local(9, 3, 15, 0), MeetingState::Held),
                meeting(2, local(9, 4, 15, 0), MeetingState::Cancelled(Canceller::Student)),
                meeting(1, local(9, 14, 15, 0), MeetingState::Held),
                meeting(1, local(9, 18, 15, 0), MeetingState::Held),
                meeting(3, local(9, 20, 23, 59), MeetingState::Held),
            ],
            ..Facts::default()
        }
    }

    #[test]
    fn a_month_week_by_week_as_counted_by_hand() {
        let Charted::Weekly(w) = weekly(&three_schools(), &september(), local(10, 1, 12, 0), TZ) else {
            panic!("a chart")
        };
        assert_eq!(w.questions, [3, 0, 3, 0, 1]);
        assert_eq!(w.booked, [2, 0, 3, 0, 0]);
        assert_eq!(w.held, [1, 0, 3, 0, 0]);
        let times: Vec<_> = w.first_answers.iter().map(|f| (f.median_min, f.p90_min)).collect();
        assert_eq!(
            times,
            [(Some(60), Some(100)), (None, None), (Some(30), Some(90)), (None, None), (None, None)]
        );
        // №1 (2 questions, 3 meetings) and №2 (4 questions, 1 meeting) are as
        // busy: the figures' order stands.
        let names: Vec<_> = w.schools.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["№1 мектеп", "№2 мектеп"]);
        assert_eq!(w.schools[0].questions, [2, 0, 0, 0, 0]);
        assert_eq!(w.schools[0].held, [1, 0, 2, 0, 0]);
        assert_eq!(w.schools[1].questions, [0, 0, 3, 0, 1]);
        assert_eq!(w.schools[1].held, [0, 0, 0, 0, 0]);
        // №3 (two students) is only in the scope's line.
        assert_eq!(w.schools_apart, 1);
    }

    #[test]
    fn the_busiest_schools_get_lines_of_their_own() {
        let mut facts = Facts::default();
        for s in 1..=8 {
            facts.places.push(place(s, &format!("№{s} мектеп")));
            facts.students.extend(students(s, s * 100, 5));
            // School s asks s questions in the first week.
            for _ in 0..s {
                facts.questions.push(question(s, local(9, 2, 10, 0), None));
            }
        }
        let Charted::Weekly(w) = weekly(&facts, &september(), local(10, 1, 12, 0), TZ) else {
            panic!("a chart")
        };
        let names: Vec<_> = w.schools.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["№8 мектеп", "№7 мектеп", "№6 мектеп", "№5 мектеп", "№4 мектеп", "№3 мектеп"]);
        assert_eq!(w.schools_apart, 2);
        assert_eq!(w.questions[0], 36);
    }

    #[test]
    fn one_school_is_the_scopes_line() {
        let mut facts = three_schools();
        facts.places.truncate(1);
        facts.students = students(1, 100, 6);
        let Charted::Weekly(w) = weekly(&facts, &september(), local(10, 1, 12, 0), TZ) else {
            panic!("a chart")
        };
        assert_eq!((w.schools.len(), w.schools_apart), (0, 0));
    }

    #[test]
    fn too_few_students_or_nothing_to_draw() {
        let now = local(10, 1, 12, 0);
        let mut facts = three_schools();
        // Four students in all: the weeks could point at a child.
        facts.students = [students(1, 100, 2), students(2, 200, 1), students(3, 300, 1)].concat();
        assert_eq!(weekly(&facts, &september(), now, TZ), Charted::TooFewStudents);
        // No question and no meeting (an SOS is not charted).
        let quiet = Facts { places: facts.places.clone(), students: students(1, 100, 9), ..Facts::default() };
        assert_eq!(weekly(&quiet, &september(), now, TZ), Charted::Nothing);
        // A single week: the figures are the chart.
        let one = Period::days(TZ, day(9, 14), day(9, 20));
        assert_eq!(weekly(&three_schools(), &one, now, TZ), Charted::Nothing);
    }
}
