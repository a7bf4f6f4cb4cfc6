//! Signing in to one of kordon's own page families (the console, the account page) and out of
//! it, the same way for each. A page asked for without a session starts kordon's code flow with
//! PKCE: `state`, the verifier and the page to come back to go into a short-lived cookie
//! (`<family>-flow`, ten minutes), and the browser to `/oauth/authorize`. The callback checks
//! `state` (and RFC 9207's `iss`), exchanges the code through the core, and sets the session
//! cookie (`__Host-` over https): the access token, and the ID token after a `~` for logout's
//! hint. Logout (a POST with the CSRF token) ends the session row and goes through RP-initiated
//! logout, so the browser's kordon sign-in ends too.
//!
//! The cookies are SameSite=Lax, not Strict: a link to a page from a mail or a chat is a
//! cross-site navigation, which would arrive without a Strict cookie and start a sign-in whose
//! redirect chain (begun cross-site) would never carry one either. Lax sends the cookie on such a
//! top-level GET, and GETs change nothing; every POST carries the CSRF token besides.

use crate::html::see_other;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::Response;
use base64::Engine as _;
use kordon_core::secrets::equal;
use kordon_core::services::{FirstPartyClient, FirstPartyTokens, with_query};
use kordon_core::{Core, Error, Origin};
use std::collections::HashMap;

/// How long a sign-in may take, seconds.
const FLOW_TTL: i64 = 600;
/// The longest page address a sign-in returns to (longer: the family's first page).
const BACK_MAX: usize = 1024;

/// A page family's paths and cookies.
pub(crate) struct Site {
    /// Where its pages live (`/console`); over plain http its cookies are scoped to it.
    pub prefix: &'static str,
    /// The session's cookie (`__Host-` prefixed over https).
    pub session: &'static str,
    /// The cookie of a sign-in under way: `state`, the PKCE verifier, the page to return to.
    pub flow: &'static str,
    /// The callback's path (no page comes back to it).
    pub callback: &'static str,
}

/// What a signed-in request's session cookie holds.
pub(crate) struct SessionCookie {
    pub access: Option<String>,
    /// The ID token of the sign-in (the hint of RP-initiated logout).
    pub id_token: Option<String>,
}

/// A finished sign-in: the tokens, and the page to return to.
pub(crate) struct SignedIn {
    pub tokens: FirstPartyTokens,
    pub back: String,
}

/// Why a callback did not sign anyone in.
pub(crate) enum CallbackFailed {
    /// No sign-in of this browser's, a wrong `state` or `iss`, an error from the authorization
    /// endpoint, or a code that is not right: "sign in again".
    Refused,
    /// The core failed.
    Error(Error),
}

impl Site {
    /// A `Set-Cookie` of one of this family's cookies; `max_age` zero deletes it.
    pub fn cookie(&self, secure: bool, name: &str, value: &str, max_age: i64) -> HeaderValue {
        crate::cookies::set(name, value, max_age, secure, self.prefix)
    }

    /// The session cookie of a request, split into its tokens.
    pub fn session_of(&self, headers: &HeaderMap, secure: bool) -> SessionCookie {
        let Some(cookie) = crate::cookies::read(headers, self.session, secure) else {
            return SessionCookie { access: None, id_token: None };
        };
        let (access, id) = cookie.split_once('~').unwrap_or((cookie, ""));
        SessionCookie { access: Some(access.to_owned()), id_token: Some(id.to_owned()).filter(|i| !i.is_empty()) }
    }

    /// Whether `path` is a page of this family a sign-in may return to.
    fn returnable(&self, path: &str) -> bool {
        let inside = path == self.prefix || path.starts_with(&format!("{}/", self.prefix));
        let inside = inside || path.starts_with(&format!("{}?", self.prefix));
        inside && !path.starts_with(self.callback)
    }

    /// Starts a sign-in that comes back to `back` (a page of this family; anything else: its
    /// first page).
    fn start(
        &self,
        core: &Core,
        client: &FirstPartyClient,
        secure: bool,
        locale: Option<&str>,
        back: &str,
    ) -> Response {
        // (A long one would make the flow's cookie too big for a browser to keep.)
        let back = if self.returnable(back) && back.len() <= BACK_MAX { back } else { self.prefix };
        let begun = core.first_party_start(client, locale);
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(back);
        let value = format!("{}.{}.{encoded}", begun.state, begun.verifier);
        let mut response = see_other(&begun.authorize_url);
        response.headers_mut().append(header::SET_COOKIE, self.cookie(secure, self.flow, &value, FLOW_TTL));
        response
    }

    /// What a request without a live session gets: a sign-in that comes back to the page it
    /// asked for (a form's POST: to the family's first page, as a form is not replayed).
    pub fn start_for(
        &self,
        core: &Core,
        client: &FirstPartyClient,
        secure: bool,
        locale: Option<&str>,
        parts: &Parts,
    ) -> Response {
        let back = match parts.method == Method::GET {
            true => parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or(self.prefix),
            false => self.prefix,
        };
        self.start(core, client, secure, locale, back)
    }

    /// The end of the code flow: checks the answer against the sign-in this browser began and
    /// exchanges the code.
    pub async fn callback(
        &self,
        core: &Core,
        client: &FirstPartyClient,
        headers: &HeaderMap,
        secure: bool,
        query: &HashMap<String, String>,
        origin: &Origin,
    ) -> Result<SignedIn, CallbackFailed> {
        let get = |name: &str| query.get(name).map(String::as_str).filter(|s| !s.is_empty());
        let (state, verifier, back) = self.flow_of(headers, secure).ok_or(CallbackFailed::Refused)?;
        if !get("state").is_some_and(|s| equal(s, &state)) {
            return Err(CallbackFailed::Refused);
        }
        // RFC 9207: an answer that names another issuer is not this server's.
        if get("iss").is_some_and(|iss| iss != core.issuer()) {
            return Err(CallbackFailed::Refused);
        }
        // No code: an error from the authorization endpoint (not signed in, or refused).
        let code = get("code").ok_or(CallbackFailed::Refused)?;
        match core.first_party_exchange(client, code, &verifier, origin).await {
            Ok(tokens) => Ok(SignedIn { tokens, back }),
            Err(Error::Unauthenticated) => Err(CallbackFailed::Refused),
            Err(err) => Err(CallbackFailed::Error(err)),
        }
    }

    /// The sign-in under way, as its cookie holds it: `state`, the verifier, the page to return to.
    fn flow_of(&self, headers: &HeaderMap, secure: bool) -> Option<(String, String, String)> {
        let mut parts = crate::cookies::read(headers, self.flow, secure)?.splitn(3, '.');
        let (state, verifier, back) = (parts.next()?, parts.next()?, parts.next()?);
        let back = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(back).ok()?;
        let back = String::from_utf8(back).ok().filter(|b| self.returnable(b))?;
        Some((state.to_owned(), verifier.to_owned(), back))
    }

    /// The answer to a finished sign-in: the session cookie set, the flow's cleared, and back to
    /// the page asked for.
    pub fn signed_in(&self, secure: bool, done: &SignedIn) -> Response {
        let tokens = &done.tokens;
        let value = match &tokens.id_token {
            Some(id) => format!("{}~{id}", tokens.access_token),
            None => tokens.access_token.clone(),
        };
        let mut response = see_other(&done.back);
        response.headers_mut().append(header::SET_COOKIE, self.cookie(secure, self.session, &value, tokens.expires_in));
        response.headers_mut().append(header::SET_COOKIE, self.clear_flow(secure));
        response
    }

    /// Deletes the cookie of a sign-in under way.
    pub fn clear_flow(&self, secure: bool) -> HeaderValue {
        self.cookie(secure, self.flow, "", 0)
    }

    /// Deletes the session cookie.
    pub fn clear_session(&self, secure: bool) -> HeaderValue {
        self.cookie(secure, self.session, "", 0)
    }

    /// After the session's row is ended: on to RP-initiated logout with the session's ID token
    /// as the hint (so kordon does not ask again), the session cookie deleted.
    pub fn logged_out(&self, core: &Core, client: &FirstPartyClient, secure: bool, id_token: Option<&str>) -> Response {
        let id = client.id.to_string();
        let mut params = vec![("client_id", id.as_str()), ("post_logout_redirect_uri", client.signed_out_uri.as_str())];
        if let Some(hint) = id_token {
            params.push(("id_token_hint", hint));
        }
        let location = with_query(&format!("{}/oauth/logout", core.issuer()), &params);
        let mut response = see_other(&location);
        response.headers_mut().append(header::SET_COOKIE, self.clear_session(secure));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::Site;

    const SITE: Site = Site { prefix: "/console", session: "s", flow: "f", callback: "/console/callback" };

    #[test]
    fn a_sign_in_returns_only_to_the_family_s_own_pages() {
        for ok in ["/console", "/console/users?q=a", "/console?x=1"] {
            assert!(SITE.returnable(ok), "{ok}");
        }
        for bad in ["/consoles", "/console/callback?code=x", "/account", "https://evil/console", "//evil/console"] {
            assert!(!SITE.returnable(bad), "{bad}");
        }
    }
}
