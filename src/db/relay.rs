//! Conversations: questions, their copies (outbox items keyed
//! `q:<question>:…`), SOS steps, blocks and quiet hours.

use super::users::{USER_COLUMNS, UserRow};
use super::{DbResult, Tx, autocommit, on, strict};
use crate::domain::quiet::QuietHours;
use crate::domain::relay::{COPY_PREFIX, QuestionKind, SosEvent, question_of_key};
use crate::domain::time::from_millis;
use crate::domain::{DistrictId, QuestionId, User, UserId};
use chrono::{DateTime, Utc};

/// A question as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub id: QuestionId,
    pub mentor: UserId,
    pub sender: UserId,
    pub student: UserId,
    pub kind: QuestionKind,
    /// The sender's message (in their chat) answers are threaded to.
    pub chat_message_id: i64,
    pub flagged: bool,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<UserId>,
    /// Quiet hours hold its copy until then.
    pub held_until: Option<DateTime<Utc>>,
}

/// Where a student's message goes (`Tx::relay_target`).
#[derive(Clone, Debug)]
pub struct RelayTarget {
    pub mentor: User,
    /// The student's class, as the mentor set it.
    pub class: Option<String>,
    pub quiet: QuietHours,
    /// The writer's blocks by this mentor, read with the rest.
    pub blocks: BlockMarks,
}

/// A writer's blocks by one mentor: by name and as an anonymous writer,
/// each with how many the writer was not yet told of.
#[derive(Clone, Copy, Debug, Default, sqlx::FromRow)]
pub struct BlockMarks {
    named: i64,
    named_untold: i64,
    anonymous: i64,
    anonymous_untold: i64,
}

/// The four counts of [`BlockMarks`], for a mentor `$m` and a writer `$w`.
fn block_marks_sql(m: &str, w: &str) -> String {
    format!(
        "(SELECT COUNT(*) FROM relay_blocks WHERE mentor_id = {m} AND user_id = {w}) AS named,
         (SELECT COUNT(*) - COUNT(told_at) FROM relay_blocks WHERE mentor_id = {m} AND user_id = {w}) AS named_untold,
         (SELECT COUNT(*) FROM anonymous_blocks WHERE mentor_id = {m} AND user_id = {w}) AS anonymous,
         (SELECT COUNT(*) - COUNT(told_at) FROM anonymous_blocks WHERE mentor_id = {m} AND user_id = {w}) AS anonymous_untold"
    )
}

fn quiet_of((enabled, start, end): (i64, i64, i64)) -> QuietHours {
    QuietHours {
        enabled: enabled != 0,
        start_min: u32::try_from(start).unwrap_or(0),
        end_min: u32::try_from(end).unwrap_or(0),
    }
}

/// What a new question is.
#[derive(Clone, Debug)]
pub struct NewQuestion {
    pub mentor: UserId,
    pub sender: UserId,
    pub student: UserId,
    pub kind: QuestionKind,
    pub chat_message_id: i64,
    pub flagged: bool,
    pub held_until: Option<DateTime<Utc>>,
    /// The album (Telegram's media group) the message opens, if any.
    pub media_group: Option<String>,
}

#[derive(sqlx::FromRow)]
struct QuestionRow {
    id: i64,
    mentor_id: i64,
    sender_id: i64,
    student_id: i64,
    kind: String,
    chat_message_id: i64,
    flagged: i64,
    created_at: i64,
    answered_at: Option<i64>,
    acknowledged_by: Option<i64>,
    held_until: Option<i64>,
}

const QUESTION_COLUMNS: &str = "id, mentor_id, sender_id, student_id, kind, chat_message_id, flagged, created_at, answered_at, acknowledged_by, held_until";

impl QuestionRow {
    fn into_question(self) -> DbResult<Question> {
        Ok(Question {
            id: QuestionId(self.id),
            mentor: UserId(self.mentor_id),
            sender: UserId(self.sender_id),
            student: UserId(self.student_id),
            kind: strict("question kind", &self.kind)?,
            chat_message_id: self.chat_message_id,
            flagged: self.flagged != 0,
            created_at: from_millis(self.created_at),
            answered_at: self.answered_at.map(from_millis),
            acknowledged_by: self.acknowledged_by.map(UserId),
            held_until: self.held_until.map(from_millis),
        })
    }
}

impl Tx {
    pub async fn insert_question(&mut self, q: &NewQuestion, now: DateTime<Utc>) -> DbResult<QuestionId> {
        let id: i64 = on!(self, c => sqlx::query_scalar(
            "INSERT INTO questions (mentor_id, sender_id, student_id, kind, chat_message_id, flagged,
                 held_until, created_at, media_group_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(q.mentor.0)
        .bind(q.sender.0)
        .bind(q.student.0)
        .bind(q.kind.as_str())
        .bind(q.chat_message_id)
        .bind(i64::from(q.flagged))
        .bind(q.held_until.map(|t| t.timestamp_millis()))
        .bind(now.timestamp_millis())
        .bind(q.media_group.as_deref())
        .fetch_one(c)
        .await?);
        Ok(QuestionId(id))
    }

    pub async fn question(&mut self, id: QuestionId) -> DbResult<Option<Question>> {
        let sql = format!("SELECT {QUESTION_COLUMNS} FROM questions WHERE id = $1");
        let row: Option<QuestionRow> =
            on!(self, c => sqlx::query_as(&sql).bind(id.0).fetch_optional(c).await?);
        row.map(QuestionRow::into_question).transpose()
    }

    /// The question a sender's message became (for its edits).
    pub async fn question_from_message(
        &mut self,
        sender: UserId,
        message_id: i64,
    ) -> DbResult<Option<Question>> {
        self.question_from(sender, "chat_message_id = CAST($2 AS BIGINT)", message_id.to_string()).await
    }

    /// The question an album of `sender`'s became (its first part made it).
    pub async fn album_question(&mut self, sender: UserId, group: &str) -> DbResult<Option<Question>> {
        self.question_from(sender, "media_group_id = $2", group.to_owned()).await
    }

    /// The latest question of `sender` where `condition` holds for `value` (`$2`).
    async fn question_from(
        &mut self,
        sender: UserId,
        condition: &str,
        value: String,
    ) -> DbResult<Option<Question>> {
        let sql = format!(
            "SELECT {QUESTION_COLUMNS} FROM questions WHERE sender_id = $1 AND {condition}
             ORDER BY id DESC LIMIT 1"
        );
        let row: Option<QuestionRow> =
            on!(self, c => sqlx::query_as(&sql).bind(sender.0).bind(&value).fetch_optional(c).await?);
        row.map(QuestionRow::into_question).transpose()
    }

    /// The question whose copy the bot sent as message `message_id` in `chat`.
    pub async fn question_of_copy(&mut self, chat: i64, message_id: i64) -> DbResult<Option<QuestionId>> {
        let key = self.key_of_sent(chat, message_id, COPY_PREFIX).await?;
        Ok(key.as_deref().and_then(question_of_key))
    }

    /// The outbox item that carries the copy with this key (to edit it).
    pub async fn copy_item(&mut self, key: &str) -> DbResult<Option<i64>> {
        self.item_with_key(key).await
    }

    /// Marks a question answered; `false` if it already was.
    pub async fn mark_answered(&mut self, id: QuestionId, now: DateTime<Utc>) -> DbResult<bool> {
        let done = on!(self, c => sqlx::query(
            "UPDATE questions SET answered_at = $2 WHERE id = $1 AND answered_at IS NULL",
        )
        .bind(id.0)
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected());
        Ok(done > 0)
    }

    /// A mentor's unanswered questions, oldest first.
    pub async fn open_questions(&mut self, mentor: UserId, limit: i64) -> DbResult<Vec<Question>> {
        let sql = format!(
            "SELECT {QUESTION_COLUMNS} FROM questions WHERE mentor_id = $1 AND answered_at IS NULL
             ORDER BY created_at, id LIMIT $2"
        );
        let rows: Vec<QuestionRow> =
            on!(self, c => sqlx::query_as(&sql).bind(mentor.0).bind(limit).fetch_all(c).await?);
        rows.into_iter().map(QuestionRow::into_question).collect()
    }

    pub async fn open_question_count(&mut self, mentor: UserId) -> DbResult<i64> {
        Ok(on!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM questions WHERE mentor_id = $1 AND answered_at IS NULL",
        )
        .bind(mentor.0)
        .fetch_one(c)
        .await?))
    }

    /// The first acknowledgement of an SOS wins; `false` if someone was first.
    pub async fn acknowledge_sos(
        &mut self,
        id: QuestionId,
        by: UserId,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        let done = on!(self, c => sqlx::query(
            "UPDATE questions SET acknowledged_at = $2, acknowledged_by = $3
             WHERE id = $1 AND kind = 'urgent' AND acknowledged_at IS NULL",
        )
        .bind(id.0)
        .bind(now.timestamp_millis())
        .bind(by.0)
        .execute(c)
        .await?
        .rows_affected());
        Ok(done > 0)
    }

    /// Records a step of an SOS (who, when).
    pub async fn add_sos_step(
        &mut self,
        id: QuestionId,
        step: SosEvent,
        actor: Option<UserId>,
        at: DateTime<Utc>,
    ) -> DbResult<()> {
        on!(self, c => sqlx::query("INSERT INTO sos_steps (question_id, step, actor_id, at) VALUES ($1, $2, $3, $4)")
            .bind(id.0)
            .bind(step.as_str())
            .bind(actor.map(|a| a.0))
            .bind(at.timestamp_millis())
            .execute(c)
            .await?
            .rows_affected());
        Ok(())
    }

    /// The steps of an SOS, in order: (step, actor, at).
    pub async fn sos_steps(&mut self, id: QuestionId) -> DbResult<Vec<(SosEvent, Option<i64>, i64)>> {
        let rows: Vec<(String, Option<i64>, i64)> = on!(self, c => sqlx::query_as(
            "SELECT step, actor_id, at FROM sos_steps WHERE question_id = $1 ORDER BY at, step",
        )
        .bind(id.0)
        .fetch_all(c)
        .await?);
        rows.into_iter()
            .map(|(step, actor, at)| Ok((strict::<SosEvent>("SOS step", &step)?, actor, at)))
            .collect()
    }

    /// Who is alerted when an SOS in `district` is not acknowledged: the
    /// district's coordinators, or the regional ones (no district) when it
    /// has none.
    pub async fn escalation_coordinators(&mut self, district: Option<DistrictId>) -> DbResult<Vec<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE role = 'coordinator' AND district_id = $1 ORDER BY id"
        );
        let mut rows: Vec<UserRow> = match district {
            Some(d) => on!(self, c => sqlx::query_as(&sql).bind(d.0).fetch_all(c).await?),
            None => Vec::new(),
        };
        if rows.is_empty() {
            let sql = format!(
                "SELECT {USER_COLUMNS} FROM users WHERE role = 'coordinator' AND district_id IS NULL ORDER BY id"
            );
            rows = on!(self, c => sqlx::query_as(&sql).fetch_all(c).await?);
        }
        rows.into_iter().map(UserRow::into_user).collect()
    }

    pub async fn set_blocked(
        &mut self,
        mentor: UserId,
        user: UserId,
        blocked: bool,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        if blocked {
            on!(self, c => sqlx::query(
                "INSERT INTO relay_blocks (mentor_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(mentor.0)
            .bind(user.0)
            .bind(now.timestamp_millis())
            .execute(c)
            .await?
            .rows_affected());
        } else {
            on!(self, c => sqlx::query("DELETE FROM relay_blocks WHERE mentor_id = $1 AND user_id = $2")
                .bind(mentor.0)
                .bind(user.0)
                .execute(c)
                .await?
                .rows_affected());
        }
        Ok(())
    }

    /// Whether `user` is blocked by this mentor (by name, or as an
    /// anonymous writer), and whether this is the first time they are
    /// told (the mark is set now). `marks` were read with the relay's
    /// target: nothing more is read, and in the usual case (no block)
    /// nothing is written.
    pub async fn check_block(
        &mut self,
        mentor: UserId,
        user: UserId,
        marks: BlockMarks,
        now: DateTime<Utc>,
    ) -> DbResult<(bool, bool)> {
        let BlockMarks { named, named_untold, anonymous, anonymous_untold } = marks;
        if named > 0 {
            if named_untold == 0 {
                return Ok((true, false));
            }
            on!(self, c => sqlx::query("UPDATE relay_blocks SET told_at = $3 WHERE mentor_id = $1 AND user_id = $2")
                .bind(mentor.0)
                .bind(user.0)
                .bind(now.timestamp_millis())
                .execute(c)
                .await?
                .rows_affected());
            return Ok((true, true));
        }
        if anonymous == 0 {
            return Ok((false, false));
        }
        if anonymous_untold == anonymous {
            self.tell_anonymous_block(mentor, user, now).await?;
            return Ok((true, true));
        }
        Ok((true, false))
    }

    /// A student's mentor, with what relaying `writer`'s message (the
    /// student's own, or a parent's) to them reads: the student's class,
    /// the mentor's quiet hours and the writer's blocks (one statement).
    pub async fn relay_target(&mut self, student: UserId, writer: UserId) -> DbResult<Option<RelayTarget>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            class_name: Option<String>,
            quiet_enabled: Option<i64>,
            quiet_start: Option<i64>,
            quiet_end: Option<i64>,
            #[sqlx(flatten)]
            blocks: BlockMarks,
        }
        let cols = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let blocks = block_marks_sql("ms.mentor_id", "$2");
        let sql = format!(
            "SELECT {cols}, ms.class_name, q.enabled AS quiet_enabled, q.start_min AS quiet_start,
                    q.end_min AS quiet_end, {blocks}
             FROM mentor_students ms JOIN users u ON u.id = ms.mentor_id
             LEFT JOIN quiet_hours q ON q.mentor_id = ms.mentor_id
             WHERE ms.student_id = $1"
        );
        let row: Option<Row> =
            on!(self, c => sqlx::query_as(&sql).bind(student.0).bind(writer.0).fetch_optional(c).await?);
        let Some(row) = row else { return Ok(None) };
        let quiet = match (row.quiet_enabled, row.quiet_start, row.quiet_end) {
            (Some(e), Some(s), Some(end)) => quiet_of((e, s, end)),
            _ => QuietHours::default(),
        };
        Ok(Some(RelayTarget {
            mentor: row.user.into_user()?,
            class: row.class_name,
            quiet,
            blocks: row.blocks,
        }))
    }

    /// Blocked by this mentor, by name or as an anonymous writer.
    pub async fn is_blocked(&mut self, mentor: UserId, user: UserId) -> DbResult<bool> {
        let n: i64 = on!(self, c => sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM relay_blocks WHERE mentor_id = $1 AND user_id = $2)
                  + (SELECT COUNT(*) FROM anonymous_blocks WHERE mentor_id = $1 AND user_id = $2)",
        )
        .bind(mentor.0)
        .bind(user.0)
        .fetch_one(c)
        .await?);
        Ok(n > 0)
    }

    /// Blocked by name (from a named message or the student's card): what
    /// the card shows. An anonymous writer's block is never counted here.
    pub async fn is_blocked_by_name(&mut self, mentor: UserId, user: UserId) -> DbResult<bool> {
        let n: i64 = on!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM relay_blocks WHERE mentor_id = $1 AND user_id = $2",
        )
        .bind(mentor.0)
        .bind(user.0)
        .fetch_one(c)
        .await?);
        Ok(n > 0)
    }

    pub async fn quiet_hours(&mut self, mentor: UserId) -> DbResult<QuietHours> {
        let row: Option<(i64, i64, i64)> = on!(self, c => sqlx::query_as(
            "SELECT enabled, start_min, end_min FROM quiet_hours WHERE mentor_id = $1",
        )
        .bind(mentor.0)
        .fetch_optional(c)
        .await?);
        Ok(row.map_or_else(QuietHours::default, quiet_of))
    }

    pub async fn set_quiet_hours(&mut self, mentor: UserId, q: QuietHours) -> DbResult<()> {
        on!(self, c => sqlx::query(
            "INSERT INTO quiet_hours (mentor_id, enabled, start_min, end_min) VALUES ($1, $2, $3, $4)
             ON CONFLICT (mentor_id) DO UPDATE SET enabled = excluded.enabled,
                 start_min = excluded.start_min, end_min = excluded.end_min",
        )
        .bind(mentor.0)
        .bind(i64::from(q.enabled))
        .bind(i64::from(q.start_min))
        .bind(i64::from(q.end_min))
        .execute(c)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Messages of `sender` to `mentor` held until `until` (quiet hours).
    pub async fn held_count(
        &mut self,
        mentor: UserId,
        sender: UserId,
        until: DateTime<Utc>,
    ) -> DbResult<i64> {
        Ok(on!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM questions WHERE mentor_id = $1 AND sender_id = $2 AND held_until = $3",
        )
        .bind(mentor.0)
        .bind(sender.0)
        .bind(until.timestamp_millis())
        .fetch_one(c)
        .await?))
    }

    /// All messages held for `mentor` until `until`.
    pub async fn held_for(&mut self, mentor: UserId, until: DateTime<Utc>) -> DbResult<i64> {
        Ok(on!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM questions WHERE mentor_id = $1 AND held_until = $2",
        )
        .bind(mentor.0)
        .bind(until.timestamp_millis())
        .fetch_one(c)
        .await?))
    }

    /// The last part (a user id) of sent items' keys that start with `prefix`.
    pub async fn sent_with_prefix(&mut self, prefix: &str) -> DbResult<Vec<i64>> {
        let keys = self.sent_keys(prefix).await?;
        Ok(keys.iter().filter_map(|k| k.rsplit(':').next().and_then(|n| n.parse().ok())).collect())
    }

    /// A mentor's mentees by name, a page at a time.
    pub async fn mentees(&mut self, mentor: UserId, offset: i64, limit: i64) -> DbResult<Vec<User>> {
        let cols = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {cols} FROM users u JOIN mentor_students ms ON ms.student_id = u.id
             WHERE ms.mentor_id = $1 ORDER BY u.first_name, u.last_name, u.id LIMIT $2 OFFSET $3"
        );
        let rows: Vec<UserRow> =
            on!(self, c => sqlx::query_as(&sql).bind(mentor.0).bind(limit).bind(offset).fetch_all(c).await?);
        rows.into_iter().map(UserRow::into_user).collect()
    }
}

autocommit! {
    fn question(&self, id: QuestionId) -> Option<Question>;
    fn open_questions(&self, mentor: UserId, limit: i64) -> Vec<Question>;
    fn sos_steps(&self, id: QuestionId) -> Vec<(SosEvent, Option<i64>, i64)>;
    fn is_blocked(&self, mentor: UserId, user: UserId) -> bool;
    fn quiet_hours(&self, mentor: UserId) -> QuietHours;
}
