//! CP-IS: who sees a protection flag, who may open it and how, and who hears of it.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::Viewer;
use crate::api::{AuthorityContact, PlanView, ProtectionFlag};
use crate::model::{ProtectionPlan, Role, VisibilityWindow};
use crate::server::error::ApiError;

/// Whether the viewer's role sees flags at all; lets handlers skip the lookups.
pub fn sees_flags(viewer: &Viewer) -> bool {
    matches!(
        viewer.role,
        Role::UnscheduledCare | Role::SocialCare | Role::LaAdmin | Role::Admin
    )
}

/// Unscheduled and social care see every flag; directory administrators those
/// they administer; practitioners and auditors none.
fn may_see_plan(viewer: &Viewer, plan: &ProtectionPlan) -> bool {
    match viewer.role {
        Role::UnscheduledCare | Role::SocialCare => true,
        Role::LaAdmin | Role::Admin => viewer.administers(&plan.local_authority),
        Role::Practitioner | Role::Auditor => false,
    }
}

/// The flag as this viewer may see it: plans in the window, active first; `None`
/// when there is nothing to show, so the field is absent from the JSON.
pub fn protection_flag(
    viewer: &Viewer,
    plans: &[ProtectionPlan],
    authority_names: &HashMap<String, String>,
    window: &VisibilityWindow,
    today: NaiveDate,
) -> Option<ProtectionFlag> {
    let mut shown: Vec<PlanView> = plans
        .iter()
        .filter(|p| may_see_plan(viewer, p) && window.shows(p, today))
        .map(|p| PlanView {
            plan_type: p.plan_type,
            banner: p.plan_type.banner().to_string(),
            legal_status: p.legal_status,
            start_date: p.start_date,
            end_date: p.end_date,
            due_date: p.due_date,
            // A plan ended today is no longer active.
            active: p.end_date.is_none_or(|end| end > today),
            authority: AuthorityContact {
                code: p.local_authority.clone(),
                name: authority_names
                    .get(&p.local_authority)
                    .cloned()
                    .unwrap_or_else(|| format!("Local authority {}", p.local_authority)),
                office_hours_phone: p.office_hours_phone.clone(),
                out_of_hours_phone: p.out_of_hours_phone.clone(),
            },
        })
        .collect();
    shown.sort_by_key(|p| (!p.active, std::cmp::Reverse(p.start_date)));
    (!shown.is_empty()).then_some(ProtectionFlag { plans: shown })
}

/// Opening the flag at booking-in records an attendance and notifies the authority.
pub fn may_record_attendance(viewer: &Viewer) -> Result<(), ApiError> {
    match viewer.role {
        Role::UnscheduledCare => Ok(()),
        _ => Err(ApiError::forbidden(
            "Only unscheduled care staff record attendances.",
        )),
    }
}

/// Viewing without notifying: the authorities themselves and directory
/// administrators. Unscheduled care must record the attendance instead.
pub fn may_view_silently(viewer: &Viewer) -> Result<(), ApiError> {
    match viewer.role {
        Role::SocialCare | Role::LaAdmin | Role::Admin => Ok(()),
        Role::UnscheduledCare => Err(ApiError::forbidden(
            "Record the attendance to open the flag: the authority is told who looked.",
        )),
        _ => Err(ApiError::forbidden(
            "Your role cannot see child protection flags.",
        )),
    }
}

/// Who viewed a flag is for the responsible authority's own staff.
pub fn may_see_viewers(viewer: &Viewer, plan_authority: &str) -> bool {
    match viewer.role {
        Role::SocialCare => viewer.local_authority == plan_authority,
        Role::LaAdmin | Role::Admin => viewer.administers(plan_authority),
        _ => false,
    }
}

/// Pregnant women with unborn plans are findable only at unscheduled care.
pub fn may_find_unborn_subjects(viewer: &Viewer) -> Result<(), ApiError> {
    match viewer.role {
        Role::UnscheduledCare => Ok(()),
        _ => Err(ApiError::forbidden(
            "Only unscheduled care staff search for unborn child plans.",
        )),
    }
}

/// The inbox of access notifications is for the authority's social care staff.
pub fn may_read_inbox(viewer: &Viewer) -> Result<(), ApiError> {
    match viewer.role {
        Role::SocialCare => Ok(()),
        _ => Err(ApiError::forbidden(
            "The access notification inbox is for children's social care.",
        )),
    }
}

/// A local authority's directory team uploads its own authority's plans.
pub fn may_upload_feed(viewer: &Viewer) -> Result<&str, ApiError> {
    match viewer.role {
        Role::LaAdmin if !viewer.local_authority.is_empty() => Ok(&viewer.local_authority),
        _ => Err(ApiError::forbidden(
            "Only a local authority's directory team uploads its plans.",
        )),
    }
}
