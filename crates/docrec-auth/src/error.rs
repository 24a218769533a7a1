//! The one error of this crate: a refusal, answered with its code, or a
//! failure underneath it (the store, the OS's random source), kept as its
//! source so that the server's log line can say what failed. No variant
//! carries a secret.

use docrec_errors::{ErrorCode, ToErrorCode};
use docrec_store::StoreError;

/// Why a check or an operation of [`crate::Auth`] did not pass.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The caller is refused, or names what does not exist: the code says
    /// which (a missing header, a wrong secretKey, an unknown project...).
    #[error("refused with {}", .0.code())]
    Refused(ErrorCode),
    /// The store failed (`DATABASE_FAIL`).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A deletion failed and nothing was deleted (`RESOURCE_DELETE_FAIL`).
    #[error("the deletion failed: {0}")]
    Delete(#[source] StoreError),
    /// The OS gave no random bytes for a token (`FAIL`).
    #[error("the OS gave no random bytes: {0}")]
    Random(getrandom::Error),
}

impl From<ErrorCode> for AuthError {
    fn from(code: ErrorCode) -> Self {
        AuthError::Refused(code)
    }
}

impl ToErrorCode for AuthError {
    fn error_code(&self) -> ErrorCode {
        match self {
            AuthError::Refused(code) => *code,
            AuthError::Store(error) => error.error_code(),
            AuthError::Delete(_) => ErrorCode::ResourceDeleteFail,
            AuthError::Random(_) => ErrorCode::Fail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_answers_its_code_and_keeps_the_stores_cause() {
        assert_eq!(
            AuthError::from(ErrorCode::InvalidToken).error_code(),
            ErrorCode::InvalidToken
        );
        let store = || StoreError::AppKeyCollision;
        let failed = AuthError::from(store());
        assert_eq!(failed.error_code(), ErrorCode::DatabaseFail);
        assert_eq!(failed.to_string(), store().to_string());
        let deletion = AuthError::Delete(store());
        assert_eq!(deletion.error_code(), ErrorCode::ResourceDeleteFail);
        assert!(std::error::Error::source(&deletion).is_some());
    }
}
