//! Drain: interactive answers while seeded broadcasts drain (BENCHMARKS.md).

use super::*;
use crate::report::Drain;

/// `burst`: instead of broadcasts, `--burst` reminders due at once (half
/// as many meetings, each reminding its student and its mentor).
pub async fn drain(ctx: &Ctx, backend: Backend, database_url: &str, burst: bool) -> Result<Drain, String> {
    let what = if burst { "burst" } else { "drain" };
    say(format!("{what}: talimger ({})", backend.name()));
    let r = drain_inner(ctx, backend, database_url, burst).await.map_err(|e| format!("{e:#}"));
    if let Err(e) = &r {
        say(format!("drain on {} not measured: {e}", backend.name()));
    }
    r
}

pub async fn drain_inner(
    ctx: &Ctx,
    backend: Backend,
    database_url: &str,
    burst: bool,
) -> anyhow::Result<Drain> {
    let o = &ctx.opts;
    migrate(ctx, database_url).await?;
    let fake = FakeProc::start(&ctx.bins.me, true).await?;
    if burst {
        use crate::relay::{MENTORS, STUDENTS};
        let pairs = (o.burst / 2).max(1);
        seed_programme(database_url, (MENTORS, pairs), (STUDENTS, pairs)).await?;
        seed_reminders(database_url, (MENTORS, STUDENTS), pairs).await?;
        for from in [MENTORS, STUDENTS] {
            fake.control("known", &[("from", from.to_string()), ("count", pairs.to_string())]).await?;
        }
    } else {
        seed_outbox(database_url, o.bulk, o.bulk_chats).await?;
        fake.control("known", &[("from", BULK_CHATS.to_string()), ("count", o.bulk_chats.to_string())])
            .await?;
    }
    let bot = Bot::Talimger { backend, database_url: database_url.to_owned() };
    let mut proc = start_bot(
        ctx,
        &bot,
        &fake,
        &[],
        &format!("{}-{}", if burst { "burst" } else { "drain" }, backend.name()),
    )?;
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
    let latencies = crate::stat::sorted_latencies(
        range["each"]
            .as_array()
            .map(|a| a.iter().map(|pair| Some(pair[1].as_f64()? - pair[0].as_f64()?)).collect())
            .unwrap_or_default(),
    );
    let bulk = |s: &Value| s["sent_to_others"].as_u64().unwrap_or(0);
    let exit = proc.stop(Duration::from_secs(12));
    let final_stats = fake.stats().await?;
    let refusals = final_stats["refusals"].to_string();
    fake.stop();
    let mut outbox = outbox_states(database_url).await.unwrap_or_else(|e| format!("unreadable: {e:#}"));
    if refusals != "[]" {
        outbox.push_str(&format!("; the fake's 429s (ms on its clock, tokens left then): {refusals}"));
    }
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
