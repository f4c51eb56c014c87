//! The processes under test: the binaries, the bots, their environment and waits.

use super::*;

pub fn say(what: impl AsRef<str>) {
    eprintln!("bench: {}", what.as_ref());
}

/// The binaries the run uses.
pub struct Bins {
    pub talimger: PathBuf,
    pub echo: PathBuf,
    pub me: PathBuf,
}

pub fn binaries(opts: &Opts) -> anyhow::Result<Bins> {
    let me = std::env::current_exe().context("cannot find the bench binary")?;
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    // …/release/examples/bench → …/release; a smoke run may use the debug
    // binaries (CI has them from its tests; its numbers are not judged).
    let examples = me.parent().context("bench binary has no directory")?;
    let release = examples.parent().context("bench binary is not in a target directory")?;
    let profile = match release.file_name().and_then(|n| n.to_str()) {
        Some("release") => "--release",
        Some("debug") if opts.smoke => "",
        _ => bail!("run the benchmark with --release (cargo run --release --example bench)"),
    };
    if opts.build {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        // Two builds: the bot alone is built exactly as `cargo build --release`
        // builds it (without the examples' dev-dependency features).
        let mut targets = vec!["--example", "echo"];
        if opts.bot.is_none() {
            targets.splice(0..0, ["--bin", "talimger"]);
        }
        for target in targets.chunks(2) {
            say(format!("cargo build {profile} {}", target.join(" ")));
            let mut cmd = Command::new(&cargo);
            cmd.args(["build", "--locked"]).args(profile.split_whitespace());
            cmd.arg("--manifest-path").arg(&manifest).args(target);
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
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// What a bot process under test is.
#[derive(Clone)]
pub enum Bot {
    Echo,
    Talimger { backend: Backend, database_url: String },
}

impl Bot {
    pub fn name(&self) -> String {
        match self {
            Bot::Echo => "echo".into(),
            Bot::Talimger { backend, .. } => format!("talimger ({})", backend.name()),
        }
    }
}

pub struct Ctx {
    pub opts: Opts,
    pub bins: Bins,
    pub dir: tempfile::TempDir,
    pub scratch: Arc<Mutex<Vec<String>>>,
    pub clk_tck: f64,
}

pub fn start_bot(
    ctx: &Ctx,
    bot: &Bot,
    fake: &FakeProc,
    env: &[(&str, &str)],
    tag: &str,
) -> anyhow::Result<Proc> {
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
pub fn base_env(cmd: &mut Command, ctx: &Ctx, api_url: String) {
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
pub async fn wait_polling(fake: &FakeProc, bot: &mut Proc) -> anyhow::Result<()> {
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
pub async fn wait_answered(
    fake: &FakeProc,
    bot: &mut Proc,
    from: i64,
    count: i64,
    cap: Duration,
    stall: Duration,
) -> anyhow::Result<Value> {
    wait_range(fake, bot, (from, count), "answered", cap, stall).await
}

/// Waits until the fake's `field` (`answered`, `relayed`) reaches the
/// count of users `[from, from + count)`; gives up like [`wait_answered`].
pub async fn wait_range(
    fake: &FakeProc,
    bot: &mut Proc,
    (from, count): (i64, i64),
    field: &str,
    cap: Duration,
    stall: Duration,
) -> anyhow::Result<Value> {
    let start = Instant::now();
    let (mut seen, mut progress_at) = (0, Instant::now());
    loop {
        let range = fake.range(from, count, false).await?;
        let answered = range[field].as_i64().unwrap_or(0);
        if answered >= count {
            return Ok(range);
        }
        if answered > seen {
            (seen, progress_at) = (answered, Instant::now());
        }
        bot.check_alive()?;
        let waited = start.elapsed();
        if waited > cap || progress_at.elapsed() > stall {
            bail!("{answered} of {count} {field} after {:.0} s{}", waited.as_secs_f64(), bot.log_tail());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Nearest-rank percentile; an unanswered update (`None`) counts as slower
/// than any answer, and a percentile that falls on one is `None`.
pub fn percentile(sorted: &[Option<f64>], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub async fn migrate(ctx: &Ctx, database_url: &str) -> anyhow::Result<()> {
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

pub const STALL: Duration = Duration::from_secs(20);
pub const SETTLE: Duration = Duration::from_millis(500);
