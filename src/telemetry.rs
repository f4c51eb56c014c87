//! Structured logs to stderr. Logs carry ids and outcomes, never message text.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::ParseError;

/// Reads a log filter (`RUST_LOG`'s syntax); every directive must parse.
pub fn parse_filter(filter: &str) -> Result<EnvFilter, ParseError> {
    EnvFilter::builder().parse(filter)
}

/// Installs the global subscriber; `filter` is the configured log filter
/// (checked by the configuration, so it parses).
pub fn init(filter: &str) {
    let filter = parse_filter(filter).unwrap_or_else(|_| EnvFilter::new(crate::config::DEFAULT_LOG));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
