//! Password reset by mail: `restore-token` mails a single-use link, `change-password` redeems it.

pub(crate) mod mail_queue;
mod mail_texts;

use crate::audit::{AuditEvent, FAILURE, SUCCESS, kind};
use crate::error::{Error, Result};
use crate::secrets::digest;
use crate::services::audit::events::reason;
use crate::services::{Core, Origin};
use crate::settings::ResetTargets;
use crate::types::{Email, NewPassword};
use mail_queue::{ResetDelivery, ResetJob};

/// kordon's own new-password page, where the login page's reset links lead.
pub const RESET_PAGE: &str = "/oauth/password/reset";

/// Who asks for a reset link, for its audit line.
struct ResetRequest<'a> {
    client_id: Option<i64>,
    email: &'a Email,
    origin: &'a Origin,
}

impl ResetRequest<'_> {
    fn event(&self) -> AuditEvent {
        let event = AuditEvent::new(kind::PASSWORD_RESET_REQUESTED, SUCCESS)
            .subject(format!("email:{}", self.email.key()))
            .method("email")
            .origin(self.origin);
        match self.client_id {
            Some(client) => event.client(client),
            None => event,
        }
    }
}

impl Core {
    /// Mails a reset link `{url}?token=…` to the user with this email. The mail is queued and
    /// sent off the request path, so a known and an unknown address are answered alike and in the
    /// same time. With the seed-compatible `reveal_unknown_email` it is sent inline instead, and an
    /// unknown address (500) or a failed delivery (502) is answered as the seed does.
    pub async fn restore_token(
        &self,
        client_id: i64,
        email: Option<&str>,
        url: Option<&str>,
        origin: &Origin,
    ) -> Result<()> {
        let email = Email::parse("email", email.unwrap_or_default())?;
        let request = ResetRequest { client_id: Some(client_id), email: &email, origin };
        self.refuse_if_blocked(origin.ip.as_deref()).await.map_err(|e| self.reset_refused(&request, e))?;
        let url = self.reset_url(client_id, url)?;
        self.send_reset_link(&request, url, self.settings.reset.reveal_unknown_email).await
    }

    /// "Forgot password?" on the login page: mails a link to kordon's own new-password page
    /// (`/oauth/password/reset` under the issuer, never from the request's words), always
    /// queued, so a known and an unknown address are answered alike. `client_id` is the
    /// application the person was signing in to, if the page came from its request.
    pub async fn forgot_password(&self, client_id: Option<i64>, email: Option<&str>, origin: &Origin) -> Result<()> {
        let email = Email::parse("email", email.unwrap_or_default())?;
        let request = ResetRequest { client_id, email: &email, origin };
        self.refuse_if_blocked(origin.ip.as_deref()).await.map_err(|e| self.reset_refused(&request, e))?;
        let url = format!("{}{RESET_PAGE}", self.issuer());
        self.send_reset_link(&request, url, false).await
    }

    /// Whether a reset link's token is still good, for the page it opens (nothing is spent).
    /// Not a credential check for the Defender: a page view is a GET any site can make a
    /// visitor's browser send (an `<img>` of the link), so counting dead links would let any page
    /// get its visitors' network blocked; the token's 190 random bits need no guard, and the
    /// form's POST, which spends it, is counted.
    pub async fn reset_link_live(&self, token: &str) -> Result<bool> {
        Ok(!token.is_empty() && self.store.reset_is_live(&digest(token), self.now()).await?)
    }

    /// The caps, then the mail: queued (answered alike whoever owns the address), or sent inline
    /// when `inline` (the seed's `reveal_unknown_email`).
    async fn send_reset_link(&self, request: &ResetRequest<'_>, url: String, inline: bool) -> Result<()> {
        let email = request.email;
        self.limit_resets(email, request.origin).await.map_err(|e| self.reset_refused(request, e))?;
        let locale = self.mail_locale(request.origin);
        // Counted here, before anyone looks the address up, and never by what the mail did: a
        // scrape must not tell a registered address from an unknown one.
        if !inline {
            let job = ResetJob { email_key: email.key(), url, locale };
            return match self.reset_mail.push(job, || self.reset_delivery()) {
                true => {
                    crate::metrics::reset_request("accepted");
                    self.audit(request.event());
                    Ok(())
                }
                false => {
                    crate::metrics::reset_request("busy");
                    tracing::error!("the reset mail queue is full; a reset request refused");
                    Err(self.reset_refused(request, Error::Busy))
                }
            };
        }
        crate::metrics::reset_request("accepted");
        self.audit(request.event());
        let Some(user) = self.store.user_by_email(&email.key()).await? else {
            return Err(Error::UnknownEmail);
        };
        if let Err(err) = self.reset_delivery().send_reset(&user, &url, &locale, 0).await {
            tracing::error!(error = %err, "reset mail could not be sent");
            return Err(Error::Delivery("The mail could not be sent.".into()));
        }
        Ok(())
    }

    /// The language of a mail: the request's, else `reset.default_locale`.
    pub(crate) fn mail_locale(&self, origin: &Origin) -> String {
        origin.locale.clone().unwrap_or_else(|| self.settings.reset.default_locale.clone())
    }

    /// Records a refused reset request and hands the error back.
    fn reset_refused(&self, request: &ResetRequest<'_>, err: Error) -> Error {
        self.audit(AuditEvent { result: FAILURE, ..request.event() }.reason(reason(&err)));
        err
    }

    fn reset_delivery(&self) -> ResetDelivery {
        ResetDelivery {
            store: self.store.clone(),
            mailer: self.mailer.clone(),
            clock: self.clock.clone(),
            settings: self.settings.clone(),
        }
    }

    /// Waits until every queued reset mail has been sent or given up.
    pub async fn reset_mail_settled(&self) {
        self.reset_mail.settled().await;
    }

    /// The mail-bombing guard: so many resets per address and per client host each clock hour,
    /// counted alike for known and unknown addresses.
    async fn limit_resets(&self, email: &Email, origin: &Origin) -> Result<()> {
        let settings = &self.settings.reset;
        let host = crate::services::defender::hourly::host_of(origin);
        // The caller's own cap first: a host refused for its own requests spends nothing of the
        // victim address's allowance.
        let caps = [
            (format!("reset:ip:{host}"), settings.per_ip_hourly),
            (format!("reset:email:{}", email.key()), settings.per_email_hourly),
        ];
        for (key, limit) in caps {
            self.hourly_cap(&key, limit).await?;
        }
        Ok(())
    }

    fn reset_url(&self, client_id: i64, url: Option<&str>) -> Result<String> {
        let raw = url.map(str::trim).filter(|u| !u.is_empty()).ok_or_else(|| Error::required("url"))?;
        let invalid = || Error::validation("url", "The url format is invalid.");
        // The URL parser drops tabs and line breaks and encodes spaces: refuse them outright, so
        // nothing a caller writes can reach the mail's text beside the checked link.
        if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(invalid());
        }
        let parsed = url::Url::parse(raw).map_err(|_| invalid())?;
        if !matches!(parsed.scheme(), "http" | "https")
            || parsed.host_str().is_none()
            || parsed.fragment().is_some()
            || !parsed.username().is_empty()
            || parsed.password().is_some()
        {
            return Err(invalid());
        }
        let allowed = match self.settings.reset.targets(client_id, &self.settings.public_url) {
            ResetTargets::Any => true,
            ResetTargets::Under(prefixes) => prefixes.iter().any(|p| within(&parsed, p)),
        };
        if !allowed {
            return Err(Error::validation("url", "The selected url is invalid."));
        }
        // The link is built from the parsed URL, never from the caller's text.
        Ok(parsed.to_string())
    }

    /// Sets a new password with a reset token: the token is spent and every session ends.
    pub async fn change_password(
        &self,
        token: Option<&str>,
        password: Option<&str>,
        confirmation: Option<&str>,
        origin: &Origin,
    ) -> Result<()> {
        let token = token.filter(|t| !t.is_empty()).ok_or_else(|| Error::required("token"))?;
        let password = NewPassword::parse(password, confirmation)?;
        let redeemed = self
            .defended(origin.ip.as_deref(), None, async {
                let hash = self.passwords.hash(password.expose()).await?;
                match self.store.redeem_reset(&digest(token), &hash, self.now()).await? {
                    Some(user_id) => Ok(user_id),
                    None => Err(Error::bad_secret("token", "The token is invalid.")),
                }
            })
            .await;
        let event = AuditEvent::new(kind::PASSWORD_RESET, SUCCESS).method("reset_token").origin(origin);
        let user_id = match redeemed {
            Ok(user_id) => user_id,
            Err(err) => {
                self.audit(AuditEvent { result: FAILURE, ..event }.reason(reason(&err)));
                return Err(err);
            }
        };
        // Every session of the user ended with the old password.
        self.forget().await;
        // A new password ends a lockout its old one drew.
        let user = self.store.user(user_id).await?;
        self.audit(match &user {
            Some(user) => event.user(user),
            None => event.user_id(user_id, None),
        });
        if let Some(user) = user {
            self.forgive_password_failures(&user).await?;
        }
        Ok(())
    }
}

/// Is `url` on the allowed prefix's origin (scheme, host and port alike) and under its path?
/// Plain string prefixes would let `https://lk.example` admit `https://lk.example.evil.com`.
/// Paths match whole segments: `/reset` admits `/reset` and `/reset/new`, not `/reset-other`.
fn within(url: &url::Url, prefix: &str) -> bool {
    let Ok(allowed) = url::Url::parse(prefix) else { return false };
    let (path, under) = (url.path(), allowed.path());
    let in_path = path == under
        || match under.ends_with('/') {
            true => path.starts_with(under),
            false => path.strip_prefix(under).is_some_and(|rest| rest.starts_with('/')),
        };
    url.origin() == allowed.origin() && in_path
}

#[cfg(test)]
mod tests {
    use super::within;

    #[test]
    fn prefixes_match_origin_and_path_not_text() {
        let url = |u: &str| url::Url::parse(u).expect("url");
        assert!(within(&url("https://lk.example/reset?x=1"), "https://lk.example"));
        assert!(within(&url("https://lk.example/reset/new"), "https://lk.example/reset"));
        assert!(!within(&url("https://lk.example.evil.com/reset"), "https://lk.example"));
        assert!(!within(&url("http://lk.example/reset"), "https://lk.example"));
        assert!(!within(&url("https://lk.example:8443/reset"), "https://lk.example"));
        assert!(!within(&url("https://lk.example/other"), "https://lk.example/reset"));
        assert!(!within(&url("https://lk.example/reset-other"), "https://lk.example/reset"));
        assert!(within(&url("https://lk.example/reset"), "https://lk.example/reset"));
        assert!(within(&url("https://lk.example/reset/x"), "https://lk.example/reset/"));
    }
}
