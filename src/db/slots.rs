//! Mentors' slots, weekly rules and default places.

use super::{DbResult, Tx, autocommit, on};
use crate::domain::slots::{Clash, Rule, Slot, SlotError, Span, TopUp, occurrences};
use crate::domain::time::from_millis;
use crate::domain::{RuleId, SlotId, UserId};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

const SLOT_COLUMNS: &str = "id, mentor_id, starts_at, ends_at, place, rule_id, status";

#[derive(sqlx::FromRow)]
struct SlotRow {
    id: i64,
    mentor_id: i64,
    starts_at: i64,
    ends_at: i64,
    place: Option<String>,
    rule_id: Option<i64>,
    status: String,
}

impl SlotRow {
    fn into_slot(self) -> DbResult<Slot> {
        let booked = match self.status.as_str() {
            "free" => false,
            "booked" => true,
            other => return Err(super::DbError::Corrupt(format!("slot status {other:?}"))),
        };
        Ok(Slot {
            id: SlotId(self.id),
            mentor: UserId(self.mentor_id),
            starts_at: from_millis(self.starts_at),
            ends_at: from_millis(self.ends_at),
            place: self.place,
            rule: self.rule_id.map(RuleId),
            booked,
        })
    }
}

#[derive(sqlx::FromRow)]
struct RuleRow {
    id: i64,
    mentor_id: i64,
    weekday: i64,
    start_min: i64,
    end_min: i64,
    length_min: i64,
    place: Option<String>,
}

impl RuleRow {
    fn into_rule(self) -> DbResult<Rule> {
        let small = |n: i64, what: &str| {
            u16::try_from(n).map_err(|_| super::DbError::Corrupt(format!("rule {what} {n}")))
        };
        Ok(Rule {
            id: RuleId(self.id),
            mentor: UserId(self.mentor_id),
            weekday: u8::try_from(self.weekday)
                .map_err(|_| super::DbError::Corrupt(format!("rule weekday {}", self.weekday)))?,
            start: small(self.start_min, "start")?,
            end: small(self.end_min, "end")?,
            length: small(self.length_min, "length")?,
            place: self.place,
        })
    }
}

const RULE_COLUMNS: &str = "id, mentor_id, weekday, start_min, end_min, length_min, place";

fn rows_to_slots(rows: Vec<SlotRow>) -> DbResult<Vec<Slot>> {
    rows.into_iter().map(SlotRow::into_slot).collect()
}

impl Tx {
    /// The mentor's default place, if set.
    pub async fn default_place(&mut self, mentor: UserId) -> DbResult<Option<String>> {
        Ok(on!(self, c => sqlx::query_scalar("SELECT place FROM mentor_places WHERE mentor_id = $1")
            .bind(mentor.0)
            .fetch_optional(c)
            .await?))
    }

    pub async fn set_default_place(
        &mut self,
        mentor: UserId,
        place: &str,
        now: DateTime<Utc>,
    ) -> DbResult<()> {
        on!(self, c => sqlx::query(
            "INSERT INTO mentor_places (mentor_id, place, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (mentor_id) DO UPDATE SET place = excluded.place, updated_at = excluded.updated_at",
        )
        .bind(mentor.0)
        .bind(place)
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected());
        Ok(())
    }

    /// A slot of the mentor's that overlaps `[start, end)`, if any.
    pub async fn overlapping_slot(
        &mut self,
        mentor: UserId,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> DbResult<Option<Slot>> {
        let sql = format!(
            "SELECT {SLOT_COLUMNS} FROM slots WHERE mentor_id = $1 AND starts_at < $3 AND ends_at > $2
             ORDER BY starts_at LIMIT 1"
        );
        let row: Option<SlotRow> = on!(self, c => sqlx::query_as(&sql)
            .bind(mentor.0)
            .bind(start.timestamp_millis())
            .bind(end.timestamp_millis())
            .fetch_optional(c)
            .await?);
        row.map(SlotRow::into_slot).transpose()
    }

    async fn insert_slot(
        &mut self,
        mentor: UserId,
        (start, end): Span,
        place: Option<&str>,
        rule: Option<RuleId>,
        now: DateTime<Utc>,
    ) -> DbResult<Option<SlotId>> {
        let id: Option<i64> = on!(self, c => sqlx::query_scalar(
            "INSERT INTO slots (mentor_id, starts_at, ends_at, place, rule_id, status, created_at)
             VALUES ($1, $2, $3, $4, $5, 'free', $6)
             ON CONFLICT (rule_id, starts_at) DO NOTHING RETURNING id",
        )
        .bind(mentor.0)
        .bind(start.timestamp_millis())
        .bind(end.timestamp_millis())
        .bind(place)
        .bind(rule.map(|r| r.0))
        .bind(now.timestamp_millis())
        .fetch_optional(c)
        .await?);
        Ok(id.map(SlotId))
    }

    /// Adds slots (which do not overlap each other), all or none: one that
    /// overlaps an existing slot refuses the lot, naming that slot. The
    /// mentor's own updates are handled one at a time, so the check and
    /// the inserts see the same slots.
    pub async fn add_slots(
        &mut self,
        mentor: UserId,
        planned: &[Span],
        place: Option<&str>,
        now: DateTime<Utc>,
    ) -> DbResult<Result<Vec<SlotId>, SlotError>> {
        for &(start, end) in planned {
            if let Some(other) = self.overlapping_slot(mentor, start, end).await? {
                return Ok(Err(SlotError::Overlap { starts_at: other.starts_at, ends_at: other.ends_at }));
            }
        }
        let mut ids = Vec::new();
        for &span in planned {
            ids.extend(self.insert_slot(mentor, span, place, None, now).await?);
        }
        Ok(Ok(ids))
    }

    pub async fn slot(&mut self, id: SlotId) -> DbResult<Option<Slot>> {
        let sql = format!("SELECT {SLOT_COLUMNS} FROM slots WHERE id = $1");
        let row: Option<SlotRow> = on!(self, c => sqlx::query_as(&sql).bind(id.0).fetch_optional(c).await?);
        row.map(SlotRow::into_slot).transpose()
    }

    /// The mentor's slots, free and booked, starting in `[from, to)`.
    pub async fn slots_between(
        &mut self,
        mentor: UserId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> DbResult<Vec<Slot>> {
        let sql = format!(
            "SELECT {SLOT_COLUMNS} FROM slots WHERE mentor_id = $1 AND starts_at >= $2 AND starts_at < $3
             ORDER BY starts_at, id"
        );
        let rows: Vec<SlotRow> = on!(self, c => sqlx::query_as(&sql)
            .bind(mentor.0)
            .bind(from.timestamp_millis())
            .bind(to.timestamp_millis())
            .fetch_all(c)
            .await?);
        rows_to_slots(rows)
    }

    /// The mentor's free slots starting in `[from, to)`.
    pub async fn free_slots(
        &mut self,
        mentor: UserId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> DbResult<Vec<Slot>> {
        Ok(self.slots_between(mentor, from, to).await?.into_iter().filter(|s| !s.booked).collect())
    }

    /// Removes a free slot; `false` if it is booked or gone.
    pub async fn delete_free_slot(&mut self, id: SlotId, mentor: UserId) -> DbResult<bool> {
        let n = on!(self, c => sqlx::query("DELETE FROM slots WHERE id = $1 AND mentor_id = $2 AND status = 'free'")
            .bind(id.0)
            .bind(mentor.0)
            .execute(c)
            .await?
            .rows_affected());
        Ok(n == 1)
    }

    /// Holds a free slot: `true` for exactly one caller however many try
    /// at once (a conditional update; the row lock on PostgreSQL and the
    /// write lock on SQLite make the losers see it booked).
    pub async fn take_slot(&mut self, id: SlotId) -> DbResult<bool> {
        let n = on!(self, c => sqlx::query("UPDATE slots SET status = 'booked' WHERE id = $1 AND status = 'free'")
            .bind(id.0)
            .execute(c)
            .await?
            .rows_affected());
        Ok(n == 1)
    }

    pub async fn release_slot(&mut self, id: SlotId) -> DbResult<()> {
        on!(self, c => sqlx::query("UPDATE slots SET status = 'free' WHERE id = $1")
            .bind(id.0)
            .execute(c)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Removes a slot whatever its state (its meeting, cancelled first by
    /// the caller, keeps its copy of the time and place).
    pub async fn delete_slot(&mut self, id: SlotId) -> DbResult<()> {
        on!(self, c => sqlx::query("DELETE FROM slots WHERE id = $1").bind(id.0).execute(c).await?.rows_affected());
        Ok(())
    }

    /// Adds a weekly rule and generates its slots (what was made, and what
    /// was not for a clash with a slot already there).
    pub async fn add_rule(&mut self, rule: &Rule, tz: Tz, now: DateTime<Utc>) -> DbResult<(RuleId, TopUp)> {
        let id: i64 = on!(self, c => sqlx::query_scalar(
            "INSERT INTO availability_rules (mentor_id, weekday, start_min, end_min, length_min, place, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(rule.mentor.0)
        .bind(i64::from(rule.weekday))
        .bind(i64::from(rule.start))
        .bind(i64::from(rule.end))
        .bind(i64::from(rule.length))
        .bind(rule.place.as_deref())
        .bind(now.timestamp_millis())
        .fetch_one(c)
        .await?);
        let made = self.top_up_rule(&Rule { id: RuleId(id), ..rule.clone() }, tz, now).await?;
        Ok((RuleId(id), made))
    }

    pub async fn rules_of(&mut self, mentor: UserId) -> DbResult<Vec<Rule>> {
        let sql = format!(
            "SELECT {RULE_COLUMNS} FROM availability_rules WHERE mentor_id = $1 ORDER BY weekday, start_min, id"
        );
        let rows: Vec<RuleRow> = on!(self, c => sqlx::query_as(&sql).bind(mentor.0).fetch_all(c).await?);
        rows.into_iter().map(RuleRow::into_rule).collect()
    }

    pub async fn rule(&mut self, id: RuleId) -> DbResult<Option<Rule>> {
        let sql = format!("SELECT {RULE_COLUMNS} FROM availability_rules WHERE id = $1");
        let row: Option<RuleRow> = on!(self, c => sqlx::query_as(&sql).bind(id.0).fetch_optional(c).await?);
        row.map(RuleRow::into_rule).transpose()
    }

    /// Removes the rule's free future slots; booked ones and the past stay.
    async fn drop_rule_free_slots(&mut self, id: RuleId, now: DateTime<Utc>) -> DbResult<u64> {
        Ok(on!(self, c => sqlx::query(
            "DELETE FROM slots WHERE rule_id = $1 AND status = 'free' AND starts_at > $2",
        )
        .bind(id.0)
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
        .rows_affected()))
    }

    /// Removes a rule of the mentor's: only its free future slots go.
    pub async fn delete_rule(&mut self, id: RuleId, mentor: UserId, now: DateTime<Utc>) -> DbResult<bool> {
        let Some(rule) = self.rule(id).await? else { return Ok(false) };
        if rule.mentor != mentor {
            return Ok(false);
        }
        self.drop_rule_free_slots(id, now).await?;
        on!(self, c => sqlx::query("UPDATE slots SET rule_id = NULL WHERE rule_id = $1").bind(id.0).execute(c).await?.rows_affected());
        on!(self, c => sqlx::query("DELETE FROM availability_rules WHERE id = $1").bind(id.0).execute(c).await?.rows_affected());
        Ok(true)
    }

    /// Changes a rule of the mentor's: its free future slots are made
    /// again from the new times; booked ones stay as they are (and the new
    /// times that clash with them are among the clashes).
    pub async fn change_rule(&mut self, rule: &Rule, tz: Tz, now: DateTime<Utc>) -> DbResult<Option<TopUp>> {
        match self.rule(rule.id).await? {
            Some(old) if old.mentor == rule.mentor => {}
            _ => return Ok(None),
        }
        self.drop_rule_free_slots(rule.id, now).await?;
        on!(self, c => sqlx::query(
            "UPDATE availability_rules SET weekday = $2, start_min = $3, end_min = $4, length_min = $5,
                 place = $6, generated_until = 0 WHERE id = $1",
        )
        .bind(rule.id.0)
        .bind(i64::from(rule.weekday))
        .bind(i64::from(rule.start))
        .bind(i64::from(rule.end))
        .bind(i64::from(rule.length))
        .bind(rule.place.as_deref())
        .execute(c)
        .await?
        .rows_affected());
        // Future slots of the old version that are booked keep their
        // meetings; the new version's occurrences skip them.
        Ok(Some(self.top_up_rule(rule, tz, now).await?))
    }

    /// Generates the rule's slots up to [`RULE_WEEKS`] ahead, once each: an
    /// occurrence that overlaps another slot is skipped (and returned with
    /// that slot), and one the mentor removed is not made again.
    async fn top_up_rule(&mut self, rule: &Rule, tz: Tz, now: DateTime<Utc>) -> DbResult<TopUp> {
        let until: i64 = on!(self, c => sqlx::query_scalar("SELECT generated_until FROM availability_rules WHERE id = $1")
            .bind(rule.id.0)
            .fetch_one(c)
            .await?);
        let mut done = TopUp::default();
        let mut last = until;
        for span in occurrences(tz, rule, now) {
            let start = span.0.timestamp_millis();
            if start <= until {
                continue;
            }
            last = last.max(start);
            if let Some(with) = self.overlapping_slot(rule.mentor, span.0, span.1).await? {
                done.clashes.push(Clash { span, with });
            } else if self
                .insert_slot(rule.mentor, span, rule.place.as_deref(), Some(rule.id), now)
                .await?
                .is_some()
            {
                done.made += 1;
            }
        }
        if last > until {
            on!(self, c => sqlx::query("UPDATE availability_rules SET generated_until = $2 WHERE id = $1")
                .bind(rule.id.0)
                .bind(last)
                .execute(c)
                .await?
                .rows_affected());
        }
        Ok(done)
    }

    /// Keeps every rule of the mentor's generated ahead (called before the
    /// mentor's slots are listed or booked).
    pub async fn top_up_rules(&mut self, mentor: UserId, tz: Tz, now: DateTime<Utc>) -> DbResult<usize> {
        let mut made = 0;
        for rule in self.rules_of(mentor).await? {
            made += self.top_up_rule(&rule, tz, now).await?.made;
        }
        Ok(made)
    }
}

autocommit! {
    fn slot(&self, id: SlotId) -> Option<Slot>;
    fn slots_between(&self, mentor: UserId, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Slot>;
    fn take_slot(&self, id: SlotId) -> bool;
    fn rules_of(&self, mentor: UserId) -> Vec<Rule>;
}
