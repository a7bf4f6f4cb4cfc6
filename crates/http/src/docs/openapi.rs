//! The OpenAPI 3.1 document at `/openapi.json`, generated from the handlers' `#[utoipa::path]`
//! attributes and their request and answer types: each dialect contributes its own part
//! (`<dialect>::openapi::Api`), merged here under kordon's info, tags and security schemes.

use std::sync::LazyLock;
use utoipa::openapi::security::{ClientCredentials, Scopes};
use utoipa::openapi::security::{Flow, HttpAuthScheme, HttpBuilder, OAuth2, Password, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The tags operations are grouped by, in the order the explorer shows them.
pub mod tag {
    pub const OAUTH: &str = "OAuth 2";
    pub const OIDC: &str = "OpenID Connect";
    pub const PROVIDER: &str = "Provider API v1.0";
    pub const CABINET: &str = "Cabinet API v1";
    pub const PBX: &str = "PBX action API";
    pub const BIOMETRICS: &str = "Biometrics";
    pub const HEALTH: &str = "Health";
    pub const EXPLORER: &str = "Explorer";
}

/// The names operations' `security` requirements use.
pub mod scheme {
    pub const OAUTH_BEARER: &str = "oauthBearer";
    pub const OAUTH2: &str = "oauth2";
    pub const CABINET_BEARER: &str = "cabinetBearer";
    pub const PBX_BEARER: &str = "pbxBearer";
    pub const CLIENT_BASIC: &str = "clientBasic";
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kordon",
        description = include_str!("description.md"),
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    servers((url = "/", description = "The server this explorer is served from")),
    tags(
        (name = tag::OAUTH, description = "RFC 6749 token endpoint (seed 002, seed 003), introspection, revocation, discovery."),
        (name = tag::OIDC, description = "Sign-in through kordon's login page: authorization code with PKCE, UserInfo, logout."),
        (name = tag::PROVIDER, description = "The IP-telephony provider API (seed 003)."),
        (name = tag::CABINET, description = "The customer cabinet (seed 000). Answers' HTTP status equals the body's `code`."),
        (name = tag::PBX, description = "The PBX JSON action API (seed 001) and the Defender."),
        (name = tag::BIOMETRICS, description = "Biometric identifiers (seed 002), over the records of the token's account. Errors in Laravel's shapes; every path also answers with a trailing slash."),
        (name = tag::HEALTH, description = "Liveness, readiness and metrics."),
        (name = tag::EXPLORER, description = "This document and the explorer."),
    ),
    modifiers(&SecuritySchemes),
)]
struct Root;

/// The whole document: the root and every dialect's part.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = Root::openapi();
    let parts = [
        crate::oauth::openapi::Api::openapi(),
        crate::oidc::openapi::Api::openapi(),
        crate::provider::openapi::Api::openapi(),
        crate::cabinet::openapi::Api::openapi(),
        crate::pbx::openapi::Api::openapi(),
        crate::biometrics::openapi::Api::openapi(),
        crate::health::Api::openapi(),
        crate::metrics::Api::openapi(),
        super::Api::openapi(),
    ];
    for part in parts {
        doc.merge(part);
    }
    doc
}

/// The document as served, rendered once.
pub static OPENAPI_JSON: LazyLock<String> =
    LazyLock::new(|| document().to_json().expect("the OpenAPI document serializes to JSON"));

/// The security schemes every dialect's operations name.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        let bearer = |description: &str| {
            HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some(description.to_owned()))
        };
        components.add_security_scheme(
            scheme::OAUTH_BEARER,
            SecurityScheme::Http(
                bearer(
                    "Access Token Field: paste the `access_token` answered by `POST /oauth/token` (\"Set Token\"). \
                     Provider API and biometrics; the provider API also takes a cabinet personal API token here.",
                )
                .bearer_format("JWT")
                .build(),
            ),
        );
        let token_url = "/oauth/token";
        components.add_security_scheme(
            scheme::OAUTH2,
            SecurityScheme::OAuth2(OAuth2::with_description(
                [
                    Flow::ClientCredentials(ClientCredentials::with_refresh_url(
                        token_url,
                        Scopes::new(),
                        token_url,
                    )),
                    Flow::Password(Password::with_refresh_url(token_url, Scopes::new(), token_url)),
                ],
                "Let the explorer get the token: enter client_id (Application_ID) and client_secret (Application_Secret).",
            )),
        );
        components.add_security_scheme(
            scheme::CABINET_BEARER,
            SecurityScheme::Http(
                bearer(
                    "A cabinet access token (`login`, `register`, `refresh`) or personal API token \
                     (`POST /api/v1/tokens`).",
                )
                .build(),
            ),
        );
        components.add_security_scheme(
            scheme::PBX_BEARER,
            SecurityScheme::Http(bearer("The `token` of the PBX `User.auth` action.").build()),
        );
        components.add_security_scheme(
            scheme::CLIENT_BASIC,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Basic)
                    .description(Some(
                        "The OAuth client: client_id as the user name, client_secret as the password.".to_owned(),
                    ))
                    .build(),
            ),
        );
    }
}
