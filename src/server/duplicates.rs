//! Possible duplicates: children blocked on phonetic name codes and a date of birth
//! with one digit masked (so one-digit slips meet), then compared pairwise with
//! search's own name and date levels. Close names and a close date of birth are
//! needed; a shared postcode or carer strengthens the match.

use std::collections::{HashMap, HashSet};

use chrono::Datelike;
use rphonetic::DoubleMetaphone;

use crate::api::{DuplicatePair, DuplicateSide};
use crate::model::names;
use crate::server::search::rank::{dob_level, family_level, given_level};
use crate::store::ScanEntry;

/// Blocks larger than this are common names on common dates: comparing them all
/// would be quadratic for little gain, and the other keys still meet real duplicates.
const MAX_BLOCK: usize = 64;
const MIN_NAME: f64 = 0.8;
const MIN_DOB: f64 = 0.8;
/// Marks a block key made from the earlier of a date and its day/month swap.
const SWAP_FLAG: u64 = 1 << 63;

/// The date as eight digits with digit `masked` (if any) replaced by 10, in base 11.
fn masked_date(d: chrono::NaiveDate, masked: Option<usize>) -> u64 {
    let digits = format!("{:04}{:02}{:02}", d.year(), d.month(), d.day());
    digits.bytes().enumerate().fold(0, |acc, (i, b)| {
        let v = if Some(i) == masked {
            10
        } else {
            u64::from(b - b'0')
        };
        acc * 11 + v
    })
}

fn side(e: &ScanEntry) -> DuplicateSide {
    DuplicateSide {
        id: e.child.id.clone(),
        family_name: e.child.family_name.clone(),
        given_names: e.child.given_names.clone(),
        date_of_birth: e.child.date_of_birth,
        gender: e.child.gender,
        postcode: e.child.postcode.clone(),
    }
}

fn compare(a: &ScanEntry, b: &ScanEntry) -> Option<DuplicatePair> {
    let (ca, cb) = (&a.child, &b.child);
    let forms = names::surname_forms(&ca.family_name);
    let family = std::iter::once(cb.family_name.as_str())
        .chain(cb.former_names.iter().map(|f| f.family_name.as_str()))
        .map(|name| family_level(&forms, name))
        .fold(0.0, f64::max);
    let given_tokens: Vec<String> = names::normalise(&ca.given_names)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect();
    let given = given_level(&given_tokens, &cb.given_names);
    let dob = dob_level(ca.date_of_birth, cb.date_of_birth);
    if family < MIN_NAME || given < MIN_NAME || dob < MIN_DOB {
        return None;
    }
    let same_postcode = ca.postcode.is_some() && ca.postcode == cb.postcode;
    let carers: HashSet<String> = a.carers.iter().map(|c| names::normalise(c)).collect();
    let shared_carer = b
        .carers
        .iter()
        .any(|c| carers.contains(&names::normalise(c)));
    let mut evidence = vec![];
    evidence.push(
        if dob == 1.0 {
            "same date of birth"
        } else {
            "date of birth one slip apart"
        }
        .to_string(),
    );
    evidence.push(
        if family == 1.0 && given == 1.0 {
            "same name"
        } else {
            "close names"
        }
        .to_string(),
    );
    if same_postcode {
        evidence.push("same postcode".into());
    }
    if shared_carer {
        evidence.push("carer in common".into());
    }
    let support = f64::from(u8::from(same_postcode) + u8::from(shared_carer)) / 2.0;
    let score = 0.35 * family + 0.25 * given + 0.25 * dob + 0.15 * support;
    let (first, second) = if ca.id < cb.id { (a, b) } else { (b, a) };
    Some(DuplicatePair {
        first: side(first),
        second: side(second),
        score: (score * 1000.0).round() / 1000.0,
        evidence,
    })
}

/// Every possible duplicate pair, strongest first.
pub fn scan(entries: &[ScanEntry]) -> Vec<DuplicatePair> {
    let dm = DoubleMetaphone::default();
    let mut codes: HashMap<String, u32> = HashMap::new();
    let mut blocks: HashMap<(u32, u64), Vec<u32>> = HashMap::new();
    for (n, e) in entries.iter().enumerate() {
        let c = &e.child;
        let mut names_to_code = names::surname_forms(&c.family_name);
        // The first given name too: a surname typo can change its sound.
        if let Some(first) = names::normalise(&c.given_names).split(' ').next() {
            names_to_code.push(format!("given:{first}"));
        }
        let mut keys = HashSet::new();
        for name in names_to_code {
            let (prefix, name) = match name.strip_prefix("given:") {
                Some(g) => ("g", g.to_string()),
                None => ("f", name),
            };
            let dmc = dm.double_metaphone(&name);
            for code in [dmc.primary(), dmc.alternate()] {
                if code.is_empty() {
                    continue;
                }
                let next = codes.len() as u32;
                let id = *codes.entry(format!("{prefix}{code}")).or_insert(next);
                for masked in (0..8).map(Some).chain([None]) {
                    keys.insert((id, masked_date(c.date_of_birth, masked)));
                }
                // Day and month swapped, the commonest date slip.
                let d = c.date_of_birth;
                if let Some(swapped) = chrono::NaiveDate::from_ymd_opt(d.year(), d.day(), d.month())
                {
                    keys.insert((id, masked_date(swapped.min(d), None) | SWAP_FLAG));
                }
            }
        }
        for key in keys {
            blocks.entry(key).or_default().push(n as u32);
        }
    }
    let mut seen = HashSet::new();
    let mut pairs = vec![];
    for members in blocks
        .values()
        .filter(|m| m.len() > 1 && m.len() <= MAX_BLOCK)
    {
        for (i, &a) in members.iter().enumerate() {
            for &b in &members[i + 1..] {
                if !seen.insert((a.min(b), a.max(b))) {
                    continue;
                }
                if let Some(pair) = compare(&entries[a as usize], &entries[b as usize]) {
                    pairs.push(pair);
                }
            }
        }
    }
    pairs.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.first.id.cmp(&b.first.id))
    });
    pairs
}
