//! Identifiers a practitioner reads over the phone: the directory ID and the NHS number.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("a directory ID has 8 letters or digits and a check character, like 7K3M-9QX2-P")]
    DirectoryIdShape,
    #[error("that directory ID's check character is wrong: check it was read correctly")]
    DirectoryIdCheck,
    #[error("an NHS number has 10 digits")]
    NhsNumberShape,
    #[error("that NHS number's check digit is wrong: check it was read correctly")]
    NhsNumberCheck,
}

/// Crockford's base32: no I, L, O or U, so nothing is misheard or misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A directory ID: eight base32 symbols and a Luhn mod 32 check symbol,
/// shown as `7K3M-9QX2-P`. Typed input may omit the hyphens, use lower case,
/// or confuse I/L with 1 and O with 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DirectoryId(String);

impl DirectoryId {
    /// Builds the ID for a 40-bit number (the demo generator and record creation use this).
    pub fn from_number(n: u64) -> Self {
        let mut body = [0u8; 8];
        for (i, slot) in body.iter_mut().enumerate() {
            *slot = ALPHABET[((n >> (5 * (7 - i))) & 31) as usize];
        }
        let check = ALPHABET[luhn32(&body)];
        let s = format!(
            "{}-{}-{}",
            std::str::from_utf8(&body[..4]).expect("ascii"),
            std::str::from_utf8(&body[4..]).expect("ascii"),
            check as char
        );
        DirectoryId(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn symbol_value(c: u8) -> Option<usize> {
    let c = match c.to_ascii_uppercase() {
        b'I' | b'L' => b'1',
        b'O' => b'0',
        other => other,
    };
    ALPHABET.iter().position(|&a| a == c)
}

/// Luhn mod N over the symbols' values: catches every single-symbol error and
/// every transposition of neighbours.
fn luhn32(body: &[u8]) -> usize {
    let mut factor = 2;
    let mut sum = 0;
    for &c in body.iter().rev() {
        let addend = factor * symbol_value(c).expect("body is base32");
        factor = if factor == 2 { 1 } else { 2 };
        sum += addend / 32 + addend % 32;
    }
    (32 - sum % 32) % 32
}

impl FromStr for DirectoryId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let symbols: Vec<u8> = s
            .bytes()
            .filter(|b| !matches!(b, b'-' | b' '))
            .map(|b| symbol_value(b).map(|v| ALPHABET[v]))
            .collect::<Option<_>>()
            .ok_or(IdError::DirectoryIdShape)?;
        if symbols.len() != 9 {
            return Err(IdError::DirectoryIdShape);
        }
        if ALPHABET[luhn32(&symbols[..8])] != symbols[8] {
            return Err(IdError::DirectoryIdCheck);
        }
        let s = std::str::from_utf8(&symbols).expect("ascii");
        Ok(DirectoryId(format!("{}-{}-{}", &s[..4], &s[4..8], &s[8..])))
    }
}

impl TryFrom<String> for DirectoryId {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        s.parse()
    }
}

impl From<DirectoryId> for String {
    fn from(id: DirectoryId) -> String {
        id.0
    }
}

impl fmt::Display for DirectoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An NHS number: ten digits, the last a mod-11 check digit. Shown `943 476 5919`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NhsNumber(String);

impl NhsNumber {
    /// The check digit for nine digits, or None when the number cannot be valid (check 10).
    pub fn check_digit(nine: &[u8]) -> Option<u8> {
        let sum: u32 = nine
            .iter()
            .enumerate()
            .map(|(i, d)| u32::from(*d) * (10 - i as u32))
            .sum();
        match 11 - sum % 11 {
            11 => Some(0),
            10 => None,
            d => Some(d as u8),
        }
    }

    /// Completes nine digits with their check digit, if they can take one.
    pub fn from_nine(nine: [u8; 9]) -> Option<Self> {
        let check = Self::check_digit(&nine)?;
        let s: String = nine
            .iter()
            .chain(std::iter::once(&check))
            .map(|d| char::from(b'0' + d))
            .collect();
        Some(NhsNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for NhsNumber {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let digits: Vec<u8> = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| c.to_digit(10).map(|d| d as u8))
            .collect::<Option<_>>()
            .ok_or(IdError::NhsNumberShape)?;
        if digits.len() != 10 {
            return Err(IdError::NhsNumberShape);
        }
        if Self::check_digit(&digits[..9]) != Some(digits[9]) {
            return Err(IdError::NhsNumberCheck);
        }
        Ok(NhsNumber(
            digits.iter().map(|d| char::from(b'0' + d)).collect(),
        ))
    }
}

impl TryFrom<String> for NhsNumber {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        s.parse()
    }
}

impl From<NhsNumber> for String {
    fn from(n: NhsNumber) -> String {
        n.0
    }
}

impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_id_round_trips_and_forgives_case_hyphens_and_lookalikes() {
        let id = DirectoryId::from_number(0x12_3456_789A);
        let typed = id
            .as_str()
            .replace('-', "")
            .to_lowercase()
            .replace('1', "l");
        assert_eq!(typed.parse::<DirectoryId>().unwrap(), id);
    }

    #[test]
    fn directory_id_check_catches_one_wrong_symbol_and_neighbour_swaps() {
        let id = DirectoryId::from_number(987_654_321)
            .to_string()
            .replace('-', "");
        let bytes = id.as_bytes();
        for i in 0..8 {
            let mut wrong = bytes.to_vec();
            wrong[i] = if wrong[i] == b'7' { b'8' } else { b'7' };
            let wrong = String::from_utf8(wrong).unwrap();
            assert!(wrong.parse::<DirectoryId>().is_err(), "{wrong}");
            if i < 7 && bytes[i] != bytes[i + 1] {
                let mut swapped = bytes.to_vec();
                swapped.swap(i, i + 1);
                let swapped = String::from_utf8(swapped).unwrap();
                assert!(swapped.parse::<DirectoryId>().is_err(), "{swapped}");
            }
        }
    }

    #[test]
    fn nhs_number_check_digit_follows_mod_11() {
        assert_eq!(
            "943 476 5919".parse::<NhsNumber>().unwrap().as_str(),
            "9434765919"
        );
        assert_eq!(
            "9434765918".parse::<NhsNumber>(),
            Err(IdError::NhsNumberCheck)
        );
        assert_eq!(
            "94347659".parse::<NhsNumber>(),
            Err(IdError::NhsNumberShape)
        );
        assert!(NhsNumber::from_nine([9, 4, 3, 4, 7, 6, 5, 9, 1]).is_some());
    }
}
