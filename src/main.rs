//! `talimger`: parse the command line, start telemetry, hand over.

use clap::Parser;
use clap::error::ErrorKind;
use std::process::ExitCode;
use std::sync::Arc;
use talimger::config::{Cli, Command, Config};
use talimger::domain::time::SystemClock;
use talimger::{app, cli, telemetry};
use tokio_util::sync::CancellationToken;

fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let rendered = e.render().to_string();
            eprintln!("{} (see talimger --help)", rendered.lines().next().unwrap_or("error: bad arguments"));
            return ExitCode::from(2);
        }
    };
    let config = match Config::from_settings(&cli.settings) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let clock = Arc::new(SystemClock);
    let result = runtime.block_on(async {
        match &cli.command {
            None | Some(Command::Run) => {
                let shutdown = CancellationToken::new();
                app::cancel_on_signal(shutdown.clone());
                app::run(&config, clock, shutdown).await
            }
            Some(Command::Migrate) => cli::migrate(&config).await,
            Some(Command::Invite(args)) => cli::invite(&config, args, clock).await,
            Some(Command::Check) => cli::check(&config).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let config_error = e.downcast_ref::<talimger::config::ConfigError>().is_some();
            eprintln!("error: {}", format!("{e:#}").replace('\n', " "));
            if config_error { ExitCode::from(2) } else { ExitCode::FAILURE }
        }
    }
}
