//! Who sent an update, loaded inside the update's transaction and
//! injected into every handler after it.

use crate::db::{DbError, Tx};
use crate::dialogue::State;
use crate::domain::{Lang, Profile, User, UserId};
use chrono::{DateTime, Utc};
use teloxide::types::Update;

/// The sender of the update being handled, as stored (name refreshed from
/// Telegram on every update), and the language to answer in, if known.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub user: User,
    pub lang: Option<Lang>,
}

/// Loads (or creates) the sender and their dialogue state. On first
/// contact the language comes from the Telegram client when it is Kazakh
/// or Russian; otherwise it stays unknown and the onboarding branch asks.
/// Updates without a sender, and anything outside private chats, are not
/// ours to handle (`Ok(None)`).
pub async fn load(update: &Update, tx: &mut Tx, now: DateTime<Utc>) -> Result<Option<(Ctx, State)>, DbError> {
    let Some(from) = update.from() else { return Ok(None) };
    if let Some(chat) = update.chat()
        && !chat.is_private()
    {
        return Ok(None);
    }
    let Ok(id) = i64::try_from(from.id.0) else { return Ok(None) };
    if from.is_bot {
        return Ok(None);
    }
    let profile = Profile {
        id: UserId(id),
        first_name: from.first_name.clone(),
        last_name: from.last_name.clone(),
        username: from.username.clone(),
    };
    let telegram_language = Lang::from_telegram(from.language_code.as_deref());
    let (user, stored_state) = tx.upsert_sender_with(&profile, telegram_language, now).await?;
    let state = State::from_stored(stored_state.as_deref(), id);
    Ok(Some((Ctx { lang: user.language, user }, state)))
}
