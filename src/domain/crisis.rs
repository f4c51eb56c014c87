//! Crisis words in a student's message: the default list is a data file
//! (`data/crisis-words.txt`), matched on word stems, whatever the letter
//! case, and with Latin look-alikes read as the Cyrillic letters they
//! imitate («cyицид», «CУИЦИД»).

use std::sync::OnceLock;

const DEFAULT_LIST: &str = include_str!("../../data/crisis-words.txt");

/// A list of stems, each one or more words (matched in a row).
pub struct CrisisWords {
    stems: Vec<Vec<String>>,
}

impl CrisisWords {
    /// Parses a list: one stem a line, `#` comments, blank lines ignored.
    pub fn parse(list: &str) -> CrisisWords {
        let stems = list
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(words)
            .filter(|w| !w.is_empty())
            .collect();
        CrisisWords { stems }
    }

    /// The list shipped with the bot.
    pub fn default_list() -> &'static CrisisWords {
        static LIST: OnceLock<CrisisWords> = OnceLock::new();
        LIST.get_or_init(|| CrisisWords::parse(DEFAULT_LIST))
    }

    pub fn len(&self) -> usize {
        self.stems.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stems.is_empty()
    }

    /// Whether `text` contains one of the stems: each of its words begins a
    /// word of the text, in a row.
    pub fn matches(&self, text: &str) -> bool {
        let text = words(text);
        self.stems.iter().any(|stem| {
            text.windows(stem.len())
                .any(|window| window.iter().zip(stem).all(|(w, s)| w.starts_with(s.as_str())))
        })
    }
}

/// Lower-cased words with look-alikes folded; punctuation splits words,
/// a hyphen inside a word is kept.
fn words(text: &str) -> Vec<String> {
    let folded: String = text.chars().flat_map(char::to_lowercase).map(fold).collect();
    folded
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A Latin letter (or digit) that looks like a Cyrillic one, read as that
/// letter; «ё» as «е». Lower case only (the text is lower-cased first).
fn fold(c: char) -> char {
    match c {
        'a' => 'а',
        'b' => 'в',
        'c' => 'с',
        'e' | 'ё' => 'е',
        'h' => 'н',
        'k' => 'к',
        'm' => 'м',
        'o' | '0' => 'о',
        'p' => 'р',
        't' => 'т',
        'x' => 'х',
        'y' => 'у',
        'i' => 'і',
        'u' => 'и',
        '3' => 'з',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_list_loads() {
        assert!(CrisisWords::default_list().len() > 40);
    }

    #[test]
    fn stems_match_in_both_languages_any_case_and_with_look_alikes() {
        let list = CrisisWords::default_list();
        for text in [
            "Я больше не хочу жить",
            "НЕ ХОЧУ ЖИТЬ!!!",
            "думаю про суицид",
            "думаю про cуицид", // Latin c
            "CYИЦИД",           // Latin C and Y
            "отчим меня бьёт меня каждый день",
            "меня бьют дома",
            "я сбегу из дома завтра",
            "Өлгім келеді",
            "өзімді өлтіргім келеді",
            "әкем ұрады",
            "үйден қашқым келеді",
            "ҮЙДЕН ҚАШАМ",
        ] {
            assert!(list.matches(text), "{text:?}");
        }
        for text in [
            "Здравствуйте, когда встреча?",
            "Мен ертең келемін",
            "хочу жить в другом городе",
            "я суп ела",
            "",
        ] {
            assert!(!list.matches(text), "{text:?}");
        }
    }
}
