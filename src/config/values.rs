//! Reading one setting's raw text: numbers in a range, rates, the
//! helplines (numbers and what each is), the token's shape, database URLs, the log filter.

use super::{ConfigError, DEFAULT_CHAT_RATE};
use crate::domain::helplines::{Helpline, Helplines, Label};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::ParseError;
use url::Url;

/// Reads a log filter (`RUST_LOG`'s syntax); every directive must parse.
pub(super) fn parse_log_filter(filter: &str) -> Result<EnvFilter, ParseError> {
    EnvFilter::builder().parse(filter)
}

/// A database URL the bot can keep its data in: a SQLite file (not an
/// in-memory database, which loses every update), or a PostgreSQL URL that
/// names both the host and the database (without them the client would fall
/// back to its defaults and migrate whatever database that is).
pub(super) fn check_database_url(url: &str) -> Result<(), ConfigError> {
    let redacted = || crate::db::redact_url(url);
    let backend = crate::db::Backend::of_url(url).map_err(|_| ConfigError::BadDatabaseUrl(redacted()))?;
    match backend {
        crate::db::Backend::Sqlite => {
            // The driver's own reading: the scheme goes, the query follows `?`.
            let rest = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
            let (file, query) = rest.split_once('?').unwrap_or((rest, ""));
            let file = percent_decoded(file);
            let file = file.strip_prefix("file:").unwrap_or(&file);
            let memory_mode =
                url::form_urlencoded::parse(query.as_bytes()).any(|(k, v)| k == "mode" && v == "memory");
            if file.trim().is_empty() || file == ":memory:" || memory_mode {
                return Err(ConfigError::SqliteNotAFile(url.to_owned()));
            }
        }
        crate::db::Backend::Postgres => {
            let parsed = Url::parse(url).map_err(|_| ConfigError::MalformedDatabaseUrl(redacted()))?;
            let param = |names: &[&str]| {
                parsed.query_pairs().any(|(k, v)| names.contains(&k.as_ref()) && !v.trim().is_empty())
            };
            let host = parsed.host_str().is_some_and(|h| !h.is_empty()) || param(&["host", "hostaddr"]);
            let database = !parsed.path().trim_start_matches('/').is_empty() || param(&["dbname"]);
            let missing = match (host, database) {
                (true, true) => return Ok(()),
                (false, false) => "host and database",
                (false, true) => "host",
                (true, false) => "database",
            };
            return Err(ConfigError::PostgresIncomplete { url: redacted(), missing });
        }
    }
    Ok(())
}

/// `%XX` escapes decoded (the SQLite driver decodes file names so).
fn percent_decoded(s: &str) -> String {
    let (b, mut out, mut i) = (s.as_bytes(), Vec::new(), 0);
    while i < b.len() {
        let hex = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A whole number in `range`, or `default` when not set; the raw text on error.
pub(super) fn whole(
    raw: Option<&str>,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, String> {
    let Some(raw) = raw else { return Ok(default) };
    let t = raw.trim();
    let digits = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| t.parse::<u32>().ok())
        .flatten()
        .filter(|n| range.contains(n))
        .ok_or_else(|| raw.to_owned())
}

/// Messages a second per chat: digits with at most one decimal point,
/// 0.01 to 1000 ([`DEFAULT_CHAT_RATE`] when not set).
pub(super) fn rate(raw: Option<&str>) -> Result<f64, String> {
    let Some(raw) = raw else { return Ok(DEFAULT_CHAT_RATE) };
    let t = raw.trim();
    let shaped = t.bytes().any(|b| b.is_ascii_digit())
        && t.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && t.bytes().filter(|b| *b == b'.').count() <= 1;
    let value = shaped.then(|| t.parse::<f64>().ok()).flatten();
    value.filter(|r| (0.01..=1000.0).contains(r)).ok_or_else(|| raw.to_owned())
}

/// The helplines (`TALIMGER_HELPLINES`), in one of two forms:
/// - numbers separated by commas, `111,112` (what each is comes from the
///   locales for 111 and 112; another number is shown alone);
/// - entries separated by semicolons, each a number with perhaps `=` and
///   what it is in Russian, then `|` and in Kazakh:
///   `111=телефон доверия для детей и семей|балалар мен отбасыларға арналған сенім телефоны;112`.
///
/// A number is digits and spaces, perhaps after a `+`, with 2 to 15
/// digits, kept as written with spaces tidied. A label is 1 to
/// [`LABEL_MAX`] characters of visible text, without `=`, `|` or `;`.
pub(super) fn helplines(raw: &str) -> Option<Helplines> {
    let labelled = raw.contains('=') || raw.contains(';');
    let separator = if labelled { ';' } else { ',' };
    let list = raw.split(separator).map(helpline).collect::<Option<Vec<_>>>()?;
    Some(Helplines::new(list))
}

/// The longest label of a helpline, in characters.
pub(super) const LABEL_MAX: usize = 80;

fn helpline(entry: &str) -> Option<Helpline> {
    let (number, label) = match entry.split_once('=') {
        Some((number, label)) => (number, Some(helpline_label(label)?)),
        None => (entry, None),
    };
    let number = number.split_whitespace().collect::<Vec<_>>().join(" ");
    let digits = number.strip_prefix('+').unwrap_or(&number);
    let count = digits.bytes().filter(u8::is_ascii_digit).count();
    let shaped = digits.bytes().all(|b| b.is_ascii_digit() || b == b' ')
        && digits.starts_with(|c: char| c.is_ascii_digit());
    (shaped && (2..=15).contains(&count)).then_some(Helpline { number, label })
}

/// `Russian|Kazakh`: both given, each tidied and visible.
fn helpline_label(raw: &str) -> Option<Label> {
    let (ru, kk) = raw.split_once('|')?;
    let tidy = |s: &str| {
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        let visible = s.chars().any(char::is_alphanumeric);
        let clean = !s.chars().any(|c| c.is_control() || matches!(c, '=' | '|' | ';'));
        (visible && clean && s.chars().count() <= LABEL_MAX).then_some(s)
    };
    Some(Label { ru: tidy(ru)?, kk: tidy(kk)? })
}

pub(super) fn is_token_shaped(t: &str) -> bool {
    match t.split_once(':') {
        Some((id, secret)) => {
            !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_digit())
                && !secret.is_empty()
                && secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        }
        None => false,
    }
}
