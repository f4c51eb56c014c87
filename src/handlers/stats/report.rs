//! The figures as a coordinator reads them, in their language: the period,
//! the scope, the total, each district and each school. Counts and times
//! only — no student is named.

use crate::domain::Lang;
use crate::domain::calendar::date_text_from;
use crate::domain::period::Period;
use crate::domain::stats::{Figures, Report};
use crate::t;
use chrono::NaiveDate;

/// «Статистика: 3 августа — 2 сентября» and the scope.
pub fn period_line(lang: Lang, period: &Period, today: NaiveDate, district: Option<&str>) -> String {
    let from = date_text_from(lang, period.first_day, today);
    let to = date_text_from(lang, period.last_day, today);
    let title = t!(lang, "stats-title", from = from, to = to);
    let scope = match district {
        Some(name) => t!(lang, "stats-scope-district", district = name),
        None => t!(lang, "stats-scope-all"),
    };
    format!("📊 {title}\n{scope}")
}

/// The whole report: the total first, then each district (when there are
/// several) and each school.
pub fn report_text(
    lang: Lang,
    period: &Period,
    today: NaiveDate,
    district: Option<&str>,
    report: &Report,
) -> String {
    let mut out = vec![period_line(lang, period, today, district)];
    if report.districts.is_empty() {
        out.push(t!(lang, "stats-empty"));
        return out.join("\n\n");
    }
    out.push(format!("{}\n{}", t!(lang, "stats-total"), block(lang, &report.total)));
    let several = report.districts.len() > 1;
    for d in &report.districts {
        if several {
            out.push(format!(
                "{}\n{}",
                t!(lang, "stats-district", name = d.name.as_str()),
                block(lang, &d.figures)
            ));
        }
        for s in &d.schools {
            out.push(format!(
                "{}\n{}",
                t!(lang, "stats-school", name = s.name.as_str()),
                block(lang, &s.figures)
            ));
        }
    }
    out.join("\n\n")
}

/// One group's figures, a line per subject.
fn block(lang: Lang, f: &Figures) -> String {
    let q = &f.questions;
    let s = &f.sos;
    let m = &f.meetings;
    let mut lines = vec![
        t!(lang, "stats-people", mentors = n(f.mentors), students = n(f.students), parents = n(f.parents)),
        t!(
            lang,
            "stats-questions",
            asked = n(q.asked),
            answered = n(q.answered),
            waiting = n(q.waiting),
            late = n(q.waiting_over_48h)
        ),
    ];
    lines.push(match (q.first_answer_median_min, q.first_answer_p90_min) {
        (Some(median), Some(p90)) => {
            t!(lang, "stats-first-answer", median = duration(lang, median), p90 = duration(lang, p90))
        }
        _ => t!(lang, "stats-first-answer-none"),
    });
    let ack = s.ack_median_min.map_or_else(|| t!(lang, "stats-none"), |m| duration(lang, m));
    lines.push(t!(
        lang,
        "stats-sos",
        alerts = n(s.alerts),
        acked = n(s.acknowledged),
        median = ack,
        escalated = n(s.escalated)
    ));
    lines.push(t!(
        lang,
        "stats-meetings",
        booked = n(m.booked),
        held = n(m.held),
        noshow = n(m.no_show),
        cancelled = n(m.cancelled),
        bystudent = n(m.cancelled_by_student),
        byparent = n(m.cancelled_by_parent),
        bymentor = n(m.cancelled_by_mentor),
        unmarked = n(m.not_marked)
    ));
    if m.cancelled_by_other > 0 {
        lines.push(t!(lang, "stats-cancelled-other", others = n(m.cancelled_by_other)));
    }
    lines.push(match &f.per_student {
        Some(r) => {
            t!(lang, "stats-rates", qrate = decimal(r.questions), mrate = decimal(r.meetings_held))
        }
        None => t!(lang, "stats-rates-hidden"),
    });
    lines.join("\n")
}

/// Minutes as «1 час 5 минут» / «1 сағат 5 минут», or hours or minutes alone.
pub fn duration(lang: Lang, minutes: i64) -> String {
    let (hours, minutes) = (minutes / 60, minutes % 60);
    if hours == 0 {
        t!(lang, "stats-minutes", minutes = minutes)
    } else if minutes == 0 {
        t!(lang, "stats-hours", hours = hours)
    } else {
        t!(lang, "stats-duration", hours = hours, minutes = minutes)
    }
}

/// A count as the locales take it.
fn n(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// A rate with a decimal comma, as both languages write it: «0,5».
fn decimal(x: f64) -> String {
    format!("{x:.1}").replace('.', ",")
}
