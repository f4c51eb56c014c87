//! The operator's subcommands: `migrate`, `invite`, `check`.

use crate::app::{identify, make_api, open_db};
use crate::config::{Config, InviteArgs, InviteRole};
use crate::db::{Db, NewInvite};
use crate::domain::invite::{InviteTarget, single_invite_ttl};
use crate::domain::time::SharedClock;
use crate::domain::user::clean_place_name;
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
    let district = args
        .district
        .as_deref()
        .map(|d| clean_place_name(d).context("--district must be 1 to 100 characters"));
    let school =
        args.school.as_deref().map(|s| clean_place_name(s).context("--school must be 1 to 100 characters"));
    let (district, school) = (district.transpose()?, school.transpose()?);
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

/// `talimger check`: one line per part; fails if any part fails.
pub async fn check(config: &Config) -> anyhow::Result<()> {
    let mut failed = 0;
    println!(
        "ok    configuration (time zone {}, database {})",
        config.tz,
        crate::db::redact_url(&config.database_url)
    );
    match Db::connect(&config.database_url).await {
        Ok(db) => {
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
