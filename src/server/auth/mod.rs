//! Who is calling: two-factor login, sessions, and the authenticated-user extractor.

mod login;
mod password;
mod session;
pub mod totp;

pub use login::login;
pub use password::PasswordHasher;
pub use session::{AuthUser, RequestContext, RequestId};
