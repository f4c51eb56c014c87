//! Raw dialogue state per chat; `crate::dialogue` gives it its type.

use super::{Db, DbResult};
use chrono::{DateTime, Utc};

impl Db {
    pub async fn load_dialogue(&self, chat_id: i64) -> DbResult<Option<String>> {
        Ok(sqlx::query_scalar("SELECT state FROM dialogues WHERE chat_id = $1")
            .bind(chat_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn save_dialogue(&self, chat_id: i64, state: &str, now: DateTime<Utc>) -> DbResult<()> {
        sqlx::query(
            "INSERT INTO dialogues (chat_id, state, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
        )
        .bind(chat_id)
        .bind(state)
        .bind(now.timestamp_millis())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn remove_dialogue(&self, chat_id: i64) -> DbResult<()> {
        sqlx::query("DELETE FROM dialogues WHERE chat_id = $1").bind(chat_id).execute(&self.pool).await?;
        Ok(())
    }
}
