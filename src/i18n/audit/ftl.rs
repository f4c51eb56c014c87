//! The `.ftl` texts read for the audit: each message's variables, its
//! texts, its selects and the variables written against a letter.

use std::collections::{BTreeMap, BTreeSet};

/// What the audit needs to know of one message.
#[derive(Default)]
pub(super) struct Message {
    pub(super) vars: BTreeSet<String>,
    /// The message's text with each placeable as [`HOLE`]; each variant of
    /// a select is a text of its own.
    pub(super) texts: Vec<String>,
    /// Every select on a variable.
    pub(super) selects: Vec<Select>,
    /// Variables written right against a letter (`{ $name }ға`).
    pub(super) glued: BTreeSet<String>,
}

pub(super) struct Select {
    pub(super) var: String,
    pub(super) keys: Vec<String>,
    pub(super) default: String,
}

/// Stands for a placeable in [`Message::texts`]: not a letter, so no word
/// runs through it.
pub(super) const HOLE: char = '\u{FFFC}';

pub(super) type Parsed<'s> = BTreeMap<&'s str, BTreeMap<String, Message>>;

/// Every message of these texts, per language; a syntax error or an id
/// defined twice is an error.
pub(super) fn parse<'s>(sources: &[(&'s str, &str, &'s str)]) -> Result<Parsed<'s>, String> {
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
