//! The login page's second step: a person with a second factor, past the first, types a code
//! of their authenticator app or a recovery code. The page carries the core's challenge
//! (`Core::browser_second_factor`): it is good for this browser's CSRF cookie and this
//! authorization request only, for five minutes. A wrong code shows the page again (401); a
//! challenge gone stale starts the sign-in again.

use super::pages::SecondStepPage;
use super::{Browser, LoginPost};
use axum::http::StatusCode;
use axum::response::Response;
use kordon_core::Error;
use kordon_core::services::AuthorizationRequest;

impl Browser {
    /// The second step's page for a challenge.
    pub(super) fn second_step(
        &self,
        request: &AuthorizationRequest,
        raw: &str,
        challenge: &str,
        status: StatusCode,
        error: Option<&str>,
    ) -> Response {
        let page = SecondStepPage { t: self.t, csrf: &self.csrf.token, request: raw, challenge, error };
        self.page(status, &page, Some(&request.redirect_uri))
    }
}

/// `POST /oauth/authorize/second`: the challenge and a code.
pub(super) async fn second(post: LoginPost) -> Response {
    let LoginPost { b, form, request, raw } = post;
    let raw = raw.as_str();
    let challenge = form.get("challenge").unwrap_or_default();
    let code = form.get("code").unwrap_or_default();
    match b.core.browser_second_factor(challenge, code, &b.csrf.token, &request.flow, &b.origin).await {
        Ok(signed) => b.signed_in_anew(&request, raw, signed).await,
        Err(Error::Credential { .. }) => {
            b.second_step(&request, raw, challenge, StatusCode::UNAUTHORIZED, Some(b.t.second_wrong))
        }
        // A challenge gone stale, or not this browser's: the sign-in starts again.
        Err(Error::Unauthenticated) => b.login_page(&request, raw, StatusCode::UNAUTHORIZED, None, None),
        Err(err) => b.failure(err),
    }
}
