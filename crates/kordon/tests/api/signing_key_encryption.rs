//! JWT signing keys at rest: sealed under the key-encryption key (AES-256-GCM), so the stored row
//! holds neither the PEM nor the DER; rows written in plain text by earlier builds are sealed at
//! the next start; a server holding the wrong key-encryption key refuses to start, saying which key
//! the rows need; and `keys rewrap` moves every row to a new key. On SQLite and PostgreSQL.

use crate::helpers::binary::{BIN, Run, Store, admin, clean, serve};
use crate::helpers::{PASSWORD, TestApp};
use base64::Engine as _;
use serde_json::{Value, json};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SEALED: &str = "kordon-sealed-v1:";
const B64URL: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A fresh key-encryption key as an operator writes it (32 random bytes, base64).
fn new_encryption_key() -> String {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).expect("random");
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn jwks(base: &str) -> Value {
    reqwest::get(format!("{base}/.well-known/jwks.json")).await.expect("jwks").json().await.expect("json")
}

/// The modulus of the published key `kid`.
async fn modulus(base: &str, kid: &str) -> Vec<u8> {
    let set = jwks(base).await;
    let key = set["keys"].as_array().expect("keys").iter().find(|k| k["kid"] == kid).cloned();
    let key = key.unwrap_or_else(|| panic!("{kid} is published: {set}"));
    B64URL.decode(key["n"].as_str().expect("n")).expect("n is base64url")
}

fn kid_of(jwt: &str) -> String {
    let header = B64URL.decode(jwt.split('.').next().expect("header")).expect("base64url");
    serde_json::from_slice::<Value>(&header).expect("json")["kid"].as_str().expect("kid").to_owned()
}

async fn a_stored_key_holds_no_private_key(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let (jwt, _, _) = app.oauth_password_token("user@mail.ru").await;
    let kid = kid_of(&jwt);
    let row = app.text(&format!("SELECT private_pem FROM signing_keys WHERE kid = '{kid}'")).await;
    assert!(row.starts_with(SEALED), "the row is sealed: {}…", &row[..row.len().min(40)]);
    assert!(!row.contains("PRIVATE KEY"), "no PEM in the row");
    // Nor the DER: the key's modulus (in any PKCS#8 DER of it) is nowhere in the decoded row.
    let body = row.rsplit(':').next().expect("body");
    let sealed = base64::engine::general_purpose::STANDARD.decode(body).expect("the body is base64");
    let n = modulus(&app.base, &kid).await;
    let piece = &n[n.len() - 32..];
    assert!(!sealed.windows(piece.len()).any(|w| w == piece), "the modulus is not in the sealed row");
    assert!(!row.as_bytes().windows(piece.len()).any(|w| w == piece));
    // The embedded default keeps its key-encryption key in a file of its own, private.
    let file = app.config.server.data_dir.join("signing-keys.key");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).expect("the key file").permissions());
    assert_eq!(mode & 0o777, 0o600, "{}", file.display());
    assert!(!row.contains(std::fs::read_to_string(&file).expect("key").trim()));
}
both!(a_stored_key_holds_no_private_key);

/// An RSA key as builds before sealing stored it: PKCS#8 PEM.
fn plain_pem() -> String {
    use aws_lc_rs::encoding::AsDer;
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).expect("rsa");
    let der = pair.as_der().expect("der");
    let body = base64::engine::general_purpose::STANDARD.encode(der.as_ref());
    let lines: Vec<&str> = body.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).expect("ascii")).collect();
    format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", lines.join("\n"))
}

async fn plain_text_keys_are_sealed_at_the_next_start(app: TestApp) {
    let pem = plain_pem();
    app.execute(&format!(
        "INSERT INTO signing_keys (kid, algorithm, private_pem, created_at, not_after)
         VALUES ('legacy-kid', 'RS256', '{pem}', 1, NULL)"
    ))
    .await;
    // The next start (another instance on the same store and configuration) seals it.
    let _next = app.sibling().await;
    let row = app.text("SELECT private_pem FROM signing_keys WHERE kid = 'legacy-kid'").await;
    assert!(row.starts_with(SEALED), "sealed at start: {}…", &row[..row.len().min(40)]);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM signing_keys").await, 1, "sealed in place, no key added");
    // It is still the same key: kordon signs with it and publishes its modulus.
    app.register("user@mail.ru", "79993332210").await;
    let (jwt, _, _) = app.oauth_password_token("user@mail.ru").await;
    assert_eq!(kid_of(&jwt), "legacy-kid");
    let encoding = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).expect("pem");
    let jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&encoding, jsonwebtoken::Algorithm::RS256).expect("jwk");
    let jsonwebtoken::jwk::AlgorithmParameters::RSA(rsa) = jwk.algorithm else { panic!("an RSA key") };
    assert_eq!(modulus(&app.base, "legacy-kid").await, B64URL.decode(rsa.n).expect("n"));
    let (status, me) = app.call("GET", "/api/ver1.0/user/", None, Some(&jwt)).await;
    assert_eq!(status, 200, "{me}");
}
both!(plain_text_keys_are_sealed_at_the_next_start);

/// `kordon serve` on `store` with `env`, which must exit on its own (bounded: a server that
/// serves instead is killed and the test fails).
async fn serve_must_exit(store: &Store, env: &[(&str, &str)]) -> Run {
    let mut args = vec!["serve".to_string(), "--listen".into(), "127.0.0.1:0".into()];
    args.extend(store.args());
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    tokio::task::spawn_blocking(move || {
        let mut child = clean(&mut Command::new(BIN))
            .args(&args)
            .envs(env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kordon serve");
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().expect("try_wait").is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                let output = child.wait_with_output().expect("wait");
                panic!("kordon serve kept serving: {}", String::from_utf8_lossy(&output.stderr));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let output = child.wait_with_output().expect("wait");
        Run {
            args,
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    })
    .await
    .expect("join")
}

fn refused_for_the_key(run: &Run, needed: &str) {
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(!run.stderr.contains("panicked"), "no panic: {run:#?}");
    assert!(
        run.stderr.contains("kordon: signing keys: signing key ")
            && run.stderr.contains(&format!("was sealed with the key-encryption key whose fingerprint is {needed}")),
        "a clear refusal naming the key the rows need: {run:#?}"
    );
}

/// The fingerprint a sealed row names.
fn fingerprint(row: &str) -> String {
    row.strip_prefix(SEALED).and_then(|r| r.split(':').next()).expect("a sealed row").to_owned()
}

async fn a_wrong_encryption_key_refuses_to_start_and_rewrap_rotates_it(store: &Store) {
    let rotated = admin(store, &["keys", "rotate"]).await.json();
    let kid = rotated["kid"].as_str().expect("kid").to_owned();
    // A telephony secret is sealed under the same key and moves with the signing keys.
    admin(store, &["telephony", "secret", "add"]).await.json();
    let coturn = admin(store, &["telephony", "config", "--for", "coturn"]).await.stdout;
    let app = store.serve().await;
    let sql = format!("SELECT private_pem FROM signing_keys WHERE kid = '{kid}'");
    let old_fingerprint = fingerprint(&app.text(&sql).await);
    let old_key = std::fs::read_to_string(store.dir.path().join("signing-keys.key")).expect("the key file");
    let old_key = old_key.trim();

    // Another key: refused at start, naming the key the rows need; nothing printed of either key.
    let new_key = new_encryption_key();
    let wrong = serve_must_exit(store, &[("KORDON_SIGNING_KEYS__ENCRYPTION_KEY", &new_key)]).await;
    refused_for_the_key(&wrong, &old_fingerprint);
    assert!(!wrong.stderr.contains(&new_key) && !wrong.stderr.contains(old_key), "{wrong:#?}");
    let malformed = serve_must_exit(store, &[("KORDON_SIGNING_KEYS__ENCRYPTION_KEY", "c2hvcnQ=")]).await;
    assert_eq!(malformed.code, Some(1), "{malformed:#?}");
    assert!(malformed.stderr.contains("kordon: signing_keys.encryption_key: 5 bytes long"), "{malformed:#?}");

    // Rotation: the new key current, the old one previous; rewrap moves every row, audited.
    let both = [
        ("KORDON_SIGNING_KEYS__ENCRYPTION_KEY", new_key.as_str()),
        ("KORDON_SIGNING_KEYS__PREVIOUS_ENCRYPTION_KEY", old_key),
    ];
    let mut args: Vec<String> = ["admin", "keys", "rewrap"].iter().map(|a| a.to_string()).collect();
    args.extend(store.args());
    let env = both.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let rewrapped = crate::helpers::binary::kordon_fed(args, env, "").await.json();
    assert_eq!(rewrapped["rewrapped"], 2, "the signing key and the telephony secret: {rewrapped}");
    let new_fingerprint = rewrapped["fingerprint"].as_str().expect("fingerprint").to_owned();
    assert_eq!(fingerprint(&app.text(&sql).await), new_fingerprint);
    assert_eq!(fingerprint(&app.text("SELECT secret FROM telephony_secrets").await), new_fingerprint);
    assert_ne!(new_fingerprint, old_fingerprint);
    let listed = admin(store, &["audit", "list", "--limit", "1"]).await;
    let audit: Value = serde_json::from_str(&listed.stdout).expect("json");
    assert_eq!((&audit[0]["type"], &audit[0]["actor"]), (&json!("keys.rewrap"), &json!("cli")), "{audit}");

    // Now only the new key serves, and the old one is refused.
    let served = serve(store, &[("KORDON_SIGNING_KEYS__ENCRYPTION_KEY", &new_key)]).await;
    let set = jwks(&served.base).await;
    assert!(set["keys"].as_array().expect("keys").iter().any(|k| k["kid"] == kid.as_str()), "{set}");
    drop(served);
    let mut args: Vec<String> =
        ["admin", "telephony", "config", "--for", "coturn"].iter().map(|a| a.to_string()).collect();
    args.extend(store.args());
    let env = vec![("KORDON_SIGNING_KEYS__ENCRYPTION_KEY".to_string(), new_key.clone())];
    let printed = crate::helpers::binary::kordon_fed(args, env, "").await;
    assert_eq!(printed.stdout, coturn, "the same secret, opened under the new key: {printed:?}");
    refused_for_the_key(&serve_must_exit(store, &[]).await, &new_fingerprint);
    let _ = PASSWORD;
}
on_both_stores!(a_wrong_encryption_key_refuses_to_start_and_rewrap_rotates_it);
