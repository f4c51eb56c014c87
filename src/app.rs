//! Start-up and shutdown: storage, the Bot API, the menus, and the workers
//! — the poller, the per-chat handlers, the outbox sender, housekeeping —
//! supervised: one that stops unexpectedly stops the process with an
//! error, never a bot that silently stops answering.

use crate::commands;
use crate::config::{Config, Token};
use crate::db::{Backend, Db, Signal};
use crate::domain::time::SharedClock;
use crate::intake::Intake;
use crate::outbox::{self, Limits, Outbox};
use crate::telegram::{Api, CallError};
use anyhow::Context;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use teloxide::types::Me;
use tokio_util::sync::CancellationToken;

/// How long shutdown may take before the process exits anyway (updates
/// not finished by then are stored and handled at the next start).
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(8);
/// `/readyz` fails when the instance that polls has had no answer from
/// `getUpdates` for this long (a long poll answers within 25 s).
const READY_SILENCE: chrono::Duration = chrono::Duration::seconds(90);
/// The name of the webhook's secret token among the programme's secrets.
const WEBHOOK_SECRET: &str = "webhook_secret";
/// How often old update ids and finished outbox rows are forgotten.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(3600);

/// The outbox's pace, as configured.
pub fn limits(config: &Config) -> Limits {
    Limits {
        per_second: f64::from(config.send_rate),
        per_chat: config.chat_rate,
        chat_burst: f64::from(config.chat_burst),
    }
}

pub fn make_api(config: &Config, token: &Token) -> anyhow::Result<Api> {
    Api::new(&config.api_url, token.expose())
        .map_err(|e| anyhow::anyhow!("could not create the HTTP client: {e}"))
}

/// `getMe`, with an error that says what to fix.
pub async fn identify(api: &Api, config: &Config) -> anyhow::Result<Me> {
    match api.call("getMe", "{}", None).await {
        Ok(raw) => serde_json::from_str(raw.get()).context("getMe returned something that is not a bot"),
        Err(CallError::Api { code: 401 | 404, .. }) => anyhow::bail!(
            "the Bot API rejected TELOXIDE_TOKEN (401 Unauthorized): check the token @BotFather gave you"
        ),
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

/// SQLite serves one instance: a lock file beside the database says so.
fn single_instance(db: &Db) -> anyhow::Result<Option<std::fs::File>> {
    if db.backend() != Backend::Sqlite {
        return Ok(None);
    }
    let path = db.url().trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or(path);
    let lock_path = format!("{path}.lock");
    let file = std::fs::File::create(&lock_path).with_context(|| format!("could not create {lock_path}"))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another talimger is already running on {path}: SQLite serves one instance (stop it, or use PostgreSQL for several)"
        ),
        Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("could not lock {lock_path}")),
    }
}

/// The counters of a running bot, for tests and metrics.
#[derive(Clone, Debug)]
pub struct Running {
    pub intake: Arc<crate::intake::Stats>,
    pub outbox: Arc<crate::outbox::Stats>,
    pub jobs: Arc<crate::jobs::Stats>,
    /// Where `/healthz`, `/readyz` and `/metrics` answer, if served.
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// Where the webhook is served, in webhook mode.
    pub webhook_addr: Option<std::net::SocketAddr>,
}

/// The HTTP servers of a running bot.
struct Servers {
    metrics: Option<SocketAddr>,
    webhook: Option<SocketAddr>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// Starts the webhook's server (webhook mode: then `setWebhook`) and the
/// health and metrics pages — on the webhook's server when they share its
/// address (the default in webhook mode), else on their own.
async fn serve(
    config: &Config,
    db: &Db,
    api: &Api,
    intake: &Arc<Intake>,
    clock: &SharedClock,
    stop: CancellationToken,
) -> anyhow::Result<Servers> {
    let health =
        || crate::serve::health_routes(db.clone(), intake.outbox_metrics(), clock.clone(), READY_SILENCE);
    let mut servers = Servers { metrics: None, webhook: None, tasks: Vec::new() };
    let mut metrics_listen = config.metrics_listen;
    if let Some(hook) = &config.webhook {
        let secret = match &hook.secret {
            Some(secret) => secret.expose().to_owned(),
            None => db.programme_secret(WEBHOOK_SECRET, clock.now()).await?,
        };
        let path = if hook.url.path().is_empty() { "/" } else { hook.url.path() };
        let mut app = crate::intake::webhook_router(intake.clone(), path, secret.clone());
        let shared = metrics_listen == Some(hook.listen);
        if shared {
            app = app.merge(health());
            metrics_listen = None;
        }
        let (addr, task) = crate::serve::start(hook.listen, app, "TALIMGER_LISTEN", stop.clone()).await?;
        servers.webhook = Some(addr);
        servers.metrics = shared.then_some(addr);
        servers.tasks.push(task);
        crate::intake::set_webhook(api, &hook.url, &secret).await.map_err(|e| {
            anyhow::anyhow!("Telegram refused the webhook at {} ({e}): check TALIMGER_WEBHOOK_URL", hook.url)
        })?;
        tracing::info!(url = %hook.url, "Telegram delivers updates to the webhook");
    }
    if let Some(listen) = metrics_listen {
        let (addr, task) = crate::serve::start(listen, health(), "TALIMGER_METRICS_LISTEN", stop).await?;
        servers.metrics = Some(addr);
        servers.tasks.push(task);
    }
    Ok(servers)
}

/// Runs the bot until `shutdown` is cancelled, then stops polling,
/// finishes the updates in hand, sends their answers and returns within
/// [`SHUTDOWN_GRACE`].
pub async fn run(config: &Config, clock: SharedClock, shutdown: CancellationToken) -> anyhow::Result<()> {
    run_observed(config, clock, shutdown, None).await
}

/// [`run`], handing its counters to `observe` once it is up.
pub async fn run_observed(
    config: &Config,
    clock: SharedClock,
    shutdown: CancellationToken,
    observe: Option<tokio::sync::oneshot::Sender<Running>>,
) -> anyhow::Result<()> {
    let token = config.require_token()?;
    let api = make_api(config, token)?;
    let db = open_db(config).await?;
    let _instance = single_instance(&db)?;
    let me = identify(&api, config).await?;
    // Polling and a webhook exclude each other: a webhook left behind by an
    // earlier deployment would make every getUpdates fail.
    if config.webhook.is_none()
        && let Err(e) = api.call("deleteWebhook", "{}", None).await
    {
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
    if let Err(e) = commands::set_default_menus(&api).await {
        tracing::warn!(error = %e, "could not set the command menus");
    }
    if db.backend() == Backend::Sqlite {
        // The instance before this one has stopped: its leases mean nothing.
        db.release_all_leases().await?;
    }
    housekeeping(&db, &clock).await;

    let (outbox, sender) = outbox::new(db.clone(), api.clone(), clock.clone(), limits(config));
    let extra = teloxide::dptree::deps![config.clone()];
    let bell = crate::work::Bell::default();
    // The runner is handed its job bodies, as the intake its `schema()`.
    let runner = crate::jobs::Runner::new(
        db.clone(),
        clock.clone(),
        config.clone(),
        outbox.clone(),
        bell.clone(),
        vec![
            crate::handlers::reminders::jobs(),
            crate::handlers::radar::jobs(),
            crate::handlers::broadcast::jobs(),
            crate::retention::jobs(),
        ],
    );
    let job_stats = runner.stats.clone();
    let intake = Intake::new(
        api.clone(),
        db.clone(),
        clock.clone(),
        outbox.clone(),
        bell.clone(),
        me,
        extra,
        config.flood_per_minute,
        config.helplines.clone(),
        shutdown.clone(),
    );
    // The HTTP servers before the workers: a port taken stops the start
    // with a message, not a bot no one can watch or reach.
    let server_stop = CancellationToken::new();
    let servers = serve(config, &db, &api, &intake, &clock, server_stop.clone()).await?;
    let sender_stop = CancellationToken::new();
    let mut sender_task = tokio::spawn(sender.run(sender_stop.clone(), Duration::from_secs(2)));
    // Telegram delivers to the webhook, or we poll: never both.
    let mut poller = match &config.webhook {
        Some(_) => tokio::spawn(shutdown.clone().cancelled_owned()),
        None => tokio::spawn(intake.clone().poll()),
    };
    let jobs_stop = CancellationToken::new();
    let mut jobs_task = tokio::spawn(runner.run(jobs_stop.clone()));
    // The lesser workers: one that dies (a panic, or a bug that returns)
    // is logged and started again; the poller, the sender and the job
    // runner below stop the process instead.
    let keeper = {
        let (db, clock, stop) = (db.clone(), clock.clone(), shutdown.clone());
        supervised("housekeeping", shutdown.clone(), move || {
            keep_house(db.clone(), clock.clone(), stop.clone())
        })
    };
    let wal_keeper = {
        let (db, stop) = (db.clone(), shutdown.clone());
        supervised("the log keeper", shutdown.clone(), move || db.clone().wal_keeper(stop.clone()))
    };
    let mut eraser = {
        let intake = intake.clone();
        supervised("the eraser", shutdown.clone(), move || intake.clone().eraser())
    };
    let listener = {
        let (db, intake, outbox, bell, stop) =
            (db.clone(), intake.clone(), outbox.clone(), bell.clone(), shutdown.clone());
        supervised("the listener", shutdown.clone(), move || {
            listen(db.clone(), intake.clone(), outbox.clone(), bell.clone(), stop.clone())
        })
    };
    intake.scan().await;
    if let Some(observe) = observe {
        let _ = observe.send(Running {
            intake: intake.stats.clone(),
            outbox: outbox.stats.clone(),
            jobs: job_stats,
            metrics_addr: servers.metrics,
            webhook_addr: servers.webhook,
        });
    }

    let failure = tokio::select! {
        biased;
        _ = shutdown.cancelled() => None,
        r = &mut poller => Some(format!("the poller stopped unexpectedly ({r:?})")),
        r = &mut sender_task => Some(format!("the outbox sender stopped unexpectedly ({r:?})")),
        r = &mut jobs_task => Some(format!("the job runner stopped unexpectedly ({r:?})")),
    };
    // A worker that ended because we are stopping anyway is no failure.
    let failure = failure.filter(|_| !shutdown.is_cancelled());
    if let Some(why) = &failure {
        tracing::error!("{why}; stopping");
        shutdown.cancel();
    }
    tracing::info!("shutting down: finishing the updates in hand");
    let started = tokio::time::Instant::now();
    let handled = tokio::time::timeout(SHUTDOWN_GRACE - Duration::from_secs(3), async {
        if !poller.is_finished() {
            let _ = (&mut poller).await;
        }
        intake.drained().await;
        let _ = (&mut eraser).await;
    })
    .await;
    if handled.is_err() {
        tracing::warn!("shutdown grace period over; unfinished updates will be handled at the next start");
    }
    // Jobs queue their messages for the sender: they stop first.
    jobs_stop.cancel();
    let _ = tokio::time::timeout(Duration::from_secs(1), &mut jobs_task).await;
    sender_stop.cancel();
    let left = SHUTDOWN_GRACE.saturating_sub(started.elapsed());
    if !sender_task.is_finished() && tokio::time::timeout(left, &mut sender_task).await.is_err() {
        tracing::warn!("the outbox sender did not stop in time; what it holds is sent at the next start");
        sender_task.abort();
    }
    server_stop.cancel();
    for task in servers.tasks {
        let _ = tokio::time::timeout(Duration::from_secs(1), task).await;
    }
    keeper.abort();
    wal_keeper.abort();
    listener.abort();
    eraser.abort();
    let _ = tokio::time::timeout(Duration::from_secs(1), db.close()).await;
    match failure {
        Some(why) => anyhow::bail!(why),
        None => Ok(()),
    }
}

/// Forgets what is no longer needed: handled update ids (Telegram does not
/// re-deliver after a day), finished outbox rows after a week, broadcast
/// drafts never sent after a day; on SQLite the write-ahead log is
/// emptied, so that erased contents leave the disk.
async fn housekeeping(db: &Db, clock: &SharedClock) {
    let now = clock.now();
    let updates = db.prune_updates(now - chrono::Duration::days(2)).await;
    let items = db.prune_outbox(now - chrono::Duration::days(7)).await;
    let jobs = db.prune_jobs(now - chrono::Duration::days(30)).await;
    if let Err(e) = db.prune_drafts(now - chrono::Duration::days(1)).await {
        tracing::warn!(error = %e, "could not forget old broadcast drafts; trying again later");
    }
    let checkpoint = db.checkpoint().await;
    match (updates, items, jobs, checkpoint) {
        (Ok(u), Ok(i), Ok(j), Ok(_)) => {
            tracing::debug!(updates = u, items = i, jobs = j, "housekeeping done")
        }
        (u, i, j, c) => tracing::warn!(?u, ?i, ?j, ?c, "housekeeping failed; trying again later"),
    }
}

/// Runs a background task made by `make`; when it ends before `stop` (it
/// panicked, or returned by a bug), says so in the log and starts another
/// a second later. Ends when the task ends after `stop`.
fn supervised<F, Fut>(name: &'static str, stop: CancellationToken, make: F) -> tokio::task::JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    supervised_with_pause(name, stop, Duration::from_secs(1), make)
}

fn supervised_with_pause<F, Fut>(
    name: &'static str,
    stop: CancellationToken,
    pause: Duration,
    make: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        loop {
            let ended = tokio::spawn(make()).await;
            if stop.is_cancelled() {
                return;
            }
            match ended {
                Ok(()) => {
                    tracing::error!(task = name, "a background task returned unexpectedly; starting it again")
                }
                Err(e) => {
                    tracing::error!(task = name, error = %e, "a background task died; starting it again")
                }
            }
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(pause) => {}
            }
        }
    })
}

async fn keep_house(db: Db, clock: SharedClock, stop: CancellationToken) {
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(HOUSEKEEPING_EVERY) => housekeeping(&db, &clock).await,
        }
    }
}

/// PostgreSQL: other instances tell us of stored updates and queued items.
async fn listen(
    db: Db,
    intake: Arc<Intake>,
    outbox: Outbox,
    jobs: crate::jobs::Bell,
    stop: CancellationToken,
) {
    let mut backoff = Duration::from_secs(1);
    loop {
        let listening = async {
            let Some(mut listener) = db.listen(outbox.owner()).await? else { return Ok(false) };
            // What was stored while we were not listening.
            intake.scan().await;
            outbox.poke();
            jobs.ring();
            loop {
                match listener.recv().await? {
                    Signal::Updates => intake.scan().await,
                    Signal::Outbox => outbox.poke(),
                    Signal::Jobs => jobs.ring(),
                }
            }
        };
        tokio::select! {
            _ = stop.cancelled() => return,
            result = listening => match result {
                Ok(false) => return,
                Ok(true) => {}
                Err::<bool, crate::db::DbError>(e) => {
                    tracing::warn!(error = %e, "lost the database notifications; reconnecting")
                }
            },
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn a_background_task_that_dies_is_started_again_until_stop() {
        let runs = Arc::new(AtomicU32::new(0));
        let stop = CancellationToken::new();
        let counted = runs.clone();
        let task = supervised_with_pause("test", stop.clone(), Duration::from_millis(1), move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                if n < 2 {
                    panic!("dies");
                }
                std::future::pending::<()>().await;
            }
        });
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while runs.load(Ordering::SeqCst) < 3 {
            assert!(tokio::time::Instant::now() < deadline, "restarted after each death");
            tokio::task::yield_now().await;
        }
        tokio::task::yield_now().await;
        assert_eq!(runs.load(Ordering::SeqCst), 3, "the third run lives: no more starts");
        stop.cancel();
        // The third run waits for ever: the app aborts it at the end.
        task.abort();
    }
}
