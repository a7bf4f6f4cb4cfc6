//! The outbox adapters against a real temporary directory.

use std::collections::BTreeSet;
use std::sync::Arc;

use kordon_delivery::{Caller, FlashCall, Mail, Mailer, OutboxCaller, OutboxMailer};
use serde_json::Value;

fn lines(path: &std::path::Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("the outbox file exists");
    assert!(text.ends_with('\n'), "every line ends with a newline");
    text.lines().map(|line| serde_json::from_str(line).expect("each line is JSON")).collect()
}

fn keys(value: &Value) -> BTreeSet<&str> {
    value.as_object().expect("a JSON object").keys().map(String::as_str).collect()
}

fn assert_rfc3339_now(value: &Value) {
    let text = value.as_str().expect("created_at is a string");
    let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .expect("created_at is RFC 3339");
    assert_eq!(at.offset(), time::UtcOffset::UTC, "created_at is UTC: {text}");
    let age = time::OffsetDateTime::now_utc() - at;
    assert!(age.whole_seconds().abs() < 60, "created_at is the current time: {text}");
}

#[tokio::test]
async fn mail_lines_appear_with_exact_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The directory does not exist yet: the mailer creates it.
    let outbox = dir.path().join("nested").join("outbox");
    let mailer = OutboxMailer::new(outbox.clone());
    assert_eq!(mailer.path(), outbox.join("mail.jsonl"));

    let first = Mail {
        to: "anna@example.com".into(),
        subject: "Сброс пароля".into(),
        text: "Ссылка: https://example.com/reset?t=abc\nline two \"quoted\"".into(),
    };
    let second = Mail { to: "bob@example.com".into(), subject: "Hello".into(), text: "Hi".into() };
    mailer.send(&first).await.expect("first mail");
    mailer.send(&second).await.expect("second mail");

    let got = lines(&outbox.join("mail.jsonl"));
    assert_eq!(got.len(), 2);
    for line in &got {
        assert_eq!(keys(line), BTreeSet::from(["to", "subject", "text", "created_at"]));
        assert_rfc3339_now(&line["created_at"]);
    }
    assert_eq!(got[0]["to"], "anna@example.com");
    assert_eq!(got[0]["subject"], "Сброс пароля");
    assert_eq!(got[0]["text"], first.text.as_str());
    assert_eq!(got[1]["to"], "bob@example.com");
}

#[tokio::test]
async fn flashcall_lines_appear_with_exact_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let caller = OutboxCaller::new(dir.path().to_path_buf());
    let call = FlashCall {
        phone: "+79990001122".into(),
        pin: "4821".into(),
        token: "tok-1".into(),
        created_at: 1_700_000_000,
    };
    caller.call(&call).await.expect("call");

    assert_eq!(caller.path(), dir.path().join("flashcalls.jsonl"));
    let got = lines(caller.path());
    assert_eq!(got.len(), 1);
    assert_eq!(keys(&got[0]), BTreeSet::from(["phone", "pin", "token", "created_at"]));
    assert_eq!(got[0]["phone"], "+79990001122");
    assert_eq!(got[0]["pin"], "4821");
    assert_eq!(got[0]["token"], "tok-1");
    assert_rfc3339_now(&got[0]["created_at"]);
    // Mail and calls never share a file.
    assert!(!dir.path().join("mail.jsonl").exists());
}

#[cfg(unix)]
#[tokio::test]
async fn outbox_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let caller = OutboxCaller::new(dir.path().to_path_buf());
    let call = FlashCall { phone: "+7".into(), pin: "1".into(), token: "t".into(), created_at: 0 };
    caller.call(&call).await.expect("call");
    let mode = std::fs::metadata(caller.path()).expect("metadata").permissions().mode();
    assert_eq!(mode & 0o077, 0, "only the owner may read the PINs: {mode:o}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_give_whole_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mailer = Arc::new(OutboxMailer::new(dir.path().to_path_buf()));
    let caller = Arc::new(OutboxCaller::new(dir.path().to_path_buf()));
    // Long texts make torn writes likely if lines were not written whole.
    let filler = "я".repeat(4096);

    let mut tasks = Vec::new();
    for i in 0..50 {
        let mailer = Arc::clone(&mailer);
        let caller = Arc::clone(&caller);
        let filler = filler.clone();
        tasks.push(tokio::spawn(async move {
            let mail = Mail { to: format!("user{i}@example.com"), subject: format!("#{i}"), text: filler };
            mailer.send(&mail).await.expect("send");
            let call = FlashCall {
                phone: format!("+7999{i:07}"),
                pin: format!("{i:04}"),
                token: format!("t{i}"),
                created_at: 0,
            };
            caller.call(&call).await.expect("call");
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }

    let mails = lines(mailer.path());
    assert_eq!(mails.len(), 50);
    let subjects: BTreeSet<String> = mails.iter().map(|m| m["subject"].as_str().expect("subject").to_owned()).collect();
    assert_eq!(subjects, (0..50).map(|i| format!("#{i}")).collect());
    assert!(mails.iter().all(|m| m["text"] == filler.as_str()));

    let calls = lines(caller.path());
    assert_eq!(calls.len(), 50);
    let pins: BTreeSet<String> = calls.iter().map(|c| c["pin"].as_str().expect("pin").to_owned()).collect();
    assert_eq!(pins, (0..50).map(|i| format!("{i:04}")).collect());
}

#[tokio::test]
async fn unwritable_outbox_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A regular file where the directory should be.
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, b"not a dir").expect("write");
    let mailer = OutboxMailer::new(blocker);
    let err = mailer
        .send(&Mail { to: "a@example.com".into(), subject: "s".into(), text: "t".into() })
        .await
        .expect_err("cannot write under a file");
    assert!(err.0.starts_with("outbox:"), "{err}");
}
