//! The HTTP server loop: accepts TCP connections and serves the router over HTTP/1.1 and HTTP/2
//! with the limits a reverse proxy would otherwise add — a connection cap (in all and per host),
//! a header read timeout, an idle timeout, HTTP/2 stream, header and reset limits — and a
//! bounded graceful shutdown. `axum::serve` has none of these knobs, so kordon drives hyper
//! itself.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt as _;

/// The server's limits (`[server]` in the configuration).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Time a client has to send a whole request head (HTTP/1), from the connection's start or
    /// the end of the previous answer.
    pub header_read_timeout: Duration,
    /// A connection with no request in flight and nothing received for this long is closed.
    pub idle_timeout: Duration,
    /// Connections served at once; further ones wait in the kernel's accept queue.
    pub max_connections: usize,
    /// Connections one client address may hold at once; more are closed on arrival.
    pub max_connections_per_host: usize,
    /// Peers exempt from the per-host cap (trusted proxies, the allowlist).
    pub per_host_exempt: kordon_core::net::Cidrs,
    /// Largest HTTP/1 request head, bytes (hyper answers 431 beyond).
    pub max_header_bytes: usize,
    /// HTTP/2: streams one connection may have open at once.
    pub h2_max_concurrent_streams: u32,
    /// HTTP/2: largest decoded header list, bytes.
    pub h2_max_header_list_size: u32,
    /// HTTP/2: streams reset by the client before the server saw them (rapid-reset protection,
    /// CVE-2023-44487); a connection past this gets GOAWAY.
    pub h2_max_pending_accept_reset_streams: usize,
    /// HTTP/2: streams the server may reset for a client's protocol errors before it gives up on
    /// the connection.
    pub h2_max_local_error_reset_streams: usize,
    /// How long shutdown waits for requests in flight.
    pub shutdown_timeout: Duration,
}

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting, lets the
/// requests in flight finish (at most `shutdown_timeout`) and returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let builder = Arc::new(builder(&limits));
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let slots = Arc::new(Semaphore::new(max));
    let (stop, stopping) = watch::channel(false);
    let per_host = Arc::new(PerHost::default());
    let mut shutdown = pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let host_slot = match limits.per_host_exempt.contains(&peer.ip()) {
            true => None,
            false => match per_host.take(peer.ip(), limits.max_connections_per_host) {
                Some(slot) => Some(slot),
                None => {
                    tracing::debug!(%peer, "connection refused: the host holds its maximum");
                    continue; // dropping the stream closes it; the global slot goes back too
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let (builder, router, mut stopping) = (builder.clone(), router.clone(), stopping.clone());
        let (first_request, idle_timeout) = (limits.header_read_timeout, limits.idle_timeout);
        let drain_timeout = limits.shutdown_timeout;
        tokio::spawn(async move {
            let _slots = (slot, host_slot);
            let activity = Arc::new(Activity::new());
            let service = TowerToHyperService::new(tower::service_fn({
                let activity = activity.clone();
                move |mut request: hyper::Request<Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(peer));
                    let in_flight = InFlight::start(activity.clone());
                    let answer = router.clone().oneshot(request.map(axum::body::Body::new));
                    async move {
                        let answer = answer.await;
                        drop(in_flight);
                        answer
                    }
                }
            }));
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            let mut connection = pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                () = idle(&activity, first_request, idle_timeout) => {
                    tracing::debug!(%peer, "closing an idle connection");
                }
                _ = stopping.wait_for(|stop| *stop) => {}
            }
            // Finish what is in flight, then close (HTTP/2 gets a GOAWAY).
            connection.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(drain_timeout, connection).await;
        });
    }
    drop(listener);
    let _ = stop.send(true);
    // Every connection holds a slot until it ends: taking them all means all have ended.
    if tokio::time::timeout(limits.shutdown_timeout, slots.acquire_many(max as u32)).await.is_err() {
        tracing::warn!("shutdown: connections still open after the timeout; closing them");
    }
    Ok(())
}

fn builder(limits: &Limits) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes.max(8192));
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(limits.h2_max_concurrent_streams)
        .max_header_list_size(limits.h2_max_header_list_size)
        .max_pending_accept_reset_streams(limits.h2_max_pending_accept_reset_streams)
        .max_local_error_reset_streams(limits.h2_max_local_error_reset_streams)
        .keep_alive_interval(Some(limits.idle_timeout / 2))
        .keep_alive_timeout(Duration::from_secs(20));
    builder
}

/// What a connection has been doing, counted in requests (never in bytes: a client trickling
/// pings or half frames does not keep a connection alive): how many are in flight, how many
/// were served, and when the last one started or ended.
struct Activity {
    epoch: Instant,
    last_ms: AtomicU64,
    in_flight: AtomicUsize,
    served: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Self {
            epoch: Instant::now(),
            last_ms: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            served: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        self.last_ms.store(self.epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    fn quiet_for(&self) -> Duration {
        let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        self.epoch.elapsed().saturating_sub(last)
    }
}

/// Counts a request as in flight until dropped (answered, or cancelled with its connection).
struct InFlight(Arc<Activity>);

impl InFlight {
    fn start(activity: Arc<Activity>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::SeqCst);
        activity.served.fetch_add(1, Ordering::SeqCst);
        activity.touch();
        Self(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.touch();
    }
}

/// Completes once the connection has had no request in flight for `idle` — or, before its first
/// request, for `first` (a connection that never sends a request is cut as early as a slow head).
async fn idle(activity: &Activity, first: Duration, idle: Duration) {
    loop {
        let limit = if activity.served.load(Ordering::SeqCst) == 0 { first } else { idle };
        let quiet = activity.quiet_for();
        if quiet >= limit && activity.in_flight.load(Ordering::SeqCst) == 0 {
            return;
        }
        tokio::time::sleep(limit.saturating_sub(quiet).max(Duration::from_millis(250))).await;
    }
}

/// Connections held per client address.
#[derive(Default)]
struct PerHost(std::sync::Mutex<HashMap<IpAddr, usize>>);

/// One connection's place in [`PerHost`], given back when dropped.
struct HostSlot(Arc<PerHost>, IpAddr);

impl PerHost {
    fn take(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<HostSlot> {
        let mut held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let count = held.entry(ip).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(HostSlot(self.clone(), ip))
    }
}

impl Drop for HostSlot {
    fn drop(&mut self) {
        let mut held = self.0.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = held.get_mut(&self.1) {
            *count -= 1;
            if *count == 0 {
                held.remove(&self.1);
            }
        }
    }
}
