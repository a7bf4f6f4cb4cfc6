//! The audit log's event types, one name each. A filter may name a type or its family (the part
//! before the dot: `token`, `defender`, …).

/// A sign-in: every dialect, the login page, each method (result success or failure).
pub const SIGNIN: &str = "signin";
/// Tokens handed out, refreshed, revoked; a spent refresh token presented again (its family ends).
pub const TOKEN_ISSUED: &str = "token.issued";
pub const TOKEN_REFRESHED: &str = "token.refreshed";
pub const TOKEN_REVOKED: &str = "token.revoked";
pub const TOKEN_REUSE: &str = "token.reuse";
/// The Defender: a host blocked or unblocked, a login forgiven, a login at its cap.
pub const DEFENDER_BLOCK: &str = "defender.block";
pub const DEFENDER_UNBLOCK: &str = "defender.unblock";
pub const DEFENDER_FORGIVE: &str = "defender.forgive";
pub const DEFENDER_CAP: &str = "defender.cap";
/// FlashCalls placed, verified, refused by a cap (with the country and the number's prefix).
pub const FLASHCALL_PLACED: &str = "flashcall.placed";
pub const FLASHCALL_VERIFIED: &str = "flashcall.verified";
pub const FLASHCALL_REFUSED: &str = "flashcall.refused";
/// Passwords: a reset asked for, a reset done, a password changed.
pub const PASSWORD_RESET_REQUESTED: &str = "password.reset_requested";
pub const PASSWORD_RESET: &str = "password.reset";
pub const PASSWORD_CHANGED: &str = "password.changed";
/// Operators' actions (the CLI, the console, the admin API).
pub const USER_CREATE: &str = "user.create";
pub const USER_DISABLE: &str = "user.disable";
pub const USER_ENABLE: &str = "user.enable";
pub const USER_DELETE: &str = "user.delete";
/// A person changed their own names on their account page.
pub const USER_PROFILE: &str = "user.profile";
/// A person's address: a link mailed to prove one (`requested`), then followed (the address
/// changed or proved); method `change` or `verify`.
pub const USER_EMAIL: &str = "user.email";
/// A person set a new phone on their account page, after its FlashCall PIN.
pub const USER_PHONE: &str = "user.phone";
/// Second factors: an authenticator switched on or removed, recovery codes made anew.
pub const MFA_ENROLLED: &str = "mfa.enrolled";
pub const MFA_REMOVED: &str = "mfa.removed";
pub const MFA_RECOVERY_CODES: &str = "mfa.recovery_codes";
/// An operator removed a person's second factors (the person lost them).
pub const MFA_RESET: &str = "mfa.reset";
pub const SESSION_REVOKE: &str = "session.revoke";
pub const CLIENT_CREATE: &str = "client.create";
pub const CLIENT_UPDATE: &str = "client.update";
pub const CLIENT_TRUSTED: &str = "client.trusted";
pub const CLIENT_SECRET: &str = "client.secret";
pub const CLIENT_DELETE: &str = "client.delete";
pub const KEYS_ROTATE: &str = "keys.rotate";
pub const KEYS_REWRAP: &str = "keys.rewrap";
/// An operator set or cleared a person's SIP user.
pub const USER_SIP: &str = "user.sip_user";
/// A telephony shared secret added or removed (method `add`, `remove`; its fingerprint).
pub const TELEPHONY_SECRET: &str = "telephony.secret";
/// SIP or TURN credentials minted for a person (method `sip`, `turn`).
pub const TELEPHONY_CREDENTIALS: &str = "telephony.credentials";

/// Every type, for validating a filter and for documentation.
pub const ALL: &[&str] = &[
    SIGNIN,
    TOKEN_ISSUED,
    TOKEN_REFRESHED,
    TOKEN_REVOKED,
    TOKEN_REUSE,
    DEFENDER_BLOCK,
    DEFENDER_UNBLOCK,
    DEFENDER_FORGIVE,
    DEFENDER_CAP,
    FLASHCALL_PLACED,
    FLASHCALL_VERIFIED,
    FLASHCALL_REFUSED,
    PASSWORD_RESET_REQUESTED,
    PASSWORD_RESET,
    PASSWORD_CHANGED,
    USER_CREATE,
    USER_DISABLE,
    USER_ENABLE,
    USER_DELETE,
    USER_PROFILE,
    USER_EMAIL,
    USER_PHONE,
    USER_SIP,
    MFA_ENROLLED,
    MFA_REMOVED,
    MFA_RECOVERY_CODES,
    MFA_RESET,
    SESSION_REVOKE,
    CLIENT_CREATE,
    CLIENT_UPDATE,
    CLIENT_TRUSTED,
    CLIENT_SECRET,
    CLIENT_DELETE,
    KEYS_ROTATE,
    KEYS_REWRAP,
    TELEPHONY_SECRET,
    TELEPHONY_CREDENTIALS,
];

/// Whether `filter` names a type or a family of types.
pub fn is_known(filter: &str) -> bool {
    ALL.iter().any(|kind| *kind == filter || kind.split('.').next() == Some(filter))
}

#[cfg(test)]
mod tests {
    #[test]
    fn families_and_types_are_known_and_nothing_else() {
        assert!(super::is_known("token"));
        assert!(super::is_known("token.reuse"));
        assert!(super::is_known("signin"));
        assert!(!super::is_known("token.nope"));
        assert!(!super::is_known("tok"));
    }
}
