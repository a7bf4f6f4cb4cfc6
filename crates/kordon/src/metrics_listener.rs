//! Where `/metrics` is served, decided at start from `[metrics]`: a listener of its own on
//! loopback by default; the main listener (`main`) or a non-loopback address only when chosen
//! and with `metrics.token`, else the start is refused with the reason.

use crate::config::MetricsConfig;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;

/// A token shorter than this is refused: `/metrics` has no attempt limit.
const MIN_TOKEN_CHARS: usize = 16;

/// Where `/metrics` is served.
pub enum Placement {
    /// Not at all (`metrics.enabled = false`).
    Off,
    /// On the main listener (`metrics.listen = "main"`).
    Main,
    /// On a listener of its own.
    Own(TcpListener),
}

/// The placement and the digest of the token the scrapes must carry, if any.
pub async fn open(config: &MetricsConfig) -> Result<(Placement, Option<String>), String> {
    if !config.enabled {
        return Ok((Placement::Off, None));
    }
    let token = config.token.as_ref().map(|t| t.expose_secret().trim()).filter(|t| !t.is_empty());
    if let Some(token) = token
        && token.chars().count() < MIN_TOKEN_CHARS
    {
        return Err(format!("metrics.token must be at least {MIN_TOKEN_CHARS} characters (a random one)"));
    }
    let digest = token.map(kordon_core::secrets::digest);
    let listen = config.listen.trim();
    let public = |why: &str| {
        format!(
            "metrics.listen = {listen:?} {why}, so /metrics would be public: set metrics.token (Prometheus \
             sends it as a bearer token), or leave metrics.listen at {:?}",
            crate::config::DEFAULT_METRICS_LISTEN
        )
    };
    match listen {
        "" => Err(format!(
            "metrics.listen is empty: name an address of its own ({:?} by default), or \"main\" with \
             metrics.token",
            crate::config::DEFAULT_METRICS_LISTEN
        )),
        "main" if digest.is_none() => Err(public("is the main listener")),
        "main" => Ok((Placement::Main, digest)),
        address => {
            let listener = TcpListener::bind(address)
                .await
                .map_err(|e| format!("cannot listen on {address} (metrics.listen): {e}"))?;
            let bound = listener.local_addr().map_err(|e| e.to_string())?;
            if digest.is_none() && !bound.ip().to_canonical().is_loopback() {
                return Err(public("is not a loopback address"));
            }
            Ok((Placement::Own(listener), digest))
        }
    }
}
