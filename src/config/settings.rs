//! What an operator can set: every setting a flag and an environment
//! variable (clap), kept as raw text until `Config::from_settings` reads it.

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Updates a minute one user may send; the excess is dropped, 1 to 10000 [default: 20]
    #[arg(long, env = "TALIMGER_FLOOD", global = true, value_name = "N")]
    pub flood: Option<String>,
    /// Messages a second the bot sends overall, 1 to 100000 (above 30 only with a local Bot API server) [default: 30]
    #[arg(long, env = "TALIMGER_SEND_RATE", global = true, value_name = "N")]
    pub send_rate: Option<String>,
    /// Messages a second the bot sends to one chat, e.g. 0.5; 0.01 to 1000 [default: 1]
    #[arg(long, env = "TALIMGER_CHAT_RATE", global = true, value_name = "RATE")]
    pub chat_rate: Option<String>,
    /// Messages the bot may send to one chat at once before the chat rate applies, 1 to 100 [default: 3]
    #[arg(long, env = "TALIMGER_CHAT_BURST", global = true, value_name = "N")]
    pub chat_burst: Option<String>,
    /// Helplines shown to people in need: numbers separated by commas (111,112), or by semicolons, each perhaps with what it is in Russian|Kazakh (150=линия для детей|балаларға арналған желі;111;112) [default: 111,112]
    #[arg(long, env = "TALIMGER_HELPLINES", global = true, value_name = "HELPLINES")]
    pub helplines: Option<String>,
    /// How long an SOS waits for the mentor before coordinators are alerted, e.g. 15m, 1h, 90s; 1s to 24h [default: 15m]
    #[arg(long, env = "TALIMGER_SOS_ESCALATE", global = true, value_name = "DURATION")]
    pub sos_escalate: Option<String>,
    /// Parents one student may have, 1 to 20 [default: 4]
    #[arg(long, env = "TALIMGER_MAX_PARENTS", global = true, value_name = "N")]
    pub max_parents: Option<String>,
    /// The shortest time between booking and the meeting, e.g. 1h or 30m; 0m to 7d [default: 1h]
    #[arg(long, env = "TALIMGER_BOOKING_LEAD", global = true, value_name = "DURATION")]
    pub booking_lead: Option<String>,
    /// Upcoming meetings a student may have at once, 1 to 20 [default: 2]
    #[arg(long, env = "TALIMGER_MAX_UPCOMING", global = true, value_name = "N")]
    pub max_upcoming: Option<String>,
    /// When reminders go before a meeting: minutes, hours or days separated by commas, e.g. 24h,1h or 2d,3h,30m; 1m to 30d, at most 10 [default: 24h,1h]
    #[arg(long, env = "TALIMGER_REMINDERS", global = true, value_name = "LEADS")]
    pub reminders: Option<String>,
    /// When mentors get the morning agenda, local time HH:MM [default: 08:00]
    #[arg(long, env = "TALIMGER_AGENDA_AT", global = true, value_name = "HH:MM")]
    pub agenda_at: Option<String>,
    /// How long a question may wait for its mentor, outside the mentor's quiet hours, before the district's coordinators are told once, e.g. 48h or 3d; 1m to 30d [default: 48h]
    #[arg(long, env = "TALIMGER_UNANSWERED_ALERT", global = true, value_name = "DURATION")]
    pub unanswered_alert: Option<String>,
    /// How long message contents (a meeting's topic, note and reason; anything undelivered) are kept, e.g. 365d or 180d; 1d to 3650d [default: 365d]
    #[arg(long, env = "TALIMGER_RETENTION", global = true, value_name = "DURATION")]
    pub retention: Option<String>,
    /// The public HTTPS address Telegram delivers updates to; unset: long polling
    #[arg(long, env = "TALIMGER_WEBHOOK_URL", global = true, value_name = "URL")]
    pub webhook_url: Option<String>,
    /// Where the webhook is served, HOST:PORT (behind the HTTPS proxy) [default: 0.0.0.0:8080]
    #[arg(long, env = "TALIMGER_LISTEN", global = true, value_name = "HOST:PORT")]
    pub listen: Option<String>,
    /// The webhook's secret token, 1 to 256 of A-Z a-z 0-9 _ - [default: one made once and kept in the database]
    #[arg(
        long,
        env = "TALIMGER_WEBHOOK_SECRET",
        global = true,
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub webhook_secret: Option<String>,
    /// Where /healthz, /readyz and /metrics are served, HOST:PORT, or off [default: the webhook's server, or 127.0.0.1:9090 when polling]
    #[arg(long, env = "TALIMGER_METRICS_LISTEN", global = true, value_name = "HOST:PORT")]
    pub metrics_listen: Option<String>,
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
    /// Print the coordinator's figures: per district and school, with totals
    Stats(StatsArgs),
    /// Write a CSV table of meetings, questions, SOS alerts or people
    Export(ExportArgs),
    /// Erase a person's data on a request received in writing, as /deleteme does
    Forget(ForgetArgs),
    /// Copy a running SQLite database, consistently, into a new file (PostgreSQL: use pg_dump)
    Backup {
        /// The file to write; it must not exist yet
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportWhat {
    Meetings,
    Questions,
    Sos,
    Users,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportLang {
    Kk,
    Ru,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export
    pub what: ExportWhat,
    /// The first day, YYYY-MM-DD or DD.MM.YYYY [default: 30 days ago]
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// The last day, included [default: today]
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// One district (by name) instead of all
    #[arg(long, value_name = "NAME")]
    pub district: Option<String>,
    /// The file to write [default: standard output]
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
    /// The language of the header row and of the words in the cells
    #[arg(long, value_enum, default_value = "ru")]
    pub lang: ExportLang,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The first day, YYYY-MM-DD or DD.MM.YYYY [default: 30 days ago]
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// The last day, included [default: today]
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// One district (by name) instead of all
    #[arg(long, value_name = "NAME")]
    pub district: Option<String>,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
    /// Also write the weekly charts a coordinator gets with the figures, as a PNG file
    #[arg(long, value_name = "FILE")]
    pub chart: Option<std::path::PathBuf>,
    /// The language of the chart's words
    #[arg(long, value_enum, default_value = "ru")]
    pub lang: ExportLang,
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

#[derive(Debug, Args)]
pub struct ForgetArgs {
    /// The person's Telegram user id
    pub user_id: i64,
}
