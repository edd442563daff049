//! A signed checkpoint of the audit trail: how many events there were and the hash
//! of the last one, signed with the server's Ed25519 key (like a Certificate
//! Transparency signed tree head). Kept outside the database, it exposes a
//! truncated or rewritten tail.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Checkpoint {
    pub at: DateTime<Utc>,
    /// Events in the trail when the checkpoint was made.
    pub count: u64,
    /// The hash of event number `count` (the genesis hash when there are none).
    pub head_hash: String,
    /// Hex Ed25519 public key of the server that signed.
    pub public_key: String,
    /// Hex Ed25519 signature over `signed_message()`.
    pub signature: String,
}

impl Checkpoint {
    /// The bytes signed: versioned, and every field in a fixed order.
    pub fn signed_message(count: u64, head_hash: &str, at: DateTime<Utc>) -> Vec<u8> {
        format!(
            "contactpoint audit checkpoint v1\n{count}\n{head_hash}\n{}",
            at.to_rfc3339_opts(SecondsFormat::Micros, true)
        )
        .into_bytes()
    }
}
