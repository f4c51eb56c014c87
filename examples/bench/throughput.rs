//! Throughput: one reply per update from unknown users (BENCHMARKS.md).

use super::*;

pub async fn throughput(ctx: &Ctx, bot: Bot) -> Result<Throughput, String> {
    say(format!("throughput: {}", bot.name()));
    let r = throughput_inner(ctx, &bot).await.map_err(|e| format!("{e:#}"));
    if let Err(e) = &r {
        say(format!("throughput of {} failed: {e}", bot.name()));
    }
    r
}

pub async fn throughput_inner(ctx: &Ctx, bot: &Bot) -> anyhow::Result<Throughput> {
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
