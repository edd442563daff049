//! Possible duplicates and merging them.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;

use super::change::{audit_change, audit_of, JsonBody};
use crate::api::{Duplicates, ErrorBody, MergeRequest, MergeResult};
use crate::model::DirectoryId;
use crate::server::auth::AuthUser;
use crate::server::error::ApiError;
use crate::server::{duplicates, policy, AppState};
use crate::store::{MergeCounts, StoreError};

/// The list answers at most this many pairs, strongest first.
const MAX_PAIRS: usize = 200;

/// Possible duplicates among the records the caller administers.
#[utoipa::path(get, path = "/api/v1/duplicates",
    responses((status = 200, body = Duplicates), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
) -> Result<Json<Duplicates>, ApiError> {
    let viewer = user.viewer();
    let scope = policy::duplicate_scope(&viewer);
    let details = serde_json::json!({});
    audit_change(
        &state,
        &user,
        "duplicate_scan",
        vec![],
        scope.as_ref().map(|_| details),
    )
    .await?;
    let entries = state.store.scan_entries(scope?).await?;
    let scanned = entries.len() as u64;
    // Comparing is CPU work: keep it off the async workers.
    let mut pairs = tokio::task::spawn_blocking(move || duplicates::scan(&entries))
        .await
        .map_err(|e| ApiError::from(StoreError::Database(e.to_string())))?;
    let truncated = pairs.len() > MAX_PAIRS;
    pairs.truncate(MAX_PAIRS);
    Ok(Json(Duplicates {
        pairs,
        scanned,
        truncated,
    }))
}

/// Merge `merged` into `survivor` in one transaction; the merged ID then redirects.
#[utoipa::path(post, path = "/api/v1/merges", request_body = MergeRequest,
    responses((status = 200, body = MergeResult), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn merge(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    JsonBody(body): JsonBody<MergeRequest>,
) -> Result<Json<MergeResult>, ApiError> {
    let viewer = user.viewer();
    let parse = |s: &str| -> Result<DirectoryId, ApiError> {
        s.parse()
            .map_err(|e: crate::model::IdError| ApiError::bad_request(e.to_string()))
    };
    let (survivor, merged) = (parse(&body.survivor)?, parse(&body.merged)?);
    if survivor == merged {
        return Err(ApiError::bad_request(
            "A record cannot be merged into itself.",
        ));
    }
    let subjects = vec![survivor.to_string(), merged.to_string()];
    for id in [&survivor, &merged] {
        let child =
            state.store.child(id.as_str()).await?.ok_or_else(|| {
                ApiError::not_found(format!("No child has the directory ID {id}."))
            })?;
        if let Err(e) = policy::may_maintain(&viewer, &child.local_authority) {
            audit_change(&state, &user, "merge", subjects, Err(&e)).await?;
            return Err(e);
        }
    }
    let audit = audit_of(&state, &user, "merge", subjects, |counts: &MergeCounts| {
        Ok(serde_json::json!({
            "carers": counts.carers,
            "involvements": counts.involvements,
            "history": counts.history,
        }))
    });
    let counts = state
        .store
        .merge_children(survivor.as_str(), merged.as_str(), state.clock.now(), audit)
        .await?;
    Ok(Json(MergeResult {
        survivor: survivor.to_string(),
        merged: merged.to_string(),
        moved_carers: counts.carers,
        moved_involvements: counts.involvements,
    }))
}
