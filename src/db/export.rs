//! The rows of an export (`domain::export`) for a scope (a district, or
//! all) and a period: meetings by their start, questions and SOS alerts by
//! when they were asked, people by their link to a mentor in scope. Ids,
//! instants, states and the names of places and mentors only: no topic,
//! no note, no message — those columns are never read here.

use super::{DbError, DbResult, Tx, autocommit, on};
use crate::domain::export::{Cell, ExportKind, Table};
use crate::domain::quiet::QuietHours;
use crate::domain::time::from_millis;
use crate::domain::working::working_time;
use crate::domain::{DistrictId, UserId};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The mentor, the school and the district, and the scope (`$1`).
const IN_SCOPE: &str = "JOIN users m ON m.id = x.mentor_id
     JOIN schools s ON s.id = m.school_id
     JOIN districts d ON d.id = s.district_id
     WHERE ($1 IS NULL OR s.district_id = $1)";

/// What every row of a meeting, question or SOS starts with: its id, the
/// district, the school, the mentor's first and last name.
type Head = (i64, String, String, String, Option<String>);

/// A question's or SOS's row after its head: kind, who asked, asked,
/// answered, acknowledged, quiet hours (enabled, start, end), escalation due.
type AskRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// A person: id, role, district, school, first and last name, the
/// mentor's first and last name, the child, language, joined.
type PersonRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    i64,
);

/// The secret salt of pseudonymous ids.
const SALT: &str = "export_salt";

impl Tx {
    /// The rows of `kind` for `district` (or all) over `[from, to)`; `tz`
    /// counts working time, `now` decides whether an escalation was due.
    pub async fn export_table(
        &mut self,
        kind: ExportKind,
        district: Option<DistrictId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        tz: Tz,
        now: DateTime<Utc>,
    ) -> DbResult<Table> {
        let scope = district.map(|d| d.0);
        let (from, to) = (from.timestamp_millis(), to.timestamp_millis());
        let rows = match kind {
            ExportKind::Meetings => self.meeting_rows(scope, from, to).await?,
            ExportKind::Questions | ExportKind::Sos => {
                let sos = if kind == ExportKind::Sos { "=" } else { "<>" };
                let sql = format!(
                    "SELECT x.id, d.name, s.name, m.first_name, m.last_name, x.kind, x.sender_id,
                         x.created_at, x.answered_at, x.acknowledged_at, h.enabled, h.start_min, h.end_min,
                         (SELECT MIN(e.at) FROM sos_steps e WHERE e.question_id = x.id AND e.step = 'escalation_due')
                     FROM questions x LEFT JOIN quiet_hours h ON h.mentor_id = x.mentor_id
                     {IN_SCOPE} AND x.created_at >= $2 AND x.created_at < $3
                         AND x.kind {sos} 'urgent'
                     ORDER BY x.created_at, x.id"
                );
                let rows: Vec<AskRow> =
                    on!(self, c => sqlx::query_as(&sql).bind(scope).bind(from).bind(to).fetch_all(c).await?);
                rows.into_iter().map(|r| ask_cells(r, tz, now)).collect()
            }
            ExportKind::Users => self.person_rows(scope, to).await?,
        };
        Ok(Table { rows })
    }

    async fn meeting_rows(&mut self, scope: Option<i64>, from: i64, to: i64) -> DbResult<Vec<Vec<Cell>>> {
        let sql = format!(
            "SELECT x.id, d.name, s.name, m.first_name, m.last_name, x.student_id, x.starts_at, x.ends_at,
                 x.status, x.cancelled_by, w.role
             FROM meetings x LEFT JOIN users w ON w.id = x.cancelled_by
             {IN_SCOPE} AND x.starts_at >= $2 AND x.starts_at < $3 ORDER BY x.starts_at, x.id"
        );
        type Row =
            (i64, String, String, String, Option<String>, i64, i64, i64, String, Option<i64>, Option<String>);
        let rows: Vec<Row> =
            on!(self, c => sqlx::query_as(&sql).bind(scope).bind(from).bind(to).fetch_all(c).await?);
        let mut out = Vec::with_capacity(rows.len());
        for (id, district, school, first, last, student, starts, ends, status, by, role) in rows {
            let status = match status.as_str() {
                "booked" => "export-status-booked",
                "held" => "export-status-held",
                "no_show" => "export-status-no-show",
                "cancelled" => "export-status-cancelled",
                other => return Err(DbError::Corrupt(format!("meeting status {other:?}"))),
            };
            let by = match (by, role.as_deref()) {
                (None, _) => Cell::Empty,
                (Some(_), Some(role)) => Cell::Word(role_word(role)),
                (Some(_), None) => Cell::Empty,
            };
            let head: Head = (id, district, school, first, last);
            let mut row = head_cells(head);
            row.extend([
                Cell::Person(UserId(student)),
                Cell::Time(from_millis(starts)),
                Cell::Time(from_millis(ends)),
                Cell::Word(status),
                by,
            ]);
            out.push(row);
        }
        Ok(out)
    }

    /// Mentors in scope, their linked students and the students' parents
    /// (linked before `to`), and the scope's coordinators.
    async fn person_rows(&mut self, scope: Option<i64>, to: i64) -> DbResult<Vec<Vec<Cell>>> {
        let queries = [
            "SELECT u.id, u.role, d.name, s.name, u.first_name, u.last_name,
                 CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS BIGINT), u.language, u.created_at
             FROM users u LEFT JOIN districts d ON d.id = u.district_id LEFT JOIN schools s ON s.id = u.school_id
             WHERE u.role = 'coordinator' AND ($1 IS NULL OR u.district_id = $1) AND u.created_at < $2
             ORDER BY u.id"
                .to_owned(),
            "SELECT m.id, m.role, d.name, s.name, m.first_name, m.last_name,
                 CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS BIGINT), m.language, m.created_at
             FROM users m JOIN schools s ON s.id = m.school_id JOIN districts d ON d.id = s.district_id
             WHERE ($1 IS NULL OR s.district_id = $1) AND m.role = 'mentor' AND m.created_at < $2
             ORDER BY d.name, s.name, m.id"
                .to_owned(),
            format!(
                "SELECT u.id, u.role, d.name, s.name, '', CAST(NULL AS TEXT),
                     m.first_name, m.last_name, CAST(NULL AS BIGINT), u.language, x.linked_at
                 FROM mentor_students x JOIN users u ON u.id = x.student_id
                 {IN_SCOPE} AND x.linked_at < $2 ORDER BY d.name, s.name, x.linked_at, u.id"
            ),
            format!(
                "SELECT u.id, u.role, d.name, s.name, '', CAST(NULL AS TEXT),
                     m.first_name, m.last_name, p.student_id, u.language, p.linked_at
                 FROM parent_students p JOIN users u ON u.id = p.parent_id
                 JOIN mentor_students x ON x.student_id = p.student_id
                 {IN_SCOPE} AND p.linked_at < $2 ORDER BY d.name, s.name, p.linked_at, u.id, p.student_id"
            ),
        ];
        let mut out = Vec::new();
        for sql in &queries {
            let rows: Vec<PersonRow> =
                on!(self, c => sqlx::query_as(sql).bind(scope).bind(to).fetch_all(c).await?);
            for (id, role, district, school, first, last, m_first, m_last, child, lang, joined) in rows {
                // Coordinators and mentors are named; students and parents
                // are pseudonymous ids only.
                let named = role == "coordinator" || role == "mentor";
                out.push(vec![
                    Cell::Person(UserId(id)),
                    Cell::Word(role_word(&role)),
                    district.map_or(Cell::Empty, Cell::Text),
                    school.map_or(Cell::Empty, Cell::Text),
                    if named { Cell::Text(full_name(first, last)) } else { Cell::Empty },
                    m_first.map_or(Cell::Empty, |f| Cell::Text(full_name(f, m_last))),
                    child.map_or(Cell::Empty, |c| Cell::Person(UserId(c))),
                    lang.map_or(Cell::Empty, Cell::Text),
                    Cell::Time(from_millis(joined)),
                ]);
            }
        }
        Ok(out)
    }

    /// The programme's salt of pseudonymous ids, made at the first export.
    pub async fn export_salt(&mut self, now: DateTime<Utc>) -> DbResult<String> {
        self.programme_secret(SALT, now).await
    }
}

fn full_name(first: String, last: Option<String>) -> String {
    match last.filter(|l| !l.trim().is_empty()) {
        Some(last) => format!("{first} {last}"),
        None => first,
    }
}

fn role_word(role: &str) -> &'static str {
    match role {
        "coordinator" => "export-role-coordinator",
        "mentor" => "export-role-mentor",
        "student" => "export-role-student",
        "parent" => "export-role-parent",
        _ => "export-role-other",
    }
}

fn head_cells((id, district, school, first, last): Head) -> Vec<Cell> {
    vec![Cell::Number(id), Cell::Text(district), Cell::Text(school), Cell::Text(full_name(first, last))]
}

/// A question's row (who asked, kind, asked, first answered, minutes waited
/// in working time — until now when unanswered) or an SOS's (who raised
/// it, raised, acknowledged, minutes to «I'm on it», escalated).
fn ask_cells(row: AskRow, tz: Tz, now: DateTime<Utc>) -> Vec<Cell> {
    let (id, district, school, first, last, kind, sender, asked, answered, acked, enabled, start, end, due) =
        row;
    let mut cells = head_cells((id, district, school, first, last));
    let asked = from_millis(asked);
    if kind == "urgent" {
        let acked = acked.map(from_millis);
        let escalated = due.map(from_millis).is_some_and(|due| due <= now && acked.is_none_or(|a| a > due));
        cells.extend([
            Cell::Person(UserId(sender)),
            Cell::Time(asked),
            acked.map_or(Cell::Empty, Cell::Time),
            acked.map_or(Cell::Empty, |a| Cell::Number((a - asked).num_minutes().max(0))),
            Cell::Word(if escalated { "export-yes" } else { "export-no" }),
        ]);
    } else {
        let quiet = QuietHours::stored(enabled, start, end);
        let answered = answered.map(from_millis);
        let waited = working_time(asked, answered.unwrap_or(now), quiet, tz).num_minutes();
        let anonymous = kind == "anonymous";
        cells.extend([
            // An anonymous question stays anonymous: no id of who asked.
            if anonymous { Cell::Empty } else { Cell::Person(UserId(sender)) },
            Cell::Word(if anonymous { "export-kind-anonymous" } else { "export-kind-ordinary" }),
            Cell::Time(asked),
            answered.map_or(Cell::Empty, Cell::Time),
            Cell::Number(waited),
        ]);
    }
    cells
}

autocommit! {
    fn export_table(&self, kind: ExportKind, district: Option<DistrictId>, from: DateTime<Utc>, to: DateTime<Utc>, tz: Tz, now: DateTime<Utc>) -> Table;
    fn export_salt(&self, now: DateTime<Utc>) -> String;
}
