//! The organisations of the demo region, scaled with the number of children.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::places::{self, LocalAuthority};
use super::slug;
use crate::model::{OrgKind, Organisation};

/// Settings per authority never exceed this: URNs and ODS codes keep three free digits.
const MAX_SETTINGS: usize = 999;

/// Separates the organisations' random stream from the children's for the same seed.
const STREAM: u64 = 0x6f72_6773;

/// Names use these in order, so appending keeps every earlier name as it was.
const FEATURES: &[&str] = &[
    "", " Park", " Lane", " Hill", " Green", " Moor", " Grove", " Bank", " Vale", " Wood", " Road",
    " Fields", " Heath", " Common", " Gate", " Cross", " Brook", " Ridge", " Meadow", " Rise",
];
const PRIMARY_KINDS: &[&str] = &[
    "Primary School",
    "C of E Primary School",
    "Primary Academy",
    "Community Primary School",
    "Infant and Nursery School",
];
const SECONDARY_KINDS: &[&str] = &["High School", "Academy", "Community College", "School"];
const NURSERY_NAMES: &[&str] = &[
    "Little Acorns Nursery",
    "Rainbow Day Nursery",
    "Tiny Steps Pre-School",
    "Sunflower Nursery",
    "Treetops Day Nursery",
    "Apple Tree Pre-School",
    "Honeypot Nursery",
    "Bright Start Nursery",
    "Children's Centre Nursery",
    "Little Stars Playgroup",
];
const PRACTICE_KINDS: &[&str] = &[
    "Medical Centre",
    "Surgery",
    "Health Centre",
    "Family Practice",
    "Group Practice",
    "Medical Practice",
];

/// Every organisation of the demo region (the nation, for more than 200,000 children).
/// Each authority's own services come first, so the first of a kind is always in the
/// first authority (Leeds).
pub fn organisations(seed: u64, children: usize) -> Vec<Organisation> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ STREAM);
    let authorities = places::authorities(children);
    let national = authorities.iter().any(|la| places::is_national(la.code));
    let total_weight: u64 = authorities.iter().map(|la| la.weight(national)).sum();
    let mut orgs = Vec::new();
    for la in authorities {
        let local_children = (children as u64 * la.weight(national) / total_weight) as usize;
        let mut add = |rng: &mut ChaCha8Rng, code: String, name: String, kind: OrgKind| {
            orgs.push(organisation(rng, la, code, name, kind));
        };
        for &(suffix, name, kind) in AUTHORITY_SERVICES {
            let (code, name) = authority_service(la, suffix, name, kind);
            add(&mut rng, code, name, kind);
        }
        // Localities in a seed-dependent order, so settings' names differ between seeds.
        let mut localities = la.localities.to_vec();
        for i in (1..localities.len()).rev() {
            localities.swap(i, rng.gen_range(0..=i));
        }
        // The i-th name of a kind of setting: locality, then variant, then feature vary.
        let parts = |i: usize, variants: &[&'static str]| {
            let (l, v) = (localities.len(), variants.len());
            let feature = FEATURES[(i / (l * v)) % FEATURES.len()];
            (localities[i % l], variants[(i / l) % v], feature)
        };

        // Never more settings of a kind than there are distinct names for.
        let names = |variants: usize| localities.len() * variants * FEATURES.len();
        let schools = (local_children / 300)
            .clamp(4, MAX_SETTINGS)
            .min(names(SECONDARY_KINDS.len()));
        let secondaries = (schools / 6).max(1);
        for i in 0..schools {
            let code = format!("{}{:03}", la.urn_prefix, i + 1);
            let (place, kind, feature) = match i.checked_sub(schools - secondaries) {
                None => parts(i, PRIMARY_KINDS),
                Some(k) => parts(k, SECONDARY_KINDS),
            };
            add(
                &mut rng,
                code,
                format!("{place}{feature} {kind}"),
                OrgKind::School,
            );
        }
        let nurseries = (local_children / 600)
            .clamp(2, MAX_SETTINGS)
            .min(names(1) * NURSERY_NAMES.len());
        for i in 0..nurseries {
            let code = format!("EY{}{:03}", la.code, i + 1);
            let nursery = NURSERY_NAMES[i % NURSERY_NAMES.len()];
            let (place, _, feature) = parts(i / NURSERY_NAMES.len(), &[""]);
            add(
                &mut rng,
                code,
                format!("{nursery} ({place}{feature})"),
                OrgKind::EarlyYears,
            );
        }
        let practices = (local_children / 600)
            .clamp(3, MAX_SETTINGS)
            .min(names(PRACTICE_KINDS.len()));
        for i in 0..practices {
            let code = format!("{}{:03}", la.ods_prefix, i + 1);
            let (place, kind, feature) = parts(i, PRACTICE_KINDS);
            add(
                &mut rng,
                code,
                format!("{place}{feature} {kind}"),
                OrgKind::GpPractice,
            );
        }
    }
    orgs
}

/// Whether a school takes primary-age children; secondaries are named differently.
pub(super) fn is_primary_school(org: &Organisation) -> bool {
    org.kind == OrgKind::School && (org.name.contains("Primary") || org.name.contains("Infant"))
}

/// The services every authority has once: (code suffix, name after the authority's, kind).
/// Children's social care has no suffix: its code is the authority's own.
const AUTHORITY_SERVICES: &[(&str, &str, OrgKind)] = &[
    ("", "Children's Social Care", OrgKind::SocialCare),
    ("DIR", "ContactPoint Directory Team", OrgKind::DirectoryTeam),
    ("HV", "Health Visiting Service", OrgKind::HealthVisiting),
    ("YOT", "Youth Offending Team", OrgKind::YouthOffending),
    ("CAMHS", "CAMHS", OrgKind::Camhs),
    (
        "SH",
        "Young People's Sexual Health Service",
        OrgKind::SexualHealth,
    ),
    (
        "SM",
        "Young People's Substance Misuse Service",
        OrgKind::SubstanceMisuse,
    ),
    (
        "ED",
        "Royal Hospital Emergency Department",
        OrgKind::Hospital,
    ),
    ("WIC", "City Walk-in Centre", OrgKind::WalkInCentre),
    ("MAT", "Royal Hospital Maternity Unit", OrgKind::Maternity),
    ("AMB", "", OrgKind::Ambulance),
    ("POLICE", "", OrgKind::Police),
    ("VOL1", "Young Carers", OrgKind::Voluntary),
    ("VOL2", "Family Support Network", OrgKind::Voluntary),
];

fn authority_service(
    la: &LocalAuthority,
    suffix: &str,
    name: &str,
    kind: OrgKind,
) -> (String, String) {
    let code = if suffix.is_empty() {
        la.code.to_string()
    } else {
        format!("{}-{suffix}", slug(la.name, '-').to_uppercase())
    };
    // Ambulance services and police forces cover several authorities; this is the local part.
    let name = match kind {
        OrgKind::Ambulance => format!("{} ({})", la.ambulance, la.name),
        OrgKind::Police => format!("{} ({} District)", la.police, la.name),
        _ => format!("{} {name}", la.name),
    };
    (code, name)
}

fn organisation(
    rng: &mut ChaCha8Rng,
    la: &LocalAuthority,
    code: String,
    name: String,
    kind: OrgKind,
) -> Organisation {
    let mailbox = match kind {
        OrgKind::School | OrgKind::EarlyYears => "office",
        OrgKind::GpPractice => "reception",
        OrgKind::SocialCare => "duty.team",
        OrgKind::DirectoryTeam => "directory.team",
        _ => "referrals",
    };
    let address = places::street_address(rng, la);
    Organisation {
        email: Some(format!("{mailbox}@{}.example.org", slug(&name, '-'))),
        phone: Some(places::landline(rng, la)),
        address: Some(format!(
            "{}, {} {} {}",
            address.line, la.town, address.district, address.inward
        )),
        local_authority: la.code.to_string(),
        code,
        name,
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::places::LOCAL_AUTHORITIES;
    use super::*;
    use std::collections::HashSet;

    fn count(orgs: &[Organisation], kind: OrgKind) -> usize {
        orgs.iter().filter(|o| o.kind == kind).count()
    }

    #[test]
    fn codes_and_names_are_unique() {
        let orgs = organisations(1, 1_000_000);
        let codes: HashSet<_> = orgs.iter().map(|o| &o.code).collect();
        let names: HashSet<_> = orgs.iter().map(|o| &o.name).collect();
        assert_eq!(codes.len(), orgs.len());
        assert_eq!(names.len(), orgs.len());
    }

    #[test]
    fn settings_scale_with_children_and_every_authority_has_a_few() {
        let small = organisations(1, 100);
        assert_eq!(count(&small, OrgKind::School), 4 * LOCAL_AUTHORITIES.len());
        assert_eq!(
            count(&small, OrgKind::GpPractice),
            3 * LOCAL_AUTHORITIES.len()
        );
        let large = organisations(1, 200_000);
        assert!((640..=670).contains(&count(&large, OrgKind::School)));
        assert!((320..=335).contains(&count(&large, OrgKind::GpPractice)));
        // A national demo: every authority has a few, the big ones many.
        let national = organisations(1, 12_000_000);
        let schools = count(&national, OrgKind::School);
        assert!((36_000..42_000).contains(&schools), "{schools}");
        let practices = count(&national, OrgKind::GpPractice);
        assert!((18_000..21_000).contains(&practices), "{practices}");
    }

    #[test]
    fn each_authority_has_social_care_and_a_directory_team() {
        let orgs = organisations(1, 1000);
        for la in places::authorities(1000) {
            let has = |kind| {
                orgs.iter()
                    .any(|o| o.kind == kind && o.local_authority == la.code)
            };
            assert!(
                has(OrgKind::SocialCare) && has(OrgKind::DirectoryTeam),
                "{}",
                la.name
            );
        }
        assert!(orgs
            .iter()
            .any(|o| o.code == "383" && o.kind == OrgKind::SocialCare));
        assert!(orgs
            .iter()
            .any(|o| o.code == "B86001" && o.kind == OrgKind::GpPractice));
        assert!(orgs
            .iter()
            .any(|o| o.code == "107001" && o.kind == OrgKind::School));
    }
}
