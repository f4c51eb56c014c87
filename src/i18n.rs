//! The one way to get user-visible text. Fluent files from `locales/kk` and
//! `locales/ru` are embedded in the binary; Unicode isolation marks are off
//! (Telegram clients show them as stray characters).

use crate::domain::Lang;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "ru",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Every `.ftl` file, embedded again as text for [`audit`]; a test checks
/// that this list matches the files on disk.
pub const SOURCES: &[(&str, &str, &str)] = &[
    ("kk", "common.ftl", include_str!("../locales/kk/common.ftl")),
    ("kk", "onboarding.ftl", include_str!("../locales/kk/onboarding.ftl")),
    ("kk", "invite.ftl", include_str!("../locales/kk/invite.ftl")),
    ("kk", "relay.ftl", include_str!("../locales/kk/relay.ftl")),
    ("kk", "sos.ftl", include_str!("../locales/kk/sos.ftl")),
    ("kk", "crisis.ftl", include_str!("../locales/kk/crisis.ftl")),
    ("kk", "scheduling.ftl", include_str!("../locales/kk/scheduling.ftl")),
    ("kk", "reminders.ftl", include_str!("../locales/kk/reminders.ftl")),
    ("ru", "common.ftl", include_str!("../locales/ru/common.ftl")),
    ("ru", "onboarding.ftl", include_str!("../locales/ru/onboarding.ftl")),
    ("ru", "invite.ftl", include_str!("../locales/ru/invite.ftl")),
    ("ru", "relay.ftl", include_str!("../locales/ru/relay.ftl")),
    ("ru", "sos.ftl", include_str!("../locales/ru/sos.ftl")),
    ("ru", "crisis.ftl", include_str!("../locales/ru/crisis.ftl")),
    ("ru", "scheduling.ftl", include_str!("../locales/ru/scheduling.ftl")),
    ("ru", "reminders.ftl", include_str!("../locales/ru/reminders.ftl")),
];

static LANG_IDS: LazyLock<[LanguageIdentifier; 2]> =
    LazyLock::new(|| Lang::ALL.map(|l| l.code().parse().expect("kk and ru are valid language identifiers")));

fn langid(lang: Lang) -> &'static LanguageIdentifier {
    &LANG_IDS[match lang {
        Lang::Kk => 0,
        Lang::Ru => 1,
    }]
}

/// An argument of a message: a name or a number (numbers pick plural forms).
pub enum Arg {
    Str(String),
    Num(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Str(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Str(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Str(s.clone())
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Num(n)
    }
}
impl From<u32> for Arg {
    fn from(n: u32) -> Arg {
        Arg::Num(i64::from(n))
    }
}

/// The text of message `id` in `lang`.
pub fn tr(lang: Lang, id: &str) -> String {
    tr_args(lang, id, Vec::new())
}

/// The text of message `id` in `lang` with its arguments.
pub fn tr_args(lang: Lang, id: &str, args: Vec<(&'static str, Arg)>) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .into_iter()
        .map(|(k, v)| {
            let value = match v {
                Arg::Str(s) => FluentValue::from(s),
                Arg::Num(n) => FluentValue::from(n),
            };
            (Cow::Borrowed(k), value)
        })
        .collect();
    let args = (!args.is_empty()).then_some(&args);
    match LOCALES.try_lookup_complete(langid(lang), id, args) {
        Some(text) => text,
        None => {
            tracing::error!(id, lang = lang.code(), "missing localisation");
            id.to_owned()
        }
    }
}

/// `t!(lang, "id")` or `t!(lang, "id", name = value, count = n)`.
#[macro_export]
macro_rules! t {
    ($lang:expr, $id:expr) => {
        $crate::i18n::tr($lang, $id)
    };
    ($lang:expr, $id:expr, $($key:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::tr_args($lang, $id, vec![$((stringify!($key), $crate::i18n::Arg::from($value))),+])
    };
}

/// Message ids with the variables each uses, per language.
pub fn catalogue() -> Result<BTreeMap<&'static str, BTreeMap<String, BTreeSet<String>>>, String> {
    Ok(parse(SOURCES)?
        .into_iter()
        .map(|(lang, messages)| (lang, messages.into_iter().map(|(id, m)| (id, m.vars)).collect()))
        .collect())
}

/// What the audit needs to know of one message.
#[derive(Default)]
struct Message {
    vars: BTreeSet<String>,
    /// The message's text with each placeable as [`HOLE`]; each variant of
    /// a select is a text of its own.
    texts: Vec<String>,
    /// Every select on a variable.
    selects: Vec<Select>,
    /// Variables written right against a letter (`{ $name }ға`).
    glued: BTreeSet<String>,
}

struct Select {
    var: String,
    keys: Vec<String>,
    default: String,
}

/// Stands for a placeable in [`Message::texts`]: not a letter, so no word
/// runs through it.
const HOLE: char = '\u{FFFC}';

type Parsed<'s> = BTreeMap<&'s str, BTreeMap<String, Message>>;

fn parse<'s>(sources: &[(&'s str, &str, &'s str)]) -> Result<Parsed<'s>, String> {
    use fluent_syntax::ast::Entry;
    let mut out: Parsed<'s> = BTreeMap::new();
    for &(lang, file, text) in sources {
        let resource = fluent_syntax::parser::parse(text).map_err(|(_, errors)| {
            format!("locales/{lang}/{file}: {} syntax error(s): {errors:?}", errors.len())
        })?;
        let messages = out.entry(lang).or_default();
        for entry in resource.body {
            if let Entry::Message(m) = entry {
                let mut message = Message::default();
                if let Some(p) = &m.value {
                    walk_pattern(p, &mut message);
                }
                for a in &m.attributes {
                    walk_pattern(&a.value, &mut message);
                }
                if messages.insert(m.id.name.to_owned(), message).is_some() {
                    return Err(format!("locales/{lang}/{file}: message {} is defined twice", m.id.name));
                }
            }
        }
    }
    Ok(out)
}

fn walk_pattern(p: &fluent_syntax::ast::Pattern<&str>, m: &mut Message) {
    use fluent_syntax::ast::PatternElement;
    let text_of = |el: Option<&PatternElement<&str>>| match el {
        Some(PatternElement::TextElement { value }) => Some(value.to_string()),
        _ => None,
    };
    let mut text = String::new();
    for (i, el) in p.elements.iter().enumerate() {
        match el {
            PatternElement::TextElement { value } => text.push_str(value),
            PatternElement::Placeable { expression } => {
                text.push(HOLE);
                if let Some(var) = shown_var(expression) {
                    let before = i.checked_sub(1).and_then(|j| text_of(p.elements.get(j)));
                    let after = text_of(p.elements.get(i + 1));
                    if before.and_then(|t| t.chars().last()).is_some_and(char::is_alphabetic)
                        || after.and_then(|t| t.chars().next()).is_some_and(char::is_alphabetic)
                    {
                        m.glued.insert(var);
                    }
                }
                walk_expression(expression, m);
            }
        }
    }
    m.texts.push(text);
}

/// The variable a placeable shows: `{ $x }` or `{ NUMBER($x) }`.
fn shown_var(e: &fluent_syntax::ast::Expression<&str>) -> Option<String> {
    match e {
        fluent_syntax::ast::Expression::Inline(e) => inline_var(e),
        fluent_syntax::ast::Expression::Select { .. } => None,
    }
}

fn inline_var(e: &fluent_syntax::ast::InlineExpression<&str>) -> Option<String> {
    use fluent_syntax::ast::InlineExpression;
    match e {
        InlineExpression::VariableReference { id } => Some(id.name.to_owned()),
        InlineExpression::FunctionReference { arguments, .. } => {
            arguments.positional.first().and_then(inline_var)
        }
        _ => None,
    }
}

fn walk_expression(e: &fluent_syntax::ast::Expression<&str>, m: &mut Message) {
    use fluent_syntax::ast::{Expression, VariantKey};
    match e {
        Expression::Inline(e) => walk_inline(e, m),
        Expression::Select { selector, variants } => {
            walk_inline(selector, m);
            let key = |k: &VariantKey<&str>| match k {
                VariantKey::Identifier { name } => name.to_string(),
                VariantKey::NumberLiteral { value } => value.to_string(),
            };
            if let Some(var) = inline_var(selector) {
                m.selects.push(Select {
                    var,
                    keys: variants.iter().map(|v| key(&v.key)).collect(),
                    default: variants.iter().find(|v| v.default).map(|v| key(&v.key)).unwrap_or_default(),
                });
            }
            for v in variants {
                walk_pattern(&v.value, m);
            }
        }
    }
}

fn walk_inline(e: &fluent_syntax::ast::InlineExpression<&str>, m: &mut Message) {
    use fluent_syntax::ast::InlineExpression;
    match e {
        InlineExpression::VariableReference { id } => {
            m.vars.insert(id.name.to_owned());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                walk_inline(a, m);
            }
            for a in &arguments.named {
                walk_inline(&a.value, m);
            }
        }
        InlineExpression::Placeable { expression } => walk_expression(expression, m),
        InlineExpression::StringLiteral { value } => m.texts.push((*value).to_owned()),
        _ => {}
    }
}

/// What is wrong with the locales; empty when all is well. Used by
/// `talimger check` and the tests. See [`audit_sources`] for the rules.
pub fn audit() -> Vec<String> {
    audit_sources(SOURCES)
}

/// What is wrong with these `.ftl` texts, given as (language, file name,
/// text) for `kk` and `ru`:
/// - a syntax error, an id defined twice, an id in one language only, a
///   message whose variables differ between the languages;
/// - a letter written against a variable (a suffix glued to a name);
/// - a Latin letter inside a Cyrillic word, or a word of Latin look-alikes
///   in a Cyrillic text;
/// - a glossary word spelt otherwise than in GLOSSARY.md (a Russian letter
///   where Kazakh has its own, a Latin look-alike, «е» for «ё»), a
///   glossary phrase joined otherwise («ата ана»), a word the glossary
///   replaces («ұстаз», «наставник»);
/// - in Russian, a number (a variable named like `count` or `days`, or one
///   a plural select is on) without a plural select with `[one] [few]
///   [many] *[other]`;
/// - a fallback shared by all roles without a student's variant
///   (`<id>-student`) giving `{ $helplines }`, or a helpline number typed
///   into a text.
pub fn audit_sources(sources: &[(&str, &str, &str)]) -> Vec<String> {
    let parsed = match parse(sources) {
        Ok(p) => p,
        Err(e) => return vec![e],
    };
    let (Some(kk), Some(ru)) = (parsed.get("kk"), parsed.get("ru")) else {
        return vec!["both locales/kk and locales/ru must have messages".to_owned()];
    };
    let mut problems = Vec::new();
    for (id, m) in kk {
        match ru.get(id) {
            None => problems.push(format!("{id}: in kk, missing in ru")),
            Some(r) if r.vars != m.vars => {
                problems.push(format!("{id}: variables differ (kk {:?}, ru {:?})", m.vars, r.vars))
            }
            Some(_) => {}
        }
    }
    for id in ru.keys().filter(|id| !kk.contains_key(*id)) {
        problems.push(format!("{id}: in ru, missing in kk"));
    }
    let glossary = Glossary::new();
    for (lang, messages) in [("kk", kk), ("ru", ru)] {
        for (id, m) in messages {
            let mut say = |what: String| problems.push(format!("{id} ({lang}): {what}"));
            for v in &m.glued {
                say(format!(
                    "a letter is written against {{ ${v} }}; phrase it so that the value stands alone"
                ));
            }
            for text in &m.texts {
                check_script(text, &mut say);
                glossary.check(lang, text, &mut say);
                check_typed_helplines(text, &mut say);
            }
        }
        check_student_fallbacks(lang, messages, &mut problems);
    }
    check_russian_plurals(ru, &mut problems);
    let mut seen = BTreeSet::new();
    problems.retain(|p| seen.insert(p.clone()));
    problems
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{052F}').contains(&c)
}

fn is_latin(c: char) -> bool {
    c.is_alphabetic()
        && (c.is_ascii_alphabetic()
            || ('\u{00C0}'..='\u{02AF}').contains(&c)
            || ('\u{1E00}'..='\u{1EFF}').contains(&c))
}

/// Latin letters that pass for Cyrillic ones (а в с е һ і к м о р т х у…).
const LATIN_LOOKALIKES: &str = "AaBCcEeHhIiKkMOoPpTXxYy";

/// The letters Kazakh has and Russian has not.
const KAZAKH_LETTERS: &str = "әғқңөұүһіӘҒҚҢӨҰҮҺІ";

/// A run of letters in a text, with what stands between it and the
/// previous one.
struct Word<'t> {
    text: &'t str,
    gap: &'t str,
    start: usize,
    end: usize,
}

impl Word<'_> {
    /// `/help`, `/invite`: a command, not a word of the language.
    fn is_command(&self) -> bool {
        self.gap.ends_with('/')
    }
}

fn words(text: &str) -> Vec<Word<'_>> {
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

fn check_script(text: &str, say: &mut impl FnMut(String)) {
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

fn folded(s: &str) -> String {
    s.chars().map(fold).collect()
}

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

struct Glossary {
    terms: BTreeMap<&'static str, Vec<Term>>,
    /// Single words to spell as the glossary does: (stem, folded stem, term).
    spellings: BTreeMap<&'static str, Vec<(String, String, String)>>,
}

impl Glossary {
    fn new() -> Glossary {
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

    fn check(&self, lang: &str, text: &str, say: &mut impl FnMut(String)) {
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
            for (bad_lang, bad, good) in NOT_GLOSSARY {
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

/// Variables that hold how many of something there are.
const NUMBER_VARS: &[&str] = &[
    "count",
    "n",
    "days",
    "hours",
    "minutes",
    "weeks",
    "months",
    "years",
    "uses",
    "times",
    "total",
    "left",
    "places",
    "seats",
    "slots",
    "students",
    "parents",
    "mentors",
    "children",
    "meetings",
    "questions",
    "answers",
];

fn is_number_var(v: &str) -> bool {
    NUMBER_VARS.contains(&v) || v.ends_with("-count") || v.ends_with("_count") || v.starts_with("count-")
}

/// Plural categories (CLDR): a select with one of these keys is on a number.
const PLURAL_KEYS: &[&str] = &["zero", "one", "two", "few", "many", "other"];

fn check_russian_plurals(ru: &BTreeMap<String, Message>, problems: &mut Vec<String>) {
    for (id, m) in ru {
        let on_numbers: Vec<&Select> = m
            .selects
            .iter()
            .filter(|s| s.keys.iter().any(|k| PLURAL_KEYS.contains(&k.as_str()) || k.parse::<f64>().is_ok()))
            .collect();
        for s in &on_numbers {
            let has = |k: &str| s.keys.iter().any(|x| x == k);
            if !(has("one") && has("few") && has("many")) || s.default != "other" {
                problems.push(format!(
                    "{id} (ru): the plural on {{ ${} }} needs [one] [few] [many] *[other] (has {:?}, default {})",
                    s.var, s.keys, s.default
                ));
            }
        }
        for v in m.vars.iter().filter(|v| is_number_var(v)) {
            if !on_numbers.iter().any(|s| s.var == *v) {
                problems.push(format!(
                    "{id} (ru): {{ ${v} }} is a number; Russian needs a plural select on it ([one] [few] [many] *[other])"
                ));
            }
        }
    }
}

/// Fallbacks every role can get; a student gets `<id>-student` instead,
/// which gives the helplines (`{ $helplines }`).
pub const STUDENT_FALLBACKS: &[&str] = &[
    "error-internal",
    "unknown-command",
    "unsupported-message",
    "edited-message",
    "text-not-understood",
    "relay-kind-not-delivered",
    "relay-you-are-blocked",
    "relay-still-blocked",
];

fn check_student_fallbacks(lang: &str, messages: &BTreeMap<String, Message>, problems: &mut Vec<String>) {
    for base in STUDENT_FALLBACKS.iter().filter(|b| messages.contains_key(**b)) {
        let id = format!("{base}-student");
        match messages.get(&id) {
            None => problems
                .push(format!("{base} ({lang}): a student's variant {id} with {{ $helplines }} is missing")),
            Some(m) if !m.vars.contains("helplines") => {
                problems.push(format!("{id} ({lang}): a student's fallback gives {{ $helplines }}"))
            }
            Some(_) => {}
        }
    }
}

/// Emergency and helpline numbers of Kazakhstan: a text names them through
/// `{ $helplines }` (configurable), never typed in.
const HELPLINE_NUMBERS: &[&str] = &["101", "102", "103", "104", "111", "112", "150"];

fn check_typed_helplines(text: &str, say: &mut impl FnMut(String)) {
    for number in text.split(|c: char| !c.is_ascii_digit()).filter(|n| HELPLINE_NUMBERS.contains(n)) {
        say(format!("the number {number} is typed into the text; pass helplines as {{ $helplines }}"));
    }
}

/// The number of messages each language has (for `talimger check`).
pub fn message_count() -> usize {
    catalogue().ok().and_then(|c| c.get("ru").map(|m| m.len())).unwrap_or(0)
}
