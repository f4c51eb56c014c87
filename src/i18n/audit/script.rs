//! Words and letters: which script a letter is, the runs of letters in a
//! text, and letters folded to how they read.

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{052F}').contains(&c)
}

pub(super) fn is_latin(c: char) -> bool {
    c.is_alphabetic()
        && (c.is_ascii_alphabetic()
            || ('\u{00C0}'..='\u{02AF}').contains(&c)
            || ('\u{1E00}'..='\u{1EFF}').contains(&c))
}

/// Latin letters that pass for Cyrillic ones (а в с е һ і к м о р т х у…).
const LATIN_LOOKALIKES: &str = "AaBCcEeHhIiKkMOoPpTXxYy";

/// The letters Kazakh has and Russian has not.
pub(super) const KAZAKH_LETTERS: &str = "әғқңөұүһіӘҒҚҢӨҰҮҺІ";

/// A run of letters in a text, with what stands between it and the
/// previous one.
pub(super) struct Word<'t> {
    pub(super) text: &'t str,
    pub(super) gap: &'t str,
    pub(super) start: usize,
    pub(super) end: usize,
}

impl Word<'_> {
    /// `/help`, `/invite`: a command, not a word of the language.
    pub(super) fn is_command(&self) -> bool {
        self.gap.ends_with('/')
    }
}

pub(super) fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let (mut gap_start, mut word_start) = (0, None);
    let mut push = |start: usize, end: usize, gap_start: usize| {
        out.push(Word { text: &text[start..end], gap: &text[gap_start..start], start, end });
    };
    for (i, c) in text.char_indices() {
        match (c.is_alphabetic(), word_start) {
            (true, None) => word_start = Some(i),
            (false, Some(start)) => {
                push(start, i, gap_start);
                gap_start = i;
                word_start = None;
            }
            _ => {}
        }
    }
    if let Some(start) = word_start {
        push(start, text.len(), gap_start);
    }
    out
}

pub(super) fn check_script(text: &str, say: &mut impl FnMut(String)) {
    let cyrillic_text = text.chars().any(is_cyrillic);
    for w in words(text).iter().filter(|w| !w.is_command()) {
        let latin: String = w.text.chars().filter(|c| is_latin(*c)).collect();
        if latin.is_empty() {
            continue;
        }
        if w.text.chars().any(is_cyrillic) {
            say(format!("«{}» has Latin letters ({latin}) inside a Cyrillic word", w.text));
        } else if cyrillic_text && w.text.chars().all(|c| LATIN_LOOKALIKES.contains(c)) {
            say(format!("«{}» is written in Latin letters that look Cyrillic", w.text));
        }
    }
}

/// One letter as it reads: lower case, Kazakh letters as the Russian ones
/// they are mistyped as, Latin look-alikes as Cyrillic, «ё» as «е».
fn fold(c: char) -> char {
    let c = match c {
        'A' => 'а',
        'B' => 'в',
        'C' => 'с',
        'E' => 'е',
        'H' => 'н',
        'K' => 'к',
        'M' => 'м',
        'O' => 'о',
        'P' => 'р',
        'T' => 'т',
        'X' => 'х',
        'Y' => 'у',
        c => c.to_lowercase().next().unwrap_or(c),
    };
    match c {
        'a' | 'ә' => 'а',
        'c' => 'с',
        'e' | 'ё' => 'е',
        'o' | 'ө' => 'о',
        'p' => 'р',
        'x' | 'h' | 'һ' => 'х',
        'y' | 'ұ' | 'ү' => 'у',
        'k' | 'қ' => 'к',
        'm' => 'м',
        't' => 'т',
        'i' | 'і' => 'и',
        'b' => 'ь',
        'ғ' => 'г',
        'ң' => 'н',
        c => c,
    }
}

pub(super) fn folded(s: &str) -> String {
    s.chars().map(fold).collect()
}
