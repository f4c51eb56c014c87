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
            eprintln!("{}", one_line(&e.render().to_string()));
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
    telemetry::init(config.log_filter());
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
            Some(Command::Stats(args)) => cli::stats(&config, args, clock).await,
            Some(Command::Export(args)) => cli::export(&config, args, clock).await,
            Some(Command::Forget(args)) => cli::forget(&config, args, clock).await,
            Some(Command::Backup { file }) => cli::backup(&config, file).await,
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

/// clap's error on one line, with what its later lines name (the missing
/// `<ROLE>`, the possible values, a tip) and the help to read:
/// `error: the following required arguments were not provided: <ROLE> (see
/// talimger invite --help)`.
fn one_line(rendered: &str) -> String {
    let mut out = String::new();
    let mut listing = false;
    let mut command = "talimger".to_owned();
    for line in rendered.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(usage) = line.strip_prefix("Usage:") {
            let words: Vec<&str> =
                usage.split_whitespace().take_while(|w| !w.starts_with(['[', '<', '-'])).collect();
            if !words.is_empty() {
                command = words.join(" ");
            }
            break;
        }
        if line.starts_with("For more information") {
            break;
        }
        if out.is_empty() {
            out.push_str(line);
        } else if out.ends_with(':') {
            out.push(' ');
            out.push_str(line);
            listing = true;
        } else if listing && !line.starts_with("tip:") {
            out.push_str(", ");
            out.push_str(line);
        } else if line.starts_with('[') {
            out.push(' ');
            out.push_str(line);
        } else {
            out.push_str("; ");
            out.push_str(line);
            listing = false;
        }
    }
    if out.is_empty() {
        out.push_str("error: bad arguments");
    }
    format!("{out} (see {command} --help)")
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn clap_errors_keep_what_their_later_lines_name() {
        let missing = "error: the following required arguments were not provided:\n  <ROLE>\n\nUsage: talimger invite <ROLE>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(missing),
            "error: the following required arguments were not provided: <ROLE> (see talimger invite --help)"
        );
        let two = "error: the following required arguments were not provided:\n  <ROLE>\n  --school <SCHOOL>\n\nUsage: talimger invite --school <SCHOOL> <ROLE>\n";
        assert_eq!(
            one_line(two),
            "error: the following required arguments were not provided: <ROLE>, --school <SCHOOL> (see talimger invite --help)"
        );
        let value = "error: invalid value 'x' for '<ROLE>'\n  [possible values: coordinator, mentor]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(value),
            "error: invalid value 'x' for '<ROLE>' [possible values: coordinator, mentor] (see talimger --help)"
        );
        let tip = "error: unexpected argument '--floo' found\n\n  tip: a similar argument exists: '--flood'\n\nUsage: talimger --flood <N> [COMMAND]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(tip),
            "error: unexpected argument '--floo' found; tip: a similar argument exists: '--flood' (see talimger --help)"
        );
    }
}
