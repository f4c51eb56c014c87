//! Writing an export (`domain::export`) as CSV: RFC 4180 (quoted where a
//! cell needs it, CRLF line ends), UTF-8 with a byte-order mark so that
//! Excel and LibreOffice open the Cyrillic as it is, and the header row in
//! the reader's language. `talimger export` and `/export` write the same
//! file.

use crate::domain::Lang;
use crate::domain::export::{Cell, ExportKind, Table, pseudonym, time_cell};
use crate::domain::period::Period;
use crate::t;
use chrono_tz::Tz;

/// The byte-order mark that tells Excel the file is UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The CSV file of `table`: the BOM, the header row in `lang`, the rows.
pub fn csv_bytes(lang: Lang, kind: ExportKind, table: &Table, salt: &str, tz: Tz) -> Vec<u8> {
    let mut out = BOM.to_vec();
    {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
        // Writing to memory does not fail.
        let _ = w.write_record(kind.columns().iter().map(|id| t!(lang, id)));
        for row in &table.rows {
            let _ = w.write_record(row.iter().map(|cell| match cell {
                Cell::Empty => String::new(),
                Cell::Number(n) => n.to_string(),
                Cell::Text(s) => s.clone(),
                Cell::Word(id) => t!(lang, id),
                Cell::Time(at) => time_cell(tz, *at),
                // A forgotten person (`/deleteme`) is nobody, not even a pseudonym.
                Cell::Person(user) if user.is_forgotten() => String::new(),
                Cell::Person(user) => pseudonym(salt, *user),
            }));
        }
        let _ = w.flush();
    }
    out
}

/// The file's name: `questions_2026-09-01_2026-09-30.csv`.
pub fn file_name(kind: ExportKind, period: &Period) -> String {
    format!("{}_{}_{}.csv", kind.code(), period.first_day, period.last_day)
}
