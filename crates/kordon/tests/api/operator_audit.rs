//! Operators' changes through the real `kordon` binary leave audit lines: `client create`,
//! `client update` (its trust, which skips consent, and its redirect URIs above all) and `keys
//! rotate`, each naming the operator, the subject and what changed, never a secret; on SQLite and
//! PostgreSQL.

use crate::helpers::binary::{Store, admin, create_user, id};
use serde_json::{Value, json};

/// The audit log as `admin audit list` prints it, newest first.
async fn audit(store: &Store, limit: usize) -> Value {
    let listed = admin(store, &["audit", "list", "--limit", &limit.to_string()]).await;
    assert_eq!(listed.code, Some(0), "{listed:#?}");
    serde_json::from_str(&listed.stdout).unwrap_or_else(|e| panic!("the audit log is JSON ({e}): {listed:#?}"))
}

/// The newest line: (event, actor, subject), and its detail parsed.
async fn newest(store: &Store) -> ((Value, Value, Value), Value) {
    let log = audit(store, 1).await;
    let entry = &log[0];
    let detail = entry["detail"].as_str().map(|d| serde_json::from_str(d).expect("the detail is JSON"));
    ((entry["type"].clone(), entry["actor"].clone(), entry["subject"].clone()), detail.unwrap_or(Value::Null))
}

async fn operators_changes_to_clients_and_keys_are_audited(store: &Store) {
    let (owner, _) = create_user(store, "owner@example.com", &[]).await;
    let created = admin(
        store,
        &[
            "client",
            "create",
            "--name",
            "Support desk",
            "--grant",
            "authorization_code",
            "--redirect-uri",
            "https://desk.example.com/cb",
            "--owner-email",
            "owner@example.com",
        ],
    )
    .await
    .json();
    let client = id(&created, "client_id");
    let secret = created["client_secret"].as_str().expect("a secret").to_owned();
    let subject = json!(format!("client:{client}"));
    let (line, detail) = newest(store).await;
    assert_eq!(line, (json!("client.create"), json!("cli"), subject.clone()));
    assert_eq!(
        detail,
        json!({ "name": "Support desk", "grants": ["authorization_code"], "owner_user_id": owner,
                "access_ttl": null, "introspect": false, "redirect_uris": ["https://desk.example.com/cb"],
                "post_logout_redirect_uris": [], "public": false, "trusted": false })
    );

    // Trusted (its users are no longer asked for consent) and sent elsewhere: both recorded.
    let id_text = client.to_string();
    let args = ["--trusted", "true", "--redirect-uri", "https://desk.example.com/callback"];
    admin(store, &[&["client", "update", "--id", &id_text][..], &args[..]].concat()).await.json();
    let (line, detail) = newest(store).await;
    assert_eq!(line, (json!("client.update"), json!("cli"), subject.clone()));
    assert_eq!(
        detail,
        json!({ "trusted": { "from": false, "to": true },
                "redirect_uris": { "from": ["https://desk.example.com/cb"],
                                   "to": ["https://desk.example.com/callback"] } })
    );
    // Trust off again; a field given with its old value is no change.
    admin(store, &["client", "update", "--id", &id_text, "--trusted", "false", "--name", "Support desk"]).await.json();
    let (line, detail) = newest(store).await;
    assert_eq!(line, (json!("client.update"), json!("cli"), subject));
    assert_eq!(detail, json!({ "trusted": { "from": true, "to": false } }));

    let rotated = admin(store, &["keys", "rotate"]).await.json();
    let kid = rotated["kid"].as_str().expect("kid");
    let (line, detail) = newest(store).await;
    assert_eq!(line, (json!("keys.rotate"), json!("cli"), json!(format!("key:{kid}"))));
    assert_eq!(detail["kid"], kid, "{detail}");
    assert!(detail["others_published_until"].is_string(), "{detail}");

    // A refused command changed nothing and audits nothing.
    admin(store, &["client", "update", "--id", "999999", "--trusted", "true"]).await.failed_with("not found");
    assert_eq!(newest(store).await.0.0, json!("keys.rotate"));

    let log = audit(store, 100).await.to_string();
    assert!(!log.contains(&secret), "no client secret in the audit log: {log}");
    assert!(!log.contains("PRIVATE KEY") && !log.contains("kordon-sealed"), "no key material: {log}");
}
on_both_stores!(operators_changes_to_clients_and_keys_are_audited);
