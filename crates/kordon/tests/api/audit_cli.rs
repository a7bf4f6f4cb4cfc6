//! `kordon admin audit` through the real binary: every filter (user by id or email, host, type or
//! family, since and until as RFC 3339 or an age, page), the table and `--json`, the old `audit
//! list`, and refused arguments; on SQLite and PostgreSQL.

use crate::helpers::binary::{Store, admin, create_user};
use crate::helpers::{PASSWORD, login_body};
use kordon_core::Clock as _;
use serde_json::Value;

/// `admin audit <args> --json`: the events printed.
async fn search(store: &Store, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["audit"];
    all.extend_from_slice(args);
    all.push("--json");
    let run = admin(store, &all).await;
    assert_eq!(run.code, Some(0), "{run:#?}");
    let found: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("JSON ({e}): {run:#?}"));
    found.as_array().expect("an array").clone()
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().expect("type")).collect()
}

async fn the_cli_filters_pages_and_prints_a_table(store: &Store) {
    let (hal, _) = create_user(store, "hal@example.com", &[]).await;
    create_user(store, "ivy@example.com", &[]).await;
    let app = store.serve().await;
    // The server's clock (this hour's start) moves past the wall clock the CLI wrote by.
    app.clock.advance(3600);
    assert_eq!(app.post("/api/v1/login", login_body("hal@example.com", PASSWORD)).await.0, 200);
    let (s, _) = app.post_from("127.0.0.2", "/api/v1/login", login_body("hal@example.com", "wrong-password")).await;
    assert_eq!(s, 400);
    assert_eq!(app.post("/api/v1/login", login_body("ivy@example.com", PASSWORD)).await.0, 200);
    app.core.audit_flush().await;

    // Newest first: ivy's sign-in and token, hal's failure, hal's sign-in and token, two users made.
    let all = search(store, &[]).await;
    assert_eq!(
        kinds(&all),
        ["token.issued", "signin", "signin", "token.issued", "signin", "user.create", "user.create"],
        "{all:#?}"
    );
    let hal_id = hal.to_string();
    for user in [hal_id.as_str(), "hal@example.com", "HAL@example.com"] {
        let found = search(store, &["--user", user]).await;
        assert_eq!(kinds(&found), ["signin", "token.issued", "signin", "user.create"], "--user {user}");
        assert!(found.iter().all(|e| e["user_id"] == hal), "{found:#?}");
    }
    let from = search(store, &["--ip", "127.0.0.2"]).await;
    assert_eq!(kinds(&from), ["signin"]);
    assert_eq!((&from[0]["result"], &from[0]["reason"]), (&Value::from("failure"), &Value::from("wrong_credential")));
    assert_eq!(kinds(&search(store, &["--type", "token"]).await), ["token.issued", "token.issued"]);
    assert_eq!(search(store, &["--type", "signin", "--user", "hal@example.com"]).await.len(), 2);

    // Times: an age and RFC 3339 (the users were made before the server's first minute).
    assert_eq!(search(store, &["--since", "2h"]).await.len(), 7);
    let first_minute = kordon_core::clock::format_rfc3339(app.clock.now() - 61);
    assert_eq!(kinds(&search(store, &["--until", &first_minute]).await), ["user.create", "user.create"]);
    assert_eq!(search(store, &["--since", &first_minute, "--type", "signin"]).await.len(), 3);

    // Pages of two.
    let pages: Vec<Vec<Value>> = pages_of_two(store).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 2, 1, 0]);
    assert_eq!(pages.concat(), all, "the pages are the whole log, in order");

    // The table: a header, then one line per event with its type, result, dialect/method, user,
    // host and reason.
    let table = admin(store, &["audit", "--user", "hal@example.com", "--type", "signin"]).await;
    assert_eq!(table.code, Some(0), "{table:#?}");
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", table.stdout);
    let words = |line: &str| line.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(words(lines[0]), ["TIME", "TYPE", "RESULT", "DIALECT/METHOD", "USER", "IP", "REASON"]);
    assert_eq!(
        words(lines[1])[1..],
        ["signin", "failure", "cabinet/password", &hal_id, "127.0.0.2", "wrong_credential"]
    );
    assert_eq!(words(lines[2])[1..], ["signin", "success", "cabinet/password", &hal_id, "127.0.0.1", "-"]);

    // `audit list` still prints the JSON array.
    let listed = admin(store, &["audit", "list", "--limit", "1"]).await;
    let listed: Value = serde_json::from_str(&listed.stdout).expect("JSON");
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(listed[0], all[0]);

    // Refused arguments.
    for (args, message) in [
        (&["audit", "--type", "tok"][..], "--type: no such type or family: tok"),
        (&["audit", "--since", "yesterday"][..], "--since: an RFC 3339 time"),
        (&["audit", "--ip", "not-an-ip"][..], "--ip: not an IP address"),
        (&["audit", "--limit", "0"][..], "--limit: from 1 to 1000"),
        (&["audit", "--user", "nobody@example.com"][..], "--user:"),
    ] {
        let run = admin(store, args).await;
        assert_eq!(run.code, Some(1), "{args:?}: {run:#?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
}
on_both_stores!(the_cli_filters_pages_and_prints_a_table);

/// Pages 1 to 5 of two events each.
async fn pages_of_two(store: &Store) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    for page in 1..=5 {
        pages.push(search(store, &["--limit", "2", "--page", &page.to_string()]).await);
    }
    pages
}
