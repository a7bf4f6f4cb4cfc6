//! The authorization endpoint's logic (OpenID Connect Core §3.1.2, RFC 6749 §4.1, RFC 7636):
//! validating an authorization request, deciding what the browser sees next (the login page, the
//! consent page, or the client's redirect URI with a code), and issuing the code.
//!
//! An unknown client or a redirect URI that is not registered, exactly, is shown an error page by
//! kordon and never redirected to. Later errors go back to the redirect URI (RFC 6749 §4.1.2.1)
//! only for a trusted (the platform's own) client: a partner's redirect URI is whatever its
//! registrant typed, so kordon sends the browser there only with a code, or when the user answered
//! its consent page, which names where the answer goes (RFC 9700 §4.11.2).

use crate::error::Result;
use crate::oidc_types::{AuthorizationCode, LoginSession};
use crate::secrets::{digest, random_token};
use crate::services::Core;
use crate::services::oauth::scopes::{SCOPES, scope_has};
use crate::services::oidc::{ACCOUNT_CLIENT_ID, ACR_MFA, two_factors};
use crate::types::Client;

/// An authorization code's lifetime, seconds.
pub const CODE_TTL: i64 = 60;

/// The unspent codes one sign-in may hold for one client; a new one deletes the oldest beyond (by
/// expiry second; among codes of one second, any) — a browser looping `prompt=none` wrote a row
/// per request.
pub const CODES_PER_SIGN_IN: i64 = 5;
/// A sign-in's "last used" moves at most this often, seconds (one write a minute, not a code).
const LAST_USE_STEP: i64 = 60;

/// The grant a client needs for the authorization endpoint.
pub const GRANT_CODE: &str = "authorization_code";

/// The parameters of an authorization request, as the browser sent them.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
pub struct AuthorizeParams {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub prompt: Option<String>,
    pub max_age: Option<String>,
    pub login_hint: Option<String>,
    /// Request objects (OpenID Connect Core §6) are not supported: either one is refused.
    pub request: Option<String>,
    pub request_uri: Option<String>,
    /// The languages the user prefers for the pages, in order (OpenID Connect Core §3.1.2.1).
    pub ui_locales: Option<String>,
    /// An ID token kordon issued earlier: the user the client expects (OIDC Core §3.1.2.1).
    pub id_token_hint: Option<String>,
    /// The authentication context classes asked for, in order (OIDC Core §3.1.2.1): kordon reads
    /// `urn:kordon:acr:mfa` (or `mfa`).
    pub acr_values: Option<String>,
}

/// A valid authorization request.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    pub client: Client,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub prompt: Prompt,
    pub max_age: Option<i64>,
    pub login_hint: Option<String>,
    /// The digest of the request's parameters: a sign-in made on its login page is fresh for it
    /// alone (`prompt=login`, `max_age`).
    pub flow: String,
    /// The first of `ui_locales` that kordon's pages speak (`ru` or `en`).
    pub ui_locale: Option<&'static str>,
    /// The `sub` of a valid `id_token_hint`: a sign-in of another user does not answer it.
    pub hinted_sub: Option<String>,
    /// `acr_values` asks for two factors: a one-factor sign-in of a person who has a second one
    /// does not answer it (they sign in again, with both).
    pub acr_mfa: bool,
}

/// `prompt` (OIDC Core §3.1.2.1): `none` may not be combined with the others.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prompt {
    pub none: bool,
    pub login: bool,
    pub consent: bool,
}

/// Why an authorization request failed, and where the browser learns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeError {
    /// Shown by kordon (no trusted place to send the browser): a message for the page.
    Page(&'static str),
    /// An error of a partner application's request, shown by kordon rather than redirected to a
    /// URI kordon does not vouch for (RFC 9700 §4.11.2): `error` as RFC 6749 names it.
    Shown { error: &'static str, description: String },
    /// Sent back to the client's redirect URI (RFC 6749 §4.1.2.1).
    Redirect { redirect_uri: String, state: Option<String>, error: &'static str, description: String },
    /// A second factor is required (by the application, or by the person's tenant when `tenant`)
    /// and the person has none: kordon's page sends them to switch one on.
    SecondFactorNeeded { tenant: bool },
}

/// What the browser sees next.
#[derive(Debug)]
pub enum AuthorizeStep {
    /// The login page (no sign-in, or the request wants a fresh one).
    Login,
    /// The consent page: the client and the scopes it asks for.
    Consent,
    /// Back to the client: the redirect URI with these query parameters.
    Redirect(String),
}

impl AuthorizationRequest {
    /// An error found before the user answered a consent page: back to a trusted client's
    /// redirect URI, kordon's own page for a partner's. Automatic redirects to a URI that anyone
    /// who registers may choose make kordon an open redirector (RFC 9700 §4.11.2); this holds for
    /// `prompt=none` too (its third example), so a partner's silent sign-in that cannot be
    /// answered with a code ends on kordon's page.
    fn fail(&self, error: &'static str, description: impl Into<String>) -> AuthorizeError {
        match self.client.trusted {
            true => self.answered(error, description),
            false => AuthorizeError::Shown { error, description: description.into() },
        }
    }

    /// An error sent back to the redirect URI whatever the client: the user's own answer on a
    /// consent page that named where it goes.
    fn answered(&self, error: &'static str, description: impl Into<String>) -> AuthorizeError {
        AuthorizeError::Redirect {
            redirect_uri: self.redirect_uri.clone(),
            state: self.state.clone(),
            error,
            description: description.into(),
        }
    }

    /// Whether the request asks for OpenID Connect (an ID token).
    pub fn is_openid(&self) -> bool {
        self.scopes.iter().any(|s| s == "openid")
    }
}

/// A PKCE challenge or verifier: 43 to 128 characters of `[A-Za-z0-9-._~]` (RFC 7636 §4.1).
pub(crate) fn pkce_shaped(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// The first language of a `ui_locales` list (BCP 47 tags, space-separated) that the pages
/// speak: `ru-RU` counts as `ru`.
fn page_locale(list: &str) -> Option<&'static str> {
    list.split_whitespace().find_map(|tag| match tag.split('-').next()?.to_ascii_lowercase().as_str() {
        "ru" => Some("ru"),
        "en" => Some("en"),
        _ => None,
    })
}

/// The S256 challenge of a verifier: BASE64URL(SHA-256(verifier)) without padding.
pub(crate) fn s256(verifier: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

/// Query parameters appended to a redirect URI that may already have a query of its own.
pub fn with_query(uri: &str, params: &[(&str, &str)]) -> String {
    // Nothing to add: the registered URI as it is, not with an empty `?` (a post-logout redirect
    // without `state`).
    if params.is_empty() {
        return uri.to_owned();
    }
    let mut url = match url::Url::parse(uri) {
        Ok(url) => url,
        Err(_) => return uri.to_owned(),
    };
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in params {
            query.append_pair(k, v);
        }
    }
    url.to_string()
}

impl AuthorizeError {
    /// The redirect URI with `error`, `error_description`, `state` and `iss` (RFC 9207).
    pub fn location(&self, issuer: &str) -> Option<String> {
        match self {
            Self::Page(_) | Self::Shown { .. } | Self::SecondFactorNeeded { .. } => None,
            Self::Redirect { redirect_uri, state, error, description } => {
                let mut params = vec![("error", *error), ("error_description", description.as_str())];
                if let Some(state) = state {
                    params.push(("state", state.as_str()));
                }
                params.push(("iss", issuer));
                Some(with_query(redirect_uri, &params))
            }
        }
    }
}

/// Whether `acr_values` (space-separated) asks for a second factor.
fn asks_mfa(values: &str) -> bool {
    values.split_whitespace().any(|v| v == ACR_MFA || v == "mfa")
}

impl Core {
    /// Validates an authorization request (nothing is written).
    pub async fn authorization_request(
        &self,
        p: &AuthorizeParams,
    ) -> std::result::Result<AuthorizationRequest, AuthorizeError> {
        let bad = AuthorizeError::Page;
        let client_id = p.client_id.as_deref().map(str::trim).filter(|c| !c.is_empty());
        let client_id = client_id.ok_or(bad("The request names no application (client_id)."))?;
        let client_id: i64 = client_id.parse().map_err(|_| bad("The application (client_id) is not known."))?;
        let client = self.client_by_id(client_id).await.map_err(|_| bad("kordon cannot read its applications now."))?;
        let client = client.filter(|c| c.allows(GRANT_CODE)).ok_or(bad("The application (client_id) is not known."))?;
        let redirect_uri = p.redirect_uri.as_deref().ok_or(bad("The request names no redirect_uri."))?;
        if !client.redirect_uris.iter().any(|r| r == redirect_uri) {
            return Err(bad("The redirect_uri is not registered for this application."));
        }
        let mut request = AuthorizationRequest {
            redirect_uri: redirect_uri.to_owned(),
            state: p.state.clone().filter(|s| !s.is_empty()),
            client,
            scopes: Vec::new(),
            nonce: None,
            code_challenge: None,
            prompt: Prompt::default(),
            max_age: None,
            login_hint: p.login_hint.clone().filter(|h| !h.is_empty() && h.len() <= 255),
            flow: digest(&serde_json::to_string(p).unwrap_or_default()),
            ui_locale: p.ui_locales.as_deref().and_then(page_locale),
            hinted_sub: None,
            acr_mfa: p.acr_values.as_deref().is_some_and(asks_mfa),
        };
        if request.state.as_ref().is_some_and(|s| s.len() > 2048) {
            request.state = None;
            return Err(request.fail("invalid_request", "The state is longer than 2048 characters."));
        }
        // OpenID Connect Core §6: a server without request objects says so (discovery says
        // `request_parameter_supported: false`, `request_uri_parameter_supported: false`) rather
        // than ignore parameters the client may have moved into the object.
        if p.request.is_some() {
            return Err(request.fail("request_not_supported", "Request objects (request) are not supported."));
        }
        if p.request_uri.is_some() {
            return Err(request.fail("request_uri_not_supported", "Request objects by reference are not supported."));
        }
        if let Some(hint) = p.id_token_hint.as_deref().filter(|h| !h.is_empty()) {
            // Expired hints count (the user's earlier sign-in is what they name); a token kordon
            // did not sign, or one with `alg: none`, is refused rather than ignored.
            match self.hinted_sub(hint).await {
                Some(sub) => request.hinted_sub = Some(sub),
                None => {
                    return Err(request.fail("invalid_request", "The id_token_hint is not an ID token of kordon's."));
                }
            }
        }
        match p.response_type.as_deref() {
            Some("code") => {}
            None | Some("") => return Err(request.fail("invalid_request", "The response_type parameter is required.")),
            Some(_) => return Err(request.fail("unsupported_response_type", "Only response_type=code is supported.")),
        }
        let scope = p.scope.as_deref().unwrap_or_default();
        if scope.trim().is_empty() {
            // A code-flow token holds what its scopes name; one with none would name nothing.
            return Err(request.fail(
                "invalid_scope",
                "The scope parameter is required (openid, email, phone, profile, offline_access, sip, turn).",
            ));
        }
        for s in scope.split_whitespace() {
            if !SCOPES.contains(&s) {
                return Err(request.fail("invalid_scope", format!("The scope {s:?} is not known.")));
            }
            if !request.scopes.iter().any(|k| k == s) {
                request.scopes.push(s.to_owned());
            }
        }
        request.nonce = p.nonce.clone().filter(|n| !n.is_empty());
        if request.nonce.as_ref().is_some_and(|n| n.len() > 255) {
            return Err(request.fail("invalid_request", "The nonce is longer than 255 characters."));
        }
        let challenge = p.code_challenge.as_deref().filter(|c| !c.is_empty());
        match (challenge, p.code_challenge_method.as_deref().filter(|m| !m.is_empty())) {
            (None, None) if request.client.public => {
                return Err(request.fail("invalid_request", "A public client must send a PKCE code_challenge (S256)."));
            }
            (None, None) => {}
            (None, Some(_)) => return Err(request.fail("invalid_request", "The code_challenge parameter is required.")),
            (Some(_), None) | (Some(_), Some("plain")) => {
                return Err(
                    request.fail("invalid_request", "code_challenge_method must be S256 (plain is not accepted).")
                );
            }
            (Some(c), Some("S256")) if pkce_shaped(c) => request.code_challenge = Some(c.to_owned()),
            (Some(_), Some("S256")) => {
                return Err(request.fail("invalid_request", "The code_challenge is not 43 to 128 URL-safe characters."));
            }
            (Some(_), Some(_)) => {
                return Err(
                    request.fail("invalid_request", "code_challenge_method must be S256 (plain is not accepted).")
                );
            }
        }
        for value in p.prompt.as_deref().unwrap_or_default().split_whitespace() {
            match value {
                "none" => request.prompt.none = true,
                "login" => request.prompt.login = true,
                "consent" => request.prompt.consent = true,
                "select_account" => {}
                _ => return Err(request.fail("invalid_request", format!("The prompt {value:?} is not supported."))),
            }
        }
        if request.prompt.none && (request.prompt.login || request.prompt.consent) {
            return Err(request.fail("invalid_request", "prompt=none cannot be combined with other values."));
        }
        if let Some(max_age) = p.max_age.as_deref().filter(|m| !m.is_empty()) {
            match max_age.parse::<i64>() {
                Ok(age) if age >= 0 => request.max_age = Some(age),
                _ => return Err(request.fail("invalid_request", "max_age must be a number of seconds.")),
            }
        }
        Ok(request)
    }

    /// What the browser sees next for a valid request: `signed_in` is its sign-in at kordon, if
    /// any. A request that demands a fresh sign-in (`prompt=login`, or a `max_age` the sign-in is
    /// older than) is met only by a sign-in made on this request's own login page, and only once:
    /// the consent form can be posted from any page of the flow, with an older sign-in too.
    pub async fn authorize(
        &self,
        request: &AuthorizationRequest,
        signed_in: Option<&LoginSession>,
    ) -> std::result::Result<AuthorizeStep, AuthorizeError> {
        let now = self.now();
        let demands_fresh =
            |s: &LoginSession| request.prompt.login || request.max_age.is_some_and(|age| now - s.auth_time > age);
        let made_here = |s: &LoginSession| s.flow.as_deref() == Some(request.flow.as_str());
        // A sign-in of another user than the hint names does not answer the request, unless it was
        // made on this request's own login page (the person there chose who to be).
        let other_user =
            |s: &LoginSession| request.hinted_sub.as_ref().is_some_and(|sub| *sub != s.user_id.to_string());
        let session = match signed_in {
            Some(s) if made_here(s) || !(demands_fresh(s) || other_user(s)) => s,
            _ if request.prompt.none => return Err(request.fail("login_required", "The user is not signed in.")),
            _ => return Ok(AuthorizeStep::Login),
        };
        // Two factors, asked for (`acr_values`) or required (the client's `require_mfa`, or the
        // person's tenant's — never for the account page, where one is switched on): a one-factor
        // sign-in made elsewhere does not answer when the person has a second factor (they sign in
        // again, with both). A person without one gets `urn:kordon:acr:1fa` when it was only asked
        // for (the parameter is voluntary), and is sent to set one up when it is required.
        if !two_factors(&session.amr) {
            let rule = self
                .second_factor_rule(session.user_id)
                .await
                .map_err(|_| request.fail("server_error", "kordon cannot read the sign-in now."))?;
            let by_tenant = rule.tenant && request.client.id != ACCOUNT_CLIENT_ID;
            let required = request.client.require_mfa || by_tenant;
            if required || (request.acr_mfa && !made_here(session)) {
                match (rule.on, request.prompt.none) {
                    (true, true) => {
                        return Err(request.fail("interaction_required", "The application asks for a second factor."));
                    }
                    (true, false) => return Ok(AuthorizeStep::Login),
                    (false, _) if required => {
                        return Err(AuthorizeError::SecondFactorNeeded { tenant: by_tenant });
                    }
                    (false, _) => {}
                }
            }
        }
        let consented = self
            .has_consent(request, session.user_id)
            .await
            .map_err(|_| request.fail("server_error", "kordon cannot read the consent now."))?;
        if !consented {
            if request.prompt.none {
                return Err(request.fail("consent_required", "The user has not allowed this application."));
            }
            return Ok(AuthorizeStep::Consent);
        }
        if made_here(session) {
            // The sign-in's freshness is this request's, once: another tab (or a replay of the
            // same request) spends nothing more.
            let spent = self
                .store
                .spend_login_flow(&session.digest, &request.flow)
                .await
                .map_err(|_| request.fail("server_error", "kordon cannot read the sign-in now."))?;
            if !spent && demands_fresh(session) {
                return Ok(AuthorizeStep::Login);
            }
        }
        let code = self
            .issue_code(request, session)
            .await
            .map_err(|_| request.fail("server_error", "kordon cannot issue a code now."))?;
        let mut params = vec![("code", code.as_str())];
        if let Some(state) = &request.state {
            params.push(("state", state.as_str()));
        }
        params.push(("iss", self.issuer()));
        Ok(AuthorizeStep::Redirect(with_query(&request.redirect_uri, &params)))
    }

    /// Whether the user need not be asked: a trusted client, or a remembered grant of every
    /// scope asked for (and no `prompt=consent`).
    async fn has_consent(&self, request: &AuthorizationRequest, user_id: i64) -> Result<bool> {
        if request.client.trusted {
            return Ok(true);
        }
        if request.prompt.consent {
            return Ok(false);
        }
        let granted = self.store.consent(user_id, request.client.id).await?.unwrap_or_default();
        Ok(request.scopes.iter().all(|s| scope_has(&granted, s)))
    }

    /// The user's answer on the consent page: Allow remembers the scopes (with those granted
    /// before) and continues with a code; Deny sends `access_denied` back.
    pub async fn consent_answer(
        &self,
        request: &AuthorizationRequest,
        session: &LoginSession,
        allow: bool,
    ) -> std::result::Result<AuthorizeStep, AuthorizeError> {
        if !allow {
            return Err(request.answered("access_denied", "The user denied the request."));
        }
        let stored = async {
            let before = self.store.consent(session.user_id, request.client.id).await?.unwrap_or_default();
            let mut scopes: Vec<&str> = before.split_whitespace().collect();
            for s in &request.scopes {
                if !scopes.contains(&s.as_str()) {
                    scopes.push(s);
                }
            }
            self.store.grant_consent(session.user_id, request.client.id, &scopes.join(" "), self.now()).await
        };
        stored.await.map_err(|_| request.fail("server_error", "kordon cannot store the consent now."))?;
        let prompt = Prompt { consent: false, ..request.prompt };
        self.authorize(&AuthorizationRequest { prompt, ..request.clone() }, Some(session)).await
    }

    /// A single-use code for this request and sign-in, stored by digest; lives [`CODE_TTL`].
    async fn issue_code(&self, request: &AuthorizationRequest, session: &LoginSession) -> Result<String> {
        let code = random_token(43);
        let stored = AuthorizationCode {
            digest: digest(&code),
            client_id: request.client.id,
            user_id: session.user_id,
            redirect_uri: request.redirect_uri.clone(),
            scope: request.scopes.join(" "),
            nonce: request.nonce.clone(),
            code_challenge: request.code_challenge.clone(),
            auth_time: session.auth_time,
            amr: session.amr.clone(),
            login_session: session.digest.clone(),
            expires_at: self.now() + CODE_TTL,
        };
        let now = self.now();
        self.store.create_code(&stored, now, CODES_PER_SIGN_IN).await?;
        // "Last used" of the sign-in, for its person's account page: at most once a minute.
        if session.last_used_at.is_none_or(|at| at < now - LAST_USE_STEP)
            && let Err(err) = self.store.touch_login_session(&session.digest, now).await
        {
            // Only what the account page shows: the code stands.
            tracing::warn!(error = %err, "a sign-in's last use could not be recorded");
        }
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::{page_locale, pkce_shaped, s256, with_query};

    #[test]
    fn ui_locales_pick_the_first_language_the_pages_speak() {
        assert_eq!(page_locale("de-DE en-GB ru"), Some("en"));
        assert_eq!(page_locale("RU-ru"), Some("ru"));
        assert_eq!(page_locale("fr de"), None);
        assert_eq!(page_locale(""), None);
    }

    #[test]
    fn nothing_to_add_leaves_the_uri_as_registered() {
        assert_eq!(with_query("https://app.example/bye", &[]), "https://app.example/bye");
        assert_eq!(with_query("https://app.example/bye?x=1", &[]), "https://app.example/bye?x=1");
        assert_eq!(with_query("https://app.example/bye", &[("state", "s")]), "https://app.example/bye?state=s");
    }

    #[test]
    fn s256_matches_rfc_7636_appendix_b() {
        assert_eq!(s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assert!(pkce_shaped("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert!(!pkce_shaped("short"));
        assert!(!pkce_shaped(&"a".repeat(129)));
        assert!(!pkce_shaped(&format!("{}+", "a".repeat(43))));
    }

    #[test]
    fn redirect_parameters_join_an_existing_query() {
        assert_eq!(with_query("https://a.example/cb?x=1", &[("code", "c d")]), "https://a.example/cb?x=1&code=c+d");
        assert_eq!(with_query("com.example.app:/cb", &[("code", "c")]), "com.example.app:/cb?code=c");
    }
}
