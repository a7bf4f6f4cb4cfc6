//! Recovery codes: ten, made with an authenticator (or anew, after the current password), shown
//! once, kept as SHA-256 digests only (80 random bits each need no slow hash), each working once.
//! A code is 16 characters of Crockford's base32, shown `xxxx-xxxx-xxxx-xxxx`; typed, case,
//! dashes and spaces do not matter, and O/I/L read as 0/1/1.

use crate::audit::{AuditEvent, SUCCESS, kind};
use crate::error::{Error, Result};
use crate::secrets::digest;
use crate::services::{Core, Origin};
use crate::types::User;

/// How many codes a set has.
pub const RECOVERY_CODES: usize = 10;
/// Crockford's base32: no I, L, O, U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a code (80 bits).
const CODE_LEN: usize = 16;

/// A fresh set of codes, as shown.
pub(crate) fn fresh_codes() -> Result<Vec<String>> {
    (0..RECOVERY_CODES).map(|_| fresh_code()).collect()
}

fn fresh_code() -> Result<String> {
    let mut bytes = [0u8; CODE_LEN];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| Error::internal("the OS random source failed"))?;
    // Each byte's low five bits pick a character: 16 × 5 = 80 uniform bits.
    let chars: Vec<char> = bytes.iter().map(|b| ALPHABET[usize::from(b & 31)] as char).collect();
    Ok(chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-"))
}

/// A typed code as stored: Crockford-normalised, then digested; None when it cannot be one.
fn normalised(typed: &str) -> Option<String> {
    let mut code = String::with_capacity(CODE_LEN);
    for c in typed.chars().filter(|c| *c != '-' && !c.is_whitespace()) {
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
            _ => return None,
        };
        code.push(c);
    }
    (code.len() == CODE_LEN).then_some(code)
}

/// The digest a code is stored by.
pub(crate) fn code_digest(code: &str) -> String {
    digest(&normalised(code).unwrap_or_default())
}

impl Core {
    /// Makes a new set of recovery codes (the old ones stop working), after the current
    /// password; shown once. Only with a second factor on.
    pub async fn recovery_codes_anew(
        &self,
        user: &User,
        current_password: &str,
        origin: &Origin,
    ) -> Result<Vec<String>> {
        let event = || AuditEvent::new(kind::MFA_RECOVERY_CODES, SUCCESS).user(user).method("recovery");
        self.current_password_ok(user, current_password, origin, event).await?;
        if !self.mfa_state(user.id).await?.on() {
            return Err(Error::refused("Recovery codes come with a second factor: switch one on first."));
        }
        let codes = fresh_codes()?;
        let digests: Vec<String> = codes.iter().map(|c| code_digest(c)).collect();
        self.store.replace_recovery_codes(user.id, &digests, self.now()).await?;
        self.audit(event().origin(origin));
        Ok(codes)
    }

    /// Whether `typed` is one of the person's unused recovery codes; it is then spent. Not
    /// defended here (`verify_second_factor` is).
    pub(crate) async fn spend_recovery_code(&self, user: &User, typed: &str) -> Result<bool> {
        let Some(code) = normalised(typed) else { return Ok(false) };
        Ok(self.store.spend_recovery_code(user.id, &digest(&code), self.now()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::{code_digest, fresh_codes, normalised};

    #[test]
    fn codes_are_shown_in_fours_and_read_forgivingly() {
        let codes = fresh_codes().expect("codes");
        assert_eq!(codes.len(), 10);
        for code in &codes {
            assert_eq!(code.len(), 19, "{code}");
            assert_eq!(code.matches('-').count(), 3, "{code}");
            assert!(!code.contains(['I', 'L', 'O', 'U']), "{code}");
        }
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        let code = &codes[0];
        let typed = format!(" {} ", code.to_lowercase().replace('-', " "));
        assert_eq!(code_digest(&typed), code_digest(code));
        assert_eq!(normalised("abcd-efgh-jkmn-pqrs").as_deref(), Some("ABCDEFGHJKMNPQRS"));
        assert_eq!(normalised("0OIL-0000-0000-0000").as_deref(), Some("0011000000000000"));
        assert_eq!(normalised("ABCD-EFGH-JKMN-PQR"), None, "too short");
        assert_eq!(normalised("ABCD-EFGH-JKMN-PQRU"), None, "U is no character");
        assert_eq!(normalised("АBCD-EFGH-JKMN-PQRS"), None, "a Cyrillic А is no character");
    }
}
