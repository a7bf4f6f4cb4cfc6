//! The web console at `/console`: server-rendered pages for the platform's operators and the
//! account administrators, in the login pages' style (their stylesheet and a small one of its
//! own, built into the binary, the same strict CSP, no script: every page works without
//! JavaScript), in Russian and English.
//!
//! Sign-in is kordon's own code flow with PKCE for the console's built-in client
//! ([`crate::first_party`], `signin`); the console session is the access token it issues, kept
//! in an HttpOnly cookie. Every page
//! reads the session and passes the core's one access rule ([`Console`]); every POST carries the
//! session's CSRF token; every destructive action is a GET that asks and a POST that does. The
//! logic and the scoping (an account administrator sees only their own tenant) live in the core
//! (`services::console`); this module reads forms and cookies and renders pages.

mod applications;
mod audit;
mod defender;
mod flashcalls;
mod keys;
mod overview;
mod signin;
mod texts;
mod users;
mod views;

use crate::AppState;
use crate::https::Https;
use crate::origin::RequestOrigin;
use crate::pages::{CardLink, Nav};
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kordon_core::services::{ConsoleScope, ConsoleSession, FirstPartyClient};
use kordon_core::{Core, Error, Origin};
use texts::Texts;
use views::{CardPage, Layout, MessagePage};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/console", get(overview::overview))
        .route("/console/defender", get(defender::list))
        .route("/console/defender/unblock", get(defender::confirm).post(defender::unblock))
        .route("/console/defender/forgive", post(defender::forgive))
        .route("/console/users", get(users::search))
        .route("/console/user", get(users::user))
        .route("/console/user/disable", get(users::confirm_disable).post(users::disable))
        .route("/console/user/mfa-reset", get(users::confirm_mfa_reset).post(users::mfa_reset))
        .route("/console/user/enable", post(users::enable))
        .route("/console/user/forgive", post(users::forgive))
        .route("/console/user/delete", get(users::confirm_delete).post(users::delete))
        .route("/console/user/session/revoke", get(users::confirm_revoke).post(users::revoke))
        .route("/console/applications", get(applications::list).post(applications::create))
        .route("/console/application", get(applications::application).post(applications::update))
        .route("/console/application/secret", get(applications::confirm_rotate).post(applications::rotate))
        .route("/console/application/delete", get(applications::confirm_delete).post(applications::delete))
        .route("/console/flashcalls", get(flashcalls::flashcalls))
        .route("/console/audit", get(audit::audit))
        .route("/console/keys", get(keys::list))
        .route("/console/keys/rotate", get(keys::confirm).post(keys::rotate))
        .route("/console/callback", get(signin::callback))
        .route("/console/logout", post(signin::logout))
        .route("/console/signed-out", get(signin::signed_out))
        .route("/console/assets/console.css", get(stylesheet))
}

/// One browser request to the console, signed in or not: its language, origin, and whether it
/// came over https (cookies `Secure` and `__Host-`).
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
        Self {
            core: state.core.clone(),
            client: state.web.console.clone(),
            t: texts::texts(origin.locale.as_deref()),
            origin,
            secure,
        }
    }

    /// A page outside a session (the login pages' card).
    fn card(&self, status: StatusCode, heading: &'static str, message: &'static str, link: bool) -> Response {
        let problem = status.is_client_error() || status.is_server_error();
        let link = link.then_some(CardLink { href: "/console", label: self.t.sign_in_again });
        crate::html::page(status, &CardPage { t: self.t, heading, message, problem, link }, None)
    }

    /// The answer to a failure outside a session.
    fn card_failure(&self, err: Error) -> Response {
        let t = self.t;
        match err {
            Error::Forbidden(_) => self.card(StatusCode::FORBIDDEN, t.forbidden_title, t.forbidden_text, false),
            Error::Busy => self.card(StatusCode::SERVICE_UNAVAILABLE, t.problem, t.busy, false),
            Error::Blocked { .. } | Error::RateLimited { .. } => {
                self.card(StatusCode::TOO_MANY_REQUESTS, t.problem, t.busy, false)
            }
            other => {
                tracing::error!(error = %other, "a console sign-in step failed");
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

/// A signed-in console request: the session (past the access rule) and what its pages need.
/// Without a session the browser is sent to sign in (and brought back to the page it asked
/// for); a user the rule refuses gets a 403 page.
pub(super) struct Console {
    v: Visitor,
    session: ConsoleSession,
    /// The ID token of the sign-in (the hint of RP-initiated logout).
    id_token: Option<String>,
}

impl FromRequestParts<AppState> for Console {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let v = Visitor::of(state, parts).await;
        let Some(client) = v.client.clone() else {
            return Err(v.card(StatusCode::SERVICE_UNAVAILABLE, v.t.problem, v.t.unavailable, false));
        };
        let cookie = signin::SITE.session_of(&parts.headers, v.secure);
        match v.core.console_session(&client, cookie.access.as_deref()).await {
            Ok(session) => Ok(Self { v, session, id_token: cookie.id_token }),
            Err(Error::Unauthenticated) => {
                Err(signin::SITE.start_for(&v.core, &client, v.secure, v.origin.locale.as_deref(), parts))
            }
            Err(err) => Err(v.card_failure(err)),
        }
    }
}

pub(super) use crate::html::Form;

/// The navigation: (path, label, platform only).
fn navigation(t: &'static Texts) -> [(&'static str, &'static str, bool); 7] {
    [
        ("/console", t.nav_overview, false),
        ("/console/defender", t.nav_defender, false),
        ("/console/users", t.nav_users, false),
        ("/console/applications", t.nav_applications, false),
        ("/console/flashcalls", t.nav_flashcalls, false),
        ("/console/audit", t.nav_audit, false),
        ("/console/keys", t.nav_keys, true),
    ]
}

impl Console {
    fn t(&self) -> &'static Texts {
        self.v.t
    }

    fn core(&self) -> &Core {
        &self.v.core
    }

    /// The layout of a page titled `title`, under the navigation entry `current`; each role is
    /// shown only the entries it may open.
    fn layout(&self, title: &str, current: &str) -> Layout {
        let t = self.t();
        let op = &self.session.operator;
        let nav = navigation(t)
            .into_iter()
            .filter(|(_, _, platform)| !platform || op.platform())
            .map(|(href, label, _)| Nav { href, label, current: href == current })
            .collect();
        let scope = match op.scope {
            ConsoleScope::Platform => t.scope_platform.to_owned(),
            ConsoleScope::Tenant { account_id } => format!("{} {account_id}", t.scope_tenant),
        };
        Layout {
            t,
            home: "/console",
            title: title.to_owned(),
            nav,
            who: op.user.email.clone(),
            scope,
            csrf: self.session.signed_in.csrf.clone(),
        }
    }

    fn page(&self, template: &impl askama::Template) -> Response {
        crate::html::page(StatusCode::OK, template, None)
    }

    fn message(
        &self,
        status: StatusCode,
        heading: &'static str,
        message: &'static str,
        detail: Option<String>,
    ) -> Response {
        let page = MessagePage { l: self.layout(heading, ""), message, detail };
        crate::html::page(status, &page, None)
    }

    /// The page that answers a failure of the core.
    fn failure(&self, err: Error) -> Response {
        let t = self.t();
        match err {
            Error::NotFound => self.message(StatusCode::NOT_FOUND, t.not_found_title, t.not_found_text, None),
            Error::Forbidden(_) => self.message(StatusCode::FORBIDDEN, t.forbidden_title, t.forbidden_text, None),
            Error::Refused(why) => self.message(StatusCode::BAD_REQUEST, t.refused_title, t.failed, Some(why)),
            Error::Validation { message, .. } => {
                self.message(StatusCode::BAD_REQUEST, t.refused_title, t.failed, Some(message))
            }
            Error::Busy => self.message(StatusCode::SERVICE_UNAVAILABLE, t.problem, t.busy, None),
            other => {
                tracing::error!(error = %other, "a console page failed");
                self.message(StatusCode::INTERNAL_SERVER_ERROR, t.problem, t.failed, None)
            }
        }
    }

    /// The mark of a notice this session's own redirect carries (`?…&mark=`): a keyed digest of
    /// its text under the session's CSRF token, so a link made elsewhere cannot show it.
    fn mark(&self, text: &str) -> String {
        let digest = kordon_core::secrets::keyed_digest(self.session.signed_in.csrf.as_bytes(), &["notice", text]);
        digest[..32].to_owned()
    }

    /// Whether `mark` is this session's mark of `text` (compared in constant time).
    fn marked(&self, text: &str, mark: Option<&String>) -> bool {
        mark.is_some_and(|m| kordon_core::secrets::equal(m, &self.mark(text)))
    }

    /// A POST's form, once its CSRF token is found to be this session's; otherwise the 403 page
    /// that answers it.
    fn form(&self, body: &[u8]) -> Result<Form, Box<Response>> {
        let form = Form::parse(body);
        match self.core().first_party_csrf_ok(&self.session.signed_in, form.get("csrf")) {
            true => Ok(form),
            false => {
                let t = self.t();
                Err(Box::new(self.message(StatusCode::FORBIDDEN, t.bad_form_title, t.bad_form_text, None)))
            }
        }
    }
}

use crate::html::see_other as redirect;

use crate::pages::id_of;

/// `path?name=value`, the value encoded.
fn with_param(path: &str, name: &str, value: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
    format!("{path}?{name}={encoded}")
}

pub(super) use crate::html::shown_time;

/// The console's stylesheet, built into the binary.
async fn stylesheet() -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
        (header::CACHE_CONTROL, "public, max-age=86400"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (headers, include_str!("console.css")).into_response()
}
