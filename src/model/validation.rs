//! Field rules shared by the server (which refuses) and the TUI (which marks the
//! field at fault before sending). Each error names its field and says what to do.

use chrono::{Months, NaiveDate};

/// Records are for children: a date of birth more than this many years ago is refused
/// (room is left for care leavers, who may stay until 25).
pub const MAX_AGE_YEARS: u32 = 25;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{label}: {message}")]
pub struct FieldError {
    /// The field's wire name, e.g. `date_of_birth`.
    pub field: &'static str,
    /// The field's label as people read it.
    pub label: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, label: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            label,
            message: message.into(),
        }
    }
}

/// A field that must not be blank; returns it trimmed.
pub fn required(
    field: &'static str,
    label: &'static str,
    value: &str,
) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, label, "this is required"));
    }
    if v.chars().count() > 100 {
        return Err(FieldError::new(
            field,
            label,
            "keep it under 100 characters",
        ));
    }
    Ok(v.to_string())
}

pub fn date_of_birth(dob: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
    let err = |m: &str| FieldError::new("date_of_birth", "Date of birth", m);
    if dob > today {
        return Err(err("cannot be in the future"));
    }
    let oldest = today - Months::new(12 * MAX_AGE_YEARS);
    if dob < oldest {
        return Err(err(
            "is more than 25 years ago: the directory holds children",
        ));
    }
    Ok(())
}

/// A date that has happened (a start, an end, a death, a consent).
pub fn not_future(
    field: &'static str,
    label: &'static str,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<(), FieldError> {
    if date > today {
        return Err(FieldError::new(field, label, "cannot be in the future"));
    }
    Ok(())
}

/// A UK phone number: `01134960123`, `0113 496 0123`, `+44 113 496 0123`.
pub fn phone(field: &'static str, label: &'static str, value: &str) -> Result<(), FieldError> {
    let compact: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let national = match compact.strip_prefix("+44") {
        Some(rest) => format!("0{rest}"),
        None => compact,
    };
    let ok = national.starts_with('0')
        && (10..=11).contains(&national.len())
        && national.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            label,
            "is not a UK phone number: expected something like 0113 496 0123",
        ))
    }
}

/// An email address: one `@`, a name before it, a dotted domain after, no spaces.
pub fn email(field: &'static str, label: &'static str, value: &str) -> Result<(), FieldError> {
    let ok = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            label,
            "is not an email address: expected something like name@example.org",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn dates_of_birth_are_past_and_within_25_years() {
        let today = d("2026-11-23");
        assert!(date_of_birth(d("2015-03-04"), today).is_ok());
        assert!(date_of_birth(d("2026-11-24"), today).is_err());
        assert!(date_of_birth(d("2001-11-22"), today).is_err());
        assert!(date_of_birth(d("2001-11-23"), today).is_ok());
    }

    #[test]
    fn phones_and_emails_follow_uk_and_address_shapes() {
        for ok in [
            "0113 496 0123",
            "07700900123",
            "+44 7700 900123",
            "(0113) 496-0123",
        ] {
            assert!(phone("p", "Phone", ok).is_ok(), "{ok}");
        }
        for bad in ["12345", "0113 496 012a", "+1 555 0100 000", ""] {
            assert!(phone("p", "Phone", bad).is_err(), "{bad}");
        }
        assert!(email("e", "Email", "a.b@example.org").is_ok());
        for bad in [
            "ab.example.org",
            "@example.org",
            "a@example",
            "a b@example.org",
            "a@.org",
        ] {
            assert!(email("e", "Email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn messages_name_the_field() {
        let e = required("family_name", "Family name", "  ").unwrap_err();
        assert_eq!(e.to_string(), "Family name: this is required");
    }
}
