//! Signing in to the account page and out of it, through [`crate::first_party`]: any enabled
//! user may. Logout lands on `/account/signed-out`.

use super::{Account, Visitor};
use crate::first_party::{CallbackFailed, Site};
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use kordon_core::Error;
use std::collections::HashMap;

/// The account page's paths and cookies (`kordon-account`, `kordon-account-flow`).
pub(super) const SITE: Site =
    Site { prefix: "/account", session: "kordon-account", flow: "kordon-account-flow", callback: "/account/callback" };

/// `GET /account/callback`: the end of the code flow.
pub(super) async fn callback(v: Visitor, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    let t = v.t;
    let Some(client) = v.client.clone() else {
        return v.card(StatusCode::SERVICE_UNAVAILABLE, t.problem, t.unavailable, false);
    };
    match SITE.callback(&v.core, &client, &headers, v.secure, &query, &v.origin).await {
        Ok(done) => SITE.signed_in(v.secure, &done),
        Err(CallbackFailed::Refused) => v.card(StatusCode::BAD_REQUEST, t.signin_failed, t.signin_failed_text, true),
        Err(CallbackFailed::Error(err)) => v.card_failure(err),
    }
}

/// `POST /account/logout`: ends the session, then the browser's kordon sign-in.
pub(super) async fn logout(a: Account, body: Bytes) -> Response {
    if let Err(response) = a.form(&body) {
        return *response;
    }
    if let Err(err) = a.core().first_party_sign_out(&a.session).await {
        return a.failure(err);
    }
    let Some(client) = a.v.client.clone() else { return a.failure(Error::NotFound) };
    SITE.logged_out(a.core(), &client, a.v.secure, a.id_token.as_deref())
}

/// `GET /account/signed-out`: where logout lands.
pub(super) async fn signed_out(v: Visitor) -> Response {
    let t = v.t;
    let mut response = v.card(StatusCode::OK, t.signed_out, t.signed_out_text, true);
    response.headers_mut().append(header::SET_COOKIE, SITE.clear_session(v.secure));
    response
}
