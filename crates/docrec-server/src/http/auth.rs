//! Authentication of the v1.0/v2.0 APIs: the appKey in the path and its
//! secretKey, raw, in `Authorization` (API.md §2). Checked before anything
//! else of the request is read.

use axum::http::HeaderMap;
use docrec_errors::ErrorCode;
use docrec_store::Store;

use super::ApiError;

/// Passes when `Authorization` holds the appKey's secretKey. A missing
/// header is 4000005; an unknown appKey and a wrong secret are both 4010001,
/// indistinguishable to the caller.
pub async fn require_secret(
    store: &Store,
    app_key: &str,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    let secret = headers
        .get(axum::http::header::AUTHORIZATION)
        .ok_or(ApiError(ErrorCode::MissingRequiredHeader))?;
    let secret = secret
        .to_str()
        .map_err(|_| ApiError(ErrorCode::InvalidAppkeySecretkey))?;
    match store.verify_secret(app_key, secret.trim()).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(ApiError(ErrorCode::InvalidAppkeySecretkey)),
        Err(_) => Err(ApiError(ErrorCode::DatabaseFail)),
    }
}
