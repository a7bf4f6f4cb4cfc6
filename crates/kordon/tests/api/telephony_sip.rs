//! SIP credentials against a real Kamailio (Debian's, with `auth_ephemeral`), on both stores: the
//! operator sets telephony up with the CLI (`telephony secret add`, `user update --sip-user`,
//! `telephony config --for kamailio` pasted into Kamailio's configuration); a person signs in
//! through the code flow with scope `sip` (a public client with PKCE), mints credentials, and
//! `sipsak` REGISTERs with them: 200; a wrong password 401; an expired credential 401; the
//! credential under another person's From 403; after `secret add` the old credential still
//! registers, and after `secret remove` (Kamailio reconfigured) it gets 401.

use crate::helpers::TestApp;
use crate::helpers::binary::{Store, admin, create_user};
use crate::helpers::telephony::{HOOK_TOKEN, REALM, kamailio_config, minted, register, softphone_token, system_time};
use kordon_testkit::Kamailio;
use serde_json::Value;

/// `kordon admin telephony config --for kamailio`, fed to a Kamailio configured as the docs say.
async fn kamailio(store: &Store, app: &TestApp) -> Kamailio {
    let printed = admin(store, &["telephony", "config", "--for", "kamailio"]).await;
    assert_eq!(printed.code, Some(0), "{printed:?}");
    assert!(printed.stdout.contains("modparam(\"auth_ephemeral\", \"secret\", \""), "{}", printed.stdout);
    let config = kamailio_config(&app.base, &printed.stdout);
    tokio::task::spawn_blocking(move || Kamailio::start(&config, &[])).await.expect("kamailio")
}

fn credential(minted: &Value) -> (String, String) {
    (minted["username"].as_str().expect("username").into(), minted["password"].as_str().expect("password").into())
}

async fn a_softphone_registers_with_minted_credentials(store: &Store) {
    for (email, sip_user) in [("anna@pbx.kordon.test", "101"), ("boris@pbx.kordon.test", "102")] {
        create_user(store, email, &["--role", "lk_user", "--domain", REALM]).await;
        let updated = admin(store, &["user", "update", "--email", email, "--sip-user", sip_user]).await.json();
        assert_eq!(updated["sip_user"], sip_user, "{updated}");
    }
    let added = admin(store, &["telephony", "secret", "add"]).await.json();
    assert_eq!(added["signs"], true, "{added}");
    let app = store.serve_with(|c| c.telephony.hook_token = HOOK_TOKEN.into()).await;
    system_time(&app);
    let sip = kamailio(store, &app).await;

    let token = softphone_token(&app, "anna@pbx.kordon.test", "openid sip").await;
    let (username, password) = credential(&minted(&app, "sip", &token, None).await);
    assert!(username.ends_with(":101"), "{username}");
    let (status, printed) = register(sip.port, "101", &username, &password).await;
    assert_eq!(status, 200, "{printed}\nkamailio:\n{}", sip.log());
    let (status, _) = register(sip.port, "101", &username, &format!("x{password}")).await;
    assert_eq!(status, 401, "a wrong password");
    let (status, _) = register(sip.port, "102", &username, &password).await;
    assert_eq!(status, 403, "Anna's credential under Boris's From");

    // Expired: a two-second credential, waited out.
    let (short_user, short_password) = credential(&minted(&app, "sip", &token, Some(2)).await);
    assert_eq!(register(sip.port, "101", &short_user, &short_password).await.0, 200, "alive");
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    assert_eq!(register(sip.port, "101", &short_user, &short_password).await.0, 401, "expired");

    // Rotation: a new secret signs; Kamailio given both still takes the old credential...
    let listed = admin(store, &["telephony", "secret", "list"]).await;
    let old: Value = serde_json::from_str(&listed.stdout).unwrap_or_else(|_| panic!("a JSON array: {listed:?}"));
    let old_id = old[0]["id"].as_i64().expect("id");
    admin(store, &["telephony", "secret", "add"]).await.json();
    drop(sip);
    let sip = kamailio(store, &app).await;
    assert_eq!(register(sip.port, "101", &username, &password).await.0, 200, "the old credential, both secrets");
    // ...and a credential minted now (the server reads the new secret within seconds) registers.
    let fresh = loop {
        let fresh = credential(&minted(&app, "sip", &token, None).await);
        if fresh.1 != password {
            break fresh;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    };
    assert_eq!(register(sip.port, "101", &fresh.0, &fresh.1).await.0, 200, "the new secret");
    // Once the old secret is removed and Kamailio reconfigured, the old credential is refused.
    let removed = admin(store, &["telephony", "secret", "remove", &old_id.to_string()]).await.json();
    assert_eq!(removed["removed"], old_id);
    drop(sip);
    let sip = kamailio(store, &app).await;
    assert_eq!(register(sip.port, "101", &username, &password).await.0, 401, "the old secret is gone");
    assert_eq!(register(sip.port, "101", &fresh.0, &fresh.1).await.0, 200, "the new one stays");
}
on_both_stores!(a_softphone_registers_with_minted_credentials);
