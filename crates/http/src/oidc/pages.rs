//! kordon's login pages (templates in `templates/oidc/`, escaped by askama); their words are in
//! [`super::texts`]. The headers every page carries (no caching, no framing, a strict
//! Content-Security-Policy) are `crate::html`'s.

use super::texts::Texts;
pub(super) use crate::html::{page, secure};
use askama::Template;

#[derive(Template)]
#[template(path = "oidc/login.html")]
pub(super) struct LoginPage<'a> {
    pub t: &'a Texts,
    pub app: &'a str,
    pub csrf: &'a str,
    pub request: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub phone_first: bool,
    pub error: Option<String>,
    /// "Create an account" is offered (`oauth.registration`).
    pub registration: bool,
}

/// "Create an account": the address and the phone kordon calls.
#[derive(Template)]
#[template(path = "oidc/register.html")]
pub(super) struct RegisterPage<'a> {
    pub t: &'a Texts,
    pub app: &'a str,
    pub csrf: &'a str,
    pub request: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub error: Option<String>,
}

/// The registration's second page: the call's digits and the new password.
#[derive(Template)]
#[template(path = "oidc/register_pin.html")]
pub(super) struct RegisterPinPage<'a> {
    pub t: &'a Texts,
    pub csrf: &'a str,
    pub request: &'a str,
    pub email: &'a str,
    /// `+` and the digits (also the form's).
    pub phone: &'a str,
    pub phone_shown: &'a str,
    pub token: &'a str,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "oidc/flashcall.html")]
pub(super) struct FlashCallPage<'a> {
    pub t: &'a Texts,
    pub csrf: &'a str,
    pub request: &'a str,
    pub phone: &'a str,
    pub phone_shown: &'a str,
    pub token: &'a str,
    pub error: Option<String>,
}

/// The second step after a right first factor: the ways it offers (an authenticator's code, a
/// call to the person's phone, the password after a PIN, a recovery code).
#[derive(Template)]
#[template(path = "oidc/second_step.html")]
pub(super) struct SecondStepPage<'a> {
    pub t: &'a Texts,
    pub csrf: &'a str,
    pub request: &'a str,
    pub challenge: &'a str,
    pub error: Option<&'a str>,
    /// What the page asks for first, and the masked phone when that is a call.
    pub lead: &'a str,
    pub call_lead: Option<String>,
    pub app: bool,
    pub recovery: bool,
    pub password: bool,
    /// The phone "Call me" calls, masked.
    pub call: Option<String>,
    /// The options of a passkey ceremony (the page then runs `passkey.js`).
    pub passkey: Option<&'a str>,
}

/// The second step's call placed: its last digits.
#[derive(Template)]
#[template(path = "oidc/second_call.html")]
pub(super) struct SecondCallPage<'a> {
    pub t: &'a Texts,
    pub csrf: &'a str,
    pub request: &'a str,
    pub challenge: &'a str,
    pub token: &'a str,
    pub phone_shown: &'a str,
    pub error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "oidc/consent.html")]
pub(super) struct ConsentPage<'a> {
    pub t: &'a Texts,
    pub app: &'a str,
    pub scopes: Vec<&'a str>,
    pub user: &'a str,
    pub csrf: &'a str,
    pub request: &'a str,
    /// Not the platform's own: the page says so.
    pub partner: bool,
    /// Who registered the application ([`Texts::publisher`]).
    pub publisher: String,
    /// Where either answer sends the browser ([`destination`]).
    pub destination: String,
}

#[derive(Template)]
#[template(path = "oidc/logout.html")]
pub(super) struct LogoutPage<'a> {
    pub t: &'a Texts,
    pub csrf: &'a str,
    /// The logout request's parameters, carried to the confirmation's POST.
    pub fields: Vec<(&'a str, &'a str)>,
}

#[derive(Template)]
#[template(path = "oidc/message.html")]
pub(super) struct MessagePage<'a> {
    pub t: &'a Texts,
    pub heading: &'a str,
    pub message: &'a str,
    /// A technical detail under the message (in English, as the core words it).
    pub detail: Option<&'a str>,
    pub problem: bool,
}

#[derive(Template)]
#[template(path = "oidc/forgot.html")]
pub(super) struct ForgotPage<'a> {
    pub t: &'a Texts,
    pub csrf: &'a str,
    /// The authorization request the person came from (a query string), or empty.
    pub request: &'a str,
    pub email: &'a str,
    pub error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "oidc/reset.html")]
pub(super) struct ResetPage<'a> {
    pub t: &'a Texts,
    pub csrf: &'a str,
    pub error: Option<&'a str>,
}

/// A step done (or a link that no longer works), with where to go next.
#[derive(Template)]
#[template(path = "oidc/notice.html")]
pub(super) struct NoticePage<'a> {
    pub t: &'a Texts,
    pub heading: &'a str,
    pub message: &'a str,
    /// A link (href, words) under the message.
    pub link: Option<(String, &'a str)>,
}

/// Where a redirect URI sends the browser, as a person reads it: its host (and a port other than
/// the scheme's), or its scheme for a private-use one (`com.example.app:`).
pub(super) fn destination(uri: &str) -> String {
    match url::Url::parse(uri) {
        Ok(url) => match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => format!("{}:", url.scheme()),
        },
        Err(_) => uri.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::LoginPage;
    use crate::oidc::texts::EN;
    use askama::Template;

    #[test]
    fn the_consent_page_names_where_the_answer_goes() {
        use super::destination;
        assert_eq!(destination("https://app.example.com/cb?x=1"), "app.example.com");
        assert_eq!(destination("https://app.example.com:8443/cb"), "app.example.com:8443");
        assert_eq!(destination("com.example.app:/cb"), "com.example.app:");
    }

    #[test]
    fn what_a_page_shows_is_escaped() {
        let page = LoginPage {
            t: &EN,
            app: "<script>alert(1)</script>",
            csrf: "c\"srf",
            request: "client_id=1&state=<x>",
            email: "",
            phone: "",
            phone_first: false,
            error: None,
            registration: true,
        };
        let html = page.render().expect("render");
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<x>") && html.contains("/oauth/register?client_id=1&#38;state=&#60;x&#62;"), "{html}");
        assert!(html.contains("&#60;script&#62;"), "{html}");
        assert!(!html.contains("c\"srf"), "{html}");
    }
}

/// "Sign in with a passkey": the ceremony's options (the page runs `passkey.js`, which asks at once).
#[derive(Template)]
#[template(path = "oidc/passkey.html")]
pub(super) struct PasskeyPage<'a> {
    pub t: &'a Texts,
    pub csrf: &'a str,
    pub request: &'a str,
    pub options: &'a str,
    pub error: Option<&'a str>,
}
