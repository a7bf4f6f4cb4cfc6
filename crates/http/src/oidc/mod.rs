//! OpenID Connect in the browser: the authorization endpoint and kordon's own login pages
//! (email + password, or phone + FlashCall), consent, the single sign-on cookie, UserInfo and
//! RP-initiated logout. The logic lives in the core (`services::oidc`: `authorize`, `signin`,
//! `tokens`); this module reads forms and cookies and renders pages.
//!
//! The authorization request travels between the pages as its original query string (the
//! hidden `request` field) and is validated again on every step, so nothing a form carries is
//! trusted beyond what the first GET would have accepted.

mod cookies;
pub(crate) mod openapi;
mod pages;
mod passkey_signin;
mod password_pages;
mod register;
mod second_step;
pub(crate) mod texts;
mod userinfo;

use crate::AppState;
use crate::https::Https;
use crate::origin::RequestOrigin;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cookies::Csrf;
use kordon_core::services::{
    AuthorizationRequest, AuthorizeError, AuthorizeParams, AuthorizeStep, Publisher, SignInStep, SignedIn,
};
use kordon_core::{Core, Error, Origin, oidc_types::LoginSession};
use pages::{ConsentPage, FlashCallPage, LoginPage, MessagePage, page};
use texts::Texts;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/authorize", get(authorize).post(authorize_form))
        .route("/oauth/authorize/password", post(password))
        .route("/oauth/authorize/flashcall", post(flashcall))
        .route("/oauth/authorize/pin", post(pin))
        .route("/oauth/authorize/second", post(second_step::second))
        .route("/oauth/authorize/second/call", post(second_step::call))
        .route("/oauth/authorize/passkey", post(passkey_signin::start))
        .route("/oauth/authorize/passkey/verify", post(passkey_signin::verify))
        .route("/oauth/authorize/consent", post(consent))
        .route("/oauth/userinfo", get(userinfo::userinfo).post(userinfo::userinfo_post))
        .route("/oauth/logout", get(userinfo::logout).post(userinfo::logout_form))
        .route("/oauth/assets/kordon.css", get(stylesheet))
        .route("/oauth/assets/passkey.js", get(passkey_script))
        .merge(password_pages::routes())
        .merge(register::routes())
}

/// An authorization request longer than this is refused (browsers and proxies cut URLs near 8 KiB).
const REQUEST_LIMIT: usize = 8 * 1024;

/// One browser request: its language, origin, cookies and whether cookies must be Secure.
struct Browser {
    core: Core,
    t: &'static Texts,
    origin: Origin,
    csrf: Csrf,
    session_cookie: Option<String>,
    secure: bool,
}

use crate::html::Form;

/// The parameters of an authorization request's query string. A repeated parameter is refused
/// (RFC 6749 §3.1): which of two redirect URIs would be the one meant?
fn authorize_params(raw: &str) -> Result<AuthorizeParams, &'static str> {
    if raw.len() > REQUEST_LIMIT {
        return Err("The authorization request is longer than 8 KiB.");
    }
    let mut p = AuthorizeParams::default();
    for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
        let slot = match k.as_ref() {
            "response_type" => &mut p.response_type,
            "client_id" => &mut p.client_id,
            "redirect_uri" => &mut p.redirect_uri,
            "scope" => &mut p.scope,
            "state" => &mut p.state,
            "nonce" => &mut p.nonce,
            "code_challenge" => &mut p.code_challenge,
            "code_challenge_method" => &mut p.code_challenge_method,
            "prompt" => &mut p.prompt,
            "max_age" => &mut p.max_age,
            "login_hint" => &mut p.login_hint,
            "request" => &mut p.request,
            "request_uri" => &mut p.request_uri,
            "ui_locales" => &mut p.ui_locales,
            "id_token_hint" => &mut p.id_token_hint,
            "acr_values" => &mut p.acr_values,
            _ => continue,
        };
        if slot.is_some() {
            return Err("A parameter of the authorization request is repeated.");
        }
        *slot = Some(v.into_owned());
    }
    Ok(p)
}

/// `+7 999 123-45-67` for a Russian number, `+<digits>` for others (anything else as it came:
/// the wrong-PIN page echoes the form's field).
pub(crate) fn shown_phone(digits: &str) -> String {
    let digits = digits.strip_prefix('+').unwrap_or(digits);
    match (digits.len(), digits.strip_prefix('7')) {
        (11, Some(rest)) if digits.bytes().all(|b| b.is_ascii_digit()) => {
            format!("+7 {} {}-{}-{}", &rest[..3], &rest[3..6], &rest[6..8], &rest[8..])
        }
        _ if digits.bytes().all(|b| b.is_ascii_digit()) => format!("+{digits}"),
        _ => digits.to_owned(),
    }
}

impl Browser {
    /// `https`: the request came over https (see `crate::https`), so the cookies are `Secure`
    /// and `__Host-`.
    fn new(state: &AppState, origin: Origin, headers: &HeaderMap, Https(secure): Https) -> Self {
        Self {
            core: state.core.clone(),
            t: texts::texts(origin.locale.as_deref()),
            origin,
            csrf: Csrf::of(headers, secure),
            session_cookie: cookies::read(headers, cookies::SESSION, secure).map(str::to_owned),
            secure,
        }
    }

    /// A rendered page; sets the CSRF cookie when this browser had none.
    fn page(&self, status: StatusCode, template: &impl askama::Template, form_target: Option<&str>) -> Response {
        self.with_csrf(page(status, template, form_target))
    }

    /// A passkey step: as [`Browser::page`], running `passkey.js`.
    fn script_page(&self, status: StatusCode, template: &impl askama::Template, form_target: Option<&str>) -> Response {
        self.with_csrf(crate::html::page_with_script(status, template, form_target))
    }

    /// `response` with the CSRF cookie when this browser's token is new.
    fn with_csrf(&self, mut response: Response) -> Response {
        if self.csrf.fresh {
            let cookie = cookies::set(cookies::CSRF, &self.csrf.token, self.core.settings.oauth.login_ttl, self.secure);
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        response
    }

    fn message(&self, status: StatusCode, heading: &str, message: &str, detail: Option<&str>) -> Response {
        let problem = status.is_client_error() || status.is_server_error();
        self.page(status, &MessagePage { t: self.t, heading, message, detail, problem }, None)
    }

    /// 429 with `Retry-After` and a page that says how long to wait: minutes, or whole hours from
    /// two hours on (a daily cap reads "24 h", not "1440 min.").
    fn wait(&self, text: &str, retry_after: u64) -> Response {
        let text = crate::html::wait_words(text, retry_after, self.t.minutes, self.t.hours);
        let mut r = self.message(StatusCode::TOO_MANY_REQUESTS, self.t.blocked_title, &text, None);
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        r
    }

    /// A page for a failure no form can fix: blocked, past a cap, busy, or kordon's own.
    fn failure(&self, err: Error) -> Response {
        let t = self.t;
        match err {
            // Refusals, not failures (the Defender logged them): the person is told how long to wait.
            Error::Blocked { retry_after } => self.wait(t.blocked, retry_after),
            Error::RateLimited { retry_after, .. } => self.wait(t.limited, retry_after),
            Error::Busy => self.message(StatusCode::SERVICE_UNAVAILABLE, t.problem, t.busy, None),
            other => {
                tracing::error!(error = %other, "a login page step failed");
                self.message(StatusCode::INTERNAL_SERVER_ERROR, t.problem, t.failed, None)
            }
        }
    }

    /// The request of a query string, validated; an error is already the answer (a page, or a
    /// redirect back to the client).
    async fn request(&self, raw: &str) -> Result<AuthorizationRequest, Response> {
        let params = authorize_params(raw).map_err(|m| self.bad_request(m))?;
        match self.core.authorization_request(&params).await {
            Ok(request) => Ok(request),
            Err(err) => Err(self.refuse(err)),
        }
    }

    /// The pages speak the request's `ui_locales` when kordon has one of its languages, else the
    /// browser's `Accept-Language`.
    fn speak(&mut self, request: &AuthorizationRequest) {
        if let Some(locale) = request.ui_locale {
            self.t = texts::texts(Some(locale));
        }
    }

    fn bad_request(&self, detail: &str) -> Response {
        self.message(StatusCode::BAD_REQUEST, self.t.bad_request, self.t.bad_request_text, Some(detail))
    }

    /// An authorization error: a page when there is no trusted redirect URI, else the redirect.
    fn refuse(&self, err: AuthorizeError) -> Response {
        match (&err, err.location(self.core.issuer())) {
            (_, Some(location)) => self.redirect(&location),
            (AuthorizeError::Page(detail), None) => self.bad_request(detail),
            (AuthorizeError::Shown { error, description }, None) => {
                self.bad_request(&format!("{error}: {description}"))
            }
            (AuthorizeError::Redirect { .. }, None) => self.bad_request("The request cannot be answered."),
            (AuthorizeError::SecondFactorNeeded { tenant }, None) => {
                let t = self.t;
                let message = if *tenant { t.mfa_needed_tenant } else { t.mfa_needed_client };
                let link = Some(("/account/security".to_owned(), t.mfa_needed_link));
                self.notice(StatusCode::FORBIDDEN, t.mfa_needed_title, message, link)
            }
        }
    }

    /// `303 See Other` (a GET after a form's POST, and a plain redirect after a GET).
    fn redirect(&self, location: &str) -> Response {
        let Ok(value) = HeaderValue::from_str(location) else {
            return self.bad_request("The redirect URI cannot be sent as a header.");
        };
        let mut response = StatusCode::SEE_OTHER.into_response();
        pages::secure(response.headers_mut(), None);
        response.headers_mut().insert(header::LOCATION, value);
        response
    }

    /// What comes after the request is valid (and, from a form, after the user signed in).
    async fn next(
        &self,
        request: &AuthorizationRequest,
        raw: &str,
        session: Option<LoginSession>,
        set_session: Option<HeaderValue>,
    ) -> Response {
        let step = self.core.authorize(request, session.as_ref()).await;
        self.show(step, request, raw, session.as_ref(), set_session).await
    }

    async fn show(
        &self,
        step: Result<AuthorizeStep, AuthorizeError>,
        request: &AuthorizationRequest,
        raw: &str,
        session: Option<&LoginSession>,
        set_session: Option<HeaderValue>,
    ) -> Response {
        let mut response = match (step, session) {
            (Err(err), _) => self.refuse(err),
            (Ok(AuthorizeStep::Redirect(location)), _) => self.redirect(&location),
            (Ok(AuthorizeStep::Consent), Some(session)) => self.consent_page(request, raw, session).await,
            (Ok(_), _) => self.login_page(request, raw, StatusCode::OK, None, None),
        };
        if let Some(cookie) = set_session {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        response
    }

    fn login_page(
        &self,
        request: &AuthorizationRequest,
        raw: &str,
        status: StatusCode,
        filled: Option<(&str, &str, bool)>,
        error: Option<&str>,
    ) -> Response {
        let hint = request.login_hint.as_deref().unwrap_or_default();
        let (email, phone, phone_first) = filled.unwrap_or(match hint.contains('@') {
            true => (hint, "", false),
            false => ("", hint, !hint.is_empty()),
        });
        let login = LoginPage {
            t: self.t,
            app: &request.client.name,
            csrf: &self.csrf.token,
            request: raw,
            email,
            phone,
            phone_first,
            error: error.map(str::to_owned),
            registration: self.core.registration_open(),
        };
        // The form's answer may be the redirect to the client: Chrome holds that redirect to
        // form-action too.
        self.page(status, &login, Some(&request.redirect_uri))
    }

    async fn consent_page(&self, request: &AuthorizationRequest, raw: &str, session: &LoginSession) -> Response {
        let user = match self.core.browser_user(session).await {
            Ok(Some(user)) => user,
            Ok(None) => return self.login_page(request, raw, StatusCode::OK, None, None),
            Err(err) => return self.failure(err),
        };
        let publisher = match self.core.client_publisher(&request.client).await {
            Ok(publisher) => publisher,
            Err(err) => return self.failure(err),
        };
        let consent = ConsentPage {
            t: self.t,
            app: &request.client.name,
            scopes: request.scopes.iter().map(|s| self.t.scope(s)).collect(),
            user: &user.email,
            csrf: &self.csrf.token,
            request: raw,
            partner: publisher != Publisher::Platform,
            publisher: self.t.publisher(&publisher),
            destination: pages::destination(&request.redirect_uri),
        };
        self.page(StatusCode::OK, &consent, Some(&request.redirect_uri))
    }

    /// The browser's sign-in cookie after a successful login.
    fn session_cookie(&self, value: &str) -> HeaderValue {
        cookies::set(cookies::SESSION, value, self.core.settings.oauth.login_ttl, self.secure)
    }

    /// A sign-in just made: the one the browser's cookie named before ends, the cookie names
    /// the new one, and the authorization request goes on.
    async fn signed_in_anew(&self, request: &AuthorizationRequest, raw: &str, signed: SignedIn) -> Response {
        if let Err(err) = self.core.browser_replaced(self.session_cookie.as_deref(), &signed).await {
            // The new sign-in stands; the old one ends with its own expiry.
            tracing::warn!(error = %err, "a replaced sign-in could not be ended");
        }
        let cookie = self.session_cookie(&signed.cookie);
        self.next(request, raw, Some(signed.session), Some(cookie)).await
    }

    /// The live sign-in the cookie names.
    async fn signed_in(&self) -> Result<Option<LoginSession>, Response> {
        self.core.browser_session(self.session_cookie.as_deref()).await.map_err(|e| self.failure(e))
    }
}

type Body = Result<Bytes, axum::extract::rejection::BytesRejection>;

/// `GET /oauth/authorize`: validates the request, then shows the login page, the consent page,
/// or sends the browser back with a code.
async fn authorize(mut b: Browser, uri: Uri) -> Response {
    start(&mut b, uri.query().unwrap_or_default()).await
}

/// `POST /oauth/authorize`: the same request as a form (OpenID Connect Core §3.1.2.1).
async fn authorize_form(mut b: Browser, body: Body) -> Response {
    match body.ok().as_deref().map(std::str::from_utf8) {
        Some(Ok(raw)) => start(&mut b, raw).await,
        _ => b.bad_request("The authorization request is not a UTF-8 form."),
    }
}

async fn start(b: &mut Browser, raw: &str) -> Response {
    let request = match b.request(raw).await {
        Ok(request) => request,
        Err(response) => return response,
    };
    b.speak(&request);
    let session = match b.signed_in().await {
        Ok(session) => session,
        Err(response) => return response,
    };
    b.next(&request, raw, session, None).await
}

/// Every page's browser, read from the request's parts (never fails: a missing cookie is a fresh
/// CSRF token, an unknown language is Russian).
impl FromRequestParts<AppState> for Browser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Ok(RequestOrigin(origin)) = RequestOrigin::from_request_parts(parts, state).await;
        let Ok(https) = Https::from_request_parts(parts, state).await;
        Ok(Self::new(state, origin, &parts.headers, https))
    }
}

/// A form's POST from one of kordon's pages, its CSRF token checked: the browser and the form's
/// fields. Whatever fails is already the page that answers it.
struct BrowserForm {
    b: Browser,
    form: Form,
}

impl FromRequest<AppState> for BrowserForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let Ok(b) = Browser::from_request_parts(&mut parts, state).await;
        let body = Bytes::from_request(Request::from_parts(parts, body), state).await;
        let form = form_of(&b, body).map_err(|response| *response)?;
        if !b.csrf.matches(form.get("csrf")) {
            let t = b.t;
            return Err(b.message(StatusCode::FORBIDDEN, t.bad_request, t.bad_form, None));
        }
        Ok(Self { b, form })
    }
}

/// A login page's POST, read and checked (the CSRF token, then the authorization request as the
/// first GET would have checked it): the browser, the form's fields and the request. Whatever
/// fails is already the page that answers it.
struct LoginPost {
    b: Browser,
    form: Form,
    request: AuthorizationRequest,
    raw: String,
}

impl FromRequest<AppState> for LoginPost {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let BrowserForm { mut b, form } = BrowserForm::from_request(req, state).await?;
        let raw = form.get("request").unwrap_or_default().to_owned();
        let request = b.request(&raw).await?;
        b.speak(&request);
        Ok(Self { b, form, request, raw })
    }
}

/// A form is `name=value` pairs; a body with anything else (a bare word, JSON) is not one.
fn form_shaped(bytes: &[u8]) -> bool {
    bytes.split(|c| *c == b'&').all(|pair| pair.is_empty() || pair.contains(&b'='))
}

/// The form of a POST, or the page that says it could not be read.
fn form_of(b: &Browser, body: Body) -> Result<Form, Box<Response>> {
    match body {
        Ok(bytes) if form_shaped(&bytes) => Ok(Form::parse(&bytes)),
        _ => Err(Box::new(b.message(StatusCode::BAD_REQUEST, b.t.bad_request, b.t.bad_form, None))),
    }
}

/// `POST /oauth/authorize/password`: email and password.
async fn password(post: LoginPost) -> Response {
    let LoginPost { b, form, request, raw } = post;
    let raw = raw.as_str();
    let email = form.get("email");
    match b.core.browser_sign_in_password(email, form.get("password"), &b.origin, &request.flow, &b.csrf.token).await {
        Ok(SignInStep::Done(signed)) => b.signed_in_anew(&request, raw, signed).await,
        Ok(SignInStep::SecondFactor(challenge)) => b.second_step(&request, raw, &challenge, StatusCode::OK, None),
        Err(Error::Credential { .. } | Error::Validation { .. }) => {
            let filled = Some((email.unwrap_or_default(), "", false));
            b.login_page(&request, raw, StatusCode::UNAUTHORIZED, filled, Some(b.t.wrong_password))
        }
        Err(err) => b.failure(err),
    }
}

/// `POST /oauth/authorize/flashcall`: kordon calls the phone; the page asks for the digits.
async fn flashcall(post: LoginPost) -> Response {
    let LoginPost { b, form, request, raw } = post;
    let raw = raw.as_str();
    let typed = form.get("phone").unwrap_or_default();
    let again = |status, text: &str| b.login_page(&request, raw, status, Some(("", typed, true)), Some(text));
    match b.core.flashcall(Some(typed), b.origin.ip.as_deref()).await {
        Ok((phone, token)) => {
            // With its `+`: digits alone read as a national number when they can (an 11-digit
            // `8…`, as Vietnam's +84 numbers are, would come back as a Russian `7…`).
            let field = format!("+{}", phone.as_str());
            let step = FlashCallPage {
                t: b.t,
                csrf: &b.csrf.token,
                request: raw,
                phone: &field,
                phone_shown: &shown_phone(phone.as_str()),
                token: &token,
                error: None,
            };
            b.page(StatusCode::OK, &step, Some(&request.redirect_uri))
        }
        Err(Error::Validation { .. }) => again(StatusCode::BAD_REQUEST, b.t.bad_phone),
        Err(Error::RateLimited { .. }) => again(StatusCode::TOO_MANY_REQUESTS, b.t.call_limited),
        Err(Error::Delivery(reason)) => {
            tracing::warn!(%reason, "a login page's FlashCall could not be placed");
            again(StatusCode::BAD_GATEWAY, b.t.call_failed)
        }
        Err(err) => b.failure(err),
    }
}

/// `POST /oauth/authorize/pin`: the last digits of the calling number.
async fn pin(post: LoginPost) -> Response {
    let LoginPost { b, form, request, raw } = post;
    let raw = raw.as_str();
    let (phone, token) = (form.get("phone").unwrap_or_default(), form.get("token").unwrap_or_default());
    let csrf = b.csrf.token.as_str();
    match b.core.browser_sign_in_pin(Some(phone), form.get("pin"), Some(token), &b.origin, &request.flow, csrf).await {
        Ok(SignInStep::Done(signed)) => b.signed_in_anew(&request, raw, signed).await,
        Ok(SignInStep::SecondFactor(challenge)) => b.second_step(&request, raw, &challenge, StatusCode::OK, None),
        Err(Error::Credential { .. } | Error::Validation { .. }) => {
            let step = FlashCallPage {
                t: b.t,
                csrf: &b.csrf.token,
                request: raw,
                phone,
                phone_shown: &shown_phone(phone),
                token,
                error: Some(b.t.wrong_pin.to_owned()),
            };
            b.page(StatusCode::UNAUTHORIZED, &step, Some(&request.redirect_uri))
        }
        Err(err) => b.failure(err),
    }
}

/// `POST /oauth/authorize/consent`: Allow or Deny.
async fn consent(post: LoginPost) -> Response {
    let LoginPost { b, form, request, raw } = post;
    let raw = raw.as_str();
    let allow = match form.get("decision") {
        Some("allow") => true,
        Some("deny") => false,
        _ => return b.message(StatusCode::BAD_REQUEST, b.t.bad_request, b.t.bad_form, None),
    };
    let session = match b.signed_in().await {
        Ok(Some(session)) => session,
        // Signed out in between (another tab, or the session ended): sign in again.
        Ok(None) => return b.login_page(&request, raw, StatusCode::OK, None, None),
        Err(response) => return response,
    };
    let step = b.core.consent_answer(&request, &session, allow).await;
    b.show(step, &request, raw, Some(&session), None).await
}

/// The login pages' stylesheet, built into the binary.
async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", include_str!("kordon.css"))
}

/// The passkey steps' script, built into the binary.
async fn passkey_script() -> Response {
    asset("text/javascript; charset=utf-8", include_str!("passkey.js"))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "public, max-age=86400"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (headers, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::{authorize_params, shown_phone};

    #[test]
    fn a_repeated_parameter_is_refused() {
        assert!(authorize_params("client_id=1&redirect_uri=a&redirect_uri=b").is_err());
        let p = authorize_params("client_id=1&redirect_uri=https%3A%2F%2Fa%2Fcb&extra=x").expect("params");
        assert_eq!(p.redirect_uri.as_deref(), Some("https://a/cb"));
        assert!(authorize_params(&"a".repeat(9000)).is_err());
    }

    #[test]
    fn phones_are_shown_grouped() {
        assert_eq!(shown_phone("79991234567"), "+7 999 123-45-67");
        assert_eq!(shown_phone("+79991234567"), "+7 999 123-45-67");
        assert_eq!(shown_phone("380501234567"), "+380501234567");
        assert_eq!(shown_phone("7ééééé"), "7ééééé", "no slicing inside a character");
    }
}
