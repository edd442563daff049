use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::Role;

#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// The 6-digit code from the user's authenticator app.
    pub totp: String,
}

/// Never prints the password or the code, so a stray `{:?}` cannot leak them.
impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// Opaque bearer token for `Authorization: Bearer ...`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: UserSummary,
}

impl std::fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginResponse")
            .field("expires_at", &self.expires_at)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserSummary {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Organisation code.
    pub organisation: String,
    pub organisation_name: String,
}
