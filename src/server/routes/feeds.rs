//! `POST /api/v1/feeds`: a local authority uploads its current plans.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;

use crate::api::{ErrorBody, FeedAck};
use crate::server::auth::AuthUser;
use crate::server::error::ApiError;
use crate::server::feed::{self, FeedError};
use crate::server::{audit, policy, AppState};

/// Upload the authority's current plans, as CSV with a header row or as JSON lines.
/// Each row is acknowledged by line number; a file that cannot be read changes nothing.
#[utoipa::path(post, path = "/api/v1/feeds", request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = FeedAck),
              (status = 400, description = "the file cannot be read; nothing changed", body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn upload(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    body: Bytes,
) -> Result<Json<FeedAck>, ApiError> {
    let viewer = user.viewer();
    let authority = policy::may_upload_feed(&viewer)?.to_string();
    let bytes = body.len();
    // Parsing a whole authority's file is CPU work: keep it off the async workers.
    let parsed = tokio::task::spawn_blocking(move || match String::from_utf8(body.into()) {
        Ok(text) => feed::parse(&text),
        Err(_) => Err(FeedError::Unparseable("the file is not UTF-8 text".into())),
    })
    .await
    .map_err(|_| ApiError::bad_request("The feed could not be read."))?;
    let result = match parsed {
        Ok(rows) => {
            let today = state.clock.now().date_naive();
            feed::import(
                state.store.as_ref(),
                &authority,
                rows,
                today,
                Box::new(|_, _| {}),
            )
            .await
        }
        Err(e) => Err(e),
    };
    let mut event = audit::user_event(
        &state,
        &user,
        "feed_upload",
        if result.is_ok() {
            "success"
        } else {
            "unparseable"
        },
    );
    if let Ok(ack) = &result {
        event.details = serde_json::json!({
            "authority": authority,
            "bytes": bytes,
            "accepted": ack.accepted,
            "updated": ack.updated,
            "unchanged": ack.unchanged,
            "rejected": ack.rejected,
            "ended": ack.ended,
        });
    }
    audit::record(&state, event).await?;
    match result {
        Ok(ack) => Ok(Json(ack)),
        Err(FeedError::Unparseable(message)) => Err(ApiError::bad_request(format!(
            "The feed cannot be read, so nothing was changed: {message}"
        ))),
        Err(FeedError::Store(e)) => Err(e.into()),
    }
}
