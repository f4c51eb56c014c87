//! One file per feature. Handlers hold no SQL (they call `db`) and no
//! user-visible strings (they call `t!`).

pub mod fallback;
pub mod invite;
pub mod onboarding;

use crate::context::Ctx;
use crate::error::Error;
use crate::telegram::send;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

/// Telegram's limit on a message's text, in UTF-16 code units.
pub const MAX_MESSAGE_LEN: usize = 4096;

pub fn chat_of(ctx: &Ctx) -> ChatId {
    ChatId(ctx.user.id.0)
}

/// Splits text into pieces Telegram accepts, at line ends where possible.
pub fn split_for_telegram(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for line in text.split_inclusive('\n') {
        for ch in line.chars() {
            let len = ch.len_utf16();
            if current_len + len > MAX_MESSAGE_LEN {
                // Prefer to break after the last newline of the piece.
                let cut = current.rfind('\n').map(|i| i + 1).filter(|&i| i > 0 && i < current.len());
                let rest = match cut {
                    Some(i) => current.split_off(i),
                    None => String::new(),
                };
                parts.push(std::mem::replace(&mut current, rest));
                current_len = current.encode_utf16().count();
            }
            current.push(ch);
            current_len += len;
        }
    }
    if !current.is_empty() || parts.is_empty() {
        parts.push(current);
    }
    parts
}

/// Sends a plain text (names and user input need no escaping), in several messages if it is longer than Telegram allows.
pub async fn say(bot: &Bot, chat: ChatId, text: String) -> Result<Message, Error> {
    let mut parts = split_for_telegram(&text).into_iter().peekable();
    loop {
        let part = parts.next().unwrap_or_default();
        let sent = send(bot.send_message(chat, part)).await?;
        if parts.peek().is_none() {
            return Ok(sent);
        }
    }
}

/// Sends a short text with inline buttons.
pub async fn say_with(
    bot: &Bot,
    chat: ChatId,
    text: String,
    keyboard: InlineKeyboardMarkup,
) -> Result<Message, Error> {
    Ok(send(bot.send_message(chat, text).reply_markup(keyboard)).await?)
}

/// Answers a button press (stops the client's spinner), optionally with a toast.
pub async fn answer(bot: &Bot, q: &CallbackQuery, toast: Option<String>) -> Result<(), Error> {
    let mut req = bot.answer_callback_query(q.id.clone());
    if let Some(text) = toast {
        req = req.text(text);
    }
    send(req).await?;
    Ok(())
}

/// Removes the buttons of the message whose button was pressed, so that
/// they cannot be pressed again. A failure here changes nothing that
/// matters and is only logged.
pub async fn clear_keyboard(bot: &Bot, q: &CallbackQuery) {
    if let Some(msg) = &q.message
        && let Err(e) = bot.edit_message_reply_markup(msg.chat().id, msg.id()).await
    {
        tracing::debug!(error = %e, "could not clear a keyboard");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_split_within_the_limit() {
        let line = "ы".repeat(100) + "\n";
        let text = line.repeat(100);
        let parts = split_for_telegram(&text);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| p.encode_utf16().count() <= MAX_MESSAGE_LEN));
        assert_eq!(parts.concat(), text);
        assert!(parts[0].ends_with('\n'), "breaks at a line end");
        let no_newlines = "😀".repeat(3000);
        let parts = split_for_telegram(&no_newlines);
        assert!(parts.iter().all(|p| p.encode_utf16().count() <= MAX_MESSAGE_LEN));
        assert_eq!(parts.concat(), no_newlines);
        assert_eq!(split_for_telegram("hi"), vec!["hi".to_owned()]);
    }
}
