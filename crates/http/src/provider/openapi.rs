//! This dialect's part of the OpenAPI document: its operation, the schemas it names, and its
//! RFC 6750 challenge.

use super::user::{ProviderAccount, ProviderUser};
use crate::oauth::error::ErrorBody;
use utoipa::ToResponse;

/// The dialect's operations and components, merged into `/openapi.json`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(super::user), components(schemas(ProviderUser, ProviderAccount, ErrorBody), responses(BearerInvalid)))]
pub(crate) struct Api;

/// A missing, unknown, expired or revoked access token (RFC 6750 §3).
#[derive(ToResponse)]
#[allow(dead_code)] // A response component: its field names the body's schema.
#[response(
    headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"kordon\"`, and \
        `error=\"invalid_token\"` when a token was sent (RFC 6750 §3).")),
    examples(
        ("invalid" = (value = json!({"error": "invalid_token", "error_description": "The access token is invalid or expired."}))),
        ("missing" = (value = json!({"error": "invalid_token", "error_description": "An access token is required."}))),
    ),
)]
pub(crate) struct BearerInvalid(ErrorBody);
