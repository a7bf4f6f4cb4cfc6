//! RS256 JWS compact serialization (RFC 7515 §7.1) with a private key parsed once. Verification
//! stays with `jsonwebtoken`; only signing is here, because `jsonwebtoken::encode` re-parses and
//! re-validates the RSA key on every call.

use crate::error::{Error, Result};
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

/// `base64url(header) . base64url(claims) . base64url(RS256 signature)`.
pub(crate) fn sign_rs256<C: Serialize>(header: &jsonwebtoken::Header, claims: &C, key: &RsaKeyPair) -> Result<String> {
    let header = serde_json::to_vec(header).map_err(Error::internal)?;
    let claims = serde_json::to_vec(claims).map_err(Error::internal)?;
    let mut token = URL_SAFE_NO_PAD.encode(header);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(claims, &mut token);
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(&RSA_PKCS1_SHA256, &aws_lc_rs::rand::SystemRandom::new(), token.as_bytes(), &mut signature)
        .map_err(|_| Error::internal("RS256 signing failed"))?;
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{Algorithm, DecodingKey, Validation};

    #[test]
    fn jsonwebtoken_verifies_what_this_signs() {
        let der = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
            .and_then(|k| aws_lc_rs::encoding::AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&k))
            .expect("key");
        let key = RsaKeyPair::from_pkcs8(der.as_ref()).expect("pair");
        let public = aws_lc_rs::signature::KeyPair::public_key(&key).as_ref().to_vec();
        let mut header = jsonwebtoken::Header::new(Algorithm::RS256);
        header.kid = Some("k1".into());
        let claims = serde_json::json!({ "sub": "7", "exp": 4_000_000_000i64 });
        let token = sign_rs256(&header, &claims, &key).expect("sign");
        let mut validation = Validation::new(Algorithm::RS256);
        validation.required_spec_claims.clear();
        let decoded =
            jsonwebtoken::decode::<serde_json::Value>(&token, &DecodingKey::from_rsa_der(&public), &validation)
                .expect("verifies");
        assert_eq!(decoded.claims, claims);
        assert_eq!(decoded.header.kid.as_deref(), Some("k1"));
    }
}
