//! The one way to get user-visible text. Fluent files from `locales/kk` and
//! `locales/ru` are embedded in the binary; Unicode isolation marks are off
//! (Telegram clients show them as stray characters).

use crate::domain::Lang;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

mod audit;
pub use audit::{SOURCES, STUDENT_FALLBACKS, audit, audit_sources, catalogue, glossary, message_count};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "ru",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

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
