//! Logging in (email + password, phone + PIN), registering with a FlashCall PIN,
//! and changing a known password.

use crate::audit::{AuditEvent, FAILURE, SUCCESS, kind};
use crate::error::{Error, Result};
use crate::ports::StoreError;
use crate::services::audit::events::{Via, reason};
use crate::services::sessions::KIND_CABINET;
use crate::services::{Core, Origin, Principal, TokenPair};
use crate::types::{AccountChoice, Email, NewPassword, NewUser, PbxRole, Phone, Role, User};

/// What `POST /register` carries, still unvalidated.
#[derive(Debug, Default)]
pub struct RegisterInput<'a> {
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub password: Option<&'a str>,
    pub password_confirmation: Option<&'a str>,
    pub pin: Option<&'a str>,
    /// The flashcall answer's token, if the client sends it back.
    pub token: Option<&'a str>,
    pub promocode: Option<&'a str>,
}

/// What a cabinet PIN login may carry besides the PIN for a person with a second factor: their
/// app's code or a recovery code (`otp`), or their password.
#[derive(Debug, Default, Clone, Copy)]
pub struct SecondFields<'a> {
    pub otp: Option<&'a str>,
    pub password: Option<&'a str>,
}

fn present<'a>(field: &'static str, value: Option<&'a str>) -> Result<&'a str> {
    value.filter(|v| !v.is_empty()).ok_or_else(|| Error::required(field))
}

impl Core {
    /// Email and password. An unknown email takes as long and answers the same as a wrong password.
    /// A person with a second factor also sends its code as `otp` (kordon's extension of the
    /// seed's login); without it the answer is `SecondFactorRequired`.
    pub async fn login_password(
        &self,
        client_id: i64,
        email: Option<&str>,
        password: Option<&str>,
        otp: Option<&str>,
        origin: &Origin,
    ) -> Result<(User, TokenPair)> {
        let email = Email::parse("email", email.unwrap_or_default())?;
        let password = present("password", password)?;
        let user = self.check_password(&email, password, Via::client(client_id), origin).await?;
        self.second_factor_with(&user, otp, origin).await?;
        let pair = self.issue_session(&user, client_id, origin).await?;
        Ok((user, pair))
    }

    /// The user with this email and password, checked under the Defender (every dialect's
    /// password login goes through here), its outcome recorded as a sign-in through `via`.
    pub(crate) async fn check_password(
        &self,
        email: &Email,
        password: &str,
        via: Via,
        origin: &Origin,
    ) -> Result<User> {
        let account = format!("email:{}", email.key());
        let mut known = None;
        let result =
            self.defended(origin.ip.as_deref(), Some(&account), self.password_user(email, password, &mut known)).await;
        self.audit_signin(&result, &account, known, via, origin).await;
        result
    }

    /// The user whose password this is (not defended here: the callers are). `known` names the
    /// email's user, right password or not, for the audit.
    pub(crate) async fn password_user(
        &self,
        email: &Email,
        password: &str,
        known: &mut Option<(i64, i64)>,
    ) -> Result<User> {
        let user = self.store.user_by_email(&email.key()).await?;
        *known = user.as_ref().map(|u| (u.id, u.account_id));
        let hash = user.as_ref().map(|u| u.password_hash.as_str());
        let checked = self.passwords.verify_upgrading(password, hash).await?;
        let user = user.filter(|_| checked.matched).ok_or_else(Error::bad_password)?;
        if let Some(upgraded) = checked.upgraded {
            self.upgrade_password_hash(&user, &upgraded).await;
        }
        Ok(user)
    }

    /// Replaces a hash made with weaker parameters by `upgraded` (of the same password), unless
    /// the password changed meanwhile. The sign-in succeeds either way: a failure is only logged.
    async fn upgrade_password_hash(&self, user: &User, upgraded: &str) {
        match self.store.upgrade_password_hash(user.id, &user.password_hash, upgraded).await {
            Ok(true) => tracing::info!(user_id = user.id, "password hash upgraded to the current argon2 parameters"),
            Ok(false) => {}
            Err(err) => tracing::warn!(user_id = user.id, error = %err, "password hash upgrade failed"),
        }
    }

    /// Phone and FlashCall PIN. An unknown phone fails exactly like a wrong PIN.
    pub async fn login_pin(
        &self,
        client_id: i64,
        phone: Option<&str>,
        pin: Option<&str>,
        token: Option<&str>,
        second: SecondFields<'_>,
        origin: &Origin,
    ) -> Result<(User, TokenPair)> {
        let phone = Phone::parse("phone", phone.unwrap_or_default())?;
        let pin = present("pin", pin)?;
        let via = Via::client(client_id);
        let (user, unspent) = self.pin_login_checked(&phone, pin, token, via, origin).await?;
        // The PIN proved the phone; a person with a second factor adds their app's code or a
        // recovery code (`otp`), or their password. Without either the PIN stays unspent (its
        // try counted), so the client can send it again with the second factor.
        let rule = self.second_factor_rule(user.id).await?;
        match second.password.filter(|p| !p.is_empty() && second.otp.is_none_or(str::is_empty)) {
            Some(password) if rule.on => self.password_as_second_factor(&user, password, via, origin).await?,
            _ => self.second_factor_under(&user, rule, second.otp, origin).await?,
        }
        self.spend_pin(unspent, &phone).await?;
        let pair = self.issue_session(&user, client_id, origin).await?;
        Ok((user, pair))
    }

    /// The user whose phone this PIN (of a sign-in call) proves, checked under the Defender
    /// (the cabinet's PIN login and the login page's FlashCall go through here), its outcome
    /// recorded as a sign-in through `via`.
    pub(crate) async fn check_pin_login(
        &self,
        phone: &Phone,
        pin: &str,
        token: Option<&str>,
        via: Via,
        origin: &Origin,
    ) -> Result<User> {
        let (user, unspent) = self.pin_login_checked(phone, pin, token, via, origin).await?;
        self.spend_pin(unspent, phone).await?;
        Ok(user)
    }

    /// As [`Core::check_pin_login`], with the PIN's verification left for the caller to spend
    /// (its id), once whatever else the sign-in needs has passed.
    async fn pin_login_checked(
        &self,
        phone: &Phone,
        pin: &str,
        token: Option<&str>,
        via: Via,
        origin: &Origin,
    ) -> Result<(User, i64)> {
        let account = format!("phone:{}", phone.as_str());
        let mut unspent = None;
        let result = self
            .defended(origin.ip.as_deref(), Some(&account), async {
                let purpose = crate::services::accounts::flashcall::PURPOSE_LOGIN;
                unspent = Some(self.check_pin(phone, purpose, pin, token).await?);
                self.store.user_by_phone(phone.as_str()).await?.ok_or_else(|| {
                    // The account the login PIN was called for is gone (deleted meanwhile).
                    tracing::info!(reason = "no_user", "a FlashCall PIN was refused");
                    crate::services::accounts::flashcall::invalid_pin()
                })
            })
            .await;
        self.audit_signin(&result, &account, None, via, origin).await;
        let user = result?;
        // The owner proved the phone: a password lockout earned by guessers ends here too.
        self.forgive_password_failures(&user).await?;
        let unspent = unspent.ok_or_else(|| Error::internal("a checked PIN without its verification"))?;
        Ok((user, unspent))
    }

    /// Forgets the failed password checks against `user`'s login (after the owner proved
    /// themselves another way: a PIN login or a password reset).
    pub(crate) async fn forgive_password_failures(&self, user: &User) -> Result<()> {
        Ok(self.store.clear_account_failures(&format!("email:{}", user.email.to_lowercase())).await?)
    }

    /// Opens a new account whose first user is its `lk_admin`, once the phone's PIN checks out,
    /// and signs them in to the cabinet.
    pub async fn register(
        &self,
        client_id: i64,
        input: RegisterInput<'_>,
        origin: &Origin,
    ) -> Result<(User, TokenPair)> {
        let user = self.open_account(input, origin).await?;
        let pair = self.issue_session(&user, client_id, origin).await?;
        Ok((user, pair))
    }

    /// A new account and its `lk_admin` (the cabinet's registration, and the login page's).
    pub(crate) async fn open_account(&self, input: RegisterInput<'_>, origin: &Origin) -> Result<User> {
        let email = Email::parse("email", input.email.unwrap_or_default())?;
        let phone = Phone::parse("phone", input.phone.unwrap_or_default())?;
        let password = NewPassword::parse(input.password, input.password_confirmation)?;
        let pin = present("pin", input.pin)?;
        // The PIN first (under the Defender): without one, nobody learns whether an email or a
        // phone is taken. It is spent only once everything else has passed. A phone that has an
        // account was called with a login PIN: that PIN proves the phone, and the answer is then
        // that the phone is taken (it never registers, nor signs in here).
        let account = format!("phone:{}", phone.as_str());
        let (purpose, _) = self.public_pin_purpose(&phone).await?;
        let verification = self
            .defended(origin.ip.as_deref(), Some(&account), async {
                self.check_pin(&phone, purpose, pin, input.token).await
            })
            .await?;
        // Whoever proved the phone learns whether the address or the phone is taken, and may fix
        // the address with the same PIN (each try counts against `flashcall.max_attempts`, so a
        // call tests a handful of addresses at most).
        if self.store.user_by_email(&email.key()).await?.is_some() {
            return Err(taken("email"));
        }
        if self.store.user_by_phone(phone.as_str()).await?.is_some() {
            return Err(taken("phone"));
        }
        let hash = self.passwords.hash(password.expose()).await?;
        self.spend_pin(verification, &phone).await?;
        let new_user = NewUser {
            email,
            phone: Some(phone),
            password_hash: hash,
            role: Role::LkAdmin,
            role_id: PbxRole::ADMINISTRATOR,
            account: AccountChoice::New {
                promocode: input.promocode.map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned),
            },
            created_at: self.now(),
        };
        let (user_id, _) = self.store.create_user(&new_user).await.map_err(conflict)?;
        self.store.user(user_id).await?.ok_or_else(|| Error::internal("new user vanished"))
    }

    /// Changes the caller's password (the current one must match): every session of the user
    /// ends and a new pair is answered.
    pub async fn update_password(
        &self,
        principal: &Principal,
        client_id: i64,
        current: Option<&str>,
        password: Option<&str>,
        confirmation: Option<&str>,
        origin: &Origin,
    ) -> Result<TokenPair> {
        // The seed names the field "token" in this one message; kept for wire compatibility.
        let current = current
            .filter(|c| !c.is_empty())
            .ok_or_else(|| Error::validation("token", "The current_password field is required."))?;
        let password = NewPassword::parse(password, confirmation)?;
        let event = || AuditEvent::new(kind::PASSWORD_CHANGED, SUCCESS).user(&principal.user).client(client_id);
        self.current_password_ok(&principal.user, current, origin, event).await?;
        let hash = self.passwords.hash(password.expose()).await?;
        let family = crate::secrets::random_token(crate::services::sessions::TOKEN_LEN);
        let (pair, session) = self.new_session(principal.user.id, client_id, family, origin);
        self.store.set_password(principal.user.id, &hash, Some(&session), self.now()).await?;
        // Every other session of the user ended with the old password.
        self.forget().await;
        self.audit(event().method("password").origin(origin));
        self.audit_token(kind::TOKEN_ISSUED, KIND_CABINET, &principal.user, Some(client_id), Some(origin));
        Ok(pair)
    }
}

impl Core {
    /// Whether `current` is the user's password, checked under the Defender's gate of their
    /// email like a login (a wrong one counts against the host and the login); a failure is
    /// audited as `event` with result failure.
    pub(crate) async fn current_password_ok(
        &self,
        user: &User,
        current: &str,
        origin: &Origin,
        event: impl Fn() -> AuditEvent,
    ) -> Result<()> {
        let account = format!("email:{}", user.email.to_lowercase());
        let checked = self
            .defended(origin.ip.as_deref(), Some(&account), async {
                match self.passwords.verify(current, Some(&user.password_hash)).await? {
                    true => Ok(()),
                    false => Err(Error::bad_password()),
                }
            })
            .await;
        if let Err(err) = &checked {
            self.audit(AuditEvent { result: FAILURE, ..event() }.method("password").origin(origin).reason(reason(err)));
        }
        checked
    }
}

pub(crate) fn taken(field: &'static str) -> Error {
    Error::validation(field, format!("The {field} has already been taken."))
}

/// A unique rule broken by a concurrent request is the same answer as the early check.
pub(crate) fn conflict(err: StoreError) -> Error {
    match err {
        StoreError::Conflict(field @ ("email" | "phone")) => taken(field),
        other => other.into(),
    }
}
