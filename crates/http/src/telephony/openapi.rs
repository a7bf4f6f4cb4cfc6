//! This API's part of the OpenAPI document: its operations and the schemas it names (its
//! RFC 6750 answers are [`crate::bearer`]'s).

use super::bodies::MintBody;
use super::hook::{BlockedHosts, FailureBody};
use super::views::{SipCredentialsView, TurnCredentialsView};

/// The API's operations and components, merged into `/openapi.json`.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(super::sip_credentials, super::turn_credentials, super::hook::auth_failures, super::hook::blocked_hosts),
    components(schemas(MintBody, SipCredentialsView, TurnCredentialsView, FailureBody, BlockedHosts))
)]
pub(crate) struct Api;
