//! Demo protection plans: about one child in 200 on a child protection plan or
//! looked after, some ended within the look-back, and a few unborn child plans
//! held against adult mothers, so the demo emergency-department account sees banners.

use chrono::{Datelike, Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::DEMO_TODAY;
use crate::model::{
    Child, LegalStatus, NhsNumber, OrgKind, Organisation, PlanType, ProtectionPlan, Relationship,
};

/// Separates the plans' random stream from the children's for the same seed.
const STREAM: u64 = 0x706c_616e;

/// Picks plans as the children go by, in order, so seeding can stream.
pub struct DemoPlans<'a> {
    rng: ChaCha8Rng,
    orgs: &'a [Organisation],
    plans: Vec<ProtectionPlan>,
    mothers: u64,
}

impl<'a> DemoPlans<'a> {
    pub fn new(seed: u64, orgs: &'a [Organisation]) -> Self {
        DemoPlans {
            rng: ChaCha8Rng::seed_from_u64(seed ^ STREAM),
            orgs,
            plans: Vec::new(),
            mothers: 0,
        }
    }

    /// Gives the child a plan about one time in 200; about one in ten of those
    /// also puts the child's mother on an unborn child plan.
    pub fn consider(&mut self, child: &Child) {
        let Some(nhs_number) = child.nhs_number.clone() else {
            return;
        };
        if !self.rng.gen_ratio(1, 200) {
            return;
        }
        let (office, night) = self.phones(&child.local_authority);
        let earliest = child
            .date_of_birth
            .max(DEMO_TODAY - Duration::days(4 * 365));
        let span = (DEMO_TODAY - earliest).num_days().max(1);
        let start_date = earliest + Duration::days(self.rng.gen_range(0..span));
        let ended = self.rng.gen_ratio(1, 4) && (DEMO_TODAY - start_date).num_days() > 30;
        let end_date = ended.then(|| {
            let latest = (DEMO_TODAY - start_date).num_days().min(330);
            DEMO_TODAY - Duration::days(self.rng.gen_range(1..latest))
        });
        let (plan_type, legal_status) = if self.rng.gen_ratio(45, 100) {
            let status = match self.rng.gen_range(0..20) {
                0..12 => LegalStatus::S31,
                12..15 => LegalStatus::S38,
                _ => LegalStatus::S20,
            };
            (PlanType::Lac, Some(status))
        } else {
            (PlanType::Cpp, None)
        };
        self.plans.push(ProtectionPlan {
            nhs_number,
            family_name: child.family_name.clone(),
            given_names: child.given_names.clone(),
            date_of_birth: child.date_of_birth,
            plan_type,
            legal_status,
            start_date,
            end_date,
            due_date: None,
            local_authority: child.local_authority.clone(),
            office_hours_phone: office.clone(),
            out_of_hours_phone: night.clone(),
        });
        let mother = child
            .carers
            .iter()
            .find(|c| c.relationship == Relationship::Mother);
        if let (Some(mother), true) = (mother, self.rng.gen_ratio(1, 10)) {
            if let Some(plan) = self.unborn(mother.name.as_str(), child, office, night) {
                self.plans.push(plan);
            }
        }
    }

    /// An unborn child plan for an adult mother, due within the next nine months.
    fn unborn(
        &mut self,
        name: &str,
        child: &Child,
        office: String,
        night: String,
    ) -> Option<ProtectionPlan> {
        let (given, family) = name.rsplit_once(' ')?;
        // Mothers' NHS numbers come from the 998 range, kept apart from the children's.
        let nhs_number = loop {
            self.mothers += 1;
            let n = self.mothers;
            let mut nine = [9, 9, 8, 0, 0, 0, 0, 0, 0];
            for (i, slot) in nine[3..].iter_mut().enumerate() {
                *slot = (n / 10u64.pow(5 - i as u32) % 10) as u8;
            }
            if let Some(number) = NhsNumber::from_nine(nine) {
                break number;
            }
        };
        let born = child.date_of_birth.year() - self.rng.gen_range(20..34);
        let date_of_birth = NaiveDate::from_ymd_opt(born, self.rng.gen_range(1..=12), 1)?;
        Some(ProtectionPlan {
            nhs_number,
            family_name: family.to_string(),
            given_names: given.to_string(),
            date_of_birth,
            plan_type: PlanType::Unborn,
            legal_status: None,
            start_date: DEMO_TODAY - Duration::days(self.rng.gen_range(14..120)),
            end_date: None,
            due_date: Some(DEMO_TODAY + Duration::days(self.rng.gen_range(60..270))),
            local_authority: child.local_authority.clone(),
            office_hours_phone: office,
            out_of_hours_phone: night,
        })
    }

    /// The authority's social care phone, and its emergency duty team's.
    fn phones(&self, local_authority: &str) -> (String, String) {
        let office = self
            .orgs
            .iter()
            .find(|o| o.kind == OrgKind::SocialCare && o.local_authority == local_authority)
            .and_then(|o| o.phone.clone())
            .unwrap_or_else(|| "0300 555 0100".into());
        let night = format!(
            "{} 0600",
            office.rsplit_once(' ').map_or("0300", |(a, _)| a)
        );
        (office, night)
    }

    pub fn finish(self) -> Vec<ProtectionPlan> {
        self.plans
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{children, organisations, DEMO_SEED};

    #[test]
    fn about_one_child_in_200_has_a_plan_some_ended_some_looked_after_a_few_unborn() {
        let orgs = organisations(DEMO_SEED, 40_000);
        let mut plans = DemoPlans::new(DEMO_SEED, &orgs);
        for child in children(DEMO_SEED, 40_000, &orgs) {
            plans.consider(&child);
        }
        let plans = plans.finish();
        let count = |t: PlanType| plans.iter().filter(|p| p.plan_type == t).count();
        let children_on_plans = count(PlanType::Cpp) + count(PlanType::Lac);
        assert!(
            (140..=260).contains(&children_on_plans),
            "{children_on_plans}"
        );
        assert!(count(PlanType::Lac) > 40 && count(PlanType::Cpp) > 60);
        assert!((3..=40).contains(&count(PlanType::Unborn)));
        let ended = plans.iter().filter(|p| p.end_date.is_some()).count();
        assert!(ended > 20 && ended < children_on_plans / 2, "{ended}");
        for p in &plans {
            assert!(p
                .end_date
                .is_none_or(|end| end >= p.start_date && end < DEMO_TODAY));
            if p.plan_type == PlanType::Unborn {
                assert!(
                    DEMO_TODAY.year() - p.date_of_birth.year() >= 18,
                    "an adult mother"
                );
                assert!(p.due_date.is_some_and(|d| d > DEMO_TODAY));
                assert!(p.nhs_number.as_str().starts_with("998"));
            }
            assert_ne!(p.office_hours_phone, p.out_of_hours_phone);
        }
    }
}
