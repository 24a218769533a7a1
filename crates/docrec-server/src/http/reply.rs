//! Turning results and error codes into envelope responses.

use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use docrec_errors::{Envelope, ErrorCode};
use serde::Serialize;

use crate::failure::Failure;

/// A failed answer: the code's envelope with no `result`. The code rides in
/// the response's extensions so the logging layer can report it, and with
/// it the failure's cause when it has one ([`FailureCause`]), never sent to
/// the client. 5000503 (the node cannot take the request now) carries
/// `Retry-After: 1`.
pub type ApiError = Failure;

/// What caused a failed answer ([`Failure::cause`]), for the request's log
/// line.
#[derive(Debug, Clone)]
pub struct FailureCause(pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = envelope_response(&Envelope::<()>::failure(self.code), self.code);
        if self.code == ErrorCode::ApiTemporarilyUnavailable {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if let Some(cause) = self.cause() {
            response
                .extensions_mut()
                .insert(FailureCause(cause.to_owned()));
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

#[cfg(test)]
mod tests {
    use super::*;
    use docrec_auth::AuthError;
    use docrec_store::StoreError;

    #[test]
    fn a_failures_cause_rides_in_the_responses_extensions_beside_its_code() {
        let failed = ApiError::from(AuthError::from(StoreError::AppKeyCollision)).into_response();
        let cause = failed.extensions().get::<FailureCause>();
        assert_eq!(
            cause.map(|FailureCause(cause)| cause.as_str()),
            Some("could not draw an unused appKey")
        );
        assert_eq!(
            failed.extensions().get::<ErrorCode>(),
            Some(&ErrorCode::DatabaseFail)
        );
        let refused = ApiError::from(ErrorCode::UrlNotFound).into_response();
        assert!(refused.extensions().get::<FailureCause>().is_none());
    }
}
