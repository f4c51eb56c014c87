//! `/broadcast`: a coordinator's message to the mentors, the parents or
//! the students of a school, a district or the whole region (a district's
//! coordinator stays in their district); a mentor's to the parents or the
//! students of their own mentees (a class notice). Who, then where (by
//! buttons that redraw one message), then the text (`compose`): a preview
//! exactly as it arrives — the header in each recipient's language, the
//! text as written — with the number of recipients, then «Send».
//!
//! Sending (`progress`): on «Send», in the press's transaction, the
//! ledger gets a row per recipient and the outbox one item per recipient
//! at `Priority::Bulk` (keyed `bc:<broadcast>:<user>`), the writer one
//! progress message with «Stop». A job of the broadcast's own looks every
//! few seconds: it copies the items' outcomes into the ledger, edits the
//! progress message when the counts changed, and ends with the final
//! count. `history`: the writer's last broadcasts, counted.
//!
//! Every press is checked on the server: the presser's role and scope
//! (`domain::broadcast::may_address`), and for a broadcast's own buttons
//! that the presser wrote it. Anything else is refused with a toast and
//! changes nothing.

mod compose;
mod history;
mod progress;

pub use progress::jobs;

use super::Env;
use crate::commands::Command;
use crate::db::Broadcast;
use crate::dialogue::{BroadcastStep, State};
use crate::domain::broadcast::{Audience, Counts, Group, Scope, Stage, Writer, may_address};
use crate::domain::ids::BroadcastId;
use crate::domain::{DistrictId, Lang, Role, SchoolId, User};
use crate::error::{Error, HandlerResult};
use crate::i18n::{Arg, tr_args};
use crate::keyboards::{BroadcastCb, Callback, button, grid};
use crate::work::Work;
use crate::{input, t};
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

/// Places on one screen at most (Telegram allows 100 buttons).
const MAX_PLACES: usize = 90;

/// The feature's sub-tree: `/broadcast`, the text of its one step, its
/// buttons.
pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(input::command().branch(case![Command::Broadcast].endpoint(command)))
        .branch(input::typed().branch(typed_answers()))
        .branch(input::press().branch(case![Callback::Broadcast(cb)].branch(buttons())))
}

/// The text after «who» and «where» (a Telegram reply to a relayed
/// message is a mentor's answer instead: the relay takes it).
fn typed_answers() -> UpdateHandler<Error> {
    dptree::filter(|msg: Message| msg.reply_to_message().is_none()).branch(
        case![State::Broadcast(step)]
            .branch(case![BroadcastStep::Writing { audience }].endpoint(compose::typed)),
    )
}

/// Coordinators' and mentors' presses, each checked in its handler;
/// anyone else's is refused.
fn buttons() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(
            dptree::filter(|env: Env| matches!(env.ctx.user.role, Some(Role::Coordinator | Role::Mentor)))
                .branch(case![BroadcastCb::To(group)].endpoint(group_picked))
                .branch(case![BroadcastCb::Open(group, district)].endpoint(district_opened))
                .branch(case![BroadcastCb::Everyone(group)].endpoint(everyone_picked))
                .branch(case![BroadcastCb::District(group, district)].endpoint(district_picked))
                .branch(case![BroadcastCb::School(group, school)].endpoint(school_picked))
                .branch(case![BroadcastCb::Send(broadcast)].endpoint(compose::send))
                .branch(case![BroadcastCb::Drop(broadcast)].endpoint(compose::drop))
                .branch(case![BroadcastCb::Stop(broadcast)].endpoint(progress::stop))
                .branch(case![BroadcastCb::History].endpoint(history::show)),
        )
        .endpoint(refused)
}

/// A press that is not the presser's to make: a toast, nothing else.
async fn refused(env: Env, press: CallbackQuery) -> HandlerResult {
    refuse(&env, &press)
}

fn refuse(env: &Env, press: &CallbackQuery) -> HandlerResult {
    toast(env, press, "broadcast-refused")
}

/// The broadcast behind a press on one of its own buttons, if the
/// presser wrote it; otherwise the press gets its toast (`gone`: there is
/// no such broadcast any more) and `None`.
async fn own_broadcast(
    env: &Env,
    press: &CallbackQuery,
    id: BroadcastId,
    gone: &str,
) -> Result<Option<Broadcast>, Error> {
    let found = env.work.db().await?.broadcast(id).await?;
    match found {
        Some(b) if b.writer == env.ctx.user.id => Ok(Some(b)),
        Some(_) => toast(env, press, "broadcast-not-yours").map(|()| None),
        None => toast(env, press, gone).map(|()| None),
    }
}

/// A press answered with a toast, and nothing else.
fn toast(env: &Env, press: &CallbackQuery, id: &str) -> HandlerResult {
    env.work.answer(press, Some(t!(env.lang, id)));
    Ok(())
}

/// `/broadcast`: who it is for.
async fn command(env: Env) -> HandlerResult {
    let (text, rows) = match env.ctx.user.role {
        Some(Role::Coordinator) => (
            "broadcast-ask-group",
            vec![
                group_button(env.lang, "broadcast-btn-mentors", Group::Mentors),
                group_button(env.lang, "broadcast-btn-parents", Group::Parents),
                group_button(env.lang, "broadcast-btn-students", Group::Students),
            ],
        ),
        Some(Role::Mentor) => (
            "broadcast-ask-group-mentor",
            vec![
                group_button(env.lang, "broadcast-btn-my-parents", Group::Parents),
                group_button(env.lang, "broadcast-btn-my-students", Group::Students),
            ],
        ),
        _ => {
            env.tell("broadcast-not-available");
            return Ok(());
        }
    };
    env.work.exit();
    let mut rows: Vec<Vec<InlineKeyboardButton>> = rows.into_iter().map(|b| vec![b]).collect();
    let history = t!(env.lang, "broadcast-btn-history");
    rows.push(vec![button(history, Callback::Broadcast(BroadcastCb::History))]);
    env.work.say_with(env.chat(), t!(env.lang, text), InlineKeyboardMarkup::new(rows));
    Ok(())
}

fn group_button(lang: Lang, id: &str, group: Group) -> InlineKeyboardButton {
    button(t!(lang, id), Callback::Broadcast(BroadcastCb::To(group)))
}

/// The group is chosen: a mentor writes at once (to their mentees' people);
/// a district's coordinator picks a school or the whole district, a
/// regional one a district or every district.
async fn group_picked(env: Env, press: CallbackQuery, group: Group) -> HandlerResult {
    let me = &env.ctx.user;
    match (me.role, me.district_id) {
        (Some(Role::Mentor), _) => ask_text(&env, &press, Audience { group, scope: Scope::Mentees }).await,
        (_, Some(district)) => show_district(&env, &press, group, district, false).await,
        (_, None) => {
            let districts = env.work.db().await?.districts().await?;
            let b = |text: String, cb| button(text, Callback::Broadcast(cb));
            let mut rows =
                vec![vec![b(t!(env.lang, "broadcast-btn-everyone"), BroadcastCb::Everyone(group))]];
            let places =
                districts.into_iter().take(MAX_PLACES).map(|(d, name)| b(name, BroadcastCb::Open(group, d)));
            rows.extend(grid(places.collect(), 2).inline_keyboard);
            env.work.answer(&press, None);
            let text = t!(env.lang, "broadcast-ask-district", group = group.as_str());
            env.work.redraw(&press, text, InlineKeyboardMarkup::new(rows));
            Ok(())
        }
    }
}

/// A regional coordinator opened a district (a district's coordinator
/// may open their own only).
async fn district_opened(
    env: Env,
    press: CallbackQuery,
    (group, district): (Group, DistrictId),
) -> HandlerResult {
    let mine = env.ctx.user.district_id;
    if env.ctx.user.role != Some(Role::Coordinator) || mine.is_some_and(|m| m != district) {
        return refuse(&env, &press);
    }
    show_district(&env, &press, group, district, mine.is_none()).await
}

/// A district's screen: the whole district, or one of its schools
/// (`back`: to the list of districts).
async fn show_district(
    env: &Env,
    press: &CallbackQuery,
    group: Group,
    district: DistrictId,
    back: bool,
) -> HandlerResult {
    let Some(name) = env.work.db().await?.district_name(district).await? else {
        return refuse(env, press);
    };
    let schools = env.work.db().await?.schools_in(district).await?;
    let b = |text: String, cb| button(text, Callback::Broadcast(cb));
    let mut rows =
        vec![vec![b(t!(env.lang, "broadcast-btn-district"), BroadcastCb::District(group, district))]];
    let places = schools.into_iter().take(MAX_PLACES).map(|(s, name)| b(name, BroadcastCb::School(group, s)));
    rows.extend(grid(places.collect(), 2).inline_keyboard);
    if back {
        rows.push(vec![b(t!(env.lang, "broadcast-btn-back"), BroadcastCb::To(group))]);
    }
    env.work.answer(press, None);
    let text = t!(env.lang, "broadcast-ask-school", group = group.as_str(), district = name.as_str());
    env.work.redraw(press, text, InlineKeyboardMarkup::new(rows));
    Ok(())
}

async fn everyone_picked(env: Env, press: CallbackQuery, group: Group) -> HandlerResult {
    ask_text(&env, &press, Audience { group, scope: Scope::Everyone }).await
}

async fn district_picked(
    env: Env,
    press: CallbackQuery,
    (group, district): (Group, DistrictId),
) -> HandlerResult {
    ask_text(&env, &press, Audience { group, scope: Scope::District(district) }).await
}

async fn school_picked(env: Env, press: CallbackQuery, (group, school): (Group, SchoolId)) -> HandlerResult {
    ask_text(&env, &press, Audience { group, scope: Scope::School(school) }).await
}

/// The audience is chosen: if the presser may address it, their next
/// text is the broadcast.
async fn ask_text(env: &Env, press: &CallbackQuery, audience: Audience) -> HandlerResult {
    if !allowed(env, audience).await? {
        return refuse(env, press);
    }
    env.work.set_state(State::Broadcast(BroadcastStep::Writing { audience }));
    env.work.answer(press, None);
    let to = audience_text(&env.work, env.lang, audience).await?;
    let text = t!(env.lang, "broadcast-ask-text", audience = to);
    env.work.redraw(press, text, InlineKeyboardMarkup::default());
    Ok(())
}

/// Whether the sender may address `audience` now (their role and
/// district as stored; the school's district looked up).
async fn allowed(env: &Env, audience: Audience) -> Result<bool, Error> {
    let (me, work) = (&env.ctx.user, &env.work);
    let writer = Writer { role: me.role, district: me.district_id };
    let school_district = match audience.scope {
        Scope::School(s) => work.db().await?.school(s).await?.map(|(_, d)| d),
        Scope::District(d) => {
            let known = work.db().await?.district_name(d).await?.is_some();
            if !known {
                return Ok(false);
            }
            None
        }
        Scope::Everyone | Scope::Mentees => None,
    };
    Ok(may_address(writer, audience, school_district))
}

/// Who a broadcast is for, in words: «parents, school: №5 (Талдықорған)».
async fn audience_text(work: &Work, lang: Lang, audience: Audience) -> Result<String, Error> {
    let place = match audience.scope {
        Scope::District(d) => work.db().await?.district_name(d).await?.unwrap_or_default(),
        Scope::School(s) => {
            // One statement per guard of the transaction.
            let school = work.db().await?.school(s).await?;
            match school {
                Some((school, d)) => {
                    let district = work.db().await?.district_name(d).await?.unwrap_or_default();
                    t!(lang, "broadcast-school-in", school = school, district = district)
                }
                None => String::new(),
            }
        }
        Scope::Everyone | Scope::Mentees => String::new(),
    };
    let group = audience.group.as_str();
    Ok(match audience.scope {
        Scope::Everyone => t!(lang, "broadcast-audience-everyone", group = group),
        Scope::District(_) => t!(lang, "broadcast-audience-district", group = group, place = place),
        Scope::School(_) => t!(lang, "broadcast-audience-school", group = group, place = place),
        Scope::Mentees => t!(lang, "broadcast-audience-mentees", group = group),
    })
}

/// A recipient's copy: who sent it, in the recipient's language, then the
/// text exactly as it was written.
fn copy_text(lang: Lang, writer_role: Role, writer: &User, body: &str) -> String {
    let id = match writer_role {
        Role::Mentor => "broadcast-header-mentor",
        _ => "broadcast-header-coordinator",
    };
    format!("{}\n\n{body}", t!(lang, id, name = writer.display_name(lang)))
}

/// Where a broadcast stands, as its texts select on it.
fn phase(b: &Broadcast) -> &'static str {
    match (b.stage, b.stopped_at.is_some()) {
        (Stage::Done, true) => "stopped",
        (Stage::Done, false) => "done",
        (_, true) => "stopping",
        (_, false) => "sending",
    }
}

/// A text about a broadcast's ledger: its counts, with `more` arguments.
fn counted(lang: Lang, id: &str, counts: &Counts, more: Vec<(&'static str, Arg)>) -> String {
    let mut args: Vec<(&'static str, Arg)> = vec![
        ("sent", counts.sent.into()),
        ("recipients", counts.total().into()),
        ("failed", counts.failed.into()),
        ("blocked", counts.blocked.into()),
        ("cancelled", counts.cancelled.into()),
    ];
    args.extend(more);
    tr_args(lang, id, args)
}
