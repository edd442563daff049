//! Signed checkpoints of the audit trail, and checking the trail against them.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::model::{Checkpoint, GENESIS_HASH};
use crate::server::audit::{verify_chain, VerifyError};
use crate::server::keys::{verify_signature, ServerKeys};
use crate::server::AppState;
use crate::store::{Store, StoreError};

/// Signs the trail's current count and head, and stores the checkpoint.
pub async fn write(
    store: &dyn Store,
    keys: &ServerKeys,
    at: DateTime<Utc>,
) -> Result<Checkpoint, StoreError> {
    let (count, head) = store.audit_head().await?;
    let head_hash = head.unwrap_or_else(|| GENESIS_HASH.to_string());
    let checkpoint = Checkpoint {
        at,
        count,
        signature: keys.sign(&Checkpoint::signed_message(count, &head_hash, at)),
        head_hash,
        public_key: keys.public_key_hex(),
    };
    store.add_checkpoint(checkpoint.clone()).await?;
    Ok(checkpoint)
}

/// The periodic checkpoint: only when events were added since the last one.
pub async fn write_if_grown(state: &Arc<AppState>) -> Result<Option<Checkpoint>, StoreError> {
    let (count, _) = state.store.audit_head().await?;
    let last = state.store.checkpoints().await?.last().map(|c| c.count);
    if last == Some(count) {
        return Ok(None);
    }
    write(state.store.as_ref(), &state.keys, state.clock.now())
        .await
        .map(Some)
}

#[derive(Debug, thiserror::Error)]
pub enum CheckpointProblem {
    #[error(transparent)]
    Chain(#[from] VerifyError),
    #[error("checkpoint of {at} has a bad signature: it was not made by the server key")]
    BadSignature { at: DateTime<Utc> },
    #[error(
        "the audit trail was truncated: the checkpoint of {at} recorded {expected} events, \
         the trail now has {found}"
    )]
    Truncated {
        at: DateTime<Utc>,
        expected: u64,
        found: u64,
    },
    #[error("the audit trail was rewritten: event {seq} no longer matches the checkpoint of {at}")]
    Rewritten { at: DateTime<Utc>, seq: u64 },
}

/// Verifies the chain, then each checkpoint: signed by `public_key` (or, if none is
/// given, by the key it names), and matched by the event it counted up to.
/// Returns the number of events.
pub async fn verify_with_checkpoints(
    store: &dyn Store,
    checkpoints: &[Checkpoint],
    public_key: Option<&str>,
) -> Result<u64, CheckpointProblem> {
    let (count, _) = verify_chain(store).await?;
    for cp in checkpoints {
        let key = public_key.unwrap_or(&cp.public_key);
        let message = Checkpoint::signed_message(cp.count, &cp.head_hash, cp.at);
        if !verify_signature(key, &message, &cp.signature) {
            return Err(CheckpointProblem::BadSignature { at: cp.at });
        }
        if cp.count > count {
            return Err(CheckpointProblem::Truncated {
                at: cp.at,
                expected: cp.count,
                found: count,
            });
        }
        let hash_then = if cp.count == 0 {
            GENESIS_HASH.to_string()
        } else {
            let seq = i64::try_from(cp.count).unwrap_or(i64::MAX);
            store
                .audit_events(seq - 1, 1)
                .await
                .map_err(VerifyError::from)?
                .first()
                .map(|e| e.hash.clone())
                .unwrap_or_default()
        };
        if hash_then != cp.head_hash {
            return Err(CheckpointProblem::Rewritten {
                at: cp.at,
                seq: cp.count,
            });
        }
    }
    Ok(count)
}
