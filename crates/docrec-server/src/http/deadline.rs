//! The deadline on request bodies: a body must arrive whole within
//! `DOCREC_BODY_TIMEOUT_SECONDS` of its request's headers. A client that
//! sends its body a byte at a time, or stops half-way, would otherwise hold
//! its connection, its handler and whatever it had read for ever. At the
//! deadline the body's stream fails, and the handler answers as for a
//! broken body (for an upload, 4000001 as a malformed multipart body).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, BodyDataStream, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::{Stream, StreamExt};
use tokio::time::Sleep;

/// Middleware: bounds the time a request's body may take to arrive.
pub async fn limit_body_time(
    State(limit): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    let request = request.map(|body| {
        if body.is_end_stream() {
            body
        } else {
            Body::from_stream(Deadline {
                body: Some(body.into_data_stream()),
                deadline: Box::pin(tokio::time::sleep(limit)),
            })
        }
    });
    next.run(request).await
}

/// A body stream that fails once its deadline has passed.
struct Deadline {
    /// `None` once the deadline has passed.
    body: Option<BodyDataStream>,
    deadline: Pin<Box<Sleep>>,
}

impl Stream for Deadline {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(body) = self.body.as_mut() else {
            return Poll::Ready(None);
        };
        if let Poll::Ready(next) = body.poll_next_unpin(cx) {
            return Poll::Ready(next);
        }
        // Nothing yet: the deadline wakes this task if the body does not.
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.body = None;
            let late = std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the request body did not arrive in time",
            );
            return Poll::Ready(Some(Err(axum::Error::new(late))));
        }
        Poll::Pending
    }
}
