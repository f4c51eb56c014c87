//! Invites: issued by the command line or by a user, redeemed once (or up
//! to a class link's limit), all checks and changes in one transaction.

use super::users::{USER_COLUMNS, user_from_row};
use super::{Db, DbResult, opt_id};
use crate::domain::invite::{InviteCode, InviteTarget, RedeemError, check_eligibility};
use crate::domain::{DistrictId, InviteId, Role, SchoolId, User, UserId};
use chrono::{DateTime, Utc};
use sqlx::{Any, Row, Transaction};

#[derive(Debug, Clone)]
pub struct NewInvite {
    pub target: InviteTarget,
    /// `None`: issued by an operator on the command line.
    pub created_by: Option<UserId>,
    pub district: Option<DistrictId>,
    pub school: Option<SchoolId>,
    pub max_uses: u32,
    pub expires_at: DateTime<Utc>,
}

/// What the person who redeemed an invite now is.
#[derive(Debug, Clone)]
pub struct Joined {
    pub role: Role,
    /// A student's mentor.
    pub mentor: Option<User>,
    /// The child a parent was linked to.
    pub student: Option<User>,
    pub school: Option<String>,
    pub district: Option<String>,
}

#[derive(Debug, Clone)]
pub enum RedeemOutcome {
    Joined(Box<Joined>),
    Rejected(RedeemError),
}

struct InviteRow {
    id: i64,
    target: InviteTarget,
    district: Option<DistrictId>,
    school: Option<SchoolId>,
    max_uses: i64,
    uses: i64,
    expires_at: i64,
}

impl Db {
    /// Stores a new invite and returns the code to hand out (the database
    /// keeps only its hash).
    pub async fn create_invite(
        &self,
        new: &NewInvite,
        now: DateTime<Utc>,
    ) -> DbResult<(InviteId, InviteCode)> {
        let code = InviteCode::generate();
        let (mentor, student) = match new.target {
            InviteTarget::Student { mentor } => (Some(mentor.0), None),
            InviteTarget::Parent { student } => (None, Some(student.0)),
            InviteTarget::Coordinator | InviteTarget::Mentor => (None, None),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO invites (code_hash, role, created_by, district_id, school_id, mentor_id,
                 student_id, max_uses, uses, expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10) RETURNING id",
        )
        .bind(code.hash())
        .bind(new.target.role().as_str())
        .bind(new.created_by.map(|u| u.0))
        .bind(new.district.map(|d| d.0))
        .bind(new.school.map(|s| s.0))
        .bind(mentor)
        .bind(student)
        .bind(i64::from(new.max_uses))
        .bind(new.expires_at.timestamp_millis())
        .bind(now.timestamp_millis())
        .fetch_one(&self.pool)
        .await?;
        Ok((InviteId(id), code))
    }

    /// How many times an invite has been used, and its limit.
    pub async fn invite_uses(&self, id: InviteId) -> DbResult<Option<(i64, i64)>> {
        Ok(sqlx::query_as("SELECT uses, max_uses FROM invites WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Redeems an invite for `user` (whose row exists). Every refusal
    /// leaves the database as it was.
    pub async fn redeem_invite(
        &self,
        code: &InviteCode,
        user: UserId,
        now: DateTime<Utc>,
    ) -> DbResult<RedeemOutcome> {
        let mut tx = self.begin_write().await?;
        let outcome = redeem_in(&mut tx, code, user, now).await?;
        match outcome {
            Ok(joined) => {
                tx.commit().await?;
                Ok(RedeemOutcome::Joined(Box::new(joined)))
            }
            Err(reason) => {
                tx.rollback().await?;
                Ok(RedeemOutcome::Rejected(reason))
            }
        }
    }
}

async fn redeem_in(
    tx: &mut Transaction<'static, Any>,
    code: &InviteCode,
    user: UserId,
    now: DateTime<Utc>,
) -> DbResult<Result<Joined, RedeemError>> {
    let Some(invite) = load_invite(tx, code).await? else {
        return Ok(Err(RedeemError::Unknown));
    };
    let already: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM invite_redemptions WHERE invite_id = $1 AND user_id = $2")
            .bind(invite.id)
            .bind(user.0)
            .fetch_optional(&mut **tx)
            .await?;
    if already.is_some() {
        return Ok(Err(RedeemError::AlreadyLinked));
    }
    if invite.expires_at <= now.timestamp_millis() {
        return Ok(Err(RedeemError::Expired));
    }
    if invite.uses >= invite.max_uses {
        return Ok(Err(RedeemError::UsedUp));
    }
    let current: Option<String> =
        sqlx::query_scalar("SELECT role FROM users WHERE id = $1").bind(user.0).fetch_one(&mut **tx).await?;
    let current: Option<Role> = current.and_then(|r| r.parse().ok());
    if let Err(e) = check_eligibility(invite.target, user, current) {
        return Ok(Err(e));
    }
    if let Some(refusal) = link_conflict(tx, invite.target, user).await? {
        return Ok(Err(refusal));
    }
    // The guard on `uses` makes the limit hold when two people press at once.
    let taken = sqlx::query("UPDATE invites SET uses = uses + 1 WHERE id = $1 AND uses < max_uses")
        .bind(invite.id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if taken == 0 {
        return Ok(Err(RedeemError::UsedUp));
    }
    let now_ms = now.timestamp_millis();
    let mut joined =
        Joined { role: invite.target.role(), mentor: None, student: None, school: None, district: None };
    let (mut district, mut school) = (invite.district, invite.school);
    match invite.target {
        InviteTarget::Student { mentor } => {
            let mentor = user_in(tx, mentor).await?;
            district = mentor.district_id;
            school = mentor.school_id;
            sqlx::query("INSERT INTO mentor_students (student_id, mentor_id, linked_at) VALUES ($1, $2, $3)")
                .bind(user.0)
                .bind(mentor.id.0)
                .bind(now_ms)
                .execute(&mut **tx)
                .await?;
            joined.mentor = Some(mentor);
        }
        InviteTarget::Parent { student } => {
            sqlx::query("INSERT INTO parent_students (parent_id, student_id, linked_at) VALUES ($1, $2, $3)")
                .bind(user.0)
                .bind(student.0)
                .bind(now_ms)
                .execute(&mut **tx)
                .await?;
            joined.student = Some(user_in(tx, student).await?);
        }
        InviteTarget::Coordinator | InviteTarget::Mentor => {}
    }
    sqlx::query(
        "UPDATE users SET role = $2, district_id = COALESCE($3, district_id),
             school_id = COALESCE($4, school_id), updated_at = $5 WHERE id = $1",
    )
    .bind(user.0)
    .bind(invite.target.role().as_str())
    .bind(district.map(|d| d.0))
    .bind(school.map(|s| s.0))
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    sqlx::query("INSERT INTO invite_redemptions (invite_id, user_id, redeemed_at) VALUES ($1, $2, $3)")
        .bind(invite.id)
        .bind(user.0)
        .bind(now_ms)
        .execute(&mut **tx)
        .await?;
    if let Some(s) = school {
        joined.school = sqlx::query_scalar("SELECT name FROM schools WHERE id = $1")
            .bind(s.0)
            .fetch_optional(&mut **tx)
            .await?;
    }
    if let Some(d) = district {
        joined.district = sqlx::query_scalar("SELECT name FROM districts WHERE id = $1")
            .bind(d.0)
            .fetch_optional(&mut **tx)
            .await?;
    }
    Ok(Ok(joined))
}

async fn load_invite(tx: &mut Transaction<'static, Any>, code: &InviteCode) -> DbResult<Option<InviteRow>> {
    let row = sqlx::query(
        "SELECT id, role, district_id, school_id, mentor_id, student_id, max_uses, uses, expires_at
         FROM invites WHERE code_hash = $1",
    )
    .bind(code.hash())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let role: String = row.try_get("role")?;
    let mentor = opt_id(&row, "mentor_id", UserId)?;
    let student = opt_id(&row, "student_id", UserId)?;
    let target = match (role.as_str(), mentor, student) {
        ("coordinator", _, _) => InviteTarget::Coordinator,
        ("mentor", _, _) => InviteTarget::Mentor,
        ("student", Some(mentor), _) => InviteTarget::Student { mentor },
        ("parent", _, Some(student)) => InviteTarget::Parent { student },
        // A row the schema should not allow: treat it as no invite at all.
        _ => return Ok(None),
    };
    Ok(Some(InviteRow {
        id: row.try_get("id")?,
        target,
        district: opt_id(&row, "district_id", DistrictId)?,
        school: opt_id(&row, "school_id", SchoolId)?,
        max_uses: row.try_get("max_uses")?,
        uses: row.try_get("uses")?,
        expires_at: row.try_get("expires_at")?,
    }))
}

/// Links that already exist and forbid this one.
async fn link_conflict(
    tx: &mut Transaction<'static, Any>,
    target: InviteTarget,
    user: UserId,
) -> DbResult<Option<RedeemError>> {
    Ok(match target {
        InviteTarget::Student { mentor } => {
            let current: Option<i64> =
                sqlx::query_scalar("SELECT mentor_id FROM mentor_students WHERE student_id = $1")
                    .bind(user.0)
                    .fetch_optional(&mut **tx)
                    .await?;
            match current {
                Some(m) if m == mentor.0 => Some(RedeemError::AlreadyLinked),
                Some(_) => Some(RedeemError::HasOtherMentor),
                None => None,
            }
        }
        InviteTarget::Parent { student } => {
            let linked: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM parent_students WHERE parent_id = $1 AND student_id = $2")
                    .bind(user.0)
                    .bind(student.0)
                    .fetch_optional(&mut **tx)
                    .await?;
            linked.map(|_| RedeemError::AlreadyLinked)
        }
        InviteTarget::Coordinator | InviteTarget::Mentor => None,
    })
}

async fn user_in(tx: &mut Transaction<'static, Any>, id: UserId) -> DbResult<User> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(&sql).bind(id.0).fetch_one(&mut **tx).await?;
    Ok(user_from_row(&row)?)
}
