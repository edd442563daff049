//! Name normalisation and the index keys that let search find spelling variants.
//!
//! Both the store (when indexing) and search (when querying) derive keys here, so
//! the two always agree. A surname gets:
//! - `d:` keys, its one-deletion neighbourhood (SymSpell): two names within one
//!   edit or one transposition share at least one such key;
//! - `p:` keys, its Double Metaphone codes: Smith/Smyth, Muhammad/Mohamed.

use rphonetic::{DoubleMetaphone, DoubleMetaphoneResult};

/// Double Metaphone codes are cut at four letters by default, which across a
/// nation's surnames gives thousands of them one code (Blandford, Blandsworth,
/// Blandacre...): each then a candidate for the others, and "sounding alike".
/// Eight letters keep real sound-alikes together without that crowd.
const PHONETIC_CODE_LENGTH: usize = 8;

fn double_metaphone(name: &str) -> DoubleMetaphoneResult {
    DoubleMetaphone::new(Some(PHONETIC_CODE_LENGTH)).double_metaphone(name)
}

/// Lower case, accents folded, apostrophes and dots dropped, `Mac` folded into `Mc`;
/// hyphens and spaces become single spaces between parts.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match fold(c) {
            Some(c) if c.is_ascii_lowercase() => out.push(c),
            Some(' ') if !out.is_empty() && !out.ends_with(' ') => out.push(' '),
            _ => {}
        }
    }
    let trimmed = out.trim_end();
    trimmed
        .split(' ')
        .map(fold_mac)
        .collect::<Vec<_>>()
        .join(" ")
}

fn fold(c: char) -> Option<char> {
    Some(match c {
        'a'..='z' => c,
        '-' | ' ' | '\t' => ' ',
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ñ' | 'ń' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
        'ý' | 'ÿ' => 'y',
        'ł' => 'l',
        'ś' | 'š' => 's',
        'ź' | 'ż' | 'ž' => 'z',
        _ => return None,
    })
}

fn fold_mac(part: &str) -> String {
    match part.strip_prefix("mac") {
        Some(rest) if rest.len() >= 3 => format!("mc{rest}"),
        _ => part.to_string(),
    }
}

/// The surnames a family name is indexed under: the whole name (parts joined) and,
/// for hyphenated or double-barrelled names, each part on its own.
pub fn surname_forms(family_name: &str) -> Vec<String> {
    let norm = normalise(family_name);
    let parts: Vec<&str> = norm.split(' ').filter(|p| !p.is_empty()).collect();
    let mut forms = vec![parts.concat()];
    if parts.len() > 1 {
        forms.extend(parts.iter().map(|p| p.to_string()));
    }
    forms.retain(|f| !f.is_empty());
    forms.dedup();
    forms
}

/// Index keys for one normalised surname form (see the module comment).
pub fn keys(form: &str) -> Vec<String> {
    let mut keys = vec![format!("d:{form}")];
    let chars: Vec<char> = form.chars().collect();
    // Two-letter names would share one-letter keys with half the directory;
    // for them exact and phonetic keys suffice.
    if chars.len() >= 3 {
        for skip in 0..chars.len() {
            let deleted: String = chars
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, c)| c)
                .collect();
            keys.push(format!("d:{deleted}"));
        }
    }
    keys.extend(phonetic_keys(form));
    keys.sort();
    keys.dedup();
    keys
}

/// The `p:` keys of a normalised surname form: its Double Metaphone codes.
pub fn phonetic_keys(form: &str) -> Vec<String> {
    let codes = double_metaphone(form);
    let mut keys: Vec<String> = [codes.primary(), codes.alternate()]
        .into_iter()
        .filter(|c| !c.is_empty())
        .map(|c| format!("p:{c}"))
        .collect();
    keys.dedup();
    keys
}

/// The index key of a child's first given name: its primary Double Metaphone code
/// (empty when there is none). With the surname and an age range it narrows a
/// search to the namesakes whose forename sounds like the one typed.
pub fn given_key(given_names: &str) -> String {
    let norm = normalise(given_names);
    let first = norm.split(' ').next().unwrap_or_default();
    double_metaphone(first).primary()
}

/// The keys a typed forename (normalised, one word) can be found under: both of
/// its Double Metaphone codes, so Jon finds John and Catherine finds Kathryn.
pub fn given_keys(forename: &str) -> Vec<String> {
    let codes = double_metaphone(forename);
    let mut keys: Vec<String> = [codes.primary(), codes.alternate()]
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect();
    keys.dedup();
    keys
}

/// True when two normalised names sound alike to Double Metaphone.
pub fn sounds_alike(a: &str, b: &str) -> bool {
    let (a, b) = (double_metaphone(a), double_metaphone(b));
    let (a1, a2, b1, b2) = (a.primary(), a.alternate(), b.primary(), b.alternate());
    !a1.is_empty()
        && (a1 == b1 || (!b2.is_empty() && a1 == b2) || (!a2.is_empty() && (a2 == b1 || a2 == b2)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share_key(a: &str, b: &str) -> bool {
        let ka: Vec<String> = surname_forms(a).iter().flat_map(|f| keys(f)).collect();
        let kb: Vec<String> = surname_forms(b).iter().flat_map(|f| keys(f)).collect();
        ka.iter().any(|k| kb.contains(k))
    }

    #[test]
    fn normalising_folds_case_accents_apostrophes_and_mac() {
        assert_eq!(normalise("O'Neill"), "oneill");
        assert_eq!(normalise("  Smith-Jones "), "smith jones");
        assert_eq!(normalise("MacDonald"), normalise("McDonald"));
        assert_eq!(normalise("Zoë"), "zoe");
        assert_eq!(normalise("Mack"), "mack");
    }

    #[test]
    fn hyphenated_names_are_indexed_whole_and_by_part() {
        assert_eq!(
            surname_forms("Smith-Jones"),
            vec!["smithjones", "smith", "jones"]
        );
        assert_eq!(surname_forms("Begum"), vec!["begum"]);
    }

    #[test]
    fn variants_within_one_edit_or_sounding_alike_share_a_key() {
        for (a, b) in [
            ("Smith", "Smyth"),
            ("Smith", "Smiht"),
            ("Thompson", "Thomson"),
            ("Muhammad", "Mohammed"),
            ("Mohamed", "Muhammad"),
            ("O'Neill", "ONeill"),
            ("Catherine", "Kathryn"),
            ("MacDonald", "McDonald"),
            ("Smith-Jones", "Jones"),
            ("Wojcik", "Wójcik"),
        ] {
            assert!(share_key(a, b), "{a} / {b}");
        }
        assert!(!share_key("Smith", "Patel"));
        assert!(
            !share_key("Blandford", "Blandsworth"),
            "codes past four letters"
        );
        assert!(!sounds_alike("blandford", "blandsworth"));
    }

    #[test]
    fn a_typed_forename_finds_the_key_of_its_spelling_variants() {
        for (typed, stored) in [
            ("jon", "John Paul"),
            ("catherine", "Kathryn"),
            ("mohammed", "Muhammad Ali"),
            ("olvier", "Oliver"),
            ("zoe", "Zoë"),
        ] {
            assert!(
                given_keys(typed).contains(&given_key(stored)),
                "{typed} / {stored}"
            );
        }
        assert!(!given_keys("oliver").contains(&given_key("Amelia")));
        assert_eq!(given_key(""), "");
    }

    #[test]
    fn sounds_alike_uses_both_metaphone_codes() {
        assert!(sounds_alike("jon", "john"));
        assert!(sounds_alike("smith", "smyth"));
        assert!(!sounds_alike("smith", "jones"));
    }
}
