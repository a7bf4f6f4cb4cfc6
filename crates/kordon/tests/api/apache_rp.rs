//! A relying party no one here wrote: Apache httpd with mod_auth_openidc (Debian's `apache2` and
//! `libapache2-mod-auth-openidc`; its JOSE library is libcjose), started by the test in the
//! foreground (`apache2 -X`) with a configuration of its own in the test's folder. It finds kordon
//! by discovery, protects a location, and signs people in with the code flow, PKCE S256 and
//! `client_secret_basic` or `client_secret_post`; a CGI script shows what Apache learned.

use crate::helpers::oidc::{Browser, Page};
use crate::helpers::{PASSWORD, TestApp};
use kordon_core::services::ClientOptions;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's Apache and its modules.
const APACHE: &str = "/usr/sbin/apache2";
const MODULES: &str = "/usr/lib/apache2/modules";

/// An Apache in the foreground on a loopback port; stopped when dropped.
struct Apache {
    child: Child,
    base: String,
}

impl Drop for Apache {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What Apache needs of kordon's client.
struct Registration<'a> {
    client_id: &'a str,
    secret: &'a str,
    /// `client_secret_basic` or `client_secret_post`.
    auth: &'a str,
}

impl Apache {
    /// Writes the configuration, the protected CGI script and the post-logout page under `dir`
    /// and starts Apache on `port` (chosen before the client was registered with its URIs).
    async fn start(app: &TestApp, dir: &Path, port: u16, rp: &Registration<'_>) -> Self {
        let base = format!("http://127.0.0.1:{port}");
        std::fs::create_dir_all(dir.join("htdocs")).expect("htdocs");
        std::fs::write(dir.join("htdocs/bye.html"), "signed out of the app\n").expect("bye page");
        let script = dir.join("whoami");
        std::fs::write(
            &script,
            "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n\
             echo \"user=$REMOTE_USER\"\necho \"email=$OIDC_CLAIM_email\"\n",
        )
        .expect("script");
        let mode = std::os::unix::fs::PermissionsExt::from_mode(0o755);
        std::fs::set_permissions(&script, mode).expect("chmod");
        let root = dir.display();
        let conf = format!(
            r#"ServerRoot {root}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {root}/httpd.pid
ErrorLog {root}/error.log
LogLevel warn
LoadModule mpm_prefork_module {MODULES}/mod_mpm_prefork.so
LoadModule authz_core_module {MODULES}/mod_authz_core.so
LoadModule authz_user_module {MODULES}/mod_authz_user.so
LoadModule authn_core_module {MODULES}/mod_authn_core.so
LoadModule alias_module {MODULES}/mod_alias.so
LoadModule cgi_module {MODULES}/mod_cgi.so
LoadModule auth_openidc_module {MODULES}/mod_auth_openidc.so
DocumentRoot {root}/htdocs
OIDCProviderMetadataURL {kordon}/.well-known/openid-configuration
OIDCClientID {client_id}
OIDCClientSecret {secret}
OIDCProviderTokenEndpointAuth {auth}
OIDCRedirectURI {base}/app/callback
OIDCCryptoPassphrase a-test-passphrase-of-this-run
OIDCScope "openid email"
OIDCPKCEMethod S256
OIDCRemoteUserClaim sub
OIDCSessionType server-cache
OIDCCacheType shm
ScriptAlias /app/whoami {root}/whoami
<Location /app>
  AuthType openid-connect
  Require valid-user
</Location>
"#,
            kordon = app.base,
            client_id = rp.client_id,
            secret = rp.secret,
            auth = rp.auth,
        );
        let path = dir.join("httpd.conf");
        std::fs::write(&path, conf).expect("httpd.conf");
        let child = Command::new(APACHE)
            .args(["-X", "-f"])
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("apache2 runs (./test.sh installs apache2 and libapache2-mod-auth-openidc)");
        let mut apache = Self { child, base };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = apache.child.try_wait() {
                let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
                panic!("apache2 exited ({status}) before listening: {log}");
            }
            assert!(Instant::now() < deadline, "apache2 did not listen on {port} within 20 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        apache.base = format!("http://127.0.0.1:{port}");
        apache
    }
}

/// Registers the app with kordon: a confidential partner application (not trusted, so its
/// users see the consent page) with Apache's callback and post-logout page.
async fn register(app: &TestApp, port: u16) -> (String, String) {
    let options = ClientOptions {
        redirect_uris: vec![format!("http://127.0.0.1:{port}/app/callback")],
        post_logout_redirect_uris: vec![format!("http://127.0.0.1:{port}/bye.html")],
        ..Default::default()
    };
    let grants = vec!["authorization_code".to_string()];
    let c = app.core.admin_create_client_with("Apache app", None, grants, None, options).await.expect("client");
    (c.client_id.to_string(), c.client_secret.expect("a confidential client"))
}

/// mod_auth_openidc checks an ID token's `iat` against its own clock (10 minutes of slack):
/// kordon's manual clock is moved to the real time.
fn in_real_time(app: &TestApp) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("time").as_secs() as i64;
    app.clock.advance(now - kordon_core::Clock::now(&app.clock));
}

/// Answers kordon's consent page (a partner app is not trusted: the user is asked) with Allow,
/// and follows the way back to Apache.
async fn consent_and_back(browser: &mut Browser, url: String, page: Page) -> (String, Page) {
    let (url, page) = browser.follow(&url, page).await;
    assert_eq!(page.status, 200, "the consent page: {}", page.body);
    assert!(page.body.contains("/oauth/authorize/consent"), "the consent page: {}", page.body);
    assert!(page.body.contains("Apache app"), "the consent page names the app: {}", page.body);
    let allowed = browser.decide(&page, "allow").await;
    browser.follow(&url, allowed).await
}

/// The protected page as the signed-in user: `user=<sub>` and `email=<email>`.
fn shows(page: &Page, sub: i64, email: &str) {
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.body, format!("user={sub}\nemail={email}\n"), "REMOTE_USER is the sub, and the email claim");
}

/// Logs out through Apache, which sends the browser to kordon's end_session_endpoint with the ID
/// token and the post-logout URI; lands on that page; then the app asks kordon again.
async fn logs_out(browser: &mut Browser, apache: &Apache, app: &TestApp) {
    let bye = format!("{}/bye.html", apache.base);
    let logout = format!("{}/app/callback?logout={}", apache.base, urlencode(&bye));
    let first = browser.visit(&logout).await;
    let (landed, page) = browser.follow(&logout, first).await;
    assert_eq!(landed, bye, "the post-logout URI: {}", page.body);
    assert_eq!(page.body, "signed out of the app\n");
    let again = browser.visit(&format!("{}/app/whoami", apache.base)).await;
    assert_eq!(again.status, 302, "{}", again.body);
    let to = again.location().expect("to kordon");
    assert!(to.as_str().starts_with(&format!("{}/oauth/authorize?", app.base)), "{to}");
    // kordon's own sign-in ended too: the login page, not a silent code.
    let login = browser.visit(to.as_str()).await;
    assert_eq!(login.status, 200, "{}", login.body);
    assert!(login.body.contains("/oauth/authorize/password"), "{}", login.body);
}

fn urlencode(text: &str) -> String {
    crate::helpers::oidc::form_urlencoded(&[("x", text)]).trim_start_matches("x=").to_owned()
}

async fn password_sign_in_with_secret_basic(app: TestApp) {
    in_real_time(&app);
    let (user_id, _) = app.domain_user("ann@mail.ru", "pbx.example", 2).await;
    let port = kordon_testkit::free_port();
    let (client_id, secret) = register(&app, port).await;
    let rp = Registration { client_id: &client_id, secret: &secret, auth: "client_secret_basic" };
    let apache = Apache::start(&app, &app.dir.path().join("apache"), port, &rp).await;
    let mut browser = Browser::new(&app);

    let protected = format!("{}/app/whoami", apache.base);
    let first = browser.visit(&protected).await;
    assert_eq!(first.status, 302, "Apache sends the browser to kordon: {}", first.body);
    let to = first.location().expect("location");
    assert!(to.as_str().starts_with(&format!("{}/oauth/authorize?", app.base)), "{to}");
    let pairs: Vec<(String, String)> = to.query_pairs().into_owned().collect();
    let has = |k: &str, v: &str| pairs.iter().any(|(a, b)| a == k && b == v);
    assert!(has("code_challenge_method", "S256") && has("response_type", "code"), "{to}");
    let login = browser.visit(to.as_str()).await;
    assert_eq!(login.status, 200, "kordon's login page: {}", login.body);
    let signed = browser.sign_in(&login, "ann@mail.ru", PASSWORD).await;
    let (_, page) = consent_and_back(&mut browser, to.to_string(), signed).await;
    shows(&page, user_id, "ann@mail.ru");
    // Apache keeps its session: the next request is served without kordon.
    let next = browser.visit(&protected).await;
    shows(&next, user_id, "ann@mail.ru");
    logs_out(&mut browser, &apache, &app).await;
}
both!(password_sign_in_with_secret_basic);

async fn flashcall_sign_in_with_secret_post(app: TestApp) {
    in_real_time(&app);
    let cmd = kordon_core::services::NewUserCommand {
        email: "bob@mail.ru",
        password: PASSWORD,
        phone: Some("79992223344"),
        role: kordon_core::types::Role::LkAdmin,
        role_id: 2,
        domain: None,
    };
    let (user_id, _) = app.core.admin_create_user(cmd).await.expect("user");
    let port = kordon_testkit::free_port();
    let (client_id, secret) = register(&app, port).await;
    let rp = Registration { client_id: &client_id, secret: &secret, auth: "client_secret_post" };
    let apache = Apache::start(&app, &app.dir.path().join("apache"), port, &rp).await;
    let mut browser = Browser::speaking(&app, "ru-RU,ru;q=0.9");

    let protected = format!("{}/app/whoami", apache.base);
    let first = browser.visit(&protected).await;
    let to = first.location().expect("to kordon").to_string();
    let login = browser.visit(&to).await;
    let (csrf, request) = (login.field("csrf"), login.field("request"));
    let step = browser
        .post("/oauth/authorize/flashcall", &[("csrf", &csrf), ("request", &request), ("phone", "+7 999 222-33-44")])
        .await;
    assert_eq!(step.status, 200, "the PIN step: {}", step.body);
    let token = step.field("token");
    let pin = app.pin_of(&token);
    let phone = step.field("phone");
    let fields = [("csrf", &csrf), ("request", &request), ("phone", &phone), ("token", &token), ("pin", &pin)];
    let signed = browser.post("/oauth/authorize/pin", &fields.map(|(k, v)| (k, v.as_str()))).await;
    let (_, page) = consent_and_back(&mut browser, to, signed).await;
    shows(&page, user_id, "bob@mail.ru");
    let next = browser.visit(&protected).await;
    shows(&next, user_id, "bob@mail.ru");
    logs_out(&mut browser, &apache, &app).await;
}
both!(flashcall_sign_in_with_secret_post);
