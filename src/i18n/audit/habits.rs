//! Habits that break a template or read as a translation (GLOSSARY.md,
//! «Grammar that breaks templates» and «Habits that keep the Kazakh
//! Kazakh»):
//! - Russian: no «от { $name }» (the name would need the genitive), no
//!   gender hedges («Записан(а)», «пришёл(-ла)», «он или она», «ему или
//!   ей»): say «Кто записан: …», «ментор получит», «ученику»;
//! - Kazakh: no «болдырылма…» or «болдырмай…» (read as a negation: say
//!   «Кездесу өтпейді», «…болдырмау керек пе?»); «бос уақыт» is not
//!   counted (count meetings: «4 кездесуге бос уақыт»); an SOS is «шұғыл
//!   хабарлама», never «белгі»; no Latin word in a sentence.
//!
//! Latin in Kazakh: a command (`/slots`) and the words that follow it as
//! its arguments (`/slots weekly change`) are typed as they are; besides
//! those only «QR» (in «QR-код»), a file name's extension («шақыру.png»)
//! and «Reply» in «(Reply)», which names the Telegram menu item after its
//! Kazakh name («Жауап беру» (Reply)) for phones set to English.

use super::ftl::HOLE;
use super::script::{is_latin, words};

/// Russian phrases that hedge a gender.
const RU_HEDGES: &[&str] = &["(а)", "(-а)", "(-ла)", "(ла)", "он или она", "ему или ей", "его или её"];

/// Kazakh forms of «болдырмау» that read as "did not / does not happen".
const KK_NEGATION_READS: &[&str] = &["болдырылма", "болдырмай"];

pub(super) fn check_habits(lang: &str, id: &str, text: &str, say: &mut impl FnMut(String)) {
    let lower = text.to_lowercase();
    match lang {
        "ru" => {
            if ru_from_a_variable(&lower) {
                say("«от { $… }»: a name after «от» needs the genitive; use a label («Сообщение ученика: { $name }»)".to_owned());
            }
            for h in RU_HEDGES.iter().filter(|h| lower.contains(**h)) {
                say(format!(
                    "«{h}» hedges a gender; use a form that needs none («Кто записал: …», present tense, «ментор»)"
                ));
            }
            if let Some(h) = glued_ending(text) {
                say(format!("«{h}» hedges an ending in brackets; use a form that needs none"));
            }
        }
        "kk" => {
            for w in KK_NEGATION_READS.iter().filter(|w| lower.contains(**w)) {
                say(format!(
                    "«{w}…» reads as a negation; in a sentence say «Кездесу өтпейді» or «…болдырмау керек пе?»"
                ));
            }
            if kk_counted_free_time(&lower) {
                say("«бос уақыт» is not counted; count meetings («4 кездесуге бос уақыт»)".to_owned());
            }
            if id.starts_with("sos-") && lower.contains("белгі") {
                say("an SOS is «шұғыл хабарлама», not «белгі» (a mark)".to_owned());
            }
            kk_latin_words(text, say);
        }
        _ => {}
    }
}

/// «от» as a word, followed by a placeable.
fn ru_from_a_variable(lower: &str) -> bool {
    let needle = format!("от {HOLE}");
    lower
        .match_indices(&needle)
        .any(|(i, _)| !lower[..i].chars().next_back().is_some_and(char::is_alphabetic))
}

/// A letter right before a bracketed ending: «Записан(а)», «ученик(ца)».
fn glued_ending(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    for (i, w) in chars.windows(2).enumerate() {
        if w[0].is_alphabetic() && w[1] == '(' {
            let rest: String = chars[i + 2..].iter().take_while(|c| **c != ')').collect();
            let letters = rest.trim_start_matches('-');
            if !letters.is_empty() && letters.chars().count() <= 3 && letters.chars().all(char::is_alphabetic)
            {
                return Some(format!("{}({rest})", w[0]));
            }
        }
    }
    None
}

/// A number or a placeable right before «бос уақыт».
fn kk_counted_free_time(lower: &str) -> bool {
    lower
        .match_indices(" бос уақыт")
        .any(|(i, _)| lower[..i].chars().next_back().is_some_and(|c| c.is_ascii_digit() || c == HOLE))
}

fn kk_latin_words(text: &str, say: &mut impl FnMut(String)) {
    let all = words(text);
    // Whether the word is a command or one of its arguments.
    let mut in_command = false;
    for w in &all {
        let latin_only = w.text.chars().all(is_latin);
        let argument = in_command && !w.gap.contains(['\n', '—', '.', ',', ':', ';', '(', '«']);
        in_command = w.is_command() || (argument && latin_only);
        if !latin_only || in_command {
            continue;
        }
        let after = &text[w.end..];
        let allowed = (w.text == "QR" && after.starts_with('-'))
            || (w.text == "Reply" && w.gap.ends_with('(') && after.starts_with(')'))
            || (w.gap == "." && w.start > 0 && after.chars().next().is_none_or(|c| !c.is_alphabetic()));
        if !allowed {
            say(format!(
                "«{}» is a Latin word in a Kazakh sentence; only commands, «QR», a file's extension and «(Reply)» may be",
                w.text
            ));
        }
    }
}
