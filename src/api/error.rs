use serde::{Deserialize, Serialize};

/// The one error shape: `{"error": CODE, "message": TEXT}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorCode,
    /// What happened and what to do next, for a person to read.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    InvalidCredentials,
    AccountLocked,
    Unauthenticated,
    Forbidden,
    NotFound,
    ReasonRequired,
    SearchTooBroad,
    TooManyMatches,
    Conflict,
    RateLimited,
    Internal,
}

impl ErrorCode {
    /// The HTTP status that goes with each code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest | ErrorCode::ReasonRequired => 400,
            ErrorCode::InvalidCredentials | ErrorCode::Unauthenticated => 401,
            ErrorCode::AccountLocked | ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::SearchTooBroad | ErrorCode::TooManyMatches => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
        }
    }
}
