//! The app's idea of "now": the system clock, or a fixed instant in tests so that
//! ages, date ranges and demo codes are reproducible.

use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => *t,
        }
    }

    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
}

/// Whole years between a date of birth and today.
pub fn age_on(dob: NaiveDate, today: NaiveDate) -> Option<u32> {
    today.years_since(dob)
}
