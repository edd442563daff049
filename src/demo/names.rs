//! Weighted name lists from `assets/names/`, grouped by heritage and parsed once.
//!
//! Grouping keeps a family's names coherent (a Patel child is more likely Aarav than
//! Alfie) while the weights keep the real skew: Smith is common, Illingworth is rare.

use std::collections::HashMap;
use std::sync::OnceLock;

use rand::Rng;

use super::weighted::Weighted;

const SURNAMES: &str = include_str!("../../assets/names/surnames.txt");
const FORENAMES_FEMALE: &str = include_str!("../../assets/names/forenames_female.txt");
const FORENAMES_MALE: &str = include_str!("../../assets/names/forenames_male.txt");

/// Women's titles carried as surnames. They are never a man's, nor passed to children.
const WOMEN_ONLY_SURNAMES: &[&str] = &["Begum", "Bibi", "Kaur"];

/// False for a woman's title such as Begum, which a family does not share.
pub(super) fn is_family_surname(name: &str) -> bool {
    !WOMEN_ONLY_SURNAMES.contains(&name)
}

pub(super) type NameList = Weighted<&'static str>;

/// The names of one heritage group.
pub(super) struct Heritage {
    pub(super) name: &'static str,
    pub(super) surnames: NameList,
    pub(super) female: NameList,
    pub(super) male: NameList,
    /// Parents' generation; falls back to the children's lists where a group has none.
    pub(super) adult_female: Option<NameList>,
    pub(super) adult_male: Option<NameList>,
}

impl Heritage {
    pub(super) fn forenames(&self, female: bool) -> &NameList {
        if female {
            &self.female
        } else {
            &self.male
        }
    }

    /// A surname a man or a whole family can carry.
    pub(super) fn family_surname<R: Rng>(&self, rng: &mut R) -> &'static str {
        loop {
            let name = *self.surnames.pick(rng);
            if is_family_surname(name) {
                return name;
            }
        }
    }

    /// A surname for one person: a woman may carry a title such as Begum.
    pub(super) fn surname<R: Rng>(&self, rng: &mut R, female: bool) -> &'static str {
        if female {
            self.surnames.pick(rng)
        } else {
            self.family_surname(rng)
        }
    }

    pub(super) fn adult_forenames(&self, female: bool) -> &NameList {
        let adult = if female {
            &self.adult_female
        } else {
            &self.adult_male
        };
        adult.as_ref().unwrap_or_else(|| self.forenames(female))
    }
}

/// Every heritage group, in the order of `surnames.txt`.
pub(super) fn heritages() -> &'static [Heritage] {
    static HERITAGES: OnceLock<Vec<Heritage>> = OnceLock::new();
    HERITAGES.get_or_init(|| {
        let mut female = parse(FORENAMES_FEMALE);
        let mut male = parse(FORENAMES_MALE);
        parse_ordered(SURNAMES)
            .into_iter()
            .map(|(name, surnames)| Heritage {
                name,
                surnames,
                female: female
                    .remove(name)
                    .unwrap_or_else(|| missing(name, "female")),
                male: male.remove(name).unwrap_or_else(|| missing(name, "male")),
                adult_female: female.remove(format!("{name} adult").as_str()),
                adult_male: male.remove(format!("{name} adult").as_str()),
            })
            .collect()
    })
}

/// First and last elements of English place-name surnames (Ashworth, Blackmore, ...).
const RARE_FIRST: &[&str] = &[
    "Ash", "Ayl", "Bark", "Beck", "Bil", "Black", "Bland", "Bram", "Brad", "Brook", "Bur", "Cal",
    "Carl", "Chad", "Chat", "Chel", "Clay", "Cold", "Cran", "Crom", "Dal", "Dun", "East", "Elm",
    "Ever", "Fair", "Farn", "Fen", "Fox", "Gar", "Glad", "Gold", "Hal", "Har", "Haw", "Hes", "Hol",
    "Horn", "Hux", "Ken", "Kings", "Knot", "Lang", "Led", "Lid", "Lin", "Lock", "Lud", "Mar",
    "Mel", "Mid", "Mor", "Nether", "New", "Nor", "Ock", "Old", "Orm", "Pen", "Pick", "Pres", "Ram",
    "Red", "Rid", "Ros", "Rush", "Sal", "Sand", "Scar", "Shel", "Shep", "Slat", "South", "Stan",
    "Stock", "Sut", "Tad", "Thorn", "Tib", "Tor", "Up", "Wal", "War", "Wes", "Wether", "Whit",
    "Wil", "Win", "Wood", "Wor", "Wrax", "Yar",
];
const RARE_LAST: &[&str] = &[
    "by", "ton", "ley", "field", "ford", "ham", "well", "wood", "worth", "combe", "more", "stead",
    "hurst", "bury", "dale", "den", "wick", "thorpe", "gate", "ridge", "brook", "cott", "holme",
    "ington", "shaw", "stone", "land", "low", "borough", "croft", "acre", "sworth", "lake",
    "marsh", "hill", "cliffe", "over", "wright", "ings", "ell", "hall", "ingham", "mere", "wold",
    "ock",
];

/// A long tail of rarer British surnames for national demos: every compound of the two
/// lists that is not already a common name, weighted by a power of a scrambled rank so
/// that the most common is about 1% of the tail and the rarest a few children a million.
pub(super) fn rare_surnames() -> &'static NameList {
    static RARE: OnceLock<NameList> = OnceLock::new();
    RARE.get_or_init(|| {
        let common = &heritage("british").surnames;
        let mut names: Vec<&'static str> = RARE_FIRST
            .iter()
            .flat_map(|first| RARE_LAST.iter().map(move |last| format!("{first}{last}")))
            .filter(|name| !common.items().iter().any(|c| c == name))
            .map(|name| &*Box::leak(name.into_boxed_str()))
            .collect();
        // A fixed shuffle (by hash), so rank does not follow the alphabet.
        names.sort_by_key(|name| {
            name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            })
        });
        names.dedup();
        Weighted::new(
            names
                .into_iter()
                .enumerate()
                .map(|(rank, name)| (name, (1e9 / (rank as f64 + 50.0).powf(1.4)) as u64)),
        )
    })
}

pub(super) fn heritage(name: &str) -> &'static Heritage {
    heritages()
        .iter()
        .find(|h| h.name == name)
        .unwrap_or_else(|| panic!("no heritage group {name:?} in assets/names"))
}

fn missing(group: &str, list: &str) -> ! {
    panic!("assets/names has surnames for {group:?} but no {list} forenames")
}

fn parse(text: &'static str) -> HashMap<&'static str, NameList> {
    parse_ordered(text).into_iter().collect()
}

/// Sections `[group]` of `name,weight` lines; `#` starts a comment line.
fn parse_ordered(text: &'static str) -> Vec<(&'static str, NameList)> {
    let mut sections: Vec<(&'static str, Vec<(&'static str, u64)>)> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(group) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sections.push((group, Vec::new()));
            continue;
        }
        let (name, weight) = line
            .split_once(',')
            .and_then(|(n, w)| Some((n.trim(), w.trim().parse().ok()?)))
            .unwrap_or_else(|| panic!("assets/names: expected `name,weight`, got {line:?}"));
        let (_, entries) = sections
            .last_mut()
            .unwrap_or_else(|| panic!("assets/names: {line:?} comes before any [group]"));
        entries.push((name, weight));
    }
    sections
        .into_iter()
        .map(|(group, entries)| (group, Weighted::new(entries)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(list: impl Fn(&'static Heritage) -> &'static NameList) -> Vec<&'static str> {
        let mut names: Vec<_> = heritages()
            .iter()
            .flat_map(|h| list(h).items().to_vec())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    #[test]
    fn the_lists_are_long_enough_for_a_realistic_tail() {
        assert!(all(|h| &h.surnames).len() >= 400);
        assert!(all(|h| &h.female).len() >= 150);
        assert!(all(|h| &h.male).len() >= 150);
    }

    #[test]
    fn the_lists_hold_the_spellings_search_must_cope_with() {
        let surnames = all(|h| &h.surnames);
        for name in [
            "O'Neill",
            "D'Souza",
            "McDonald",
            "MacDonald",
            "Smyth",
            "Thomson",
            "Wójcik",
        ] {
            assert!(surnames.contains(&name), "{name}");
        }
        let male = all(|h| &h.male);
        for name in ["Muhammad", "Mohammed", "Mohamed", "Mohammad", "Jon", "John"] {
            assert!(male.contains(&name), "{name}");
        }
        let female = all(|h| h.adult_female.as_ref().unwrap_or(&h.female));
        for name in ["Catherine", "Kathryn", "Katherine"] {
            assert!(female.contains(&name), "{name}");
        }
    }

    #[test]
    fn every_group_has_names_for_both_sexes() {
        for group in heritages() {
            assert!(!group.female.items().is_empty() && !group.male.items().is_empty());
        }
        assert_eq!(heritage("british").name, "british");
        for group in heritages() {
            let family_names = group.surnames.items().iter();
            assert!(family_names.filter(|n| is_family_surname(n)).count() > 0);
        }
    }

    #[test]
    fn the_rare_tail_is_long_new_and_unevenly_weighted() {
        let common = all(|h| &h.surnames);
        let rare = rare_surnames();
        assert!(rare.items().len() > 4_000, "{}", rare.items().len());
        assert!(rare.items().iter().all(|n| !common.contains(n)));
        let mut unique = rare.items().to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), rare.items().len());
    }
}
