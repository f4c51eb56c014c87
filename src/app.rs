//! Start-up and shutdown: storage, the bot, its menus, the intake workers.

use crate::commands;
use crate::config::{Config, Token};
use crate::db::Db;
use crate::domain::time::SharedClock;
use crate::intake::{Intake, POLL_TIMEOUT};
use anyhow::Context;
use std::time::Duration;
use teloxide::prelude::*;
use teloxide::types::Me;
use tokio_util::sync::CancellationToken;

/// How long shutdown may take before the process exits anyway (updates
/// not finished by then are stored and handled at the next start).
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(8);

/// A bot that talks to the configured Bot API server, with an HTTP timeout
/// longer than the long poll.
pub fn make_bot(config: &Config, token: &Token) -> anyhow::Result<Bot> {
    let client = teloxide::net::default_reqwest_settings()
        .timeout(Duration::from_secs(u64::from(POLL_TIMEOUT) + 15))
        .build()
        .context("could not create the HTTP client")?;
    Ok(Bot::with_client(token.expose(), client).set_api_url(config.api_url.clone()))
}

/// `getMe`, with an error that says what to fix.
pub async fn identify(bot: &Bot, config: &Config) -> anyhow::Result<Me> {
    match bot.get_me().await {
        Ok(me) => Ok(me),
        Err(teloxide::RequestError::Api(teloxide::ApiError::InvalidToken)) => {
            anyhow::bail!(
                "the Bot API rejected TELOXIDE_TOKEN (401 Unauthorized): check the token @BotFather gave you"
            )
        }
        Err(e) => {
            anyhow::bail!("could not reach the Bot API at {} ({e}): check TELEGRAM_API_URL", config.api_url)
        }
    }
}

pub async fn open_db(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(&config.database_url).await.with_context(|| {
        format!("could not open DATABASE_URL {}", crate::db::redact_url(&config.database_url))
    })?;
    db.migrate().await.context("could not apply database migrations")?;
    Ok(db)
}

/// Runs the bot until `shutdown` is cancelled, then stops polling,
/// finishes the updates in hand and returns within [`SHUTDOWN_GRACE`].
pub async fn run(config: &Config, clock: SharedClock, shutdown: CancellationToken) -> anyhow::Result<()> {
    let token = config.require_token()?;
    let db = open_db(config).await?;
    let bot = make_bot(config, token)?;
    let me = identify(&bot, config).await?;
    // Polling and a webhook exclude each other: a webhook left behind by an
    // earlier deployment would make every getUpdates fail.
    if let Err(e) = crate::telegram::send(bot.delete_webhook()).await {
        tracing::warn!(error = %e, "could not remove a webhook");
    }
    tracing::info!(bot = me.username(), database = db.backend().name(), "Tälimger is running");

    for admin in &config.admins {
        match db.make_coordinator(*admin, clock.now()).await? {
            Some(crate::domain::Role::Coordinator) => {
                tracing::info!(user = admin.0, "coordinator from TALIMGER_ADMINS")
            }
            other => {
                tracing::warn!(user = admin.0, role = ?other, "TALIMGER_ADMINS: user keeps their other role")
            }
        }
    }
    if let Err(e) = commands::set_default_menus(&bot).await {
        tracing::warn!(error = %e, "could not set the command menus");
    }
    let pruned = db.prune_updates(clock.now() - chrono::Duration::days(7)).await?;
    tracing::debug!(pruned, "old update ids forgotten");

    let intake = Intake::new(bot, db.clone(), clock, me);
    let poller = tokio::spawn(intake.clone().poll(shutdown.clone()));
    let processor = tokio::spawn(intake.process(shutdown.clone()));
    shutdown.cancelled().await;
    tracing::info!("shutting down: finishing the updates in hand");
    let finished = tokio::time::timeout(SHUTDOWN_GRACE, async {
        let _ = poller.await;
        let _ = processor.await;
    })
    .await;
    if finished.is_err() {
        tracing::warn!("shutdown grace period over; unfinished updates will be handled at the next start");
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), db.close()).await;
    Ok(())
}

/// Cancels the token on SIGTERM or Ctrl-C.
pub fn cancel_on_signal(token: CancellationToken) {
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = tokio::signal::ctrl_c() => {}
                    }
                }
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("stop signal received");
        token.cancel();
    });
}
