//! Tälimger: a Telegram bot for school mentoring programmes.
//! `ARCHITECTURE.md` at the top of the repository is the map.

pub mod db;
pub mod domain;
