//! Adding, editing and ending an involvement with a child.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;

use super::change::{audit_change, audit_of, conflict, JsonBody, STALE};
use super::indicators::{involvement_of, view_of};
use crate::api::{ErrorBody, ErrorCode, InvolvementUpdate, InvolvementView, NewInvolvement};
use crate::model::validation::{self, FieldError};
use crate::model::{ConsentBasis, DirectoryId, Involvement, Organisation, Practitioner};
use crate::server::auth::AuthUser;
use crate::server::error::ApiError;
use crate::server::policy;
use crate::server::AppState;
use crate::store::{InvolvementDetails, InvolvementOf};

/// Practitioner contact details as entered: a name, and a phone or email that look right.
fn check_practitioner(p: &Practitioner) -> Result<Practitioner, FieldError> {
    let name = validation::required("practitioner.name", "Practitioner", &p.name)?;
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    let (phone, email) = (blank(&p.phone), blank(&p.email));
    if let Some(phone) = &phone {
        validation::phone("practitioner.phone", "Phone", phone)?;
    }
    if let Some(email) = &email {
        validation::email("practitioner.email", "Email", email)?;
    }
    Ok(Practitioner { name, phone, email })
}

/// Dates in order and not ahead of today; a consent basis for sensitive services.
fn check_details(
    org: &Organisation,
    start: chrono::NaiveDate,
    end: Option<chrono::NaiveDate>,
    consent: &Option<ConsentBasis>,
    today: chrono::NaiveDate,
) -> Result<(), ApiError> {
    validation::not_future("start_date", "Start date", start, today)?;
    if let Some(end) = end {
        validation::not_future("end_date", "End date", end, today)?;
        if end < start {
            return Err(FieldError::new("end_date", "End date", "is before the start date").into());
        }
    }
    match consent {
        None if org.kind.is_sensitive() => Err(ApiError::bad_request(format!(
            "Consent basis: {} is a sensitive service; record the child's consent (who gave it, when) \
             or that you suspect significant harm.",
            org.kind.label()
        ))),
        Some(ConsentBasis::Consent { given_by, given_on }) => {
            validation::required("consent.given_by", "Consent given by", given_by)?;
            validation::not_future("consent.given_on", "Consent given on", *given_on, today)?;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Record an organisation's involvement with a child: practitioners their own,
/// the directory team any.
#[utoipa::path(post, path = "/api/v1/children/{id}/involvements", params(("id" = String, Path, description = "Directory ID")),
    request_body = NewInvolvement,
    responses((status = 200, body = InvolvementView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn add(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<NewInvolvement>,
) -> Result<Json<InvolvementView>, ApiError> {
    let viewer = user.viewer();
    let id: DirectoryId = id
        .parse()
        .map_err(|e: crate::model::IdError| ApiError::bad_request(e.to_string()))?;
    let child = state
        .store
        .child(id.as_str())
        .await?
        .ok_or_else(|| ApiError::not_found("No child has that directory ID."))?;
    let code = body
        .organisation
        .clone()
        .unwrap_or_else(|| viewer.organisation.clone());
    let subjects = vec![id.to_string()];
    if let Err(e) =
        policy::may_add_involvement(&viewer, &child.local_authority, child.shielded, &code)
    {
        audit_change(&state, &user, "involvement_add", subjects, Err(&e)).await?;
        return Err(e);
    }
    let org = state
        .store
        .organisation(&code)
        .await?
        .ok_or_else(|| ApiError::bad_request("Organisation: no organisation has that code."))?;
    if child
        .involvements
        .iter()
        .any(|i| i.organisation.code == org.code && i.end_date.is_none())
    {
        return Err(ApiError::bad_request(format!(
            "{} is already involved with this child: edit that involvement instead.",
            org.name
        )));
    }
    let today = state.clock.now().date_naive();
    let practitioner = check_practitioner(&body.practitioner)?;
    check_details(&org, body.start_date, None, &body.consent, today)?;
    let involvement = Involvement {
        id: 0,
        organisation: org,
        practitioner: Some(practitioner),
        start_date: body.start_date,
        end_date: None,
        consent: body.consent,
        indicators: Default::default(),
        marks: Default::default(),
        version: 1,
    };
    let organisation = involvement.organisation.code.clone();
    let consent_basis = involvement.consent.as_ref().map(|c| match c {
        ConsentBasis::Consent { .. } => "consent",
        ConsentBasis::SignificantHarm => "significant_harm",
    });
    let audit = audit_of(
        &state,
        &user,
        "involvement_add",
        subjects,
        move |new_id: &i64| {
            Ok(serde_json::json!({
                "involvement": new_id,
                "organisation": organisation,
                "consent_basis": consent_basis,
            }))
        },
    );
    let new_id = state
        .store
        .add_involvement(id.as_str(), involvement, audit)
        .await?;
    let of = involvement_of(&state, new_id).await?;
    Ok(Json(view_of(&state, &viewer, of).await?))
}

/// Change an involvement's practitioner, dates or consent basis; an end date ends
/// it (it stays visible as history).
#[utoipa::path(put, path = "/api/v1/involvements/{id}", params(("id" = i64, Path, description = "Involvement id")),
    request_body = InvolvementUpdate,
    responses((status = 200, body = InvolvementView), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn update(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<InvolvementUpdate>,
) -> Result<Json<InvolvementView>, ApiError> {
    let viewer = user.viewer();
    let of = involvement_of(&state, id).await?;
    let subjects = vec![of.child_id.clone()];
    if let Err(e) = policy::involvement_edit(&viewer, &of) {
        audit_change(&state, &user, "involvement_update", subjects, Err(&e)).await?;
        return Err(e);
    }
    let today = state.clock.now().date_naive();
    let practitioner = check_practitioner(&body.practitioner)?;
    check_details(
        &of.involvement.organisation,
        body.start_date,
        body.end_date,
        &body.consent,
        today,
    )?;
    let details = InvolvementDetails {
        practitioner: Some(practitioner),
        start_date: body.start_date,
        end_date: body.end_date,
        consent: body.consent,
    };
    let was_current = of.involvement.end_date.is_none();
    let audit = audit_of(
        &state,
        &user,
        "involvement_update",
        subjects,
        move |saved: &Option<Involvement>| match saved {
            Some(i) => Ok(serde_json::json!({
                "involvement": id,
                "ended": i.end_date.is_some() && was_current,
            })),
            None => Err(ErrorCode::Conflict),
        },
    );
    let Some(involvement) = state
        .store
        .update_involvement(id, body.version, details, audit)
        .await?
    else {
        return Err(conflict(STALE));
    };
    let of = InvolvementOf { involvement, ..of };
    Ok(Json(view_of(&state, &viewer, of).await?))
}
