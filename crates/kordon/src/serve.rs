//! The HTTP server loop: accepts TCP connections and serves the router over HTTP/1.1 and HTTP/2
//! with the limits a reverse proxy would otherwise add — a connection cap, a header read
//! timeout, an idle timeout, HTTP/2 stream, header and reset limits — and a bounded graceful
//! shutdown. `axum::serve` has none of these knobs, so kordon drives hyper itself.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
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
        let _ = stream.set_nodelay(true);
        let (builder, router, mut stopping) = (builder.clone(), router.clone(), stopping.clone());
        let (idle_timeout, drain_timeout) = (limits.idle_timeout, limits.shutdown_timeout);
        tokio::spawn(async move {
            let _slot = slot;
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
            let io = TokioIo::new(Watched { inner: stream, activity: activity.clone() });
            let connection = builder.serve_connection(io, service);
            let mut connection = pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                () = idle(&activity, idle_timeout) => tracing::debug!(%peer, "closing an idle connection"),
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

/// What a connection has been doing: requests in flight and the last time bytes arrived.
struct Activity {
    epoch: Instant,
    last_read_ms: AtomicU64,
    in_flight: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Self { epoch: Instant::now(), last_read_ms: AtomicU64::new(0), in_flight: AtomicUsize::new(0) }
    }

    fn touch(&self) {
        self.last_read_ms.store(self.epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    fn quiet_for(&self) -> Duration {
        let last = Duration::from_millis(self.last_read_ms.load(Ordering::Relaxed));
        self.epoch.elapsed().saturating_sub(last)
    }
}

/// Counts a request as in flight until dropped (answered, or cancelled with its connection).
struct InFlight(Arc<Activity>);

impl InFlight {
    fn start(activity: Arc<Activity>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::SeqCst);
        Self(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.touch();
    }
}

/// Completes once the connection has had no request in flight and received nothing for `limit`.
async fn idle(activity: &Activity, limit: Duration) {
    loop {
        let quiet = activity.quiet_for();
        if quiet >= limit && activity.in_flight.load(Ordering::SeqCst) == 0 {
            return;
        }
        tokio::time::sleep(limit.saturating_sub(quiet).max(Duration::from_millis(250))).await;
    }
}

/// A TCP stream that notes when bytes arrive.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
