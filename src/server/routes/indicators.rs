//! The four indicators on an involvement, and the involvement as its editors see it.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;

use super::change::{audit_change, audit_of, conflict, JsonBody, STALE};
use super::children::contacts;
use crate::api::{ErrorBody, ErrorCode, IndicatorUpdate, InvolvementView};
use crate::model::IndicatorMark;
use crate::server::auth::AuthUser;
use crate::server::error::ApiError;
use crate::server::policy::{self, Viewer};
use crate::server::AppState;
use crate::store::{IndicatorOutcome, IndicatorWrite, InvolvementOf};

pub(super) async fn involvement_of(state: &AppState, id: i64) -> Result<InvolvementOf, ApiError> {
    state
        .store
        .involvement(id)
        .await?
        .ok_or_else(|| ApiError::not_found("No involvement has that id."))
}

pub(super) async fn view_of(
    state: &AppState,
    viewer: &Viewer,
    of: InvolvementOf,
) -> Result<InvolvementView, ApiError> {
    let (_, broker) = contacts(state, &of.child_local_authority).await?;
    Ok(policy::involvement_view(
        viewer,
        &of.child_local_authority,
        of.involvement,
        &broker,
    ))
}

/// One involvement as it is now, for its own organisation or the directory team
/// (the indicator editor shows it after a conflict).
#[utoipa::path(get, path = "/api/v1/involvements/{id}", params(("id" = i64, Path, description = "Involvement id")),
    responses((status = 200, body = InvolvementView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<i64>,
) -> Result<Json<InvolvementView>, ApiError> {
    let viewer = user.viewer();
    let of = involvement_of(&state, id).await?;
    let allowed = policy::involvement_edit(&viewer, &of);
    let details = serde_json::json!({ "involvement": id });
    audit_change(
        &state,
        &user,
        "involvement_read",
        vec![of.child_id.clone()],
        allowed.as_ref().map(|_| details),
    )
    .await?;
    allowed?;
    Ok(Json(view_of(&state, &viewer, of).await?))
}

/// Set or clear the four indicators, based on the version last read. A stale version
/// is refused with `conflict`; so is taking lead professional from another
/// involvement without `move_lead`.
#[utoipa::path(put, path = "/api/v1/involvements/{id}/indicators", params(("id" = i64, Path, description = "Involvement id")),
    request_body = IndicatorUpdate,
    responses((status = 200, body = InvolvementView),
              (status = 403, body = ErrorBody),
              (status = 409, description = "conflict: stale version, or lead professional held elsewhere", body = ErrorBody)))]
pub async fn update(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<IndicatorUpdate>,
) -> Result<Json<InvolvementView>, ApiError> {
    let viewer = user.viewer();
    let of = involvement_of(&state, id).await?;
    let subjects = vec![of.child_id.clone()];
    if let Err(e) = policy::may_set_indicators(&viewer, &of) {
        audit_change(&state, &user, "indicators_set", subjects, Err(&e)).await?;
        return Err(e);
    }
    let audit = audit_of(
        &state,
        &user,
        "indicators_set",
        subjects,
        move |outcome: &IndicatorOutcome| match outcome {
            IndicatorOutcome::Written {
                before,
                involvement,
                lead_moved_from,
            } => Ok(serde_json::json!({
                "involvement": id,
                "before": before,
                "after": involvement.indicators,
                "lead_moved_from": lead_moved_from,
            })),
            _ => Err(ErrorCode::Conflict),
        },
    );
    let outcome = state
        .store
        .write_indicators(
            IndicatorWrite {
                involvement_id: id,
                version: body.version,
                indicators: body.indicators(),
                move_lead: body.move_lead,
                mark: IndicatorMark {
                    set_by: user.display_name.clone(),
                    set_at: state.clock.now(),
                },
            },
            audit,
        )
        .await?;
    match outcome {
        IndicatorOutcome::Written { involvement, .. } => {
            let of = InvolvementOf {
                involvement: *involvement,
                ..of
            };
            Ok(Json(view_of(&state, &viewer, of).await?))
        }
        IndicatorOutcome::Stale => Err(conflict(STALE)),
        IndicatorOutcome::LeadHeldElsewhere { involvement_id } => {
            let holder = involvement_of(&state, involvement_id).await?;
            let holder = view_of(&state, &viewer, holder).await?;
            // A sensitive service stays unnamed to those it is brokered for.
            let name = if holder.brokered {
                "Another service".to_string()
            } else {
                holder.organisation.name
            };
            Err(conflict(format!(
                "{name} is lead professional for this child now. Confirm to move it to your involvement."
            )))
        }
    }
}
