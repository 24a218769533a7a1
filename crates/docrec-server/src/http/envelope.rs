//! Decoding an envelope request (API.md §4.3, v2.0 and v2.1), for every
//! resource's v2 handlers: takes the request and its appKey's key pairs,
//! gives the request's symmetric key K and its decrypted upload (or its
//! recognition), for the handler to encrypt its answer with K.
//!
//! A v2 request is checked in this order: its authentication (the
//! version's layer, [`super::auth`]), the `X-Key-Version` and
//! `Symmetric-Key` headers (4000005), the version (4000301), the
//! unwrapped key (4000302), then the upload as in v1 and its decryption
//! (4000303). The answer's sensitive values are encrypted with the same
//! key, Base64.

use axum::extract::Request;
use axum::http::HeaderMap;
use docrec_crypto::SymmetricKey;
use docrec_errors::ErrorCode;
use docrec_store::Service;
use zeroize::Zeroizing;

use super::upload::{read_upload, recognize_blocking};
use super::{ApiError, AppState};
use crate::recognition::Recognizer;

/// The header naming the public key version the client wrapped K with.
pub const KEY_VERSION_HEADER: &str = "X-Key-Version";
/// The header carrying K, RSA-wrapped, Base64.
pub const SYMMETRIC_KEY_HEADER: &str = "Symmetric-Key";

/// Unwraps the request's K, then reads, decrypts and recognises its
/// `image` part with `recognize`; gives the (plaintext) result and K, to
/// encrypt the answer with. Checks the envelope headers before the body.
pub(super) async fn recognize_encrypted<R: Send + 'static>(
    state: &AppState,
    app_key: &str,
    service: Service,
    request: Request,
    engine_failure: ErrorCode,
    recognize: fn(&Recognizer, &[u8]) -> Result<R, ApiError>,
) -> Result<(R, SymmetricKey), ApiError> {
    let key = request_key(state, app_key, service, request.headers()).await?;
    let image = decrypt_upload(state, request, &key).await?;
    let slot = state.admission.take_place(app_key)?;
    let result = recognize_blocking(state, slot, image, engine_failure, recognize).await?;
    Ok((result, key))
}

/// K, unwrapped with the key pair that `X-Key-Version` names.
pub(super) async fn request_key(
    state: &AppState,
    app_key: &str,
    service: Service,
    headers: &HeaderMap,
) -> Result<SymmetricKey, ApiError> {
    let header = |name: &str| {
        headers
            .get(name)
            .map(|v| v.to_str().map(str::to_owned))
            .ok_or(ApiError::from(ErrorCode::MissingRequiredHeader))
    };
    let version =
        header(KEY_VERSION_HEADER)?.map_err(|_| ApiError::from(ErrorCode::InvalidKeyVersion))?;
    let wrapped = header(SYMMETRIC_KEY_HEADER)?
        .map_err(|_| ApiError::from(ErrorCode::InvalidSymmetricKey))?;
    let pair = state.keys.key_pair(app_key, service, &version).await?;
    // RSA decryption is milliseconds of constant-time arithmetic: off the
    // async workers.
    tokio::task::spawn_blocking(move || SymmetricKey::unwrap(&pair, &wrapped))
        .await
        .map_err(|_| ApiError::from(ErrorCode::DecryptFail))?
        .map_err(|e| ApiError::caused_by(&e))
}

/// The `image` part, read as in v1 and decrypted with K; an image that
/// decrypts to nothing is empty (4000004).
async fn decrypt_upload(
    state: &AppState,
    request: Request,
    key: &SymmetricKey,
) -> Result<Zeroizing<Vec<u8>>, ApiError> {
    let upload = read_upload(state, request).await?;
    let image = key
        .decrypt_upload(&upload.bytes)
        .map_err(|e| ApiError::caused_by(&e))?;
    if image.is_empty() {
        return Err(ApiError::from(ErrorCode::UploadedFileIsEmpty));
    }
    Ok(image)
}
