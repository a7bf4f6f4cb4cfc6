//! This part of the OpenAPI document: the authorization endpoint (GET and POST), UserInfo (the
//! handlers in `userinfo.rs` carry their GET), logout, and the shapes they take and answer. The
//! login pages' own form targets are not API and are not listed.

use crate::bearer::{BearerInvalid, BearerUnavailable};
use crate::openapi_names::tag;
use crate::rfc6749::{ErrorBody, OAuthServerError};
use utoipa::ToSchema;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        authorize_doc,
        authorize_form_doc,
        super::userinfo::userinfo,
        userinfo_post_doc,
        super::userinfo::logout,
        logout_form_doc,
    ),
    components(schemas(super::userinfo::UserInfo, AuthorizeForm, LogoutForm))
)]
pub(crate) struct Api;

/// An authorization request as a form (the same parameters as the GET's query).
#[derive(ToSchema)]
#[allow(dead_code)] // Documentation only: the handler reads the raw form.
pub(crate) struct AuthorizeForm {
    /// `code`.
    response_type: String,
    /// The client's id.
    client_id: String,
    /// One of the client's registered redirect URIs, exactly.
    redirect_uri: String,
    /// Space-separated: `openid`, `email`, `phone`, `profile`, `offline_access`, `sip`, `turn`.
    scope: Option<String>,
    state: Option<String>,
    nonce: Option<String>,
    code_challenge: Option<String>,
    /// `S256`.
    code_challenge_method: Option<String>,
    /// `none`, `login`, `consent`.
    prompt: Option<String>,
    max_age: Option<String>,
    login_hint: Option<String>,
}

/// A logout request as a form (the same parameters as the GET's query), or the answer of
/// kordon's "Sign out?" page (which adds its CSRF token).
#[derive(ToSchema)]
#[allow(dead_code)] // Documentation only: the handler reads the raw form.
pub(crate) struct LogoutForm {
    id_token_hint: Option<String>,
    post_logout_redirect_uri: Option<String>,
    client_id: Option<String>,
    state: Option<String>,
    /// The confirmation page's token.
    csrf: Option<String>,
}

/// Start a sign-in (OpenID Connect authorization code flow with PKCE)
///
/// `response_type=code` only. An unknown `client_id` or a `redirect_uri` not registered for it,
/// exactly, is answered with kordon's error page (400) and never redirected to; so is every error
/// of a partner's (non-trusted) application until the user answers its consent page. A trusted
/// client's other errors go back to the redirect URI as `error`, `error_description`, `state`
/// and `iss`. Otherwise
/// the browser sees kordon's login page, then the consent page (for clients not marked trusted),
/// then returns to the redirect URI with `code`, `state` and `iss` (RFC 9207).
#[utoipa::path(get, path = "/oauth/authorize", tag = tag::OIDC, operation_id = "oidcAuthorize", security(()),
    params(
        ("response_type" = String, Query, description = "`code`."),
        ("client_id" = String, Query, description = "The client's id."),
        ("redirect_uri" = String, Query, description = "One of the client's registered redirect URIs, exactly."),
        ("scope" = Option<String>, Query, description = "Space-separated: `openid`, `email`, `phone`, `profile`, `offline_access`, `sip`, `turn`."),
        ("state" = Option<String>, Query, description = "Returned unchanged (up to 2048 characters)."),
        ("nonce" = Option<String>, Query, description = "Copied into the ID token."),
        ("code_challenge" = Option<String>, Query, description = "PKCE (RFC 7636): required for public clients."),
        ("code_challenge_method" = Option<String>, Query, description = "`S256` (`plain` is refused)."),
        ("prompt" = Option<String>, Query, description = "`none`, `login`, `consent`."),
        ("max_age" = Option<String>, Query, description = "Seconds since the last sign-in beyond which the user signs in again."),
        ("login_hint" = Option<String>, Query, description = "An email or phone to fill in."),
    ),
    responses(
        (status = 200, description = "The login or consent page.", content_type = "text/html"),
        (status = 303, description = "Back to the redirect URI with `code` (or `error`), `state` and `iss`."),
        (status = 400, description = "kordon's error page: no trusted redirect URI to answer to.", content_type = "text/html"),
    ))]
#[allow(dead_code)] // Documentation only: `super::authorize` serves the path.
fn authorize_doc() {}

/// Start a sign-in, the request as a form
///
/// OpenID Connect Core §3.1.2.1: the same parameters and answers as `GET /oauth/authorize`.
#[utoipa::path(post, path = "/oauth/authorize", tag = tag::OIDC, operation_id = "oidcAuthorizeForm", security(()),
    request_body(content = AuthorizeForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The login or consent page.", content_type = "text/html"),
        (status = 303, description = "Back to the redirect URI with `code` (or `error`), `state` and `iss`."),
        (status = 400, description = "kordon's error page: no trusted redirect URI to answer to.", content_type = "text/html"),
    ))]
#[allow(dead_code)] // Documentation only: `super::authorize_form` serves the path.
fn authorize_form_doc() {}

/// The user the access token was issued for, by POST
///
/// The same as `GET /oauth/userinfo` (OpenID Connect Core §5.3.1). The access token may instead
/// come as the field `access_token` of an `application/x-www-form-urlencoded` body (RFC 6750
/// §2.2), but not in both places. (The body is described here, not as a request body: every
/// field is optional and a form cannot carry the invalid values a fuzzer would send.)
#[utoipa::path(post, path = "/oauth/userinfo", tag = tag::OIDC, operation_id = "oidcUserInfoPost",
    security(("oauthBearer" = [])),
    responses(
        (status = 200, description = "The user's claims.", body = super::userinfo::UserInfo),
        (status = 400, description = "The token was sent both in the header and in the body, or the body is not a form.", body = ErrorBody),
        (status = 401, response = BearerInvalid),
        (status = 403, description = "The token was not issued with the openid scope.", body = ErrorBody),
        (status = 500, response = OAuthServerError),
        (status = 503, response = BearerUnavailable),
    ))]
#[allow(dead_code)] // Documentation only: `super::userinfo::userinfo_post` serves the path.
fn userinfo_post_doc() {}

/// Sign out of kordon, by POST
///
/// The same parameters as `GET /oauth/logout`, as a form; kordon's "Sign out?" page posts here
/// with its CSRF token.
#[utoipa::path(post, path = "/oauth/logout", tag = tag::OIDC, operation_id = "oidcLogoutForm", security(()),
    request_body(content = Option<LogoutForm>, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Signed out (kordon's page), or the question whether to sign out.", content_type = "text/html"),
        (status = 303, description = "Signed out: to the client's post-logout redirect URI."),
        (status = 400, description = "The form could not be read.", content_type = "text/html"),
    ))]
#[allow(dead_code)] // Documentation only: `super::userinfo::logout_form` serves the path.
fn logout_form_doc() {}
