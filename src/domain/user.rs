//! A person the bot has met, and where they stand in the programme.

use super::{DistrictId, Lang, Role, SchoolId, UserId};

/// What Telegram tells us about a user with every update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub id: UserId,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    /// `None` until the user's language is known.
    pub language: Option<Lang>,
    /// `None`: met the bot, but not in the programme.
    pub role: Option<Role>,
    pub district_id: Option<DistrictId>,
    pub school_id: Option<SchoolId>,
}

impl User {
    /// The name other people see: "First Last", or the Telegram id for a
    /// coordinator who was named on the command line and has not written yet.
    pub fn display_name(&self) -> String {
        let name = match &self.last_name {
            Some(last) if !last.trim().is_empty() => format!("{} {}", self.first_name.trim(), last.trim()),
            _ => self.first_name.trim().to_owned(),
        };
        if name.is_empty() { format!("#{}", self.id) } else { name }
    }
}

/// Names of places as people type them: trimmed, inner spaces collapsed.
pub fn clean_place_name(raw: &str) -> Option<String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let len = name.chars().count();
    (1..=100).contains(&len).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_names_are_tidied() {
        assert_eq!(clean_place_name("  №5   мектеп "), Some("№5 мектеп".to_owned()));
        assert_eq!(clean_place_name("   "), None);
        assert_eq!(clean_place_name(&"ы".repeat(101)), None);
    }
}
