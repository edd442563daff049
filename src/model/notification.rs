//! Messages to an organisation's staff: an attendance at unscheduled care, a shield
//! override, a suspended account. They name who and when, never case content.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A child with a protection flag attended unscheduled care (CP-IS).
    AccessNotification,
    /// A user overrode a shielded record.
    ShieldOverride,
    /// A user's account was suspended after suspected misuse.
    AccountSuspended,
}

impl NotificationKind {
    pub fn code(self) -> &'static str {
        match self {
            NotificationKind::AccessNotification => "access_notification",
            NotificationKind::ShieldOverride => "shield_override",
            NotificationKind::AccountSuspended => "account_suspended",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::AccessNotification,
            Self::ShieldOverride,
            Self::AccountSuspended,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

/// A notification to be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewNotification {
    pub kind: NotificationKind,
    /// The organisation whose staff receive it.
    pub recipient_organisation: String,
    /// The child (directory ID) concerned, if any.
    pub child_id: Option<String>,
    /// Who acted, and from which organisation.
    pub from_username: String,
    pub from_organisation: String,
    /// Short structured context, e.g. the care setting; never case notes.
    pub details: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: i64,
    #[serde(flatten)]
    pub notification: NewNotification,
    pub read_by: Option<String>,
    pub read_at: Option<DateTime<Utc>>,
}
