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
        routes::involvements::update,
        routes::records_admin::create,
        routes::records_admin::identity,
        routes::records_admin::history,
        routes::records_admin::add_carer,
        routes::records_admin::update_carer,
        routes::records_admin::remove_carer,
        routes::records_admin::address,
        routes::records_admin::death,
        routes::records_admin::shield,
        routes::records_admin::override_shield,
        routes::records_admin::organisations,
        routes::duplicates::list,
        routes::duplicates::merge,
        routes::accounts::list,
        routes::accounts::create,
        routes::accounts::change_role,
        routes::accounts::disable,
        routes::accounts::enable,
        routes::accounts::unlock,
        routes::accounts::end_sessions,
        routes::accounts::reset_two_factor,
        routes::accounts::suspend,
        routes::accounts::create_organisation,
        routes::accounts::update_organisation,
        routes::enrolment::start,
        routes::enrolment::finish,
        routes::enrolment::change_password,
        routes::enrolment::sessions,
        routes::enrolment::end_session,
        routes::audit_review::events,
        routes::audit_review::checkpoints,
        routes::audit_review::make_checkpoint,
        routes::audit_review::misuse_report,
        routes::audit_review::subject_access,
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
