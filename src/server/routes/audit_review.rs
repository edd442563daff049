//! Reviewing the audit trail: filtered lists and exports, checkpoints, the misuse
//! report, and subject-access exports.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{Duration, NaiveTime};
use serde::Deserialize;

use crate::api::{
    AccessEntry, AuditEvents, AuditQuery, CheckpointList, ErrorBody, MisuseReport, SubjectAccess,
};
use crate::model::{ChainedAuditEvent, Checkpoint, DirectoryId, OrgKind, Organisation};
use crate::server::error::ApiError;
use crate::server::policy::audit::{self as rules, AuditScope};
use crate::server::policy::{self, Viewer};
use crate::server::{audit, checkpoint, misuse, AppState};
use crate::store::AuditFilter;

use super::accounts::audited;

const MAX_EVENTS: usize = 10_000;

/// The organisations whose users' events the viewer may see; `None` means all.
async fn scope_organisations(
    state: &AppState,
    viewer: &Viewer,
) -> Result<Option<Vec<String>>, ApiError> {
    match rules::audit_scope(viewer)? {
        AuditScope::Everything => Ok(None),
        AuditScope::Authority(la) => Ok(Some(
            state
                .store
                .organisations()
                .await?
                .into_iter()
                .filter(|o| o.local_authority == la)
                .map(|o| o.code)
                .collect(),
        )),
    }
}

fn csv_field(s: &str) -> String {
    // Quote always; a leading formula character is defused for spreadsheets.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The events as CSV, one row each, every audited field.
pub fn to_csv(events: &[ChainedAuditEvent]) -> String {
    let mut out = String::from(
        "seq,at,username,role,organisation,action,subjects,reason,outcome,client_addr,request_id,details,hash\n",
    );
    for e in events {
        let ev = &e.event;
        let fields = [
            e.seq.to_string(),
            ev.at.to_rfc3339(),
            ev.username.clone(),
            ev.role.clone().unwrap_or_default(),
            ev.organisation.clone().unwrap_or_default(),
            ev.action.clone(),
            ev.subjects.join(" "),
            ev.reason.clone().unwrap_or_default(),
            ev.outcome.clone(),
            ev.client_addr.clone().unwrap_or_default(),
            ev.request_id.clone().unwrap_or_default(),
            ev.details.to_string(),
            e.hash.clone(),
        ];
        let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// Audit events matching the filters, as JSON or (`format=csv`) CSV.
#[utoipa::path(get, path = "/api/v1/audit/events", params(AuditQuery),
    responses((status = 200, body = AuditEvents), (status = 403, body = ErrorBody)))]
pub async fn events(
    State(state): State<Arc<AppState>>,
    user: crate::server::auth::AuthUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    let details = serde_json::to_value(&q).unwrap_or_default();
    let result = async {
        let viewer = user.viewer();
        let scope = scope_organisations(&state, &viewer).await?;
        let organisations = match (&q.organisation, scope) {
            (Some(org), Some(allowed)) if !allowed.contains(org) => {
                return Err(ApiError::forbidden(
                    "That organisation is outside your local authority.",
                ))
            }
            (Some(org), _) => Some(vec![org.clone()]),
            (None, scope) => scope,
        };
        let format = q.format.as_deref().unwrap_or("json");
        if !matches!(format, "json" | "csv") {
            return Err(ApiError::bad_request("The format is json or csv."));
        }
        if let (Some(from), Some(to)) = (q.from, q.to) {
            if from > to {
                return Err(ApiError::bad_request(
                    "The date range ends before it starts.",
                ));
            }
        }
        let limit = q.limit.unwrap_or(MAX_EVENTS).clamp(1, MAX_EVENTS);
        let nonempty = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
        let mut events = state
            .store
            .query_audit(AuditFilter {
                username: nonempty(&q.user),
                subject: nonempty(&q.child),
                organisations,
                action: nonempty(&q.action),
                from: q.from.map(|d| d.and_time(NaiveTime::MIN).and_utc()),
                to: q
                    .to
                    .map(|d| d.and_time(NaiveTime::MIN).and_utc() + Duration::days(1)),
                limit: limit + 1,
            })
            .await?;
        let truncated = events.len() > limit;
        events.truncate(limit);
        Ok((format == "csv", AuditEvents { events, truncated }))
    }
    .await;
    let (csv, body) = audited(&state, &user, "audit_review", "", details, result).await?;
    Ok(if csv {
        (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            to_csv(&body.events),
        )
            .into_response()
    } else {
        Json(body).into_response()
    })
}

/// The signed checkpoints, for keeping outside the server.
#[utoipa::path(get, path = "/api/v1/audit/checkpoints",
    responses((status = 200, body = CheckpointList), (status = 403, body = ErrorBody)))]
pub async fn checkpoints(
    State(state): State<Arc<AppState>>,
    user: crate::server::auth::AuthUser,
) -> Result<Json<CheckpointList>, ApiError> {
    let viewer = user.viewer();
    rules::audit_scope(&viewer)?;
    Ok(Json(CheckpointList {
        checkpoints: state.store.checkpoints().await?,
    }))
}

/// Sign a checkpoint now.
#[utoipa::path(post, path = "/api/v1/audit/checkpoints",
    responses((status = 200, body = Checkpoint), (status = 403, body = ErrorBody)))]
pub async fn make_checkpoint(
    State(state): State<Arc<AppState>>,
    user: crate::server::auth::AuthUser,
) -> Result<Json<Checkpoint>, ApiError> {
    let result = async {
        let viewer = user.viewer();
        rules::may_checkpoint(&viewer)?;
        Ok(checkpoint::write(state.store.as_ref(), &state.keys, state.clock.now()).await?)
    }
    .await;
    audited(
        &state,
        &user,
        "audit_checkpoint",
        "",
        serde_json::json!({}),
        result,
    )
    .await
    .map(Json)
}

/// Users whose last day looks like trawling, for a person to review.
#[utoipa::path(get, path = "/api/v1/audit/misuse",
    responses((status = 200, body = MisuseReport), (status = 403, body = ErrorBody)))]
pub async fn misuse_report(
    State(state): State<Arc<AppState>>,
    user: crate::server::auth::AuthUser,
) -> Result<Json<MisuseReport>, ApiError> {
    let result = async {
        let viewer = user.viewer();
        let scope = scope_organisations(&state, &viewer).await?;
        let now = state.clock.now();
        Ok(MisuseReport {
            from: now - misuse::WINDOW,
            to: now,
            suspects: misuse::report(state.store.as_ref(), now, scope).await?,
        })
    }
    .await;
    audited(
        &state,
        &user,
        "misuse_report",
        "",
        serde_json::json!({}),
        result,
    )
    .await
    .map(Json)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubjectAccessParams {
    /// `json` (default) or `text`.
    format: Option<String>,
}

/// Plain text for a letter to the data subject.
pub fn subject_access_text(report: &SubjectAccess) -> String {
    let r = &report.record;
    let mut out = format!(
        "Subject access report (UK GDPR Article 15)\nGenerated {}\n\n\
         Child: {} {}\nDirectory ID: {}\nDate of birth: {}\n",
        report.generated_at.format("%Y-%m-%d %H:%M UTC"),
        r.given_names,
        r.family_name,
        r.id,
        r.date_of_birth
    );
    out.push_str("\nParents and carers:\n");
    for c in &r.carers {
        out.push_str(&format!("  {}\n", c.name));
    }
    out.push_str("\nServices involved:\n");
    for i in &r.involvements {
        out.push_str(&format!(
            "  {} ({})\n",
            i.organisation.name,
            i.organisation.kind.label()
        ));
    }
    out.push_str(&format!(
        "\nWho accessed this record ({} times):\n",
        report.accesses.len()
    ));
    for a in &report.accesses {
        out.push_str(&format!(
            "  {}  {}  {} of {}  {}  reason: {}  ({})\n",
            a.at.format("%Y-%m-%d %H:%M:%S"),
            a.action,
            a.username,
            a.organisation.as_deref().unwrap_or("-"),
            a.role.as_deref().unwrap_or("-"),
            a.reason.as_deref().unwrap_or("-"),
            a.outcome
        ));
    }
    out
}

/// Export a child's record and every access to it: who, when and why.
#[utoipa::path(get, path = "/api/v1/children/{id}/subject-access",
    params(("id" = String, Path, description = "Directory ID"), SubjectAccessParams),
    responses((status = 200, body = SubjectAccess), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn subject_access(
    State(state): State<Arc<AppState>>,
    user: crate::server::auth::AuthUser,
    Path(id): Path<String>,
    Query(params): Query<SubjectAccessParams>,
) -> Result<Response, ApiError> {
    let result = async {
        let viewer = user.viewer();
        let id: DirectoryId = id
            .parse()
            .map_err(|e: crate::model::IdError| ApiError::bad_request(e.to_string()))?;
        let text = match params.format.as_deref().unwrap_or("json") {
            "json" => false,
            "text" => true,
            _ => return Err(ApiError::bad_request("The format is json or text.")),
        };
        let child = state
            .store
            .child(id.as_str())
            .await?
            .ok_or_else(|| ApiError::not_found("No child has that directory ID."))?;
        rules::may_export_subject_access(&viewer, &child.local_authority)?;
        // Every access before this export; the export itself is audited after.
        let accesses = state
            .store
            .query_audit(AuditFilter {
                subject: Some(id.to_string()),
                limit: usize::MAX >> 1,
                ..Default::default()
            })
            .await?
            .into_iter()
            .map(|e| AccessEntry {
                at: e.event.at,
                username: e.event.username,
                role: e.event.role,
                organisation: e.event.organisation,
                action: e.event.action,
                reason: e.event.reason,
                outcome: e.event.outcome,
            })
            .collect();
        let local_authority = state.store.organisation(&child.local_authority).await?;
        let broker = state
            .store
            .directory_team(&child.local_authority)
            .await?
            .unwrap_or_else(|| Organisation {
                code: child.local_authority.clone(),
                name: "Local authority directory team".into(),
                kind: OrgKind::DirectoryTeam,
                phone: None,
                email: None,
                address: None,
                local_authority: child.local_authority.clone(),
            });
        let record = policy::record_view(&viewer, child, local_authority.as_ref(), &broker);
        Ok((
            text,
            SubjectAccess {
                generated_at: state.clock.now(),
                record,
                accesses,
            },
        ))
    }
    .await;
    let mut event = audit::user_event(
        &state,
        &user,
        "subject_access_export",
        &super::accounts::outcome(&result),
    );
    event.subjects = vec![id.clone()];
    audit::record(&state, event).await?;
    let (text, report) = result?;
    Ok(if text {
        (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            subject_access_text(&report),
        )
            .into_response()
    } else {
        Json(report).into_response()
    })
}
