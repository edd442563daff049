//! The demo region: local authorities with their real postcode districts, and streets.
//!
//! Demos of up to `REGIONAL_MAX` children are the five authorities below; larger ones
//! add the rest of England from `assets/places/authorities.txt`, so that a national
//! directory spreads over some 1,700 postcode districts as the real one does, rather
//! than piling 100,000 children into each district of five cities.

use std::sync::OnceLock;

use rand::Rng;

/// The largest demo that is the five-authority region (and so unchanged by the national
/// authorities: demo logins, tests and banners rely on it).
pub(super) const REGIONAL_MAX: usize = 200_000;

/// A local authority of the demo region and what makes its children's records look local.
pub(super) struct LocalAuthority {
    /// The DfE local-authority code, e.g. "383" for Leeds.
    pub(super) code: &'static str,
    pub(super) name: &'static str,
    pub(super) town: &'static str,
    /// Postcode districts (outward codes) in the authority's area.
    pub(super) districts: &'static [&'static str],
    /// Neighbourhoods, for naming schools and practices.
    pub(super) localities: &'static [&'static str],
    /// An Ofcom drama-range landline prefix: the number is completed with three digits.
    pub(super) landline: &'static str,
    /// Relative number of children living there, in the five-authority region.
    pub(super) share: u64,
    /// Children under 18 living there, in thousands (roughly): the weight in a national demo.
    pub(super) children_thousands: u64,
    /// First digits of school URNs and GP practice ODS codes.
    pub(super) urn_prefix: &'static str,
    pub(super) ods_prefix: &'static str,
    pub(super) police: &'static str,
    pub(super) ambulance: &'static str,
    /// Heritage groups of `assets/names` and their relative share of families.
    pub(super) heritage_mix: &'static [(&'static str, u64)],
}

pub(super) const LOCAL_AUTHORITIES: &[LocalAuthority] = &[
    LocalAuthority {
        code: "383",
        name: "Leeds",
        town: "Leeds",
        districts: &[
            "LS1", "LS2", "LS3", "LS4", "LS5", "LS6", "LS7", "LS8", "LS9", "LS10", "LS11", "LS12",
            "LS13", "LS14", "LS15", "LS16", "LS17", "LS18", "LS19", "LS20", "LS21", "LS22", "LS23",
            "LS24", "LS25", "LS26", "LS27", "LS28", "LS29",
        ],
        localities: &[
            "Headingley",
            "Chapel Allerton",
            "Roundhay",
            "Armley",
            "Beeston",
            "Bramley",
            "Horsforth",
            "Kirkstall",
            "Harehills",
            "Seacroft",
            "Moortown",
            "Meanwood",
            "Pudsey",
            "Morley",
            "Rothwell",
            "Garforth",
            "Otley",
            "Wetherby",
            "Crossgates",
            "Halton",
            "Holbeck",
            "Hunslet",
            "Farsley",
            "Guiseley",
            "Yeadon",
            "Alwoodley",
            "Gipton",
            "Middleton",
            "Belle Isle",
            "Burmantofts",
        ],
        landline: "0113 496 0",
        share: 28,
        children_thousands: 175,
        urn_prefix: "107",
        ods_prefix: "B86",
        police: "West Yorkshire Police",
        ambulance: "Yorkshire Ambulance Service",
        heritage_mix: &[
            ("british", 780),
            ("irish", 40),
            ("south_asian", 50),
            ("indian", 15),
            ("sikh", 10),
            ("polish", 30),
            ("nigerian", 30),
            ("somali", 10),
            ("chinese", 15),
            ("romanian", 15),
            ("turkish", 5),
        ],
    },
    LocalAuthority {
        code: "380",
        name: "Bradford",
        town: "Bradford",
        districts: &[
            "BD1", "BD2", "BD3", "BD4", "BD5", "BD6", "BD7", "BD8", "BD9", "BD10", "BD11", "BD12",
            "BD13", "BD14", "BD15", "BD16", "BD17", "BD18", "BD19", "BD20", "BD21", "BD22",
        ],
        localities: &[
            "Manningham",
            "Heaton",
            "Shipley",
            "Keighley",
            "Bingley",
            "Ilkley",
            "Thornton",
            "Idle",
            "Eccleshill",
            "Allerton",
            "Wibsey",
            "Bowling",
            "Girlington",
            "Frizinghall",
            "Wyke",
            "Queensbury",
            "Baildon",
            "Saltaire",
            "Undercliffe",
            "Great Horton",
            "Little Horton",
            "Thornbury",
            "Haworth",
            "Clayton",
            "Tong",
        ],
        landline: "01632 960",
        share: 20,
        children_thousands: 135,
        urn_prefix: "106",
        ods_prefix: "B83",
        police: "West Yorkshire Police",
        ambulance: "Yorkshire Ambulance Service",
        heritage_mix: &[
            ("british", 560),
            ("irish", 25),
            ("south_asian", 330),
            ("indian", 10),
            ("sikh", 15),
            ("polish", 25),
            ("nigerian", 10),
            ("somali", 5),
            ("chinese", 5),
            ("romanian", 15),
            ("turkish", 5),
        ],
    },
    LocalAuthority {
        code: "352",
        name: "Manchester",
        town: "Manchester",
        districts: &[
            "M1", "M2", "M4", "M8", "M9", "M11", "M12", "M13", "M14", "M15", "M16", "M18", "M19",
            "M20", "M21", "M22", "M23", "M40",
        ],
        localities: &[
            "Ancoats",
            "Ardwick",
            "Blackley",
            "Burnage",
            "Cheetham Hill",
            "Chorlton",
            "Crumpsall",
            "Didsbury",
            "Fallowfield",
            "Gorton",
            "Harpurhey",
            "Hulme",
            "Levenshulme",
            "Longsight",
            "Moss Side",
            "Moston",
            "Newton Heath",
            "Openshaw",
            "Rusholme",
            "Withington",
            "Wythenshawe",
            "Baguley",
            "Northenden",
            "Beswick",
            "Miles Platting",
        ],
        landline: "0161 496 0",
        share: 22,
        children_thousands: 125,
        urn_prefix: "105",
        ods_prefix: "P84",
        police: "Greater Manchester Police",
        ambulance: "North West Ambulance Service",
        heritage_mix: &[
            ("british", 560),
            ("irish", 50),
            ("south_asian", 170),
            ("indian", 20),
            ("sikh", 10),
            ("polish", 30),
            ("nigerian", 60),
            ("somali", 40),
            ("chinese", 30),
            ("romanian", 20),
            ("turkish", 10),
        ],
    },
    LocalAuthority {
        code: "204",
        name: "Hackney",
        town: "London",
        districts: &["E2", "E5", "E8", "E9", "N1", "N4", "N16"],
        localities: &[
            "Dalston",
            "Clapton",
            "Homerton",
            "Stoke Newington",
            "Shoreditch",
            "Hoxton",
            "De Beauvoir",
            "Haggerston",
            "Stamford Hill",
            "Hackney Wick",
            "Hackney Downs",
            "Lower Clapton",
            "Upper Clapton",
            "London Fields",
            "Kingsland",
            "Woodberry Down",
        ],
        landline: "020 7946 0",
        share: 12,
        children_thousands: 60,
        urn_prefix: "100",
        ods_prefix: "F84",
        police: "Metropolitan Police Service",
        ambulance: "London Ambulance Service",
        heritage_mix: &[
            ("british", 430),
            ("irish", 50),
            ("south_asian", 60),
            ("indian", 20),
            ("sikh", 10),
            ("polish", 40),
            ("nigerian", 150),
            ("somali", 40),
            ("chinese", 30),
            ("romanian", 40),
            ("turkish", 130),
        ],
    },
    LocalAuthority {
        code: "801",
        name: "Bristol",
        town: "Bristol",
        districts: &[
            "BS1", "BS2", "BS3", "BS4", "BS5", "BS6", "BS7", "BS8", "BS9", "BS10", "BS11", "BS13",
            "BS14", "BS15", "BS16",
        ],
        localities: &[
            "Bedminster",
            "Southville",
            "Clifton",
            "Redland",
            "Cotham",
            "Easton",
            "St Pauls",
            "Bishopston",
            "Horfield",
            "Henleaze",
            "Westbury-on-Trym",
            "Southmead",
            "Lawrence Weston",
            "Avonmouth",
            "Hartcliffe",
            "Withywood",
            "Knowle",
            "Brislington",
            "Fishponds",
            "Eastville",
            "Kingswood",
            "Stapleton",
            "Lockleaze",
            "Hengrove",
            "Whitchurch",
        ],
        landline: "0117 496 0",
        share: 18,
        children_thousands: 95,
        urn_prefix: "109",
        ods_prefix: "L81",
        police: "Avon and Somerset Police",
        ambulance: "South Western Ambulance Service",
        heritage_mix: &[
            ("british", 780),
            ("irish", 30),
            ("south_asian", 40),
            ("indian", 12),
            ("sikh", 8),
            ("polish", 40),
            ("nigerian", 15),
            ("somali", 40),
            ("chinese", 15),
            ("romanian", 15),
            ("turkish", 5),
        ],
    },
];

pub(super) fn local_authority(code: &str) -> Option<&'static LocalAuthority> {
    LOCAL_AUTHORITIES
        .iter()
        .chain(national_authorities())
        .find(|la| la.code == code)
}

/// The authorities of a demo of `children`: the region, and for a larger demo the nation.
pub(super) fn authorities(children: usize) -> Vec<&'static LocalAuthority> {
    let national: &[LocalAuthority] = if children > REGIONAL_MAX {
        national_authorities()
    } else {
        &[]
    };
    LOCAL_AUTHORITIES.iter().chain(national).collect()
}

/// Whether an authority belongs only to national demos.
pub(super) fn is_national(code: &str) -> bool {
    !LOCAL_AUTHORITIES.iter().any(|la| la.code == code)
}

impl LocalAuthority {
    /// How many children live here relative to the other authorities of the demo.
    pub(super) fn weight(&self, national: bool) -> u64 {
        if national {
            self.children_thousands
        } else {
            self.share
        }
    }
}

const NATIONAL: &str = include_str!("../../assets/places/authorities.txt");

/// First letters of the national authorities' GP practice codes: none of the region's.
const ODS_LETTERS: &[u8] = b"ACDGHJKMNY";

/// The authorities of `assets/places/authorities.txt`, parsed once. School URN and
/// practice code prefixes are numbered in file order, clear of the region's.
pub(super) fn national_authorities() -> &'static [LocalAuthority] {
    static NATIONAL_AUTHORITIES: OnceLock<Vec<LocalAuthority>> = OnceLock::new();
    NATIONAL_AUTHORITIES.get_or_init(|| parse_authorities(NATIONAL))
}

fn parse_authorities(text: &'static str) -> Vec<LocalAuthority> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let mut mixes: Vec<(&'static str, &'static [(&'static str, u64)])> = Vec::new();
    let mut authorities = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(mix) = line.strip_prefix("mix ") {
            let (name, groups) = mix
                .split_once(':')
                .unwrap_or_else(|| panic!("authorities.txt: bad mix {line:?}"));
            let groups: Vec<(&'static str, u64)> = groups
                .split(',')
                .map(|g| {
                    let (group, weight) = g.trim().rsplit_once(' ').expect("group weight");
                    (group, weight.parse().expect("a weight"))
                })
                .collect();
            mixes.push((name.trim(), Vec::leak(groups)));
            continue;
        }
        let fields: Vec<&'static str> = line.split('|').map(str::trim).collect();
        let [code, name, town, thousands, police, ambulance, landline, mix, districts, localities] =
            fields[..]
        else {
            panic!("authorities.txt: expected 10 fields in {line:?}")
        };
        let i = authorities.len();
        let districts: Vec<&'static str> = districts
            .split_whitespace()
            .flat_map(expand_districts)
            .map(leak)
            .collect();
        authorities.push(LocalAuthority {
            code,
            name,
            town,
            districts: Vec::leak(districts),
            localities: Vec::leak(localities.split(',').map(str::trim).collect()),
            landline,
            share: 0,
            children_thousands: thousands.parse().expect("thousands of children"),
            urn_prefix: leak((110 + i).to_string()),
            ods_prefix: leak(format!("{}{}", ODS_LETTERS[i / 70] as char, 10 + i % 70)),
            police,
            ambulance,
            heritage_mix: mixes
                .iter()
                .find(|(m, _)| *m == mix)
                .unwrap_or_else(|| panic!("authorities.txt: no mix {mix:?}"))
                .1,
        });
    }
    authorities
}

/// `B1-21` is B1 to B21; anything else is one district.
fn expand_districts(spec: &str) -> Vec<String> {
    let letters: String = spec.chars().take_while(char::is_ascii_alphabetic).collect();
    match spec[letters.len()..].split_once('-') {
        Some((from, to)) => {
            let (from, to): (u32, u32) = (
                from.parse().expect("district range start"),
                to.parse().expect("district range end"),
            );
            (from..=to).map(|n| format!("{letters}{n}")).collect()
        }
        None => vec![spec.to_string()],
    }
}

const STREET_NAMES: &[&str] = &[
    "Station",
    "Church",
    "Victoria",
    "Park",
    "Mill",
    "Queen's",
    "King's",
    "Manor",
    "Chapel",
    "School",
    "Albert",
    "Grange",
    "Green",
    "Beech",
    "Oak",
    "Elm",
    "Ash",
    "Sycamore",
    "Willow",
    "Cedar",
    "Springfield",
    "Highfield",
    "Westfield",
    "Moor",
    "Hall",
    "Cross",
    "New",
    "North",
    "South",
    "West",
    "East",
    "Meadow",
    "Orchard",
    "Windsor",
    "York",
    "Alexandra",
    "Stanley",
    "Cavendish",
    "Clarendon",
    "Woodland",
    "Hollin",
    "Cardigan",
    "Harehills",
    "Derwent",
    "Nelson",
    "Wellington",
    "Market",
    "Bridge",
    "Brook",
    "Valley",
    "Greenwood",
    "Fairfield",
    "Ashfield",
    "Rosebery",
    "Salisbury",
    "Osborne",
    "Tennyson",
    "Byron",
    "Shelley",
    "Milton",
    "Chaucer",
    "Brunswick",
    "Lime",
    "Poplar",
    "Hawthorn",
    "Rowan",
    "Holly",
    "Laburnum",
    "Marlborough",
    "Belmont",
    "Clifton",
    "Thornhill",
    "Ravenscar",
    "Kirkdale",
    "Castle",
];

const STREET_KINDS: &[&str] = &[
    "Road", "Street", "Lane", "Avenue", "Close", "Crescent", "Grove", "Terrace", "Drive", "Way",
    "Gardens", "Place", "Mount", "View", "Court",
];

/// The letters a real inward code uses (never C, I, K, M, O or V).
const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// Streets per district: enough variety without every family living on its own street.
const STREETS_PER_DISTRICT: u64 = 120;

/// A postal address in a district. A street keeps its name and postcodes wherever it is
/// used, so neighbours genuinely share a postcode.
pub(super) struct StreetAddress {
    pub(super) line: String,
    pub(super) district: &'static str,
    pub(super) inward: String,
}

pub(super) fn street_address<R: Rng>(rng: &mut R, la: &LocalAuthority) -> StreetAddress {
    let district = la.districts[rng.gen_range(0..la.districts.len())];
    let street = rng.gen_range(0..STREETS_PER_DISTRICT);
    let house = rng.gen_range(1..=160u64);
    let key = mix(mix(fnv(district)) ^ street);
    let name = STREET_NAMES[(key % STREET_NAMES.len() as u64) as usize];
    let kind = STREET_KINDS[((key >> 16) % STREET_KINDS.len() as u64) as usize];
    // A postcode covers about 20 houses of one street.
    let unit = mix(key ^ (house / 20));
    let letter = |shift: u32| INWARD_LETTERS[((unit >> shift) % 20) as usize] as char;
    let inward = format!("{}{}{}", (unit >> 8) % 10, letter(16), letter(24));
    let line = if rng.gen_ratio(1, 12) {
        format!("Flat {}, {house} {name} {kind}", rng.gen_range(1..=24))
    } else {
        format!("{house} {name} {kind}")
    };
    StreetAddress {
        line,
        district,
        inward,
    }
}

/// A landline in the authority's drama range.
pub(super) fn landline<R: Rng>(rng: &mut R, la: &LocalAuthority) -> String {
    format!("{}{:03}", la.landline, rng.gen_range(0..1000))
}

/// A mobile in Ofcom's drama range 07700 900000-900999.
pub(super) fn mobile<R: Rng>(rng: &mut R) -> String {
    format!("07700 900{:03}", rng.gen_range(0..1000))
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// SplitMix64's finaliser: a cheap, well-spread hash of a number.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Postcode;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn generated_postcodes_parse_and_stay_in_the_authority() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for la in LOCAL_AUTHORITIES.iter().chain(national_authorities()) {
            for _ in 0..500 {
                let address = street_address(&mut rng, la);
                let postcode: Postcode = format!("{}{}", address.district, address.inward)
                    .parse()
                    .unwrap();
                assert!(la.districts.contains(&postcode.district()), "{postcode}");
            }
        }
    }

    #[test]
    fn heritage_mixes_name_known_groups() {
        for la in LOCAL_AUTHORITIES.iter().chain(national_authorities()) {
            for (group, _) in la.heritage_mix {
                super::super::names::heritage(group);
            }
        }
    }

    #[test]
    fn the_nation_has_every_authority_once_and_each_district_once() {
        let all: Vec<_> = LOCAL_AUTHORITIES
            .iter()
            .chain(national_authorities())
            .collect();
        assert!(all.len() >= 140, "{}", all.len());
        let unique = |key: fn(&LocalAuthority) -> &str| {
            let mut keys: Vec<_> = all.iter().map(|la| key(la)).collect();
            keys.sort_unstable();
            keys.dedup();
            keys.len() == all.len()
        };
        assert!(unique(|la| la.code));
        assert!(unique(|la| la.name));
        assert!(unique(|la| la.urn_prefix));
        assert!(unique(|la| la.ods_prefix));
        let mut districts: Vec<&str> = all.iter().flat_map(|la| la.districts.to_vec()).collect();
        let listed = districts.len();
        districts.sort_unstable();
        districts.dedup();
        assert_eq!(
            districts.len(),
            listed,
            "a district listed under two authorities"
        );
        assert!(listed >= 1_600, "{listed}");
        for la in &all {
            assert!(la.localities.len() >= 10, "{}", la.name);
            assert!(la.children_thousands > 0 && la.urn_prefix.len() == 3);
        }
    }

    #[test]
    fn district_ranges_expand() {
        assert_eq!(expand_districts("B1-3"), ["B1", "B2", "B3"]);
        assert_eq!(expand_districts("E1W"), ["E1W"]);
        assert_eq!(expand_districts("SS0-1"), ["SS0", "SS1"]);
    }

    #[test]
    fn small_demos_are_the_region_and_large_ones_the_nation() {
        assert_eq!(authorities(REGIONAL_MAX).len(), LOCAL_AUTHORITIES.len());
        assert!(authorities(REGIONAL_MAX + 1).len() > 100);
        assert!(!is_national("383") && is_national("330"));
    }
}
