//! Rules and newtypes of the programme. Nothing here does I/O.

pub mod crisis;
pub mod ids;
pub mod invite;
pub mod lang;
pub mod quiet;
pub mod relay;
pub mod role;
pub mod time;
pub mod user;

pub use ids::{DistrictId, InviteId, QuestionId, SchoolId, UserId};
pub use lang::Lang;
pub use role::Role;
pub use user::{Profile, User};
