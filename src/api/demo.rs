use serde::{Deserialize, Serialize};

use crate::model::Role;

/// A demo account, published only by a server whose database holds demo data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DemoAccount {
    pub username: String,
    pub password: String,
    /// Base32 TOTP secret, so the login screen can show the current code.
    pub totp_secret: String,
    pub role: Role,
    pub organisation: String,
    /// What the account is for, e.g. "GP practice receptionist".
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DemoAccounts {
    pub accounts: Vec<DemoAccount>,
}
