//! Invites: issued by the command line or by a user, redeemed once (or up
//! to a class link's limit), every check and change in the caller's
//! transaction.

use super::users::{USER_COLUMNS, UserRow};
use super::{DbError, DbResult, Tx, autocommit, on, strict};
use crate::domain::invite::{CodeHash, InviteCode, InviteTarget, RedeemError, check_eligibility};
use crate::domain::{DistrictId, InviteId, Role, SchoolId, User, UserId};
use chrono::{DateTime, Utc};

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

#[derive(sqlx::FromRow)]
struct InviteRow {
    id: i64,
    role: String,
    district_id: Option<i64>,
    school_id: Option<i64>,
    mentor_id: Option<i64>,
    student_id: Option<i64>,
    max_uses: i64,
    uses: i64,
    expires_at: i64,
}

impl InviteRow {
    fn target(&self) -> DbResult<InviteTarget> {
        let role: Role = strict("invite role", &self.role)?;
        Ok(match (role, self.mentor_id, self.student_id) {
            (Role::Coordinator, _, _) => InviteTarget::Coordinator,
            (Role::Mentor, _, _) => InviteTarget::Mentor,
            (Role::Student, Some(mentor), _) => InviteTarget::Student { mentor: UserId(mentor) },
            (Role::Parent, _, Some(student)) => InviteTarget::Parent { student: UserId(student) },
            _ => return Err(DbError::Corrupt(format!("invite {} has no mentor or student", self.id))),
        })
    }
}

impl Tx {
    /// Stores a new invite and returns the code to hand out (the database
    /// keeps only its hash).
    pub async fn create_invite(
        &mut self,
        new: &NewInvite,
        now: DateTime<Utc>,
    ) -> DbResult<(InviteId, InviteCode)> {
        let code = InviteCode::generate();
        let (mentor, student) = match new.target {
            InviteTarget::Student { mentor } => (Some(mentor.0), None),
            InviteTarget::Parent { student } => (None, Some(student.0)),
            InviteTarget::Coordinator | InviteTarget::Mentor => (None, None),
        };
        let id: i64 = on!(self, c => sqlx::query_scalar(
            "INSERT INTO invites (code_hash, role, created_by, district_id, school_id, mentor_id,
                 student_id, max_uses, uses, expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10) RETURNING id",
        )
        .bind(code.hash().as_str())
        .bind(new.target.role().as_str())
        .bind(new.created_by.map(|u| u.0))
        .bind(new.district.map(|d| d.0))
        .bind(new.school.map(|s| s.0))
        .bind(mentor)
        .bind(student)
        .bind(i64::from(new.max_uses))
        .bind(new.expires_at.timestamp_millis())
        .bind(now.timestamp_millis())
        .fetch_one(c)
        .await?);
        Ok((InviteId(id), code))
    }

    /// How many times an invite has been used, and its limit.
    pub async fn invite_uses(&mut self, id: InviteId) -> DbResult<Option<(i64, i64)>> {
        Ok(on!(self, c => sqlx::query_as("SELECT uses, max_uses FROM invites WHERE id = $1")
            .bind(id.0)
            .fetch_optional(c)
            .await?))
    }

    /// Redeems an invite for `user` (whose row exists). A refusal changes
    /// nothing; the caller's transaction commits a success with the rest
    /// of the update's effects. A parent joins only while the student has
    /// fewer than `max_parents`.
    pub async fn redeem_invite(
        &mut self,
        code: &CodeHash,
        user: UserId,
        max_parents: u32,
        now: DateTime<Utc>,
    ) -> DbResult<RedeemOutcome> {
        // A savepoint, so that a refusal found after a first write (a link
        // made meanwhile by a parallel transaction) undoes that write too.
        self.execute("SAVEPOINT redeem").await?;
        let outcome = match self.redeem_checked(code, user, max_parents, now).await? {
            Ok(joined) => RedeemOutcome::Joined(Box::new(joined)),
            Err(reason) => {
                self.execute("ROLLBACK TO SAVEPOINT redeem").await?;
                RedeemOutcome::Rejected(reason)
            }
        };
        self.execute("RELEASE SAVEPOINT redeem").await?;
        Ok(outcome)
    }

    async fn redeem_checked(
        &mut self,
        code: &CodeHash,
        user: UserId,
        max_parents: u32,
        now: DateTime<Utc>,
    ) -> DbResult<Result<Joined, RedeemError>> {
        let invite: Option<InviteRow> = on!(self, c => sqlx::query_as(
            "SELECT id, role, district_id, school_id, mentor_id, student_id, max_uses, uses, expires_at
             FROM invites WHERE code_hash = $1",
        )
        .bind(code.as_str())
        .fetch_optional(c)
        .await?);
        let Some(invite) = invite else { return Ok(Err(RedeemError::Unknown)) };
        let target = invite.target()?;
        let already: Option<i64> = on!(self, c => sqlx::query_scalar(
            "SELECT CAST(1 AS BIGINT) FROM invite_redemptions WHERE invite_id = $1 AND user_id = $2"
        )
        .bind(invite.id)
        .bind(user.0)
        .fetch_optional(c)
        .await?);
        if already.is_some() {
            return Ok(Err(RedeemError::AlreadyLinked));
        }
        if invite.expires_at <= now.timestamp_millis() {
            return Ok(Err(RedeemError::Expired));
        }
        if invite.uses >= invite.max_uses {
            return Ok(Err(RedeemError::UsedUp));
        }
        let current = self.user(user).await?.and_then(|u| u.role);
        if let Err(e) = check_eligibility(target, user, current) {
            return Ok(Err(e));
        }
        if let Some(refusal) = self.link_conflict(target, user).await? {
            return Ok(Err(refusal));
        }
        // The guard on `uses` makes the limit hold when two people press at once.
        let taken = on!(self, c => sqlx::query("UPDATE invites SET uses = uses + 1 WHERE id = $1 AND uses < max_uses")
            .bind(invite.id)
            .execute(c)
            .await?
            .rows_affected());
        if taken == 0 {
            return Ok(Err(RedeemError::UsedUp));
        }
        let now_ms = now.timestamp_millis();
        let mut joined =
            Joined { role: target.role(), mentor: None, student: None, school: None, district: None };
        let (mut district, mut school) = (invite.district_id, invite.school_id);
        match target {
            InviteTarget::Student { mentor } => {
                // A mentor taken out of the programme takes no students.
                if !self.mentor_takes_students(mentor).await? {
                    return Ok(Err(RedeemError::Expired));
                }
                let mentor = self.user_row(mentor).await?;
                district = mentor.district_id.map(|d| d.0);
                school = mentor.school_id.map(|s| s.0);
                let linked = on!(self, c => sqlx::query(
                    "INSERT INTO mentor_students (student_id, mentor_id, linked_at) VALUES ($1, $2, $3)
                     ON CONFLICT DO NOTHING"
                )
                .bind(user.0)
                .bind(mentor.id.0)
                .bind(now_ms)
                .execute(c)
                .await?
                .rows_affected());
                // Checked above; a student linked meanwhile by a parallel
                // transaction lands here, and is told so.
                if linked == 0 {
                    return Ok(Err(RedeemError::HasOtherMentor));
                }
                joined.mentor = Some(mentor);
            }
            InviteTarget::Parent { student } => {
                if !self.parent_place(student, max_parents).await? {
                    return Ok(Err(RedeemError::ParentsFull));
                }
                let linked = on!(self, c => sqlx::query(
                    "INSERT INTO parent_students (parent_id, student_id, linked_at) VALUES ($1, $2, $3)
                     ON CONFLICT DO NOTHING"
                )
                .bind(user.0)
                .bind(student.0)
                .bind(now_ms)
                .execute(c)
                .await?
                .rows_affected());
                if linked == 0 {
                    return Ok(Err(RedeemError::AlreadyLinked));
                }
                joined.student = Some(self.user_row(student).await?);
            }
            InviteTarget::Coordinator | InviteTarget::Mentor => {}
        }
        on!(self, c => sqlx::query(
            "UPDATE users SET role = $2, district_id = COALESCE($3, district_id),
                 school_id = COALESCE($4, school_id), updated_at = $5 WHERE id = $1",
        )
        .bind(user.0)
        .bind(target.role().as_str())
        .bind(district)
        .bind(school)
        .bind(now_ms)
        .execute(c)
        .await?
            .rows_affected());
        on!(self, c => sqlx::query("INSERT INTO invite_redemptions (invite_id, user_id, redeemed_at) VALUES ($1, $2, $3)")
            .bind(invite.id)
            .bind(user.0)
            .bind(now_ms)
            .execute(c)
            .await?
            .rows_affected());
        if let Some(s) = school {
            joined.school = self.school(SchoolId(s)).await?.map(|(name, _)| name);
        }
        if let Some(d) = district {
            joined.district = self.district_name(DistrictId(d)).await?;
        }
        Ok(Ok(joined))
    }

    /// Whether `student` may have one more parent. The student's row is
    /// locked first (a no-op UPDATE; SQLite's writers are one at a time
    /// anyway), so two parents joining at once are counted one after the
    /// other and the limit holds.
    async fn parent_place(&mut self, student: UserId, max_parents: u32) -> DbResult<bool> {
        on!(self, c => sqlx::query("UPDATE users SET updated_at = updated_at WHERE id = $1")
            .bind(student.0)
            .execute(c)
            .await?
            .rows_affected());
        let parents: i64 = on!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM parent_students WHERE student_id = $1"
        )
        .bind(student.0)
        .fetch_one(c)
        .await?);
        Ok(parents < i64::from(max_parents))
    }

    /// Links that already exist and forbid this one.
    async fn link_conflict(&mut self, target: InviteTarget, user: UserId) -> DbResult<Option<RedeemError>> {
        Ok(match target {
            InviteTarget::Student { mentor } => {
                let current: Option<i64> = on!(self, c => sqlx::query_scalar(
                    "SELECT mentor_id FROM mentor_students WHERE student_id = $1"
                )
                .bind(user.0)
                .fetch_optional(c)
                .await?);
                match current {
                    Some(m) if m == mentor.0 => Some(RedeemError::AlreadyLinked),
                    Some(_) => Some(RedeemError::HasOtherMentor),
                    None => None,
                }
            }
            InviteTarget::Parent { student } => {
                let linked: Option<i64> = on!(self, c => sqlx::query_scalar(
                    "SELECT CAST(1 AS BIGINT) FROM parent_students WHERE parent_id = $1 AND student_id = $2"
                )
                .bind(user.0)
                .bind(student.0)
                .fetch_optional(c)
                .await?);
                linked.map(|_| RedeemError::AlreadyLinked)
            }
            InviteTarget::Coordinator | InviteTarget::Mentor => None,
        })
    }

    async fn user_row(&mut self, id: UserId) -> DbResult<User> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row: UserRow = on!(self, c => sqlx::query_as(&sql).bind(id.0).fetch_one(c).await?);
        row.into_user()
    }
}

autocommit! {
    fn create_invite(&self, new: &NewInvite, now: DateTime<Utc>) -> (InviteId, InviteCode);
    fn invite_uses(&self, id: InviteId) -> Option<(i64, i64)>;
    fn redeem_invite(&self, code: &CodeHash, user: UserId, max_parents: u32, now: DateTime<Utc>) -> RedeemOutcome;
}
