//! Who may review the audit trail, and how much of it.

use crate::model::Role;
use crate::server::error::ApiError;
use crate::server::policy::Viewer;

/// How much of the trail a reviewer sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditScope {
    Everything,
    /// Events by users of this local authority's organisations.
    Authority(String),
}

pub fn audit_scope(viewer: &Viewer) -> Result<AuditScope, ApiError> {
    match viewer.role {
        Role::Auditor | Role::Admin => Ok(AuditScope::Everything),
        Role::LaAdmin => Ok(AuditScope::Authority(viewer.local_authority.clone())),
        _ => Err(ApiError::forbidden(
            "Only auditors and directory administrators review the audit trail.",
        )),
    }
}

/// Signing a checkpoint on demand: national reviewers only.
pub fn may_checkpoint(viewer: &Viewer) -> Result<(), ApiError> {
    match viewer.role {
        Role::Auditor | Role::Admin => Ok(()),
        _ => Err(ApiError::forbidden(
            "Only auditors and directory administrators sign audit checkpoints.",
        )),
    }
}

/// A subject-access export: administrators of the child's authority.
pub fn may_export_subject_access(
    viewer: &Viewer,
    child_local_authority: &str,
) -> Result<(), ApiError> {
    if viewer.administers(child_local_authority) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only the child's directory administrators export subject access reports.",
        ))
    }
}
