use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{
    AddressState, ConsentBasis, FormerName, Gender, IndicatorMarks, Indicators, Organisation,
    Practitioner, Relationship,
};

/// `GET /api/v1/children` query. A search names a surname plus a date of birth, a
/// postcode, or a forename with a date-of-birth range; or an exact identifier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forename: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dob: Option<String>,
    /// Earliest date of birth (YYYY-MM-DD), for a forename + age-range search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dob_from: Option<String>,
    /// Latest date of birth (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dob_to: Option<String>,
    /// A full postcode or a district (`LS6`); spaces are ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Directory ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_number: Option<String>,
    /// Result cap, default 20, at most 50.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchResponse {
    pub results: Vec<SearchHit>,
}

/// One search result: enough to tell children apart, nothing more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchHit {
    pub id: String,
    pub family_name: String,
    pub given_names: String,
    pub date_of_birth: NaiveDate,
    pub gender: Gender,
    /// Match strength from 0 to 1, best first.
    pub score: f64,
    /// Absent for shielded records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode_district: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gp_practice: Option<String>,
    /// The former name that matched, when it was not the current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_former_name: Option<String>,
    pub shielded: bool,
    /// The merged-away ID that was searched for, when this record replaced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirected_from: Option<String>,
    /// CP-IS flag; absent unless the caller may see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection: Option<super::ProtectionFlag>,
}

/// The local authority responsible for a child, and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LocalAuthorityContact {
    pub code: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// `GET /api/v1/children/{id}`: the record as the caller may see it. Fields the
/// caller may not see are absent from the JSON, not blanked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChildRecord {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_number: Option<String>,
    pub family_name: String,
    pub given_names: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_names: Vec<FormerName>,
    pub date_of_birth: NaiveDate,
    pub gender: Gender,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<AddressState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_authority: Option<LocalAuthorityContact>,
    pub shielded: bool,
    /// Shown when the record is shielded and the caller sees only part of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted_notice: Option<String>,
    pub carers: Vec<CarerView>,
    pub involvements: Vec<InvolvementView>,
    pub version: i64,
    /// The merged-away ID that was asked for, when this record replaced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirected_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_death: Option<NaiveDate>,
    /// CP-IS flag; absent unless the caller may see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection: Option<super::ProtectionFlag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CarerView {
    /// For administrators editing carers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<Relationship>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parental_responsibility: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A service involved with the child. For a sensitive service the caller is not
/// part of, `organisation` is the directory team that brokers contact and the
/// details are absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvolvementView {
    pub id: i64,
    pub organisation: Organisation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practitioner: Option<Practitioner>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicators: Option<Indicators>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator_marks: Option<IndicatorMarks>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentBasis>,
    /// True when contact is brokered by the directory team instead of shown.
    pub brokered: bool,
    pub version: i64,
}
