//! The HTTP surface: `/api/v1/...`, `/healthz`, and the request-wide layers.

pub(super) mod auth;
pub(super) mod children;
pub(super) mod demo;
pub(super) mod feeds;
pub(super) mod protection;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::RngCore;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use super::auth::RequestId;
use super::openapi;
use super::AppState;

/// 100,000 plans as CSV take about 12 MB.
const FEED_LIMIT: usize = 64 * 1024 * 1024;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/v1/login", post(auth::login))
        .route("/api/v1/logout", post(auth::logout))
        .route("/api/v1/children", get(children::search))
        .route("/api/v1/children/{id}", get(children::read))
        .route("/api/v1/demo/accounts", get(demo::accounts))
        .route("/api/v1/protection/subjects", get(protection::subjects))
        .route("/api/v1/protection/{subject}", get(protection::silent_view))
        .route(
            "/api/v1/protection/{subject}/attendances",
            post(protection::attend),
        )
        .route("/api/v1/inbox", get(protection::inbox))
        .route("/api/v1/inbox/unread", get(protection::unread))
        .route("/api/v1/inbox/{id}/read", post(protection::mark_read))
        .route("/api/v1/openapi.json", get(|| async { Json(openapi::document()) }))
        .route("/healthz", get(|| async { "ok" }))
        .layer(RequestBodyLimitLayer::new(1024 * 1024))
        // A feed is a whole authority's plans: it gets its own, larger limit.
        .merge(
            Router::new()
                .route("/api/v1/feeds", post(feeds::upload))
                .layer(DefaultBodyLimit::max(FEED_LIMIT))
                .layer(RequestBodyLimitLayer::new(FEED_LIMIT)),
        )
        // Spans name the route template, never the path or query: those hold names.
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string());
            tracing::info_span!("request", method = %req.method(), route = route.as_deref().unwrap_or("-"))
        }))
        .layer(middleware::from_fn(assign_request_id))
        .with_state(state)
}

/// Gives each request an id, returned as `x-request-id` and kept in its audit events.
async fn assign_request_id(mut req: Request, next: Next) -> Response {
    let mut bytes = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut bytes);
    let id = hex::encode(bytes);
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut resp = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}
