//! Profile: the person's names (saved, then the page again with a notice), their email and
//! phone (shown, each with a way to its page of change), and a password change with the current password. A new password ends every
//! session, this page's too, so its answer is a page outside the session with "Sign in again".

use super::signin::SITE;
use super::views::{ProfileForms, ProfilePage};
use super::{Account, redirect};
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::Response;
use kordon_core::Error;
use kordon_core::services::Names;
use kordon_core::types::NewPassword;
use std::collections::HashMap;

const PATH: &str = "/account/profile";

fn page(a: &Account, status: StatusCode, notice: Option<&'static str>, forms: ProfileForms) -> Response {
    let t = a.t();
    let user = &a.session.user;
    let page = ProfilePage {
        l: a.layout(t.nav_profile, PATH),
        notice,
        email: user.email.clone(),
        verified: user.email_verified,
        phone: a.or_none(user.phone.as_deref()),
        f: forms,
    };
    let mut response = a.page(&page);
    *response.status_mut() = status;
    response
}

/// The names as stored, for the form.
fn stored(a: &Account) -> ProfileForms {
    let user = &a.session.user;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    ProfileForms {
        first: text(&user.first_name),
        middle: text(&user.middle_name),
        last: text(&user.last_name),
        ..ProfileForms::default()
    }
}

/// `GET /account/profile` (`?saved=1` after the names were saved).
pub(super) async fn profile(a: Account, Query(query): Query<HashMap<String, String>>) -> Response {
    let notice = query.contains_key("saved").then_some(a.t().names_saved);
    page(&a, StatusCode::OK, notice, stored(&a))
}

/// `POST /account/profile`: saves the names.
pub(super) async fn names(a: Account, body: Bytes) -> Response {
    let form = match a.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let names = Names { first: form.get("first_name"), last: form.get("last_name"), middle: form.get("middle_name") };
    match a.core().account_set_names(&a.session, &names).await {
        Ok(()) => redirect(&format!("{PATH}?saved=1")),
        Err(Error::Validation { .. }) => {
            let typed = |name| form.get(name).unwrap_or_default().to_owned();
            let forms = ProfileForms {
                first: typed("first_name"),
                middle: typed("middle_name"),
                last: typed("last_name"),
                names_error: Some(a.t().name_too_long),
                password_error: None,
            };
            page(&a, StatusCode::BAD_REQUEST, None, forms)
        }
        Err(err) => a.failure(err),
    }
}

/// `POST /account/password`: the current password, the new one twice.
pub(super) async fn password(a: Account, body: Bytes) -> Response {
    let form = match a.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let t = a.t();
    let refused = |why: &'static str| {
        page(&a, StatusCode::BAD_REQUEST, None, ProfileForms { password_error: Some(why), ..stored(&a) })
    };
    let Some(current) = form.get("current_password").filter(|c| !c.is_empty()) else {
        return refused(t.current_required);
    };
    let (password, confirmation) = (form.get("password"), form.get("password_confirmation"));
    if let Some(problem) = NewPassword::problem(password, confirmation) {
        return refused(crate::oidc::texts::texts(a.v.origin.locale.as_deref()).password_problem(problem));
    }
    let password = match NewPassword::parse(password, confirmation) {
        Ok(password) => password,
        Err(err) => return a.failure(err),
    };
    match a.core().account_change_password(&a.session, current, &password, &a.v.origin).await {
        Ok(()) => {
            let mut response = a.v.card(StatusCode::OK, t.password_changed_title, t.password_changed_text, true);
            response.headers_mut().append(header::SET_COOKIE, SITE.clear_session(a.v.secure));
            response
        }
        Err(Error::Credential { .. }) => {
            let mut response = refused(t.current_wrong);
            *response.status_mut() = StatusCode::UNAUTHORIZED;
            response
        }
        Err(err) => a.failure(err),
    }
}
