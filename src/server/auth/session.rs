//! Opaque session tokens (256 random bits, stored only as SHA-256) and the
//! extractors that turn a request into a known user and its context.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use chrono::Duration;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::model::Role;
use crate::server::error::ApiError;
use crate::server::policy::Viewer;
use crate::server::AppState;

/// Sessions are touched at most this often, so reads do not each become a write.
const TOUCH_EVERY: Duration = Duration::seconds(60);

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Where a request came from and its id, for the audit trail.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
}

/// The request id set by the `request_id` middleware.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestContext {
            client_addr: parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string()),
            request_id: parts.extensions.get::<RequestId>().map(|r| r.0.clone()),
        })
    }
}

/// A logged-in user, checked on every request: the session exists, is neither idle
/// too long nor too old, and the account is still enabled.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub organisation: String,
    /// The local authority of the user's organisation (empty if it is unknown).
    pub local_authority: String,
    pub token_hash: String,
    pub context: RequestContext,
}

impl AuthUser {
    /// Who is asking, as the access policy sees them.
    pub fn viewer(&self) -> Viewer {
        Viewer {
            role: self.role,
            organisation: self.organisation.clone(),
            local_authority: self.local_authority.clone(),
        }
    }
}

impl FromRequestParts<Arc<AppState>> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let context = RequestContext::from_request_parts(parts, state)
            .await
            .unwrap_or_default();
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(ApiError::unauthenticated)?;
        let hash = token_hash(token.trim());
        let session = state
            .store
            .session(&hash)
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        let now = state.clock.now();
        let cfg = &state.config;
        if now - session.last_seen > cfg.session_idle
            || now - session.created_at > cfg.session_lifetime
        {
            state.store.end_session(&hash).await?;
            return Err(ApiError::unauthenticated());
        }
        if session.disabled {
            state.store.end_session(&hash).await?;
            return Err(ApiError::unauthenticated());
        }
        if now - session.last_seen > TOUCH_EVERY {
            state.store.touch_session(&hash, now).await?;
        }
        Ok(AuthUser {
            username: session.username,
            display_name: session.display_name,
            role: session.role,
            organisation: session.organisation,
            local_authority: session.local_authority,
            token_hash: hash,
            context,
        })
    }
}
