//! One file per feature. Handlers hold no SQL (they call `db` methods on
//! the update's transaction) and no user-visible strings (they call `t!`);
//! what they send goes through the unit of work into the outbox.

pub mod agenda;
pub mod booking;
pub mod crisis;
pub mod fallback;
pub mod invite;
pub mod meetings;
pub mod mentees;
pub mod onboarding;
pub mod quiet;
pub mod relay;
pub mod reminders;
pub mod slots;
pub mod sos;

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

    /// A fallback: a student's variant carries the helplines.
    pub fn tell_fallback(&self, id: &str) {
        let text = if self.ctx.user.role == Some(Role::Student) {
            crate::t!(self.lang, &format!("{id}-student"), helplines = self.config.helplines.join(", "))
        } else {
            crate::t!(self.lang, id)
        };
        self.work.say(self.chat(), text);
    }
}

pub fn chat_of(ctx: &Ctx) -> ChatId {
    ChatId(ctx.user.id.0)
}
