//! Memory: the bot's peak RSS with a large programme in the database,
//! over three runs, while it serves some traffic (BENCHMARKS.md).
//! Each run has a new fake, whose update ids start where the last run's
//! could not reach: the bot skips ids its database has seen.

use super::*;
use crate::relay::{MENTORS, STUDENTS};
use crate::relay_report::Memory;

const UNKNOWN: i64 = 9_000_000;
const TEXT: &str = "Вопрос bench-{u}: как подготовиться к контрольной по алгебре?";
pub const RUNS: usize = 3;

pub async fn memory(ctx: &Ctx, backend: Backend, database_url: &str) -> Result<Memory, String> {
    say(format!("memory: talimger ({})", backend.name()));
    let r = memory_inner(ctx, backend, database_url).await.map_err(|e| format!("{e:#}"));
    match &r {
        Ok(m) => say(format!("  peak RSS per run: {:?} KiB", m.peak_rss_kib)),
        Err(e) => say(format!("memory on {} not measured: {e}", backend.name())),
    }
    r
}

async fn memory_inner(ctx: &Ctx, backend: Backend, database_url: &str) -> anyhow::Result<Memory> {
    let users = ctx.opts.memory_users.max(200);
    let mentors = (users / 100).max(1);
    let traffic = ctx.opts.updates.min((users - mentors) / RUNS as i64);
    migrate(ctx, database_url).await?;
    seed_programme(database_url, (MENTORS, mentors), (STUDENTS, users - mentors)).await?;
    let meetings = if std::env::var_os("BENCH_NO_MEETINGS").is_some() {
        0
    } else {
        seed_meetings(database_url, (MENTORS, mentors), (STUDENTS, users - mentors)).await?
    };
    let env: &[(&str, &str)] = &[
        ("TALIMGER_FLOOD", "10000"),
        ("TALIMGER_SEND_RATE", "100000"),
        ("TALIMGER_CHAT_RATE", "1000"),
        ("TALIMGER_CHAT_BURST", "10000"),
    ];
    let mut peaks = Vec::new();
    let mut exits = Vec::new();
    for run in 0..RUNS as i64 {
        let fake = FakeProc::start(&ctx.bins.me, false).await?;
        fake.control("known", &[("from", MENTORS.to_string()), ("count", mentors.to_string())]).await?;
        // The bot skips update ids its database has seen: each run's are new.
        fake.control("first", &[("from", (1000 + run * 1_000_000).to_string())]).await?;
        let bot = Bot::Talimger { backend, database_url: database_url.to_owned() };
        let mut proc = start_bot(ctx, &bot, &fake, env, &format!("memory-{}-{run}", backend.name()))?;
        wait_polling(&fake, &mut proc).await?;
        let cap = Duration::from_secs(120);
        // Students of every mentor write, and as many unknown users.
        let from = STUDENTS + run * traffic;
        fake.push_text(from, traffic, TEXT).await?;
        fake.push(UNKNOWN + run * traffic, traffic).await?;
        if let Err(e) = wait_range(&fake, &mut proc, (from, traffic), "relayed", cap, cap).await {
            let stats = fake.stats().await.unwrap_or_default();
            bail!("{e:#}; the fake saw {stats}");
        }
        wait_answered(&fake, &mut proc, UNKNOWN + run * traffic, traffic, cap, cap).await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        peaks.push(peak_rss_kib(proc.pid()).unwrap_or(0));
        exits.push(proc.stop(Duration::from_secs(12)));
        fake.stop();
    }
    Ok(Memory { users, mentors, meetings, traffic, peak_rss_kib: peaks, exit: exits.join(", ") })
}
