//! Wire types of the HTTP API under `/api/v1/`: one place for both server and client.

mod accounts;
mod audit_review;
mod auth;
mod children;
mod demo;
mod error;
mod maintenance;
mod protection;

pub use accounts::{
    AccountActionResult, AccountList, AccountView, CreatedAccount, EnrolFinishRequest,
    EnrolStartRequest, EnrolStartResponse, EnrolmentCode, NewAccountRequest, PasswordChange,
    RoleChange, SessionList, SessionView,
};
pub use audit_review::{
    AccessEntry, AuditEvents, AuditQuery, CheckpointList, MisuseFinding, MisuseReport,
    MisuseSuspect, SubjectAccess, SuspendRequest,
};
pub use auth::{LoginRequest, LoginResponse, UserSummary};
pub use children::{
    CarerView, ChildRecord, InvolvementView, LocalAuthorityContact, SearchHit, SearchParams,
    SearchResponse,
};
pub use demo::{DemoAccount, DemoAccounts};
pub use error::{ErrorBody, ErrorCode};
pub use maintenance::{
    AddressUpdate, CarerInput, Created, DeathRecord, DuplicatePair, DuplicateSide, Duplicates,
    IdentityHistory, IdentityUpdate, IndicatorUpdate, InvolvementUpdate, MergeRequest, MergeResult,
    NewChild, NewInvolvement, Organisations, ShieldOverride, ShieldUpdate, VersionParam,
};
pub use protection::{
    AttendanceRequest, AuthorityContact, FeedAck, FeedRowAck, InboxEntry, InboxResponse, PlanView,
    ProtectedSubject, ProtectionDetail, ProtectionFlag, RejectCode, RowStatus, SubjectQuery,
    SubjectSearchResponse, UnreadCount,
};

/// Search results are capped at this by default; `limit` may raise it up to `MAX_LIMIT`.
pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 50;
