//! Organisations and their involvement with a child: who is working with them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    School,
    EarlyYears,
    GpPractice,
    HealthVisiting,
    SocialCare,
    /// The local authority's directory team: brokers contact for sensitive services and shielded records.
    DirectoryTeam,
    YouthOffending,
    Camhs,
    SexualHealth,
    SubstanceMisuse,
    Hospital,
    WalkInCentre,
    Ambulance,
    Maternity,
    Police,
    Voluntary,
}

impl OrgKind {
    /// Mental health, sexual health and substance misuse services: recorded only with a
    /// consent basis, and their details shown only to their own staff.
    pub fn is_sensitive(self) -> bool {
        matches!(
            self,
            OrgKind::Camhs | OrgKind::SexualHealth | OrgKind::SubstanceMisuse
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::School => "School",
            OrgKind::EarlyYears => "Early years",
            OrgKind::GpPractice => "GP practice",
            OrgKind::HealthVisiting => "Health visiting",
            OrgKind::SocialCare => "Children's social care",
            OrgKind::DirectoryTeam => "Directory team",
            OrgKind::YouthOffending => "Youth offending team",
            OrgKind::Camhs => "CAMHS",
            OrgKind::SexualHealth => "Sexual health",
            OrgKind::SubstanceMisuse => "Substance misuse",
            OrgKind::Hospital => "Hospital",
            OrgKind::WalkInCentre => "Walk-in centre",
            OrgKind::Ambulance => "Ambulance service",
            OrgKind::Maternity => "Maternity unit",
            OrgKind::Police => "Police",
            OrgKind::Voluntary => "Voluntary organisation",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Organisation {
    /// A school URN, GP practice ODS code or local-authority code.
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// The local authority whose area the organisation is in.
    pub local_authority: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Practitioner {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Why a sensitive service's involvement may be recorded at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum ConsentBasis {
    Consent {
        given_by: String,
        given_on: NaiveDate,
    },
    SignificantHarm,
}

/// The four flags a service sets on its involvement. Never case notes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Indicators {
    pub has_information: bool,
    pub taking_action: bool,
    pub caf_completed: bool,
    pub lead_professional: bool,
}

/// Who last set an indicator, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IndicatorMark {
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IndicatorMarks {
    pub has_information: Option<IndicatorMark>,
    pub taking_action: Option<IndicatorMark>,
    pub caf_completed: Option<IndicatorMark>,
    pub lead_professional: Option<IndicatorMark>,
}

impl IndicatorMarks {
    /// Records `mark` as who set or cleared each indicator that differs between
    /// `before` and `after`; the others keep their earlier mark.
    pub fn stamp_changes(&mut self, before: &Indicators, after: &Indicators, mark: &IndicatorMark) {
        for (changed, slot) in [
            (
                before.has_information != after.has_information,
                &mut self.has_information,
            ),
            (
                before.taking_action != after.taking_action,
                &mut self.taking_action,
            ),
            (
                before.caf_completed != after.caf_completed,
                &mut self.caf_completed,
            ),
            (
                before.lead_professional != after.lead_professional,
                &mut self.lead_professional,
            ),
        ] {
            if changed {
                *slot = Some(mark.clone());
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Involvement {
    pub id: i64,
    pub organisation: Organisation,
    pub practitioner: Option<Practitioner>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub consent: Option<ConsentBasis>,
    pub indicators: Indicators,
    pub marks: IndicatorMarks,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_indicators_get_the_new_mark() {
        let old = IndicatorMark {
            set_by: "a".into(),
            set_at: "2026-01-01T00:00:00Z".parse().unwrap(),
        };
        let new = IndicatorMark {
            set_by: "b".into(),
            set_at: "2026-02-01T00:00:00Z".parse().unwrap(),
        };
        let mut marks = IndicatorMarks {
            taking_action: Some(old.clone()),
            ..Default::default()
        };
        let before = Indicators {
            taking_action: true,
            ..Default::default()
        };
        let after = Indicators {
            has_information: true,
            taking_action: true,
            ..Default::default()
        };
        marks.stamp_changes(&before, &after, &new);
        assert_eq!(marks.has_information, Some(new));
        assert_eq!(marks.taking_action, Some(old));
        assert_eq!((marks.caf_completed, marks.lead_professional), (None, None));
    }
}
