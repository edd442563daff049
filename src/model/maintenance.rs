//! What administrators change about a record, and the history they leave.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{FormerName, Gender, NhsNumber};

/// Why an identity was changed: a code, never free text about the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeReason {
    /// A mistake in the record put right.
    Correction,
    /// The child is now known by another name; the old one becomes a former name.
    ChangeOfName,
    /// Newly confirmed details, e.g. an NHS number.
    NewInformation,
}

impl ChangeReason {
    pub const ALL: [ChangeReason; 3] = [
        ChangeReason::Correction,
        ChangeReason::ChangeOfName,
        ChangeReason::NewInformation,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ChangeReason::Correction => "Correction",
            ChangeReason::ChangeOfName => "Change of name",
            ChangeReason::NewInformation => "New information",
        }
    }
}

/// Why a record is shielded or unshielded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShieldReason {
    DomesticViolence,
    WitnessProtection,
    HighProfileFamily,
    /// Unshielding: the reason for shielding no longer applies.
    NoLongerNeeded,
}

impl ShieldReason {
    pub const ALL: [ShieldReason; 4] = [
        ShieldReason::DomesticViolence,
        ShieldReason::WitnessProtection,
        ShieldReason::HighProfileFamily,
        ShieldReason::NoLongerNeeded,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ShieldReason::DomesticViolence => "Domestic violence",
            ShieldReason::WitnessProtection => "Witness protection",
            ShieldReason::HighProfileFamily => "High-profile family",
            ShieldReason::NoLongerNeeded => "No longer needed",
        }
    }
}

/// The identity fields of a record: what an identity edit replaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Identity {
    pub family_name: String,
    pub given_names: String,
    #[serde(default)]
    pub former_names: Vec<FormerName>,
    pub date_of_birth: NaiveDate,
    pub gender: Gender,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub nhs_number: Option<NhsNumber>,
}

/// One identity edit: the version it replaced, who made it, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IdentityHistoryEntry {
    pub previous: Identity,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
    pub why: ChangeReason,
}
