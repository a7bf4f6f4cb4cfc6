//! PBX domain settings through `kordon admin domain show|update`, as the action API then shows them.

use crate::helpers::{PASSWORD, TestApp};
use kordon_core::types::PbxRole;
use serde_json::{Value, json};

fn admin(app: &TestApp, args: &[&str]) -> (bool, Value, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kordon"));
    cmd.arg("admin").arg("domain").args(args).arg("--data-dir").arg(app.dir.path());
    if !app.config.server.database_url.is_empty() {
        cmd.arg("--database-url").arg(&app.config.server.database_url);
    }
    let out = cmd.output().expect("run kordon");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    (out.status.success(), serde_json::from_str(stdout.trim()).unwrap_or(Value::Null), stderr)
}

async fn settings_round_trip_into_the_auth_answer(app: TestApp) {
    let (_, domain_id) = app.domain_user("a@office.runtel.org", "office.runtel.org", PbxRole::ADMINISTRATOR).await;
    let (ok, shown, _) = admin(&app, &["show", "--domain", "office.runtel.org"]);
    assert!(ok);
    assert_eq!(
        shown,
        json!({ "domain_id": domain_id, "domain_name": "office.runtel.org", "mode": 2, "test_until": null,
                "billing_options": { "balance": "0.0", "block_inbound": false, "block_outbound": false, "block_face": false },
                "tz": "Europe/Moscow", "locale": "ru_RU", "token_ttl": 14400, "require_mfa": false })
    );
    let (ok, updated, err) = admin(
        &app,
        &[
            "update",
            "--domain",
            "Office.Runtel.org",
            "--balance",
            "1000.50",
            "--block-outbound",
            "true",
            "--tz",
            "Europe/Prague",
            "--locale",
            "en_US",
            "--mode",
            "3",
            "--test-until",
            "2030-01-02T03:04:05Z",
            "--token-ttl",
            "7200",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(updated["billing_options"]["balance"], "1000.50");
    assert_eq!(updated["test_until"], "2030-01-02T03:04:05Z");
    let (_, b, _) = app
        .pbx(
            json!({ "action": "auth", "obj": "User", "action_id": 1,
                     "params": { "login": "a@office.runtel.org", "password": PASSWORD } }),
            None,
        )
        .await;
    let body = &b["body"];
    assert_eq!(
        body["domain_billing_options"],
        json!({ "balance": "1000.50", "block_inbound": false, "block_outbound": true, "block_face": false })
    );
    assert_eq!(
        (body["tz"].clone(), body["locale"].clone(), body["domain_mode"].clone()),
        (json!("Europe/Prague"), json!("en_US"), json!(3))
    );
    assert_eq!(body["domain_test_until"], "2030-01-02T04:04:05", "local time in Prague (UTC+1 in January)");

    // Every person of the domain must sign in with a second factor: the password alone is refused.
    let (ok, strict, err) = admin(&app, &["update", "--domain", "office.runtel.org", "--require-mfa", "true"]);
    assert!(ok && strict["require_mfa"] == true, "{err} {strict}");
    let auth = json!({ "action": "auth", "obj": "User", "action_id": 1,
                       "params": { "login": "a@office.runtel.org", "password": PASSWORD } });
    let (status, b, _) = app.pbx(auth, None).await;
    assert_eq!(status, 403, "{b}");

    for (args, message) in [
        (vec!["--balance", "12,5"], "The balance must be a decimal number."),
        (vec!["--tz", "Mars/Olympus"], "The tz must be a valid IANA time zone."),
        (vec!["--token-ttl", "5"], "The token_ttl must be between 60 and 2592000 seconds."),
        (vec!["--locale", "en US"], "The locale format is invalid."),
    ] {
        let mut all = vec!["update", "--domain", "office.runtel.org"];
        all.extend(args);
        let (ok, out, err) = admin(&app, &all);
        assert!(!ok && out.is_null(), "{all:?}");
        assert!(err.contains(message), "{err}");
    }
    let (ok, _, err) = admin(&app, &["show", "--domain", "nowhere.example"]);
    assert!(!ok && err.contains("not found"), "{err}");
    let (ok, cleared, _) = admin(&app, &["update", "--domain", "office.runtel.org", "--test-until", "none"]);
    assert!(ok);
    assert_eq!(cleared["test_until"], json!(null));
}
both!(settings_round_trip_into_the_auth_answer);
