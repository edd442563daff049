//! Domain types shared by server and client. No I/O here.

mod audit;
mod checkpoint;
mod child;
mod ids;
mod maintenance;
pub mod names;
mod notification;
mod postcode;
mod protection;
mod reason;
mod service;
mod user;
pub mod validation;

pub use audit::{AuditEvent, ChainedAuditEvent, GENESIS_HASH};
pub use checkpoint::Checkpoint;
pub use child::{
    Address, AddressState, Carer, Child, FormerName, Gender, Relationship, ReturnIntent,
};
pub use ids::{DirectoryId, IdError, NhsNumber};
pub use maintenance::{ChangeReason, Identity, IdentityHistoryEntry, ShieldReason};
pub use notification::{NewNotification, Notification, NotificationKind};
pub use postcode::{Postcode, PostcodeError};
pub use protection::{
    CareSetting, FlagAccess, FlagAccessKind, LegalStatus, PlanType, ProtectionPlan,
    VisibilityWindow,
};
pub use reason::ReasonCode;
pub use service::{
    ConsentBasis, IndicatorMark, IndicatorMarks, Indicators, Involvement, OrgKind, Organisation,
    Practitioner,
};
pub use user::Role;
