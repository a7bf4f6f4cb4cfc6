//! The login page's second step: a person with a second factor, past the first, uses a passkey,
//! types a code of their authenticator app or a recovery code, has kordon call their phone (FlashCall on,
//! after a password), or types their password (after a FlashCall PIN). The page carries the
//! core's challenge (`Core::browser_second_factor`): it is good for this browser's CSRF cookie
//! and this authorization request only, for five minutes. A wrong proof shows the page again
//! (401); a challenge gone stale starts the sign-in again.

use super::pages::{SecondCallPage, SecondStepPage};
use super::{Browser, LoginPost};
use axum::http::StatusCode;
use axum::response::Response;
use kordon_core::Error;
use kordon_core::services::{AuthorizationRequest, Proof, SecondStep};

impl Browser {
    /// The second step's page.
    pub(super) fn second_step(
        &self,
        request: &AuthorizationRequest,
        raw: &str,
        step: &SecondStep,
        status: StatusCode,
        error: Option<&str>,
    ) -> Response {
        let t = self.t;
        let call = step.call.as_ref().map(|p| p.masked());
        let (lead, call_lead) = match (step.app, &call, step.password) {
            _ if step.passkey.is_some() => (t.second_passkey_lead, None),
            (true, _, _) => (t.second_lead, None),
            (false, _, true) => (t.second_password_lead, None),
            (false, Some(phone), false) => (t.second_call_lead, Some(phone.clone())),
            (false, None, false) => (t.second_recovery_lead, None),
        };
        let page = SecondStepPage {
            t,
            csrf: &self.csrf.token,
            request: raw,
            challenge: &step.challenge,
            error,
            lead,
            call_lead,
            app: step.app,
            recovery: step.recovery,
            password: step.password,
            call,
            passkey: step.passkey.as_deref(),
        };
        match step.passkey {
            Some(_) => self.script_page(status, &page, Some(&request.redirect_uri)),
            None => self.page(status, &page, Some(&request.redirect_uri)),
        }
    }

    /// The page of a second step's call: its last digits.
    fn second_call(
        &self,
        (request, raw): (&AuthorizationRequest, &str),
        step: &SecondStep,
        token: &str,
        status: StatusCode,
        error: Option<&str>,
    ) -> Response {
        let shown = step.call.as_ref().map(|p| p.masked()).unwrap_or_default();
        let page = SecondCallPage {
            t: self.t,
            csrf: &self.csrf.token,
            request: raw,
            challenge: &step.challenge,
            token,
            phone_shown: &shown,
            error,
        };
        self.page(status, &page, Some(&request.redirect_uri))
    }

    /// The second step again with why (the challenge still good), or the login page.
    async fn second_again(
        &self,
        request: &AuthorizationRequest,
        raw: &str,
        challenge: &str,
        status: StatusCode,
        why: &str,
    ) -> Response {
        match self.core.browser_second_step(challenge, &self.csrf.token, &request.flow).await {
            Ok(step) => self.second_step(request, raw, &step, status, Some(why)),
            Err(Error::Unauthenticated) => self.login_page(request, raw, StatusCode::UNAUTHORIZED, None, None),
            Err(err) => self.failure(err),
        }
    }
}

/// `POST /oauth/authorize/second`: the challenge and a code, a call's PIN (with its token), or
/// the password.
pub(super) async fn second(post: LoginPost) -> Response {
    let LoginPost { b, form, request, raw } = post;
    let raw = raw.as_str();
    let challenge = form.get("challenge").unwrap_or_default();
    let (pin, token) = (form.get("pin").unwrap_or_default(), form.get("token").unwrap_or_default());
    let proof = match (form.get("response"), form.get("password"), pin.is_empty()) {
        (Some(response), _, _) => Proof::Passkey(response),
        (None, _, false) => Proof::Pin { pin, token },
        (None, Some(password), true) => Proof::Password(password),
        (None, None, true) => Proof::Code(form.get("code").unwrap_or_default()),
    };
    match b.core.browser_second_factor(challenge, proof, &b.csrf.token, &request.flow, &b.origin).await {
        Ok(signed) => b.signed_in_anew(&request, raw, signed).await,
        Err(Error::Credential { .. } | Error::Validation { .. }) => match proof {
            Proof::Pin { .. } => match b.core.browser_second_step(challenge, &b.csrf.token, &request.flow).await {
                Ok(step) => b.second_call((&request, raw), &step, token, StatusCode::UNAUTHORIZED, Some(b.t.wrong_pin)),
                Err(err) => b.failure(err),
            },
            Proof::Password(_) => {
                b.second_again(&request, raw, challenge, StatusCode::UNAUTHORIZED, b.t.second_password_wrong).await
            }
            Proof::Code(_) => {
                b.second_again(&request, raw, challenge, StatusCode::UNAUTHORIZED, b.t.second_wrong).await
            }
            Proof::Passkey(_) => {
                b.second_again(&request, raw, challenge, StatusCode::UNAUTHORIZED, b.t.passkey_refused).await
            }
        },
        // A challenge gone stale, or not this browser's: the sign-in starts again.
        Err(Error::Unauthenticated) => b.login_page(&request, raw, StatusCode::UNAUTHORIZED, None, None),
        Err(err) => b.failure(err),
    }
}

/// `POST /oauth/authorize/second/call`: "Call me"; the page then asks for the last digits.
pub(super) async fn call(post: LoginPost) -> Response {
    let LoginPost { b, form, request, raw } = post;
    let raw = raw.as_str();
    let challenge = form.get("challenge").unwrap_or_default();
    match b.core.browser_second_call(challenge, &b.csrf.token, &request.flow, &b.origin).await {
        Ok((step, token)) => b.second_call((&request, raw), &step, &token, StatusCode::OK, None),
        Err(Error::Unauthenticated) => b.login_page(&request, raw, StatusCode::UNAUTHORIZED, None, None),
        Err(Error::RateLimited { .. }) => {
            b.second_again(&request, raw, challenge, StatusCode::TOO_MANY_REQUESTS, b.t.call_limited).await
        }
        Err(Error::Delivery(reason)) => {
            tracing::warn!(%reason, "a second step's FlashCall could not be placed");
            b.second_again(&request, raw, challenge, StatusCode::BAD_GATEWAY, b.t.call_failed).await
        }
        Err(err) => b.failure(err),
    }
}
