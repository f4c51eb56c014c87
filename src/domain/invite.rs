//! Invite codes and the rules of who may join with which invite.
//!
//! A code is the secret half of a deep link
//! `https://t.me/<bot>?start=<code>`. It carries 132 bits from the
//! operating system's CSPRNG (through `rand`'s thread generator, which is
//! seeded from it and cryptographically secure), uses only the characters
//! Telegram allows in a `start` parameter, and is stored only as a SHA-256
//! hash: a leaked database does not leak working invites.

use super::{Role, UserId};
use chrono::Duration;
use rand::Rng;
use sha2::{Digest, Sha256};
use std::fmt;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Characters of a generated code: 22 × 6 bits = 132 bits of entropy.
pub const CODE_LEN: usize = 22;
// PRODUCT.md asks for at least 80 bits; checked when compiling.
const _: () = assert!(CODE_LEN * 6 >= 80 && CODE_LEN <= MAX_CODE_LEN);
/// Telegram's limit for a `start` parameter.
pub const MAX_CODE_LEN: usize = 64;

/// How long a single-person invite stays valid.
pub fn single_invite_ttl() -> Duration {
    Duration::days(7)
}

/// Choices offered for a class link; typed values are accepted within the limits.
pub const CLASS_USES_CHOICES: [u32; 4] = [10, 20, 30, 40];
pub const CLASS_DAYS_CHOICES: [u32; 4] = [1, 3, 7, 14];
pub const CLASS_MAX_USES: u32 = 100;
pub const CLASS_MAX_DAYS: u32 = 30;

/// The secret code. Its `Debug` never prints it, so it cannot reach logs.
#[derive(Clone, PartialEq, Eq)]
pub struct InviteCode(String);

impl fmt::Debug for InviteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InviteCode(…)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeError {
    /// Longer than Telegram allows: not one of ours.
    TooLong,
    /// Empty, or characters a deep link cannot carry.
    Malformed,
}

impl InviteCode {
    pub fn generate() -> InviteCode {
        let mut rng = rand::rng();
        let code = (0..CODE_LEN).map(|_| ALPHABET[usize::from(rng.random::<u8>() & 63)] as char).collect();
        InviteCode(code)
    }

    /// Accepts what a user may have typed or opened; says why it cannot be a code.
    pub fn parse(raw: &str) -> Result<InviteCode, CodeError> {
        let raw = raw.trim();
        if raw.len() > MAX_CODE_LEN {
            return Err(CodeError::TooLong);
        }
        if raw.is_empty() || !raw.bytes().all(|b| ALPHABET.contains(&b)) {
            return Err(CodeError::Malformed);
        }
        Ok(InviteCode(raw.to_owned()))
    }

    /// What the database stores and looks up.
    pub fn hash(&self) -> CodeHash {
        CodeHash(hex::encode(Sha256::digest(self.0.as_bytes())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn deep_link(&self, bot_username: &str) -> String {
        format!("https://t.me/{bot_username}?start={}", self.0)
    }
}

/// The SHA-256 of a code, in hex: what the database keeps, and what a
/// dialogue may hold while it waits (it cannot be turned back into a link).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct CodeHash(String);

impl CodeHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What an invite makes of the person who redeems it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteTarget {
    Coordinator,
    Mentor,
    /// A student of this mentor.
    Student {
        mentor: UserId,
    },
    /// A parent of this student.
    Parent {
        student: UserId,
    },
}

impl InviteTarget {
    pub fn role(self) -> Role {
        match self {
            InviteTarget::Coordinator => Role::Coordinator,
            InviteTarget::Mentor => Role::Mentor,
            InviteTarget::Student { .. } => Role::Student,
            InviteTarget::Parent { .. } => Role::Parent,
        }
    }
}

/// Why an invite did not work. Each has its own localised answer, and none
/// of them changes anything. (A code that cannot be one is a [`CodeError`],
/// caught before the database is asked.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RedeemError {
    #[error("no such invite")]
    Unknown,
    #[error("the invite has expired")]
    Expired,
    #[error("the invite has been used up")]
    UsedUp,
    #[error("the user already has the role {0:?}")]
    AlreadyRegistered(Role),
    #[error("the user is already linked through this invite")]
    AlreadyLinked,
    #[error("the student already has another mentor")]
    HasOtherMentor,
    #[error("a student opened their own parent invite")]
    OwnParentInvite,
    #[error("the student has all the parents allowed")]
    ParentsFull,
}

/// Who may take an invite for `target`, given the role they have now.
/// Linking checks that need the database (same mentor, same child) come after.
pub fn check_eligibility(
    target: InviteTarget,
    redeemer: UserId,
    current: Option<Role>,
) -> Result<(), RedeemError> {
    match (target, current) {
        (InviteTarget::Parent { student }, _) if student == redeemer => Err(RedeemError::OwnParentInvite),
        (_, None) => Ok(()),
        // A parent may link one more child; a student's mentor link is
        // checked against the database by the caller.
        (InviteTarget::Parent { .. }, Some(Role::Parent)) => Ok(()),
        (InviteTarget::Student { .. }, Some(Role::Student)) => Ok(()),
        (_, Some(role)) => Err(RedeemError::AlreadyRegistered(role)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_fit_telegram_and_differ() {
        let a = InviteCode::generate();
        let b = InviteCode::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), CODE_LEN);
        assert_eq!(InviteCode::parse(a.as_str()), Ok(a.clone()));
    }

    #[test]
    fn bad_codes_are_told_apart() {
        assert_eq!(InviteCode::parse(&"a".repeat(65)), Err(CodeError::TooLong));
        assert_eq!(InviteCode::parse("abc def"), Err(CodeError::Malformed));
        assert_eq!(InviteCode::parse("код"), Err(CodeError::Malformed));
        assert_eq!(InviteCode::parse(""), Err(CodeError::Malformed));
        assert!(InviteCode::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn the_hash_hides_the_code() {
        let code = InviteCode::generate();
        assert_eq!(code.hash().as_str().len(), 64);
        assert!(!code.hash().as_str().contains(code.as_str()));
        assert!(!format!("{code:?}").contains(code.as_str()));
    }

    #[test]
    fn who_may_take_which_invite() {
        let me = UserId(1);
        let mentor = UserId(2);
        let student = InviteTarget::Student { mentor };
        assert_eq!(check_eligibility(student, me, None), Ok(()));
        assert_eq!(
            check_eligibility(student, me, Some(Role::Mentor)),
            Err(RedeemError::AlreadyRegistered(Role::Mentor))
        );
        let parent = InviteTarget::Parent { student: UserId(3) };
        assert_eq!(check_eligibility(parent, me, Some(Role::Parent)), Ok(()));
        assert_eq!(
            check_eligibility(InviteTarget::Parent { student: me }, me, Some(Role::Student)),
            Err(RedeemError::OwnParentInvite)
        );
        assert_eq!(
            check_eligibility(InviteTarget::Mentor, me, Some(Role::Coordinator)),
            Err(RedeemError::AlreadyRegistered(Role::Coordinator))
        );
    }
}
