//! `GET /.well-known/openid-configuration`: the authorization server metadata (RFC 8414, with
//! OpenID Connect Discovery's names), as a typed document the dialect serializes as it stands.

use super::scopes::SCOPES;
use crate::services::Core;
use serde::Serialize;

/// Authorization server metadata. Members serialize in this order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discovery {
    pub issuer: String,
    /// The authorization code flow's start (`response_type=code`, PKCE S256).
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: String,
    pub jwks_uri: String,
    /// RP-initiated logout.
    pub end_session_endpoint: String,
    pub introspection_endpoint: String,
    pub revocation_endpoint: String,
    pub grant_types_supported: &'static [&'static str],
    pub response_types_supported: &'static [&'static str],
    pub response_modes_supported: &'static [&'static str],
    pub code_challenge_methods_supported: &'static [&'static str],
    pub token_endpoint_auth_methods_supported: &'static [&'static str],
    pub introspection_endpoint_auth_methods_supported: &'static [&'static str],
    pub revocation_endpoint_auth_methods_supported: &'static [&'static str],
    pub scopes_supported: &'static [&'static str],
    pub claims_supported: &'static [&'static str],
    /// The authentication context classes an ID token's `acr` names and `acr_values` may ask for.
    pub acr_values_supported: &'static [&'static str],
    pub prompt_values_supported: &'static [&'static str],
    pub subject_types_supported: &'static [&'static str],
    pub id_token_signing_alg_values_supported: &'static [&'static str],
    pub access_token_signing_alg_values_supported: &'static [&'static str],
    /// RFC 9207: the authorization response carries `iss`.
    pub authorization_response_iss_parameter_supported: bool,
    pub claims_parameter_supported: bool,
    pub request_parameter_supported: bool,
    pub request_uri_parameter_supported: bool,
}

/// How a client may authenticate at the introspection and revocation endpoints.
const CLIENT_SECRET: &[&str] = &["client_secret_basic", "client_secret_post"];

impl Core {
    /// `GET /.well-known/openid-configuration`.
    pub fn discovery(&self) -> Discovery {
        let iss = self.issuer();
        Discovery {
            issuer: iss.to_owned(),
            authorization_endpoint: format!("{iss}/oauth/authorize"),
            token_endpoint: format!("{iss}/oauth/token"),
            userinfo_endpoint: format!("{iss}/oauth/userinfo"),
            jwks_uri: format!("{iss}/.well-known/jwks.json"),
            end_session_endpoint: format!("{iss}/oauth/logout"),
            introspection_endpoint: format!("{iss}/oauth/introspect"),
            revocation_endpoint: format!("{iss}/oauth/revoke"),
            grant_types_supported: &["authorization_code", "refresh_token", "client_credentials", "password"],
            response_types_supported: &["code"],
            response_modes_supported: &["query"],
            code_challenge_methods_supported: &["S256"],
            token_endpoint_auth_methods_supported: &["client_secret_basic", "client_secret_post", "none"],
            introspection_endpoint_auth_methods_supported: CLIENT_SECRET,
            revocation_endpoint_auth_methods_supported: CLIENT_SECRET,
            scopes_supported: &SCOPES,
            claims_supported: &[
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "auth_time",
                "nonce",
                "at_hash",
                "amr",
                "acr",
                "azp",
                "email",
                "email_verified",
                "phone_number",
                "phone_number_verified",
                "name",
                "given_name",
                "middle_name",
                "family_name",
            ],
            acr_values_supported: &[crate::services::oidc::ACR_1FA, crate::services::oidc::ACR_MFA],
            prompt_values_supported: &["none", "login", "consent"],
            subject_types_supported: &["public"],
            id_token_signing_alg_values_supported: &["RS256"],
            access_token_signing_alg_values_supported: &["RS256"],
            authorization_response_iss_parameter_supported: true,
            claims_parameter_supported: false,
            request_parameter_supported: false,
            request_uri_parameter_supported: false,
        }
    }
}
