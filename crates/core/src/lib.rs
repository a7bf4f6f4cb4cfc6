//! kordon's core: domain types, the services every dialect shares, and the ports adapters implement.
//! Nothing here speaks HTTP or SQL.

pub mod audit;
pub mod cache;
pub(crate) mod claims;
pub mod clock;
pub mod durations;
pub mod error;
mod jws;
pub mod metrics;
pub mod net;
pub mod oidc_types;
pub mod passwords;
pub mod ports;
pub mod redirect_uris;
pub mod secrets;
pub mod services;
pub mod settings;
pub mod types;
pub mod webauthn;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result};
/// The biometrics services and records, at the path the adapters have always used.
pub use services::biometrics;
pub use services::{Core, Origin, Principal, TokenPair};
pub use settings::Settings;
