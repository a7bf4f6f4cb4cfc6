//! kordon's one door to WebAuthn (the `webauthn_rp` crate, ADR 28): options for a registration
//! or a sign-in, the server state of a ceremony as text the store keeps (so any instance can
//! finish it), and the checks of what the browser sent back. Passkeys only: a discoverable
//! credential with user verification, `none` attestation, ES256/EdDSA/ES384/RS256 keys. Nothing
//! else in kordon names the crate, so another crate would change this file only.

use crate::error::{Error, Result};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use webauthn_rp::bin::{Decode, Encode};
use webauthn_rp::request::auth::AuthenticationVerificationOptions;
use webauthn_rp::request::register::{
    CredProtect, Nickname, PublicKeyCredentialUserEntity, RegistrationVerificationOptions, UserHandle64, Username,
};
use webauthn_rp::request::{AsciiDomain, ExtensionInfo, PublicKeyCredentialDescriptor, RpId, TimedCeremony};
use webauthn_rp::response::auth::ser_relaxed::DiscoverableAuthenticationRelaxed64;
use webauthn_rp::response::register::ser_relaxed::RegistrationRelaxed;
use webauthn_rp::response::register::{DynamicState, StaticState};
use webauthn_rp::response::{AuthTransports, AuthenticatorAttachment, CredentialId};
use webauthn_rp::{
    AuthenticatedCredential, DiscoverableAuthentication64, DiscoverableAuthenticationServerState,
    DiscoverableCredentialRequestOptions, PublicKeyCredentialCreationOptions, Registration, RegistrationServerState,
};

/// The length of a user handle, bytes (the most WebAuthn allows: it says nothing of the person).
const HANDLE_LEN: usize = 64;

/// The relying party: the RP ID (the issuer's host) and the origins a response may come from.
#[derive(Debug, Clone)]
pub struct RelyingParty {
    rp_id: RpId,
    origin: String,
}

/// A ceremony begun: the key the store keeps it under (the challenge it sent), its server state
/// as text, and the options the page hands to the browser (`PublicKeyCredentialCreationOptionsJSON`
/// or `…RequestOptionsJSON`). The crate ends a ceremony [`CEREMONY_TTL`] after it began by the
/// system clock; kordon's row ends then by its own clock.
#[derive(Debug, Clone)]
pub struct Started {
    pub challenge: String,
    pub state: String,
    pub options: String,
}

/// How long a ceremony may take, seconds (the crate's timeout, sent to the browser as
/// `timeout: 300000`).
pub const CEREMONY_TTL: i64 = 300;

/// A credential a registration made, encoded for the store.
#[derive(Debug, Clone)]
pub struct NewCredential {
    pub credential_id: String,
    pub public_key: String,
    pub state: String,
    pub attachment: &'static str,
}

/// What an assertion names before it is checked: its credential and user handle (base64url).
#[derive(Debug, Clone)]
pub struct Asserted {
    pub credential_id: String,
    pub user_handle: String,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(text: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).map_err(|_| Error::internal("a stored passkey value is not base64url"))
}

/// A browser's answer kordon cannot read: the page's field `response`.
fn unreadable() -> Error {
    Error::validation("response", "The passkey's answer could not be read.")
}

/// A browser's answer that does not prove what it must.
pub(crate) fn not_accepted() -> Error {
    Error::bad_secret("response", "The passkey was not accepted.")
}

fn challenge_key(challenge: u128) -> String {
    format!("{challenge:032x}")
}

fn attachment(a: AuthenticatorAttachment) -> &'static str {
    match a {
        AuthenticatorAttachment::Platform => "platform",
        AuthenticatorAttachment::CrossPlatform => "cross-platform",
        AuthenticatorAttachment::None => "unknown",
    }
}

/// A registration's answer as `PublicKeyCredential.toJSON()` writes it (RegistrationResponseJSON,
/// read leniently: unknown fields, such as Chrome's `publicKey`, are skipped).
fn registration(response: &str) -> Result<Registration> {
    serde_json::from_str::<RegistrationRelaxed>(response).map(|r| r.0).map_err(|_| unreadable())
}

/// A sign-in's answer as `PublicKeyCredential.toJSON()` writes it (AuthenticationResponseJSON,
/// with the user handle a discoverable credential returns).
fn assertion(response: &str) -> Result<DiscoverableAuthentication64> {
    serde_json::from_str::<DiscoverableAuthenticationRelaxed64>(response).map(|r| r.0).map_err(|_| unreadable())
}

/// A new random user handle, base64url.
pub fn fresh_user_handle() -> String {
    b64(UserHandle64::new().as_ref())
}

fn user_handle(text: &str) -> Result<UserHandle64> {
    let bytes: [u8; HANDLE_LEN] =
        unb64(text)?.try_into().map_err(|_| Error::internal("a stored user handle is not 64 bytes"))?;
    UserHandle64::decode(bytes).map_err(|_| Error::internal("a stored user handle does not decode"))
}

impl RelyingParty {
    /// The relying party of `rp_id` (a host name) for a page served at `origin`
    /// (`https://id.example.com`, or `http://localhost:8080` in development).
    pub fn new(rp_id: &str, origin: &str) -> Result<Self> {
        let domain = AsciiDomain::try_from(rp_id.to_owned())
            .map_err(|e| Error::internal(format!("the WebAuthn RP ID {rp_id:?} is not a domain: {e}")))?;
        Ok(Self { rp_id: RpId::Domain(domain), origin: origin.trim_end_matches('/').to_owned() })
    }

    /// Registration options for the person with user handle `handle`, shown as `name` (their
    /// email), not offering again the credentials in `exclude` (base64url ids).
    pub fn start_registration(&self, handle: &str, name: &str, exclude: &[String]) -> Result<Started> {
        let handle = user_handle(handle)?;
        let display = Nickname::try_from(name).ok();
        let name =
            Username::try_from(name).map_err(|_| Error::validation("email", "This email cannot name a passkey."))?;
        let exclude = exclude
            .iter()
            .filter_map(|id| {
                let id = CredentialId::decode(unb64(id).ok()?).ok()?;
                Some(PublicKeyCredentialDescriptor { id, transports: AuthTransports::decode(0).ok()? })
            })
            .collect();
        let user = PublicKeyCredentialUserEntity { name, id: &handle, display_name: display };
        let mut options = PublicKeyCredentialCreationOptions::passkey(&self.rp_id, user, exclude);
        // Ask for credProtect (user verification required) but do not make the browser refuse an
        // authenticator that cannot keep it: many security keys and Chrome's own cannot, and the
        // assertion's user-verified flag is checked on every sign-in anyway.
        options.extensions.cred_protect = CredProtect::UserVerificationRequired(ExtensionInfo::AllowDontEnforceValue);
        let (server, client) =
            options.start_ceremony().map_err(|e| Error::internal(format!("passkey registration options: {e}")))?;
        let options = serde_json::to_string(&client).map_err(Error::internal)?;
        Ok(Started {
            challenge: challenge_key(server.sent_challenge().0),
            state: b64(&server.encode().map_err(|e| Error::internal(format!("{e:?}")))?),
            options,
        })
    }

    /// The challenge key of a registration's answer (to find its ceremony).
    pub fn registration_challenge(response: &str) -> Result<String> {
        let registration = registration(response)?;
        Ok(challenge_key(registration.challenge_relaxed().map_err(|_| unreadable())?.0))
    }

    /// Checks a registration's answer against its ceremony's state; the new credential.
    pub fn finish_registration(&self, state: &str, response: &str) -> Result<NewCredential> {
        let server = RegistrationServerState::<HANDLE_LEN>::decode(&unb64(state)?)
            .map_err(|_| Error::internal("a stored passkey ceremony does not decode"))?;
        let registration = registration(response)?;
        let origins = [self.origin.as_str()];
        let options = RegistrationVerificationOptions::<&str, &str> {
            allowed_origins: &origins,
            error_on_unsolicited_extensions: false,
            ..RegistrationVerificationOptions::default()
        };
        let credential = server.verify(&self.rp_id, &registration, &options).map_err(|e| {
            tracing::info!(error = %e, "a passkey registration was refused");
            not_accepted()
        })?;
        let (id, _, _, static_state, dynamic_state, _) = credential.into_parts();
        Ok(NewCredential {
            credential_id: b64(id.as_ref()),
            public_key: b64(&static_state.encode().map_err(|e| Error::internal(format!("{e:?}")))?),
            state: b64(&dynamic_state.encode().map_err(|e| Error::internal(format!("{e:?}")))?),
            attachment: attachment(dynamic_state.authenticator_attachment),
        })
    }

    /// Sign-in options: any passkey of this RP the browser holds (discoverable), with user
    /// verification.
    pub fn start_authentication(&self) -> Result<Started> {
        let (server, client) = DiscoverableCredentialRequestOptions::passkey(&self.rp_id)
            .start_ceremony()
            .map_err(|e| Error::internal(format!("passkey sign-in options: {e}")))?;
        let options = serde_json::to_string(&client).map_err(Error::internal)?;
        Ok(Started {
            challenge: challenge_key(server.sent_challenge().0),
            state: b64(&server.encode().map_err(|e| Error::internal(format!("{e:?}")))?),
            options,
        })
    }

    /// The challenge key, credential and user handle an assertion names (to find its ceremony,
    /// its passkey and its person).
    pub fn assertion_parts(response: &str) -> Result<(String, Asserted)> {
        let auth = assertion(response)?;
        let challenge = challenge_key(auth.challenge_relaxed().map_err(|_| unreadable())?.0);
        let asserted = Asserted {
            credential_id: b64(auth.raw_id().as_ref()),
            user_handle: b64(auth.response().user_handle().as_ref()),
        };
        Ok((challenge, asserted))
    }

    /// Checks an assertion against its ceremony's state and the stored passkey (`public_key`,
    /// `stored_state`, `handle`: its person's user handle). The passkey's new dynamic state, and
    /// how it is attached (`platform`/`cross-platform`).
    pub fn finish_authentication(
        &self,
        state: &str,
        response: &str,
        (credential_id, public_key, stored_state, handle): (&str, &str, &str, &str),
    ) -> Result<(String, &'static str)> {
        let server = DiscoverableAuthenticationServerState::decode(&unb64(state)?)
            .map_err(|_| Error::internal("a stored passkey ceremony does not decode"))?;
        let auth = assertion(response)?;
        let handle = user_handle(handle)?;
        let id_bytes = unb64(credential_id)?;
        let id = CredentialId::<&[u8]>::decode(id_bytes.as_slice())
            .map_err(|_| Error::internal("a stored credential id does not decode"))?;
        let static_state = StaticState::decode(&unb64(public_key)?)
            .map_err(|_| Error::internal("a stored passkey key does not decode"))?;
        let dynamic: [u8; 7] =
            unb64(stored_state)?.try_into().map_err(|_| Error::internal("a stored passkey state is not 7 bytes"))?;
        let dynamic_state =
            DynamicState::decode(dynamic).map_err(|_| Error::internal("a stored passkey state does not decode"))?;
        let mut credential = AuthenticatedCredential::new(id, &handle, static_state, dynamic_state)
            .map_err(|e| Error::internal(format!("a stored passkey is inconsistent: {e}")))?;
        let origins = [self.origin.as_str()];
        let options = AuthenticationVerificationOptions::<&str, &str> {
            allowed_origins: &origins,
            error_on_unsolicited_extensions: false,
            update_uv: true,
            ..AuthenticationVerificationOptions::default()
        };
        server.verify(&self.rp_id, &auth, &mut credential, &options).map_err(|e| {
            tracing::info!(error = %e, "a passkey assertion was refused");
            not_accepted()
        })?;
        let new_state = credential.dynamic_state();
        Ok((
            b64(&new_state.encode().map_err(|e| Error::internal(format!("{e:?}")))?),
            attachment(new_state.authenticator_attachment),
        ))
    }
}
