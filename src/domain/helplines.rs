//! The helplines a text gives a child or a parent (`{ $helplines }`):
//! each number with what it is, in the reader's language — «111 — телефон
//! доверия для детей и семей, 112 — экстренная служба». The numbers and
//! their labels come from the configuration (`TALIMGER_HELPLINES`, read in
//! `config`); 111 and 112 have labels of their own in the locales
//! (`helpline-111`, `helpline-112`) when none is given. This is the one
//! place that words the list.

use super::Lang;
use crate::t;

/// What a number is, as the operator wrote it for each language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub kk: String,
    pub ru: String,
}

/// One helpline: its number as written (spaces tidied), and its label
/// when the operator gave one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Helpline {
    pub number: String,
    pub label: Option<Label>,
}

/// The helplines, in the order the operator listed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Helplines(Vec<Helpline>);

/// Numbers with a label of their own in the locales, and its key.
const BUILT_IN: &[(&str, &str)] = &[("111", "helpline-111"), ("112", "helpline-112")];

impl Helplines {
    pub fn new(lines: Vec<Helpline>) -> Helplines {
        Helplines(lines)
    }

    pub fn all(&self) -> &[Helpline] {
        &self.0
    }

    /// The numbers alone, as written.
    pub fn numbers(&self) -> Vec<&str> {
        self.0.iter().map(|h| h.number.as_str()).collect()
    }

    /// The list as `lang`'s reader sees it: «111 — телефон доверия для
    /// детей и семей, 112 — экстренная служба». A number with no label of
    /// its own or built in is shown alone. Entries are separated by «; »
    /// when a label has a comma of its own.
    pub fn text(&self, lang: Lang) -> String {
        let entries: Vec<String> = self
            .0
            .iter()
            .map(|h| match label_of(h, lang) {
                Some(label) => format!("{} — {label}", h.number),
                None => h.number.clone(),
            })
            .collect();
        let separator = if entries.iter().any(|e| e.contains(',')) { "; " } else { ", " };
        entries.join(separator)
    }
}

fn label_of(h: &Helpline, lang: Lang) -> Option<String> {
    if let Some(label) = &h.label {
        return Some(match lang {
            Lang::Kk => label.kk.clone(),
            Lang::Ru => label.ru.clone(),
        });
    }
    let digits: String = h.number.chars().filter(char::is_ascii_digit).collect();
    BUILT_IN.iter().find(|(n, _)| *n == digits).map(|(_, key)| t!(lang, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(number: &str, label: Option<(&str, &str)>) -> Helpline {
        Helpline {
            number: number.to_owned(),
            label: label.map(|(ru, kk)| Label { ru: ru.to_owned(), kk: kk.to_owned() }),
        }
    }

    #[test]
    fn the_default_numbers_say_what_they_are_in_each_language() {
        let h = Helplines::new(vec![line("111", None), line("112", None)]);
        assert_eq!(h.text(Lang::Ru), "111 — телефон доверия для детей и семей, 112 — экстренная служба");
        assert_eq!(
            h.text(Lang::Kk),
            "111 — балалар мен отбасыларға арналған сенім телефоны, 112 — жедел қызмет"
        );
        assert_eq!(h.numbers(), ["111", "112"]);
    }

    #[test]
    fn an_operators_label_wins_and_an_unknown_number_stands_alone() {
        let h = Helplines::new(vec![
            line("150", Some(("линия для детей", "балаларға арналған желі"))),
            line("111", Some(("телефон доверия", "сенім телефоны"))),
            line("+7 700 123 45 67", None),
        ]);
        assert_eq!(h.text(Lang::Ru), "150 — линия для детей, 111 — телефон доверия, +7 700 123 45 67");
        assert_eq!(h.text(Lang::Kk), "150 — балаларға арналған желі, 111 — сенім телефоны, +7 700 123 45 67");
        let comma = Helplines::new(vec![
            line("150", Some(("для детей, подростков", "балалар, жасөспірімдер"))),
            line("112", None),
        ]);
        assert_eq!(comma.text(Lang::Ru), "150 — для детей, подростков; 112 — экстренная служба");
    }
}
