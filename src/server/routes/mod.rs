//! The HTTP surface: `/api/v1/...`, `/healthz`, and the request-wide layers.

pub(super) mod auth;
mod change;
pub(super) mod children;
pub(super) mod demo;
pub(super) mod duplicates;
pub(super) mod indicators;
pub(super) mod involvements;
pub(super) mod records_admin;

use std::sync::Arc;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use rand::RngCore;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use super::auth::RequestId;
use super::openapi;
use super::AppState;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/v1/login", post(auth::login))
        .route("/api/v1/logout", post(auth::logout))
        .route("/api/v1/children", get(children::search).post(records_admin::create))
        .route("/api/v1/children/{id}", get(children::read))
        .route("/api/v1/demo/accounts", get(demo::accounts))
        .route("/api/v1/involvements/{id}", get(indicators::read).put(involvements::update))
        .route("/api/v1/involvements/{id}/indicators", put(indicators::update))
        .route("/api/v1/children/{id}/involvements", post(involvements::add))
        .route("/api/v1/children/{id}/identity", put(records_admin::identity))
        .route("/api/v1/children/{id}/history", get(records_admin::history))
        .route("/api/v1/children/{id}/carers", post(records_admin::add_carer))
        .route(
            "/api/v1/children/{id}/carers/{carer}",
            put(records_admin::update_carer).delete(records_admin::remove_carer),
        )
        .route("/api/v1/children/{id}/address", put(records_admin::address))
        .route("/api/v1/children/{id}/death", put(records_admin::death))
        .route("/api/v1/children/{id}/shield", put(records_admin::shield))
        .route("/api/v1/children/{id}/override", post(records_admin::override_shield))
        .route("/api/v1/organisations", get(records_admin::organisations))
        .route("/api/v1/duplicates", get(duplicates::list))
        .route("/api/v1/merges", post(duplicates::merge))
        .route("/api/v1/openapi.json", get(|| async { Json(openapi::document()) }))
        .route("/healthz", get(|| async { "ok" }))
        .layer(RequestBodyLimitLayer::new(1024 * 1024))
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
