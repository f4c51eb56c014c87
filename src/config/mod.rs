//! Typed configuration from flags, the environment and a `.env` file.
//! Every setting has a flag and an environment variable (`settings`); a bad
//! value stops the program with one line that says what to set. Here: the
//! defaults, the typed `Config` and its errors, and reading the settings
//! into it (each value's own reading in `values`).

use crate::domain::UserId;
use crate::domain::calendar::{Minute, parse_time};
use crate::domain::helplines::Helplines;
use crate::domain::radar::DEFAULT_ALERT_AFTER;
use crate::domain::reminders::Leads;
use crate::domain::time::parse_duration as duration;
use chrono_tz::Tz;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::time::Duration;
use tracing_subscriber::EnvFilter;
use url::Url;
use values::{check_database_url, helplines, is_token_shaped, parse_log_filter, rate, whole};

mod settings;
mod values;

pub use settings::{
    Cli, Command, ExportArgs, ExportLang, ExportWhat, ForgetArgs, InviteArgs, InviteRole, Settings, StatsArgs,
};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://talimger.db";
pub const DEFAULT_API_URL: &str = "https://api.telegram.org";
pub const DEFAULT_TZ: &str = "Asia/Almaty";
pub const DEFAULT_LOG: &str = "info";
/// Updates a minute one user may send before the excess is dropped.
pub const DEFAULT_FLOOD_PER_MINUTE: u32 = 20;
/// Messages a second the bot sends overall (Telegram's limit).
pub const DEFAULT_SEND_RATE: u32 = 30;
/// Messages a second the bot sends to one chat, sustained (Telegram's limit).
pub const DEFAULT_CHAT_RATE: f64 = 1.0;
/// Messages the bot may send to one chat in a quick burst.
pub const DEFAULT_CHAT_BURST: u32 = 3;
pub const DEFAULT_HELPLINES: &str = "111,112";
/// How long an SOS waits for the mentor before the coordinators are alerted.
pub const DEFAULT_SOS_ESCALATE: Duration = Duration::from_secs(15 * 60);
/// How many parents one student may have in the programme.
pub const DEFAULT_MAX_PARENTS: u32 = 4;
/// The shortest time between booking and the meeting.
pub const DEFAULT_BOOKING_LEAD: &str = "1h";
/// Upcoming meetings a student may have at once.
pub const DEFAULT_MAX_UPCOMING: u32 = 2;
/// The mentors' morning agenda, local time.
pub const DEFAULT_AGENDA_AT: &str = "08:00";
/// How long contents are kept by default.
pub const DEFAULT_RETENTION: &str = "365d";
/// Where the webhook is served by default (behind the HTTPS proxy).
pub const DEFAULT_LISTEN: &str = "0.0.0.0:8080";
/// Where health and metrics are served by default when polling: this
/// machine only.
pub const DEFAULT_METRICS_LISTEN: &str = "127.0.0.1:9090";

/// A bot token that never shows up in `Debug` output or logs.
#[derive(Clone)]
pub struct Token(SecretString);

impl Token {
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub token: Option<Token>,
    pub api_url: Url,
    pub database_url: String,
    pub tz: Tz,
    pub admins: Vec<UserId>,
    /// The log filter (`RUST_LOG`), known to parse.
    pub log: String,
    /// Updates a minute one user may send (`TALIMGER_FLOOD`).
    pub flood_per_minute: u32,
    /// Messages a second overall (`TALIMGER_SEND_RATE`).
    pub send_rate: u32,
    /// Messages a second per chat, sustained (`TALIMGER_CHAT_RATE`).
    pub chat_rate: f64,
    /// Messages to one chat in a burst (`TALIMGER_CHAT_BURST`).
    pub chat_burst: u32,
    /// The helplines, each number with what it is (`TALIMGER_HELPLINES`);
    /// `helplines.text(lang)` words them for a text.
    pub helplines: Helplines,
    /// How long an SOS waits for the mentor's acknowledgement (`TALIMGER_SOS_ESCALATE`).
    pub sos_escalate: Duration,
    /// Parents one student may have (`TALIMGER_MAX_PARENTS`).
    pub max_parents: u32,
    /// The shortest time between booking and the meeting (`TALIMGER_BOOKING_LEAD`).
    pub booking_lead: chrono::Duration,
    /// Upcoming meetings a student may have at once (`TALIMGER_MAX_UPCOMING`).
    pub max_upcoming: u32,
    /// The reminders' leads before a meeting (`TALIMGER_REMINDERS`).
    pub reminders: Leads,
    /// The morning agenda's minute of the day, local (`TALIMGER_AGENDA_AT`).
    pub agenda_at: Minute,
    /// How long a question waits, in the mentor's working time, before the
    /// radar tells the coordinators (`TALIMGER_UNANSWERED_ALERT`).
    pub unanswered_alert: chrono::Duration,
    /// Where health and metrics are served; `None`: off
    /// (`TALIMGER_METRICS_LISTEN`; by default the webhook's server).
    pub metrics_listen: Option<std::net::SocketAddr>,
    /// How long contents are kept before the daily job erases them
    /// (`TALIMGER_RETENTION`).
    pub retention: chrono::Duration,
    /// Webhook mode, when set (`TALIMGER_WEBHOOK_URL`).
    pub webhook: Option<WebhookConfig>,
}

/// How Telegram reaches us in webhook mode.
#[derive(Clone, Debug)]
pub struct WebhookConfig {
    /// The public address given to `setWebhook`; its path is our route.
    pub url: Url,
    /// Where our server listens (`TALIMGER_LISTEN`).
    pub listen: std::net::SocketAddr,
    /// `TALIMGER_WEBHOOK_SECRET`; `None`: the one kept in the database.
    pub secret: Option<Token>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error(
        "TELOXIDE_TOKEN is not set: set it (or pass --token) to the token @BotFather gave your bot, e.g. TELOXIDE_TOKEN=123456:ABC-your-token"
    )]
    MissingToken,
    #[error(
        "TELOXIDE_TOKEN does not look like a bot token (digits, a colon, then letters): check what @BotFather gave you"
    )]
    MalformedToken,
    #[error("TELEGRAM_API_URL must be an http:// or https:// URL (got {0:?})")]
    BadApiUrl(String),
    #[error("DATABASE_URL must start with sqlite:// or postgres:// (got {0:?})")]
    BadDatabaseUrl(String),
    #[error(
        "DATABASE_URL is empty: set it to sqlite://FILE or postgres://user:password@host/database, or unset it for sqlite://talimger.db"
    )]
    EmptyDatabaseUrl,
    #[error(
        "DATABASE_URL must name a SQLite file, e.g. sqlite://talimger.db: {0:?} is an in-memory database, which loses every update"
    )]
    SqliteNotAFile(String),
    #[error(
        "DATABASE_URL must name the PostgreSQL {missing}, e.g. postgres://user:password@localhost/talimger (got {url:?})"
    )]
    PostgresIncomplete { url: String, missing: &'static str },
    #[error("DATABASE_URL is not a valid URL, e.g. postgres://user:password@localhost/talimger (got {0:?})")]
    MalformedDatabaseUrl(String),
    #[error("TALIMGER_TZ must be a time zone name such as Asia/Almaty (got {0:?})")]
    BadTz(String),
    #[error(
        "TALIMGER_TZ is empty: set it to a time zone name such as Asia/Almaty, or unset it for Asia/Almaty"
    )]
    EmptyTz,
    #[error("TALIMGER_ADMINS must be Telegram user ids separated by commas, e.g. 12345,67890 (got {0:?})")]
    BadAdmins(String),
    #[error(
        "RUST_LOG (--log) is not a log filter ({reason}): set it to e.g. info, warn or talimger=debug (got {value:?})"
    )]
    BadLog { value: String, reason: String },
    #[error(
        "TALIMGER_FLOOD (--flood) must be a whole number of updates a minute per user, 1 to 10000 (got {0:?})"
    )]
    BadFlood(String),
    #[error(
        "TALIMGER_SEND_RATE (--send-rate) must be a whole number of messages a second, 1 to 100000 (got {0:?})"
    )]
    BadSendRate(String),
    #[error(
        "TALIMGER_CHAT_RATE (--chat-rate) must be messages a second per chat, e.g. 1 or 0.5; 0.01 to 1000 (got {0:?})"
    )]
    BadChatRate(String),
    #[error("TALIMGER_CHAT_BURST (--chat-burst) must be a whole number of messages, 1 to 10000 (got {0:?})")]
    BadChatBurst(String),
    #[error(
        "TALIMGER_HELPLINES (--helplines) must be phone numbers separated by commas, e.g. 111,112 or +7 700 123 45 67, or separated by semicolons, each perhaps with what it is in Russian|Kazakh, e.g. 111=телефон доверия|сенім телефоны;112 (got {0:?})"
    )]
    BadHelplines(String),
    #[error(
        "TALIMGER_SOS_ESCALATE (--sos-escalate) must be a duration from 1s to 24h, e.g. 15m, 1h or 90s (got {0:?})"
    )]
    BadSosEscalate(String),
    #[error("TALIMGER_MAX_PARENTS (--max-parents) must be a whole number of parents, 1 to 20 (got {0:?})")]
    BadMaxParents(String),
    #[error(
        "TALIMGER_BOOKING_LEAD (--booking-lead) must be a duration such as 1h, 90m or 2d, from 0m to 7d (got {0:?})"
    )]
    BadBookingLead(String),
    #[error("TALIMGER_MAX_UPCOMING (--max-upcoming) must be a whole number of meetings, 1 to 20 (got {0:?})")]
    BadMaxUpcoming(String),
    #[error(
        "TALIMGER_REMINDERS (--reminders) must be leads before a meeting separated by commas, e.g. 24h,1h or 2d,3h,30m: whole minutes (m), hours (h) or days (d), 1m to 30d, at most 10 (got {0:?})"
    )]
    BadReminders(String),
    #[error("TALIMGER_AGENDA_AT (--agenda-at) must be a local time HH:MM, e.g. 08:00 or 7:30 (got {0:?})")]
    BadAgendaAt(String),
    #[error(
        "TALIMGER_UNANSWERED_ALERT (--unanswered-alert) must be a duration such as 48h, 3d or 90m, from 1m to 30d (got {0:?})"
    )]
    BadUnansweredAlert(String),
    #[error(
        "TALIMGER_METRICS_LISTEN (--metrics-listen) must be an address and port such as 127.0.0.1:9090 or 0.0.0.0:9090, or off (got {0:?})"
    )]
    BadMetricsListen(String),
    #[error(
        "TALIMGER_RETENTION (--retention) must be a duration such as 365d or 180d, from 1d to 3650d (got {0:?})"
    )]
    BadRetention(String),
    #[error(
        "TALIMGER_WEBHOOK_URL (--webhook-url) must be an https:// address such as https://bot.example.kz/telegram, or http:// for a local Bot API server (got {0:?})"
    )]
    BadWebhookUrl(String),
    #[error(
        "TALIMGER_LISTEN (--listen) must be an address and port such as 0.0.0.0:8080 or 127.0.0.1:8080 (got {0:?})"
    )]
    BadListen(String),
    #[error(
        "TALIMGER_WEBHOOK_SECRET (--webhook-secret) must be 1 to 256 of the letters A-Z, a-z, digits, _ and -"
    )]
    BadWebhookSecret,
    #[error(
        "TALIMGER_LISTEN and TALIMGER_WEBHOOK_SECRET work with TALIMGER_WEBHOOK_URL: set it too, or unset them"
    )]
    WebhookSettingsWithoutUrl,
}

impl Config {
    pub fn from_settings(s: &Settings) -> Result<Config, ConfigError> {
        let token = match s.token.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) if is_token_shaped(t) => Some(Token(SecretString::from(t.to_owned()))),
            Some(_) => return Err(ConfigError::MalformedToken),
        };
        let api_raw =
            s.api_url.as_deref().map(str::trim).filter(|u| !u.is_empty()).unwrap_or(DEFAULT_API_URL);
        let api_url = Url::parse(api_raw)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| ConfigError::BadApiUrl(api_raw.to_owned()))?;
        // Set but empty is a mistake (an unfilled `.env` line, a variable
        // from a secret that did not arrive), not a wish for the default.
        let database_url = match s.database_url.as_deref().map(str::trim) {
            None => DEFAULT_DATABASE_URL,
            Some("") => return Err(ConfigError::EmptyDatabaseUrl),
            Some(url) => url,
        };
        check_database_url(database_url)?;
        let tz: Tz = match s.tz.as_deref().map(str::trim) {
            None => DEFAULT_TZ.parse().expect("the default time zone exists"),
            Some("") => return Err(ConfigError::EmptyTz),
            Some(t) => t.parse().map_err(|_| ConfigError::BadTz(t.to_owned()))?,
        };
        let admins = match s.admins.as_deref().map(str::trim) {
            None | Some("") => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|id| id.trim().parse::<i64>().ok().filter(|id| *id > 0).map(UserId))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| ConfigError::BadAdmins(list.to_owned()))?,
        };
        // An empty RUST_LOG is the usual way to say "the default".
        let log = s.log.as_deref().map(str::trim).filter(|l| !l.is_empty()).unwrap_or(DEFAULT_LOG);
        parse_log_filter(log)
            .map_err(|e| ConfigError::BadLog { value: log.to_owned(), reason: e.to_string() })?;
        let flood_per_minute =
            whole(s.flood.as_deref(), DEFAULT_FLOOD_PER_MINUTE, 1..=10_000).map_err(ConfigError::BadFlood)?;
        let send_rate = whole(s.send_rate.as_deref(), DEFAULT_SEND_RATE, 1..=100_000)
            .map_err(ConfigError::BadSendRate)?;
        let chat_rate = rate(s.chat_rate.as_deref()).map_err(ConfigError::BadChatRate)?;
        let chat_burst = whole(s.chat_burst.as_deref(), DEFAULT_CHAT_BURST, 1..=10_000)
            .map_err(ConfigError::BadChatBurst)?;
        let helplines = helplines(s.helplines.as_deref().unwrap_or(DEFAULT_HELPLINES))
            .ok_or_else(|| ConfigError::BadHelplines(s.helplines.clone().unwrap_or_default()))?;
        let sos_escalate = match s.sos_escalate.as_deref() {
            None => DEFAULT_SOS_ESCALATE,
            Some(raw) => duration(raw)
                .filter(|d| (Duration::from_secs(1)..=Duration::from_secs(86_400)).contains(d))
                .ok_or_else(|| ConfigError::BadSosEscalate(raw.to_owned()))?,
        };
        let max_parents = whole(s.max_parents.as_deref(), DEFAULT_MAX_PARENTS, 1..=20)
            .map_err(ConfigError::BadMaxParents)?;
        let lead_raw = s.booking_lead.as_deref().unwrap_or(DEFAULT_BOOKING_LEAD);
        let booking_lead = duration(lead_raw)
            .filter(|d| *d <= Duration::from_secs(7 * 86_400))
            .and_then(|d| chrono::Duration::from_std(d).ok())
            .ok_or_else(|| ConfigError::BadBookingLead(lead_raw.to_owned()))?;
        let max_upcoming = whole(s.max_upcoming.as_deref(), DEFAULT_MAX_UPCOMING, 1..=20)
            .map_err(ConfigError::BadMaxUpcoming)?;
        let reminders = match s.reminders.as_deref() {
            None => Leads::default(),
            Some(raw) => Leads::parse(raw).ok_or_else(|| ConfigError::BadReminders(raw.to_owned()))?,
        };
        let agenda_raw = s.agenda_at.as_deref().unwrap_or(DEFAULT_AGENDA_AT);
        let agenda_at =
            parse_time(agenda_raw).ok_or_else(|| ConfigError::BadAgendaAt(agenda_raw.to_owned()))?;
        let alert_raw = s.unanswered_alert.as_deref().unwrap_or(DEFAULT_ALERT_AFTER);
        let unanswered_alert = duration(alert_raw)
            .filter(|d| (Duration::from_secs(60)..=Duration::from_secs(30 * 86_400)).contains(d))
            .and_then(|d| chrono::Duration::from_std(d).ok())
            .ok_or_else(|| ConfigError::BadUnansweredAlert(alert_raw.to_owned()))?;
        let retention_raw = s.retention.as_deref().unwrap_or(DEFAULT_RETENTION);
        let retention = duration(retention_raw)
            .filter(|d| (Duration::from_secs(86_400)..=Duration::from_secs(3650 * 86_400)).contains(d))
            .and_then(|d| chrono::Duration::from_std(d).ok())
            .ok_or_else(|| ConfigError::BadRetention(retention_raw.to_owned()))?;
        let webhook = webhook(s)?;
        let metrics_listen = match s.metrics_listen.as_deref().map(str::trim) {
            Some("off") => None,
            Some(raw) => Some(raw.parse().map_err(|_| ConfigError::BadMetricsListen(raw.to_owned()))?),
            None => Some(match &webhook {
                Some(w) => w.listen,
                None => DEFAULT_METRICS_LISTEN.parse().expect("the default address parses"),
            }),
        };
        Ok(Config {
            token,
            api_url,
            database_url: database_url.to_owned(),
            tz,
            admins,
            log: log.to_owned(),
            flood_per_minute,
            send_rate,
            chat_rate,
            chat_burst,
            helplines,
            sos_escalate,
            max_parents,
            booking_lead,
            max_upcoming,
            reminders,
            agenda_at,
            unanswered_alert,
            metrics_listen,
            retention,
            webhook,
        })
    }

    /// The log filter to install (`telemetry::init`).
    pub fn log_filter(&self) -> EnvFilter {
        parse_log_filter(&self.log).unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG))
    }

    /// The token, for the commands that talk to Telegram.
    pub fn require_token(&self) -> Result<&Token, ConfigError> {
        self.token.as_ref().ok_or(ConfigError::MissingToken)
    }
}

/// The webhook's settings: all or none of them.
fn webhook(s: &Settings) -> Result<Option<WebhookConfig>, ConfigError> {
    let Some(raw) = s.webhook_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) else {
        if s.listen.is_some() || s.webhook_secret.is_some() {
            return Err(ConfigError::WebhookSettingsWithoutUrl);
        }
        return Ok(None);
    };
    let url = Url::parse(raw)
        .ok()
        .filter(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some())
        .ok_or_else(|| ConfigError::BadWebhookUrl(raw.to_owned()))?;
    let listen_raw = s.listen.as_deref().unwrap_or(DEFAULT_LISTEN).trim();
    let listen = listen_raw.parse().map_err(|_| ConfigError::BadListen(listen_raw.to_owned()))?;
    let secret = match s.webhook_secret.as_deref() {
        None => None,
        Some(secret) if is_webhook_secret(secret) => Some(Token(SecretString::from(secret.to_owned()))),
        Some(_) => return Err(ConfigError::BadWebhookSecret),
    };
    Ok(Some(WebhookConfig { url, listen, secret }))
}

/// What Telegram accepts as a webhook's `secret_token`.
pub fn is_webhook_secret(s: &str) -> bool {
    (1..=256).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings { token: Some("123:abc-DEF_1".into()), ..Settings::default() }
    }

    #[test]
    fn defaults_fill_in_what_is_not_set() {
        let c = Config::from_settings(&settings()).expect("valid");
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.tz, chrono_tz::Asia::Almaty);
        assert_eq!(c.api_url.as_str(), "https://api.telegram.org/");
        assert!(c.admins.is_empty());
        assert!(!format!("{c:?}").contains("abc-DEF_1"), "the token never shows in Debug");
        assert_eq!(c.log, "info");
        assert_eq!((c.flood_per_minute, c.send_rate, c.chat_rate, c.chat_burst), (20, 30, 1.0, 3));
        assert_eq!(c.helplines.numbers(), ["111", "112"]);
        assert!(
            c.helplines.all().iter().all(|h| h.label.is_none()),
            "111 and 112 are labelled by the locales"
        );
        assert_eq!(c.sos_escalate, Duration::from_secs(900));
        assert_eq!(c.max_parents, 4);
    }

    #[test]
    fn the_metrics_address_is_checked() {
        let listen =
            |v: &str| Config::from_settings(&Settings { metrics_listen: Some(v.into()), ..settings() });
        assert_eq!(settings_default().metrics_listen, Some("127.0.0.1:9090".parse().expect("an address")));
        assert_eq!(
            listen("0.0.0.0:9100").expect("valid").metrics_listen,
            Some("0.0.0.0:9100".parse().expect("ok"))
        );
        assert_eq!(listen("off").expect("valid").metrics_listen, None);
        for bad in ["", "9090", "localhost", "127.0.0.1", "127.0.0.1:x"] {
            assert_eq!(listen(bad).unwrap_err(), ConfigError::BadMetricsListen(bad.trim().into()), "{bad:?}");
        }
    }

    #[test]
    fn retention_is_checked() {
        let keep = |v: &str| Config::from_settings(&Settings { retention: Some(v.into()), ..settings() });
        assert_eq!(settings_default().retention, chrono::Duration::days(365));
        assert_eq!(keep("180d").expect("valid").retention, chrono::Duration::days(180));
        assert_eq!(keep("24h").expect("valid").retention, chrono::Duration::days(1));
        for bad in ["", "12h", "3651d", "1y", "0d", "forever"] {
            assert_eq!(keep(bad).unwrap_err(), ConfigError::BadRetention(bad.into()), "{bad:?}");
        }
    }

    fn settings_default() -> Config {
        Config::from_settings(&settings()).expect("the defaults are valid")
    }

    #[test]
    fn sos_escalation_and_max_parents_are_checked() {
        let esc = |v: &str| Config::from_settings(&Settings { sos_escalate: Some(v.into()), ..settings() });
        assert_eq!(esc("15m").expect("valid").sos_escalate, Duration::from_secs(900));
        assert_eq!(esc(" 1h ").expect("valid").sos_escalate, Duration::from_secs(3600));
        assert_eq!(esc("90s").expect("valid").sos_escalate, Duration::from_secs(90));
        for bad in ["", "15", "0s", "25h", "m", "-5m", "1.5h", "15 minutes"] {
            assert_eq!(esc(bad).unwrap_err(), ConfigError::BadSosEscalate(bad.into()), "{bad:?}");
        }
        let parents =
            |v: &str| Config::from_settings(&Settings { max_parents: Some(v.into()), ..settings() });
        assert_eq!(parents("2").expect("valid").max_parents, 2);
        for bad in ["0", "21", "x", ""] {
            assert_eq!(parents(bad).unwrap_err(), ConfigError::BadMaxParents(bad.into()), "{bad:?}");
        }
    }

    #[test]
    fn the_unanswered_alert_is_checked() {
        let c = Config::from_settings(&settings()).expect("defaults");
        assert_eq!(c.unanswered_alert, chrono::Duration::hours(48));
        let alert =
            |v: &str| Config::from_settings(&Settings { unanswered_alert: Some(v.into()), ..settings() });
        assert_eq!(alert("3d").expect("valid").unanswered_alert, chrono::Duration::days(3));
        assert_eq!(alert(" 90m ").expect("valid").unanswered_alert, chrono::Duration::minutes(90));
        for bad in ["", "48", "30s", "31d", "-1h", "2 days"] {
            assert_eq!(alert(bad).unwrap_err(), ConfigError::BadUnansweredAlert(bad.into()), "{bad:?}");
        }
    }

    #[test]
    fn reminders_and_agenda_hour_are_checked() {
        let c = Config::from_settings(&settings()).expect("defaults");
        assert_eq!(c.reminders.all(), &[chrono::Duration::hours(24), chrono::Duration::hours(1)]);
        assert_eq!(c.agenda_at, 8 * 60);
        let leads = |v: &str| Config::from_settings(&Settings { reminders: Some(v.into()), ..settings() });
        assert_eq!(leads("2d,3h,30m").expect("valid").reminders.all().len(), 3);
        for bad in ["", "1h,", "24", "0m", "31d", "1h;2h"] {
            assert_eq!(leads(bad).unwrap_err(), ConfigError::BadReminders(bad.into()), "{bad:?}");
        }
        let at = |v: &str| Config::from_settings(&Settings { agenda_at: Some(v.into()), ..settings() });
        assert_eq!(at("7:30").expect("valid").agenda_at, 7 * 60 + 30);
        for bad in ["", "8", "24:00", "08:60", "eight"] {
            assert_eq!(at(bad).unwrap_err(), ConfigError::BadAgendaAt(bad.into()), "{bad:?}");
        }
        assert!(ConfigError::BadReminders("x".into()).to_string().contains("TALIMGER_REMINDERS"));
        assert!(ConfigError::BadAgendaAt("x".into()).to_string().contains("TALIMGER_AGENDA_AT"));
    }

    #[test]
    fn each_bad_setting_names_what_to_set() {
        let cases: Vec<(Settings, ConfigError)> = vec![
            (Settings { token: Some("nonsense".into()), ..settings() }, ConfigError::MalformedToken),
            (
                Settings { api_url: Some("ftp://x".into()), ..settings() },
                ConfigError::BadApiUrl("ftp://x".into()),
            ),
            (
                Settings { database_url: Some("mysql://x".into()), ..settings() },
                ConfigError::BadDatabaseUrl("mysql://x".into()),
            ),
            (
                Settings { tz: Some("Mars/Olympus".into()), ..settings() },
                ConfigError::BadTz("Mars/Olympus".into()),
            ),
            (
                Settings { admins: Some("12,abc".into()), ..settings() },
                ConfigError::BadAdmins("12,abc".into()),
            ),
        ];
        for (s, expected) in cases {
            assert_eq!(Config::from_settings(&s).unwrap_err(), expected);
            assert!(!expected.to_string().contains('\n'));
        }
        let no_token =
            Config::from_settings(&Settings::default()).expect("a token is needed only to talk to Telegram");
        assert_eq!(no_token.require_token().unwrap_err(), ConfigError::MissingToken);
    }

    fn with_db(url: &str) -> Result<Config, ConfigError> {
        Config::from_settings(&Settings { database_url: Some(url.into()), ..settings() })
    }

    #[test]
    fn database_urls_that_lose_or_misplace_data_are_refused() {
        for url in [
            "sqlite://",
            "sqlite:",
            "sqlite::memory:",
            "sqlite://:memory:",
            "sqlite://?mode=rwc",
            "sqlite://data.db?mode=memory",
            "sqlite:file::memory:?cache=shared",
            "sqlite:file:",
            "sqlite://%3Amemory%3A",
        ] {
            assert_eq!(with_db(url).unwrap_err(), ConfigError::SqliteNotAFile(url.into()), "{url}");
        }
        let cases = [
            ("postgres://", "host and database"),
            ("postgresql://", "host and database"),
            ("postgres://db.example.kz", "database"),
            ("postgres://user:pw@db.example.kz:5432/", "database"),
            ("postgres:///talimger", "host"),
        ];
        for (url, missing) in cases {
            let err = with_db(url).unwrap_err();
            assert!(
                matches!(&err, ConfigError::PostgresIncomplete { missing: m, .. } if *m == missing),
                "{url}: {err}"
            );
            assert!(err.to_string().starts_with("DATABASE_URL must name the PostgreSQL"), "{err}");
            assert!(!err.to_string().contains("pw@"), "the password is not shown: {err}");
        }
        assert!(matches!(with_db("postgres://u:p@[::1/x"), Err(ConfigError::MalformedDatabaseUrl(_))));
        for url in [
            "sqlite://talimger.db",
            "sqlite:talimger.db",
            "sqlite:///var/lib/talimger/talimger.db",
            "sqlite://data.db?mode=rwc",
            "postgres://localhost/talimger",
            "postgresql://user:secret@db.example.kz:5432/talimger?sslmode=require",
            "postgres:///talimger?host=/run/postgresql",
            "postgres://localhost?dbname=talimger",
        ] {
            assert_eq!(with_db(url).expect(url).database_url, url);
        }
    }

    #[test]
    fn an_empty_database_url_is_refused() {
        for url in ["", "  "] {
            let err = with_db(url).unwrap_err();
            assert_eq!(err, ConfigError::EmptyDatabaseUrl, "{url:?}");
            assert!(err.to_string().starts_with("DATABASE_URL is empty"), "{err}");
            assert!(!err.to_string().contains('\n'));
        }
        let unset = Config::from_settings(&Settings { database_url: None, ..settings() }).expect("valid");
        assert_eq!(unset.database_url, DEFAULT_DATABASE_URL);
    }

    #[test]
    fn an_empty_time_zone_is_refused() {
        for tz in ["", "  "] {
            let err = Config::from_settings(&Settings { tz: Some(tz.into()), ..settings() }).unwrap_err();
            assert_eq!(err, ConfigError::EmptyTz);
            assert!(err.to_string().starts_with("TALIMGER_TZ is empty"));
        }
        let c = Config::from_settings(&Settings { tz: Some(" Asia/Aqtobe ".into()), ..settings() });
        assert_eq!(c.expect("valid").tz, chrono_tz::Asia::Aqtobe);
    }

    #[test]
    fn the_log_filter_must_parse() {
        let log = |l: &str| Config::from_settings(&Settings { log: Some(l.into()), ..settings() });
        for bad in ["talimger=loud", "info,[{", "=info=", "talimger[x=", "debug,sqlx=chatty"] {
            let err = log(bad).unwrap_err();
            assert!(matches!(&err, ConfigError::BadLog { value, .. } if value == bad), "{bad}: {err}");
            assert!(err.to_string().starts_with("RUST_LOG (--log) is not a log filter"), "{err}");
            assert!(!err.to_string().contains('\n'), "{err}");
        }
        for good in ["warn", "talimger=debug,sqlx=warn", "info,teloxide=error", "TRACE"] {
            assert_eq!(log(good).expect(good).log, good);
        }
        assert_eq!(log("").expect("empty is the default").log, "info");
    }

    #[test]
    fn flood_and_rates_are_bounded_numbers() {
        let c = Config::from_settings(&Settings {
            flood: Some(" 60 ".into()),
            send_rate: Some("25".into()),
            chat_rate: Some("0.5".into()),
            chat_burst: Some("1".into()),
            ..settings()
        })
        .expect("valid");
        assert_eq!((c.flood_per_minute, c.send_rate, c.chat_rate, c.chat_burst), (60, 25, 0.5, 1));
        for (flood, ok) in [("1", true), ("10000", true), ("0", false), ("10001", false), ("", false)] {
            let r = Config::from_settings(&Settings { flood: Some(flood.into()), ..settings() });
            assert_eq!(r.is_ok(), ok, "{flood:?}");
            if !ok {
                assert_eq!(r.unwrap_err(), ConfigError::BadFlood(flood.into()));
            }
        }
        for bad in ["-5", "+5", "5.0", "twenty", "99999999999"] {
            let r = Config::from_settings(&Settings { flood: Some(bad.into()), ..settings() });
            assert_eq!(r.unwrap_err(), ConfigError::BadFlood(bad.into()), "{bad}");
        }
        for bad in ["0", "100001", "1.5", ""] {
            let r = Config::from_settings(&Settings { send_rate: Some(bad.into()), ..settings() });
            assert_eq!(r.unwrap_err(), ConfigError::BadSendRate(bad.into()), "{bad}");
        }
        for (rate, value) in
            [("1", 1.0), ("0.5", 0.5), (".25", 0.25), ("2.", 2.0), ("0.01", 0.01), ("1000", 1000.0)]
        {
            let r = Config::from_settings(&Settings { chat_rate: Some(rate.into()), ..settings() });
            assert_eq!(r.expect(rate).chat_rate, value);
        }
        for bad in ["0", "0.0", "0.001", "1000.5", "1,5", "inf", "NaN", "1e2", "-1", ".", "1.2.3", ""] {
            let r = Config::from_settings(&Settings { chat_rate: Some(bad.into()), ..settings() });
            assert_eq!(r.unwrap_err(), ConfigError::BadChatRate(bad.into()), "{bad}");
        }
        for bad in ["0", "10001", "three"] {
            let r = Config::from_settings(&Settings { chat_burst: Some(bad.into()), ..settings() });
            assert_eq!(r.unwrap_err(), ConfigError::BadChatBurst(bad.into()), "{bad}");
        }
    }

    #[test]
    fn booking_lead_and_max_upcoming() {
        let c = Config::from_settings(&settings()).expect("valid");
        assert_eq!((c.booking_lead, c.max_upcoming), (chrono::Duration::hours(1), 2));
        let with = |lead: &str, max: &str| {
            Config::from_settings(&Settings {
                booking_lead: Some(lead.into()),
                max_upcoming: Some(max.into()),
                ..settings()
            })
        };
        let c = with(" 90m ", "5").expect("valid");
        assert_eq!((c.booking_lead, c.max_upcoming), (chrono::Duration::minutes(90), 5));
        assert_eq!(with("0m", "1").expect("valid").booking_lead, chrono::Duration::zero());
        assert_eq!(with("2d", "20").expect("valid").booking_lead, chrono::Duration::days(2));
        for bad in ["", "1", "h", "1.5h", "-1h", "8d", "1w", "10000000m"] {
            assert_eq!(with(bad, "2").unwrap_err(), ConfigError::BadBookingLead(bad.into()), "{bad:?}");
        }
        for bad in ["0", "21", "two", ""] {
            assert_eq!(with("1h", bad).unwrap_err(), ConfigError::BadMaxUpcoming(bad.into()), "{bad:?}");
        }
    }

    #[test]
    fn helplines_are_phone_numbers() {
        let lines = |h: &str| Config::from_settings(&Settings { helplines: Some(h.into()), ..settings() });
        assert_eq!(lines("150").expect("one").helplines.numbers(), ["150"]);
        assert_eq!(
            lines(" 111 , +7  700 123 45 67,8 800 080 7 777 ").expect("three").helplines.numbers(),
            ["111", "+7 700 123 45 67", "8 800 080 7 777"]
        );
        assert_eq!(lines("111;112").expect("semicolons too").helplines.numbers(), ["111", "112"]);
        for bad in [
            "",
            " ",
            "111,",
            "111,,112",
            "+",
            "1",
            "911a",
            "++7 700",
            "7+700",
            "+ 7 700",
            "1234567890123456",
            "111;",
            "111,112;150",
        ] {
            assert_eq!(lines(bad).unwrap_err(), ConfigError::BadHelplines(bad.into()), "{bad:?}");
        }
    }

    #[test]
    fn helplines_carry_what_each_is_in_both_languages() {
        use crate::domain::Lang;
        use crate::domain::helplines::Label;
        let lines = |h: &str| Config::from_settings(&Settings { helplines: Some(h.into()), ..settings() });
        let c = lines(
            "150 = линия  для детей и подростков | балалар мен жасөспірімдерге арналған желі ; 111;112=служба спасения, полиция|құтқару қызметі, полиция",
        )
        .expect("labelled");
        let all = c.helplines.all();
        assert_eq!(c.helplines.numbers(), ["150", "111", "112"]);
        assert_eq!(
            all[0].label,
            Some(Label {
                ru: "линия для детей и подростков".into(),
                kk: "балалар мен жасөспірімдерге арналған желі".into()
            })
        );
        assert_eq!(all[1].label, None, "111 alone keeps its built-in label");
        assert_eq!(
            c.helplines.text(Lang::Ru),
            "150 — линия для детей и подростков; 111 — телефон доверия для детей и семей; 112 — служба спасения, полиция"
        );
        assert_eq!(
            c.helplines.text(Lang::Kk),
            "150 — балалар мен жасөспірімдерге арналған желі; 111 — балалар мен отбасыларға арналған сенім телефоны; 112 — құтқару қызметі, полиция"
        );
        let long = format!("150={}|желі", "а".repeat(super::values::LABEL_MAX + 1));
        for bad in [
            "111=телефон доверия",
            "111=|сенім телефоны",
            "111=телефон доверия|",
            "111=a|b|c",
            "111=телефон=доверия|сенім",
            "=телефон доверия|сенім телефоны",
            "111=...|...",
            "111=телефон\u{7}|сенім",
            long.as_str(),
        ] {
            let err = lines(bad).unwrap_err();
            assert_eq!(err, ConfigError::BadHelplines(bad.into()), "{bad:?}");
            assert!(!err.to_string().contains('\n'));
        }
    }

    #[test]
    fn admins_are_a_list_of_ids() {
        let c = Config::from_settings(&Settings { admins: Some(" 12, 34 ".into()), ..settings() })
            .expect("valid");
        assert_eq!(c.admins, vec![UserId(12), UserId(34)]);
    }
}
