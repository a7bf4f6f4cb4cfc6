//! What the OAuth endpoints answer: the token, introspection (RFC 7662), the authorization server
//! metadata (RFC 8414) and the key set (RFC 7517). Introspection and the metadata are the core's
//! typed answers, serialized as they stand; the types here mirror them for the OpenAPI document
//! with unknown members refused, so a member the core adds fails the tests until it is documented
//! here. The key set is read from the core's JSON into its type at run time.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

/// A core answer as its typed form; a mismatch is a server error (logged).
pub(super) fn typed<T: DeserializeOwned>(what: &str, value: serde_json::Value) -> Result<T, kordon_core::Error> {
    serde_json::from_value(value)
        .map_err(|e| kordon_core::Error::internal(format!("{what} does not fit its type: {e}")))
}

/// `token_type`: always `Bearer` (RFC 6750).
#[derive(Debug, Serialize, ToSchema)]
pub(super) enum TokenType {
    Bearer,
}

/// RFC 6749 §5.1 token answer, in seed 002's order.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "token_type": "Bearer",
    "expires_in": 3600,
    "access_token": "eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJSUzI1NiJ9.eyJ…",
    "refresh_token": "hsU0XgtVX4sxkLoHZEGk6gheXvDnD8ti"
}))]
pub(super) struct TokenResponse {
    #[schema(inline)]
    pub token_type: TokenType,
    /// Seconds the access token lives.
    #[schema(minimum = 0)]
    pub expires_in: i64,
    /// A JWT (RS256, `typ: at+jwt`), checked against `/.well-known/jwks.json`.
    pub access_token: String,
    /// Issued for the `password` and `refresh_token` grants, for `authorization_code` with
    /// `offline_access` or a client holding `refresh_token`; not for `client_credentials`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub refresh_token: Option<String>,
    /// The OpenID Connect ID token (RS256): `authorization_code` with the `openid` scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub id_token: Option<String>,
    /// The scopes granted (`authorization_code`, and a refresh of its tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub scope: Option<String>,
}

/// Which token was introspected.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(super) enum IntrospectedType {
    AccessToken,
    RefreshToken,
}

/// RFC 7662 §2.2: `{"active":false}` for an unknown, expired or revoked token, one that is not an
/// OAuth token, or one of another account's users (for a tenant's client); otherwise what it is.
/// `scope`, `aud` and `jti` are an access token's.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "active": true, "scope": "", "client_id": "10554", "username": "user@mail.ru",
    "token_type": "access_token", "exp": 1700003600, "iat": 1700000000, "sub": "82", "aud": "10554",
    "iss": "https://auth.example.com", "jti": "Qm8pYV1c3JtX0aLkE7wNdR2uH5sF9gT4"
}))]
pub(super) struct Introspection {
    pub active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub scope: Option<String>,
    /// The client the token was issued to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub client_id: Option<String>,
    /// The user's email (null if the user is gone).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub username: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(inline, value_type = IntrospectedType)]
    pub token_type: Option<IntrospectedType>,
    /// Expiry, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = i64)]
    pub exp: Option<i64>,
    /// Issue time, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = i64)]
    pub iat: Option<i64>,
    /// The user's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub sub: Option<String>,
    /// The audience: the client's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub aud: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub iss: Option<String>,
    /// The access token's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub jti: Option<String>,
}

/// A member that is there, null or not (absent stays `None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Authorization server metadata (RFC 8414; OpenID Connect Discovery's names).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct OpenIdConfiguration {
    #[schema(format = "uri")]
    pub issuer: String,
    /// The authorization code flow's start (`response_type=code`, PKCE S256).
    #[schema(format = "uri")]
    pub authorization_endpoint: String,
    #[schema(format = "uri")]
    pub token_endpoint: String,
    #[schema(format = "uri")]
    pub userinfo_endpoint: String,
    #[schema(format = "uri")]
    pub jwks_uri: String,
    /// RP-initiated logout.
    #[schema(format = "uri")]
    pub end_session_endpoint: String,
    #[schema(format = "uri")]
    pub introspection_endpoint: String,
    #[schema(format = "uri")]
    pub revocation_endpoint: String,
    pub grant_types_supported: Vec<String>,
    pub response_types_supported: Vec<String>,
    pub response_modes_supported: Vec<String>,
    pub code_challenge_methods_supported: Vec<String>,
    pub token_endpoint_auth_methods_supported: Vec<String>,
    pub introspection_endpoint_auth_methods_supported: Vec<String>,
    pub revocation_endpoint_auth_methods_supported: Vec<String>,
    pub scopes_supported: Vec<String>,
    pub claims_supported: Vec<String>,
    /// The ID token's `acr` values, which `acr_values` may ask for.
    pub acr_values_supported: Vec<String>,
    pub prompt_values_supported: Vec<String>,
    pub subject_types_supported: Vec<String>,
    pub id_token_signing_alg_values_supported: Vec<String>,
    pub access_token_signing_alg_values_supported: Vec<String>,
    /// RFC 9207: the authorization response carries `iss`.
    pub authorization_response_iss_parameter_supported: bool,
    pub claims_parameter_supported: bool,
    pub request_parameter_supported: bool,
    pub request_uri_parameter_supported: bool,
}

/// RFC 7517 JSON Web Key Set: the public keys access tokens are signed with.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct Jwks {
    pub keys: Vec<Jwk>,
}

/// One public signing key (RSA-2048, RS256).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"use": "sig", "alg": "RS256", "kid": "Yh3kL9pQ", "kty": "RSA", "n": "0vx7agoebGcQSuuPiLJXZpt…", "e": "AQAB"}))]
pub(super) struct Jwk {
    #[serde(rename = "use")]
    #[schema(inline)]
    pub key_use: KeyUse,
    #[schema(inline)]
    pub alg: KeyAlg,
    /// The key's id, as access tokens name it in their header.
    pub kid: String,
    #[schema(inline)]
    pub kty: KeyType,
    /// The modulus, base64url.
    pub n: String,
    /// The exponent, base64url.
    pub e: String,
}

/// `use`: signatures.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(super) enum KeyUse {
    Sig,
}

/// `alg`: RS256.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(super) enum KeyAlg {
    RS256,
}

/// `kty`: RSA.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(super) enum KeyType {
    #[allow(clippy::upper_case_acronyms)]
    RSA,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn introspection_keeps_null_and_absent_apart() {
        let inactive: Introspection = typed("t", json!({ "active": false })).expect("inactive");
        assert_eq!(serde_json::to_value(&inactive).expect("json"), json!({ "active": false }));
        let gone = json!({ "active": true, "client_id": "7", "token_type": "refresh_token", "exp": 2, "iat": 1,
                           "sub": "3", "username": null, "iss": "http://x" });
        let typed_gone: Introspection = typed("t", gone.clone()).expect("active");
        assert_eq!(serde_json::to_value(&typed_gone).expect("json"), gone);
        assert!(typed::<Introspection>("t", json!({ "active": true, "extra": 1 })).is_err());
    }

    /// The core's answer reads into this mirror and serializes to the very same bytes.
    fn mirrors<T: DeserializeOwned + Serialize>(core: &impl Serialize) {
        let wire = serde_json::to_string(core).expect("json");
        let mirror: T = serde_json::from_str(&wire).expect("the mirror reads every member");
        assert_eq!(serde_json::to_string(&mirror).expect("json"), wire);
    }

    #[test]
    fn the_core_introspection_fits_its_mirror() {
        use kordon_core::services::{IntrospectedType, Introspection as Core};
        mirrors::<Introspection>(&Core::inactive());
        let full = Core {
            active: true,
            scope: Some("openid".into()),
            client_id: Some("7".into()),
            username: Some(Some("a@b.c".into())),
            token_type: Some(IntrospectedType::AccessToken),
            exp: Some(2),
            iat: Some(1),
            sub: Some("3".into()),
            aud: Some("7".into()),
            iss: Some("http://x".into()),
            jti: Some("j".into()),
        };
        mirrors::<Introspection>(&full);
        let gone = Core { username: Some(None), token_type: Some(IntrospectedType::RefreshToken), ..full };
        mirrors::<Introspection>(&gone);
    }

    #[test]
    fn a_key_set_reads_back_unchanged() {
        let set =
            json!({ "keys": [{ "use": "sig", "alg": "RS256", "kid": "k", "kty": "RSA", "n": "AQ", "e": "AQAB" }] });
        let typed_set: Jwks = typed("jwks", set.clone()).expect("jwks");
        assert_eq!(serde_json::to_value(&typed_set).expect("json"), set);
    }
}
