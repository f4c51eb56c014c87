//! Multi-step flows. The state holds ids and small choices only, never
//! database rows; it is stored per chat so that a flow survives a restart,
//! and a state an older version stored that no longer parses resets to
//! `Idle` instead of failing.

use crate::db::{Db, DbError};
use crate::domain::DistrictId;
use crate::domain::time::SharedClock;
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use teloxide::dispatching::dialogue::{Dialogue as TgDialogue, Storage};
use teloxide::types::ChatId;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    #[default]
    Idle,
    /// Waiting for the language buttons; `start_code` is an invite the
    /// user opened before we knew their language, redeemed after the choice.
    AwaitLanguage { start_code: Option<String> },
    /// `/invite` showed its menu; its buttons are valid now.
    InviteMenu,
    /// A class link: how many may join.
    ClassUses,
    /// A class link: for how many days.
    ClassDays { uses: u32 },
    /// A coordinator invites a mentor: which district.
    MentorDistrict,
    /// …and which school in it.
    MentorSchool { district: DistrictId },
}

pub type Dialogue = TgDialogue<State, DialogueStorage>;

pub struct DialogueStorage {
    db: Db,
    clock: SharedClock,
}

impl DialogueStorage {
    pub fn new(db: Db, clock: SharedClock) -> Arc<DialogueStorage> {
        Arc::new(DialogueStorage { db, clock })
    }
}

impl Storage<State> for DialogueStorage {
    type Error = DbError;

    fn remove_dialogue(self: Arc<Self>, chat_id: ChatId) -> BoxFuture<'static, Result<(), DbError>> {
        Box::pin(async move { self.db.remove_dialogue(chat_id.0).await })
    }

    fn update_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
        state: State,
    ) -> BoxFuture<'static, Result<(), DbError>> {
        Box::pin(async move {
            if state == State::Idle {
                return self.db.remove_dialogue(chat_id.0).await;
            }
            let json = serde_json::to_string(&state).unwrap_or_else(|_| "\"Idle\"".to_owned());
            self.db.save_dialogue(chat_id.0, &json, self.clock.now()).await
        })
    }

    fn get_dialogue(self: Arc<Self>, chat_id: ChatId) -> BoxFuture<'static, Result<Option<State>, DbError>> {
        Box::pin(async move {
            let Some(raw) = self.db.load_dialogue(chat_id.0).await? else { return Ok(None) };
            match serde_json::from_str(&raw) {
                Ok(state) => Ok(Some(state)),
                Err(e) => {
                    tracing::warn!(chat = chat_id.0, error = %e, "stored dialogue state no longer parses; reset");
                    Ok(None)
                }
            }
        })
    }
}
