//! `/invite`: a coordinator invites mentors and coordinators, a mentor
//! invites one student or a class, a student invites their parent. Each
//! invite is sent as a deep link and as a QR code.
//!
//! The flow's steps are `State::Invite(InviteStep)` and its buttons
//! `Callback::Invite(InviteCb)`, both routed here: a press reaches a handler
//! only when the sender's role and the dialogue's step allow it
//! (`buttons()`), and the step's data comes in as the handler's arguments;
//! any other press falls through to the stale-button answer and changes
//! nothing.

use super::Env;
use crate::commands::Command;
use crate::db::NewInvite;
use crate::dialogue::{InviteStep, State};
use crate::domain::invite::{
    CLASS_DAYS_CHOICES, CLASS_MAX_DAYS, CLASS_MAX_USES, CLASS_USES_CHOICES, InviteTarget,
};
use crate::domain::user::{PlaceNameError, check_place_name};
use crate::domain::{DistrictId, Role, SchoolId};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, InviteCb, button, grid};
use crate::kit::env::{role_is, stale};
use crate::kit::invite::{create, issue_parent, send_invite, single, ttl_days};
use crate::{input, t};
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

/// The class link's number of uses, as the step holds it: apart from the
/// days a press or an answer brings, which are a `u32` too.
#[derive(Clone, Copy)]
struct ClassUses(u32);

/// The feature's sub-tree: `/invite`, its steps' typed answers, its buttons.
pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(input::command().branch(case![Command::Invite(args)].endpoint(command)))
        .branch(input::typed().branch(typed_answers()))
        .branch(input::press().branch(buttons()))
}

/// The flow's buttons (`Callback::Invite`), each valid for one role in one
/// step; the step's data is handed to the handler.
fn buttons() -> UpdateHandler<Error> {
    case![Callback::Invite(cb)].branch(
        case![State::Invite(step)]
            .branch(
                dptree::filter(role_is(Role::Mentor))
                    .branch(
                        case![InviteStep::Menu]
                            .branch(case![InviteCb::Student].endpoint(student_chosen))
                            .branch(case![InviteCb::Class].endpoint(class_chosen)),
                    )
                    .branch(
                        case![InviteStep::ClassUses]
                            .branch(case![InviteCb::Uses(uses)].endpoint(uses_chosen)),
                    )
                    .branch(
                        case![InviteStep::ClassDays { uses }]
                            .map(ClassUses)
                            .branch(case![InviteCb::Days(days)].endpoint(days_chosen)),
                    ),
            )
            .branch(
                dptree::filter(role_is(Role::Coordinator))
                    .branch(
                        case![InviteStep::Menu]
                            .branch(case![InviteCb::Mentor].endpoint(mentor_chosen))
                            .branch(case![InviteCb::Coordinator].endpoint(coordinator_chosen)),
                    )
                    .branch(
                        case![InviteStep::MentorDistrict]
                            .branch(case![InviteCb::District(district)].endpoint(district_chosen)),
                    )
                    .branch(
                        case![InviteStep::MentorSchool { district }]
                            .branch(case![InviteCb::School(school)].endpoint(school_chosen)),
                    ),
            ),
    )
}

/// The flow's typed answers (numbers, district and school names).
fn typed_answers() -> UpdateHandler<Error> {
    dptree::filter(|msg: Message| msg.text().is_some()).branch(
        case![State::Invite(step)]
            .branch(
                dptree::filter(role_is(Role::Mentor))
                    .branch(case![InviteStep::ClassUses].endpoint(uses_typed))
                    .branch(case![InviteStep::ClassDays { uses }].map(ClassUses).endpoint(days_typed)),
            )
            .branch(
                dptree::filter(role_is(Role::Coordinator))
                    .branch(case![InviteStep::MentorDistrict].endpoint(district_typed))
                    .branch(case![InviteStep::MentorSchool { district }].endpoint(school_typed)),
            ),
    )
}

/// `/invite [student | class USES DAYS | mentor | coordinator]`.
async fn command(env: Env, args: String) -> HandlerResult {
    let lang = env.lang;
    let words: Vec<&str> = args.split_whitespace().collect();
    match (env.ctx.user.role, words.as_slice()) {
        (None, _) => env.tell("not-in-programme"),
        (Some(Role::Parent), _) => env.tell("invite-not-available"),
        (Some(Role::Student), _) => {
            env.work.exit();
            issue_parent(&env, &env.ctx.user).await?;
        }
        (Some(Role::Mentor), ["student"]) => {
            env.work.exit();
            issue_student(&env).await?;
        }
        (Some(Role::Mentor), ["class"]) => ask_class_uses(&env),
        (Some(Role::Mentor), ["class", uses, days]) => {
            match (parse_in(uses, CLASS_MAX_USES), parse_in(days, CLASS_MAX_DAYS)) {
                (Some(uses), Some(days)) => {
                    env.work.exit();
                    issue_class(&env, uses, days).await?;
                }
                (uses_ok, _) => {
                    let max = if uses_ok.is_none() { CLASS_MAX_USES } else { CLASS_MAX_DAYS };
                    env.work.say(env.chat(), t!(lang, "invite-number-invalid", max = max));
                }
            }
        }
        (Some(Role::Mentor), _) => {
            env.work.set_state(State::Invite(InviteStep::Menu));
            let keyboard = InlineKeyboardMarkup::new([[
                button(t!(lang, "invite-btn-student"), Callback::Invite(InviteCb::Student)),
                button(t!(lang, "invite-btn-class"), Callback::Invite(InviteCb::Class)),
            ]]);
            env.work.say_with(env.chat(), t!(lang, "invite-menu-mentor"), keyboard);
        }
        (Some(Role::Coordinator), ["coordinator"]) => {
            env.work.exit();
            issue_coordinator(&env).await?;
        }
        (Some(Role::Coordinator), ["mentor"]) => ask_mentor_place(&env).await?,
        (Some(Role::Coordinator), _) => {
            env.work.set_state(State::Invite(InviteStep::Menu));
            let keyboard = InlineKeyboardMarkup::new([[
                button(t!(lang, "invite-btn-mentor"), Callback::Invite(InviteCb::Mentor)),
                button(t!(lang, "invite-btn-coordinator"), Callback::Invite(InviteCb::Coordinator)),
            ]]);
            env.work.say_with(env.chat(), t!(lang, "invite-menu-coordinator"), keyboard);
        }
    }
    Ok(())
}

/// A valid press: stop the spinner, and take the buttons away.
fn accept(env: &Env, q: &CallbackQuery) {
    env.work.answer(q, None);
    env.work.clear_keyboard(q);
}

async fn student_chosen(env: Env, q: CallbackQuery) -> HandlerResult {
    accept(&env, &q);
    env.work.exit();
    issue_student(&env).await
}

async fn class_chosen(env: Env, q: CallbackQuery) -> HandlerResult {
    accept(&env, &q);
    ask_class_uses(&env);
    Ok(())
}

async fn uses_chosen(env: Env, q: CallbackQuery, uses: u32) -> HandlerResult {
    if !(1..=CLASS_MAX_USES).contains(&uses) {
        return stale(&env, &q);
    }
    accept(&env, &q);
    ask_class_days(&env, uses);
    Ok(())
}

async fn days_chosen(env: Env, q: CallbackQuery, ClassUses(uses): ClassUses, days: u32) -> HandlerResult {
    if !(1..=CLASS_MAX_DAYS).contains(&days) {
        return stale(&env, &q);
    }
    accept(&env, &q);
    env.work.exit();
    issue_class(&env, uses, days).await
}

async fn coordinator_chosen(env: Env, q: CallbackQuery) -> HandlerResult {
    accept(&env, &q);
    env.work.exit();
    issue_coordinator(&env).await
}

async fn mentor_chosen(env: Env, q: CallbackQuery) -> HandlerResult {
    accept(&env, &q);
    ask_mentor_place(&env).await
}

async fn district_chosen(env: Env, q: CallbackQuery, district: DistrictId) -> HandlerResult {
    let name = env.work.db().await?.district_name(district).await?;
    let Some(name) = name else { return stale(&env, &q) };
    accept(&env, &q);
    ask_school(&env, district, &name).await
}

async fn school_chosen(env: Env, q: CallbackQuery, district: DistrictId, school: SchoolId) -> HandlerResult {
    let found = env.work.db().await?.school(school).await?;
    match found {
        Some((_, in_district)) if in_district == district => {
            accept(&env, &q);
            env.work.exit();
            issue_mentor(&env, district, school).await
        }
        _ => stale(&env, &q),
    }
}

async fn uses_typed(env: Env, msg: Message) -> HandlerResult {
    match parse_in(msg.text().unwrap_or_default(), CLASS_MAX_USES) {
        Some(uses) => ask_class_days(&env, uses),
        None => env.work.say(env.chat(), t!(env.lang, "invite-number-invalid", max = CLASS_MAX_USES)),
    }
    Ok(())
}

async fn days_typed(env: Env, msg: Message, ClassUses(uses): ClassUses) -> HandlerResult {
    match parse_in(msg.text().unwrap_or_default(), CLASS_MAX_DAYS) {
        Some(days) => {
            env.work.exit();
            issue_class(&env, uses, days).await?;
        }
        None => env.work.say(env.chat(), t!(env.lang, "invite-number-invalid", max = CLASS_MAX_DAYS)),
    }
    Ok(())
}

async fn district_typed(env: Env, msg: Message) -> HandlerResult {
    match check_place_name(msg.text().unwrap_or_default()) {
        Ok(name) => {
            let district = env.work.db().await?.district_named(&name, env.clock.now()).await?;
            let stored = env.work.db().await?.district_name(district).await?.unwrap_or(name);
            ask_school(&env, district, &stored).await?;
        }
        Err(e) => env.tell(place_refused(e)),
    }
    Ok(())
}

async fn school_typed(env: Env, msg: Message, district: DistrictId) -> HandlerResult {
    match check_place_name(msg.text().unwrap_or_default()) {
        Ok(name) => {
            let school = env.work.db().await?.school_named(district, &name, env.clock.now()).await?;
            env.work.exit();
            issue_mentor(&env, district, school).await?;
        }
        Err(e) => env.tell(place_refused(e)),
    }
    Ok(())
}

/// What to say about a district or school name that was refused.
fn place_refused(e: PlaceNameError) -> &'static str {
    match e {
        PlaceNameError::Bidi => "invite-place-bidi",
        PlaceNameError::Invisible => "invite-place-invisible",
        PlaceNameError::Empty | PlaceNameError::TooLong { .. } => "invite-place-invalid",
    }
}

fn parse_in(raw: &str, max: u32) -> Option<u32> {
    raw.trim().parse::<u32>().ok().filter(|n| (1..=max).contains(n))
}

fn ask_class_uses(env: &Env) {
    env.work.set_state(State::Invite(InviteStep::ClassUses));
    let buttons = CLASS_USES_CHOICES
        .iter()
        .map(|&n| button(n.to_string(), Callback::Invite(InviteCb::Uses(n))))
        .collect();
    let text = t!(env.lang, "invite-class-ask-uses", max = CLASS_MAX_USES);
    env.work.say_with(env.chat(), text, grid(buttons, 4));
}

fn ask_class_days(env: &Env, uses: u32) {
    env.work.set_state(State::Invite(InviteStep::ClassDays { uses }));
    let buttons = CLASS_DAYS_CHOICES
        .iter()
        .map(|&n| button(t!(env.lang, "invite-days-button", count = n), Callback::Invite(InviteCb::Days(n))))
        .collect();
    let text = t!(env.lang, "invite-class-ask-days", max = CLASS_MAX_DAYS);
    env.work.say_with(env.chat(), text, grid(buttons, 4));
}

/// A coordinator with a district invites mentors into it; one without
/// (an operator's admin) picks or names the district first.
async fn ask_mentor_place(env: &Env) -> HandlerResult {
    if let Some(district) = env.ctx.user.district_id {
        let name = env.work.db().await?.district_name(district).await?;
        if let Some(name) = name {
            return ask_school(env, district, &name).await;
        }
    }
    env.work.set_state(State::Invite(InviteStep::MentorDistrict));
    let districts = env.work.db().await?.districts().await?;
    if districts.is_empty() {
        env.tell("invite-ask-district-empty");
        return Ok(());
    }
    let buttons = districts
        .into_iter()
        .take(30)
        .map(|(id, name)| button(name, Callback::Invite(InviteCb::District(id))))
        .collect();
    env.work.say_with(env.chat(), t!(env.lang, "invite-ask-district"), grid(buttons, 2));
    Ok(())
}

async fn ask_school(env: &Env, district: DistrictId, name: &str) -> HandlerResult {
    env.work.set_state(State::Invite(InviteStep::MentorSchool { district }));
    let schools = env.work.db().await?.schools_in(district).await?;
    if schools.is_empty() {
        env.work.say(env.chat(), t!(env.lang, "invite-ask-school-empty", district = name));
        return Ok(());
    }
    let buttons = schools
        .into_iter()
        .take(30)
        .map(|(id, name)| button(name, Callback::Invite(InviteCb::School(id))))
        .collect();
    env.work.say_with(env.chat(), t!(env.lang, "invite-ask-school", district = name), grid(buttons, 2));
    Ok(())
}

async fn issue_student(env: &Env) -> HandlerResult {
    let link = create(env, &single(env, InviteTarget::Student { mentor: env.ctx.user.id })).await?;
    send_invite(env, t!(env.lang, "invite-link-student", days = ttl_days(), link = link.as_str()), &link)
}

async fn issue_class(env: &Env, uses: u32, days: u32) -> HandlerResult {
    let invite = NewInvite {
        max_uses: uses,
        expires_at: env.clock.now() + chrono::Duration::days(i64::from(days)),
        ..single(env, InviteTarget::Student { mentor: env.ctx.user.id })
    };
    let link = create(env, &invite).await?;
    send_invite(env, t!(env.lang, "invite-link-class", uses = uses, days = days, link = link.as_str()), &link)
}

async fn issue_coordinator(env: &Env) -> HandlerResult {
    let invite = NewInvite { school: None, ..single(env, InviteTarget::Coordinator) };
    let link = create(env, &invite).await?;
    send_invite(env, t!(env.lang, "invite-link-coordinator", days = ttl_days(), link = link.as_str()), &link)
}

async fn issue_mentor(env: &Env, district: DistrictId, school: SchoolId) -> HandlerResult {
    let invite =
        NewInvite { district: Some(district), school: Some(school), ..single(env, InviteTarget::Mentor) };
    let link = create(env, &invite).await?;
    let district_name = env.work.db().await?.district_name(district).await?.unwrap_or_default();
    let school_name = env.work.db().await?.school(school).await?.map(|(name, _)| name).unwrap_or_default();
    let text = t!(
        env.lang,
        "invite-link-mentor",
        school = school_name,
        district = district_name,
        days = ttl_days(),
        link = link.as_str()
    );
    send_invite(env, text, &link)
}
