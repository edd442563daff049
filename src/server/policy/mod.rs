//! Every access rule in one place: what a role, from its organisation, may do and
//! see. Handlers ask here; they never test roles themselves. One file per area.

pub mod accounts;
pub mod audit;
mod maintenance;
mod protection;
mod records;

pub use maintenance::{
    duplicate_scope, involvement_edit, may_add_involvement, may_create_child, may_maintain,
    may_override_shield, may_set_indicators,
};
pub use protection::{
    may_find_unborn_subjects, may_read_inbox, may_record_attendance, may_see_viewers,
    may_upload_feed, may_view_silently, protection_flag, sees_flags,
};
pub use records::{
    involvement_view, may_read_record, may_search, overridden_view, record_view, search_hit,
    visible_in_search,
};

use crate::model::Role;

/// The caller as policy sees them.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub role: Role,
    pub organisation: String,
    /// The local authority the caller's organisation belongs to.
    pub local_authority: String,
}

impl Viewer {
    /// Directory administrators see hidden fields to broker contact: `admin`
    /// everywhere, `la_admin` for children of their own authority.
    pub(crate) fn administers(&self, child_local_authority: &str) -> bool {
        match self.role {
            Role::Admin => true,
            Role::LaAdmin => self.local_authority == child_local_authority,
            _ => false,
        }
    }
}
