//! Email and phone: `/account/email` mails a link to a new address (or to the one the person has,
//! to prove it), and the link's page `/account/email/confirm` — open to anyone holding it, signed
//! in or not, in any browser — asks for a press of its button before anything changes (mail
//! scanners open links). `/account/phone` calls a new number, and its PIN sets it.

use super::views::{EmailConfirmPage, EmailPage, PhonePage, PhonePinPage};
use super::{Account, Visitor, redirect};
use crate::html::Form;
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use kordon_core::Error;
use kordon_core::services::{EMAIL_CONFIRM_PAGE, EmailFollowed};
use std::collections::HashMap;

const EMAIL: &str = "/account/email";
const PHONE: &str = "/account/phone";

fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

fn email_page(
    a: &Account,
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    typed: &str,
) -> Response {
    let t = a.t();
    let user = &a.session.user;
    let page = EmailPage {
        l: a.layout(t.email_title, "/account/profile"),
        notice,
        error,
        email: user.email.clone(),
        verified: user.email_verified,
        typed: typed.to_owned(),
    };
    with_status(a.page(&page), status)
}

/// `GET /account/email` (`?sent=1` once a link is mailed).
pub(super) async fn email(a: Account, Query(query): Query<HashMap<String, String>>) -> Response {
    let notice = query.contains_key("sent").then_some(a.t().email_sent);
    email_page(&a, StatusCode::OK, notice, None, "")
}

/// `POST /account/email`: the new address and the current password; mails the link.
pub(super) async fn email_change(a: Account, body: Bytes) -> Response {
    let form = match a.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let t = a.t();
    let (typed, current) = (form.get("email").unwrap_or_default(), form.get("current_password").unwrap_or_default());
    if current.is_empty() {
        return email_page(&a, StatusCode::BAD_REQUEST, None, Some(t.current_required), typed);
    }
    match a.core().account_email_change(&a.session, typed, current, &a.v.origin).await {
        Ok(()) => redirect(&format!("{EMAIL}?sent=1")),
        Err(err) => email_refused(&a, err, typed),
    }
}

/// `POST /account/email/verify`: mails a link to the address the person has.
pub(super) async fn email_verify(a: Account, body: Bytes) -> Response {
    if let Err(response) = a.form(&body) {
        return *response;
    }
    match a.core().account_email_verify(&a.session, &a.v.origin).await {
        Ok(()) => redirect(&format!("{EMAIL}?sent=1")),
        // Proved already (the page offered nothing to press): the page as it is.
        Err(Error::Refused(_)) => redirect(EMAIL),
        Err(err) => email_refused(&a, err, ""),
    }
}

/// The email page again, saying why a link was not mailed.
fn email_refused(a: &Account, err: Error, typed: &str) -> Response {
    let t = a.t();
    let (status, why) = match err {
        Error::Validation { .. } => (StatusCode::BAD_REQUEST, t.email_bad),
        Error::Refused(_) => (StatusCode::BAD_REQUEST, t.email_same),
        Error::Credential { .. } => (StatusCode::UNAUTHORIZED, t.current_wrong),
        Error::Delivery(_) => (StatusCode::BAD_GATEWAY, t.mail_failed),
        err => return a.failure(err),
    };
    email_page(a, status, None, Some(why), typed)
}

/// `GET /account/email/confirm?token=`: the address the link proves and the button that does it;
/// nothing is spent here.
pub(super) async fn confirm_page(v: Visitor, Query(query): Query<HashMap<String, String>>) -> Response {
    let t = v.t;
    let token = query.get("token").map(String::as_str).unwrap_or_default();
    match v.core.email_link(token).await {
        Ok(Some(link)) => {
            let page = EmailConfirmPage { t, email: link.email, token: token.to_owned(), action: EMAIL_CONFIRM_PAGE };
            crate::html::page(StatusCode::OK, &page, None)
        }
        Ok(None) => v.to_account(StatusCode::GONE, t.link_dead_title, t.link_dead_text),
        Err(err) => v.card_failure(err),
    }
}

/// `POST /account/email/confirm`: follows the link.
pub(super) async fn confirm(v: Visitor, body: Bytes) -> Response {
    let t = v.t;
    let form = Form::parse(&body);
    let token = form.get("token").unwrap_or_default();
    match v.core.follow_email_link(token, &v.origin).await {
        Ok(EmailFollowed::Changed(_)) => v.to_account(StatusCode::OK, t.email_changed_title, t.email_changed_text),
        Ok(EmailFollowed::Verified(_)) => v.to_account(StatusCode::OK, t.email_verified_title, t.email_verified_text),
        Ok(EmailFollowed::Taken) => v.to_account(StatusCode::CONFLICT, t.problem, t.email_taken),
        Ok(EmailFollowed::Stale) => v.to_account(StatusCode::CONFLICT, t.problem, t.email_stale),
        Err(Error::Credential { .. }) => v.to_account(StatusCode::GONE, t.link_dead_title, t.link_dead_text),
        Err(err) => v.card_failure(err),
    }
}

fn phone_page(
    a: &Account,
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    typed: &str,
) -> Response {
    let t = a.t();
    let l = a.layout(t.phone_title, "/account/profile");
    let page =
        PhonePage { l, notice, error, phone: a.or_none(a.session.user.phone.as_deref()), typed: typed.to_owned() };
    with_status(a.page(&page), status)
}

/// `GET /account/phone` (`?changed=1` after a new number was set).
pub(super) async fn phone(a: Account, Query(query): Query<HashMap<String, String>>) -> Response {
    let notice = query.contains_key("changed").then_some(a.t().phone_changed);
    phone_page(&a, StatusCode::OK, notice, None, "")
}

/// `POST /account/phone`: the new number and the current password; calls it, then asks for
/// the PIN.
pub(super) async fn phone_call(a: Account, body: Bytes) -> Response {
    let form = match a.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let t = a.t();
    let (typed, current) = (form.get("phone").unwrap_or_default(), form.get("current_password").unwrap_or_default());
    if current.is_empty() {
        return phone_page(&a, StatusCode::BAD_REQUEST, None, Some(t.current_required), typed);
    }
    let (status, why) = match a.core().account_phone_call(&a.session, typed, current, &a.v.origin).await {
        Ok((phone, token)) => return pin_page(&a, StatusCode::OK, phone.as_str(), &token, None),
        Err(Error::Validation { .. }) => (StatusCode::BAD_REQUEST, t.phone_bad),
        Err(Error::Refused(_)) => (StatusCode::BAD_REQUEST, t.phone_same),
        Err(Error::Credential { .. }) => (StatusCode::UNAUTHORIZED, t.current_wrong),
        Err(Error::Delivery(_)) => (StatusCode::BAD_GATEWAY, t.call_failed),
        Err(err) => return a.failure(err),
    };
    phone_page(&a, status, None, Some(why), typed)
}

fn pin_page(a: &Account, status: StatusCode, phone: &str, token: &str, error: Option<&'static str>) -> Response {
    let t = a.t();
    let page = PhonePinPage {
        l: a.layout(t.phone_title, "/account/profile"),
        phone: format!("+{}", phone.trim_start_matches('+')),
        token: token.to_owned(),
        error,
    };
    with_status(a.page(&page), status)
}

/// `POST /account/phone/pin`: the PIN of the call; the number is the person's once it is right.
pub(super) async fn phone_pin(a: Account, body: Bytes) -> Response {
    let form = match a.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let t = a.t();
    let (phone, token, pin) = (
        form.get("phone").unwrap_or_default(),
        form.get("token").unwrap_or_default(),
        form.get("pin").unwrap_or_default(),
    );
    match a.core().account_phone_set(&a.session, phone, pin, token, &a.v.origin).await {
        Ok(_) => redirect(&format!("{PHONE}?changed=1")),
        Err(Error::Credential { .. }) => {
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            pin_page(&a, StatusCode::UNAUTHORIZED, &digits, token, Some(t.pin_wrong))
        }
        Err(Error::Refused(_)) => phone_page(&a, StatusCode::CONFLICT, None, Some(t.phone_taken), ""),
        Err(Error::Validation { .. }) => phone_page(&a, StatusCode::BAD_REQUEST, None, Some(t.phone_bad), ""),
        Err(err) => a.failure(err),
    }
}
