//! The charts of the coordinator's figures (`domain::weekly`) in the
//! reader's language, drawn by `kit::chart`: one picture of three panels —
//! questions a week, meetings a week (held, and all booked), and the time
//! to a mentor's first answer (median and 90th percentile). `/stats` sends
//! it with the figures; `talimger stats --chart` writes the same file.

use super::chart::{self, Chart, ChartError, INK, Line, PALETTE, Panel};
use crate::domain::Lang;
use crate::domain::period::Period;
use crate::domain::weekly::{FirstAnswers, Weekly};
use crate::t;
use chrono::NaiveDate;

/// Below this, the time panel counts in minutes; from it, in hours.
const MINUTES_UP_TO: i64 = 120;

/// The picture of `weekly` in `lang`, for `scope` (a district's name, or
/// all districts) over `period`.
pub fn png(lang: Lang, weekly: &Weekly, scope: Option<&str>, period: &Period) -> Result<Vec<u8>, ChartError> {
    chart::png(&chart_of(lang, weekly, scope, period))
}

/// The file's name: `stats_2026-09-01_2026-09-30.png`.
pub fn file_name(period: &Period) -> String {
    format!("stats_{}_{}.png", period.first_day, period.last_day)
}

/// What the picture says, every word in `lang`.
pub fn chart_of(lang: Lang, weekly: &Weekly, scope: Option<&str>, period: &Period) -> Chart {
    let scope = match scope {
        Some(name) => t!(lang, "stats-scope-district", district = name),
        None => t!(lang, "stats-scope-all"),
    };
    let title = t!(
        lang,
        "stats-chart-title",
        scope = scope,
        from = full_date(period.first_day),
        to = full_date(period.last_day)
    );
    let colour = |k: usize| PALETTE[k % PALETTE.len()];
    let counts = |v: &[usize]| v.iter().map(|&n| Some(n as f64)).collect::<Vec<_>>();
    let line = |label: String, colour, dashed, values| Line { label, colour, dashed, values };

    let mut questions = vec![line(t!(lang, "stats-total"), INK, false, counts(&weekly.questions))];
    let mut meetings = vec![
        line(t!(lang, "stats-chart-held-total"), INK, false, counts(&weekly.held)),
        line(t!(lang, "stats-chart-booked-total"), INK, true, counts(&weekly.booked)),
    ];
    for (k, school) in weekly.schools.iter().enumerate() {
        questions.push(line(school.name.clone(), colour(k), false, counts(&school.questions)));
        let held = t!(lang, "stats-chart-school-held", name = school.name.as_str());
        meetings.push(line(held, colour(k), false, counts(&school.held)));
    }

    let panels = vec![
        Panel {
            title: t!(lang, "stats-chart-questions"),
            unit: String::new(),
            lines: questions,
            empty: String::new(),
            counts: true,
        },
        Panel {
            title: t!(lang, "stats-chart-meetings"),
            unit: String::new(),
            lines: meetings,
            empty: String::new(),
            counts: true,
        },
        answers_panel(lang, &weekly.first_answers),
    ];

    let mut notes = Vec::new();
    if weekly.schools_apart > 0 {
        let count = i64::try_from(weekly.schools_apart).unwrap_or(i64::MAX);
        notes.push(t!(lang, "stats-chart-apart", count = count));
    }
    let partial: Vec<String> =
        weekly.weeks.iter().filter(|w| !w.whole).map(|w| day_month(w.first_day)).collect();
    if !partial.is_empty() {
        notes.push(t!(lang, "stats-chart-partial", dates = partial.join(", ")));
    }
    Chart {
        title,
        x_title: t!(lang, "stats-chart-weeks"),
        x_labels: weekly.weeks.iter().map(|w| day_month(w.first_day)).collect(),
        panels,
        notes,
    }
}

/// The median and the 90th percentile, in minutes or (when the slowest
/// weeks are longer) in hours.
fn answers_panel(lang: Lang, weeks: &[FirstAnswers]) -> Panel {
    let slowest = weeks.iter().filter_map(|w| w.p90_min).max().unwrap_or(0);
    let (unit, per) = if slowest < MINUTES_UP_TO {
        (t!(lang, "stats-chart-unit-minutes"), 1.0)
    } else {
        (t!(lang, "stats-chart-unit-hours"), 60.0)
    };
    let series = |pick: fn(&FirstAnswers) -> Option<i64>| {
        weeks.iter().map(|w| pick(w).map(|m| m as f64 / per)).collect::<Vec<_>>()
    };
    Panel {
        title: t!(lang, "stats-chart-answers"),
        unit,
        lines: vec![
            Line {
                label: t!(lang, "stats-chart-median"),
                colour: PALETTE[0],
                dashed: false,
                values: series(|w| w.median_min),
            },
            Line {
                label: t!(lang, "stats-chart-p90"),
                colour: PALETTE[3],
                dashed: false,
                values: series(|w| w.p90_min),
            },
        ],
        empty: t!(lang, "stats-chart-no-answers"),
        counts: false,
    }
}

/// «12.10»: a week's label.
fn day_month(day: NaiveDate) -> String {
    day.format("%d.%m").to_string()
}

/// «12.10.2026»: the period's ends in the title.
fn full_date(day: NaiveDate) -> String {
    day.format("%d.%m.%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SchoolId;
    use crate::domain::weekly::{SchoolWeeks, weeks};
    use chrono_tz::Tz;

    const TZ: Tz = chrono_tz::Asia::Almaty;

    fn weekly(first_answers: Vec<FirstAnswers>) -> (Weekly, Period) {
        let day = |d| NaiveDate::from_ymd_opt(2026, 9, d).expect("valid");
        let period = Period::days(TZ, day(1), day(13));
        let weekly = Weekly {
            weeks: weeks(&period, TZ),
            questions: vec![3, 4],
            booked: vec![2, 1],
            held: vec![1, 1],
            first_answers,
            schools: vec![SchoolWeeks {
                school: SchoolId(1),
                name: "№5 мектеп".to_owned(),
                questions: vec![2, 4],
                held: vec![1, 0],
            }],
            schools_apart: 2,
        };
        (weekly, period)
    }

    #[test]
    fn every_word_in_the_readers_language() {
        let times = vec![
            FirstAnswers { median_min: Some(30), p90_min: Some(90) },
            FirstAnswers { median_min: None, p90_min: None },
        ];
        let (w, period) = weekly(times);
        let kk = chart_of(Lang::Kk, &w, Some("Талдықорған"), &period);
        assert_eq!(kk.title, "Аудан: Талдықорған · 01.09.2026 — 13.09.2026");
        assert_eq!(kk.x_labels, ["01.09", "07.09"]);
        assert_eq!(kk.panels[0].lines[1].label, "№5 мектеп");
        assert_eq!(kk.panels[1].lines[2].label, "№5 мектеп: өткені");
        assert_eq!(kk.panels[2].unit, "минут");
        assert_eq!(kk.panels[2].lines[1].values, [Some(90.0), None]);
        assert_eq!(kk.notes.len(), 2, "{:?}", kk.notes);
        assert!(kk.notes[0].contains("Тағы 2 мектеп"), "{:?}", kk.notes);
        assert!(kk.notes[1].contains("01.09"), "the first week is cut: {:?}", kk.notes);
        let ru = chart_of(Lang::Ru, &w, None, &period);
        assert_eq!(ru.title, "Все районы области · 01.09.2026 — 13.09.2026");
        assert_eq!(ru.panels[1].lines[2].label, "№5 мектеп: состоялись");
        assert!(ru.notes[0].starts_with("Ещё 2 школы"), "{:?}", ru.notes);
    }

    #[test]
    fn slow_weeks_in_hours() {
        let times = vec![
            FirstAnswers { median_min: Some(90), p90_min: Some(150) },
            FirstAnswers { median_min: Some(30), p90_min: Some(60) },
        ];
        let (w, period) = weekly(times);
        let ru = chart_of(Lang::Ru, &w, None, &period);
        assert_eq!(ru.panels[2].unit, "часы");
        assert_eq!(ru.panels[2].lines[0].values, [Some(1.5), Some(0.5)]);
        assert_eq!(file_name(&period), "stats_2026-09-01_2026-09-13.png");
    }
}
