//! Typed configuration from flags, the environment and a `.env` file.
//! Every setting has a flag and an environment variable; a bad value stops
//! the program with one line that says what to set.

use crate::domain::UserId;
use chrono_tz::Tz;
use clap::{Args, Parser, Subcommand, ValueEnum};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use url::Url;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://talimger.db";
pub const DEFAULT_API_URL: &str = "https://api.telegram.org";
pub const DEFAULT_TZ: &str = "Asia/Almaty";

#[derive(Debug, Parser)]
#[command(name = "talimger", version, about = "Tälimger: a Telegram bot for school mentoring programmes")]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The settings every subcommand shares.
#[derive(Debug, Clone, Default, Args)]
pub struct Settings {
    /// The bot's token from @BotFather (a secret: never printed or logged)
    #[arg(long, env = "TELOXIDE_TOKEN", global = true, hide_env_values = true, value_name = "TOKEN")]
    pub token: Option<String>,
    /// The Bot API server [default: https://api.telegram.org]
    #[arg(long, env = "TELEGRAM_API_URL", global = true, value_name = "URL")]
    pub api_url: Option<String>,
    /// sqlite://FILE (created on first run) or postgres://… [default: sqlite://talimger.db]
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// The programme's time zone [default: Asia/Almaty]
    #[arg(long, env = "TALIMGER_TZ", global = true, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Telegram user ids made coordinators at start, separated by commas
    #[arg(long, env = "TALIMGER_ADMINS", global = true, value_name = "IDS")]
    pub admins: Option<String>,
    /// Log filter, e.g. info or talimger=debug [default: info]
    #[arg(long = "log", env = "RUST_LOG", global = true, value_name = "FILTER")]
    pub log: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the bot (the default): long polling
    Run,
    /// Apply database migrations and exit
    Migrate,
    /// Print an invite deep link for a coordinator or a mentor
    Invite(InviteArgs),
    /// Validate the configuration, the database, the locales and the token
    Check,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InviteRole {
    Coordinator,
    Mentor,
}

#[derive(Debug, Args)]
pub struct InviteArgs {
    /// Who the invite is for
    pub role: InviteRole,
    /// The mentor's school (required for a mentor)
    #[arg(long)]
    pub school: Option<String>,
    /// The district (required for a mentor; optional for a coordinator)
    #[arg(long)]
    pub district: Option<String>,
    /// Print JSON instead of the bare link
    #[arg(long)]
    pub json: bool,
}

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
    #[error("TALIMGER_TZ must be a time zone name such as Asia/Almaty (got {0:?})")]
    BadTz(String),
    #[error("TALIMGER_ADMINS must be Telegram user ids separated by commas, e.g. 12345,67890 (got {0:?})")]
    BadAdmins(String),
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
        let database_url = s
            .database_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .unwrap_or(DEFAULT_DATABASE_URL);
        crate::db::Backend::of_url(database_url)
            .map_err(|_| ConfigError::BadDatabaseUrl(crate::db::redact_url(database_url)))?;
        let tz_raw = s.tz.as_deref().map(str::trim).filter(|t| !t.is_empty()).unwrap_or(DEFAULT_TZ);
        let tz: Tz = tz_raw.parse().map_err(|_| ConfigError::BadTz(tz_raw.to_owned()))?;
        let admins = match s.admins.as_deref().map(str::trim) {
            None | Some("") => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|id| id.trim().parse::<i64>().ok().filter(|id| *id > 0).map(UserId))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| ConfigError::BadAdmins(list.to_owned()))?,
        };
        Ok(Config { token, api_url, database_url: database_url.to_owned(), tz, admins })
    }

    /// The token, for the commands that talk to Telegram.
    pub fn require_token(&self) -> Result<&Token, ConfigError> {
        self.token.as_ref().ok_or(ConfigError::MissingToken)
    }
}

fn is_token_shaped(t: &str) -> bool {
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

    #[test]
    fn admins_are_a_list_of_ids() {
        let c = Config::from_settings(&Settings { admins: Some(" 12, 34 ".into()), ..settings() })
            .expect("valid");
        assert_eq!(c.admins, vec![UserId(12), UserId(34)]);
    }
}
