//! Turning the query string into a validated search, or saying what to add.

use chrono::{Datelike, NaiveDate};

use super::rank::{self, LeftOut};
use crate::api::{ErrorCode, SearchParams, DEFAULT_LIMIT, MAX_LIMIT};
use crate::model::names;
use crate::model::{DirectoryId, Gender, NhsNumber, Postcode};
use crate::server::error::ApiError;
use crate::store::CandidateQuery;

/// Names longer than this are refused (the NHS demographics service uses the same limit).
const MAX_NAME_CHARS: usize = 35;
/// A forename + age-range search may span at most this many years of births.
const MAX_RANGE_YEARS: i64 = 5;
/// Dates of birth more than this many years ago are not children's (with room for care leavers).
const MAX_AGE_YEARS: i32 = 26;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostcodeQuery {
    Full(Postcode),
    District(String),
}

impl PostcodeQuery {
    pub fn district(&self) -> &str {
        match self {
            PostcodeQuery::Full(p) => p.district(),
            PostcodeQuery::District(d) => d,
        }
    }
}

/// A search that names enough to be allowed.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// Normalised surname forms (whole, and each part of a hyphenated name).
    pub family: Vec<String>,
    /// Normalised forename tokens.
    pub given: Vec<String>,
    pub dob: Option<NaiveDate>,
    pub dob_range: Option<(NaiveDate, NaiveDate)>,
    pub postcode: Option<PostcodeQuery>,
    pub gender: Option<Gender>,
    pub directory_id: Option<DirectoryId>,
    pub nhs_number: Option<NhsNumber>,
    pub limit: usize,
    pub today: NaiveDate,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn parse_date(s: &str, what: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        ApiError::bad_request(format!("The {what} must be a date written YYYY-MM-DD."))
    })
}

fn too_broad(message: &str) -> ApiError {
    ApiError::new(ErrorCode::SearchTooBroad, message)
}

/// Every valid date one digit away from `d` in `YYYYMMDD` (a typing slip), within
/// the ages the directory holds, plus `d` itself and its day/month swap.
pub fn dob_variants(d: NaiveDate, today: NaiveDate) -> Vec<NaiveDate> {
    let digits: Vec<u8> = d.format("%Y%m%d").to_string().into_bytes();
    let oldest = today.year() - MAX_AGE_YEARS;
    let mut out = vec![d];
    out.extend(swapped_day_month(d));
    for i in 0..digits.len() {
        for digit in b'0'..=b'9' {
            if digit == digits[i] {
                continue;
            }
            let mut edited = digits.clone();
            edited[i] = digit;
            let text = String::from_utf8(edited).expect("ascii digits");
            if let Ok(v) = NaiveDate::parse_from_str(&text, "%Y%m%d") {
                if v.year() >= oldest && v <= today {
                    out.push(v);
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The same date with day and month exchanged, when that is a different valid date.
pub fn swapped_day_month(d: NaiveDate) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(d.year(), d.day(), d.month()).filter(|s| *s != d)
}

impl SearchRequest {
    pub fn parse(p: &SearchParams, today: NaiveDate) -> Result<Self, ApiError> {
        let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_request(format!(
                "The limit must be between 1 and {MAX_LIMIT}."
            )));
        }
        let mut request = SearchRequest {
            family: Vec::new(),
            given: Vec::new(),
            dob: None,
            dob_range: None,
            postcode: None,
            gender: None,
            directory_id: None,
            nhs_number: None,
            limit,
            today,
        };
        if let Some(id) = non_empty(&p.id) {
            request.directory_id = Some(
                id.parse()
                    .map_err(|e: crate::model::IdError| ApiError::bad_request(e.to_string()))?,
            );
        }
        if let Some(nhs) = non_empty(&p.nhs_number) {
            request.nhs_number = Some(
                nhs.parse()
                    .map_err(|e: crate::model::IdError| ApiError::bad_request(e.to_string()))?,
            );
        }
        for (name, value) in [
            ("surname", non_empty(&p.surname)),
            ("forename", non_empty(&p.forename)),
        ] {
            if value.is_some_and(|v| v.chars().count() > MAX_NAME_CHARS) {
                return Err(ApiError::bad_request(format!(
                    "The {name} can be at most {MAX_NAME_CHARS} characters."
                )));
            }
        }
        if let Some(surname) = non_empty(&p.surname) {
            request.family = names::surname_forms(surname);
            if request.family.is_empty() {
                return Err(ApiError::bad_request("The surname must contain letters."));
            }
        }
        if let Some(forename) = non_empty(&p.forename) {
            request.given = names::normalise(forename)
                .split(' ')
                .filter(|t| !t.is_empty())
                .map(String::from)
                .collect();
        }
        if let Some(dob) = non_empty(&p.dob) {
            request.dob = Some(parse_date(dob, "date of birth")?);
        }
        match (non_empty(&p.dob_from), non_empty(&p.dob_to)) {
            (None, None) => {}
            (Some(from), Some(to)) => {
                let (from, to) = (
                    parse_date(from, "earliest date of birth")?,
                    parse_date(to, "latest date of birth")?,
                );
                if from > to {
                    return Err(ApiError::bad_request(
                        "The earliest date of birth is after the latest.",
                    ));
                }
                request.dob_range = Some((from, to));
            }
            _ => {
                return Err(ApiError::bad_request(
                    "An age range needs both dob_from and dob_to.",
                ))
            }
        }
        if let Some(postcode) = non_empty(&p.postcode) {
            request.postcode = Some(match postcode.parse::<Postcode>() {
                Ok(full) => PostcodeQuery::Full(full),
                Err(_) => PostcodeQuery::District(Postcode::parse_district(postcode).ok_or_else(
                    || {
                        ApiError::bad_request(
                            "That is not a UK postcode or postcode district (like LS6 2AB or LS6).",
                        )
                    },
                )?),
            });
        }
        if let Some(g) = non_empty(&p.gender) {
            request.gender = Some(Gender::from_code(g).ok_or_else(|| {
                ApiError::bad_request("The gender must be female, male or not_specified.")
            })?);
        }
        request.check_narrow_enough()?;
        Ok(request)
    }

    /// The combinations that keep a search from trawling the directory.
    fn check_narrow_enough(&self) -> Result<(), ApiError> {
        if self.directory_id.is_some() || self.nhs_number.is_some() {
            return Ok(());
        }
        if self.family.is_empty() {
            return Err(too_broad(
                "Add a surname, or search by directory ID or NHS number.",
            ));
        }
        if self.dob.is_some() || self.postcode.is_some() {
            return Ok(());
        }
        match self.dob_range {
            Some(_) if self.given.is_empty() => {
                Err(too_broad("An age range needs a forename too. Add a forename, or give the exact date of birth."))
            }
            Some((from, to)) if (to - from).num_days() > MAX_RANGE_YEARS * 366 => Err(too_broad(
                "The age range is too wide: narrow it to five years or less, or add a postcode.",
            )),
            Some(_) => Ok(()),
            None => Err(too_broad(
                "Add a date of birth or a postcode (or a forename with an age range) to narrow the search.",
            )),
        }
    }

    /// A postcode is hidden on shielded records, so searching by it must not find them.
    pub fn uses_hidden_field(&self) -> bool {
        self.postcode.is_some()
    }

    /// The indexed sets whose union holds every child this search could match.
    pub fn candidate_query(&self, limit: usize) -> CandidateQuery {
        let mut q = self.keyed_query(limit);
        if let Some(dob) = self.dob.filter(|_| !self.family.is_empty()) {
            q.name_dobs = dob_variants(dob, self.today.max(dob));
        }
        q
    }

    /// A narrower first pass and the best score anything it leaves out could reach
    /// (see `rank::ceiling`): the typed date of birth and its swap before every
    /// one-digit slip; with an age range, only namesakes whose first forename
    /// sounds like the one typed. At national scale the wide sets are thousands of
    /// rows where the narrow ones are tens.
    pub fn narrow_query(&self, limit: usize) -> Option<(CandidateQuery, f64)> {
        if self.directory_id.is_some() || self.nhs_number.is_some() || self.family.is_empty() {
            return None;
        }
        let mut q = self.keyed_query(limit);
        if let Some(dob) = self.dob {
            q.name_dobs = std::iter::once(dob).chain(swapped_day_month(dob)).collect();
            return Some((q, rank::ceiling(self, LeftOut::DateSlip)));
        }
        self.dob_range?;
        let first = self.given.first().filter(|g| g.len() > 1)?;
        q.name_given_keys = names::given_keys(first);
        Some((q, rank::ceiling(self, LeftOut::OtherForename)))
    }

    /// Everything but the list of birth dates to try, where the two passes differ.
    fn keyed_query(&self, limit: usize) -> CandidateQuery {
        let mut name_keys: Vec<String> = self.family.iter().flat_map(|f| names::keys(f)).collect();
        // A forename may really be the surname (swapped fields).
        if let Some(first) = self.given.first() {
            name_keys.extend(names::keys(first));
        }
        name_keys.sort();
        name_keys.dedup();
        let mut q = CandidateQuery {
            name_keys,
            directory_id: self.directory_id.as_ref().map(|i| i.to_string()),
            nhs_number: self.nhs_number.as_ref().map(|n| n.as_str().to_string()),
            limit,
            ..CandidateQuery::default()
        };
        if self.family.is_empty() {
            return q;
        }
        if self.dob.is_none() {
            q.name_dob_window = self.dob_range;
        }
        if let Some(postcode) = &self.postcode {
            q.name_district = Some(postcode.district().to_string());
            if let PostcodeQuery::Full(full) = postcode {
                q.postcode = Some(full.as_str().to_string());
            }
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn params(surname: &str) -> SearchParams {
        SearchParams {
            surname: Some(surname.into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_surname_alone_is_too_broad_and_says_what_to_add() {
        let err = SearchRequest::parse(&params("Smith"), today()).unwrap_err();
        assert_eq!(err.code, ErrorCode::SearchTooBroad);
        assert!(err.message.contains("date of birth or a postcode"));
    }

    #[test]
    fn surname_with_dob_postcode_or_forename_and_range_is_enough() {
        let ok = |p: SearchParams| SearchRequest::parse(&p, today()).is_ok();
        assert!(ok(SearchParams {
            dob: Some("2015-03-04".into()),
            ..params("Smith")
        }));
        assert!(ok(SearchParams {
            postcode: Some("ls6".into()),
            ..params("Smith")
        }));
        assert!(ok(SearchParams {
            forename: Some("Amy".into()),
            dob_from: Some("2014-01-01".into()),
            dob_to: Some("2016-12-31".into()),
            ..params("Smith")
        }));
        assert!(!ok(SearchParams {
            dob_from: Some("2014-01-01".into()),
            dob_to: Some("2016-12-31".into()),
            ..params("Smith")
        }));
        assert!(ok(SearchParams {
            nhs_number: Some("943 476 5919".into()),
            ..Default::default()
        }));
    }

    #[test]
    fn malformed_fields_are_bad_requests() {
        let bad = |p: SearchParams| SearchRequest::parse(&p, today()).unwrap_err().code;
        assert_eq!(
            bad(SearchParams {
                dob: Some("04/03/2015".into()),
                ..params("Smith")
            }),
            ErrorCode::BadRequest
        );
        assert_eq!(
            bad(SearchParams {
                postcode: Some("nowhere".into()),
                ..params("Smith")
            }),
            ErrorCode::BadRequest
        );
        assert_eq!(
            bad(SearchParams {
                nhs_number: Some("9434765918".into()),
                ..params("Smith")
            }),
            ErrorCode::BadRequest
        );
        assert_eq!(
            bad(SearchParams {
                limit: Some(51),
                ..params("Smith")
            }),
            ErrorCode::BadRequest
        );
    }

    #[test]
    fn date_variants_are_one_digit_slips_and_the_day_month_swap() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let v = dob_variants(d("2015-03-04"), today());
        for expected in [
            "2015-03-04",
            "2015-04-03",
            "2015-03-14",
            "2016-03-04",
            "2005-03-04",
            "2015-08-04",
        ] {
            assert!(v.contains(&d(expected)), "{expected}");
        }
        assert!(!v.contains(&d("2015-05-05")), "two digits away");
        assert!(!v.contains(&d("2035-03-04")), "no future dates");
        assert!(!v.contains(&d("1915-03-04")), "no adults");
    }

    #[test]
    fn day_and_month_swap_only_when_it_makes_another_date() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(swapped_day_month(d(2015, 3, 4)), Some(d(2015, 4, 3)));
        assert_eq!(swapped_day_month(d(2015, 3, 3)), None);
        assert_eq!(swapped_day_month(d(2015, 3, 14)), None);
    }
}
