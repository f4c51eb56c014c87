//! Relay: students' messages to their mentors, end to end (BENCHMARKS.md).
//!
//! Mentors and students are seeded before the bot starts; a student's text
//! carries `bench-<id>`, so the fake knows the mentor's copy for it. A
//! message is relayed when the copy has reached the mentor's chat and the
//! 👌 (`setMessageReaction`) the student's.

use super::*;
use crate::relay_report::{Relay, Statements};

/// Mentors' and students' ids (= private chats), and unknown users' for
/// the statements of a reply.
pub const MENTORS: i64 = 6_000_000;
pub const STUDENTS: i64 = 7_000_000;
const UNKNOWN: i64 = 8_000_000;
const TEXT: &str = "Вопрос bench-{u}: как подготовиться к контрольной по алгебре?";

/// The bot's own limits set out of the way: neither the flood limit nor the
/// outbox's pacing is what is measured (the fake's limits are off too).
pub const ENV: &[(&str, &str)] = &[
    ("TALIMGER_FLOOD", "10000"),
    ("TALIMGER_SEND_RATE", "100000"),
    ("TALIMGER_CHAT_RATE", "1000"),
    ("TALIMGER_CHAT_BURST", "10000"),
];

pub async fn relay(ctx: &Ctx, backend: Backend, database_url: &str) -> Result<Relay, String> {
    say(format!("relay: talimger ({})", backend.name()));
    let r = relay_inner(ctx, backend, database_url).await.map_err(|e| format!("{e:#}"));
    match &r {
        Ok(r) => say(format!(
            "  {} relayed: {:.0} µs CPU per message, {:.0}/s, p99 {}; at half load ({:.0}/s) p99 {}",
            r.messages,
            r.cpu_us_per_msg,
            r.msgs_per_sec,
            report::ms(r.p99_ms),
            r.half_rate,
            report::ms(r.half_p99_ms)
        )),
        Err(e) => say(format!("relay on {} not measured: {e}", backend.name())),
    }
    r
}

/// Latencies `done − pushed` of a detailed range, sorted, unanswered last.
fn latencies(range: &Value) -> Vec<Option<f64>> {
    crate::stat::sorted_latencies(
        range["each"]
            .as_array()
            .map(|a| a.iter().map(|e| Some(e[2].as_f64()? - e[0].as_f64()?)).collect())
            .unwrap_or_default(),
    )
}

async fn relay_inner(ctx: &Ctx, backend: Backend, database_url: &str) -> anyhow::Result<Relay> {
    let o = &ctx.opts;
    let (n, warm, mentors) = (o.updates, o.warmup, o.mentors);
    migrate(ctx, database_url).await?;
    seed_programme(database_url, (MENTORS, mentors), (STUDENTS, warm + 2 * n)).await?;
    let fake = FakeProc::start(&ctx.bins.me, false).await?;
    fake.control("known", &[("from", MENTORS.to_string()), ("count", mentors.to_string())]).await?;
    let bot = Bot::Talimger { backend, database_url: database_url.to_owned() };
    let mut proc = start_bot(ctx, &bot, &fake, ENV, &format!("relay-{}", backend.name()))?;
    wait_polling(&fake, &mut proc).await?;
    let long = Duration::from_secs(60).max(Duration::from_millis(u64::try_from(n).unwrap_or(0) * 50));

    if warm > 0 {
        fake.push_text(STUDENTS, warm, TEXT).await?;
        wait_range(&fake, &mut proc, (STUDENTS, warm), "relayed", long, STALL).await.context("warm-up")?;
        tokio::time::sleep(SETTLE).await;
    }
    // Peak: every message queued at once.
    let pg_database = match backend {
        Backend::Postgres => database_name(database_url),
        Backend::Sqlite => None,
    };
    let server_before = pg_database.as_deref().map(server_ticks).unwrap_or_default();
    let cpu_before = cpu_ticks(proc.pid())?;
    let from = STUDENTS + warm;
    let pushed_ms = fake.push_text(from, n, TEXT).await?;
    let range = wait_range(&fake, &mut proc, (from, n), "relayed", long, STALL).await?;
    tokio::time::sleep(SETTLE).await;
    let cpu_s = cpu_ticks(proc.pid())?.saturating_sub(cpu_before) as f64 / ctx.clk_tck;
    let server_s = pg_database.as_deref().map(|db| {
        let after = server_ticks(db);
        let ticks: u64 =
            after.iter().map(|(pid, t)| t.saturating_sub(server_before.get(pid).copied().unwrap_or(0))).sum();
        ticks as f64 / ctx.clk_tck
    });
    let last_ms = range["last_relayed_ms"].as_u64().unwrap_or(pushed_ms);
    let wall_s = (last_ms.saturating_sub(pushed_ms) as f64 / 1000.0).max(0.001);
    let peak = latencies(&fake.range(from, n, true).await?);
    let rate = n as f64 / wall_s;

    // Half of the peak, open loop: the messages are queued on a schedule,
    // whatever the bot has answered.
    let half_rate = (rate / 2.0).max(1.0);
    let from2 = from + n;
    let start = Instant::now();
    let mut sent = 0i64;
    while sent < n {
        let due = ((start.elapsed().as_secs_f64() * half_rate) as i64 + 1).min(n);
        if due > sent {
            fake.push_text(from2 + sent, due - sent, TEXT).await?;
            sent = due;
        }
        proc.check_alive()?;
        tokio::time::sleep(Duration::from_millis(4)).await;
    }
    let half_s = start.elapsed().as_secs_f64();
    // What is not relayed counts as slower than anything relayed.
    let _ = wait_range(&fake, &mut proc, (from2, n), "relayed", long, STALL).await;
    let half_relayed = fake.range(from2, n, false).await?["relayed"].as_i64().unwrap_or(0);
    let half_lat = latencies(&fake.range(from2, n, true).await?);

    let stats = fake.stats().await?;
    let rss = peak_rss_kib(proc.pid()).unwrap_or(0);
    let exit = proc.stop(Duration::from_secs(12));
    fake.stop();
    Ok(Relay {
        students: warm + 2 * n,
        mentors,
        messages: n,
        cpu_us_per_msg: cpu_s * 1e6 / n as f64,
        msgs_per_sec: rate,
        cpu_s,
        wall_s,
        server_cpu_us_per_msg: server_s.map(|s| s * 1e6 / n as f64),
        p50_ms: percentile(&peak, 50.0),
        p99_ms: percentile(&peak, 99.0),
        half_rate: n as f64 / half_s.max(0.001),
        half_relayed,
        half_p50_ms: percentile(&half_lat, 50.0),
        half_p99_ms: percentile(&half_lat, 99.0),
        peak_rss_kib: rss,
        api_errors: stats["errors"].as_u64().unwrap_or(0) + stats["too_many_requests"].as_u64().unwrap_or(0),
        unknown_methods: stats["unknown_methods"].to_string(),
        exit,
    })
}

// ------------------------------------------------------------ statements

pub async fn statements(ctx: &Ctx, backend: Backend, database_url: &str) -> Result<Statements, String> {
    say(format!("statements: talimger ({})", backend.name()));
    let r = statements_inner(ctx, backend, database_url).await.map_err(|e| format!("{e:#}"));
    match &r {
        Ok(s) => say(format!(
            "  relayed message: {} alone, {:.1} each under load; reply: {} alone, {:.1} each under load",
            s.relay_one.len(),
            s.relay_load.0 as f64 / s.relay_load.1.max(1) as f64,
            s.reply_one.len(),
            s.reply_load.0 as f64 / s.reply_load.1.max(1) as f64
        )),
        Err(e) => say(format!("statements on {} not counted: {e}", backend.name())),
    }
    r
}

/// The `sqlx::query` lines the bot logged after byte `mark` of its log
/// (`DEBUG summary="…" db.statement="…"`, one line each): each statement's
/// first words.
fn queries_since(log: &Path, mark: usize) -> Vec<String> {
    let text = std::fs::read(log).unwrap_or_default();
    let text = String::from_utf8_lossy(text.get(mark..).unwrap_or_default());
    text.lines()
        .filter(|l| l.contains("DEBUG summary=\"") || l.contains("sqlx::query"))
        .map(|l| {
            // BEGIN, COMMIT, SAVEPOINT… have a summary only.
            let field = |name: &str| {
                let (_, rest) = l.split_once(name)?;
                rest.split_once("\" ").map(|(v, _)| v).or_else(|| rest.strip_suffix('"'))
            };
            let statement = field("db.statement=\"")
                .filter(|st| !st.trim().is_empty() && *st != "\\n")
                .or_else(|| field("summary=\""))
                .unwrap_or(l)
                .replace("\\n", " ")
                .replace("\\\"", "\"");
            let words: Vec<&str> = statement.split_whitespace().collect();
            let mut short = words.iter().take(9).copied().collect::<Vec<_>>().join(" ");
            if words.len() > 9 {
                short.push_str(" …");
            }
            format!("`{}`", short.replace('`', "'"))
        })
        .collect()
}

fn log_len(log: &Path) -> usize {
    std::fs::metadata(log).map_or(0, |m| usize::try_from(m.len()).unwrap_or(0))
}

async fn statements_inner(ctx: &Ctx, backend: Backend, database_url: &str) -> anyhow::Result<Statements> {
    let load = ctx.opts.updates.min(200);
    migrate(ctx, database_url).await?;
    seed_programme(database_url, (MENTORS, 20), (STUDENTS, 2 + load)).await?;
    let fake = FakeProc::start(&ctx.bins.me, false).await?;
    fake.control("known", &[("from", MENTORS.to_string()), ("count", "20".to_owned())]).await?;
    let bot = Bot::Talimger { backend, database_url: database_url.to_owned() };
    let mut env = ENV.to_vec();
    env.push(("RUST_LOG", "warn,sqlx::query=debug"));
    let tag = format!("statements-{}", backend.name());
    let log = ctx.dir.path().join(format!("{tag}.log"));
    let mut proc = start_bot(ctx, &bot, &fake, &env, &tag)?;
    wait_polling(&fake, &mut proc).await?;
    let cap = Duration::from_secs(60);
    // A first message warms the caches; then the bot idles a second.
    fake.push_text(STUDENTS, 1, TEXT).await?;
    wait_range(&fake, &mut proc, (STUDENTS, 1), "relayed", cap, STALL).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mark = log_len(&log);
    let idle_window = Instant::now();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = queries_since(&log, mark).len() as f64 / idle_window.elapsed().as_secs_f64();

    let mark = log_len(&log);
    fake.push_text(STUDENTS + 1, 1, TEXT).await?;
    wait_range(&fake, &mut proc, (STUDENTS + 1, 1), "relayed", cap, STALL).await?;
    tokio::time::sleep(SETTLE).await;
    let relay_one = queries_since(&log, mark);

    let mark = log_len(&log);
    fake.push(UNKNOWN, 1).await?;
    wait_answered(&fake, &mut proc, UNKNOWN, 1, cap, STALL).await?;
    tokio::time::sleep(SETTLE).await;
    let reply_one = queries_since(&log, mark);

    let mark = log_len(&log);
    fake.push_text(STUDENTS + 2, load, TEXT).await?;
    wait_range(&fake, &mut proc, (STUDENTS + 2, load), "relayed", cap, STALL).await?;
    tokio::time::sleep(SETTLE).await;
    let relay_load = queries_since(&log, mark).len() as u64;

    let mark = log_len(&log);
    fake.push(UNKNOWN + 1, load).await?;
    wait_answered(&fake, &mut proc, UNKNOWN + 1, load, cap, STALL).await?;
    tokio::time::sleep(SETTLE).await;
    let reply_load = queries_since(&log, mark).len() as u64;

    let exit = proc.stop(Duration::from_secs(12));
    fake.stop();
    Ok(Statements {
        relay_one,
        reply_one,
        relay_load: (relay_load, load),
        reply_load: (reply_load, load),
        idle_per_sec: idle,
        exit,
    })
}
