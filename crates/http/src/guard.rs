//! The request guard every request passes first: a per-request deadline (the work of a request
//! that runs past it is dropped and answered 503), and connection hygiene — an HTTP/1 answer
//! given before the request body was read to its end says `Connection: close`, so a keep-alive
//! client opens a fresh connection for its next request instead of finding this one dropped.

use crate::edge::plain_error;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Version, header};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

/// Applies the deadline and the `Connection: close` rule (see the module docs).
pub(crate) async fn guard(State(timeout): State<Duration>, request: Request, next: Next) -> Response {
    let http1 = matches!(request.version(), Version::HTTP_10 | Version::HTTP_11);
    let (parts, body) = request.into_parts();
    let read = Arc::new(AtomicBool::new(false));
    let body = Body::new(Tracked::new(body, read.clone()));
    let work = next.run(Request::from_parts(parts, body));
    let mut response = match timeout.is_zero() {
        true => work.await,
        false => match tokio::time::timeout(timeout, work).await {
            Ok(response) => response,
            Err(_) => {
                tracing::warn!(timeout_s = timeout.as_secs(), "a request ran past its deadline; its work was dropped");
                let mut answer = plain_error(StatusCode::SERVICE_UNAVAILABLE, "Server busy, try again.");
                answer.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                answer
            }
        },
    };
    if http1 && !read.load(Ordering::SeqCst) {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// A request body that notes when it has been read to its end.
struct Tracked {
    inner: Body,
    read: Arc<AtomicBool>,
}

impl Tracked {
    fn new(inner: Body, read: Arc<AtomicBool>) -> Self {
        if http_body::Body::is_end_stream(&inner) {
            read.store(true, Ordering::SeqCst);
        }
        Self { inner, read }
    }
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || http_body::Body::is_end_stream(&self.inner) {
            self.read.store(true, Ordering::SeqCst);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
