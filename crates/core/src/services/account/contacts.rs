//! A person's email and phone, changed by themselves. A new address is the person's once they
//! follow a link mailed to it (`/account/email/confirm?token=…`, a page with a button: mail
//! scanners open links, they do not press buttons); the same link proves the address a person
//! has. A new phone is theirs once they type the PIN of a FlashCall to it. Both ask for the
//! current password first, both are announced to the address the person had, and a taken
//! address or number is refused only once its link or PIN is proved (nobody learns who is
//! registered by asking).

use super::{AccountSession, actor, mails};
use crate::audit::{AuditEvent, FAILURE, SUCCESS, kind};
use crate::error::{Error, Result};
use crate::ports::{EmailConfirmed, EmailPurpose, Mail, PendingEmail, StoreError};
use crate::secrets::{digest, random_token};
use crate::services::defender::hourly::host_of;
use crate::services::{Core, Origin};
use crate::types::{Email, Phone, User};
use serde_json::json;

/// Where a mailed link leads (under the issuer).
pub const EMAIL_CONFIRM_PAGE: &str = "/account/email/confirm";
/// How long a mailed link lives: a day, for a person who reads mail tomorrow.
pub const EMAIL_LINK_TTL: i64 = 86_400;
/// Links a person may have mailed each hour, and a host may (so a stolen session cannot make
/// kordon mail a stranger's box without end).
const EMAIL_LINKS_PER_HOUR: i64 = 5;
const EMAIL_LINKS_PER_HOST_HOUR: i64 = 20;
/// Link tokens carry ≈190 bits, as reset links do.
const LINK_TOKEN_LEN: usize = 32;
/// PINs of calls to a number a person is moving their account to.
pub(crate) const PURPOSE_PHONE_CHANGE: &str = "phone";

/// What following a mailed link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailFollowed {
    /// The account moved to this address (proved).
    Changed(String),
    /// The address the person has is proved.
    Verified(String),
    /// Someone else has the new address now (the link is spent).
    Taken,
    /// The link proves an address the account no longer has (the link is spent).
    Stale,
}

impl Core {
    /// Mails a link to `new_email` that moves the person's account there, after the current
    /// password. The answer is the same whether the address is someone else's (that is told
    /// only to whoever follows the link).
    pub async fn account_email_change(
        &self,
        session: &AccountSession,
        new_email: &str,
        current_password: &str,
        origin: &Origin,
    ) -> Result<()> {
        let user = &session.user;
        let email = Email::parse("email", new_email)?;
        if email.key() == user.email.to_lowercase() {
            return Err(Error::refused("This is the address you have."));
        }
        let event = || email_event(session, EmailPurpose::Change);
        self.current_password_ok(user, current_password, origin, event).await?;
        self.mail_email_link(user, &email, EmailPurpose::Change, origin).await?;
        self.audit(event().origin(origin).detail(&json!({ "requested": email.as_str() })));
        Ok(())
    }

    /// Mails a link to the address the person has that proves it is theirs.
    pub async fn account_email_verify(&self, session: &AccountSession, origin: &Origin) -> Result<()> {
        let user = &session.user;
        if user.email_verified {
            return Err(Error::refused("The address is confirmed already."));
        }
        let email = Email::parse("email", &user.email)?;
        self.mail_email_link(user, &email, EmailPurpose::Verify, origin).await?;
        let requested = json!({ "requested": email.as_str() });
        self.audit(email_event(session, EmailPurpose::Verify).origin(origin).detail(&requested));
        Ok(())
    }

    /// The caps, the link recorded (the person's older ones die), then the mail, sent now: a
    /// mail that cannot be sent leaves no link and answers `Delivery`.
    pub(crate) async fn mail_email_link(
        &self,
        user: &User,
        email: &Email,
        purpose: EmailPurpose,
        origin: &Origin,
    ) -> Result<()> {
        self.hourly_cap(&format!("email-link:ip:{}", host_of(origin)), EMAIL_LINKS_PER_HOST_HOUR).await?;
        self.hourly_cap(&format!("email-link:user:{}", user.id), EMAIL_LINKS_PER_HOUR).await?;
        let token = random_token(LINK_TOKEN_LEN);
        let key = digest(&token);
        let now = self.now();
        let link = PendingEmail { user_id: user.id, email: email.as_str().to_owned(), purpose };
        self.store.put_email_link(&key, &link, &email.key(), now + EMAIL_LINK_TTL, now).await?;
        let mut url = url::Url::parse(&format!("{}{EMAIL_CONFIRM_PAGE}", self.issuer())).map_err(Error::internal)?;
        url.query_pairs_mut().append_pair("token", &token);
        let mail = mails::email_link(email.as_str(), url.as_str(), purpose, &self.mail_locale(origin), 24);
        if let Err(err) = self.mailer.send(&mail).await {
            tracing::error!(user_id = user.id, error = %err, "an address link could not be mailed");
            self.store.drop_email_link(&key).await?;
            return Err(Error::Delivery("The mail could not be sent.".into()));
        }
        Ok(())
    }

    /// The address a live link would prove, for the page it opens (nothing is spent, nothing
    /// counted: a page view is a GET any site can make a browser send).
    pub async fn email_link(&self, token: &str) -> Result<Option<PendingEmail>> {
        if token.is_empty() {
            return Ok(None);
        }
        Ok(self.store.email_link(&digest(token), self.now()).await?)
    }

    /// Follows a mailed link (the page's button): the account moves to the new address, or the
    /// address is proved. A dead link is a wrong secret to the Defender; one whose address
    /// someone else took meanwhile (or, for a check, that the account left) is spent and answered
    /// as such.
    pub async fn follow_email_link(&self, token: &str, origin: &Origin) -> Result<EmailFollowed> {
        let key = digest(token);
        let followed = self
            .defended(origin.ip.as_deref(), None, async {
                match self.store.follow_email_link(&key, self.now()).await {
                    Ok(EmailConfirmed::Dead) => Err(Error::bad_secret("token", "The token is invalid.")),
                    Ok(other) => Ok(other),
                    // Someone took the address between the store's look and its write: taken,
                    // as if they had been first (and the link spent, as then).
                    Err(StoreError::Conflict(_)) => {
                        let link = self.store.email_link(&key, 0).await?;
                        self.store.drop_email_link(&key).await?;
                        let dead = || Error::bad_secret("token", "The token is invalid.");
                        link.map(|l| EmailConfirmed::Taken { user_id: l.user_id }).ok_or_else(dead)
                    }
                    Err(err) => Err(err.into()),
                }
            })
            .await?;
        let user_id = match &followed {
            EmailConfirmed::Done { user_id, .. }
            | EmailConfirmed::Taken { user_id }
            | EmailConfirmed::Stale { user_id } => *user_id,
            EmailConfirmed::Dead => unreachable!("a dead link is an error above"),
        };
        self.forget().await;
        let user = self.store.user(user_id).await?;
        let event = |result, purpose: EmailPurpose| {
            let event = AuditEvent::new(kind::USER_EMAIL, result);
            let event = match &user {
                Some(user) => event.user(user),
                None => event.user_id(user_id, None),
            };
            event
                .actor(format!("{}:{user_id}", super::CHANNEL))
                .dialect(super::CHANNEL)
                .method(purpose.as_str())
                .origin(origin)
        };
        let (before, email, purpose) = match followed {
            EmailConfirmed::Done { before, email, purpose, .. } => (before, email, purpose),
            EmailConfirmed::Taken { .. } => {
                self.audit(event(FAILURE, EmailPurpose::Change).reason("taken"));
                return Ok(EmailFollowed::Taken);
            }
            _ => {
                self.audit(event(FAILURE, EmailPurpose::Verify).reason("stale"));
                return Ok(EmailFollowed::Stale);
            }
        };
        self.audit(event(SUCCESS, purpose).detail(&json!({ "from": before, "to": email })));
        Ok(match purpose {
            EmailPurpose::Verify => EmailFollowed::Verified(email),
            EmailPurpose::Change => {
                tracing::info!(user_id, "a person moved their account to a new address");
                self.announce(mails::email_changed(&before, &email, &self.mail_locale(origin)), user_id).await;
                EmailFollowed::Changed(email)
            }
        })
    }

    /// Calls `new_phone` with a PIN that moves the person's account to it, after the current
    /// password (so a call costs a guesser the password first). Answers the number and the
    /// call's token, for the PIN's form.
    pub async fn account_phone_call(
        &self,
        session: &AccountSession,
        new_phone: &str,
        current_password: &str,
        origin: &Origin,
    ) -> Result<(Phone, String)> {
        let user = &session.user;
        let phone = Phone::parse("phone", new_phone)?;
        if user.phone.as_deref() == Some(phone.as_str()) {
            return Err(Error::refused("This is the phone you have."));
        }
        let event = || phone_event(session);
        self.current_password_ok(user, current_password, origin, event).await?;
        let token = self.place_call(&phone, PURPOSE_PHONE_CHANGE, Some(user.id), origin.ip.as_deref()).await?;
        Ok((phone, token))
    }

    /// Sets the person's phone to `new_phone` with the PIN of its call (under the Defender: the
    /// host, and the number's own cap, as a sign-in by PIN). Someone else's number is `Refused`
    /// only here, after the PIN. The old address hears of it.
    pub async fn account_phone_set(
        &self,
        session: &AccountSession,
        new_phone: &str,
        pin: &str,
        token: &str,
        origin: &Origin,
    ) -> Result<Phone> {
        let user = &session.user;
        let phone = Phone::parse("phone", new_phone)?;
        let pin_key = format!("phone:{}", phone.as_str());
        self.defended(origin.ip.as_deref(), Some(&pin_key), async {
            let unspent = self.check_pin(&phone, PURPOSE_PHONE_CHANGE, pin.trim(), Some(token)).await?;
            self.spend_pin(unspent, &phone).await
        })
        .await
        .inspect_err(|err| {
            let event = phone_event(session).origin(origin).method("pin");
            self.audit(AuditEvent { result: FAILURE, ..event }.reason(crate::services::audit::events::reason(err)));
        })?;
        if !self.store.set_phone(user.id, phone.as_str()).await? {
            let event = phone_event(session).origin(origin).method("pin");
            self.audit(AuditEvent { result: FAILURE, ..event }.reason("taken"));
            return Err(Error::refused("The phone has already been taken."));
        }
        self.forget().await;
        let shown = |p: Option<&str>| p.and_then(|p| Phone::parse("phone", p).ok()).map(|p| p.masked());
        let detail = json!({ "from": shown(user.phone.as_deref()), "to": phone.masked() });
        self.audit(phone_event(session).origin(origin).method("pin").detail(&detail));
        tracing::info!(user_id = user.id, "a person set a new phone on their account page");
        self.announce(mails::phone_changed(&user.email, &phone.masked(), &self.mail_locale(origin)), user.id).await;
        Ok(phone)
    }

    /// Mails a notice of a change done; one that cannot be sent is logged (the change stands).
    async fn announce(&self, mail: Mail, user_id: i64) {
        if let Err(err) = self.mailer.send(&mail).await {
            tracing::error!(user_id, error = %err, "the notice of a contact change could not be mailed");
        }
    }
}

fn email_event(session: &AccountSession, purpose: EmailPurpose) -> AuditEvent {
    AuditEvent::new(kind::USER_EMAIL, SUCCESS)
        .user(&session.user)
        .actor(actor(session))
        .dialect(super::CHANNEL)
        .method(purpose.as_str())
}

fn phone_event(session: &AccountSession) -> AuditEvent {
    AuditEvent::new(kind::USER_PHONE, SUCCESS).user(&session.user).actor(actor(session)).dialect(super::CHANNEL)
}
