//! UK postcodes: `LS6 2AB`. Searches may give a whole postcode or only its district (`LS6`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("that is not a UK postcode: expected something like LS6 2AB")]
pub struct PostcodeError;

/// A full postcode, stored upper case with one space before the inward code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

impl Postcode {
    /// The outward code (district), e.g. `LS6`.
    pub fn district(&self) -> &str {
        self.0.split(' ').next().expect("normalised")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Normalises a district (outward code) typed on its own, e.g. `ls6` -> `LS6`.
    pub fn parse_district(s: &str) -> Option<String> {
        let d: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        is_outward(&d).then_some(d)
    }
}

/// Outward code: one or two letters, a digit, then an optional digit or letter.
fn is_outward(s: &str) -> bool {
    let b = s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if !(1..=2).contains(&letters) || b.len() < letters + 1 || b.len() > letters + 2 {
        return false;
    }
    b[letters].is_ascii_digit() && b[letters + 1..].iter().all(|c| c.is_ascii_alphanumeric())
}

/// Inward code: a digit and two letters.
fn is_inward(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 3
        && b[0].is_ascii_digit()
        && b[1].is_ascii_alphabetic()
        && b[2].is_ascii_alphabetic()
}

impl FromStr for Postcode {
    type Err = PostcodeError;
    fn from_str(s: &str) -> Result<Self, PostcodeError> {
        let compact: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if compact.len() < 5 || compact.len() > 7 || !compact.is_ascii() {
            return Err(PostcodeError);
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        if is_outward(outward) && is_inward(inward) {
            Ok(Postcode(format!("{outward} {inward}")))
        } else {
            Err(PostcodeError)
        }
    }
}

impl TryFrom<String> for Postcode {
    type Error = PostcodeError;
    fn try_from(s: String) -> Result<Self, PostcodeError> {
        s.parse()
    }
}

impl From<Postcode> for String {
    fn from(p: Postcode) -> String {
        p.0
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_are_normalised_with_or_without_space() {
        assert_eq!("ls62ab".parse::<Postcode>().unwrap().as_str(), "LS6 2AB");
        assert_eq!(" SW1A 1AA ".parse::<Postcode>().unwrap().district(), "SW1A");
        assert_eq!("M1 1AE".parse::<Postcode>().unwrap().district(), "M1");
        assert!("LS6".parse::<Postcode>().is_err());
        assert!("12345".parse::<Postcode>().is_err());
    }

    #[test]
    fn a_district_alone_is_recognised() {
        assert_eq!(Postcode::parse_district("ls6").as_deref(), Some("LS6"));
        assert_eq!(Postcode::parse_district("EC1A").as_deref(), Some("EC1A"));
        assert_eq!(Postcode::parse_district("LS6 2AB"), None);
    }
}
