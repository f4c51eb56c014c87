//! Rules and newtypes of the programme. Nothing here does I/O.

pub mod broadcast;
pub mod calendar;
pub mod crisis;
pub mod export;
pub mod helplines;
pub mod ids;
pub mod invite;
pub mod lang;
pub mod meetings;
pub mod period;
pub mod privacy;
pub mod quiet;
pub mod radar;
pub mod relay;
pub mod reminders;
pub mod role;
pub mod safety;
pub mod slots;
pub mod stats;
pub mod time;
pub mod user;
pub mod weekly;
pub mod working;

pub use ids::{DistrictId, InviteId, MeetingId, QuestionId, RuleId, SchoolId, SlotId, UserId};
pub use lang::Lang;
pub use role::Role;
pub use user::{Profile, User};
