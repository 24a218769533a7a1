//! Turning results and error codes into envelope responses.

use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use docrec_errors::{Envelope, ErrorCode};
use serde::Serialize;

/// A failed answer: the code's envelope with no `result`. The code rides in
/// the response's extensions so the logging layer can report it. 5000503
/// (the node cannot take the request now) carries `Retry-After: 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiError(pub ErrorCode);

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        ApiError(code)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = envelope_response(&Envelope::<()>::failure(self.0), self.0);
        if self.0 == ErrorCode::ApiTemporarilyUnavailable {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// A successful answer carrying `result`.
pub fn success<T: Serialize>(result: T) -> Response {
    envelope_response(&Envelope::success(result), ErrorCode::Success)
}

fn envelope_response<T: Serialize>(envelope: &Envelope<T>, code: ErrorCode) -> Response {
    let mut response = match serde_json::to_vec(envelope) {
        Ok(body) => body.into_response(),
        Err(_) => {
            let fallback = Envelope::<()>::failure(ErrorCode::Fail);
            serde_json::to_vec(&fallback)
                .unwrap_or_default()
                .into_response()
        }
    };
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.extensions_mut().insert(code);
    response
}
