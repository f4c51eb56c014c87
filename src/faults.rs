//! Crash points for the tests of "nothing lost, nothing twice": a debug
//! build started with `TALIMGER_CRASH_AT=<point>` aborts the process (as a
//! `kill -9` would) the first time it reaches that point. Release builds
//! compile this to nothing.

/// The points, in the order an update goes through them.
pub const POINTS: [&str; 5] = ["after-store", "before-commit", "after-commit", "before-send", "after-send"];
/// The points of a job (a reminder): claimed, and about to commit what it
/// queued; its messages then pass the outbox's `before-send` and `after-send`.
pub const JOB_POINTS: [&str; 2] = ["job-claimed", "job-before-commit"];

#[cfg(debug_assertions)]
pub fn crash_point(name: &'static str) {
    use std::sync::OnceLock;
    static AT: OnceLock<Option<String>> = OnceLock::new();
    let at = AT.get_or_init(|| std::env::var("TALIMGER_CRASH_AT").ok().filter(|p| !p.is_empty()));
    if at.as_deref() == Some(name) {
        eprintln!("TALIMGER_CRASH_AT={name}: aborting here");
        std::process::abort();
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn crash_point(_name: &'static str) {}
