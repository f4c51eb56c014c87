//! What an outbox item asks Telegram to do, typed: a request is made from
//! one of teloxide's request payloads (`SendMessage`, `CopyMessage`,
//! `EditMessageText`, `SetMessageReaction`…), whose `Payload::NAME` is the
//! method and whose serialisation is the body. What the sender does
//! besides the request — the request to make instead when Telegram refuses
//! it, the line for a writer whose recipient is unreachable — are typed
//! fields of the item ([`super::NewItem`]), stored in columns of their own,
//! never inside the Telegram payload.

use serde::Serialize;
use teloxide::requests::Payload;
use teloxide::types::InputFile;

/// A Bot API request: the method and its parameters, `chat_id` included.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub method: String,
    pub body: serde_json::Value,
    /// A file uploaded with the request (multipart).
    pub file: Option<Upload>,
}

/// A file sent with a request (multipart upload).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    /// The multipart part's name: the body refers to it as `attach://<field>`.
    pub field: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A line for someone else when an item's recipient is unreachable (403):
/// the writer of a message its recipient will not get. Queued once each
/// time the recipient becomes unreachable (`Tx::notify_unreachable`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub chat_id: i64,
    pub text: String,
}

impl Request {
    /// The request of a teloxide payload.
    pub fn of<P: Payload + Serialize>(payload: &P) -> Request {
        Request { method: method_of::<P>(), body: body_of(payload), file: None }
    }

    /// A request that uploads a file: `make` puts the file into the payload
    /// (`SendDocument::new(chat, file)`), which refers to it by an
    /// `attach://` name; the bytes travel beside the body.
    pub fn upload<P: Payload + Serialize>(
        name: &str,
        bytes: Vec<u8>,
        make: impl FnOnce(InputFile) -> P,
    ) -> Request {
        let payload = make(InputFile::memory(bytes.clone()).file_name(name.to_owned()));
        let body = body_of(&payload);
        let field = attached(&body).unwrap_or_default();
        Request { method: method_of::<P>(), body, file: Some(Upload { field, name: name.to_owned(), bytes }) }
    }

    /// The body as stored and sent.
    pub fn body_text(&self) -> String {
        self.body.to_string()
    }
}

/// The method as the Bot API documents it (`sendMessage`; `Payload::NAME`
/// is `SendMessage`, and Telegram matches either).
fn method_of<P: Payload>() -> String {
    let mut chars = P::NAME.chars();
    chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}

fn body_of<P: Serialize>(payload: &P) -> serde_json::Value {
    // A payload is plain data (ids, strings, keyboards): it always serialises.
    serde_json::to_value(payload).unwrap_or_else(|e| {
        tracing::error!(error = %e, "a request payload did not serialise");
        serde_json::Value::Object(Default::default())
    })
}

/// The part name a body refers to as `attach://<name>`.
fn attached(body: &serde_json::Value) -> Option<String> {
    body.as_object()?.values().find_map(|v| v.as_str()?.strip_prefix("attach://").map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;
    use teloxide::payloads::{SendDocument, SendMessage, SetMessageReaction};
    use teloxide::types::{ChatId, MessageId, ReactionType};

    #[test]
    fn a_payload_names_its_method_and_serialises_to_the_body() {
        let r = Request::of(&SendMessage::new(ChatId(42), "Сәлем"));
        assert_eq!(r.method, "sendMessage");
        assert_eq!(r.body["chat_id"], 42);
        assert_eq!(r.body["text"], "Сәлем");
        assert!(r.file.is_none());
        let mut reaction = SetMessageReaction::new(ChatId(7), MessageId(3));
        reaction.reaction = Some(vec![ReactionType::Emoji { emoji: "👌".into() }]);
        let r = Request::of(&reaction);
        assert_eq!(r.method, "setMessageReaction");
        assert_eq!(r.body["reaction"][0]["emoji"], "👌");
        assert_eq!(r.body["message_id"], 3);
    }

    #[test]
    fn an_upload_is_attached_by_name() {
        let r =
            Request::upload("meeting.ics", b"BEGIN:VCALENDAR".to_vec(), |f| SendDocument::new(ChatId(5), f));
        let file = r.file.expect("a file");
        assert_eq!(r.body["document"], format!("attach://{}", file.field));
        assert!(!file.field.is_empty());
        assert_eq!(file.name, "meeting.ics");
        assert_eq!(file.bytes, b"BEGIN:VCALENDAR");
    }
}
