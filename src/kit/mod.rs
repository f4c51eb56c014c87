//! Machinery shared by features, using none of them.

pub mod copy;
pub mod env;
pub mod export;
pub mod invite;
pub mod meeting;
pub mod paused;
pub mod words;
