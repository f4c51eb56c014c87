//! Queueing items in a unit of work's transaction: one multi-row insert
//! for all of them (a relayed message's copy and its 👌 are one
//! statement), after the keyed ones have cancelled what they replace.

use super::{Claimed, NewItem, Priority};
use crate::db::{DbResult, Tx, on};
use chrono::{DateTime, Utc};

/// Rows per insert: 19 parameters each, well within both backends' limits.
const ROWS_PER_INSERT: usize = 400;
const COLUMNS: usize = 19;

impl Tx {
    /// Queues items. Those due now are leased to `owner` at once and
    /// returned, so that this instance's sender can take them from memory
    /// after the commit; the rest wait in the table for their time.
    pub async fn enqueue(
        &mut self,
        items: &[NewItem],
        owner: &str,
        lease: chrono::Duration,
        now: DateTime<Utc>,
    ) -> DbResult<Vec<Claimed>> {
        // A key that comes twice: the second replaces the first, so they
        // are queued one after the other.
        let mut keys = std::collections::HashSet::new();
        let repeated = items.iter().filter_map(|i| i.key.as_deref()).any(|k| !keys.insert(k));
        let mut claimed = Vec::new();
        if repeated {
            for item in items {
                if let Some(key) = &item.key {
                    self.cancel_outbox(key, now).await?;
                }
                claimed.extend(self.insert_items(std::slice::from_ref(item), owner, lease, now).await?);
            }
            return Ok(claimed);
        }
        for key in items.iter().filter_map(|i| i.key.as_deref()) {
            self.cancel_outbox(key, now).await?;
        }
        for chunk in items.chunks(ROWS_PER_INSERT) {
            claimed.extend(self.insert_items(chunk, owner, lease, now).await?);
        }
        Ok(claimed)
    }

    /// Inserts `items` in one statement, in their order.
    async fn insert_items(
        &mut self,
        items: &[NewItem],
        owner: &str,
        lease: chrono::Duration,
        now: DateTime<Utc>,
    ) -> DbResult<Vec<Claimed>> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let now_ms = now.timestamp_millis();
        let values = (0..items.len())
            .map(|i| {
                let row = (1..=COLUMNS).map(|c| format!("${}", i * COLUMNS + c)).collect::<Vec<_>>();
                format!("({})", row.join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO outbox (chat_id, priority, urgent, method, payload, file, file_field, file_name,
                 edit_of, key, due_at, lease_owner, lease_until, created_at,
                 fallback_method, fallback_payload, notice_chat, notice_text, after_key)
             VALUES {values} RETURNING id"
        );
        let rows: Vec<Row<'_>> = items.iter().map(|item| Row::of(item, now_ms)).collect();
        let mut ids: Vec<i64> = on!(self, c => {
            let mut q = sqlx::query_scalar(&sql);
            for (item, row) in items.iter().zip(&rows) {
                let leased = row.due <= now_ms;
                let (file, field, name) = match &item.request.file {
                    Some(f) => (Some(f.bytes.as_slice()), Some(f.field.as_str()), Some(f.name.as_str())),
                    None => (None, None, None),
                };
                q = q
                    .bind(item.chat_id)
                    .bind((item.priority as i64).max(0))
                    .bind(i64::from(item.priority == Priority::Urgent))
                    .bind(&item.request.method)
                    .bind(&row.payload)
                    .bind(file)
                    .bind(field)
                    .bind(name)
                    .bind(item.edit_of)
                    .bind(&item.key)
                    .bind(row.due)
                    .bind(leased.then_some(owner))
                    .bind(leased.then_some(now_ms + lease.num_milliseconds()))
                    .bind(now_ms)
                    .bind(row.fallback.as_ref().map(|f| f.0))
                    .bind(row.fallback.as_ref().map(|f| f.1.as_str()))
                    .bind(item.on_unreachable.as_ref().map(|n| n.chat_id))
                    .bind(item.on_unreachable.as_ref().map(|n| n.text.as_str()))
                    .bind(&item.after);
            }
            q.fetch_all(c).await?
        });
        // Both backends number the rows of one insert in their order; the
        // order RETURNING lists them in is not promised, so sort.
        ids.sort_unstable();
        let mut claimed = Vec::new();
        for ((item, row), id) in items.iter().zip(rows).zip(ids) {
            if row.due <= now_ms {
                claimed.push(Claimed {
                    id,
                    chat_id: item.chat_id,
                    priority: item.priority,
                    method: item.request.method.clone(),
                    payload: row.payload,
                    file: item.request.file.clone(),
                    fallback: row.fallback.map(|(m, b)| (m.to_owned(), b)),
                    on_unreachable: item.on_unreachable.clone(),
                    edit_of: item.edit_of,
                    after: item.after.clone(),
                    keyed: item.key.is_some(),
                    attempts: 0,
                    due_at: row.due,
                    lease_until: now_ms + lease.num_milliseconds(),
                });
            }
        }
        Ok(claimed)
    }
}

/// What an item's row is made of besides its own fields.
struct Row<'a> {
    due: i64,
    payload: String,
    fallback: Option<(&'a str, String)>,
}

impl<'a> Row<'a> {
    fn of(item: &'a NewItem, now_ms: i64) -> Row<'a> {
        Row {
            due: item.due_at.map_or(now_ms, |d| d.timestamp_millis()),
            payload: item.request.body_text(),
            fallback: item.fallback.as_ref().map(|f| (f.method.as_str(), f.body_text())),
        }
    }
}
