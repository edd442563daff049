//! Audit events and the hash chain that makes tampering evident.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash that stands before the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One thing a user did, or tried to do. Never record content, never secrets:
/// identifiers, parameters, reasons and outcomes only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    /// Username as given (for failed logins, perhaps not a real user).
    pub username: String,
    pub role: Option<String>,
    pub organisation: Option<String>,
    /// e.g. `login`, `search`, `record_read`.
    pub action: String,
    /// Directory IDs the event concerns (a search lists every ID it returned).
    pub subjects: Vec<String>,
    pub reason: Option<String>,
    /// e.g. `success`, `invalid_credentials`, `search_too_broad`.
    pub outcome: String,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
    /// Structured parameters, e.g. the search fields given.
    pub details: serde_json::Value,
}

impl AuditEvent {
    /// The chain link: SHA-256 over the previous hash and every field, each length-prefixed
    /// so that no two different events can serialise alike.
    pub fn chain_hash(&self, prev_hash: &str) -> String {
        let mut h = Sha256::new();
        let mut field = |s: &str| {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        };
        field(prev_hash);
        field(&self.at.to_rfc3339_opts(SecondsFormat::Micros, true));
        field(&self.username);
        field(self.role.as_deref().unwrap_or(""));
        field(self.organisation.as_deref().unwrap_or(""));
        field(&self.action);
        field(&self.subjects.join(","));
        field(self.reason.as_deref().unwrap_or(""));
        field(&self.outcome);
        field(self.client_addr.as_deref().unwrap_or(""));
        field(self.request_id.as_deref().unwrap_or(""));
        field(&self.details.to_string());
        hex::encode(h.finalize())
    }
}

/// An event as stored: its place in the chain and its link hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChainedAuditEvent {
    pub seq: i64,
    #[serde(flatten)]
    pub event: AuditEvent,
    pub prev_hash: String,
    pub hash: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> AuditEvent {
        AuditEvent {
            at: "2026-01-02T03:04:05Z".parse().unwrap(),
            username: "a".into(),
            role: None,
            organisation: None,
            action: "login".into(),
            subjects: vec![],
            reason: None,
            outcome: "success".into(),
            client_addr: None,
            request_id: None,
            details: serde_json::json!({}),
        }
    }

    #[test]
    fn any_changed_field_or_link_changes_the_hash() {
        let base = event().chain_hash(GENESIS_HASH);
        let mut other = event();
        other.outcome = "failure".into();
        assert_ne!(other.chain_hash(GENESIS_HASH), base);
        assert_ne!(event().chain_hash(&base), base);
        // Length prefixes keep "ab"+"c" apart from "a"+"bc".
        let (mut x, mut y) = (event(), event());
        x.username = "ab".into();
        x.action = "c".into();
        y.username = "a".into();
        y.action = "bc".into();
        assert_ne!(x.chain_hash(GENESIS_HASH), y.chain_hash(GENESIS_HASH));
    }
}
