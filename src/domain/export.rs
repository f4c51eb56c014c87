//! What an export holds (`talimger export`, the coordinator's `/export`):
//! the four kinds, their columns (each a Fluent id, so the header row is
//! in the reader's language), and a row's cells — ids, names of places and
//! mentors, instants and minutes, never what anyone wrote. A student or a
//! parent is a pseudonymous id (`pseudonym`), never a name or a Telegram id.

use super::UserId;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    Meetings,
    Questions,
    Sos,
    Users,
}

impl ExportKind {
    pub const ALL: [ExportKind; 4] =
        [ExportKind::Meetings, ExportKind::Questions, ExportKind::Sos, ExportKind::Users];

    /// The word in file names and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            ExportKind::Meetings => "meetings",
            ExportKind::Questions => "questions",
            ExportKind::Sos => "sos",
            ExportKind::Users => "users",
        }
    }

    /// The Fluent ids of the header row, in the order of a row's cells.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            ExportKind::Meetings => &[
                "export-col-id",
                "export-col-district",
                "export-col-school",
                "export-col-mentor",
                "export-col-student",
                "export-col-starts",
                "export-col-ends",
                "export-col-status",
                "export-col-cancelled-by",
            ],
            ExportKind::Questions => &[
                "export-col-id",
                "export-col-district",
                "export-col-school",
                "export-col-mentor",
                "export-col-asker",
                "export-col-kind",
                "export-col-asked",
                "export-col-answered",
                "export-col-waited",
            ],
            ExportKind::Sos => &[
                "export-col-id",
                "export-col-district",
                "export-col-school",
                "export-col-mentor",
                "export-col-raiser",
                "export-col-raised",
                "export-col-acknowledged",
                "export-col-ack-minutes",
                "export-col-escalated",
            ],
            ExportKind::Users => &[
                "export-col-person",
                "export-col-role",
                "export-col-district",
                "export-col-school",
                "export-col-name",
                "export-col-mentor",
                "export-col-child",
                "export-col-language",
                "export-col-joined",
            ],
        }
    }
}

/// One cell before it is written: the words are Fluent ids, so that the
/// file reads in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Number(i64),
    Text(String),
    /// A Fluent id (a status, a role, yes/no).
    Word(&'static str),
    Time(DateTime<Utc>),
    Person(UserId),
}

/// A kind's rows, each with `kind.columns().len()` cells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
}

/// The pseudonymous id of a person in this programme: `P-` and 12 hex
/// digits of SHA-256 over the programme's secret salt and the user id.
pub fn pseudonym(salt: &str, user: UserId) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(b":");
    h.update(user.0.to_string().as_bytes());
    format!("P-{}", &hex::encode(h.finalize())[..12])
}

/// An instant as Excel reads it: local `YYYY-MM-DD HH:MM`.
pub fn time_cell(tz: Tz, at: DateTime<Utc>) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_and_salted() {
        let a = pseudonym("salt", UserId(1234));
        assert_eq!(a, pseudonym("salt", UserId(1234)));
        assert_ne!(a, pseudonym("other", UserId(1234)));
        assert_ne!(a, pseudonym("salt", UserId(1235)));
        assert_eq!(a.len(), 14);
        assert!(!a.contains("1234"));
    }

    #[test]
    fn every_kind_has_columns() {
        for kind in ExportKind::ALL {
            assert!(kind.columns().len() >= 8, "{kind:?}");
        }
    }
}
