//! Domain types shared by server and client. No I/O here.

mod audit;
mod child;
mod ids;
pub mod names;
mod notification;
mod postcode;
mod protection;
mod reason;
mod service;
mod user;

pub use audit::{AuditEvent, ChainedAuditEvent, GENESIS_HASH};
pub use child::{
    Address, AddressState, Carer, Child, FormerName, Gender, Relationship, ReturnIntent,
};
pub use ids::{DirectoryId, IdError, NhsNumber};
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
