//! Possible duplicates: children are blocked on a phonetic name code (of each
//! surname form and of the first given name, so a surname typo that changes its
//! sound still meets) together with a date of birth, in separate passes: the same
//! date; dates one digit apart (one pass per digit, the digit masked); and the day
//! and month swapped. Each pass sorts (key, child) and walks the runs, so blocks are
//! small and nothing is hashed per child per key. Candidates met in several blocks
//! are compared once, pairwise, with search's own name and date levels. Close
//! names and a close date of birth are needed; a shared postcode or carer
//! strengthens the match.

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

/// A date of birth as its eight digits, `YYYYMMDD`.
fn date_digits(d: chrono::NaiveDate) -> [u8; 8] {
    let (y, m, day) = (d.year().clamp(0, 9999) as u32, d.month(), d.day());
    [
        y / 1000,
        y / 100 % 10,
        y / 10 % 10,
        y % 10,
        m / 10,
        m % 10,
        day / 10,
        day % 10,
    ]
    .map(|v| v as u8)
}

/// The digits in base 11 with digit `masked` (if any) replaced by 10: below 2^28.
fn date_key(digits: &[u8; 8], masked: Option<usize>) -> u32 {
    digits.iter().enumerate().fold(0, |acc, (i, &v)| {
        acc * 11 + if Some(i) == masked { 10 } else { u32::from(v) }
    })
}

/// The date with day and month swapped, when that is another real date.
fn swapped(d: chrono::NaiveDate) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(d.year(), d.day(), d.month()).filter(|s| *s != d)
}

/// The phonetic codes each child is blocked on, as small integers. Names repeat
/// a great deal, so each distinct name is coded once.
fn name_codes(entries: &[ScanEntry]) -> Vec<Vec<u32>> {
    let dm = DoubleMetaphone::default();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut by_name: HashMap<String, Vec<u32>> = HashMap::new();
    let mut code = |name: String| -> Vec<u32> {
        if let Some(found) = by_name.get(&name) {
            return found.clone();
        }
        let (prefix, bare) = name.split_at(1);
        let dmc = dm.double_metaphone(bare);
        let mut out = vec![];
        for c in [dmc.primary(), dmc.alternate()] {
            if c.is_empty() {
                continue;
            }
            let next = ids.len() as u32;
            let id = *ids.entry(format!("{prefix}{c}")).or_insert(next);
            if !out.contains(&id) {
                out.push(id);
            }
        }
        by_name.insert(name, out.clone());
        out
    };
    entries
        .iter()
        .map(|e| {
            let c = &e.child;
            let mut names_to_code: Vec<String> = names::surname_forms(&c.family_name)
                .into_iter()
                .map(|f| format!("f{f}"))
                .collect();
            if let Some(first) = names::normalise(&c.given_names)
                .split(' ')
                .find(|t| !t.is_empty())
            {
                names_to_code.push(format!("g{first}"));
            }
            let mut codes: Vec<u32> = names_to_code.into_iter().flat_map(&mut code).collect();
            codes.sort_unstable();
            codes.dedup();
            codes
        })
        .collect()
}

/// One blocking pass: every child under each of its name codes with `date(n)`;
/// runs of one key are blocks, and `keep` decides which pairs in a block are new
/// to this pass. Candidates go to `out` as `(low << 32) | high`.
fn block_pass(
    codes: &[Vec<u32>],
    date: impl Fn(usize) -> Option<u32>,
    keep: impl Fn(usize, usize) -> bool,
    out: &mut Vec<u64>,
) {
    let mut keyed: Vec<(u64, u32)> = Vec::with_capacity(codes.len() * 3);
    for (n, cs) in codes.iter().enumerate() {
        let Some(d) = date(n) else { continue };
        keyed.extend(
            cs.iter()
                .map(|&c| ((u64::from(c) << 32) | u64::from(d), n as u32)),
        );
    }
    keyed.sort_unstable();
    for block in keyed.chunk_by(|a, b| a.0 == b.0) {
        if block.len() < 2 || block.len() > MAX_BLOCK {
            continue;
        }
        for (i, &(_, a)) in block.iter().enumerate() {
            for &(_, b) in &block[i + 1..] {
                if keep(a as usize, b as usize) {
                    out.push((u64::from(a.min(b)) << 32) | u64::from(a.max(b)));
                }
            }
        }
    }
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
    let codes = name_codes(entries);
    let dates: Vec<chrono::NaiveDate> = entries.iter().map(|e| e.child.date_of_birth).collect();
    let digits: Vec<[u8; 8]> = dates.iter().map(|&d| date_digits(d)).collect();
    let mut candidates = vec![];
    // The same date of birth.
    block_pass(
        &codes,
        |n| Some(date_key(&digits[n], None)),
        |_, _| true,
        &mut candidates,
    );
    // A one-digit slip: one pass per digit, that digit masked; same dates were met above.
    for masked in 0..8 {
        block_pass(
            &codes,
            |n| Some(date_key(&digits[n], Some(masked))),
            |a, b| dates[a] != dates[b],
            &mut candidates,
        );
    }
    // Day and month swapped, the commonest date slip: keyed by the earlier of the two.
    block_pass(
        &codes,
        |n| swapped(dates[n]).map(|s| date_key(&date_digits(s.min(dates[n])), None)),
        |a, b| swapped(dates[a]) == Some(dates[b]),
        &mut candidates,
    );
    candidates.sort_unstable();
    candidates.dedup();
    let mut pairs: Vec<DuplicatePair> = candidates
        .into_iter()
        .filter_map(|c| compare(&entries[(c >> 32) as usize], &entries[c as u32 as usize]))
        .collect();
    pairs.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.first.id.cmp(&b.first.id))
    });
    pairs
}
