//! The demo region's services as the generator picks from them, each with its staff.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::names::{heritage, Heritage};
use super::organisations::is_primary_school;
use super::places::{self, LocalAuthority};
use super::slug;
use super::weighted::Weighted;
use crate::model::{OrgKind, Organisation, Practitioner};

/// Separates the staff's random stream from the children's for the same seed.
const STAFF_STREAM: u64 = 0x7374_6166;

/// The first setting of each kind in an authority takes this many times its share, so
/// the demo accounts' GP practice and school have plenty of children.
const FLAGSHIP_WEIGHT: u64 = 4;

/// Someone who works for a service, as they appear on an involvement.
pub(super) struct Staff {
    pub(super) practitioner: Practitioner,
    /// How indicator marks name them, like a login: `k.okafor`.
    pub(super) username: String,
}

pub(super) struct Service<'a> {
    pub(super) org: &'a Organisation,
    pub(super) staff: Vec<Staff>,
}

/// One local authority's services, ready to be picked from.
pub(super) struct Area<'a> {
    pub(super) la: &'static LocalAuthority,
    /// Part of a national demo (more than 200,000 children), not the five-authority region.
    pub(super) national: bool,
    pub(super) heritage: Weighted<&'static Heritage>,
    pub(super) primary: Option<Weighted<Service<'a>>>,
    pub(super) secondary: Option<Weighted<Service<'a>>>,
    pub(super) early_years: Option<Weighted<Service<'a>>>,
    pub(super) gp: Option<Weighted<Service<'a>>>,
    /// Every other kind (health visiting, social care, CAMHS, police...).
    pub(super) services: HashMap<OrgKind, Weighted<Service<'a>>>,
}

/// The areas of the demo region's authorities found in `orgs`, weighted by their children.
///
/// Panics if `orgs` has none of them: there would be nowhere for a child to live.
pub(super) fn areas(seed: u64, orgs: &[Organisation]) -> Weighted<Area<'_>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ STAFF_STREAM);
    let mut codes: Vec<&str> = Vec::new();
    for org in orgs {
        if !codes.contains(&org.local_authority.as_str()) {
            codes.push(&org.local_authority);
        }
    }
    let national = codes.iter().any(|code| places::is_national(code));
    let areas = codes
        .into_iter()
        .filter_map(places::local_authority)
        .map(|la| (area(&mut rng, la, orgs, national), la.weight(national)));
    Weighted::new(areas)
}

fn area<'a>(
    rng: &mut ChaCha8Rng,
    la: &'static LocalAuthority,
    orgs: &'a [Organisation],
    national: bool,
) -> Area<'a> {
    let heritage = Weighted::new(la.heritage_mix.iter().map(|&(name, w)| (heritage(name), w)));
    let local: Vec<&Organisation> = orgs
        .iter()
        .filter(|o| o.local_authority == la.code)
        .collect();
    let mut setting = |keep: &dyn Fn(&Organisation) -> bool| {
        let services: Vec<_> = local
            .iter()
            .filter(|o| keep(o))
            .enumerate()
            .map(|(i, org)| {
                let weight = if i == 0 { FLAGSHIP_WEIGHT } else { 1 };
                (service(rng, la, &heritage, org), weight)
            })
            .collect();
        (!services.is_empty()).then(|| Weighted::new(services))
    };
    let primary = setting(&is_primary_school);
    let secondary = setting(&|o| o.kind == OrgKind::School && !is_primary_school(o));
    let early_years = setting(&|o| o.kind == OrgKind::EarlyYears);
    let gp = setting(&|o| o.kind == OrgKind::GpPractice);
    let mut services = HashMap::new();
    for kind in [
        OrgKind::HealthVisiting,
        OrgKind::SocialCare,
        OrgKind::YouthOffending,
        OrgKind::Camhs,
        OrgKind::SexualHealth,
        OrgKind::SubstanceMisuse,
        OrgKind::Police,
        OrgKind::Voluntary,
    ] {
        if let Some(list) = setting(&|o| o.kind == kind) {
            services.insert(kind, list);
        }
    }
    Area {
        la,
        national,
        heritage,
        primary,
        secondary,
        early_years,
        gp,
        services,
    }
}

/// An organisation with a few named staff, so its involvements show familiar names.
fn service<'a>(
    rng: &mut ChaCha8Rng,
    la: &LocalAuthority,
    heritage: &Weighted<&'static Heritage>,
    org: &'a Organisation,
) -> Service<'a> {
    let size = match org.kind {
        OrgKind::SocialCare | OrgKind::HealthVisiting => 12,
        OrgKind::School | OrgKind::EarlyYears => 3,
        _ => 5,
    };
    let domain = org
        .email
        .as_deref()
        .and_then(|e| e.split_once('@'))
        .map_or("example.org", |(_, domain)| domain);
    let title = if org.kind == OrgKind::GpPractice {
        "Dr "
    } else {
        ""
    };
    let staff = (0..size)
        .map(|_| {
            let names = heritage.pick(rng);
            let female = rng.gen_bool(0.7);
            let (first, last) = (
                names.adult_forenames(female).pick(rng),
                names.surname(rng, female),
            );
            let phone = if rng.gen_bool(0.6) {
                places::landline(rng, la)
            } else {
                places::mobile(rng)
            };
            let (first_slug, last_slug) = (slug(first, '-'), slug(last, '-'));
            let initial = first_slug.chars().next().unwrap_or('x');
            Staff {
                username: format!("{initial}.{last_slug}"),
                practitioner: Practitioner {
                    name: format!("{title}{first} {last}"),
                    phone: Some(phone),
                    email: Some(format!("{first_slug}.{last_slug}@{domain}")),
                },
            }
        })
        .collect();
    Service { org, staff }
}
