//! The two languages of the programme.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[serde(rename = "kk")]
    Kk,
    #[serde(rename = "ru")]
    Ru,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Kk, Lang::Ru];

    /// The ISO 639-1 code, as Telegram and our locale folders spell it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
        }
    }

    /// The language of a Telegram client, when it is one of ours
    /// (`kk`, `kk-KZ`, `ru`, `ru-RU`…); `None` means we have to ask.
    pub fn from_telegram(code: Option<&str>) -> Option<Lang> {
        let primary = code?.split(['-', '_']).next()?.to_ascii_lowercase();
        primary.parse().ok()
    }
}

impl FromStr for Lang {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "kk" => Ok(Lang::Kk),
            "ru" => Ok(Lang::Ru),
            _ => Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_codes_map_to_our_languages() {
        assert_eq!(Lang::from_telegram(Some("kk")), Some(Lang::Kk));
        assert_eq!(Lang::from_telegram(Some("ru-RU")), Some(Lang::Ru));
        assert_eq!(Lang::from_telegram(Some("KK_kz")), Some(Lang::Kk));
        assert_eq!(Lang::from_telegram(Some("en")), None);
        assert_eq!(Lang::from_telegram(Some("")), None);
        assert_eq!(Lang::from_telegram(None), None);
    }
}
