//! This dialect's part of the OpenAPI document: its operations, the schemas they name, and the
//! error answers they share (also the provider API's, which answers in the same shape).

use super::answers::{Introspection, Jwk, Jwks, OpenIdConfiguration, TokenResponse};
use super::error::ErrorBody;
use super::requests::{TokenForm, TokenOperation, TokenOperationForm, TokenRequest};
use crate::edge::PlainError;
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
            ErrorBody,
            PlainError,
        ),
        responses(
            OAuthBadRequest,
            OAuthInvalidClient,
            OAuthForbidden,
            OAuthTooManyRequests,
            OAuthUnavailable,
            OAuthServerError,
        ),
    )
)]
pub(crate) struct Api;

/// The revocation answer: an empty object.
#[derive(Serialize, ToSchema)]
#[schema(max_properties = 0)]
pub(crate) struct Revoked {}

/// A failure the dialect answers itself (`OAuthError`), or one the shared edge answers for every
/// route in the cabinet's plain shape (`CabinetPlainError`): a request past its deadline (503), a
/// handler that panicked (500).
#[derive(ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // Documents the two shapes; each is serialized by its own type.
pub(crate) enum Failure<'a> {
    OAuth(ErrorBody),
    Edge(PlainError<'a>),
}

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

/// The password-hashing queue is full (`temporarily_unavailable`), or the request ran past its
/// deadline (the edge's `{"message","code":503}`, with `Retry-After`).
#[derive(ToResponse)]
#[allow(dead_code)] // A response component: its field names the body's schema.
#[response(
    headers(("Retry-After" = u64, description = "Seconds to wait (with the edge's answer).")),
    examples(
        ("busy" = (value = json!({"error": "temporarily_unavailable", "error_description": "Server busy, try again."}))),
        ("deadline" = (value = json!({"message": "Server busy, try again.", "code": 503}))),
    ),
)]
pub(crate) struct OAuthUnavailable<'a>(#[to_schema] Failure<'a>);

/// `server_error`; details only in the server log. A panicking handler is answered by the edge
/// (`{"message":"Server Error","code":500}`).
#[derive(ToResponse)]
#[allow(dead_code)] // A response component: its field names the body's schema.
#[response(examples(
    ("server_error" = (value = json!({"error": "server_error", "error_description": "The server could not answer the request."}))),
    ("panic" = (value = json!({"message": "Server Error", "code": 500}))),
))]
pub(crate) struct OAuthServerError<'a>(#[to_schema] Failure<'a>);

#[cfg(test)]
mod tests {
    use crate::docs::openapi::scheme;
    use serde_json::Value;
    use std::collections::BTreeSet;

    fn document() -> Value {
        serde_json::to_value(crate::docs::document()).expect("the document is JSON")
    }

    fn properties(doc: &Value, schema: &str) -> BTreeSet<String> {
        let props = doc["components"]["schemas"][schema]["properties"].as_object();
        props.unwrap_or_else(|| panic!("{schema} has properties")).keys().cloned().collect()
    }

    #[test]
    fn the_form_spellings_name_the_same_parameters() {
        let doc = document();
        assert_eq!(properties(&doc, "TokenRequest"), properties(&doc, "TokenForm"));
        assert_eq!(properties(&doc, "TokenOperation"), properties(&doc, "TokenOperationForm"));
    }

    /// `security(...)` takes literal names: they must be the schemes the root declares.
    #[test]
    fn security_names_declared_schemes() {
        let doc = document();
        let declared = [scheme::CLIENT_BASIC, scheme::OAUTH_BEARER, scheme::OAUTH2];
        let paths = ["/oauth/token", "/oauth/introspect", "/oauth/revoke", "/api/ver1.0/user/"];
        for path in paths {
            let operations = doc["paths"][path].as_object().expect("documented");
            for (method, operation) in operations {
                for requirement in operation["security"].as_array().expect("security") {
                    for name in requirement.as_object().expect("requirement").keys() {
                        assert!(declared.contains(&name.as_str()), "{method} {path}: {name}");
                        assert!(doc["components"]["securitySchemes"][name].is_object(), "{name}");
                    }
                }
            }
        }
    }
}
