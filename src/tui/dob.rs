//! What a user may type in the date-of-birth field: a date, a year, or an age range.

use chrono::{Datelike, Months, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DobQuery {
    Exact(NaiveDate),
    /// Born between these dates, inclusive.
    Between(NaiveDate, NaiveDate),
}

pub const DOB_HELP: &str =
    "Date of birth: type DD/MM/YYYY, YYYY-MM-DD, a year, or an age range like 7-9";

/// Children's ages only: anything older is a typo for a year or a date.
const MAX_AGE: u32 = 25;

/// Parses the field; `Ok(None)` when it is empty.
pub fn parse(text: &str, today: NaiveDate) -> Result<Option<DobQuery>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let numbers: Vec<&str> = text.split(['/', '-', '.']).map(str::trim).collect();
    if numbers
        .iter()
        .any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(DOB_HELP);
    }
    let num = |s: &str| s.parse::<u32>().map_err(|_| DOB_HELP);
    let date = |y: u32, m: u32, d: u32| {
        i32::try_from(y)
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
            .filter(|d| *d <= today)
            .ok_or(DOB_HELP)
    };
    let query = match numbers.as_slice() {
        [y] if y.len() == 4 => {
            let y = num(y)?;
            DobQuery::Between(date(y, 1, 1)?, date(y, 12, 31).unwrap_or(today))
        }
        [age] if age.len() <= 2 => ages(num(age)?, num(age)?, today)?,
        [y, m, d] if y.len() == 4 && text.contains('-') => {
            DobQuery::Exact(date(num(y)?, num(m)?, num(d)?)?)
        }
        [d, m, y] if y.len() == 4 && d.len() <= 2 && m.len() <= 2 => {
            DobQuery::Exact(date(num(y)?, num(m)?, num(d)?)?)
        }
        [a, b] if a.len() <= 2 && b.len() <= 2 && text.contains('-') => {
            ages(num(a)?, num(b)?, today)?
        }
        _ => return Err(DOB_HELP),
    };
    Ok(Some(query))
}

/// Aged `youngest` to `oldest` today: born after today minus (oldest + 1) years,
/// and on or before today minus `youngest` years.
fn ages(youngest: u32, oldest: u32, today: NaiveDate) -> Result<DobQuery, &'static str> {
    if youngest > oldest || oldest > MAX_AGE {
        return Err(DOB_HELP);
    }
    let years_ago = |n: u32| {
        today
            .checked_sub_months(Months::new(12 * n))
            .ok_or(DOB_HELP)
    };
    let earliest = years_ago(oldest + 1)?.succ_opt().ok_or(DOB_HELP)?;
    let latest = years_ago(youngest)?;
    Ok(DobQuery::Between(earliest, latest))
}

/// `YYYY-MM-DD`, as the API takes dates.
pub fn iso(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_parse_in_british_and_iso_forms() {
        let today = d(2025, 6, 1);
        assert_eq!(
            parse("03/04/2016", today),
            Ok(Some(DobQuery::Exact(d(2016, 4, 3))))
        );
        assert_eq!(
            parse("3/4/2016", today),
            Ok(Some(DobQuery::Exact(d(2016, 4, 3))))
        );
        assert_eq!(
            parse("2016-04-03", today),
            Ok(Some(DobQuery::Exact(d(2016, 4, 3))))
        );
        assert_eq!(parse("", today), Ok(None));
    }

    #[test]
    fn a_year_or_an_age_range_becomes_a_date_range() {
        let today = d(2025, 6, 1);
        assert_eq!(
            parse("2016", today),
            Ok(Some(DobQuery::Between(d(2016, 1, 1), d(2016, 12, 31))))
        );
        assert_eq!(
            parse("7-9", today),
            Ok(Some(DobQuery::Between(d(2015, 6, 2), d(2018, 6, 1))))
        );
        assert_eq!(
            parse("8", today),
            Ok(Some(DobQuery::Between(d(2016, 6, 2), d(2017, 6, 1))))
        );
    }

    #[test]
    fn half_typed_or_impossible_dates_are_refused() {
        let today = d(2025, 6, 1);
        for text in [
            "03/0",
            "31/02/2016",
            "03/04/2030",
            "9-7",
            "40-50",
            "abc",
            "2016-04",
            "03/04/16",
        ] {
            assert_eq!(parse(text, today), Err(DOB_HELP), "{text}");
        }
    }
}
