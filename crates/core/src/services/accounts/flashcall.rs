//! FlashCall phone verification: a 4-digit PIN delivered as the caller's number, valid a few
//! minutes, single use, dead after a few wrong tries, and behind the toll-fraud guard
//! (country allowlist, premium-range denylist, per-phone cool-down, per-phone, per-IP and
//! global hourly caps, per-prefix daily caps).

use crate::audit::{AuditEvent, FAILURE, SUCCESS, kind};
use crate::error::{Error, Result};
use crate::ports::FlashCall;
use crate::secrets::{digest, equal, keyed_digest, random_digits, random_token};
use crate::services::Core;
use crate::types::{NewVerification, Phone};
use secrecy::ExposeSecret as _;

/// PINs from the public flashcall endpoint to a phone no user has: good only for registering.
pub(crate) const PURPOSE_REGISTER: &str = "register";
/// PINs from the public flashcall endpoint to a user's phone: good only for logging in.
pub(crate) const PURPOSE_LOGIN: &str = "login";
/// PINs sent to a signed-in user's own phone (confirmations).
pub(crate) const PURPOSE_CONFIRM: &str = "confirm";
/// PINs of the login page's second step, to the phone of the person the challenge names.
pub(crate) const PURPOSE_SECOND_FACTOR: &str = "mfa";
const PIN_LEN: usize = 4;

pub(crate) fn invalid_pin() -> Error {
    Error::bad_secret("pin", "The pin is invalid.")
}

impl Core {
    /// A number's prefix: its first `flashcall.prefix_digits` digits (at least one), its range.
    /// What the logs, the audit log (`prefix:…`) and the per-prefix cap name instead of the
    /// whole number.
    pub(crate) fn number_prefix(&self, phone: &Phone) -> String {
        phone.as_str().chars().take(self.settings.flashcall.prefix_digits.max(1)).collect()
    }

    /// What is stored of a PIN: HMAC-SHA256 under the server's PIN key of the verification's
    /// purpose, phone and token digest and the PIN. A database dump alone cannot test the 10^4
    /// PINs against it, and a row whose purpose or phone was altered no longer matches.
    fn pin_digest(&self, purpose: &str, phone: &str, token_digest: &str, pin: &str) -> String {
        let key = self.settings.flashcall.pin_key.expose_secret().trim().as_bytes();
        keyed_digest(key, &["kordon flashcall pin", purpose, phone, token_digest, pin])
    }
}

impl Core {
    /// Calls `phone` with a PIN for registering or logging in; answers the verification token.
    /// The phone's state now decides which (see [`Core::public_pin_purpose`]); the answer is the
    /// same either way, so it tells nobody whether the phone has an account.
    pub async fn flashcall(&self, phone: Option<&str>, ip: Option<&str>) -> Result<(Phone, String)> {
        let phone = Phone::parse("phone", phone.unwrap_or_default())?;
        let (purpose, user_id) = self.public_pin_purpose(&phone).await?;
        let token = self.place_call(&phone, purpose, user_id, ip).await?;
        Ok((phone, token))
    }

    /// What a PIN of the public flashcall endpoint is for: logging in as the user who has this
    /// phone, or, when nobody has it, registering it. A PIN is good for its one purpose only, so
    /// a registration PIN left unused never signs in, even once the phone has an account.
    pub(crate) async fn public_pin_purpose(&self, phone: &Phone) -> Result<(&'static str, Option<i64>)> {
        Ok(match self.store.user_by_phone(phone.as_str()).await? {
            Some(user) => (PURPOSE_LOGIN, Some(user.id)),
            None => (PURPOSE_REGISTER, None),
        })
    }

    /// Calls the signed-in user's own phone.
    pub async fn flashcall_self(
        &self,
        principal: &crate::services::Principal,
        ip: Option<&str>,
    ) -> Result<(Phone, String)> {
        let raw = principal.user.phone.as_deref().unwrap_or_default();
        let phone = Phone::parse("phone", raw)?;
        let token = self.place_call(&phone, PURPOSE_CONFIRM, Some(principal.user.id), ip).await?;
        Ok((phone, token))
    }

    pub(crate) async fn place_call(
        &self,
        phone: &Phone,
        purpose: &str,
        user_id: Option<i64>,
        ip: Option<&str>,
    ) -> Result<String> {
        let placed = self.try_call(phone, purpose, user_id, ip).await;
        crate::metrics::flashcall(match &placed {
            Ok(_) => "placed",
            Err(Error::Delivery(_)) => "failed",
            Err(_) => "refused",
        });
        match &placed {
            Ok(_) => self.flashcall_event(kind::FLASHCALL_PLACED, SUCCESS, phone, ip, None, true).await,
            Err(Error::Delivery(_)) => {
                self.flashcall_event(kind::FLASHCALL_PLACED, FAILURE, phone, ip, Some("delivery"), true).await
            }
            // Refusals are recorded where they happen (they know why).
            Err(_) => {}
        }
        placed
    }

    /// Records a FlashCall event: the number's prefix (its first `flashcall.prefix_digits`
    /// digits, never the whole number) as the subject, and, with `whose`, the user who has the
    /// phone and their tenant (so a tenant's calls and their verifications are counted alike).
    pub(crate) async fn flashcall_event(
        &self,
        event: &'static str,
        result: &'static str,
        phone: &Phone,
        ip: Option<&str>,
        reason: Option<&str>,
        whose: bool,
    ) {
        let prefix = self.number_prefix(phone);
        let mut line = AuditEvent::new(event, result).ip(ip).subject(format!("prefix:{prefix}"));
        line.reason = reason.map(str::to_owned);
        if whose && let Ok(Some(user)) = self.store.user_by_phone(phone.as_str()).await {
            line = line.user(&user);
        }
        self.audit(line);
    }

    async fn try_call(&self, phone: &Phone, purpose: &str, user_id: Option<i64>, ip: Option<&str>) -> Result<String> {
        let limits = &self.settings.flashcall;
        let number = phone.as_str();
        // Refusals are logged with the number's prefix (its range), never the whole number.
        let prefix = self.number_prefix(phone);
        if !limits.country_prefixes.iter().any(|p| number.starts_with(p.as_str())) {
            tracing::info!(reason = "country", prefix, "a FlashCall was refused");
            self.flashcall_event(kind::FLASHCALL_REFUSED, FAILURE, phone, ip, Some("country"), false).await;
            return Err(Error::validation("phone", "Calls to this country are not allowed."));
        }
        if let Some(denied) = limits.denied_prefixes.iter().find(|p| !p.is_empty() && number.starts_with(p.as_str())) {
            tracing::warn!(reason = "denied_prefix", prefix, denied, "a FlashCall was refused");
            self.flashcall_event(kind::FLASHCALL_REFUSED, FAILURE, phone, ip, Some("denied_prefix"), false).await;
            return Err(Error::validation("phone", "Calls to this number are not allowed."));
        }
        // A blocked host calls nobody, and the caller's own cap comes before the phone's: a
        // request refused for its host spends nothing of the victim phone's allowance.
        if let Err(err) = self.refuse_if_blocked(ip).await {
            // The block itself was logged (warn) when the Defender made it.
            tracing::info!(reason = "blocked_host", prefix, "a FlashCall was refused");
            self.flashcall_event(kind::FLASHCALL_REFUSED, FAILURE, phone, ip, Some("blocked_host"), false).await;
            return Err(err);
        }
        let now = self.now();
        let hour = now - now.rem_euclid(3600);
        let retry = (hour + 3600 - now).max(1);
        let host = ip.and_then(crate::net::host_key).unwrap_or_else(|| "unknown".into());
        self.capped(format!("flashcall:ip-hour:{host}"), hour, limits.per_ip_hourly, retry, phone, ip).await?;
        let cooldown_key = format!("flashcall:phone:{}", phone.as_str());
        if !self.store.take_cooldown(&cooldown_key, limits.phone_cooldown, now).await? {
            tracing::info!(reason = "cooldown", prefix, "a FlashCall was refused");
            self.flashcall_event(kind::FLASHCALL_REFUSED, FAILURE, phone, ip, Some("cooldown"), true).await;
            return Err(too_many(limits.phone_cooldown));
        }
        let day = now - now.rem_euclid(86_400);
        let caps = [
            (format!("flashcall:phone-hour:{number}"), hour, limits.per_phone_hourly, retry),
            (format!("flashcall:prefix-day:{prefix}"), day, limits.per_prefix_daily, (day + 86_400 - now).max(1)),
            ("flashcall:global-hour".to_string(), hour, limits.global_hourly, retry),
        ];
        for (key, window, limit, retry) in caps {
            if let Err(err) = self.capped(key, window, limit, retry, phone, ip).await {
                self.store.release_cooldown(&cooldown_key).await?;
                return Err(err);
            }
        }
        let token = random_token(crate::services::sessions::TOKEN_LEN);
        let pin = random_digits(PIN_LEN);
        let token_digest = digest(&token);
        let id = self
            .store
            .create_verification(&NewVerification {
                phone: phone.as_str().to_owned(),
                purpose: purpose.to_owned(),
                user_id,
                pin_digest: self.pin_digest(purpose, phone.as_str(), &token_digest, &pin),
                token_digest,
                ip: ip.map(str::to_owned),
                expires_at: crate::durations::after(now, limits.pin_ttl),
                created_at: now,
            })
            .await?;
        let call = FlashCall { phone: phone.as_str().to_owned(), pin, token: token.clone(), created_at: now };
        if let Err(err) = self.caller.call(&call).await {
            tracing::error!(error = %err, "FlashCall delivery failed");
            // Leave nothing behind: no PIN that was never called, no cool-down for a call not made.
            self.store.delete_verification(id).await?;
            self.store.release_cooldown(&cooldown_key).await?;
            return Err(Error::Delivery("The call could not be placed.".into()));
        }
        Ok(token)
    }

    /// Counts one hit on a cap in the window starting at `window`; 429 when it is spent (logged
    /// and recorded with the cap's kind and the number's prefix).
    async fn capped(
        &self,
        key: String,
        window: i64,
        limit: i64,
        retry: i64,
        phone: &Phone,
        ip: Option<&str>,
    ) -> Result<()> {
        if self.store.count_hit(&key, window, limit).await? {
            return Ok(());
        }
        let cap = key.split(':').nth(1).unwrap_or_default();
        let prefix = self.number_prefix(phone);
        tracing::warn!(reason = "cap", cap, limit, prefix, "a FlashCall was refused");
        self.flashcall_event(kind::FLASHCALL_REFUSED, FAILURE, phone, ip, Some(cap), true).await;
        Err(too_many(retry))
    }

    /// Checks a PIN without spending it (the try is counted): the verification's id.
    pub(crate) async fn check_pin(&self, phone: &Phone, purpose: &str, pin: &str, token: Option<&str>) -> Result<i64> {
        let now = self.now();
        let token_digest = token.filter(|t| !t.is_empty()).map(digest);
        // Refusals are logged (info: the Defender counts and warns about repeated ones), never
        // with the PIN.
        let Some(v) = self.store.open_verification(phone.as_str(), purpose, token_digest.as_deref(), now).await? else {
            // None of this phone and purpose is open (or not the named one): expired, spent,
            // never placed, or placed for another purpose.
            tracing::info!(reason = "no_open_verification", purpose, "a FlashCall PIN was refused");
            return Err(invalid_pin());
        };
        if !self.store.try_verification(v.id, self.settings.flashcall.max_attempts).await? {
            tracing::info!(reason = "no_tries_left", purpose, verification = v.id, "a FlashCall PIN was refused");
            return Err(invalid_pin());
        }
        if !equal(&self.pin_digest(&v.purpose, &v.phone, &v.token_digest, pin.trim()), &v.pin_digest) {
            tracing::info!(reason = "wrong_pin", purpose, verification = v.id, "a FlashCall PIN was refused");
            return Err(invalid_pin());
        }
        Ok(v.id)
    }

    /// Spends a checked verification of `phone` (recorded as verified); a concurrent request
    /// that spent it first wins.
    pub(crate) async fn spend_pin(&self, id: i64, phone: &Phone) -> Result<()> {
        match self.store.spend_verification(id, self.now()).await? {
            true => {
                self.flashcall_event(kind::FLASHCALL_VERIFIED, SUCCESS, phone, None, None, true).await;
                Ok(())
            }
            false => {
                tracing::info!(reason = "spent_meanwhile", verification = id, "a FlashCall PIN was refused");
                Err(invalid_pin())
            }
        }
    }
}

fn too_many(retry_after: i64) -> Error {
    Error::RateLimited { retry_after: retry_after.max(1) as u64, message: "Too Many Attempts.".into() }
}
