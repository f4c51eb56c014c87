//! The locales: same ids and variables in both languages, no isolation
//! marks, Russian plurals right, every id the code uses exists.

use std::collections::BTreeSet;
use talimger::domain::Lang;
use talimger::i18n::{self, Arg};

#[test]
fn both_locales_have_the_same_messages_and_variables() {
    assert_eq!(i18n::audit(), Vec::<String>::new());
    assert!(i18n::message_count() > 40);
}

#[test]
fn every_locale_file_is_embedded() {
    let embedded: BTreeSet<String> = i18n::SOURCES.iter().map(|(l, f, _)| format!("{l}/{f}")).collect();
    let mut on_disk = BTreeSet::new();
    for lang in ["kk", "ru"] {
        for entry in
            std::fs::read_dir(format!("{}/locales/{lang}", env!("CARGO_MANIFEST_DIR"))).expect("locales")
        {
            let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
            if name.ends_with(".ftl") {
                on_disk.insert(format!("{lang}/{name}"));
            }
        }
    }
    assert_eq!(embedded, on_disk);
}

#[test]
fn no_isolation_marks_in_any_message() {
    let catalogue = i18n::catalogue().expect("parses");
    for (lang, messages) in catalogue {
        let lang: Lang = lang.parse().expect("kk or ru");
        for (id, vars) in messages {
            let args = vars.iter().map(|v| (leak(v), Arg::Num(3))).collect();
            let text = i18n::tr_args(lang, &id, args);
            assert!(!text.contains(['\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}']), "{id} in {lang:?}");
            assert_ne!(text, id, "{id} renders in {lang:?}");
        }
    }
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

#[test]
fn russian_plurals_read_right() {
    let days = |n: i64| talimger::t!(Lang::Ru, "invite-days-button", count = n);
    assert_eq!(
        [1, 2, 5, 11, 21].map(days),
        ["1 день", "2 дня", "5 дней", "11 дней", "21 день"].map(String::from)
    );
    let class = |n: i64| talimger::t!(Lang::Ru, "invite-link-class", uses = n, days = n, link = "L");
    assert!(class(1).starts_with("Ссылка для класса: до 1 ученика, действует 1 день."), "{}", class(1));
    assert!(class(2).starts_with("Ссылка для класса: до 2 учеников, действует 2 дня."), "{}", class(2));
    assert!(class(5).starts_with("Ссылка для класса: до 5 учеников, действует 5 дней."), "{}", class(5));
    assert!(class(11).starts_with("Ссылка для класса: до 11 учеников, действует 11 дней."), "{}", class(11));
    assert!(class(21).starts_with("Ссылка для класса: до 21 ученика, действует 21 день."), "{}", class(21));
    let children = |n: i64| talimger::t!(Lang::Ru, "joined-parent-more", student = "Дана", count = n);
    assert!(children(2).ends_with("Теперь у вас в программе 2 ребёнка."), "{}", children(2));
    assert!(children(5).ends_with("Теперь у вас в программе 5 детей."), "{}", children(5));
    // Kazakh keeps the noun singular after a number.
    assert_eq!(talimger::t!(Lang::Kk, "invite-days-button", count = 21i64), "21 күн");
    let kk = talimger::t!(Lang::Kk, "joined-parent-more", student = "Дана", count = 2i64);
    assert!(kk.ends_with("Енді бағдарламада 2 балаңыз бар."), "{kk}");
}


#[test]
fn the_parent_invite_speaks_of_mum_dad_or_guardian() {
    let kk = talimger::t!(Lang::Kk, "invite-link-parent", days = 7i64, link = "L");
    assert!(kk.starts_with("Анаңызға, әкеңізге немесе қамқоршыңызға арналған"), "{kk}");
    assert!(kk.contains("бір адамға ғана"), "one link, one person: {kk}");
    assert!(kk.contains("маған /invite командасын қайта жіберіңіз"), "the command goes to the bot: {kk}");
    let ru = talimger::t!(Lang::Ru, "invite-link-parent", days = 7i64, link = "L");
    assert!(ru.starts_with("Ссылка-приглашение для мамы, папы или опекуна."), "{ru}");
    assert!(ru.contains("только одному человеку"), "{ru}");
}

/// The audit of two small synthetic locales.
fn audit(kk: &str, ru: &str) -> Vec<String> {
    i18n::audit_sources(&[("kk", "test.ftl", kk), ("ru", "test.ftl", ru)])
}

#[track_caller]
fn assert_caught(problems: &[String], needle: &str) {
    assert!(
        problems.iter().any(|p| p.contains(needle)),
        "expected a problem with «{needle}» in {problems:#?}"
    );
}

const GOOD_KK: &str = "\
hello = Сәлеметсіз бе, { $name }! Тәлімгеріңізге жазыңыз.
meetings = Бүгін { $count } кездесу бар.
";
const GOOD_RU: &str = "\
hello = Здравствуйте, { $name }! Напишите ментору.
meetings = Сегодня { $count ->
    [one] { $count } встреча
    [few] { $count } встречи
    [many] { $count } встреч
   *[other] { $count } встречи
    }.
";

#[test]
fn every_id_the_code_uses_exists() {
    let catalogue = i18n::catalogue().expect("parses");
    let known = &catalogue["ru"];
    let mut used = BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).expect("dir").map(|e| e.expect("entry").path()));
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("source");
        for (i, _) in source.match_indices("t!(") {
            // The id is the first string literal after the language.
            let rest = &source[i..];
            let Some(open) = rest.find('"') else { continue };
            let Some(len) = rest[open + 1..].find('"') else { continue };
            let id = &rest[open + 1..open + 1 + len];
            if id.chars().all(|c| c.is_ascii_lowercase() || c == '-') && id.contains('-') {
                used.insert(id.to_owned());
            }
        }
        for word in source.split('"') {
            if word.starts_with("cmd-") || word.starts_with("role-") || word.starts_with("help-") {
                used.insert(word.to_owned());
            }
        }
    }
    assert!(used.len() > 30, "the scan finds the ids ({})", used.len());
    let missing: Vec<_> = used.iter().filter(|id| !known.contains_key(*id)).collect();
    assert!(missing.is_empty(), "ids used in code but missing in locales: {missing:?}");
}
