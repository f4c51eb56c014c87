//! The locale audit: what `talimger check` and the tests hold every `.ftl`
//! text to (the same ids and variables in both languages, whole sentences,
//! one script per word, the glossary's words, Russian plurals, the
//! helplines). The bot itself never runs it.

mod ftl;
mod glossary;
mod habits;
mod script;

pub use glossary::glossary;

use ftl::{Message, Select, parse};
use glossary::Glossary;
use habits::check_habits;
use script::check_script;
use std::collections::{BTreeMap, BTreeSet};

/// Every `.ftl` file, embedded again as text for [`audit`]; a test checks
/// that this list matches the files on disk.
pub const SOURCES: &[(&str, &str, &str)] = &[
    ("kk", "common.ftl", include_str!("../../../locales/kk/common.ftl")),
    ("kk", "onboarding.ftl", include_str!("../../../locales/kk/onboarding.ftl")),
    ("kk", "invite.ftl", include_str!("../../../locales/kk/invite.ftl")),
    ("kk", "relay.ftl", include_str!("../../../locales/kk/relay.ftl")),
    ("kk", "quiet.ftl", include_str!("../../../locales/kk/quiet.ftl")),
    ("kk", "mentees.ftl", include_str!("../../../locales/kk/mentees.ftl")),
    ("kk", "mentors.ftl", include_str!("../../../locales/kk/mentors.ftl")),
    ("kk", "sos.ftl", include_str!("../../../locales/kk/sos.ftl")),
    ("kk", "crisis.ftl", include_str!("../../../locales/kk/crisis.ftl")),
    ("kk", "scheduling.ftl", include_str!("../../../locales/kk/scheduling.ftl")),
    ("kk", "reminders.ftl", include_str!("../../../locales/kk/reminders.ftl")),
    ("kk", "radar.ftl", include_str!("../../../locales/kk/radar.ftl")),
    ("kk", "stats.ftl", include_str!("../../../locales/kk/stats.ftl")),
    ("kk", "export.ftl", include_str!("../../../locales/kk/export.ftl")),
    ("kk", "broadcast.ftl", include_str!("../../../locales/kk/broadcast.ftl")),
    ("kk", "privacy.ftl", include_str!("../../../locales/kk/privacy.ftl")),
    ("ru", "common.ftl", include_str!("../../../locales/ru/common.ftl")),
    ("ru", "onboarding.ftl", include_str!("../../../locales/ru/onboarding.ftl")),
    ("ru", "invite.ftl", include_str!("../../../locales/ru/invite.ftl")),
    ("ru", "relay.ftl", include_str!("../../../locales/ru/relay.ftl")),
    ("ru", "quiet.ftl", include_str!("../../../locales/ru/quiet.ftl")),
    ("ru", "mentees.ftl", include_str!("../../../locales/ru/mentees.ftl")),
    ("ru", "mentors.ftl", include_str!("../../../locales/ru/mentors.ftl")),
    ("ru", "sos.ftl", include_str!("../../../locales/ru/sos.ftl")),
    ("ru", "crisis.ftl", include_str!("../../../locales/ru/crisis.ftl")),
    ("ru", "scheduling.ftl", include_str!("../../../locales/ru/scheduling.ftl")),
    ("ru", "reminders.ftl", include_str!("../../../locales/ru/reminders.ftl")),
    ("ru", "radar.ftl", include_str!("../../../locales/ru/radar.ftl")),
    ("ru", "stats.ftl", include_str!("../../../locales/ru/stats.ftl")),
    ("ru", "export.ftl", include_str!("../../../locales/ru/export.ftl")),
    ("ru", "broadcast.ftl", include_str!("../../../locales/ru/broadcast.ftl")),
    ("ru", "privacy.ftl", include_str!("../../../locales/ru/privacy.ftl")),
];

/// Message ids with the variables each uses, per language.
pub fn catalogue() -> Result<BTreeMap<&'static str, BTreeMap<String, BTreeSet<String>>>, String> {
    Ok(parse(SOURCES)?
        .into_iter()
        .map(|(lang, messages)| (lang, messages.into_iter().map(|(id, m)| (id, m.vars)).collect()))
        .collect())
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
///   into a text, or a text that calls `{ $helplines }` «телефон доверия» /
///   «сенім телефоны» (the list says what each number is: «111 — телефон
///   доверия для детей и семей, 112 — экстренная служба»);
/// - a habit that breaks a template or reads as a translation (see
///   [`habits`]): in Russian «от { $name }» and gender hedges («(а)»,
///   «(-ла)», «он или она», «ему или ей»); in Kazakh «болдырылма…»,
///   a counted «бос уақыт», «белгі» for an SOS, a Latin word that is not a
///   command.
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
                if m.vars.contains("helplines") {
                    check_helplines_named_once(lang, text, &mut say);
                }
                check_habits(lang, id, text, &mut say);
            }
        }
        check_student_fallbacks(lang, messages, &mut problems);
    }
    check_russian_plurals(ru, &mut problems);
    let mut seen = BTreeSet::new();
    problems.retain(|p| seen.insert(p.clone()));
    problems
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
    "sched-no-mentor",
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

/// A text with `{ $helplines }` does not name them itself: each number
/// comes with what it is (`domain::helplines`), and not every helpline is
/// a trust line (112 is the emergency service).
fn check_helplines_named_once(lang: &str, text: &str, say: &mut impl FnMut(String)) {
    let lower = text.to_lowercase();
    let named = match lang {
        "ru" => lower.contains("телефон доверия") || lower.contains("телефону доверия"),
        _ => lower.contains("сенім телефон"),
    };
    if named {
        say("{ $helplines } says what each number is; do not call them «телефон доверия» / «сенім телефоны» (e.g. «звоните: { $helplines }»)".to_owned());
    }
}

/// The number of messages each language has (for `talimger check`).
pub fn message_count() -> usize {
    catalogue().ok().and_then(|c| c.get("ru").map(|m| m.len())).unwrap_or(0)
}
