//! The locales: the audit (`i18n::audit`) passes on the real texts and
//! catches each kind of mistake in small synthetic ones; no isolation
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
fn a_students_fallbacks_give_the_helplines() {
    for lang in Lang::ALL {
        for base in i18n::STUDENT_FALLBACKS {
            let id = format!("{base}-student");
            let text = i18n::tr_args(lang, &id, vec![("helplines", Arg::from("111, 112"))]);
            assert!(text.ends_with("111, 112."), "{id} in {lang:?}: {text}");
        }
    }
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
fn the_audit_passes_good_texts() {
    assert_eq!(audit(GOOD_KK, GOOD_RU), Vec::<String>::new());
}

#[test]
fn the_audit_catches_an_id_in_one_language_only() {
    let problems = audit(&format!("{GOOD_KK}only-kk = Дайын!\n"), &format!("{GOOD_RU}only-ru = Готово!\n"));
    assert_caught(&problems, "only-kk: in kk, missing in ru");
    assert_caught(&problems, "only-ru: in ru, missing in kk");
}

#[test]
fn the_audit_catches_a_variable_in_one_language_only() {
    let problems = audit("a = Тәлімгеріңіз: { $mentor }.\n", "a = Ваш ментор: { $name }.\n");
    assert_caught(&problems, "a: variables differ");
}

#[test]
fn the_audit_catches_latin_letters_among_cyrillic() {
    // A Latin «о» inside a word, a Latin «с» standing alone, a Latin «і» in Kazakh.
    let problems = audit("a = Сынып чатына жiберіңіз.\n", "a = Сообщение дoставлено. Встреча c ментором.\n");
    assert_caught(&problems, "«дoставлено» has Latin letters (o) inside a Cyrillic word");
    assert_caught(&problems, "«c» is written in Latin letters that look Cyrillic");
    assert_caught(&problems, "«жiберіңіз» has Latin letters (i)");
    // Commands are Latin on purpose.
    assert_eq!(audit("a = /book жіберіңіз.\n", "a = Отправьте /book.\n"), Vec::<String>::new());
}

#[test]
fn the_audit_catches_a_russian_letter_where_kazakh_has_its_own() {
    let cases = [
        ("a = Окушы ретінде қосылдыңыз.", "«Окушы» is the glossary's «оқушы»", "«к» where Kazakh writes «қ»"),
        (
            "a = Кездесуге шакыру жіберілді.",
            "«шакыру» is the glossary's «шақыру»",
            "«к» where Kazakh writes «қ»",
        ),
        (
            "a = Тәлимгеріңізге жазыңыз.",
            "«Тәлимгеріңізге» is the glossary's «тәлімгер»",
            "«и» where Kazakh writes «і»",
        ),
        (
            "a = Уйлестірушіге жазыңыз.",
            "«Уйлестірушіге» is the glossary's «үйлестіруші»",
            "«у» where Kazakh writes «ү»",
        ),
        ("a = Кездесу болды.", "", ""),
        ("a = Хабарламаңыз жеткізілді.", "", ""),
    ];
    for (kk, word, why) in cases.iter().take(4) {
        let problems = audit(&format!("{kk}\n"), "a = Готово.\n");
        assert_caught(&problems, word);
        assert_caught(&problems, &format!("the Russian {why}"));
    }
    // Written right, the same words pass.
    for (kk, _, _) in cases.iter().skip(4) {
        assert_eq!(audit(&format!("{kk}\n"), "a = Готово.\n"), Vec::<String>::new(), "{kk}");
    }
}

#[test]
fn the_audit_catches_a_number_without_a_russian_plural() {
    let kk = "a = { $days } күн қалды.\n";
    assert_caught(&audit(kk, "a = Осталось дней: { $days }.\n"), "{ $days } is a number");
    // A plural select without *[other] (fractions) is caught, whatever the variable's name.
    let ru =
        "a = { $days ->\n    [one] { $days } день\n    [few] { $days } дня\n   *[many] { $days } дней\n}\n";
    assert_caught(&audit(kk, ru), "the plural on { $days } needs [one] [few] [many] *[other]");
    let ru = "a = { $k ->\n    [one] { $k } день\n   *[other] { $k } дня\n}\n";
    assert_caught(&audit("a = { $k } күн\n", ru), "the plural on { $k } needs");
    // Kazakh needs no plural: one form serves.
    let ru = "a = { $days ->\n    [one] { $days } день\n    [few] { $days } дня\n    [many] { $days } дней\n   *[other] { $days } дня\n}\n";
    assert_eq!(audit(kk, ru), Vec::<String>::new());
}

#[test]
fn the_audit_catches_a_glossary_term_written_otherwise() {
    let problems = audit(
        "a = Ата ана кездесу туралы хабар алады. Ұстазыңызға жазыңыз. Еске-салу келеді.\n",
        "a = Откройте ссылку приглашение. Напишите наставнику. Ваш отчет готов. Выберите слот.\n",
    );
    assert_caught(&problems, "«Ата ана»: the glossary writes «ата-ана»");
    assert_caught(&problems, "«Еске-салу»: the glossary writes «еске салу»");
    assert_caught(&problems, "«хабар» is not the glossary's word");
    assert_caught(&problems, "«Ұстазыңызға» is not the glossary's word; it says «тәлімгер»");
    assert_caught(&problems, "«ссылку приглашение»: the glossary writes «ссылка-приглашение»");
    assert_caught(&problems, "«наставнику» is not the glossary's word; it says «ментор»");
    assert_caught(&problems, "«отчет» is the glossary's «отчёт» written with «е» for «ё»");
    assert_caught(&problems, "«слот» is not the glossary's word");
    // «хабарлама» and «хабарласыңыз» are other words.
    let fine =
        audit("a = Хабарлама жеткізілді, үйлестірушіге хабарласыңыз.\n", "a = Сообщение доставлено.\n");
    assert_eq!(fine, Vec::<String>::new());
}

#[test]
fn the_emergency_service_is_the_glossarys_zhedel_qyzmet() {
    // «жедел» alone is an urgent alert's wrong word; «жедел қызмет» is 112.
    let fine = audit("a = 112 — жедел қызмет.\n", "a = 112 — экстренная служба.\n");
    assert!(!fine.iter().any(|p| p.contains("жедел")), "{fine:#?}");
    assert_caught(&audit("a = Жедел хабарлама.\n", "a = Срочно.\n"), "«Жедел» is not the glossary's word");
}

#[test]
fn the_glossary_is_embedded() {
    let rows = i18n::glossary();
    assert_eq!(rows.len(), 34, "every row of GLOSSARY.md");
    let row = |concept: &str| rows.iter().find(|r| r.0 == concept).cloned().expect(concept);
    assert_eq!(row("mentor").1, ["тәлімгер"]);
    assert_eq!(row("parent").1, ["ата-ана", "ата-анасы"]);
    assert_eq!(row("held / did not come").2, ["состоялась", "не пришёл"]);
    assert_eq!(row("cancel").1, ["болдырмау"]);
    assert_eq!(row("mum or dad (one person)").2, ["мама или папа"]);
}

#[test]
fn the_audit_catches_a_suffix_glued_to_a_variable() {
    let problems = audit("a = { $name }ға жазыңыз.\n", "a = Напишите: { $name }.\n");
    assert_caught(&problems, "a (kk): a letter is written against { $name }");
}

#[test]
fn the_audit_wants_a_students_fallback_with_helplines() {
    let kk = "unknown-command = Мұндай команда жоқ.\n";
    let ru = "unknown-command = Такой команды нет.\n";
    assert_caught(
        &audit(kk, ru),
        "a student's variant unknown-command-student with { $helplines } is missing",
    );
    let kk = format!("{kk}unknown-command-student = Мұндай команда жоқ.\n");
    let ru = format!("{ru}unknown-command-student = Такой команды нет.\n");
    assert_caught(
        &audit(&kk, &ru),
        "unknown-command-student (kk): a student's fallback gives { $helplines }",
    );
    let problems = audit("a = Сенім телефоны: 111.\n", "a = Телефон доверия: { $helplines }.\n");
    assert_caught(&problems, "the number 111 is typed into the text");
}

#[test]
fn the_audit_catches_russian_names_after_ot_and_gender_hedges() {
    let kk =
        "a = Оқушының хабарламасы: { $name }\nb = Дайын.\nc = Дайын.\nd = Дайын.\ne = Дайын: { $name }.\n";
    let ru = "a = Сообщение от { $name }\nb = Встреча отменена. Отменил(а): Ерлан\nc = Не пришёл(-ла)\nd = Сейчас тихие часы, он или она увидит его утром.\ne = Напишите ему или ей.\n";
    let problems = audit(kk, ru);
    assert_caught(&problems, "a (ru): «от { $… }»");
    assert_caught(&problems, "b (ru): «(а)» hedges a gender");
    assert_caught(&problems, "c (ru): «(-ла)» hedges a gender");
    assert_caught(&problems, "d (ru): «он или она» hedges a gender");
    assert_caught(&problems, "e (ru): «ему или ей» hedges a gender");
    assert_caught(&problems, "b (ru): «л(а)» hedges an ending in brackets");
    // A label, the present tense and «от» before a number pass.
    let ru = "a = Сообщение ученика: { $name }\nb = Встреча отменена. Кто отменил: Ерлан\nc = Не пришли на встречу\nd = Ментор получит его утром.\ne = Число от 1 до { $name }.\n";
    assert_eq!(audit(kk, ru), Vec::<String>::new());
}

#[test]
fn the_audit_catches_kazakh_that_reads_as_a_translation() {
    let ru = "a = Готово.\nb = Готово: { $name }.\nsos-c = Готово.\nd = Готово.\n";
    let kk = "a = Кездесу болдырылмады.\nb = Алдағы 14 күн: { $name } бос уақыт.\nsos-c = Белгі жіберілді.\nd = Хабарламаға Reply арқылы жауап беріңіз.\n";
    let problems = audit(kk, ru);
    assert_caught(&problems, "a (kk): «болдырылма…» reads as a negation");
    assert_caught(&problems, "b (kk): «бос уақыт» is not counted");
    assert_caught(&problems, "sos-c (kk): an SOS is «шұғыл хабарлама»");
    assert_caught(&problems, "d (kk): «Reply» is a Latin word in a Kazakh sentence");
    // Said as Kazakh, with commands, their arguments, «QR-код», a file name
    // and «(Reply)», the same texts pass.
    let kk = "a = Кездесу өтпейді. Бұл кездесуді болдырмау керек пе?\nb = { $name } кездесуге бос уақыт бар. Қосу: /slots weekly change 5 2 16:00 — 5-ережені өзгерту\nsos-c = Шұғыл хабарлама жіберілді. QR-кодты көрсетіңіз.\nd = Хабарламаны басып, «Жауап беру» (Reply) таңдаңыз. Файл: шақыру.png\n";
    assert_eq!(audit(kk, ru), Vec::<String>::new());
}

/// Every message id the code names (in `t!` calls and command menus) exists.
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

#[test]
fn the_audit_wants_the_helplines_named_by_their_list() {
    // «телефон доверия: 111 — телефон доверия…, 112 — экстренная служба»
    // says it twice, and calls 112 a trust line.
    let problems = audit(
        "a = Сенім телефонына қоңырау шалыңыз: { $helplines }.\n",
        "a = Звоните на телефон доверия: { $helplines }.\n",
    );
    assert_caught(&problems, "a (kk): { $helplines } says what each number is");
    assert_caught(&problems, "a (ru): { $helplines } says what each number is");
    let problems = audit("a = Қоңырау шалыңыз: { $helplines }.\n", "a = Звоните: { $helplines }.\n");
    assert!(!problems.iter().any(|p| p.contains("says what each number is")), "{problems:#?}");
    // Without the list, the words are fine (the mentor's flag).
    let problems =
        audit("a = Оқушыға сенім телефоны жіберілді.\n", "a = Ученику отправлен телефон доверия.\n");
    assert!(!problems.iter().any(|p| p.contains("says what each number is")), "{problems:#?}");
}

#[test]
fn the_default_helplines_read_with_what_each_is() {
    use talimger::domain::helplines::{Helpline, Helplines};
    let defaults =
        Helplines::new(["111", "112"].map(|n| Helpline { number: n.to_owned(), label: None }).to_vec());
    let kk =
        talimger::t!(Lang::Kk, "crisis-helplines", helplines = defaults.text(Lang::Kk), emergency = "112");
    assert!(
        kk.contains("қоңырау шалыңыз: 111 — балалар мен отбасыларға арналған сенім телефоны, 112 — жедел қызмет. Онда тәулік бойы тегін жауап береді."),
        "{kk}"
    );
    let ru =
        talimger::t!(Lang::Ru, "sos-ask-what-parent", helplines = defaults.text(Lang::Ru), emergency = "112");
    assert!(
        ru.ends_with("звоните 112. Круглосуточная помощь по телефону: 111 — телефон доверия для детей и семей, 112 — экстренная служба."),
        "{ru}"
    );
}

#[test]
fn a_booking_too_soon_names_the_lead_as_the_reminders_do() {
    use chrono::Duration;
    use talimger::domain::reminders::Left;
    use talimger::kit::meeting::left_text;
    let soon = |lang: Lang, lead: Duration| {
        talimger::t!(lang, "sched-refused-soon", lead = left_text(lang, Left::of_lead(lead)))
    };
    assert!(
        soon(Lang::Ru, Duration::days(2)).starts_with("Записаться можно не позже чем за 2 дня до встречи.")
    );
    assert!(
        soon(Lang::Ru, Duration::hours(1)).starts_with("Записаться можно не позже чем за 1 час до встречи.")
    );
    assert!(
        soon(Lang::Ru, Duration::minutes(90))
            .starts_with("Записаться можно не позже чем за 90 минут до встречи.")
    );
    assert!(
        soon(Lang::Ru, Duration::hours(24))
            .starts_with("Записаться можно не позже чем за 24 часа до встречи.")
    );
    assert!(soon(Lang::Kk, Duration::days(2)).starts_with("Кездесуге кемінде 2 күн бұрын жазылуға болады."));
    assert!(
        soon(Lang::Kk, Duration::minutes(90))
            .starts_with("Кездесуге кемінде 90 минут бұрын жазылуға болады.")
    );
}
