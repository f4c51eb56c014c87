//! A person the bot has met, and where they stand in the programme.

use super::{DistrictId, Lang, Role, SchoolId, UserId};
use unicode_normalization::UnicodeNormalization;

/// What Telegram tells us about a user with every update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub id: UserId,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    /// `None` until the user's language is known.
    pub language: Option<Lang>,
    /// `None`: met the bot, but not in the programme.
    pub role: Option<Role>,
    pub district_id: Option<DistrictId>,
    pub school_id: Option<SchoolId>,
}

/// The longest class name, in characters.
pub const CLASS_MAX: usize = 12;

/// A class as a mentor types it («9А», «10 Б», «11-В»): digits, letters,
/// spaces and hyphens, with at least one digit, spaces tidied; `None` if
/// it is not one.
pub fn clean_class(raw: &str) -> Option<String> {
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let ok = (1..=CLASS_MAX).contains(&text.chars().count())
        && text.chars().any(|c| c.is_ascii_digit())
        && text.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-');
    ok.then_some(text)
}

impl User {
    /// The name other people see: "First Last", or the Telegram id for a
    /// coordinator who was named on the command line and has not written yet.
    pub fn display_name(&self) -> String {
        let name = match &self.last_name {
            Some(last) if !last.trim().is_empty() => format!("{} {}", self.first_name.trim(), last.trim()),
            _ => self.first_name.trim().to_owned(),
        };
        if name.is_empty() { format!("#{}", self.id) } else { name }
    }
}

/// The longest district or school name, in characters.
pub const PLACE_NAME_MAX: usize = 100;

/// Why a typed district or school name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PlaceNameError {
    /// Nothing visible is left once spaces and zero-width characters go.
    #[error("the name is empty")]
    Empty,
    #[error("the name is longer than {PLACE_NAME_MAX} characters")]
    TooLong,
    /// It carries a character that reorders text (it could make a name
    /// display as another one).
    #[error("the name contains a text-direction control character")]
    Bidi,
}

/// Characters that reorder the text around them: embeddings, overrides and
/// isolates, and the directional marks.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Characters that show nothing: zero-width spaces and joiners, the word
/// joiner and the invisible operators, the byte-order mark, the soft hyphen,
/// the Mongolian vowel separator, and control characters that are not
/// whitespace (whitespace is collapsed instead).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}')
        || (c.is_control() && !c.is_whitespace())
}

/// Names of places as people type them: refused when they carry a
/// text-direction control; otherwise zero-width characters removed,
/// normalised to Unicode NFC, trimmed, inner whitespace collapsed to one
/// space; refused when nothing visible is left or it is too long.
pub fn check_place_name(raw: &str) -> Result<String, PlaceNameError> {
    if raw.chars().any(is_bidi_control) {
        return Err(PlaceNameError::Bidi);
    }
    let visible: String = raw.chars().filter(|c| !is_invisible(*c)).nfc().collect();
    let name = collapse_whitespace(&visible);
    match name.chars().count() {
        0 => Err(PlaceNameError::Empty),
        n if n > PLACE_NAME_MAX => Err(PlaceNameError::TooLong),
        _ => Ok(name),
    }
}

/// [`check_place_name`] without the reason.
pub fn clean_place_name(raw: &str) -> Option<String> {
    check_place_name(raw).ok()
}

/// The key two place names are matched by: NFC, full Unicode lowercase,
/// zero-width characters removed, whitespace collapsed. «Талдықорған»,
/// «талдықорған» and «ТАЛДЫҚОРҒАН» have one key.
pub fn place_key(name: &str) -> String {
    let visible: String = name.chars().filter(|c| !is_invisible(*c)).nfc().collect();
    // Lowercasing may leave a sequence that composes differently (İ becomes
    // i with a combining dot), so normalise once more afterwards.
    let lower: String = visible.to_lowercase().nfc().collect();
    collapse_whitespace(&lower)
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_as_mentors_type_them() {
        assert_eq!(clean_class(" 9А "), Some("9А".to_owned()));
        assert_eq!(clean_class("10   Б"), Some("10 Б".to_owned()));
        assert_eq!(clean_class("11-В"), Some("11-В".to_owned()));
        for bad in ["", "А", "девятый", "9А; DROP", "1234567890123", "9\u{202E}А"] {
            assert_eq!(clean_class(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn place_names_are_tidied() {
        assert_eq!(clean_place_name("  №5   мектеп "), Some("№5 мектеп".to_owned()));
        assert_eq!(clean_place_name("\t№5\u{00A0}\u{3000}мектеп\n"), Some("№5 мектеп".to_owned()));
        assert_eq!(clean_place_name("   "), None);
        assert_eq!(check_place_name(&"ы".repeat(101)), Err(PlaceNameError::TooLong));
        assert_eq!(check_place_name(&"ы".repeat(100)).map(|n| n.chars().count()), Ok(100));
    }

    #[test]
    fn place_names_are_nfc() {
        // й typed as и + combining breve, ё as е + combining diaeresis.
        let decomposed = "Кои\u{0306}ба\u{0301} Бере\u{0308}зовка";
        let name = check_place_name(decomposed).expect("valid");
        assert_eq!(name, "Койба\u{0301} Берёзовка");
        assert_eq!(name.chars().filter(|c| *c == 'й' || *c == 'ё').count(), 2);
    }

    #[test]
    fn invisible_names_are_refused_and_zero_width_characters_stripped() {
        for invisible in
            ["\u{200B}", "\u{200C}\u{200D}", " \u{2060} ", "\u{FEFF}", "\u{00AD}", "\u{200B} \u{180E}"]
        {
            assert_eq!(check_place_name(invisible), Err(PlaceNameError::Empty), "{invisible:?}");
        }
        assert_eq!(check_place_name(""), Err(PlaceNameError::Empty));
        assert_eq!(check_place_name("Талды\u{200B}қорған\u{FEFF}"), Ok("Талдықорған".to_owned()));
        assert_eq!(check_place_name("Sar\u{00AD}kand"), Ok("Sarkand".to_owned()));
        assert_eq!(check_place_name("№5\u{0000} мектеп\u{0007}"), Ok("№5 мектеп".to_owned()));
        // Stripping may leave spaces side by side: they collapse too.
        assert_eq!(check_place_name("№5 \u{200B} мектеп"), Ok("№5 мектеп".to_owned()));
    }

    #[test]
    fn bidirectional_controls_are_refused() {
        let controls = concat!(
            "\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}",
            "\u{2066}\u{2067}\u{2068}\u{2069}",
            "\u{200E}\u{200F}\u{061C}"
        );
        for c in controls.chars() {
            let name = format!("Талдықорған{c}");
            assert_eq!(check_place_name(&name), Err(PlaceNameError::Bidi), "U+{:04X}", c as u32);
            assert_eq!(clean_place_name(&format!("{c}")), None);
        }
        // Right-to-left letters on their own are fine.
        assert_eq!(check_place_name("مدرسة ٥"), Ok("مدرسة ٥".to_owned()));
        assert!(!PlaceNameError::Bidi.to_string().contains('\n'));
    }

    #[test]
    fn place_keys_ignore_case_form_and_spacing() {
        let key = place_key("Талдықорған");
        assert_eq!(key, "талдықорған");
        for same in ["талдықорған", "ТАЛДЫҚОРҒАН", "  Талдықорған ", "Талды\u{200B}қорған"]
        {
            assert_eq!(place_key(same), key, "{same:?}");
        }
        assert_eq!(place_key("Панфилов   АУДАНЫ"), place_key("панфилов ауданы"));
        // Composed and decomposed forms, upper and lower case, are one key.
        assert_eq!(place_key("БЕРЁЗОВКА"), place_key("бере\u{0308}зовка"));
        assert_eq!(place_key("ӘЛИХАН ӨСКЕМЕН ҮШҚОҢЫР"), "әлихан өскемен үшқоңыр");
        // Full lowercasing, not ASCII only; final sigma and dotted capital I.
        assert_eq!(place_key("ΟΔΟΣ"), "οδο\u{03C2}");
        assert_eq!(place_key("İstanbul"), place_key("i\u{0307}stanbul"));
        assert_ne!(place_key("№5 мектеп"), place_key("№6 мектеп"));
        // A cleaned name's key is its own key's key.
        let cleaned = check_place_name("  ТАЛДЫ\u{200B}ҚОРҒАН  ").expect("valid");
        assert_eq!(place_key(&cleaned), key);
        assert_eq!(place_key(&key), key);
    }
}
