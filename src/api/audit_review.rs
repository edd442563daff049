//! Wire types of audit review, checkpoints, the misuse report and subject access.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::api::ChildRecord;
use crate::model::{ChainedAuditEvent, Checkpoint};

/// `GET /api/v1/audit/events` filters; all optional, all must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// A child's directory ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child: Option<String>,
    /// An organisation code: events by its users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// First day included (YYYY-MM-DD, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Last day included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// `json` (default) or `csv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// At most this many events (default and maximum 10,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEvents {
    pub events: Vec<ChainedAuditEvent>,
    /// True when more events matched than were returned.
    pub truncated: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckpointList {
    pub checkpoints: Vec<Checkpoint>,
}

/// One way a user's activity looks like trawling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MisuseFinding {
    /// `many_children`, `own_surname` or `outside_area`.
    pub kind: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MisuseSuspect {
    pub username: String,
    pub display_name: String,
    pub organisation: String,
    pub disabled: bool,
    pub findings: Vec<MisuseFinding>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MisuseReport {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub suspects: Vec<MisuseSuspect>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SuspendRequest {
    /// Why, for the audit trail and the notification (no case content).
    pub reason: String,
}

/// One access to a child's record: who, when, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccessEntry {
    pub at: DateTime<Utc>,
    pub username: String,
    pub role: Option<String>,
    pub organisation: Option<String>,
    /// `search` (the child was in the results) or `record_read` and so on.
    pub action: String,
    pub reason: Option<String>,
    pub outcome: String,
}

/// UK GDPR Art. 15: the record and everyone who accessed it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SubjectAccess {
    pub generated_at: DateTime<Utc>,
    pub record: ChildRecord,
    pub accesses: Vec<AccessEntry>,
}
