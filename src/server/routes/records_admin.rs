//! The directory team's changes to a record: create, identity (with history),
//! carers, address, death, shielding; and the shield override.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::Json;
use rand::Rng;

use super::change::{audit_change, audit_of, conflict, JsonBody, STALE};
use super::children::contacts;
use crate::api::{
    AddressUpdate, CarerInput, ChildRecord, Created, DeathRecord, ErrorBody, ErrorCode,
    IdentityHistory, IdentityUpdate, NewChild, Organisations, ShieldOverride, ShieldUpdate,
    VersionParam,
};
use crate::model::validation::{self, FieldError};
use crate::model::{
    AddressState, Carer, ChangeReason, Child, DirectoryId, FormerName, Identity, NewNotification,
    NotificationKind, ReasonCode,
};
use crate::server::auth::AuthUser;
use crate::server::error::ApiError;
use crate::server::policy::{self, Viewer};
use crate::server::AppState;
use crate::store::{ChangedBy, ChildChange, ChildOutcome, StoreError};

fn check_identity(i: &Identity, today: chrono::NaiveDate) -> Result<Identity, FieldError> {
    Ok(Identity {
        family_name: validation::required("family_name", "Family name", &i.family_name)?,
        given_names: validation::required("given_names", "Given names", &i.given_names)?,
        former_names: i.former_names.clone(),
        date_of_birth: {
            validation::date_of_birth(i.date_of_birth, today)?;
            i.date_of_birth
        },
        gender: i.gender,
        nhs_number: i.nhs_number.clone(),
    })
}

fn check_address(a: &AddressState) -> Result<(), FieldError> {
    if let AddressState::Current { address } | AddressState::LastKnown { address } = a {
        if address.lines.iter().all(|l| l.trim().is_empty()) {
            return Err(FieldError::new(
                "address.lines",
                "Address",
                "this is required",
            ));
        }
        validation::required("address.town", "Town", &address.town)?;
    }
    Ok(())
}

fn check_carer(c: &CarerInput) -> Result<Carer, FieldError> {
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    let (phone, email) = (blank(&c.phone), blank(&c.email));
    if let Some(p) = &phone {
        validation::phone("phone", "Phone", p)?;
    }
    if let Some(e) = &email {
        validation::email("email", "Email", e)?;
    }
    Ok(Carer {
        id: 0,
        name: validation::required("name", "Carer's name", &c.name)?,
        relationship: c.relationship,
        parental_responsibility: c.parental_responsibility,
        phone,
        email,
    })
}

fn parse_id(id: &str) -> Result<DirectoryId, ApiError> {
    id.parse()
        .map_err(|e: crate::model::IdError| ApiError::bad_request(e.to_string()))
}

/// The record as its administrator sees it after a change.
async fn admin_view(
    state: &AppState,
    viewer: &Viewer,
    child: Child,
) -> Result<ChildRecord, ApiError> {
    let (la, broker) = contacts(state, &child.local_authority).await?;
    let mut view = policy::record_view(viewer, child, la.as_ref(), &broker);
    view.date_of_death = state.store.date_of_death(&view.id).await?;
    Ok(view)
}

/// Checks the caller administers the child, then applies one change based on `version`.
async fn change(
    state: &Arc<AppState>,
    user: &AuthUser,
    id: &str,
    version: i64,
    action: &str,
    change: ChildChange,
    details: serde_json::Value,
) -> Result<Json<ChildRecord>, ApiError> {
    let viewer = user.viewer();
    let id = parse_id(id)?;
    let child = state
        .store
        .child(id.as_str())
        .await?
        .ok_or_else(|| ApiError::not_found("No child has that directory ID."))?;
    let subjects = vec![id.to_string()];
    if let Err(e) = policy::may_maintain(&viewer, &child.local_authority) {
        audit_change(state, user, action, subjects, Err(&e)).await?;
        return Err(e);
    }
    let by = ChangedBy {
        name: user.display_name.clone(),
        at: state.clock.now(),
    };
    let audit = audit_of(
        state,
        user,
        action,
        subjects,
        move |outcome: &ChildOutcome| match outcome {
            ChildOutcome::Written { .. } => Ok(details),
            ChildOutcome::Stale => Err(ErrorCode::Conflict),
            ChildOutcome::NotFound | ChildOutcome::NoSuchCarer => Err(ErrorCode::NotFound),
        },
    );
    let outcome = state
        .store
        .change_child(id.as_str(), version, change, by, audit)
        .await
        .map_err(|e| match e {
            StoreError::AlreadyExists(what) => {
                ApiError::bad_request(format!("NHS number: {what} already exists."))
            }
            e => e.into(),
        })?;
    match outcome {
        ChildOutcome::Written { after, .. } => Ok(Json(admin_view(state, &viewer, *after).await?)),
        ChildOutcome::Stale => Err(conflict(STALE)),
        ChildOutcome::NotFound => Err(ApiError::not_found("No child has that directory ID.")),
        ChildOutcome::NoSuchCarer => Err(ApiError::not_found("This child has no such carer.")),
    }
}

/// Create a child record (directory team).
#[utoipa::path(post, path = "/api/v1/children", request_body = NewChild,
    responses((status = 200, body = Created), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    JsonBody(body): JsonBody<NewChild>,
) -> Result<Json<Created>, ApiError> {
    let viewer = user.viewer();
    let la = body
        .local_authority
        .clone()
        .unwrap_or_else(|| viewer.local_authority.clone());
    if let Err(e) = policy::may_create_child(&viewer, &la) {
        audit_change(&state, &user, "child_create", vec![], Err(&e)).await?;
        return Err(e);
    }
    let today = state.clock.now().date_naive();
    let identity = check_identity(&body.identity, today)?;
    check_address(&body.address)?;
    let id = DirectoryId::from_number(rand::thread_rng().gen_range(0..1u64 << 40));
    let child = Child {
        id: id.clone(),
        nhs_number: identity.nhs_number,
        family_name: identity.family_name,
        given_names: identity.given_names,
        former_names: identity.former_names,
        date_of_birth: identity.date_of_birth,
        gender: identity.gender,
        address: body.address,
        local_authority: la,
        shielded: false,
        carers: vec![],
        involvements: vec![],
        version: 1,
    };
    state
        .store
        .insert_children(vec![child])
        .await
        .map_err(|e| match e {
            StoreError::AlreadyExists(_) => ApiError::bad_request(
                "NHS number: a record with that NHS number already exists. Search for it instead.",
            ),
            e => e.into(),
        })?;
    audit_change(
        &state,
        &user,
        "child_create",
        vec![id.to_string()],
        Ok(serde_json::json!({})),
    )
    .await?;
    Ok(Json(Created { id: id.to_string() }))
}

/// Correct or change identity; the previous version is kept with who, when and why.
#[utoipa::path(put, path = "/api/v1/children/{id}/identity", params(("id" = String, Path, description = "Directory ID")),
    request_body = IdentityUpdate,
    responses((status = 200, body = ChildRecord), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn identity(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<IdentityUpdate>,
) -> Result<Json<ChildRecord>, ApiError> {
    let today = state.clock.now().date_naive();
    let mut identity = check_identity(&body.identity, today)?;
    let current = state.store.child(parse_id(&id)?.as_str()).await?;
    // A change of name keeps the old one searchable.
    if let (ChangeReason::ChangeOfName, Some(c)) = (body.why, &current) {
        let old = FormerName {
            family_name: c.family_name.clone(),
            given_names: c.given_names.clone(),
        };
        if old.family_name != identity.family_name && !identity.former_names.contains(&old) {
            identity.former_names.push(old);
        }
    }
    let fields: Vec<&str> = match &current {
        Some(c) => [
            ("family_name", c.family_name != identity.family_name),
            ("given_names", c.given_names != identity.given_names),
            ("date_of_birth", c.date_of_birth != identity.date_of_birth),
            ("gender", c.gender != identity.gender),
            ("nhs_number", c.nhs_number != identity.nhs_number),
        ]
        .into_iter()
        .filter(|(_, changed)| *changed)
        .map(|(f, _)| f)
        .collect(),
        None => vec![],
    };
    let details = serde_json::json!({ "fields": fields, "why": body.why });
    let why = body.why;
    change(
        &state,
        &user,
        &id,
        body.version,
        "identity_update",
        ChildChange::Identity { identity, why },
        details,
    )
    .await
}

/// Earlier identities, newest first.
#[utoipa::path(get, path = "/api/v1/children/{id}/history", params(("id" = String, Path, description = "Directory ID")),
    responses((status = 200, body = IdentityHistory), (status = 403, body = ErrorBody)))]
pub async fn history(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<IdentityHistory>, ApiError> {
    let viewer = user.viewer();
    let id = parse_id(&id)?;
    let child = state
        .store
        .child(id.as_str())
        .await?
        .ok_or_else(|| ApiError::not_found("No child has that directory ID."))?;
    let allowed = policy::may_maintain(&viewer, &child.local_authority);
    audit_change(
        &state,
        &user,
        "identity_history_read",
        vec![id.to_string()],
        allowed.as_ref().map(|_| serde_json::json!({})),
    )
    .await?;
    allowed?;
    Ok(Json(IdentityHistory {
        entries: state.store.identity_history(id.as_str()).await?,
    }))
}

#[utoipa::path(post, path = "/api/v1/children/{id}/carers", params(("id" = String, Path, description = "Directory ID")),
    request_body = CarerInput, responses((status = 200, body = ChildRecord), (status = 400, body = ErrorBody)))]
pub async fn add_carer(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CarerInput>,
) -> Result<Json<ChildRecord>, ApiError> {
    let carer = check_carer(&body)?;
    change(
        &state,
        &user,
        &id,
        body.version,
        "carer_add",
        ChildChange::AddCarer(carer),
        serde_json::json!({}),
    )
    .await
}

#[utoipa::path(put, path = "/api/v1/children/{id}/carers/{carer}", params(("id" = String, Path, description = "Directory ID"), ("carer" = i64, Path, description = "Carer id")),
    request_body = CarerInput, responses((status = 200, body = ChildRecord), (status = 400, body = ErrorBody)))]
pub async fn update_carer(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path((id, carer_id)): Path<(String, i64)>,
    JsonBody(body): JsonBody<CarerInput>,
) -> Result<Json<ChildRecord>, ApiError> {
    let carer = Carer {
        id: carer_id,
        ..check_carer(&body)?
    };
    let details = serde_json::json!({ "carer": carer_id });
    change(
        &state,
        &user,
        &id,
        body.version,
        "carer_update",
        ChildChange::UpdateCarer(carer),
        details,
    )
    .await
}

#[utoipa::path(delete, path = "/api/v1/children/{id}/carers/{carer}", params(("id" = String, Path, description = "Directory ID"), ("carer" = i64, Path, description = "Carer id"), VersionParam),
    responses((status = 200, body = ChildRecord), (status = 404, body = ErrorBody)))]
pub async fn remove_carer(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path((id, carer_id)): Path<(String, i64)>,
    Query(v): Query<VersionParam>,
) -> Result<Json<ChildRecord>, ApiError> {
    let details = serde_json::json!({ "carer": carer_id });
    change(
        &state,
        &user,
        &id,
        v.version,
        "carer_remove",
        ChildChange::RemoveCarer(carer_id),
        details,
    )
    .await
}

#[utoipa::path(put, path = "/api/v1/children/{id}/address", params(("id" = String, Path, description = "Directory ID")),
    request_body = AddressUpdate, responses((status = 200, body = ChildRecord), (status = 400, body = ErrorBody)))]
pub async fn address(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AddressUpdate>,
) -> Result<Json<ChildRecord>, ApiError> {
    check_address(&body.address)?;
    let state_name = match &body.address {
        AddressState::Current { .. } => "current",
        AddressState::LastKnown { .. } => "last_known",
        AddressState::NoAddressKnown => "no_address_known",
        AddressState::LeftEngland { .. } => "left_england",
    };
    let details = serde_json::json!({ "state": state_name });
    change(
        &state,
        &user,
        &id,
        body.version,
        "address_update",
        ChildChange::Address(body.address),
        details,
    )
    .await
}

#[utoipa::path(put, path = "/api/v1/children/{id}/death", params(("id" = String, Path, description = "Directory ID")),
    request_body = DeathRecord, responses((status = 200, body = ChildRecord), (status = 400, body = ErrorBody)))]
pub async fn death(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<DeathRecord>,
) -> Result<Json<ChildRecord>, ApiError> {
    let today = state.clock.now().date_naive();
    validation::not_future("date_of_death", "Date of death", body.date_of_death, today)?;
    change(
        &state,
        &user,
        &id,
        body.version,
        "death_recorded",
        ChildChange::Deceased(body.date_of_death),
        serde_json::json!({}),
    )
    .await
}

#[utoipa::path(put, path = "/api/v1/children/{id}/shield", params(("id" = String, Path, description = "Directory ID")),
    request_body = ShieldUpdate, responses((status = 200, body = ChildRecord), (status = 403, body = ErrorBody)))]
pub async fn shield(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ShieldUpdate>,
) -> Result<Json<ChildRecord>, ApiError> {
    let action = if body.shielded { "shield" } else { "unshield" };
    let details = serde_json::json!({ "reason": body.reason });
    change(
        &state,
        &user,
        &id,
        body.version,
        action,
        ChildChange::Shield(body.shielded),
        details,
    )
    .await
}

/// Open a shielded record in full, once, under the override right. Triggers an
/// investigation: it is audited and the responsible authority's directory team is alerted.
#[utoipa::path(post, path = "/api/v1/children/{id}/override", params(("id" = String, Path, description = "Directory ID")),
    request_body = ShieldOverride, responses((status = 200, body = ChildRecord), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn override_shield(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ShieldOverride>,
) -> Result<Json<ChildRecord>, ApiError> {
    let viewer = user.viewer();
    let id = parse_id(&id)?;
    let duty = state.store.child_protection_duty(&user.username).await?;
    let subjects = vec![id.to_string()];
    if let Err(e) = policy::may_override_shield(&viewer, duty) {
        audit_change(&state, &user, "shield_override", subjects, Err(&e)).await?;
        return Err(e);
    }
    let text = body
        .reason_text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if !body.acknowledge_investigation {
        return Err(ApiError::bad_request(
            "Confirm you understand that an override triggers an investigation.",
        ));
    }
    if body.reason == ReasonCode::Other && text.is_none() {
        return Err(ApiError::new(
            crate::api::ErrorCode::ReasonRequired,
            "The reason 'other' needs a short explanation.",
        ));
    }
    let child = state
        .store
        .child(id.as_str())
        .await?
        .ok_or_else(|| ApiError::not_found("No child has that directory ID."))?;
    if !child.shielded {
        return Err(ApiError::bad_request(
            "This record is not shielded: open it as usual.",
        ));
    }
    let mut event = crate::server::audit::user_event(&state, &user, "shield_override", "success");
    event.subjects = subjects;
    event.reason = Some(match text {
        Some(t) => format!("{}: {t}", body.reason.code()),
        None => body.reason.code().to_string(),
    });
    crate::server::audit::record(&state, event).await?;
    let (la, broker) = contacts(&state, &child.local_authority).await?;
    state
        .store
        .add_notification(NewNotification {
            kind: NotificationKind::ShieldOverride,
            recipient_organisation: broker.code.clone(),
            child_id: Some(id.to_string()),
            from_username: user.username.clone(),
            from_organisation: user.organisation.clone(),
            details: serde_json::json!({ "reason": body.reason }),
            created_at: state.clock.now(),
        })
        .await?;
    Ok(Json(policy::overridden_view(
        &viewer,
        child,
        la.as_ref(),
        &broker,
    )))
}

/// Every organisation, for the pickers in editors.
#[utoipa::path(get, path = "/api/v1/organisations", responses((status = 200, body = Organisations)))]
pub async fn organisations(
    State(state): State<Arc<AppState>>,
    _user: AuthUser,
) -> Result<Json<Organisations>, ApiError> {
    Ok(Json(Organisations {
        organisations: state.store.organisations().await?,
    }))
}
