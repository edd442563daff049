//! Properties of the generated directory as a whole.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::places::local_authority;
use super::*;
use crate::model::{Child, NhsNumber, OrgKind, Organisation, Postcode, Role};

const MANY: usize = 50_000;

fn demo(seed: u64, count: usize) -> (Vec<Organisation>, Vec<Child>) {
    let orgs = organisations(seed, count);
    let kids = children(seed, count, &orgs).collect();
    (orgs, kids)
}

/// The large sample most tests look at, generated once (debug builds are slow).
fn sample() -> &'static [Child] {
    static SAMPLE: OnceLock<Vec<Child>> = OnceLock::new();
    SAMPLE.get_or_init(|| demo(DEMO_SEED, MANY).1)
}

fn share(kids: &[Child], keep: impl Fn(&Child) -> bool) -> f64 {
    kids.iter().filter(|c| keep(c)).count() as f64 / kids.len() as f64
}

#[test]
fn the_same_seed_gives_identical_output() {
    let (orgs_a, kids_a) = demo(DEMO_SEED, 3_000);
    let (orgs_b, kids_b) = demo(DEMO_SEED, 3_000);
    assert_eq!(orgs_a, orgs_b);
    assert_eq!(kids_a, kids_b);
    assert_eq!(
        format!("{:?}", accounts(&orgs_a)),
        format!("{:?}", accounts(&orgs_b))
    );
}

#[test]
fn different_seeds_give_different_directories() {
    let (orgs_a, kids_a) = demo(1, 500);
    let (orgs_b, kids_b) = demo(2, 500);
    assert_ne!(orgs_a, orgs_b);
    let ids_a: HashSet<_> = kids_a.iter().map(|c| &c.id).collect();
    assert!(kids_b.iter().all(|c| !ids_a.contains(&c.id)));
    assert_ne!(
        kids_a.iter().map(|c| &c.family_name).collect::<Vec<_>>(),
        kids_b.iter().map(|c| &c.family_name).collect::<Vec<_>>()
    );
}

#[test]
fn a_smaller_count_is_a_prefix_of_a_larger_one() {
    let orgs = organisations(DEMO_SEED, 1_000);
    let small: Vec<_> = children(DEMO_SEED, 301, &orgs).collect();
    let large: Vec<_> = children(DEMO_SEED, 1_000, &orgs).collect();
    assert_eq!(small.len(), 301);
    assert_eq!(small[..], large[..301]);
}

#[test]
fn every_postcode_parses_and_lies_in_its_authoritys_districts() {
    let kids = sample();
    for child in kids {
        let la = local_authority(&child.local_authority).expect("a demo authority");
        if let Some(postcode) = child.address.postcode() {
            let reparsed: Postcode = postcode.as_str().parse().expect("parses");
            assert_eq!(&reparsed, postcode);
            assert!(
                la.districts.contains(&postcode.district()),
                "{postcode} in {}",
                la.name
            );
        }
    }
    assert!(share(kids, |c| c.address.postcode().is_none()) < 0.05);
}

#[test]
fn every_nhs_number_validates_and_nearly_every_child_has_one() {
    let kids = sample();
    let mut seen = HashSet::new();
    for number in kids.iter().filter_map(|c| c.nhs_number.as_ref()) {
        // A sample this size stays in the first range, as small demos always have.
        assert!(number.as_str().starts_with("999"));
        assert_eq!(number.as_str().parse::<NhsNumber>().as_ref(), Ok(number));
        assert!(seen.insert(number), "{number} given twice");
    }
    let with = share(kids, |c| c.nhs_number.is_some());
    assert!((0.96..0.98).contains(&with), "{with}");
}

#[test]
fn directory_ids_are_unique() {
    let kids = sample();
    let ids: HashSet<_> = kids.iter().map(|c| &c.id).collect();
    assert_eq!(ids.len(), MANY);
    assert!(kids
        .iter()
        .all(|c| c.id.as_str().parse::<crate::model::DirectoryId>().is_ok()));
}

#[test]
fn surname_frequency_is_skewed_like_a_real_population() {
    let kids = sample();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for child in kids.iter().filter(|c| !c.family_name.contains('-')) {
        *counts.entry(&child.family_name).or_default() += 1;
    }
    let mut sizes: Vec<usize> = counts.values().copied().collect();
    sizes.sort_unstable();
    let (top, median) = (sizes[sizes.len() - 1], sizes[sizes.len() / 2]);
    assert!(top >= 10 * median, "most common {top}, median {median}");
    assert!(counts.len() >= 350, "only {} surnames", counts.len());
    let smiths = counts["Smith"];
    assert!(
        counts.values().all(|&n| n <= smiths),
        "Smith is the most common"
    );
}

#[test]
fn about_six_percent_of_surnames_are_hyphenated() {
    let kids = sample();
    let hyphenated = share(kids, |c| c.family_name.contains('-'));
    assert!((0.045..0.075).contains(&hyphenated), "{hyphenated}");
}

#[test]
fn some_children_have_former_names_and_middle_names() {
    let kids = sample();
    let former = share(kids, |c| !c.former_names.is_empty());
    assert!((0.015..0.045).contains(&former), "{former}");
    assert!(kids
        .iter()
        .flat_map(|c| &c.former_names)
        .all(|f| !f.family_name.is_empty() && !f.given_names.is_empty()));
    let middle = share(kids, |c| c.given_names.contains(' '));
    assert!((0.15..0.40).contains(&middle), "{middle}");
}

#[test]
fn ages_span_the_whole_of_childhood() {
    let kids = sample();
    let mut by_age = [0usize; 18];
    for child in kids {
        let age = DEMO_TODAY
            .years_since(child.date_of_birth)
            .expect("born before today");
        by_age[age as usize] += 1;
    }
    let expected = MANY / 18;
    assert!(
        by_age.iter().all(|&n| n > expected / 2 && n < expected * 2),
        "{by_age:?}"
    );
}

#[test]
fn genders_are_balanced_with_a_few_not_specified() {
    let kids = sample();
    let female = share(kids, |c| c.gender == crate::model::Gender::Female);
    let unspecified = share(kids, |c| c.gender == crate::model::Gender::NotSpecified);
    assert!((0.46..0.52).contains(&female), "{female}");
    assert!((0.002..0.03).contains(&unspecified), "{unspecified}");
}

#[test]
fn each_child_has_at_most_one_lead_professional() {
    let kids = sample();
    for child in kids {
        let leads = child
            .involvements
            .iter()
            .filter(|i| i.indicators.lead_professional)
            .count();
        assert!(leads <= 1, "{}", child.id);
    }
    let with_lead = share(kids, |c| {
        c.involvements
            .iter()
            .any(|i| i.indicators.lead_professional)
    });
    assert!(with_lead > 0.01, "{with_lead}");
}

#[test]
fn indicators_that_are_set_say_who_set_them_and_when() {
    let kids = sample();
    for involvement in kids.iter().flat_map(|c| &c.involvements) {
        let (flags, marks) = (&involvement.indicators, &involvement.marks);
        for (set, mark) in [
            (flags.has_information, &marks.has_information),
            (flags.taking_action, &marks.taking_action),
            (flags.caf_completed, &marks.caf_completed),
            (flags.lead_professional, &marks.lead_professional),
        ] {
            assert_eq!(set, mark.is_some());
            if let Some(mark) = mark {
                assert!(mark.set_at.date_naive() >= involvement.start_date);
                assert!(mark.set_at.date_naive() <= DEMO_TODAY);
                assert!(!mark.set_by.is_empty() && !mark.set_by.contains(' '));
            }
        }
    }
}

#[test]
fn sensitive_involvements_always_have_a_consent_basis() {
    let kids = sample();
    let mut sensitive = 0;
    for involvement in kids.iter().flat_map(|c| &c.involvements) {
        assert_eq!(
            involvement.consent.is_some(),
            involvement.organisation.kind.is_sensitive()
        );
        sensitive += usize::from(involvement.organisation.kind.is_sensitive());
    }
    assert!(sensitive > 100, "{sensitive}");
}

#[test]
fn involvements_start_after_birth_and_end_after_they_start() {
    let kids = sample();
    for child in kids {
        for involvement in &child.involvements {
            assert!(
                involvement.start_date >= child.date_of_birth,
                "{}",
                child.id
            );
            assert!(involvement.start_date <= DEMO_TODAY);
            assert!(involvement
                .end_date
                .is_none_or(|end| end > involvement.start_date));
            assert_eq!(
                involvement.organisation.local_authority,
                child.local_authority
            );
            assert!(involvement.practitioner.is_some());
        }
    }
}

#[test]
fn nearly_every_child_has_a_gp_and_school_age_children_a_school() {
    let kids = sample();
    let has = |c: &Child, kind| c.involvements.iter().any(|i| i.organisation.kind == kind);
    let gp = share(kids, |c| has(c, OrgKind::GpPractice));
    assert!(gp > 0.96, "{gp}");
    let pupils: Vec<Child> = kids
        .iter()
        .filter(|c| (5..=15).contains(&DEMO_TODAY.years_since(c.date_of_birth).unwrap()))
        .cloned()
        .collect();
    let schooled = share(&pupils, |c| has(c, OrgKind::School));
    assert!(schooled > 0.95, "{schooled}");
}

#[test]
fn a_few_records_are_shielded() {
    let kids = sample();
    let shielded = share(kids, |c| c.shielded);
    assert!((0.001..0.01).contains(&shielded), "{shielded}");
}

#[test]
fn families_share_an_address_and_carers() {
    let (_, kids) = demo(DEMO_SEED, 5_000);
    let siblings = kids.windows(2).filter(|pair| {
        pair[0].family_name == pair[1].family_name
            && pair[0].address == pair[1].address
            && pair[0].carers == pair[1].carers
    });
    assert!(siblings.count() > 1_000);
    assert!(kids.iter().all(|c| (1..=3).contains(&c.carers.len())));
}

#[test]
fn accounts_belong_to_demo_organisations_with_children() {
    let (orgs, kids) = demo(DEMO_SEED, 20_000);
    let specs = accounts(&orgs);
    assert_eq!(specs.len(), 8);
    let usernames: HashSet<_> = specs.iter().map(|a| a.username.as_str()).collect();
    assert_eq!(usernames.len(), specs.len());
    assert!(Role::ALL
        .iter()
        .all(|role| specs.iter().any(|a| a.role == *role)));
    for spec in &specs {
        assert!(
            orgs.iter().any(|o| o.code == spec.organisation),
            "{}",
            spec.username
        );
    }
    for (username, enough) in [
        ("gp.reception", 500),
        ("school.dsl", 500),
        ("social.worker", 100),
        ("yot.worker", 10),
    ] {
        let org = &specs
            .iter()
            .find(|a| a.username == username)
            .unwrap()
            .organisation;
        let involved = kids
            .iter()
            .filter(|c| c.involvements.iter().any(|i| &i.organisation.code == org))
            .count();
        assert!(involved >= enough, "{username}: {involved} children");
    }
}

#[test]
fn a_national_demo_spreads_children_over_the_nations_districts() {
    let orgs = organisations(DEMO_SEED, 12_000_000);
    let kids: Vec<Child> = children(DEMO_SEED, 20_000, &orgs).collect();
    let mut districts = HashSet::new();
    let mut authorities = HashSet::new();
    for child in &kids {
        let la = local_authority(&child.local_authority).expect("a demo authority");
        authorities.insert(la.code);
        if let Some(postcode) = child.address.postcode() {
            assert!(la.districts.contains(&postcode.district()), "{postcode}");
            districts.insert(postcode.district().to_string());
        }
    }
    assert!(authorities.len() > 140, "{}", authorities.len());
    assert!(districts.len() > 1_500, "{}", districts.len());
    // Birmingham, the largest authority, has about 2.5% of England's children.
    let birmingham = share(&kids, |c| c.local_authority == "330");
    assert!((0.015..0.035).contains(&birmingham), "{birmingham}");
    // Smith about as common as in England (1.3%), and a long tail of rarer names.
    let smith = share(&kids, |c| c.family_name == "Smith");
    assert!((0.008..0.025).contains(&smith), "{smith}");
    let names: HashSet<_> = kids.iter().map(|c| &c.family_name).collect();
    assert!(names.len() > 2_500, "{}", names.len());
}

#[test]
fn demos_up_to_200_000_children_stay_in_the_five_authority_region() {
    let orgs = organisations(DEMO_SEED, 200_000);
    let authorities: HashSet<_> = orgs.iter().map(|o| o.local_authority.as_str()).collect();
    assert_eq!(authorities.len(), 5);
}
