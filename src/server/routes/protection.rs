//! CP-IS: flags on results and records, attendances, silent views, the subjects
//! of unborn plans, and the social care inbox.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;

use crate::api::{
    AttendanceRequest, ChildRecord, ErrorBody, ErrorCode, InboxEntry, InboxResponse,
    ProtectedSubject, ProtectionDetail, ProtectionFlag, SearchHit, SubjectQuery,
    SubjectSearchResponse, UnreadCount,
};
use crate::model::{
    CareSetting, DirectoryId, FlagAccess, FlagAccessKind, NewNotification, NhsNumber,
    NotificationKind, OrgKind, ProtectionPlan,
};
use crate::server::auth::AuthUser;
use crate::server::error::ApiError;
use crate::server::policy::{self, Viewer};
use crate::server::{audit, AppState};

/// Both sides see this many of a subject's most recent attendances.
const ATTENDANCES_SHOWN: usize = 25;
const VIEWERS_SHOWN: usize = 100;
const INBOX_SHOWN: usize = 200;

/// Flags by NHS number, as this viewer may see them.
async fn flags_for(
    state: &AppState,
    viewer: &Viewer,
    nhs_numbers: Vec<String>,
) -> Result<HashMap<String, ProtectionFlag>, ApiError> {
    let plans = state.store.plans_for(nhs_numbers).await?;
    let mut names = HashMap::new();
    let mut by_subject: HashMap<String, Vec<ProtectionPlan>> = HashMap::new();
    for plan in plans {
        if !names.contains_key(&plan.local_authority) {
            if let Some(org) = state.store.organisation(&plan.local_authority).await? {
                names.insert(plan.local_authority.clone(), org.name);
            }
        }
        by_subject
            .entry(plan.nhs_number.as_str().to_string())
            .or_default()
            .push(plan);
    }
    let today = state.clock.now().date_naive();
    let window = &state.config.protection_window;
    Ok(by_subject
        .into_iter()
        .filter_map(|(nhs, plans)| {
            let flag = policy::protection_flag(viewer, &plans, &names, window, today)?;
            Some((nhs, flag))
        })
        .collect())
}

/// Puts the banner on the results the viewer may see it on.
pub(super) async fn annotate_hits(
    state: &AppState,
    viewer: &Viewer,
    hits: &mut [SearchHit],
) -> Result<(), ApiError> {
    if !policy::sees_flags(viewer) || hits.is_empty() {
        return Ok(());
    }
    let nhs = state
        .store
        .child_nhs_numbers(hits.iter().map(|h| h.id.clone()).collect())
        .await?;
    let mut flags = flags_for(state, viewer, nhs.values().cloned().collect()).await?;
    for hit in hits {
        if let Some(n) = nhs.get(&hit.id) {
            hit.protection = flags.remove(n);
        }
    }
    Ok(())
}

/// Puts the flag on an opened record and keeps who saw it.
pub(super) async fn annotate_record(
    state: &Arc<AppState>,
    user: &AuthUser,
    viewer: &Viewer,
    record: &mut ChildRecord,
    nhs_number: Option<&NhsNumber>,
) -> Result<(), ApiError> {
    let Some(nhs) = nhs_number.filter(|_| policy::sees_flags(viewer)) else {
        return Ok(());
    };
    let Some(flag) = flags_for(state, viewer, vec![nhs.as_str().to_string()])
        .await?
        .remove(nhs.as_str())
    else {
        return Ok(());
    };
    let access = flag_access(state, user, FlagAccessKind::RecordView, None).await?;
    state
        .store
        .record_flag_access(nhs.as_str(), access, vec![])
        .await?;
    let mut event = audit::user_event(state, user, "protection_flag_view", "success");
    event.subjects = vec![record.id.clone()];
    audit::record(state, event).await?;
    record.protection = Some(flag);
    Ok(())
}

async fn flag_access(
    state: &AppState,
    user: &AuthUser,
    kind: FlagAccessKind,
    setting: Option<CareSetting>,
) -> Result<FlagAccess, ApiError> {
    let org = state.store.organisation(&user.organisation).await?;
    Ok(FlagAccess {
        kind,
        setting,
        at: state.clock.now(),
        username: user.username.clone(),
        user_name: user.display_name.clone(),
        organisation: user.organisation.clone(),
        organisation_name: org
            .as_ref()
            .map_or_else(|| user.organisation.clone(), |o| o.name.clone()),
        phone: org.and_then(|o| o.phone),
    })
}

/// A flag's subject: a child by directory ID or NHS number, or the subject of an
/// unborn plan by NHS number.
struct Subject {
    /// The directory ID of a child, else the NHS number.
    key: String,
    nhs_number: String,
    family_name: String,
    given_names: String,
    date_of_birth: chrono::NaiveDate,
}

async fn subject(state: &AppState, text: &str) -> Result<Subject, ApiError> {
    let child_id = match text.parse::<DirectoryId>() {
        Ok(id) => Some(id.to_string()),
        Err(_) => {
            let nhs: NhsNumber = text.parse().map_err(|_| {
                ApiError::bad_request(format!(
                    "'{text}' is neither a directory ID nor a valid NHS number."
                ))
            })?;
            match state
                .store
                .children_by_nhs(vec![nhs.as_str().to_string()])
                .await?
                .remove(nhs.as_str())
            {
                Some(child) => Some(child.id),
                None => {
                    let plan = state
                        .store
                        .plans_for(vec![nhs.as_str().to_string()])
                        .await?
                        .into_iter()
                        .next()
                        .ok_or_else(|| {
                            ApiError::not_found("No plan is held for that NHS number.")
                        })?;
                    return Ok(Subject {
                        key: nhs.as_str().to_string(),
                        nhs_number: nhs.as_str().to_string(),
                        family_name: plan.family_name,
                        given_names: plan.given_names,
                        date_of_birth: plan.date_of_birth,
                    });
                }
            }
        }
    };
    let id = child_id.unwrap_or_default();
    let child = state
        .store
        .child(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("No child has that directory ID."))?;
    let nhs = child.nhs_number.ok_or_else(|| {
        ApiError::not_found("This child has no NHS number, so no protection flag is held.")
    })?;
    Ok(Subject {
        key: child.id.to_string(),
        nhs_number: nhs.as_str().to_string(),
        family_name: child.family_name,
        given_names: child.given_names,
        date_of_birth: child.date_of_birth,
    })
}

async fn visible_flag(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
) -> Result<ProtectionFlag, ApiError> {
    flags_for(state, viewer, vec![subject.nhs_number.clone()])
        .await?
        .remove(&subject.nhs_number)
        .ok_or_else(|| ApiError::not_found("No child protection flag shows for this person."))
}

async fn detail(
    state: &AppState,
    viewer: &Viewer,
    subject: Subject,
    flag: ProtectionFlag,
) -> Result<ProtectionDetail, ApiError> {
    let attendances = state
        .store
        .flag_accesses(
            &subject.nhs_number,
            Some(FlagAccessKind::Attendance),
            ATTENDANCES_SHOWN,
        )
        .await?;
    let own = flag
        .plans
        .iter()
        .any(|p| policy::may_see_viewers(viewer, &p.authority.code));
    let viewers = if own {
        Some(
            state
                .store
                .flag_accesses(&subject.nhs_number, None, VIEWERS_SHOWN)
                .await?,
        )
    } else {
        None
    };
    Ok(ProtectionDetail {
        nhs_number: subject.nhs_number,
        family_name: subject.family_name,
        given_names: subject.given_names,
        date_of_birth: subject.date_of_birth,
        protection: flag,
        attendances,
        viewers,
    })
}

fn default_setting(kind: OrgKind) -> Option<CareSetting> {
    match kind {
        OrgKind::Hospital => Some(CareSetting::EmergencyDepartment),
        OrgKind::WalkInCentre => Some(CareSetting::WalkInCentre),
        OrgKind::Ambulance => Some(CareSetting::Ambulance),
        OrgKind::Maternity => Some(CareSetting::Maternity),
        _ => None,
    }
}

/// Open the flag at booking-in: records the attendance, notifies the responsible
/// authority once, and returns the plans and the last 25 attendances.
#[utoipa::path(post, path = "/api/v1/protection/{subject}/attendances",
    params(("subject" = String, Path, description = "Directory ID, or NHS number")),
    request_body = AttendanceRequest,
    responses((status = 200, body = ProtectionDetail),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn attend(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(subject_text): Path<String>,
    Json(req): Json<AttendanceRequest>,
) -> Result<Json<ProtectionDetail>, ApiError> {
    let viewer = user.viewer();
    policy::may_record_attendance(&viewer)?;
    let subject = subject(&state, &subject_text).await?;
    let flag = visible_flag(&state, &viewer, &subject).await?;
    let org_kind = state
        .store
        .organisation(&user.organisation)
        .await?
        .map(|o| o.kind);
    let setting = req
        .setting
        .or_else(|| org_kind.and_then(default_setting))
        .ok_or_else(|| {
            ApiError::bad_request(
                "Say where the attendance is (setting: emergency_department, walk_in_centre, ...).",
            )
        })?;
    let access = flag_access(&state, &user, FlagAccessKind::Attendance, Some(setting)).await?;
    let mut authorities: Vec<String> = flag
        .plans
        .iter()
        .map(|p| p.authority.code.clone())
        .collect();
    authorities.sort();
    authorities.dedup();
    let notifications = authorities
        .iter()
        .map(|la| NewNotification {
            kind: NotificationKind::AccessNotification,
            recipient_organisation: la.clone(),
            child_id: Some(subject.key.clone()),
            from_username: user.username.clone(),
            from_organisation: user.organisation.clone(),
            details: serde_json::json!({
                "setting": setting,
                "from_name": access.user_name,
                "from_organisation_name": access.organisation_name,
                "phone": access.phone,
                "subject_name": format!("{} {}", subject.given_names, subject.family_name),
            }),
            created_at: access.at,
        })
        .collect();
    state
        .store
        .record_flag_access(&subject.nhs_number, access, notifications)
        .await?;
    let mut event = audit::user_event(&state, &user, "attendance", "success");
    event.subjects = vec![subject.key.clone()];
    event.details = serde_json::json!({ "setting": setting, "notified": authorities });
    audit::record(&state, event).await?;
    Ok(Json(detail(&state, &viewer, subject, flag).await?))
}

/// View a flag without notifying the authority (silent view); still audited.
#[utoipa::path(get, path = "/api/v1/protection/{subject}",
    params(("subject" = String, Path, description = "Directory ID, or NHS number")),
    responses((status = 200, body = ProtectionDetail),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn silent_view(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(subject_text): Path<String>,
) -> Result<Json<ProtectionDetail>, ApiError> {
    let viewer = user.viewer();
    policy::may_view_silently(&viewer)?;
    let subject = subject(&state, &subject_text).await?;
    let flag = visible_flag(&state, &viewer, &subject).await?;
    let access = flag_access(&state, &user, FlagAccessKind::SilentView, None).await?;
    state
        .store
        .record_flag_access(&subject.nhs_number, access, vec![])
        .await?;
    let mut event = audit::user_event(&state, &user, "protection_silent_view", "success");
    event.subjects = vec![subject.key.clone()];
    audit::record(&state, event).await?;
    Ok(Json(detail(&state, &viewer, subject, flag).await?))
}

/// Find the subject of an unborn child plan (a pregnant woman, perhaps an adult)
/// by NHS number, or family name and date of birth. Unscheduled care only.
#[utoipa::path(get, path = "/api/v1/protection/subjects", params(SubjectQuery),
    responses((status = 200, body = SubjectSearchResponse),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn subjects(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Query(q): Query<SubjectQuery>,
) -> Result<Json<SubjectSearchResponse>, ApiError> {
    let viewer = user.viewer();
    policy::may_find_unborn_subjects(&viewer)?;
    let nhs = q
        .nhs_number
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .map(|n| n.parse::<NhsNumber>())
        .transpose()
        .map_err(|e| ApiError::bad_request(format!("NHS number: {e}")))?;
    let dob = q
        .dob
        .as_deref()
        .map(|d| d.parse::<chrono::NaiveDate>())
        .transpose()
        .map_err(|_| ApiError::bad_request("Give the date of birth as YYYY-MM-DD."))?;
    let family = q
        .surname
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let family_and_dob = family.zip(dob).map(|(f, d)| (f.to_string(), d));
    if nhs.is_none() && family_and_dob.is_none() {
        return Err(ApiError::new(
            ErrorCode::SearchTooBroad,
            "Give an NHS number, or a surname and a date of birth.",
        ));
    }
    let plans = state
        .store
        .unborn_plan_subjects(nhs.map(|n| n.as_str().to_string()), family_and_dob)
        .await?;
    let mut identities: HashMap<String, ProtectionPlan> = HashMap::new();
    for plan in plans {
        identities
            .entry(plan.nhs_number.as_str().to_string())
            .or_insert(plan);
    }
    let mut flags = flags_for(&state, &viewer, identities.keys().cloned().collect()).await?;
    let mut results: Vec<ProtectedSubject> = identities
        .into_values()
        .filter_map(|p| {
            let flag = flags.remove(p.nhs_number.as_str())?;
            Some(ProtectedSubject {
                nhs_number: p.nhs_number.as_str().to_string(),
                family_name: p.family_name,
                given_names: p.given_names,
                date_of_birth: p.date_of_birth,
                protection: flag,
            })
        })
        .collect();
    results.sort_by(|a, b| a.nhs_number.cmp(&b.nhs_number));
    let mut event = audit::user_event(&state, &user, "protection_subject_search", "success");
    event.subjects = results.iter().map(|r| r.nhs_number.clone()).collect();
    audit::record(&state, event).await?;
    Ok(Json(SubjectSearchResponse { results }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxParams {
    /// Only notifications nobody has marked read.
    #[serde(default)]
    unread: bool,
}

fn inbox_entry(n: crate::model::Notification) -> InboxEntry {
    let d = &n.notification.details;
    let text = |k: &str| d.get(k).and_then(|v| v.as_str()).map(String::from);
    InboxEntry {
        id: n.id,
        kind: n.notification.kind,
        at: n.notification.created_at,
        subject: n.notification.child_id,
        subject_name: text("subject_name").unwrap_or_default(),
        from_name: text("from_name").unwrap_or_else(|| n.notification.from_username.clone()),
        from_username: n.notification.from_username,
        from_organisation_name: text("from_organisation_name")
            .unwrap_or_else(|| n.notification.from_organisation.clone()),
        from_organisation: n.notification.from_organisation,
        setting: d
            .get("setting")
            .and_then(|v| serde_json::from_value(v.clone()).ok()),
        phone: text("phone"),
        read_by: n.read_by,
        read_at: n.read_at,
    }
}

/// The access notifications for the caller's authority, newest first.
#[utoipa::path(get, path = "/api/v1/inbox", params(InboxParams),
    responses((status = 200, body = InboxResponse), (status = 403, body = ErrorBody)))]
pub async fn inbox(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Query(params): Query<InboxParams>,
) -> Result<Json<InboxResponse>, ApiError> {
    let viewer = user.viewer();
    policy::may_read_inbox(&viewer)?;
    let notes = state
        .store
        .notifications(&viewer.local_authority, params.unread, INBOX_SHOWN)
        .await?;
    let unread = state
        .store
        .unread_notifications(&viewer.local_authority)
        .await?;
    let mut event = audit::user_event(&state, &user, "inbox_read", "success");
    event.subjects = notes
        .iter()
        .filter_map(|n| n.notification.child_id.clone())
        .collect();
    audit::record(&state, event).await?;
    Ok(Json(InboxResponse {
        entries: notes.into_iter().map(inbox_entry).collect(),
        unread,
    }))
}

/// How many notifications await reading: cheap, for polling.
#[utoipa::path(get, path = "/api/v1/inbox/unread",
    responses((status = 200, body = UnreadCount), (status = 403, body = ErrorBody)))]
pub async fn unread(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
) -> Result<Json<UnreadCount>, ApiError> {
    let viewer = user.viewer();
    policy::may_read_inbox(&viewer)?;
    let unread = state
        .store
        .unread_notifications(&viewer.local_authority)
        .await?;
    Ok(Json(UnreadCount { unread }))
}

/// Mark a notification read; the first reader and the time are kept.
#[utoipa::path(post, path = "/api/v1/inbox/{id}/read",
    params(("id" = i64, Path, description = "Notification id")),
    responses((status = 200, body = UnreadCount), (status = 404, body = ErrorBody)))]
pub async fn mark_read(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<i64>,
) -> Result<Json<UnreadCount>, ApiError> {
    let viewer = user.viewer();
    policy::may_read_inbox(&viewer)?;
    let found = state
        .store
        .mark_notification_read(
            &viewer.local_authority,
            id,
            &user.username,
            state.clock.now(),
        )
        .await?;
    let mut event = audit::user_event(
        &state,
        &user,
        "notification_read",
        if found { "success" } else { "not_found" },
    );
    event.details = serde_json::json!({ "notification": id });
    audit::record(&state, event).await?;
    if !found {
        return Err(ApiError::not_found("Your inbox has no such notification."));
    }
    let unread = state
        .store
        .unread_notifications(&viewer.local_authority)
        .await?;
    Ok(Json(UnreadCount { unread }))
}
