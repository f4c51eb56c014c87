//! What every handler of a member gets (`Env`), and the small answers
//! every feature gives the same way.

use crate::config::Config;
use crate::context::Ctx;
use crate::domain::time::SharedClock;
use crate::domain::{Lang, Role};
use crate::work::Work;
use teloxide::types::{ChatId, Me};

/// What every handler of a member (someone whose language we know)
/// needs, assembled once by the schema (`dptree::map(Env::new)`).
#[derive(Clone)]
pub struct Env {
    pub work: Work,
    pub ctx: Ctx,
    pub lang: Lang,
    pub clock: SharedClock,
    pub me: Me,
    pub config: Config,
}

impl Env {
    pub fn new(work: Work, ctx: Ctx, lang: Lang, clock: SharedClock, me: Me, config: Config) -> Env {
        Env { work, ctx, lang, clock, me, config }
    }

    /// The sender's private chat.
    pub fn chat(&self) -> ChatId {
        chat_of(&self.ctx)
    }

    /// One localised message to the sender.
    pub fn tell(&self, id: &str) {
        self.work.say(self.chat(), crate::t!(self.lang, id));
    }

    /// The helplines, each with what it is, in the sender's language.
    pub fn helplines(&self) -> String {
        self.config.helplines.text(self.lang)
    }

    /// A fallback: a student's variant carries the helplines.
    pub fn tell_fallback(&self, id: &str) {
        let text = if self.ctx.user.role == Some(Role::Student) {
            crate::t!(self.lang, &format!("{id}-student"), helplines = self.helplines())
        } else {
            crate::t!(self.lang, id)
        };
        self.work.say(self.chat(), text);
    }
}

pub fn chat_of(ctx: &Ctx) -> ChatId {
    ChatId(ctx.user.id.0)
}

/// A filter: the sender holds this role.
pub fn role_is(role: Role) -> impl Fn(Env) -> bool + Send + Sync + Clone + 'static {
    move |env: Env| env.ctx.user.role == Some(role)
}

/// A press that is no longer valid (stale, forged, not the presser's): a
/// toast, and nothing changes.
pub fn stale(env: &Env, q: &teloxide::types::CallbackQuery) -> crate::error::HandlerResult {
    env.work.answer(q, Some(crate::t!(env.lang, "button-stale")));
    Ok(())
}

/// A button whose data we do not recognise, that is no longer valid, or
/// that sits on a message that is gone: a toast, never a chat message.
pub async fn stale_button(
    work: Work,
    q: teloxide::types::CallbackQuery,
    ctx: Ctx,
) -> crate::error::HandlerResult {
    let lang = ctx.lang.unwrap_or(Lang::Ru);
    work.answer(&q, Some(crate::t!(lang, "button-stale")));
    Ok(())
}

/// The name of a stored user as `lang`'s reader sees it (cleaned, or the
/// role's stand-in); empty when the user is gone.
pub async fn name_of(
    work: &Work,
    id: crate::domain::UserId,
    lang: Lang,
) -> Result<String, crate::error::Error> {
    Ok(work.db().await?.user(id).await?.map(|u| u.display_name(lang)).unwrap_or_default())
}
