//! A person the bot has met, and where they stand in the programme.

use super::{DistrictId, Lang, Role, SchoolId, UserId};
use crate::t;
use chrono::{DateTime, Utc};
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
    /// When a coordinator took this mentor out of the programme
    /// (`/mentors`); `None` while they take part.
    pub deactivated_at: Option<DateTime<Utc>>,
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
    /// A mentor whom a coordinator took out of the programme: the role
    /// stays (reactivation gives it back), but none of its commands or
    /// buttons work for them.
    pub fn is_paused_mentor(&self) -> bool {
        self.role == Some(Role::Mentor) && self.deactivated_at.is_some()
    }

    /// The language to write to them in: their own, Russian until they
    /// have chosen (the programme's common language). The one place this
    /// default is decided.
    pub fn lang(&self) -> super::Lang {
        self.language.unwrap_or(super::Lang::Ru)
    }

    /// The user's own name as others see it: "First Last" cleaned by
    /// [`clean_person_name`]; `None` when it shows nothing (only invisible
    /// characters, or a coordinator named on the command line who has not
    /// written yet). The stored name stays as Telegram sent it.
    pub fn shown_name(&self) -> Option<String> {
        clean_person_name(&format!("{} {}", self.first_name, self.last_name.as_deref().unwrap_or_default()))
    }

    /// The number that stands in for a name that shows nothing: the last
    /// four digits of the Telegram id, zero-padded («0042»). It stays the
    /// same for the user, and tells a reader no more than those four
    /// digits (two such users may share it; their roles and chats differ).
    pub fn stand_in_number(&self) -> String {
        format!("{:04}", self.id.0.rem_euclid(10_000))
    }

    /// The name shown to a reader of `lang`, never blank: [`Self::shown_name`],
    /// or the role with [`Self::stand_in_number`] («Ученик 0042»,
    /// «Оқушы №0042»).
    pub fn display_name(&self, lang: Lang) -> String {
        self.shown_name().unwrap_or_else(|| {
            let id = match self.role {
                Some(Role::Student) => "name-stand-in-student",
                Some(Role::Parent) => "name-stand-in-parent",
                Some(Role::Mentor) => "name-stand-in-mentor",
                Some(Role::Coordinator) => "name-stand-in-coordinator",
                None => "name-stand-in-user",
            };
            t!(lang, id, number = self.stand_in_number())
        })
    }
}

/// The longest name shown to others, in characters, the «…» of a cut
/// included (Telegram allows 64 for the first name and 64 for the last).
pub const PERSON_NAME_MAX: usize = 64;

/// A person's name (their own text, from Telegram) as others are shown it,
/// so that it cannot pass for someone else's or for the bot's words:
/// text-direction controls, zero-width and other invisible characters go,
/// NFC, whitespace (line breaks too) collapsed to one space and trimmed,
/// cut to [`PERSON_NAME_MAX`] characters with «…». `None` when nothing
/// visible is left. Unlike a place name, nothing is refused: the user did
/// not type it to us.
pub fn clean_person_name(raw: &str) -> Option<String> {
    let visible: String = raw
        .chars()
        .filter(|c| !(is_bidi_control(*c) || is_invisible(*c) || is_blank_format(*c)))
        .nfc()
        .collect();
    let name = collapse_whitespace(&visible);
    if name.chars().all(|c| c == ' ' || is_variation_selector(c)) {
        return None;
    }
    if name.chars().count() <= PERSON_NAME_MAX {
        return Some(name);
    }
    let cut: String = name.chars().take(PERSON_NAME_MAX - 1).collect();
    Some(format!("{}…", cut.trim_end()))
}

/// Characters [`is_invisible`] leaves to the place names' rules but a
/// person's name cannot show: the other format characters (Unicode
/// category Cf: Arabic and Syriac marks, interlinear annotation, shorthand
/// and musical format controls, tags), the other default-ignorable code
/// points (the combining grapheme joiner, Khmer inherent vowels, Mongolian
/// variation selectors, deprecated format controls) and letters that draw
/// as a blank (the Hangul fillers, the blank Braille pattern): a known way
/// to a "nameless" Telegram account, or to text hidden in a name.
/// Variation selectors U+FE00–FE0F stay: they pick an emoji's look (❤️).
fn is_blank_format(c: char) -> bool {
    matches!(
        c,
        '\u{034F}'
            | '\u{0600}'..='\u{0605}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{2065}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Variation selectors change how the character before them is drawn and
/// are kept; alone they show nothing.
fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}')
}

/// The longest district or school name, in characters.
pub const PLACE_NAME_MAX: usize = 100;

/// Why a typed district or school name (or a meeting place) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PlaceNameError {
    /// Nothing is left once spaces go.
    #[error("the name is empty")]
    Empty,
    /// Something was typed, but only characters that show nothing
    /// (zero-width spaces and joiners, the byte-order mark, controls).
    #[error("the name has only invisible characters (zero-width spaces or joiners)")]
    Invisible,
    #[error("the name is longer than {max} characters")]
    TooLong { max: usize },
    /// It carries a character that reorders text (it could make a name
    /// display as another one).
    #[error("the name contains an invisible character that changes the text direction")]
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
    check_place_text(raw, PLACE_NAME_MAX)
}

/// [`check_place_name`] with another length limit (a meeting place may be
/// a long link).
pub fn check_place_text(raw: &str, max: usize) -> Result<String, PlaceNameError> {
    if raw.chars().any(is_bidi_control) {
        return Err(PlaceNameError::Bidi);
    }
    let visible: String = raw.chars().filter(|c| !is_invisible(*c)).nfc().collect();
    let name = collapse_whitespace(&visible);
    match name.chars().count() {
        0 if raw.chars().any(is_invisible) => Err(PlaceNameError::Invisible),
        0 => Err(PlaceNameError::Empty),
        n if n > max => Err(PlaceNameError::TooLong { max }),
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

    fn person(id: i64, first: &str, last: Option<&str>, role: Option<Role>) -> User {
        User {
            id: UserId(id),
            first_name: first.to_owned(),
            last_name: last.map(str::to_owned),
            username: None,
            language: Some(Lang::Kk),
            role,
            district_id: None,
            school_id: None,
            deactivated_at: None,
        }
    }

    #[test]
    fn a_name_cannot_reorder_itself_into_another() {
        // «Админ (ментор)» with a right-to-left override before the bracket
        // would show as «Админ)ротнем(».
        let student = person(7, "Админ\u{202E} (ментор)", None, Some(Role::Student));
        assert_eq!(student.display_name(Lang::Ru), "Админ (ментор)");
        let controls = concat!(
            "\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}",
            "\u{2066}\u{2067}\u{2068}\u{2069}",
            "\u{200E}\u{200F}\u{061C}"
        );
        for c in controls.chars() {
            let name = clean_person_name(&format!("Ер{c}лан")).expect("visible");
            assert_eq!(name, "Ерлан", "U+{:04X}", c as u32);
        }
        // Right-to-left letters on their own are a name like any other.
        assert_eq!(clean_person_name("مريم"), Some("مريم".to_owned()));
    }

    #[test]
    fn invisible_characters_go_and_an_invisible_name_gets_a_stand_in() {
        assert_eq!(clean_person_name("Ер\u{200B}лан\u{FEFF}"), Some("Ерлан".to_owned()));
        assert_eq!(clean_person_name("Ер\u{00AD}лан\u{0007}"), Some("Ерлан".to_owned()));
        // Tags (hidden ASCII) go too.
        assert_eq!(clean_person_name("Ерлан\u{E0041}\u{E0042}"), Some("Ерлан".to_owned()));
        for blank in [
            "",
            "   ",
            "\u{200B}",
            "\u{200B}\u{200C}\u{200D}",
            "\u{2060} \u{FEFF}",
            "\u{00AD}",
            "\u{202E}",
            "\u{3164}",
            "\u{115F}\u{1160}",
            "\u{2800}",
            "\u{FE0F}",
            "\u{FE0F} \u{200B}",
            "\u{180E}\u{034F}",
            "\u{0000}\n\t",
        ] {
            assert_eq!(clean_person_name(blank), None, "{blank:?}");
        }
        // Never blank: the role and the last four digits of the Telegram id.
        let student = person(1_234_560_042, "\u{200B}", None, Some(Role::Student));
        assert_eq!(student.shown_name(), None);
        assert_eq!(student.stand_in_number(), "0042");
        assert_eq!(student.display_name(Lang::Ru), "Ученик 0042");
        assert_eq!(student.display_name(Lang::Kk), "Оқушы №0042");
        let parent = person(5_000_017_777, "\u{3164}", Some("\u{200B}"), Some(Role::Parent));
        assert_eq!(parent.display_name(Lang::Ru), "Родитель 7777");
        assert_eq!(parent.display_name(Lang::Kk), "Ата-ана №7777");
        // A coordinator named on the command line, before they write.
        let coordinator = person(900_001, "", None, Some(Role::Coordinator));
        assert_eq!(coordinator.display_name(Lang::Ru), "Координатор 0001");
        assert_eq!(person(31, "", None, Some(Role::Mentor)).display_name(Lang::Kk), "Тәлімгер №0031");
        assert_eq!(person(31, " ", None, None).display_name(Lang::Ru), "Пользователь 0031");
    }

    #[test]
    fn names_are_nfc_with_spaces_tidied() {
        // й typed as и + combining breve, ё as е + combining diaeresis.
        let decomposed = person(1, "  Кои\u{0306}шы ", Some("\tБере\u{0308}зина\n"), None);
        let name = decomposed.display_name(Lang::Ru);
        assert_eq!(name, "Койшы Берёзина");
        assert_eq!(name.chars().count(), 14);
        // Inner whitespace of any kind, line breaks too, is one space: a
        // name cannot start a line of its own under a header.
        assert_eq!(
            clean_person_name("Ерлан\n\nСообщение ментора:\u{00A0}\u{3000}привет"),
            Some("Ерлан Сообщение ментора: привет".to_owned())
        );
        assert_eq!(clean_person_name("Ер \u{200B} лан"), Some("Ер лан".to_owned()));
        // Emoji keep their look.
        assert_eq!(clean_person_name("Дана ❤\u{FE0F}"), Some("Дана ❤\u{FE0F}".to_owned()));
        // A last name of spaces adds nothing.
        assert_eq!(person(1, "Дана", Some("  "), None).shown_name(), Some("Дана".to_owned()));
    }

    #[test]
    fn long_names_are_cut_with_an_ellipsis() {
        let exact = "ы".repeat(PERSON_NAME_MAX);
        assert_eq!(clean_person_name(&exact), Some(exact.clone()));
        let long = person(1, &"Ә".repeat(64), Some(&"Ө".repeat(64)), None).display_name(Lang::Kk);
        assert_eq!(long.chars().count(), PERSON_NAME_MAX);
        assert_eq!(long, format!("{}…", "Ә".repeat(63)));
        // The cut is on a character, never inside one, and a space before
        // the «…» goes.
        let spaced = format!("{} {}", "ы".repeat(62), "қ".repeat(10));
        assert_eq!(clean_person_name(&spaced), Some(format!("{}…", "ы".repeat(62))));
        // Invisible characters do not count towards the length.
        let padded = format!("{}{}", "ы".repeat(PERSON_NAME_MAX), "\u{200B}".repeat(100));
        assert_eq!(clean_person_name(&padded), Some("ы".repeat(PERSON_NAME_MAX)));
    }

    #[test]
    fn place_names_are_tidied() {
        assert_eq!(clean_place_name("  №5   мектеп "), Some("№5 мектеп".to_owned()));
        assert_eq!(clean_place_name("\t№5\u{00A0}\u{3000}мектеп\n"), Some("№5 мектеп".to_owned()));
        assert_eq!(clean_place_name("   "), None);
        assert_eq!(check_place_name(&"ы".repeat(101)), Err(PlaceNameError::TooLong { max: 100 }));
        assert_eq!(check_place_text(&"ы".repeat(201), 200), Err(PlaceNameError::TooLong { max: 200 }));
        assert_eq!(check_place_text(&"ы".repeat(200), 200).map(|n| n.chars().count()), Ok(200));
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
            assert_eq!(check_place_name(invisible), Err(PlaceNameError::Invisible), "{invisible:?}");
        }
        assert_eq!(check_place_name(""), Err(PlaceNameError::Empty));
        assert_eq!(check_place_name(" \t "), Err(PlaceNameError::Empty));
        assert!(PlaceNameError::Invisible.to_string().contains("invisible"));
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
