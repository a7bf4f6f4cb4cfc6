//! The parameters of the token, introspection and revocation requests, as the handlers read them
//! from a JSON object or a form ([`Params`]), and their form spellings for the explorer.

use super::error::OAuthResponse;
use super::extract::Params;
use utoipa::ToSchema;
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};

/// The grants kordon issues tokens for; any other `grant_type` is `unsupported_grant_type`.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // Documents the values `kordon_core` accepts; the core reads the text.
pub(super) enum GrantType {
    AuthorizationCode,
    ClientCredentials,
    Password,
    RefreshToken,
}

/// `client_id` in JSON: an integer as seed 002 sends it, or its text.
fn client_id_schema() -> utoipa::openapi::Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Integer, Type::String]))
        .description(Some("Application_ID (an integer, or its text); or HTTP Basic (`clientBasic`)."))
        .build()
}

/// RFC 6749 token request. `password` needs username + password, `refresh_token` needs
/// refresh_token, `authorization_code` needs code + redirect_uri (+ code_verifier with PKCE; a
/// public client sends only its client_id); the client authenticates with client_id + client_secret or with HTTP Basic
/// (`clientBasic`), not both. `null` is the same as leaving a parameter out (but a `client_id`
/// sent is an integer or a string); parameters not named here are ignored (RFC 6749 §3.2).
#[derive(Debug, ToSchema)]
pub(super) struct TokenRequest {
    #[schema(required = true, inline, value_type = GrantType)]
    pub grant_type: Option<String>,
    #[schema(schema_with = client_id_schema)]
    pub client_id: Option<String>,
    /// Application_Secret.
    #[schema(format = Password, max_length = 256)]
    pub client_secret: Option<String>,
    /// `password` grant: the user's email.
    pub username: Option<String>,
    /// `password` grant: the user's password.
    #[schema(format = Password)]
    pub password: Option<String>,
    /// `refresh_token` grant: the refresh token to trade.
    pub refresh_token: Option<String>,
    /// Space-separated scopes; ignored (a grant keeps the scopes it was given).
    #[allow(dead_code)] // Read so that a non-string is refused, then ignored.
    pub scope: Option<String>,
    /// `authorization_code` grant: the code from the redirect.
    pub code: Option<String>,
    /// `authorization_code` grant: the redirect URI of the authorization request, exactly.
    #[schema(format = "uri")]
    pub redirect_uri: Option<String>,
    /// `authorization_code` grant: the PKCE verifier (RFC 7636) of the request's challenge.
    pub code_verifier: Option<String>,
}

impl TokenRequest {
    /// The token request's parameters; one of the wrong type is `invalid_request`.
    pub fn read(params: &Params) -> Result<Self, OAuthResponse> {
        Ok(Self {
            grant_type: params.text("grant_type")?,
            client_id: params.client_id()?,
            client_secret: params.text("client_secret")?,
            username: params.text("username")?,
            password: params.text("password")?,
            refresh_token: params.text("refresh_token")?,
            scope: params.text("scope")?,
            code: params.text("code")?,
            redirect_uri: params.text("redirect_uri")?,
            code_verifier: params.text("code_verifier")?,
        })
    }
}

/// The token request as a form (`application/x-www-form-urlencoded`): the parameters of
/// `TokenRequest`, as text. Leave the fields a grant does not use empty: empty fields are not
/// sent.
#[derive(ToSchema)]
#[allow(dead_code)] // The form spelling of `TokenRequest`, which the handler reads.
pub(super) struct TokenForm {
    #[schema(inline)]
    grant_type: GrantType,
    /// Application_ID; or HTTP Basic (`clientBasic`).
    #[schema(nullable = false, examples(""))]
    client_id: Option<String>,
    /// Application_Secret.
    #[schema(nullable = false, max_length = 256, examples(""))]
    client_secret: Option<String>,
    /// `password` grant: the user's email.
    #[schema(nullable = false, examples(""))]
    username: Option<String>,
    /// `password` grant: the user's password.
    #[schema(nullable = false, examples(""))]
    password: Option<String>,
    /// `refresh_token` grant: the refresh token to trade.
    #[schema(nullable = false, examples(""))]
    refresh_token: Option<String>,
    /// Space-separated scopes (optional; ignored).
    #[schema(nullable = false, examples(""))]
    scope: Option<String>,
    /// `authorization_code` grant: the code from the redirect.
    #[schema(nullable = false, examples(""))]
    code: Option<String>,
    /// `authorization_code` grant: the redirect URI of the authorization request.
    #[schema(nullable = false, examples(""))]
    redirect_uri: Option<String>,
    /// `authorization_code` grant: the PKCE verifier.
    #[schema(nullable = false, examples(""))]
    code_verifier: Option<String>,
}

/// RFC 7662 introspection / RFC 7009 revocation request; the client authenticates with HTTP Basic
/// (`clientBasic`) or client_id + client_secret here, not both. `null` is the same as leaving a
/// parameter out (but a `client_id` sent is an integer or a string); others are ignored.
#[derive(Debug, ToSchema)]
pub(super) struct TokenOperation {
    /// The access or refresh token.
    #[schema(required = true, value_type = String, min_length = 1)]
    pub token: Option<String>,
    /// `access_token` or `refresh_token`; optional, and not needed: the token is found either way.
    #[schema(examples("access_token", "refresh_token"))]
    #[allow(dead_code)] // Read so that a non-string is refused, then ignored.
    pub token_type_hint: Option<String>,
    #[schema(schema_with = client_id_schema)]
    pub client_id: Option<String>,
    /// The client's secret.
    #[schema(format = Password, max_length = 256)]
    pub client_secret: Option<String>,
}

impl TokenOperation {
    /// The request's parameters; one of the wrong type is `invalid_request`.
    pub fn read(params: &Params) -> Result<Self, OAuthResponse> {
        Ok(Self {
            token: params.text("token")?,
            token_type_hint: params.text("token_type_hint")?,
            client_id: params.client_id()?,
            client_secret: params.text("client_secret")?,
        })
    }
}

/// `TokenOperation` as a form (`application/x-www-form-urlencoded`).
#[derive(ToSchema)]
#[allow(dead_code)] // The form spelling of `TokenOperation`, which the handlers read.
pub(super) struct TokenOperationForm {
    /// The access or refresh token.
    #[schema(min_length = 1)]
    token: String,
    /// `access_token` or `refresh_token`; optional, and not needed: the token is found either way.
    #[schema(nullable = false, examples(""))]
    token_type_hint: Option<String>,
    /// Or HTTP Basic (`clientBasic`).
    #[schema(nullable = false, examples(""))]
    client_id: Option<String>,
    /// The client's secret.
    #[schema(nullable = false, max_length = 256, examples(""))]
    client_secret: Option<String>,
}
