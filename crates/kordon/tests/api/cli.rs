//! The real `kordon` binary: `migrate`, `admin client|user|manager|account …` and `serve`, each
//! scenario run against a fresh SQLite folder and a fresh PostgreSQL schema; `admin` output is
//! checked against a server booted on the same database.

use crate::helpers::binary::{Store, admin, create_user, id, keys, kordon, kordon_fed, run, serve};
use crate::helpers::{Backend, PASSWORD};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// migrate

async fn migrate_is_idempotent(store: &Store) {
    for _ in 0..2 {
        let out = run(store, &["migrate"]).await;
        assert_eq!(out.json(), json!({ "migrated": true }));
    }
    if store.backend() == Backend::Sqlite {
        assert!(store.dir.path().join("kordon.db").is_file(), "the SQLite file is in --data-dir");
    }
    // The migrated store is usable: the next client id follows the seeded cabinet client (10553).
    let created = admin(store, &["client", "create", "--name", "after-migrate"]).await.json();
    assert_eq!(created["client_id"], 10554, "{created}");
}
on_both_stores!(migrate_is_idempotent);

// ---------------------------------------------------------------------------------------------
// admin client

fn assert_secret(created: &Value) -> String {
    let secret = created["client_secret"].as_str().unwrap_or_else(|| panic!("a secret string: {created}"));
    assert_eq!(secret.len(), 32, "{secret}");
    assert!(secret.chars().all(|c| c.is_ascii_alphanumeric()), "{secret}");
    secret.to_string()
}

async fn client_create_prints_id_and_secret(store: &Store) {
    let grants = ["--grant", "password", "--grant", "client_credentials"];
    let mut args = vec!["client", "create", "--name", "Softphone"];
    args.extend_from_slice(&grants);
    let created = admin(store, &args).await.json();
    assert_eq!(keys(&created), ["client_id", "client_secret"], "{created}");
    // The next free id after the seeded cabinet client 10553.
    assert_eq!(created["client_id"], 10554, "{created}");
    let first = assert_secret(&created);

    let mut args = vec!["client", "create", "--name", "Softphone", "--id", "500"];
    args.extend_from_slice(&grants);
    let created = admin(store, &args).await.json();
    assert_eq!(keys(&created), ["client_id", "client_secret"], "{created}");
    assert_eq!(created["client_id"], 500, "{created}");
    let second = assert_secret(&created);
    assert_ne!(first, second, "every client has a secret of its own");

    // A taken id, chosen by hand or the seeded one, is refused with a message and no output.
    admin(store, &["client", "create", "--name", "Again", "--id", "500"])
        .await
        .failed_with("The id has already been taken.");
    admin(store, &["client", "create", "--name", "Again", "--id", "10553"])
        .await
        .failed_with("The id has already been taken.");
    admin(store, &["client", "create", "--name", "  "]).await.failed_with("The name field is required.");
    // The failures took no id: the next client still gets the next one.
    let created = admin(store, &["client", "create", "--name", "Third"]).await.json();
    assert_eq!(created["client_id"], 10555, "{created}");
}
on_both_stores!(client_create_prints_id_and_secret);

/// Clients of the authorization code flow: redirect URIs (validated, exact), public ones without a
/// secret, and `client update` replacing what it is given.
async fn client_registration_for_the_code_flow(store: &Store) {
    let web = admin(
        store,
        &[
            "client",
            "create",
            "--name",
            "Support desk",
            "--grant",
            "authorization_code",
            "--grant",
            "refresh_token",
            "--redirect-uri",
            "https://desk.example.com/cb",
            "--post-logout-redirect-uri",
            "https://desk.example.com/",
            "--trusted",
        ],
    )
    .await
    .json();
    assert_eq!(keys(&web), ["client_id", "client_secret"], "{web}");
    let spa = admin(
        store,
        &[
            "client",
            "create",
            "--name",
            "Cabinet SPA",
            "--grant",
            "authorization_code",
            "--redirect-uri",
            "http://127.0.0.1:5173/cb",
            "--public",
        ],
    )
    .await
    .json();
    assert_eq!(keys(&spa), ["client_id"], "a public client gets no secret: {spa}");

    // What cannot be registered is refused with the reason and creates nothing.
    let code_flow = ["client", "create", "--name", "X", "--grant", "authorization_code"];
    admin(store, &code_flow)
        .await
        .failed_with("A client with the authorization_code grant needs at least one redirect URI.");
    for (uri, why) in [
        ("http://desk.example.com/cb", "may use http only to a loopback host"),
        ("https://desk.example.com/cb#top", "must not have a fragment"),
        ("/cb", "is not an absolute URI"),
    ] {
        let mut args = code_flow.to_vec();
        args.extend(["--redirect-uri", uri]);
        admin(store, &args).await.failed_with(&format!("{uri:?} {why}"));
    }
    admin(store, &["client", "create", "--name", "X", "--grant", "client_credentials", "--public"])
        .await
        .failed_with("A public client cannot use the client_credentials grant");

    // update: the lists given replace the old ones, the rest stays.
    let id = spa["client_id"].to_string();
    let updated = admin(
        store,
        &["client", "update", "--id", &id, "--redirect-uri", "https://cabinet.example.com/cb", "--trusted", "true"],
    )
    .await
    .json();
    assert_eq!(updated["redirect_uris"], json!(["https://cabinet.example.com/cb"]), "{updated}");
    assert_eq!(updated["grants"], json!(["authorization_code"]), "{updated}");
    assert_eq!((updated["public"].clone(), updated["trusted"].clone()), (json!(true), json!(true)), "{updated}");
    assert_eq!(updated["require_mfa"], false, "{updated}");
    let strict = admin(store, &["client", "update", "--id", &id, "--require-mfa", "true"]).await.json();
    assert_eq!((&strict["require_mfa"], &strict["trusted"]), (&json!(true), &json!(true)), "{strict}");
    admin(store, &["client", "update", "--id", &id, "--grant", "password"])
        .await
        .failed_with("A public client cannot use the password grant");
    admin(store, &["client", "update", "--id", "999999", "--name", "Nobody"]).await.failed_with("not found");
}
on_both_stores!(client_registration_for_the_code_flow);

// ---------------------------------------------------------------------------------------------
// admin user

async fn user_create_and_accounts(store: &Store) {
    let (anna, anna_account) =
        create_user(store, "Anna@Example.com", &["--phone", "+7 (999) 333-22-10", "--role", "lk_user"]).await;

    // Users of one PBX domain share its account, whatever the domain's case; the first one creates it.
    let (boris, office) = create_user(store, "boris@office.example", &["--domain", "office.example"]).await;
    let (vera, office_again) = create_user(store, "vera@office.example", &["--domain", "Office.Example"]).await;
    assert_eq!(office, office_again, "one account per domain");
    assert_ne!(office, anna_account);
    // Without --domain every user gets an account of their own.
    let (gleb, gleb_account) = create_user(store, "gleb@example.com", &[]).await;
    assert!(![anna_account, office].contains(&gleb_account), "a new account: {gleb_account}");
    let users = [anna, boris, vera, gleb];
    for (i, u) in users.iter().enumerate() {
        assert!(!users[i + 1..].contains(u), "user ids are distinct: {users:?}");
    }

    // Unique email (case-insensitively) and phone (in any written form).
    admin(store, &["user", "create", "--email", "ANNA@example.com", "--password", PASSWORD])
        .await
        .failed_with("The email has already been taken.");
    admin(
        store,
        &["user", "create", "--email", "dina@example.com", "--password", PASSWORD, "--phone", "8 999 333 22 10"],
    )
    .await
    .failed_with("The phone has already been taken.");
    // The password policy applies to operators too.
    admin(store, &["user", "create", "--email", "dina@example.com", "--password", "short"])
        .await
        .failed_with("The password must be at least 8 characters.");
    admin(store, &["user", "create", "--email", "dina@example.com", "--password", "password"])
        .await
        .failed_with("The given password is too common. Please choose a different password.");
    admin(store, &["user", "create", "--email", "not-an-email", "--password", PASSWORD])
        .await
        .failed_with("The email must be a valid email address.");
    // None of the refused users was half-written.
    admin(store, &["user", "show", "--email", "dina@example.com"]).await.failed_with("not found");
    let (_, dina_account) = create_user(store, "dina@example.com", &["--phone", "79990001122"]).await;
    assert!(![anna_account, office, gleb_account].contains(&dina_account));

    // clap refuses a role it does not know (its usage error exits 2).
    let out =
        admin(store, &["user", "create", "--email", "e@example.com", "--password", PASSWORD, "--role", "root"]).await;
    assert_eq!(out.code, Some(2), "{out:#?}");
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("root"), "{out:#?}");
}
on_both_stores!(user_create_and_accounts);

/// `admin user create` takes the password from standard input or `KORDON_PASSWORD`, so it need not
/// sit in the process list; the user logs in with it.
async fn user_create_reads_the_password_off_the_command_line(store: &Store) {
    let args = |email: &str, extra: &[&str]| {
        let mut all: Vec<String> =
            ["admin", "user", "create", "--email", email].iter().map(|a| a.to_string()).collect();
        all.extend(extra.iter().map(|a| a.to_string()));
        all.extend(store.args());
        all
    };
    let no_env = Vec::new;
    let created = kordon_fed(args("stdin@example.com", &["--password-stdin"]), no_env(), "Piped-pass-4242\n").await;
    assert_eq!(keys(&created.json()), ["account_id", "user_id"]);
    let env = vec![("KORDON_PASSWORD".to_string(), "Env-pass-4242".to_string())];
    let created = kordon_fed(args("env@example.com", &[]), env.clone(), "").await;
    assert_eq!(keys(&created.json()), ["account_id", "user_id"]);
    assert!(!created.stderr.contains("KORDON_PASSWORD"), "not warned about as an unknown key: {created:#?}");
    // The flag still works and wins over the variable; stdin and the flag together are refused.
    let created = kordon_fed(args("flag@example.com", &["--password", PASSWORD]), env.clone(), "").await;
    assert_eq!(keys(&created.json()), ["account_id", "user_id"]);
    kordon_fed(args("both@example.com", &["--password", PASSWORD, "--password-stdin"]), no_env(), "x\n")
        .await
        .failed_with("give the password either with --password or with --password-stdin, not both");
    kordon_fed(args("none@example.com", &[]), no_env(), "").await.failed_with("a password is needed");
    kordon_fed(args("empty@example.com", &["--password-stdin"]), no_env(), "")
        .await
        .failed_with("no password on standard input");
    // The password policy applies to a piped password too.
    kordon_fed(args("short@example.com", &["--password-stdin"]), no_env(), "short\n")
        .await
        .failed_with("The password must be at least 8 characters.");

    let app = store.serve().await;
    app.login("stdin@example.com", "Piped-pass-4242").await;
    app.login("env@example.com", "Env-pass-4242").await;
    app.login("flag@example.com", PASSWORD).await;
}
on_both_stores!(user_create_reads_the_password_off_the_command_line);

async fn user_show_prints_the_documented_keys(store: &Store) {
    let (user_id, account_id) =
        create_user(store, "Anna@Example.com", &["--phone", "+7 (999) 333-22-10", "--role", "lk_user"]).await;
    let shown = admin(store, &["user", "show", "--email", "anna@EXAMPLE.com"]).await.json();
    assert_eq!(
        shown,
        json!({ "user_id": user_id, "account_id": account_id, "email": "Anna@Example.com",
                "phone": "79993332210", "role": "lk_user", "sip_user": null, "disabled": false })
    );
    // No phone: null; no role: lk_admin.
    let (user_id, account_id) = create_user(store, "boris@example.com", &[]).await;
    let shown = admin(store, &["user", "show", "--email", "boris@example.com"]).await.json();
    assert_eq!(
        shown,
        json!({ "user_id": user_id, "account_id": account_id, "email": "boris@example.com",
                "phone": null, "role": "lk_admin", "sip_user": null, "disabled": false })
    );
    admin(store, &["user", "show", "--email", "nobody@example.com"]).await.failed_with("not found");
    // A SIP user needs a PBX domain (the realm); `user update` names what is wrong.
    admin(store, &["user", "update", "--email", "boris@example.com", "--sip-user", "101"])
        .await
        .failed_with("The user's account has no PBX domain");
    admin(store, &["user", "update", "--email", "nobody@example.com", "--sip-user", "101"])
        .await
        .failed_with("not found");
    create_user(store, "cleo@pbx.example.com", &["--domain", "pbx.example.com"]).await;
    admin(store, &["user", "update", "--email", "cleo@pbx.example.com", "--sip-user", "10 1"])
        .await
        .failed_with("A SIP user is 1 to 64 letters");
    let updated =
        admin(store, &["user", "update", "--email", "cleo@pbx.example.com", "--sip-user", "101"]).await.json();
    assert_eq!(updated["sip_user"], "101", "{updated}");
    let unchanged = admin(store, &["user", "update", "--email", "cleo@pbx.example.com"]).await.json();
    assert_eq!(unchanged["sip_user"], "101", "nothing asked, nothing changed");
    let cleared = admin(store, &["user", "update", "--email", "cleo@pbx.example.com", "--sip-user", ""]).await.json();
    assert_eq!(cleared["sip_user"], Value::Null);
    admin(store, &["user", "show", "--email", "nobody"]).await.failed_with("The email must be a valid email address.");
}
on_both_stores!(user_show_prints_the_documented_keys);

/// `--role operator` makes the platform's operator (the admin API answers them; the dialects show
/// `lk_admin`); `--role pbx_operator` the PBX's call-centre role.
async fn user_create_makes_operators(store: &Store) {
    create_user(store, "root@example.com", &["--role", "operator"]).await;
    let shown = admin(store, &["user", "show", "--email", "root@example.com"]).await.json();
    assert_eq!(shown["role"], "operator", "{shown}");
    create_user(store, "desk@example.com", &["--role", "pbx_operator", "--domain", "office.example"]).await;
    let shown = admin(store, &["user", "show", "--email", "desk@example.com"]).await.json();
    assert_eq!(shown["role"], "lk_user", "{shown}");

    let app = store.serve().await;
    let token = app.login("root@example.com", PASSWORD).await;
    let (status, me) = app.get_auth("/api/v1/authuser", &token).await;
    assert_eq!((status, &me["user"]["role"]["name"]), (200, &json!("lk_admin")), "{me}");
    let (status, answer) = app.get_auth("/api/admin/v1/applications", &token).await;
    assert_eq!(status, 200, "the operator reaches the admin API: {answer}");
    let envelope = json!({ "action": "auth", "obj": "User", "action_id": "1",
                           "params": { "login": "desk@example.com", "password": PASSWORD } });
    let (status, pbx, _) = app.pbx(envelope, None).await;
    assert_eq!((status, &pbx["body"]["role_id"]), (200, &json!(3)), "{pbx}");
    let desk = app.login("desk@example.com", PASSWORD).await;
    assert_eq!(app.get_auth("/api/admin/v1/applications", &desk).await.0, 403);
}
on_both_stores!(user_create_makes_operators);

// ---------------------------------------------------------------------------------------------
// admin manager + account, seen through the API of a server on the same database

async fn manager_set_by_cli_is_served(store: &Store) {
    let (_, account) = create_user(store, "anna@example.com", &["--phone", "79993332210", "--role", "lk_user"]).await;
    let app = store.serve().await;
    let token = app.login("anna@example.com", PASSWORD).await;

    let (status, body) = app.get_auth("/api/v1/manager", &token).await;
    assert_eq!((status, body), (404, json!({ "message": "Not Found.", "code": 404 })), "no manager yet");

    let created = admin(
        store,
        &[
            "manager",
            "create",
            "--name",
            "Ivan Petrov",
            "--email",
            "ivan@kordon.example",
            "--phone",
            "+7 495 000-00-00",
        ],
    )
    .await
    .json();
    assert_eq!(keys(&created), ["manager_id"], "{created}");
    let manager = id(&created, "manager_id").to_string();
    let account = account.to_string();

    // Unknown account or manager: refused, nothing printed.
    admin(store, &["account", "set-manager", "--account", "999999", "--manager", &manager])
        .await
        .failed_with("not found");
    admin(store, &["account", "set-manager", "--account", &account, "--manager", "999999"])
        .await
        .failed_with("not found");
    let (status, _) = app.get_auth("/api/v1/manager", &token).await;
    assert_eq!(status, 404, "the failed assignments changed nothing");

    let set = admin(store, &["account", "set-manager", "--account", &account, "--manager", &manager]).await.json();
    assert_eq!(set, json!({ "success": true }));
    let (status, body) = app.get_auth("/api/v1/manager", &token).await;
    assert_eq!(
        (status, body),
        (
            200,
            json!({ "name": "Ivan Petrov", "email": "ivan@kordon.example", "phone": "+7 495 000-00-00", "success": true })
        )
    );

    // Manager fields are required.
    admin(store, &["manager", "create", "--name", " ", "--email", "a@b.ru", "--phone", "1"])
        .await
        .failed_with("The name field is required.");
    admin(store, &["manager", "create", "--name", "X", "--email", "bad", "--phone", "1"])
        .await
        .failed_with("The email must be a valid email address.");
}
on_both_stores!(manager_set_by_cli_is_served);

async fn admin_works_while_serving(store: &Store) {
    let app = store.serve().await;
    // A user the server's API registered is visible to the CLI …
    app.register("web@example.com", "79991112233").await;
    let shown = admin(store, &["user", "show", "--email", "web@example.com"]).await.json();
    assert_eq!(shown["email"], "web@example.com", "{shown}");
    assert_eq!(shown["phone"], "79991112233", "{shown}");

    // … and a user the CLI creates while the server runs can log in at once.
    let (user_id, _) = create_user(store, "cli@example.com", &["--phone", "79994445566", "--role", "lk_user"]).await;
    let token = app.login("cli@example.com", PASSWORD).await;
    let (status, body) = app.get_auth("/api/v1/authuser", &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["id"], user_id, "{body}");
    assert_eq!(body["user"]["email"], "cli@example.com", "{body}");
    assert_eq!(body["user"]["phone"], "79994445566", "{body}");
    assert_eq!(body["user"]["role"]["name"], "lk_user", "{body}");
    let (status, body) =
        app.post("/api/v1/login", json!({ "email": "cli@example.com", "password": "not-the-password" })).await;
    assert_eq!((status, body), (400, json!({ "message": "Password not right.", "code": 400 })));
}
on_both_stores!(admin_works_while_serving);

// ---------------------------------------------------------------------------------------------
// serve

async fn get_json(url: &str) -> (u16, String, Value) {
    let resp = reqwest::get(url).await.expect("request");
    let status = resp.status().as_u16();
    let content_type =
        resp.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let text = resp.text().await.expect("body");
    let value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, content_type, value)
}

async fn serve_answers_health_probes(store: &Store) {
    let served = serve(store, &[]).await;
    let (status, content_type, body) = get_json(&format!("{}/healthz", served.base)).await;
    assert_eq!((status, content_type.as_str(), body), (200, "application/json", json!({ "status": "ok" })));
    let (status, content_type, body) = get_json(&format!("{}/readyz", served.base)).await;
    assert_eq!(
        (status, content_type.as_str(), body),
        (200, "application/json", json!({ "status": "ok", "database": "ok" }))
    );
    // The server migrated the store it was given: the CLI finds the seeded client there.
    admin(store, &["client", "create", "--name", "Again", "--id", "10553"])
        .await
        .failed_with("The id has already been taken.");
}
on_both_stores!(serve_answers_health_probes);

async fn serve_warns_about_unknown_variables(store: &Store) {
    // A misspelt key must not be silently ignored, nor stop the server: it is warned about.
    let served = serve(store, &[("KORDON_SERVER__LISTNE", "1")]).await;
    let (status, _, body) = get_json(&format!("{}/readyz", served.base)).await;
    assert_eq!((status, body), (200, json!({ "status": "ok", "database": "ok" })));
    let stderr = served.stderr();
    assert!(
        stderr.lines().any(|line| line.contains("WARN") && line.contains("KORDON_SERVER__LISTNE")),
        "stderr warns about KORDON_SERVER__LISTNE:\n{stderr}"
    );
}
on_both_stores!(serve_warns_about_unknown_variables);

// ---------------------------------------------------------------------------------------------
// bad store options

#[tokio::test]
async fn an_unsupported_database_url_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().display().to_string();
    for command in [vec!["admin", "user", "show", "--email", "a@b.ru"], vec!["migrate"]] {
        let mut args: Vec<String> = command.iter().map(|a| a.to_string()).collect();
        args.extend(["--database-url".into(), "ftp://x".into(), "--data-dir".into(), data_dir.clone()]);
        let out = kordon(args).await;
        out.failed_with("database: ");
        assert!(out.stderr.contains("unsupported database URL scheme"), "{out:#?}");
    }
    assert!(!dir.path().join("kordon.db").exists(), "no SQLite file was made instead");
}
