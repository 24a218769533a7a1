//! The bound on recognitions: at most `DOCREC_WORKERS` run and at most
//! `DOCREC_QUEUE_LIMIT` wait for an OCR engine. A recognition request
//! beyond that is refused at once, before its body is read, with 5000008
//! `RECOGNITION_BUSY` and `Retry-After: 1` (HTTP 503 with
//! `DOCREC_HTTP_STATUS=natural`), so that a burst above capacity neither
//! piles up uploads in memory nor makes every client wait for the slowest.
//!
//! The slot a request holds ([`RecognitionSlot`]) rides in its extensions
//! to the handler, which moves it onto the blocking thread that
//! recognises: it is given back when the recognition ends, even when the
//! client has gone away before.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use docrec_errors::ErrorCode;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{ApiError, AppState};

/// The places for recognitions: running plus waiting.
#[derive(Clone)]
pub struct RecognitionSlots(Arc<Semaphore>);

impl RecognitionSlots {
    /// `workers` running and `queue` waiting.
    pub fn new(workers: usize, queue: usize) -> RecognitionSlots {
        RecognitionSlots(Arc::new(Semaphore::new(workers + queue)))
    }

    /// How many places are free now.
    pub fn free(&self) -> usize {
        self.0.available_permits()
    }
}

/// A place held by one recognition request; given back when dropped.
/// (`Clone`, as request extensions must be; the place is given back when
/// the last clone is dropped.)
#[derive(Clone)]
pub struct RecognitionSlot {
    _permit: Arc<OwnedSemaphorePermit>,
}

impl RecognitionSlot {
    /// Takes the place [`admit`] put in `request`'s extensions.
    pub fn take(request: &mut Request) -> Option<RecognitionSlot> {
        request.extensions_mut().remove::<RecognitionSlot>()
    }
}

/// Middleware in front of each recognition route: takes a place or
/// refuses the request.
pub async fn admit(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    match state.recognition_slots.0.clone().try_acquire_owned() {
        Ok(permit) => {
            request.extensions_mut().insert(RecognitionSlot {
                _permit: Arc::new(permit),
            });
            next.run(request).await
        }
        Err(_) => {
            let mut refused = ApiError(ErrorCode::RecognitionBusy).into_response();
            refused
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
            refused
        }
    }
}
