//! UserInfo (OpenID Connect Core §5.3) and RP-initiated logout (OpenID Connect RP-Initiated
//! Logout 1.0).

use super::pages::LogoutPage;
use super::{Browser, Form, cookies, form_of, form_shaped};
use crate::AppState;
use crate::bearer::{self, BearerInvalid, BearerUnavailable};
use crate::openapi_names::tag;
use crate::rfc6749::{ErrorBody, ErrorCode, OAuthServerError, answer};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use kordon_core::services::LoggedOut;
use utoipa::ToSchema;

/// The user the access token was issued for
///
/// OpenID Connect UserInfo: `sub` and the claims of the scopes the user granted (`email`,
/// `phone`, `profile`). Only an access token of the authorization code flow with the `openid`
/// scope has any; another valid token is answered 403 `insufficient_scope`. `POST` answers the same.
#[utoipa::path(get, path = "/oauth/userinfo", tag = tag::OIDC, operation_id = "oidcUserInfo",
    security(("oauthBearer" = [])),
    responses(
        (status = 200, description = "The user's claims.", body = UserInfo),
        (status = 401, response = BearerInvalid),
        (status = 403, description = "The token was not issued with the openid scope.", body = ErrorBody),
        (status = 500, response = OAuthServerError),
        (status = 503, response = BearerUnavailable),
    ))]
pub(super) async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Response {
    claims_of(&state, crate::edge::bearer_token(&headers)).await
}

/// `POST /oauth/userinfo`: the token in the header, or as `access_token` in a form body (RFC 6750
/// §2.2, which OpenID Connect Core §5.3.1 lets UserInfo take). Both at once is `invalid_request`
/// (RFC 6750 §3.1: one method per request).
pub(super) async fn userinfo_post(State(state): State<AppState>, headers: HeaderMap, body: super::Body) -> Response {
    let in_header = crate::edge::bearer_token(&headers);
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case(FORM));
    let in_body = match (form, body) {
        (true, Ok(bytes)) if form_shaped(&bytes) => Form::parse(&bytes).get("access_token").map(str::to_owned),
        (false, Ok(bytes)) if bytes.is_empty() => None,
        _ => return answer(StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest, NOT_A_FORM),
    };
    match (in_header, in_body.as_deref()) {
        (Some(_), Some(_)) => answer(StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest, TWO_METHODS),
        (Some(token), None) | (None, Some(token)) => claims_of(&state, Some(token)).await,
        (None, None) => claims_of(&state, None).await,
    }
}

const FORM: &str = "application/x-www-form-urlencoded";
const NOT_A_FORM: &str = "The body is not an application/x-www-form-urlencoded form.";
const TWO_METHODS: &str = "The access token was sent both in the header and in the body.";

async fn claims_of(state: &AppState, token: Option<&str>) -> Response {
    match state.core.userinfo(token).await {
        Ok(claims) => ([(header::CACHE_CONTROL, "no-store")], Json(claims)).into_response(),
        Err(err) => bearer::refusal(err, token.is_some(), "openid"),
    }
}

/// Sign out of kordon (RP-initiated logout)
///
/// Ends the browser's sign-in (its `kordon_session` cookie) and sends the browser to
/// `post_logout_redirect_uri` (with `state`) when that URI is registered for the client the
/// `id_token_hint` or `client_id` names; otherwise kordon shows a "signed out" page. Unless the
/// `id_token_hint` is the signed-in user's (and of the client `client_id` names), the user is
/// asked first (a page with a Sign out button). `POST` takes the same parameters as a form.
#[utoipa::path(get, path = "/oauth/logout", tag = tag::OIDC, operation_id = "oidcLogout", security(()),
    params(
        ("id_token_hint" = Option<String>, Query, description = "An ID token kordon issued to the client for the signed-in user (expired: only one of this sign-in)."),
        ("post_logout_redirect_uri" = Option<String>, Query, description = "Registered with `--post-logout-redirect-uri`."),
        ("client_id" = Option<String>, Query, description = "The client, when no ID token is at hand."),
        ("state" = Option<String>, Query, description = "Passed back to the post-logout redirect URI."),
    ),
    responses(
        (status = 200, description = "Signed out (kordon's page), or the question whether to sign out.", content_type = "text/html"),
        (status = 303, description = "Signed out: to the client's post-logout redirect URI."),
    ))]
pub(super) async fn logout(b: Browser, uri: Uri) -> Response {
    let form = Form::parse(uri.query().unwrap_or_default().as_bytes());
    end_session(&b, &form, false).await
}

/// `POST /oauth/logout`: the same as a form, and the answer of the confirmation page.
pub(super) async fn logout_form(b: Browser, body: super::Body) -> Response {
    match form_of(&b, body) {
        Ok(form) => end_session(&b, &form, true).await,
        Err(response) => *response,
    }
}

/// The parameters of a logout request the confirmation page carries on.
const LOGOUT_FIELDS: [&str; 4] = ["id_token_hint", "client_id", "post_logout_redirect_uri", "state"];

async fn end_session(b: &Browser, form: &Form, posted: bool) -> Response {
    let [hint, client_id, uri, state] = LOGOUT_FIELDS.map(|name| form.get(name));
    let session = match b.signed_in().await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let plan = match b.core.logout_plan(session.as_ref(), hint, client_id, uri, state).await {
        Ok(plan) => plan,
        Err(err) => return b.failure(err),
    };
    let target = match &plan.then {
        LoggedOut::Redirect(location) => Some(location.as_str()),
        LoggedOut::Page => None,
    };
    // A client that shows the signed-in user's ID token asked for this; otherwise the user says
    // so on kordon's own page (its form carries the CSRF token), so no link from elsewhere signs
    // anyone out. Without a live sign-in there is nothing to ask about.
    let confirmed = plan.hinted || (posted && b.csrf.matches(form.get("csrf")));
    if !confirmed && session.is_some() {
        let fields = LOGOUT_FIELDS.iter().filter_map(|name| form.get(name).map(|value| (*name, value))).collect();
        return b.page(StatusCode::OK, &LogoutPage { t: b.t, csrf: &b.csrf.token, fields }, target);
    }
    if let Err(err) = b.core.browser_sign_out(b.session_cookie.as_deref(), &b.origin).await {
        return b.failure(err);
    }
    let mut response = match target {
        Some(location) => b.redirect(location),
        None => b.message(StatusCode::OK, b.t.signed_out, b.t.signed_out_text, None),
    };
    response.headers_mut().append(header::SET_COOKIE, cookies::set(cookies::SESSION, "", 0, b.secure));
    response
}

/// The claims UserInfo answers (those of the granted scopes only).
#[derive(ToSchema)]
#[allow(dead_code)] // Documentation only: the answer is the core's claim map.
pub(crate) struct UserInfo {
    /// The user's id at kordon, as a string.
    sub: String,
    /// Scope `email`.
    email: Option<String>,
    /// Scope `email`: true once the person followed a link mailed to the address.
    email_verified: Option<bool>,
    /// Scope `phone`: E.164 with `+`.
    phone_number: Option<String>,
    /// Scope `phone`: true (registration proves the phone with a FlashCall).
    phone_number_verified: Option<bool>,
    /// Scope `profile`: first, middle and last name.
    name: Option<String>,
    given_name: Option<String>,
    middle_name: Option<String>,
    family_name: Option<String>,
}
