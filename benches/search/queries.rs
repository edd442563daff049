//! The fixed query mix: each kind is made from a sampled child the way a
//! practitioner would mistype or half-remember them.

use chrono::{Datelike, NaiveDate};
use contactpoint::api::SearchParams;
use contactpoint::model::Postcode;
use contactpoint::store::Candidate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Surname and date of birth, as typed.
    SurnameDob,
    /// Forename, surname and date of birth, as typed.
    Exact,
    /// One letter of the surname wrong.
    Typo,
    /// Two neighbouring letters of the surname swapped.
    Transposition,
    /// The surname spelt as it sounds (Smyth for Smith, Philips for Phillips).
    Phonetic,
    /// Day and month of the date of birth swapped.
    SwappedDob,
    /// Forename and surname with the postcode district instead of a date of birth.
    District,
    /// Forename and surname with a three-year range of birth years ("aged 7-9").
    AgeRange,
    /// A surname alone: refused as too broad.
    TooBroad,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::SurnameDob,
        Kind::Exact,
        Kind::Typo,
        Kind::Transposition,
        Kind::Phonetic,
        Kind::SwappedDob,
        Kind::District,
        Kind::AgeRange,
        Kind::TooBroad,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::SurnameDob => "exact: surname + DOB",
            Kind::Exact => "exact: + forename",
            Kind::Typo => "one-letter typo",
            Kind::Transposition => "transposition",
            Kind::Phonetic => "phonetic variant",
            Kind::SwappedDob => "swapped day/month",
            Kind::District => "postcode district",
            Kind::AgeRange => "forename + age range",
            Kind::TooBroad => "too broad (refused)",
        }
    }

    /// The issue's p99 target for this kind, server-side.
    pub fn target_ms(self) -> f64 {
        match self {
            Kind::SurnameDob | Kind::Exact | Kind::TooBroad => 5.0,
            _ => 10.0,
        }
    }
}

#[derive(Clone)]
pub struct Query {
    pub kind: Kind,
    pub params: SearchParams,
    /// The sampled child's directory ID (empty for a query that must be refused).
    pub sought: String,
}

/// The query of `kind` for child `c`, or `None` where the child gives no such
/// query (no neighbouring letters to swap, a day above 12, no postcode...).
pub fn build(kind: Kind, c: &Candidate) -> Option<Query> {
    let forename = c.given_names.split(' ').next().map(String::from);
    let dob = Some(c.date_of_birth.to_string());
    let mut p = SearchParams {
        surname: Some(c.family_name.clone()),
        forename: forename.clone(),
        dob: dob.clone(),
        ..Default::default()
    };
    match kind {
        Kind::SurnameDob => p.forename = None,
        Kind::Exact => {}
        Kind::Typo => p.surname = Some(typo(&c.family_name)),
        Kind::Transposition => p.surname = Some(transpose(&c.family_name)?),
        Kind::Phonetic => p.surname = Some(sound_alike(&c.family_name)?),
        Kind::SwappedDob => p.dob = Some(swapped(c.date_of_birth)?.to_string()),
        Kind::District => {
            let postcode: Postcode = c.postcode.as_deref()?.parse().ok()?;
            p.dob = None;
            p.postcode = Some(postcode.district().to_string());
        }
        Kind::AgeRange => {
            let year = c.date_of_birth.year();
            p.dob = None;
            p.dob_from = NaiveDate::from_ymd_opt(year - 1, 1, 1).map(|d| d.to_string());
            p.dob_to = NaiveDate::from_ymd_opt(year + 1, 12, 31).map(|d| d.to_string());
        }
        Kind::TooBroad => {
            p.forename = None;
            p.dob = None;
        }
    }
    let sought = if kind == Kind::TooBroad {
        String::new()
    } else {
        c.id.clone()
    };
    Some(Query {
        kind,
        params: p,
        sought,
    })
}

/// The middle letter replaced by the next one in the alphabet.
fn typo(name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    let i = chars.len() / 2;
    chars[i] = match chars[i] {
        'z' => 'y',
        'Z' => 'Y',
        c if c.is_ascii_alphabetic() => (c as u8 + 1) as char,
        c => c,
    };
    chars.into_iter().collect()
}

/// The first pair of different neighbouring letters from the middle on, swapped
/// (never the initial, which people rarely get wrong).
fn transpose(name: &str) -> Option<String> {
    let mut chars: Vec<char> = name.chars().collect();
    let i = (chars.len() / 2).max(2) - 1;
    let at = (i..chars.len().saturating_sub(1)).find(|&j| {
        chars[j] != chars[j + 1] && chars[j].is_alphabetic() && chars[j + 1].is_alphabetic()
    })?;
    chars.swap(at, at + 1);
    Some(chars.into_iter().collect())
}

/// English spellings that sound the same, tried in order; the first that applies
/// (past the first letter, so the name keeps its initial) is used.
const SOUND_ALIKES: &[(&str, &str)] = &[
    ("ph", "f"),
    ("ck", "k"),
    ("y", "i"),
    ("ll", "l"),
    ("tt", "t"),
    ("nn", "n"),
    ("ss", "s"),
    ("mm", "m"),
    ("rr", "r"),
    ("ee", "ea"),
    ("ai", "ay"),
    ("ie", "y"),
    ("z", "s"),
    ("ith", "yth"),
    ("son", "sen"),
    ("ton", "tan"),
    ("ch", "tch"),
    ("l", "ll"),
    ("n", "nn"),
];

fn sound_alike(name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    SOUND_ALIKES.iter().find_map(|(from, to)| {
        let at = lower.get(1..)?.find(from)? + 1;
        let mut out = String::with_capacity(name.len() + 1);
        out.push_str(&name[..at]);
        out.push_str(to);
        out.push_str(&name[at + from.len()..]);
        Some(out)
    })
}

fn swapped(d: NaiveDate) -> Option<NaiveDate> {
    (d.day() <= 12 && d.day() != d.month())
        .then(|| NaiveDate::from_ymd_opt(d.year(), d.day(), d.month()))
        .flatten()
}

/// Checks the mistake makers before a long run relies on them.
pub fn check_mistakes() {
    assert_eq!(typo("Smith"), "Smjth");
    assert_eq!(transpose("Smith").as_deref(), Some("Simth"));
    assert_eq!(transpose("Li"), None);
    assert_eq!(sound_alike("Phillips").as_deref(), Some("Philips"));
    assert_eq!(sound_alike("Smyth").as_deref(), Some("Smith"));
    assert_eq!(sound_alike("Smith").as_deref(), Some("Smyth"));
    let d = NaiveDate::from_ymd_opt(2015, 3, 7).unwrap();
    assert_eq!(swapped(d), NaiveDate::from_ymd_opt(2015, 7, 3));
}
