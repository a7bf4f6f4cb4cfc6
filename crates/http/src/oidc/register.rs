//! "Create an account" on the login page, when `oauth.registration` is on (off: every route is
//! a 404 page and the login page has no link): `/oauth/register` takes the address and the
//! phone and has kordon call it; its PIN page takes the call's digits and a new password, opens
//! the account (`Core::browser_register`) and goes on with the authorization request signed in.
//! Both pages carry the request as the login pages do.

use super::pages::{RegisterPage, RegisterPinPage};
use super::{Browser, LoginPost, shown_phone};
use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use kordon_core::Error;
use kordon_core::services::RegisterInput;
use kordon_core::types::NewPassword;

pub(super) fn routes() -> Router<crate::AppState> {
    Router::new().route("/oauth/register", get(form).post(call)).route("/oauth/register/finish", post(finish))
}

impl Browser {
    /// The 404 page of a server that does not register anyone.
    fn registration_closed(&self) -> Response {
        let t = self.t;
        self.message(StatusCode::NOT_FOUND, t.register_closed_title, t.register_closed, None)
    }

    fn register_page(
        &self,
        raw: &str,
        app: &str,
        status: StatusCode,
        typed: (&str, &str),
        error: Option<&str>,
    ) -> Response {
        let page = RegisterPage {
            t: self.t,
            app,
            csrf: &self.csrf.token,
            request: raw,
            email: typed.0,
            phone: typed.1,
            error: error.map(str::to_owned),
        };
        self.page(status, &page, None)
    }
}

/// The PIN page's fields: the address, the phone (with its `+`) and the call's token.
struct Called<'a> {
    email: &'a str,
    phone: &'a str,
    token: &'a str,
}

fn pin_page(b: &Browser, raw: &str, status: StatusCode, called: &Called<'_>, error: Option<&str>) -> Response {
    let page = RegisterPinPage {
        t: b.t,
        csrf: &b.csrf.token,
        request: raw,
        email: called.email,
        phone: called.phone,
        phone_shown: &shown_phone(called.phone),
        token: called.token,
        error: error.map(str::to_owned),
    };
    b.page(status, &page, None)
}

/// `GET /oauth/register?<authorization request>`: the address and the phone.
async fn form(mut b: Browser, uri: Uri) -> Response {
    if !b.core.registration_open() {
        return b.registration_closed();
    }
    let raw = uri.query().unwrap_or_default();
    let request = match b.request(raw).await {
        Ok(request) => request,
        Err(response) => return response,
    };
    b.speak(&request);
    b.register_page(raw, &request.client.name, StatusCode::OK, ("", ""), None)
}

/// `POST /oauth/register`: kordon calls the phone; the page asks for its digits and a password.
async fn call(post: LoginPost) -> Response {
    let LoginPost { b, form, request, raw } = post;
    let t = b.t;
    let (email, phone) = (form.get("email").unwrap_or_default(), form.get("phone").unwrap_or_default());
    let again = |status, text: &str| b.register_page(&raw, &request.client.name, status, (email, phone), Some(text));
    match b.core.registration_call(email, phone, &b.origin).await {
        Ok((phone, token)) => {
            let field = format!("+{}", phone.as_str());
            pin_page(&b, &raw, StatusCode::OK, &Called { email, phone: &field, token: &token }, None)
        }
        Err(Error::NotFound) => b.registration_closed(),
        Err(Error::Validation { field: "email", .. }) => again(StatusCode::BAD_REQUEST, t.bad_email),
        Err(Error::Validation { .. }) => again(StatusCode::BAD_REQUEST, t.bad_phone),
        Err(Error::RateLimited { .. }) => again(StatusCode::TOO_MANY_REQUESTS, t.call_limited),
        Err(Error::Delivery(reason)) => {
            tracing::warn!(%reason, "a registration's FlashCall could not be placed");
            again(StatusCode::BAD_GATEWAY, t.call_failed)
        }
        Err(err) => b.failure(err),
    }
}

/// `POST /oauth/register/finish`: the call's digits and the new password, twice.
async fn finish(post: LoginPost) -> Response {
    let LoginPost { b, form, request, raw } = post;
    let t = b.t;
    let get = |name| form.get(name).unwrap_or_default();
    let called = Called { email: get("email"), phone: get("phone"), token: get("token") };
    let (password, confirmation) = (form.get("password"), form.get("password_confirmation"));
    // The policy first, in words, with the PIN unspent.
    if let Some(problem) = NewPassword::problem(password, confirmation) {
        return pin_page(&b, &raw, StatusCode::BAD_REQUEST, &called, Some(t.password_problem(problem)));
    }
    let input = RegisterInput {
        email: Some(called.email),
        phone: Some(called.phone),
        password,
        password_confirmation: confirmation,
        pin: form.get("pin"),
        token: Some(called.token),
        promocode: None,
    };
    let typed = (called.email, called.phone);
    let again = |status, text: &str| b.register_page(&raw, &request.client.name, status, typed, Some(text));
    match b.core.browser_register(input, &request.flow, &b.origin).await {
        Ok(signed) => b.signed_in_anew(&request, &raw, signed).await,
        Err(Error::NotFound) => b.registration_closed(),
        Err(Error::Credential { .. } | Error::Validation { field: "pin", .. }) => {
            pin_page(&b, &raw, StatusCode::UNAUTHORIZED, &called, Some(t.wrong_pin))
        }
        // Told only after the PIN proved the phone.
        Err(Error::Validation { field: "email", .. }) => again(StatusCode::CONFLICT, t.register_email_taken),
        Err(Error::Validation { field: "phone", .. }) => again(StatusCode::CONFLICT, t.register_phone_taken),
        Err(Error::Validation { .. }) => again(StatusCode::BAD_REQUEST, t.bad_form),
        Err(err) => b.failure(err),
    }
}
