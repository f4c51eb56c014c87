//! Districts and schools.

use super::{Db, DbResult};
use crate::domain::{DistrictId, SchoolId};
use chrono::{DateTime, Utc};

impl Db {
    /// The district with this name, created when new.
    pub async fn district_named(&self, name: &str, now: DateTime<Utc>) -> DbResult<DistrictId> {
        sqlx::query("INSERT INTO districts (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(now.timestamp_millis())
            .execute(&self.pool)
            .await?;
        let id: i64 = sqlx::query_scalar("SELECT id FROM districts WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(DistrictId(id))
    }

    /// The school with this name in a district, created when new.
    pub async fn school_named(
        &self,
        district: DistrictId,
        name: &str,
        now: DateTime<Utc>,
    ) -> DbResult<SchoolId> {
        sqlx::query(
            "INSERT INTO schools (district_id, name, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (district_id, name) DO NOTHING",
        )
        .bind(district.0)
        .bind(name)
        .bind(now.timestamp_millis())
        .execute(&self.pool)
        .await?;
        let id: i64 = sqlx::query_scalar("SELECT id FROM schools WHERE district_id = $1 AND name = $2")
            .bind(district.0)
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(SchoolId(id))
    }

    pub async fn districts(&self) -> DbResult<Vec<(DistrictId, String)>> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM districts ORDER BY name").fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|(id, name)| (DistrictId(id), name)).collect())
    }

    pub async fn schools_in(&self, district: DistrictId) -> DbResult<Vec<(SchoolId, String)>> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM schools WHERE district_id = $1 ORDER BY name")
                .bind(district.0)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(id, name)| (SchoolId(id), name)).collect())
    }

    pub async fn district_name(&self, id: DistrictId) -> DbResult<Option<String>> {
        Ok(sqlx::query_scalar("SELECT name FROM districts WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// A school's name and the district it belongs to.
    pub async fn school(&self, id: SchoolId) -> DbResult<Option<(String, DistrictId)>> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT name, district_id FROM schools WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(name, d)| (name, DistrictId(d))))
    }
}
