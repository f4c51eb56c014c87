//! iCalendar (RFC 5545) files of meetings, for phone calendars: CRLF line
//! ends, lines folded at 75 octets (never inside a character), times in
//! UTC. A cancellation is the same event (same UID, higher SEQUENCE) with
//! `METHOD:CANCEL` and `STATUS:CANCELLED`.

use chrono::{DateTime, Utc};

/// What a calendar needs to know of one meeting.
pub struct Event<'a> {
    pub uid: &'a str,
    pub sequence: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub summary: &'a str,
    pub location: Option<&'a str>,
    pub cancelled: bool,
    /// The mentor's name and a URI that reaches them (the bot's link):
    /// RFC 5546 asks for an ORGANIZER in PUBLISH and CANCEL.
    pub organizer: Option<(&'a str, &'a str)>,
}

/// The `.ics` file's bytes.
pub fn render(event: &Event<'_>, now: DateTime<Utc>) -> Vec<u8> {
    let stamp = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Talimger//Talimger//KK".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!("METHOD:{}", if event.cancelled { "CANCEL" } else { "PUBLISH" }),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", escape(event.uid)),
        format!("SEQUENCE:{}", event.sequence),
        format!("DTSTAMP:{}", stamp(now)),
        format!("DTSTART:{}", stamp(event.starts_at)),
        format!("DTEND:{}", stamp(event.ends_at)),
        format!("SUMMARY:{}", escape(event.summary)),
    ];
    if let Some(location) = event.location {
        lines.push(format!("LOCATION:{}", escape(location)));
    }
    if let Some((name, uri)) = event.organizer {
        // A parameter value is a quoted string: no quotes or controls inside.
        let name: String = name.chars().filter(|c| *c != '"' && !c.is_control()).collect();
        lines.push(format!("ORGANIZER;CN=\"{name}\":{uri}"));
    }
    lines.push(format!("STATUS:{}", if event.cancelled { "CANCELLED" } else { "CONFIRMED" }));
    lines.push("END:VEVENT".to_owned());
    lines.push("END:VCALENDAR".to_owned());
    let mut out = String::new();
    for line in lines {
        out.push_str(&fold(&line));
    }
    out.into_bytes()
}

/// TEXT values: backslash, semicolon, comma and line ends escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded: at most 75 octets a line (the continuation's
/// leading space counts), each ended by CRLF.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in line.chars() {
        if len + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_meeting_as_rfc_5545_wants_it() {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).single().expect("t");
        let summary = "Кездесу: тәлімгер Айгүл Сериковна Нұрланқызы, оқушы Ерлан Серікұлы; 10-сынып";
        let event = Event {
            uid: "m1.abc@talimger",
            sequence: 0,
            starts_at: start,
            ends_at: start + chrono::Duration::minutes(30),
            summary,
            location: Some("каб. 12, 2-қабат"),
            cancelled: false,
            organizer: Some(("Айгүл \"Апай\"", "https://t.me/talimger_bot")),
        };
        let bytes = render(&event, start - chrono::Duration::days(1));
        let text = String::from_utf8(bytes).expect("UTF-8");
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'), "every line ends with CRLF");
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains("DTSTART:20261201T100000Z\r\n"));
        assert!(unfolded.contains("DTEND:20261201T103000Z\r\n"));
        assert!(unfolded.contains("DTSTAMP:20261130T100000Z\r\n"));
        assert!(unfolded.contains("UID:m1.abc@talimger\r\n"));
        assert!(unfolded.contains("LOCATION:каб. 12\\, 2-қабат\r\n"));
        assert!(
            unfolded.contains(&format!("SUMMARY:{}\r\n", summary.replace(',', "\\,").replace(';', "\\;")))
        );
        assert!(unfolded.contains("METHOD:PUBLISH"));
        assert!(unfolded.contains("ORGANIZER;CN=\"Айгүл Апай\":https://t.me/talimger_bot\r\n"), "{unfolded}");
        let cancel =
            String::from_utf8(render(&Event { cancelled: true, sequence: 1, ..event }, start)).expect("utf8");
        assert!(cancel.contains("METHOD:CANCEL\r\n") && cancel.contains("STATUS:CANCELLED\r\n"));
        assert!(cancel.contains("UID:m1.abc@talimger\r\n") && cancel.contains("SEQUENCE:1\r\n"));
    }
}
