//! Signing in to the console and out of it, through [`crate::first_party`]: after the code
//! exchange the console's access rule decides, and a refused sign-in's session is ended at once.
//! Logout lands on `/console/signed-out`.

use super::{Console, Visitor};
use crate::first_party::{CallbackFailed, Site};
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use kordon_core::Error;
use std::collections::HashMap;

/// The console's paths and cookies (`kordon-console`, `kordon-console-flow`).
pub(super) const SITE: Site =
    Site { prefix: "/console", session: "kordon-console", flow: "kordon-console-flow", callback: "/console/callback" };

/// `GET /console/callback`: the end of the code flow.
pub(super) async fn callback(v: Visitor, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    let t = v.t;
    let Some(client) = v.client.clone() else {
        return v.card(StatusCode::SERVICE_UNAVAILABLE, t.problem, t.unavailable, false);
    };
    let done = match SITE.callback(&v.core, &client, &headers, v.secure, &query, &v.origin).await {
        Ok(done) => done,
        Err(CallbackFailed::Refused) => {
            return v.card(StatusCode::BAD_REQUEST, t.signin_failed, t.signin_failed_text, true);
        }
        Err(CallbackFailed::Error(err)) => return v.card_failure(err),
    };
    if let Err(err) = v.core.console_session(&client, Some(&done.tokens.access_token)).await {
        // Refused by the access rule: the session just issued is ended, not kept.
        if let Err(end) = v.core.first_party_discard(&client, &done.tokens.access_token).await {
            tracing::warn!(error = %end, "a refused console sign-in's session could not be ended");
        }
        let mut response = v.card_failure(err);
        response.headers_mut().append(header::SET_COOKIE, SITE.clear_flow(v.secure));
        return response;
    }
    SITE.signed_in(v.secure, &done)
}

/// `POST /console/logout`: ends the session, then the browser's kordon sign-in.
pub(super) async fn logout(c: Console, body: Bytes) -> Response {
    if let Err(response) = c.form(&body) {
        return *response;
    }
    if let Err(err) = c.core().first_party_sign_out(&c.session.signed_in).await {
        return c.failure(err);
    }
    let Some(client) = c.v.client.clone() else { return c.failure(Error::NotFound) };
    SITE.logged_out(c.core(), &client, c.v.secure, c.id_token.as_deref())
}

/// `GET /console/signed-out`: where logout lands.
pub(super) async fn signed_out(v: Visitor) -> Response {
    let t = v.t;
    let mut response = v.card(StatusCode::OK, t.signed_out, t.signed_out_text, true);
    response.headers_mut().append(header::SET_COOKIE, SITE.clear_session(v.secure));
    response
}
