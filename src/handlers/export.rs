//! `/export`: a coordinator's CSV file — what (meetings, questions, SOS
//! alerts, people), then the period (this week, the last 30 days, this
//! school quarter, or typed dates) — sent as a document through the
//! outbox. The same file as `talimger export` (`kit::export`), in the
//! coordinator's language, scoped to their district (none: all). Only
//! coordinators run it or press its buttons; anyone else is refused and
//! nothing changes.

use super::Env;
use crate::commands::Command;
use crate::db::{NewItem, Priority, Request};
use crate::dialogue::{ExportStep, State};
use crate::domain::Role;
use crate::domain::calendar::{date_text, local_date};
use crate::domain::export::ExportKind;
use crate::domain::period::{MAX_RANGE_DAYS, Period, PeriodKind, RangeError, parse_range};
use crate::error::{Error, HandlerResult};
use crate::input;
use crate::keyboards::{Callback, ExportCb, button};
use crate::kit::env::role_is;
use crate::kit::export::{csv_bytes, file_name};
use crate::t;
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::payloads::{SendDocument, SendDocumentSetters};
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

/// The feature's sub-tree: `/export`, the typed dates, the buttons.
pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(input::command().branch(case![Command::Export].endpoint(command)))
        .branch(input::typed().branch(typed_answers()))
        .branch(input::press().branch(case![Callback::Export(cb)].branch(buttons())))
}

/// A coordinator's presses in any step (each screen stands on its own);
/// anyone else's is refused with a toast.
fn buttons() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(
            dptree::filter(role_is(Role::Coordinator))
                .branch(case![ExportCb::What(kind)].endpoint(what_picked))
                .branch(case![ExportCb::Period(kind, period)].endpoint(period_picked)),
        )
        .endpoint(refused)
}

/// The dates a coordinator types after «Enter dates».
fn typed_answers() -> UpdateHandler<Error> {
    case![State::Export(step)]
        .filter(role_is(Role::Coordinator))
        .branch(case![ExportStep::Dates { kind }].endpoint(dates_typed))
}

/// `/export`: what to export.
async fn command(env: Env) -> HandlerResult {
    if env.ctx.user.role != Some(Role::Coordinator) {
        env.tell("export-not-available");
        return Ok(());
    }
    env.work.exit();
    let b = |id: &str, kind| button(t!(env.lang, id), Callback::Export(ExportCb::What(kind)));
    let keyboard = InlineKeyboardMarkup::new([
        vec![
            b("export-btn-meetings", ExportKind::Meetings),
            b("export-btn-questions", ExportKind::Questions),
        ],
        vec![b("export-btn-sos", ExportKind::Sos), b("export-btn-users", ExportKind::Users)],
    ]);
    env.work.say_with(env.chat(), t!(env.lang, "export-ask-what"), keyboard);
    Ok(())
}

/// What is picked: the period.
async fn what_picked(env: Env, press: CallbackQuery, kind: ExportKind) -> HandlerResult {
    env.work.answer(&press, None);
    let b = |id: &str, period| button(t!(env.lang, id), Callback::Export(ExportCb::Period(kind, period)));
    let keyboard = InlineKeyboardMarkup::new([
        vec![b("export-btn-week", PeriodKind::Week), b("export-btn-30", PeriodKind::Last30)],
        vec![b("export-btn-term", PeriodKind::Term), b("export-btn-dates", PeriodKind::Range)],
    ]);
    env.work.say_with(env.chat(), t!(env.lang, "export-ask-period"), keyboard);
    Ok(())
}

async fn period_picked(
    env: Env,
    press: CallbackQuery,
    (kind, period): (ExportKind, PeriodKind),
) -> HandlerResult {
    env.work.answer(&press, None);
    match Period::of(period, env.config.tz, env.clock.now()) {
        Some(period) => {
            env.work.exit();
            send(&env, kind, &period).await
        }
        None => {
            env.work.set_state(State::Export(ExportStep::Dates { kind }));
            env.tell("export-ask-dates");
            Ok(())
        }
    }
}

/// A press on a coordinator's screen by someone else: a toast, nothing else.
async fn refused(env: Env, press: CallbackQuery) -> HandlerResult {
    env.work.answer(&press, Some(t!(env.lang, "export-refused")));
    Ok(())
}

async fn dates_typed(env: Env, msg: Message, kind: ExportKind) -> HandlerResult {
    let tz = env.config.tz;
    let today = local_date(tz, env.clock.now());
    match parse_range(msg.text().unwrap_or_default(), today) {
        Ok((first, last)) => {
            env.work.exit();
            send(&env, kind, &Period::days(tz, first, last)).await
        }
        Err(e) => {
            let text = match e {
                RangeError::Shape => t!(env.lang, "export-bad-shape"),
                RangeError::NotADate(word) => t!(env.lang, "export-bad-date", text = word),
                RangeError::Reversed => t!(env.lang, "export-bad-order"),
                RangeError::Future => t!(env.lang, "export-bad-future"),
                RangeError::TooLong => t!(env.lang, "export-bad-long", days = MAX_RANGE_DAYS),
            };
            env.work.say(env.chat(), text);
            Ok(())
        }
    }
}

/// The file of the coordinator's scope over `period`, as a document.
async fn send(env: &Env, kind: ExportKind, period: &Period) -> HandlerResult {
    let district = env.ctx.user.district_id;
    let (tz, now) = (env.config.tz, env.clock.now());
    let mut db = env.work.db().await?;
    let table = db.export_table(kind, district, period.from, period.to, tz, now).await?;
    let salt = db.export_salt(now).await?;
    drop(db);
    let bytes = csv_bytes(env.lang, kind, &table, &salt, tz);
    let what = t!(env.lang, what_id(kind));
    let caption = t!(
        env.lang,
        "export-caption",
        what = what,
        from = date_text(env.lang, period.first_day),
        to = date_text(env.lang, period.last_day),
        rows = i64::try_from(table.rows.len()).unwrap_or(i64::MAX)
    );
    let chat = env.chat();
    let request = Request::upload(&file_name(kind, period), bytes, |file| {
        SendDocument::new(chat, file).caption(caption)
    });
    env.work.push(NewItem::new(chat.0, Priority::Answer, request));
    tracing::info!(
        coordinator = env.ctx.user.id.0,
        district = district.map(|d| d.0),
        kind = kind.code(),
        "export sent"
    );
    Ok(())
}

fn what_id(kind: ExportKind) -> &'static str {
    match kind {
        ExportKind::Meetings => "export-btn-meetings",
        ExportKind::Questions => "export-btn-questions",
        ExportKind::Sos => "export-btn-sos",
        ExportKind::Users => "export-btn-users",
    }
}
