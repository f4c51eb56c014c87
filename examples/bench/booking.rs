//! Booking: many students pressing at once (issue 17).
//!
//! Before the bot starts, the database is seeded with mentors, students
//! linked to them and one free slot in the future for each student (ids
//! 1..=N, slot *i* of the mentor of student *i*), plus one mentor with 50
//! students and a single slot for the race. No dialogue state is seeded:
//! the students go through the real flow from a slot button, which is
//! valid in any step (src/handlers/booking.rs) — slot press, "no topic",
//! confirm: the shortest sequence of presses that books a meeting. The
//! fake (fake_booking.rs) queues the slot presses, all at once, and then
//! presses the "no topic" and "confirm" buttons of the bot's messages as
//! soon as they arrive. A booking is done when the student receives the
//! confirmation (`sched-booked-self` of locales/ru/scheduling.ftl).
//!
//! Measured on the fake's clock: bookings a second (first press queued →
//! last confirmation), the p50/p99 from the confirm press to its
//! confirmation, the bot's CPU per booking; then the meetings in the
//! database must be N. The race: 50 students press the same slot at once;
//! exactly one meeting and one confirmation, the others told it is taken.

use super::*;
use crate::report::ms;
use std::fmt::Write;

const MENTORS: i64 = 9_000_000;
const STUDENTS: i64 = 10_000_000;
const RACE_MENTOR: i64 = 11_000_000;
const RACE_STUDENTS: i64 = 11_000_100;
pub const RACERS: i64 = 50;

pub struct Booking {
    pub bookings: i64,
    pub mentors: i64,
    pub confirmed: i64,
    pub per_sec: f64,
    pub wall_s: f64,
    pub cpu_s: f64,
    pub cpu_us_per_booking: f64,
    pub server_cpu_us_per_booking: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// First press → confirmation.
    pub e2e_p99_ms: Option<f64>,
    pub meetings: i64,
    /// The race: meetings, confirmations, refusals ("taken").
    pub race: (i64, i64, i64),
    pub api_errors: u64,
    pub unknown_methods: String,
    pub exit: String,
}

/// A message's text in locales/ru/scheduling.ftl (the students speak Russian).
fn locale_text(key: &str) -> anyhow::Result<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/ru/scheduling.ftl");
    let text = std::fs::read_to_string(&path).with_context(|| format!("no {}", path.display()))?;
    let prefix = format!("{key} = ");
    text.lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .map(|v| v.trim().to_owned())
        .with_context(|| format!("no {key} in {}", path.display()))
}

pub async fn booking(ctx: &Ctx, backend: Backend, database_url: &str) -> Result<Booking, String> {
    say(format!("booking: talimger ({})", backend.name()));
    let r = booking_inner(ctx, backend, database_url).await.map_err(|e| format!("{e:#}"));
    match &r {
        Ok(b) => say(format!(
            "  {} booked: {:.0}/s, confirmation p50 {} p99 {}, {:.0} µs CPU per booking; race: {} meeting(s)",
            b.meetings,
            b.per_sec,
            ms(b.p50_ms),
            ms(b.p99_ms),
            b.cpu_us_per_booking,
            b.race.0
        )),
        Err(e) => say(format!("booking on {} not measured: {e}", backend.name())),
    }
    r
}

/// Each student's `[first press, confirm press, confirmation, refusal]`.
async fn booked(fake: &FakeProc, from: i64, count: i64) -> anyhow::Result<Vec<[Option<u64>; 4]>> {
    let v = fake.control("booked", &[("from", from.to_string()), ("count", count.to_string())]).await?;
    Ok(serde_json::from_value(v)?)
}

/// Waits until each student of the range is confirmed or refused.
async fn wait_done(
    fake: &FakeProc,
    bot: &mut Proc,
    (from, count): (i64, i64),
    cap: Duration,
) -> anyhow::Result<Vec<[Option<u64>; 4]>> {
    let start = Instant::now();
    let (mut seen, mut progress_at) = (0, Instant::now());
    loop {
        let times = booked(fake, from, count).await?;
        let done = times.iter().filter(|t| t[2].is_some() || t[3].is_some()).count() as i64;
        if done >= count {
            return Ok(times);
        }
        if done > seen {
            (seen, progress_at) = (done, Instant::now());
        }
        bot.check_alive()?;
        if start.elapsed() > cap || progress_at.elapsed() > STALL {
            bail!(
                "{done} of {count} bookings ended after {:.0} s{}",
                start.elapsed().as_secs_f64(),
                bot.log_tail()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn booking_inner(ctx: &Ctx, backend: Backend, database_url: &str) -> anyhow::Result<Booking> {
    let (n, mentors) = (ctx.opts.bookings.max(1), ctx.opts.mentors.min(ctx.opts.bookings.max(1)));
    let (done_text, taken_text) = (locale_text("sched-booked-self")?, locale_text("sched-taken")?);
    migrate(ctx, database_url).await?;
    seed_programme(database_url, (MENTORS, mentors), (STUDENTS, n)).await?;
    seed_programme(database_url, (RACE_MENTOR, 1), (RACE_STUDENTS, RACERS)).await?;
    // Two days ahead (past the booking lead), an hour apart per mentor.
    let now = i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis())?;
    let start = now + 2 * 24 * 3600 * 1000;
    let mut slots: Vec<(i64, i64)> =
        (0..n).map(|i| (MENTORS + i % mentors, start + (i / mentors) * 3_600_000)).collect();
    slots.push((RACE_MENTOR, start));
    seed_slots(database_url, &slots).await?;

    let fake = FakeProc::start(&ctx.bins.me, false).await?;
    fake.control("known", &[("from", MENTORS.to_string()), ("count", mentors.to_string())]).await?;
    fake.control("known", &[("from", RACE_MENTOR.to_string()), ("count", "1".into())]).await?;
    for (from, count) in [(STUDENTS, n), (RACE_STUDENTS, RACERS)] {
        let q = [
            ("from", from.to_string()),
            ("count", count.to_string()),
            ("done", done_text.clone()),
            ("taken", taken_text.clone()),
        ];
        fake.control("book", &q).await?;
    }
    let bot = Bot::Talimger { backend, database_url: database_url.to_owned() };
    let mut proc = start_bot(ctx, &bot, &fake, crate::relay::ENV, &format!("booking-{}", backend.name()))?;
    wait_polling(&fake, &mut proc).await?;
    let cap = Duration::from_secs(60).max(Duration::from_millis(u64::try_from(n).unwrap_or(0) * 100));

    let pg_database = match backend {
        Backend::Postgres => database_name(database_url),
        Backend::Sqlite => None,
    };
    let server_before = pg_database.as_deref().map(server_ticks).unwrap_or_default();
    let cpu_before = cpu_ticks(proc.pid())?;
    let q = [
        ("from", STUDENTS.to_string()),
        ("count", n.to_string()),
        ("slot", "1".into()),
        ("step", "1".into()),
    ];
    let pushed_ms = fake.control("press", &q).await?["pushed_ms"].as_u64().context("no pushed_ms")?;
    let times = wait_done(&fake, &mut proc, (STUDENTS, n), cap).await?;
    tokio::time::sleep(SETTLE).await;
    let cpu_s = cpu_ticks(proc.pid())?.saturating_sub(cpu_before) as f64 / ctx.clk_tck;
    let server_s = pg_database.as_deref().map(|db| {
        let after = server_ticks(db);
        let ticks: u64 =
            after.iter().map(|(pid, t)| t.saturating_sub(server_before.get(pid).copied().unwrap_or(0))).sum();
        ticks as f64 / ctx.clk_tck
    });
    let confirmed = times.iter().filter(|t| t[2].is_some()).count() as i64;
    let last_ms = times.iter().filter_map(|t| t[2]).max().unwrap_or(pushed_ms);
    let wall_s = (last_ms.saturating_sub(pushed_ms) as f64 / 1000.0).max(0.001);
    let lat = |from: usize| {
        crate::stat::sorted_latencies(
            times.iter().map(|t| Some(t[2]?.saturating_sub(t[from]?) as f64)).collect(),
        )
    };
    let (confirm, e2e) = (lat(1), lat(0));

    // The race: everyone presses the one slot (id n + 1) at once.
    let q = [
        ("from", RACE_STUDENTS.to_string()),
        ("count", RACERS.to_string()),
        ("slot", (n + 1).to_string()),
        ("step", "0".into()),
    ];
    fake.control("press", &q).await?;
    let race_times = wait_done(&fake, &mut proc, (RACE_STUDENTS, RACERS), Duration::from_secs(60)).await?;
    tokio::time::sleep(SETTLE).await;
    let race_confirmed = race_times.iter().filter(|t| t[2].is_some()).count() as i64;
    let race_refused = race_times.iter().filter(|t| t[2].is_none() && t[3].is_some()).count() as i64;

    let stats = fake.stats().await?;
    let exit = proc.stop(Duration::from_secs(12));
    fake.stop();
    let meetings = count_meetings(database_url, (MENTORS, mentors)).await?;
    let race_meetings = count_meetings(database_url, (RACE_MENTOR, 1)).await?;
    if meetings != n || confirmed != n {
        bail!("{n} students booked, but {meetings} meetings in the database and {confirmed} confirmations");
    }
    if race_meetings != 1 || race_confirmed != 1 {
        bail!("{RACERS} students pressed one slot: {race_meetings} meetings, {race_confirmed} confirmations");
    }
    Ok(Booking {
        bookings: n,
        mentors,
        confirmed,
        per_sec: n as f64 / wall_s,
        wall_s,
        cpu_s,
        cpu_us_per_booking: cpu_s * 1e6 / n as f64,
        server_cpu_us_per_booking: server_s.map(|s| s * 1e6 / n as f64),
        p50_ms: percentile(&confirm, 50.0),
        p99_ms: percentile(&confirm, 99.0),
        e2e_p99_ms: percentile(&e2e, 99.0),
        meetings,
        race: (race_meetings, race_confirmed, race_refused),
        api_errors: stats["errors"].as_u64().unwrap_or(0) + stats["too_many_requests"].as_u64().unwrap_or(0),
        unknown_methods: stats["unknown_methods"].to_string(),
        exit,
    })
}

pub fn booking_table(s: &mut String, rows: &[(String, Result<Booking, String>)]) {
    let _ = writeln!(
        s,
        "Booking: students pressing at once, each through slot → no topic → confirm (the fake presses each button as it arrives), Telegram's limits off; confirmation = the student's «{}».\n",
        locale_text("sched-booked-self").unwrap_or_default()
    );
    let _ = writeln!(
        s,
        "| database | students | bookings / s | confirmation p50 | confirmation p99 | first press → confirmation p99 | CPU µs / booking | database server CPU µs / booking | meetings | race: {RACERS} on one slot |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    let mut notes = Vec::new();
    for (db, r) in rows {
        match r {
            Ok(b) => {
                let _ = writeln!(
                    s,
                    "| {db} | {} | {:.0} | {} | {} | {} | {:.0} | {} | {} | {} meeting, {} confirmed, {} told it is taken |",
                    b.bookings,
                    b.per_sec,
                    ms(b.p50_ms),
                    ms(b.p99_ms),
                    ms(b.e2e_p99_ms),
                    b.cpu_us_per_booking,
                    b.server_cpu_us_per_booking.map_or_else(|| "—".to_owned(), |c| format!("{c:.0}")),
                    b.meetings,
                    b.race.0,
                    b.race.1,
                    b.race.2
                );
                notes.push(format!(
                    "{db}: {} mentors; {} confirmations; {:.2} s CPU over {:.2} s; {} requests refused by the fake, unknown methods {}; bot {}",
                    b.mentors, b.confirmed, b.cpu_s, b.wall_s, b.api_errors, b.unknown_methods, b.exit
                ));
            }
            Err(e) => {
                let _ = writeln!(s, "| {db} | not measured | | | | | | | | |");
                notes.push(format!("{db}: booking not measured: {e}"));
            }
        }
    }
    s.push('\n');
    for n in notes {
        let _ = writeln!(s, "- {n}");
    }
    s.push('\n');
}
