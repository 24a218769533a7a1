//! A failure as docrec answers it: the table's code and, when the failure
//! is the server's own rather than the request's, what caused it (the
//! database's error, the OCR engine's, a PDF tool's), for the log. The
//! cause is an error's message: it names what failed, never a secret or a
//! value read from a document, and it is never sent to a client.

use docrec_errors::{ErrorCode, ToErrorCode};

/// A code of the table, with its cause when the server failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: ErrorCode,
    cause: Option<String>,
}

impl Failure {
    /// The failure `error` is: its code, and its message as the cause when
    /// the code is the server's failure ([`is_servers_failure`]).
    pub fn caused_by<E: ToErrorCode + std::fmt::Display>(error: &E) -> Failure {
        let code = error.error_code();
        Failure {
            code,
            cause: is_servers_failure(code).then(|| error.to_string()),
        }
    }

    /// The server's failure `code`, caused by `cause` (an error's message).
    pub fn with_cause(code: ErrorCode, cause: &dyn std::fmt::Display) -> Failure {
        Failure {
            code,
            cause: Some(cause.to_string()),
        }
    }

    /// What caused it, when the server failed.
    pub fn cause(&self) -> Option<&str> {
        self.cause.as_deref()
    }

    /// Its code, once its cause (if any) is logged: for the command line,
    /// which prints codes as the API answers them.
    pub fn logged(self) -> ErrorCode {
        if let Some(cause) = &self.cause {
            tracing::warn!(result_code = self.code.code(), cause, "failed");
        }
        self.code
    }
}

/// Whether `code` says the server failed (-1 or a 5xxxxxx code), not the
/// request: a document that shows no text or whose number cannot be read
/// (5003xx2, 5003xx3) is the document's, not a failure to log.
fn is_servers_failure(code: ErrorCode) -> bool {
    use ErrorCode::*;
    let unreadable = matches!(
        code,
        OcrDocumentBusinessApiReturnEmpty
            | OcrDocumentBusinessRecognitionFail
            | OcrDocumentCreditCardApiReturnEmpty
            | OcrDocumentCreditCardRecognitionFail
            | OcrDocumentIdCardApiReturnEmpty
            | OcrDocumentIdCardRecognitionFail
    );
    (code == Fail || code.code() >= 5_000_000) && !unreadable
}

/// The code (`5000003 DATABASE_FAIL: Database server error.`), then the
/// cause when there is one.
impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.cause {
            Some(cause) => write!(f, "{}: {cause}", self.code),
            None => write!(f, "{}", self.code),
        }
    }
}

impl std::error::Error for Failure {}

impl From<ErrorCode> for Failure {
    fn from(code: ErrorCode) -> Self {
        Failure { code, cause: None }
    }
}

impl From<docrec_auth::AuthError> for Failure {
    fn from(error: docrec_auth::AuthError) -> Self {
        Failure::caused_by(&error)
    }
}

/// A code alone has no cause; any other failure's cause is its message.
impl From<docrec_auth::KeyRingError> for Failure {
    fn from(error: docrec_auth::KeyRingError) -> Self {
        match error {
            docrec_auth::KeyRingError::Code(code) => code.into(),
            error => Failure::caused_by(&error),
        }
    }
}

/// A code alone has no cause, the key ring's failure is converted as
/// above; any other failure's cause is its message.
impl From<docrec_auth::AuthenticityError> for Failure {
    fn from(error: docrec_auth::AuthenticityError) -> Self {
        use docrec_auth::AuthenticityError;
        match error {
            AuthenticityError::Code(code) => code.into(),
            AuthenticityError::Keys(error) => error.into(),
            error => Failure::caused_by(&error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use docrec_auth::AuthError;
    use docrec_store::StoreError;

    #[test]
    fn the_servers_failures_carry_their_cause_and_refusals_do_not() {
        let failed = Failure::from(AuthError::from(StoreError::AppKeyCollision));
        assert_eq!(failed.code, ErrorCode::DatabaseFail);
        assert_eq!(failed.cause(), Some("could not draw an unused appKey"));
        let refused = Failure::from(AuthError::from(ErrorCode::InvalidAppkeySecretkey));
        assert_eq!(refused.cause(), None);
        assert_eq!(Failure::from(ErrorCode::Fail).cause(), None);
        assert!(is_servers_failure(ErrorCode::OcrDocumentIdCardApiFail));
        assert!(!is_servers_failure(
            ErrorCode::OcrDocumentIdCardRecognitionFail
        ));
        assert!(!is_servers_failure(ErrorCode::InvalidAppkeySecretkey));
        assert_eq!(failed.logged(), ErrorCode::DatabaseFail);
    }
}
