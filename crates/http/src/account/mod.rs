//! A person's own account page at `/account`: server-rendered like the login pages and the
//! console (their stylesheets, the same strict CSP, no script), in Russian and English. Anyone
//! whose user is enabled signs in to it through kordon's code flow with the account's built-in
//! client ([`crate::first_party`]); every POST carries the session's CSRF token; everything that
//! ends something is a GET that asks and a POST that does. What a person may see and change is
//! the core's (`services::account`): their own sessions, apps, names and password, nobody else's.

mod app_passwords;
mod apps;
mod contacts;
mod overview;
mod passkeys;
mod profile;
mod security;
mod sessions;
mod signin;
mod texts;
mod views;

use crate::AppState;
use crate::html::Form;
use crate::html::see_other as redirect;
use crate::https::Https;
use crate::origin::RequestOrigin;
use crate::pages::{CardLink, Nav};
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::{get, post};
use kordon_core::services::{AccountSession, EMAIL_CONFIRM_PAGE, FirstPartyClient};
use kordon_core::{Core, Error, Origin};
use texts::Texts;
use views::{CardPage, Layout, MessagePage};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(overview::overview))
        .route("/account/profile", get(profile::profile).post(profile::names))
        .route("/account/password", post(profile::password))
        .route("/account/email", get(contacts::email).post(contacts::email_change))
        .route("/account/email/verify", post(contacts::email_verify))
        .route(EMAIL_CONFIRM_PAGE, get(contacts::confirm_page).post(contacts::confirm))
        .route("/account/phone", get(contacts::phone).post(contacts::phone_call))
        .route("/account/phone/pin", post(contacts::phone_pin))
        .route("/account/security", get(security::security))
        .route("/account/security/totp", post(security::begin))
        .route("/account/security/totp/confirm", post(security::confirm))
        .route("/account/security/totp/remove", get(security::remove_question).post(security::remove))
        .route("/account/security/recovery", post(security::recovery))
        .route("/account/security/flashcall", post(security::flashcall))
        .route("/account/passkeys", get(passkeys::list).post(passkeys::begin))
        .route("/account/passkeys/finish", post(passkeys::finish))
        .route("/account/passkeys/remove", get(passkeys::remove_question).post(passkeys::remove))
        .route("/account/app-passwords", get(app_passwords::list).post(app_passwords::make))
        .route("/account/app-passwords/delete", get(app_passwords::confirm).post(app_passwords::delete))
        .route("/account/sessions", get(sessions::list))
        .route("/account/sessions/end", get(sessions::confirm).post(sessions::end))
        .route("/account/sessions/others", post(sessions::others))
        .route("/account/apps", get(apps::list))
        .route("/account/apps/withdraw", get(apps::confirm).post(apps::withdraw))
        .route("/account/callback", get(signin::callback))
        .route("/account/logout", post(signin::logout))
        .route("/account/signed-out", get(signin::signed_out))
}

/// One browser request to the account page, signed in or not.
pub(super) struct Visitor {
    core: Core,
    client: Option<FirstPartyClient>,
    t: &'static Texts,
    origin: Origin,
    secure: bool,
}

impl Visitor {
    async fn of(state: &AppState, parts: &mut Parts) -> Self {
        let Ok(RequestOrigin(origin)) = RequestOrigin::from_request_parts(parts, state).await;
        let Ok(Https(secure)) = Https::from_request_parts(parts, state).await;
        let t = texts::texts(origin.locale.as_deref());
        Self { core: state.core.clone(), client: state.web.account.clone(), t, origin, secure }
    }

    /// A page outside a session (the login pages' card).
    fn card(&self, status: StatusCode, heading: &'static str, message: &'static str, link: bool) -> Response {
        self.card_to(status, heading, message, link.then_some(self.t.sign_in_again))
    }

    /// A page outside a session that leads to the account page (a mailed link's answer).
    fn to_account(&self, status: StatusCode, heading: &'static str, message: &'static str) -> Response {
        self.card_to(status, heading, message, Some(self.t.to_account))
    }

    /// The card, with a link labelled `label` to the account page.
    fn card_to(
        &self,
        status: StatusCode,
        heading: &'static str,
        message: &'static str,
        label: Option<&'static str>,
    ) -> Response {
        let problem = status.is_client_error() || status.is_server_error();
        let link = label.map(|label| CardLink { href: "/account", label });
        crate::html::page(status, &CardPage { t: self.t, heading, message, problem, link }, None)
    }

    /// The answer to a failure outside a session.
    fn card_failure(&self, err: Error) -> Response {
        let t = self.t;
        match err {
            Error::Busy => self.card(StatusCode::SERVICE_UNAVAILABLE, t.problem, t.busy, false),
            Error::Blocked { .. } | Error::RateLimited { .. } => {
                self.card(StatusCode::TOO_MANY_REQUESTS, t.problem, t.too_many, false)
            }
            other => {
                tracing::error!(error = %other, "an account sign-in step failed");
                self.card(StatusCode::INTERNAL_SERVER_ERROR, t.problem, t.failed, false)
            }
        }
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self::of(state, parts).await)
    }
}

/// A signed-in account request. Without a session the browser is sent to sign in (and brought
/// back to the page it asked for).
pub(super) struct Account {
    v: Visitor,
    session: AccountSession,
    /// The ID token of the sign-in (the hint of RP-initiated logout).
    id_token: Option<String>,
}

impl FromRequestParts<AppState> for Account {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let v = Visitor::of(state, parts).await;
        let Some(client) = v.client.clone() else {
            return Err(v.card(StatusCode::SERVICE_UNAVAILABLE, v.t.problem, v.t.unavailable, false));
        };
        let cookie = signin::SITE.session_of(&parts.headers, v.secure);
        match v.core.account_session(&client, cookie.access.as_deref()).await {
            Ok(session) => Ok(Self { v, session, id_token: cookie.id_token }),
            Err(Error::Unauthenticated) => {
                Err(signin::SITE.start_for(&v.core, &client, v.secure, v.origin.locale.as_deref(), parts))
            }
            Err(err) => Err(v.card_failure(err)),
        }
    }
}

/// The navigation: (path, label).
fn navigation(t: &'static Texts) -> [(&'static str, &'static str); 5] {
    [
        ("/account", t.nav_overview),
        ("/account/profile", t.nav_profile),
        ("/account/security", t.nav_security),
        ("/account/sessions", t.nav_sessions),
        ("/account/apps", t.nav_apps),
    ]
}

impl Account {
    fn t(&self) -> &'static Texts {
        self.v.t
    }

    fn core(&self) -> &Core {
        &self.v.core
    }

    /// The layout of a page titled `title`, under the navigation entry `current`.
    fn layout(&self, title: &str, current: &str) -> Layout {
        let t = self.t();
        let nav =
            navigation(t).into_iter().map(|(href, label)| Nav { href, label, current: href == current }).collect();
        let who = self.session.user.email.clone();
        let (home, scope, csrf) = ("/account", String::new(), self.session.csrf.clone());
        Layout { t, home, title: title.to_owned(), nav, who, scope, csrf }
    }

    fn page(&self, template: &impl askama::Template) -> Response {
        crate::html::page(StatusCode::OK, template, None)
    }

    fn message(&self, status: StatusCode, heading: &'static str, message: &'static str) -> Response {
        crate::html::page(status, &MessagePage { l: self.layout(heading, ""), message, detail: None }, None)
    }

    /// The page that answers a failure of the core.
    fn failure(&self, err: Error) -> Response {
        let t = self.t();
        match err {
            Error::NotFound => self.message(StatusCode::NOT_FOUND, t.not_found_title, t.not_found_text),
            Error::Busy => self.message(StatusCode::SERVICE_UNAVAILABLE, t.problem, t.busy),
            Error::Blocked { retry_after } | Error::RateLimited { retry_after, .. } => {
                // How long, as the login page says it.
                let words = crate::oidc::texts::texts(self.v.origin.locale.as_deref());
                let detail = crate::html::wait_words(t.retry_in, retry_after, words.minutes, words.hours);
                let page = MessagePage { l: self.layout(t.problem, ""), message: t.too_many, detail: Some(detail) };
                let mut r = crate::html::page(StatusCode::TOO_MANY_REQUESTS, &page, None);
                r.headers_mut().insert(axum::http::header::RETRY_AFTER, retry_after.into());
                r
            }
            other => {
                tracing::error!(error = %other, "an account page failed");
                self.message(StatusCode::INTERNAL_SERVER_ERROR, t.problem, t.failed)
            }
        }
    }

    /// A POST's form, once its CSRF token is found to be this session's; otherwise the 403 page
    /// that answers it.
    fn form(&self, body: &[u8]) -> Result<Form, Box<Response>> {
        let form = Form::parse(body);
        match self.core().first_party_csrf_ok(&self.session, form.get("csrf")) {
            true => Ok(form),
            false => {
                let t = self.t();
                Err(Box::new(self.message(StatusCode::FORBIDDEN, t.bad_form_title, t.bad_form_text)))
            }
        }
    }

    /// What a person reads for a value they may not have: the value, or a dash.
    fn or_none(&self, value: Option<&str>) -> String {
        value.filter(|v| !v.is_empty()).unwrap_or(self.t().none).to_owned()
    }
}
