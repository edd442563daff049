//! The OpenAPI document, generated from the handlers and wire types themselves.

use utoipa::OpenApi;

use super::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "contactpoint directory API",
        description = "Find a child and see who else is working with them."
    ),
    paths(
        routes::auth::login,
        routes::auth::logout,
        routes::children::search,
        routes::children::read,
        routes::demo::accounts,
        routes::indicators::read,
        routes::indicators::update,
        routes::involvements::add,
        routes::involvements::update
    )
)]
struct ApiDoc;

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
