//! The Defender counts attacks, not traffic: many right logins from one host pass and block
//! nothing, a wrong burst still gets no more than the threshold checked (on one instance and on
//! two), parallel guesses against one login buy nothing, wrong PINs for one phone are capped
//! across hosts, a blocked host is refused on every credential path, wrong client secrets count,
//! and a request refused for its host spends nothing of a victim's allowance.

use crate::helpers::{PASSWORD, TestApp, login_body};
use serde_json::{Value, json};
use std::sync::Arc;

async fn all<F: std::future::Future<Output = u16> + Send + 'static>(tasks: Vec<F>) -> Vec<u16> {
    let handles: Vec<_> = tasks.into_iter().map(tokio::spawn).collect();
    let mut codes = Vec::new();
    for h in handles {
        codes.push(h.await.expect("join"));
    }
    codes
}

fn count(codes: &[u16], code: u16) -> usize {
    codes.iter().filter(|c| **c == code).count()
}

async fn fifty_right_logins_from_one_host_all_pass(app: TestApp) {
    let _alone = crate::helpers::alone().await;
    app.register("office@mail.ru", "79993332210").await;
    let app = Arc::new(app);
    let tasks = (0..50)
        .map(|_| {
            let app = app.clone();
            async move { app.post("/api/v1/login", login_body("office@mail.ru", PASSWORD)).await.0 }
        })
        .collect();
    let codes = all(tasks).await;
    assert_eq!(count(&codes, 200), 50, "{codes:?}");
    assert!(app.core.defender_blocks().await.expect("blocks").is_empty());
    let defender = kordon_core::audit::AuditFilter { kind: Some("defender".into()), limit: 10, ..Default::default() };
    assert!(app.core.audit_search(&defender).await.expect("audit").is_empty(), "nothing for the Defender to audit");
    // And the host's counters are clean: ten wrong ones still block it (not fewer).
    for i in 0..9 {
        assert_eq!(app.post("/api/v1/login", login_body(&format!("n{i}@mail.ru"), "wrong")).await.0, 400);
    }
    assert_eq!(app.post("/api/v1/login", login_body("office@mail.ru", PASSWORD)).await.0, 200);
}
both!(fifty_right_logins_from_one_host_all_pass);

async fn a_wrong_burst_over_two_instances_checks_at_most_the_threshold(app: TestApp) {
    let _alone = crate::helpers::alone().await;
    app.register("user@mail.ru", "79993332210").await;
    let other = Arc::new(app.sibling().await);
    let app = Arc::new(app);
    let tasks = (0..50)
        .map(|i| {
            let (app, other) = (app.clone(), other.clone());
            async move {
                let body = login_body(&format!("victim{}@mail.ru", i % 7), "wrong-password");
                match i % 2 {
                    0 => app.post("/api/v1/login", body).await.0,
                    _ => app.cabinet_at(&other.base, "/api/v1/login", body, &[]).await.0,
                }
            }
        })
        .collect();
    let codes = all(tasks).await;
    assert_eq!((count(&codes, 400), count(&codes, 429)), (10, 40), "{codes:?}");
    assert_eq!(app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await.0, 429);
}
both!(a_wrong_burst_over_two_instances_checks_at_most_the_threshold);

async fn parallel_guesses_against_one_login_buy_nothing(app: TestApp) {
    let _alone = crate::helpers::alone().await;
    app.register("victim@mail.ru", "79993332210").await;
    let app = Arc::new(app);
    // Thirty hosts guess at once: one guess each, so no host comes near its own threshold.
    let tasks = (0..30)
        .map(|i| {
            let app = app.clone();
            async move {
                app.post_from(&format!("127.0.1.{}", i + 1), "/api/v1/login", login_body("victim@mail.ru", "guess"))
                    .await
                    .0
            }
        })
        .collect();
    let codes = all(tasks).await;
    assert_eq!((count(&codes, 400), count(&codes, 429)), (8, 22), "exactly the login's cap is checked: {codes:?}");
    assert!(app.core.defender_blocks().await.expect("blocks").is_empty(), "no host was blocked");
    // Its password checks are suspended for the day, from any host...
    let (s, b) = app.post_from("127.0.1.200", "/api/v1/login", login_body("victim@mail.ru", PASSWORD)).await;
    assert_eq!((s, b), (429, json!({ "message": "Too Many Attempts.", "code": 429 })));
    let grants = vec!["password".into()];
    let c = app.core.admin_create_client("app", None, grants, None).await.expect("client");
    let grant = json!({ "grant_type": "password", "client_id": c.client_id, "client_secret": c.client_secret,
                        "username": "victim@mail.ru", "password": PASSWORD });
    let (s, b) = token_request(&app, grant).await;
    assert_eq!((s, b["error"].as_str()), (429, Some("temporarily_unavailable")), "the password grant: {b}");
    let auth = json!({ "action": "auth", "obj": "User", "action_id": "1",
                       "params": { "login": "victim@mail.ru", "password": PASSWORD } });
    assert_eq!(app.pbx(auth, None).await.0, 429, "PBX auth");
    // ...but the owner still gets in with the phone.
    app.clock.advance(61);
    let (token, pin) = app.flashcall("79993332210").await;
    let (s, b) = app.post("/api/v1/login", json!({ "phone": "79993332210", "pin": pin, "token": token })).await;
    assert_eq!(s, 200, "{b}");
    // Having proved the phone, the owner's password works again.
    let (s, b) = app.post_from("127.0.1.201", "/api/v1/login", login_body("victim@mail.ru", PASSWORD)).await;
    assert_eq!(s, 200, "{b}");
}
both!(parallel_guesses_against_one_login_buy_nothing, |c: &mut kordon::config::Config| c
    .defender
    .account_max_failures = 8);

async fn wrong_pins_for_one_phone_are_capped_across_hosts(app: TestApp) {
    assert_eq!(app.config.defender.pin_max_failures, 10, "the default cap");
    app.register("user@mail.ru", "79993332210").await;
    let mut wrong = 0;
    // Four calls, three wrong PINs each from a fresh host: ten wrong PINs in all.
    for call in 0..4 {
        app.clock.advance(900); // past the cool-down, and across hours (five calls an hour)
        let (token, pin) = app.flashcall("79993332210").await;
        let bad = if pin == "0000" { "1111" } else { "0000" };
        for _ in 0..3 {
            if wrong == 10 {
                break;
            }
            wrong += 1;
            let body = json!({ "phone": "79993332210", "pin": bad, "token": token });
            let (s, _) = app.post_from(&format!("127.0.2.{wrong}"), "/api/v1/login", body).await;
            assert_eq!(s, 400, "wrong PIN {wrong} (call {call})");
        }
    }
    // The eleventh try is refused even with the right PIN of a fresh call, from a fresh host.
    app.clock.advance(900);
    let (token, pin) = app.flashcall("79993332210").await;
    let body = json!({ "phone": "79993332210", "pin": pin, "token": token });
    assert_eq!(app.post_from("127.0.2.100", "/api/v1/login", body).await.0, 429);
    // The password is unaffected.
    assert_eq!(app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await.0, 200);
    // A day later the phone may try again.
    app.clock.advance(86_400);
    let (token, pin) = app.flashcall("79993332210").await;
    let body = json!({ "phone": "79993332210", "pin": pin, "token": token });
    assert_eq!(app.post_from("127.0.2.101", "/api/v1/login", body).await.0, 200);
}
both!(wrong_pins_for_one_phone_are_capped_across_hosts);

async fn token_request(app: &TestApp, body: Value) -> (u16, Value) {
    let resp = app.http.post(format!("{}/oauth/token", app.base)).json(&body).send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json"))
}

async fn a_blocked_host_is_refused_on_every_credential_path(app: TestApp) {
    let registered = app.register("user@mail.ru", "79993332210").await;
    let refresh = registered["refresh_token"].as_str().expect("refresh").to_string();
    let grants = vec!["password".into(), "refresh_token".into(), "client_credentials".into()];
    let c = app.core.admin_create_client("app", None, grants, Some("user@mail.ru")).await.expect("client");
    let (s, oauth) = token_request(
        &app,
        json!({ "grant_type": "password", "client_id": c.client_id, "client_secret": c.client_secret,
                "username": "user@mail.ru", "password": PASSWORD }),
    )
    .await;
    assert_eq!(s, 200, "{oauth}");
    for i in 0..10 {
        app.post("/api/v1/login", login_body(&format!("n{i}@mail.ru"), "wrong")).await;
    }
    let (s, _) = app.post("/api/v1/refresh", json!({ "token": refresh })).await;
    assert_eq!(s, 429, "cabinet refresh");
    let (s, b) = token_request(
        &app,
        json!({ "grant_type": "refresh_token", "client_id": c.client_id, "client_secret": c.client_secret,
                "refresh_token": oauth["refresh_token"] }),
    )
    .await;
    assert_eq!((s, b["error"].as_str()), (429, Some("temporarily_unavailable")), "OAuth refresh");
    let (s, b) = token_request(
        &app,
        json!({ "grant_type": "client_credentials", "client_id": c.client_id, "client_secret": c.client_secret }),
    )
    .await;
    assert_eq!((s, b["error"].as_str()), (429, Some("temporarily_unavailable")), "client_credentials");
    app.clock.advance(61);
    let (s, _) = app.post("/api/v1/flashcall", json!({ "phone": "79993332211" })).await;
    assert_eq!(s, 429, "FlashCall sends");
    assert!(app.outbox_lines("flashcalls.jsonl").iter().all(|l| l["phone"] != "79993332211"), "no call placed");
}
both!(a_blocked_host_is_refused_on_every_credential_path);

async fn a_password_reset_ends_a_lockout(app: TestApp) {
    app.register("victim@mail.ru", "79993332210").await;
    for i in 0..3 {
        let (s, _) =
            app.post_from(&format!("127.0.3.{}", i + 1), "/api/v1/login", login_body("victim@mail.ru", "guess")).await;
        assert_eq!(s, 400);
    }
    assert_eq!(app.post("/api/v1/login", login_body("victim@mail.ru", PASSWORD)).await.0, 429, "locked out");
    let url = "https://lk.example/reset";
    assert_eq!(app.post("/api/v1/restore-token", json!({ "email": "victim@mail.ru", "url": url })).await.0, 200);
    app.core.reset_mail_settled().await;
    let mail = app.outbox_lines("mail.jsonl").pop().expect("the reset mail");
    let text = mail["text"].as_str().expect("text");
    let token: String =
        text[text.find("token=").expect("link") + 6..].chars().take_while(char::is_ascii_alphanumeric).collect();
    let new = "Brand-new-pass-42";
    let change = json!({ "token": token, "password": new, "password_confirmation": new });
    assert_eq!(app.post("/api/v1/change-password", change).await.0, 200);
    assert_eq!(app.post("/api/v1/login", login_body("victim@mail.ru", new)).await.0, 200, "the new password works");
}
both!(a_password_reset_ends_a_lockout, |c: &mut kordon::config::Config| {
    c.defender.account_max_failures = 3;
    c.reset.url_prefixes = vec!["https://lk.example/".into()];
});

async fn introspection_and_revocation_answer_to_the_defender_too(app: TestApp) {
    let c = app.core.admin_create_client("rs", None, vec![], None).await.expect("client");
    let secret = c.client_secret.clone().expect("a confidential client has a secret");
    let form = |secret: &str| {
        app.http
            .post(format!("{}/oauth/introspect", app.base))
            .basic_auth(c.client_id, Some(secret.to_string()))
            .form(&[("token", "whatever")])
    };
    for _ in 0..10 {
        assert_eq!(form("wrong").send().await.expect("answer").status().as_u16(), 401);
    }
    // Ten wrong secrets blocked the host: introspection, revocation and logins are refused.
    assert_eq!(form(&secret).send().await.expect("answer").status().as_u16(), 429);
    let revoke = app
        .http
        .post(format!("{}/oauth/revoke", app.base))
        .basic_auth(c.client_id, Some(secret.clone()))
        .form(&[("token", "whatever")]);
    assert_eq!(revoke.send().await.expect("answer").status().as_u16(), 429);
    assert_eq!(app.post("/api/v1/login", login_body("x@mail.ru", PASSWORD)).await.0, 429);
}
both!(introspection_and_revocation_answer_to_the_defender_too);

async fn wrong_client_secrets_count_as_failures(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let grants = vec!["client_credentials".into()];
    let c = app.core.admin_create_client("app", None, grants, Some("user@mail.ru")).await.expect("client");
    for _ in 0..10 {
        let body = json!({ "grant_type": "client_credentials", "client_id": c.client_id, "client_secret": "nope" });
        assert_eq!(token_request(&app, body).await.0, 401);
    }
    let body =
        json!({ "grant_type": "client_credentials", "client_id": c.client_id, "client_secret": c.client_secret });
    assert_eq!(token_request(&app, body).await.0, 429, "the host is blocked now");
    assert_eq!(app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await.0, 429);
    let blocks = app.core.defender_blocks().await.expect("blocks");
    assert_eq!(blocks.len(), 1);
}
both!(wrong_client_secrets_count_as_failures);

async fn a_host_refused_for_its_own_cap_spends_nothing_of_the_phone(app: TestApp) {
    // The attacker's host spends its own one call, then is refused: the victim's phone keeps its
    // cool-down and hourly allowance for its owner.
    assert_eq!(app.post_from("127.0.4.1", "/api/v1/flashcall", json!({ "phone": "79990000001" })).await.0, 200);
    for _ in 0..5 {
        app.clock.advance(61);
        let (s, _) = app.post_from("127.0.4.1", "/api/v1/flashcall", json!({ "phone": "79993332210" })).await;
        assert_eq!(s, 429);
    }
    for i in 0..5 {
        let (s, b) =
            app.post_from(&format!("127.0.4.{}", 10 + i), "/api/v1/flashcall", json!({ "phone": "79993332210" })).await;
        assert_eq!(s, 200, "the owner's call {i}: {b}");
        app.clock.advance(61);
    }
}
both!(a_host_refused_for_its_own_cap_spends_nothing_of_the_phone, |c: &mut kordon::config::Config| c
    .flashcall
    .per_ip_hourly =
    1);

fn reset_caps(config: &mut kordon::config::Config) {
    config.reset.per_ip_hourly = 2;
    config.reset.url_prefixes = vec!["https://lk.example/".into()];
}

async fn a_host_past_its_reset_cap_spends_nothing_of_the_address(app: TestApp) {
    let reset = |email: &str| json!({ "email": email, "url": "https://lk.example/reset" });
    for other in ["a@mail.ru", "b@mail.ru"] {
        assert_eq!(app.post_from("127.0.4.1", "/api/v1/restore-token", reset(other)).await.0, 200);
    }
    for _ in 0..5 {
        assert_eq!(app.post_from("127.0.4.1", "/api/v1/restore-token", reset("victim@mail.ru")).await.0, 429);
    }
    // The address still has its five an hour for its owner (from two hosts of two each, and one).
    for i in 0..5 {
        let source = format!("127.0.4.{}", 20 + i / 2);
        let (s, b) = app.post_from(&source, "/api/v1/restore-token", reset("victim@mail.ru")).await;
        assert_eq!(s, 200, "the owner's reset {i}: {b}");
    }
    assert_eq!(app.post_from("127.0.4.30", "/api/v1/restore-token", reset("victim@mail.ru")).await.0, 429);
}
both!(a_host_past_its_reset_cap_spends_nothing_of_the_address, super::reset_caps);
