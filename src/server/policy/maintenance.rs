//! Who may change what: practitioners their own organisation's involvements,
//! directory administrators the records of their authority (or all, for `admin`),
//! and `social_care` users with a child-protection duty may override a shield.

use super::Viewer;
use crate::model::Role;
use crate::server::error::ApiError;
use crate::store::InvolvementOf;

/// Roles whose staff work with children and so hold involvements.
fn works_with_children(role: Role) -> bool {
    matches!(
        role,
        Role::Practitioner | Role::SocialCare | Role::UnscheduledCare
    )
}

/// Indicators are set by the involvement's own organisation, or by an administrator
/// of the child's authority; never on an ended involvement.
pub fn may_set_indicators(viewer: &Viewer, of: &InvolvementOf) -> Result<(), ApiError> {
    involvement_edit(viewer, of)?;
    if of.involvement.end_date.is_some() {
        return Err(ApiError::bad_request(
            "This involvement has ended: its indicators can no longer change.",
        ));
    }
    Ok(())
}

/// Editing or ending an involvement: its own organisation's staff (unless the
/// record is shielded from them) or the child's administrators.
pub fn involvement_edit(viewer: &Viewer, of: &InvolvementOf) -> Result<(), ApiError> {
    if viewer.administers(&of.child_local_authority) {
        return Ok(());
    }
    let own =
        works_with_children(viewer.role) && of.involvement.organisation.code == viewer.organisation;
    if !own {
        return Err(ApiError::forbidden(
            "Only the involvement's own organisation, or the directory team, can change it.",
        ));
    }
    if of.child_shielded {
        return Err(ApiError::forbidden(
            "This record is shielded: ask your local authority's directory team to make the change.",
        ));
    }
    Ok(())
}

/// Adding an involvement: practitioners for their own organisation, administrators for any.
pub fn may_add_involvement(
    viewer: &Viewer,
    child_local_authority: &str,
    child_shielded: bool,
    organisation: &str,
) -> Result<(), ApiError> {
    if viewer.administers(child_local_authority) {
        return Ok(());
    }
    if !works_with_children(viewer.role) {
        return Err(ApiError::forbidden(
            "Your role does not record involvements with children.",
        ));
    }
    if organisation != viewer.organisation {
        return Err(ApiError::forbidden(
            "You can add only your own organisation's involvement; the directory team adds others.",
        ));
    }
    if child_shielded {
        return Err(ApiError::forbidden(
            "This record is shielded: ask your local authority's directory team to add your involvement.",
        ));
    }
    Ok(())
}

/// Identity, carers, address, deaths and shielding: the child's administrators only.
pub fn may_maintain(viewer: &Viewer, child_local_authority: &str) -> Result<(), ApiError> {
    if viewer.administers(child_local_authority) {
        return Ok(());
    }
    Err(ApiError::forbidden(match viewer.role {
        Role::LaAdmin => "You maintain only the records of your own local authority.",
        _ => "Only the directory team can change a child's record.",
    }))
}

pub fn may_create_child(viewer: &Viewer, local_authority: &str) -> Result<(), ApiError> {
    may_maintain(viewer, local_authority)
}

/// The override right: social care staff with a child-protection duty.
pub fn may_override_shield(viewer: &Viewer, child_protection_duty: bool) -> Result<(), ApiError> {
    if viewer.role == Role::SocialCare && child_protection_duty {
        return Ok(());
    }
    Err(ApiError::forbidden(
        "Overriding a shield needs a child-protection duty in social care.",
    ))
}

/// Which records a duplicate scan covers: all for `admin`, one authority for `la_admin`.
pub fn duplicate_scope(viewer: &Viewer) -> Result<Option<String>, ApiError> {
    match viewer.role {
        Role::Admin => Ok(None),
        Role::LaAdmin => Ok(Some(viewer.local_authority.clone())),
        _ => Err(ApiError::forbidden(
            "Only the directory team reviews possible duplicates.",
        )),
    }
}
