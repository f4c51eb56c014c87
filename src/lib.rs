//! Tälimger: a Telegram bot for school mentoring programmes.
//! `ARCHITECTURE.md` at the top of the repository is the map.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod db;
pub mod dialogue;
pub mod domain;
pub mod error;
pub mod faults;
pub mod handlers;
pub mod i18n;
pub mod ics;
pub mod input;
pub mod intake;
pub mod jobs;
pub mod keyboards;
pub mod kit;
pub mod metrics;
pub mod outbox;
pub mod qr;
pub mod retention;
pub mod schema;
pub mod serve;
pub mod telegram;
pub mod telemetry;
pub mod work;
