//! The services involved with one child: education, GP and health visiting for most,
//! a few others for some, each with a practitioner, dates and indicators.

use chrono::{Datelike, Days, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::children::Family;
use super::services::{Service, Staff};
use super::DEMO_TODAY;
use crate::model::{ConsentBasis, IndicatorMark, IndicatorMarks, Indicators, Involvement, OrgKind};

/// A service found to be involved, before its practitioner and indicators are drawn.
type Found<'f, 'a> = (&'f Service<'a>, NaiveDate, Option<NaiveDate>);

/// Less common services: (kind, youngest age, chance in a thousand). Social care's
/// chance depends on the family, so it is not here.
const OCCASIONAL: [(OrgKind, u32, u32); 6] = [
    (OrgKind::YouthOffending, 10, 25),
    (OrgKind::Camhs, 5, 30),
    (OrgKind::SexualHealth, 13, 25),
    (OrgKind::SubstanceMisuse, 12, 10),
    (OrgKind::Police, 0, 15),
    (OrgKind::Voluntary, 0, 30),
];

pub(super) fn involvements(
    rng: &mut ChaCha8Rng,
    family: &Family,
    dob: NaiveDate,
    full_name: &str,
) -> Vec<Involvement> {
    let age = DEMO_TODAY.years_since(dob).unwrap_or(0);
    let mut found: Vec<Found> = Vec::new();
    found.extend(education(rng, family, dob));
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
            let new_birth_visit = dob + Days::new(rng.gen_range(10..15));
            found.push((hv, new_birth_visit.min(DEMO_TODAY), None));
        }
    }
    let social_care = match (family.looked_after, family.shielded) {
        (true, _) => 1000,
        (false, true) => 500,
        (false, false) => 40,
    };
    for (kind, min_age, chance) in [(OrgKind::SocialCare, 0, social_care)]
        .into_iter()
        .chain(OCCASIONAL)
    {
        if age >= min_age && rng.gen_ratio(chance, 1000) {
            found.extend(occasional(rng, family, kind, years_after(dob, min_age)));
        }
    }

    let mut involvements: Vec<(Involvement, &Staff)> = found
        .into_iter()
        .map(|(service, start, end)| {
            let kind = service.org.kind;
            let consent = kind
                .is_sensitive()
                .then(|| consent(rng, family, age, full_name, start));
            involvement(rng, service, start, end, consent)
        })
        .collect();
    appoint_lead_professional(rng, &mut involvements);
    involvements.into_iter().map(|(i, _)| i).collect()
}

/// The nursery, primary or secondary school for the child's school age (the age on
/// 31 August, since school years start on 1 September).
fn education<'f, 'a>(
    rng: &mut ChaCha8Rng,
    family: &Family<'f, 'a>,
    dob: NaiveDate,
) -> Option<Found<'f, 'a>> {
    let school_age = (DEMO_TODAY - Days::new(1)).years_since(dob).unwrap_or(0);
    let reception_year = dob.year() + if dob.month() < 9 { 4 } else { 5 };
    let reception = NaiveDate::from_ymd_opt(reception_year, 9, 1).expect("1 September exists");
    let (setting, start) = match school_age {
        2..=3 if rng.gen_ratio(4, 5) => {
            let start = between(rng, years_after(dob, 2), DEMO_TODAY);
            (family.early_years?, start)
        }
        4..=10 if rng.gen_ratio(97, 100) => (family.primary?, settled(rng, reception)),
        // Most stay on into the sixth form at 16 and 17.
        11..=17 if rng.gen_ratio(if school_age <= 15 { 97 } else { 75 }, 100) => {
            (family.secondary?, settled(rng, years_after(reception, 7)))
        }
        _ => return None,
    };
    Some((setting, start, None))
}

/// A service that becomes involved at some point in the last three years, and has
/// sometimes finished. Looked-after children's social care never finishes.
fn occasional<'f, 'a>(
    rng: &mut ChaCha8Rng,
    family: &Family<'f, 'a>,
    kind: OrgKind,
    old_enough: NaiveDate,
) -> Option<Found<'f, 'a>> {
    let service = family.service(rng, kind)?;
    let start = between(
        rng,
        old_enough.max(DEMO_TODAY - Days::new(3 * 365)),
        DEMO_TODAY,
    );
    let may_end = !(kind == OrgKind::SocialCare && family.looked_after) && start < DEMO_TODAY;
    let end =
        (may_end && rng.gen_ratio(1, 5)).then(|| between(rng, start + Days::new(1), DEMO_TODAY));
    Some((service, start, end))
}

/// At most one lead professional per child, on a current involvement: most often the
/// social worker where there is one. Appointing one goes with a completed CAF.
fn appoint_lead_professional(rng: &mut ChaCha8Rng, involvements: &mut [(Involvement, &Staff)]) {
    let current: Vec<usize> = (0..involvements.len())
        .filter(|&i| involvements[i].0.end_date.is_none())
        .collect();
    let social_worker = current
        .iter()
        .copied()
        .find(|&i| involvements[i].0.organisation.kind == OrgKind::SocialCare);
    let chance = if social_worker.is_some() { 300 } else { 30 };
    if current.is_empty() || !rng.gen_ratio(chance, 1000) {
        return;
    }
    let lead = social_worker.unwrap_or_else(|| current[rng.gen_range(0..current.len())]);
    let (involvement, staff) = &mut involvements[lead];
    let set = mark(rng, staff, involvement.start_date, DEMO_TODAY);
    involvement.indicators.lead_professional = true;
    involvement.indicators.caf_completed = true;
    involvement
        .marks
        .caf_completed
        .get_or_insert_with(|| set.clone());
    involvement.marks.lead_professional = Some(set);
}

impl<'g, 'a> Family<'g, 'a> {
    fn service(&self, rng: &mut ChaCha8Rng, kind: OrgKind) -> Option<&'g Service<'a>> {
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
