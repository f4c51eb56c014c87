//! First contact, choosing a language, `/start` with or without an invite,
//! `/help`.

use super::{Env, chat_of};
use crate::commands::{Command, help_text, refresh_user_menu, role_name};
use crate::context::Ctx;
use crate::db::RedeemOutcome;
use crate::dialogue::{PendingInvite, State};
use crate::domain::invite::{CodeHash, InviteCode, RedeemError};
use crate::domain::time::SharedClock;
use crate::domain::{Lang, Role};
use crate::error::{Error, HandlerResult};
use crate::input;
use crate::keyboards::{self, Callback};
use crate::t;
use crate::work::Work;
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::Me;

/// Anything from someone whose language we do not know yet: ask, and keep
/// an invite they opened (now or in an earlier message) for after the
/// choice — by its hash, never the code itself.
/// The language before everything else (the root's first branches after
/// the crisis words): «Қазақша» / «Русский» are valid whatever else is
/// going on; while the sender's language is unknown, every update leads
/// to the question (an invite opened meanwhile is kept by its hash).
pub fn language() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(
            Update::filter_callback_query()
                .filter_map(|q: CallbackQuery| q.data.as_deref().and_then(Callback::parse))
                .branch(language_buttons()),
        )
        .branch(
            dptree::filter(|ctx: Ctx| ctx.lang.is_none())
                .branch(Update::filter_message().endpoint(ask_language))
                .branch(Update::filter_edited_message().endpoint(ask_language))
                .branch(Update::filter_callback_query().endpoint(crate::kit::env::stale_button)),
        )
}

/// Onboarding's commands, everyone's in any step: `/start` (joining by an
/// invite, or hello), `/help` and `/language`.
pub fn schema() -> UpdateHandler<Error> {
    input::command()
        .branch(case![Command::Start(code)].endpoint(start))
        .branch(case![Command::Help].endpoint(help))
        .branch(case![Command::Language].endpoint(language_menu))
}

async fn ask_language(work: Work, msg: Message, me: Me, ctx: Ctx, state: State) -> HandlerResult {
    let earlier = match state {
        State::AwaitLanguage { invite } => invite,
        _ => None,
    };
    let opened = match crate::commands::parse(&msg, &me) {
        Some(Command::Start(code)) if !code.trim().is_empty() => Some(pending(&code)),
        _ => None,
    };
    work.set_state(State::AwaitLanguage { invite: opened.or(earlier) });
    work.say_with(chat_of(&ctx), t!(Lang::Kk, "language-ask"), keyboards::languages());
    Ok(())
}

fn pending(raw: &str) -> PendingInvite {
    match InviteCode::parse(raw) {
        Ok(code) => PendingInvite::Code(code.hash()),
        Err(_) => PendingInvite::Malformed,
    }
}

/// `/language`: the two buttons.
async fn language_menu(env: Env) -> HandlerResult {
    env.work.say_with(env.chat(), t!(env.lang, "language-choose"), keyboards::languages());
    Ok(())
}

/// The language buttons, valid whatever else is going on. While the
/// language is asked (`State::AwaitLanguage`), the invite kept meanwhile
/// comes in with the press.
fn language_buttons() -> UpdateHandler<Error> {
    case![Callback::Lang(chosen)]
        .branch(case![State::AwaitLanguage { invite }].endpoint(first_language_chosen))
        .endpoint(language_chosen)
}

/// The answer to the language question: the language is set, and the
/// invite opened before it (if any) is redeemed.
#[allow(clippy::too_many_arguments)]
async fn first_language_chosen(
    work: Work,
    q: CallbackQuery,
    chosen: Lang,
    ctx: Ctx,
    invite: Option<PendingInvite>,
    clock: SharedClock,
    me: Me,
    config: crate::config::Config,
) -> HandlerResult {
    let env = set_language(work, &q, chosen, ctx, clock, me, config).await?;
    env.work.exit();
    match invite {
        Some(PendingInvite::Code(hash)) => redeem(&env, &hash).await,
        Some(PendingInvite::Malformed) => {
            env.tell("invite-malformed");
            Ok(())
        }
        None => greet(&env),
    }
}

/// A language button at any other time; a repeated press changes nothing.
async fn language_chosen(
    work: Work,
    q: CallbackQuery,
    chosen: Lang,
    ctx: Ctx,
    clock: SharedClock,
    me: Me,
    config: crate::config::Config,
) -> HandlerResult {
    if ctx.lang == Some(chosen) {
        work.answer(&q, Some(t!(chosen, "language-set")));
        return Ok(());
    }
    let env = set_language(work, &q, chosen, ctx, clock, me, config).await?;
    greet(&env)
}

/// Stores the chosen language, takes the buttons away and says so; the
/// rest of the press is handled in that language.
async fn set_language(
    work: Work,
    q: &CallbackQuery,
    chosen: Lang,
    ctx: Ctx,
    clock: SharedClock,
    me: Me,
    config: crate::config::Config,
) -> Result<Env, Error> {
    work.db().await?.set_language(ctx.user.id, chosen, clock.now()).await?;
    work.answer(q, None);
    work.clear_keyboard(q);
    work.say(chat_of(&ctx), t!(chosen, "language-set"));
    Ok(Env::new(work, Ctx { lang: Some(chosen), ..ctx }, chosen, clock, me, config))
}

/// `/start` and `/start <code>`.
async fn start(env: Env, code: String) -> HandlerResult {
    let code = code.trim();
    if code.is_empty() {
        return greet(&env);
    }
    env.work.exit();
    match InviteCode::parse(code) {
        Ok(code) => redeem(&env, &code.hash()).await,
        Err(_) => {
            env.tell("invite-malformed");
            Ok(())
        }
    }
}

async fn help(env: Env) -> HandlerResult {
    env.work.say(env.chat(), help_text(env.ctx.user.role, env.lang));
    Ok(())
}

/// Hello to a newcomer, or a member's role and commands (their menu is
/// refreshed too: a coordinator named in TALIMGER_ADMINS gets it here).
fn greet(env: &Env) -> HandlerResult {
    let (ctx, lang) = (&env.ctx, env.lang);
    if ctx.user.is_paused_mentor() {
        crate::kit::paused::greet(env);
        return Ok(());
    }
    if ctx.user.role.is_some() {
        refresh_user_menu(&env.work, env.chat(), ctx.user.role, lang);
    }
    let text = match ctx.user.role {
        None => t!(lang, "start-guest"),
        Some(role) => format!(
            "{}\n\n{}",
            t!(lang, "start-known", name = ctx.user.display_name(lang), role = role_name(role, lang)),
            help_text(Some(role), lang)
        ),
    };
    env.work.say(env.chat(), text);
    Ok(())
}

/// Redeems an invite and says who the user now is and what they can do.
async fn redeem(env: &Env, code: &CodeHash) -> HandlerResult {
    let (ctx, lang, work) = (&env.ctx, env.lang, &env.work);
    let max_parents = env.config.max_parents;
    let outcome = work.db().await?.redeem_invite(code, ctx.user.id, max_parents, env.clock.now()).await?;
    let joined = match outcome {
        RedeemOutcome::Joined(joined) => joined,
        RedeemOutcome::Rejected(reason) => {
            let text = match reason {
                RedeemError::Unknown => t!(lang, "invite-unknown"),
                RedeemError::Expired => t!(lang, "invite-expired"),
                RedeemError::UsedUp => t!(lang, "invite-used-up"),
                RedeemError::AlreadyRegistered(role) => {
                    t!(lang, "invite-already-registered", role = role_name(role, lang))
                }
                RedeemError::AlreadyLinked => t!(lang, "invite-already-linked"),
                RedeemError::HasOtherMentor => {
                    let mentor = work.db().await?.mentor_of(ctx.user.id).await?;
                    match mentor.and_then(|m| m.shown_name()) {
                        Some(name) => t!(lang, "invite-other-mentor", mentor = name),
                        None => t!(lang, "invite-other-mentor-unnamed"),
                    }
                }
                RedeemError::OwnParentInvite => t!(lang, "invite-own-parent-link"),
                RedeemError::ParentsFull => t!(lang, "invite-parents-full-join", count = max_parents),
            };
            work.say(env.chat(), text);
            return Ok(());
        }
    };
    let name = |u: &Option<crate::domain::User>| u.as_ref().map(|u| u.display_name(lang)).unwrap_or_default();
    let school = joined.school.clone().unwrap_or_default();
    let district = joined.district.clone().unwrap_or_default();
    let headline = match joined.role {
        Role::Coordinator if district.is_empty() => t!(lang, "joined-coordinator"),
        Role::Coordinator => t!(lang, "joined-coordinator-district", district = district),
        Role::Mentor => t!(lang, "joined-mentor", school = school, district = district),
        Role::Student => match joined.mentor.as_ref().and_then(|m| m.shown_name()) {
            Some(mentor) => t!(lang, "joined-student", mentor = mentor),
            None => t!(lang, "joined-student-unnamed"),
        },
        Role::Parent => {
            let children = work.db().await?.children_of(ctx.user.id).await?.len() as i64;
            if children > 1 {
                t!(lang, "joined-parent-more", student = name(&joined.student), count = children)
            } else {
                t!(lang, "joined-parent", student = name(&joined.student))
            }
        }
    };
    work.say(env.chat(), format!("{headline}\n\n{}", help_text(Some(joined.role), lang)));
    refresh_user_menu(work, env.chat(), Some(joined.role), lang);
    if let (Role::Parent, Some(student)) = (joined.role, &joined.student) {
        parent_joined(env, student).await?;
    }
    Ok(())
}

/// A parent joined: the student and their mentor are told who, each in
/// their own language.
async fn parent_joined(env: &Env, student: &crate::domain::User) -> HandlerResult {
    let parent = |lang| env.ctx.user.display_name(lang);
    let mentor = env.work.db().await?.mentor_of(student.id).await?;
    let sl = student.lang();
    let mut told = vec![(student.id, t!(sl, "parent-joined-student", parent = parent(sl)))];
    if let Some(m) = mentor {
        let ml = m.lang();
        let text = t!(ml, "parent-joined-mentor", parent = parent(ml), student = student.display_name(ml));
        told.push((m.id, text));
    }
    for (to, text) in told {
        env.work.tell(to, text, crate::db::Priority::Notice);
    }
    Ok(())
}
