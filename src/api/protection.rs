//! CP-IS wire types: the flag, attendances, the social care inbox and the feed's acknowledgement.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{CareSetting, FlagAccess, LegalStatus, NotificationKind, PlanType};

/// The responsible local authority and how to reach it, day and night.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuthorityContact {
    pub code: String,
    pub name: String,
    pub office_hours_phone: String,
    pub out_of_hours_phone: String,
}

/// One plan within the visibility window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanView {
    pub plan_type: PlanType,
    /// `CHILD PROTECTION PLAN`, `LOOKED AFTER` or `UNBORN CHILD PLAN`.
    pub banner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_status: Option<LegalStatus>,
    pub start_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// False once the plan has ended (it still shows for the look-back period).
    pub active: bool,
    pub authority: AuthorityContact,
}

/// A subject's protection flag: the plans in the window, active first. Present in
/// the JSON only for roles that may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProtectionFlag {
    pub plans: Vec<PlanView>,
}

/// `POST /api/v1/protection/{subject}/attendances`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AttendanceRequest {
    /// Where the subject attended; by default from the user's organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<CareSetting>,
}

/// The opened flag: the plans, the last 25 attendances anywhere and, for the
/// responsible authority, everyone who has seen the flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProtectionDetail {
    /// The subject's NHS number.
    pub nhs_number: String,
    pub family_name: String,
    pub given_names: String,
    pub date_of_birth: NaiveDate,
    pub protection: ProtectionFlag,
    pub attendances: Vec<FlagAccess>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewers: Option<Vec<FlagAccess>>,
}

/// `GET /api/v1/protection/subjects`: unborn-plan subjects (pregnant women) by NHS
/// number, or family name and date of birth.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubjectQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dob: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProtectedSubject {
    pub nhs_number: String,
    pub family_name: String,
    pub given_names: String,
    pub date_of_birth: NaiveDate,
    pub protection: ProtectionFlag,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SubjectSearchResponse {
    pub results: Vec<ProtectedSubject>,
}

/// One access notification in a social care inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InboxEntry {
    pub id: i64,
    pub kind: NotificationKind,
    pub at: DateTime<Utc>,
    /// Directory ID of the child, or the NHS number of an unborn plan's subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub subject_name: String,
    pub from_username: String,
    pub from_name: String,
    pub from_organisation: String,
    pub from_organisation_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<CareSetting>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InboxResponse {
    pub entries: Vec<InboxEntry>,
    pub unread: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnreadCount {
    pub unread: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    Accepted,
    Updated,
    Unchanged,
    Rejected,
}

/// Why a feed row was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    NotARecord,
    MissingField,
    BadNhsNumber,
    BadDate,
    UnknownPlanType,
    BadLegalStatus,
    MissingDueDate,
    EndBeforeStart,
    OtherAuthority,
    IdentityMismatch,
    Duplicate,
}

/// The acknowledgement of one row, by its line number in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FeedRowAck {
    pub line: usize,
    pub status: RowStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<RejectCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The acknowledgement of an upload: per row, then totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FeedAck {
    pub authority: String,
    pub rows: Vec<FeedRowAck>,
    pub accepted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    /// Plans of the authority that this upload no longer lists, now ended.
    pub ended: usize,
    /// Valid rows whose NHS number matched a child in the directory.
    pub matched: usize,
}
