//! What makes a message a matter of safety, read from its text alone (the
//! intake reads it from the raw update before anything else, the crisis
//! step from the parsed one): `/sos`, and crisis words
//! (`domain::crisis`).

use super::crisis::CrisisWords;

/// Kazakhstan's one emergency number (police, ambulance, fire), named in
/// the texts for a child in danger now (`{ $emergency }`).
pub const EMERGENCY: &str = "112";

/// Crisis words in a text or a caption. An invite's deep link
/// (`/start <code>`, a code of `[A-Za-z0-9_-]`) is never read as words:
/// a random code could fold into a stem by chance.
pub fn has_crisis_words(text: &str) -> bool {
    !is_start_with_code(text) && CrisisWords::default_list().matches(text)
}

/// `/sos`, `/SOS words`, `/sos@bot`: the command, whatever follows.
pub fn is_sos_command(text: &str) -> bool {
    command_word(text).eq_ignore_ascii_case("/sos")
}

fn command_word(text: &str) -> &str {
    let word = text.trim_start().split(char::is_whitespace).next().unwrap_or("");
    word.split('@').next().unwrap_or("")
}

fn is_start_with_code(text: &str) -> bool {
    if !command_word(text).eq_ignore_ascii_case("/start") {
        return false;
    }
    let mut words = text.split_whitespace().skip(1);
    match (words.next(), words.next()) {
        (Some(code), None) => code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sos_in_any_case_with_or_without_words() {
        for text in ["/sos", "/SOS мне страшно", "  /sos@talimger_bot", "/Sos\nпомогите"] {
            assert!(is_sos_command(text), "{text:?}");
        }
        for text in ["/sosiska", "sos", "/help sos", "", "/ sos"] {
            assert!(!is_sos_command(text), "{text:?}");
        }
    }

    #[test]
    fn crisis_words_but_never_in_an_invite_code() {
        assert!(has_crisis_words("/start не хочу жить"));
        assert!(has_crisis_words("не хочу жить"));
        assert!(!has_crisis_words("/start AbC_12-xyz0123456789ab"));
        assert!(!has_crisis_words("/start"));
        assert!(!has_crisis_words("когда встреча?"));
    }
}
