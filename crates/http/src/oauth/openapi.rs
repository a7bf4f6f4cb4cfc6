//! This dialect's part of the OpenAPI document: its operations, the schemas they name, and its
//! error answers (the 500 and 503 it shares with others are in [`crate::rfc6749`]).

use super::bodies::{TokenForm, TokenOperation, TokenOperationForm, TokenRequest};
use super::views::{Introspection, Jwk, Jwks, OpenIdConfiguration, TokenResponse};
use crate::edge::PlainError;
use crate::rfc6749::ErrorBody;
use serde::Serialize;
use utoipa::{ToResponse, ToSchema};

/// The dialect's operations and components, merged into `/openapi.json`.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(super::token, super::introspect, super::revoke, super::discovery, super::jwks),
    components(
        schemas(
            TokenRequest,
            TokenForm,
            TokenResponse,
            TokenOperation,
            TokenOperationForm,
            Introspection,
            Revoked,
            OpenIdConfiguration,
            Jwks,
            Jwk,
            PlainError,
        ),
        responses(OAuthBadRequest, OAuthInvalidClient, OAuthForbidden, OAuthTooManyRequests,),
    )
)]
pub(crate) struct Api;

/// The revocation answer: an empty object.
#[derive(Serialize, ToSchema)]
#[schema(max_properties = 0)]
pub(crate) struct Revoked {}

/// `invalid_request`, `invalid_grant`, `unauthorized_client` or `unsupported_grant_type`.
#[derive(ToResponse)]
#[allow(dead_code)] // A response component: its field names the body's schema.
#[response(examples(
    ("invalid_request" = (value = json!({"error": "invalid_request", "error_description": "The grant_type parameter is required."}))),
    ("invalid_grant" = (value = json!({"error": "invalid_grant", "error_description": "The user credentials were incorrect."}))),
    ("unauthorized_client" = (value = json!({"error": "unauthorized_client", "error_description": "The client may not use the password grant."}))),
    ("unsupported_grant_type" = (value = json!({"error": "unsupported_grant_type",
        "error_description": "The authorization grant type is not supported by the authorization server."}))),
))]
pub(crate) struct OAuthBadRequest(ErrorBody);

/// `invalid_client`: no client, an unknown one, or a wrong secret.
#[derive(ToResponse)]
#[allow(dead_code)] // A response component: its field names the body's schema.
#[response(
    headers(("WWW-Authenticate" = String, description = "`Basic realm=\"kordon\"`.")),
    example = json!({"error": "invalid_client", "error_description": "Client authentication failed."}),
)]
pub(crate) struct OAuthInvalidClient(ErrorBody);

/// `unauthorized_client`: the client authenticated, but may not introspect tokens.
#[derive(ToResponse)]
#[allow(dead_code)] // A response component: its field names the body's schema.
#[response(example = json!({"error": "unauthorized_client", "error_description": "The client may not introspect tokens."}))]
pub(crate) struct OAuthForbidden(ErrorBody);

/// `temporarily_unavailable`: the host is blocked by the Defender, or over a rate limit.
#[derive(ToResponse)]
#[allow(dead_code)] // A response component: its field names the body's schema.
#[response(
    headers(("Retry-After" = u64, description = "Seconds to wait.")),
    example = json!({"error": "temporarily_unavailable", "error_description": "Too many failed attempts: this host is blocked."}),
)]
pub(crate) struct OAuthTooManyRequests(ErrorBody);
