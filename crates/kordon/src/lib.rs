//! kordon, the binary's library half: configuration, wiring of store, delivery and HTTP into an
//! [`app::Application`], and the operator commands. Tests boot the same `Application`.

pub mod admin;
pub mod admin_audit;
pub mod app;
pub mod cli;
pub mod config;
pub mod key_encryption;
mod key_file;
pub mod metrics_listener;
pub mod password_input;
pub mod pin_key;
pub mod serve;
pub mod telemetry;
