//! Who may manage which accounts and organisations: `admin` everywhere, `la_admin`
//! within their own local authority, nobody else.

use crate::model::{Organisation, Role};
use crate::server::error::ApiError;
use crate::server::policy::Viewer;

fn not_an_administrator() -> ApiError {
    ApiError::forbidden("Only directory administrators manage accounts and organisations.")
}

/// May see the account list and the organisations at all.
pub fn may_manage_accounts(viewer: &Viewer) -> Result<(), ApiError> {
    match viewer.role {
        Role::Admin | Role::LaAdmin => Ok(()),
        _ => Err(not_an_administrator()),
    }
}

/// The local authority whose accounts the viewer manages; `None` means all of them.
pub fn managed_authority(viewer: &Viewer) -> Result<Option<&str>, ApiError> {
    match viewer.role {
        Role::Admin => Ok(None),
        Role::LaAdmin => Ok(Some(viewer.local_authority.as_str())),
        _ => Err(not_an_administrator()),
    }
}

/// May manage accounts (or edit the organisation itself) in `org`.
pub fn may_manage_in(viewer: &Viewer, org: &Organisation) -> Result<(), ApiError> {
    match managed_authority(viewer)? {
        Some(la) if la != org.local_authority => Err(ApiError::forbidden(
            "That organisation is outside your local authority.",
        )),
        _ => Ok(()),
    }
}

/// Which roles the viewer may give: a local authority administrator cannot make
/// national administrators or auditors.
pub fn may_grant(viewer: &Viewer, role: Role) -> Result<(), ApiError> {
    match (viewer.role, role) {
        (Role::Admin, _) => Ok(()),
        (Role::LaAdmin, Role::Admin | Role::Auditor) => Err(ApiError::forbidden(format!(
            "Only a directory administrator can give the {} role.",
            role.code()
        ))),
        (Role::LaAdmin, _) => Ok(()),
        _ => Err(not_an_administrator()),
    }
}

/// Nobody changes, disables or suspends their own account: another administrator must.
pub fn may_change_account(viewer_username: &str, target: &str) -> Result<(), ApiError> {
    if viewer_username == target {
        return Err(ApiError::forbidden(
            "You cannot change your own account here: ask another administrator.",
        ));
    }
    Ok(())
}
