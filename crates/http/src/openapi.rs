//! The OpenAPI 3.1 document at `/openapi.json`, generated from the handlers' `#[utoipa::path]`
//! attributes and their request and answer types: each dialect contributes its own part
//! (`<dialect>::openapi::Api`), merged here under kordon's info, tags and security schemes. Like
//! [`crate::router`], this module imports every dialect and none imports it; the explorer
//! ([`crate::docs`]) serves what it renders.

use crate::openapi_names::{scheme, tag};
use std::sync::LazyLock;
use utoipa::openapi::security::{ClientCredentials, Scopes};
use utoipa::openapi::security::{Flow, HttpAuthScheme, HttpBuilder, OAuth2, Password, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kordon",
        description = include_str!("openapi_description.md"),
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
        (name = tag::ADMIN, description = "The admin JSON API: the Defender's blocks, users, sessions and applications, for the platform's operator (every tenant) or an account's lk_admin (that tenant only). Errors as `{\"error\",\"message\"}`."),
        (name = tag::TELEPHONY, description = "SIP credentials for Kamailio's auth_ephemeral and TURN credentials (the TURN REST API), minted with a person's token; the SIP edge's failure reports and blocked hosts for the Defender."),
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
        crate::admin::openapi::Api::openapi(),
        crate::telephony::openapi::Api::openapi(),
        crate::rfc6749::Components::openapi(),
        crate::bearer::Components::openapi(),
        crate::health::Api::openapi(),
        crate::metrics::Api::openapi(),
        crate::docs::Api::openapi(),
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
            scheme::ADMIN_BEARER,
            SecurityScheme::Http(
                bearer(
                    "An administrator's token: a cabinet access token or personal API token, or a user's OAuth \
                     access token (a code-flow one only from a trusted application) of the platform's operator \
                     or an account's lk_admin.",
                )
                .build(),
            ),
        );
        components.add_security_scheme(
            scheme::TELEPHONY_HOOK,
            SecurityScheme::Http(
                bearer("The SIP edge's hook token: the `telephony.hook_token` setting (KORDON_TELEPHONY__HOOK_TOKEN).")
                    .build(),
            ),
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

#[cfg(test)]
mod tests {
    use super::document as whole;
    use crate::openapi_names::scheme;
    use serde_json::Value;
    use std::collections::BTreeSet;

    fn document() -> Value {
        serde_json::to_value(whole()).expect("the document is JSON")
    }

    #[test]
    fn the_document_is_openapi_3_1_json() {
        let doc: Value = serde_json::from_str(&super::OPENAPI_JSON).expect("openapi.json is JSON");
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1.")), "{}", doc["openapi"]);
        assert_eq!(doc["servers"][0]["url"], "/");
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
