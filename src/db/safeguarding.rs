//! What the safety net reads and writes: who the flood limit may drop,
//! blocks of anonymous writers (apart from the named ones, so that a
//! block never tells the mentor who wrote), questions turned urgent, and
//! the SOS ladder's last rung.

use super::users::{USER_COLUMNS, UserRow};
use super::{DbResult, Tx, autocommit, on};
use crate::domain::time::from_millis;
use crate::domain::{DistrictId, QuestionId, Role, User, UserId};
use chrono::{DateTime, Utc};

/// How the flood limit treats a sender over it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// A student or parent whom no mentor blocked: slowed, never dropped.
    Writer,
    /// A mentor or coordinator: slowed, never dropped.
    Staff,
}

impl Tx {
    /// `None`: outside the programme, or blocked by a mentor — the flood
    /// limit drops their excess.
    pub async fn flood_standing(&mut self, user: UserId) -> DbResult<Option<Standing>> {
        let Some(found) = self.user(user).await? else { return Ok(None) };
        let standing = match found.role {
            None => return Ok(None),
            Some(Role::Mentor | Role::Coordinator) => Standing::Staff,
            Some(Role::Student | Role::Parent) => Standing::Writer,
        };
        let blocks: i64 = on!(self, c => sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM relay_blocks WHERE user_id = $1)
                  + (SELECT COUNT(*) FROM anonymous_blocks WHERE user_id = $1)",
        )
        .bind(user.0)
        .fetch_one(c)
        .await?);
        Ok((blocks == 0).then_some(standing))
    }

    /// The mentor blocks the anonymous writer of `question` (`user`, whom
    /// the mentor never sees). `false`: blocked already.
    pub async fn block_anonymous(
        &mut self,
        mentor: UserId,
        question: QuestionId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        let n = on!(self, c => sqlx::query(
            "INSERT INTO anonymous_blocks (mentor_id, question_id, user_id, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(mentor.0)
        .bind(question.0)
        .bind(user.0)
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
            .rows_affected());
        Ok(n == 1)
    }

    /// `false`: there was no such block.
    pub async fn unblock_anonymous(&mut self, mentor: UserId, question: QuestionId) -> DbResult<bool> {
        let n = on!(self, c => sqlx::query("DELETE FROM anonymous_blocks WHERE mentor_id = $1 AND question_id = $2")
            .bind(mentor.0)
            .bind(question.0)
            .execute(c)
            .await?
            .rows_affected());
        Ok(n == 1)
    }

    /// The anonymous writers a mentor blocked, newest first: the question
    /// each was blocked from, and when.
    pub async fn anonymous_blocks(&mut self, mentor: UserId) -> DbResult<Vec<(QuestionId, DateTime<Utc>)>> {
        let rows: Vec<(i64, i64)> = on!(self, c => sqlx::query_as(
            "SELECT question_id, created_at FROM anonymous_blocks WHERE mentor_id = $1
             ORDER BY created_at DESC, question_id DESC LIMIT 50",
        )
        .bind(mentor.0)
        .fetch_all(c)
        .await?);
        Ok(rows.into_iter().map(|(q, at)| (QuestionId(q), from_millis(at))).collect())
    }

    /// An anonymous writer's block: told now (see `Tx::check_block`).
    pub(super) async fn tell_anonymous_block(
        &mut self,
        mentor: UserId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        on!(self, c => sqlx::query(
            "UPDATE anonymous_blocks SET told_at = $3 WHERE mentor_id = $1 AND user_id = $2",
        )
        .bind(mentor.0)
        .bind(user.0)
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
            .rows_affected());
        Ok(())
    }

    /// A held question becomes an SOS (the night button): urgent, flagged,
    /// held no longer. `false`: it is not a held question of this sender.
    pub async fn make_urgent(&mut self, question: QuestionId, sender: UserId) -> DbResult<bool> {
        let n = on!(self, c => sqlx::query(
            "UPDATE questions SET kind = 'urgent', flagged = 1, held_until = NULL
             WHERE id = $1 AND sender_id = $2 AND kind <> 'urgent' AND held_until IS NOT NULL",
        )
        .bind(question.0)
        .bind(sender.0)
        .execute(c)
        .await?
            .rows_affected());
        Ok(n == 1)
    }

    /// The SOS ladder's last rung: the regional coordinators (no district),
    /// when `district` has coordinators of its own — they are the first
    /// rung (`escalation_coordinators`); empty when the first rung is
    /// already the regional one.
    pub async fn sos_last_rung(&mut self, district: Option<DistrictId>) -> DbResult<Vec<User>> {
        let Some(d) = district else { return Ok(Vec::new()) };
        let own: i64 = on!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE role = 'coordinator' AND district_id = $1",
        )
        .bind(d.0)
        .fetch_one(c)
        .await?);
        if own == 0 {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE role = 'coordinator' AND district_id IS NULL ORDER BY id"
        );
        let rows: Vec<UserRow> = on!(self, c => sqlx::query_as(&sql).fetch_all(c).await?);
        rows.into_iter().map(UserRow::into_user).collect()
    }

    /// A relayed message edited into crisis words is flagged.
    pub async fn flag_question(&mut self, question: QuestionId) -> DbResult<()> {
        on!(self, c => sqlx::query("UPDATE questions SET flagged = 1 WHERE id = $1")
            .bind(question.0)
            .execute(c)
            .await?
            .rows_affected());
        Ok(())
    }
}

autocommit! {
    fn anonymous_blocks(&self, mentor: UserId) -> Vec<(QuestionId, DateTime<Utc>)>;
}
