//! What makes an acceptable password (NIST SP 800-63B 5.1.1.2): 12 to 128 characters
//! of anything, compared after NFKC normalisation; no composition rules; refused if
//! common, or if it contains the username or the product's name.

use std::collections::HashSet;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;
const PRODUCT_NAMES: [&str; 2] = ["contactpoint", "contact point"];

static BLOCKLIST: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("../../../assets/passwords/common.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::to_lowercase)
        .collect()
});

/// The form a password is hashed and compared in: the same text typed on any
/// keyboard or platform gives the same bytes.
pub fn normalise(password: &str) -> String {
    password.nfkc().collect()
}

/// Why a password was refused, in words for the person choosing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("the password must be 12 to 128 characters long (it was {0})")]
    Length(usize),
    #[error("that password is on the list of commonly used passwords: choose another")]
    Common,
    #[error("the password must not contain your username")]
    ContainsUsername,
    #[error("the password must not contain the name of this system")]
    ContainsProductName,
}

/// Checks a new password for `username`; returns the normalised form to hash.
pub fn check(password: &str, username: &str) -> Result<String, PasswordProblem> {
    let normalised = normalise(password);
    let n = normalised.chars().count();
    if !(MIN_CHARS..=MAX_CHARS).contains(&n) {
        return Err(PasswordProblem::Length(n));
    }
    let lower = normalised.to_lowercase();
    if BLOCKLIST.contains(&lower) {
        return Err(PasswordProblem::Common);
    }
    let user = normalise(username).to_lowercase();
    if user.chars().count() >= 3 && lower.contains(&user) {
        return Err(PasswordProblem::ContainsUsername);
    }
    if PRODUCT_NAMES.iter().any(|p| lower.contains(p)) {
        return Err(PasswordProblem::ContainsProductName);
    }
    Ok(normalised)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blocklist_holds_thousands_of_entries() {
        assert!(BLOCKLIST.len() > 2_500);
        assert!(BLOCKLIST.contains("password1234"));
    }

    #[test]
    fn normalisation_makes_compatible_forms_equal() {
        // "ﬁ" (U+FB01) is "fi"; a full-width "Ａ" is "A".
        assert_eq!(normalise("\u{FB01}ne"), "fine");
        assert_eq!(normalise("\u{FF21}"), "A");
    }
}
