//! The benchmark: `cargo run --release --example bench [-- --help]`.
//!
//! Builds the bot and the baseline echo bot (examples/echo.rs), then runs
//! each as a separate process against its own fake Bot API process (this
//! binary re-executed with `--serve-fake`), on 127.0.0.1 only:
//!
//! * throughput: N text updates from N new users, each answered once;
//!   the bot's CPU time (utime + stime) and updates per second, beside the
//!   echo bot's, and peak RSS;
//! * drain: 10,000 broadcasts seeded into the outbox, Telegram's limits on
//!   in the fake, and new users writing twice a second: the push-to-answer
//!   p50/p95/p99 and the bulk messages sent meanwhile;
//! * relay: seeded students write to their mentors; relayed messages a
//!   second, p50/p99, CPU per message, and the p99 at half the peak rate;
//! * statements: the database statements of one relayed message and one
//!   reply, alone and under load (the bot's `sqlx::query` log);
//! * booking: seeded students press a slot, "no topic" and "confirm" all
//!   at once; bookings a second, the confirmation's p50/p99, CPU per
//!   booking, the meetings in the database; 50 students on one slot;
//! * memory: peak RSS over three runs with a large programme seeded.
//!
//! Prints a Markdown report (BENCHMARKS.md says how to read it). Every wait
//! is bounded; child processes are stopped when it ends, fails or panics.

mod booking;
mod bots;
mod control;
mod db;
mod drain;
mod fake;
mod fake_booking;
mod memory;
mod params;
mod proc;
mod relay;
mod relay_report;
mod report;
mod stat;
mod throughput;

use bots::*;
use db::*;
use drain::drain;
use stat::*;
use throughput::throughput;

use anyhow::{Context, anyhow, bail};
use proc::{FakeProc, Proc, Signal};
use report::{Machine, Report, Throughput};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// User (= private chat) ids of each kind of traffic, far apart.
const WARMUP_USERS: i64 = 1_000_000;
const MEASURED_USERS: i64 = 2_000_000;
const INTERACTIVE_USERS: i64 = 3_000_000;
const BULK_CHATS: i64 = 5_000_000;
const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/test";

const HELP: &str = "\
bench: Tälimger against a bare teloxide echo bot, on a fake Bot API (127.0.0.1 only)

usage: cargo run --release --example bench -- [options]

  --updates N          measured updates per bot (default 2000)
  --warmup N           warm-up updates, not measured (default 100)
  --rounds N           throughput rounds per bot, the median reported (default 3)
  --backend B          sqlite, postgres or both (default both)
  --skip-throughput    no throughput
  --skip-drain         no drain
  --skip-relay         no relay (students' messages to their mentors)
  --skip-statements    no count of database statements per update
  --skip-memory        no memory part
  --skip-burst         no reminder burst
  --skip-booking       no booking (students pressing slot buttons at once)
  --bookings N         students booking at once, one slot each (default 500)
  --burst N            reminders due at once in the burst (default 10000)
  --memory-users N     users in the memory part's database, 1 in 100 a
                       mentor, a year of weekly meetings each (default 100000)
  --mentors N          mentors the relay's students are spread over (default 200)
  --smoke              a quick run of every part, for CI: --updates 200 --warmup 20
                       --rounds 1 --bulk 1000 --bulk-chats 200 --drain-secs 5
                       --mentors 20 --memory-users 5000 --burst 1000 --bookings 50;
                       fails if a part cannot run
  --bulk N             outbox rows seeded for the drain (default 10000)
  --bulk-chats N       distinct chats they go to (default 2000)
  --drain-secs S       how long new users write during the drain (default 60)
  --pg URL             PostgreSQL server to create scratch databases in
                       (default postgres://postgres@127.0.0.1:5432/test)
  --bot PATH           a prebuilt talimger binary instead of building one
  --no-build           do not run cargo build (binaries must exist)
  --out FILE           also write the Markdown report to FILE
";

#[derive(Clone, Debug)]
struct Opts {
    pub updates: i64,
    pub warmup: i64,
    pub rounds: u32,
    pub sqlite: bool,
    pub postgres: bool,
    pub throughput: bool,
    pub drain: bool,
    pub relay: bool,
    pub statements: bool,
    pub mentors: i64,
    pub smoke: bool,
    pub memory: bool,
    pub burst_part: bool,
    pub burst: i64,
    pub booking: bool,
    pub bookings: i64,
    pub memory_users: i64,
    pub bulk: i64,
    pub bulk_chats: i64,
    pub drain_secs: u64,
    pub pg: String,
    pub bot: Option<PathBuf>,
    pub build: bool,
    pub out: Option<PathBuf>,
}

enum Mode {
    Bench(Opts),
    Fake { port: u16, limits: bool },
    Help,
}

fn parse_args() -> anyhow::Result<Mode> {
    let mut o = Opts {
        updates: 2000,
        warmup: 100,
        rounds: 3,
        sqlite: true,
        postgres: true,
        throughput: true,
        drain: true,
        relay: true,
        statements: true,
        mentors: 200,
        smoke: false,
        memory: true,
        burst_part: true,
        burst: 10_000,
        booking: true,
        bookings: 500,
        memory_users: 100_000,
        bulk: 10_000,
        bulk_chats: 2000,
        drain_secs: 60,
        pg: DEFAULT_PG.to_owned(),
        bot: None,
        build: true,
        out: None,
    };
    let mut args = std::env::args().skip(1);
    let mut fake: Option<u16> = None;
    let mut limits = false;
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| anyhow!("{arg} needs a value (see --help)"));
        let number =
            |v: String| v.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| anyhow!("bad number {v:?}"));
        match arg.as_str() {
            "--help" | "-h" => return Ok(Mode::Help),
            "--serve-fake" => fake = Some(value()?.parse().context("--serve-fake PORT")?),
            "--limits" => limits = true,
            "--updates" => o.updates = number(value()?)?.max(1),
            "--warmup" => o.warmup = number(value()?)?,
            "--rounds" => o.rounds = number(value()?)?.clamp(1, 20) as u32,
            "--backend" => match value()?.as_str() {
                "sqlite" => (o.sqlite, o.postgres) = (true, false),
                "postgres" => (o.sqlite, o.postgres) = (false, true),
                "both" => (o.sqlite, o.postgres) = (true, true),
                other => bail!("--backend is sqlite, postgres or both (got {other:?})"),
            },
            "--skip-throughput" => o.throughput = false,
            "--skip-drain" => o.drain = false,
            "--skip-relay" => o.relay = false,
            "--skip-statements" => o.statements = false,
            "--skip-memory" => o.memory = false,
            "--skip-burst" => o.burst_part = false,
            "--skip-booking" => o.booking = false,
            "--bookings" => o.bookings = number(value()?)?.clamp(1, 100_000),
            "--burst" => o.burst = number(value()?)?.clamp(2, 1_000_000),
            "--memory-users" => o.memory_users = number(value()?)?.clamp(200, 1_000_000),
            "--mentors" => o.mentors = number(value()?)?.max(1),
            "--smoke" => {
                o.smoke = true;
                (o.updates, o.warmup, o.rounds, o.bulk, o.bulk_chats, o.drain_secs, o.mentors) =
                    (200, 20, 1, 1000, 200, 5, 20);
                o.memory_users = 5000;
                o.burst = 1000;
                o.bookings = 50;
            }
            "--bulk" => o.bulk = number(value()?)?,
            "--bulk-chats" => o.bulk_chats = number(value()?)?.max(1),
            "--drain-secs" => o.drain_secs = number(value()?)?.clamp(1, 600) as u64,
            "--pg" => o.pg = value()?,
            "--bot" => o.bot = Some(PathBuf::from(value()?)),
            "--no-build" => o.build = false,
            "--out" => o.out = Some(PathBuf::from(value()?)),
            other => bail!("unknown argument {other:?} (see --help)"),
        }
    }
    Ok(match fake {
        Some(port) => Mode::Fake { port, limits },
        None => Mode::Bench(o),
    })
}

fn main() -> ExitCode {
    let opts = match parse_args() {
        Ok(Mode::Fake { port, limits }) => return fake::serve(port, limits),
        Ok(Mode::Help) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Ok(Mode::Bench(o)) => o,
        Err(e) => {
            eprintln!("bench: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bench: no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let scratch: Arc<Mutex<Vec<String>>> = Arc::default();
    let result = runtime.block_on(async {
        // The body runs as a task, so that a panic still lets the scratch
        // databases be dropped below; children die with their guards.
        let task = tokio::spawn(run(opts.clone(), scratch.clone()));
        let abort = task.abort_handle();
        tokio::select! {
            r = task => r.unwrap_or_else(|e| Err(anyhow!("the benchmark failed: {e}"))),
            _ = tokio::signal::ctrl_c() => {
                abort.abort();
                Err(anyhow!("interrupted"))
            }
        }
    });
    let leftover = std::mem::take(&mut *scratch.lock().unwrap_or_else(|p| p.into_inner()));
    if !leftover.is_empty() {
        runtime.block_on(drop_databases(&opts.pg, &leftover));
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(opts: Opts, scratch: Arc<Mutex<Vec<String>>>) -> anyhow::Result<()> {
    let bins = binaries(&opts)?;
    let dir =
        tempfile::Builder::new().prefix("talimger-bench-").tempdir().context("no temporary directory")?;
    let ctx = Ctx { opts: opts.clone(), bins, dir, scratch, clk_tck: clock_ticks() };
    let mut report = Report::new(Machine::describe(), &opts_summary(&ctx));

    let pg_admin = if opts.postgres {
        match pg_connect(&opts.pg).await {
            Ok(pool) => Some(pool),
            Err(e) => {
                let note = format!("PostgreSQL skipped: {} is unreachable ({e:#})", report::redact(&opts.pg));
                say(&note);
                report.notes.push(note);
                None
            }
        }
    } else {
        None
    };
    let mut backends = Vec::new();
    if opts.sqlite {
        backends.push(Backend::Sqlite);
    }
    if pg_admin.is_some() {
        backends.push(Backend::Postgres);
    }

    if opts.throughput {
        // Rounds interleave the bots, so that other work on the machine
        // weighs on each alike; each bot's median round is reported.
        let mut bots: Vec<(String, String, Option<Backend>)> =
            vec![("teloxide 0.17 echo".into(), "—".into(), None)];
        bots.extend(backends.iter().map(|&b| ("Tälimger".to_owned(), b.name().to_owned(), Some(b))));
        let mut rounds: Vec<Vec<Result<Throughput, String>>> = bots.iter().map(|_| Vec::new()).collect();
        for round in 0..opts.rounds {
            for ((_, _, backend), results) in bots.iter().zip(&mut rounds) {
                if results.iter().any(Result::is_err) {
                    continue; // it failed once: one failure says enough
                }
                say(format!("round {} of {}", round + 1, opts.rounds));
                let result = match backend {
                    None => throughput(&ctx, Bot::Echo).await,
                    Some(backend) => {
                        let tag = format!("tp{round}");
                        match fresh_database(&ctx, pg_admin.as_ref(), *backend, &tag).await {
                            Ok(database_url) => {
                                throughput(&ctx, Bot::Talimger { backend: *backend, database_url }).await
                            }
                            Err(e) => Err(format!("no database: {e:#}")),
                        }
                    }
                };
                results.push(result);
            }
        }
        for ((bot, db, _), results) in bots.into_iter().zip(rounds) {
            report.throughput.push((bot, db, report::median(results)));
        }
    }
    if opts.relay || opts.statements {
        for &backend in &backends {
            if opts.relay {
                let result = match fresh_database(&ctx, pg_admin.as_ref(), backend, "relay").await {
                    Ok(database_url) => relay::relay(&ctx, backend, &database_url).await,
                    Err(e) => Err(format!("no database: {e:#}")),
                };
                report.relay.push((backend.name().into(), result));
            }
            if opts.statements {
                let result = match fresh_database(&ctx, pg_admin.as_ref(), backend, "stmts").await {
                    Ok(database_url) => relay::statements(&ctx, backend, &database_url).await,
                    Err(e) => Err(format!("no database: {e:#}")),
                };
                report.statements.push((backend.name().into(), result));
            }
        }
    }
    if opts.booking {
        for &backend in &backends {
            let result = match fresh_database(&ctx, pg_admin.as_ref(), backend, "booking").await {
                Ok(database_url) => booking::booking(&ctx, backend, &database_url).await,
                Err(e) => Err(format!("no database: {e:#}")),
            };
            report.booking.push((backend.name().into(), result));
        }
    }
    if opts.drain {
        for &backend in &backends {
            let result = match fresh_database(&ctx, pg_admin.as_ref(), backend, "drain").await {
                Ok(database_url) => drain(&ctx, backend, &database_url, false).await,
                Err(e) => Err(format!("no database: {e:#}")),
            };
            report.drain.push((backend.name().into(), result));
        }
    }
    if opts.burst_part {
        for &backend in &backends {
            let result = match fresh_database(&ctx, pg_admin.as_ref(), backend, "burst").await {
                Ok(database_url) => drain(&ctx, backend, &database_url, true).await,
                Err(e) => Err(format!("no database: {e:#}")),
            };
            report.burst.push((backend.name().into(), result));
        }
    }
    if opts.memory {
        for &backend in &backends {
            let result = match fresh_database(&ctx, pg_admin.as_ref(), backend, "memory").await {
                Ok(database_url) => memory::memory(&ctx, backend, &database_url).await,
                Err(e) => Err(format!("no database: {e:#}")),
            };
            report.memory.push((backend.name().into(), result));
        }
    }
    if let Some(pool) = pg_admin {
        let names = std::mem::take(&mut *ctx.scratch.lock().unwrap_or_else(|p| p.into_inner()));
        drop_with(&pool, &names).await;
        pool.close().await;
    }

    let markdown = report.markdown();
    println!("{markdown}");
    if let Some(out) = &opts.out {
        std::fs::write(out, &markdown).with_context(|| format!("could not write {}", out.display()))?;
        say(format!("report written to {}", out.display()));
    }
    if opts.smoke {
        let failures = report.failures();
        if !failures.is_empty() {
            bail!("smoke run: {} part(s) could not run:\n  {}", failures.len(), failures.join("\n  "));
        }
        if opts.postgres && !backends.contains(&Backend::Postgres) {
            bail!("smoke run: PostgreSQL could not be reached");
        }
    }
    Ok(())
}

fn opts_summary(ctx: &Ctx) -> String {
    let o = &ctx.opts;
    let bot = match &o.bot {
        Some(p) => format!("bot binary {}", p.display()),
        None => format!("bot built from commit {}", git_commit()),
    };
    format!(
        "{bot}; throughput: {} updates per bot after {} warm-up, median of {} rounds; drain: {} outbox rows to {} chats, new users for {} s",
        o.updates, o.warmup, o.rounds, o.bulk, o.bulk_chats, o.drain_secs
    )
}

fn git_commit() -> String {
    let dir = env!("CARGO_MANIFEST_DIR");
    let out = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let commit = out(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into());
    // Only what goes into the bot counts (a change to the benchmark does not).
    let dirty =
        out(&["status", "--porcelain", "--", "src", "migrations", "locales", "Cargo.toml", "Cargo.lock"])
            .is_some_and(|s| !s.is_empty());
    if dirty { format!("{commit} (with uncommitted changes)") } else { commit }
}
