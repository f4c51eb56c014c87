//! The glossary (GLOSSARY.md's term table) and the check that every text
//! spells, joins and chooses its words as the glossary does.

use super::script::{KAZAKH_LETTERS, Word, folded, is_latin, words};
use std::collections::BTreeMap;

/// The term table of the project's GLOSSARY.md, as written there. Every
/// text is held to these spellings.
const GLOSSARY_TABLE: &str = "\
| concept | Қазақша | Русский |
|---|---|---|
| mentor | тәлімгер | ментор |
| student (school pupil) | оқушы | ученик / ученица |
| parent | ата-ана (parents); ата-анасы (his/her parent) | родитель |
| coordinator | үйлестіруші | координатор |
| school / district / region | мектеп / аудан / облыс | школа / район / область |
| invite; invite link | шақыру; шақыру сілтемесі | приглашение; ссылка-приглашение |
| question; answer | сұрақ; жауап | вопрос; ответ |
| message | хабарлама | сообщение |
| delivered | жеткізілді | доставлено |
| anonymous | жасырын | анонимно |
| urgent | шұғыл | срочно |
| helpline | сенім телефоны | телефон доверия |
| quiet hours | тыныштық уақыты | тихие часы |
| meeting | кездесу | встреча |
| free time slot | бос уақыт | свободное время |
| book (a meeting) | кездесуге жазылу | записаться на встречу |
| cancel | болдырмау (button: «Болдырмау») | отменить (button: «Отменить») |
| reschedule | уақытын ауыстыру | перенести |
| confirm | растау | подтвердить |
| back / next | артқа / келесі | назад / далее |
| reminder | еске салу | напоминание |
| held / did not come | өтті / келмеді | состоялась / не пришёл(-ла) |
| note | жазба | заметка |
| today / this week | бүгін / осы апта | сегодня / эта неделя |
| language | тіл | язык |
| settings | баптаулар | настройки |
| statistics; report | статистика; есеп | статистика; отчёт |
| broadcast | жаппай хабарлама | рассылка |
| mentoring programme | тәлімгерлік бағдарламасы | программа наставничества |
| leave a multi-step action | тоқтату (button: «Тоқтату») | отменить (button: «Отменить») |
| mum or dad (one person) | анаңыз немесе әкеңіз | мама или папа |
| guardian | қамқоршы | опекун |
| I'm on it (acknowledge an SOS) | «Көрдім, айналысып жатырмын» | «Вижу, занимаюсь» |
| got it (acknowledge a reminder) | «Түсіндім» | «Понятно» |
";

/// The glossary's rows: (concept, Kazakh terms, Russian terms), each term
/// without the notes in brackets.
pub fn glossary() -> Vec<(String, Vec<String>, Vec<String>)> {
    GLOSSARY_TABLE
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(2)
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            (cells[0].to_owned(), glossary_terms(cells[1]), glossary_terms(cells[2]))
        })
        .collect()
}

/// «ата-ана (parents); ата-анасы (his/her parent)» → ата-ана, ата-анасы;
/// «не пришёл(-ла)» → не пришёл.
fn glossary_terms(cell: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut depth = 0usize;
    for c in cell.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .split([';', '/'])
        .map(|t| t.trim().trim_matches(['«', '»']).trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Words for glossary concepts that the glossary does not use: (language,
/// the word's beginning, or the whole word when it ends in `$`; words
/// of a phrase apart by spaces; the glossary's term).
const NOT_GLOSSARY: &[(&str, &str, &str)] = &[
    ("kk", "ұстаз", "тәлімгер"),
    ("kk", "ментор", "тәлімгер"),
    ("kk", "шәкірт", "оқушы"),
    ("kk", "студент", "оқушы"),
    ("kk", "координатор", "үйлестіруші"),
    ("kk", "хабар$", "хабарлама, еске салу"),
    ("kk", "хабары$", "хабарлама, еске салу"),
    ("kk", "хабарды$", "хабарлама, еске салу"),
    ("kk", "хабарын$", "хабарлама, еске салу"),
    ("kk", "хабарға$", "хабарлама, еске салу"),
    ("kk", "хабарлар$", "хабарлама, еске салу"),
    ("kk", "хабарландыру", "хабарлама"),
    ("kk", "ескерт", "еске салу"),
    ("kk", "жиналыс", "кездесу"),
    ("kk", "аноним", "жасырын"),
    ("kk", "жедел", "шұғыл"),
    ("kk", "параметр", "баптаулар"),
    ("kk", "реттеулер", "баптаулар"),
    ("kk", "бас тарт", "болдырмау"),
    ("ru", "наставник", "ментор"),
    ("ru", "наставниц", "ментор"),
    ("ru", "куратор", "координатор"),
    ("ru", "школьник", "ученик / ученица"),
    ("ru", "школьниц", "ученик / ученица"),
    ("ru", "студент", "ученик / ученица"),
    ("ru", "инвайт", "приглашение"),
    ("ru", "пригласительн", "ссылка-приглашение"),
    ("ru", "горяч лини", "телефон доверия"),
    ("ru", "слот", "свободное время"),
];

/// Phrases of GLOSSARY.md with a word that [`NOT_GLOSSARY`] replaces
/// elsewhere (words of a phrase apart by spaces, each a word's beginning):
/// «жедел қызмет» is the emergency service (112), not an urgent alert.
const GLOSSARY_PHRASES: &[(&str, &str)] = &[("kk", "жедел қызмет")];

/// A glossary term as the audit matches it: the beginning of each word
/// (inflected endings cut), folded, and what joins the words.
struct Term {
    written: String,
    stems: Vec<String>,
    folded: Vec<String>,
    /// What stands before each word after the first (" " or "-"); `None`
    /// when the term's words are not simply joined («Көрдім, айналысып»).
    joins: Option<Vec<String>>,
}

pub(super) struct Glossary {
    terms: BTreeMap<&'static str, Vec<Term>>,
    /// Single words to spell as the glossary does: (stem, folded stem, term).
    spellings: BTreeMap<&'static str, Vec<(String, String, String)>>,
}

impl Glossary {
    pub(super) fn new() -> Glossary {
        let mut g = Glossary { terms: BTreeMap::new(), spellings: BTreeMap::new() };
        for (_, kk, ru) in glossary() {
            for (lang, written) in kk.into_iter().map(|t| ("kk", t)).chain(ru.into_iter().map(|t| ("ru", t)))
            {
                let ws = words(&written);
                let mut stems = Vec::new();
                for w in &ws {
                    let (stem, cut) = stem(lang, w.text);
                    let n = stem.chars().count();
                    if n >= 4 || (!cut && n >= 3) {
                        let spellings = g.spellings.entry(lang).or_default();
                        if !spellings.iter().any(|(s, _, _)| *s == stem) {
                            spellings.push((stem.clone(), folded(&stem), written.clone()));
                        }
                    }
                    stems.push(stem);
                }
                let joins = ws.iter().skip(1).map(|w| join(w.gap)).collect::<Option<Vec<_>>>();
                let folded = stems.iter().map(|s| folded(s)).collect();
                g.terms.entry(lang).or_default().push(Term { written, stems, folded, joins });
            }
        }
        g
    }

    pub(super) fn check(&self, lang: &str, text: &str, say: &mut impl FnMut(String)) {
        let ws = words(text);
        let starts = |w: &Word, folded_stem: &str| !w.is_command() && folded(w.text).starts_with(folded_stem);
        for (i, w) in ws.iter().enumerate().filter(|(_, w)| !w.is_command()) {
            let lower = w.text.to_lowercase();
            let folded_word = folded(w.text);
            if let Some((stem, _, term)) =
                self.spellings.get(lang).into_iter().flatten().find(|(stem, f, _)| {
                    folded_word.starts_with(f.as_str()) && !lower.starts_with(stem.as_str())
                })
            {
                say(misspelling(w.text, stem, term));
            }
            for term in self.terms.get(lang).into_iter().flatten() {
                let (Some(joins), n) = (&term.joins, term.stems.len()) else { continue };
                if n < 2 || i + n > ws.len() || !(0..n).all(|j| starts(&ws[i + j], &term.folded[j])) {
                    continue;
                }
                let written: Vec<Option<String>> = (1..n).map(|j| join(ws[i + j].gap)).collect();
                if written.iter().all(Option::is_some)
                    && written.iter().zip(joins).any(|(w, j)| w.as_deref() != Some(j.as_str()))
                {
                    let phrase = &text[w.start..ws[i + n - 1].end];
                    say(format!("«{phrase}»: the glossary writes «{}»", term.written));
                }
            }
            let in_phrase = GLOSSARY_PHRASES.iter().any(|(l, phrase)| {
                let parts: Vec<&str> = phrase.split(' ').collect();
                *l == lang
                    && i + parts.len() <= ws.len()
                    && parts.iter().enumerate().all(|(j, p)| folded(ws[i + j].text).starts_with(&folded(p)))
            });
            for (bad_lang, bad, good) in NOT_GLOSSARY.iter().filter(|_| !in_phrase) {
                let bad: Vec<&str> = bad.split(' ').collect();
                if *bad_lang != lang || i + bad.len() > ws.len() {
                    continue;
                }
                let matches = bad.iter().enumerate().all(|(j, b)| {
                    let word = folded(ws[i + j].text);
                    match b.strip_suffix('$') {
                        Some(whole) => word == folded(whole),
                        None => word.starts_with(&folded(b)),
                    }
                });
                if matches {
                    let phrase = &text[w.start..ws[i + bad.len() - 1].end];
                    say(format!("«{phrase}» is not the glossary's word; it says «{good}»"));
                }
            }
        }
    }
}

/// The beginning of a glossary word that its inflected forms share:
/// a final vowel cut (Kazakh also cuts a final п, қ, к, which voice before
/// an ending: мектеп → мектебі), and whether anything was cut.
fn stem(lang: &str, word: &str) -> (String, bool) {
    let mut s: Vec<char> = word.to_lowercase().chars().collect();
    let cut = if lang == "kk" { "аәеиоөуұүыіэюяпқк" } else { "аеёиоуыэюяьй" };
    let was_cut = s.len() > 2 && s.last().is_some_and(|c| cut.contains(*c));
    if was_cut {
        s.pop();
    }
    (s.into_iter().collect(), was_cut)
}

/// What joins two words, when it is only spaces (" ") or a hyphen ("-").
fn join(gap: &str) -> Option<String> {
    if !gap.is_empty() && gap.chars().all(|c| c.is_whitespace()) {
        Some(" ".to_owned())
    } else if !gap.is_empty() && gap.chars().all(|c| c.is_whitespace() || "-‐‑–—".contains(c)) {
        Some(gap.trim().to_owned())
    } else {
        None
    }
}

fn misspelling(word: &str, stem: &str, term: &str) -> String {
    let lower = word.to_lowercase();
    let (wrong, right) = lower.chars().zip(stem.chars()).find(|(a, b)| a != b).unwrap_or((' ', ' '));
    let why = if is_latin(wrong) {
        format!("a Latin «{wrong}» for «{right}»")
    } else if KAZAKH_LETTERS.contains(right) {
        format!("the Russian «{wrong}» where Kazakh writes «{right}»")
    } else {
        format!("«{wrong}» for «{right}»")
    };
    format!("«{word}» is the glossary's «{term}» written with {why}")
}
