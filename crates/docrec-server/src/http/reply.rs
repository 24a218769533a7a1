//! Turning results and error codes into envelope responses.

use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use docrec_errors::{Envelope, ErrorCode, ToErrorCode};
use serde::Serialize;

/// A failed answer: the code's envelope with no `result`. The code rides in
/// the response's extensions so the logging layer can report it, and with
/// it, when the failure is the server's own (a 5xxxxxx code or -1), what
/// caused it ([`FailureCause`]): never sent to the client. 5000503 (the
/// node cannot take the request now) carries `Retry-After: 1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    cause: Option<String>,
}

/// What caused a failed answer, for the request's log line: an error's
/// message, which names what failed (the database, the OCR engine, a PDF
/// tool) and never carries a secret or a value read from a document.
#[derive(Debug, Clone)]
pub struct FailureCause(pub String);

impl ApiError {
    /// The answer to `error`: its code, and its message as the cause when
    /// the code is the server's failure rather than the request's.
    pub fn caused_by<E: ToErrorCode + std::fmt::Display>(error: &E) -> ApiError {
        let code = error.error_code();
        let servers_fault = code == ErrorCode::Fail || code.code() >= 5_000_000;
        ApiError {
            code,
            cause: servers_fault.then(|| error.to_string()),
        }
    }
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        ApiError { code, cause: None }
    }
}

impl From<docrec_auth::AuthError> for ApiError {
    fn from(error: docrec_auth::AuthError) -> Self {
        ApiError::caused_by(&error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = envelope_response(&Envelope::<()>::failure(self.code), self.code);
        if self.code == ErrorCode::ApiTemporarilyUnavailable {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if let Some(cause) = self.cause {
            response.extensions_mut().insert(FailureCause(cause));
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

    fn cause_of(response: &Response) -> Option<&str> {
        let cause = response.extensions().get::<FailureCause>();
        cause.map(|FailureCause(cause)| cause.as_str())
    }

    #[test]
    fn the_servers_failures_carry_their_cause_and_refusals_do_not() {
        let failed = ApiError::from(AuthError::from(StoreError::AppKeyCollision)).into_response();
        assert_eq!(cause_of(&failed), Some("could not draw an unused appKey"));
        assert_eq!(
            failed.extensions().get::<ErrorCode>(),
            Some(&ErrorCode::DatabaseFail)
        );
        let refused = ApiError::from(AuthError::from(ErrorCode::InvalidAppkeySecretkey));
        assert_eq!(cause_of(&refused.into_response()), None);
        assert_eq!(
            cause_of(&ApiError::from(ErrorCode::Fail).into_response()),
            None
        );
    }
}
