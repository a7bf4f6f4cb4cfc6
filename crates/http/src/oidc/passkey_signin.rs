//! "Sign in with a passkey" on the login page: a POST (CSRF-checked, capped per host) begins a
//! ceremony any passkey of kordon's may answer, and its page runs `passkey.js`, which asks the
//! browser at once; the answer posted back signs the person in with both factors (the device,
//! and the PIN or biometric that unlocked it). A refused answer shows the page again with a new
//! ceremony (401).

use super::pages::PasskeyPage;
use super::{Browser, LoginPost};
use axum::http::StatusCode;
use axum::response::Response;
use kordon_core::Error;
use kordon_core::services::AuthorizationRequest;

impl Browser {
    /// A new ceremony's page, with `error` after a refused answer.
    async fn passkey_page(
        &self,
        request: &AuthorizationRequest,
        raw: &str,
        status: StatusCode,
        error: Option<&str>,
    ) -> Response {
        match self.core.browser_passkey_options(&self.origin).await {
            Ok(options) => {
                let page = PasskeyPage { t: self.t, csrf: &self.csrf.token, request: raw, options: &options, error };
                self.script_page(status, &page, Some(&request.redirect_uri))
            }
            Err(err) => self.failure(err),
        }
    }
}

/// `POST /oauth/authorize/passkey`: the ceremony's page.
pub(super) async fn start(post: LoginPost) -> Response {
    let LoginPost { b, request, raw, .. } = post;
    b.passkey_page(&request, &raw, StatusCode::OK, None).await
}

/// `POST /oauth/authorize/passkey/verify`: the browser's answer.
pub(super) async fn verify(post: LoginPost) -> Response {
    let LoginPost { b, form, request, raw } = post;
    match b.core.browser_sign_in_passkey(form.get("response"), &b.origin, &request.flow).await {
        Ok(signed) => b.signed_in_anew(&request, &raw, signed).await,
        Err(Error::Credential { .. } | Error::Validation { .. }) => {
            b.passkey_page(&request, &raw, StatusCode::UNAUTHORIZED, Some(b.t.passkey_refused)).await
        }
        Err(err) => b.failure(err),
    }
}
