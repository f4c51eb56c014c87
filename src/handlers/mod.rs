//! One file per feature. Handlers hold no SQL (they call `db` methods on
//! the update's transaction) and no user-visible strings (they call `t!`);
//! what they send goes through the unit of work into the outbox.

pub mod agenda;
pub mod booking;
pub mod broadcast;
pub mod crisis;
pub mod export;
pub mod fallback;
pub mod invite;
pub mod meetings;
pub mod mentees;
pub mod mentors;
pub mod onboarding;
pub mod privacy;
pub mod quiet;
pub mod radar;
pub mod relay;
pub mod reminders;
pub mod slots;
pub mod sos;
pub mod stats;

pub use crate::kit::env::{Env, chat_of};
