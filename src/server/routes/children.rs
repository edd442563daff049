use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;

use crate::api::{ChildRecord, ErrorBody, ErrorCode, SearchParams, SearchResponse};
use crate::model::{DirectoryId, OrgKind, Organisation, ReasonCode};
use crate::server::auth::AuthUser;
use crate::server::error::ApiError;
use crate::server::policy;
use crate::server::{audit, search as finder, AppState};

/// Free text given with the `other` reason is kept short: a reason, not a note.
const MAX_REASON_TEXT: usize = 200;

/// Find children. Needs a surname and a date of birth, a postcode, or a forename
/// with a date-of-birth range; or an exact directory ID or NHS number.
#[utoipa::path(get, path = "/api/v1/children", params(SearchParams),
    responses((status = 200, body = SearchResponse),
              (status = 422, description = "search_too_broad or too_many_matches", body = ErrorBody)))]
pub async fn search(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Query(params): Query<SearchParams>,
) -> Result<Json<SearchResponse>, ApiError> {
    let viewer = user.viewer();
    let today = state.clock.now().date_naive();
    let mut result = finder::search(state.store.as_ref(), &viewer, &params, today).await;
    if let Ok(hits) = &mut result {
        super::protection::annotate_hits(&state, &viewer, hits).await?;
    }
    let outcome = match &result {
        Ok(_) => "success".to_string(),
        Err(e) => serde_json::to_value(e.code)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
    };
    let mut event = audit::user_event(&state, &user, "search", &outcome);
    event.details = serde_json::to_value(&params).unwrap_or_default();
    if let Ok(hits) = &result {
        // Every record a search returns counts as accessed.
        event.subjects = hits.iter().map(|h| h.id.clone()).collect();
    }
    audit::record(&state, event).await?;
    result.map(|results| Json(SearchResponse { results }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadParams {
    /// Why the record is being opened (a reason code).
    pub(super) reason: Option<String>,
    /// Required when the reason is `other`.
    pub(super) reason_text: Option<String>,
}

pub(super) fn parse_reason(p: &ReadParams) -> Result<(ReasonCode, Option<String>), ApiError> {
    let code = p
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::ReasonRequired,
                "State why you are opening this record (a reason code).",
            )
        })?;
    let reason = ReasonCode::from_code(code).ok_or_else(|| {
        ApiError::new(
            ErrorCode::ReasonRequired,
            format!("'{code}' is not a reason code."),
        )
    })?;
    let text = p
        .reason_text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from);
    if reason == ReasonCode::Other && text.is_none() {
        return Err(ApiError::new(
            ErrorCode::ReasonRequired,
            "The reason 'other' needs a short explanation.",
        ));
    }
    if text
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_REASON_TEXT)
    {
        return Err(ApiError::bad_request(format!(
            "Keep the reason under {MAX_REASON_TEXT} characters."
        )));
    }
    Ok((reason, text))
}

/// Open a child's record, stating why. Returns what the caller may see.
#[utoipa::path(get, path = "/api/v1/children/{id}", params(("id" = String, Path, description = "Directory ID"), ReadParams),
    responses((status = 200, body = ChildRecord),
              (status = 400, description = "reason_required", body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<String>,
    Query(params): Query<ReadParams>,
) -> Result<Json<ChildRecord>, ApiError> {
    let viewer = user.viewer();
    policy::may_read_record(&viewer)?;
    let (reason, reason_text) = parse_reason(&params)?;
    let id: DirectoryId = id
        .parse()
        .map_err(|e: crate::model::IdError| ApiError::bad_request(e.to_string()))?;
    let mut child = state.store.child(id.as_str()).await?;
    // A merged-away ID leads to the record that survived it.
    let mut redirected_from = None;
    if child.is_none() {
        if let Some(survivor) = state.store.redirect(id.as_str()).await? {
            child = state.store.child(&survivor).await?;
            redirected_from = Some(id.to_string());
        }
    }
    let mut event = audit::user_event(
        &state,
        &user,
        "record_read",
        if child.is_some() {
            "success"
        } else {
            "not_found"
        },
    );
    event.subjects = vec![id.to_string()];
    if let (Some(c), Some(_)) = (&child, &redirected_from) {
        event.subjects.push(c.id.to_string());
    }
    event.reason = Some(match &reason_text {
        Some(text) => format!("{}: {text}", reason.code()),
        None => reason.code().to_string(),
    });
    audit::record(&state, event).await?;
    let child = child.ok_or_else(|| ApiError::not_found("No child has that directory ID."))?;

    let (local_authority, broker) = contacts(&state, &child.local_authority).await?;
    let nhs_number = child.nhs_number.clone();
    let mut view = policy::record_view(&viewer, child, local_authority.as_ref(), &broker);
    super::protection::annotate_record(&state, &user, &viewer, &mut view, nhs_number.as_ref())
        .await?;
    view.redirected_from = redirected_from;
    if view.restricted_notice.is_none() {
        view.date_of_death = state.store.date_of_death(&view.id).await?;
    }
    Ok(Json(view))
}

/// The child's local authority, and the directory team that brokers contact for it.
pub(super) async fn contacts(
    state: &AppState,
    child_la: &str,
) -> Result<(Option<Organisation>, Organisation), ApiError> {
    let local_authority = state.store.organisation(child_la).await?;
    let broker = match state.store.directory_team(child_la).await? {
        Some(team) => team,
        None => local_authority.clone().unwrap_or_else(|| Organisation {
            code: child_la.to_string(),
            name: "Local authority directory team".into(),
            kind: OrgKind::DirectoryTeam,
            phone: None,
            email: None,
            address: None,
            local_authority: child_la.to_string(),
        }),
    };
    Ok((local_authority, broker))
}
