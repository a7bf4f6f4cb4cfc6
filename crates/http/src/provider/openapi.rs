//! This dialect's part of the OpenAPI document: its operation and the schemas it names (its
//! RFC 6750 answers are [`crate::bearer`]'s).

use super::views::{ProviderAccount, ProviderUser};

/// The dialect's operations and components, merged into `/openapi.json`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(super::user), components(schemas(ProviderUser, ProviderAccount)))]
pub(crate) struct Api;
