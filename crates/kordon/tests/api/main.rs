//! kordon's integration tests: one binary (one link of the whole server) with a module per area.
//! Every HTTP test boots the real `Application` and runs on SQLite and PostgreSQL (`both!`); the
//! helpers they share live once, in `helpers/`.

#[macro_use]
mod helpers;

// The cabinet REST API (v1).
mod api_tokens;
mod cabinet_sessions;
mod domains;
mod flashcall;
mod flashcall_traffic;
mod password_hashes;
mod password_reset;
mod providers;

// The PBX JSON action API and the Defender.
mod caps;
mod defender;
mod defender_caps;
mod defender_traffic;
mod pbx;

// OAuth 2, OpenID Connect, biometrics and the provider API.
mod biometrics;
mod error_shapes;
mod forgot_password;
mod oauth;
mod oauth_revocation;
mod oidc;
mod oidc_cert;
mod oidc_errors;
mod provider;
mod signing_key_encryption;
mod token_kinds;

// The server as a whole: HTTP limits and edges, the cache across instances, durations, metrics.
mod audit_cli;
mod audit_events;
mod audit_log;
mod audit_queue;
mod cache_coherence;
mod db_reconnect;
mod durations;
mod edge;
mod http_limits;
mod metrics;

// A person's own account: the account page, second factors.
mod account;
mod account_sessions;
mod app_passwords;
mod contact_changes;
mod mfa_flashcall;
mod mfa_login;
mod mfa_tenant;
mod mfa_totp;
mod passkeys;
mod registration;

// The admin JSON API.
mod admin_api;

// Telephony: SIP and TURN credentials, against a real Kamailio and coturn.
mod telephony_defender;
mod telephony_mint;
mod telephony_sip;
mod telephony_turn;

// The `kordon` binary: its CLI, `serve`, kill -9.
mod cli;
mod durability;
mod operations;
mod operator_audit;

// External tools: headless Chromium (explorer, relying party, the console), Apache's mod_auth_openidc and the
// OpenAPI fuzzer.
mod account_browser;
mod apache_rp;
mod console;
mod console_apps;
mod console_scenario;
mod explorer;
mod oidc_browser;
mod passkeys_browser;
mod schemathesis;
