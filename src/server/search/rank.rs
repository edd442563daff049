//! Scoring a candidate against the query, field by field, on the levels Splink
//! uses for UK records: exact, close spelling, sounds alike, loosely alike.

use chrono::{Datelike, NaiveDate};
use strsim::{damerau_levenshtein, jaro_winkler};

use super::query::{swapped_day_month, PostcodeQuery, SearchRequest};
use crate::model::names;
use crate::store::Candidate;

const W_FAMILY: f64 = 0.35;
const W_GIVEN: f64 = 0.20;
const W_DOB: f64 = 0.30;
const W_POSTCODE: f64 = 0.10;
const W_GENDER: f64 = 0.05;

/// Below this a surname is not the one asked for.
const MIN_FAMILY: f64 = 0.75;
/// Below this overall, a candidate is noise, not a match.
const MIN_SCORE: f64 = 0.75;
/// A date of birth one digit away from the one typed.
const ONE_DIGIT_SLIP: f64 = 0.8;
/// Born somewhere in the age range typed.
const IN_RANGE: f64 = 0.5;

#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub score: f64,
    /// Set when the child was found under a former name.
    pub former_name: Option<String>,
}

/// How alike two normalised names are, from 0 to 1.
pub(crate) fn name_level(query: &str, name: &str) -> f64 {
    if query == name {
        return 1.0;
    }
    if query.is_empty() || name.is_empty() {
        return 0.0;
    }
    let jw = jaro_winkler(query, name);
    if query.len() >= 3 && damerau_levenshtein(query, name) == 1 || jw >= 0.92 {
        0.9
    } else if names::sounds_alike(query, name) {
        0.85
    } else if jw >= 0.88 {
        0.8
    } else if jw >= 0.7 {
        0.5
    } else {
        0.0
    }
}

/// The best level of any query form against any of the child's surname forms;
/// a match on one part of a hyphenated name counts slightly less than the whole.
pub(crate) fn family_level(query_forms: &[String], family_name: &str) -> f64 {
    let forms = names::surname_forms(family_name);
    query_forms
        .iter()
        .enumerate()
        .flat_map(|(qi, q)| {
            forms.iter().enumerate().map(move |(fi, f)| {
                let partial = qi > 0 || fi > 0;
                name_level(q, f) * if partial { 0.95 } else { 1.0 }
            })
        })
        .fold(0.0, f64::max)
}

/// Forename against the child's given names: initials count, and a middle name a little less.
pub(crate) fn given_level(query: &[String], given_names: &str) -> f64 {
    let Some(first) = query.first() else {
        return 0.0;
    };
    let norm = names::normalise(given_names);
    norm.split(' ')
        .enumerate()
        .map(|(i, name)| {
            let level = if first.len() == 1 {
                if name.starts_with(first.as_str()) {
                    0.8
                } else {
                    0.0
                }
            } else {
                name_level(first, name)
            };
            level * if i == 0 { 1.0 } else { 0.9 }
        })
        .fold(0.0, f64::max)
}

pub(crate) fn dob_level(query: NaiveDate, dob: NaiveDate) -> f64 {
    if query == dob {
        return 1.0;
    }
    if swapped_day_month(query) == Some(dob) {
        return 0.9;
    }
    let digits = |d: NaiveDate| format!("{:04}{:02}{:02}", d.year(), d.month(), d.day());
    let differing = digits(query)
        .bytes()
        .zip(digits(dob).bytes())
        .filter(|(a, b)| a != b)
        .count();
    let days = (query - dob).num_days().abs();
    // Near misses support other evidence but cannot carry a match on their own.
    if differing == 1 {
        ONE_DIGIT_SLIP
    } else if days <= 31 {
        0.3
    } else if days <= 366 {
        0.1
    } else {
        0.0
    }
}

fn postcode_level(query: &PostcodeQuery, postcode: Option<&str>) -> f64 {
    let Some(postcode) = postcode else { return 0.0 };
    let district = postcode.split(' ').next().unwrap_or_default();
    match query {
        PostcodeQuery::Full(full) if full.as_str() == postcode => 1.0,
        PostcodeQuery::Full(full) if full.district() == district => 0.7,
        PostcodeQuery::District(d) if d == district => 1.0,
        _ => 0.0,
    }
}

/// Scores a candidate, or `None` when it does not match well enough to show.
pub fn score(q: &SearchRequest, c: &Candidate) -> Option<Match> {
    // Exact identifiers need nothing else.
    if q.directory_id
        .as_ref()
        .is_some_and(|id| id.as_str() == c.id)
        && q.family.is_empty()
    {
        return Some(Match {
            score: 1.0,
            former_name: None,
        });
    }
    let mut weight = 0.0;
    let mut total = 0.0;
    let mut add = |w: f64, level: f64| {
        weight += w;
        total += w * level;
    };

    let mut family = family_level(&q.family, &c.family_name);
    let mut former_name = None;
    for former in &c.former_names {
        let level = family_level(&q.family, &former.family_name) * 0.95;
        if level > family {
            family = level;
            former_name = Some(
                format!("{} {}", former.given_names, former.family_name)
                    .trim()
                    .to_string(),
            );
        }
    }
    let mut given = given_level(&q.given, &c.given_names);
    // Forename and surname typed the wrong way round.
    if let Some(first) = q.given.first() {
        let swapped_family = family_level(std::slice::from_ref(first), &c.family_name) * 0.9;
        let swapped_given = q
            .family
            .first()
            .map(|f| given_level(std::slice::from_ref(f), &c.given_names) * 0.9)
            .unwrap_or(0.0);
        if swapped_family + swapped_given > family + given {
            family = swapped_family;
            given = swapped_given;
            former_name = None;
        }
    }
    let identified = q.nhs_number.is_some() || q.directory_id.is_some();
    if !q.family.is_empty() {
        if family < MIN_FAMILY && !identified {
            return None;
        }
        add(W_FAMILY, family);
    }
    if !q.given.is_empty() {
        add(W_GIVEN, given);
    }
    if let Some(dob) = q.dob {
        add(W_DOB, dob_level(dob, c.date_of_birth));
    } else if let Some((from, to)) = q.dob_range {
        // Being born somewhere in a range of years is weak evidence: the forename
        // has to agree too, or every namesake of that age would match.
        add(
            W_DOB,
            if (from..=to).contains(&c.date_of_birth) {
                IN_RANGE
            } else {
                0.0
            },
        );
    }
    if let Some(pc) = &q.postcode {
        add(W_POSTCODE, postcode_level(pc, c.postcode.as_deref()));
    }
    if let Some(g) = q.gender {
        add(W_GENDER, if g == c.gender { 1.0 } else { 0.0 });
    }
    if identified {
        // Named by identifier: shown whatever else was typed, best first.
        let score = if weight > 0.0 {
            0.5 + 0.5 * total / weight
        } else {
            1.0
        };
        return Some(Match {
            score: round(score),
            former_name,
        });
    }
    let score = total / weight;
    (score >= MIN_SCORE).then(|| Match {
        score: round(score),
        former_name,
    })
}

/// How the candidates a narrow first pass leaves out can differ from the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    /// Born on a date one digit away from the one typed.
    DateSlip,
    /// A first forename that does not sound like the one typed.
    OtherForename,
}

/// The best score a candidate left out of a narrow pass could reach, agreeing with
/// everything typed but what `left_out` says. A narrow pass that already holds a
/// match this good needs no wider fetch: nothing it would add ranks higher.
pub fn ceiling(q: &SearchRequest, left_out: LeftOut) -> f64 {
    let (given, dob): (f64, f64) = match left_out {
        LeftOut::DateSlip => (1.0, ONE_DIGIT_SLIP),
        // A forename that sounds different still reaches 0.9 one letter away
        // (`name_level`) or as a middle name.
        LeftOut::OtherForename => (0.9, IN_RANGE),
    };
    let mut weight = W_FAMILY;
    let mut total = W_FAMILY;
    if let Some(first) = q.given.first() {
        let best = if first.len() == 1 { 0.8 } else { 1.0 };
        weight += W_GIVEN;
        total += W_GIVEN * given.min(best);
    }
    if q.dob.is_some() || q.dob_range.is_some() {
        weight += W_DOB;
        total += W_DOB * dob;
    }
    if q.postcode.is_some() {
        weight += W_POSTCODE;
        total += W_POSTCODE;
    }
    if q.gender.is_some() {
        weight += W_GENDER;
        total += W_GENDER;
    }
    round(total / weight)
}

/// Three decimals: enough to order, and identical on every platform and backend.
fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::SearchParams;
    use crate::model::{FormerName, Gender};

    fn child(family: &str, given: &str, dob: &str) -> Candidate {
        Candidate {
            id: "X".into(),
            family_name: family.into(),
            given_names: given.into(),
            former_names: vec![],
            date_of_birth: dob.parse().unwrap(),
            gender: Gender::Female,
            postcode: Some("LS6 2AB".into()),
            shielded: false,
            local_authority: "383".into(),
        }
    }

    fn request(surname: &str, forename: Option<&str>, dob: &str) -> SearchRequest {
        let p = SearchParams {
            surname: Some(surname.into()),
            forename: forename.map(Into::into),
            dob: Some(dob.into()),
            ..Default::default()
        };
        SearchRequest::parse(&p, "2026-11-23".parse().unwrap()).unwrap()
    }

    fn score_of(q: &SearchRequest, c: &Candidate) -> f64 {
        score(q, c).map(|m| m.score).unwrap_or(0.0)
    }

    #[test]
    fn exact_beats_typo_beats_phonetic_beats_stranger() {
        let q = request("Smith", Some("Amelia"), "2015-03-04");
        let exact = score_of(&q, &child("Smith", "Amelia", "2015-03-04"));
        let typo = score_of(&q, &child("Smiht", "Amelia", "2015-03-04"));
        let stranger = score_of(&q, &child("Okafor", "Chidi", "2015-03-04"));
        assert_eq!(exact, 1.0);
        assert!(typo < exact && typo > 0.9, "{typo}");
        assert_eq!(stranger, 0.0);
    }

    #[test]
    fn variants_of_uk_names_still_match() {
        let q = request("Mohammed", Some("Jon"), "2012-06-01");
        assert!(score_of(&q, &child("Muhammad", "John", "2012-06-01")) > 0.8);
        let q = request("O'Neill", None, "2012-06-01");
        assert_eq!(score_of(&q, &child("ONeill", "Aoife", "2012-06-01")), 1.0);
        let q = request("Jones", None, "2012-06-01");
        assert!(score_of(&q, &child("Smith-Jones", "Ava", "2012-06-01")) > 0.9);
        let q = request("Smith", Some("K"), "2012-06-01");
        assert!(score_of(&q, &child("Smith", "Kathryn", "2012-06-01")) > 0.85);
    }

    #[test]
    fn swapped_day_and_month_and_swapped_names_are_found() {
        let q = request("Smith", Some("Amelia"), "2015-04-03");
        assert!(score_of(&q, &child("Smith", "Amelia", "2015-03-04")) > 0.9);
        let q = request("Amelia", Some("Smith"), "2015-03-04");
        assert!(score_of(&q, &child("Smith", "Amelia", "2015-03-04")) > 0.85);
    }

    #[test]
    fn an_age_range_needs_the_forename_to_agree() {
        let p = SearchParams {
            surname: Some("Smith".into()),
            forename: Some("Amelia".into()),
            dob_from: Some("2015-01-01".into()),
            dob_to: Some("2015-12-31".into()),
            ..Default::default()
        };
        let q = SearchRequest::parse(&p, "2026-11-23".parse().unwrap()).unwrap();
        assert!(score_of(&q, &child("Smith", "Amelia", "2015-03-04")) > 0.75);
        assert_eq!(score_of(&q, &child("Smith", "Oliver", "2015-03-04")), 0.0);
    }

    #[test]
    fn a_former_name_matches_and_is_reported() {
        let mut c = child("Walker", "Lily", "2014-01-01");
        c.former_names = vec![FormerName {
            family_name: "Brown".into(),
            given_names: "Lily".into(),
        }];
        let m = score(&request("Brown", Some("Lily"), "2014-01-01"), &c).unwrap();
        assert!(m.score > 0.9);
        assert_eq!(m.former_name.as_deref(), Some("Lily Brown"));
    }
}
