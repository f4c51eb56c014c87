//! `/privacy` and `/deleteme`, for everyone (strangers too).
//!
//! `/privacy` says, in the sender's language and for their role, what is
//! stored about them, why, for how long, who sees it, and how to have it
//! erased. `/deleteme` says plainly what erasing will do (a student's text
//! with the helplines) and asks; «Yes, erase» in that step forgets them
//! (`kit::forget`: those concerned told, meetings cancelled with the usual
//! notices, the data erased, counts kept under a tombstone), «Cancel»
//! changes nothing. A press outside the step, or after the sender's role
//! changed, is stale. A mentor who still has students, open questions or
//! meetings, and anyone whose SOS is still on its way, is told why it
//! must wait.

use super::Env;
use crate::commands::{Command, refresh_user_menu};
use crate::config::Config;
use crate::dialogue::{PrivacyStep, State};
use crate::domain::privacy::Wait;
use crate::domain::{Lang, Role};
use crate::error::{Error, HandlerResult};
use crate::keyboards::{Callback, PrivacyCb, button};
use crate::kit::env::stale;
use crate::kit::forget::{self, Forgotten};
use crate::{input, t};
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

/// The feature's sub-tree: `/privacy`, `/deleteme`, and the two buttons
/// of the confirmation (valid only in its step).
pub fn schema() -> UpdateHandler<Error> {
    dptree::entry()
        .branch(
            input::command()
                .branch(case![Command::Privacy].endpoint(privacy))
                .branch(case![Command::Deleteme].endpoint(deleteme)),
        )
        .branch(input::press().branch(case![Callback::Privacy(cb)].branch(buttons())))
}

fn buttons() -> UpdateHandler<Error> {
    case![State::Privacy(step)].branch(
        case![PrivacyStep::Confirm { role }]
            .branch(case![PrivacyCb::Erase].endpoint(erase_pressed))
            .branch(case![PrivacyCb::Keep].endpoint(keep_pressed)),
    )
}

/// How long contents are kept, in days (`TALIMGER_RETENTION`).
fn retention_days(config: &Config) -> i64 {
    config.retention.num_days()
}

/// `/privacy`.
async fn privacy(env: Env, config: Config) -> HandlerResult {
    env.work.say(env.chat(), privacy_text(env.ctx.user.role, env.lang, retention_days(&config)));
    Ok(())
}

/// What is stored about someone of `role`, why, how long (contents:
/// `days`), who sees it, and how to have it erased.
pub fn privacy_text(role: Option<Role>, lang: Lang, days: i64) -> String {
    match role {
        None => t!(lang, "privacy-guest"),
        Some(Role::Student) => t!(lang, "privacy-student", days = days),
        Some(Role::Parent) => t!(lang, "privacy-parent", days = days),
        Some(Role::Mentor) => t!(lang, "privacy-mentor", days = days),
        Some(Role::Coordinator) => t!(lang, "privacy-coordinator"),
    }
}

/// `/deleteme`: what erasing will do, and the question.
async fn deleteme(env: Env) -> HandlerResult {
    if let Some(wait) = forget::wait_for(&env).await? {
        env.work.say(env.chat(), wait_text(&env, wait));
        return Ok(());
    }
    let text = confirmation(&env).await?;
    let keyboard = InlineKeyboardMarkup::new([vec![
        button(t!(env.lang, "privacy-btn-erase"), Callback::Privacy(PrivacyCb::Erase)),
        button(t!(env.lang, "privacy-btn-keep"), Callback::Privacy(PrivacyCb::Keep)),
    ]]);
    env.work.set_state(State::Privacy(PrivacyStep::Confirm { role: env.ctx.user.role }));
    env.work.say_with(env.chat(), text, keyboard);
    Ok(())
}

/// What erasing will do, for the sender's role.
async fn confirmation(env: &Env) -> Result<String, Error> {
    let lang = env.lang;
    let meetings = i64::try_from(forget::meetings_to_come(env).await?).unwrap_or(i64::MAX);
    Ok(match env.ctx.user.role {
        None => t!(lang, "privacy-confirm-guest"),
        Some(Role::Student) => {
            t!(lang, "privacy-confirm-student", meetings = meetings, helplines = env.helplines())
        }
        Some(Role::Parent) => {
            let children = env.work.db().await?.children_of(env.ctx.user.id).await?;
            let names = children.iter().map(|c| c.display_name(lang)).collect::<Vec<_>>().join(", ");
            let count = i64::try_from(children.len()).unwrap_or(i64::MAX);
            t!(lang, "privacy-confirm-parent", children = count, names = names, meetings = meetings)
        }
        Some(Role::Mentor) => t!(lang, "privacy-confirm-mentor"),
        Some(Role::Coordinator) => t!(lang, "privacy-confirm-coordinator"),
    })
}

fn wait_text(env: &Env, wait: Wait) -> String {
    match wait {
        Wait::MentorHasWork { students, questions, meetings } => t!(
            env.lang,
            "privacy-wait-mentor",
            students = students,
            questions = questions,
            meetings = meetings
        ),
        Wait::SosOnItsWay => t!(env.lang, "privacy-wait-sos", helplines = env.helplines()),
    }
}

/// «Yes, erase my data», in the step `/deleteme` opened for this role.
async fn erase_pressed(env: Env, press: CallbackQuery, role: Option<Role>) -> HandlerResult {
    if role != env.ctx.user.role {
        return stale(&env, &press);
    }
    env.work.answer(&press, None);
    env.work.clear_keyboard(&press);
    env.work.exit();
    let text = match forget::forget(&env).await? {
        Forgotten::Wait(wait) => wait_text(&env, wait),
        Forgotten::Erased { .. } => {
            if role.is_some() {
                refresh_user_menu(&env.work, env.chat(), None, env.lang);
            }
            match role {
                None => t!(env.lang, "privacy-done-guest"),
                Some(Role::Student) => t!(env.lang, "privacy-done-student", helplines = env.helplines()),
                Some(_) => t!(env.lang, "privacy-done"),
            }
        }
    };
    env.work.say(env.chat(), text);
    Ok(())
}

/// «Cancel»: nothing changes.
async fn keep_pressed(env: Env, press: CallbackQuery) -> HandlerResult {
    env.work.answer(&press, None);
    env.work.clear_keyboard(&press);
    env.work.exit();
    env.tell("privacy-kept");
    Ok(())
}
