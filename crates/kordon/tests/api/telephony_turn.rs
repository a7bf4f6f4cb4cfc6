//! TURN credentials against a real coturn (Debian's `turnserver`, `use-auth-secret` with the
//! lines `telephony config --for coturn` prints), on both stores: `turnutils_uclient` allocates a
//! relay with minted credentials; a wrong password and an expired credential cannot.

use crate::helpers::TestApp;
use crate::helpers::telephony::{minted, softphone_token, system_time};
use kordon_core::services::ServerKind;
use kordon_testkit::Coturn;

async fn a_client_allocates_with_minted_credentials(app: TestApp) {
    app.domain_user("anna@pbx.kordon.test", "pbx.kordon.test", kordon_core::types::PbxRole::USER).await;
    app.core.telephony_secret_add(None).await.expect("secret");
    app.core.telephony_secret_add(None).await.expect("a second secret: coturn takes every one");
    system_time(&app);
    let lines = app.core.telephony_server_config(ServerKind::Coturn).await.expect("config");
    let turn = tokio::task::spawn_blocking(move || Coturn::start(&lines)).await.expect("coturn");

    let token = softphone_token(&app, "anna@pbx.kordon.test", "openid turn").await;
    let minted_now = minted(&app, "turn", &token, None).await;
    let (username, password) =
        (minted_now["username"].as_str().expect("u"), minted_now["password"].as_str().expect("p"));
    turn.allocate(username, password).expect("allocates with the minted credentials");
    let wrong = turn.allocate(username, &format!("x{password}")).expect_err("a wrong password");
    assert!(wrong.contains("Cannot complete Allocation"), "{wrong}");

    let short = minted(&app, "turn", &token, Some(1)).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let expired = turn
        .allocate(short["username"].as_str().expect("u"), short["password"].as_str().expect("p"))
        .expect_err("an expired credential");
    assert!(expired.contains("Cannot complete Allocation"), "{expired}");
}
both!(a_client_allocates_with_minted_credentials);
