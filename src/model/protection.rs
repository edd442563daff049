//! CP-IS: child protection plans, the window in which a flag shows, and
//! attendances at unscheduled care. Keyed on the subject's NHS number.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::NhsNumber;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanType {
    /// Child protection plan.
    Cpp,
    /// Looked-after child, with a legal status.
    Lac,
    /// Unborn child protection plan, held against the pregnant woman.
    Unborn,
}

impl PlanType {
    pub const ALL: [PlanType; 3] = [PlanType::Cpp, PlanType::Lac, PlanType::Unborn];

    pub fn code(self) -> &'static str {
        match self {
            PlanType::Cpp => "cpp",
            PlanType::Lac => "lac",
            PlanType::Unborn => "unborn",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        let code = code.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The banner text: words, so it reads the same without colour.
    pub fn banner(self) -> &'static str {
        match self {
            PlanType::Cpp => "CHILD PROTECTION PLAN",
            PlanType::Lac => "LOOKED AFTER",
            PlanType::Unborn => "UNBORN CHILD PLAN",
        }
    }
}

/// The legal basis on which a child is looked after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LegalStatus {
    /// s.31 Children Act 1989 care order.
    S31,
    /// s.38 interim care order.
    S38,
    /// s.20 voluntary accommodation.
    S20,
}

impl LegalStatus {
    pub const ALL: [LegalStatus; 3] = [LegalStatus::S31, LegalStatus::S38, LegalStatus::S20];

    pub fn code(self) -> &'static str {
        match self {
            LegalStatus::S31 => "s31",
            LegalStatus::S38 => "s38",
            LegalStatus::S20 => "s20",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        let code: String = code
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            LegalStatus::S31 => "s.31 care order",
            LegalStatus::S38 => "s.38 interim care order",
            LegalStatus::S20 => "s.20 voluntary",
        }
    }
}

/// One plan as an authority's feed states it, with the subject's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectionPlan {
    pub nhs_number: NhsNumber,
    pub family_name: String,
    pub given_names: String,
    pub date_of_birth: NaiveDate,
    pub plan_type: PlanType,
    pub legal_status: Option<LegalStatus>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    /// Expected due date, for an unborn child plan.
    pub due_date: Option<NaiveDate>,
    /// Code of the responsible local authority.
    pub local_authority: String,
    pub office_hours_phone: String,
    pub out_of_hours_phone: String,
}

/// How long after a plan ends its flag still shows, and after a due date an unborn plan's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisibilityWindow {
    pub look_back_days: i64,
    pub after_due_days: i64,
}

impl Default for VisibilityWindow {
    fn default() -> Self {
        VisibilityWindow {
            look_back_days: 365,
            after_due_days: 28,
        }
    }
}

impl VisibilityWindow {
    /// Shown once started, while active, and up to `look_back_days` after it ends
    /// (day 365 shows, day 366 does not); an unborn plan also stops
    /// `after_due_days` after the due date.
    pub fn shows(&self, plan: &ProtectionPlan, today: NaiveDate) -> bool {
        if plan.start_date > today {
            return false;
        }
        if let Some(end) = plan.end_date {
            if today > end + Duration::days(self.look_back_days) {
                return false;
            }
        }
        match (plan.plan_type, plan.due_date) {
            (PlanType::Unborn, Some(due)) => today <= due + Duration::days(self.after_due_days),
            _ => true,
        }
    }
}

/// Where an attendance happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CareSetting {
    EmergencyDepartment,
    WalkInCentre,
    MinorInjuryUnit,
    GpOutOfHours,
    Ambulance,
    Maternity,
    PaediatricWard,
}

impl CareSetting {
    pub fn label(self) -> &'static str {
        match self {
            CareSetting::EmergencyDepartment => "Emergency department",
            CareSetting::WalkInCentre => "Walk-in centre",
            CareSetting::MinorInjuryUnit => "Minor injury unit",
            CareSetting::GpOutOfHours => "GP out-of-hours",
            CareSetting::Ambulance => "Ambulance service",
            CareSetting::Maternity => "Maternity unit",
            CareSetting::PaediatricWard => "Paediatric ward",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlagAccessKind {
    /// Opened at booking-in: an attendance, and the authority is notified.
    Attendance,
    /// Viewed without notifying (scheduled care, or the authority itself).
    SilentView,
    /// Seen on an opened record.
    RecordView,
}

/// Someone saw a subject's flag: who, from where, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FlagAccess {
    pub kind: FlagAccessKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<CareSetting>,
    pub at: DateTime<Utc>,
    pub username: String,
    pub user_name: String,
    pub organisation: String,
    pub organisation_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(kind: PlanType, end: Option<&str>, due: Option<&str>) -> ProtectionPlan {
        ProtectionPlan {
            nhs_number: "9434765919".parse().unwrap(),
            family_name: "Smith".into(),
            given_names: "Amelia".into(),
            date_of_birth: "2015-03-04".parse().unwrap(),
            plan_type: kind,
            legal_status: None,
            start_date: "2024-01-01".parse().unwrap(),
            end_date: end.map(|d| d.parse().unwrap()),
            due_date: due.map(|d| d.parse().unwrap()),
            local_authority: "383".into(),
            office_hours_phone: "0113 222 4403".into(),
            out_of_hours_phone: "0113 535 0600".into(),
        }
    }

    #[test]
    fn an_ended_plan_shows_for_365_days_and_an_unborn_plan_28_days_past_due() {
        let w = VisibilityWindow::default();
        let ended = plan(PlanType::Cpp, Some("2025-01-01"), None);
        let day = |d: &str| d.parse::<NaiveDate>().unwrap();
        assert!(w.shows(&ended, day("2026-01-01")), "day 365");
        assert!(!w.shows(&ended, day("2026-01-02")), "day 366");
        let unborn = plan(PlanType::Unborn, None, Some("2026-03-01"));
        assert!(w.shows(&unborn, day("2026-03-29")), "due + 28");
        assert!(!w.shows(&unborn, day("2026-03-30")), "due + 29");
        assert!(!w.shows(&plan(PlanType::Cpp, None, None), day("2023-12-31")));
    }

    #[test]
    fn codes_are_forgiving_of_case_and_punctuation() {
        assert_eq!(PlanType::from_code(" LAC "), Some(PlanType::Lac));
        assert_eq!(LegalStatus::from_code("s.31"), Some(LegalStatus::S31));
        assert_eq!(PlanType::from_code("cp"), None);
    }
}
