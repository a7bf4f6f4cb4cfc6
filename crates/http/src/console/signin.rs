//! Signing in to the console and out of it. A page asked for without a session starts kordon's
//! own code flow with PKCE: `state`, the verifier and the page to come back to go into a
//! short-lived cookie (`kordon-console-flow`, ten minutes), and the browser to
//! `/oauth/authorize`. `/console/callback` checks `state` (and RFC 9207's `iss`), exchanges the
//! code through the core, and sets the session cookie `kordon-console` (`__Host-` over https):
//! the access token, and the ID token after a `~` for logout's hint. Logout (a POST with the
//! CSRF token) ends the session row and goes through RP-initiated logout, so the browser's
//! kordon sign-in ends too, and lands on `/console/signed-out`.
//!
//! The cookies are SameSite=Lax, not Strict: a link to the console from a mail or a chat is a
//! cross-site navigation, which would arrive without a Strict cookie and start a sign-in whose
//! redirect chain (begun cross-site) would never carry one either. Lax sends the cookie on such a
//! top-level GET, and GETs change nothing; every POST carries the CSRF token besides.

use super::{Console, Visitor, redirect};
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine as _;
use kordon_core::Error;
use kordon_core::secrets::equal;
use kordon_core::services::{ConsoleClient, with_query};
use std::collections::HashMap;

/// The console session's cookie (`__Host-kordon-console` over https).
pub(super) const SESSION: &str = "kordon-console";
/// The cookie of a sign-in under way: `state`, the PKCE verifier, the page to return to.
pub(super) const FLOW: &str = "kordon-console-flow";
/// Over plain http the cookies are scoped to the console's pages.
const HTTP_PATH: &str = "/console";
/// How long a sign-in may take, seconds.
const FLOW_TTL: i64 = 600;

fn cookie(v: &Visitor, name: &str, value: &str, max_age: i64) -> HeaderValue {
    crate::cookies::set(name, value, max_age, v.secure, HTTP_PATH)
}

/// Starts a sign-in that comes back to `back` (a console path; anything else: the Overview).
pub(super) fn start(v: &Visitor, client: &ConsoleClient, back: &str) -> Response {
    let back = match back.starts_with("/console") && !back.starts_with("/console/callback") {
        true => back,
        false => "/console",
    };
    let begun = v.core.console_start(client, v.origin.locale.as_deref());
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(back);
    let value = format!("{}.{}.{encoded}", begun.state, begun.verifier);
    let mut response = redirect(&begun.authorize_url);
    response.headers_mut().append(header::SET_COOKIE, cookie(v, FLOW, &value, FLOW_TTL));
    response
}

/// A sign-in under way, as its cookie holds it.
struct Flow {
    state: String,
    verifier: String,
    back: String,
}

fn flow(v: &Visitor) -> Option<Flow> {
    let mut parts = v.flow_cookie.as_deref()?.splitn(3, '.');
    let (state, verifier, back) = (parts.next()?, parts.next()?, parts.next()?);
    let back = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(back).ok()?;
    let back = String::from_utf8(back).ok().filter(|b| b.starts_with("/console"))?;
    Some(Flow { state: state.to_owned(), verifier: verifier.to_owned(), back })
}

/// `GET /console/callback`: the end of the code flow.
pub(super) async fn callback(v: Visitor, Query(query): Query<HashMap<String, String>>) -> Response {
    let t = v.t;
    let failed = |v: &Visitor| v.card(StatusCode::BAD_REQUEST, t.signin_failed, t.signin_failed_text, true);
    let Some(client) = v.client.clone() else {
        return v.card(StatusCode::SERVICE_UNAVAILABLE, t.problem, t.unavailable, false);
    };
    let get = |name: &str| query.get(name).map(String::as_str).filter(|s| !s.is_empty());
    let Some(flow) = flow(&v) else { return failed(&v) };
    if !get("state").is_some_and(|s| equal(s, &flow.state)) {
        return failed(&v);
    }
    // RFC 9207: an answer that names another issuer is not this server's.
    if get("iss").is_some_and(|iss| iss != v.core.issuer()) {
        return failed(&v);
    }
    let Some(code) = get("code") else {
        // An error from the authorization endpoint (the user is not signed in, or refused).
        return failed(&v);
    };
    let tokens = match v.core.console_exchange(&client, code, &flow.verifier, &v.origin).await {
        Ok(tokens) => tokens,
        Err(Error::Unauthenticated) => return failed(&v),
        Err(err) => return v.card_failure(err),
    };
    let clear_flow = cookie(&v, FLOW, "", 0);
    if let Err(err) = v.core.console_session(&client, Some(&tokens.access_token)).await {
        // Refused by the access rule: the session just issued is ended, not kept.
        if let Err(end) = v.core.console_discard(&client, &tokens.access_token).await {
            tracing::warn!(error = %end, "a refused console sign-in's session could not be ended");
        }
        let mut response = v.card_failure(err);
        response.headers_mut().append(header::SET_COOKIE, clear_flow);
        return response;
    }
    let value = match &tokens.id_token {
        Some(id) => format!("{}~{id}", tokens.access_token),
        None => tokens.access_token.clone(),
    };
    let mut response = redirect(&flow.back);
    response.headers_mut().append(header::SET_COOKIE, cookie(&v, SESSION, &value, tokens.expires_in));
    response.headers_mut().append(header::SET_COOKIE, clear_flow);
    response
}

/// `POST /console/logout`: ends the session, then the browser's kordon sign-in (RP-initiated
/// logout with the session's ID token as the hint, so kordon does not ask again).
pub(super) async fn logout(c: Console, body: Bytes) -> Response {
    if let Err(response) = c.form(&body) {
        return *response;
    }
    if let Err(err) = c.core().console_sign_out(&c.session).await {
        return c.failure(err);
    }
    let Some(client) = c.v.client.clone() else { return c.failure(Error::NotFound) };
    let id = client.id.to_string();
    let mut params = vec![("client_id", id.as_str()), ("post_logout_redirect_uri", client.signed_out_uri.as_str())];
    if let Some(hint) = c.id_token.as_deref() {
        params.push(("id_token_hint", hint));
    }
    let location = with_query(&format!("{}/oauth/logout", c.core().issuer()), &params);
    let mut response = redirect(&location);
    response.headers_mut().append(header::SET_COOKIE, cookie(&c.v, SESSION, "", 0));
    response
}

/// `GET /console/signed-out`: where logout lands.
pub(super) async fn signed_out(v: Visitor) -> Response {
    let t = v.t;
    let mut response = v.card(StatusCode::OK, t.signed_out, t.signed_out_text, true);
    response.headers_mut().append(header::SET_COOKIE, cookie(&v, SESSION, "", 0));
    response
}
