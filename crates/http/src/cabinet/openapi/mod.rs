//! This dialect's part of the OpenAPI document: its operations, the schemas they name, and its
//! error answers as reusable components ([`responses`]).

mod responses;

pub(crate) use responses::{
    Always, CabinetBadGateway, CabinetBadRequest, CabinetBusy, CabinetForbidden, CabinetNotFound, CabinetServerError,
    CabinetTooLarge, CabinetTooMany, CabinetUnauthenticated, SignedIn, WithBody,
};

use super::{api_tokens, applications, flashcall, manager, password_reset, sessions};

/// The dialect's operations and components, merged into `/openapi.json`.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        flashcall::flashcall,
        sessions::register,
        sessions::login,
        sessions::authuser,
        flashcall::flashcall_self,
        sessions::update_password,
        sessions::refresh,
        password_reset::restore_token,
        password_reset::change_password,
        sessions::logout,
        api_tokens::list,
        api_tokens::create,
        api_tokens::delete,
        manager::manager,
        applications::list,
        applications::create,
        applications::delete,
    ),
    components(
        schemas(super::error::ErrorBody, super::error::ValidationError, crate::edge::PlainError),
        responses(
            CabinetBadRequest,
            CabinetUnauthenticated,
            CabinetForbidden,
            CabinetNotFound,
            CabinetTooLarge,
            CabinetTooMany,
            CabinetServerError,
            CabinetBadGateway,
            CabinetBusy,
        ),
    )
)]
pub(crate) struct Api;
