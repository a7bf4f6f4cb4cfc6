//! This dialect's part of the OpenAPI document: its operations, the schemas they name, and its
//! error answers as reusable components ([`responses`]).

mod responses;

pub(crate) use responses::{
    Always, BioBusy, LaravelBadRequest, LaravelNotFound, LaravelServerError, LaravelTooLarge, LaravelUnauthenticated,
    LaravelUnprocessable, WithBody, WithId,
};

use super::error::{MessageSchema, ValidationSchema};
use super::{face_tokens, persons, phrases};
use crate::edge::PlainError;
use crate::openapi_names::scheme;
use utoipa::Modify;
use utoipa::openapi::security::SecurityRequirement;

/// The dialect's operations and components, merged into `/openapi.json`.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        persons::list, persons::create, persons::show, persons::update, persons::patch, persons::delete,
        phrases::create, phrases::show, phrases::update, phrases::patch, phrases::delete,
        face_tokens::create, face_tokens::show, face_tokens::update, face_tokens::patch, face_tokens::delete,
    ),
    components(
        schemas(MessageSchema, ValidationSchema, PlainError),
        responses(
            LaravelUnauthenticated, LaravelNotFound, LaravelBadRequest, LaravelTooLarge, LaravelUnprocessable,
            LaravelServerError, BioBusy,
        ),
    ),
    modifiers(&OAuthBearer),
)]
pub(crate) struct Api;

/// Every operation takes an OAuth access token: pasted (`oauthBearer`) or fetched by the
/// explorer (`oauth2`).
struct OAuthBearer;

impl Modify for OAuthBearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let requirements = || {
            [scheme::OAUTH_BEARER, scheme::OAUTH2]
                .map(|name| SecurityRequirement::new(name, Vec::<String>::new()))
                .to_vec()
        };
        for item in doc.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for operation in operations.into_iter().flatten() {
                operation.security = Some(requirements());
            }
        }
    }
}
