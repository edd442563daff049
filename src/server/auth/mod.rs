//! Who is calling: two-factor login, sessions, and the authenticated-user extractor.

pub mod enrol;
mod login;
mod password;
pub mod password_rules;
mod session;
pub mod totp;

pub use login::{login, open_session};
pub use password::PasswordHasher;
pub use session::{AuthUser, RequestContext, RequestId};
