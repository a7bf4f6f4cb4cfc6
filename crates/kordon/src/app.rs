//! Wiring: configuration in, a running HTTP server out. `Application::build` binds (port 0 works,
//! and `port()` tells which one), so tests boot exactly what `kordon serve` runs.

use crate::config::{CallProvider, Config, MailProvider};
use crate::metrics_listener::Placement;
use kordon_core::net::Cidrs;
use kordon_core::ports::{Caller, Mailer};
use kordon_core::{Clock, Core, SystemClock};
use kordon_delivery::{OutboxCaller, OutboxMailer, SmtpMailer, WebhookCaller};
use kordon_http::{AppState, WebSettings};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

pub struct Application {
    listener: TcpListener,
    /// `/metrics` on a listener of its own, when `metrics.listen` names one.
    metrics: Option<(TcpListener, axum::Router)>,
    /// The exporter, when metrics are on (its histograms are drained every few seconds).
    exporter: Option<metrics_exporter_prometheus::PrometheusHandle>,
    router: axum::Router,
    limits: crate::serve::Limits,
    address: SocketAddr,
    core: Core,
}

/// Opens the store (migrating it) and the deliveries, and builds the core. `admin` uses this too.
pub async fn open_core(config: &Config, clock: Arc<dyn Clock>) -> Result<Core, String> {
    let store = kordon_store::open(Some(config.server.database_url.as_str()), &config.server.data_dir)
        .await
        .map_err(|e| e.to_string())?;
    let mailer: Arc<dyn Mailer> = match config.mail.provider {
        MailProvider::Outbox => Arc::new(OutboxMailer::new(config.outbox_dir())),
        MailProvider::Smtp => Arc::new(SmtpMailer::new(&config.mail.smtp).map_err(|e| format!("mail: {e}"))?),
    };
    let caller: Arc<dyn Caller> = match config.call.provider {
        CallProvider::Outbox => Arc::new(OutboxCaller::new(config.outbox_dir())),
        CallProvider::Webhook => {
            Arc::new(WebhookCaller::new(&config.call.webhook).map_err(|e| format!("flashcall webhook: {e}"))?)
        }
    };
    let mut settings = config.core_settings();
    let shared = config.server.database_url.trim().starts_with("postgres");
    settings.flashcall.pin_key = crate::pin_key::resolve(&config.flashcall.pin_key, &config.server.data_dir, shared)?;
    let sealer = crate::key_encryption::sealer(config)?;
    Ok(Core::new(store, mailer, caller, clock, settings).map_err(|e| e.to_string())?.with_key_sealer(sealer))
}

/// Seals signing keys written before encryption at rest and checks every stored key opens
/// under the configured key-encryption key: a server that could not sign refuses to start.
async fn prepare_signing_keys(core: &Core) -> Result<(), String> {
    let at_rest = core.prepare_signing_keys().await.map_err(|e| match e {
        kordon_core::Error::Internal(why) => format!("signing keys: {why}"),
        other => format!("signing keys: {other}"),
    })?;
    if at_rest.sealed > 0 {
        tracing::info!(rows = at_rest.sealed, fingerprint = %at_rest.fingerprint, "sealed signing keys stored in plain text");
    }
    if at_rest.under_previous > 0 {
        tracing::warn!(
            rows = at_rest.under_previous,
            "signing keys are still sealed under signing_keys.previous_encryption_key: run `kordon admin keys rewrap`"
        );
    }
    Ok(())
}

impl Application {
    pub async fn build(config: &Config) -> Result<Self, String> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// As [`Application::build`], with a given clock (tests move a manual one).
    pub async fn build_with_clock(config: &Config, clock: Arc<dyn Clock>) -> Result<Self, String> {
        warn_about_open_settings(config);
        let listener = TcpListener::bind(&config.server.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.server.listen))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let mut config = config.clone();
        if config.oauth.issuer.trim().is_empty() {
            // The issuer must name this server: the public URL, or the address actually bound.
            config.oauth.issuer = match config.server.public_url.trim() {
                "" => format!("http://{address}"),
                public => public.trim_end_matches('/').to_owned(),
            };
        }
        let (placement, metrics_token) = crate::metrics_listener::open(&config.metrics).await?;
        let core = open_core(&config, clock).await?;
        prepare_signing_keys(&core).await?;
        let console = first_party(&core, &kordon_core::services::CONSOLE).await;
        let account = first_party(&core, &kordon_core::services::ACCOUNT).await;
        let web = WebSettings {
            console,
            account,
            public_url: Some(config.server.public_url.clone()).filter(|u| !u.trim().is_empty()),
            trusted_proxies: Cidrs::parse(&config.defender.trusted_proxies)
                .map_err(|e| format!("defender.trusted_proxies: {e}"))?,
            forwarded: kordon_http::origin::ForwardedHeader::parse(&config.defender.forwarded_header).ok_or_else(
                || {
                    format!(
                        "defender.forwarded_header: {:?} is neither x-forwarded-for nor forwarded",
                        config.defender.forwarded_header
                    )
                },
            )?,
            pbx_software: config.pbx.software.clone(),
            metrics: config.metrics.enabled.then(crate::telemetry::prometheus),
            metrics_on_main: matches!(placement, Placement::Main),
            metrics_token,
            request_timeout: std::time::Duration::from_secs(config.server.request_timeout.max(1)),
            started_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or_default(),
        };
        let state = AppState::new(core.clone(), web);
        let router = kordon_http::router(state.clone());
        let metrics = match placement {
            Placement::Own(listener) => Some((listener, kordon_http::metrics_router(state))),
            Placement::Off | Placement::Main => None,
        };
        let mut limits = config.server.limits();
        // Behind a proxy every client shares its address: proxies and allowlisted hosts are not
        // held to the per-host connection cap.
        let exempt: Vec<String> =
            config.defender.trusted_proxies.iter().chain(&config.defender.allowlist).cloned().collect();
        limits.per_host_exempt = Cidrs::parse(&exempt).map_err(|e| format!("defender.trusted_proxies: {e}"))?;
        let exporter = config.metrics.enabled.then(crate::telemetry::prometheus);
        Ok(Self { listener, metrics, exporter, router, limits, address, core })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Where `/metrics` is served when it has a listener of its own.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|(l, _)| l.local_addr().ok())
    }

    /// The core this application serves (tests reach the store through it).
    pub fn core(&self) -> &Core {
        &self.core
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // Meanwhile a janitor deletes long-dead rows every `JANITOR_EVERY`.
        let janitor = tokio::spawn(janitor(self.core.clone()));
        // And the cache follows the store's epoch (see kordon_core::cache).
        let coherence = {
            let core = self.core.clone();
            tokio::spawn(async move { core.watch_cache_epoch().await })
        };
        // `/metrics` on its own listener is served by the same hardened loop, and stops with it.
        let (stop_metrics, metrics_stopped) = tokio::sync::oneshot::channel::<()>();
        let metrics = self.metrics.map(|(listener, router)| {
            let limits = self.limits.clone();
            tokio::spawn(crate::serve::serve(listener, router, limits, async move {
                let _ = metrics_stopped.await;
            }))
        });
        // The exporter's upkeep and the in-memory count of blocked hosts, while metrics are on.
        let upkeep = self.exporter.map(|exporter| tokio::spawn(crate::telemetry::upkeep(exporter)));
        let blocked = upkeep.is_some().then(|| {
            let core = self.core.clone();
            tokio::spawn(async move { core.watch_blocked_hosts().await })
        });
        let conversion = upkeep.is_some().then(|| {
            let core = self.core.clone();
            tokio::spawn(async move { core.watch_flashcall_conversion().await })
        });
        let drain = self.limits.shutdown_timeout;
        let served = crate::serve::serve(self.listener, self.router, self.limits, shutdown).await;
        janitor.abort();
        coherence.abort();
        let tasks = [upkeep, blocked, conversion];
        for task in tasks.iter().flatten() {
            task.abort();
        }
        let _ = stop_metrics.send(());
        if let Some(metrics) = metrics
            && let Ok(Err(err)) = metrics.await
        {
            tracing::warn!(error = %err, "the metrics listener failed");
        }
        // Audit events already queued are written before the process ends (bounded).
        if tokio::time::timeout(drain, self.core.audit_flush()).await.is_err() {
            tracing::warn!("shutdown: audit events still queued after the timeout were dropped");
        }
        // Reset mails already promised to callers go out before the process ends (bounded).
        if tokio::time::timeout(drain, self.core.reset_mail_settled()).await.is_err() {
            tracing::warn!("shutdown: reset mails still queued after the timeout were dropped");
        }
        served
    }
}

const JANITOR_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

async fn janitor(core: Core) {
    let mut every = tokio::time::interval(JANITOR_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match core.purge_expired().await {
            Ok(0) => {}
            Ok(rows) => tracing::info!(rows, "janitor: deleted long-dead rows"),
            Err(err) => tracing::warn!(error = %err, "janitor: purge failed"),
        }
    }
}

fn warn_about_open_settings(config: &Config) {
    let prefixes = !config.reset.url_prefixes.is_empty() || !config.reset.client_url_prefixes.is_empty();
    if !prefixes && config.reset.allow_any_url {
        tracing::warn!(
            "reset.allow_any_url is on and no reset.url_prefixes are set: restore-token will mail links to \
             any http(s) URL a caller names; set reset.url_prefixes to your cabinet's reset page"
        );
    } else if !prefixes && config.server.public_url.trim().is_empty() {
        tracing::warn!(
            "neither reset.url_prefixes nor server.public_url is set: restore-token refuses every url; \
             set reset.url_prefixes (or reset.client_url_prefixes) to your cabinet's reset page"
        );
    }
    if config.mail.provider == MailProvider::Outbox || config.call.provider == CallProvider::Outbox {
        tracing::warn!(
            outbox = %config.outbox_dir().display(),
            "mail or FlashCall goes to the dev outbox files, not to real people"
        );
    }
}

/// Registers one of kordon's own web clients; None (with a warning) when it cannot sign anyone
/// in, and its pages say so.
async fn first_party(
    core: &kordon_core::Core,
    spec: &kordon_core::services::FirstPartySpec,
) -> Option<kordon_core::services::FirstPartyClient> {
    match core.register_first_party(spec).await {
        Ok(client) => Some(client),
        Err(err) => {
            tracing::warn!(error = %err, issuer = core.issuer(), client = spec.name, "a built-in web client cannot sign anyone in");
            None
        }
    }
}
