//! The report's sections for the relay and the statements per update.

use crate::report::{ms, verdict, verdict_ms};
use std::fmt::Write;

pub struct Relay {
    pub students: i64,
    pub mentors: i64,
    pub messages: i64,
    pub cpu_us_per_msg: f64,
    pub msgs_per_sec: f64,
    pub cpu_s: f64,
    pub wall_s: f64,
    pub server_cpu_us_per_msg: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// The open-loop rate at half the peak, as it was queued.
    pub half_rate: f64,
    pub half_relayed: i64,
    pub half_p50_ms: Option<f64>,
    pub half_p99_ms: Option<f64>,
    pub peak_rss_kib: u64,
    pub api_errors: u64,
    pub unknown_methods: String,
    pub exit: String,
}

pub struct Statements {
    /// The statements of one relayed message / one reply, in order.
    pub relay_one: Vec<String>,
    pub reply_one: Vec<String>,
    /// (statements, updates) with the updates queued at once.
    pub relay_load: (u64, i64),
    pub reply_load: (u64, i64),
    /// Statements a second while nothing comes in (timers, the outbox's polls).
    pub idle_per_sec: f64,
    pub exit: String,
}

pub const RELAY_CPU_US: f64 = 650.0;
pub const RELAY_VS_ECHO: f64 = 6.0;
pub const HALF_P99_MS: f64 = 50.0;

pub fn relay_table(s: &mut String, rows: &[(String, Result<Relay, String>)], echo_cpu_us: Option<f64>) {
    let _ = writeln!(
        s,
        "Relay: students' messages to their mentors, end to end (update queued → the mentor's copy and the student's 👌 both received), Telegram's limits off.\n"
    );
    let _ = writeln!(
        s,
        "| database | messages | relayed / s | p50 | p99 | CPU µs / message (≤ {RELAY_CPU_US:.0}) | CPU vs echo (≤ {RELAY_VS_ECHO}×) | p99 at half load (< {HALF_P99_MS:.0} ms) | peak RSS | database server CPU µs / message |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut notes = Vec::new();
    for (db, r) in rows {
        match r {
            Ok(r) => {
                let vs_echo = match echo_cpu_us {
                    Some(e) => {
                        let x = r.cpu_us_per_msg / e.max(f64::MIN_POSITIVE);
                        verdict(x, x <= RELAY_VS_ECHO)
                    }
                    None => "— (no echo run)".to_owned(),
                };
                let cpu = format!(
                    "{:.0} {}",
                    r.cpu_us_per_msg,
                    if r.cpu_us_per_msg <= RELAY_CPU_US { "met" } else { "**missed**" }
                );
                let half = match r.half_p99_ms {
                    Some(p) => verdict_ms(p, p < HALF_P99_MS),
                    None => "unrelayed".to_owned(),
                };
                let _ = writeln!(
                    s,
                    "| {db} | {} | {:.0} | {} | {} | {cpu} | {vs_echo} | {half} at {:.0}/s | {:.1} MiB | {} |",
                    r.messages,
                    r.msgs_per_sec,
                    ms(r.p50_ms),
                    ms(r.p99_ms),
                    r.half_rate,
                    r.peak_rss_kib as f64 / 1024.0,
                    r.server_cpu_us_per_msg.map_or_else(|| "—".to_owned(), |c| format!("{c:.0}"))
                );
                notes.push(format!(
                    "{db}: {} students, {} mentors; peak {:.2} s CPU over {:.2} s; half load: {}/{} relayed, p50 {}; {} requests refused by the fake, unknown methods {}; bot {}",
                    r.students,
                    r.mentors,
                    r.cpu_s,
                    r.wall_s,
                    r.half_relayed,
                    r.messages,
                    ms(r.half_p50_ms),
                    r.api_errors,
                    r.unknown_methods,
                    r.exit
                ));
            }
            Err(e) => {
                let _ = writeln!(s, "| {db} | not measured | | | | | | | | |");
                notes.push(format!("{db}: relay not measured: {e}"));
            }
        }
    }
    s.push('\n');
    for n in notes {
        let _ = writeln!(s, "- {n}");
    }
    s.push('\n');
}

pub fn statements_table(s: &mut String, rows: &[(String, Result<Statements, String>)]) {
    let _ = writeln!(
        s,
        "Statements per update: the `sqlx::query` lines the bot logs (`RUST_LOG=warn,sqlx::query=debug`, a run of its own). Alone: one update after a second of quiet; under load: N updates queued at once, statements ÷ N.\n"
    );
    let _ = writeln!(
        s,
        "| database | relayed message, alone | relayed message, under load | reply, alone | reply, under load | idle statements / s |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|");
    let mut lists = Vec::new();
    for (db, r) in rows {
        match r {
            Ok(st) => {
                let per = |(n, u): (u64, i64)| n as f64 / u.max(1) as f64;
                let _ = writeln!(
                    s,
                    "| {db} | {} | {:.1} ({} updates) | {} | {:.1} ({} updates) | {:.1} |",
                    st.relay_one.len(),
                    per(st.relay_load),
                    st.relay_load.1,
                    st.reply_one.len(),
                    per(st.reply_load),
                    st.reply_load.1,
                    st.idle_per_sec
                );
                lists.push(format!("{db}, one relayed message: {}", st.relay_one.join(" → ")));
                lists.push(format!("{db}, one reply: {}; bot {}", st.reply_one.join(" → "), st.exit));
            }
            Err(e) => {
                let _ = writeln!(s, "| {db} | not counted | | | | |");
                lists.push(format!("{db}: statements not counted: {e}"));
            }
        }
    }
    s.push('\n');
    for l in lists {
        let _ = writeln!(s, "- {l}");
    }
    s.push('\n');
}

pub struct Memory {
    pub users: i64,
    pub mentors: i64,
    pub meetings: i64,
    /// Relayed messages and replies per run.
    pub traffic: i64,
    pub peak_rss_kib: Vec<u64>,
    pub exit: String,
}

/// ≤ 60 MB (10⁶ bytes), and flat: no run more than 10 % above the first.
pub const MEMORY_MB: f64 = 60.0;

pub fn memory_table(s: &mut String, rows: &[(String, Result<Memory, String>)]) {
    let _ = writeln!(
        s,
        "Memory: the bot's peak RSS (`VmHWM`) with a large programme in the database, three runs on the same database, each serving relayed messages and replies.\n"
    );
    let _ = writeln!(
        s,
        "| database | users | mentors | meetings | per run | peak RSS per run | ≤ {MEMORY_MB:.0} MB | flat |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---|---|---|");
    let mut notes = Vec::new();
    for (db, r) in rows {
        match r {
            Ok(m) => {
                let mib: Vec<String> =
                    m.peak_rss_kib.iter().map(|k| format!("{:.1} MiB", *k as f64 / 1024.0)).collect();
                let max = m.peak_rss_kib.iter().copied().max().unwrap_or(0);
                let first = m.peak_rss_kib.first().copied().unwrap_or(0);
                let mb = max as f64 * 1024.0 / 1e6;
                let under = if mb <= MEMORY_MB {
                    format!("{mb:.1} MB met")
                } else {
                    format!("{mb:.1} MB **missed**")
                };
                let flat = if max as f64 <= first as f64 * 1.1 { "met" } else { "**missed**" };
                let _ = writeln!(
                    s,
                    "| {db} | {} | {} | {} | {} relayed + {} replies | {} | {under} | {flat} |",
                    m.users,
                    m.mentors,
                    m.meetings,
                    m.traffic,
                    m.traffic,
                    mib.join(", ")
                );
            }
            Err(e) => {
                let _ = writeln!(s, "| {db} | not measured | | | | | | |");
                notes.push(format!("{db}: memory not measured: {e}"));
                continue;
            }
        }
        if let Ok(m) = r {
            notes.push(format!("{db}: bot {}", m.exit));
        }
    }
    s.push('\n');
    for n in notes {
        let _ = writeln!(s, "- {n}");
    }
    s.push('\n');
}
