//! Who a user is in the programme.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Coordinator,
    Mentor,
    Student,
    Parent,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Coordinator, Role::Mentor, Role::Student, Role::Parent];

    /// How the role is stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Mentor => "mentor",
            Role::Student => "student",
            Role::Parent => "parent",
        }
    }
}

impl FromStr for Role {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or(())
    }
}
