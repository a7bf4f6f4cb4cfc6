//! "Forgot password?" on the login page: `/oauth/password/forgot` mails a link to kordon's own
//! new-password page (answered alike whether anyone has the address), and
//! `/oauth/password/reset` opens that link and sets the new password. The safeguards are the
//! cabinet's reset's (`Core::forgot_password`, `Core::change_password`): per-address and per-host
//! caps, a single-use link, the newest link wins, every session ends.
//!
//! The link's token does not stay in the address bar (or the history, or a screenshot): a live
//! link's GET puts the token in a short-lived HttpOnly cookie (`kordon_reset`, the login pages'
//! scope) and answers 303 to the bare page, whose form posts with that cookie. A dead link is
//! answered where it was opened, and no cookie is set.

use super::pages::{ForgotPage, NoticePage, ResetPage};
use super::{Browser, BrowserForm, authorize_params, cookies};
use crate::AppState;
use axum::Router;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::get;
use kordon_core::Error;
use kordon_core::services::{AuthorizationRequest, RESET_PAGE};
use kordon_core::types::NewPassword;
use std::collections::HashMap;

const FORGOT_PAGE: &str = "/oauth/password/forgot";
/// The cookie that carries a live reset link's token from its GET to the form's POST.
const RESET_COOKIE: &str = "kordon_reset";
/// How long a link opened stays usable without opening it again, seconds (the token's own
/// expiry still applies).
const RESET_COOKIE_TTL: i64 = 1800;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route(FORGOT_PAGE, get(forgot_form).post(forgot)).route(RESET_PAGE, get(reset_form).post(reset))
}

impl Browser {
    /// The authorization request a page came from, when it is still a good one (it only names the
    /// application and the way back; the reset itself needs none).
    async fn came_from(&mut self, raw: &str) -> Option<AuthorizationRequest> {
        let params = authorize_params(raw).ok()?;
        let request = self.core.authorization_request(&params).await.ok()?;
        self.speak(&request);
        Some(request)
    }

    fn forgot_page(&self, status: StatusCode, request: &str, email: &str, error: Option<&str>) -> Response {
        let page = ForgotPage { t: self.t, csrf: &self.csrf.token, request, email, error };
        self.page(status, &page, None)
    }

    fn reset_page(&self, status: StatusCode, error: Option<&str>) -> Response {
        self.page(status, &ResetPage { t: self.t, csrf: &self.csrf.token, error }, None)
    }

    /// `response` with the reset cookie set to `token` (empty: deleted).
    fn with_reset_cookie(&self, mut response: Response, token: &str) -> Response {
        let max_age = if token.is_empty() { 0 } else { RESET_COOKIE_TTL };
        let cookie = cookies::set(RESET_COOKIE, token, max_age, self.secure);
        response.headers_mut().append(header::SET_COOKIE, cookie);
        response
    }

    pub(super) fn notice(
        &self,
        status: StatusCode,
        heading: &str,
        message: &str,
        link: Option<(String, &str)>,
    ) -> Response {
        self.page(status, &NoticePage { t: self.t, heading, message, link }, None)
    }

    /// A reset link that is spent, replaced or expired: say so and offer a new one.
    fn dead_link(&self) -> Response {
        let t = self.t;
        self.notice(StatusCode::GONE, t.dead_link_title, t.dead_link_text, Some((FORGOT_PAGE.into(), t.ask_again)))
    }
}

/// `GET /oauth/password/forgot?<the authorization request>`: the address form.
async fn forgot_form(mut b: Browser, uri: Uri) -> Response {
    let raw = uri.query().unwrap_or_default();
    let request = if b.came_from(raw).await.is_some() { raw } else { "" };
    b.forgot_page(StatusCode::OK, request, "", None)
}

/// `POST /oauth/password/forgot`: queues the link; the same answer for any address.
async fn forgot(BrowserForm { mut b, form }: BrowserForm) -> Response {
    let raw = form.get("request").unwrap_or_default();
    let request = b.came_from(raw).await;
    let raw = if request.is_some() { raw } else { "" };
    let email = form.get("email").unwrap_or_default();
    let client = request.as_ref().map(|r| r.client.id);
    let t = b.t;
    match b.core.forgot_password(client, Some(email), &b.origin).await {
        Ok(()) => {
            let back = request.map(|_| (format!("/oauth/authorize?{raw}"), t.back_to_sign_in));
            b.notice(StatusCode::OK, t.sent_title, t.sent_text, back)
        }
        Err(Error::Validation { .. }) => b.forgot_page(StatusCode::BAD_REQUEST, raw, email, Some(t.bad_email)),
        Err(Error::RateLimited { retry_after, .. }) => b.wait(t.resets_limited, retry_after),
        Err(err) => b.failure(err),
    }
}

/// The token of the link this browser opened (its cookie).
fn opened_token<'a>(b: &Browser, headers: &'a HeaderMap) -> &'a str {
    cookies::read(headers, RESET_COOKIE, b.secure).unwrap_or_default()
}

/// `GET /oauth/password/reset?token=…`, the mailed link: a live one moves its token into the
/// cookie and comes back without it; `GET /oauth/password/reset` then shows the new-password
/// form, or why the link no longer works.
async fn reset_form(b: Browser, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    let (token, from_link) = match query.get("token") {
        Some(token) => (token.as_str(), true),
        None => (opened_token(&b, &headers), false),
    };
    match b.core.reset_link_live(token).await {
        Ok(true) if from_link => b.with_reset_cookie(crate::html::see_other(RESET_PAGE), token),
        Ok(true) => b.reset_page(StatusCode::OK, None),
        Ok(false) if from_link => b.dead_link(),
        Ok(false) => b.with_reset_cookie(b.dead_link(), ""),
        Err(err) => b.failure(err),
    }
}

/// `POST /oauth/password/reset`: sets the new password; the link is spent and every session ends.
/// The token comes from the cookie the link's GET set (a `token` field, as an older page posted
/// it, is taken too).
async fn reset(headers: HeaderMap, BrowserForm { b, form }: BrowserForm) -> Response {
    let token = form.get("token").filter(|t| !t.is_empty()).unwrap_or_else(|| opened_token(&b, &headers));
    let (password, confirmation) = (form.get("password"), form.get("password_confirmation"));
    if let Some(problem) = NewPassword::problem(password, confirmation) {
        return b.reset_page(StatusCode::BAD_REQUEST, Some(b.t.password_problem(problem)));
    }
    let t = b.t;
    match b.core.change_password(Some(token), password, confirmation, &b.origin).await {
        Ok(()) => b.with_reset_cookie(b.notice(StatusCode::OK, t.changed_title, t.changed_text, None), ""),
        // (The password passed `NewPassword::problem` above, the policy `change_password` checks.)
        Err(Error::Credential { .. } | Error::Validation { field: "token", .. }) => {
            b.with_reset_cookie(b.dead_link(), "")
        }
        Err(err) => b.failure(err),
    }
}
