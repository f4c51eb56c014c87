//! Structured logs to stderr. Logs carry ids and outcomes, never message text.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber with the configured log filter
/// (`Config::log_filter`).
pub fn init(filter: EnvFilter) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
