//! The one integration-test binary: the real dispatcher, over HTTP, against
//! a strict fake Bot API; storage tests on SQLite and (with
//! `TEST_DATABASE_URL`) PostgreSQL.

mod cast;
mod fake_api;
mod fake_selftest;
mod helpers;

mod bad_input;
mod broadcast;
mod engine;
mod export;
mod faults;
mod intake;
mod invites;
mod languages;
mod locales;
mod mentor_tools;
mod mentors;
mod privacy;
mod process;
mod production;
mod properties;
mod radar;
mod relay;
mod reminders;
mod safeguarding;
mod scheduling;
mod stats;
mod storage;
mod webhook;
