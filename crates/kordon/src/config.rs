//! Configuration: defaults → optional TOML file (`--config` / `KORDON_CONFIG`) →
//! `KORDON_SECTION__KEY` environment variables → command-line flags. Loaded once in `main`.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use kordon_core::settings::{
    AuditSettings, DefenderSettings, FlashcallLimits, LimitSettings, OAuthSettings, PasswordSettings, ResetSettings,
    Settings, TelephonySettings, TokenSettings,
};
use kordon_delivery::{SmtpSettings, WebhookSettings};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub log: LogConfig,
    pub mail: MailConfig,
    pub call: CallConfig,
    pub tokens: TokenSettings,
    pub flashcall: FlashcallLimits,
    pub reset: ResetSettings,
    pub passwords: PasswordSettings,
    pub defender: DefenderSettings,
    pub oauth: OAuthSettings,
    pub limits: LimitSettings,
    pub audit: AuditSettings,
    pub telephony: TelephonySettings,
    pub pbx: PbxConfig,
    pub metrics: MetricsConfig,
    pub signing_keys: SigningKeysConfig,
}

/// Where the key-encryption key of the JWT signing keys comes from (see `key_encryption`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SigningKeysConfig {
    /// The key-encryption key, 32 bytes in base64; none: the key file. A secret: never serialized.
    #[serde(skip_serializing)]
    pub encryption_key: Option<secrecy::SecretString>,
    /// The key-encryption key being rotated out: it still opens rows, never seals one.
    #[serde(skip_serializing)]
    pub previous_encryption_key: Option<secrecy::SecretString>,
    /// The key file used when `encryption_key` is not set; empty: `DATA_DIR/signing-keys.key`.
    /// Made (mode 0600) with a fresh key when it does not exist.
    pub encryption_key_file: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// Serve Prometheus metrics at `/metrics`.
    pub enabled: bool,
    /// Where: a listener of its own (`127.0.0.1:9464` by default), or `main` for the main
    /// listener. The main listener or a non-loopback address needs `token`.
    pub listen: String,
    /// The bearer token Prometheus must send (`authorization` in its scrape config); required
    /// when `/metrics` is reachable from outside the host. Never serialized.
    #[serde(skip_serializing)]
    pub token: Option<SecretString>,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self { enabled: true, listen: DEFAULT_METRICS_LISTEN.into(), token: None }
    }
}

/// `metrics.listen`'s default: a listener of its own, on loopback only.
pub const DEFAULT_METRICS_LISTEN: &str = "127.0.0.1:9464";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PbxConfig {
    /// `version.software` in the action API's auth answer.
    pub software: String,
}

impl Default for PbxConfig {
    fn default() -> Self {
        Self { software: env!("CARGO_PKG_VERSION").into() }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on.
    pub listen: String,
    /// Folder of the embedded database and the dev outbox.
    pub data_dir: PathBuf,
    /// `postgres://…` for the scale-out store; empty: SQLite at `DATA_DIR/kordon.db`.
    pub database_url: String,
    /// Public base URL used in links the API answers (pagination); empty: from the Host header.
    /// Also the default prefix of reset links when no `reset.*url_prefixes` are configured.
    pub public_url: String,
    /// Seconds a client has to send a whole HTTP/1 request head.
    pub header_read_timeout: u64,
    /// Seconds after which a connection with nothing in flight and nothing received is closed.
    pub idle_timeout: u64,
    /// Seconds a request may take before it is answered 503 and its work dropped.
    pub request_timeout: u64,
    /// Connections served at once.
    pub max_connections: usize,
    /// Connections one client address may hold at once (trusted proxies and the allowlist are
    /// exempt).
    pub max_connections_per_host: usize,
    /// Largest HTTP/1 request head, bytes.
    pub max_header_bytes: usize,
    /// HTTP/2 streams open at once on one connection.
    pub h2_max_concurrent_streams: u32,
    /// Largest HTTP/2 header list, bytes.
    pub h2_max_header_list_size: u32,
    /// HTTP/2 streams a client may reset before the server saw them (rapid-reset guard).
    pub h2_max_pending_accept_reset_streams: usize,
    /// HTTP/2 streams reset for the client's protocol errors before the connection is closed.
    pub h2_max_local_error_reset_streams: usize,
    /// Seconds shutdown waits for requests in flight.
    pub shutdown_timeout: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./kordon-data"),
            database_url: String::new(),
            public_url: String::new(),
            header_read_timeout: 10,
            idle_timeout: 60,
            request_timeout: 30,
            max_connections: 1024,
            max_connections_per_host: 128,
            max_header_bytes: 64 * 1024,
            h2_max_concurrent_streams: 100,
            h2_max_header_list_size: 16 * 1024,
            h2_max_pending_accept_reset_streams: 20,
            h2_max_local_error_reset_streams: 256,
            shutdown_timeout: 10,
        }
    }
}

impl ServerConfig {
    /// The HTTP server's limits.
    pub fn limits(&self) -> crate::serve::Limits {
        let secs = |s: u64| std::time::Duration::from_secs(s.max(1));
        crate::serve::Limits {
            header_read_timeout: secs(self.header_read_timeout),
            idle_timeout: secs(self.idle_timeout),
            max_connections: self.max_connections.max(1),
            max_connections_per_host: self.max_connections_per_host.max(1),
            per_host_exempt: kordon_core::net::Cidrs::default(),
            max_header_bytes: self.max_header_bytes,
            h2_max_concurrent_streams: self.h2_max_concurrent_streams.max(1),
            h2_max_header_list_size: self.h2_max_header_list_size,
            h2_max_pending_accept_reset_streams: self.h2_max_pending_accept_reset_streams,
            h2_max_local_error_reset_streams: self.h2_max_local_error_reset_streams,
            shutdown_timeout: secs(self.shutdown_timeout),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// tracing filter (`info`, `kordon=debug,sqlx=warn`, …); `RUST_LOG` wins when set.
    pub filter: String,
    /// `text` (for people) or `json` (one object per line, for log collectors).
    pub format: LogFormat,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { filter: "info,sqlx=warn".into(), format: LogFormat::Text }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MailProvider {
    #[default]
    Outbox,
    Smtp,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// `outbox` (append to `DATA_DIR/outbox/mail.jsonl`) or `smtp`.
    pub provider: MailProvider,
    pub smtp: SmtpSettings,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CallProvider {
    #[default]
    Outbox,
    Webhook,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CallConfig {
    /// `outbox` (append to `DATA_DIR/outbox/flashcalls.jsonl`) or `webhook`.
    pub provider: CallProvider,
    pub webhook: WebhookSettings,
}

/// Environment variables that are not configuration keys but are still kordon's.
/// `KORDON_PASSWORD` is `admin user create`'s password (kept out of the process list).
const OTHER_VARIABLES: &[&str] = &["KORDON_CONFIG", "KORDON_TEST_DATABASE_URL", "KORDON_PASSWORD"];
/// Secret keys are never serialized, so the key walk below cannot see them.
const SECRET_KEYS: &[&str] = &[
    "KORDON_MAIL__SMTP__PASSWORD",
    "KORDON_CALL__WEBHOOK__SECRET",
    "KORDON_SIGNING_KEYS__ENCRYPTION_KEY",
    "KORDON_SIGNING_KEYS__PREVIOUS_ENCRYPTION_KEY",
    "KORDON_METRICS__TOKEN",
    "KORDON_FLASHCALL__PIN_KEY",
    "KORDON_TELEPHONY__HOOK_TOKEN",
];

impl Config {
    /// Layers defaults, the TOML file, the environment and `overrides` (flag values, dotted keys).
    pub fn load(file: Option<&Path>, overrides: &[(&str, String)]) -> Result<Self, String> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.exists() {
                return Err(format!("config file {} does not exist", file.display()));
            }
            figment = figment.merge(Toml::file(file));
        }
        // Variables that name no key are warned about at start (main), not fatal: leave them out here.
        let unknown = Self::unknown_variables(std::env::vars());
        figment = figment.merge(
            Env::prefixed("KORDON_")
                .filter(move |k| {
                    let named = |name: &str| name.trim_start_matches("KORDON_").eq_ignore_ascii_case(k.as_str());
                    !OTHER_VARIABLES.iter().any(|o| named(o)) && !unknown.iter().any(|u| named(u))
                })
                .split("__"),
        );
        for (key, value) in overrides {
            figment = figment.merge((*key, value.as_str()));
        }
        figment.extract().map_err(|e| format!("configuration: {e}"))
    }

    /// The core's part of the configuration.
    pub fn core_settings(&self) -> Settings {
        Settings {
            tokens: self.tokens.clone(),
            flashcall: self.flashcall.clone(),
            reset: self.reset.clone(),
            passwords: self.passwords.clone(),
            defender: self.defender.clone(),
            oauth: self.oauth.clone(),
            limits: self.limits.clone(),
            audit: self.audit.clone(),
            telephony: self.telephony.clone(),
            public_url: self.server.public_url.trim().to_owned(),
        }
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.server.data_dir.join("outbox")
    }

    /// `KORDON_*` variables in `env` that name no configuration key.
    pub fn unknown_variables(env: impl Iterator<Item = (String, String)>) -> Vec<String> {
        let mut known: BTreeSet<String> = SECRET_KEYS.iter().map(|k| k.to_string()).collect();
        if let Ok(value) = serde_json::to_value(Config::default()) {
            collect_keys("KORDON", &value, &mut known);
        }
        env.map(|(k, _)| k)
            .filter(|k| k.starts_with("KORDON_"))
            .filter(|k| !OTHER_VARIABLES.contains(&k.as_str()))
            .filter(|k| {
                let upper = k.to_ascii_uppercase();
                // Map-valued keys (reset.client_url_prefixes) take any sub-key.
                !known.iter().any(|key| upper == *key || upper.starts_with(&format!("{key}__")))
            })
            .collect()
    }
}

fn collect_keys(prefix: &str, value: &serde_json::Value, out: &mut BTreeSet<String>) {
    if let serde_json::Value::Object(map) = value {
        for (key, inner) in map {
            let name = format!("{prefix}{}{}", if prefix == "KORDON" { "_" } else { "__" }, key.to_ascii_uppercase());
            if inner.is_object() && !inner.as_object().is_some_and(|m| m.is_empty()) {
                collect_keys(&name, inner, out);
            } else {
                out.insert(name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_variables_are_found_and_known_ones_are_not() {
        let env = [
            ("KORDON_SERVER__LISTEN", "x"),
            ("KORDON_FLASHCALL__PIN_TTL", "x"),
            ("KORDON_MAIL__SMTP__HOST", "x"),
            ("KORDON_RESET__CLIENT_URL_PREFIXES__10553", "x"),
            ("KORDON_CONFIG", "x"),
            ("KORDON_CALL__WEBHOOK__SECRET", "x"),
            ("KORDON_SERVER__LISTNE", "x"),
            ("KORDON_NOPE", "x"),
            ("PATH", "x"),
        ];
        let unknown = Config::unknown_variables(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        assert_eq!(unknown, vec!["KORDON_SERVER__LISTNE".to_string(), "KORDON_NOPE".to_string()]);
    }

    /// Every key of `Config` as `section.key` (secrets included, though they are never serialized).
    fn config_keys() -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        collect_keys("KORDON", &serde_json::to_value(Config::default()).expect("Config serializes"), &mut keys);
        keys.extend(SECRET_KEYS.iter().map(|k| k.to_string()));
        keys.iter().map(|k| k.trim_start_matches("KORDON_").replace("__", ".").to_ascii_lowercase()).collect()
    }

    /// The keys docs/configuration.md documents: the first cell of each table row, `` `a.b` ``,
    /// with the row's environment variable in the second cell.
    fn documented_keys(doc: &str) -> Vec<(String, String)> {
        doc.lines()
            .filter_map(|line| {
                let mut cells = line.strip_prefix('|')?.split('|').map(str::trim);
                let key = cells.next()?.strip_prefix('`')?.strip_suffix('`')?;
                let env = cells.next()?.trim_matches('`');
                key.contains('.').then(|| (key.to_owned(), env.to_owned()))
            })
            .collect()
    }

    #[test]
    fn the_configuration_reference_names_every_key_and_no_other() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/configuration.md");
        let doc = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let documented = documented_keys(&doc);
        let keys = config_keys();
        let named: BTreeSet<String> = documented.iter().map(|(k, _)| k.clone()).collect();
        let missing: Vec<&String> = keys.difference(&named).collect();
        let unknown: Vec<&String> = named.difference(&keys).collect();
        let wrong_env: Vec<String> = documented
            .iter()
            .filter(|(key, env)| *env != format!("KORDON_{}", key.replace('.', "__").to_ascii_uppercase()))
            .map(|(key, env)| format!("{key}: {env}"))
            .collect();
        assert!(
            missing.is_empty() && unknown.is_empty() && wrong_env.is_empty(),
            "docs/configuration.md is out of step with Config:\n  keys it does not document: {missing:?}\n  \
             keys it names that Config lacks: {unknown:?}\n  wrong environment variables: {wrong_env:?}"
        );
    }
}
