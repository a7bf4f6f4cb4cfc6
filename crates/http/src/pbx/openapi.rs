//! This dialect's part of the OpenAPI document: its operations and the schemas they name.

use super::defender::{BlockPage, PbxBlock};
use super::envelope::Envelope;
use super::params::Params;
use super::reply::{Done, Failure, Notify, Reply, ServerFailure, Success};
use super::user::AuthBody;
use crate::edge::PlainError;

/// The dialect's operations and components, merged into `/openapi.json`.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(super::action, super::cors::preflight),
    components(
        schemas(Envelope, Params, Reply, Notify, AuthBody, BlockPage, PbxBlock, Success, PlainError),
        responses(Done, Failure, ServerFailure, super::cors::Preflight),
    )
)]
pub(crate) struct Api;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::openapi::scheme;
    use utoipa::OpenApi;

    #[test]
    fn the_bearer_is_the_pbx_scheme() {
        let doc = serde_json::to_value(Api::openapi()).expect("json");
        let security = &doc["paths"]["/api/"]["post"]["security"];
        assert_eq!(security, &serde_json::json!([{}, { scheme::PBX_BEARER: [] }]));
    }
}
