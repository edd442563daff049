//! Wire types for changing the directory: indicators, involvements, records,
//! shielding, duplicates and merges.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{
    AddressState, ChangeReason, ConsentBasis, Gender, Identity, IdentityHistoryEntry, Indicators,
    Organisation, Practitioner, ReasonCode, Relationship, ShieldReason,
};

/// `PUT /api/v1/involvements/{id}/indicators`: all four values, and the version they were based on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IndicatorUpdate {
    pub has_information: bool,
    pub taking_action: bool,
    pub caf_completed: bool,
    pub lead_professional: bool,
    pub version: i64,
    /// Confirms moving lead professional from the involvement that holds it now.
    #[serde(default)]
    pub move_lead: bool,
}

impl IndicatorUpdate {
    pub fn new(indicators: Indicators, version: i64) -> Self {
        IndicatorUpdate {
            has_information: indicators.has_information,
            taking_action: indicators.taking_action,
            caf_completed: indicators.caf_completed,
            lead_professional: indicators.lead_professional,
            version,
            move_lead: false,
        }
    }

    pub fn indicators(&self) -> Indicators {
        Indicators {
            has_information: self.has_information,
            taking_action: self.taking_action,
            caf_completed: self.caf_completed,
            lead_professional: self.lead_professional,
        }
    }
}

/// `POST /api/v1/children/{id}/involvements`. Practitioners add their own
/// organisation; administrators name any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewInvolvement {
    /// Organisation code; the caller's own when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    pub practitioner: Practitioner,
    pub start_date: NaiveDate,
    /// Required for sexual health, mental health and substance misuse services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentBasis>,
}

/// `PUT /api/v1/involvements/{id}`: practitioner, dates and consent; an end date ends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvolvementUpdate {
    pub practitioner: Practitioner,
    pub start_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentBasis>,
    pub version: i64,
}

/// `POST /api/v1/children`: a new record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewChild {
    #[serde(flatten)]
    pub identity: Identity,
    pub address: AddressState,
    /// Code of the responsible authority; an `la_admin`'s own when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_authority: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Created {
    pub id: String,
}

/// `PUT /api/v1/children/{id}/identity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IdentityUpdate {
    #[serde(flatten)]
    pub identity: Identity,
    pub why: ChangeReason,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IdentityHistory {
    /// Newest first.
    pub entries: Vec<IdentityHistoryEntry>,
}

/// A carer as an administrator enters it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CarerInput {
    pub name: String,
    pub relationship: Relationship,
    pub parental_responsibility: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub version: i64,
}

/// The child's version, for changes that carry nothing else (removing a carer).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, utoipa::IntoParams,
)]
#[into_params(parameter_in = Query)]
pub struct VersionParam {
    pub version: i64,
}

/// `PUT /api/v1/children/{id}/address`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AddressUpdate {
    pub address: AddressState,
    pub version: i64,
}

/// `PUT /api/v1/children/{id}/death`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeathRecord {
    pub date_of_death: NaiveDate,
    pub version: i64,
}

/// `PUT /api/v1/children/{id}/shield`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ShieldUpdate {
    pub shielded: bool,
    pub reason: ShieldReason,
    pub version: i64,
}

/// `POST /api/v1/children/{id}/override`: open a shielded record in full, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ShieldOverride {
    pub reason: ReasonCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_text: Option<String>,
    /// The user has read that an override triggers an investigation.
    pub acknowledge_investigation: bool,
}

/// One side of a possible duplicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DuplicateSide {
    pub id: String,
    pub family_name: String,
    pub given_names: String,
    pub date_of_birth: NaiveDate,
    pub gender: Gender,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DuplicatePair {
    pub first: DuplicateSide,
    pub second: DuplicateSide,
    /// From 0 to 1, strongest first.
    pub score: f64,
    /// What agrees: e.g. "same date of birth", "same postcode", "carer in common".
    pub evidence: Vec<String>,
}

/// `GET /api/v1/duplicates`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Duplicates {
    pub pairs: Vec<DuplicatePair>,
    /// How many records were scanned.
    pub scanned: u64,
    /// More pairs were found than listed.
    pub truncated: bool,
}

/// `POST /api/v1/merges`: move everything from `merged` onto `survivor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MergeRequest {
    pub survivor: String,
    pub merged: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MergeResult {
    pub survivor: String,
    pub merged: String,
    pub moved_carers: u64,
    pub moved_involvements: u64,
}

/// `GET /api/v1/organisations`: for the pickers in editors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Organisations {
    pub organisations: Vec<Organisation>,
}
