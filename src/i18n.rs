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
    ("ru", "common.ftl", include_str!("../locales/ru/common.ftl")),
    ("ru", "onboarding.ftl", include_str!("../locales/ru/onboarding.ftl")),
    ("ru", "invite.ftl", include_str!("../locales/ru/invite.ftl")),
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
    use fluent_syntax::ast::Entry;
    let mut out: BTreeMap<&str, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (lang, file, text) in SOURCES {
        let resource = fluent_syntax::parser::parse(*text).map_err(|(_, errors)| {
            format!("locales/{lang}/{file}: {} syntax error(s): {errors:?}", errors.len())
        })?;
        let messages = out.entry(lang).or_default();
        for entry in resource.body {
            if let Entry::Message(m) = entry {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern_vars(p, &mut vars);
                }
                for a in &m.attributes {
                    pattern_vars(&a.value, &mut vars);
                }
                if messages.insert(m.id.name.to_owned(), vars).is_some() {
                    return Err(format!("locales/{lang}/{file}: message {} is defined twice", m.id.name));
                }
            }
        }
    }
    Ok(out)
}

fn pattern_vars(p: &fluent_syntax::ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    use fluent_syntax::ast::{Expression, PatternElement};
    for el in &p.elements {
        if let PatternElement::Placeable { expression } = el {
            match expression {
                Expression::Inline(e) => inline_vars(e, vars),
                Expression::Select { selector, variants } => {
                    inline_vars(selector, vars);
                    for v in variants {
                        pattern_vars(&v.value, vars);
                    }
                }
            }
        }
    }
}

fn inline_vars(e: &fluent_syntax::ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    use fluent_syntax::ast::{Expression, InlineExpression};
    match e {
        InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, vars);
            }
            for a in &arguments.named {
                inline_vars(&a.value, vars);
            }
        }
        InlineExpression::Placeable { expression } => match &**expression {
            Expression::Inline(e) => inline_vars(e, vars),
            Expression::Select { selector, variants } => {
                inline_vars(selector, vars);
                for v in variants {
                    pattern_vars(&v.value, vars);
                }
            }
        },
        _ => {}
    }
}

/// What is wrong with the locales: syntax errors, ids present in one
/// language only, a message whose variables differ between languages.
/// Empty when all is well. Used by `talimger check` and the tests.
pub fn audit() -> Vec<String> {
    let cat = match catalogue() {
        Ok(c) => c,
        Err(e) => return vec![e],
    };
    let (Some(kk), Some(ru)) = (cat.get("kk"), cat.get("ru")) else {
        return vec!["both locales/kk and locales/ru must have messages".to_owned()];
    };
    let mut problems = Vec::new();
    for (id, vars) in kk {
        match ru.get(id) {
            None => problems.push(format!("{id}: in kk, missing in ru")),
            Some(rv) if rv != vars => {
                problems.push(format!("{id}: variables differ (kk {vars:?}, ru {rv:?})"))
            }
            Some(_) => {}
        }
    }
    for id in ru.keys().filter(|id| !kk.contains_key(*id)) {
        problems.push(format!("{id}: in ru, missing in kk"));
    }
    problems
}

/// The number of messages each language has (for `talimger check`).
pub fn message_count() -> usize {
    catalogue().ok().and_then(|c| c.get("ru").map(|m| m.len())).unwrap_or(0)
}
