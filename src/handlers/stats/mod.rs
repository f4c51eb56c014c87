//! `/stats`: a coordinator's figures over a period — this week, the last
//! 30 days (the default), this school quarter, or typed dates — per
//! district and school, with the total. A district's coordinator sees that
//! district, a regional one (no district) all of them. The facts come from
//! `db::stats`, the counting from `domain::stats`, the words from
//! `report`; the weekly charts of the same facts follow the figures as a
//! picture (`domain::weekly`, drawn by `kit::stats_chart`). Only
//! coordinators run it or press its buttons; anyone else is refused and
//! nothing changes.

mod report;

pub use report::{period_line, report_text};

use super::Env;
use crate::commands::{self, Command};
use crate::dialogue::{State, StatsStep};
use crate::domain::Role;
use crate::domain::calendar::local_date;
use crate::domain::period::{Period, PeriodKind, RangeError, parse_range};
use crate::domain::stats::Report;
use crate::domain::weekly::{Charted, weekly};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, StatsCb, button};
use crate::kit::env::role_is;
use crate::kit::stats_chart;
use crate::t;
use dptree::case;
use teloxide::dispatching::UpdateFilterExt;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, Me};

/// The feature's sub-tree: `/stats`, the typed dates, the period buttons.
/// A command is never a typed answer (so `/cancel` and the others pass).
pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(
            Update::filter_message()
                .filter_map(|msg: Message, me: Me| commands::parse(&msg, &me))
                .branch(case![Command::Stats].endpoint(command)),
        )
        .branch(
            Update::filter_message()
                .filter(|msg: Message| msg.text().is_some_and(|t| !t.starts_with('/')))
                .branch(typed_answers()),
        )
        .branch(
            Update::filter_callback_query()
                .filter(|q: CallbackQuery| q.regular_message().is_some())
                .filter_map(|q: CallbackQuery| q.data.as_deref().and_then(Callback::parse))
                .branch(buttons()),
        )
}

/// The period buttons: a coordinator's in any step (the screen stands on
/// its own); anyone else's press is refused.
fn buttons() -> UpdateHandler<Error> {
    case![Callback::Stats(cb)]
        .branch(
            dptree::filter(role_is(Role::Coordinator))
                .branch(case![StatsCb::Period(kind)].endpoint(period_picked)),
        )
        .endpoint(refused)
}

/// The dates a coordinator types after «Enter dates».
fn typed_answers() -> UpdateHandler<Error> {
    case![State::Stats(step)]
        .filter(role_is(Role::Coordinator))
        .branch(case![StatsStep::Dates].endpoint(dates_typed))
}

/// `/stats`: the last 30 days.
async fn command(env: Env) -> HandlerResult {
    if env.ctx.user.role != Some(Role::Coordinator) {
        env.tell("stats-not-available");
        return Ok(());
    }
    env.work.exit();
    let period = Period::last_30_days(env.config.tz, env.clock.now());
    show(&env, &period).await
}

async fn period_picked(env: Env, press: CallbackQuery, kind: PeriodKind) -> HandlerResult {
    env.work.answer(&press, None);
    match Period::of(kind, env.config.tz, env.clock.now()) {
        Some(period) => {
            env.work.exit();
            show(&env, &period).await
        }
        None => {
            env.work.set_state(State::Stats(StatsStep::Dates));
            env.tell("stats-ask-dates");
            Ok(())
        }
    }
}

/// A press on a coordinator's screen by someone else: a toast, nothing else.
async fn refused(env: Env, press: CallbackQuery) -> HandlerResult {
    env.work.answer(&press, Some(t!(env.lang, "stats-refused")));
    Ok(())
}

async fn dates_typed(env: Env, msg: Message) -> HandlerResult {
    let tz = env.config.tz;
    let today = local_date(tz, env.clock.now());
    match parse_range(msg.text().unwrap_or_default(), today) {
        Ok((first, last)) => {
            env.work.exit();
            show(&env, &Period::days(tz, first, last)).await
        }
        Err(e) => {
            let text = match e {
                RangeError::Shape => t!(env.lang, "stats-bad-shape"),
                RangeError::NotADate(word) => t!(env.lang, "stats-bad-date", text = word),
                RangeError::Reversed => t!(env.lang, "stats-bad-order"),
                RangeError::Future => t!(env.lang, "stats-bad-future"),
                RangeError::TooLong => {
                    t!(env.lang, "stats-bad-long", days = crate::domain::period::MAX_RANGE_DAYS)
                }
            };
            env.work.say(env.chat(), text);
            Ok(())
        }
    }
}

/// The figures of the coordinator's scope over `period`, with the buttons,
/// then the weekly charts of the same facts when there is something to
/// draw (`domain::weekly`: not for a single week, nor for fewer than five
/// students, which the figures then say).
async fn show(env: &Env, period: &Period) -> HandlerResult {
    let district = env.ctx.user.district_id;
    let (now, tz) = (env.clock.now(), env.config.tz);
    let facts = env.work.db().await?.stats_facts(district, period.from, period.to).await?;
    let report = Report::build(&facts, period, now, tz);
    let scope = match district {
        Some(d) => env.work.db().await?.district_name(d).await?,
        None => None,
    };
    let mut text = report_text(env.lang, period, local_date(tz, now), scope.as_deref(), &report);
    let charted = weekly(&facts, period, now, tz);
    if charted == Charted::TooFewStudents {
        text = format!("{text}\n\n{}", t!(env.lang, "stats-chart-too-few"));
    }
    env.work.say_with(env.chat(), text, keyboard(env));
    if let Charted::Weekly(weeks) = charted {
        // The chart adds to the figures: if it cannot be drawn, they stand alone.
        match stats_chart::png(env.lang, &weeks, scope.as_deref(), period) {
            Ok(png) => env.work.photo(
                env.chat(),
                png,
                stats_chart::file_name(period),
                t!(env.lang, "stats-chart-caption"),
            ),
            Err(e) => tracing::error!(error = %e, "the stats chart was not drawn"),
        }
    }
    tracing::info!(coordinator = env.ctx.user.id.0, district = district.map(|d| d.0), "stats shown");
    Ok(())
}

fn keyboard(env: &Env) -> InlineKeyboardMarkup {
    let b = |id: &str, kind| button(t!(env.lang, id), Callback::Stats(StatsCb::Period(kind)));
    InlineKeyboardMarkup::new([
        vec![b("stats-btn-week", PeriodKind::Week), b("stats-btn-30", PeriodKind::Last30)],
        vec![b("stats-btn-term", PeriodKind::Term), b("stats-btn-dates", PeriodKind::Range)],
    ])
}
