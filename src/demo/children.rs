//! The children of the demo directory, generated family by family and streamed.
//!
//! A family shares a surname (mostly), an address, carers, a GP practice and schools;
//! that is what makes duplicate detection and postcode search behave as they would on
//! real data. Nothing is held beyond the family being emitted.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::ids::{scramble, NhsNumbers};
use super::names::{heritage, is_family_surname, Heritage};
use super::organisations::is_primary_school;
use super::places::{self, LocalAuthority};
use super::weighted::Weighted;
use super::{slug, DEMO_TODAY};
use crate::model::{
    Address, AddressState, Carer, Child, ConsentBasis, DirectoryId, FormerName, Gender,
    IndicatorMark, IndicatorMarks, Indicators, Involvement, NhsNumber, OrgKind, Organisation,
    Practitioner, Relationship, ReturnIntent,
};

/// Separates the staff's random stream from the children's for the same seed.
const STAFF_STREAM: u64 = 0x7374_6166;

/// The first setting of each kind in an authority takes this many times its share, so
/// the demo accounts' GP practice and school have plenty of children.
const FLAGSHIP_WEIGHT: u64 = 4;

/// The children of the demo directory, in a stable order: a smaller `count` gives a
/// prefix of a larger one. Organisations outside the demo region's authorities are ignored.
pub fn children<'a>(
    seed: u64,
    count: usize,
    orgs: &'a [Organisation],
) -> impl Iterator<Item = Child> + 'a {
    let mut generator = Generator::new(seed, orgs);
    let mut family: Vec<Child> = Vec::new();
    std::iter::from_fn(move || {
        if family.is_empty() {
            family = generator.family();
            family.reverse();
        }
        family.pop()
    })
    .take(count)
}

/// Someone who works for a service, as they appear on an involvement.
struct Staff {
    practitioner: Practitioner,
    /// How indicator marks name them, like a login: `k.okafor`.
    username: String,
}

struct Service<'a> {
    org: &'a Organisation,
    staff: Vec<Staff>,
}

/// One local authority's services, ready to be picked from.
struct Area<'a> {
    la: &'static LocalAuthority,
    heritage: Weighted<&'static Heritage>,
    primary: Option<Weighted<Service<'a>>>,
    secondary: Option<Weighted<Service<'a>>>,
    early_years: Option<Weighted<Service<'a>>>,
    gp: Option<Weighted<Service<'a>>>,
    /// Every other kind (health visiting, social care, CAMHS, police...).
    services: HashMap<OrgKind, Weighted<Service<'a>>>,
}

struct Generator<'a> {
    rng: ChaCha8Rng,
    areas: Weighted<Area<'a>>,
    id_key: u64,
    next_child: u64,
    nhs_numbers: NhsNumbers,
}

/// What siblings share.
struct Family<'g, 'a> {
    area: &'g Area<'a>,
    heritage: &'static Heritage,
    surname: String,
    former_surname: Option<String>,
    carers: Vec<Carer>,
    address: AddressState,
    shielded: bool,
    looked_after: bool,
    primary: Option<&'g Service<'a>>,
    secondary: Option<&'g Service<'a>>,
    early_years: Option<&'g Service<'a>>,
    gp: Option<&'g Service<'a>>,
}

impl<'a> Generator<'a> {
    fn new(seed: u64, orgs: &'a [Organisation]) -> Self {
        let mut staff_rng = ChaCha8Rng::seed_from_u64(seed ^ STAFF_STREAM);
        let mut codes: Vec<&str> = Vec::new();
        for org in orgs {
            if !codes.contains(&org.local_authority.as_str()) {
                codes.push(&org.local_authority);
            }
        }
        let areas = codes
            .into_iter()
            .filter_map(places::local_authority)
            .map(|la| (area(&mut staff_rng, la, orgs), la.share));
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            areas: Weighted::new(areas),
            id_key: seed.wrapping_mul(0x2545_F491_4F6C_DD1D),
            next_child: 0,
            nhs_numbers: NhsNumbers::new(seed),
        }
    }

    fn family(&mut self) -> Vec<Child> {
        let Generator {
            rng,
            areas,
            id_key,
            next_child,
            nhs_numbers,
        } = self;
        let area = areas.pick(rng);
        let family = plan_family(rng, area);
        let mut children = Vec::new();
        for dob in sibling_birth_dates(rng) {
            let id = DirectoryId::from_number(scramble(*next_child, *id_key));
            *next_child += 1;
            let nhs_number = if rng.gen_ratio(97, 100) {
                nhs_numbers.next_number()
            } else {
                None
            };
            children.push(child(rng, &family, id, nhs_number, dob));
        }
        children
    }
}

fn area<'a>(
    rng: &mut ChaCha8Rng,
    la: &'static LocalAuthority,
    orgs: &'a [Organisation],
) -> Area<'a> {
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
                (service(rng, la, org), weight)
            })
            .collect();
        (!services.is_empty()).then(|| Weighted::new(services))
    };
    let primary = setting(&|o| o.kind == OrgKind::School && is_primary_school(o));
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
    let heritage = Weighted::new(la.heritage_mix.iter().map(|&(name, w)| (heritage(name), w)));
    Area {
        la,
        heritage,
        primary,
        secondary,
        early_years,
        gp,
        services,
    }
}

fn service<'a>(rng: &mut ChaCha8Rng, la: &LocalAuthority, org: &'a Organisation) -> Service<'a> {
    let size = match org.kind {
        OrgKind::SocialCare | OrgKind::HealthVisiting => 12,
        OrgKind::School | OrgKind::EarlyYears => 3,
        _ => 5,
    };
    let domain = org
        .email
        .as_deref()
        .and_then(|e| e.split_once('@'))
        .map_or("example.org", |p| p.1);
    let staff = (0..size)
        .map(|_| {
            let group = la.heritage_mix.iter().map(|&(name, w)| (name, w));
            let group = heritage(Weighted::new(group).pick(rng));
            let female = rng.gen_bool(0.7);
            let first = group.adult_forenames(female).pick(rng);
            let last = group.surname(rng, female);
            let title = if org.kind == OrgKind::GpPractice {
                "Dr "
            } else {
                ""
            };
            let phone = if rng.gen_bool(0.6) {
                places::landline(rng, la)
            } else {
                places::mobile(rng)
            };
            Staff {
                practitioner: Practitioner {
                    name: format!("{title}{first} {last}"),
                    phone: Some(phone),
                    email: Some(format!("{}.{}@{domain}", slug(first, '-'), slug(last, '-'))),
                },
                username: format!(
                    "{}.{}",
                    slug(first, '-').chars().next().unwrap_or('x'),
                    slug(last, '-')
                ),
            }
        })
        .collect();
    Service { org, staff }
}

/// Youngest first, spaced like real siblings; twins now and then. Children who would be
/// 18 or over are adults, not in the directory, so a family may come out smaller.
fn sibling_birth_dates(rng: &mut ChaCha8Rng) -> Vec<NaiveDate> {
    let span = (DEMO_TODAY - earliest_birth_date()).num_days() as u64;
    let size = *Weighted::new([(1, 45), (2, 35), (3, 14), (4, 6)]).pick(rng);
    let mut age_days = rng.gen_range(0..span);
    let mut dates = Vec::with_capacity(size);
    for _ in 0..size {
        if age_days >= span {
            break;
        }
        dates.push(DEMO_TODAY - Days::new(age_days));
        age_days += if rng.gen_ratio(3, 100) {
            0
        } else {
            rng.gen_range(300..2_200)
        };
    }
    dates.reverse();
    dates
}

fn earliest_birth_date() -> NaiveDate {
    DEMO_TODAY
        .with_year(DEMO_TODAY.year() - 18)
        .expect("1 September exists")
        + Days::new(1)
}

fn plan_family<'g, 'a>(rng: &mut ChaCha8Rng, area: &'g Area<'a>) -> Family<'g, 'a> {
    let heritage = *area.heritage.pick(rng);
    let father = heritage.family_surname(rng).to_string();
    let maiden = heritage.family_surname(rng).to_string();
    let married = rng.gen_bool(0.55);
    // A woman may go by a title such as Begum rather than a family name.
    let own = heritage.surname(rng, true);
    let mother = if !is_family_surname(own) {
        own.to_string()
    } else if married {
        father.clone()
    } else {
        maiden.clone()
    };
    let hyphenated = rng.gen_ratio(6, 100) && father != maiden;
    let mut surname = if hyphenated {
        format!("{father}-{maiden}")
    } else {
        father.clone()
    };
    let mut former_surname = None;
    let mut looked_after = false;
    let la = area.la;

    let mut carers = Vec::with_capacity(3);
    let mut add = |rng: &mut ChaCha8Rng, female: bool, surname: &str, relationship, responsible| {
        let name = format!("{} {surname}", heritage.adult_forenames(female).pick(rng));
        carers.push(carer(rng, la, name, relationship, responsible));
    };
    match rng.gen_range(0..1000) {
        0..560 => {
            add(rng, true, &mother, Relationship::Mother, true);
            add(rng, false, &father, Relationship::Father, true);
            if !married && !hyphenated && rng.gen_ratio(1, 4) {
                surname = maiden.clone();
            }
            if rng.gen_ratio(1, 20) {
                let female = rng.gen_bool(0.7);
                add(rng, female, &father, Relationship::Grandparent, false);
            }
        }
        560..800 => {
            add(rng, true, &mother, Relationship::Mother, true);
            if !married && !hyphenated && rng.gen_bool(0.5) {
                surname = maiden.clone();
            }
        }
        800..830 => add(rng, false, &father, Relationship::Father, true),
        830..890 => {
            // A step-family; half the time the children now go by the step-parent's name.
            let step = heritage.family_surname(rng).to_string();
            add(
                rng,
                true,
                if married { &step } else { &maiden },
                Relationship::Mother,
                true,
            );
            add(rng, false, &step, Relationship::StepParent, false);
            if !hyphenated && step != surname && rng.gen_bool(0.5) {
                former_surname = Some(std::mem::replace(&mut surname, step));
            }
        }
        890..950 => {
            let name = if rng.gen_bool(0.5) { &father } else { &maiden };
            let responsible = rng.gen_bool(0.6);
            for female in [true, false].into_iter().take(rng.gen_range(1..=2)) {
                add(rng, female, name, Relationship::Grandparent, responsible);
            }
        }
        950..980 => {
            // Looked after: the authority holds parental responsibility, not the foster carers.
            looked_after = true;
            let fosterers = area.heritage.pick(rng).family_surname(rng);
            for female in [true, false].into_iter().take(rng.gen_range(1..=2)) {
                add(rng, female, fosterers, Relationship::FosterCarer, false);
            }
        }
        _ => {
            let female = rng.gen_bool(0.6);
            add(rng, female, &maiden, Relationship::Guardian, true);
        }
    }

    let street = places::street_address(rng, la);
    let line = match rng.gen_ratio(1, 12).then(|| rng.gen_range(1..=24)) {
        Some(flat) => format!("Flat {flat}, {}", street.line),
        None => street.line,
    };
    let known = || Address {
        lines: vec![line.clone()],
        town: la.town.to_string(),
        postcode: format!("{}{}", street.district, street.inward)
            .parse()
            .expect("valid postcode"),
    };
    let address = match rng.gen_range(0..1000) {
        0..940 => AddressState::Current { address: known() },
        940..975 => AddressState::LastKnown { address: known() },
        975..988 => AddressState::NoAddressKnown,
        _ => AddressState::LeftEngland {
            intent: *Weighted::new([
                (ReturnIntent::WillReturn, 2),
                (ReturnIntent::WillNotReturn, 1),
                (ReturnIntent::Unknown, 2),
            ])
            .pick(rng),
        },
    };

    Family {
        area,
        heritage,
        surname,
        former_surname,
        carers,
        address,
        shielded: rng.gen_ratio(4, 1000),
        looked_after,
        primary: area.primary.as_ref().map(|s| s.pick(rng)),
        secondary: area.secondary.as_ref().map(|s| s.pick(rng)),
        early_years: area.early_years.as_ref().map(|s| s.pick(rng)),
        gp: area.gp.as_ref().map(|s| s.pick(rng)),
    }
}

fn carer(
    rng: &mut ChaCha8Rng,
    la: &LocalAuthority,
    name: String,
    relationship: Relationship,
    parental_responsibility: bool,
) -> Carer {
    let phone = match rng.gen_range(0..100) {
        0..85 => Some(places::mobile(rng)),
        85..95 => Some(places::landline(rng, la)),
        _ => None,
    };
    let email = rng
        .gen_bool(0.4)
        .then(|| format!("{}{}@example.org", slug(&name, '.'), rng.gen_range(1..100)));
    Carer {
        id: 0,
        name,
        relationship,
        parental_responsibility,
        phone,
        email,
    }
}

fn child(
    rng: &mut ChaCha8Rng,
    family: &Family,
    id: DirectoryId,
    nhs_number: Option<NhsNumber>,
    date_of_birth: NaiveDate,
) -> Child {
    let gender = match rng.gen_range(0..200) {
        0..2 => Gender::NotSpecified,
        2..101 => Gender::Female,
        _ => Gender::Male,
    };
    let female = match gender {
        Gender::Female => true,
        Gender::Male => false,
        Gender::NotSpecified => rng.gen_bool(0.5),
    };
    // Most children carry their family's naming tradition; some carry the majority's.
    let names = if rng.gen_ratio(85, 100) {
        family.heritage
    } else {
        heritage("british")
    };
    let first = names.forenames(female).pick(rng);
    let given_names = match rng
        .gen_ratio(3, 10)
        .then(|| names.forenames(female).pick(rng))
    {
        Some(middle) if middle != first => format!("{first} {middle}"),
        _ => first.to_string(),
    };
    // Siblings born after a change of name never had the former one.
    let former_names = family
        .former_surname
        .iter()
        .filter(|_| DEMO_TODAY.years_since(date_of_birth).unwrap_or(0) >= 2)
        .map(|family_name| FormerName {
            family_name: family_name.clone(),
            given_names: given_names.clone(),
        })
        .collect();
    let full_name = format!("{given_names} {}", family.surname);
    let involvements = involvements(rng, family, date_of_birth, &full_name);
    Child {
        id,
        nhs_number,
        family_name: family.surname.clone(),
        given_names,
        former_names,
        date_of_birth,
        gender,
        address: family.address.clone(),
        local_authority: family.area.la.code.to_string(),
        shielded: family.shielded,
        carers: family.carers.clone(),
        involvements,
        version: 1,
    }
}

fn involvements(
    rng: &mut ChaCha8Rng,
    family: &Family,
    dob: NaiveDate,
    full_name: &str,
) -> Vec<Involvement> {
    let age = DEMO_TODAY.years_since(dob).unwrap_or(0);
    // School years run from 1 September, so the school age is the age on 31 August.
    let school_age = (DEMO_TODAY - Days::new(1)).years_since(dob).unwrap_or(0);
    let reception = NaiveDate::from_ymd_opt(dob.year() + if dob.month() < 9 { 4 } else { 5 }, 9, 1)
        .expect("1 September exists");
    let mut found: Vec<(&Service, NaiveDate, Option<NaiveDate>)> = Vec::new();

    let education = match school_age {
        2..=3 if rng.gen_ratio(4, 5) => family
            .early_years
            .map(|s| (s, between(rng, years_after(dob, 2), DEMO_TODAY))),
        4..=10 if rng.gen_ratio(97, 100) => family.primary.map(|s| (s, settled(rng, reception))),
        11..=15 if rng.gen_ratio(97, 100) => family
            .secondary
            .map(|s| (s, settled(rng, years_after(reception, 7)))),
        16..=17 if rng.gen_ratio(3, 4) => family
            .secondary
            .map(|s| (s, settled(rng, years_after(reception, 7)))),
        _ => None,
    };
    found.extend(education.map(|(s, start)| (s, start, None)));
    if let Some(gp) = family.gp.filter(|_| rng.gen_ratio(98, 100)) {
        let registered = if rng.gen_ratio(4, 5) {
            dob + Days::new(rng.gen_range(14..60))
        } else {
            between(rng, dob, DEMO_TODAY)
        };
        found.push((gp, registered.min(DEMO_TODAY), None));
    }
    if age < 5 && rng.gen_ratio(95, 100) {
        if let Some(hv) = family.service(rng, OrgKind::HealthVisiting) {
            found.push((
                hv,
                (dob + Days::new(rng.gen_range(10..15))).min(DEMO_TODAY),
                None,
            ));
        }
    }
    let social_care = if family.looked_after {
        1000
    } else if family.shielded {
        500
    } else {
        40
    };
    // (kind, youngest age, chance in a thousand)
    for (kind, min_age, chance) in [
        (OrgKind::SocialCare, 0, social_care),
        (OrgKind::YouthOffending, 10, 25),
        (OrgKind::Camhs, 5, 30),
        (OrgKind::SexualHealth, 13, 25),
        (OrgKind::SubstanceMisuse, 12, 10),
        (OrgKind::Police, 0, 15),
        (OrgKind::Voluntary, 0, 30),
    ] {
        if age < min_age || !rng.gen_ratio(chance, 1000) {
            continue;
        }
        let Some(service) = family.service(rng, kind) else {
            continue;
        };
        let earliest = years_after(dob, min_age).max(DEMO_TODAY - Days::new(3 * 365));
        let start = between(rng, earliest, DEMO_TODAY);
        let ended = kind != OrgKind::SocialCare || !family.looked_after;
        let end = (ended && start < DEMO_TODAY && rng.gen_ratio(1, 5))
            .then(|| between(rng, start + Days::new(1), DEMO_TODAY));
        found.push((service, start, end));
    }

    let mut involvements: Vec<(Involvement, &Staff)> = found
        .into_iter()
        .map(|(service, start, end)| {
            let consent = service
                .org
                .kind
                .is_sensitive()
                .then(|| consent(rng, family, age, full_name, start));
            involvement(rng, service, start, end, consent)
        })
        .collect();

    // At most one lead professional, most often the social worker where there is one.
    let social_worker = involvements
        .iter()
        .position(|(i, _)| i.organisation.kind == OrgKind::SocialCare && i.end_date.is_none());
    let chance = if social_worker.is_some() { 300 } else { 30 };
    if !involvements.is_empty() && rng.gen_ratio(chance, 1000) {
        let lead = social_worker.unwrap_or_else(|| rng.gen_range(0..involvements.len()));
        let (involvement, staff) = &mut involvements[lead];
        let until = involvement.end_date.unwrap_or(DEMO_TODAY);
        let set = mark(rng, staff, involvement.start_date, until);
        involvement.indicators.lead_professional = true;
        involvement.indicators.caf_completed = true;
        involvement
            .marks
            .caf_completed
            .get_or_insert_with(|| set.clone());
        involvement.marks.lead_professional = Some(set);
    }
    involvements.into_iter().map(|(i, _)| i).collect()
}

impl<'a> Family<'_, 'a> {
    fn service(&self, rng: &mut ChaCha8Rng, kind: OrgKind) -> Option<&Service<'a>> {
        self.area.services.get(&kind).map(|list| list.pick(rng))
    }
}

fn involvement<'s>(
    rng: &mut ChaCha8Rng,
    service: &'s Service,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    consent: Option<ConsentBasis>,
) -> (Involvement, &'s Staff) {
    let staff = &service.staff[rng.gen_range(0..service.staff.len())];
    let until = end_date.unwrap_or(DEMO_TODAY);
    let mut flag = |per_thousand| {
        rng.gen_ratio(per_thousand, 1000)
            .then(|| mark(rng, staff, start_date, until))
    };
    let marks = IndicatorMarks {
        has_information: flag(100),
        taking_action: flag(50),
        caf_completed: flag(30),
        lead_professional: None,
    };
    let indicators = Indicators {
        has_information: marks.has_information.is_some(),
        taking_action: marks.taking_action.is_some(),
        caf_completed: marks.caf_completed.is_some(),
        lead_professional: false,
    };
    let involvement = Involvement {
        id: 0,
        organisation: service.org.clone(),
        practitioner: Some(staff.practitioner.clone()),
        start_date,
        end_date,
        consent,
        indicators,
        marks,
        version: 1,
    };
    (involvement, staff)
}

/// Sensitive services record why they may appear at all: mostly the young person's (or a
/// parent's) consent, sometimes suspected significant harm.
fn consent(
    rng: &mut ChaCha8Rng,
    family: &Family,
    age: u32,
    full_name: &str,
    start: NaiveDate,
) -> ConsentBasis {
    if !rng.gen_ratio(85, 100) {
        return ConsentBasis::SignificantHarm;
    }
    let parent = family.carers.iter().find(|c| c.parental_responsibility);
    let given_by = match parent {
        _ if age >= 12 => full_name.to_string(),
        Some(parent) => parent.name.clone(),
        None => format!("{} Children's Social Care", family.area.la.name),
    };
    ConsentBasis::Consent {
        given_by,
        given_on: start,
    }
}

fn mark(rng: &mut ChaCha8Rng, staff: &Staff, from: NaiveDate, until: NaiveDate) -> IndicatorMark {
    let day = between(rng, from, until);
    let time = day.and_hms_opt(
        rng.gen_range(8..18),
        rng.gen_range(0..60),
        rng.gen_range(0..60),
    );
    IndicatorMark {
        set_by: staff.username.clone(),
        set_at: time.expect("a valid time").and_utc(),
    }
}

/// A date in `from..=until` (or `until` when the range is empty).
fn between(rng: &mut ChaCha8Rng, from: NaiveDate, until: NaiveDate) -> NaiveDate {
    let days = (until - from).num_days().max(0) as u64;
    until - Days::new(rng.gen_range(0..=days))
}

/// Most children stay at a setting from the usual start; some moved in later.
fn settled(rng: &mut ChaCha8Rng, usual_start: NaiveDate) -> NaiveDate {
    if rng.gen_ratio(85, 100) {
        usual_start
    } else {
        between(rng, usual_start, DEMO_TODAY)
    }
}

fn years_after(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_add_months(chrono::Months::new(12 * years))
        .expect("within chrono's range")
}
