//! Reading the rest of a request body that a handler did not finish.
//!
//! docrec answers some requests before their body has been read to the
//! end: a failed authentication reads none of it (API.md §2), an oversized
//! upload stops at the limit (§3). If the connection were closed then, the
//! unread bytes in its receive buffer would make the kernel reset it, and a
//! client that sends its whole body before reading the answer (most HTTP
//! libraries do) could get `connection reset` instead of 4010001 or
//! 4000002. So every request body is wrapped: when a handler drops it
//! unfinished, a background task reads and discards the rest, up to
//! [`LINGER_BYTES`] and [`LINGER_TIME`], while the answer is already on its
//! way (a web server's "lingering close"). The bytes are counted and
//! dropped, never kept, so an oversized upload is still never buffered
//! whole; a body longer than that is cut off.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, BodyDataStream, Bytes, HttpBody};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use futures_util::{Stream, StreamExt};

/// The most bytes read and discarded after a handler gave up on a body.
pub const LINGER_BYTES: u64 = 32 * 1024 * 1024;
/// The longest time spent doing so.
pub const LINGER_TIME: Duration = Duration::from_secs(10);

/// Middleware: wraps a request's body so that an unfinished body is drained
/// after the handler drops it.
pub async fn drain_unread_body(request: Request, next: Next) -> Response {
    let request = request.map(|body| {
        if body.is_end_stream() {
            body
        } else {
            Body::from_stream(DrainOnDrop(Some(body.into_data_stream())))
        }
    });
    next.run(request).await
}

/// A body stream that, dropped before its end, hands the rest to [`drain`].
struct DrainOnDrop(Option<BodyDataStream>);

impl Stream for DrainOnDrop {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.0.as_mut() {
            Some(inner) => inner.poll_next_unpin(cx),
            None => Poll::Ready(None),
        }
    }
}

impl Drop for DrainOnDrop {
    fn drop(&mut self) {
        let Some(rest) = self.0.take() else { return };
        if rest.is_end_stream() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(drain(rest));
        }
    }
}

/// Reads and discards `rest` until its end, an error, [`LINGER_BYTES`] or
/// [`LINGER_TIME`].
async fn drain(mut rest: BodyDataStream) {
    let _ = tokio::time::timeout(LINGER_TIME, async {
        let mut read = 0u64;
        while let Some(Ok(chunk)) = rest.next().await {
            read += chunk.len() as u64;
            if read > LINGER_BYTES {
                break;
            }
        }
    })
    .await;
}
