//! The children of the demo directory, generated family by family and streamed.
//!
//! A family shares a surname (mostly), an address, carers, a GP practice and schools;
//! that is what makes duplicate detection and postcode search behave as they would on
//! real data. Nothing is held beyond the family being emitted.

use chrono::{Datelike, Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::ids::{scramble, NhsNumbers};
use super::involvements::involvements;
use super::names::{heritage, is_family_surname, rare_surnames, Heritage};
use super::places::{self, LocalAuthority};
use super::services::{self, Area, Service};
use super::weighted::Weighted;
use super::{slug, DEMO_TODAY};
use crate::model::{
    Address, AddressState, Carer, Child, DirectoryId, FormerName, Gender, NhsNumber, Organisation,
    Relationship, ReturnIntent,
};

/// The children of the demo directory, in a stable order: a smaller `count` gives a
/// prefix of a larger one. Organisations outside the demo region's authorities are
/// ignored; panics if there are none inside it. About 97% of children have an NHS
/// number, unique across the synthetic range (ample for every child in England).
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

struct Generator<'a> {
    rng: ChaCha8Rng,
    areas: Weighted<Area<'a>>,
    id_key: u64,
    next_child: u64,
    nhs_numbers: NhsNumbers,
}

/// What siblings share.
pub(super) struct Family<'g, 'a> {
    pub(super) area: &'g Area<'a>,
    pub(super) heritage: &'static Heritage,
    pub(super) surname: String,
    pub(super) former_surname: Option<String>,
    pub(super) carers: Vec<Carer>,
    pub(super) address: AddressState,
    pub(super) shielded: bool,
    pub(super) looked_after: bool,
    pub(super) primary: Option<&'g Service<'a>>,
    pub(super) secondary: Option<&'g Service<'a>>,
    pub(super) early_years: Option<&'g Service<'a>>,
    pub(super) gp: Option<&'g Service<'a>>,
}

impl<'a> Generator<'a> {
    fn new(seed: u64, orgs: &'a [Organisation]) -> Self {
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            areas: services::areas(seed, orgs),
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

/// Youngest first, spaced like real siblings; twins now and then. Children who would be
/// 18 or over are adults, not in the directory, so a family may come out smaller.
fn sibling_birth_dates(rng: &mut ChaCha8Rng) -> Vec<NaiveDate> {
    let span = (DEMO_TODAY - earliest_birth_date()).num_days() as u64;
    let size = match rng.gen_range(0..100) {
        0..45 => 1,
        45..80 => 2,
        80..94 => 3,
        _ => 4,
    };
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
    let household = household(rng, area, heritage);
    Family {
        area,
        heritage,
        surname: household.surname,
        former_surname: household.former_surname,
        carers: household.carers,
        address: whereabouts(rng, area.la),
        shielded: rng.gen_ratio(4, 1000),
        looked_after: household.looked_after,
        primary: area.primary.as_ref().map(|s| s.pick(rng)),
        secondary: area.secondary.as_ref().map(|s| s.pick(rng)),
        early_years: area.early_years.as_ref().map(|s| s.pick(rng)),
        gp: area.gp.as_ref().map(|s| s.pick(rng)),
    }
}

/// Who the children live with, and the surname that gives them.
struct Household {
    carers: Vec<Carer>,
    surname: String,
    former_surname: Option<String>,
    looked_after: bool,
}

fn household(rng: &mut ChaCha8Rng, area: &Area, heritage: &'static Heritage) -> Household {
    let father = family_surname(rng, area, heritage).to_string();
    let maiden = family_surname(rng, area, heritage).to_string();
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

    let mut carers = Vec::with_capacity(3);
    let mut add = |rng: &mut ChaCha8Rng, female: bool, surname: &str, relationship, responsible| {
        let name = format!("{} {surname}", heritage.adult_forenames(female).pick(rng));
        carers.push(carer(rng, area.la, name, relationship, responsible));
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
            let step = family_surname(rng, area, heritage).to_string();
            let mothers = if married { &step } else { &maiden };
            add(rng, true, mothers, Relationship::Mother, true);
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
            let fostering = *area.heritage.pick(rng);
            let fosterers = family_surname(rng, area, fostering);
            for female in [true, false].into_iter().take(rng.gen_range(1..=2)) {
                add(rng, female, fosterers, Relationship::FosterCarer, false);
            }
        }
        _ => {
            let female = rng.gen_bool(0.6);
            add(rng, female, &maiden, Relationship::Guardian, true);
        }
    }
    Household {
        carers,
        surname,
        former_surname,
        looked_after,
    }
}

/// A family name of the tradition. In a national demo over half of British families
/// carry one of the long tail of rarer names that a list of common ones leaves out, so
/// Smith is about 1.4% of children, as in England, not 3%, and thousands of names are rare.
fn family_surname(rng: &mut ChaCha8Rng, area: &Area, heritage: &'static Heritage) -> &'static str {
    if area.national && heritage.name == "british" && rng.gen_ratio(55, 100) {
        rare_surnames().pick(rng)
    } else {
        heritage.family_surname(rng)
    }
}

/// Mostly a current address; sometimes only a last known one, none, or gone abroad.
fn whereabouts(rng: &mut ChaCha8Rng, la: &LocalAuthority) -> AddressState {
    let street = places::street_address(rng, la);
    let line = match rng.gen_ratio(1, 12).then(|| rng.gen_range(1..=24)) {
        Some(flat) => format!("Flat {flat}, {}", street.line),
        None => street.line,
    };
    let address = || Address {
        lines: vec![line.clone()],
        town: la.town.to_string(),
        postcode: format!("{}{}", street.district, street.inward)
            .parse()
            .expect("valid postcode"),
    };
    match rng.gen_range(0..1000) {
        0..940 => AddressState::Current { address: address() },
        940..975 => AddressState::LastKnown { address: address() },
        975..988 => AddressState::NoAddressKnown,
        _ => AddressState::LeftEngland {
            intent: match rng.gen_range(0..5) {
                0..2 => ReturnIntent::WillReturn,
                2 => ReturnIntent::WillNotReturn,
                _ => ReturnIntent::Unknown,
            },
        },
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
