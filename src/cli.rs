//! The operator's subcommands: `migrate`, `invite`, `check`.

use crate::app::{identify, make_api, open_db};
use crate::config::{Config, InviteArgs, InviteRole};
use crate::db::{Db, NewInvite};
use crate::domain::invite::{InviteTarget, single_invite_ttl};
use crate::domain::time::SharedClock;
use crate::domain::user::{PLACE_NAME_MAX, PlaceNameError, check_place_name};
use crate::i18n;
use anyhow::Context;

pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    let db = Db::connect(&config.database_url).await.context("could not open DATABASE_URL")?;
    let pending = db.pending_migrations().await?;
    db.migrate().await.context("could not apply database migrations")?;
    println!("{} database is up to date ({} migration(s) applied now)", db.backend().name(), pending.len());
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
            Ok(me) => println!("ok    token (bot @{})", me.username()),
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
