//! Structured logs to stderr. Logs carry ids and outcomes, never message text.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; `filter` is `RUST_LOG`'s value.
pub fn init(filter: Option<&str>) {
    let filter = EnvFilter::try_new(filter.unwrap_or("info")).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
