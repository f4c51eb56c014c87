//! Erasing a person (`/deleteme`, `talimger forget`), in the caller's
//! transaction: what decides whether they can be erased now, their
//! meetings to come (which the caller cancels with the usual notices
//! first), and the erasure itself.
//!
//! The erasure deletes what is theirs alone (links, blocks, reminders,
//! a mentor's free time and place), blanks the contents they or others
//! wrote about them (meeting topics, notes, cancellation reasons),
//! cancels and removes the outbox items addressed to them or carrying
//! their words, and moves every remaining reference ([`LINKS`]) to a
//! tombstone: a row under a fresh negative id with no name, username,
//! language or role, `forgotten_at` set. Their anonymous questions and
//! meetings stay counted under it; their Telegram id is gone from the
//! table of people, so a returning person starts afresh.

use super::{DbResult, Tx, on};
use crate::domain::meetings::Meeting;
use crate::domain::privacy::{Standing, tombstone_id};
use crate::domain::{MeetingId, UserId};
use chrono::{DateTime, Utc};

/// Every column that holds a person's id (the foreign keys to `users`).
/// After the deletes below, each is moved to the tombstone; a test checks
/// that the schema has no other, so a table added later must be listed
/// here (and, if it holds what is theirs alone, deleted in `erase_person`).
pub const LINKS: &[(&str, &str)] = &[
    ("mentor_students", "student_id"),
    ("mentor_students", "mentor_id"),
    ("parent_students", "parent_id"),
    ("parent_students", "student_id"),
    ("invites", "created_by"),
    ("invites", "mentor_id"),
    ("invites", "student_id"),
    ("invite_redemptions", "user_id"),
    ("questions", "mentor_id"),
    ("questions", "sender_id"),
    ("questions", "student_id"),
    ("questions", "acknowledged_by"),
    ("sos_steps", "actor_id"),
    ("relay_blocks", "mentor_id"),
    ("relay_blocks", "user_id"),
    ("quiet_hours", "mentor_id"),
    ("mentor_places", "mentor_id"),
    ("availability_rules", "mentor_id"),
    ("slots", "mentor_id"),
    ("meetings", "mentor_id"),
    ("meetings", "student_id"),
    ("meetings", "parent_id"),
    ("meetings", "booked_by"),
    ("meetings", "cancelled_by"),
    ("reminders", "user_id"),
    ("reminder_acks", "user_id"),
    ("anonymous_blocks", "mentor_id"),
    ("anonymous_blocks", "user_id"),
    ("broadcasts", "writer_id"),
    ("broadcast_recipients", "user_id"),
];

/// What is theirs alone, deleted outright (`$1`: the person).
const DELETES: &[&str] = &[
    "DELETE FROM mentor_students WHERE student_id = $1",
    "DELETE FROM parent_students WHERE parent_id = $1 OR student_id = $1",
    "DELETE FROM invite_redemptions WHERE user_id = $1",
    "DELETE FROM relay_blocks WHERE mentor_id = $1 OR user_id = $1",
    "DELETE FROM anonymous_blocks WHERE mentor_id = $1 OR user_id = $1",
    "DELETE FROM reminders WHERE user_id = $1",
    "DELETE FROM reminder_acks WHERE user_id = $1",
    "DELETE FROM mentor_places WHERE mentor_id = $1",
    "DELETE FROM slots WHERE mentor_id = $1 AND status = 'free'",
    "DELETE FROM availability_rules WHERE mentor_id = $1",
    // A broadcast's ledger keeps who got it: not a forgotten person.
    "DELETE FROM broadcast_recipients WHERE user_id = $1",
];

/// Contents blanked, and what would still lead to them (`$1`: the person,
/// `$2`: now). Their unanswered questions are closed at this instant:
/// nobody is left to answer them, and no queue or radar should wait.
const BLANKS: &[&str] = &[
    "UPDATE meetings SET topic = NULL, note = NULL, cancel_reason = NULL
     WHERE student_id = $1 OR parent_id = $1 OR booked_by = $1",
    "UPDATE meetings SET note = NULL WHERE mentor_id = $1",
    "UPDATE meetings SET cancel_reason = NULL WHERE cancelled_by = $1",
    "UPDATE questions SET chat_message_id = 0, media_group_id = NULL,
         answered_at = CASE WHEN kind <> 'urgent' AND answered_at IS NULL THEN $2 ELSE answered_at END
     WHERE sender_id = $1",
    "UPDATE broadcasts SET body = NULL WHERE writer_id = $1",
    "UPDATE invites SET expires_at = $2
     WHERE (created_by = $1 OR mentor_id = $1 OR student_id = $1) AND expires_at > $2",
];

/// Outbox rows that concern the person (`$1`; `prefix`: the parameter
/// holding `unreachable:<person>:%`): items in their chat, lines for them
/// as a writer, the copies of their messages and their SOS alerts in
/// others' chats, the lines that said they could not be reached.
fn concerning(prefix: &str) -> String {
    format!(
        "(chat_id = $1 OR notice_chat = $1 OR key LIKE {prefix}
         OR ((key LIKE 'q:%' OR key LIKE 'sos:%') AND EXISTS (SELECT 1 FROM questions q WHERE q.sender_id = $1
             AND (outbox.key LIKE ('q:' || q.id || ':%') OR outbox.key LIKE ('sos:' || q.id || ':%')))))"
    )
}

impl Tx {
    /// What decides whether `person` can be erased now.
    pub async fn erasure_standing(&mut self, person: UserId, now: DateTime<Utc>) -> DbResult<Standing> {
        let role = self.user(person).await?.and_then(|u| u.role);
        let (students, open_questions, meetings, sos): (i64, i64, i64, i64) = on!(self, c => sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM mentor_students WHERE mentor_id = $1),
                 (SELECT COUNT(*) FROM questions WHERE mentor_id = $1 AND answered_at IS NULL AND kind <> 'urgent'),
                 (SELECT COUNT(*) FROM meetings WHERE mentor_id = $1 AND status = 'booked' AND ends_at > $2),
                 (SELECT COUNT(*) FROM questions q WHERE q.sender_id = $1 AND q.kind = 'urgent'
                      AND q.acknowledged_at IS NULL
                      AND EXISTS (SELECT 1 FROM outbox o WHERE o.state = 'pending'
                          AND (o.key LIKE ('sos:' || q.id || ':%') OR o.key LIKE ('q:' || q.id || ':%'))))",
        )
        .bind(person.0)
        .bind(now.timestamp_millis())
        .fetch_one(c)
        .await?);
        Ok(Standing { role, students, open_questions, meetings, sos_on_its_way: sos > 0 })
    }

    /// The booked meetings to come that are about the person: theirs as a
    /// student, or the parent meetings they booked.
    pub async fn meetings_to_come_of(
        &mut self,
        person: UserId,
        now: DateTime<Utc>,
    ) -> DbResult<Vec<Meeting>> {
        let ids: Vec<i64> = on!(self, c => sqlx::query_scalar(
            "SELECT id FROM meetings WHERE (student_id = $1 OR parent_id = $1) AND status = 'booked'
                 AND ends_at > $2 ORDER BY starts_at, id",
        )
        .bind(person.0)
        .bind(now.timestamp_millis())
        .fetch_all(c)
        .await?);
        let mut meetings = Vec::with_capacity(ids.len());
        for id in ids {
            meetings.extend(self.meeting(MeetingId(id)).await?);
        }
        Ok(meetings)
    }

    /// Erases `person` (see the module); their tombstone's id, or `None`
    /// when nobody is stored under that id. Someone who left nothing to
    /// count (a stranger) leaves no tombstone either.
    pub async fn erase_person(&mut self, person: UserId, now: DateTime<Utc>) -> DbResult<Option<UserId>> {
        let (old, at) = (person.0, now.timestamp_millis());
        let tomb = tombstone_id(rand::random());
        let made = self.run(
            "INSERT INTO users (id, first_name, district_id, school_id, created_at, updated_at, forgotten_at)
             SELECT $3, '', district_id, school_id, $2, $2, $2 FROM users WHERE id = $1 AND forgotten_at IS NULL",
            &[old, at, tomb.0],
        )
        .await?;
        if made == 0 {
            return Ok(None);
        }
        for sql in DELETES {
            self.run(sql, &[old]).await?;
        }
        for sql in BLANKS {
            self.run(sql, &[old, at]).await?;
        }
        let unreachable = format!("unreachable:{old}:%");
        let cancel = format!(
            "UPDATE outbox SET state = 'cancelled', finished_at = $2, payload = NULL, file = NULL,
                 fallback_payload = NULL, notice_text = NULL, lease_owner = NULL, lease_until = NULL
             WHERE state = 'pending' AND {}",
            concerning("$3")
        );
        on!(self, c => sqlx::query(&cancel).bind(old).bind(at).bind(&unreachable).execute(c).await?.rows_affected());
        let remove = format!("DELETE FROM outbox WHERE state <> 'pending' AND {}", concerning("$2"));
        on!(self, c => sqlx::query(&remove).bind(old).bind(&unreachable).execute(c).await?.rows_affected());
        let mut left = 0;
        for (table, column) in LINKS {
            let sql = format!("UPDATE {table} SET {column} = $2 WHERE {column} = $1");
            left += self.run(&sql, &[old, tomb.0]).await?;
        }
        self.run("DELETE FROM users WHERE id = $1", &[old]).await?;
        if left == 0 {
            self.run("DELETE FROM users WHERE id = $1", &[tomb.0]).await?;
        }
        Ok(Some(tomb))
    }

    /// One statement with integer parameters `$1`, `$2`…; rows it touched.
    async fn run(&mut self, sql: &str, args: &[i64]) -> DbResult<u64> {
        Ok(on!(self, c => {
            let mut query = sqlx::query(sql);
            for arg in args {
                query = query.bind(*arg);
            }
            query.execute(c).await?.rows_affected()
        }))
    }
}
