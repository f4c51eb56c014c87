//! Districts and schools. Names are matched by their key (case-folded,
//! normalised), so «Талдықорған» and «талдықорған» are one district.

use super::{DbResult, Tx, autocommit, on};
use crate::domain::user::place_key;
use crate::domain::{DistrictId, SchoolId};
use chrono::{DateTime, Utc};

impl Tx {
    /// The district with this name (or the same name in other letter case),
    /// created when new. `name` has been cleaned by `clean_place_name`.
    pub async fn district_named(&mut self, name: &str, now: DateTime<Utc>) -> DbResult<DistrictId> {
        let key = place_key(name);
        on!(self, c => sqlx::query(
            "INSERT INTO districts (name, name_key, created_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(name)
        .bind(&key)
        .bind(now.timestamp_millis())
        .execute(&mut *c)
        .await?
            .rows_affected());
        let id: i64 = on!(self, c => sqlx::query_scalar("SELECT id FROM districts WHERE name_key = $1")
            .bind(&key)
            .fetch_one(c)
            .await?);
        Ok(DistrictId(id))
    }

    /// The school with this name in a district, created when new.
    pub async fn school_named(
        &mut self,
        district: DistrictId,
        name: &str,
        now: DateTime<Utc>,
    ) -> DbResult<SchoolId> {
        let key = place_key(name);
        on!(self, c => sqlx::query(
            "INSERT INTO schools (district_id, name, name_key, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(district.0)
        .bind(name)
        .bind(&key)
        .bind(now.timestamp_millis())
        .execute(c)
        .await?
            .rows_affected());
        let id: i64 = on!(self, c => sqlx::query_scalar("SELECT id FROM schools WHERE district_id = $1 AND name_key = $2")
            .bind(district.0)
            .bind(&key)
            .fetch_one(c)
            .await?);
        Ok(SchoolId(id))
    }

    pub async fn districts(&mut self) -> DbResult<Vec<(DistrictId, String)>> {
        let rows: Vec<(i64, String)> = on!(self, c => sqlx::query_as("SELECT id, name FROM districts ORDER BY name").fetch_all(c).await?);
        Ok(rows.into_iter().map(|(id, name)| (DistrictId(id), name)).collect())
    }

    pub async fn schools_in(&mut self, district: DistrictId) -> DbResult<Vec<(SchoolId, String)>> {
        let rows: Vec<(i64, String)> = on!(self, c => sqlx::query_as("SELECT id, name FROM schools WHERE district_id = $1 ORDER BY name")
                .bind(district.0)
                .fetch_all(c)
                .await?);
        Ok(rows.into_iter().map(|(id, name)| (SchoolId(id), name)).collect())
    }

    pub async fn district_name(&mut self, id: DistrictId) -> DbResult<Option<String>> {
        Ok(on!(self, c => sqlx::query_scalar("SELECT name FROM districts WHERE id = $1")
            .bind(id.0)
            .fetch_optional(c)
            .await?))
    }

    /// A school's name and the district it belongs to.
    pub async fn school(&mut self, id: SchoolId) -> DbResult<Option<(String, DistrictId)>> {
        let row: Option<(String, i64)> = on!(self, c => sqlx::query_as("SELECT name, district_id FROM schools WHERE id = $1")
                .bind(id.0)
                .fetch_optional(c)
                .await?);
        Ok(row.map(|(name, d)| (name, DistrictId(d))))
    }

    /// Keys of names stored before keys existed. Two old names that now
    /// share a key keep their rows; the second gets a key that keeps it
    /// apart (its id), and new input matches the first.
    pub(crate) async fn fill_place_keys(&mut self) -> DbResult<()> {
        let districts: Vec<(i64, String)> = on!(self, c => sqlx::query_as(
            "SELECT id, name FROM districts WHERE name_key IS NULL ORDER BY id"
        ).fetch_all(c).await?);
        for (id, name) in districts {
            let key = place_key(&name);
            let taken: Option<i64> = on!(self, c => sqlx::query_scalar("SELECT id FROM districts WHERE name_key = $1")
                .bind(&key).fetch_optional(c).await?);
            let key = if taken.is_some() { format!("{key}#{id}") } else { key };
            on!(self, c => sqlx::query("UPDATE districts SET name_key = $2 WHERE id = $1")
                .bind(id).bind(&key).execute(c).await?
            .rows_affected());
        }
        let schools: Vec<(i64, i64, String)> = on!(self, c => sqlx::query_as(
            "SELECT id, district_id, name FROM schools WHERE name_key IS NULL ORDER BY id"
        ).fetch_all(c).await?);
        for (id, district, name) in schools {
            let key = place_key(&name);
            let taken: Option<i64> = on!(self, c => sqlx::query_scalar(
                "SELECT id FROM schools WHERE district_id = $1 AND name_key = $2"
            ).bind(district).bind(&key).fetch_optional(c).await?);
            let key = if taken.is_some() { format!("{key}#{id}") } else { key };
            on!(self, c => sqlx::query("UPDATE schools SET name_key = $2 WHERE id = $1")
                .bind(id).bind(&key).execute(c).await?
            .rows_affected());
        }
        Ok(())
    }
}

autocommit! {
    fn district_named(&self, name: &str, now: DateTime<Utc>) -> DistrictId;
    fn school_named(&self, district: DistrictId, name: &str, now: DateTime<Utc>) -> SchoolId;
    fn districts(&self) -> Vec<(DistrictId, String)>;
    fn schools_in(&self, district: DistrictId) -> Vec<(SchoolId, String)>;
    fn district_name(&self, id: DistrictId) -> Option<String>;
    fn school(&self, id: SchoolId) -> Option<(String, DistrictId)>;
}
