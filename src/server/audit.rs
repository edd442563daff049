//! Writing the audit trail, and checking that its hash chain is intact.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::model::{AuditEvent, GENESIS_HASH};
use crate::server::auth::{AuthUser, RequestContext};
use crate::server::error::ApiError;
use crate::server::AppState;
use crate::store::{Store, StoreError};

/// An event with the request's context filled in; the caller adds subjects and details.
pub fn event(
    ctx: &RequestContext,
    username: &str,
    action: &str,
    outcome: &str,
    at: DateTime<Utc>,
) -> AuditEvent {
    AuditEvent {
        at,
        username: username.to_string(),
        role: None,
        organisation: None,
        action: action.to_string(),
        subjects: Vec::new(),
        reason: None,
        outcome: outcome.to_string(),
        client_addr: ctx.client_addr.clone(),
        request_id: ctx.request_id.clone(),
        details: serde_json::json!({}),
    }
}

/// An event by a logged-in user.
pub fn user_event(state: &AppState, user: &AuthUser, action: &str, outcome: &str) -> AuditEvent {
    let mut e = event(
        &user.context,
        &user.username,
        action,
        outcome,
        state.clock.now(),
    );
    e.role = Some(user.role.code().to_string());
    e.organisation = Some(user.organisation.clone());
    e
}

/// Appends before the response goes out: an access that cannot be audited is not served.
pub async fn record(state: &Arc<AppState>, event: AuditEvent) -> Result<(), ApiError> {
    state
        .store
        .append_audit(event)
        .await
        .map_err(ApiError::from)
}

/// Where the chain first fails to verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit chain broken at event {seq}: {problem}")]
pub struct ChainBreak {
    pub seq: i64,
    pub problem: String,
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Broken(#[from] ChainBreak),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Walks the whole trail: each event must link to its predecessor, hash to its
/// stored hash, and follow it in sequence. Returns the number of events and the head.
pub async fn verify_chain(store: &dyn Store) -> Result<(u64, String), VerifyError> {
    const PAGE: usize = 5_000;
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut last_seq = 0;
    let mut count = 0u64;
    loop {
        let page = store.audit_events(last_seq, PAGE).await?;
        if page.is_empty() {
            return Ok((count, prev_hash));
        }
        for e in page {
            if e.seq != last_seq + 1 {
                return Err(ChainBreak {
                    seq: e.seq,
                    problem: format!("expected event {} next", last_seq + 1),
                }
                .into());
            }
            if e.prev_hash != prev_hash {
                return Err(ChainBreak {
                    seq: e.seq,
                    problem: "does not link to the event before it".into(),
                }
                .into());
            }
            if e.event.chain_hash(&prev_hash) != e.hash {
                return Err(ChainBreak {
                    seq: e.seq,
                    problem: "its contents do not match its hash".into(),
                }
                .into());
            }
            prev_hash = e.hash;
            last_seq = e.seq;
            count += 1;
        }
    }
}
