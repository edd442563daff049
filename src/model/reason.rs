use serde::{Deserialize, Serialize};

/// Why a user opens a record. Stated before every read and kept in the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    Safeguarding,
    CoordinatingServices,
    ContactingPractitioner,
    UnscheduledCareAttendance,
    RecordMaintenance,
    /// Needs a free-text explanation.
    Other,
}

impl ReasonCode {
    pub const ALL: [ReasonCode; 6] = [
        ReasonCode::Safeguarding,
        ReasonCode::CoordinatingServices,
        ReasonCode::ContactingPractitioner,
        ReasonCode::UnscheduledCareAttendance,
        ReasonCode::RecordMaintenance,
        ReasonCode::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReasonCode::Safeguarding => "safeguarding",
            ReasonCode::CoordinatingServices => "coordinating_services",
            ReasonCode::ContactingPractitioner => "contacting_practitioner",
            ReasonCode::UnscheduledCareAttendance => "unscheduled_care_attendance",
            ReasonCode::RecordMaintenance => "record_maintenance",
            ReasonCode::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReasonCode::Safeguarding => "Safeguarding concern",
            ReasonCode::CoordinatingServices => "Coordinating services for the child",
            ReasonCode::ContactingPractitioner => "Contacting another practitioner",
            ReasonCode::UnscheduledCareAttendance => "Attendance at unscheduled care",
            ReasonCode::RecordMaintenance => "Maintaining the record",
            ReasonCode::Other => "Other (explain)",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}
