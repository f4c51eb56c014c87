//! `/invite`: a coordinator invites mentors and coordinators, a mentor
//! invites one student or a class, a student invites their parent. Each
//! invite is sent as a deep link and as a QR code.
//!
//! Buttons are valid only in the step that showed them (the dialogue state
//! says which): a stale or repeated press is answered and changes nothing.

use super::{answer, chat_of, clear_keyboard, say, say_with};
use crate::context::Ctx;
use crate::db::{Db, NewInvite};
use crate::dialogue::{Dialogue, State};
use crate::domain::invite::{
    CLASS_DAYS_CHOICES, CLASS_MAX_DAYS, CLASS_MAX_USES, CLASS_USES_CHOICES, InviteTarget, single_invite_ttl,
};
use crate::domain::time::SharedClock;
use crate::domain::user::clean_place_name;
use crate::domain::{DistrictId, Lang, Role, SchoolId};
use crate::error::HandlerResult;
use crate::keyboards::{Callback, button, grid};
use crate::telegram::send;
use crate::{qr, t};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, InputFile, Me};

/// Everything a step of the flow needs, assembled once by the schema
/// (`dptree::map(Env::new)`) and injected into each handler of the flow.
#[derive(Clone)]
pub struct Env {
    bot: Bot,
    ctx: Ctx,
    lang: Lang,
    db: Db,
    clock: SharedClock,
    me: Me,
}

impl Env {
    pub fn new(bot: Bot, ctx: Ctx, lang: Lang, db: Db, clock: SharedClock, me: Me) -> Env {
        Env { bot, ctx, lang, db, clock, me }
    }
}

/// `/invite [student | class USES DAYS | mentor | coordinator]`.
pub async fn command(env: Env, args: String, dialogue: Dialogue) -> HandlerResult {
    let Env { bot, ctx, lang, .. } = &env;
    let lang = *lang;
    let chat = chat_of(ctx);
    let words: Vec<&str> = args.split_whitespace().collect();
    match (ctx.user.role, words.as_slice()) {
        (None, _) => {
            say(bot, chat, t!(lang, "not-in-programme")).await?;
        }
        (Some(Role::Parent), _) => {
            say(bot, chat, t!(lang, "invite-not-available")).await?;
        }
        (Some(Role::Student), _) => {
            dialogue.exit().await?;
            issue_parent(&env).await?;
        }
        (Some(Role::Mentor), ["student"]) => {
            dialogue.exit().await?;
            issue_student(&env).await?;
        }
        (Some(Role::Mentor), ["class"]) => ask_class_uses(&env, &dialogue).await?,
        (Some(Role::Mentor), ["class", uses, days]) => {
            match (parse_in(uses, CLASS_MAX_USES), parse_in(days, CLASS_MAX_DAYS)) {
                (Some(uses), Some(days)) => {
                    dialogue.exit().await?;
                    issue_class(&env, uses, days).await?;
                }
                _ => {
                    let max = if parse_in(uses, CLASS_MAX_USES).is_none() {
                        CLASS_MAX_USES
                    } else {
                        CLASS_MAX_DAYS
                    };
                    say(bot, chat, t!(lang, "invite-number-invalid", max = max)).await?;
                }
            }
        }
        (Some(Role::Mentor), _) => {
            dialogue.update(State::InviteMenu).await?;
            let keyboard = InlineKeyboardMarkup::new([[
                button(t!(lang, "invite-btn-student"), Callback::InviteStudent),
                button(t!(lang, "invite-btn-class"), Callback::InviteClass),
            ]]);
            say_with(bot, chat, t!(lang, "invite-menu-mentor"), keyboard).await?;
        }
        (Some(Role::Coordinator), ["coordinator"]) => {
            dialogue.exit().await?;
            issue_coordinator(&env).await?;
        }
        (Some(Role::Coordinator), ["mentor"]) => ask_mentor_place(&env, &dialogue).await?,
        (Some(Role::Coordinator), _) => {
            dialogue.update(State::InviteMenu).await?;
            let keyboard = InlineKeyboardMarkup::new([[
                button(t!(lang, "invite-btn-mentor"), Callback::InviteMentor),
                button(t!(lang, "invite-btn-coordinator"), Callback::InviteCoordinator),
            ]]);
            say_with(bot, chat, t!(lang, "invite-menu-coordinator"), keyboard).await?;
        }
    }
    Ok(())
}

/// A button of the invite flow. The user's role and the dialogue's step are
/// checked here, on the server: the button's data alone proves nothing.
pub async fn button_pressed(
    env: Env,
    q: CallbackQuery,
    cb: Callback,
    dialogue: Dialogue,
    state: State,
) -> HandlerResult {
    let Env { bot, ctx, lang, db, .. } = &env;
    let lang = *lang;
    let role = ctx.user.role;
    let valid = match (cb, role, &state) {
        (Callback::InviteStudent | Callback::InviteClass, Some(Role::Mentor), State::InviteMenu) => true,
        (Callback::ClassUses(n), Some(Role::Mentor), State::ClassUses) => (1..=CLASS_MAX_USES).contains(&n),
        (Callback::ClassDays(n), Some(Role::Mentor), State::ClassDays { .. }) => {
            (1..=CLASS_MAX_DAYS).contains(&n)
        }
        (
            Callback::InviteMentor | Callback::InviteCoordinator,
            Some(Role::Coordinator),
            State::InviteMenu,
        ) => true,
        (Callback::District(_), Some(Role::Coordinator), State::MentorDistrict) => true,
        (Callback::School(_), Some(Role::Coordinator), State::MentorSchool { .. }) => true,
        _ => false,
    };
    if !valid {
        return answer(bot, &q, Some(t!(lang, "button-stale"))).await;
    }
    answer(bot, &q, None).await?;
    clear_keyboard(bot, &q).await;
    match (cb, state) {
        (Callback::InviteStudent, _) => {
            dialogue.exit().await?;
            issue_student(&env).await?;
        }
        (Callback::InviteClass, _) => ask_class_uses(&env, &dialogue).await?,
        (Callback::ClassUses(uses), _) => ask_class_days(&env, &dialogue, uses).await?,
        (Callback::ClassDays(days), State::ClassDays { uses }) => {
            dialogue.exit().await?;
            issue_class(&env, uses, days).await?;
        }
        (Callback::InviteCoordinator, _) => {
            dialogue.exit().await?;
            issue_coordinator(&env).await?;
        }
        (Callback::InviteMentor, _) => ask_mentor_place(&env, &dialogue).await?,
        (Callback::District(district), _) => match db.district_name(district).await? {
            Some(name) => ask_school(&env, &dialogue, district, &name).await?,
            None => {
                say(bot, chat_of(ctx), t!(lang, "button-stale")).await?;
            }
        },
        (Callback::School(school), State::MentorSchool { district }) => match db.school(school).await? {
            Some((_, in_district)) if in_district == district => {
                dialogue.exit().await?;
                issue_mentor(&env, district, school).await?;
            }
            _ => {
                say(bot, chat_of(ctx), t!(lang, "button-stale")).await?;
            }
        },
        _ => {}
    }
    Ok(())
}

/// Typed answers to the flow's questions (numbers, district and school names).
pub async fn text_answer(env: Env, msg: Message, dialogue: Dialogue, state: State) -> HandlerResult {
    let Env { bot, ctx, lang, db, clock, .. } = &env;
    let lang = *lang;
    let chat = chat_of(ctx);
    let text = msg.text().unwrap_or_default();
    match state {
        State::ClassUses => match parse_in(text, CLASS_MAX_USES) {
            Some(uses) => ask_class_days(&env, &dialogue, uses).await?,
            None => {
                say(bot, chat, t!(lang, "invite-number-invalid", max = CLASS_MAX_USES)).await?;
            }
        },
        State::ClassDays { uses } => match parse_in(text, CLASS_MAX_DAYS) {
            Some(days) => {
                dialogue.exit().await?;
                issue_class(&env, uses, days).await?;
            }
            None => {
                say(bot, chat, t!(lang, "invite-number-invalid", max = CLASS_MAX_DAYS)).await?;
            }
        },
        State::MentorDistrict => match clean_place_name(text) {
            Some(name) => {
                let district = db.district_named(&name, clock.now()).await?;
                ask_school(&env, &dialogue, district, &name).await?;
            }
            None => {
                say(bot, chat, t!(lang, "invite-place-invalid")).await?;
            }
        },
        State::MentorSchool { district } => match clean_place_name(text) {
            Some(name) => {
                let school = db.school_named(district, &name, clock.now()).await?;
                dialogue.exit().await?;
                issue_mentor(&env, district, school).await?;
            }
            None => {
                say(bot, chat, t!(lang, "invite-place-invalid")).await?;
            }
        },
        State::Idle | State::AwaitLanguage { .. } | State::InviteMenu => {}
    }
    Ok(())
}

/// Whether the dialogue is waiting for a typed answer of this flow.
pub fn awaits_text(state: State) -> bool {
    matches!(
        state,
        State::ClassUses | State::ClassDays { .. } | State::MentorDistrict | State::MentorSchool { .. }
    )
}

fn parse_in(raw: &str, max: u32) -> Option<u32> {
    raw.trim().parse::<u32>().ok().filter(|n| (1..=max).contains(n))
}

async fn ask_class_uses(env: &Env, dialogue: &Dialogue) -> HandlerResult {
    dialogue.update(State::ClassUses).await?;
    let buttons = CLASS_USES_CHOICES.iter().map(|&n| button(n.to_string(), Callback::ClassUses(n))).collect();
    let text = t!(env.lang, "invite-class-ask-uses", max = CLASS_MAX_USES);
    say_with(&env.bot, chat_of(&env.ctx), text, grid(buttons, 4)).await?;
    Ok(())
}

async fn ask_class_days(env: &Env, dialogue: &Dialogue, uses: u32) -> HandlerResult {
    dialogue.update(State::ClassDays { uses }).await?;
    let buttons = CLASS_DAYS_CHOICES
        .iter()
        .map(|&n| button(t!(env.lang, "invite-days-button", count = n), Callback::ClassDays(n)))
        .collect();
    let text = t!(env.lang, "invite-class-ask-days", max = CLASS_MAX_DAYS);
    say_with(&env.bot, chat_of(&env.ctx), text, grid(buttons, 4)).await?;
    Ok(())
}

/// A coordinator with a district invites mentors into it; one without
/// (an operator's admin) picks or names the district first.
async fn ask_mentor_place(env: &Env, dialogue: &Dialogue) -> HandlerResult {
    if let Some(district) = env.ctx.user.district_id
        && let Some(name) = env.db.district_name(district).await?
    {
        return ask_school(env, dialogue, district, &name).await;
    }
    dialogue.update(State::MentorDistrict).await?;
    let buttons = env
        .db
        .districts()
        .await?
        .into_iter()
        .take(30)
        .map(|(id, name)| button(name, Callback::District(id)))
        .collect();
    say_with(&env.bot, chat_of(&env.ctx), t!(env.lang, "invite-ask-district"), grid(buttons, 2)).await?;
    Ok(())
}

async fn ask_school(env: &Env, dialogue: &Dialogue, district: DistrictId, name: &str) -> HandlerResult {
    dialogue.update(State::MentorSchool { district }).await?;
    let buttons = env
        .db
        .schools_in(district)
        .await?
        .into_iter()
        .take(30)
        .map(|(id, name)| button(name, Callback::School(id)))
        .collect();
    say_with(
        &env.bot,
        chat_of(&env.ctx),
        t!(env.lang, "invite-ask-school", district = name),
        grid(buttons, 2),
    )
    .await?;
    Ok(())
}

fn single(env: &Env, target: InviteTarget) -> NewInvite {
    NewInvite {
        target,
        created_by: Some(env.ctx.user.id),
        district: env.ctx.user.district_id,
        school: env.ctx.user.school_id,
        max_uses: 1,
        expires_at: env.clock.now() + single_invite_ttl(),
    }
}

fn ttl_days() -> u32 {
    u32::try_from(single_invite_ttl().num_days()).unwrap_or(u32::MAX)
}

async fn issue_parent(env: &Env) -> HandlerResult {
    let link = create(env, &single(env, InviteTarget::Parent { student: env.ctx.user.id })).await?;
    send_invite(env, t!(env.lang, "invite-link-parent", days = ttl_days(), link = link.as_str()), &link).await
}

async fn issue_student(env: &Env) -> HandlerResult {
    let link = create(env, &single(env, InviteTarget::Student { mentor: env.ctx.user.id })).await?;
    send_invite(env, t!(env.lang, "invite-link-student", days = ttl_days(), link = link.as_str()), &link)
        .await
}

async fn issue_class(env: &Env, uses: u32, days: u32) -> HandlerResult {
    let invite = NewInvite {
        max_uses: uses,
        expires_at: env.clock.now() + chrono::Duration::days(i64::from(days)),
        ..single(env, InviteTarget::Student { mentor: env.ctx.user.id })
    };
    let link = create(env, &invite).await?;
    send_invite(env, t!(env.lang, "invite-link-class", uses = uses, days = days, link = link.as_str()), &link)
        .await
}

async fn issue_coordinator(env: &Env) -> HandlerResult {
    let invite = NewInvite { school: None, ..single(env, InviteTarget::Coordinator) };
    let link = create(env, &invite).await?;
    send_invite(env, t!(env.lang, "invite-link-coordinator", days = ttl_days(), link = link.as_str()), &link)
        .await
}

async fn issue_mentor(env: &Env, district: DistrictId, school: SchoolId) -> HandlerResult {
    let invite =
        NewInvite { district: Some(district), school: Some(school), ..single(env, InviteTarget::Mentor) };
    let link = create(env, &invite).await?;
    let district_name = env.db.district_name(district).await?.unwrap_or_default();
    let school_name = env.db.school(school).await?.map(|(name, _)| name).unwrap_or_default();
    let text = t!(
        env.lang,
        "invite-link-mentor",
        school = school_name,
        district = district_name,
        days = ttl_days(),
        link = link.as_str()
    );
    send_invite(env, text, &link).await
}

async fn create(env: &Env, invite: &NewInvite) -> Result<String, crate::error::Error> {
    let (id, code) = env.db.create_invite(invite, env.clock.now()).await?;
    tracing::info!(
        invite = id.0,
        role = invite.target.role().as_str(),
        by = env.ctx.user.id.0,
        "invite issued"
    );
    Ok(code.deep_link(env.me.username()))
}

/// The link as text (easy to forward) and as a QR code (easy to show).
async fn send_invite(env: &Env, text: String, link: &str) -> HandlerResult {
    let chat = chat_of(&env.ctx);
    say(&env.bot, chat, text).await?;
    let png = qr::png(link)?;
    let photo = InputFile::memory(png).file_name(t!(env.lang, "invite-qr-file"));
    send(env.bot.send_photo(chat, photo).caption(t!(env.lang, "invite-qr-caption"))).await?;
    Ok(())
}
