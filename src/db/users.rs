use super::{Db, DbResult, opt_id};
use crate::domain::{DistrictId, Lang, Profile, Role, SchoolId, User, UserId};
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

pub(crate) const USER_COLUMNS: &str =
    "id, first_name, last_name, username, language, role, district_id, school_id";

pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: UserId(row.try_get("id")?),
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        username: row.try_get("username")?,
        language: row.try_get::<Option<String>, _>("language")?.and_then(|l| l.parse().ok()),
        role: row.try_get::<Option<String>, _>("role")?.and_then(|r| r.parse().ok()),
        district_id: opt_id(row, "district_id", DistrictId)?,
        school_id: opt_id(row, "school_id", SchoolId)?,
    })
}

impl Db {
    /// Records (or refreshes) what Telegram says about a user and returns
    /// the stored user.
    pub async fn upsert_profile(&self, p: &Profile, now: DateTime<Utc>) -> DbResult<User> {
        let sql = format!(
            "INSERT INTO users (id, first_name, last_name, username, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5)
             ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name,
                 last_name = excluded.last_name, username = excluded.username,
                 updated_at = excluded.updated_at
             RETURNING {USER_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(p.id.0)
            .bind(&p.first_name)
            .bind(&p.last_name)
            .bind(&p.username)
            .bind(now.timestamp_millis())
            .fetch_one(&self.pool)
            .await?;
        Ok(user_from_row(&row)?)
    }

    pub async fn user(&self, id: UserId) -> DbResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(&sql).bind(id.0).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(user_from_row).transpose()?)
    }

    pub async fn set_language(&self, id: UserId, lang: Lang, now: DateTime<Utc>) -> DbResult<()> {
        sqlx::query("UPDATE users SET language = $2, updated_at = $3 WHERE id = $1")
            .bind(id.0)
            .bind(lang.code())
            .bind(now.timestamp_millis())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Makes a Telegram id a coordinator (operators' `TALIMGER_ADMINS`).
    /// Someone who already holds another role keeps it; that role is returned.
    pub async fn make_coordinator(&self, id: UserId, now: DateTime<Utc>) -> DbResult<Option<Role>> {
        let row = sqlx::query(
            "INSERT INTO users (id, first_name, role, created_at, updated_at)
             VALUES ($1, '', 'coordinator', $2, $2)
             ON CONFLICT (id) DO UPDATE SET role = 'coordinator', updated_at = excluded.updated_at
                 WHERE users.role IS NULL OR users.role = 'coordinator'
             RETURNING role",
        )
        .bind(id.0)
        .bind(now.timestamp_millis())
        .fetch_optional(&self.pool)
        .await?;
        if row.is_some() {
            return Ok(Some(Role::Coordinator));
        }
        Ok(self.user(id).await?.and_then(|u| u.role))
    }

    /// The active mentor of a student.
    pub async fn mentor_of(&self, student: UserId) -> DbResult<Option<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users
             WHERE id = (SELECT mentor_id FROM mentor_students WHERE student_id = $1)"
        );
        let row = sqlx::query(&sql).bind(student.0).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(user_from_row).transpose()?)
    }

    /// A parent's children, in the order they were linked.
    pub async fn children_of(&self, parent: UserId) -> DbResult<Vec<User>> {
        let cols = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {cols} FROM users u JOIN parent_students ps ON ps.student_id = u.id
             WHERE ps.parent_id = $1 ORDER BY ps.linked_at, u.id"
        );
        let rows = sqlx::query(&sql).bind(parent.0).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(user_from_row).collect::<Result<_, _>>()?)
    }

    pub async fn parents_of(&self, student: UserId) -> DbResult<Vec<UserId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT parent_id FROM parent_students WHERE student_id = $1 ORDER BY linked_at",
        )
        .bind(student.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(UserId).collect())
    }

    pub async fn mentee_count(&self, mentor: UserId) -> DbResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM mentor_students WHERE mentor_id = $1")
            .bind(mentor.0)
            .fetch_one(&self.pool)
            .await?)
    }
}
