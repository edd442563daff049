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
        routes::protection::attend,
        routes::protection::silent_view,
        routes::protection::subjects,
        routes::protection::inbox,
        routes::protection::unread,
        routes::protection::mark_read,
        routes::feeds::upload
    )
)]
struct ApiDoc;

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
