//! The HTTP surface: `/api/v1/...`, `/healthz`, and the request-wide layers.

pub(super) mod accounts;
pub(super) mod audit_review;
pub(super) mod auth;
mod change;
pub(super) mod children;
pub(super) mod demo;
pub(super) mod duplicates;
pub(super) mod enrolment;
pub(super) mod feeds;
pub(super) mod indicators;
pub(super) mod involvements;
pub(super) mod protection;
pub(super) mod records_admin;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
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
        .route("/api/v1/duplicates", get(duplicates::list))
        .route("/api/v1/merges", post(duplicates::merge))
        .route("/api/v1/users", get(accounts::list).post(accounts::create))
        .route("/api/v1/users/{username}/role", put(accounts::change_role))
        .route("/api/v1/users/{username}/disable", post(accounts::disable))
        .route("/api/v1/users/{username}/enable", post(accounts::enable))
        .route("/api/v1/users/{username}/unlock", post(accounts::unlock))
        .route("/api/v1/users/{username}/end-sessions", post(accounts::end_sessions))
        .route("/api/v1/users/{username}/reset-two-factor", post(accounts::reset_two_factor))
        .route("/api/v1/users/{username}/suspend", post(accounts::suspend))
        .route(
            "/api/v1/organisations",
            get(records_admin::organisations).post(accounts::create_organisation),
        )
        .route("/api/v1/organisations/{code}", put(accounts::update_organisation))
        .route("/api/v1/enrol/start", post(enrolment::start))
        .route("/api/v1/enrol/finish", post(enrolment::finish))
        .route("/api/v1/me/password", post(enrolment::change_password))
        .route("/api/v1/sessions", get(enrolment::sessions))
        .route("/api/v1/sessions/{id}", delete(enrolment::end_session))
        .route("/api/v1/audit/events", get(audit_review::events))
        .route(
            "/api/v1/audit/checkpoints",
            get(audit_review::checkpoints).post(audit_review::make_checkpoint),
        )
        .route("/api/v1/audit/misuse", get(audit_review::misuse_report))
        .route("/api/v1/children/{id}/subject-access", get(audit_review::subject_access))
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
