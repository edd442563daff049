use serde::{Deserialize, Serialize};

/// What a user may do is decided from their role (and organisation) in `server::policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Practitioner,
    UnscheduledCare,
    SocialCare,
    LaAdmin,
    Admin,
    Auditor,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Practitioner,
        Role::UnscheduledCare,
        Role::SocialCare,
        Role::LaAdmin,
        Role::Admin,
        Role::Auditor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Practitioner => "practitioner",
            Role::UnscheduledCare => "unscheduled_care",
            Role::SocialCare => "social_care",
            Role::LaAdmin => "la_admin",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}
