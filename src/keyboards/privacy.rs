//! The buttons of `/deleteme` (`handlers::privacy`) on the wire: `p:y`
//! erases, `p:n` keeps everything. They carry nothing else: the press
//! counts only in the step `/deleteme` opened (`State::Privacy`).

/// Under the confirmation of `/deleteme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrivacyCb {
    /// «Yes, erase my data».
    Erase,
    /// «Cancel»: nothing changes.
    Keep,
}

impl PrivacyCb {
    pub const ALL: [PrivacyCb; 2] = [PrivacyCb::Erase, PrivacyCb::Keep];

    pub(super) fn encode(self) -> String {
        match self {
            PrivacyCb::Erase => "p:y".into(),
            PrivacyCb::Keep => "p:n".into(),
        }
    }

    /// The part after `p:`.
    pub(super) fn parse(value: &str) -> Option<PrivacyCb> {
        match value {
            "y" => Some(PrivacyCb::Erase),
            "n" => Some(PrivacyCb::Keep),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Callback;
    use super::*;

    #[test]
    fn the_buttons_round_trip_and_nothing_else_parses() {
        for cb in PrivacyCb::ALL {
            assert_eq!(Callback::parse(&Callback::Privacy(cb).encode()), Some(Callback::Privacy(cb)));
        }
        for bad in ["p:", "p:Y", "p:yes", "p:y:1", "p:1", "pp:y", "p"] {
            assert_eq!(Callback::parse(bad), None, "{bad:?}");
        }
    }
}
