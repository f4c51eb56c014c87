//! What the intake reads of an update without handling it: its id, its
//! sender (the key its chat is handled under) and language, its kind.

use crate::domain::Lang;
use serde::Deserialize;
use std::collections::HashMap;
use teloxide::prelude::*;
use teloxide::types::UpdateKind;

#[derive(Deserialize)]
pub(super) struct Peek {
    pub(super) update_id: i64,
    #[serde(flatten)]
    pub(super) rest: HashMap<String, serde_json::Value>,
}

pub(super) fn sender_id(update: &Update) -> Option<i64> {
    let private = update.chat().is_none_or(|c| c.is_private());
    update.from().filter(|u| !u.is_bot && private).and_then(|u| i64::try_from(u.id.0).ok())
}

pub(super) fn callback_of(update: &Update) -> Option<String> {
    match &update.kind {
        UpdateKind::CallbackQuery(q) => Some(q.id.0.clone()),
        _ => None,
    }
}

/// The key a raw update's chat is handled under (its sender, else its
/// chat; 0 for neither), and the sender's Telegram language.
pub(super) fn sender_of(rest: &HashMap<String, serde_json::Value>) -> (i64, Option<Lang>) {
    for body in rest.values() {
        let from = body.get("from");
        let id = from
            .and_then(|f| f.get("id"))
            .or_else(|| body.get("chat").and_then(|c| c.get("id")))
            .and_then(serde_json::Value::as_i64);
        if let Some(id) = id {
            let lang = from.and_then(|f| f.get("language_code")).and_then(|l| l.as_str());
            return (id, Lang::from_telegram(lang));
        }
    }
    (0, None)
}

/// The kind of an update (its second key), for logs that carry no contents.
pub(super) fn kind_of(raw: &str) -> String {
    serde_json::from_str::<Peek>(raw)
        .ok()
        .and_then(|p| p.rest.keys().next().cloned())
        .unwrap_or_else(|| "unknown".into())
}

/// The Bot API's name of a parsed update's kind (`message`…), as far as
/// the metrics tell kinds apart.
pub(super) fn kind_of_update(update: &teloxide::types::Update) -> &'static str {
    use teloxide::types::UpdateKind;
    match update.kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::EditedMessage(_) => "edited_message",
        UpdateKind::CallbackQuery(_) => "callback_query",
        _ => "other",
    }
}

/// The sender of an update in a private chat, read from its raw JSON.
pub(super) fn private_sender(raw: &str) -> Option<i64> {
    let peek = serde_json::from_str::<Peek>(raw).ok()?;
    let body = peek.rest.values().next()?;
    let chat_type = body.get("chat").or_else(|| body.get("message").and_then(|m| m.get("chat")));
    let private =
        chat_type.and_then(|c| c.get("type")).and_then(|t| t.as_str()).is_none_or(|t| t == "private");
    let from = body.get("from")?;
    let is_bot = from.get("is_bot").and_then(serde_json::Value::as_bool).unwrap_or(false);
    (private && !is_bot).then(|| from.get("id").and_then(serde_json::Value::as_i64)).flatten()
}

pub(super) fn language_of(raw: &str) -> Option<Lang> {
    let peek = serde_json::from_str::<Peek>(raw).ok()?;
    sender_of(&peek.rest).1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_updates_tell_their_sender() {
        let raw = r#"{"update_id":5,"message":{"message_id":1,"date":0,"chat":{"id":42,"type":"private"},
            "from":{"id":42,"is_bot":false,"first_name":"A","language_code":"kk"},"text":"hi"}}"#;
        let peek: Peek = serde_json::from_str(raw).expect("parses");
        assert_eq!(sender_of(&peek.rest), (42, Some(Lang::Kk)));
        assert_eq!(kind_of(raw), "message");
        assert_eq!(private_sender(raw), Some(42));
        let channel =
            r#"{"update_id":6,"channel_post":{"message_id":1,"date":0,"chat":{"id":-100,"type":"channel"}}}"#;
        let peek: Peek = serde_json::from_str(channel).expect("parses");
        assert_eq!(sender_of(&peek.rest), (-100, None));
        assert_eq!(private_sender(channel), None);
    }
}
