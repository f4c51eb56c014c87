//! People the bot has met, their links, and their dialogue state.

use super::{DbResult, Tx, autocommit, on, strict_opt};
use crate::domain::{DistrictId, Lang, Profile, Role, SchoolId, User, UserId};
use chrono::{DateTime, Utc};

pub(crate) const USER_COLUMNS: &str =
    "id, first_name, last_name, username, language, role, district_id, school_id, deactivated_at";

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    first_name: String,
    last_name: Option<String>,
    username: Option<String>,
    language: Option<String>,
    role: Option<String>,
    district_id: Option<i64>,
    school_id: Option<i64>,
    deactivated_at: Option<i64>,
}

impl UserRow {
    pub(crate) fn into_user(self) -> DbResult<User> {
        Ok(User {
            id: UserId(self.id),
            first_name: self.first_name,
            last_name: self.last_name,
            username: self.username,
            language: strict_opt::<Lang>("language", self.language)?,
            role: strict_opt::<Role>("role", self.role)?,
            district_id: self.district_id.map(DistrictId),
            school_id: self.school_id.map(SchoolId),
            deactivated_at: self.deactivated_at.map(crate::domain::time::from_millis),
        })
    }
}

#[derive(sqlx::FromRow)]
struct SenderRow {
    #[sqlx(flatten)]
    user: UserRow,
    dialogue: Option<String>,
}

impl Tx {
    /// Records (or refreshes) what Telegram says about the sender of an
    /// update and returns the stored user with their raw dialogue state.
    /// A user who writes can be reached again: the unreachable mark goes.
    pub async fn upsert_sender(
        &mut self,
        p: &Profile,
        now: DateTime<Utc>,
    ) -> DbResult<(User, Option<String>)> {
        self.upsert_sender_with(p, None, now).await
    }

    /// [`Tx::upsert_sender`], taking `language` (the Telegram client's, when
    /// it is one of ours) for someone whose language is not known yet: one
    /// statement for everything the intake needs about the sender.
    pub async fn upsert_sender_with(
        &mut self,
        p: &Profile,
        language: Option<Lang>,
        now: DateTime<Utc>,
    ) -> DbResult<(User, Option<String>)> {
        let sql = format!(
            "INSERT INTO users (id, first_name, last_name, username, language, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $6, $5, $5)
             ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name,
                 last_name = excluded.last_name, username = excluded.username,
                 language = COALESCE(users.language, excluded.language),
                 updated_at = excluded.updated_at, unreachable_at = NULL
             RETURNING {USER_COLUMNS}, dialogue"
        );
        let row: SenderRow = on!(self, c => sqlx::query_as(&sql)
            .bind(p.id.0)
            .bind(&p.first_name)
            .bind(&p.last_name)
            .bind(&p.username)
            .bind(now.timestamp_millis())
            .bind(language.map(Lang::code))
            .fetch_one(c)
            .await?);
        Ok((row.user.into_user()?, row.dialogue))
    }

    /// A person as stored; never a forgotten person's tombstone.
    pub async fn user(&mut self, id: UserId) -> DbResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND forgotten_at IS NULL");
        let row: Option<UserRow> = on!(self, c => sqlx::query_as(&sql).bind(id.0).fetch_optional(c).await?);
        row.map(UserRow::into_user).transpose()
    }

    pub async fn set_language(&mut self, id: UserId, lang: Lang, now: DateTime<Utc>) -> DbResult<()> {
        on!(self, c => sqlx::query("UPDATE users SET language = $2, updated_at = $3 WHERE id = $1")
            .bind(id.0)
            .bind(lang.code())
            .bind(now.timestamp_millis())
            .execute(c)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Stores a chat's dialogue state (`None`: no flow in progress).
    pub async fn save_dialogue(&mut self, id: UserId, state: Option<&str>) -> DbResult<()> {
        on!(self, c => sqlx::query("UPDATE users SET dialogue = $2 WHERE id = $1")
            .bind(id.0)
            .bind(state)
            .execute(c)
            .await?
            .rows_affected());
        Ok(())
    }

    pub async fn dialogue_of(&mut self, id: UserId) -> DbResult<Option<String>> {
        let row: Option<Option<String>> = on!(self, c => sqlx::query_scalar("SELECT dialogue FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(c)
            .await?);
        Ok(row.flatten())
    }

    /// Makes a Telegram id a coordinator (operators' `TALIMGER_ADMINS`).
    /// Someone who already holds another role keeps it; that role is returned.
    pub async fn make_coordinator(&mut self, id: UserId, now: DateTime<Utc>) -> DbResult<Option<Role>> {
        let made: Option<String> = on!(self, c => sqlx::query_scalar(
            "INSERT INTO users (id, first_name, role, created_at, updated_at)
             VALUES ($1, '', 'coordinator', $2, $2)
             ON CONFLICT (id) DO UPDATE SET role = 'coordinator', updated_at = excluded.updated_at
                 WHERE users.role IS NULL OR users.role = 'coordinator'
             RETURNING role",
        )
        .bind(id.0)
        .bind(now.timestamp_millis())
        .fetch_optional(c)
        .await?);
        if made.is_some() {
            return Ok(Some(Role::Coordinator));
        }
        Ok(self.user(id).await?.and_then(|u| u.role))
    }

    /// The active mentor of a student.
    pub async fn mentor_of(&mut self, student: UserId) -> DbResult<Option<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users
             WHERE id = (SELECT mentor_id FROM mentor_students WHERE student_id = $1)"
        );
        let row: Option<UserRow> =
            on!(self, c => sqlx::query_as(&sql).bind(student.0).fetch_optional(c).await?);
        row.map(UserRow::into_user).transpose()
    }

    /// A parent's children, in the order they were linked.
    pub async fn children_of(&mut self, parent: UserId) -> DbResult<Vec<User>> {
        let cols = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {cols} FROM users u JOIN parent_students ps ON ps.student_id = u.id
             WHERE ps.parent_id = $1 ORDER BY ps.linked_at, u.id"
        );
        let rows: Vec<UserRow> = on!(self, c => sqlx::query_as(&sql).bind(parent.0).fetch_all(c).await?);
        rows.into_iter().map(UserRow::into_user).collect()
    }

    /// A student's parents, in the order they joined: one query.
    pub async fn parents(&mut self, student: UserId) -> DbResult<Vec<User>> {
        let cols = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {cols} FROM users u JOIN parent_students ps ON ps.parent_id = u.id
             WHERE ps.student_id = $1 ORDER BY ps.linked_at, u.id"
        );
        let rows: Vec<UserRow> = on!(self, c => sqlx::query_as(&sql).bind(student.0).fetch_all(c).await?);
        rows.into_iter().map(UserRow::into_user).collect()
    }

    pub async fn parents_of(&mut self, student: UserId) -> DbResult<Vec<UserId>> {
        let ids: Vec<i64> = on!(self, c => sqlx::query_scalar(
            "SELECT parent_id FROM parent_students WHERE student_id = $1 ORDER BY linked_at, parent_id",
        )
        .bind(student.0)
        .fetch_all(c)
        .await?);
        Ok(ids.into_iter().map(UserId).collect())
    }

    pub async fn mentee_count(&mut self, mentor: UserId) -> DbResult<i64> {
        Ok(on!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM mentor_students WHERE mentor_id = $1")
            .bind(mentor.0)
            .fetch_one(c)
            .await?))
    }

    /// Telegram said 403: this user blocked the bot. The mark keeps the
    /// first such instant until it clears (the user writes again).
    /// The student's class, as their mentor wrote it.
    pub async fn class_of(&mut self, student: UserId) -> DbResult<Option<String>> {
        let class: Option<Option<String>> = on!(self, c => sqlx::query_scalar(
            "SELECT class_name FROM mentor_students WHERE student_id = $1",
        )
        .bind(student.0)
        .fetch_optional(c)
        .await?);
        Ok(class.flatten())
    }

    /// Sets (or, with `None`, forgets) a mentee's class; `false` if the
    /// student is not this mentor's.
    pub async fn set_class(
        &mut self,
        mentor: UserId,
        student: UserId,
        class: Option<&str>,
    ) -> DbResult<bool> {
        let n = on!(self, c => sqlx::query(
            "UPDATE mentor_students SET class_name = $3 WHERE mentor_id = $1 AND student_id = $2",
        )
        .bind(mentor.0)
        .bind(student.0)
        .bind(class)
        .execute(c)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    pub async fn mark_unreachable(&mut self, id: UserId, now: DateTime<Utc>) -> DbResult<()> {
        on!(self, c => sqlx::query("UPDATE users SET unreachable_at = COALESCE(unreachable_at, $2) WHERE id = $1")
            .bind(id.0)
            .bind(now.timestamp_millis())
            .execute(c)
            .await?
            .rows_affected());
        Ok(())
    }

    /// A 403 for an item that carries a notice (`NewItem::on_unreachable`):
    /// marks `recipient` unreachable and queues `text` for `chat`, once for
    /// each time the recipient becomes unreachable (the mark's instant is
    /// part of the notice's key). `true` if the notice was queued now.
    pub async fn notify_unreachable(
        &mut self,
        recipient: UserId,
        chat: i64,
        text: String,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        self.mark_unreachable(recipient, now).await?;
        let since: Option<Option<i64>> = on!(self, c => sqlx::query_scalar("SELECT unreachable_at FROM users WHERE id = $1")
            .bind(recipient.0)
            .fetch_optional(c)
            .await?);
        let key = format!("unreachable:{recipient}:{chat}:{}", since.flatten().unwrap_or_default());
        let line = teloxide::payloads::SendMessage::new(teloxide::types::ChatId(chat), text);
        let item = super::NewItem::of(chat, super::Priority::Notice, &line).keyed(key);
        let queued = self.enqueue_once(&item, now).await?;
        Ok(queued)
    }

    pub async fn is_unreachable(&mut self, id: UserId) -> DbResult<bool> {
        let at: Option<Option<i64>> = on!(self, c => sqlx::query_scalar("SELECT unreachable_at FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(c)
            .await?);
        Ok(at.flatten().is_some())
    }
}

autocommit! {
    fn user(&self, id: UserId) -> Option<User>;
    fn set_language(&self, id: UserId, lang: Lang, now: DateTime<Utc>) -> ();
    fn make_coordinator(&self, id: UserId, now: DateTime<Utc>) -> Option<Role>;
    fn mentor_of(&self, student: UserId) -> Option<User>;
    fn children_of(&self, parent: UserId) -> Vec<User>;
    fn parents_of(&self, student: UserId) -> Vec<UserId>;
    fn parents(&self, student: UserId) -> Vec<User>;
    fn mentee_count(&self, mentor: UserId) -> i64;
    fn dialogue_of(&self, id: UserId) -> Option<String>;
    fn is_unreachable(&self, id: UserId) -> bool;
    fn mark_unreachable(&self, id: UserId, now: DateTime<Utc>) -> ();
    fn notify_unreachable(&self, recipient: UserId, chat: i64, text: String, now: DateTime<Utc>) -> bool;
    fn upsert_sender(&self, p: &Profile, now: DateTime<Utc>) -> (User, Option<String>);
}
