//! This API's part of the OpenAPI document: its operations and the schemas it names (its
//! RFC 6750 answers are [`crate::bearer`]'s).

use super::bodies::MintBody;
use super::views::{SipCredentialsView, TurnCredentialsView};

/// The API's operations and components, merged into `/openapi.json`.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(super::sip_credentials, super::turn_credentials),
    components(schemas(MintBody, SipCredentialsView, TurnCredentialsView))
)]
pub(crate) struct Api;
