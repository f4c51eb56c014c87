//! Broadcasts and their delivery ledger: a draft (the text until it is
//! confirmed), who it reaches, the confirmation that starts it (once, by
//! a conditional `UPDATE`), «Stop», each recipient's outcome as Telegram
//! answered, the counts, and the writer's history. The copies themselves
//! are outbox items (`domain::broadcast::copy_key`), read back through
//! `Tx::finished_with_prefix`.

use super::users::{USER_COLUMNS, UserRow};
use super::{DbError, DbResult, Tx, autocommit, on, strict};
use crate::domain::broadcast::{Audience, Counts, Fate, Group, Scope, Stage};
use crate::domain::ids::BroadcastId;
use crate::domain::time::from_millis;
use crate::domain::{DistrictId, Role, SchoolId, User, UserId};
use chrono::{DateTime, Utc};

/// A broadcast as stored (its text only while it is a draft: `Tx::draft_body`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broadcast {
    pub id: BroadcastId,
    pub writer: UserId,
    /// The writer's role when they wrote it (the header's word).
    pub writer_role: Role,
    pub audience: Audience,
    pub stage: Stage,
    /// The counts the progress message shows (`Counts::code`).
    pub shown: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

const BROADCAST_COLUMNS: &str = "id, writer_id, writer_role, audience, scope, district_id, school_id, stage, shown, \
     created_at, sent_at, stopped_at, finished_at";

#[derive(sqlx::FromRow)]
struct BroadcastRow {
    id: i64,
    writer_id: i64,
    writer_role: String,
    audience: String,
    scope: String,
    district_id: Option<i64>,
    school_id: Option<i64>,
    stage: String,
    shown: Option<String>,
    created_at: i64,
    sent_at: Option<i64>,
    stopped_at: Option<i64>,
    finished_at: Option<i64>,
}

impl BroadcastRow {
    fn into_broadcast(self) -> DbResult<Broadcast> {
        let scope =
            Scope::stored(&self.scope, self.district_id.map(DistrictId), self.school_id.map(SchoolId))
                .ok_or_else(|| DbError::Corrupt(format!("broadcast {} scope {:?}", self.id, self.scope)))?;
        Ok(Broadcast {
            id: BroadcastId(self.id),
            writer: UserId(self.writer_id),
            writer_role: strict("broadcast writer role", &self.writer_role)?,
            audience: Audience { group: strict::<Group>("broadcast audience", &self.audience)?, scope },
            stage: strict("broadcast stage", &self.stage)?,
            shown: self.shown,
            created_at: from_millis(self.created_at),
            sent_at: self.sent_at.map(from_millis),
            stopped_at: self.stopped_at.map(from_millis),
            finished_at: self.finished_at.map(from_millis),
        })
    }
}

/// The ids a scope binds: a district, a school, a mentor.
fn scope_ids(scope: Scope, writer: UserId) -> (Option<i64>, Option<i64>, Option<i64>) {
    match scope {
        Scope::Everyone => (None, None, None),
        Scope::District(d) => (Some(d.0), None, None),
        Scope::School(s) => (None, Some(s.0), None),
        Scope::Mentees => (None, None, Some(writer.0)),
    }
}

impl Tx {
    /// Keeps the writer's text as a draft to `audience` (their earlier
    /// draft goes: a new text replaces it).
    pub async fn save_draft(
        &mut self,
        writer: UserId,
        role: Role,
        audience: Audience,
        body: &str,
        now: DateTime<Utc>,
    ) -> DbResult<BroadcastId> {
        on!(self, c => sqlx::query("DELETE FROM broadcasts WHERE writer_id = $1 AND stage = 'draft'")
            .bind(writer.0)
            .execute(c)
            .await?
            .rows_affected());
        let (district, school) = match audience.scope {
            Scope::District(d) => (Some(d.0), None),
            Scope::School(s) => (None, Some(s.0)),
            Scope::Everyone | Scope::Mentees => (None, None),
        };
        let id: i64 = on!(self, c => sqlx::query_scalar(
            "INSERT INTO broadcasts (writer_id, writer_role, audience, scope, district_id, school_id, body, stage, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8) RETURNING id",
        )
        .bind(writer.0)
        .bind(role.as_str())
        .bind(audience.group.as_str())
        .bind(audience.scope.kind())
        .bind(district)
        .bind(school)
        .bind(body)
        .bind(now.timestamp_millis())
        .fetch_one(c)
        .await?);
        Ok(BroadcastId(id))
    }

    pub async fn broadcast(&mut self, id: BroadcastId) -> DbResult<Option<Broadcast>> {
        let sql = format!("SELECT {BROADCAST_COLUMNS} FROM broadcasts WHERE id = $1");
        let row: Option<BroadcastRow> =
            on!(self, c => sqlx::query_as(&sql).bind(id.0).fetch_optional(c).await?);
        row.map(BroadcastRow::into_broadcast).transpose()
    }

    /// A draft's text (`None` once it is confirmed, or gone).
    pub async fn draft_body(&mut self, id: BroadcastId) -> DbResult<Option<String>> {
        let body: Option<Option<String>> = on!(self, c => sqlx::query_scalar(
            "SELECT body FROM broadcasts WHERE id = $1 AND stage = 'draft'",
        )
        .bind(id.0)
        .fetch_optional(c)
        .await?);
        Ok(body.flatten())
    }

    /// «Don't send»: the draft goes; `false` when it was no draft.
    pub async fn drop_draft(&mut self, id: BroadcastId) -> DbResult<bool> {
        let n = on!(self, c => sqlx::query("DELETE FROM broadcasts WHERE id = $1 AND stage = 'draft'")
            .bind(id.0)
            .execute(c)
            .await?
            .rows_affected());
        Ok(n == 1)
    }

    /// Forgets the drafts written before `before` and never sent (their
    /// text with them): a writer who left the step does not leave it lying.
    pub async fn prune_drafts(&mut self, before: DateTime<Utc>) -> DbResult<u64> {
        Ok(on!(self, c => sqlx::query("DELETE FROM broadcasts WHERE stage = 'draft' AND created_at < $1")
            .bind(before.timestamp_millis())
            .execute(c)
            .await?
            .rows_affected()))
    }

    /// Who `audience` reaches now, `writer` left out: people of the
    /// group's role, each once (a parent of two children too), by id. A
    /// student's and a parent's school is their mentor's (through the
    /// child, for a parent); a mentor's own mentees are theirs by the link.
    pub async fn recipients(&mut self, writer: UserId, audience: Audience) -> DbResult<Vec<User>> {
        let (district, school, mentor) = scope_ids(audience.scope, writer);
        let cols = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let place = "($1 IS NULL OR s.district_id = $1) AND ($2 IS NULL OR s.id = $2)";
        let school_of_mentor = "JOIN users m ON m.id = x.mentor_id LEFT JOIN schools s ON s.id = m.school_id";
        let linked = format!("{place} AND ($4 IS NULL OR x.mentor_id = $4)");
        let sql = match audience.group {
            Group::Mentors => format!(
                "SELECT {cols} FROM users u LEFT JOIN schools s ON s.id = u.school_id
                 WHERE u.role = 'mentor' AND u.id <> $3 AND {place} ORDER BY u.id"
            ),
            Group::Students => format!(
                "SELECT {cols} FROM users u WHERE u.role = 'student' AND u.id <> $3 AND u.id IN (
                     SELECT x.student_id FROM mentor_students x {school_of_mentor} WHERE {linked})
                 ORDER BY u.id"
            ),
            Group::Parents => format!(
                "SELECT {cols} FROM users u WHERE u.role = 'parent' AND u.id <> $3 AND u.id IN (
                     SELECT p.parent_id FROM parent_students p
                     JOIN mentor_students x ON x.student_id = p.student_id {school_of_mentor} WHERE {linked})
                 ORDER BY u.id"
            ),
        };
        let rows: Vec<UserRow> = match audience.group {
            Group::Mentors => on!(self, c => sqlx::query_as(&sql)
                .bind(district)
                .bind(school)
                .bind(writer.0)
                .fetch_all(c)
                .await?),
            Group::Students | Group::Parents => on!(self, c => sqlx::query_as(&sql)
                .bind(district)
                .bind(school)
                .bind(writer.0)
                .bind(mentor)
                .fetch_all(c)
                .await?),
        };
        rows.into_iter().map(UserRow::into_user).collect()
    }

    /// Confirms a draft: it is sending from `now`, its text is erased (the
    /// outbox items carry it) and each recipient gets a ledger row.
    /// `false` when it was no draft any more (confirmed already, or gone):
    /// then nothing changes.
    pub async fn start_broadcast(
        &mut self,
        id: BroadcastId,
        recipients: &[UserId],
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        let sql = "UPDATE broadcasts SET stage = 'sending', body = NULL, sent_at = $2 WHERE id = $1 AND stage = 'draft'";
        if !self.change_once(sql, id, now).await? {
            return Ok(false);
        }
        for chunk in recipients.chunks(500) {
            // Only integers we own go into the text of the statement.
            let rows: Vec<String> = chunk.iter().map(|u| format!("({}, {}, 'pending')", id.0, u.0)).collect();
            let sql = format!(
                "INSERT INTO broadcast_recipients (broadcast_id, user_id, state) VALUES {}",
                rows.join(", ")
            );
            on!(self, c => sqlx::query(&sql).execute(c).await?.rows_affected());
        }
        Ok(true)
    }

    /// «Stop»: marks a sending broadcast stopped; `false` when it was not
    /// sending or was stopped already.
    pub async fn stop_broadcast(&mut self, id: BroadcastId, now: DateTime<Utc>) -> DbResult<bool> {
        let sql = "UPDATE broadcasts SET stopped_at = $2 WHERE id = $1 AND stage = 'sending' AND stopped_at IS NULL";
        self.change_once(sql, id, now).await
    }

    /// A conditional `UPDATE` of one broadcast at `now` (`$1` its id, `$2`
    /// the instant): whether it changed it.
    async fn change_once(
        &mut self,
        sql: &'static str,
        id: BroadcastId,
        now: DateTime<Utc>,
    ) -> DbResult<bool> {
        let n = on!(self, c => sqlx::query(sql)
            .bind(id.0)
            .bind(now.timestamp_millis())
            .execute(c)
            .await?
            .rows_affected());
        Ok(n == 1)
    }

    /// The recipients whose copy has no outcome yet.
    pub async fn pending_recipients(&mut self, id: BroadcastId) -> DbResult<Vec<UserId>> {
        let ids: Vec<i64> = on!(self, c => sqlx::query_scalar(
            "SELECT user_id FROM broadcast_recipients WHERE broadcast_id = $1 AND state = 'pending' ORDER BY user_id",
        )
        .bind(id.0)
        .fetch_all(c)
        .await?);
        Ok(ids.into_iter().map(UserId).collect())
    }

    /// Records a recipient's outcome (once: only a pending row changes).
    pub async fn settle_recipient(
        &mut self,
        id: BroadcastId,
        user: UserId,
        fate: Fate,
        error: Option<&str>,
    ) -> DbResult<bool> {
        let n = on!(self, c => sqlx::query(
            "UPDATE broadcast_recipients SET state = $3, error = $4
             WHERE broadcast_id = $1 AND user_id = $2 AND state = 'pending'",
        )
        .bind(id.0)
        .bind(user.0)
        .bind(fate.as_str())
        .bind(error)
        .execute(c)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// The ledger of one broadcast, counted.
    pub async fn broadcast_counts(&mut self, id: BroadcastId) -> DbResult<Counts> {
        Ok(self.counts_of(&[id]).await?.pop().map(|(_, c)| c).unwrap_or_default())
    }

    /// The ledgers of several broadcasts, counted (each id once, in order).
    async fn counts_of(&mut self, ids: &[BroadcastId]) -> DbResult<Vec<(BroadcastId, Counts)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Only integers we own go into the text of the statement.
        let list = ids.iter().map(|i| i.0.to_string()).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT broadcast_id, state, COUNT(*) FROM broadcast_recipients
             WHERE broadcast_id IN ({list}) GROUP BY broadcast_id, state"
        );
        let rows: Vec<(i64, String, i64)> = on!(self, c => sqlx::query_as(&sql).fetch_all(c).await?);
        let mut out: Vec<(BroadcastId, Counts)> = ids.iter().map(|i| (*i, Counts::default())).collect();
        for (id, state, n) in rows {
            let fate: Fate = strict("broadcast recipient state", &state)?;
            if let Some((_, counts)) = out.iter_mut().find(|(i, _)| i.0 == id) {
                counts.add(fate, n);
            }
        }
        Ok(out)
    }

    /// What the progress message shows now.
    pub async fn set_shown(&mut self, id: BroadcastId, shown: &str) -> DbResult<()> {
        on!(self, c => sqlx::query("UPDATE broadcasts SET shown = $2 WHERE id = $1")
            .bind(id.0)
            .bind(shown)
            .execute(c)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Every copy has its outcome: the broadcast is done (once).
    pub async fn finish_broadcast(&mut self, id: BroadcastId, now: DateTime<Utc>) -> DbResult<bool> {
        let sql =
            "UPDATE broadcasts SET stage = 'done', finished_at = $2 WHERE id = $1 AND stage = 'sending'";
        self.change_once(sql, id, now).await
    }

    /// The writer's last `limit` broadcasts that went out (drafts left
    /// out), newest first, each with its ledger counted.
    pub async fn broadcast_history(
        &mut self,
        writer: UserId,
        limit: i64,
    ) -> DbResult<Vec<(Broadcast, Counts)>> {
        let sql = format!(
            "SELECT {BROADCAST_COLUMNS} FROM broadcasts WHERE writer_id = $1 AND stage <> 'draft'
             ORDER BY id DESC LIMIT $2"
        );
        let rows: Vec<BroadcastRow> =
            on!(self, c => sqlx::query_as(&sql).bind(writer.0).bind(limit).fetch_all(c).await?);
        let broadcasts = rows.into_iter().map(BroadcastRow::into_broadcast).collect::<DbResult<Vec<_>>>()?;
        let ids: Vec<BroadcastId> = broadcasts.iter().map(|b| b.id).collect();
        let counts = self.counts_of(&ids).await?;
        Ok(broadcasts.into_iter().zip(counts).map(|(b, (_, c))| (b, c)).collect())
    }
}

autocommit! {
    fn prune_drafts(&self, before: DateTime<Utc>) -> u64;
    fn broadcast(&self, id: BroadcastId) -> Option<Broadcast>;
    fn broadcast_counts(&self, id: BroadcastId) -> Counts;
}
