//! A software authenticator for the passkey tests: a P-256 key made by aws-lc-rs, a discoverable
//! credential with user verification, `none` attestation, and answers shaped as Chrome's
//! `PublicKeyCredential.toJSON()` — written here from the WebAuthn and CTAP2 texts, not from
//! kordon's code, so kordon's checks are checked against another reading of the standard.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Flags of authenticator data (WebAuthn §6.1): user present, user verified, attested data.
const UP: u8 = 0x01;
const UV: u8 = 0x04;
const AT: u8 = 0x40;

/// One authenticator holding one passkey (made by [`Authenticator::create`]).
pub struct Authenticator {
    key: EcdsaKeyPair,
    pub credential_id: Vec<u8>,
    /// The user handle the registration gave it (answered with each assertion).
    pub user_handle: Vec<u8>,
    /// The signature counter: moves on each assertion; a test may set it back.
    pub counter: u32,
    /// The origin the browser says the page was on.
    pub origin: String,
}

fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// CBOR (RFC 8949) heads in their shortest form, as CTAP2's canonical encoding wants.
fn head(major: u8, n: usize, out: &mut Vec<u8>) {
    match n {
        0..24 => out.push(major << 5 | n as u8),
        24..256 => out.extend([major << 5 | 24, n as u8]),
        _ => {
            out.push(major << 5 | 25);
            out.extend((n as u16).to_be_bytes());
        }
    }
}

fn cbor_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    head(2, bytes.len(), out);
    out.extend(bytes);
}

fn cbor_text(text: &str, out: &mut Vec<u8>) {
    head(3, text.len(), out);
    out.extend(text.as_bytes());
}

impl Authenticator {
    pub fn new(origin: &str) -> Self {
        let key = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING).expect("a P-256 key");
        let mut credential_id = vec![0u8; 16];
        aws_lc_rs::rand::fill(&mut credential_id).expect("random");
        Self { key, credential_id, user_handle: Vec::new(), counter: 0, origin: origin.to_owned() }
    }

    /// The credential's public key as COSE_Key (RFC 9053: EC2, ES256, P-256, x, y).
    fn cose_key(&self) -> Vec<u8> {
        let point = self.key.public_key().as_ref(); // 0x04 || x || y
        let mut out = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21];
        cbor_bytes(&point[1..33], &mut out);
        out.push(0x22);
        cbor_bytes(&point[33..65], &mut out);
        out
    }

    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        let data = json!({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": false});
        serde_json::to_vec(&data).expect("client data")
    }

    /// `navigator.credentials.create()` for `options` (PublicKeyCredentialCreationOptionsJSON):
    /// the registration's JSON.
    pub fn create(&mut self, options: &str) -> String {
        let options: Value =
            serde_json::from_str(options).unwrap_or_else(|e| panic!("creation options {e}: {options}"));
        let rp_id = options["rp"]["id"].as_str().expect("rp.id");
        self.user_handle = B64.decode(options["user"]["id"].as_str().expect("user.id")).expect("user.id b64");
        assert_eq!(options["authenticatorSelection"]["residentKey"], "required", "{options}");
        assert_eq!(options["authenticatorSelection"]["userVerification"], "required", "{options}");
        let client_data = self.client_data("webauthn.create", options["challenge"].as_str().expect("challenge"));
        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(UP | UV | AT);
        auth_data.extend(self.counter.to_be_bytes());
        auth_data.extend([0u8; 16]); // AAGUID: none
        auth_data.extend((self.credential_id.len() as u16).to_be_bytes());
        auth_data.extend(&self.credential_id);
        auth_data.extend(self.cose_key());
        let mut attestation = vec![0xa3];
        cbor_text("fmt", &mut attestation);
        cbor_text("none", &mut attestation);
        cbor_text("attStmt", &mut attestation);
        attestation.push(0xa0);
        cbor_text("authData", &mut attestation);
        cbor_bytes(&auth_data, &mut attestation);
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "response": {
                "clientDataJSON": b64(&client_data),
                "attestationObject": b64(&attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        })
        .to_string()
    }

    /// `navigator.credentials.get()` for `options` (PublicKeyCredentialRequestOptionsJSON): the
    /// assertion's JSON, its counter one higher.
    pub fn get(&mut self, options: &str) -> String {
        let options: Value = serde_json::from_str(options).expect("request options");
        let rp_id = options["rpId"].as_str().expect("rpId");
        self.counter += 1;
        let client_data = self.client_data("webauthn.get", options["challenge"].as_str().expect("challenge"));
        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(UP | UV);
        auth_data.extend(self.counter.to_be_bytes());
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(&client_data));
        let signature = self.key.sign(&SystemRandom::new(), &signed).expect("signature");
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "response": {
                "clientDataJSON": b64(&client_data),
                "authenticatorData": b64(&auth_data),
                "signature": b64(signature.as_ref()),
                "userHandle": b64(&self.user_handle),
            },
            "clientExtensionResults": {},
        })
        .to_string()
    }
}

/// The ceremony options a page carries (`data-options`), unescaped.
pub fn options_on(body: &str) -> String {
    let marker = "data-options=\"";
    let start = body.find(marker).unwrap_or_else(|| panic!("no passkey options on: {body}")) + marker.len();
    let end = body[start..].find('"').expect("end of options") + start;
    super::oidc::unescape(&body[start..end])
}
