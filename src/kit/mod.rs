//! Machinery shared by features, using none of them.

pub mod chart;
pub mod copy;
pub mod env;
pub mod export;
pub mod forget;
pub mod invite;
pub mod meeting;
pub mod paused;
pub mod stats_chart;
pub mod words;
