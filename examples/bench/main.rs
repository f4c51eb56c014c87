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
//!   p50/p95/p99 and the bulk messages sent meanwhile.
//!
//! Prints a Markdown report (BENCHMARKS.md says how to read it). Every wait
//! is bounded; child processes are stopped when it ends, fails or panics.

mod fake;
mod proc;
mod report;

use anyhow::{Context, anyhow, bail};
use proc::{FakeProc, Proc, Signal};
use report::{Drain, Machine, Report, Throughput};
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
  --skip-throughput    only the drain
  --skip-drain         only the throughput
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
    updates: i64,
    warmup: i64,
    rounds: u32,
    sqlite: bool,
    postgres: bool,
    throughput: bool,
    drain: bool,
    bulk: i64,
    bulk_chats: i64,
    drain_secs: u64,
    pg: String,
    bot: Option<PathBuf>,
    build: bool,
    out: Option<PathBuf>,
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

fn say(what: impl AsRef<str>) {
    eprintln!("bench: {}", what.as_ref());
}

/// The binaries the run uses.
struct Bins {
    talimger: PathBuf,
    echo: PathBuf,
    me: PathBuf,
}

fn binaries(opts: &Opts) -> anyhow::Result<Bins> {
    let me = std::env::current_exe().context("cannot find the bench binary")?;
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    if opts.build {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        // Two builds: the bot alone is built exactly as `cargo build --release`
        // builds it (without the examples' dev-dependency features).
        let mut targets = vec!["--example", "echo"];
        if opts.bot.is_none() {
            targets.splice(0..0, ["--bin", "talimger"]);
        }
        for target in targets.chunks(2) {
            say(format!("cargo build --release {}", target.join(" ")));
            let mut cmd = Command::new(&cargo);
            cmd.args(["build", "--release", "--manifest-path"]).arg(&manifest).args(target);
            // `cargo run` gives this process the package's CARGO_PKG_* and
            // CARGO_MANIFEST_* variables; build scripts that watch them (ring's
            // does) would be rebuilt here and again by the next plain build.
            for (key, _) in std::env::vars_os() {
                let Some(key) = key.to_str() else { continue };
                if ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_CFG_"].iter().any(|p| key.starts_with(p))
                    || ["CARGO_CRATE_NAME", "CARGO_BIN_NAME", "CARGO_PRIMARY_PACKAGE", "OUT_DIR"]
                        .contains(&key)
                {
                    cmd.env_remove(key);
                }
            }
            let status = cmd.status().context("could not run cargo")?;
            if !status.success() {
                bail!("cargo build failed ({status})");
            }
        }
    }
    // …/release/examples/bench → …/release
    let examples = me.parent().context("bench binary has no directory")?;
    let release = examples.parent().context("bench binary is not in a target directory")?;
    if release.file_name().and_then(|n| n.to_str()) != Some("release") {
        bail!("run the benchmark with --release (cargo run --release --example bench)");
    }
    let bins = Bins {
        talimger: opts.bot.clone().unwrap_or_else(|| release.join("talimger")),
        echo: examples.join("echo"),
        me: me.clone(),
    };
    for b in [&bins.talimger, &bins.echo] {
        if !b.is_file() {
            bail!("{} is missing (build it, or drop --no-build)", b.display());
        }
    }
    Ok(bins)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// What a bot process under test is.
#[derive(Clone)]
enum Bot {
    Echo,
    Talimger { backend: Backend, database_url: String },
}

impl Bot {
    fn name(&self) -> String {
        match self {
            Bot::Echo => "echo".into(),
            Bot::Talimger { backend, .. } => format!("talimger ({})", backend.name()),
        }
    }
}

struct Ctx {
    opts: Opts,
    bins: Bins,
    dir: tempfile::TempDir,
    scratch: Arc<Mutex<Vec<String>>>,
    clk_tck: f64,
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
    if opts.drain {
        for &backend in &backends {
            let result = match fresh_database(&ctx, pg_admin.as_ref(), backend, "drain").await {
                Ok(database_url) => drain(&ctx, backend, &database_url).await,
                Err(e) => Err(format!("no database: {e:#}")),
            };
            report.drain.push((backend.name().into(), result));
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

// ------------------------------------------------------------ processes

fn start_bot(ctx: &Ctx, bot: &Bot, fake: &FakeProc, env: &[(&str, &str)], tag: &str) -> anyhow::Result<Proc> {
    let (path, signal) = match bot {
        Bot::Echo => (&ctx.bins.echo, Signal::Int),
        Bot::Talimger { .. } => (&ctx.bins.talimger, Signal::Term),
    };
    let mut cmd = Command::new(path);
    base_env(&mut cmd, ctx, fake.api_url());
    if let Bot::Talimger { database_url, .. } = bot {
        cmd.env("DATABASE_URL", database_url);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let log = ctx.dir.path().join(format!("{tag}.log"));
    Proc::spawn(&bot.name(), &mut cmd, &log, signal)
}

/// A clean environment: nothing of the caller's (a proxy setting, a
/// `TALIMGER_*` variable) reaches the bot; it runs in the scratch directory
/// so that no `.env` file is read.
fn base_env(cmd: &mut Command, ctx: &Ctx, api_url: String) {
    cmd.env_clear()
        .current_dir(ctx.dir.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TELOXIDE_TOKEN", fake::TOKEN)
        .env("TELEGRAM_API_URL", api_url)
        .env("RUST_LOG", "warn")
        .env("TALIMGER_METRICS_LISTEN", "127.0.0.1:0")
        .env("NO_COLOR", "1");
}

/// Waits until the bot's first `getUpdates`.
async fn wait_polling(fake: &FakeProc, bot: &mut Proc) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if fake.stats().await?["get_updates_calls"].as_u64().unwrap_or(0) > 0 {
            return Ok(());
        }
        bot.check_alive()?;
        if Instant::now() > deadline {
            bail!("{} did not poll within 60 s{}", bot.name, bot.log_tail());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until every user of `[from, from + count)` has an answer. Gives up
/// after `cap`, or when no new answer came for `stall`, or if the bot died.
async fn wait_answered(
    fake: &FakeProc,
    bot: &mut Proc,
    from: i64,
    count: i64,
    cap: Duration,
    stall: Duration,
) -> anyhow::Result<Value> {
    let start = Instant::now();
    let (mut seen, mut progress_at) = (0, Instant::now());
    loop {
        let range = fake.range(from, count, false).await?;
        let answered = range["answered"].as_i64().unwrap_or(0);
        if answered >= count {
            return Ok(range);
        }
        if answered > seen {
            (seen, progress_at) = (answered, Instant::now());
        }
        bot.check_alive()?;
        let waited = start.elapsed();
        if waited > cap || progress_at.elapsed() > stall {
            bail!("{answered} of {count} answered after {:.0} s{}", waited.as_secs_f64(), bot.log_tail());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ------------------------------------------------------------ throughput

async fn throughput(ctx: &Ctx, bot: Bot) -> Result<Throughput, String> {
    say(format!("throughput: {}", bot.name()));
    let r = throughput_inner(ctx, &bot).await.map_err(|e| format!("{e:#}"));
    if let Err(e) = &r {
        say(format!("throughput of {} failed: {e}", bot.name()));
    }
    r
}

async fn throughput_inner(ctx: &Ctx, bot: &Bot) -> anyhow::Result<Throughput> {
    let fake = FakeProc::start(&ctx.bins.me, false).await?;
    // The outbox may pace itself: not in this measurement (the fake's limits are off too).
    let env: &[(&str, &str)] = match bot {
        Bot::Echo => &[],
        Bot::Talimger { .. } => &[("TALIMGER_SEND_RATE", "100000"), ("TALIMGER_CHAT_BURST", "1000")],
    };
    let tag = bot.name().replace([' ', '(', ')'], "");
    let mut proc = start_bot(ctx, bot, &fake, env, &format!("throughput-{tag}"))?;
    wait_polling(&fake, &mut proc).await?;

    let n = ctx.opts.updates;
    if ctx.opts.warmup > 0 {
        fake.push(WARMUP_USERS, ctx.opts.warmup).await?;
        wait_answered(&fake, &mut proc, WARMUP_USERS, ctx.opts.warmup, Duration::from_secs(120), STALL)
            .await
            .context("warm-up")?;
        tokio::time::sleep(SETTLE).await;
    }
    let pg_database = match bot {
        Bot::Talimger { backend: Backend::Postgres, database_url } => database_name(database_url),
        _ => None,
    };
    let server_before = pg_database.as_deref().map(server_ticks).unwrap_or_default();
    let cpu_before = cpu_ticks(proc.pid())?;
    let pushed_ms = fake.push(MEASURED_USERS, n).await?;
    let cap = Duration::from_secs(60).max(Duration::from_millis(u64::try_from(n).unwrap_or(0) * 50));
    let range = wait_answered(&fake, &mut proc, MEASURED_USERS, n, cap, STALL).await?;
    // Let work that follows the answer (marking the update handled) finish.
    tokio::time::sleep(SETTLE).await;
    let cpu_after = cpu_ticks(proc.pid())?;
    let server_s = pg_database.as_deref().map(|db| {
        let after = server_ticks(db);
        let ticks: u64 =
            after.iter().map(|(pid, t)| t.saturating_sub(server_before.get(pid).copied().unwrap_or(0))).sum();
        ticks as f64 / ctx.clk_tck
    });
    let rss_kib = peak_rss_kib(proc.pid()).unwrap_or(0);
    let last_ms = range["last_first_answer_ms"].as_u64().unwrap_or(pushed_ms);
    let wall_s = (last_ms.saturating_sub(pushed_ms) as f64 / 1000.0).max(0.001);
    let cpu_s = cpu_after.saturating_sub(cpu_before) as f64 / ctx.clk_tck;
    let answers = range["answers"].as_i64().unwrap_or(0);
    let stats = fake.stats().await?;
    let exit = proc.stop(Duration::from_secs(12));
    fake.stop();
    let t = Throughput {
        updates: n,
        cpu_us_per_update: cpu_s * 1e6 / n as f64,
        updates_per_sec: n as f64 / wall_s,
        wall_s,
        cpu_s,
        server_cpu_us_per_update: server_s.map(|s| s * 1e6 / n as f64),
        peak_rss_kib: rss_kib,
        extra_answers: answers - n,
        api_errors: stats["errors"].as_u64().unwrap_or(0) + stats["too_many_requests"].as_u64().unwrap_or(0),
        exit,
        rounds: Vec::new(),
    };
    say(format!(
        "  {} updates in {:.2} s: {:.0} µs CPU per update, {:.0} updates/s, peak RSS {} KiB",
        n, t.wall_s, t.cpu_us_per_update, t.updates_per_sec, t.peak_rss_kib
    ));
    Ok(t)
}

const STALL: Duration = Duration::from_secs(20);
const SETTLE: Duration = Duration::from_millis(500);

// ------------------------------------------------------------ drain

async fn drain(ctx: &Ctx, backend: Backend, database_url: &str) -> Result<Drain, String> {
    say(format!("drain: talimger ({})", backend.name()));
    let r = drain_inner(ctx, backend, database_url).await.map_err(|e| format!("{e:#}"));
    if let Err(e) = &r {
        say(format!("drain on {} not measured: {e}", backend.name()));
    }
    r
}

async fn drain_inner(ctx: &Ctx, backend: Backend, database_url: &str) -> anyhow::Result<Drain> {
    let o = &ctx.opts;
    migrate(ctx, database_url).await?;
    seed_outbox(database_url, o.bulk, o.bulk_chats).await?;

    let fake = FakeProc::start(&ctx.bins.me, true).await?;
    fake.control("known", &[("from", BULK_CHATS.to_string()), ("count", o.bulk_chats.to_string())]).await?;
    let bot = Bot::Talimger { backend, database_url: database_url.to_owned() };
    let mut proc = start_bot(ctx, &bot, &fake, &[], &format!("drain-{}", backend.name()))?;
    wait_polling(&fake, &mut proc).await?;

    let start = fake.stats().await?;
    let window_start = Instant::now();
    let window = Duration::from_secs(o.drain_secs);
    let (mut pushed, mut note) = (0i64, None);
    while window_start.elapsed() < window {
        fake.push(INTERACTIVE_USERS + pushed, 1).await?;
        pushed += 1;
        proc.check_alive()?;
        // Nothing drained after 15 s: the bot has no outbox sender. Say so, do not wait out the window.
        if window_start.elapsed() > Duration::from_secs(15)
            && fake.stats().await?["sent_to_others"].as_u64() == start["sent_to_others"].as_u64()
        {
            note = Some("outbox not drained: 0 bulk messages sent in 15 s; window cut short".to_owned());
            break;
        }
        let next = Duration::from_millis(500 * u64::try_from(pushed).unwrap_or(0));
        tokio::time::sleep(next.saturating_sub(window_start.elapsed())).await;
    }
    let end = fake.stats().await?;
    let window_s = (end["now_ms"].as_u64().unwrap_or(0).saturating_sub(start["now_ms"].as_u64().unwrap_or(0))
        as f64
        / 1000.0)
        .max(0.001);
    // The last users get up to 10 s for their answer.
    let _ = wait_answered(&fake, &mut proc, INTERACTIVE_USERS, pushed, Duration::from_secs(10), STALL).await;
    let range = fake.range(INTERACTIVE_USERS, pushed, true).await?;
    let mut latencies: Vec<Option<f64>> = range["each"]
        .as_array()
        .map(|a| a.iter().map(|pair| Some(pair[1].as_f64()? - pair[0].as_f64()?)).collect::<Vec<_>>())
        .unwrap_or_default();
    latencies.sort_by(|a, b| match (a, b) {
        (Some(a), Some(b)) => a.total_cmp(b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let bulk = |s: &Value| s["sent_to_others"].as_u64().unwrap_or(0);
    let exit = proc.stop(Duration::from_secs(12));
    let final_stats = fake.stats().await?;
    fake.stop();
    let outbox = outbox_states(database_url).await.unwrap_or_else(|e| format!("unreadable: {e:#}"));
    let bulk_sent = bulk(&end) - bulk(&start);
    let d = Drain {
        interactive: pushed,
        answered: range["answered"].as_i64().unwrap_or(0),
        p50_ms: percentile(&latencies, 50.0),
        p95_ms: percentile(&latencies, 95.0),
        p99_ms: percentile(&latencies, 99.0),
        bulk_sent,
        window_s,
        too_many: final_stats["too_many_requests"].as_u64().unwrap_or(0),
        outbox,
        note: note
            .or_else(|| (bulk_sent == 0).then(|| "outbox not drained: 0 bulk messages sent".to_owned())),
        exit,
    };
    say(format!(
        "  {}/{} answered, p99 {}, {} bulk messages in {:.0} s, 429s {}",
        d.answered,
        d.interactive,
        report::ms(d.p99_ms),
        d.bulk_sent,
        d.window_s,
        d.too_many
    ));
    Ok(d)
}

/// Nearest-rank percentile; an unanswered update (`None`) counts as slower
/// than any answer, and a percentile that falls on one is `None`.
fn percentile(sorted: &[Option<f64>], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

async fn migrate(ctx: &Ctx, database_url: &str) -> anyhow::Result<()> {
    let mut cmd = Command::new(&ctx.bins.talimger);
    base_env(&mut cmd, ctx, "http://127.0.0.1:9".into());
    cmd.env("DATABASE_URL", database_url).arg("migrate");
    let log = ctx.dir.path().join("migrate.log");
    let mut p = Proc::spawn("talimger migrate", &mut cmd, &log, Signal::Term)?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = p.exited() {
            if status.success() {
                return Ok(());
            }
            bail!("talimger migrate failed ({status}){}", p.log_tail());
        }
        if Instant::now() > deadline {
            bail!("talimger migrate did not finish within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ------------------------------------------------------------ databases

enum Pool {
    Sqlite(sqlx::SqlitePool),
    Pg(sqlx::PgPool),
}

impl Pool {
    async fn open(url: &str) -> anyhow::Result<Pool> {
        let timeout = Duration::from_secs(10);
        Ok(if url.starts_with("sqlite:") {
            Pool::Sqlite(sqlx::sqlite::SqlitePoolOptions::new().acquire_timeout(timeout).connect(url).await?)
        } else {
            Pool::Pg(sqlx::postgres::PgPoolOptions::new().acquire_timeout(timeout).connect(url).await?)
        })
    }

    async fn execute(&self, sql: &str) -> anyhow::Result<()> {
        match self {
            Pool::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(drop)?,
            Pool::Pg(p) => sqlx::raw_sql(sql).execute(p).await.map(drop)?,
        }
        Ok(())
    }

    async fn states(&self) -> anyhow::Result<Vec<(String, i64)>> {
        let sql = "SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state";
        Ok(match self {
            Pool::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await?,
            Pool::Pg(p) => sqlx::query_as(sql).fetch_all(p).await?,
        })
    }

    async fn close(self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Pg(p) => p.close().await,
        }
    }
}

/// `bulk` broadcasts (priority 3) to `chats` chats, due now, pending.
async fn seed_outbox(database_url: &str, bulk: i64, chats: i64) -> anyhow::Result<()> {
    let pool = Pool::open(database_url).await.context("seeding the outbox")?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis();
    let mut sql = String::from("BEGIN;\n");
    for chunk in (0..bulk).collect::<Vec<_>>().chunks(250) {
        sql.push_str(
            "INSERT INTO outbox (chat_id, priority, method, payload, state, due_at, created_at) VALUES ",
        );
        let rows: Vec<String> = chunk
            .iter()
            .map(|i| {
                let chat = BULK_CHATS + i % chats;
                let payload =
                    serde_json::json!({"chat_id": chat, "text": format!("Рассылка {i}")}).to_string();
                format!(
                    "({chat}, 3, 'sendMessage', '{}', 'pending', {now}, {now})",
                    payload.replace('\'', "''")
                )
            })
            .collect();
        sql.push_str(&rows.join(", "));
        sql.push_str(";\n");
    }
    sql.push_str("COMMIT;\n");
    let r = pool.execute(&sql).await.context("could not seed the outbox (is migration 0002 in this binary?)");
    pool.close().await;
    r
}

async fn outbox_states(database_url: &str) -> anyhow::Result<String> {
    let pool = Pool::open(database_url).await?;
    let states = pool.states().await;
    pool.close().await;
    Ok(states?.iter().map(|(s, n)| format!("{n} {s}")).collect::<Vec<_>>().join(", "))
}

async fn pg_connect(url: &str) -> anyhow::Result<sqlx::PgPool> {
    let connect = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect(url);
    Ok(tokio::time::timeout(Duration::from_secs(8), connect).await.map_err(|_| anyhow!("timed out"))??)
}

/// A new empty database: a file in the scratch directory, or a database
/// created on the PostgreSQL server (dropped at the end).
async fn fresh_database(
    ctx: &Ctx,
    pg: Option<&sqlx::PgPool>,
    backend: Backend,
    tag: &str,
) -> anyhow::Result<String> {
    match backend {
        Backend::Sqlite => Ok(format!("sqlite://{}/bench-{tag}.db", ctx.dir.path().display())),
        Backend::Postgres => {
            let pool = pg.context("PostgreSQL is not connected")?;
            let name = format!("talimger_bench_{}_{tag}", std::process::id());
            ctx.scratch.lock().unwrap_or_else(|p| p.into_inner()).push(name.clone());
            sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name}")).execute(pool).await?;
            sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(pool).await?;
            let mut url = url::Url::parse(&ctx.opts.pg)?;
            url.set_path(&format!("/{name}"));
            Ok(url.to_string())
        }
    }
}

async fn drop_with(pool: &sqlx::PgPool, names: &[String]) {
    for name in names {
        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        if let Err(e) = sqlx::raw_sql(&sql).execute(pool).await {
            say(format!("could not drop the scratch database {name}: {e}"));
        }
    }
}

async fn drop_databases(pg: &str, names: &[String]) {
    match pg_connect(pg).await {
        Ok(pool) => {
            drop_with(&pool, names).await;
            pool.close().await;
        }
        Err(e) => say(format!("could not drop the scratch databases {names:?}: {e:#}")),
    }
}

// ------------------------------------------------------------ /proc

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name may hold spaces: the fields start after its ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).context("odd /proc stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of stat(5); `rest` starts at field 3.
    let utime: u64 = fields.get(11).context("no utime")?.parse()?;
    let stime: u64 = fields.get(12).context("no stime")?.parse()?;
    Ok(utime + stime)
}

/// The database a PostgreSQL URL names.
fn database_name(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    Some(url.path().trim_start_matches('/').to_owned()).filter(|d| !d.is_empty())
}

/// utime + stime of each PostgreSQL server process serving `database` (its
/// process title is `postgres: [CLUSTER:] USER DATABASE HOST(PORT) STATE`).
fn server_ticks(database: &str) -> std::collections::HashMap<u32, u64> {
    let mut ticks = std::collections::HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else { return ticks };
    for entry in dir.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|p| p.parse::<u32>().ok()) else { continue };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let title = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if title.starts_with("postgres:")
            && title.split_whitespace().any(|word| word == database)
            && let Ok(t) = cpu_ticks(pid)
        {
            ticks.insert(pid, t);
        }
    }
    ticks
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<f64>().ok())
        .filter(|t| *t > 0.0)
        .unwrap_or(100.0)
}
