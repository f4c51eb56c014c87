//! The operator's subcommands: `migrate`, `invite`, `check`, `stats`,
//! `export`, `backup`, and `forget` (in `cli/forget.rs`).

mod forget;
pub use forget::forget;

use crate::app::{identify, make_api, open_db};
use crate::config::{Config, ExportArgs, ExportLang, ExportWhat, InviteArgs, InviteRole, StatsArgs};
use crate::db::{Db, NewInvite};
use crate::domain::calendar::local_date;
use crate::domain::export::ExportKind;
use crate::domain::invite::{InviteTarget, single_invite_ttl};
use crate::domain::period::{MAX_RANGE_DAYS, Period, parse_day};
use crate::domain::stats::{Figures, Report};
use crate::domain::time::SharedClock;
use crate::domain::user::{PLACE_NAME_MAX, PlaceNameError, check_place_name};
use crate::domain::weekly::{Charted, weekly};
use crate::domain::{DistrictId, Lang};
use crate::i18n;
use crate::kit::export::csv_bytes;
use crate::kit::stats_chart;
use anyhow::Context;

pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    let db = Db::connect(&config.database_url).await.context("could not open DATABASE_URL")?;
    let pending = db.pending_migrations().await?;
    db.migrate().await.context("could not apply database migrations")?;
    println!("{} database is up to date ({} migration(s) applied now)", db.backend().name(), pending.len());
    Ok(())
}

/// `talimger backup FILE`: a consistent copy of a SQLite database while
/// the bot runs (`VACUUM INTO`). A file that exists is never overwritten;
/// PostgreSQL is backed up with `pg_dump` (README).
pub async fn backup(config: &Config, file: &std::path::Path) -> anyhow::Result<()> {
    if file.exists() {
        anyhow::bail!("{} exists already: choose a new file name for the backup", file.display());
    }
    let db = Db::connect_existing(&config.database_url)
        .await
        .context("could not open DATABASE_URL")?
        .ok_or_else(|| anyhow::anyhow!("there is no database at DATABASE_URL to back up"))?;
    let result = db.backup_into(file).await;
    db.close().await;
    result.with_context(|| format!("could not write the backup to {}", file.display()))?;
    println!("backup written to {}", file.display());
    Ok(())
}

/// `talimger invite coordinator|mentor`: prints the deep link (or JSON).
pub async fn invite(config: &Config, args: &InviteArgs, clock: SharedClock) -> anyhow::Result<()> {
    let district = args.district.as_deref().map(|d| place_name("--district", d)).transpose()?;
    let school = args.school.as_deref().map(|s| place_name("--school", s)).transpose()?;
    if args.role == InviteRole::Mentor && (district.is_none() || school.is_none()) {
        anyhow::bail!(
            "a mentor invite needs --school and --district, e.g. --district Талдықорған --school \"№5 мектеп\""
        );
    }
    if args.role == InviteRole::Coordinator && school.is_some() {
        anyhow::bail!("a coordinator invite takes --district only, not --school");
    }
    let token = config.require_token()?;
    let me = identify(&make_api(config, token)?, config).await?;
    let db = open_db(config).await?;
    let now = clock.now();
    let district_id = match &district {
        Some(name) => Some(db.district_named(name, now).await?),
        None => None,
    };
    let school_id = match (&school, district_id) {
        (Some(name), Some(d)) => Some(db.school_named(d, name, now).await?),
        _ => None,
    };
    let target = match args.role {
        InviteRole::Coordinator => InviteTarget::Coordinator,
        InviteRole::Mentor => InviteTarget::Mentor,
    };
    let expires_at = now + single_invite_ttl();
    let new = NewInvite {
        target,
        created_by: None,
        district: district_id,
        school: school_id,
        max_uses: 1,
        expires_at,
    };
    let (_, code) = db.create_invite(&new, now).await?;
    let link = code.deep_link(me.username());
    if args.json {
        let out = serde_json::json!({
            "role": target.role().as_str(),
            "link": link,
            "district": district,
            "school": school,
            "expires_at": expires_at.to_rfc3339(),
        });
        println!("{out}");
    } else {
        println!("{link}");
    }
    db.close().await;
    Ok(())
}

/// A district or school name from the command line, or why it is refused.
fn place_name(flag: &str, raw: &str) -> anyhow::Result<String> {
    check_place_name(raw).map_err(|e| match e {
        PlaceNameError::Bidi => anyhow::anyhow!(
            "{flag} contains an invisible character that changes the text direction (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F or U+061C): type the name again instead of pasting it"
        ),
        PlaceNameError::Invisible => anyhow::anyhow!(
            "{flag} has only invisible characters (zero-width spaces or joiners): type the name in letters"
        ),
        PlaceNameError::Empty | PlaceNameError::TooLong { .. } => {
            anyhow::anyhow!("{flag} must be 1 to {PLACE_NAME_MAX} characters")
        }
    })
}

/// `talimger check`: one line per part; fails if any part fails.
pub async fn check(config: &Config) -> anyhow::Result<()> {
    let mut failed = 0;
    println!(
        "ok    configuration (time zone {}, database {})",
        config.tz,
        crate::db::redact_url(&config.database_url)
    );
    // A check creates nothing: a SQLite file that is not there yet is
    // reported (the bot makes it at its first start).
    match Db::connect_existing(&config.database_url).await {
        Ok(Some(db)) => {
            match db.pending_migrations().await {
                Ok(p) if p.is_empty() => {
                    println!(
                        "ok    database {} ({} migration(s) applied)",
                        db.backend().name(),
                        db.migration_count()
                    )
                }
                Ok(p) => println!(
                    "ok    database {} ({} migration(s) to apply at start)",
                    db.backend().name(),
                    p.len()
                ),
                Err(e) => {
                    failed += 1;
                    println!("FAIL  database: {e}");
                }
            }
            db.close().await;
        }
        Ok(None) => {
            let file = crate::db::sqlite_file(&config.database_url).unwrap_or_default();
            let dir =
                file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
            if dir.is_dir() {
                println!(
                    "ok    database SQLite: {} does not exist yet; it is created at the first start (or by talimger migrate)",
                    file.display()
                );
            } else {
                failed += 1;
                println!(
                    "FAIL  database: {} cannot be created: the directory {} does not exist",
                    file.display(),
                    dir.display()
                );
            }
        }
        Err(e) => {
            failed += 1;
            println!("FAIL  database: {e}");
        }
    }
    let problems = i18n::audit();
    if problems.is_empty() {
        println!("ok    locales kk and ru ({} messages each)", i18n::message_count());
    } else {
        failed += 1;
        println!("FAIL  locales: {}", problems.join("; "));
    }
    match config.require_token() {
        Ok(token) => match identify(&make_api(config, token)?, config).await {
            Ok(me) => {
                println!("ok    token (bot @{})", me.username());
                if !webhook_info(&make_api(config, token)?, config).await {
                    failed += 1;
                }
            }
            Err(e) => {
                failed += 1;
                println!("FAIL  token: {e}");
            }
        },
        Err(e) => {
            failed += 1;
            println!("FAIL  token: {e}");
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} check(s) failed");
    }
    Ok(())
}

/// `getWebhookInfo`, one line: the webhook Telegram delivers to (or none:
/// polling), the updates waiting, and the last delivery error. `false`
/// when Telegram could not say.
async fn webhook_info(api: &crate::telegram::Api, config: &Config) -> bool {
    #[derive(serde::Deserialize)]
    struct Info {
        url: String,
        pending_update_count: u64,
        last_error_message: Option<String>,
    }
    let info = match api.call("getWebhookInfo", "{}", None).await {
        Ok(raw) => serde_json::from_str::<Info>(raw.get()),
        Err(e) => {
            println!("FAIL  webhook: getWebhookInfo failed ({e})");
            return false;
        }
    };
    let Ok(info) = info else {
        println!("FAIL  webhook: getWebhookInfo answered something else");
        return false;
    };
    let error = info.last_error_message.map(|e| format!("; last error: {e}")).unwrap_or_default();
    let waiting = info.pending_update_count;
    match (&config.webhook, info.url.is_empty()) {
        (None, true) => println!("ok    webhook: none, the bot polls ({waiting} update(s) waiting)"),
        (None, false) => println!(
            "ok    webhook: {} is set; the bot removes it when it starts polling ({waiting} update(s) waiting{error})",
            info.url
        ),
        (Some(hook), _) if info.url == hook.url.as_str() => {
            println!("ok    webhook: {} ({waiting} update(s) waiting{error})", info.url)
        }
        (Some(hook), _) => {
            let now = if info.url.is_empty() { "none".to_owned() } else { info.url };
            println!(
                "ok    webhook: Telegram has {now}; {} is set when the bot starts ({waiting} update(s) waiting{error})",
                hook.url
            );
        }
    }
    true
}

/// `talimger stats`: the coordinator's figures for a period (default the
/// last 30 days) and a district (default all), as a table or JSON; with
/// `--chart FILE`, the weekly charts a coordinator gets, in `--lang`.
pub async fn stats(config: &Config, args: &StatsArgs, clock: SharedClock) -> anyhow::Result<()> {
    let tz = config.tz;
    let now = clock.now();
    let period = cli_period(tz, now, &args.from, &args.to)?;
    let db = open_db(config).await?;
    let district = cli_district(&db, args.district.as_deref()).await?;
    let facts = db.stats_facts(district.as_ref().map(|(id, _)| *id), period.from, period.to).await?;
    db.close().await;
    let report = Report::build(&facts, &period, now, tz);
    if let Some(path) = &args.chart {
        let scope = district.as_ref().map(|(_, n)| n.as_str());
        match weekly(&facts, &period, now, tz) {
            Charted::Weekly(weeks) => {
                let png = stats_chart::png(lang_of(args.lang), &weeks, scope, &period)?;
                std::fs::write(path, png).with_context(|| format!("could not write {}", path.display()))?;
                eprintln!("the chart is written to {}", path.display());
            }
            Charted::Nothing => eprintln!("no chart: a single week, or no question or meeting in the period"),
            Charted::TooFewStudents => {
                eprintln!("no chart: fewer than 5 students, whose weeks could point at a child")
            }
        }
    }
    if args.json {
        let out = serde_json::json!({
            "first_day": period.first_day.to_string(),
            "last_day": period.last_day.to_string(),
            "district": district.as_ref().map(|(_, n)| n),
            "report": report,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        let scope = district.as_ref().map_or("all districts".to_owned(), |(_, n)| format!("district {n}"));
        println!("Statistics {} to {} ({scope})", period.first_day, period.last_day);
        print!("{}", stats_table(&report));
    }
    Ok(())
}

/// The period of `--from` and `--to` (default the last 30 days).
fn cli_period(
    tz: chrono_tz::Tz,
    now: chrono::DateTime<chrono::Utc>,
    from: &Option<String>,
    to: &Option<String>,
) -> anyhow::Result<Period> {
    let today = local_date(tz, now);
    let day = |flag: &str, raw: &Option<String>| -> anyhow::Result<Option<chrono::NaiveDate>> {
        raw.as_deref()
            .map(|r| {
                parse_day(r).ok_or_else(|| {
                    anyhow::anyhow!("{flag} {r:?} is not a date: write it as 2026-09-01 or 01.09.2026")
                })
            })
            .transpose()
    };
    Ok(match (day("--from", from)?, day("--to", to)?) {
        (None, None) => Period::last_30_days(tz, now),
        (from, to) => {
            let last = to.unwrap_or(today);
            let first = from.unwrap_or(last - chrono::Duration::days(29));
            if first > last {
                anyhow::bail!("--from {first} is after --to {last}");
            }
            if (last - first).num_days() >= MAX_RANGE_DAYS {
                anyhow::bail!("the period is longer than {MAX_RANGE_DAYS} days");
            }
            Period::days(tz, first, last)
        }
    })
}

/// The district of `--district` with its name (none: all), or why not.
async fn cli_district(db: &Db, raw: Option<&str>) -> anyhow::Result<Option<(DistrictId, String)>> {
    let Some(raw) = raw else { return Ok(None) };
    let name = place_name("--district", raw)?;
    match db.district_called(&name).await? {
        Some(id) => Ok(Some((id, name))),
        None => {
            let known: Vec<String> = db.districts().await?.into_iter().map(|(_, n)| n).collect();
            db.close().await;
            anyhow::bail!("no district {name:?}; the districts are: {}", known.join(", "));
        }
    }
}

/// `talimger export meetings|questions|sos|users`: the CSV file a
/// coordinator gets from `/export`, to `--out` or standard output.
pub async fn export(config: &Config, args: &ExportArgs, clock: SharedClock) -> anyhow::Result<()> {
    let tz = config.tz;
    let now = clock.now();
    let period = cli_period(tz, now, &args.from, &args.to)?;
    let db = open_db(config).await?;
    let district = cli_district(&db, args.district.as_deref()).await?.map(|(id, _)| id);
    let kind = match args.what {
        ExportWhat::Meetings => ExportKind::Meetings,
        ExportWhat::Questions => ExportKind::Questions,
        ExportWhat::Sos => ExportKind::Sos,
        ExportWhat::Users => ExportKind::Users,
    };
    let lang = lang_of(args.lang);
    let table = db.export_table(kind, district, period.from, period.to, tz, now).await?;
    let salt = db.export_salt(now).await?;
    db.close().await;
    let bytes = csv_bytes(lang, kind, &table, &salt, tz);
    match &args.out {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("could not write {}", path.display()))?;
            eprintln!("{} row(s) written to {}", table.rows.len(), path.display());
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(())
}

fn lang_of(lang: ExportLang) -> Lang {
    match lang {
        ExportLang::Kk => Lang::Kk,
        ExportLang::Ru => Lang::Ru,
    }
}

/// The report as a table: a row per group (the total, each district, each
/// school indented), times in working hours and minutes.
pub fn stats_table(report: &Report) -> String {
    const HEAD: [&str; 19] = [
        "mentors",
        "students",
        "parents",
        "asked",
        "answered",
        "waiting",
        ">48h",
        "median",
        "p90",
        "sos",
        "acked",
        "ack-med",
        "escalated",
        "meetings",
        "held",
        "no-show",
        "cancelled",
        "by s/p/m",
        "per student",
    ];
    let mut rows = vec![(String::new(), HEAD.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>())];
    rows.push(("TOTAL".to_owned(), cells(&report.total)));
    for d in &report.districts {
        rows.push((d.name.clone(), cells(&d.figures)));
        for s in &d.schools {
            rows.push((format!("  {}", s.name), cells(&s.figures)));
        }
    }
    let width = |i: Option<usize>| {
        rows.iter().map(|(name, c)| i.map_or(name, |i| &c[i]).chars().count()).max().unwrap_or(0)
    };
    let name_width = width(None);
    let widths: Vec<usize> = (0..HEAD.len()).map(|i| width(Some(i))).collect();
    let mut out = String::new();
    for (name, c) in &rows {
        out.push_str(&format!("{name}{}", " ".repeat(name_width - name.chars().count())));
        for (cell, w) in c.iter().zip(&widths) {
            out.push_str(&format!("  {cell:>w$}"));
        }
        out.push('\n');
    }
    out.push_str(
        "median, p90: time to the mentor's first answer, outside quiet hours; ack-med: time to «I'm on it»; \
         per student: questions/held meetings, shown from 5 students\n",
    );
    out
}

fn cells(f: &Figures) -> Vec<String> {
    let time = |m: Option<i64>| m.map_or("-".to_owned(), |m| format!("{}h{:02}", m / 60, m % 60));
    let (q, s, m) = (&f.questions, &f.sos, &f.meetings);
    let per = f
        .per_student
        .as_ref()
        .map_or("-".to_owned(), |r| format!("{:.1}/{:.1}", r.questions, r.meetings_held));
    vec![
        f.mentors.to_string(),
        f.students.to_string(),
        f.parents.to_string(),
        q.asked.to_string(),
        q.answered.to_string(),
        q.waiting.to_string(),
        q.waiting_over_48h.to_string(),
        time(q.first_answer_median_min),
        time(q.first_answer_p90_min),
        s.alerts.to_string(),
        s.acknowledged.to_string(),
        time(s.ack_median_min),
        s.escalated.to_string(),
        m.booked.to_string(),
        m.held.to_string(),
        m.no_show.to_string(),
        m.cancelled.to_string(),
        format!("{}/{}/{}", m.cancelled_by_student, m.cancelled_by_parent, m.cancelled_by_mentor),
        per,
    ]
}
