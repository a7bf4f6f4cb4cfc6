//! This dialect's part of the OpenAPI document: its operations, the schemas they name, and its
//! error answers as reusable components (see `responses`); every operation takes the
//! `adminBearer` scheme.

use super::error::ErrorBody;
use super::responses::{
    AdminBadRequest, AdminForbidden, AdminNotFound, AdminServerError, AdminTooLarge, AdminUnauthenticated,
    AdminUnavailable,
};
use super::{applications, audit, defender, sessions, users};
use crate::openapi_names::scheme;
use utoipa::Modify;
use utoipa::openapi::security::SecurityRequirement;

/// The dialect's operations and components, merged into `/openapi.json`.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        defender::list, defender::unblock, defender::capped, defender::forgive,
        users::search, users::show, users::update, users::disable, users::enable, users::forgive, users::mfa_reset,
        sessions::list, sessions::revoke,
        applications::list, applications::create, applications::rotate_secret, applications::update,
        applications::delete,
        audit::list, audit::flashcall_stats,
    ),
    components(
        schemas(ErrorBody),
        responses(
            AdminUnauthenticated, AdminForbidden, AdminNotFound, AdminBadRequest, AdminTooLarge, AdminServerError,
            AdminUnavailable,
        ),
    ),
    modifiers(&AdminBearer),
)]
pub(crate) struct Api;

/// Every operation takes an administrator's bearer token.
struct AdminBearer;

impl Modify for AdminBearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for item in doc.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for operation in operations.into_iter().flatten() {
                operation.security = Some(vec![SecurityRequirement::new(scheme::ADMIN_BEARER, Vec::<String>::new())]);
            }
        }
    }
}
