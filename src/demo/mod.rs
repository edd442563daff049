//! A deterministic synthetic directory for demos, tests and benchmarks.
//!
//! Everything derives from one seed: the same seed and count give byte-identical
//! organisations, children and accounts, and nothing reads the clock. The region is
//! five real local authorities with their postcode districts; names, families, and
//! services follow English patterns closely enough to exercise search and matching.

mod accounts;
mod children;
mod ids;
mod involvements;
mod names;
mod organisations;
mod places;
mod plans;
mod services;
mod weighted;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;

pub use accounts::{accounts, DemoAccountSpec};
pub use children::children;
pub use organisations::organisations;
pub use plans::DemoPlans;

/// Fixed seed used by `serve --demo N` and the embedded TUI default.
pub const DEMO_SEED: u64 = 2009;

/// The demo's "today": ages, dates and indicator marks are relative to it, not the clock.
pub const DEMO_TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 9, 1) {
    Some(date) => date,
    None => panic!("a valid date"),
};

/// Lower-case ASCII letters and digits, other runs of characters becoming one `sep`;
/// apostrophes vanish and accents fold, so "O'Neill" -> "oneill", "Wójcik" -> "wojcik".
fn slug(text: &str, sep: char) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'ę' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ł' => 'l',
            'ś' => 's',
            'ź' | 'ż' => 'z',
            'ń' => 'n',
            'ć' => 'c',
            other => other,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !matches!(c, '\'' | '’') && !out.is_empty() && !out.ends_with(sep) {
            out.push(sep);
        }
    }
    while out.ends_with(sep) {
        out.pop();
    }
    out
}
